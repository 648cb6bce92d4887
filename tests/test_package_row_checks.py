"""row_checks.RowChecker finds, row by row, exactly the errors frictionless finds, with the same
messages: each package here is made wrong in one way and validated both ways."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from test_package_incremental import build, records

from generator.package.row_checks import RowChecker
from generator.package.schema import RESOURCES
from generator.package.validation import IncrementalPlan, _validate, _validate_incrementally

# name → (resource, data row, field, new text, how many errors frictionless finds there); None as the
# field: the row's cells replaced by the text's cells.
EDITS = {
    "integer not a number": ("disclosures", 0, "year", "2024.5", 1),
    "integer under minimum": ("table_status", 3, "row_count", "-1", 1),
    "integer with spaces": ("disclosures", 1, "year", " 2019 ", 0),
    "required integer blank": ("table_status", 2, "table_number", "", 1),
    "number with a comma": ("expenditure_by_function", 1, "total", "3,148,500.00", 1),
    "number with spaces": ("expenditure_by_function", 2, "total", " 12.50 ", 0),
    "number in exponent form": ("expenditure_by_function", 2, "basic", "1e3", 0),
    "boolean misspelt": ("expenditure_by_function", 0, "is_total", "yes", 1),
    "boolean in capitals": ("expenditure_by_function", 0, "is_total", "TRUE", 0),
    "pattern broken": ("expenditure_by_function", 4, "function_code", "2013x", 2),  # and the foreign key to function_codes
    "enum outside": ("disclosures", 2, "scope", "部门单位", 1),
    "enum blank is allowed": ("disclosures", 2, "scope", "", 0),
    "required string blank": ("projects", 0, "project_name", "", 1),
    "date impossible": ("fixed_assets", 0, "as_of", "2021-02-30", 1),
    "date unpadded": ("fixed_assets", 1, "as_of", "2021-2-3", 0),
    "object a list": ("projects", 1, "spending_plan", "[1, 2]", 1),
    "object broken": ("projects", 2, "spending_plan", '{"3月底": ', 1),
    "object nested": ("projects", 3, "spending_plan", '{"a": {"b": [1]}}', 0),
    "extra cell": ("fixed_assets", 2, None, "{row},extra", 1),
    "missing cells": ("checks", 1, None, "{first}", 12),  # nine cells missing, three of them required
    "blank row": ("fixed_assets", 3, None, ",,,,,,", 2),  # and a primary key of blanks
    "blank row with a pattern": ("units", 0, None, ",,", 3),  # its primary key, a unit pointing to it
}


def edited(folder: Path, resource: str, row: int, field: str | None, text: str) -> None:
    """One cell (or one row) of resource changed, and the descriptor's bytes and hash with it, so
    that only the cells are wrong."""
    path = folder / f"{resource}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    if field is None:
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow(rows[row + 1])
        replaced = text.format(row=line.getvalue(), first=rows[row + 1][0])
        rows[row + 1] = next(csv.reader([replaced]))
    else:
        rows[row + 1][rows[0].index(field)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for entry in descriptor["resources"]:
        if entry["name"] == resource:
            data = path.read_bytes()
            entry["bytes"], entry["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rows") / "dp"
    build(folder, records(), None)
    return folder


def both_ways(folder: Path) -> tuple[list[str], list[str]]:
    names = [resource.name for resource in RESOURCES]
    full = _validate(str(folder / "datapackage.json"))
    checked = _validate_incrementally((str(folder), IncrementalPlan.everything(names, 6)))
    assert full[2] == checked[2]  # each resource's rows and errors
    return full[1], checked[1]


@pytest.mark.parametrize("edit", EDITS)
def test_each_wrong_cell_is_found_as_frictionless_finds_it(package, tmp_path, edit):
    folder = tmp_path / "dp"
    shutil.copytree(package, folder)
    resource, row, field, text, count = EDITS[edit]
    edited(folder, resource, row, field, text)
    by_frictionless, by_row_checks = both_ways(folder)
    assert by_row_checks == by_frictionless
    assert len(by_frictionless) == count
    assert by_frictionless[:1] == [line for line in by_frictionless if line.startswith(f"{resource} row {row + 2}")][:1]


def test_a_valid_package_is_valid_both_ways(package):
    assert both_ways(package) == ([], [])


def test_every_schema_is_checked_without_frictionless_reading_a_valid_row():
    """Every field of every resource has a fast test, so a valid row never takes the slow path."""
    for resource in RESOURCES:
        assert RowChecker(resource.descriptor()).slow_fields == [], resource.name
