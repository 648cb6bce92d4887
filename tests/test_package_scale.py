"""The package stage at scale: validation the caller waits for later, download zips kept in a
cache by content (a rebuild after one change makes only that disclosure's and its unit's zips),
a single-year unit's zip shared with its disclosure's, and workbooks bounded by Excel's row limit."""

from __future__ import annotations

import dataclasses
import io
import zipfile
import zlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_package import OTHER_UNIT, UNIT, disclosure, outcome

import generator.package.downloads as downloads
import generator.package.stage as stage
import generator.package.writer as writer
import generator.package.zips as zips
from generator.contract.records import CheckOutcome, TableKind
from generator.package import (
    PackageInvalid,
    disclosure_download,
    records_of,
    start_datapackage,
    unit_download,
    write_datapackage,
)
from generator.package.rows import PER_DISCLOSURE


def quiet(_: str) -> None:
    pass


def records():
    return [disclosure(year=2023), disclosure(OTHER_UNIT, 2024), disclosure(year=2022)]


def failed(record) -> CheckOutcome:
    return dataclasses.replace(outcome(record), rule="table.parent_equals_children", status="fail",
                               actual=Decimal("1.00"), message="1.00 ≠ 3148500.00")


def write(out: Path, disclosures, cache: Path | None, outcomes=None) -> list[str]:
    outcomes = [outcome(r) for r in disclosures] if outcomes is None else outcomes
    with start_datapackage(records_of(disclosures, outcomes), out, cache_dir=cache, log=quiet) as pending:
        assert pending.wait().valid
    return pending.made


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_rebuild_after_one_change_makes_only_that_disclosures_and_its_units_zips(tmp_path):
    cache = tmp_path / "cache"
    changed_id = f"{UNIT.unit_id}-2023"
    all_zips = sorted([disclosure_download(f"{UNIT.unit_id}-2022"), disclosure_download(changed_id),
                       disclosure_download(f"{OTHER_UNIT.unit_id}-2024"), unit_download(UNIT.unit_id)])
    assert sorted(write(tmp_path / "first", records(), cache)) == all_zips
    assert write(tmp_path / "again", records(), cache) == []
    assert files(tmp_path / "again") == files(tmp_path / "first")

    edited = records()
    edited[0].tables[TableKind.EXPENDITURE].rows[2].amounts["basic"] = Decimal("3148400")
    assert sorted(write(tmp_path / "edited", edited, cache)) == sorted([disclosure_download(changed_id),
                                                                      unit_download(UNIT.unit_id)])
    # What the cache gives is what a build without it makes.
    assert sorted(write(tmp_path / "uncached", edited, None)) == all_zips
    assert files(tmp_path / "edited") == files(tmp_path / "uncached")
    with zipfile.ZipFile(tmp_path / "edited" / disclosure_download(changed_id)) as opened:
        assert b"3148400.00" in opened.read("expenditure_by_function.csv")


def rows_made(monkeypatch) -> list[str]:
    """The disclosures whose rows the writer makes (the others' come from the cache)."""
    made = []
    real = stage.disclosure_rows

    def disclosure_rows(record, outcomes):
        made.append(record.disclosure_id)
        return real(record, outcomes)
    monkeypatch.setattr(stage, "disclosure_rows", disclosure_rows)
    return made


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def test_a_changed_amount_or_check_outcome_remakes_that_disclosures_rows_only_and_changes_what_it_should(
        tmp_path, monkeypatch):
    cache, other_id, changed_id = tmp_path / "cache", f"{OTHER_UNIT.unit_id}-2024", f"{UNIT.unit_id}-2023"
    write(tmp_path / "first", records(), cache)
    first = files(tmp_path / "first")
    made = rows_made(monkeypatch)
    write(tmp_path / "again", records(), cache)
    assert made == [] and files(tmp_path / "again") == first

    disclosures = records()
    outcomes = [outcome(r) if r.disclosure_id != other_id else failed(r) for r in disclosures]
    assert write(tmp_path / "failed", disclosures, cache, outcomes) == [disclosure_download(other_id)]
    assert made == [other_id]
    changed = changed_files(first, files(tmp_path / "failed"))
    assert changed == {"checks.csv", "datapackage.json", "budget-disclosures.xlsx", "budget-disclosures.sqlite",
                       "downloads/budget-disclosures.zip",
                       disclosure_download(other_id), unit_download(OTHER_UNIT.unit_id)}
    assert "table.parent_equals_children" in (tmp_path / "failed" / "checks.csv").read_text(encoding="utf-8")

    made.clear()
    edited = records()
    edited[0].tables[TableKind.EXPENDITURE].rows[2].amounts["basic"] = Decimal("3148400")
    write(tmp_path / "edited", edited, cache)
    # other_id's rows are again those of the first build, still in the store: only a whole build
    # prunes it (Store.prune), not the package stage alone
    assert made == [changed_id]
    assert changed_files(first, files(tmp_path / "edited")) == {
        "expenditure_by_function.csv", "datapackage.json", "budget-disclosures.xlsx", "budget-disclosures.sqlite",
        "downloads/budget-disclosures.zip", disclosure_download(changed_id), unit_download(UNIT.unit_id)}
    # What the cache gives is, byte for byte, the whole package a build without it makes.
    for name, (records_written, outcomes_written) in {"failed": (disclosures, outcomes),
                                                       "edited": (edited, None)}.items():
        write(tmp_path / f"{name}-uncached", records_written, None, outcomes_written)
        assert files(tmp_path / name) == files(tmp_path / f"{name}-uncached")


def test_a_single_year_units_zip_is_its_disclosures_zip(tmp_path):
    write(tmp_path / "dp", records(), None)
    single = tmp_path / "dp" / unit_download(OTHER_UNIT.unit_id)
    assert single.read_bytes() == (tmp_path / "dp" / disclosure_download(f"{OTHER_UNIT.unit_id}-2024")).read_bytes()
    assert (tmp_path / "dp" / unit_download(UNIT.unit_id)).read_bytes() != \
        (tmp_path / "dp" / disclosure_download(f"{UNIT.unit_id}-2022")).read_bytes()


def test_validation_runs_while_the_caller_works_and_wait_raises_on_an_invalid_package(tmp_path):
    broken = [disclosure(code="20137x1")]
    pending = start_datapackage(records_of(broken, []), tmp_path / "dp", log=quiet)
    with pending:
        assert (tmp_path / "dp" / "datapackage.json").is_file()  # written in place, for the caller to read
        assert (tmp_path / "dp" / disclosure_download(broken[0].disclosure_id)).is_file()
        with pytest.raises(PackageInvalid, match="pattern"):
            pending.wait()


def test_workbooks_list_failed_checks_and_stop_at_excels_row_limit(tmp_path, monkeypatch):
    disclosures = records()
    outcomes = [outcome(r) for r in disclosures] + [failed(disclosures[1])]
    # Room for the expenditure rows (3 a disclosure) of one disclosure only.
    monkeypatch.setattr(downloads, "EXCEL_ROW_LIMIT", 2 + 4)
    write_datapackage(disclosures, outcomes, tmp_path / "dp", log=quiet)
    workbook = openpyxl.load_workbook(tmp_path / "dp" / "budget-disclosures.xlsx")
    checks = list(workbook["一致性检查"].values)[2:]
    assert [(row[0], row[2], row[-3]) for row in checks] == [
        (f"{OTHER_UNIT.unit_id}-2024", "table.parent_equals_children", "fail")]
    assert len(list(workbook["表3 支出总表"].values)) == 2 + 3
    notes = {row[1].removesuffix(".csv"): row[2] for row in workbook["说明"].values}
    assert "first 1 disclosures only" in notes["expenditure_by_function"]
    assert "failed checks only" in notes["checks"]
    csv_rows = (tmp_path / "dp" / "expenditure_by_function.csv").read_text(encoding="utf-8").splitlines()
    assert len(csv_rows) == 1 + 9  # the CSV is never cut
    assert "failed checks only" in (tmp_path / "dp" / "README.md").read_text(encoding="utf-8")


def test_each_disclosures_rows_are_made_once_and_let_go(tmp_path, monkeypatch):
    made = rows_made(monkeypatch)
    disclosures = records()
    report = write_datapackage(disclosures, [outcome(r) for r in disclosures], tmp_path / "dp", log=quiet)
    assert sorted(made) == sorted(d.disclosure_id for d in disclosures)
    # The counts kept instead of the rows reach the README: 3 lines a disclosure of expenditure_by_function.
    assert next(r.rows for r in report.resources if r.name == "expenditure_by_function") == 9
    assert "File `expenditure_by_function.csv`, 9 rows." in (tmp_path / "dp" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("native", [True, False])
def test_crc_of_joined_pieces_is_the_crc_of_their_data(monkeypatch, native):
    if not native:
        monkeypatch.setattr(zips, "_NATIVE_COMBINE", None)
    parts = [b"a" * 3, "一般公共服务".encode() * 40_000, b"", b"\n" * 2_000_001]
    crc = 0
    for part in parts:
        crc = zips._crc32_combine(crc, zlib.crc32(part), len(part))
    assert crc == zlib.crc32(b"".join(parts))


def test_pieces_kept_in_a_spool_make_the_zip_pieces_in_memory_make(tmp_path):
    parts = [b"code,name\n", "一般公共服务,201\n".encode() * 5_000, b"", b"x\n"]
    pieces = [zips.Piece.of(part) for part in parts]
    stamp = datetime(2024, 1, 1)
    with zips.Spool(tmp_path) as spool:
        spooled = [spool.keep(piece) for piece in pieces]
        data = zips.zip_bytes({"a.csv": spooled}, stamp)
        assert [piece.deflated for piece in spooled] == [piece.deflated for piece in pieces]
    assert data == zips.zip_bytes({"a.csv": pieces}, stamp)
    assert zipfile.ZipFile(io.BytesIO(data)).read("a.csv") == b"".join(parts)
    assert list(tmp_path.iterdir()) == []  # the spool's file was never visible


def test_the_stage_holds_its_disclosures_pieces_in_its_spool_not_in_memory(tmp_path, monkeypatch):
    held = []

    def write_downloads(stage, staging):
        held.extend(piece for deflated in stage.deflated.values()
                    for piece in (*deflated.csv.values(), *deflated.sheets.values()))

    monkeypatch.setattr(writer, "write_downloads", write_downloads)
    disclosures = records()
    write_datapackage(disclosures, [outcome(r) for r in disclosures], tmp_path / "dp", log=quiet)
    assert len(held) == 3 * 2 * len(PER_DISCLOSURE)
    assert {type(piece) for piece in held} == {zips.SpooledPiece}
    assert sum(piece.size for piece in held if piece.size) > 1_000  # rows there were
