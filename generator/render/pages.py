"""Render stage: records → the Markdown pages, charts and downloads of the MkDocs docs folder.

The docs folder is a build product: it is wiped and written anew on every render. Paths
inside it come from safe ASCII ids (unit_id, disclosure_id), never from document text.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape

from generator.history.year_over_year import YearComparison, unit_histories
from generator.records import CheckOutcome, Disclosure, TableKind
from generator.render import charts, figures, views
from generator.render.changelog import changelog_blocks
from generator.render.downloads import Download, DataPackage, read_datapackage, source_date_epoch
from generator.render.fragments import Fragments
from generator.render.markup import amount, amount_with_unit, escape_unless_markup, external_link, href, md, number
from generator.render.names import unit_titles

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "site_templates"
SITE_STATE = ".site.json"  # nav and SOURCE_DATE_EPOCH for build_site; dot files are not published
STATUS_ORDER = {"fail": 0, "pass": 1, "not_applicable": 2}
CHANGE_RULE = "years.change_vs_last_year"
_SAFE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


@dataclass
class Chart:
    path: str  # inside the docs folder
    title: str
    alt: str
    source: str
    grid: views.Grid


@dataclass
class YearView:
    disclosure: Disclosure
    key_figures: list[figures.Figure]
    charts: list[Chart]
    outcomes: list[CheckOutcome]
    source: Download
    downloads: list[Download]


def _safe_id(value: str) -> str:
    if not _SAFE_ID.match(value):
        raise ValueError(f"not a safe ASCII id for a path: {value!r}")
    return value


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined, autoescape=True,
                      finalize=escape_unless_markup, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(md=md, amount=amount, amount_with_unit=amount_with_unit, number=number)
    env.globals.update(table_status=views.table_status, table_label=figures.table_label, TableKind=TableKind,
                       summary=views.summary, figures_grid=views.figures_grid, href=href,
                       external_link=external_link, latest_entries=latest_entries, year_entries=year_entries,
                       region_entries=region_entries, zip=zip)
    return env


def region_label(disclosure: Disclosure) -> str:
    unit = disclosure.unit
    return " ".join(part for part in (unit.province, unit.city, unit.county or "（市级）") if part)


def _chart(directory: Path, docs_dir: Path, file: str, title: str, source: str, bars: list[figures.Bar],
           money_unit: str, legend: tuple[str, ...] = ()) -> Chart:
    (directory / file).write_text(charts.bar_chart(title, bars, money_unit, legend), encoding="utf-8")
    grid = views.Grid(["项目", f"金额（{money_unit}）"], [False, True],
                      [[md(bar.label), amount(bar.yuan, money_unit)] for bar in bars])
    largest = max(bars, key=lambda bar: bar.yuan)
    alt = (f"{title}条形图，共{len(bars)}项，最大为{largest.label}"
           f"{amount(largest.yuan, money_unit)}{money_unit}")
    return Chart((directory / file).relative_to(docs_dir).as_posix(), title, alt, source, grid)


_CHARTS = (
    ("expenditure-by-function", "支出按功能分类", figures.expenditure_by_function),
    ("expenditure-composition", "支出构成", figures.composition),
    ("basic-by-economic", "基本支出按经济分类", figures.basic_by_economic),
    ("income-by-source", "收入按来源", figures.income_by_source),
    ("projects", "项目支出按项目", figures.projects),
)


def _year_charts(directory: Path, docs_dir: Path, disclosure: Disclosure) -> list[Chart]:
    made = []
    for name, title, series in _CHARTS:
        source, bars = series(disclosure)
        if bars:
            made.append(_chart(directory, docs_dir, f"{name}-{disclosure.year}.svg", f"{disclosure.year}年{title}",
                               source, bars, disclosure.published_unit))
    return made


def _copy_source(directory: Path, docs_dir: Path, disclosure: Disclosure, source_dir: Path) -> Download:
    """The published file, under an ASCII name: its original name may hold anything."""
    suffix = Path(disclosure.source_file).suffix.lower()
    target = directory / f"source-{disclosure.year}{suffix if _SAFE_SUFFIX.match(suffix) else '.bin'}"
    shutil.copyfile(source_dir / Path(disclosure.source_file).name, target)
    return Download.of(target, target.relative_to(docs_dir).as_posix(), "原始公开文件")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_page(env: Environment, template: str, path: Path, **context) -> None:
    """A page's Markdown, and its tables as fragments beside it."""
    fragments = Fragments(env.get_template("_grid.html.j2"))
    _write(path, env.get_template(template).render(fragments=fragments, **context))
    fragments.write(path)


def _clean(docs_dir: Path) -> None:
    """Wipe the previous render, refusing to wipe a folder this stage did not write."""
    if docs_dir.exists():
        if any(docs_dir.iterdir()) and not (docs_dir / SITE_STATE).exists():
            raise ValueError(f"{docs_dir} is not empty and was not written by the render stage; not wiping it")
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    (docs_dir / SITE_STATE).write_text("{}\n", encoding="utf-8")


@dataclass
class ComparisonView:
    """A year against the unit's previous published year, with the check of the change it states."""

    comparison: YearComparison
    grids: list[views.Grid]
    checks: list[CheckOutcome]  # years.change_vs_last_year on the later year
    money_unit: str  # what both years are shown in


@dataclass
class UnitView:
    unit_id: str
    title: str
    region: str
    years: list[YearView]  # newest first
    comparison: Chart | None
    history: list[ComparisonView]  # newest first
    downloads: list[Download]

    @property
    def latest(self) -> Disclosure:
        return self.years[0].disclosure

    @property
    def order(self) -> tuple:
        unit = self.latest.unit
        return unit.province, unit.city, unit.county, self.title, self.unit_id


def _comparison_view(comparison: YearComparison, disclosures: list[Disclosure],
                     outcomes: dict[str, list[CheckOutcome]]) -> ComparisonView:
    by_id = {d.disclosure_id: d for d in disclosures}
    previous, current = by_id[comparison.previous_disclosure_id], by_id[comparison.disclosure_id]
    # Both years in their published unit when they agree, else in 万元, to which every unit converts exactly.
    money_unit = current.published_unit if previous.published_unit == current.published_unit else "万元"
    checks = [outcome for outcome in outcomes[current.disclosure_id] if outcome.rule == CHANGE_RULE]
    return ComparisonView(comparison, views.comparison_grids(comparison, money_unit), checks, money_unit)


def _unit_view(unit_id: str, title: str, disclosures: list[Disclosure], history: list[YearComparison],
               outcomes: dict[str, list[CheckOutcome]], package: DataPackage, docs_dir: Path,
               source_dir: Path) -> UnitView:
    directory = docs_dir / "units" / unit_id
    directory.mkdir(parents=True)
    years = [YearView(d, figures.key_figures(d), _year_charts(directory, docs_dir, d), outcomes[d.disclosure_id],
                      _copy_source(directory, docs_dir, d, source_dir), package.disclosure_downloads(d.disclosure_id))
             for d in disclosures]
    comparison = None
    if len({d.year for d in disclosures}) > 1:
        comparison = _chart(directory, docs_dir, "years.svg", "历年支出对比", "各年公开的主要数字",
                            figures.years_side_by_side(disclosures), disclosures[0].published_unit,
                            legend=("支出合计", "基本支出", "项目支出"))
    return UnitView(unit_id, title, region_label(disclosures[0]), years, comparison,
                    [_comparison_view(pair, disclosures, outcomes) for pair in reversed(history)],
                    package.unit_downloads(unit_id))


def latest_entries(units: list[UnitView]) -> list[tuple[UnitView, YearView]]:
    return [(unit, unit.years[0]) for unit in units]


def year_entries(units: list[UnitView], year: int) -> list[tuple[UnitView, YearView]]:
    return [(unit, view) for unit in units for view in unit.years if view.disclosure.year == year]


def region_entries(units: list[UnitView]) -> list[tuple[str, list[tuple[UnitView, YearView]]]]:
    """Units grouped by province and city (county-level units under their city), in the units' order."""
    grouped: dict[str, list[tuple[UnitView, YearView]]] = {}
    for unit in units:
        region = " ".join(part for part in (unit.latest.unit.province, unit.latest.unit.city) if part) or "地区不详"
        grouped.setdefault(region, []).extend((unit, view) for view in unit.years)
    return list(grouped.items())


def unit_nav(units: list[UnitView]) -> list[dict]:
    """Units under their city, and county-level units under their county: with navigation.prune a
    page carries only its own branch, so pages do not grow with the number of units."""
    cities: dict[str, list[dict]] = {}
    counties: dict[tuple[str, str], list[dict]] = {}
    for unit in units:  # in the units' order: province, city, county, title
        city = str(escape(unit.latest.unit.city or "地区不详"))
        entries = cities.setdefault(city, [])
        county = unit.latest.unit.county
        if county:
            if (city, county) not in counties:
                counties[city, county] = []
                entries.append({str(escape(county)): counties[city, county]})
            entries = counties[city, county]
        entries.append({str(escape(unit.title)): f"units/{unit.unit_id}/index.md"})
    return [{city: entries} for city, entries in cities.items()]


def render_site(disclosures: list[Disclosure], outcomes: list[CheckOutcome], datapackage_dir: Path,
                docs_dir: Path, source_dir: Path, changelog: Path | None = None) -> None:
    """Write the docs folder for ``build_site``: one page per unit, the index pages, the data
    changelog (``changelog``, the snapshots' CHANGELOG.md, when it exists), charts and downloads."""
    _clean(docs_dir)
    env = environment()
    package = read_datapackage(datapackage_dir, docs_dir)
    by_unit: dict[str, list[Disclosure]] = defaultdict(list)
    for disclosure in sorted(disclosures, key=lambda d: (d.unit.unit_id, -d.year, d.disclosure_id)):
        by_unit[_safe_id(disclosure.unit.unit_id)].append(disclosure)
    outcomes_of: dict[str, list[CheckOutcome]] = defaultdict(list)
    # failures first: they are what a reader of the page needs to see
    for outcome in sorted(outcomes, key=lambda o: STATUS_ORDER.get(o.status, len(STATUS_ORDER))):
        outcomes_of[outcome.disclosure_id].append(outcome)

    histories = unit_histories(disclosures)
    titles = unit_titles([unit_disclosures[0].unit for unit_disclosures in by_unit.values()])
    units = sorted((_unit_view(unit_id, titles[unit_id], unit_disclosures, histories.get(unit_id, []), outcomes_of,
                               package, docs_dir, source_dir)
                    for unit_id, unit_disclosures in by_unit.items()), key=lambda unit: unit.order)
    for unit in units:
        _write_page(env, "unit.md.j2", docs_dir / "units" / unit.unit_id / "index.md", unit=unit, package=package,
                    views=views)
    context = {"units": units, "years": sorted({d.year for d in disclosures}), "package": package, "views": views,
               "outcomes": outcomes, "changelog": changelog_blocks(changelog),
               "table_count": sum(1 for d in disclosures for kind in TableKind if d.table(kind) is not None)}
    for page in ("index", "years", "regions", "data", "quality", "changelog"):
        _write_page(env, f"{page}.md.j2", docs_dir / f"{page}.md", **context)
    shutil.copytree(TEMPLATES_DIR / "assets", docs_dir / "assets")
    nav = [{"首页": "index.md"}, {"按年份": "years.md"}, {"按地区": "regions.md"}, {"单位": unit_nav(units)},
           {"数据下载": "data.md"}, {"数据质量": "quality.md"}, {"数据更新记录": "changelog.md"}]
    state = {"nav": nav, "source_date_epoch": source_date_epoch(disclosures)}
    _write(docs_dir / SITE_STATE, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
