"""Records → what a page shows: grids of escaped cells, ready for the templates.

Every cell is made inert here (``md``) or is a number formatted here (``amount``), so a
template cannot print a document string raw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup

from generator.check import rule_catalogue
from generator.check.tally import CheckTally
from generator.contract.records import BudgetTable, CheckOutcome, Disclosure, Narrative, TableKind, TableStatus
from generator.contract.table_specs import SPEC_BY_KIND
from generator.extract.families import DEFAULT_FAMILY, FAMILY_BY_NAME
from generator.history.year_over_year import YearComparison
from generator.package.schema import RESOURCES
from generator.render.figures import Figure, expenditure_by_function
from generator.render.markup import PAGE_UNIT, amount, amount_with_unit, href, md, number

SIDES = {"income": "收入", "expenditure": "支出", None: ""}
STATUS_LABELS = {"pass": "✓ 通过", "fail": "✗ 未通过", "not_applicable": "不适用"}
RULES = {entry.rule: entry for entry in rule_catalogue()}
RULE_ORDER = {rule: index for index, rule in enumerate(RULES)}
# What a check read, by its Chinese name: the package's resources, and two views of the explanation's text.
CHECKED_TABLES = {**{resource.name: resource.title for resource in RESOURCES},
                  "narrative_sections": "情况说明各部分", "paragraphs": "情况说明正文"}


@dataclass
class Grid:
    """A table to print: header labels, one flag per column for right alignment, escaped cells."""

    header: list[str]
    numeric: list[bool]
    rows: list[list[Markup]] = field(default_factory=list)
    caption: str = ""
    row_ids: list[str] = field(default_factory=list)  # an anchor per row ("" none), from safe ASCII ids only
    sortable: bool = False  # the site's script sorts it by a clicked column


def _column_titles(kind: TableKind) -> dict[str, str]:
    return {column.field: column.title for column in SPEC_BY_KIND[kind].columns}


def table_anchor(kind: TableKind, year: int) -> str:
    """A table's anchor on its unit's page, the same in every build: t5-2022."""
    return f"t{kind.number}-{year}"


def budget_grids(table: BudgetTable, year: int = 0) -> list[Grid]:
    """One grid per side for 收支总表 and 财政拨款收支总表, one grid otherwise; amounts in the published unit.
    With ``year``, each coded row has an anchor: t5-2022-2013701 (the first row of a code repeated)."""
    spec = SPEC_BY_KIND[table.kind]
    titles = _column_titles(table.kind)
    columns = [*table.columns, *(c for c in table.extra_columns if c not in table.columns)]
    lead = ["科目编码", "科目名称"] if spec.codes else ["项目"]
    sides = list(dict.fromkeys(row.side for row in table.rows)) if spec.two_sided else [None]
    grids = []
    for side in sides:
        grid = Grid([*lead, *(titles.get(c, c) for c in columns)], [False] * len(lead) + [True] * len(columns),
                    caption=SIDES.get(side, md(side)))
        for row in table.rows:
            if row.side != side:
                continue
            name = Markup(f"<strong>{md(row.name)}</strong>") if row.is_total else md(row.name)
            cells = [md(row.code or ""), name] if spec.codes else [name]
            grid.rows.append(cells + [amount(row.amounts.get(c), table.money_unit, exact=True) for c in columns])
            anchor = f"{table_anchor(table.kind, year)}-{row.code}" if year and row.code and row.code.isascii() \
                and row.code.isalnum() else ""
            grid.row_ids.append("" if anchor in grid.row_ids else anchor)
        grids.append(grid)
    return grids


def table_status(table: BudgetTable | None) -> str:
    if table is None or table.status is TableStatus.MISSING:
        return "未公开"
    if table.status is TableStatus.UNRECOGNISED:
        return "未识别"
    return "空表" if table.status is TableStatus.EMPTY else "已公开"


PROJECT_SOURCES = {"text_only": "支出说明", "table_only": "绩效目标表"}


def _numbered(grid: Grid, prefix: str) -> Grid:
    """An anchor per row, in published order (p-2022-3: the third project of 2022), for search to land on."""
    grid.row_ids = [f"{prefix}-{number}" for number in range(1, len(grid.rows) + 1)] if prefix else []
    return grid


def projects_grid(narrative: Narrative, money_unit: str, anchors: str = "") -> Grid:
    grid = Grid(["项目名称", "项目编码", f"金额（{money_unit}）", f"其中财政资金（{money_unit}）", "资金用途", "出处"],
                [False, False, True, True, False, False])
    for project in narrative.projects:
        grid.rows.append([md(project.project_name), md(project.project_code), amount(project.amount, money_unit),
                          amount(project.fiscal_amount, money_unit), md(project.purpose),
                          md(PROJECT_SOURCES.get(project.matched_by, "支出说明、绩效目标表"))])
    return _numbered(grid, anchors)


def performance_projects(narrative: Narrative) -> list:
    """Projects with a performance table (goal or indicators): each gets its own section."""
    with_indicators = {indicator.project_name for indicator in narrative.indicators}
    return [project for project in narrative.projects
            if project.name_in_table or project.goal or project.project_name in with_indicators]


def indicator_grid(narrative: Narrative, project_name: str) -> Grid:
    grid = Grid(["一级指标", "二级指标", "三级指标", "指标描述", "指标值", "确定依据"], [False] * 6)
    for indicator in narrative.indicators:
        if indicator.project_name == project_name:
            grid.rows.append([md(indicator.level1), md(indicator.level2), md(indicator.level3),
                              md(indicator.description), md(indicator.target), md(indicator.basis)])
    return grid


def procurement_grid(narrative: Narrative, money_unit: str, anchors: str = "") -> Grid:
    grid = Grid(["项目", "采购品目", "目录编码", "计量单位", "数量", f"单价（{money_unit}）", f"金额（{money_unit}）"],
                [False, False, False, False, True, True, True])
    for item in narrative.procurement:
        name = Markup(f"<strong>{md(item.item)}</strong>") if item.is_total else md(item.item)
        grid.rows.append([md(item.project_name), name, md(item.catalogue_code), md(item.unit),
                          _plain(item.quantity), amount(item.unit_price, money_unit), amount(item.amount, money_unit)])
    return _numbered(grid, anchors)


def _plain(value: Decimal | None) -> Markup:
    return number(value, places=0)


def assets_grid(narrative: Narrative, money_unit: str) -> Grid:
    grid = Grid(["资产", "数量", f"价值（{money_unit}）", "截止时间"], [False, True, True, False])
    for asset in narrative.fixed_assets:
        grid.rows.append([md(asset.item), _plain(asset.quantity), amount(asset.value, money_unit), md(asset.as_of)])
    return grid


def organizations_grid(narrative: Narrative, anchors: str = "") -> Grid:
    grid = Grid(["机构名称", "性质", "级别", "经费形式"], [False] * 4)
    for organization in narrative.organizations:
        grid.rows.append([md(organization.name), md(organization.nature), md(organization.rank),
                          md(organization.funding_form)])
    return _numbered(grid, anchors)


def _checked_value(value: Decimal | str | None, money_unit: str) -> Markup:
    return amount_with_unit(value, money_unit, exact=True) if isinstance(value, Decimal) else md(value or "")


def rule_label(rule: str) -> Markup:
    """The rule's Chinese title and its id (as in the data package); the id alone for a rule the catalogue lacks.
    In a narrow column the id wraps after a dot or an underscore, not inside a word."""
    breakable = str(md(rule)).replace("&#46;", "&#46;<wbr>").replace("&#95;", "&#95;<wbr>")
    code = Markup(f"<code>{breakable}</code>")
    return Markup(f"{md(RULES[rule].title_zh)} {code}") if rule in RULES else code


def check_detail(outcome: CheckOutcome, money_unit: str) -> Markup:
    """A failed check in Chinese: the two figures it compared and their difference, else the rule's title
    (the English message stays in checks.csv)."""
    expected, actual = outcome.expected, outcome.actual
    if isinstance(expected, Decimal) and isinstance(actual, Decimal):
        return Markup(f"应为 {amount_with_unit(expected, money_unit, exact=True)}，实为 "
                      f"{amount_with_unit(actual, money_unit, exact=True)}，相差 "
                      f"{amount_with_unit(actual - expected, money_unit, exact=True)}")
    title = RULES[outcome.rule].title_zh if outcome.rule in RULES else outcome.rule
    where = f"：{outcome.location}" if outcome.location else ""
    return md(f"{title}未通过{where}")


def _checked_cells(outcome: CheckOutcome, money_unit: str) -> list[Markup]:
    """Where the check looked, the two figures it compared, and what it found in Chinese."""
    return [md(CHECKED_TABLES.get(outcome.table, outcome.table)), md(outcome.location),
            _checked_value(outcome.expected, money_unit), _checked_value(outcome.actual, money_unit),
            check_detail(outcome, money_unit)]


def checks_grid(outcomes: list[CheckOutcome], money_unit: str) -> Grid:
    grid = Grid(["结果", "规则", "表", "位置", "应为", "实为", "说明"], [False] * 7)
    for outcome in outcomes:
        grid.rows.append([md(STATUS_LABELS.get(outcome.status, outcome.status)), rule_label(outcome.rule),
                          *_checked_cells(outcome, money_unit)])
    return grid


def by_rule(outcomes: list[CheckOutcome]) -> list[tuple[str, list[CheckOutcome]]]:
    """Outcomes grouped by rule, in the catalogue's order (a rule it lacks last)."""
    grouped: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        grouped.setdefault(outcome.rule, []).append(outcome)
    return sorted(grouped.items(), key=lambda item: RULE_ORDER.get(item[0], len(RULE_ORDER)))


def checks_sentence(checks: CheckTally) -> Markup:
    """How many checks passed and failed, and the failed rules by title, as prose (what search finds)."""
    text = (f"共 {checks.total} 项核对（{len(checks.counts)} 条规则）：{checks.count('pass')} 项通过，"
            f"{checks.count('fail')} 项未通过，{checks.count('not_applicable')} 项不适用。")
    failing = [f"{md(RULES[rule].title_zh if rule in RULES else rule)}（{len(found)} 项）"
               for rule, found in by_rule(checks.failed)]
    return Markup(text + (f"未通过的规则：{'、'.join(failing)}。" if failing else ""))


def failure_grids(checks: CheckTally, money_unit: str) -> list[Grid]:
    """The failed checks, one grid per rule under the rule's Chinese title."""
    grids = []
    for rule, found in by_rule(checks.failed):
        grid = Grid(["表", "位置", "应为", "实为", "说明"], [False] * 5,
                    caption=Markup(f"✗ {rule_label(rule)}：{len(found)} 项未通过"))
        grid.rows.extend(_checked_cells(outcome, money_unit) for outcome in found)
        grids.append(grid)
    return grids


def rules_grid(checks: CheckTally, described: bool = False) -> Grid:
    """One line per rule: how many of its checks passed, failed, did not apply; ``described``: what it checks."""
    grid = Grid(["规则", *(["说明"] if described else []), *STATUS_LABELS.values()],
                [False, *([False] if described else []), True, True, True])
    for rule in sorted(checks.counts, key=lambda rule: RULE_ORDER.get(rule, len(RULE_ORDER))):
        description = [md(RULES[rule].description_zh if rule in RULES else "")] if described else []
        counts = checks.counts[rule]
        grid.rows.append([rule_label(rule), *description, *(md(counts.get(status, 0)) for status in STATUS_LABELS)])
    return grid


def checked_sentence(outcome: CheckOutcome, money_unit: str) -> Markup:
    """A check's result as prose (the grids stay out of the search index)."""
    return Markup(f"{md(STATUS_LABELS.get(outcome.status, outcome.status))}：应为 "
                  f"{_checked_value(outcome.expected, money_unit)}，实为 {_checked_value(outcome.actual, money_unit)}。")


COMPARED_KINDS = {"total": "主要数字", "function": "支出按功能分类（类级科目，表3）",
                  "economic": "基本支出按经济分类（类级科目，表6）"}


def signed(yuan: Decimal | None, money_unit: str) -> Markup:
    """A change with its sign: +12.00, -47.59, 0.00; blank when either year is blank."""
    if yuan is None:
        return Markup("")
    return Markup(f"+{amount(yuan, money_unit)}") if yuan > 0 else amount(yuan, money_unit)


def comparison_summary(comparison: YearComparison, money_unit: str) -> Markup:
    """The totals of a comparison as prose: what search finds and a screen reader reads."""
    stated = [f"{md(line.name)} {amount_with_unit(line.previous, money_unit)} → "
              f"{amount_with_unit(line.current, money_unit)}（{signed(line.change, money_unit)}）"
              for line in comparison.lines if line.kind == "total" and line.change is not None]
    return Markup(f"{comparison.previous_year}年 → {comparison.year}年：{'，'.join(stated)}。" if stated else "")


def comparison_grids(comparison: YearComparison, money_unit: str) -> list[Grid]:
    """One grid per kind of line (totals, functional classes, economic classes), in the comparison's order."""
    grids = []
    for kind in dict.fromkeys(line.kind for line in comparison.lines):
        grid = Grid(["项目", f"{comparison.previous_year}年（{money_unit}）", f"{comparison.year}年（{money_unit}）",
                     f"增减（{money_unit}）"], [False, True, True, True], caption=COMPARED_KINDS.get(kind, kind))
        for line in comparison.lines:
            if line.kind == kind:
                label = md(line.name) if kind == "total" else md(f"{line.code} {line.name}")
                grid.rows.append([label, amount(line.previous, money_unit), amount(line.current, money_unit),
                                  signed(line.change, money_unit)])
        grids.append(grid)
    return grids


def figures_grid(key_figures: list[Figure], published_unit: str = PAGE_UNIT) -> Grid:
    """The key figures in 万元; for a document published in 元, its figures as written beside them."""
    as_published = published_unit != PAGE_UNIT
    grid = Grid(["项目", f"金额（{PAGE_UNIT}）", *([f"原文（{published_unit}）"] if as_published else []), "来源"],
                [False, True, *([True] if as_published else []), False])
    for figure in key_figures:
        original = [amount(figure.yuan, published_unit, exact=True)] if as_published else []
        grid.rows.append([md(figure.label), amount(figure.yuan), *original, md(figure.source or "未公开")])
    return grid


def summary(disclosure: Disclosure, key_figures: list[Figure]) -> Markup:
    """The key figures and the spending by function as prose, for a screen reader (search finds
    a unit by its function_items instead)."""
    money_unit = PAGE_UNIT
    stated = [f"{md(figure.label)} {amount_with_unit(figure.yuan, money_unit)}"
              for figure in key_figures if figure.yuan is not None]
    text = (f"{disclosure.year}年公开的主要数字：{'，'.join(stated)}。" if stated
            else f"{disclosure.year}年公开中没有读到主要数字。")
    source, bars = expenditure_by_function(disclosure)
    if bars:
        items = "；".join(f"{md(bar.label)} {amount_with_unit(bar.yuan, money_unit)}" for bar in bars)
        text += f"\n\n按功能分类的支出（{md(source)}）：{items}。"
    return Markup(text)


def function_items(disclosures: list[Disclosure]) -> Markup:
    """The functional classes a unit spends on, over all its years, once each: the words (行政运行,
    网信事务, 2013701) search finds a unit by, in one line whatever the number of years."""
    labels = dict.fromkeys(bar.label for disclosure in disclosures for bar in expenditure_by_function(disclosure)[1])
    return Markup("、".join(md(label) for label in labels))


def not_searched(shown: str) -> Markup:
    """Text a reader sees that the search index leaves out (Pagefind skips the element)."""
    return Markup(f"<span data-pagefind-ignore>{md(shown)}</span>")


TABLE_MARKS = {"已公开": "✓", "空表": "空", "未公开": "—", "未识别": "？"}


def link(text: str, path: str, root: str = "") -> Markup:
    return Markup(f"[{md(text)}]({href(path, root)})")


def table_link(text: str, path: str) -> Markup:
    """A link in a table (an HTML fragment) to a page named from the docs folder's root; the site's
    hook makes it relative to the page, as MkDocs does for a Markdown link."""
    return Markup(f'<a href="{href(path)}">{md(text)}</a>')


def coverage_grid(units: list, years: list[int]) -> Grid:
    """Units × years: which of the nine tables each disclosure published (✓ present, 空 empty)."""
    grid = Grid(["单位", "地区", *(f"{year}年" for year in years)], [False] * (2 + len(years)))
    for unit in units:
        by_year = {view.disclosure.year: view.disclosure for view in unit.years}
        cells = []
        for year in years:
            disclosure = by_year.get(year)
            if disclosure is None:
                cells.append(Markup(""))
                continue
            present = [kind.number for kind in TableKind if table_status(disclosure.tables.get(kind)) == "已公开"]
            empty = [kind.number for kind in TableKind if table_status(disclosure.tables.get(kind)) == "空表"]
            text = f"表{'、'.join(map(str, present))}" if present else "仅情况说明，无预算表"
            text += f"（表{'、'.join(map(str, empty))}为空表）" if empty else ""
            family = FAMILY_BY_NAME.get(disclosure.template_family, DEFAULT_FAMILY)
            cells.append(md(text + ("" if family is DEFAULT_FAMILY else f"；{family.title}")))
        grid.rows.append([table_link(unit.title, f"units/{unit.unit_id}/index.md"), md(unit.region), *cells])
    return grid


def tables_grid(units: list) -> Grid:
    grid = Grid(["单位", "年份", *(f"表{kind.number}" for kind in TableKind)], [False] * 11)
    for unit in units:
        for view in unit.years:
            marks = [md(TABLE_MARKS[table_status(view.disclosure.tables.get(kind))]) for kind in TableKind]
            grid.rows.append([table_link(unit.title, f"units/{unit.unit_id}/index.md"), md(view.disclosure.year), *marks])
    return grid


_LISTED_FIGURES = ("total", "basic", "project", "three_public")


def units_grid(entries: list, with_year: bool = True) -> Grid:
    """One line per (unit, year view): key figures in 万元 so that units compare."""
    header = ["单位", "地区"] + (["年份"] if with_year else []) + [
        f"{figure}（万元）" for figure in ("支出合计", "基本支出", "项目支出", "“三公”经费")]
    grid = Grid(header, [False, False] + ([False] if with_year else []) + [True] * 4)
    for unit, view in entries:
        shown = {figure.key: figure.yuan for figure in view.key_figures}
        grid.rows.append([table_link(unit.title, f"units/{unit.unit_id}/index.md"), md(unit.region),
                          *([md(view.disclosure.year)] if with_year else []),
                          *(amount(shown.get(key)) for key in _LISTED_FIGURES)])
    return grid


def files_grid(files: list) -> Grid:
    """Every file of the data package (downloads.Download) with its size and SHA-256: thousands of
    lines at scale, so a table fragment rather than Markdown."""
    grid = Grid(["文件", "大小", "SHA-256"], [False, True, False])
    for file in files:
        grid.rows.append([table_link(file.label, file.path), md(file.size_text), md(file.sha256)])
    return grid


def fields_grid(resource: dict) -> Grid:
    grid = Grid(["字段", "类型", "中文名", "说明", "必填"], [False] * 5)
    for schema_field in resource.get("schema", {}).get("fields", []):
        required = schema_field.get("constraints", {}).get("required", False)
        grid.rows.append([md(schema_field.get("name", "")), md(schema_field.get("type", "")),
                          md(schema_field.get("title", "")), md(schema_field.get("description", "")),
                          md("是" if required else "")])
    return grid


def failed(checks: CheckTally) -> list[CheckOutcome]:
    return checks.failed
