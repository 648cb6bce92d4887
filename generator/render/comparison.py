"""Pages that compare units: every unit of a year by its key figures, the units that spend on a
functional class (类 and 款), and each unit's share and rank among the units of its year and city.

All of it is rendered at build time as plain tables (complete without JavaScript); the site's
script (assets/site.js) sorts a table marked sortable when its header is clicked.

A unit's standing depends on the other units, so it is not part of the unit's render (which is
kept between builds by the unit's own inputs): the unit page holds a marked block per year,
filled with the HTML made here after every unit is known (generator.render.fragments).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from generator.contract.records import Disclosure, TableKind
from generator.render.markup import PAGE_UNIT, amount, amount_with_unit, md
from generator.render.views import Grid, table_link

FIGURES = (("total", "支出合计"), ("basic", "基本支出"), ("project", "项目支出"), ("personnel", "人员经费"),
           ("public", "公用经费"), ("three_public", "“三公”经费"), ("operating_expenses", "机关运行经费"))
RANKED = (("total", "支出合计"), ("three_public", "“三公”经费"))
_CLASS_CODE = re.compile(r"^[0-9]{3}(?:[0-9]{2})?$")


@dataclass(frozen=True)
class ClassAmount:
    """A functional class (类, 3 digits, or 款, 5) a disclosure spends on, as 支出总表 (else 表5) states it."""

    code: str
    name: str
    yuan: Decimal


def class_amounts(disclosure: Disclosure) -> list[ClassAmount]:
    for kind in (TableKind.EXPENDITURE, TableKind.GENERAL_BUDGET):
        table = disclosure.table(kind)
        if table is None:
            continue
        found = [ClassAmount(row.code, row.name, total) for row in table.rows
                 if row.code and _CLASS_CODE.match(row.code) and not row.is_total
                 and (total := row.amounts.get("total")) is not None]
        if found:
            return list({item.code: item for item in reversed(found)}.values())[::-1]  # a code once, first kept
    return []


def _unit_link(unit) -> Markup:
    return table_link(unit.title, f"units/{unit.unit_id}/index.md")


def year_grid(entries: list) -> Grid:
    """Every unit of a year with its key figures in 万元: one sortable table."""
    grid = Grid(["单位", "地区", *(f"{label}（{PAGE_UNIT}）" for _, label in FIGURES)],
                [False, False, *([True] * len(FIGURES))], sortable=True)
    for unit, view in entries:
        shown = {figure.key: figure.yuan for figure in view.key_figures}
        grid.rows.append([_unit_link(unit), md(unit.region), *(amount(shown.get(key)) for key, _ in FIGURES)])
    return grid


def city_of(disclosure: Disclosure) -> str:
    unit = disclosure.unit
    return " ".join(part for part in (unit.province, unit.city) if part) or "地区不详"


@dataclass
class ClassPage:
    code: str  # 类
    name: str
    # 款 or the 类 itself → (unit, year view, yuan), in the units' order
    lines: dict[str, list[tuple[object, object, Decimal]]]
    names: dict[str, str]

    @property
    def path(self) -> str:
        return f"classes/{self.code}.md"


def class_pages(units: list) -> list[ClassPage]:
    """One page per 类 any unit spends on, with its 款, from each year's class amounts."""
    pages: dict[str, ClassPage] = {}
    for unit in units:
        for view in unit.years:
            for item in view.classes:
                top = item.code[:3]
                page = pages.setdefault(top, ClassPage(top, "", defaultdict(list), {}))
                page.names.setdefault(item.code, item.name)
                page.lines[item.code].append((unit, view, item.yuan))
    for page in pages.values():
        page.name = page.names.get(page.code, "")
    return [pages[code] for code in sorted(pages)]


def class_grid(lines: list) -> Grid:
    grid = Grid(["单位", "地区", "年份", f"金额（{PAGE_UNIT}）", "占本单位支出合计"],
                [False, False, False, True, True], sortable=True)
    for unit, view, yuan in sorted(lines, key=lambda line: (-line[1].disclosure.year, -line[2])):
        total = next((figure.yuan for figure in view.key_figures if figure.key == "total"), None)
        share = md(f"{yuan / total * 100:.1f}%") if total else Markup("")
        grid.rows.append([_unit_link(unit), md(unit.region), md(view.disclosure.year), amount(yuan), share])
    return grid


def standings(units: list) -> dict[str, dict[str, str]]:
    """Per unit and year: its share of, and rank among, the units of the same year and city (HTML,
    kept out of the search index: it moves with the figures of every unit of its city and year)."""
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for unit in units:
        for view in unit.years:
            groups[view.disclosure.year, city_of(view.disclosure)].append((unit, view))
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for (year, city), members in groups.items():
        for unit, view in members:
            text = _standing(unit, view, members, year, city)
            found[unit.unit_id][str(year)] = f'<div class="standing" data-pagefind-ignore="all">\n<p>{text}</p>\n</div>'

    return dict(found)


def _figure(view, key: str) -> Decimal | None:
    return next((figure.yuan for figure in view.key_figures if figure.key == key), None)


def _standing(unit, view, members: list, year: int, city: str) -> str:
    if len(members) == 1:
        return f"{year}年{md(city)}只收录了本单位，没有可比的单位。"
    parts = []
    for key, label in RANKED:
        own = _figure(view, key)
        values = [value for _, other in members if (value := _figure(other, key)) is not None]
        if own is None or not values:
            continue
        rank = 1 + sum(1 for value in values if value > own)
        whole = sum(values, Decimal(0))
        share = f"，占这些单位合计的 {own / whole * 100:.1f}%" if whole else ""
        parts.append(f"{label} {amount_with_unit(own)}，在公开了这一数字的 {len(values)} 个单位中排第 {rank}{share}")
    text = "；".join(parts) if parts else "没有可比的数字"
    return (f"与{year}年{md(city)}收录的 {len(members)} 个单位相比：{text}。"
            f'<a href="compare.md#y{year}">按年份比较全部单位</a>')
