"""MkDocs hooks of the site (mkdocs.yml ``hooks:``).

- Each page's tables, stored beside its Markdown by the render stage (generator/render/fragments.py),
  go in once the page's Markdown is converted: Python-Markdown never sees a table cell, and the
  privacy plugin, which checks the page's final HTML, sees them all. A unit page's standing blocks
  go into the page built (on_post_page), or, in an incremental build, into the page already built
  when they are all that changed (on_post_build). (The search index is made
  from the built site by Pagefind: generator/site/builder.py.)
- The theme's navigation and table of contents are rendered once for all the pages they are the
  same for (RenderCache, used by site_templates/overrides/partials/nav-item.html and toc.html).
- The pages are converted in the build's workers as well as in this process, by MkDocs' own
  code (generator/site/conversion.py, from on_nav to on_env).
- Python-Markdown runs only the inline syntax the rendered pages use (PageSyntax): each pattern
  is tried on every text of every page.
- Incremental builds (generator/site/builder.py): MkDocs' dirty mode rebuilds a page or copies a file
  when its output is missing from the site (not by file times: a docs file hard-linked from the
  data package keeps the package's).

Nothing here writes into site_dir but what MkDocs writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
from collections.abc import Hashable
from functools import partial
from pathlib import Path
from typing import ClassVar

from jinja2 import Environment, Undefined
from markdown import Markdown
from markdown.extensions import Extension
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section, StructureItem
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from generator.render.fragments import PLACEHOLDER, fill_standings, fragments_file, standings_file
from generator.runtime import workers
from generator.runtime.files import link_or_copy, write_text
from generator.runtime.store import Store, StoreBytecodeCache
from generator.site.conversion import Conversions, SiteSource, pack, unpack

# A link or image in a fragment to a file of the docs folder, named from its root (views.table_link,
# fragments.chart_html). Document text never writes '"' or '=' (markup.md), so none is taken for one.
_LINK = re.compile(r'( href="| src=")([A-Za-z0-9._/-]+)(#[A-Za-z0-9_-]+)?"')


class _Site:
    """The docs' files of the build under way (MkDocs loads this module once per process, and each
    hook resets what it sets for a build): on_page_context, where the tables go in, is not given them."""

    files: Files | None = None
    store: Store | None = None  # where Jinja keeps the theme's templates compiled (generator/site/builder.py)
    source: SiteSource | None = None  # set: the pages are converted in the build's workers too (on_nav)
    conversions: Conversions | None = None  # from on_nav to on_env, when every page is converted
    nav_urls: ClassVar[list[str]] = []  # the URL of every page and link of the navigation
    # Each converted page's HTML and table of contents, compressed, from its conversion to its build.
    packed: ClassVar[dict[str, bytes]] = {}
    # Set by an incremental build: pages kept as built but for their standing blocks (on_post_build).
    restanding: ClassVar[list[str]] = []


class RenderCache:
    """HTML a template rendered, by a key of what it depends on; ``None``, no key: not kept.
    ``single``: only the last key's HTML is kept (what one page renders more than once)."""

    def __init__(self, single: bool = False) -> None:
        self.single = single
        self.html: dict[Hashable, str] = {}

    def get(self, key: Hashable | None) -> str | None:
        return None if key is None else self.html.get(key)

    def put(self, key: Hashable | None, html: str) -> str:
        if key is not None:
            if self.single:
                self.html.clear()
            self.html[key] = html
        return html


def _url_parts(url: str) -> tuple[str, ...]:
    """``url`` as mkdocs.utils.get_relative_url splits it."""
    path = posixpath.normpath("/" + url)[1:]
    return tuple(path.split("/")) if path else ()


class NavCache(RenderCache):
    """The navigation's items by page: an item the page is not in renders the same HTML on every
    page whose links to the item's pages are the same. mkdocs.utils.get_relative_url makes a link
    from the page's folder: ".." for each of its parts not shared with the target, then the rest
    of the target. Two pages whose folders differ only in their last part make the same link to a
    target outside both folders; a page with another target in its folder (the home page) is not
    keyed."""

    def __init__(self, nav_urls: list[str]) -> None:
        super().__init__()
        self.inside: set[tuple[str, ...]] = set()  # every folder a target is in
        self.urls: dict[tuple[str, ...], set[str]] = {}  # the targets that are a folder
        for url in nav_urls:
            parts = _url_parts(url)
            self.inside.update(parts[:end] for end in range(len(parts)))
            self.urls.setdefault(parts, set()).add(url)
        self.context: tuple[Page | None, tuple[str, ...] | None] = (None, None)

    def _folder_context(self, page: Page) -> tuple[str, ...] | None:
        if self.context[0] is not page:
            dirname, _, basename = page.url.rpartition("/")
            folder = _url_parts(dirname if "." in basename else page.url)
            alone = bool(folder) and folder not in self.inside and self.urls.get(folder, set()) <= {page.url}
            self.context = (page, folder[:-1] if alone else None)
        return self.context[1]

    def key(self, item: Page | Section | Link, path: str, level: int, parent: Section | Undefined,
            page: Page | None) -> Hashable | None:
        if not isinstance(page, Page) or item.active:
            return None
        context = self._folder_context(page)
        parent_active = None if isinstance(parent, Undefined) else parent.active
        return None if context is None else (id(item), path, level, parent_active, context)


def _output_missing(file: File) -> bool:
    return not os.path.isfile(file.abs_dest_path)


class PageSyntax(Extension):
    """Python-Markdown without the inline syntax no page uses: code spans, reference links, bare
    URLs and mail addresses, hard line breaks. Templates write links, images, HTML and entities,
    and document text reaches a page inert (generator.render.markup.md). Measured on the pages of
    1,000 generated units: 17.6 → 14.6 CPU-s of conversion, the same HTML."""

    UNUSED = ("backtick", "reference", "image_reference", "short_reference", "short_image_ref", "autolink",
              "automail", "linebreak")

    def extendMarkdown(self, md: Markdown) -> None:
        for name in self.UNUSED:
            md.inlinePatterns.deregister(name, strict=False)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.markdown_extensions.append(PageSyntax())
    return config


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    _Site.nav_urls = [item.url for item in _nav_items(nav.items) if isinstance(item, Page | Link)]
    if _Site.source is not None:
        _convert_in_workers(_Site.source, files)
    return nav


def _convert_in_workers(source: SiteSource, files: Files) -> None:
    """The pages MkDocs is about to convert, shared with the build's workers
    (generator/site/conversion.py). MkDocs converts a page whose output is missing (on_files):
    every page in a full build."""
    pool = workers.pool
    if pool is None:  # a build on a cluster, a build_site called alone
        return
    pages = [file.page for file in files.documentation_pages() if file.page is not None and _output_missing(file)]
    _Site.conversions = Conversions(source, pages, pool, pool.workers)


def _end_conversions() -> None:
    if _Site.conversions is not None:
        _Site.conversions.close()
        _Site.conversions = None
        # The workers hold the site's docs files (90 MB each at 10,000 disclosures): Pagefind runs next.
        workers.recycle_workers()


def _nav_items(items: list[StructureItem]) -> list[StructureItem]:
    return [found for item in items
            for found in [item, *(_nav_items(item.children) if isinstance(item, Section) else [])]]


def on_build_error(error: Exception) -> None:
    _end_conversions()


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    _end_conversions()  # every page is converted
    if _Site.store is not None:  # the theme's templates compiled once, kept between builds
        env.bytecode_cache = StoreBytecodeCache(_Site.store)
    env.globals["nav_cache"] = NavCache(_Site.nav_urls)
    env.globals["toc_cache"] = RenderCache(single=True)
    return env


def _link_file(file: File, dirty: bool = False) -> None:
    """File.copy_file for a file of the docs folder: a hard link where the file system allows, else
    a copy. Nothing writes into a file of the docs folder or of the site in place (the render stage
    and generator/site/builder.py replace files), and copying the downloads was most of the build's I/O."""
    if dirty and not file.is_modified():
        return
    assert file.abs_src_path is not None  # a file of the docs folder, not a generated one
    link_or_copy(Path(file.abs_src_path), Path(file.abs_dest_path))


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    _Site.files = files
    _Site.packed = {}
    for file in files:
        # consulted in dirty mode only
        # MkDocs has no hook for these per file: the instance's methods are replaced.
        file.is_modified = partial(_output_missing, file)  # type: ignore[method-assign]
        if file.src_dir == config.docs_dir and not file.is_documentation_page() and file.generated_by is None:
            file.copy_file = partial(_link_file, file)  # type: ignore[method-assign]
    return files


def _resolve_links(fragment: str, page: File) -> str:
    def relative(match: re.Match) -> str:
        target = _Site.files.get_file_from_path(match.group(2)) if _Site.files is not None else None
        if target is None:
            raise PluginError(f"a fragment of '{page.src_uri}' links to '{match.group(2)}', which is not in the docs")
        return f'{match.group(1)}{target.url_relative_to(page)}{match.group(3) or ""}"'

    return _LINK.sub(relative, fragment) if ' href="' in fragment or ' src="' in fragment else fragment


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


def on_pre_page(page: Page, *, config: MkDocsConfig, files: Files) -> Page:
    # A dirty build's site folder links the published site's files (generator/site/builder.py, _seed):
    # a page is written as a new file, never into the published one.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(page.file.abs_dest_path)
    return page


@event_priority(-100)  # after the other plugins
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    # MkDocs converts every page before it builds one, and would keep each page's Markdown, HTML
    # and table of contents to the end: the build's memory would grow with the corpus. Nothing
    # reads the Markdown again ("", not None: Page.title reads None as unread); the HTML and the
    # table of contents are read only when the page itself is built (on_page_context), so they
    # wait compressed, about a tenth of their size.
    page.markdown = ""
    _Site.packed[page.file.src_uri] = pack((html, page.toc))
    page.toc = TableOfContents([])
    return ""


@event_priority(-100)  # after the other plugins
def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: object) -> dict:
    packed = _Site.packed.pop(page.file.src_uri, None)
    if packed is not None:
        page.content, page.toc = unpack(packed)
    page.content = insert_fragments(page.content or "", page.file)
    return context


def with_standings(html: str, page: File) -> str:
    """A built page's HTML with its standing blocks as the render stage last wrote them."""
    stored = standings_file(Path(page.abs_src_path)) if page.abs_src_path else None
    if stored is None or not stored.exists():
        return html
    blocks = json.loads(stored.read_text(encoding="utf-8"))
    return fill_standings(html, {year: _resolve_links(block, page) for year, block in blocks.items()})


@event_priority(-100)  # after the other plugins
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    # The page is written; its HTML with the tables, the largest part of the build's memory, and
    # its table of contents are not read again.
    page.content = ""
    page.toc = TableOfContents([])
    return with_standings(output, page.file)


def on_post_build(*, config: MkDocsConfig) -> None:
    for src_uri in _Site.restanding:
        file = _Site.files.get_file_from_path(src_uri) if _Site.files is not None else None
        if file is None:
            raise PluginError(f"'{src_uri}' has standing blocks but is not in the docs")
        built = Path(file.abs_dest_path)
        # a new file, never written into the published site's (hard-linked: generator/site/builder.py)
        write_text(built, with_standings(built.read_bytes().decode("utf-8"), file))
