"""The incremental cache: an unchanged document is not read again; any change to the file,
its manifest row or the extraction code reads it again."""

from __future__ import annotations

import dataclasses
import io
from collections import Counter
from pathlib import Path

import pytest

from generator.check.tally import CheckTally
from generator.corpus import generate_corpus, revise_file
from generator.pipeline.extraction import Extracted, extract_all, read_and_extract
from generator.pipeline.sources import discover_sources
from generator.runtime.progress import StageProgress
from generator.runtime.store import STORE, RecordStore, cache_key, code_fingerprint

SEED = 11


@pytest.fixture()
def folder(tmp_path) -> Path:
    generate_corpus(3, SEED, tmp_path / "docs")
    return tmp_path / "docs"


def _extract(sources, store: RecordStore) -> tuple[list, list[str]]:
    lines: list[str] = []
    return extract_all(sources, 1, store, log=lines.append), lines


def test_second_build_reads_nothing_and_gives_the_same_records(folder, tmp_path):
    sources = discover_sources(folder)
    store = RecordStore(tmp_path / "cache")
    first, lines = _extract(sources, store)
    assert lines[0] == "cache: 0 of 3 documents unchanged"
    second, lines = _extract(sources, RecordStore(tmp_path / "cache"))
    assert lines == ["cache: 3 of 3 documents unchanged"]
    assert all(isinstance(item, Extracted) for item in second) and second == first
    stored = store.records(second[0].header.key)
    assert stored.disclosure == read_and_extract(sources[0])
    assert CheckTally.of(stored.outcomes) == second[0].checks


def test_a_changed_document_is_read_again(folder, tmp_path):
    store = RecordStore(tmp_path / "cache")
    _extract(discover_sources(folder), store)
    files = sorted(path.name for path in folder.glob("*.docx"))
    target = next(g for g in generate_corpus(3, SEED, tmp_path / "plan") if g.file == files[0])
    revise_file(folder, target, SEED, revision=1)
    sources = discover_sources(folder)
    extracted, lines = _extract(sources, store)
    assert lines[0] == "cache: 2 of 3 documents unchanged"
    assert store.records(extracted[0].header.key).disclosure == read_and_extract(sources[0])


def test_the_key_covers_content_manifest_and_code(folder):
    source = discover_sources(folder)[0]
    key = cache_key(source)
    assert cache_key(dataclasses.replace(source, path=Path("/elsewhere") / source.file)) == key
    assert cache_key(dataclasses.replace(source, sha256="0" * 64)) != key
    assert cache_key(dataclasses.replace(source, county="馆陶县")) != key
    assert cache_key(dataclasses.replace(source, year=1999)) != key
    assert len(code_fingerprint()) == 64


def test_a_damaged_entry_is_a_miss(folder, tmp_path):
    sources = discover_sources(folder)[:1]
    _extract(sources, RecordStore(tmp_path / "cache"))
    entry = next(path for path in (tmp_path / "cache" / "summary").rglob("*") if path.is_file())
    entry.write_bytes(b"not a pickle")
    extracted, lines = _extract(sources, RecordStore(tmp_path / "cache"))
    assert lines[0] == "cache: 0 of 1 documents unchanged"
    assert extracted[0].header.source_file == sources[0].file
    assert not [path for path in (tmp_path / "cache").rglob("*") if path.name.startswith(".")]


def test_progress_off_a_terminal_is_a_line_per_tenth():
    lines: list[str] = []
    with StageProgress("read+extract", 40, lines.append, stream=io.StringIO()) as progress:
        for _ in range(40):
            progress.advance()
    assert len(lines) == 10
    assert lines[0].startswith("read+extract: 4/40 (10%") and lines[-1].startswith("read+extract: 40/40 (100%")


def test_a_build_removes_the_cache_entries_no_source_needs(folder, tmp_path):
    from generator.pipeline.build import BuildOptions, build

    def entries(kind: str) -> int:
        return sum(1 for path in (tmp_path / "cache" / STORE / kind).rglob("*") if path.is_file())

    options = BuildOptions(folder, tmp_path / "dp", tmp_path / "site", jobs=1, cache_dir=tmp_path / "cache",
                           with_site=False)
    build(options, log=lambda line: None)
    counts = {kind: entries(kind) for kind in ("records", "summary", "made", "zip")}
    assert counts["records"] == counts["summary"] == counts["made"] == 3
    # what the rules across years read of each year, written with its records, and the outcomes
    # of the unit's two pairs of years (2020-2021, 2021-2022)
    assert entries("derived") == 3 + 2
    before = {path for path in (tmp_path / "cache" / STORE).rglob("*") if path.is_file()}
    files = sorted(path.name for path in folder.glob("*.docx"))
    target = next(g for g in generate_corpus(3, SEED, tmp_path / "plan") if g.file == files[0])
    revise_file(folder, target, SEED, revision=1)
    lines: list[str] = []
    build(options, log=lines.append)
    # the revised document's old records, rows and zips are gone; the other two are kept
    assert {kind: entries(kind) for kind in counts} == counts
    removed = before - {path for path in (tmp_path / "cache" / STORE).rglob("*") if path.is_file()}
    # by kind: the revised document's records and summary; its rows and those of the next year,
    # which compare with it; those two years' zips and the unit's; its view, the 2022 view and
    # the 2020-2021 outcomes
    assert Counter(path.parent.parent.name for path in removed) == {
        "records": 1, "summary": 1, "made": 2, "zip": 3, "derived": 3}
    assert "cache: 10 files no longer used removed" in lines
    assert entries("derived") == 4


def test_records_are_checked_when_loaded_and_made_again_from_their_document(folder, tmp_path):
    from generator.pipeline.stored import check_records

    sources = discover_sources(folder)
    store = RecordStore(tmp_path / "cache")
    _extract(sources, store)
    keys = [cache_key(source) for source in sources]
    entry = store.store._path("records", keys[0])
    assert entry is not None
    entry.write_bytes(entry.read_bytes()[:-10])  # damaged; the summary beside it is whole
    store.store.begin()
    extracted, lines = _extract(sources, store)
    assert lines == ["cache: 3 of 3 documents unchanged"]  # the records were not read to say so
    store.store.prune()
    assert all(store.store.has("records", key) for key in keys)  # not read, but kept for this build
    records = check_records(store, extracted, lambda line: None, jobs=1, sources=dict(zip(keys, sources)))
    disclosure, _ = records.load(extracted[0].header)
    assert disclosure == read_and_extract(sources[0])
    assert store.find_records(keys[0]).disclosure == disclosure  # stored whole again
    entry.write_bytes(b"junk")
    with pytest.raises(FileNotFoundError, match="missing or damaged"):
        check_records(store, extracted, lambda line: None, jobs=1).load(extracted[0].header)
