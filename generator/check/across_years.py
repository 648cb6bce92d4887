"""Rules across years: what a disclosure says about last year, against last year's disclosure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from generator.check.against_narrative import FACTS, fact_location, first, stated_quantum
from generator.check.engine import ACROSS_YEARS, Result, compare, rule
from generator.check.view import plain
from generator.contract.records import Disclosure, TableKind


def budget_total(disclosure: Disclosure) -> tuple[Decimal | None, str]:
    """The year's total budget and where it was read: the stated 预算收支安排 or income, else
    table 1's 收入总计, else table 3's 合计."""
    for name in ("budget_total", "income_total", "expenditure_total"):
        fact = first(disclosure, name)
        if fact is not None:
            return fact.amount, f"{disclosure.year} narrative {name}"
    for kind, side in ((TableKind.SUMMARY, "income"), (TableKind.EXPENDITURE, None)):
        table = disclosure.table(kind)
        if table is None:
            continue
        totals = [row for row in table.rows if row.is_total and row.side == side]
        if totals:
            row = totals[-1]  # 收入总计 closes the income side; 合计 is table 3's only total
            return next((v for v in row.amounts.values() if v is not None), None), \
                f"{disclosure.year} table {kind.number} {plain(row.name)}"
    return None, ""


@rule(
    "years.change_vs_last_year", ACROSS_YEARS,
    ("比上年增减与上年公开一致", "Stated change against last year agrees with last year's disclosure"),
    ("说明中“较上年增加/减少”的金额 = 本年预算总额 − 上一年度同一单位公开的预算总额（两年公开都在时核对）。"
     "总额优先取说明中的预算收支安排或收入合计，其次取表1收入总计、表3合计。按说明所列金额的公布精度比较。"
     "对应 GovBudgetChecker 中文字与表格一致性核对（BUD-T 系列）的跨年度延伸。",
     "The change against last year stated in the narrative (增加/减少) = this year's total budget − the total in "
     "the same unit's disclosure of the previous year, when both are published. The total is the stated "
     "预算收支安排 or income, else table 1's 收入总计, else table 3's 合计. Compared at the precision the "
     "change is stated with. Extends GovBudgetChecker's text-against-table checks (BUD-T series) across years."),
    ("narrative_facts", TableKind.SUMMARY.value, TableKind.EXPENDITURE.value),
    across_years=True,
)
def change_vs_last_year(disclosure: Disclosure, previous: Disclosure | None) -> Iterator[Result]:
    stated = first(disclosure, "change_vs_last_year")
    if stated is None or previous is None:
        return
    compared_year = stated.qualifier.strip()
    if compared_year.isdigit() and int(compared_year) != previous.year:
        return  # the sentence compares with a year that is not published here
    current, current_source = budget_total(disclosure)
    before, before_source = budget_total(previous)
    if current is None or before is None:
        return
    yield compare(FACTS, fact_location(stated), current - before, stated.amount,
                  f"change against {previous.year} ({current_source} − {before_source}, "
                  f"disclosure {previous.disclosure_id})", stated_quantum(stated))
