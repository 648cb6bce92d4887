"""Read stage: a source file to the document model, or a clear reason why not.

Every file passes the guards in ``safety`` first: loaded once with a size cap, sniffed by
its bytes, and a Word package or an Excel workbook checked from its zip directory before
anything is parsed. Each format has its reader module; all fill the same document model. A
PDF is read page by page under a page cap; a legacy Word, WPS or RTF file is converted to
.docx by LibreOffice and then passes the package guards like any .docx.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.contract.document import Document
from generator.read.docx_reader import read_docx, read_parts
from generator.read.legacy import convert_to_docx
from generator.read.pdf_reader import read_pdf
from generator.read.safety import (
    LIMITS,
    Kind,
    Limits,
    UnreadableDocument,
    check_package,
    decode_text,
    load,
    sniff,
)
from generator.read.text_reader import parse_text, read_text
from generator.read.xls_reader import read_xls_bytes
from generator.read.xlsx_reader import read_xlsx_bytes

if TYPE_CHECKING:
    from generator.runtime.store import Store


def read_document(path: Path, limits: Limits = LIMITS, conversions: Store | None = None) -> Document:
    """Read a .docx, PDF, legacy Word/WPS/RTF file, Excel workbook (.xlsx, .xls), or the
    plain-text export (.txt), into the document model; ``conversions`` is the store keeping
    LibreOffice's conversions."""
    data = load(path, limits)
    kind = sniff(data, path.suffix)
    if kind is Kind.TEXT:
        return parse_text(decode_text(data, limits), path.name, limits)
    if kind is Kind.PDF:
        return read_pdf(data, path.name, limits)
    if kind is Kind.XLSX:
        return read_xlsx_bytes(data, path.name, limits)
    if kind is Kind.XLS:
        return read_xls_bytes(data, path.name, limits)
    if kind is Kind.LEGACY:
        data = convert_to_docx(data, limits, conversions)
    parts = check_package(data, limits)
    try:
        return read_parts(parts, path.name, limits)
    except UnreadableDocument:
        raise
    except Exception as error:  # lxml and the package's own structure fail in many ways
        raise UnreadableDocument(f"not a readable Word document: {type(error).__name__}: {error}",
                                 "open it in Word or LibreOffice and save it again as .docx") from error


__all__ = ["Document", "UnreadableDocument", "read_document", "read_docx", "read_text"]
