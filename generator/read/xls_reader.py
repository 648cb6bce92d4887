"""Read an Excel 97–2003 workbook (.xls) into the document model, with xlrd.

xlrd reads the file's records into memory (the file is size-capped) and gives each cell's
value, its number format and each sheet's merged ranges; a formula cell holds the result
saved with it. Sheets are loaded one at a time and each checked against the caps before
its cells are read.
"""

from __future__ import annotations

import os
from typing import Any

import xlrd

from generator.contract.document import Block, Document
from generator.read.numbers import display_number, display_temporal
from generator.read.safety import Limits, UnreadableDocument
from generator.read.sheets import Sheet, check_sheet_count, check_sheet_size, sheet_blocks

SAVE_AGAIN = "open it in Excel or LibreOffice and save it again as .xlsx"


def read_xls_bytes(data: bytes, name: str, limits: Limits) -> Document:
    try:
        with open(os.devnull, "w") as quiet:  # xlrd writes its notes to a log file
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=quiet)
            try:
                return _document(book, name, limits)
            finally:
                book.release_resources()
    except UnreadableDocument:
        raise
    except Exception as error:  # xlrd and the compound-file layer fail in many ways on a damaged file
        raise UnreadableDocument(f"not a readable Excel 97–2003 workbook: {type(error).__name__}: {error}",
                                 SAVE_AGAIN) from error


def _document(book: Any, name: str, limits: Limits) -> Document:
    check_sheet_count(book.nsheets, limits)
    blocks: list[Block] = []
    warnings: list[str] = []
    total = 0
    for index in range(book.nsheets):
        worksheet = book.sheet_by_index(index)
        check_sheet_size(worksheet.name, worksheet.nrows, worksheet.ncols, limits)
        total += worksheet.nrows * worksheet.ncols
        if total > limits.max_workbook_cells:
            raise UnreadableDocument(f"workbook holds over {limits.max_workbook_cells:,} cells",
                                     "check that this workbook is a budget disclosure, not a data dump")
        sheet = Sheet(worksheet.name, hidden=worksheet.visibility != 0,
                      merges=[(top, left, bottom - 1, right - 1)
                              for top, bottom, left, right in worksheet.merged_cells])
        for row in range(worksheet.nrows):
            for col, cell in enumerate(worksheet.row(row)):
                text = _display(book, cell)
                if text:
                    sheet.texts[(row, col)] = text
        found = sheet_blocks(sheet, limits)
        if sheet.hidden and found:
            warnings.append(f"sheet {worksheet.name!r} is hidden in the workbook; its content is read")
        blocks.extend(found)
        book.unload_sheet(index)
    return Document(blocks=blocks, source=name, warnings=warnings)


def _display(book: Any, cell: Any) -> str:
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return str(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return display_number(value, _format(book, cell))
    if kind == xlrd.XL_CELL_DATE:
        return display_temporal(xlrd.xldate_as_datetime(value, book.datemode))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    return ""


def _format(book: Any, cell: Any) -> str:
    """The cell's number format code; General when the file does not say."""
    try:
        return book.format_map[book.xf_list[cell.xf_index].format_key].format_str
    except (IndexError, KeyError, TypeError):
        return "General"
