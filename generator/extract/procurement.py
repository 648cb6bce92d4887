"""Rows of the government procurement table (政府采购预算) in its section, every published column.

Every layout in the corpus puts, left to right: 项目名称, 预算资金 (the project's budget),
采购物品名称, 政府采购目录序号, 计量单位, 数量, 单价, then the procurement amount and its split.
What follows 单价 differs by template year, so those columns are named by their header labels:
2020 writes 总计, then 当年部门预算安排资金 (合计 and one column per fund source) and 其他渠道资金;
later years write 政府采购金额（当年部门预算安排资金） as 合计 and its fund sources, then the share
reserved for small firms (预留中小微企业份额). Merged header cells leave a column's label in an
upper header row only: such labels (总计, 其他渠道资金, 预留…份额) are placed by their position.

合计/总计 and 小计 rows are kept and typed (RowType). Header rows, and blank template rows (an
empty table published as 注：无政府采购预算，空表列示), hold no item and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.contract.records import Finding, ProcurementItem, RowType
from generator.extract.money import AmountError, parse_amount, parse_number
from generator.extract.sections import Row, Section, compact, stated_money_unit


@dataclass(frozen=True)
class ProcurementColumn:
    field: str
    title: str  # Chinese title of the published column
    pattern: re.Pattern[str]  # matches its header label (whitespace removed)


# The split of the procurement amount, in the order the templates publish it.
PROCUREMENT_COLUMNS: tuple[ProcurementColumn, ...] = tuple(ProcurementColumn(name, title, re.compile(pattern)) for
                                                           name, title, pattern in (
    ("current_year_total", "当年部门预算安排资金合计", r"^合计$"),
    ("general_budget", "一般公共预算拨款", r"一般公共预算"),
    ("government_fund", "基金预算拨款", r"基金预算"),
    ("state_capital", "国有资本经营预算拨款", r"国有资本"),
    ("special_account", "财政专户核拨", r"财政专户"),
    ("unit_funds", "单位资金", r"^单位资金$"),
    ("other_income", "其他来源收入", r"其他来源"),
    ("carryover", "上年结转结余", r"^上年结转"),
    ("fiscal_carryover", "财政拨款结转", r"^财政拨款结转$"),
    ("non_fiscal_carryover", "非财政拨款结转结余", r"^非财政拨款结"),
    ("other_channels", "其他渠道资金", r"其他渠道"),
    ("small_firm_share", "预留中小微企业份额", r"预留中小微企业份额"),
))

_HEADER_WORDS = ("项目名称", "政府采购项目来源", "采购物品名称")
_FIRST_AMOUNT = 7  # 项目名称, 预算资金, 采购物品名称, 目录序号, 计量单位, 数量, 单价 come first
AMOUNT = "amount"  # 政府采购金额: 总计 (2020) or 合计


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
        headers: list[Row] = []
        columns: dict[int, str] | None = None
        for row in section.rows:
            stated = stated_money_unit(row)
            if stated is not None:
                unit, headers, columns = stated, [], None
                continue
            first = compact(row.cell(0))
            if first in _HEADER_WORDS or (not first and not _is_number(row.cell(_FIRST_AMOUNT))):
                headers.append(row)
                columns = None
                continue
            if columns is None:
                columns = column_fields(headers)
                unlabelled = sorted(set(range(_FIRST_AMOUNT, _width(headers))) - set(columns))
                if unlabelled:
                    result.findings.append(Finding("extract", row.location, "procurement columns without a "
                                                   f"recognised header, their figures are not read: "
                                                   f"{', '.join(str(index + 1) for index in unlabelled)}"))
            try:
                item, unread = _item(row, first, unit, columns)
            except AmountError as error:
                result.findings.append(Finding("extract", row.location, f"a procurement row that does not read "
                                               f"({error}): {' | '.join(row.cells)}"))
                continue
            for index, text in unread:
                result.findings.append(Finding("extract", row.location, f"procurement cell {index + 1} "
                                               f"({columns[index]}) is not an amount, left blank: {text}"))
            previous = result.items[-1] if result.items else None
            if not first and previous is not None:
                # A project name merged down over its items leaves its cells empty below.
                item.project_name = previous.project_name
                if item.project_budget is None:
                    item.project_budget = previous.project_budget
            result.items.append(item)
    return result


def column_fields(headers: list[Row]) -> dict[int, str]:
    """Cell index (from 7 on) → field, from the header rows above the first item.

    The row with the most cells has one per grid column (a vertically merged label leaves ""
    in the rows it covers); labels only found in upper rows are the merged ones: 总计 is the
    first amount column, 预留…份额 the last, 其他渠道资金 the last one left."""
    if not headers:
        return {}
    fullest = max(headers, key=lambda row: len(row.cells))
    labels = [compact(text) for row in headers for text in row.cells]
    grand_total = "总计" in labels
    columns: dict[int, str] = {}
    for index in range(_FIRST_AMOUNT, len(fullest.cells)):
        label = compact(fullest.cell(index))
        if label in ("总计", "合计") and AMOUNT not in columns.values() and not (label == "合计" and grand_total):
            columns[index] = AMOUNT
            continue
        found = next((column.field for column in PROCUREMENT_COLUMNS if label and column.pattern.search(label)), None)
        if found is not None and found not in columns.values():
            columns[index] = found
    free = [index for index in range(_FIRST_AMOUNT, len(fullest.cells)) if index not in columns]
    merged = ((grand_total and AMOUNT, 0), (any("预留" in label for label in labels) and "small_firm_share", -1),
              (any("其他渠道" in label for label in labels) and "other_channels", -1))
    for name, end in merged:
        if name and name not in columns.values() and free:
            columns[free.pop(end)] = name
    return columns


def _width(headers: list[Row]) -> int:
    return max((len(row.cells) for row in headers), default=0)


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except AmountError:
        return False


def _item(row: Row, first: str, unit: str,
          columns: dict[int, str]) -> tuple[ProcurementItem, list[tuple[int, str]]]:
    """The row's item, and the cells of the split that are not amounts (text typed into the row,
    e.g. the next table's title in its last, merged cell): those are left blank."""
    if AMOUNT not in columns.values():
        raise AmountError("no 总计 or 合计 column in the header")
    row_type = RowType.SUBTOTAL if first.endswith("小计") else \
        RowType.TOTAL if first.endswith(("合计", "总计")) else RowType.ITEM
    values: dict[str, Decimal | None] = {}
    unread: list[tuple[int, str]] = []
    for index, name in columns.items():
        try:
            values[name] = parse_amount(row.cell(index), unit)
        except AmountError:
            if name == AMOUNT:
                raise
            values[name] = None
            unread.append((index, row.cell(index)))
    amount = values.pop(AMOUNT)
    total = row_type is not RowType.ITEM
    return ProcurementItem(
        project_name="" if total else row.cell(0),
        item=first if total else row.cell(2),
        catalogue_code=row.cell(3),
        unit=row.cell(4),
        quantity=parse_number(row.cell(5)),
        unit_price=parse_amount(row.cell(6), unit),
        amount=amount,
        project_budget=parse_amount(row.cell(1), unit),
        amounts={column.field: values[column.field] for column in PROCUREMENT_COLUMNS if column.field in values},
        row_type=row_type,
    ), unread
