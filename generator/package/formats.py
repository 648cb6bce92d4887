"""Byte-stable file formats: CSV (UTF-8, LF, two-decimal yuan), XLSX and zip with fixed timestamps."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import Enum

from generator.package.schema import Field, ResourceSchema

CENT = Decimal("0.01")
XLSX_CORE_PROPERTIES = "docProps/core.xml"
EXCEL_CELL_LIMIT = 32767  # characters


def decimal_text(value: Decimal, money: bool) -> str:
    if value == 0:
        value = abs(value)  # no "-0.00"
    if money and value == value.quantize(CENT):
        return format(value.quantize(CENT), "f")
    return format(value, "f")


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


def csv_bytes(resource: ResourceSchema, rows: list[dict[str, object]], header: bool = True) -> bytes:
    """The CSV of rows; without its header row, a part that joins with others under one header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(resource.field_names)
    for row in rows:
        writer.writerow([cell_text(f, row.get(f.name)) for f in resource.fields])
    return buffer.getvalue().encode("utf-8")


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


class _SharedStrings:
    """The workbook's string table, in order of first use (deterministic)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}  # cell text → its number
        self.seen: dict[str, int] = {}  # value as given → the number of its cell text
        self.count = 0

    def cell(self, reference: str, text: str) -> str:
        number = self.seen.get(text)
        if number is None:
            # Document text stays text (never a formula); control characters are not allowed in the
            # XML of a sheet, and Excel refuses cells over its length limit (the CSV has it all).
            cleaned = ILLEGAL_XML_RE.sub("\ufffd", cell_text(TEXT, text))
            if len(cleaned) > EXCEL_CELL_LIMIT:
                cleaned = cleaned[:EXCEL_CELL_LIMIT - 1] + "…"
            number = self.seen[text] = self.index.setdefault(cleaned, len(self.index))
        self.count += 1
        return f'<c r="{reference}" t="s"><v>{number}</v></c>'

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{text.translate(XML_ESCAPES)}</t></si>' for text in self.index)
        return f'<sst xmlns="{XLSX_NAMESPACE}" count="{self.count}" uniqueCount="{len(self.index)}">{items}</sst>'


def _excel_cell(strings: _SharedStrings, reference: str, field: Field, value: object) -> str:
    if value is None:
        return ""
    if type(value) is str:  # the commonest cell first
        return strings.cell(reference, value)
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal) and field.type == "number":
        # The exact decimal text: no float rounding.
        style = f' s="{MONEY_STYLE}"' if field.money else ""
        return f'<c r="{reference}"{style}><v>{decimal_text(value, False)}</v></c>'
    if isinstance(value, int) and field.type == "integer":
        return f'<c r="{reference}"><v>{value}</v></c>'
    return strings.cell(reference, cell_text(field, value))


def _column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _sheet_xml(strings: _SharedStrings, fields: tuple[Field, ...], rows: Iterable[list], frozen: bool) -> str:
    """A sheet of rows of values, typed by the fields of their columns; a str is always a text cell."""
    letters = [_column_letter(index) for index in range(1, len(fields) + 1)]
    parts = [f'<worksheet xmlns="{XLSX_NAMESPACE}"><sheetViews><sheetView workbookViewId="0">']
    if frozen:  # titles and field names stay in view
        parts.append('<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
                     '<selection pane="bottomLeft" activeCell="A3" sqref="A3"/>')
    parts.append(f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                 f'<cols><col min="1" max="{len(fields)}" width="16" customWidth="1"/></cols><sheetData>')
    for number, values in enumerate(rows, start=1):
        parts.append(f'<row r="{number}">')
        parts.extend(_excel_cell(strings, f"{letter}{number}", field, value)
                     for letter, field, value in zip(letters, fields, values))
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def _core_properties(timestamp: datetime) -> str:
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>budget-site</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')


def xlsx_bytes(readme_rows: list[tuple[str, str, str]], tables: list[tuple[ResourceSchema, list[dict]]],
               timestamp: datetime) -> bytes:
    """One sheet per resource: Chinese titles, then field names, then the rows. Codes are text
    cells, so Excel keeps 2013701 and long project codes as written; amounts are numbers.
    Written as SpreadsheetML directly: openpyxl, even write-only, took most of the package stage."""
    strings = _SharedStrings()
    sheets = {"说明": _sheet_xml(strings, (TEXT,) * 3,
                               [("工作表 (sheet)", "名称 (title)", "说明 (description)"), *readme_rows], frozen=False)}
    for resource, rows in tables:
        fields = resource.fields
        sheets[resource.name] = _sheet_xml(
            strings, fields, itertools.chain([[f.title for f in fields], resource.field_names],
                                             ([row.get(f.name) for f in fields] for row in rows)), frozen=True)
    sheet_parts = [f"xl/worksheets/sheet{number}.xml" for number in range(1, len(sheets) + 1)]
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
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
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
                                     for number, name in enumerate(sheets, start=1)) + "</sheets></workbook>")
    workbook_relationships = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" '
                  f'Target="worksheets/sheet{number}.xml"/>' for number in range(1, len(sheets) + 1))
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{len(sheets) + 2}" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>")
    members = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": package_relationships,
        XLSX_CORE_PROPERTIES: _core_properties(timestamp),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_relationships,
        "xl/styles.xml": XLSX_STYLES,
        **dict(zip(sheet_parts, sheets.values())),
        "xl/sharedStrings.xml": strings.xml(),
    }
    return zip_bytes({name: (XML_DECLARATION + xml).encode("utf-8") for name, xml in members.items()}, timestamp,
                     keep_order=True)


def zip_bytes(members: dict[str, bytes], timestamp: datetime, keep_order: bool = False) -> bytes:
    """A zip whose bytes depend only on its members: fixed time, attributes and order."""
    buffer = io.BytesIO()
    date_time = max(timestamp, datetime(1980, 1, 1)).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in (members if keep_order else sorted(members)):
            info = zipfile.ZipInfo(name, date_time=date_time)
            # A workbook is a zip already: deflating it again costs time and saves nothing.
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".xlsx") else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compresslevel=6)
    return buffer.getvalue()
