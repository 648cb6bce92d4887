"""Render stage: records → the Markdown pages, charts and downloads of the MkDocs docs folder.

The docs folder is a build product kept between builds (generator/render/docs_folder.py): a
file is rewritten only when its bytes change, and a unit whose inputs did not change since the
last render (its key, kept in the cache folder) is not rendered again. Paths inside it come
from safe ASCII ids (unit_id, disclosure_id), never from document text.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.check.tally import CheckTally
from generator.contract.records import BudgetTable, CheckOutcome, Disclosure, Narrative, TableKind
from generator.history.year_over_year import YearComparison, unit_histories
from generator.render import chart_views, comparison, figures, unit_views, views
from generator.render.changelog import changelog_blocks
from generator.render.chart_views import Chart
from generator.render.docs_folder import DocsFolder, sha256
from generator.render.downloads import DataPackage, Download, read_datapackage, source_date_epoch, with_database
from generator.render.fragments import Fragments, fragments_file, marker, standings_file
from generator.render.markup import (
    PAGE_UNIT,
    amount,
    amount_with_unit,
    escape_unless_markup,
    external_link,
    href,
    md,
    number,
)
from generator.render.names import unit_titles
from generator.render.navigation import latest_entries, region_entries, unit_nav, year_entries, year_links
from generator.runtime.store import Store, StoreBytecodeCache, open_store
from generator.runtime.workers import map_parallel
from generator.site.paths import SITE_STATE, TEMPLATES_DIR

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Header, Portable, Records

STATUS_ORDER = {"fail": 0, "pass": 1, "not_applicable": 2}
CHANGE_RULE = "years.change_vs_last_year"
_SAFE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


@dataclass
class YearView:
    disclosure: Disclosure
    key_figures: list[figures.Figure]
    checks: CheckTally
    source: Download
    downloads: list[Download]
    charts: list[Chart] = field(default_factory=list)  # drawn for a page rendered (_draw): the index pages need none
    classes: list[comparison.ClassAmount] = field(default_factory=list)  # for the pages by functional class
    other_sources: list[Download] = field(default_factory=list)  # the disclosure's other files


def _safe_id(value: str) -> str:
    if not _SAFE_ID.match(value):
        raise ValueError(f"not a safe ASCII id for a path: {value!r}")
    return value


def environment(templates: Path | None = None, store: Store | None = None) -> Environment:
    """The templates' environment; ``store``: where they are kept compiled between builds
    (Jinja checks each one against its source)."""
    env = Environment(loader=FileSystemLoader(templates or TEMPLATES_DIR),
                      bytecode_cache=StoreBytecodeCache(store) if store is not None else None,
                      undefined=StrictUndefined, autoescape=True,
                      finalize=escape_unless_markup, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(md=md, amount=amount, amount_with_unit=amount_with_unit, number=number)
    env.globals.update(summary=views.summary, figures_grid=views.figures_grid, href=href,
                       external_link=external_link, latest_entries=latest_entries, year_entries=year_entries,
                       region_entries=region_entries, year_links=year_links, zip=zip, unit_views=unit_views,
                       comparison=comparison, standing_marker=marker)
    return env


def region_label(disclosure: Disclosure) -> str:
    unit = disclosure.unit
    return " ".join(part for part in (unit.province, unit.city, unit.county or "（市级）") if part)


def _source(directory: str, disclosure: Header, source_dir: Path) -> Download:
    """The published file, under an ASCII name: its original name may hold anything. Its
    checksum is the one taken when it was read (_write_unit states the copy's)."""
    suffix = Path(disclosure.source_file).suffix.lower()
    path = f"{directory}/source-{disclosure.year}{suffix if _SAFE_SUFFIX.match(suffix) else '.bin'}"
    size = (source_dir / Path(disclosure.source_file).name).stat().st_size
    return Download(path, "原始公开文件", size, disclosure.source_sha256)


def _other_sources(directory: str, disclosure: Header) -> list[Download]:
    """The other files of a disclosure read from several, as source-<year>-<n><suffix> (the
    size is taken when the file is copied, _write_unit)."""
    downloads = []
    for ordinal, source in enumerate(disclosure.source_files[1:], start=2):
        suffix = Path(source.file).suffix.lower()
        path = f"{directory}/source-{disclosure.year}-{ordinal}{suffix if _SAFE_SUFFIX.match(suffix) else '.bin'}"
        downloads.append(Download(path, f"原始公开文件之{ordinal}", 0, source.sha256))
    return downloads


def _write_page(docs: DocsFolder | PageFiles, env: Environment, template: str, page: str, **context) -> None:
    """A page's Markdown, and its tables as fragments beside it."""
    fragments = Fragments()
    docs.write_text(page, env.get_template(template).render(fragments=fragments, **context))
    if fragments.html:
        docs.write_text(fragments_file(Path(page)).as_posix(), fragments.text())


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
    history: list[ComparisonView]  # newest first
    downloads: list[Download]
    comparison: Chart | None = None  # drawn with the years' charts

    @property
    def latest(self) -> Disclosure:
        return self.years[0].disclosure

    @property
    def order(self) -> tuple:
        unit = self.latest.unit
        return unit.province, unit.city, unit.county, self.title, self.unit_id


def _comparison_view(comparison: YearComparison, disclosures: list[Disclosure],
                     outcomes: dict[str, list[CheckOutcome]]) -> ComparisonView:
    current = next(d for d in disclosures if d.disclosure_id == comparison.disclosure_id)
    money_unit = PAGE_UNIT
    checks = [outcome for outcome in outcomes[current.disclosure_id] if outcome.rule == CHANGE_RULE]
    return ComparisonView(comparison, views.comparison_grids(comparison, money_unit), checks, money_unit)


def _unit_view(unit_id: str, title: str, loaded: list[tuple[Disclosure, list[CheckOutcome]]],
               checks: list[CheckTally], package: DataPackage, source_dir: Path) -> UnitView:
    """What the unit's page shows but its charts (_draw), from its records (newest year first)."""
    directory = f"units/{unit_id}"
    disclosures = [disclosure for disclosure, _ in loaded]
    # failures first: they are what a reader of the page needs to see
    outcomes = {disclosure.disclosure_id: sorted(found, key=lambda o: STATUS_ORDER.get(o.status, len(STATUS_ORDER)))
                for disclosure, found in loaded}
    years = [YearView(d, figures.key_figures(d), tally, _source(directory, d, source_dir),
                      package.disclosure_downloads(d.disclosure_id), classes=comparison.class_amounts(d),
                      other_sources=_other_sources(directory, d))
             for d, tally in zip(disclosures, checks)]
    history = unit_histories(disclosures).get(unit_id, [])
    return UnitView(unit_id, title, region_label(disclosures[0]), years,
                    [_comparison_view(pair, disclosures, outcomes) for pair in reversed(history)],
                    package.unit_downloads(unit_id))


def index_view(unit: UnitView) -> UnitView:
    """What the index pages read of a unit: each year's key figures, checks, table statuses and
    findings, without its records (kept between builds under the unit's key: RenderedUnit)."""
    years = [YearView(_index_copy(year.disclosure), year.key_figures, year.checks, year.source, year.downloads,
                      classes=year.classes, other_sources=year.other_sources) for year in unit.years]
    return UnitView(unit.unit_id, unit.title, unit.region, years, [], unit.downloads)


def _index_copy(disclosure: Disclosure) -> Disclosure:
    """The disclosure with its tables' statuses only, and no narrative or paragraphs."""
    return dataclasses.replace(disclosure, tables={kind: BudgetTable(kind, "", table.status, [])
                                                   for kind, table in disclosure.tables.items()},
                               narrative=Narrative(), paragraphs=[])


def _draw(unit: UnitView) -> list[Chart]:
    """The charts of the unit's page, into its view."""
    directory = f"units/{unit.unit_id}"
    for year in unit.years:
        year.charts = chart_views.year_charts(directory, year.disclosure)
    disclosures = [year.disclosure for year in unit.years]
    if len({d.year for d in disclosures}) > 1:
        unit.comparison = chart_views.chart(directory, "years.svg", "历年支出对比", "各年公开的主要数字",
                                 figures.years_side_by_side(disclosures), PAGE_UNIT)
    return [chart for year in unit.years for chart in year.charts] + [c for c in [unit.comparison] if c]


def unit_key(unit_id: str, title: str, headers: list[Header], records: Records, package: DataPackage,
             source_dir: Path) -> str:
    """A hash of everything the unit's page and charts are made from besides the code (which the
    store's keys cover): its disclosures' records and checks (Records.key, which says what made
    them without hashing them), its title, sources and downloads."""
    bulk = (package.bulk.path, package.bulk.label) if package.bulk else None
    years = [(records.key(header), _source(f"units/{unit_id}", header, source_dir),
              _other_sources(f"units/{unit_id}", header), package.disclosure_downloads(header.disclosure_id))
             for header in headers]
    return sha256(repr((unit_id, title, package.unit_downloads(unit_id), bulk, years)).encode())


class PageFiles:
    """Files made in a worker, by path, for the docs folder to write (DocsFolder's writing methods)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def write(self, relative: str, data: bytes) -> None:
        self.data[relative] = data

    def write_text(self, relative: str, text: str) -> None:
        self.write(relative, text.encode("utf-8"))


@dataclass(frozen=True)
class UnitTask:
    """What a worker renders a unit from: its disclosures newest first, each with its checks."""

    unit_id: str
    title: str
    years: list[tuple[Portable, CheckTally]]
    package: DataPackage  # the unit's part of it (DataPackage.part)
    source_dir: Path
    templates: Path
    store: Store  # where compiled templates are kept (environment)


@functools.lru_cache(maxsize=2)
def _environment(templates: Path, store: Store) -> Environment:
    """One environment per worker process (its templates compiled once), per templates folder."""
    return environment(templates, store)


def render_unit(task: UnitTask) -> tuple[dict[str, bytes], UnitView]:
    """In a worker: the unit's files (page, fragments, charts, source copies) and its index view."""
    loaded = [portable.load() for portable, _ in task.years]
    unit = _unit_view(task.unit_id, task.title, loaded, [checks for _, checks in task.years], task.package,
                      task.source_dir)
    files = PageFiles()
    _write_unit(files, _environment(task.templates, task.store), unit, task.package, task.source_dir)
    return files.data, index_view(unit)


def _write_unit(docs: PageFiles, env: Environment, unit: UnitView, package: DataPackage, source_dir: Path) -> None:
    """The unit's page, its charts and its source files."""
    drawn = _draw(unit)
    for chart in drawn:
        docs.write_text(chart.path, chart.svg())
        docs.write_text(chart.csv_path, chart.csv())
    for year in unit.years:
        data = (source_dir / Path(year.disclosure.source_file).name).read_bytes()
        docs.write(year.source.path, data)
        # the page states the checksum of the bytes published (the key holds the one taken when read)
        year.source = Download(year.source.path, year.source.label, len(data), sha256(data))
        for index, (other, file) in enumerate(zip(year.other_sources, year.disclosure.source_files[1:])):
            data = (source_dir / Path(file.file).name).read_bytes()
            docs.write(other.path, data)
            year.other_sources[index] = Download(other.path, other.label, len(data), sha256(data))
    _write_page(docs, env, "unit.md.j2", f"units/{unit.unit_id}/index.md", unit=unit, package=package, views=views)


def _fill_standings(docs: DocsFolder, rendered: dict[str, RenderedUnit], found: dict[str, dict[str, str]]) -> set[str]:
    """Each unit page's standing blocks among its year's and city's units, written beside the page
    where they changed (the site stage puts them in the built page); the units written."""
    changed = set()
    for unit_id, item in rendered.items():
        blocks = found.get(unit_id, {})
        path = standings_file(Path(f"units/{unit_id}/index.md")).as_posix()
        if blocks == item.standings and path in item.files:
            continue
        changed.add(unit_id)
        docs.write_text(path, json.dumps(blocks, ensure_ascii=False, sort_keys=True) + "\n")
        item.files[path] = docs.files[path]
        item.standings = blocks
    return changed


@dataclass
class RenderedUnit:
    """A unit as the last render left it: its key, its files with their checksums, and its index view."""

    key: str
    files: dict[str, str]
    index: UnitView
    standings: dict[str, str] = field(default_factory=dict)  # its standing blocks by year (comparison.standings)


def render_site(records: Records, datapackage_dir: Path, docs_dir: Path, source_dir: Path,
                changelog: Path | None = None, cache_dir: Path | None = None, jobs: int | None = None,
                digests: Mapping[str, str] | None = None, database_made: Callable[[], None] = lambda: None) -> None:
    """Write the docs folder for ``build_site``: one page per unit, the index pages, the data
    changelog (``changelog``, the snapshots' CHANGELOG.md, when it exists), charts and downloads.
    Units are rendered in up to ``jobs`` worker processes (None: the CPU count), which load the
    records of one unit at a time; with ``cache_dir``, a unit rendered from the same inputs by a
    render the store remembers is kept when the docs folder still holds its files, and its
    records are not loaded. ``digests``: the SHA-256 of package files the package stage knows
    (read_datapackage). ``database_made``: waits until a worker has written the package's database."""
    docs = DocsFolder(docs_dir, SITE_STATE)
    store = open_store(cache_dir)
    env = environment(TEMPLATES_DIR, store)
    package = read_datapackage(datapackage_dir, docs, digests, database=False)
    by_unit: dict[str, list[Header]] = defaultdict(list)
    for header in sorted(records.headers, key=lambda d: (d.unit.unit_id, -d.year, d.disclosure_id)):
        by_unit[_safe_id(header.unit.unit_id)].append(header)
    titles = unit_titles([headers[0].unit for headers in by_unit.values()])
    rendered: dict[str, RenderedUnit] = {}
    keys, tasks = [], []
    for unit_id, headers in by_unit.items():
        key = unit_key(unit_id, titles[unit_id], headers, records, package, source_dir)
        kept = store.load("unit", key)
        if isinstance(kept, RenderedUnit) and kept.key == key and docs.keep(kept.files):
            rendered[unit_id] = kept
            continue
        keys.append(key)
        tasks.append(UnitTask(unit_id, titles[unit_id], [(records.portable(h), records.checks(h)) for h in headers],
                              package.part(unit_id, [h.disclosure_id for h in headers]), source_dir.resolve(),
                              TEMPLATES_DIR, store))
    # Units are rendered in worker processes and written here as they come, in order.
    for key, task, (files, index) in zip(keys, tasks, map_parallel(render_unit, tasks, jobs)):
        for path, data in files.items():
            docs.write(path, data)
        rendered[task.unit_id] = RenderedUnit(key, {path: docs.files[path] for path in files}, index)
    units = sorted((item.index for item in rendered.values()), key=lambda unit: unit.order)
    # kept as its page now is: with its standing, which a unit rendered now gets only here
    for unit_id in _fill_standings(docs, rendered, comparison.standings(units)) | set(task.unit_id for task in tasks):
        store.save("unit", rendered[unit_id].key, rendered[unit_id])
    disclosures = [year.disclosure for unit in units for year in unit.years]
    class_pages = comparison.class_pages(units)
    context = {"units": units, "years": sorted({d.year for d in disclosures}), "package": package, "views": views,
               "checks": CheckTally.merged(year.checks for unit in units for year in unit.years),
               "changelog": changelog_blocks(changelog),
               "table_count": sum(1 for d in disclosures for kind in TableKind if d.table(kind) is not None),
               "class_pages": class_pages}
    for page in ("index", "search", "years", "regions", "compare", "classes", "quality", "changelog"):
        _write_page(docs, env, f"{page}.md.j2", f"{page}.md", **context)
    for class_page in class_pages:
        _write_page(docs, env, "class.md.j2", class_page.path, subject=class_page, **context)
    for asset in sorted((TEMPLATES_DIR / "assets").rglob("*")):
        if asset.is_file():
            docs.write(asset.relative_to(TEMPLATES_DIR).as_posix(), asset.read_bytes())
    database_made()  # last: the data page lists the database, which a worker may still be writing
    listed = with_database(package, datapackage_dir, docs, digests)
    _write_page(docs, env, "data.md.j2", "data.md", **{**context, "package": listed})
    compare = [{"按年份比较": "compare.md"}, {"按支出科目": "classes.md"},
               *({f"{page.code} {md(page.name)}": page.path} for page in class_pages)]
    nav = [{"首页": "index.md"}, {"搜索": "search.md"}, {"按年份": "years.md"}, {"按地区": "regions.md"},
           {"单位": unit_nav(units)}, {"比较": compare}, {"数据下载": "data.md"}, {"数据质量": "quality.md"},
           {"数据更新记录": "changelog.md"}]
    # with the files and their checksums: the site stage rebuilds the pages whose files changed
    docs.finish({"nav": nav, "source_date_epoch": source_date_epoch(records.headers)})
