"""The pages' Markdown converted to HTML in the build's worker processes, not in MkDocs' own.

MkDocs converts every page in its one process before it builds any, and at 1,000 generated
units that conversion was most of the site stage (Python-Markdown on seven years of a unit:
about 250 ms a page). The site's hook (generator/site/hooks.py, on_nav) sends the pages to
``convert_page`` in the build's workers instead, and each page's ``render`` then takes its
result. A worker converts with MkDocs' own ``Page.render``, on the configuration and docs files
it loads as the build does (``site_config``), so the page, its title, its anchors and its links
are what MkDocs would have made; what it warns of is logged again in the build, where strict
mode counts it.
"""

from __future__ import annotations

import functools
import json
import logging
import pickle
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from generator.site.paths import CONFIG_FILE


def site_config(docs_dir: Path, site_dir: Path, nav: Any, overrides: Mapping[str, Any]) -> MkDocsConfig:
    """The site's MkDocs configuration: the packaged defaults, a publisher's ``overrides``, and what
    the build sets (the folders, the navigation the render stage wrote, strict mode)."""
    return load_config(str(CONFIG_FILE), **overrides, docs_dir=str(docs_dir.resolve()),
                       site_dir=str(site_dir.resolve()), nav=nav, strict=True)


@dataclass(frozen=True)
class SiteSource:
    """What a worker loads the site's configuration and docs files from (JSON text: hashable, so a
    worker loads them once per build)."""

    docs_dir: str
    site_dir: str
    nav: str
    overrides: str

    @classmethod
    def of(cls, docs_dir: Path, site_dir: Path, nav: Any, overrides: Mapping[str, Any]) -> SiteSource:
        return cls(str(docs_dir), str(site_dir), json.dumps(nav, ensure_ascii=False),
                   json.dumps(dict(overrides), ensure_ascii=False))


@dataclass(frozen=True)
class Converted:
    """What MkDocs' ``Page.render`` sets on a page, and what it logged doing so. The pages a link
    points into (the keys of ``links_to_anchors``) by their docs path: a File does not cross processes."""

    content: str
    toc: TableOfContents
    title: str | None
    anchor_ids: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]]
    logged: tuple[tuple[str, int, str], ...]  # (logger, level, message)


@functools.lru_cache(maxsize=1)
def _loaded(source: SiteSource) -> tuple[MkDocsConfig, Files]:
    config = site_config(Path(source.docs_dir), Path(source.site_dir), json.loads(source.nav),
                         json.loads(source.overrides))
    # The plugins' on_config, as MkDocs' build runs it: the hooks add their Markdown extension.
    config = config.plugins.on_config(config)
    return config, get_files(config)


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def convert_page(item: tuple[SiteSource, str]) -> bytes:
    """In a worker: the page of docs path ``item[1]`` converted, as ``pack``ed ``Converted``."""
    source, src_uri = item
    config, files = _loaded(source)
    file = files.get_file_from_path(src_uri)
    if file is None:
        raise FileNotFoundError(f"'{src_uri}' is not in the docs folder {source.docs_dir}")
    page = file.page or Page(None, file, config)
    logged, logger = _Logged(), logging.getLogger("mkdocs")
    logger.addHandler(logged)
    try:
        page.read_source(config)
        page.render(config, files)
    finally:
        logger.removeHandler(logged)
    links = {target.src_uri: anchors for target, anchors in (page.links_to_anchors or {}).items()}
    converted = Converted(page.content or "", page.toc, page._title_from_render, frozenset(page.present_anchor_ids or ()),
                          links, tuple(logged.records))
    return zlib.compress(pickle.dumps(converted, pickle.HIGHEST_PROTOCOL), 1)


def unpack(packed: bytes) -> Converted:
    converted = pickle.loads(zlib.decompress(packed))
    assert isinstance(converted, Converted)
    return converted


def render_converted(page: Page, packed: bytes, config: MkDocsConfig, files: Files) -> None:
    """``page.render`` for a page a worker converted: what that render set, and what it logged,
    logged again here."""
    converted = unpack(packed)
    for name, level, message in converted.logged:
        logging.getLogger(name).log(level, message)
    page.content, page.toc = converted.content, converted.toc
    page._title_from_render = converted.title
    page.present_anchor_ids = set(converted.anchor_ids)
    page.links_to_anchors = {target: anchors for uri, anchors in converted.links_to_anchors.items()
                             if (target := files.get_file_from_path(uri)) is not None}
