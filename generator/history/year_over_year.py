"""A unit's budget year against its previous one: totals, classes and projects side by side."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from generator.contract.records import Disclosure, TableKind


@dataclass(frozen=True)
class ComparedLine:
    """One line compared across two years; a None amount means the year does not state it."""

    kind: str  # total / function / economic / narrative
    code: str
    name: str
    previous: Decimal | None
    current: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass
class YearComparison:
    unit_id: str
    previous_year: int
    year: int
    previous_disclosure_id: str
    disclosure_id: str
    lines: list[ComparedLine] = field(default_factory=list)
    projects_added: list[str] = field(default_factory=list)
    projects_dropped: list[str] = field(default_factory=list)


def _total(disclosure: Disclosure, kind: TableKind, column: str = "total") -> Decimal | None:
    table = disclosure.table(kind)
    if table is None:
        return None
    totals = [row for row in table.rows if row.is_total and row.side in (None, "expenditure")]
    return totals[0].amounts.get(column) if totals else None


def _fact(disclosure: Disclosure, name: str) -> Decimal | None:
    return next((fact.amount for fact in disclosure.narrative.facts if fact.fact == name and not fact.qualifier), None)


def _classes(disclosure: Disclosure, kind: TableKind) -> dict[str, tuple[str, Decimal | None]]:
    """Top-level classes (类, three-digit codes) of a coded table."""
    table = disclosure.table(kind)
    if table is None:
        return {}
    return {row.code: (row.name, row.amounts.get("total")) for row in table.rows
            if row.code and len(row.code) == 3}


def _expenditure_total(disclosure: Disclosure) -> Decimal | None:
    stated = _total(disclosure, TableKind.EXPENDITURE)
    return stated if stated is not None else _fact(disclosure, "expenditure_total")


def _projects(disclosure: Disclosure) -> set[str]:
    return {project.project_name for project in disclosure.narrative.projects}


def compare_years(previous: Disclosure, current: Disclosure) -> YearComparison:
    comparison = YearComparison(current.unit.unit_id, previous.year, current.year, previous.disclosure_id,
                                current.disclosure_id)
    totals = (
        ("expenditure_total", "支出合计", _expenditure_total),
        ("basic", "基本支出", lambda d: _total(d, TableKind.EXPENDITURE, "basic")),
        ("project", "项目支出", lambda d: _total(d, TableKind.EXPENDITURE, "project")),
        ("personnel", "人员经费", lambda d: _total(d, TableKind.BASIC_BY_ECONOMIC, "personnel")),
        ("public", "公用经费", lambda d: _total(d, TableKind.BASIC_BY_ECONOMIC, "public")),
        ("three_public", "“三公”经费", lambda d: _fact(d, "three_public")),
    )
    for code, name, amount in totals:
        comparison.lines.append(ComparedLine("total", code, name, amount(previous), amount(current)))
    for kind, label in ((TableKind.EXPENDITURE, "function"), (TableKind.BASIC_BY_ECONOMIC, "economic")):
        before, after = _classes(previous, kind), _classes(current, kind)
        for code in sorted(before.keys() | after.keys()):
            name = (after.get(code) or before[code])[0]
            comparison.lines.append(ComparedLine(label, code, name, before.get(code, (name, None))[1],
                                                 after.get(code, (name, None))[1]))
    before_projects, after_projects = _projects(previous), _projects(current)
    comparison.projects_added = sorted(after_projects - before_projects)
    comparison.projects_dropped = sorted(before_projects - after_projects)
    return comparison


def unit_histories(disclosures: list[Disclosure]) -> dict[str, list[YearComparison]]:
    """For every unit with several years: each year compared with the one before it."""
    by_unit: dict[str, list[Disclosure]] = {}
    for disclosure in disclosures:
        by_unit.setdefault(disclosure.unit.unit_id, []).append(disclosure)
    histories: dict[str, list[YearComparison]] = {}
    for unit_id, items in sorted(by_unit.items()):
        items.sort(key=lambda d: d.year)
        pairs = [compare_years(a, b) for a, b in pairwise(items) if a.year < b.year]
        if pairs:
            histories[unit_id] = pairs
    return histories
