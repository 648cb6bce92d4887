"""The disclosure's identity as the document states it: the layout row above each budget
table (unit code and name, 预算年度, 单位：万元/元, or 编制部门：… with 金额单位：元), or
for an explanation-only document, or tables with the year only in their titles, its title lines."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from generator.contract.document import Document, Table

_YEAR = re.compile(r"预算年度[:：]\s*(\d{4})")
_MONEY_UNIT = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")
_UNIT = re.compile(r"^\s*(\d{3,12})?\s*(\S.*?)\s*$")
_PREPARER = re.compile(r"^编制(?:部门|单位)[:：]")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年\s*(?:度)?\s*(部门|单位)预算")
# A table title with the year, where no layout row gives it: 2025年部门收支总表.
_TABLE_TITLE_YEAR = re.compile(r"^(20\d{2})年度?(部门|单位)\S{0,40}表$")
_ORGANISATION = re.compile(r"(?:委员会办公室|办公室|委员会|中心|局|厅|委|院|所|站|队|处|部|社|馆|会)(?:本级)?$")


@dataclass(frozen=True)
class LayoutRow:
    unit_code: str
    unit_name: str
    year: int | None
    money_unit: str | None


@dataclass(frozen=True)
class StatedIdentity:
    unit_code: str
    unit_name: str
    year: int | None
    scope: str  # 部门 / 单位 / "" when the document does not say
    money_unit: str | None


def layout_row(cells: list[str]) -> LayoutRow | None:
    """Read a row such as ``224网信办 | 预算年度：2022 | 单位：万元``; None if it is not one."""
    joined = " ".join(cells)
    money = _MONEY_UNIT.search(joined)
    if money is None:
        return None
    year = _YEAR.search(joined)
    code, name = "", ""
    for cell in cells:
        # The unit may share its cell with the year and the money unit (224网信办 预算年度：2024
        # 单位：万元), and follow 编制部门：.
        text = _PREPARER.sub("", _MONEY_UNIT.sub("", _YEAR.sub("", "".join(cell.split()))))
        if not text or text.startswith("截止"):
            continue
        match = _UNIT.match(text)
        if match:
            code, name = match.group(1) or "", match.group(2)
            break
    return LayoutRow(code, name, int(year.group(1)) if year else None, money.group(1))


def table_layout(table: Table) -> LayoutRow | None:
    """The layout row of a layout table, or of a table that begins with one (the text export
    joins the layout table to the budget table below it), perhaps under a title row."""
    for cells in table.grid()[:2]:
        row = layout_row(cells)
        if row is not None:
            return row
    return None


def stated_identity(document: Document) -> StatedIdentity:
    """The most frequent unit, year and money unit of the layout rows; else the title lines."""
    rows = [row for _, table in document.tables() if (row := table_layout(table)) is not None]
    named = Counter((row.unit_code, row.unit_name) for row in rows if row.unit_name)
    years = Counter(row.year for row in rows if row.year)
    money_units = Counter(row.money_unit for row in rows if row.money_unit)
    code, name = named.most_common(1)[0][0] if named else ("", "")
    year = years.most_common(1)[0][0] if years else None
    scope = ""
    for _, paragraph in document.paragraphs():
        text = "".join(paragraph.text.split())
        title = _TITLE_YEAR.search(text)
        if title and year is None:
            year = int(title.group(1))
        if title and not scope:
            scope = title.group(2)
        if not name and _ORGANISATION.search(text) and len(text) <= 40:
            name = text
        if scope and year and name:
            break
    if year is None or not scope:
        for _, paragraph in document.paragraphs():
            title = _TABLE_TITLE_YEAR.match("".join(paragraph.text.split()))
            if title:
                year, scope = year or int(title.group(1)), scope or title.group(2)
                break
    if not scope:
        for _, paragraph in document.paragraphs():
            text = "".join(paragraph.text.split())
            if text.startswith(("部门预算", "单位预算")):
                scope = text[:2]
                break
    return StatedIdentity(code, name, year, scope, money_units.most_common(1)[0][0] if money_units else None)
