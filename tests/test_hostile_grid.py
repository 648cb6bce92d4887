"""Tables asking for a huge grid (w:gridSpan, w:gridBefore, w:gridAfter): refused before the
grid is laid out, in seconds and a few megabytes; and a worker past its memory limit costs its
document only. All hostile documents are generated here from a corpus document."""

from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

import pytest
from test_hostile import CORPUS, GOOD_DOCX, with_main_part, write

from generator.pipeline.build import BuildOptions, build
from generator.read import UnreadableDocument, read_document
from generator.read.safety import Limits
from generator.read.text_reader import parse_text
from generator.runtime.workers import MB, Failure, map_isolated

HUGE = 100_000_000
FIRST_CELL_WIDTH = '<w:tcW w:w="6752" w:type="dxa"/>'
FIRST_ROW_PROPERTIES = "<w:trPr></w:trPr>"
# name → (what is replaced in the first table, by what, the columns it then asks for): its
# one row has 3 cells.
BOMBS = {
    "grid_span.docx": (FIRST_CELL_WIDTH, FIRST_CELL_WIDTH + f'<w:gridSpan w:val="{HUGE}"/>', HUGE + 2),
    "grid_before.docx": (FIRST_ROW_PROPERTIES, f'<w:trPr><w:gridBefore w:val="{HUGE}"/></w:trPr>', HUGE + 3),
    "grid_after.docx": (FIRST_ROW_PROPERTIES, f'<w:trPr><w:gridAfter w:val="{HUGE}"/></w:trPr>', HUGE + 3),
    # Thousands of digits, which int() refuses: read as more than any limit.
    "grid_span_digits.docx": (FIRST_CELL_WIDTH, FIRST_CELL_WIDTH + f'<w:gridSpan w:val="{"9" * 5000}"/>',
                              10**9 + 2),
}
# The limits lifted, so that only the worker's memory limit is left to stop the grid.
NO_GRID_LIMITS = Limits(max_table_columns=10**12, max_table_cells=10**24)


def bomb(name: str) -> bytes:
    old, new, _ = BOMBS[name]

    def edit(xml: str) -> str:
        assert old in xml
        return xml.replace(old, new, 1)
    return with_main_part(CORPUS / GOOD_DOCX, edit)


def read_measured(path: Path) -> tuple[str, int, float]:
    """In a fresh worker: the read's outcome, the worker's peak resident memory (bytes) and seconds."""
    started = time.perf_counter()
    try:
        read_document(path)
        outcome = "read"
    except UnreadableDocument as error:
        outcome = error.reason
    return outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, time.perf_counter() - started


def lay_out_without_grid_limits(path: Path) -> int:
    """Read with the grid limits lifted and lay out every table's grid, as extraction does."""
    document = read_document(path, NO_GRID_LIMITS)
    return sum(len(table.grid()) for _, table in document.tables())


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_huge_grid_is_refused_before_it_is_laid_out(tmp_path, name):
    path = write(tmp_path / name, bomb(name))
    assert path.stat().st_size < 40_000
    started = time.process_time()
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path)
    assert time.process_time() - started < 1
    assert caught.value.reason == f"a table asks for {BOMBS[name][2]:,} grid columns, over the limit of 1,000"


def test_the_worker_reading_a_grid_bomb_stays_small_and_quick(tmp_path):
    path = write(tmp_path / "grid_span.docx", bomb("grid_span.docx"))
    [(outcome, peak, seconds)] = map_isolated(read_measured, [path], jobs=1)
    print(f"grid bomb in a worker: peak RSS {peak / MB:.0f} MB, {seconds:.2f} s")
    assert "grid columns, over the limit" in outcome
    assert peak < 200 * MB
    assert seconds < 2


def test_past_the_memory_limit_a_worker_fails_its_document_only(tmp_path):
    """The second guard: with the grid limits lifted, laying out the grid runs into the worker's
    memory limit, which stops it in seconds; the next document in the same pool is read."""
    bomb_path = write(tmp_path / "grid_span.docx", bomb("grid_span.docx"))
    good = tmp_path / GOOD_DOCX
    shutil.copy(CORPUS / GOOD_DOCX, good)
    started = time.perf_counter()
    results = map_isolated(lay_out_without_grid_limits, [bomb_path, good], jobs=1, memory=512 * MB)
    assert time.perf_counter() - started < 20
    assert results[0] == Failure("memory", "over the memory limit of 512 MB per document")
    assert isinstance(results[1], int) and results[1] > 100  # the corpus document's table rows


def test_a_text_export_asking_for_a_huge_grid_is_refused():
    rows = "\t" + "\t".join(["x\n"] * 1500) + "\n"
    with pytest.raises(UnreadableDocument, match="asks for 1,500 grid columns"):
        parse_text("标题\n" + rows)
    tall = "\t" + "\n\t".join(["x"] * 999) + "\n\n" + "\tx\n\n" * 3000
    with pytest.raises(UnreadableDocument, match=r"a grid of 3,001 × 999 cells, over the limit of 2,000,000"):
        parse_text(tall)


def test_grid_bombs_beside_the_corpus_cost_only_themselves(tmp_path):
    source = tmp_path / "source_docs"
    shutil.copytree(CORPUS, source)
    for name in BOMBS:
        write(source / name, bomb(name))
    started = time.perf_counter()
    result = build(BuildOptions(source, tmp_path / "datapackage", tmp_path / "site", jobs=2, with_site=False),
                   log=lambda line: None)
    print(f"build of the corpus and {len(BOMBS)} grid bombs: {time.perf_counter() - started:.1f} s")
    assert sorted(header.source_file for header in result.headers) == sorted(p.name for p in CORPUS.glob("*.docx"))
    assert {item.file for item in result.unreadable} == set(BOMBS)
    assert all("grid columns, over the limit of 1,000" in item.reason for item in result.unreadable)
