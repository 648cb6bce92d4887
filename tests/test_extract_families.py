"""The pieces that read other provinces' templates: titles of every family, header
signatures, split 类/款/项 codes, layout lines in any form, and codes that cannot be read."""

from __future__ import annotations

import pytest

from generator.contract.document import Cell, Document, Paragraph, Table
from generator.contract.records import TableKind
from generator.extract.codes import SplitCode
from generator.extract.families import family_of, header_kind
from generator.extract.layout import LayoutRow, layout_row, stated_identity
from generator.extract.recognise import match_title
from generator.extract.tables import read_tables

K = TableKind


@pytest.mark.parametrize(("title", "kind", "families"), [
    ("部门预算收支总表", K.SUMMARY, ("hebei", "mof")),
    ("2025年部门收支总表", K.SUMMARY, ("hebei", "mof")),
    ("单位预算一般公共预算财政拨款支出表", K.GENERAL_BUDGET, ("hebei",)),
    ("2025年单位一般公共预算支出表", K.GENERAL_BUDGET, ("mof",)),
    ("部门一般公共预算基本支出表", K.BASIC_BY_ECONOMIC, ("mof",)),
    ("部门一般公共预算“三公”经费支出表", K.THREE_PUBLIC, ("mof",)),
    ("表9 部门国有资本经营预算支出表", K.STATE_CAPITAL, ("mof",)),
    ("部门财务收支预算总表", K.SUMMARY, ("provincial",)),
    ("部门收入预算总表", K.INCOME, ("provincial",)),
    ("单位支出预算总表", K.EXPENDITURE, ("provincial",)),
    ("部门财政拨款收支预算总表", K.FISCAL_SUMMARY, ("provincial",)),
    ("部门一般公共预算支出功能分类预算表", K.GENERAL_BUDGET, ("provincial",)),
    ("部门一般公共预算基本支出部门预算经济分类预算表", K.BASIC_BY_ECONOMIC, ("provincial",)),
    ("部门政府性基金预算支出预算表", K.GOVERNMENT_FUND, ("provincial",)),
    ("部门国有资本经营预算支出预算表", K.STATE_CAPITAL, ("provincial",)),
    ("部门\"三公\"经费和机关运行经费预算表", K.THREE_PUBLIC, ("provincial",)),
])
def test_titles_of_every_family(title: str, kind: TableKind, families: tuple[str, ...]) -> None:
    match = match_title(title)
    assert match is not None and (match.kind, match.families) == (kind, families)


def test_the_family_is_the_wording_most_titles_share() -> None:
    titles = ["部门收支总表", "部门收入总表", "部门一般公共预算支出表", "部门一般公共预算基本支出表"]
    assert family_of([m for t in titles if (m := match_title(t))]).name == "mof"
    assert family_of([m for t in ["部门预算收支总表", "部门预算收入总表"] if (m := match_title(t))]).name == "hebei"
    assert family_of([]).name == "hebei"
    assert match_title("部门预算项目支出表") is None and match_title("部门政府采购预算表") is None


@pytest.mark.parametrize(("labels", "kind"), [
    ({"功能分类科目", "科目编码", "科目名称", "合计", "基本支出", "项目支出"}, K.GENERAL_BUDGET),
    ({"支出功能分类科目", "类", "款", "项", "科目名称", "合计", "基本支出", "项目支出", "经营支出"}, K.EXPENDITURE),
    ({"功能分类科目", "科目编码", "合计", "财政拨款收入", "事业收入", "上年结转"}, K.INCOME),
    ({"功能分类科目", "科目编码", "合计", "基本支出", "项目支出", "政府性基金预算支出"}, K.GOVERNMENT_FUND),
    ({"经济分类科目", "类", "款", "科目名称", "合计", "人员经费", "公用经费"}, K.BASIC_BY_ECONOMIC),
    ({"收入", "支出", "项目", "预算数"}, K.SUMMARY),
    ({"收入", "支出", "项目", "合计", "一般公共预算", "政府性基金预算"}, K.FISCAL_SUMMARY),
    ({"合计", "因公出国(境)费", "公务用车购置及运行费", "小计", "公务接待费"}, K.THREE_PUBLIC),
    ({"项目", "合计", "一般公共预算"}, None),
    ({"一级指标", "二级指标", "三级指标", "指标值"}, None),
])
def test_header_signatures(labels: set[str], kind: TableKind | None) -> None:
    assert header_kind(labels) is kind


@pytest.mark.parametrize("rows", [
    [("201", "", ""), ("201", "37", ""), ("201", "37", "01"), ("201", "37", "02"), ("208", "05", "05")],  # every part
    [("201", "", ""), ("", "37", ""), ("", "", "01"), ("", "", "02"), ("208", "", ""), ("", "05", ""), ("", "", "05")],
    [("201", "", ""), ("201", "37", ""), ("201", "", "01"), ("201", "", "02"), ("208", "", ""), ("208", "05", ""),
     ("208", "", "05")],  # the 类 repeated, the other parts only where new
    [("201", "", ""), ("", "20137", ""), ("", "", "2013701"), ("", "", "02"), ("208", "", ""), ("", "05", ""),
     ("", "", "05")],  # a part column holding the full code
])
def test_split_codes_are_rebuilt_with_their_hierarchy(rows: list[tuple[str, str, str]]) -> None:
    split = SplitCode()
    codes = [split.code(list(enumerate(parts))) for parts in rows]
    assert all(error == "" for _, error in codes)
    assert [code for code, _ in codes if code][:4] == ["201", "20137", "2013701", "2013702"]
    assert codes[-1] == ("2080505", "")


def test_split_code_parts_that_cannot_make_a_code_say_why() -> None:
    split = SplitCode()
    assert split.code([(0, ""), (1, "37"), (2, "")]) == ("", "the 类 part is blank and no row above gives it")
    assert split.code([(0, "2O1"), (1, ""), (2, "")]) == ("", "code part '2O1' is not a number")
    assert split.code([(0, "201"), (1, "3"), (2, "")]) == ("", "code part '3' in the 款 column has 1 digits")
    assert split.code([(0, ""), (1, ""), (2, "")]) == ("", "")


def table(rows: list[list[str]]) -> Table:
    return Table([Cell(r, c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)], len(rows),
                 max(len(row) for row in rows))


def test_unreadable_code_parts_and_blank_codes_are_findings_not_silent_blanks() -> None:
    document = Document([
        Paragraph("部门一般公共预算支出表"), Paragraph("编制部门：某某县财政局    金额单位：元"),
        table([["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"],
               ["", "", "", "合计", "1,000", "600", "400"],
               ["201", "", "", "一般公共服务支出", "1,000", "600", "400"],
               ["", "O6", "", "财政事务", "1,000", "600", "400"],
               ["", "", "", "行政运行", "600", "600", ""]])])
    result = read_tables(document)
    rows = result.tables[K.GENERAL_BUDGET].rows
    assert [(row.code, row.name) for row in rows] == [(None, "合计"), ("201", "一般公共服务支出"), (None, "财政事务"),
                                                      (None, "行政运行")]
    assert rows[1].amounts == {"total": 1000, "basic": 600, "project": 400}
    assert [(f.location, f.message, f.severity) for f in result.findings if "code" in f.message] == [
        ("表5 部门一般公共预算支出表, block 2, row 3",
         "the 类/款/项 columns do not make a code: code part 'O6' is not a number; the row is kept without a code",
         "error"),
        ("表5 部门一般公共预算支出表, block 2, row 3", "'财政事务' has no code in the code column", "warning"),
        ("表5 部门一般公共预算支出表, block 2, row 4", "'行政运行' has no code in the code column", "warning")]
    assert result.family.name == "mof"


@pytest.mark.parametrize(("cells", "layout"), [
    (["224网信办 预算年度：2024 单位：万元"], LayoutRow("224", "网信办", 2024, "万元")),
    (["编制部门：馆陶县财政局", "单位：元"], LayoutRow("", "馆陶县财政局", None, "元")),
    (["编制单位：馆陶县财政局本级    金额单位：万元"], LayoutRow("", "馆陶县财政局本级", None, "万元")),
    (["单位：元"], LayoutRow("", "", None, "元")),
    (["金额单位:万元"], LayoutRow("", "", None, "万元")),
])
def test_layout_lines_in_every_form(cells: list[str], layout: LayoutRow) -> None:
    assert layout_row(cells) == layout


def test_a_year_only_in_the_table_titles() -> None:
    document = Document([Paragraph("2025年部门收支总表"), Paragraph("编制部门：馆陶县财政局　金额单位：元"),
                         table([["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
                                ["一般公共预算拨款收入", "189,767,551", "一般公共服务支出", "189,767,551"]])])
    identity = stated_identity(document)
    assert (identity.year, identity.scope) == (2025, "部门")
    summary = read_tables(document).tables[K.SUMMARY]
    assert [(row.side, row.amounts["amount"]) for row in summary.rows] == [("income", 189767551),
                                                                           ("expenditure", 189767551)]
    assert summary.money_unit == "元"
