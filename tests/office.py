"""Test documents made from the corpus by LibreOffice: PDFs, Word 97 .doc files, and PDFs a
reader must refuse (scanned, password-protected, cut off)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pypdf
import pypdfium2
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from generator.contract.records import BudgetTable, TableKind
from generator.corpus import DEFAULT_TEMPLATE, GeneratedFile, Package, compose_file
from generator.corpus.disclosure import DisclosureSpec
from generator.corpus.ledger import Ledger
from generator.corpus.regions import DEPARTMENTS, all_regions
from generator.corpus.variant import Template
from generator.extract.tables import extract_tables
from generator.read import Document
from generator.read.safety import office_program


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


def write_generated(file: GeneratedFile, seed: int, out: Path) -> Ledger:
    """A generated disclosure written as .docx to ``out``; the figures it holds."""
    body, ledger = compose_file(file, seed)
    out.write_bytes(Package(DEFAULT_TEMPLATE).write(body, file.spec.title))
    return ledger


def pinned(file: str, money_unit: str, template: Template) -> GeneratedFile:
    """The generated disclosure of the unit-year that ``file`` names, in this layout: the PDF
    tests are about where LibreOffice breaks its pages, so they pin each document whole."""
    year, city, *county, department, scope = file.removesuffix(".docx").split("_")
    region = next(region for region in all_regions() if (region.city, region.county) == (city, "".join(county)))
    short = department.removesuffix("本级")
    spec = DisclosureSpec(region, next(d for d in DEPARTMENTS if d.short == short), int(year),
                          scope.removesuffix("预算"), money_unit, template)
    return GeneratedFile(file, spec)


def scanned_pdf(pdf: Path, out: Path) -> Path:
    """The first page of ``pdf`` as an image in a PDF of its own: no text layer."""
    page = pypdfium2.PdfDocument(str(pdf))[0]
    page.render(scale=1).to_pil().convert("RGB").save(out, "PDF")
    return out


def encrypted_pdf(pdf: Path, out: Path, user_password: str = "secret") -> Path:
    """``pdf`` encrypted; with an empty user password it opens without one, as PDFs that only
    forbid copying or printing do."""
    writer = pypdf.PdfWriter(clone_from=str(pdf))
    writer.encrypt(user_password=user_password, owner_password="owner")
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


def unmapped_pdf(out: Path) -> Path:
    """A one-page PDF whose font maps its glyphs to no character: pdfminer reads (cid:N)."""
    content = b"BT /F1 12 Tf 72 700 Td <0F2A0F2B0F2C0F2D> Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/Font/Subtype/Type0/BaseFont/SimSun/Encoding/Identity-H/DescendantFonts[6 0 R]>>",
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
        b"<</Type/Font/Subtype/CIDFontType2/BaseFont/SimSun"
        b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/DW 1000>>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    out.write_bytes(data)
    return out


def with_header_and_page_numbers(docx_path: Path, header: str, out: Path) -> Path:
    """The document with ``header`` atop every page and 第 N 页 (a PAGE field) at its foot."""
    document = docx.Document(str(docx_path))
    for section in document.sections:
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        section.header.paragraphs[0].text = header
        footer = section.footer.paragraphs[0]
        footer.text = "第 "
        footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
        footer.add_run(" 页")
    document.save(str(out))
    return out
