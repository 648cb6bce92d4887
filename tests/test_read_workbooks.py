"""Excel workbooks (.xlsx and .xls) read into the same document model as the .docx.

The nine tables of three corpus documents are written into workbooks (tests/workbooks.py:
merged titles and headers, amounts as inexact binary floats with number formats, totals as
formulas) and must give every figure of every table the .docx gives.
"""

from __future__ import annotations

import math
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from conftest import SEEDS, SOURCE_DOCS, seed_document
from workbooks import standard_sheets, write_xls, write_xlsx

from generator.commands.inspect import inspect_command
from generator.contract.document import Document, Table
from generator.contract.records import BudgetTable, TableKind, TableStatus
from generator.extract.tables import extract_tables
from generator.pipeline.extraction import Unreadable, read_and_extract
from generator.pipeline.sources import SourceDocument, sha256_of
from generator.read import UnreadableDocument, read_document
from generator.read.numbers import display_number
from generator.read.safety import Kind, Limits, sniff

TABLE_SEEDS = ("000", "001", "002")  # 003 and 004 publish only the explanation


@cache
def workbook(seed: str, suffix: str, folder: Path) -> Path:
    sheets = standard_sheets(seed_document(seed))
    writer = write_xlsx if suffix == ".xlsx" else write_xls
    return writer(folder / f"{SEEDS[seed]}{suffix}", sheets)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workbooks")


def figures(table: BudgetTable) -> tuple:
    return (table.status, table.title, table.columns, table.money_unit, table.note,
            [(row.line, row.side, row.code, row.name, row.is_total, row.amounts) for row in table.rows])


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
@pytest.mark.parametrize("seed", TABLE_SEEDS)
def test_workbook_gives_every_figure_of_the_docx(seed, suffix, folder):
    path = workbook(seed, suffix, folder)
    document = read_document(path)
    from_docx, _ = extract_tables(seed_document(seed))
    from_workbook, findings = extract_tables(document)
    assert [kind for kind in TableKind if from_workbook[kind].status is not TableStatus.MISSING] == list(TableKind)
    for kind in TableKind:
        assert figures(from_workbook[kind]) == figures(from_docx[kind]), f"{seed}{suffix}: {kind.name}"
    assert findings == [] and document.warnings == []
    amounts = [amount for table in from_workbook.values() for row in table.rows for amount in row.amounts.values()
               if amount is not None]
    assert len(amounts) > 100


def test_workbook_amounts_are_inexact_floats_and_exact_figures(folder):
    """The file holds 116.7599999999999 where the cell shows 116.76; the record is 1167600.00 yuan."""
    path = workbook("001", ".xlsx", folder)
    with zipfile.ZipFile(path) as package:
        first_sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>116.7599999999999</v>" in first_sheet and "<v>116.76</v>" not in first_sheet
    tables, _ = extract_tables(read_document(path))
    total = next(row for row in tables[TableKind.SUMMARY].rows if row.name == "收入总计")
    assert total.amounts["amount"] == Decimal("1167600.00")
    basic = next(row for row in tables[TableKind.EXPENDITURE].rows if row.name == "合计")
    assert (basic.amounts["total"], basic.amounts["basic"], basic.amounts["project"]) == (
        Decimal("1167600.00"), Decimal("733200.00"), Decimal("434400.00"))


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (314.85, "0.00", "314.85"),
    (math.nextafter(314.85, 0), "0.00", "314.85"),
    (0.1 + 0.2, "General", "0.3"),
    (0.1 + 0.2, "0.00", "0.30"),
    (3148499.9999999995, "General", "3148500"),
    (2.675, "0.00", "2.68"),  # 2.67499999999999982…: Excel shows 2.68, round() gives 2.67
    (1233.8, "#,##0.00", "1,233.80"),
    (12.5, "#,##0", "13"),
    (-5.5, "#,##0.00;(#,##0.00)", "-5.50"),
    (0.0, '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)', "-"),
    (0.256, "0.0%", "25.6%"),
    (2.4, "General", "2.4"),
    (7, "General", "7"),
    (116.76, '#,##0.00_ ;[Red]\\-#,##0.00 ', "116.76"),
])
def test_number_shown_as_the_cell_displays_it(value, number_format, shown):
    assert display_number(value, number_format) == shown


def _table_book(title: str, rows: list[list]) -> tuple[openpyxl.Workbook, object]:
    """A workbook of one small table: its title merged across, a header, the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.merge_cells("A1:C1")
    sheet["A1"] = "测试表"
    for row in [["项目", "金额", "备注"], *rows]:
        sheet.append(row)
    return book, sheet


def test_formulas_with_and_without_saved_values(tmp_path):
    """openpyxl saves formulas without values; xlsxwriter saves the value given."""
    without = tmp_path / "without.xlsx"
    book, sheet = _table_book("收支", [["甲", 0.1, ""], ["乙", 0.2, ""], ["合计", "=B3+B4", ""]])
    sheet["B3"].number_format = sheet["B4"].number_format = "0.00"
    book.save(without)
    document = read_document(without)
    (_, table), = document.tables()
    assert table.grid()[-1] == ["合计", "", ""]  # blank, never 0
    assert document.warnings == ["sheet '收支', cell B5: a formula with no saved value, read as blank "
                                 "(recalculate and save the workbook)"]

    saved = tmp_path / "saved.xlsx"
    with xlsxwriter.Workbook(str(saved)) as written:
        sheet = written.add_worksheet("收支")
        sheet.write_row(0, 0, ["项目", "金额"])
        sheet.write_row(1, 0, ["甲", 0.1])
        sheet.write_row(2, 0, ["乙", 0.2])
        sheet.write(3, 0, "合计")
        sheet.write_formula(3, 1, "=B2+B3", None, 0.1 + 0.2)
    document = read_document(saved)
    (_, table), = document.tables()
    assert table.grid()[-1] == ["合计", "0.3"] and document.warnings == []


def test_merged_cells_become_spans_and_hidden_sheets_are_said(tmp_path):
    path = tmp_path / "merged.xlsx"
    book, sheet = _table_book("表", [["甲", 1, "注"]])
    sheet.merge_cells("C2:C3")
    hidden = book.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "说明文字"
    book.create_sheet("空")
    book.save(path)
    document = read_document(path)
    assert [type(block).__name__ for block in document.blocks] == ["Paragraph", "Table", "Paragraph"]
    assert document.blocks[0].text == "测试表" and document.blocks[2].text == "说明文字"
    table = document.blocks[1]
    assert isinstance(table, Table) and (table.n_rows, table.n_cols) == (2, 3)
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells] == [
        (0, 0, 1, 1, "项目"), (0, 1, 1, 1, "金额"), (0, 2, 2, 1, "备注"), (1, 0, 1, 1, "甲"), (1, 1, 1, 1, "1")]
    assert document.warnings == ["sheet '隐藏' is hidden in the workbook; its content is read"]


def test_sniffed_by_bytes_not_name(folder, tmp_path):
    xlsx = workbook("001", ".xlsx", folder).read_bytes()
    xls = workbook("001", ".xls", folder).read_bytes()
    docx = (SOURCE_DOCS / f"{SEEDS['001']}.docx").read_bytes()
    assert (sniff(xlsx, ".docx"), sniff(xls, ".doc"), sniff(docx, ".xlsx")) == (Kind.XLSX, Kind.XLS, Kind.DOCX)
    renamed = tmp_path / "tables.docx"
    renamed.write_bytes(xls)
    assert len(list(read_document(renamed).tables())) == 9


def test_workbook_guards(folder, tmp_path):
    path = workbook("000", ".xlsx", folder)
    with pytest.raises(UnreadableDocument, match="workbook holds 923 cells, over the limit of 200"):
        read_document(path, Limits(max_workbook_cells=200))
    with pytest.raises(UnreadableDocument, match="sheet '表1' holds over 50 cells"):
        read_document(path, Limits(max_workbook_cells=50))
    with pytest.raises(UnreadableDocument, match="sheet '表1' spans 38 rows × 5 columns, over the limit of 100 cells"):
        read_document(path, Limits(max_sheet_cells=100))
    with pytest.raises(UnreadableDocument, match="9 sheets, over the limit of 5"):
        read_document(path, Limits(max_sheets=5))
    with pytest.raises(UnreadableDocument, match="9 sheets, over the limit of 5"):
        read_document(workbook("000", ".xls", folder), Limits(max_sheets=5))
    # a zip bomb is refused from the directory, before any parser sees the workbook
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
        target.writestr("xl/worksheets/sheet99.xml", b"<a>" + b" " * (300 << 20) + b"</a>")
    with pytest.raises(UnreadableDocument, match="zip bomb refused"):
        read_document(bomb)
    damaged = tmp_path / "damaged.xls"
    data = workbook("000", ".xls", folder).read_bytes()
    damaged.write_bytes(data[:512] + bytes(3000) + data[3512:])  # the Workbook stream's start zeroed
    with pytest.raises(UnreadableDocument, match="not a readable Excel 97–2003 workbook: XLRDError"):
        read_document(damaged)


def test_damaged_and_encrypted_workbooks_are_named_workbooks(folder, tmp_path):
    """The reasons name the format the file is, not Word's."""
    whole = workbook("001", ".xlsx", folder).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])  # the zip directory lost, the local headers kept
    with pytest.raises(UnreadableDocument, match=r"^damaged or truncated Excel workbook: ") as error:
        read_document(cut)
    assert "download it again" in error.value.hint
    damaged = bytearray(whole)
    with zipfile.ZipFile(workbook("001", ".xlsx", folder)) as archive:
        entry = archive.getinfo("xl/workbook.xml")
    start = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
    damaged[start:start + 8] = bytes(8)  # the part's deflated bytes broken, the directory intact
    (tmp_path / "bad.xlsx").write_bytes(bytes(damaged))
    with pytest.raises(UnreadableDocument, match=r"^damaged Excel workbook: part xl/workbook.xml: "):
        read_document(tmp_path / "bad.xlsx")
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
    for name, reason, hint in [("locked.xlsx", "a password-protected Excel workbook", "save it as .xlsx"),
                               ("locked.docx", "a password-protected Word document", "save it as .docx"),
                               ("locked.bin", "a password-protected Office file (Word document or Excel workbook)",
                                "save it as .docx or .xlsx")]:
        (tmp_path / name).write_bytes(encrypted)
        with pytest.raises(UnreadableDocument) as refused:
            read_document(tmp_path / name)
        assert refused.value.reason == reason and refused.value.hint.endswith(hint)


def test_workbook_without_budget_table_gets_one_line_reason(tmp_path):
    path = tmp_path / "通讯录.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", 12345678])
    book.save(path)
    outcome = read_and_extract(SourceDocument(path, path.name, sha256_of(path)))
    assert isinstance(outcome, Unreadable)
    assert outcome.reason == "not a budget disclosure: no budget table or explanation section recognised"


def test_inspect_shows_a_workbook(folder):
    result = CliRunner().invoke(inspect_command, [str(workbook("001", ".xls", folder)), "--tables"])
    assert result.exit_code == 0
    assert ("  1 present as income_expenditure_summary: 表1 单位预算收支总表, block 1; by its title, title in the "
            "wording of hebei/mof; 42 rows in 万元; columns amount") in result.output
    assert "  9 empty as three_public_expenditure: 表9 单位预算财政拨款“三公”经费支出表" in result.output


def test_workbook_document_model_matches_docx_grid(folder):
    """The header of table 3 (merged 2×1 and 1×2 cells) comes out as in the .docx."""
    document: Document = read_document(workbook("001", ".xlsx", folder))
    docx_header = [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in seed_document("001").blocks[8].cells
                   if c.row < 2]
    tables = [table for _, table in document.tables()]
    header = [(c.row - 1, c.col, c.rowspan, c.colspan, c.text) for c in tables[2].cells if 1 <= c.row < 3]
    assert header == docx_header and len(header) == 10
