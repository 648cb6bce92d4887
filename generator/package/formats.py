"""Byte-stable file formats: CSV (UTF-8, LF, two-decimal yuan), XLSX and zip with fixed timestamps."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from decimal import Decimal
from enum import Enum

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from generator.package.schema import Field, ResourceSchema

CENT = Decimal("0.01")
XLSX_CORE_PROPERTIES = "docProps/core.xml"


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


def _excel_value(field: Field, value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        # openpyxl writes Decimal as its exact text: no float rounding.
        return value if field.type == "number" else decimal_text(value, field.money)
    if isinstance(value, int) and field.type == "integer":
        return value
    return cell_text(field, value)


def xlsx_bytes(readme_rows: list[tuple[str, str, str]], tables: list[tuple[ResourceSchema, list[dict]]],
               timestamp: datetime) -> bytes:
    """One sheet per resource: Chinese titles, then field names, then the rows. Codes are text
    cells, so Excel keeps 2013701 and long project codes as written; amounts are numbers."""
    workbook = Workbook()
    about = workbook.active
    about.title = "说明"
    about.append(["工作表 (sheet)", "名称 (title)", "说明 (description)"])
    for row in readme_rows:
        about.append(list(row))
    for resource, rows in tables:
        sheet = workbook.create_sheet(resource.name)
        sheet.append([f.title for f in resource.fields])
        sheet.append(resource.field_names)
        for row in rows:
            sheet.append([_excel_value(f, row.get(f.name)) for f in resource.fields])
        for index, f in enumerate(resource.fields, start=1):
            style = "#,##0.00" if f.money else "@" if f.type in ("string", "date", "object") else None
            if style:
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = style
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.freeze_panes = "A3"
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
