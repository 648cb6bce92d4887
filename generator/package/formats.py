"""Byte-stable file formats: CSV (UTF-8, LF, two-decimal yuan) and XLSX with fixed timestamps;
their archives are written by generator.package.zips.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from generator.package.fields import Field, ResourceSchema
from generator.package.zips import AnyPiece, Content, Piece, zip_chunks

CENT = Decimal("0.01")
XLSX_CORE_PROPERTIES = "docProps/core.xml"
EXCEL_CELL_LIMIT = 32767  # characters
EXCEL_ROW_LIMIT = 1_048_576


def decimal_text(value: Decimal, money: bool) -> str:
    if money:
        rounded = value.quantize(CENT)
        if rounded == value:
            return format(rounded, "f") if rounded else "0.00"  # no "-0.00"
    return format(value if value else abs(value), "f")


def cell_text(field: Field, value: object) -> str:
    if type(value) is str:  # the commonest value first
        # Line ends inside a cell follow the file's: LF only.
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_text(value, field.money)
    if isinstance(value, Enum):
        value = value.value
    return cell_text(field, str(value))


# Values the csv module writes as cell_text would: a text as it is, None as "", an int in digits.
PLAIN = {str, type(None), int}
WITH_DECIMALS = PLAIN | {Decimal}


def _column(field: Field, values: list) -> list:
    types = set(map(type, values))
    if types <= PLAIN:
        return values
    if types <= WITH_DECIMALS:  # amounts, and the expected/actual figures of checks: one call each
        return [decimal_text(value, field.money) if value.__class__ is Decimal else value for value in values]
    return [value if value.__class__ is str else cell_text(field, value) for value in values]


def csv_bytes(resource: ResourceSchema, rows: list[dict[str, object]], header: bool = True) -> bytes:
    """The CSV of rows; without its header row, a part that joins with others under one header.
    Made column by column: most columns need no conversion at all (texts, blanks, integers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(resource.field_names)
    if rows:
        writer.writerows(zip(*(_column(field, list(map(dict.get, rows, itertools.repeat(field.name))))
                               for field in resource.fields)))
    text = buffer.getvalue()
    if "\r" in text:  # line ends inside a cell follow the file's: LF only (such a cell is quoted either way)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.encode("utf-8")


# Characters XML 1.0 does not allow in a sheet.
ILLEGAL_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
TEXT = Field("", "string", "", "")  # the columns of the workbook's own 说明 sheet
MONEY_STYLE = 1  # the second cellXfs entry of XLSX_STYLES: built-in number format 4, "#,##0.00"
XLSX_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
XLSX_STYLES = (
    f'<styleSheet xmlns="{XLSX_NAMESPACE}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
BLANK_CELL = "<c/>"
TEXT_CELL = '<c t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>'
MONEY_CELL = f'<c s="{MONEY_STYLE}"><v>{{}}</v></c>'
NUMBER_CELL = "<c><v>{}</v></c>"
BOOLEAN_CELL = '<c t="b"><v>{}</v></c>'
# Made from a template per row, a blank cell first holds an empty value; these fix it (and write
# booleans as Excel's 1/0) over a whole part at once. No cell with a value matches them.
CELL_FIXES = [(cell.format(""), BLANK_CELL) for cell in (TEXT_CELL, MONEY_CELL, NUMBER_CELL, BOOLEAN_CELL)] + [
    (BOOLEAN_CELL.format("true"), BOOLEAN_CELL.format(1)), (BOOLEAN_CELL.format("false"), BOOLEAN_CELL.format(0))]
CONTROL_BYTES = bytes(c for c in range(32) if chr(c) not in "\t\n\r")


@functools.cache
def _row_template(fields: tuple[Field, ...]) -> str:
    return "<row>" + "".join(MONEY_CELL if f.money else NUMBER_CELL if f.type in ("number", "integer")
                             else BOOLEAN_CELL if f.type == "boolean" else TEXT_CELL for f in fields) + "</row>"


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str) -> str:
    return text if len(text) <= EXCEL_CELL_LIMIT else text[:EXCEL_CELL_LIMIT - 1] + "…"


def sheet_rows_xml(fields: tuple[Field, ...], part: bytes) -> bytes:
    """Sheet rows made from a CSV part (rows without header), typed by the fields of their columns:
    the sheet holds what the CSV holds, and is made in a few passes over the whole part rather
    than cell by cell. Rows and cells carry no reference (ECMA-376 makes `r` optional: each
    follows the one before), so a disclosure's rows are the same bytes in every workbook.
    Document text stays text (inline strings, never formulas); control characters, which XML
    does not allow, become U+FFFD, and a text over Excel's cell limit is cut (the CSV has it all)."""
    text = part.decode("utf-8")
    if len(part.translate(None, CONTROL_BYTES)) != len(part) or b"\xef\xbf\xbe" in part or b"\xef\xbf\xbf" in part:
        text = ILLEGAL_XML_RE.sub("\ufffd", text)
    rows: Iterable[Sequence[str]] = csv_rows(_escaped(text))
    if len(text) > EXCEL_CELL_LIMIT:
        rows = list(rows)
        if max(map(len, itertools.chain.from_iterable(rows)), default=0) > EXCEL_CELL_LIMIT:
            rows = [[_escaped(_cut(cell)) for cell in row] for row in csv_rows(text)]
    xml = "".join(itertools.starmap(_row_template(fields).format, rows))
    for blank, fixed in CELL_FIXES:
        xml = xml.replace(blank, fixed)
    return xml.encode("utf-8")


def csv_rows(text: str) -> Iterator[list[str]]:
    """The cell texts of CSV rows."""
    return csv.reader(io.StringIO(text, newline=""))


def text_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """CSV rows of plain texts (a sheet's own header rows, the 说明 sheet)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    """A worksheet: its name, its start (sheet_head) and its rows, as deflated pieces; with
    ``columns``, filters in its header."""
    name: str
    head: Piece
    rows: Sequence[AnyPiece]
    columns: int = 0


def _sheet_head(fields: Sequence[Field], frozen: bool) -> str:
    parts = [f'{XML_DECLARATION}<worksheet xmlns="{XLSX_NAMESPACE}"><sheetViews><sheetView workbookViewId="0">']
    if frozen:  # titles and field names stay in view
        parts.append('<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
                     '<selection pane="bottomLeft" activeCell="A3" sqref="A3"/>')
    parts.append(f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                 f'<cols><col min="1" max="{len(fields)}" width="16" customWidth="1"/></cols><sheetData>')
    return "".join(parts)


SHEET_TAIL = Piece.of(b"</sheetData></worksheet>")


def _column_name(number: int) -> str:
    """1 → A, 27 → AA."""
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


@functools.lru_cache(maxsize=64)
def _filtered_tail(columns: int) -> Piece:
    """A data sheet's end: header filters on its field-name row, over every row below."""
    return Piece.of(f'</sheetData><autoFilter ref="A2:{_column_name(columns)}1048576"/></worksheet>'.encode())


def sheet_head(fields: tuple[Field, ...]) -> Piece:
    """A data sheet's start, with its two header rows (Chinese titles, then field names)."""
    header = sheet_rows_xml((TEXT,) * len(fields), text_csv([[f.title for f in fields], [f.name for f in fields]]))
    return Piece.of(_sheet_head(fields, frozen=True).encode("utf-8") + header)


def _core_properties(timestamp: datetime) -> str:
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>budget-site</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')


@functools.lru_cache(maxsize=64)
def _xml_piece(xml: str) -> Piece:
    """A workbook part the same in most workbooks of a build (relationships, styles…): deflated once."""
    return Piece.of((XML_DECLARATION + xml).encode("utf-8"))


@functools.lru_cache(maxsize=16)
def _readme_sheet(readme_rows: tuple[tuple[str, ...], ...]) -> Piece:
    rows = text_csv([("工作表 (sheet)", "数据文件 (CSV)", "说明 (description)"), *readme_rows])
    return Piece.of(_sheet_head((TEXT,) * 3, frozen=False).encode("utf-8") + sheet_rows_xml((TEXT,) * 3, rows)
                    + b"</sheetData></worksheet>")


def _filter_names(sheets: list[Sheet]) -> str:
    """The hidden names Excel keeps a sheet's filter range under (the 说明 sheet is the first, index 0)."""
    names = [f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
             f"'{sheet.name.replace(chr(39), chr(39) * 2).translate(XML_ESCAPES)}'!$A$2:"
             f"${_column_name(sheet.columns)}$1048576</definedName>"
             for index, sheet in enumerate(sheets, start=1) if sheet.columns]
    return f"<definedNames>{''.join(names)}</definedNames>" if names else ""


def xlsx_bytes(readme_rows: Sequence[tuple[str, ...]], sheets: list[Sheet], timestamp: datetime) -> bytes:
    return b"".join(xlsx_chunks(readme_rows, sheets, timestamp))


def xlsx_chunks(readme_rows: Sequence[tuple[str, ...]], sheets: list[Sheet], timestamp: datetime) -> Iterator[bytes]:
    """A 说明 sheet (readme_rows under its header), then one sheet per resource: Chinese titles,
    then field names, then the rows. Codes are text cells, so Excel keeps 2013701 and long project
    codes as written; amounts are numbers. Written as SpreadsheetML directly: openpyxl, even
    write-only, took most of the package stage."""
    names = ["说明", *(sheet.name for sheet in sheets)]
    sheet_parts = [f"xl/worksheets/sheet{number}.xml" for number in range(1, len(names) + 1)]
    worksheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/{part}" ContentType="{worksheet_type}"/>' for part in sheet_parts)
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
    package_relationships = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/></Relationships>')
    workbook = (f'<workbook xmlns="{XLSX_NAMESPACE}" xmlns:r="{RELATIONSHIPS}"><bookViews><workbookView/></bookViews>'
                "<sheets>" + "".join(f'<sheet name="{name.translate(XML_ESCAPES)}" sheetId="{number}" r:id="rId{number}"/>'
                                     for number, name in enumerate(names, start=1)) + "</sheets>"
                + _filter_names(sheets) + "</workbook>")
    workbook_relationships = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" '
                  f'Target="worksheets/sheet{number}.xml"/>' for number in range(1, len(names) + 1))
        + f'<Relationship Id="rId{len(names) + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>")
    members: dict[str, Content] = {name: [_xml_piece(xml)] for name, xml in (
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", package_relationships),
        (XLSX_CORE_PROPERTIES, _core_properties(timestamp)),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_relationships),
        ("xl/styles.xml", XLSX_STYLES))}
    members[sheet_parts[0]] = [_readme_sheet(tuple(readme_rows))]
    for part, sheet in zip(sheet_parts[1:], sheets):
        members[part] = [sheet.head, *sheet.rows, _filtered_tail(sheet.columns) if sheet.columns else SHEET_TAIL]
    return zip_chunks(members, timestamp, keep_order=True)
