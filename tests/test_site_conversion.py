"""The pages converted by the build's process and its workers together (generator/site/conversion.py):
both convert, every page once, and the site is the bytes MkDocs makes alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_site_memory import _docs

from generator.runtime.store import open_store
from generator.runtime.workers import worker_pool
from generator.site import conversion
from generator.site.builder import _run_mkdocs
from generator.site.conversion import SiteSource, site_config


def _built(folder: Path, docs: Path, state: dict, in_workers: bool) -> dict[str, bytes]:
    site = folder / "site"
    source = SiteSource.of(docs, site, state["nav"], {}) if in_workers else None
    _run_mkdocs(site_config(docs, site, state["nav"], {}), state, dirty=False, kept=open_store(None), source=source)
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_the_build_and_its_workers_share_the_pages_and_make_mkdocs_bytes(tmp_path, monkeypatch):
    docs, state = _docs(tmp_path, 40)
    alone = _built(tmp_path / "alone", docs, state, in_workers=False)
    from_workers: list[str] = []
    taken = conversion.render_converted

    def counted(page, packed, config, files):
        from_workers.append(page.file.src_uri)
        taken(page, packed, config, files)

    monkeypatch.setattr(conversion, "render_converted", counted)
    with worker_pool(2):
        shared = _built(tmp_path / "shared", docs, state, in_workers=True)
    assert shared == alone
    pages = 41  # the home page and 40 units
    # The workers start from the last page, the build from the first: each converts some, none twice.
    assert 0 < len(from_workers) < pages and len(set(from_workers)) == len(from_workers)
    assert "p/39.md" in from_workers and "index.md" not in from_workers


@pytest.mark.parametrize("pages", [0, 1])
def test_a_site_of_few_pages_is_converted_too(tmp_path, pages):
    docs, state = _docs(tmp_path, pages)
    alone = _built(tmp_path / "alone", docs, state, in_workers=False)
    with worker_pool(2):
        assert _built(tmp_path / "shared", docs, state, in_workers=True) == alone
