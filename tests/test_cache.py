"""The incremental cache: an unchanged document is not read again; any change to the file,
its manifest row or the extraction code reads it again."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from generator.build import read_and_extract
from generator.cache import ExtractionCache, cache_key, code_version, map_cached
from generator.corpus import generate_corpus, revise_file
from generator.progress import StageProgress
from generator.records import Disclosure
from generator.sources import discover_sources

SEED = 11


@pytest.fixture()
def folder(tmp_path) -> Path:
    generate_corpus(3, SEED, tmp_path / "docs")
    return tmp_path / "docs"


def test_second_build_reads_nothing_and_gives_the_same_records(folder, tmp_path):
    sources = discover_sources(folder)
    cache = ExtractionCache(tmp_path / "cache")
    first = map_cached(read_and_extract, sources, 1, cache, log=lambda line: None)
    assert (cache.hits, cache.misses) == (0, 3)
    again = ExtractionCache(tmp_path / "cache")
    lines: list[str] = []
    second = map_cached(read_and_extract, sources, 1, again, log=lines.append)
    assert (again.hits, again.misses) == (3, 0)
    assert lines == ["cache: 3 of 3 documents unchanged"]
    assert all(isinstance(d, Disclosure) for d in second) and second == first


def test_a_changed_document_is_read_again(folder, tmp_path):
    cache = ExtractionCache(tmp_path / "cache")
    map_cached(read_and_extract, discover_sources(folder), 1, cache, log=lambda line: None)
    files = sorted(path.name for path in folder.glob("*.docx"))
    target = next(g for g in generate_corpus(3, SEED, tmp_path / "plan") if g.file == files[0])
    revise_file(folder, target, SEED, revision=1)
    cache = ExtractionCache(tmp_path / "cache")
    outcomes = map_cached(read_and_extract, discover_sources(folder), 1, cache, log=lambda line: None)
    assert (cache.hits, cache.misses) == (2, 1)
    assert outcomes[0] == read_and_extract(discover_sources(folder)[0])


def test_the_key_covers_content_manifest_and_code(folder):
    source = discover_sources(folder)[0]
    key = cache_key(source)
    assert cache_key(dataclasses.replace(source, path=Path("/elsewhere") / source.file)) == key
    assert cache_key(dataclasses.replace(source, sha256="0" * 64)) != key
    assert cache_key(dataclasses.replace(source, county="馆陶县")) != key
    assert cache_key(dataclasses.replace(source, year=1999)) != key
    assert len(code_version()) == 64


def test_a_damaged_entry_is_a_miss(folder, tmp_path):
    sources = discover_sources(folder)[:1]
    cache = ExtractionCache(tmp_path / "cache")
    map_cached(read_and_extract, sources, 1, cache, log=lambda line: None)
    entry = next((tmp_path / "cache").rglob("*.pickle"))
    entry.write_bytes(b"not a pickle")
    cache = ExtractionCache(tmp_path / "cache")
    assert map_cached(read_and_extract, sources, 1, cache, log=lambda line: None)[0].source_file == sources[0].file
    assert (cache.hits, cache.misses) == (0, 1)
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_progress_off_a_terminal_is_a_line_per_tenth():
    lines: list[str] = []
    with StageProgress("read+extract", 40, lines.append, stream=io.StringIO()) as progress:
        for _ in range(40):
            progress.advance()
    assert len(lines) == 10
    assert lines[0].startswith("read+extract: 4/40 (10%") and lines[-1].startswith("read+extract: 40/40 (100%")
