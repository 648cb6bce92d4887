"""MkDocs hooks of the site (mkdocs.yml ``hooks:``).

- Each page's tables, stored beside its Markdown by the render stage (generator/render/fragments.py),
  go in after material's search plugin has indexed the page: the index and the Markdown never
  see a table cell, and the privacy plugin, which checks the page's final HTML, sees them all.
- The search index is rewritten as UTF-8 JSON (the plugin writes every Chinese character as a
  six-byte \\uXXXX escape), without the zero-width spaces that only double another separator.
- Incremental builds (generator/site.py): MkDocs' dirty mode rebuilds a page or copies a file
  when its output is missing from the site (not by file times: a docs file hard-linked from the
  data package keeps the package's), and the search index keeps, for each page not rebuilt, its
  entries from the published index, so that it equals a full build's.

Nothing here writes anywhere but the search index the plugin wrote inside site_dir.
"""

from __future__ import annotations

import json
import os
import re
from functools import partial
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.render.fragments import PLACEHOLDER, fragments_file

_LINK = re.compile(r'<a href="([A-Za-z0-9._/-]+\.md)">')
SEARCH_INDEX = Path("search") / "search_index.json"


class _Site:
    """The docs' files of the build under way (MkDocs loads this module afresh for each config):
    on_page_context, where the tables go in, is not given them."""

    files: Files | None = None
    built: set[str] = set()  # the URLs of the pages built
    previous: dict[str, list[dict]] = {}  # page URL → its entries in the search index found in site_dir


def _output_missing(file: File) -> bool:
    return not os.path.isfile(file.abs_dest_path)


def _entries_by_page(docs: list[dict]) -> dict[str, list[dict]]:
    pages: dict[str, list[dict]] = {}
    for doc in docs:
        pages.setdefault(doc["location"].split("#")[0], []).append(doc)
    return pages


def on_pre_build(*, config: MkDocsConfig) -> None:
    _Site.built = set()
    path = Path(config.site_dir) / SEARCH_INDEX
    _Site.previous = _entries_by_page(json.loads(path.read_text(encoding="utf-8"))["docs"]) if path.exists() else {}


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    _Site.files = files
    for file in files:  # consulted in dirty mode only
        file.is_modified = partial(_output_missing, file)
    return files


def _resolve_links(fragment: str, page: File) -> str:
    def relative(match: re.Match) -> str:
        target = _Site.files.get_file_from_path(match.group(1)) if _Site.files is not None else None
        if target is None:
            raise PluginError(f"a table in '{page.src_uri}' links to '{match.group(1)}', which is not in the docs")
        return f'<a href="{target.url_relative_to(page)}">'

    return _LINK.sub(relative, fragment) if ".md\"" in fragment else fragment


def insert_fragments(content: str, page: File) -> str:
    """``content`` with each placeholder replaced by its fragment; every fragment used exactly once."""
    stored = fragments_file(Path(page.abs_src_path)) if page.abs_src_path else None
    fragments = json.loads(stored.read_text(encoding="utf-8")) if stored and stored.exists() else []
    used: list[int] = []

    def fragment(match: re.Match) -> str:
        index = int(match.group(1))
        if index >= len(fragments):
            raise PluginError(f"'{page.src_uri}' has a table placeholder without its table: {match.group()}")
        used.append(index)
        return _resolve_links(fragments[index], page)

    content = PLACEHOLDER.sub(fragment, content)
    if sorted(used) != list(range(len(fragments))):
        raise PluginError(f"the tables of '{page.src_uri}' do not match its placeholders")
    return content


@event_priority(-100)  # after the search plugin (priority 0) has indexed the page without its tables
def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: object) -> dict:
    page.content = insert_fragments(page.content or "", page.file)
    _Site.built.add(page.url)
    return context


def merge_search_index(index: dict, pages: list[str]) -> dict:
    """The entries of the pages built (``_Site.built``), and of the others as ``_Site.previous``
    holds them, page after page in ``pages``' order, as a full build writes them."""
    built = _entries_by_page(index["docs"])
    docs = []
    for url in pages:
        if url not in _Site.built and url not in _Site.previous:
            raise PluginError(f"the page '{url}' was not built and the published search index lacks it")
        docs.extend(built.get(url, []) if url in _Site.built else _Site.previous[url])
    return {**index, "docs": docs}


def compact_search_index(index: dict) -> str:
    """The index as UTF-8 JSON; a zero-width space next to another separator character or a tag
    dropped (the search splits on a run of separators and at tags, so it finds the same words)."""
    separator = index["config"]["separator"]  # a character class and "+", written for JavaScript
    if re.fullmatch(r"\[[^\]]*\\u200b[^\]]*\]\+", separator):
        others = separator.replace("\\u200b", "").removesuffix("+")
        # The search splits text at tags too; "<" and ">" are tags only (text is escaped).
        redundant = re.compile(rf"\u200b+(?={others}|<)|(?<={others}|>)\u200b+")
        index = {**index, "docs": [{**doc, "title": redundant.sub("", doc["title"]),
                                    "text": redundant.sub("", doc["text"])} for doc in index["docs"]]}
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


@event_priority(-100)  # after the search plugin (priority 0) has written the index
def on_post_build(*, config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / SEARCH_INDEX
    if path.exists():
        pages = [file.page.url for file in _Site.files.documentation_pages() if file.page is not None]
        index = merge_search_index(json.loads(path.read_text(encoding="utf-8")), pages)
        path.write_text(compact_search_index(index), encoding="utf-8")
