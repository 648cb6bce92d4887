"""Rows of the government procurement table (政府采购预算) in its section.

Every layout in the corpus puts, left to right: 项目名称, 预算资金, 采购物品名称, 政府采购目录序号,
计量单位, 数量, 单价, then the procurement amount (总计 or 合计) and its split by fund.
合计 and 小计 rows are kept and flagged as totals. Header rows, and blank template rows (an
empty table published as 注：无政府采购预算，空表列示), hold no item and are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.extract.money import AmountError, parse_amount, parse_number
from generator.extract.sections import Row, Section, compact, stated_money_unit
from generator.records import Finding, ProcurementItem

_HEADER_WORDS = ("项目名称", "政府采购项目来源", "采购物品名称")
_TOTAL_ENDINGS = ("合计", "小计", "总计")
_AMOUNT_COLUMN = 7


@dataclass
class ProcurementResult:
    items: list[ProcurementItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def extract_procurement(sections: list[Section], money_unit: str) -> ProcurementResult:
    result = ProcurementResult()
    for section in sections:
        if section.kind != "procurement":
            continue
        unit = money_unit
        headers: dict[int, str] = {}
        for row in section.rows:
            stated = stated_money_unit(row)
            if stated is not None:
                unit = stated
                continue
            first = compact(row.cell(0))
            if first in _HEADER_WORDS or (not first and not _is_number(row.cell(_AMOUNT_COLUMN))):
                headers.update((index, compact(text)) for index, text in enumerate(row.cells) if text)
                continue
            try:
                item = _item(row, first, unit, headers)
            except AmountError as error:
                result.findings.append(Finding("extract", row.location, f"a procurement row that does not read "
                                               f"({error}): {' | '.join(row.cells)}"))
                continue
            if not first and result.items:
                # A project name merged down over its items leaves the cell empty below.
                item.project_name = result.items[-1].project_name
            result.items.append(item)
    return result


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except AmountError:
        return False


def _item(row: Row, first: str, unit: str, headers: dict[int, str]) -> ProcurementItem:
    if len(row.cells) <= _AMOUNT_COLUMN:
        raise AmountError(f"{len(row.cells)} cells, the amount is in cell {_AMOUNT_COLUMN + 1}")
    total = first.endswith(_TOTAL_ENDINGS)
    amount = row.cell(_AMOUNT_COLUMN)
    if not amount and headers.get(_AMOUNT_COLUMN) == "总计":
        # The 2020 layout splits 总计 into 当年部门预算安排资金 (its 合计 next) and other channels;
        # its 合计 row fills only the 当年部门预算安排资金 合计.
        amount = row.cell(_AMOUNT_COLUMN + 1)
    return ProcurementItem(
        project_name="" if total else row.cell(0),
        item=first if total else row.cell(2),
        catalogue_code=row.cell(3),
        unit=row.cell(4),
        quantity=parse_number(row.cell(5)),
        unit_price=parse_amount(row.cell(6), unit),
        amount=parse_amount(amount, unit),
        is_total=total,
    )
