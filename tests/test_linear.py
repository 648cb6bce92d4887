"""Work per pair of years does not load the years' records: its cost is the rules', not a reload."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.check import check_across_years, run_checks, years_view
from generator.contract.records import TableKind
from generator.pipeline.extraction import store_disclosure
from generator.runtime.store import RecordStore
from tests.test_check_rules import fact
from tests.test_parallel import _two_years


def test_a_years_view_holds_what_the_rules_across_years_read():
    later, earlier = _two_years("hebei-a-224")
    later.narrative.facts[-1] = fact("change_vs_last_year", "5", qualifier="2025")  # 0 is right: it fails
    view = years_view(later)
    assert set(view.tables) == {TableKind.SUMMARY, TableKind.EXPENDITURE} < set(later.tables)
    assert view.narrative.facts == later.narrative.facts and later.paragraphs and view.paragraphs == []
    assert later.narrative.projects and not view.narrative.projects
    outcomes = check_across_years(view, years_view(earlier))
    assert outcomes == check_across_years(later, earlier)
    assert [(o.rule, o.status, o.expected, o.actual) for o in outcomes] == [
        ("years.change_vs_last_year", "fail", 0, 50000)]


def test_pairs_of_years_are_checked_from_their_views_not_their_records(tmp_path, monkeypatch):
    from generator.pipeline.stored import check_records

    disclosures = [d for unit in ("hebei-a-224", "hebei-b-224", "hebei-c-224") for d in _two_years(unit)]
    store = RecordStore(tmp_path / "records")
    extracted = [store_disclosure(store, f"{number:064x}", d) for number, d in enumerate(disclosures)]

    def unloadable(self, key):
        raise AssertionError(f"records of {key} loaded to check a pair of years")

    monkeypatch.setattr(RecordStore, "records", unloadable)
    lines: list[str] = []
    records = check_records(store, extracted, lines.append, jobs=1)
    assert lines == ["checked 3 disclosures against their unit's previous year (3 anew)"]
    monkeypatch.undo()
    loaded = [outcome for header in sorted(records.headers, key=lambda h: h.disclosure_id)
              for outcome in records.load(header)[1]]
    assert loaded == run_checks(disclosures)


def test_a_missing_view_is_made_again_from_the_records(tmp_path):
    from generator.pipeline.extraction import years_view_key
    from generator.pipeline.stored import check_records

    disclosures = _two_years("hebei-a-224")
    store = RecordStore(tmp_path / "records")
    extracted = [store_disclosure(store, f"{number:064x}", d) for number, d in enumerate(disclosures)]
    view = store.store._path("derived", years_view_key(f"{1:064x}"))
    assert view is not None and view.is_file()
    view.write_bytes(view.read_bytes()[:-1])  # damaged: its checksum no longer agrees
    records = check_records(store, extracted, lambda line: None, jobs=1)
    assert [o.status for o in records.load(records.headers[0])[1] if o.rule == "years.change_vs_last_year"] == ["pass"]
    assert store.derived(years_view_key(f"{1:064x}")) == years_view(disclosures[1])


@pytest.mark.parametrize("reads", [("paragraphs",), ("duties",)])
def test_a_rule_across_years_reading_more_is_kept_or_refused(monkeypatch, reads):
    import generator.check

    catalogue = [dataclasses.replace(item, reads=item.reads + reads) if item.across_years else item
                 for item in generator.check.rules()]
    monkeypatch.setattr(generator.check, "rules", lambda: catalogue)
    later, _ = _two_years("hebei-a-224")
    if reads == ("paragraphs",):
        assert years_view(later).paragraphs == later.paragraphs != []
    else:
        with pytest.raises(ValueError, match="duties"):
            years_view(later)


def test_a_rebuild_after_one_change_makes_that_disclosures_work_only(tmp_path, monkeypatch):
    """After one document changed, a cached build loads the records of that document only, makes
    its package rows and zip only, renders its unit only, and gives the bytes of a cold build."""
    from generator.package import stage
    from generator.pipeline.build import BuildOptions, build
    from generator.render import pages
    from generator.runtime.store import Store
    from tests.test_store import SEEDS, _corpus, _tree

    source = _corpus(tmp_path / "source_docs")
    changed = source / f"{SEEDS['001']}.txt"

    def run(root: Path, cache: Path | None) -> None:
        build(BuildOptions(source, root / "datapackage", root / "site", jobs=1, cache_dir=cache,
                           docs_dir=root / "build" / "docs", changelog=root / "CHANGELOG.md"), log=lambda line: None)

    run(tmp_path / "cached", tmp_path / "cache")
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("固定资产金额为1.385万元", "固定资产金额为1.485万元"), encoding="utf-8")
    read: dict[str, int] = {}
    real_read = Store.read

    def counted_read(self: Store, kind: str, key: str):
        read[kind] = read.get(kind, 0) + 1
        return real_read(self, kind, key)

    rows_made, units_rendered = [], []
    real_rows, real_render = stage.disclosure_rows, pages.render_unit
    monkeypatch.setattr(Store, "read", counted_read)
    monkeypatch.setattr(stage, "disclosure_rows", lambda d, o: rows_made.append(d.disclosure_id) or real_rows(d, o))
    monkeypatch.setattr(pages, "render_unit", lambda task: units_rendered.append(task.unit_id) or real_render(task))
    run(tmp_path / "cached", tmp_path / "cache")
    monkeypatch.undo()
    assert len(rows_made) == 1 and len(units_rendered) == 1 and rows_made[0].startswith(units_rendered[0])
    # The changed document's records, loaded by the package and the render stage; the others' are
    # not read (their summaries are, and the package rows the package's files are made of).
    assert (read["records"], read["summary"], read["made"]) == (2, 3, 2)
    # The three disclosures' zips and the zip of the unit of two years (one a miss: made again);
    # each unit's index view (one a miss: rendered again).
    assert (read["zip"], read["unit"]) == (4, 2)
    run(tmp_path / "cold", None)
    for folder in ("datapackage", "site"):
        assert _tree(tmp_path / "cached" / folder) == _tree(tmp_path / "cold" / folder)
