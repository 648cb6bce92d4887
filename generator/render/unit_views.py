"""What a unit's page shows besides its tables: the spending hierarchy, the checks in Chinese,
and how to cite it. Cells are made inert here (``md``) or are numbers formatted here."""

from __future__ import annotations

from markupsafe import Markup

from generator.contract.records import BudgetTable, CheckOutcome, Disclosure, TableKind, TableStatus
from generator.render.figures import table_label, total_row
from generator.render.fragments import Fragments, grid_html
from generator.render.markup import PAGE_UNIT, amount, md
from generator.render.views import RULES, Grid, budget_grids, check_detail, table_anchor, table_status

SITE_TITLE = "部门预算公开数据"
LEVELS = {3: "类", 5: "款", 7: "项"}
_INDENT = "\u3000"  # an ideographic space per level below 类: the hierarchy reads without CSS


def hierarchy_grid(disclosure: Disclosure) -> Grid | None:
    """The functional classes of 支出总表 (else 表5) as 类 → 款 → 项, each with its share of the total."""
    for kind in (TableKind.EXPENDITURE, TableKind.GENERAL_BUDGET):
        table = disclosure.table(kind)
        if table is None:
            continue
        total = total_row(table)
        whole = total.amounts.get("total") if total is not None else None
        coded = [row for row in table.rows if row.code and len(row.code) in LEVELS and not row.is_total]
        if not coded:
            continue
        grid = Grid(["级次", "科目", f"金额（{PAGE_UNIT}）", "占支出合计"], [False, False, True, True],
                    caption=f"数字来源：{table_label(kind)}")
        for row in coded:
            yuan = row.amounts.get("total")
            depth = (len(row.code) - 3) // 2  # type: ignore[arg-type]
            share = Markup("") if yuan is None or not whole else md(f"{yuan / whole * 100:.1f}%")
            grid.rows.append([md(LEVELS[len(row.code)]),  # type: ignore[arg-type]
                              Markup(_INDENT * depth) + md(f"{row.code} {row.name}"), amount(yuan), share])
        return grid
    return None


def failure_grid(outcomes: list[CheckOutcome], money_unit: str) -> Grid:
    """Every failed check of a year, one line each, in Chinese."""
    grid = Grid(["规则", "位置", "说明"], [False, False, False])
    for outcome in outcomes:
        title = RULES[outcome.rule].title_zh if outcome.rule in RULES else outcome.rule
        grid.rows.append([md(title), md(outcome.location), check_detail(outcome, money_unit)])
    return grid


def citation(disclosure: Disclosure, title: str, page: str, version: str) -> Markup:
    """The text to cite one year of a unit: unit, year, title, site, version, address, access date.
    The address and the date are filled in by the page's script where it runs (site.js)."""
    return Markup(
        f"{md(disclosure.unit.unit_name or title)}．{disclosure.year}年{md(disclosure.scope)}预算信息公开"
        f"［数据集］．{SITE_TITLE}" + (f"，数据版本 {md(version)}" if version else "")
        + f"．<span class=\"cite-url\">{md(page)}</span>（访问日期：<span class=\"cite-date\">年月日</span>）．")


def table_blocks(fragments: Fragments, disclosure: Disclosure) -> Markup:
    """The nine standard tables' blocks on the page (each table's status, title and grids) as one
    fragment, in the HTML Python-Markdown made of them when they were Markdown (``<details
    markdown>`` blocks): the 63 blocks of a seven-year unit page were a third of its conversion."""
    return fragments.block("\n".join(_table_block(kind, disclosure.tables.get(kind), disclosure.year)
                                     for kind in TableKind))


def _table_block(kind: TableKind, table: BudgetTable | None, year: int) -> str:
    lines = [f'<details id="{table_anchor(kind, year)}">',
             f"<summary>{md(table_label(kind))}（{md(table_status(table))}）</summary>"]
    if table is not None and table.status is TableStatus.PRESENT:
        if table.title:
            lines.append(f"<p>原表标题：{md(table.title)}，金额单位：{md(table.money_unit)}。</p>")
        lines += [grid_html(grid) for grid in budget_grids(table, year)]
    elif table is not None and table.status is TableStatus.EMPTY:
        lines.append(f"<p>{md(table.note or '原表为空表。')}</p>")
    else:
        lines.append("<p>本年公开材料中没有这张表。</p>")
    lines.append("</details>")
    return "\n".join(lines)
