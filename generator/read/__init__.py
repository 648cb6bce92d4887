"""Read stage: a source file to the document model, or a clear reason why not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.document import Document
from generator.read.docx_reader import read_docx
from generator.read.text_reader import read_text


class UnreadableDocument(Exception):
    """A file that is not a readable disclosure; ``hint`` tells the publisher what to do."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


def read_document(path: Path) -> Document:
    """Read a .docx, or the plain-text export (.txt), into the document model."""
    if path.suffix.lower() == ".txt":
        return read_text(path, name=path.name)
    try:
        return read_docx(path, name=path.name)
    except Exception as error:  # python-docx raises many kinds on damaged packages
        raise UnreadableDocument(f"not a readable Word document: {type(error).__name__}: {error}",
                                 "open it in Word or LibreOffice and save it again as .docx") from error


__all__ = ["Document", "UnreadableDocument", "read_document", "read_docx", "read_text"]
