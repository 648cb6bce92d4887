"""Read an Excel workbook (.xlsx) into the document model.

The package passes the same guards as a .docx (``safety.check_package``: zip directory
caps, every part inflated once within its declared size, no DTD). Each sheet's XML is
then scanned once with a safe lxml parser for what openpyxl's read-only mode does not
give: the merged ranges, and the formula cells with no cached value (openpyxl reads those
as empty; they are findings, shown blank, never 0). The scan also counts the cells, so a
workbook too big to read is refused before openpyxl builds a cell. The values and number
formats are then streamed by openpyxl in read-only mode with cached formula values
(``data_only``): memory stays at one row, where loading normally (which would give the
merged ranges) holds every cell as an object.
"""

from __future__ import annotations

import posixpath
import warnings
from collections.abc import Mapping
from io import BytesIO
from typing import Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

from generator.contract.document import Block, Document
from generator.read.numbers import display_number, display_temporal
from generator.read.safety import Limits, UnreadableDocument, check_package
from generator.read.sheets import Sheet, address, check_sheet_count, sheet_blocks

WORKBOOK_PART = "xl/workbook.xml"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CELL, ROW, MERGE, FORMULA, VALUE = MAIN + "c", MAIN + "row", MAIN + "mergeCell", MAIN + "f", MAIN + "v"
SAVE_AGAIN = "open it in Excel or LibreOffice and save it again as .xlsx"


def read_xlsx_bytes(data: bytes, name: str, limits: Limits) -> Document:
    """Read a .xlsx from its bytes (a zip holding xl/workbook.xml)."""
    parts = check_package(data, limits, WORKBOOK_PART)
    try:
        sheets = _sheet_parts(parts)
        check_sheet_count(len(sheets), limits)
        scans = {title: _scan(parts[path], title, limits) for title, path in sheets.items() if path in parts}
        _check_total(scans, limits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of extensions it skips; they hold no cell
            workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        try:
            return _document(workbook, scans, name, limits)
        finally:
            workbook.close()
    except UnreadableDocument:
        raise
    except Exception as error:  # openpyxl and lxml fail in many ways on a damaged workbook
        raise UnreadableDocument(f"not a readable Excel workbook: {type(error).__name__}: {error}",
                                 SAVE_AGAIN) from error


class _Scan:
    """What the sheet XML says that read-only openpyxl does not: merges and formulas with no
    cached value, and how many cells openpyxl will make of the sheet's rows."""

    def __init__(self) -> None:
        self.merges: list[tuple[int, int, int, int]] = []
        self.uncached: list[tuple[int, int]] = []
        self.row_widths = 0  # openpyxl fills each row to its last cell: the cells it makes


def _scan(xml: bytes, title: str, limits: Limits) -> _Scan:
    scan = _Scan()
    row_number, column, widest = 0, 0, 0
    for _, element in etree.iterparse(BytesIO(xml), events=("end",), tag=(CELL, ROW, MERGE),
                                      resolve_entities=False, no_network=True, load_dtd=False):
        if element.tag == CELL:
            reference = element.get("r")
            if reference:
                letters, row_number = coordinate_from_string(reference)
                column = column_index_from_string(letters)
            else:  # positions may be left implicit: the row's number, the next column
                parent = element.getparent()
                row_number = int(parent.get("r", row_number)) if parent is not None else row_number
                column += 1
            widest = max(widest, column)
            if element.find(FORMULA) is not None and _no_saved_value(element):
                scan.uncached.append((row_number - 1, column - 1))
        elif element.tag == ROW:
            scan.row_widths += widest
            column, widest = 0, 0
        else:
            left, top, right, bottom = range_boundaries(element.get("ref", ""))
            scan.merges.append((top - 1, left - 1, bottom - 1, right - 1))
        element.clear(keep_tail=False)
        if scan.row_widths > limits.max_workbook_cells:
            raise UnreadableDocument(f"sheet {title!r} holds over {limits.max_workbook_cells:,} cells",
                                     "check that this workbook is a budget disclosure, not a data dump")
    return scan


def _no_saved_value(cell: etree._Element) -> bool:
    """No <v>, or an empty one where the formula's result is not a string (openpyxl writes <v></v>)."""
    value = cell.find(VALUE)
    return value is None or (not value.text and cell.get("t") != "str")


def _check_total(scans: Mapping[str, _Scan], limits: Limits) -> None:
    total = sum(scan.row_widths for scan in scans.values())
    if total > limits.max_workbook_cells:
        raise UnreadableDocument(f"workbook holds {total:,} cells, over the limit of {limits.max_workbook_cells:,}",
                                 "check that this workbook is a budget disclosure, not a data dump")


def _sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Worksheet title → its part's zip name, in workbook order (chart sheets have no cells)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    rels_name = "xl/_rels/workbook.xml.rels"
    targets = {}
    if rels_name in parts:
        for relationship in etree.fromstring(parts[rels_name], parser).iter(RELATIONSHIPS + "Relationship"):
            target = relationship.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[relationship.get("Id")] = path
    sheets = {}
    for sheet in etree.fromstring(parts[WORKBOOK_PART], parser).iter(MAIN + "sheet"):
        path = targets.get(sheet.get(OFFICE_RELATIONSHIPS + "id"), "")
        if "worksheets/" in path:
            sheets[sheet.get("name", "")] = path
    return sheets


def _document(workbook: Any, scans: Mapping[str, _Scan], name: str, limits: Limits) -> Document:
    blocks: list[Block] = []
    document_warnings: list[str] = []
    for worksheet in workbook.worksheets:
        scan = scans.get(worksheet.title, _Scan())
        sheet = Sheet(worksheet.title, hidden=worksheet.sheet_state != "visible", merges=scan.merges)
        worksheet.reset_dimensions()  # a stated dimension may be anything: read the rows there are
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.texts[(cell.row - 1, cell.column - 1)] = _display(cell)
        for row_index, col_index in scan.uncached:
            sheet.texts.pop((row_index, col_index), None)
            document_warnings.append(f"sheet {worksheet.title!r}, cell {address(row_index, col_index)}: a formula "
                                     f"with no saved value, read as blank (recalculate and save the workbook)")
        sheet_blocks_read = sheet_blocks(sheet, limits)
        if sheet.hidden and sheet_blocks_read:
            document_warnings.append(f"sheet {worksheet.title!r} is hidden in the workbook; its content is read")
        blocks.extend(sheet_blocks_read)
    return Document(blocks=blocks, source=name, warnings=document_warnings)


def _display(cell: Any) -> str:
    value = cell.value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return display_number(value, cell.number_format)
    if cell.is_date:
        return display_temporal(value)
    return str(value)
