"""Byte-stable file formats: CSV (UTF-8, LF, two-decimal yuan), XLSX and zip with fixed timestamps."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from decimal import Decimal
from enum import Enum

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.core import DocumentProperties
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

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
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return decimal_text(value, field.money)
    if isinstance(value, Enum):
        value = value.value
    # Line ends inside a cell follow the file's: LF only.
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def csv_bytes(resource: ResourceSchema, rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(resource.field_names)
    for row in rows:
        writer.writerow([cell_text(f, row.get(f.name)) for f in resource.fields])
    return buffer.getvalue().encode("utf-8")


def _excel_cell(sheet: object, field: Field, value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and field.type == "number":
        # openpyxl writes Decimal as its exact text: no float rounding.
        if not field.money:
            return value
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, int) and field.type == "integer":
        return value
    # Document text stays text: openpyxl would make "=…" a formula, control characters are not
    # allowed in the XML of a sheet, and Excel refuses cells over its length limit (the CSV has it all).
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell_text(field, value))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[:EXCEL_CELL_LIMIT - 1] + "…"
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    return cell


def xlsx_bytes(readme_rows: list[tuple[str, str, str]], tables: list[tuple[ResourceSchema, list[dict]]],
               timestamp: datetime) -> bytes:
    """One sheet per resource: Chinese titles, then field names, then the rows. Codes are text
    cells, so Excel keeps 2013701 and long project codes as written; amounts are numbers."""
    workbook = Workbook(write_only=True)  # streams rows: several times faster than the full model
    about = workbook.create_sheet("说明")
    about.append(["工作表 (sheet)", "名称 (title)", "说明 (description)"])
    for row in readme_rows:
        about.append(list(row))
    for resource, rows in tables:
        sheet = workbook.create_sheet(resource.name)
        for index in range(1, len(resource.fields) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.freeze_panes = "A3"
        sheet.append([f.title for f in resource.fields])
        sheet.append(resource.field_names)
        for row in rows:
            sheet.append([_excel_cell(sheet, f, row.get(f.name)) for f in resource.fields])
    workbook.properties = DocumentProperties(creator="budget-site", created=timestamp, modified=timestamp)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps "modified" with the wall clock when saving and the zip entries too: put ours back.
    workbook.properties.modified = timestamp
    core = tostring(workbook.properties.to_tree())
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        members = {name: (core if name == XLSX_CORE_PROPERTIES else archive.read(name))
                   for name in archive.namelist()}
    return zip_bytes(members, timestamp, keep_order=True)


def zip_bytes(members: dict[str, bytes], timestamp: datetime, keep_order: bool = False) -> bytes:
    """A zip whose bytes depend only on its members: fixed time, attributes and order."""
    buffer = io.BytesIO()
    date_time = max(timestamp, datetime(1980, 1, 1)).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in (members if keep_order else sorted(members)):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compresslevel=9)
    return buffer.getvalue()
