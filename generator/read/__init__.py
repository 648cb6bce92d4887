"""Read stage: a source file to the document model, or a clear reason why not.

Every file passes the guards in ``safety`` first: loaded once with a size cap, sniffed by
its bytes, and a Word package checked from its zip directory before anything is parsed.
"""

from __future__ import annotations

from pathlib import Path

from generator.document import Document
from generator.read.docx_reader import read_docx, read_parts
from generator.read.safety import LIMITS, Kind, Limits, UnreadableDocument, check_package, decode_text, load, sniff
from generator.read.text_reader import parse_text, read_text


def read_document(path: Path, limits: Limits = LIMITS) -> Document:
    """Read a .docx, or the plain-text export (.txt), into the document model."""
    data = load(path, limits)
    if sniff(data, path.suffix) is Kind.TEXT:
        return parse_text(decode_text(data, limits), path.name, limits)
    parts = check_package(data, limits)
    try:
        return read_parts(parts, path.name, limits)
    except UnreadableDocument:
        raise
    except Exception as error:  # lxml and the package's own structure fail in many ways
        raise UnreadableDocument(f"not a readable Word document: {type(error).__name__}: {error}",
                                 "open it in Word or LibreOffice and save it again as .docx") from error


__all__ = ["Document", "UnreadableDocument", "read_document", "read_docx", "read_text"]
