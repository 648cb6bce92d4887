"""Test documents made from the corpus by LibreOffice: PDFs, Word 97 .doc files, and PDFs a
reader must refuse (scanned, password-protected, cut off)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdf
import pypdfium2

from generator.extract.tables import extract_tables
from generator.read import Document
from generator.read.safety import office_program
from generator.records import BudgetTable, TableKind


def office_convert(sources: list[Path], target: str, out: Path) -> list[Path]:
    """``soffice --convert-to target`` of every source into ``out``, in one LibreOffice run."""
    office = office_program()
    assert office, "LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui"
    out.mkdir(parents=True, exist_ok=True)
    profile = out / ".profile"
    subprocess.run([office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                    "--outdir", str(out), *map(str, sources)], check=True, capture_output=True, timeout=300)
    shutil.rmtree(profile, ignore_errors=True)
    suffix = "." + target.split(":")[0]
    made = [out / (source.stem + suffix) for source in sources]
    assert all(path.is_file() for path in made), made
    return made


def scanned_pdf(pdf: Path, out: Path) -> Path:
    """The first page of ``pdf`` as an image in a PDF of its own: no text layer."""
    page = pypdfium2.PdfDocument(str(pdf))[0]
    page.render(scale=1).to_pil().convert("RGB").save(out, "PDF")
    return out


def encrypted_pdf(pdf: Path, out: Path) -> Path:
    writer = pypdf.PdfWriter(clone_from=str(pdf))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())
    return out


def truncated_pdf(pdf: Path, out: Path) -> Path:
    data = pdf.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


def table_figures(document: Document) -> list[tuple]:
    return figures_of(extract_tables(document)[0])


def figures_of(tables: dict[TableKind, BudgetTable]) -> list[tuple]:
    """Every figure of every budget table: kind, title, status, columns, unit, and each row's
    name, code, side, total mark, amounts and extra cells."""
    figures: list[tuple] = []
    for kind, table in sorted(tables.items(), key=lambda item: item[0].value):
        figures.append((kind.value, table.title, table.status.value, tuple(table.columns), table.money_unit,
                        table.note))
        figures += [(kind.value, row.line, row.name, row.code, row.side, row.is_total,
                     tuple(sorted(row.amounts.items())), tuple(sorted(row.extra.items()))) for row in table.rows]
    return figures
