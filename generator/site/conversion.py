"""The pages' Markdown converted to HTML in the build's worker processes, not in MkDocs' own.

MkDocs converts every page in its one process before it builds any, and at 1,000 generated
units that conversion was most of the site stage (Python-Markdown on seven years of a unit:
about 250 ms a page). The site's hook (generator/site/hooks.py, on_nav) sends pages to
``convert_page`` in the build's workers as well, and such a page's ``render`` then takes its
result. A worker converts with MkDocs' own ``Page.render``, on the configuration and docs files
it loads as the build does (``site_config``), so the page, its title, its anchors and its links
are what MkDocs would have made; what it warns of is logged again in the build, where strict
mode counts it.

The build's process converts too (``Conversions``): MkDocs converts the pages in their order
as it always does, while the workers take them from the other end, a few at a time, until the
two meet. So both cores convert while a worker validates the data package, and no page waits
on a worker that the build could have converted sooner itself.
"""

from __future__ import annotations

import functools
import json
import logging
import pickle
import threading
import zlib
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from generator.runtime.workers import run_chunk
from generator.site.paths import CONFIG_FILE

# Pages a worker takes at once: few, so that the two ends meet with both sides busy to the last.
CHUNK = 4


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
    return pack(converted)


def pack(value: object) -> bytes:
    """A page's conversion as it waits to be built, or crosses from a worker: compressed, about a
    tenth of its size."""
    return zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)


def unpack(packed: bytes) -> Any:
    return pickle.loads(zlib.decompress(packed))


def render_converted(page: Page, packed: bytes, config: MkDocsConfig, files: Files) -> None:
    """``page.render`` for a page a worker converted: what that render set, and what it logged,
    logged again here."""
    converted = unpack(packed)
    assert isinstance(converted, Converted)
    for name, level, message in converted.logged:
        logging.getLogger(name).log(level, message)
    page.content, page.toc = converted.content, converted.toc
    page._title_from_render = converted.title
    page.present_anchor_ids = set(converted.anchor_ids)
    page.links_to_anchors = {target: anchors for uri, anchors in converted.links_to_anchors.items()
                             if (target := files.get_file_from_path(uri)) is not None}


class Conversions:
    """The ``pages`` MkDocs is about to convert, in its order, shared between this process and the
    ``workers`` (each page's ``render`` replaced): MkDocs converts from the first page on, and a
    thread feeds the workers from the last page back, ``CHUNK`` pages a task, one task per worker
    in flight, until it reaches the first page MkDocs has not converted."""

    def __init__(self, source: SiteSource, pages: list[Page], executor: Executor, workers: int) -> None:
        self.source, self.pages, self.executor, self.workers = source, pages, executor, workers
        self.local_end = 0  # pages[:local_end] are converted here
        self.remote_start = len(pages)  # pages[remote_start:] by the workers
        self.remote: dict[int, tuple[Future[list[bytes]], int]] = {}  # page index → its task and place in it
        self.lock = threading.Lock()
        self.closed = False
        for index, page in enumerate(pages):
            page.render = functools.partial(self._render, index)  # type: ignore[method-assign]
        self.feeder = threading.Thread(target=self._feed, daemon=True)
        self.feeder.start()

    def _feed(self) -> None:
        in_flight: list[Future[list[bytes]]] = []
        while True:
            if len(in_flight) >= self.workers:
                in_flight = list(wait(in_flight, return_when=FIRST_COMPLETED).not_done)
            with self.lock:
                start = max(self.local_end, self.remote_start - CHUNK)
                if self.closed or start >= self.remote_start:
                    return
                items = [(self.source, page.file.src_uri) for page in self.pages[start:self.remote_start]]
                task = self.executor.submit(run_chunk, convert_page, items)
                self.remote.update({start + offset: (task, offset) for offset in range(len(items))})
                self.remote_start = start
            in_flight.append(task)

    def _render(self, index: int, config: MkDocsConfig, files: Files) -> None:
        page = self.pages[index]
        with self.lock:
            remote = self.remote.pop(index, None)
            if remote is None:
                self.local_end = max(self.local_end, index + 1)
        if remote is None:
            Page.render(page, config, files)
        else:
            task, offset = remote
            render_converted(page, task.result()[offset], config, files)

    def close(self) -> None:
        """No more tasks; the feeder stopped (after a failed build, the tasks under way are not waited for)."""
        with self.lock:
            self.closed = True
        self.feeder.join()
