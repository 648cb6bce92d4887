"""Rules across tables: the same figure published in two tables must be the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from generator.check.engine import ACROSS_TABLES, FAIL, NOT_APPLICABLE, PASS, Result, compare, rule, total
from generator.check.view import (
    FUNCTION_LEVELS,
    grand_total_row,
    has_amounts,
    location,
    main_column,
    plain,
    row_by_code,
    side,
    three_public_item,
    top_level_rows,
    two_sided_total,
    value,
)
from generator.contract.records import BudgetTable, Disclosure, TableKind, TableRow

_NUMBERING = re.compile(r"^[一二三四五六七八九十]+[、.．]")


def grand_value(table: BudgetTable | None, column: str = "total") -> tuple[TableRow, Decimal | None] | None:
    """The 合计 row of a one-sided table and its value in ``column``; an empty table is all zero."""
    if table is None:
        return None
    row = grand_total_row(table)
    if row is None:
        return (TableRow(0, "合计 (empty table)", {}), Decimal(0)) if not table.rows else None
    return row, value(row, column)


def all_general_budget(disclosure: Disclosure) -> bool:
    """Every yuan of income is general-budget appropriation: then tables 3 and 5 (and 1 and 4) are
    the same figures, as in every seed with tables."""
    income = disclosure.table(TableKind.INCOME)
    found = grand_value(income)
    if income is None or found is None or found[1] is None:
        return False
    row, amount = found
    if value(row, "fiscal_appropriation") != amount:
        return False
    for kind in (TableKind.GOVERNMENT_FUND, TableKind.STATE_CAPITAL):
        table = disclosure.table(kind)
        if table is not None and any(has_amounts(r) and any(v for v in r.amounts.values()) for r in table.rows):
            return False
    return True


def class_lines_against_rows(summary: BudgetTable, lines: list[TableRow], column: str,
                             function_table: BudgetTable, function_column: str) -> Iterator[Result]:
    """The expenditure lines of table 1 or 4 (one per 类, by name) against the 类 rows of a
    functional table."""
    tops = top_level_rows(function_table, FUNCTION_LEVELS)
    by_code = {row.code: row for row in tops}
    by_name = {plain(row.name): row for row in tops}
    for line in lines:
        name = _NUMBERING.sub("", plain(line.name))
        stated = value(line, column)
        match = by_code.get(line.code) if line.code else by_name.get(name)
        if match is None:
            if stated:
                yield Result(summary.kind.value, location(line, column), None, stated, FAIL,
                             f"{name} {stated} has no 类 row in {function_table.kind.value}")
            continue
        yield compare(summary.kind.value, location(line, column), value(match, function_column), stated,
                      f"{name} against {function_table.kind.value} code {match.code}")


@rule(
    "tables.income_equals_expenditure", ACROSS_TABLES,
    ("收入总计等于支出总计", "Total income equals total expenditure"),
    ("收支总表、财政拨款收支总表中，收入总计 = 支出总计（对应 GovBudgetChecker BUD-C001），按元精确。",
     "In tables 1 and 4, 收入总计 equals 支出总计 (counterpart of GovBudgetChecker BUD-C001), exact in yuan."),
    (TableKind.SUMMARY.value, TableKind.FISCAL_SUMMARY.value),
    ("BUD-C001",),
)
def income_equals_expenditure(disclosure: Disclosure) -> Iterator[Result]:
    for kind in (TableKind.SUMMARY, TableKind.FISCAL_SUMMARY):
        income = two_sided_total(disclosure, kind, "income")
        expenditure = two_sided_total(disclosure, kind, "expenditure")
        if income and expenditure:
            table, row = expenditure
            column = main_column(table)
            yield compare(kind.value, location(row, column), value(income[1], column), value(row, column),
                          "支出总计 = 收入总计")


@rule(
    "tables.totals_agree", ACROSS_TABLES,
    ("收支总表、收入总表、支出总表、一般公共预算支出表总数一致", "Totals of tables 1, 2, 3 and 5 agree"),
    ("收支总表 收入总计 = 收入总表 合计；收支总表 本年支出合计 = 支出总表 合计；收支总表各支出功能类 = 支出总表对应类。"
     "全部收入均为一般公共预算拨款时：支出总表与一般公共预算财政拨款支出表逐科目的合计、基本支出、项目支出一致"
     "（对应 GovBudgetChecker BUD-C007），收支总表与财政拨款收支总表的收入总计、支出总计一致（对应 BUD-C005、BUD-C006）。"
     "按元精确。",
     "Table 1 收入总计 = table 2 合计; table 1 本年支出合计 = table 3 合计; each function class line of table 1 = "
     "the 类 row of table 3. When all income is general-budget appropriation: table 3 and table 5 agree code by "
     "code in total, basic and project (counterpart of GovBudgetChecker BUD-C007), and table 1's 收入总计 and "
     "支出总计 equal table 4's (counterpart of BUD-C005, BUD-C006). Exact in yuan."),
    (TableKind.SUMMARY.value, TableKind.INCOME.value, TableKind.EXPENDITURE.value, TableKind.FISCAL_SUMMARY.value,
     TableKind.GENERAL_BUDGET.value),
    ("BUD-C005", "BUD-C006", "BUD-C007"),
)
def totals_agree(disclosure: Disclosure) -> Iterator[Result]:
    summary = disclosure.table(TableKind.SUMMARY)
    income = grand_value(disclosure.table(TableKind.INCOME))
    expenditure_table = disclosure.table(TableKind.EXPENDITURE)
    expenditure = grand_value(expenditure_table)
    summary_income = two_sided_total(disclosure, TableKind.SUMMARY, "income")
    summary_spent = two_sided_total(disclosure, TableKind.SUMMARY, "expenditure", current=True)
    if summary_income and income:
        table, row = summary_income
        yield compare(TableKind.INCOME.value, location(income[0], "total"), value(row, main_column(table)),
                      income[1], f"收入总表 合计 against {TableKind.SUMMARY.value} 收入总计")
    if summary_spent and expenditure:
        table, row = summary_spent
        yield compare(TableKind.EXPENDITURE.value, location(expenditure[0], "total"), value(row, main_column(table)),
                      expenditure[1], f"支出总表 合计 against {TableKind.SUMMARY.value} 本年支出合计")
    if summary is not None and expenditure_table is not None:
        yield from class_lines_against_rows(summary, side(summary, "expenditure").lines, main_column(summary),
                                            expenditure_table, "total")
    general = disclosure.table(TableKind.GENERAL_BUDGET)
    if expenditure_table is None or general is None:
        return
    if not all_general_budget(disclosure):
        yield Result(TableKind.GENERAL_BUDGET.value, "", None, None, NOT_APPLICABLE,
                     "income is not all general-budget appropriation: tables 3 and 5 need not agree")
        return
    codes = [row.code for row in expenditure_table.rows if row.code]
    codes += [row.code for row in general.rows if row.code and row.code not in codes]
    pairs = [(grand_total_row(expenditure_table), grand_total_row(general))]
    pairs += [(row_by_code(expenditure_table, code), row_by_code(general, code)) for code in codes]
    for in_expenditure, in_general in pairs:
        if in_expenditure is None or in_general is None:
            present = in_expenditure or in_general
            if present is not None and has_amounts(present):
                yield Result(TableKind.GENERAL_BUDGET.value, location(present), None, None, FAIL,
                             "published in only one of tables 3 and 5")
            continue
        for column in ("total", "basic", "project"):
            yield compare(TableKind.GENERAL_BUDGET.value, location(in_general, column), value(in_expenditure, column),
                          value(in_general, column), f"against {TableKind.EXPENDITURE.value}")
    fiscal = (two_sided_total(disclosure, TableKind.FISCAL_SUMMARY, "income"),
              two_sided_total(disclosure, TableKind.FISCAL_SUMMARY, "expenditure"))
    stated = (summary_income, two_sided_total(disclosure, TableKind.SUMMARY, "expenditure"))
    for in_fiscal, in_summary in zip(fiscal, stated):
        if in_fiscal and in_summary:
            table, row = in_fiscal
            yield compare(TableKind.FISCAL_SUMMARY.value, location(row, "total"),
                          value(in_summary[1], main_column(in_summary[0])), value(row, main_column(table)),
                          f"against {TableKind.SUMMARY.value} {row.name.strip()}")


@rule(
    "tables.fund_tables_match_fiscal_summary", ACROSS_TABLES,
    ("财政拨款收支总表与各财政拨款支出表一致", "Table 4 agrees with the fund tables 5, 7 and 8"),
    ("财政拨款收支总表支出侧：一般公共预算列 = 一般公共预算财政拨款支出表合计，政府性基金列 = 政府性基金支出表合计，"
     "国有资本经营列 = 国有资本经营支出表合计，合计列 = 三表合计之和（对应 GovBudgetChecker BUD-C010）；"
     "各支出功能类的一般公共预算列 = 一般公共预算财政拨款支出表对应类。空表按 0 计。按元精确。",
     "On table 4's expenditure side, the general-budget column of 本年支出合计 equals table 5's total, the "
     "government-fund column table 7's, the state-capital column table 8's, and the total column their sum "
     "(counterpart of GovBudgetChecker BUD-C010); each function class line's general-budget column equals table "
     "5's 类 row. A table published empty counts as 0. Exact in yuan."),
    (TableKind.FISCAL_SUMMARY.value, TableKind.GENERAL_BUDGET.value, TableKind.GOVERNMENT_FUND.value,
     TableKind.STATE_CAPITAL.value),
    ("BUD-C010",),
)
def fund_tables_match_fiscal_summary(disclosure: Disclosure) -> Iterator[Result]:
    current = two_sided_total(disclosure, TableKind.FISCAL_SUMMARY, "expenditure", current=True)
    if current is None:
        return
    summary, row = current
    fund_totals = []
    for column, kind in (("general_budget", TableKind.GENERAL_BUDGET), ("government_fund", TableKind.GOVERNMENT_FUND),
                         ("state_capital", TableKind.STATE_CAPITAL)):
        found = grand_value(disclosure.table(kind))
        if found is None:
            yield Result(summary.kind.value, location(row, column), None, value(row, column), NOT_APPLICABLE,
                         f"{kind.value} is not published")
            continue
        fund_totals.append(found[1])
        yield compare(summary.kind.value, location(row, column), found[1], value(row, column),
                      f"against the total of {kind.value}")
    if len(fund_totals) == 3:
        yield compare(summary.kind.value, location(row, "total"), total(fund_totals), value(row, "total"),
                      "against the totals of tables 5, 7 and 8")
    general = disclosure.table(TableKind.GENERAL_BUDGET)
    if general is not None:
        yield from class_lines_against_rows(summary, side(summary, "expenditure").lines, "general_budget", general,
                                            "total")


@rule(
    "tables.basic_matches_economic", ACROSS_TABLES,
    ("基本支出表合计等于一般公共预算基本支出", "Table 6 total equals table 5's basic expenditure"),
    ("一般公共预算财政拨款基本支出表合计 = 一般公共预算财政拨款支出表基本支出合计（对应 GovBudgetChecker BUD-C004："
     "河北模板中基本支出表只含一般公共预算，故与表5而非支出总表比较），按元精确。",
     "Table 6's total equals the basic column of table 5's total (counterpart of GovBudgetChecker BUD-C004; in the "
     "Hebei template table 6 covers the general budget only, so it is compared with table 5 rather than table 3). "
     "Exact in yuan."),
    (TableKind.BASIC_BY_ECONOMIC.value, TableKind.GENERAL_BUDGET.value),
    ("BUD-C004",),
)
def basic_matches_economic(disclosure: Disclosure) -> Iterator[Result]:
    economic = grand_value(disclosure.table(TableKind.BASIC_BY_ECONOMIC))
    general = grand_value(disclosure.table(TableKind.GENERAL_BUDGET), "basic")
    if economic and general:
        yield compare(TableKind.BASIC_BY_ECONOMIC.value, location(economic[0], "total"), general[1], economic[1],
                      f"against the basic column of {TableKind.GENERAL_BUDGET.value}")


@rule(
    "tables.three_public_matches_economic", ACROSS_TABLES,
    ("公务用车运行维护费与经济科目30231一致", "Official car running cost matches economic code 30231"),
    ("“三公”经费表 公务用车运行维护费（合计列）= 基本支出表经济科目 30231 公务用车运行维护费；基本支出表未列 30231 时"
     "不适用。按元精确。",
     "Table 9's official car running cost (total column) equals economic code 30231 公务用车运行维护费 in table 6; "
     "not applicable where table 6 has no 30231 row. Exact in yuan."),
    (TableKind.THREE_PUBLIC.value, TableKind.BASIC_BY_ECONOMIC.value),
)
def three_public_matches_economic(disclosure: Disclosure) -> Iterator[Result]:
    three_public = disclosure.table(TableKind.THREE_PUBLIC)
    economic = disclosure.table(TableKind.BASIC_BY_ECONOMIC)
    if three_public is None or economic is None:
        return
    running = next((row for row in three_public.rows if three_public_item(row) == "car_running"), None)
    code_row = row_by_code(economic, "30231")
    if code_row is None:
        stated = value(running, "total") if running is not None else None
        yield Result(TableKind.THREE_PUBLIC.value, location(running) if running else "", None, stated, NOT_APPLICABLE,
                     "table 6 has no economic code 30231")
        return
    if running is None:
        status = PASS if not value(code_row, "total") else FAIL
        yield Result(TableKind.THREE_PUBLIC.value, "", value(code_row, "total"), None, status,
                     "table 9 has no official car running line" + ("" if status == PASS else
                                                                   " but code 30231 has an amount"))
        return
    yield compare(TableKind.THREE_PUBLIC.value, location(running, "total"), value(code_row, "total"),
                  value(running, "total"), f"against {TableKind.BASIC_BY_ECONOMIC.value} code 30231")
