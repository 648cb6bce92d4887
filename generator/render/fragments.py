"""The tables of a page as HTML fragments, stored beside its Markdown.

Python-Markdown spends most of a unit page's build on table cells, and the search plugin
parses every cell again only to leave it out of the index. So a page's Markdown holds a
placeholder per table, its HTML is rendered here (Jinja2, autoescaped, from cells already
made inert by ``markup.md``), and the site's hook (generator/site/hooks.py) puts each table
in its place after the search plugin has indexed the page: tables stay out of the index by
construction, and the Markdown left is headings and prose.

The fragments of ``page.md`` are ``.page.fragments.json`` in the same folder: a dot file,
which MkDocs does not publish. Links in a fragment name a page of the docs folder from its
root (``units/<id>/index.md``); the hook turns them into the page's relative URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from jinja2 import Template
from markupsafe import Markup

if TYPE_CHECKING:  # the site's hook imports this module and needs nothing of views at run time
    from generator.render.views import Grid

# Document text never writes "<" (markup.md makes it a character reference), so no document
# string can make or break a placeholder.
PLACEHOLDER = re.compile(r"<!-- fragment (\d+) -->")
_FRAGMENTS_FILE = re.compile(r"\.(.+)\.fragments\.json")


def fragments_file(page: Path) -> Path:
    return page.with_name(f".{page.stem}.fragments.json")


def page_of(fragments: PurePath) -> PurePath | None:
    """The page whose fragments ``fragments`` holds; None for another file."""
    match = _FRAGMENTS_FILE.fullmatch(fragments.name)
    return fragments.with_name(f"{match.group(1)}.md") if match else None


class Fragments:
    """The fragments of one page, in the order its placeholders were written."""

    def __init__(self, grid_template: Template) -> None:
        self.grid_template = grid_template
        self.html: list[str] = []

    def grid(self, grid: Grid) -> Markup:
        """A views.Grid as an HTML table; the placeholder that stands for it in the Markdown."""
        self.html.append(self.grid_template.render(g=grid))
        return Markup(f"<!-- fragment {len(self.html) - 1} -->")

    def text(self) -> str:
        """What ``fragments_file(page)`` holds."""
        return json.dumps(self.html, ensure_ascii=False) + "\n"
