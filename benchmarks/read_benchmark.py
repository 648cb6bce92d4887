"""How fast the .docx reader is, next to parsing word/document.xml with lxml alone; and
milliseconds per document for each input format.

    python benchmarks/read_benchmark.py [--repeat N] [--docx-only] [--formats-documents N]
                                        [--family-documents N] [--families-only]

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

Template families: for each family (hebei, mof, provincial), N generated disclosures (one
per seed 0…N-1, ``budget-site generate-corpus --template FAMILY``), each timed three ways,
alternately, best of N runs of CPU time: lxml alone as above; the reader alone (``read_docx``);
and read + extract + the checks of one disclosure (``extract_disclosure``, then ``check_alone``
and ``check_across_years`` with no earlier year, as a build runs them per document). Each
family's line gives the mean milliseconds, the ratio of its total times to lxml's (and the
worst document's), and PASS or FAIL against the targets: the reader within 1.3× lxml, read +
extract + checks within 3×.

Workbooks: the nine tables of each corpus document that has them, written as .xlsx and .xls
as the tests write them (tests/workbooks.py), read by ``read_document`` (guards, sheet-XML
scan and openpyxl, or xlrd), in ms per document beside the whole .docx the tables came from
(its nine tables and its explanation).

Then, unless --docx-only, the corpus is converted by LibreOffice to PDF and to Word 97 .doc
(not timed), and each format's milliseconds per document are printed (the mean over the
corpus of each document's best CPU time): ``read_document`` on the .docx and on the PDF,
and for the .doc the LibreOffice conversion (wall-clock time, with the profile a build keeps;
the first conversion of a process also makes the profile) apart from reading its .docx.
"""

from __future__ import annotations

import argparse
import copy
import functools
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from lxml import etree

from generator.check import check_across_years, check_alone
from generator.check.hygiene import split_sentences
from generator.check.stated import figure_quantum
from generator.contract.document import Document
from generator.corpus import generate_corpus
from generator.corpus.variant import FAMILIES
from generator.extract import extract_disclosure
from generator.extract.header import compact
from generator.extract.money import parse_amount
from generator.extract.sections import clean_text
from generator.pipeline.sources import SourceDocument, discover_sources
from generator.read import read_document
from generator.read.docx_reader import read_docx
from generator.read.docx_trim import forget_reductions
from generator.read.legacy import CONVERTED, convert_to_docx
from generator.read.safety import LIMITS, office_program
from generator.runtime.store import STORE, Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the workbook writer the tests use

from workbooks import standard_sheets, write_xls, write_xlsx  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GENERATED_TABLES = 30
LARGE_TABLE_ROWS = 10
READER_TARGET, WHOLE_TARGET = 1.3, 3.0
# What extraction and the checks remember of the texts and figures they met: forgotten before
# each timed run, so that a document read again is timed as a new one, not answered from memory.
REMEMBERED = (compact, parse_amount, clean_text, figure_quantum, split_sentences)


def best_ms(first: Callable[[], object], second: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best milliseconds of each, run alternately so that both meet the same machine load."""
    one, two = best_of(repeat, first, second)
    return one, two


def best_of(repeat: int, *runs: Callable[[], object]) -> list[float]:
    """Best CPU milliseconds of each run, taken alternately so that all meet the same machine load."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, measured in zip(runs, times):
            forget_remembered()
            start = time.process_time()
            run()
            measured.append(time.process_time() - start)
    return [min(measured) * 1000 for measured in times]


def forget_remembered() -> None:
    for remembered in REMEMBERED:
        remembered.cache_clear()


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


def cpu_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times) * 1000


def wall_ms(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def per_format(sources: list[Path], repeat: int) -> None:
    """Milliseconds per document of each format, on the corpus converted by LibreOffice."""
    office = office_program()
    if office is None:
        print("formats: LibreOffice is not installed; only .docx measured")
        return
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for target in ("pdf", "doc:MS Word 97"):
            subprocess.run([office, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                            "--convert-to", target, "--outdir", str(folder), *map(str, sources)],
                           check=True, capture_output=True)
        pdfs = [folder / f"{source.stem}.pdf" for source in sources]
        docs = [(folder / f"{source.stem}.doc").read_bytes() for source in sources]
        store = Store(folder / STORE)
        first = wall_ms(lambda: convert_to_docx(docs[0], LIMITS, store))

        def convert(data: bytes) -> bytes:
            shutil.rmtree(folder / STORE / CONVERTED, ignore_errors=True)
            return convert_to_docx(data, LIMITS, store)

        converted = [convert(data) for data in docs]
        rows = [
            ("docx: read_document", [cpu_ms(lambda s=s: read_document(s), repeat) for s in sources]),
            ("pdf: read_document", [cpu_ms(lambda p=p: read_document(p), max(1, repeat // 10)) for p in pdfs]),
            ("doc: LibreOffice conversion (wall)", [wall_ms(lambda d=d: convert(d)) for d in docs]),
            ("doc: reading its .docx", [cpu_ms(lambda c=c: read_docx(io.BytesIO(c)), repeat) for c in converted]),
        ]
    print(f"\n{'format':<36} {'documents':>9} {'ms/document':>12} {'min':>8} {'max':>8}")
    for name, times in rows:
        print(f"{name:<36} {len(times):>9} {statistics.mean(times):>12.1f} {min(times):>8.1f} {max(times):>8.1f}")
    print(f"first conversion of a process, making its LibreOffice profile: {first:.0f} ms")


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


def read_docx_bytes(data: bytes, name: str) -> Document:
    return read_docx(io.BytesIO(data), name)


def read_extract_check(data: bytes, source: SourceDocument) -> None:
    """What a build does with one .docx disclosure: read, extract and the checks of it alone."""
    disclosure = extract_disclosure(read_docx_bytes(data, source.file), source)
    check_alone(disclosure)
    check_across_years(disclosure, None)


def family_rows(documents: int, repeat: int) -> bool:
    """Per template family, the reader's and read + extract + checks' ratios to lxml alone, on
    generated disclosures; whether every family meets both targets."""
    print(f"\n{'family':<11} {'documents':>9} {'tables':>6} {'lxml ms':>8} {'reader ms':>9} {'ratio':>6} "
          f"{'worst':>6} {'':>4} {'+extract+checks ms':>18} {'ratio':>6} {'worst':>6}")
    met = True
    with tempfile.TemporaryDirectory() as folder:
        for family in FAMILIES:
            figures = []
            tables = 0
            for seed in range(documents):
                generate_corpus(1, seed, Path(folder) / f"{family}-{seed}", family=family)
                (source,) = discover_sources(Path(folder) / f"{family}-{seed}")
                data = source.path.read_bytes()
                tables += sum(1 for _ in read_docx(io.BytesIO(data)).tables())
                figures.append(best_of(repeat, functools.partial(lxml_alone, data),
                                       functools.partial(read_docx_bytes, data, source.file),
                                       functools.partial(read_extract_check, data, source)))
            alone, reader, whole = (sum(column) for column in zip(*figures))
            reader_ok, whole_ok = reader / alone <= READER_TARGET, whole / alone <= WHOLE_TARGET
            met = met and reader_ok and whole_ok
            print(f"{family:<11} {documents:>9} {tables / documents:>6.1f} {alone / documents:>8.1f} "
                  f"{reader / documents:>9.1f} {reader / alone:>6.2f} {max(r / a for a, r, _ in figures):>6.2f} "
                  f"{'PASS' if reader_ok else 'FAIL':>4} {whole / documents:>18.1f} {whole / alone:>6.2f} "
                  f"{max(w / a for a, _, w in figures):>6.2f} {'PASS' if whole_ok else 'FAIL'}")
    print(f"targets: the reader ≤ {READER_TARGET}× lxml, read + extract + checks ≤ {WHOLE_TARGET}× "
          f"(ratio of the family's total CPU times; 'worst': its slowest document against its own lxml parse)")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="runs per document; the best is reported")
    parser.add_argument("--docx-only", action="store_true", help="skip PDF and legacy Word (no LibreOffice needed)")
    parser.add_argument("--formats-documents", type=int, default=None,
                        help="measure the other formats on the first N corpus documents only")
    parser.add_argument("--family-documents", type=int, default=10,
                        help="generated disclosures per template family (seeds 0…N-1)")
    parser.add_argument("--families-only", action="store_true",
                        help="only the template families (no corpus documents, workbooks or other formats)")
    args = parser.parse_args()
    if args.families_only:
        sys.exit(0 if family_rows(args.family_documents, args.repeat) else 1)
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
    family_rows(args.family_documents, args.repeat)
    if not args.docx_only:
        per_format(sources[:args.formats_documents], args.repeat)


if __name__ == "__main__":
    main()
