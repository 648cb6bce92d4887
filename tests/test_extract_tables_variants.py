"""Generated variants of the seeds: other money units and digits, split and repeated headers,
retitled tables, unknown columns. Each must give the seed's reviewed records, or say why not."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal
from functools import cache

import pytest
from conftest import SEEDS, TEXT_FIXTURES, seed_document
from tables_golden import GOLDEN, TABLE_SEEDS, serialise

from generator.contract.document import Cell, Document, Paragraph, Table
from generator.contract.records import TableKind, TableStatus
from generator.extract.codes import CodeEntry, code_level, collect_codes, parent_code
from generator.extract.header import read_header
from generator.extract.money import AmountError, parse_amount
from generator.extract.tables import extract_tables
from generator.read.text_reader import parse_text

_DECIMAL_CELL = re.compile(r"^(\t)(\d+\.\d+)$", re.MULTILINE)
_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@cache
def golden(seed: str) -> dict:
    return json.loads((GOLDEN / f"{seed}.json").read_text(encoding="utf-8"))


def table_part(seed: str) -> tuple[str, str]:
    """The text export split where the standard tables end (the explanation part begins)."""
    text = (TEXT_FIXTURES / f"{SEEDS[seed]}.txt").read_text(encoding="utf-8")
    end = text.index("信息公开情况说明")
    end = text.rindex("\n", 0, end)
    return text[:end], text[end:]


def same_as_golden(seed: str, document: Document, ignore: tuple[str, ...] = ()) -> None:
    tables, findings = extract_tables(document)
    assert findings == []
    produced = serialise(tables)
    for kind, expected in golden(seed).items():
        for key in ignore:
            expected = {k: v for k, v in expected.items() if k != key}
            produced[kind].pop(key)
        assert produced[kind] == expected, kind


@pytest.mark.parametrize("seed", TABLE_SEEDS)
def test_amounts_in_yuan_with_thousands_separators_give_the_same_yuan(seed: str) -> None:
    tables, rest = table_part(seed)
    in_yuan = _DECIMAL_CELL.sub(lambda m: m.group(1) + f"{Decimal(m.group(2)) * 10000:,.2f}", tables)
    in_yuan = in_yuan.replace("单位：万元", "单位：元")
    assert "3,148,500.00" in in_yuan or seed != "000"
    document = parse_text(in_yuan + rest, "variant.txt")
    same_as_golden(seed, document, ignore=("money_unit",))
    assert {t.money_unit for t in extract_tables(document)[0].values()} == {"元"}


@pytest.mark.parametrize("seed", TABLE_SEEDS)
def test_full_width_digits_give_the_same_yuan(seed: str) -> None:
    tables, rest = table_part(seed)
    lines = [line.translate(_FULL_WIDTH) if line.startswith("\t") and not re.search("预算年度|单位", line) else line
             for line in tables.split("\n")]
    variant = "\n".join(lines)
    assert "３１４．８５" in variant or seed != "000"
    same_as_golden(seed, parse_text(variant + rest, "variant.txt"))


def rows_of(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows()]


def exported(rows: list[list[str]]) -> Table:
    """A table as the text export gives it: cells left to right, span 1."""
    return Table([Cell(r, c, text=t) for r, row in enumerate(rows) for c, t in enumerate(row)],
                 len(rows), max(len(row) for row in rows))


def with_blocks(document: Document, replace: dict[int, list]) -> Document:
    blocks = []
    for index, block in enumerate(document.blocks):
        blocks.extend(replace.get(index, [block]))
    return Document(blocks, document.source)


BASIC_TEXT_BLOCK = 11  # 000 text export: table 6, its layout row first, then header rows 1-2 and 栏次 row 3


def test_header_repeated_after_a_page_break_is_not_data() -> None:
    document = seed_document("000", "txt")
    rows = rows_of(document.blocks[BASIC_TEXT_BLOCK])
    repeated = rows[:16] + rows[1:4] + rows[16:]
    same_as_golden("000", with_blocks(document, {BASIC_TEXT_BLOCK: [exported(repeated)]}))


@pytest.mark.parametrize("repeat_header", [True, False])
def test_table_continued_in_a_second_word_table(repeat_header: bool) -> None:
    document = seed_document("000", "txt")
    rows = rows_of(document.blocks[BASIC_TEXT_BLOCK])
    second = (rows[1:4] if repeat_header else []) + rows[16:]
    variant = with_blocks(document, {BASIC_TEXT_BLOCK: [exported(rows[:16]), Paragraph("12"), exported(second)]})
    same_as_golden("000", variant)
    assert extract_tables(variant)[0][TableKind.BASIC_BY_ECONOMIC].location == (
        "表6 部门预算一般公共预算财政拨款基本支出表, block 11–13")


def test_docx_table_continued_after_a_page_break() -> None:
    document = seed_document("000")
    basic = document.blocks[17]
    first = Table([c for c in basic.cells if c.row < 15], 15, basic.n_cols)
    second = Table([replace(c, row=c.row - 15) for c in basic.cells if c.row >= 15], basic.n_rows - 15,
                   basic.n_cols)
    same_as_golden("000", with_blocks(document, {17: [first, second]}))


@pytest.mark.parametrize("block, title", [
    (0, "部门预算 收支 总表"),
    (4, "表3 部门预算支出总表"),
    (18, '单位预算财政拨款"三公"经费支出表'),
    (18, "单位预算财政拨款‘三公’经费支出表"),
    (12, "部门预算政府性基金预算财政拨款支出表"),
])
def test_titles_with_spaces_numbering_and_other_quote_marks_are_recognised(block: int, title: str) -> None:
    variant = with_blocks(seed_document("000", "txt"), {block: [Paragraph(title)]})
    tables, findings = extract_tables(variant)
    assert findings == []
    assert title in [t.title for t in tables.values()]
    same_as_golden("000", variant, ignore=("title",))


def test_title_in_the_tables_own_first_row() -> None:
    document = seed_document("000", "txt")
    rows = rows_of(document.blocks[5])
    variant = with_blocks(document, {4: [], 5: [exported([["部门预算支出总表"]] + rows)]})
    same_as_golden("000", variant)


def test_unknown_column_is_kept_and_reported() -> None:
    document = seed_document("000", "txt")
    rows = rows_of(document.blocks[5])
    rows[1].append("备注")  # the short upper header row
    rows[2].append("")
    rows[3].append("9")  # 栏次
    for r in range(4, len(rows)):
        rows[r].append("含上年结转" if r == 4 else "")
    tables, findings = extract_tables(with_blocks(document, {5: [exported(rows)]}))
    expenditure = tables[TableKind.EXPENDITURE]
    assert expenditure.extra_columns == ["备注"]
    assert expenditure.rows[0].extra == {"备注": "含上年结转"} and expenditure.rows[1].extra == {}
    assert [f.message for f in findings] == [
        "column 10 '备注' is not a known column of table 3; its values are kept as published (TableRow.extra)"]
    assert serialise(tables)[TableKind.EXPENDITURE.value]["rows"][1:] == golden("000")["expenditure_by_function"][
        "rows"][1:]


def test_unreadable_amount_is_blank_with_an_error_finding() -> None:
    document = seed_document("000", "txt")
    rows = rows_of(document.blocks[5])
    assert rows[7][3] == "68.56"
    rows[7][3] = "68.5.6"
    tables, findings = extract_tables(with_blocks(document, {5: [exported(rows)]}))
    assert tables[TableKind.EXPENDITURE].rows[3].amounts["total"] is None
    assert tables[TableKind.EXPENDITURE].rows[3].amounts["basic"] == Decimal("685600.00")
    assert [(f.location, f.severity) for f in findings] == [("表3 部门预算支出总表, block 5, row 7", "error")]


def test_a_budget_table_with_an_unknown_title_is_reported_and_its_kind_missing() -> None:
    variant = with_blocks(seed_document("000", "txt"), {8: [Paragraph("部门预算项目支出表")]})
    tables, findings = extract_tables(variant)
    assert tables[TableKind.GENERAL_BUDGET].status is TableStatus.MISSING
    assert [f.message for f in findings] == [
        "a table under a layout row (unit, year, money unit) is not a standard table: its title '部门预算项目支出表' "
        "is not one of the standard tables of any template family; its rows are not read",
        "table 5 (一般公共预算财政拨款支出表) not found"]


def test_blank_rows_without_a_note_are_an_empty_table() -> None:
    variant = with_blocks(seed_document("000", "txt"), {14: []})  # drop 注：无政府基金预算财政拨款预算，空表列示。
    government_fund = extract_tables(variant)[0][TableKind.GOVERNMENT_FUND]
    assert (government_fund.status, government_fund.note, government_fund.rows) == (TableStatus.EMPTY, "", [])


def test_a_second_table_with_the_same_title_is_an_error_and_the_first_is_kept() -> None:
    document = seed_document("000", "txt")
    variant = with_blocks(document, {20: [Paragraph("部门预算支出总表"), document.blocks[9], document.blocks[20]]})
    tables, findings = extract_tables(variant)
    assert serialise(tables) == golden("000")
    assert [(f.severity, f.location) for f in findings] == [("error", "block 21")]


def test_code_levels_and_parents() -> None:
    assert [code_level(c) for c in ("201", "20137", "2013701", "302", "30239")] == [1, 2, 3, 1, 2]
    assert [parent_code(c) for c in ("201", "20137", "2013701", "30239")] == [None, "201", "20137", "302"]
    with pytest.raises(ValueError):
        code_level("2013")


def test_codes_seen_in_a_disclosure() -> None:
    tables, _ = extract_tables(seed_document("000", "txt"))
    entries = collect_codes(tables)
    assert CodeEntry("function", "2013701", "行政运行", 3, "20137") in entries
    assert CodeEntry("function", "201", "一般公共服务支出", 1, None) in entries
    assert CodeEntry("economic", "30239", "其他交通费用", 2, "302") in entries
    assert len([e for e in entries if e.classification == "function"]) == 12
    assert len([e for e in entries if e.classification == "economic"]) == 26
    assert entries == sorted(entries)


def test_note_row_inside_a_docx_table_marks_it_empty() -> None:
    document = seed_document("000")
    empty = document.blocks[20]  # 表7: header, 栏次 and one blank row; the note follows as a paragraph
    note = "注：无政府基金预算财政拨款预算，空表列示。"
    cells = [c for c in empty.cells if c.row < 3] + [Cell(3, 0, colspan=empty.n_cols, text=note)]
    government_fund = extract_tables(with_blocks(document, {20: [Table(cells, 4, empty.n_cols)], 21: []}))[0][
        TableKind.GOVERNMENT_FUND]
    assert (government_fund.status, government_fund.note) == (TableStatus.EMPTY, note)


@pytest.mark.parametrize("form, block, header_rows", [("txt", 7, [1, 2]), ("docx", 11, [0, 1])])
def test_merged_header_labels_from_spans_and_from_the_shorter_export_rows(form: str, block: int,
                                                                          header_rows: list[int]) -> None:
    header = read_header(seed_document("000", form).blocks[block], header_rows)  # 表4 财政拨款收支总表
    assert header.labels == [["序号"], ["收入", "项目"], ["收入", "金额"], ["支出", "项目"], ["支出", "合计"],
                             ["支出", "一般公共预算财政拨款"], ["支出", "政府性基金预算财政拨款"],
                             ["支出", "国有资本经营预算财政拨款"]]
    assert header.warnings == []


def test_export_header_split_where_the_amounts_begin() -> None:
    header = read_header(seed_document("000", "txt").blocks[BASIC_TEXT_BLOCK], [1, 2])  # 表6
    assert header.labels[1:] == [["支出部门经济分类科目", "科目编码"], ["支出部门经济分类科目", "科目名称"],
                                 ["一般公共预算基本支出", "合计"], ["一般公共预算基本支出", "人员经费"],
                                 ["一般公共预算基本支出", "公用经费"]]


@pytest.mark.parametrize(("text", "money_unit", "yuan"), [
    ("68.56", "万元", Decimal("685600.00")),
    ("1.385", "万元", Decimal("13850.00")),  # 001's fixed assets: exact, no float rounding
    ("1,167,600.00", "元", Decimal("1167600.00")),
    ("１，１６７，６００．００", "元", Decimal("1167600.00")),
    ("－１２．５", "万元", Decimal("-125000.00")),
    ("0.00", "万元", Decimal("0.00")),
    ("—", "万元", Decimal("0.00")),
    ("--", "元", Decimal("0.00")),
    ("", "万元", None),
    (" \u3000", "万元", None),
])
def test_amount_cells_to_exact_yuan_with_blank_distinct_from_zero(text: str, money_unit: str, yuan) -> None:
    assert parse_amount(text, money_unit) == yuan
    assert (parse_amount(text, money_unit) is None) == (yuan is None)


@pytest.mark.parametrize("text", ["12,34", "68.56万元", "一百", "1.2.3"])
def test_a_cell_that_is_not_an_amount_is_an_error(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, "万元")
