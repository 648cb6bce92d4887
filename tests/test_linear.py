"""Work per pair of years does not load the years' records: its cost is the rules', not a reload."""

from __future__ import annotations

import dataclasses

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
