"""The MkDocs stage's memory stays flat in the number of pages: MkDocs converts every page before
it writes one, and the site's hooks (generator/site/hooks.py) keep no page's full HTML past that."""

from __future__ import annotations

import gc
import json
import pathlib
import tracemalloc
from pathlib import Path

import pytest

from generator.render.fragments import fragments_file
from generator.runtime.store import open_store
from generator.runtime.workers import worker_pool
from generator.site.builder import _run_mkdocs
from generator.site.conversion import SiteSource, site_config

PROSE = "本单位预算收入与支出情况说明，包括基本支出与项目支出的安排。" * 100  # 3,000 characters
ROWS = "".join(f"<tr><td>2010{row:03d}</td><td>行政运行</td><td>{row * 1234.5:,.2f}</td></tr>" for row in range(100))


def _docs(folder: Path, pages: int) -> tuple[Path, dict]:
    """A docs folder of ``pages`` pages, each of ~60 KB of HTML: headings, prose (what
    MkDocs converts: 24,000 characters) and two tables."""
    docs = folder / "docs"
    (docs / "p").mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n\n" + PROSE + "\n", encoding="utf-8")
    nav: list = [{"首页": "index.md"}]
    for number in range(pages):
        page = docs / "p" / f"{number}.md"
        sections = "".join(f"## 第{part}部分\n\n{PROSE}\n\n<!-- fragment {part} -->\n\n" for part in range(8))
        page.write_text(f"# 单位 {number}\n\n{sections}", encoding="utf-8")
        fragments_file(page).write_text(json.dumps([f"<table>{ROWS}</table>"] * 8, ensure_ascii=False),
                                        encoding="utf-8")
        nav.append({f"单位 {number}": f"p/{number}.md"})
    return docs, {"nav": nav, "source_date_epoch": 1700000000, "files": {}}


def _held_mb(folder: Path, pages: int, in_workers: bool) -> float:
    """What the build holds once every page is converted and none is built yet (MkDocs' on_env),
    its garbage collected and without what pathlib interns: after other tests, the peak counted a
    page's Python-Markdown instance (cyclic garbage, freed when the heap's history says) and once
    the interned strings' table growing by 3.7 MB, 46-80 KB a page where alone it was 3 KB."""
    docs, state = _docs(folder, pages)
    config = site_config(docs, folder / "site", state["nav"], {})
    source = SiteSource.of(docs, folder / "site", state["nav"], {}) if in_workers else None
    hooks = next(iter(config.hooks.values()))
    end_conversions, held = hooks._end_conversions, []

    def measured() -> None:
        end_conversions()
        gc.collect()
        snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, pathlib.__file__)])
        held.append(sum(stat.size for stat in snapshot.statistics("filename")))

    hooks._end_conversions = measured
    gc.collect()  # what earlier tests left is not counted
    tracemalloc.start()
    try:
        _run_mkdocs(config, state, dirty=False, kept=open_store(None), source=source)
    finally:
        tracemalloc.stop()
        hooks._end_conversions = end_conversions
    assert len(list((folder / "site" / "p").glob("*/index.html"))) == pages
    return held[0] / 2**20


@pytest.mark.parametrize("in_workers", [False, True])
def test_mkdocs_memory_grows_by_far_less_than_the_pages_html(tmp_path, in_workers):
    """Whether MkDocs converts the pages or the build's workers do (their results wait compressed too)."""
    with worker_pool(2):
        small = _held_mb(tmp_path / "small", 20, in_workers)
        large = _held_mb(tmp_path / "large", 100, in_workers)
    per_page_kb = (large - small) * 1024 / 80
    print(f"held {small:.1f} MB at 20 pages, {large:.1f} MB at 100; {per_page_kb:.1f} KB per page")
    # Measured: holding each page's converted HTML and table of contents to the end of MkDocs' build
    # costs 44-60 KB per page here; the hooks keep a compressed copy until the page is built (~1 KB).
    assert per_page_kb < 25
