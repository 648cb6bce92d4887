"""The nine standard tables of the seed corpus, from the .docx and from the text export."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache

import pytest
from click.testing import CliRunner
from conftest import SEEDS, SOURCE_DOCS, TEXT_FIXTURES, seed_document
from tables_golden import GOLDEN, TABLE_SEEDS, serialise

from generator.commands.inspect import inspect_command
from generator.contract.records import BudgetTable, Finding, TableKind, TableRow, TableStatus
from generator.extract.layout import LayoutRow, layout_row, stated_identity
from generator.extract.tables import extract_tables

FORMATS = ("docx", "txt")


@cache
def extracted(seed: str, form: str) -> tuple[dict[TableKind, BudgetTable], list[Finding]]:
    """Each seed document extracted once per session."""
    return extract_tables(seed_document(seed, form))


def table(seed: str, kind: TableKind, form: str = "docx") -> BudgetTable:
    return extracted(seed, form)[0][kind]


def row(seed: str, kind: TableKind, name: str = "", code: str | None = None, side: str | None = None,
        form: str = "docx") -> TableRow:
    matches = [r for r in table(seed, kind, form).rows
               if (code is None or r.code == code) and (not name or r.name == name) and (side is None or r.side == side)]
    assert len(matches) == 1, f"{seed} {kind.name} {name or code}: {len(matches)} rows"
    return matches[0]


def yuan(text: str) -> Decimal:
    return Decimal(text)


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("seed", TABLE_SEEDS)
def test_every_row_of_the_nine_tables_matches_the_reviewed_golden_file(seed: str, form: str) -> None:
    golden = json.loads((GOLDEN / f"{seed}.json").read_text(encoding="utf-8"))
    assert serialise(extracted(seed, form)[0]) == golden


@pytest.mark.parametrize("seed", TABLE_SEEDS)
def test_docx_and_text_export_give_the_same_records_and_no_findings(seed: str) -> None:
    docx, docx_findings = extracted(seed, "docx")
    text, text_findings = extracted(seed, "txt")
    assert serialise(docx) == serialise(text)
    assert docx_findings == [] and text_findings == []


@pytest.mark.parametrize("form", FORMATS)
def test_000_expenditure_total_is_basic_plus_project(form: str) -> None:
    total = row("000", TableKind.EXPENDITURE, "合计", form=form)
    assert total.is_total and total.code is None
    assert total.amounts["total"] == yuan("3148500.00")
    assert total.amounts["basic"] == yuan("2047800.00")
    assert total.amounts["project"] == yuan("1100700.00")
    assert total.amounts["operating"] is None  # published blank, not 0
    assert row("000", TableKind.EXPENDITURE, code="2013701", form=form).amounts["total"] == yuan("685600.00")
    assert row("000", TableKind.EXPENDITURE, code="2013701", form=form).name == "行政运行"


def test_000_figures_across_tables() -> None:
    assert row("000", TableKind.SUMMARY, "收入总计").amounts == {"amount": yuan("3148500.00")}
    assert row("000", TableKind.SUMMARY, "支出总计").amounts == {"amount": yuan("3148500.00")}
    assert row("000", TableKind.INCOME, code="2013750").amounts["fiscal_appropriation"] == yuan("1068700.00")
    assert row("000", TableKind.INCOME, code="2101101").amounts["total"] == yuan("56400.00")
    assert row("000", TableKind.GENERAL_BUDGET, code="2013702").amounts == {
        "total": yuan("1100700.00"), "basic": None, "project": yuan("1100700.00")}
    basic = row("000", TableKind.BASIC_BY_ECONOMIC, "合计").amounts
    assert basic == {"total": yuan("2047800.00"), "personnel": yuan("1857100.00"), "public": yuan("190700.00")}
    assert row("000", TableKind.BASIC_BY_ECONOMIC, code="30199").amounts["personnel"] == yuan("453600.00")
    assert row("000", TableKind.BASIC_BY_ECONOMIC, code="30231").amounts["public"] == yuan("24000.00")
    fiscal = row("000", TableKind.FISCAL_SUMMARY, "支出总计", side="expenditure").amounts
    assert fiscal == {"total": yuan("3148500.00"), "general_budget": yuan("3148500.00"),
                      "government_fund": None, "state_capital": None}


def test_000_three_public_has_six_lines_with_zero_distinct_from_blank() -> None:
    three = table("000", TableKind.THREE_PUBLIC)
    assert [r.name for r in three.rows] == ["合计", "一、因公出国（境）费", "二、公务用车购置及运维费",
                                            "其中：公务用车购置费", "公务用车运行维护费", "三、公务接待费"]
    assert three.rows[0].is_total and three.rows[0].amounts["total"] == yuan("24000.00")
    assert three.rows[1].amounts["total"] == Decimal("0.00")  # published as 0
    assert three.rows[1].amounts["government_fund"] is None  # published blank


def test_001_unit_budget_figures() -> None:
    assert row("001", TableKind.BASIC_BY_ECONOMIC, code="30239").amounts["total"] == yuan("35000.00")
    assert row("001", TableKind.BASIC_BY_ECONOMIC, code="30239").name == "其他交通费用"
    total = row("001", TableKind.EXPENDITURE, "合计").amounts
    assert (total["total"], total["basic"], total["project"]) == (yuan("1167600.00"), yuan("733200.00"),
                                                                  yuan("434400.00"))
    assert row("001", TableKind.INCOME, code="2210201").amounts["total"] == yuan("56300.00")
    assert row("001", TableKind.SUMMARY, "五、单位资金").amounts == {"amount": None}
    assert row("001", TableKind.SUMMARY, "二十、住房保障支出").amounts == {"amount": yuan("56300.00")}
    assert row("001", TableKind.SUMMARY, "二十、住房保障支出").code == "221"
    assert row("001", TableKind.FISCAL_SUMMARY, "三十一、人行科目").side == "expenditure"
    assert table("001", TableKind.BASIC_BY_ECONOMIC).rows[-1].line == 16


def test_002_figures_and_the_eight_line_three_public_table() -> None:
    three = table("002", TableKind.THREE_PUBLIC)
    assert len(three.rows) == 8
    assert three.rows[0].name == "“三公”经费小计" and three.rows[0].is_total
    assert row("002", TableKind.THREE_PUBLIC, "公务用车运行维护费").amounts["total"] == yuan("29100.00")
    assert row("002", TableKind.THREE_PUBLIC, "其中：教学科研人员因公出国（境）费").amounts["total"] is None
    # the car running cost agrees with economic code 30231 of table 6
    assert row("002", TableKind.BASIC_BY_ECONOMIC, code="30231").amounts["total"] == yuan("29100.00")
    assert row("002", TableKind.EXPENDITURE, code="2013704").amounts["project"] == yuan("295000.00")
    assert row("002", TableKind.GENERAL_BUDGET, "合计").amounts["basic"] == yuan("2523800.00")
    assert table("002", TableKind.INCOME).note == "注：表中金额不含预计下年使用的单位资金结余。"


@pytest.mark.parametrize("seed, lines", [("000", (12, 33)), ("001", (8, 34)), ("002", (8, 33))])
def test_two_sided_tables_give_one_row_per_line_per_side(seed: str, lines: tuple[int, int]) -> None:
    summary = table(seed, TableKind.SUMMARY)
    income = [r for r in summary.rows if r.side == "income"]
    expenditure = [r for r in summary.rows if r.side == "expenditure"]
    assert (len(income), len(expenditure)) == lines
    assert [r.line for r in income] == list(range(1, len(income) + 1))
    assert income[-1].name == "收入总计" and income[-1].is_total
    assert expenditure[0].name == "一、一般公共服务支出" and expenditure[0].code == "201"
    fiscal = table(seed, TableKind.FISCAL_SUMMARY)
    assert fiscal.columns == ["total", "general_budget", "government_fund", "state_capital"]
    assert {r.side for r in fiscal.rows} == {"income", "expenditure"}
    assert [r.name for r in fiscal.rows if r.side == "income"][:3] == [
        "一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款"]


def test_function_class_codes_given_to_summary_lines_from_the_coded_tables() -> None:
    codes = {r.name: r.code for r in table("000", TableKind.SUMMARY).rows if r.side == "expenditure"}
    assert codes["八、社会保障和就业支出"] == "208" and codes["十、卫生健康支出"] == "210"
    assert codes["二、外交支出"] is None  # not in this disclosure's coded tables


@pytest.mark.parametrize("seed, kinds", [
    ("000", (TableKind.GOVERNMENT_FUND, TableKind.STATE_CAPITAL)),
    ("001", (TableKind.GOVERNMENT_FUND, TableKind.STATE_CAPITAL, TableKind.THREE_PUBLIC)),
    ("002", (TableKind.GOVERNMENT_FUND, TableKind.STATE_CAPITAL)),
])
def test_tables_published_empty_are_present_and_empty_with_their_note(seed: str, kinds: tuple) -> None:
    for kind, result in extracted(seed, "docx")[0].items():
        expected = TableStatus.EMPTY if kind in kinds else TableStatus.PRESENT
        assert result.status is expected, kind
        assert (result.rows == []) == (kind in kinds)
        if kind in kinds:
            assert result.note.startswith("注：无") and result.note.endswith("空表列示。")


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("seed", ["003", "004"])
def test_explanation_only_documents_have_all_nine_tables_missing(seed: str, form: str) -> None:
    tables, findings = extracted(seed, form)
    assert list(tables) == list(TableKind)
    assert all(t.status is TableStatus.MISSING and t.rows == [] for t in tables.values())
    assert [f.message for f in findings] == ["no standard budget table found: all nine are recorded as missing"]


def test_layout_row_and_location_are_recorded() -> None:
    result = table("000", TableKind.EXPENDITURE)
    assert result.money_unit == "万元"
    assert result.location == "表3 部门预算支出总表, block 8"
    assert table("000", TableKind.EXPENDITURE, "txt").location == "表3 部门预算支出总表, block 5"
    assert row("000", TableKind.EXPENDITURE, "合计").source_row == 3  # below 2 header rows and 栏次
    assert row("000", TableKind.EXPENDITURE, "合计", form="txt").source_row == 4  # the layout row comes first
    assert table("000", TableKind.GOVERNMENT_FUND).title == "部门预算政府基金预算财政拨款支出表"


def test_inspect_says_which_tables_were_recognised_and_why_not() -> None:
    runner = CliRunner()
    result = runner.invoke(inspect_command, ["--tables", str(SOURCE_DOCS / f"{SEEDS['000']}.docx")])
    assert result.exit_code == 0, result.output
    assert "template family: hebei" in result.output
    assert ("3 present as expenditure_by_function: 表3 部门预算支出总表, block 8; by its title, title in the wording "
            "of hebei/mof; 13 rows in 万元") in result.output
    assert "      column 2 '功能分类科目/科目编码' → code\n" in result.output
    assert "      column 5 '基本支出' → basic\n" in result.output
    assert "7 empty as government_fund_expenditure: 表7 部门预算政府基金预算财政拨款支出表" in result.output
    assert "[8] table 3, recognised by the title before it" in result.output
    assert "[44] its title '部门机构设置情况' is not one of the standard tables of any template family" in result.output
    result = runner.invoke(inspect_command, [str(TEXT_FIXTURES / f"{SEEDS['003']}.txt")])
    assert result.exit_code == 0, result.output
    assert "1 missing: no table has a title ending in 收支总表" in result.output


def test_layout_rows_give_unit_year_and_money_unit() -> None:
    assert layout_row(["224001中共馆陶县委网络安全和信息化委员会办公室本级", "预算年度：2024", "单位：万元"]) == LayoutRow(
        "224001", "中共馆陶县委网络安全和信息化委员会办公室本级", 2024, "万元")
    assert layout_row(["224网信办", "预算年度：2022", "单位：元"]) == LayoutRow("224", "网信办", 2022, "元")
    assert layout_row(["序号", "收入", "支出"]) is None
    for seed, code, year in [("000", "224", 2022), ("001", "224001", 2024), ("002", "224", 2026)]:
        for form in FORMATS:
            stated = stated_identity(seed_document(seed, form))
            assert (stated.unit_code, stated.year, stated.money_unit) == (code, year, "万元")
