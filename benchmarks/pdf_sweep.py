"""Generated disclosures printed to PDF by LibreOffice, read back against their .docx.

    python benchmarks/pdf_sweep.py [--count N] [--seed S] [--template hebei mof provincial]

For each template family, generates N documents (as ``budget-site generate-corpus`` does),
prints them to PDF in one LibreOffice run, and compares every figure of every budget table
(kind, title, status, columns, unit, and each row's name, code, side, amounts and extra
cells) and every performance indicator of the PDF with the .docx's. Prints one line per
document that differs, with its first difference, and the counts per family; the exit
status is 1 when any document differs. ~1 s a document (LibreOffice and pdfminer).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from office import office_convert, table_figures, write_generated

from generator.corpus import plan_corpus
from generator.extract.narrative import extract_narrative
from generator.read import Document, read_document

FAMILIES = ("hebei", "mof", "provincial")


def indicators(document: Document) -> list:
    return extract_narrative(document, "万元")[0].indicators


def sweep(template: str, count: int, seed: int, folder: Path) -> tuple[int, int, int, int]:
    """(documents, documents whose figures differ, figures compared, indicators compared)."""
    sources = []
    for file in plan_corpus(count, seed, template):
        sources.append(folder / f"{template}-{len(sources):03d}.docx")
        write_generated(file, seed, sources[-1])
    differing = figures = indicator_count = 0
    for source, pdf in zip(sources, office_convert(sources, "pdf", folder / "pdf"), strict=True):
        docx, printed = read_document(source), read_document(pdf)
        wanted, got = table_figures(docx), table_figures(printed)
        wanted_indicators, got_indicators = indicators(docx), indicators(printed)
        figures += len(wanted)
        indicator_count += len(wanted_indicators)
        if (wanted, wanted_indicators) != (got, got_indicators):
            differing += 1
            first = next((pair for pair in zip(wanted + wanted_indicators, got + got_indicators, strict=False)
                          if pair[0] != pair[1]), ("(counts differ)", f"{len(got)} rows, {len(got_indicators)} indicators"))
            print(f"{template} {source.stem}: .docx {first[0]!r}\n{' ' * len(template)}   PDF   {first[1]!r}")
    return len(sources), differing, figures, indicator_count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--template", nargs="+", choices=FAMILIES, default=list(FAMILIES))
    options = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="pdf-sweep-") as scratch:
        for template in options.template:
            folder = Path(scratch) / template
            folder.mkdir()
            documents, differing, figures, indicator_count = sweep(template, options.count, options.seed, folder)
            print(f"{template}: {documents - differing} of {documents} documents give every figure of the .docx "
                  f"({figures} table rows and headings, {indicator_count} indicators compared)")
            failed = failed or differing > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
