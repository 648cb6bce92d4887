"""Rules inside one table: codes add up to their parents, 合计 to the top-level rows, a row's
total to its parts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from generator.check.engine import FAIL, WITHIN_TABLE, Result, compare, rule, total
from generator.check.view import (
    TABLE_KINDS,
    coded_tables,
    grand_total_row,
    has_amounts,
    location,
    parent_code,
    side,
    three_public_groups,
    top_level_rows,
)
from generator.contract.records import BudgetTable, Disclosure, TableKind, TableRow
from generator.contract.table_specs import APPROPRIATION_BY_FUND

CODED = tuple(kind.value for kind in (TableKind.INCOME, TableKind.EXPENDITURE, TableKind.GENERAL_BUDGET,
                                      TableKind.BASIC_BY_ECONOMIC, TableKind.GOVERNMENT_FUND,
                                      TableKind.STATE_CAPITAL))


def sum_check(table: BudgetTable, whole: TableRow, parts: list[TableRow], what: str) -> Iterator[Result]:
    """``whole`` = sum of ``parts`` in every amount column that is not blank throughout."""
    # Amounts read from the rows' dicts directly: these loops run for every row of every coded table.
    kind = table.kind.value
    for column in table.columns:
        result = _equals_sum(kind, whole, column, whole.amounts.get(column),
                             [part.amounts.get(column) for part in parts], what)
        if result is not None:
            yield result


def _equals_sum(kind: str, row: TableRow, column: str, stated: Decimal | None, parts: list[Decimal | None],
                what: str) -> Result | None:
    """``stated`` (the amount of ``row`` in ``column``) against the sum of ``parts``; None when all are blank."""
    if stated is None and all(amount is None for amount in parts):
        return None
    return compare(kind, location(row, column), total(parts), stated, what)


@rule(
    "table.parent_equals_children", WITHIN_TABLE,
    ("上级科目等于下级科目之和", "A parent code equals the sum of its children"),
    ("每张有科目编码的表（收入总表、支出总表、一般公共预算、政府性基金、国有资本经营财政拨款支出表用功能分类，"
     "基本支出表用经济分类）中，类 = 所属款之和、款 = 所属项之和，逐列比较，按元精确；下级科目缺少上级科目行也列为不通过。"
     "“三公”经费表中公务用车购置及运行费 = 购置费 + 运行维护费（对应 GovBudgetChecker BUD-C009），"
     "其他含“其中”行的项目同理。",
     "In every table with codes (functional codes in tables 2, 3, 5, 7, 8; economic codes in table 6) a 类 equals "
     "the sum of its 款 and a 款 the sum of its 项, column by column, exact in yuan; a code published without its "
     "parent row fails too. In the 三公 table, official cars (purchase and running) equals purchase + running "
     "(counterpart of GovBudgetChecker BUD-C009), and likewise for any item with 其中 rows."),
    CODED + (TableKind.THREE_PUBLIC.value,),
    ("BUD-C009",),
)
def parent_equals_children(disclosure: Disclosure) -> Iterator[Result]:
    for table, levels in coded_tables(disclosure):
        rows = [row for row in table.rows if row.code and not row.is_total]
        codes = {row.code for row in rows}
        # Each row's children in table order, grouped once rather than searched for every row.
        by_parent: dict[str, list[TableRow]] = {}
        for row in rows:
            parent = parent_code(row.code, levels)
            if parent:
                by_parent.setdefault(parent, []).append(row)
        for row in rows:
            parent = parent_code(row.code, levels)
            if parent and parent not in codes:
                yield Result(table.kind.value, location(row), parent, None, FAIL,
                             f"code {row.code} is published without its parent code {parent}")
            children = by_parent.get(row.code or "", [])
            if children:
                yield from sum_check(table, row, children, f"{row.code} = sum of its {len(children)} sub-codes")
    three_public = disclosure.table(TableKind.THREE_PUBLIC)
    if three_public is not None:
        for item, parts in three_public_groups(three_public):
            if parts:
                yield from sum_check(three_public, item, parts, f"{item.name.strip()} = sum of its 其中 rows")


@rule(
    "table.total_equals_top_level", WITHIN_TABLE,
    ("合计等于各类之和", "The total equals the sum of the top-level rows"),
    ("有科目编码的表中，合计行 = 各类（3位科目）之和；“三公”经费表中合计 = 因公出国（境）费 + 公务用车购置及运行费 + "
     "公务接待费（对应 GovBudgetChecker BUD-C008）；收支总表和财政拨款收支总表每一侧，本年收入（支出）合计 = 各行之和，"
     "收入（支出）总计 = 本年合计 + 结转结余，结转结余 = 其下各资金行之和。逐列比较，按元精确。",
     "In tables with codes the 合计 row equals the sum of the 类 (3-digit) rows; in the 三公 table 合计 equals "
     "overseas travel + official cars + reception (counterpart of GovBudgetChecker BUD-C008); on each side of tables "
     "1 and 4, 本年收入(支出)合计 equals the sum of the lines, 收入(支出)总计 equals that plus carry-over, and a "
     "carry-over line equals the fund lines under it. Column by column, exact in yuan."),
    CODED + (TableKind.SUMMARY.value, TableKind.FISCAL_SUMMARY.value, TableKind.THREE_PUBLIC.value),
    ("BUD-C008",),
)
def total_equals_top_level(disclosure: Disclosure) -> Iterator[Result]:
    for table, levels in coded_tables(disclosure):
        grand = grand_total_row(table)
        if grand is not None:
            tops = top_level_rows(table, levels)
            yield from sum_check(table, grand, tops, f"合计 = sum of the {len(tops)} top-level codes")
    for kind in (TableKind.SUMMARY, TableKind.FISCAL_SUMMARY):
        two_sided = disclosure.table(kind)
        if two_sided is None:
            continue
        for side_name in ("income", "expenditure"):
            found = side(two_sided, side_name)
            if found.current_total is not None:
                yield from sum_check(two_sided, found.current_total, found.lines,
                                     f"{found.current_total.name.strip()} = sum of the {len(found.lines)} lines")
                if found.grand_total is not None:
                    yield from sum_check(two_sided, found.grand_total, [found.current_total, *found.carry],
                                         f"{found.grand_total.name.strip()} = current year + carry-over")
            if len(found.carry) == 1 and any(has_amounts(part) for part in found.carry_parts):
                yield from sum_check(two_sided, found.carry[0], found.carry_parts,
                                     f"{found.carry[0].name.strip()} = sum of its fund lines")
    three_public = disclosure.table(TableKind.THREE_PUBLIC)
    if three_public is not None and (grand := grand_total_row(three_public)) is not None:
        items = [item for item, _ in three_public_groups(three_public)]
        yield from sum_check(three_public, grand, items, "“三公”经费合计 = overseas travel + official cars + reception")


_FUND_COLUMNS = ("general_budget", "government_fund", "state_capital")
_UNIT_FUND_PARTS = ("business_income", "operating_income", "superior_subsidy", "subordinate_remittance",
                    "other_income")


def row_identities(kind: TableKind, columns: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(whole, parts) column identities that hold on every row of a table of this kind."""
    identities: list[tuple[str, tuple[str, ...]]]
    if kind is TableKind.INCOME:
        sources = tuple(c for c in columns if c not in ("total", "current_year_subtotal", "carryover"))
        identities = []
        if "unit_funds" in columns and any(part in columns for part in _UNIT_FUND_PARTS):
            # 单位资金 is published with its sources beside it: count it once.
            identities.append(("unit_funds", _UNIT_FUND_PARTS))
            sources = tuple(c for c in sources if c not in _UNIT_FUND_PARTS)
        if "fiscal_appropriation" in columns and any(part in columns for part in APPROPRIATION_BY_FUND):
            # 财政拨款收入 published with its funds beside it: count it once.
            identities.append(("fiscal_appropriation", APPROPRIATION_BY_FUND))
            sources = tuple(c for c in sources if c not in APPROPRIATION_BY_FUND)
        if "current_year_subtotal" in columns:
            identities += [("total", ("current_year_subtotal", "carryover")), ("current_year_subtotal", sources)]
        else:
            identities.append(("total", sources + ("carryover",)))
    elif kind is TableKind.EXPENDITURE:
        identities = [("total", ("basic", "project", "operating", "remittance_to_superior",
                                 "subsidy_to_subordinate"))]
    elif kind in (TableKind.GENERAL_BUDGET, TableKind.GOVERNMENT_FUND, TableKind.STATE_CAPITAL):
        identities = [("total", ("basic", "project"))]
    elif kind is TableKind.BASIC_BY_ECONOMIC:
        identities = [("total", ("personnel", "public"))]
    elif kind in (TableKind.FISCAL_SUMMARY, TableKind.THREE_PUBLIC):
        identities = [("total", _FUND_COLUMNS)]
    else:
        identities = []
    found = []
    for whole, parts in identities:
        present = tuple(part for part in parts if part in columns)
        if whole in columns and present:
            found.append((whole, present))
    return found


@rule(
    "table.row_equals_parts", WITHIN_TABLE,
    ("每行合计等于各组成部分之和", "A row's total equals the sum of its parts"),
    ("每一行：支出总表 合计 = 基本支出 + 项目支出 + 经营支出 + 上缴上级支出 + 对附属单位补助支出（对应 GovBudgetChecker "
     "BUD-C002）；财政拨款支出表 合计 = 基本支出 + 项目支出；基本支出表 合计 = 人员经费 + 公用经费（对应 BUD-C003）；"
     "收入总表 合计 = 本年收入小计 + 上年结转，小计 = 各收入来源之和（财政拨款收入与其各预算拨款并列时计一次，"
     "且等于其和）；财政拨款收支总表支出侧和“三公”经费表 合计 = 一般公共预算 + 政府性基金 + 国有资本经营。按元精确。",
     "On every row: table 3 total = basic + project + operating + remittance to superior + subsidy to subordinates "
     "(counterpart of GovBudgetChecker BUD-C002); tables 5, 7, 8 total = basic + project; table 6 total = "
     "personnel + public (counterpart of BUD-C003); table 2 total = current-year subtotal + carry-over and the "
     "subtotal = the sum of the income sources (财政拨款收入 published beside its funds counted once, and "
     "equal to their sum); table 4's expenditure side and table 9 total = general budget + "
     "government funds + state capital. Exact in yuan."),
    tuple(kind.value for kind in TableKind if kind is not TableKind.SUMMARY),
    ("BUD-C002", "BUD-C003"),
)
def row_equals_parts(disclosure: Disclosure) -> Iterator[Result]:
    for kind in TABLE_KINDS:
        table = disclosure.table(kind)
        if table is None:
            continue
        identities = [(whole, parts, f"{whole} = {' + '.join(parts)}")
                      for whole, parts in row_identities(kind, table.columns)]
        for row in table.rows:
            if row.side == "income":  # the income side of table 4 has one amount per line
                continue
            amounts = row.amounts
            for whole, parts, what in identities:
                result = _equals_sum(kind.value, row, whole, amounts.get(whole), [amounts.get(part) for part in parts],
                                     what)
                if result is not None:
                    yield result
