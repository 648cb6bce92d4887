"""An amount that cannot be a figure (5,000 nines) is a blank with a finding, in a table and in
the explanation text; the disclosure is published, never dropped as a bug."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal

import pytest
from test_hostile import CORPUS, GOOD_DOCX, TEXT_EXPORTS, write

from generator.contract.records import TableKind
from generator.extract.money import AmountError, parse_amount, to_yuan
from generator.extract.performance import parse_target
from generator.pipeline.build import BuildOptions, build
from generator.pipeline.report import REPORT_NAME

NINES = "9" * 5000
UNIT = "224001中共馆陶县委网络安全和信息化委员会办公室本级"
OTHER_UNIT = "224009中共馆陶县委网络安全和信息化委员会办公室测试"
TABLE_CELL = "\t一、一般公共预算拨款收入\n\t116.76\n"
NARRATIVE = "2024年预算收入116.76万元"


def test_too_many_digits_is_not_a_figure():
    with pytest.raises(AmountError, match=r"^not a figure: 5,000 digits \('9{40}…'\), over the 24 any budget has$"):
        parse_amount(NINES, "万元")
    with pytest.raises(AmountError, match="not a figure"):
        to_yuan(Decimal(NINES), "万元")
    assert parse_target(f"≥{NINES}%") == ("", None, "")


def test_the_largest_figure_converts_exactly():
    # 24 digits in 亿元: no digit rounded away, as the default 28-digit precision would.
    assert parse_amount("123456789012345678.901234", "亿元") == Decimal("12345678901234567890123400.00")
    assert parse_amount("116.76", "万元") == Decimal("1167600.00")


def test_an_unparseable_amount_costs_only_its_cell(tmp_path):
    source = tmp_path / "source_docs"
    shutil.copytree(CORPUS, source)
    text = (TEXT_EXPORTS / GOOD_DOCX.replace(".docx", ".txt")).read_text(encoding="utf-8")
    assert TABLE_CELL in text and NARRATIVE in text
    text = text.replace(UNIT, OTHER_UNIT).replace(TABLE_CELL, TABLE_CELL.replace("116.76", NINES), 1)
    write(source / "nines.txt", text.replace(NARRATIVE, NARRATIVE.replace("116.76", NINES), 1))
    options = BuildOptions(source, tmp_path / "datapackage", tmp_path / "site", jobs=2, with_site=False)
    result = build(options, log=lambda line: None)
    assert result.unreadable == []
    published = {header.source_file for header in result.headers}
    assert published == {path.name for path in CORPUS.glob("*.docx")} | {"nines.txt"}
    [nines] = [header for header in result.headers if header.source_file == "nines.txt"]
    disclosure = result.records.load(nines)[0]
    summary = disclosure.tables[TableKind.SUMMARY]
    first = next(row for row in summary.rows if row.name == "一、一般公共预算拨款收入")
    assert list(first.amounts.values()) == [None]  # a blank, not 0, not a rounded figure
    total = next(row for row in summary.rows if row.name == "本年收入合计")
    assert list(total.amounts.values()) == [Decimal("1167600.00")]  # the rest of the table is read
    findings = [finding.message for finding in disclosure.findings]
    assert any(message.startswith("amount: not a figure: 5,000 digits") for message in findings), findings
    assert any("not a figure: 5,000 digits" in message and "not read as an amount" in message
               for message in findings), findings
    report = json.loads((options.datapackage_dir / REPORT_NAME).read_text(encoding="utf-8"))
    assert {entry["file"] for entry in report["published"]} == published
    with (options.datapackage_dir / "findings.csv").open(encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if "5,000 digits" in row["message"]]
    assert len(rows) == 2 and all(len(row["message"]) < 200 for row in rows)
