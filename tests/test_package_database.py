"""The SQLite database of the package, the bulk zip's layout, and failed checks in Chinese."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

from generator.package.database import CACHE_KIB
from generator.package.schema import RESOURCES


def _database(built_site) -> sqlite3.Connection:
    return sqlite3.connect(built_site.options.datapackage_dir / "budget-disclosures.sqlite")


def test_the_database_holds_every_csv_row_with_its_values(built_site):
    package = built_site.options.datapackage_dir
    db = _database(built_site)
    for resource in RESOURCES:
        with (package / f"{resource.name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        columns = ", ".join(f'"{name}"' for name in resource.field_names)
        stored = db.execute(f'SELECT {columns} FROM "{resource.name}" ORDER BY rowid').fetchall()
        assert len(stored) == len(rows), resource.name
        assert db.execute("SELECT rows FROM _tables WHERE name = ?", (resource.name,)).fetchone() == (len(rows),)
        for row, values in zip(rows, stored):
            for schema_field, value in zip(resource.fields, values):
                text = row[schema_field.name]
                if text == "":
                    assert value is None
                elif schema_field.money:
                    assert Decimal(str(value)).quantize(Decimal("0.01")) == Decimal(text), (resource.name, text)
                elif schema_field.type == "boolean":
                    assert value == (text == "true")
                else:
                    assert str(value) == text
    # a known figure: 栾城 2022, 2013701 行政运行 68.56 万元 in table 5
    assert db.execute("SELECT total FROM general_budget_expenditure WHERE function_code = '2013701' "
                      "AND disclosure_id LIKE 'shijiazhuang-luancheng-%'").fetchone() == (685600,)


def test_the_database_keys_hold_and_titles_are_chinese(built_site):
    db = _database(built_site)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    foreign = db.execute("SELECT \"table\", \"from\" FROM pragma_foreign_key_list('general_budget_expenditure')").fetchall()
    assert ("disclosures", "disclosure_id") in foreign
    indexes = {row[0] for row in db.execute("SELECT name FROM pragma_index_list('general_budget_expenditure')")}
    assert "general_budget_expenditure__disclosure_id" in indexes
    assert db.execute("SELECT title FROM _tables WHERE name = 'units'").fetchone()[0] == next(
        r.title for r in RESOURCES if r.name == "units")
    assert db.execute("SELECT title FROM _fields WHERE table_name = 'general_budget_expenditure' "
                      "AND name = 'function_code'").fetchone() == ("功能分类科目编码",)


def test_the_bulk_zip_unpacks_into_one_folder(built_site):
    package = built_site.options.datapackage_dir
    with zipfile.ZipFile(package / "downloads" / "budget-disclosures.zip") as bulk:
        names = bulk.namelist()
        assert {name.split("/")[0] for name in names} == {"budget-disclosures"}
        for member in ("datapackage.json", "units.csv", "budget-disclosures.xlsx", "LICENSE.txt", "SHA256SUMS"):
            assert f"budget-disclosures/{member}" in names
        assert "budget-disclosures/budget-disclosures.sqlite" not in names  # a download of its own
        assert bulk.read("budget-disclosures/units.csv") == (package / "units.csv").read_bytes()
        # the workbook, streamed from the package's file (zipfile checks its CRC-32 and size)
        workbook = bulk.read("budget-disclosures/budget-disclosures.xlsx")
        assert workbook == (package / "budget-disclosures.xlsx").read_bytes() and workbook.startswith(b"PK")
        assert "CC-BY-4.0" in bulk.read("budget-disclosures/LICENSE.txt").decode("utf-8")


def test_failed_checks_say_in_chinese_what_they_found(built_site):
    with (built_site.options.datapackage_dir / "checks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    failed = [row for row in rows if row["status"] == "fail"]
    assert len(failed) == built_site.result.checks.count("fail") and all(row["message_zh"] for row in failed)
    assert all(row["message_zh"] == "" for row in rows if row["status"] != "fail")
    langfang = next(row for row in failed if row["disclosure_id"] == "langfang-ac041e-2020" and row["line"] == "42")
    assert langfang["message_zh"] == ("说明中的数字相互加总一致未通过：应为 17,699,000.00 元，实为 11,172,200.00 元，"
                                      "相差 -6,526,800.00 元")
    assert langfang["message"]  # the checker's English stays beside it


def test_the_same_csvs_make_the_same_database(built_site, tmp_path):
    from generator.package import write_datapackage

    disclosures, outcomes = built_site.result.load_disclosures(), built_site.result.load_outcomes()
    write_datapackage(disclosures, outcomes, tmp_path / "again", log=lambda _: None)
    again = (tmp_path / "again" / "budget-disclosures.sqlite").read_bytes()
    assert again == (built_site.options.datapackage_dir / "budget-disclosures.sqlite").read_bytes()


def test_the_data_page_lists_the_database_the_package_publishes(built_site):
    # A worker writes the database while the unit pages render; the data page waits for it.
    database = built_site.options.datapackage_dir / "budget-disclosures.sqlite"
    digest = hashlib.sha256(database.read_bytes()).hexdigest()
    page = (built_site.options.site_dir / "data" / "index.html").read_text(encoding="utf-8")
    assert "budget-disclosures.sqlite" in page and f"SHA-256 {digest}" in page
    assert (built_site.options.site_dir / "datapackage" / database.name).read_bytes() == database.read_bytes()


def test_the_site_lists_the_database_with_the_digest_its_worker_took(built_site, tmp_path, monkeypatch):
    # At 10,000 disclosures the database is 1.7 GB: the site's process read it whole to hash it.
    from generator.package.writer import database_with_digest
    from generator.render.docs_folder import DocsFolder
    from generator.render.downloads import DataPackage, with_database

    package_dir = tmp_path / "package"
    package_dir.mkdir()
    for resource in RESOURCES:
        csv_name = f"{resource.name}.csv"
        (package_dir / csv_name).write_bytes((built_site.options.datapackage_dir / csv_name).read_bytes())
    digest = database_with_digest(package_dir, "rows")
    database = package_dir / "rows.sqlite"
    assert digest == hashlib.sha256(database.read_bytes()).hexdigest()

    def unread(path: Path) -> bytes:
        raise AssertionError(f"{path} read whole")

    monkeypatch.setattr(Path, "read_bytes", unread)
    for given, listed in ((digest, digest), (None, digest), ("f" * 64, "f" * 64)):  # the worker's is not taken again
        package = with_database(DataPackage({"name": "rows"}), package_dir,
                                DocsFolder(tmp_path / f"docs-{given}", ".state"), {"rows.sqlite": given} if given else {})
        [download] = package.files
        assert (download.path, download.sha256, download.size) == ("datapackage/rows.sqlite", listed,
                                                                   database.stat().st_size)


_MEMORY_CHILD = """
import csv, resource, sys
from pathlib import Path
from generator.package import database
from generator.package.fields import Field, ResourceSchema

rows = ResourceSchema("rows", "行", "rows", (Field("row_id", "integer", "序号", "id", required=True),
                                             Field("label", "string", "名称", "label")), ("row_id",))
folder = Path(sys.argv[1])
with (folder / "rows.csv").open("w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["row_id", "label"])
    writer.writerows((index, f"第{index}行" * 12) for index in range(500_000))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
path = database.write_database(folder, "rows", (rows,))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, path.stat().st_size // 1024)
"""


def test_the_database_s_memory_stays_within_its_cache_not_its_size(tmp_path):
    # Made on a worker beside the build: at 10,000 disclosures that worker grew to 1.7 GB when the
    # database's compact copy and the sorts of its indexes were held in memory.
    done = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(tmp_path)], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    grown_kib, size_kib = map(int, done.stdout.split())
    assert size_kib > 60 * 1024 > 7 * CACHE_KIB  # the database is several times the cache
    assert grown_kib < 32 * 1024, (grown_kib, size_kib)
