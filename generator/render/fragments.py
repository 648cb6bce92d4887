"""The tables and charts of a page as HTML fragments, stored beside its Markdown.

Python-Markdown would spend most of a unit page's build on table cells. So a page's Markdown
holds a placeholder per table, its HTML is written here (from cells already made inert by
``markup.md``; labels and anchors pass through it too), and the site's hook
(generator/site/hooks.py) puts each table in its place once the page's Markdown is converted: the
Markdown left is headings and prose. The search index (Pagefind) reads the built pages, tables
included.

The fragments of ``page.md`` are ``.page.fragments.json`` in the same folder: a dot file,
which MkDocs does not publish. Links and images in a fragment name a file of the docs folder from
its root (``units/<id>/index.md``, with an anchor or not); the hook turns them into the page's
relative URL.

A unit page's standing blocks (generator.render.comparison) are HTML too, in
``.page.standings.json``, but go into the built page itself, between marker comments its
Markdown holds: a standing moves with every unit of its city and year, and when only it changed,
the site stage rewrites the blocks of the page already built instead of converting it again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator.render.markup import href, md

if TYPE_CHECKING:  # the site's hook imports this module and needs nothing of views at run time
    from generator.render.chart_views import Chart
    from generator.render.views import Grid

# Document text never writes "<" (markup.md makes it a character reference), so no document
# string can make or break a placeholder.
PLACEHOLDER = re.compile(r"<!-- fragment (\d+) -->")
_FRAGMENTS_FILE = re.compile(r"\.(.+)\.fragments\.json")
_STANDINGS_FILE = re.compile(r"\.(.+)\.standings\.json")
# A standing block in a built page (bytes: the search index's keys leave it out, generator.site.search).
STANDING_BLOCK = re.compile(rb"<!-- standing (\d+) -->.*?<!-- /standing \1 -->", re.S)
_STANDING_TEXT = re.compile(STANDING_BLOCK.pattern.decode("ascii"), re.S)


def fragments_file(page: Path) -> Path:
    return page.with_name(f".{page.stem}.fragments.json")


def standings_file(page: Path) -> Path:
    return page.with_name(f".{page.stem}.standings.json")


def page_of(fragments: PurePath) -> PurePath | None:
    """The page whose fragments ``fragments`` holds; None for another file."""
    match = _FRAGMENTS_FILE.fullmatch(fragments.name)
    return fragments.with_name(f"{match.group(1)}.md") if match else None


def standings_page_of(standings: PurePath) -> PurePath | None:
    """The page whose standing blocks ``standings`` holds; None for another file."""
    match = _STANDINGS_FILE.fullmatch(standings.name)
    return standings.with_name(f"{match.group(1)}.md") if match else None


def marker(year: int) -> tuple[Markup, Markup]:
    """The comments a year's standing block is written between (no document text is ever "<");
    MkDocs keeps them in the page's HTML."""
    return Markup(f"<!-- standing {year} -->"), Markup(f"<!-- /standing {year} -->")


def fill_standings(html: str, blocks: dict[str, str]) -> str:
    """A built page's HTML with each year's standing block replaced by ``blocks[year]``: the same
    whether the page was just built (its blocks empty) or built before with other standings."""
    def filled(match: re.Match) -> str:
        year = match.group(1)
        if year not in blocks:
            return match.group()
        start, end = marker(int(year))
        return f"{start}\n{blocks[year]}\n{end}"
    return _STANDING_TEXT.sub(filled, html)


_RIGHT = ' style="text-align: right;"'


def grid_html(grid: Grid) -> str:
    """A views.Grid as the HTML Python-Markdown's tables extension writes. Written here and not
    by a template: the class pages' grids are hundreds of thousands of cells, and a Jinja loop
    over them took 1.4 of a one-change rebuild's 8 s of render at 1,000 units."""
    aligns = [_RIGHT if numeric else "" for numeric in grid.numeric]
    lines = ['<div class="grid-scroll" tabindex="0">']
    if grid.caption:
        lines.append(f"<p><strong>{md(grid.caption)}</strong></p>")
    lines += ["<table data-sortable>" if grid.sortable else "<table>", "<thead>", "<tr>"]
    lines += [f"<th{align}>{md(label)}</th>" for align, label in zip(aligns, grid.header)]
    lines += ["</tr>", "</thead>", "<tbody>"]
    for index, row in enumerate(grid.rows):
        anchor = md(grid.row_ids[index]) if grid.row_ids else ""
        lines.append(f'<tr id="{anchor}">' if anchor else "<tr>")
        lines += [f"<td{align}>{md(cell)}</td>" for align, cell in zip(aligns, row)]
        lines.append("</tr>")
    lines += ["</tbody>", "</table>", "</div>", ""]
    return "\n".join(lines)


def chart_html(chart: Chart) -> str:
    """A chart's block (the figure, where its numbers come from, its two downloads, its numbers
    as a table) as Python-Markdown wrote it from the Markdown this replaces: those blocks were a
    third of a unit page's conversion. The paths are from the docs folder's root, like a table's links."""
    path = href(chart.path)
    return (f'<figure class="chart">\n<p><img alt="{md(chart.alt)}" src="{path}" /></p>\n</figure>\n'
            f'<p>数字来源：{md(chart.source)}。下载：<a download href="{path}">图（SVG）</a> · '
            f'<a download href="{href(chart.csv_path)}">数据（CSV）</a></p>\n'
            f'<details>\n<summary>图中数字</summary>\n{grid_html(chart.grid)}\n</details>')


class Fragments:
    """The fragments of one page, in the order its placeholders were written."""

    def __init__(self) -> None:
        self.html: list[str] = []

    def grid(self, grid: Grid) -> Markup:
        """A views.Grid as an HTML table; the placeholder that stands for it in the Markdown."""
        return self.block(grid_html(grid))

    def chart(self, chart: Chart) -> Markup:
        """A chart's block as HTML; the placeholder that stands for it in the Markdown."""
        return self.block(chart_html(chart))

    def block(self, html: str) -> Markup:
        """A block of HTML made inert by its maker (unit_views.table_blocks); its placeholder."""
        self.html.append(html)
        return Markup(f"<!-- fragment {len(self.html) - 1} -->")

    def text(self) -> str:
        """What ``fragments_file(page)`` holds."""
        return json.dumps(self.html, ensure_ascii=False) + "\n"
