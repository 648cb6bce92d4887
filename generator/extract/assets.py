"""The fixed-asset table (固定资产占用情况表) of the 国有资产 section: one line per asset class
with quantity and value, and the date it stands at (截止时间)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.contract.records import Finding, FixedAsset
from generator.extract.money import AmountError, parse_amount, parse_number
from generator.extract.sections import Section, compact, stated_money_unit

_AS_OF = re.compile(r"截止(?:时间|日期)?[:：]\s*(\S.*)")
_DATE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
_VALUE_UNIT = re.compile(r"金额单位[:：]\s*(万元|元)")
_HEADER = "项目"
_DASH = re.compile(r"^[-—–―─－]+$")


@dataclass
class AssetResult:
    assets: list[FixedAsset] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def extract_assets(sections: list[Section], money_unit: str) -> AssetResult:
    result = AssetResult()
    for section in sections:
        if section.kind != "assets":
            continue
        rows = section.rows
        as_of = next((iso_date(m.group(1)) for row in rows for cell in row.cells if (m := _AS_OF.search(cell))), "")
        unit, reading = money_unit, False
        for row in rows:
            if compact(row.cell(0)) == _HEADER:
                value_unit = next((m.group(1) for cell in row.cells if (m := _VALUE_UNIT.search(cell))), None)
                unit, reading = value_unit or unit, True
                continue
            unit = stated_money_unit(row) or unit
            if not reading or row.blank:
                continue
            try:
                if not row.cell(0):
                    raise AmountError("no item name")
                quantity, note = _quantity(row.cell(1))
                result.assets.append(FixedAsset(item=row.cell(0), quantity=quantity, quantity_note=note,
                                                value=parse_amount(row.cell(2), unit), as_of=as_of))
            except AmountError as error:
                result.findings.append(Finding("extract", row.location, f"a fixed-asset row that does not read "
                                               f"({error}): {' | '.join(row.cells)}"))
        if rows and not reading:
            result.findings.append(Finding("extract", rows[0].location, "a table in the 国有资产 section without the "
                                           "项目 | 数量 | 价值 header of the fixed-asset table"))
    return result


def _quantity(text: str) -> tuple[Decimal | None, str]:
    """A dash in the quantity column says "not applicable" (资产总额 has no count), not 0: the
    quantity is left blank and the dash kept as published."""
    if _DASH.match(compact(text)):
        return None, compact(text)
    return parse_number(text), ""


def iso_date(text: str) -> str:
    """2019年12月31日 or 2021-12-31 → 2019-12-31; other text is kept as published."""
    match = _DATE.search(text)
    if match is None:
        return text.strip()
    year, month, day = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"
