"""Workbooks written from a parsed .docx, as publishers post them: one sheet per standard
table, its title in a top row merged across the table, the layout row, the header with its
merged cells, amounts as numbers (binary floats) with number formats, a note below.

Amounts with decimals are stored as binary floats off in their 16th significant digit
(116.76 as 116.7599999999999, as sums computed in binary leave them; both openpyxl and
xlsxwriter write 16 digits, so a smaller error would not reach the file), with the number
format of the decimals the .docx shows; whole numbers (序号, codes, 栏次) as integers in General.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlwt

from generator.contract.document import Document, Paragraph, Table
from generator.extract.recognise import match_title

NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")


@dataclass
class SheetCell:
    row: int
    col: int
    value: str | int | float
    number_format: str = "General"
    rowspan: int = 1
    colspan: int = 1


@dataclass
class SheetSpec:
    name: str
    cells: list[SheetCell] = field(default_factory=list)


def number_cell(text: str) -> tuple[str | int | float, str]:
    """A cell's text as a value and number format, as the workbook stores it."""
    match = NUMBER.match(text.strip())
    if match is None or (len(text.strip()) > 1 and text.strip().startswith("0") and "." not in text):
        return text, "General"
    bare = text.strip().replace(",", "")
    if match.group(1) is None:
        return int(bare), "#,##0" if "," in text else "General"
    decimals = len(match.group(1))
    return float(bare) * (1 - 1e-15), ("#,##0." if "," in text else "0.") + "0" * decimals


def standard_sheets(document: Document) -> list[SheetSpec]:
    """One sheet per standard table: the blocks from its title to the next heading."""
    sheets: list[SheetSpec] = []
    blocks: list[Paragraph | Table] = []
    for block in [*document.blocks, Paragraph("end", heading_level=1)]:
        if isinstance(block, Paragraph) and block.heading_level:
            if blocks and isinstance(blocks[0], Paragraph) and match_title(blocks[0].text):
                sheets.append(_sheet(f"表{len(sheets) + 1}", blocks))
            blocks = []
        blocks.append(block)
    return sheets


def _sheet(name: str, blocks: list[Paragraph | Table]) -> SheetSpec:
    width = max(block.n_cols for block in blocks if isinstance(block, Table))
    sheet, row = SheetSpec(name), 0
    for block in blocks:
        if isinstance(block, Paragraph):
            sheet.cells.append(SheetCell(row, 0, block.text, colspan=width))
            row += 1
        elif block.n_rows == 1 and block.n_cols < width:  # the layout row, spread across the table
            texts = [cell.text for cell in block.cells]
            spans = [width - len(texts) + 1] + [1] * (len(texts) - 1)
            col = 0
            for text, span in zip(texts, spans):
                sheet.cells.append(SheetCell(row, col, text, colspan=span))
                col += span
            row += 1
        else:
            for cell in block.cells:
                value, number_format = number_cell(cell.text)
                sheet.cells.append(SheetCell(row + cell.row, cell.col, value, number_format, cell.rowspan,
                                             cell.colspan))
            row += block.n_rows
    return sheet


def write_xlsx(path: Path, sheets: list[SheetSpec]) -> Path:
    """With openpyxl, which writes a float's every digit (xlsxwriter rounds to 16)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in sheets:
        worksheet = book.create_sheet(spec.name)
        for cell in spec.cells:
            target = worksheet.cell(cell.row + 1, cell.col + 1, cell.value if cell.value != "" else None)
            target.number_format = cell.number_format
            if cell.rowspan > 1 or cell.colspan > 1:
                worksheet.merge_cells(start_row=cell.row + 1, start_column=cell.col + 1,
                                      end_row=cell.row + cell.rowspan, end_column=cell.col + cell.colspan)
    book.save(path)
    return path


def write_xls(path: Path, sheets: list[SheetSpec]) -> Path:
    """The same sheets as an Excel 97–2003 workbook."""
    workbook = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}
    for spec in sheets:
        worksheet = workbook.add_sheet(spec.name)
        for cell in spec.cells:
            style = styles.setdefault(cell.number_format, xlwt.easyxf(num_format_str=cell.number_format))
            if cell.rowspan > 1 or cell.colspan > 1:
                worksheet.write_merge(cell.row, cell.row + cell.rowspan - 1, cell.col, cell.col + cell.colspan - 1,
                                      cell.value, style)
            elif cell.value != "":
                worksheet.write(cell.row, cell.col, cell.value, style)
    workbook.save(str(path))
    return path
