"""Incremental validation: with a cache, only the rows of disclosures not validated before are
checked (row_checks), and keys.check_keys checks what crosses rows over the whole package — and
finds what frictionless finds there."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import frictionless
import pytest
from test_package import OTHER_UNIT, disclosure, outcome

import generator.package.stage as stage
from generator.contract.records import TableKind
from generator.package import PackageInvalid, records_of, start_datapackage, validate_package
from generator.package.keys import check_keys

CHANGED = "shijiazhuang-luancheng-224-abc123-2018"
OTHER = "shijiazhuang-luancheng-224-abc123-2019"
FULL = "every row checked, keys across the package checked"
CROSS_ROW = {"primary-key", "unique-error", "foreign-key", "hash-count", "byte-count", "incorrect-label",
             "missing-label", "extra-label"}


def records():
    """Six disclosures: one of them changed is under INCREMENTAL_SHARE."""
    return [*(disclosure(year=year) for year in range(2018, 2023)), disclosure(OTHER_UNIT, 2024)]


def build(out: Path, disclosures, cache: Path | None, lines: list[str] | None = None):
    with start_datapackage(records_of(disclosures, [outcome(r) for r in disclosures]), out, cache_dir=cache,
                           log=(lines if lines is not None else []).append) as pending:
        return pending.wait()


def rows_of(folder: Path, disclosure_id: str) -> int:
    """The rows of one disclosure in every resource kept per disclosure."""
    count = 0
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            if next(reader)[0] == "disclosure_id":
                count += sum(row[0] == disclosure_id for row in reader)
    return count


def corrupt(monkeypatch, resource: str, old: str, new: str) -> list:
    """CHANGED's rows of resource written with old replaced by new, as a bug in the writer would;
    returns records() with CHANGED's record edited, since only a changed record's rows are made again."""
    written = stage.csv_bytes

    def csv_bytes(schema, rows, header=True):
        data = written(schema, rows, header)
        if schema.name == resource and rows and rows[0].get("disclosure_id") == CHANGED:
            data = data.replace(old.encode(), new.encode())
        return data
    monkeypatch.setattr(stage, "csv_bytes", csv_bytes)
    edited = records()
    edited[0].published_unit = "单位"
    return edited


@pytest.fixture
def cache(tmp_path) -> Path:
    """A cache recording that every disclosure of records() was validated."""
    cache = tmp_path / "cache"
    first = build(tmp_path / "first", records(), cache)
    assert first.method == FULL and first.rows_checked == sum(r.rows for r in first.resources)
    return cache


def test_after_one_change_only_that_disclosures_rows_are_checked(tmp_path, cache):
    unchanged = build(tmp_path / "unchanged", records(), cache)
    assert unchanged.rows_checked == 0 and "0 of 6 disclosures" in unchanged.method

    edited = records()
    edited[0].tables[TableKind.EXPENDITURE].rows[2].amounts["basic"] = Decimal("3148400")
    lines: list[str] = []
    report = build(tmp_path / "edited", edited, cache, lines)
    assert report.valid
    assert report.rows_checked == rows_of(tmp_path / "edited", CHANGED) == 19
    assert "data package: valid — 24 resources, 194 rows, 0 errors; validated incrementally: rows of 1 of 6 " \
           "disclosures checked, keys across the package checked" in lines
    # A new code changes the code list: read whole as well.
    added = [*edited[:1], disclosure(year=2019, code="2013702"), *edited[2:]]
    assert "rows of 1 of 6 disclosures checked (and function_codes)" in build(tmp_path / "added", added, cache).method
    # Without a cache, or once more than a fifth changed, every row is checked.
    assert build(tmp_path / "uncached", edited, None).method == FULL
    many = records()
    for record in many[:2]:
        record.tables[TableKind.EXPENDITURE].rows[2].amounts["basic"] = Decimal("1")
    assert build(tmp_path / "many", many, cache).method == FULL


def test_a_bad_value_in_the_changed_disclosure_is_caught_and_numbered_as_in_the_whole_package(
        tmp_path, cache, monkeypatch):
    edited = corrupt(monkeypatch, "expenditure_by_function", "3148500.00", "3148500.0x")
    with pytest.raises(PackageInvalid) as raised:
        build(tmp_path / "dp", edited, cache)
    incremental = raised.value.report
    assert "1 of 6 disclosures" in incremental.method
    assert any("type-error" in error for error in incremental.errors)
    assert incremental.errors == validate_package(tmp_path / "dp").errors


def test_a_primary_key_repeated_across_two_disclosures_is_caught(tmp_path, cache, monkeypatch):
    edited = corrupt(monkeypatch, "expenditure_by_function", CHANGED, OTHER)
    with pytest.raises(PackageInvalid, match=r"expenditure_by_function row 8: primary-key: .* same as in the row "
                                             "at position 5") as raised:
        build(tmp_path / "dp", edited, cache)
    assert "1 of 6 disclosures" in raised.value.report.method


def test_a_dangling_foreign_key_is_caught(tmp_path, cache, monkeypatch):
    edited = corrupt(monkeypatch, "table_status", CHANGED, "nowhere-2018")
    with pytest.raises(PackageInvalid, match=r'table_status row 11: foreign-key: .* for "disclosure_id": values '
                                             '"nowhere-2018" not found in the lookup table "disclosures"') as raised:
        build(tmp_path / "dp", edited, cache)
    assert "1 of 6 disclosures" in raised.value.report.method


def _edited(folder: Path, resource: str, edit) -> None:
    path = folder / f"{resource}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(edit(lines)), encoding="utf-8")


CORRUPTIONS = {
    "row repeated": ("expenditure_by_function", lambda lines: [*lines, lines[3]]),
    "parent code dangling": ("function_codes", lambda lines: [line.replace(",20137\n", ",20139\n") for line in lines]),
    "rule unknown": ("checks", lambda lines: [lines[0], lines[1].replace("table.total_equals_top_level", "table.nope"),
                                              *lines[2:]]),
    "header renamed": ("units", lambda lines: [lines[0].replace("unit_name", "name"), *lines[1:]]),
    "blank key": ("disclosures", lambda lines: [*lines, "," * lines[0].count(",") + "\n"]),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_the_key_check_finds_what_frictionless_finds_across_rows(tmp_path, corruption):
    build(tmp_path / "dp", records(), None)
    resource, edit = CORRUPTIONS[corruption]
    _edited(tmp_path / "dp", resource, edit)
    result = frictionless.validate(str(tmp_path / "dp" / "datapackage.json"))
    found = {(task.name, error.type, getattr(error, "row_number", None))
             for task in result.tasks for error in task.errors if error.type in CROSS_ROW}
    checked = {(problem.resource, problem.type, problem.row_number) for problem in check_keys(tmp_path / "dp").problems}
    assert checked == found
    assert {kind for _, kind, _ in checked} - {"hash-count", "byte-count"}  # the corruption itself was seen


def test_a_package_valid_for_frictionless_passes_the_key_check(tmp_path):
    build(tmp_path / "dp", records(), None)
    check = check_keys(tmp_path / "dp")
    assert check.problems == []
    descriptor = json.loads((tmp_path / "dp" / "datapackage.json").read_text(encoding="utf-8"))
    assert set(check.rows) == {resource["name"] for resource in descriptor["resources"]}
