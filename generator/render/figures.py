"""What a reader looks for first: the key figures of a disclosure and the series the charts draw.

Figures are taken as published: from the standard tables when the disclosure has them,
otherwise from the amounts its explanation states. Nothing is summed or derived here, so a
figure on the site is always one a reader can find in the source document.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.contract.records import BudgetTable, Disclosure, TableKind, TableRow
from generator.contract.table_specs import APPROPRIATION_BY_FUND, SPEC_BY_KIND


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    yuan: Decimal | None
    source: str  # where it was read: 表3 支出总表, 情况说明 …


# key, label, the table and column of its total line (None: stated in the explanation only),
# and the narrative facts that state it
_KEY_FIGURES: tuple[tuple[str, str, TableKind | None, str, tuple[str, ...]], ...] = (
    ("total", "支出合计", TableKind.EXPENDITURE, "total", ("expenditure_total", "income_total")),
    ("basic", "基本支出", TableKind.EXPENDITURE, "basic", ("basic",)),
    ("project", "项目支出", TableKind.EXPENDITURE, "project", ("project",)),
    ("personnel", "人员经费", TableKind.BASIC_BY_ECONOMIC, "personnel", ("personnel",)),
    ("public", "公用经费", TableKind.BASIC_BY_ECONOMIC, "public", ("public",)),
    ("three_public", "“三公”经费", TableKind.THREE_PUBLIC, "total", ("three_public",)),
    ("operating_expenses", "机关运行经费", None, "", ("operating_expenses",)),
)


def total_row(table: BudgetTable) -> TableRow | None:
    """The first total line (合计) of a one-sided table."""
    return next((row for row in table.rows if row.is_total and row.side is None), None)


def table_label(kind: TableKind) -> str:
    return f"表{kind.number} {SPEC_BY_KIND[kind].title}"


def key_figures(disclosure: Disclosure) -> list[Figure]:
    figures = []
    for key, label, kind, column, facts in _KEY_FIGURES:
        table = disclosure.table(kind) if kind is not None else None
        row = total_row(table) if table is not None else None
        if table is not None and row is not None and row.amounts.get(column) is not None:
            figures.append(Figure(key, label, row.amounts[column], table_label(table.kind)))
            continue
        stated = next((fact for name in facts for fact in disclosure.narrative.facts
                       if fact.fact == name and not fact.qualifier), None)
        figures.append(Figure(key, label, stated.amount if stated else None, "情况说明" if stated else ""))
    return figures


@dataclass(frozen=True)
class Part:
    label: str
    yuan: Decimal
    series: int  # colour


@dataclass(frozen=True)
class Bar:
    label: str
    yuan: Decimal
    series: int = 0  # colour: 0 for a one-series chart, the column otherwise
    parts: tuple[Part, ...] = ()  # drawn stacked within the bar (yuan is their total, as published)


def _leaves(table: BudgetTable, column: str) -> list[Bar]:
    """The most detailed coded rows (a code no other row extends), in published order."""
    coded = [(row.code, row) for row in table.rows if row.code and not row.is_total]
    codes = [code for code, _ in coded]
    return [Bar(f"{code} {row.name}", amount) for code, row in coded
            if not any(other != code and other.startswith(code) for other in codes)
            and (amount := row.amounts.get(column)) is not None]


def expenditure_by_function(disclosure: Disclosure) -> tuple[str, list[Bar]]:
    for kind in (TableKind.EXPENDITURE, TableKind.GENERAL_BUDGET):
        table = disclosure.table(kind)
        if table is not None and (bars := _leaves(table, "total")):
            return table_label(kind), bars
    return "", []


def _stacked(shown: dict[str, Figure], whole: str, keys: tuple[str, ...], first: int) -> list[Bar]:
    """``whole`` as a bar made of ``keys`` (colours from ``first``), when it and a part are stated."""
    total = shown[whole].yuan
    parts = tuple(Part(shown[key].label, shown[key].yuan, first + index)  # type: ignore[arg-type]
                  for index, key in enumerate(keys) if shown[key].yuan is not None)
    return [Bar(shown[whole].label, total, first, parts)] if total is not None and parts else []


def composition(disclosure: Disclosure) -> tuple[str, list[Bar]]:
    """Spending as basic + project, and basic as personnel + public, each a stacked bar: the
    picture of a disclosure that published no tables."""
    if disclosure.table(TableKind.EXPENDITURE) or disclosure.table(TableKind.GENERAL_BUDGET):
        return "", []
    shown = {figure.key: figure for figure in key_figures(disclosure)}
    bars = _stacked(shown, "total", ("basic", "project"), 0) + _stacked(shown, "basic", ("personnel", "public"), 2)
    return ("情况说明" if bars else ""), bars


def basic_by_economic(disclosure: Disclosure) -> tuple[str, list[Bar]]:
    table = disclosure.table(TableKind.BASIC_BY_ECONOMIC)
    return (table_label(TableKind.BASIC_BY_ECONOMIC), _leaves(table, "total")) if table is not None else ("", [])


# Income by source as the explanation states it (收入说明), for disclosures without tables.
_INCOME_FACTS = {
    "income_general_budget": "一般公共预算拨款收入", "income_government_fund": "政府性基金预算拨款收入",
    "income_state_capital": "国有资本经营预算拨款收入", "income_special_account": "财政专户管理资金收入",
    "income_unit_funds": "单位资金收入", "income_other": "其他收入", "income_carryover": "上年结转",
}


def income_by_source(disclosure: Disclosure) -> tuple[str, list[Bar]]:
    """Income lines of 收支总表 (by source, as published), else the 合计 line of 收入总表 by column,
    else the sources the explanation states."""
    summary = disclosure.table(TableKind.SUMMARY)
    if summary is not None:
        bars = [Bar(row.name, amount) for row in summary.rows
                if row.side == "income" and not row.is_total and (amount := row.amounts.get("amount"))]
        if bars:
            return table_label(TableKind.SUMMARY), bars
    income = disclosure.table(TableKind.INCOME)
    row = total_row(income) if income is not None else None
    if income is None or row is None:
        stated = [Bar(_INCOME_FACTS[fact.fact], fact.amount) for fact in disclosure.narrative.facts
                  if fact.fact in _INCOME_FACTS and not fact.qualifier and fact.amount]
        return ("情况说明" if stated else ""), stated
    titles = {column.field: column.title for column in SPEC_BY_KIND[TableKind.INCOME].columns}
    skip = {"total", "current_year_subtotal", *(APPROPRIATION_BY_FUND if "fiscal_appropriation" in income.columns else ())}
    return table_label(TableKind.INCOME), [Bar(titles.get(column, column), amount)
                                           for column in income.columns
                                           if column not in skip and (amount := row.amounts.get(column))]


def projects(disclosure: Disclosure) -> tuple[str, list[Bar]]:
    """Projects once each (支出说明 and 绩效目标表 joined): they add up to 项目支出."""
    bars = [Bar(project.project_name, project.amount) for project in disclosure.narrative.projects
            if project.amount is not None]
    return ("情况说明 项目", bars) if bars else ("", [])


def years_side_by_side(disclosures: list[Disclosure]) -> list[Bar]:
    """Each year's total expenditure, stacked as basic + project."""
    bars = []
    for disclosure in sorted(disclosures, key=lambda d: d.year):
        shown = {figure.key: figure for figure in key_figures(disclosure)}
        for bar in _stacked(shown, "total", ("basic", "project"), 0):
            bars.append(Bar(f"{disclosure.year} {bar.label}", bar.yuan, 0, bar.parts))
    return bars
