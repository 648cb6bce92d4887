"""The package stage on hand-made records: formats, keys, code lists, validation, determinism."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.contract.records import (
    BudgetTable,
    CheckOutcome,
    Disclosure,
    FixedAsset,
    NarrativeFact,
    Project,
    TableKind,
    TableRow,
    TableStatus,
    Unit,
)
from generator.package import (
    PackageDataError,
    PackageInvalid,
    disclosure_download,
    read_resource,
    unit_download,
    validate_package,
    write_datapackage,
)
from generator.package.descriptor import creation_time
from generator.package.schema import RESOURCES

UNIT = Unit("shijiazhuang-luancheng-224-abc123", "224", "网信办", "河北省", "石家庄市", "栾城区")
OTHER_UNIT = Unit("handan-guantao-224001-def456", "224001", "馆陶县网信办本级", "河北省", "邯郸市", "馆陶县")


def expenditure(rows: list[TableRow]) -> BudgetTable:
    return BudgetTable(TableKind.EXPENDITURE, "部门预算支出总表", TableStatus.PRESENT, ["total", "basic", "project"],
                       rows=rows)


def disclosure(unit: Unit = UNIT, year: int = 2022, code: str = "2013701") -> Disclosure:
    record = Disclosure(f"{unit.unit_id}-{year}", unit, year, "部门", "万元", f"{year}_{unit.unit_code}.docx",
                        "ab" * 32)
    record.tables[TableKind.EXPENDITURE] = expenditure([
        TableRow(1, "合计", {"total": Decimal("3148500"), "basic": Decimal("3148500.00"), "project": None},
                 is_total=True),
        TableRow(2, "一般公共服务支出", {"total": Decimal("3148500"), "basic": Decimal("3148500"),
                                  "project": Decimal("0")}, code="201"),
        TableRow(3, "行政运行", {"total": Decimal("3148500"), "basic": Decimal("3148500"),
                             "project": Decimal("-0")}, code=code),
    ])
    record.tables[TableKind.SUMMARY] = BudgetTable(
        TableKind.SUMMARY, "部门预算收支总表", TableStatus.PRESENT, ["amount"], rows=[
            TableRow(1, "一般公共预算拨款收入", {"amount": Decimal("3148500")}, side="income"),
            TableRow(1, "一般公共服务支出", {"amount": Decimal("3148500")}, side="expenditure"),
        ])
    record.tables[TableKind.GOVERNMENT_FUND] = BudgetTable(
        TableKind.GOVERNMENT_FUND, "部门预算政府性基金预算财政拨款支出表", TableStatus.EMPTY, [], note="注：无…空表列示")
    record.narrative.facts.append(NarrativeFact("income_total", Decimal("3148500"), "收入预算314.85万元。", "万元"))
    record.narrative.projects.append(Project("网络舆情监测", "130181220000000000001", Decimal("50000"),
                                             spending_plan={"3月底": "25%"}))
    record.narrative.fixed_assets.append(FixedAsset("车辆", Decimal("1"), Decimal("153300"), "2021-12-31"))
    return record


def outcome(record: Disclosure) -> CheckOutcome:
    return CheckOutcome(record.disclosure_id, "table.total_equals_top_level", "expenditure_by_function", "合计",
                        Decimal("3148500.00"), Decimal("3148500.00"), "pass", "")


@pytest.fixture(scope="module")
def records() -> list[Disclosure]:
    return [disclosure(year=2023), disclosure(OTHER_UNIT, 2024), disclosure(year=2022)]


@pytest.fixture(scope="module")
def package(tmp_path_factory, records) -> Path:
    out = tmp_path_factory.mktemp("package") / "datapackage"
    report = write_datapackage(records, [outcome(r) for r in records], out, log=lambda _: None)
    assert report.valid
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_bytes_are_utf8_without_bom_with_lf(package):
    for resource in RESOURCES:
        data = (package / f"{resource.name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        assert data.decode("utf-8").splitlines()[0].split(",") == resource.field_names


def test_rows_are_ordered_by_disclosure_then_line_and_amounts_have_two_places(package):
    rows = read_csv(package / "expenditure_by_function.csv")
    assert [(r["disclosure_id"][-4:], r["line"]) for r in rows] == [
        ("2024", "1"), ("2024", "2"), ("2024", "3"),  # handan… sorts before shijiazhuang…
        ("2022", "1"), ("2022", "2"), ("2022", "3"),
        ("2023", "1"), ("2023", "2"), ("2023", "3")]
    total, _, child = rows[:3]
    assert (total["total"], total["basic"], total["project"], total["is_total"]) == ("3148500.00", "3148500.00", "",
                                                                                     "true")
    assert child["project"] == "0.00"  # a published 0 (even -0) is 0.00; blank stays blank
    assert child["function_code"] == "2013701"


def test_two_sided_table_keys_on_side_and_line(package):
    rows = read_csv(package / "income_expenditure_summary.csv")
    assert [(r["side"], r["line"], r["amount"]) for r in rows[:2]] == [("income", "1", "3148500.00"),
                                                                       ("expenditure", "1", "3148500.00")]


def test_code_list_carries_every_ancestor_with_self_reference(package):
    codes = {r["code"]: r for r in read_csv(package / "function_codes.csv")}
    assert list(codes) == ["201", "20137", "2013701"]
    assert codes["20137"] == {"code": "20137", "name": "", "level": "2", "level_name": "款", "parent_code": "201"}
    assert codes["2013701"]["parent_code"] == "20137" and codes["201"]["parent_code"] == ""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r for r in descriptor["resources"] if r["name"] == "function_codes")["schema"]
    assert schema["foreignKeys"] == [{"fields": ["parent_code"], "reference": {"resource": "", "fields": ["code"]}}]


def test_table_status_lists_every_table_of_every_disclosure(package):
    rows = read_csv(package / "table_status.csv")
    assert len(rows) == 3 * 9
    first = {r["table"]: r["status"] for r in rows[:9]}
    assert first["expenditure_by_function"] == "present"
    assert first["government_fund_expenditure"] == "empty"
    assert first["income_by_function"] == "missing"


def test_descriptor_is_data_package_v2_with_sources_and_keys(package, records):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["created"] == "2024-01-01T00:00:00Z"  # latest budget year, never the wall clock
    assert [s["sha256"] for s in descriptor["sources"]] == ["ab" * 32] * 3
    by_name = {r["name"]: r for r in descriptor["resources"]}
    assert [r.name for r in RESOURCES] == list(by_name)
    for resource in by_name.values():
        for field in resource["schema"]["fields"]:
            assert field["title"] and field["description"], (resource["name"], field["name"])
    assert by_name["disclosures"]["schema"]["foreignKeys"][0]["reference"] == {"resource": "units",
                                                                               "fields": ["unit_id"]}
    general = by_name["general_budget_expenditure"]["schema"]
    assert [f["name"] for f in general["fields"]][-3:] == ["total", "basic", "project"]
    assert {key["reference"]["resource"] for key in general["foreignKeys"]} == {"disclosures", "function_codes"}
    assert by_name["basic_expenditure_by_economic"]["schema"]["foreignKeys"][1]["reference"]["resource"] == \
        "economic_codes"


def test_created_comes_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert creation_time([disclosure()]) == datetime(2023, 11, 14, 22, 13, 20)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert creation_time([disclosure(year=2021), disclosure(OTHER_UNIT, 2024)]) == datetime(2024, 1, 1)


def test_two_builds_are_byte_identical(tmp_path, records, package):
    write_datapackage(list(reversed(records)), [outcome(r) for r in records], tmp_path / "again",
                      log=lambda _: None)
    first = sorted(p.relative_to(package) for p in package.rglob("*") if p.is_file())
    second = sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file())
    assert first == second
    for relative in first:
        assert (package / relative).read_bytes() == (tmp_path / "again" / relative).read_bytes(), relative


def test_pandas_reads_codes_as_strings_and_amounts_as_numbers(package):
    frame = read_resource(package, "expenditure_by_function")
    assert str(frame["function_code"].dtype) == "string"
    assert frame["function_code"].iloc[2] == "2013701"
    assert frame["total"].dtype == "float64" and frame["total"].iloc[0] == 3148500.0
    assert frame["project"].isna().iloc[0] and frame["project"].iloc[1] == 0.0
    assert str(frame["is_total"].dtype) == "boolean"
    projects = read_resource(package, "projects")
    assert projects["project_code"].iloc[0] == "130181220000000000001"


def test_validation_catches_a_broken_foreign_key_and_a_wrong_type(tmp_path, package):
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in package.glob("*.*"):
        (broken / path.name).write_bytes(path.read_bytes())
    descriptor = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:  # hashes would flag the edit anyway; test the keys and types
        del resource["hash"], resource["bytes"]
    (broken / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    rows = (broken / "expenditure_by_function.csv").read_text(encoding="utf-8")
    rows = rows.replace(",2013701,", ",2019999,", 1).replace("3148500.00", "314.85万元", 1)
    (broken / "expenditure_by_function.csv").write_text(rows, encoding="utf-8")
    report = validate_package(broken)
    assert not report.valid
    text = report.summary()
    assert "foreign-key" in text and "2019999" in text
    assert "type-error" in text and "field total" in text
    # As the build validates a large package: in another process, the same report.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert validate_package(broken, pool) == report
    result = CliRunner().invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1 and "INVALID" in result.output
    assert CliRunner().invoke(cli, ["validate", str(package)]).exit_code == 0


def test_an_invalid_package_fails_loudly_and_keeps_the_previous_one(package):
    before = {path: path.read_bytes() for path in package.rglob("*") if path.is_file()}
    with pytest.raises(PackageInvalid, match="pattern"):
        write_datapackage([disclosure(code="20137x1")], [], package, log=lambda _: None)
    assert {path: path.read_bytes() for path in package.rglob("*") if path.is_file()} == before
    assert sorted(p.name for p in package.parent.iterdir()) == ["datapackage"]


def test_two_documents_for_one_unit_year_are_refused():
    twin = disclosure()
    twin.source_file = "copy.docx"
    with pytest.raises(PackageDataError, match=r"copy\.docx"):
        write_datapackage([disclosure(), twin], [], Path("/nonexistent"), log=lambda _: None)


def test_downloads_are_filtered_valid_packages(tmp_path, package, records):
    archive = package / disclosure_download(records[0].disclosure_id)
    with zipfile.ZipFile(archive) as opened:
        assert {info.date_time for info in opened.infolist()} == {(2024, 1, 1, 0, 0, 0)}
        opened.extractall(tmp_path)
    assert validate_package(tmp_path).valid
    assert {r["disclosure_id"] for r in read_csv(tmp_path / "expenditure_by_function.csv")} == \
        {records[0].disclosure_id}
    with zipfile.ZipFile(package / unit_download(UNIT.unit_id)) as opened:
        disclosures = read_csv_bytes(opened.read("disclosures.csv"))
        unit_files = {name: opened.read(name) for name in opened.namelist()}
    assert [d["year"] for d in disclosures] == ["2022", "2023"]
    # Sliced from the whole package, the data are those of a package of the unit's records alone.
    alone = tmp_path / "alone"
    unit_records = [r for r in records if r.unit == UNIT]
    write_datapackage(unit_records, [outcome(r) for r in unit_records], alone, created=datetime(2024, 1, 1),
                      log=lambda _: None)
    for resource in RESOURCES:
        assert unit_files[f"{resource.name}.csv"] == (alone / f"{resource.name}.csv").read_bytes()
    assert unit_files[f"budget-disclosures-{UNIT.unit_id}.xlsx"] == (alone / "budget-disclosures.xlsx").read_bytes()


def read_csv_bytes(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_workbook_keeps_codes_as_text_and_amounts_as_numbers(package):
    workbook = openpyxl.load_workbook(package / "budget-disclosures.xlsx")
    assert workbook.sheetnames[:4] == ["说明", "预算单位", "预算公开文件", "表格情况"]
    sheet = workbook["表3 支出总表"]
    assert sheet.auto_filter.ref == "A2:K1048576"  # filters on the field-name row, every column
    header = [cell.value for cell in sheet[2]]
    code = sheet.cell(row=5, column=header.index("function_code") + 1)
    total = sheet.cell(row=3, column=header.index("total") + 1)
    assert (code.value, code.data_type) == ("2013701", "s")
    assert total.value == 3148500 and total.data_type == "n"
    assert sheet.cell(row=1, column=header.index("total") + 1).value == "合计"
    assert workbook.properties.modified.year == 2024


def test_readme_documents_every_field(package):
    readme = (package / "README.md").read_text(encoding="utf-8")
    for resource in RESOURCES:
        assert f"### {resource.name} — {resource.title}" in readme
        for field in resource.fields:
            assert f"| `{field.name}` |" in readme
    assert "GBK" in readme  # why the Excel download is a workbook


def test_workbook_text_is_never_a_formula(tmp_path):
    record = disclosure()
    record.tables[TableKind.EXPENDITURE].rows[2].name = '=HYPERLINK("http://evil.example/","行政运行")\x0b'
    write_datapackage([record], [], tmp_path / "dp", log=lambda _: None)
    sheet = openpyxl.load_workbook(tmp_path / "dp" / "budget-disclosures.xlsx")["表3 支出总表"]
    cell = sheet.cell(row=5, column=4)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example/","行政运行")\ufffd', "s")
    names = [row["function_name"] for row in read_csv(tmp_path / "dp" / "expenditure_by_function.csv")]
    assert names[2] == '=HYPERLINK("http://evil.example/","行政运行")\x0b'  # the CSV keeps the text exactly
