"""How fast the .docx reader is, next to parsing word/document.xml with lxml alone.

    python benchmarks/read_benchmark.py [--repeat N]

For each corpus document, and for a generated document of 30 large tables (the corpus's
tables of ten rows or more, repeated), prints the reader's milliseconds per document,
the milliseconds lxml needs to unzip and parse the same word/document.xml, and their
ratio. Times are CPU time, the best of N runs taken alternately: the least disturbed by
other processes.

The reader's time is all of ``read_docx`` on the file's bytes, the package guards
included (zip directory caps, every part inflated once and checked, DTD scan), as
``read_document`` runs them in a build. The baseline is ``zipfile`` reading
word/document.xml and ``etree.fromstring`` parsing all of it.
The target is a ratio within 1.3. The reader works out each distinct cell or paragraph
properties element once per process (documents made from one template repeat them); the
"first read" column is the ratio with that forgotten before every read.

Workbooks: the nine tables of each corpus document that has them, written as .xlsx and .xls
as the tests write them (tests/workbooks.py), read by ``read_document`` (guards, sheet-XML
scan and openpyxl, or xlrd), in ms per document beside the whole .docx the tables came from
(its nine tables and its explanation).
"""

from __future__ import annotations

import argparse
import copy
import functools
import io
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from lxml import etree

from generator.read import read_document
from generator.read.docx_reader import forget_reductions, read_docx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the workbook writer the tests use

from workbooks import standard_sheets, write_xls, write_xlsx  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GENERATED_TABLES = 30
LARGE_TABLE_ROWS = 10


def best_ms(first: Callable[[], object], second: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best milliseconds of each, run alternately so that both meet the same machine load."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, measured in zip((first, second), times):
            start = time.process_time()
            run()
            measured.append(time.process_time() - start)
    return min(times[0]) * 1000, min(times[1]) * 1000


def lxml_alone(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        etree.fromstring(package.read("word/document.xml"))


def generated_document(sources: list[Path]) -> bytes:
    """A document of GENERATED_TABLES large corpus tables, each after a heading paragraph."""
    large = [table for source in sources for table in docx.Document(str(source)).element.body.iter(W + "tbl")
             if len(table.findall(W + "tr")) >= LARGE_TABLE_ROWS]
    document = docx.Document(str(sources[0]))
    body = document.element.body
    section = body.find(W + "sectPr")
    for block in list(body):
        if block is not section:
            body.remove(block)
    for index in range(GENERATED_TABLES):
        heading = document.add_paragraph(f"表{index + 1}")
        body.remove(heading._p)
        section.addprevious(heading._p)
        section.addprevious(copy.deepcopy(large[index % len(large)]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def workbook_rows(sources: list[Path], repeat: int) -> None:
    """ms per document of the workbook readers, beside the .docx each workbook was written from."""
    print(f"{'format':<6} {'workbook of the nine tables of':<38} {'tables':>6} {'reader ms':>10} {'whole .docx ms':>14}")
    with tempfile.TemporaryDirectory() as folder:
        for source in sources:
            sheets = standard_sheets(read_docx(source))
            if not sheets:
                continue
            for suffix, writer in ((".xlsx", write_xlsx), (".xls", write_xls)):
                path = writer(Path(folder) / f"{source.stem}{suffix}", sheets)
                tables = sum(1 for _ in read_document(path).tables())
                workbook, docx_ms = best_ms(functools.partial(read_document, path),
                                            functools.partial(read_document, source), repeat)
                print(f"{suffix[1:]:<6} {source.stem:<38} {tables:>6} {workbook:>10.1f} {docx_ms:>14.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="runs per document; the best is reported")
    args = parser.parse_args()
    sources = sorted((ROOT / "source_docs").glob("*.docx"))
    workbook_rows(sources, args.repeat)
    cases = [(source.name, source.read_bytes()) for source in sources]
    cases.append((f"generated: {GENERATED_TABLES} large tables", generated_document(sources)))
    print(f"{'document':<44} {'tables':>6} {'reader ms':>10} {'lxml ms':>8} {'ratio':>6} {'first read':>11}")
    worst = 0.0
    for name, data in cases:
        document = read_docx(io.BytesIO(data), name)
        reader, alone = best_ms(lambda data=data, name=name: read_docx(io.BytesIO(data), name),
                                lambda data=data: lxml_alone(data), args.repeat)
        first, alone_again = best_ms(lambda data=data, name=name: (forget_reductions(), read_docx(io.BytesIO(data), name)),
                                     lambda data=data: lxml_alone(data), args.repeat)
        worst = max(worst, reader / alone)
        print(f"{name:<44} {sum(1 for _ in document.tables()):>6} {reader:>10.1f} {alone:>8.1f} "
              f"{reader / alone:>6.2f} {first / alone_again:>11.2f}")
    print(f"worst ratio {worst:.2f} (target ≤ 1.3); 'first read': the ratio of a process's first document, "
          f"before the reader has met any of its properties")


if __name__ == "__main__":
    main()
