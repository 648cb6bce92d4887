"""Search: Pagefind's index of the built site, in parts made again only when their pages change.

The site's pages are split into stable parts: ``site`` (every page outside ``units/``: the index
pages, classes, data, quality) and ``units-I`` of K, a unit's page going to the part its folder
name hashes to; K is the least power of two that keeps a part to about BYTES_PER_PART of unit
pages' HTML, so it changes only when the unit pages double or halve (a unit's page holds all its
years: a count of pages would make parts of one year's units and of seven years' alike).
Pagefind indexes each part on its own, in parallel, into ``site/pagefind/<part>/``;
``site/pagefind/parts.json`` lists the parts, the first (``site``) holding Pagefind's scripts,
and the search page (assets/site.js) loads it and merges the others (Pagefind's
``mergeIndex``), so that a query spans the whole site.

A part's bundle is kept in the store (kind ``search``) under the hash of its name and its pages'
bytes (less their standing blocks, which Pagefind ignores): a rebuild indexes again only the parts
whose pages changed and copies the others from
the store (verified on read; a damaged entry is indexed again). Pagefind's output depends only
on the pages it reads, so a copied part is the bytes of one indexed afresh.

Measured at 1,000 unit pages (about 110 KB of HTML each): Pagefind spends about 20 CPU-ms a page
with its tables (11 without), plus 0.2 CPU-s a run, and holds 0.85 MB a page (a single run over
the whole site peaked at 894 MB); forcing the language changes nothing (every page is Chinese).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.render.fragments import STANDING_BLOCK
from generator.runtime.files import link_or_copy, write_text
from generator.runtime.store import Store

SEARCH_FOLDER = "pagefind"  # in the site: one bundle per part, and PARTS_FILE
PARTS_FILE = "parts.json"
SITE_PART = "site"  # the pages outside units/: the first part, whose bundle holds the scripts
UNITS = "units"
# Pagefind holds about 8 bytes per byte of HTML it indexes (0.85 MB a 110 KB page): a part of
# 32 MB of pages keeps its process near 260 MB, and a one-change rebuild re-indexes 32 MB at most.
BYTES_PER_PART = 32 << 20
# What the search page reads of a part merged into the first: the rest (Pagefind's scripts and UI)
# is the same in every bundle and is kept in the first only.
MERGED_FILES = ("pagefind-entry.json",)
MERGED_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
_SCRATCH = ".search-parts"  # in the site while it is indexed: each part's pages as hard links


class SearchIndexError(Exception):
    pass


@dataclass(frozen=True)
class Part:
    name: str
    pages: tuple[str, ...]  # HTML files, relative to the site


def unit_shards(unit_bytes: int) -> int:
    """K: the least power of two that keeps a part to BYTES_PER_PART of unit pages, on average."""
    shards = 1
    while unit_bytes > shards * BYTES_PER_PART:
        shards *= 2
    return shards


def _unit_of(page: str) -> str | None:
    return page.split("/")[1] if page.startswith(f"{UNITS}/") and page.count("/") >= 2 else None


def split_pages(sizes: Mapping[str, int]) -> list[Part]:
    """The parts of the site's HTML pages (relative path → bytes), the site-wide part first."""
    unit_of = {page: _unit_of(page) for page in sorted(sizes)}
    shards = unit_shards(sum(sizes[page] for page, unit in unit_of.items() if unit is not None))
    shard_of = {unit: int(hashlib.sha256(unit.encode("utf-8")).hexdigest()[:8], 16) % shards
                for unit in set(unit_of.values()) if unit is not None}
    by_part: dict[str, list[str]] = {SITE_PART: []}
    by_part.update({f"{UNITS}-{index}": [] for index in range(shards)})
    for page, unit in unit_of.items():
        by_part[SITE_PART if unit is None else f"{UNITS}-{shard_of[unit]}"].append(page)
    return [Part(name, tuple(found)) for name, found in by_part.items() if found]


def part_key(site_dir: Path, part: Part) -> str:
    """The hash of the part's name and each page's path and bytes, its standing blocks left out:
    Pagefind ignores them (generator.render.fragments.STANDING_BLOCK)."""
    digest = hashlib.sha256(part.name.encode("utf-8"))
    for page in part.pages:
        data = STANDING_BLOCK.sub(b"", (site_dir / page).read_bytes())
        digest.update(f"\x1f{page}\x1f{len(data)}\x1f".encode() + data)
    return digest.hexdigest()


def _published(part: Part, relative: str) -> bool:
    return part.name == SITE_PART or relative in MERGED_FILES or relative.endswith(MERGED_SUFFIXES)


def _index(site_dir: Path, part: Part) -> list[tuple[str, bytes]]:
    """Pagefind run on the part's pages alone (hard links in a scratch folder of the site, so
    that each page keeps its path and URL): the bundle's files that are published."""
    scratch = site_dir / _SCRATCH / part.name
    pages, bundle = scratch / "pages", scratch / "bundle"
    for page in part.pages:
        (pages / page).parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(site_dir / page, pages / page)
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(pages), "--output-path", str(bundle),
                           "--silent"], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not (bundle / "pagefind-entry.json").exists():
        raise SearchIndexError(f"the search index (Pagefind) of part {part.name} failed: "
                               f"{done.stderr.strip() or done.stdout.strip()}")
    files = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file())
    kept = [(relative, (bundle / relative).read_bytes()) for relative in files if _published(part, relative)]
    shutil.rmtree(scratch)
    return kept


def _bundle(site_dir: Path, part: Part, store: Store) -> tuple[list[tuple[str, bytes]], bool]:
    """The part's bundle, from the store when its pages are unchanged; whether it was indexed."""
    key = part_key(site_dir, part)
    kept = store.load("search", key)
    if isinstance(kept, list):
        return kept, False
    files = _index(site_dir, part)
    store.save("search", key, files)
    return files, True


def index_search(site_dir: Path, store: Store, jobs: int | None = None) -> list[str]:
    """The search index of the built site, in ``site_dir/pagefind``, made afresh (a dirty build's
    folder holds the published site's files as hard links, never written in place); the names
    of the parts Pagefind indexed (the others came from the store). ``jobs``: Pagefind runs at once."""
    folder = site_dir / SEARCH_FOLDER
    if folder.exists():
        shutil.rmtree(folder)
    parts = split_pages({path.relative_to(site_dir).as_posix(): path.stat().st_size
                         for path in site_dir.rglob("*.html")})
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1)) as pool:
            bundles = list(pool.map(lambda part: _bundle(site_dir, part, store), parts))
    finally:
        shutil.rmtree(site_dir / _SCRATCH, ignore_errors=True)
    for part, (files, _) in zip(parts, bundles):
        for relative, data in files:
            path = folder / part.name / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    write_text(folder / PARTS_FILE, json.dumps([part.name for part in parts]) + "\n")
    return [part.name for part, (_, indexed) in zip(parts, bundles) if indexed]
