"""Write WordprocessingML the way the corpus documents are written: Heading2/Heading3 and
Body Text paragraphs, tables with a declared grid, ``w:gridSpan`` and ``w:vMerge`` merges.

The package around ``word/document.xml`` (styles, fonts, settings, content types) is taken
from a real corpus document, so the synthetic files carry the corpus's own styles. Bytes
are reproducible: zip entries are written in a fixed order with a fixed date, and the core
properties carry no clock time.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
# 1980-01-01 is the earliest date a zip entry can carry: no clock time leaks into the file.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
PAGE_WIDTH_DXA = 10204  # A4 minus the corpus margins
_SECTION = ('<w:sectPr><w:type w:val="nextPage"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:left="1134" '
            'w:right="567" w:gutter="0" w:header="0" w:top="567" w:footer="0" w:bottom="567"/></w:sectPr>')
_TABLE_PROPERTIES = (
    '<w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/><w:tblBorders>'
    + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
              for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    + '</w:tblBorders></w:tblPr>')
_LAYOUT_TABLE_PROPERTIES = '<w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/></w:tblPr>'


@dataclass(frozen=True)
class Cell:
    text: str = ""
    span: int = 1  # grid columns covered (w:gridSpan)
    vmerge: str = ""  # "restart" opens a vertical merge, "continue" extends the one above
    header: bool = False
    # What the cell stands for, not written: the figure an amount cell shows (hundredths of
    # 万元; None when blank) and the full code a code cell or 类/款/项 part belongs to. The
    # ledger of generated figures (corpus/ledger.py) is read from them.
    value: int | None = None
    code: str = ""


def head(text: str = "", span: int = 1, vmerge: str = "") -> Cell:
    return Cell(text, span, vmerge, header=True)


class DocumentXml:
    """Accumulates the body of ``word/document.xml``."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.table_count = 0

    def heading(self, text: str, level: int) -> None:
        self.paragraph(text, f"Heading{level}")

    def paragraph(self, text: str, style: str = "TextBody") -> None:
        self._parts.append(_paragraph(text, style))

    def table(self, rows: list[list[Cell]], widths: list[float] | None = None, layout: bool = False) -> None:
        """``rows`` hold the cells each row starts or continues, left to right; every row
        must cover the whole grid. ``layout`` = the borderless row above a budget table."""
        n_cols = sum(c.span for c in rows[0])
        weights = widths or [1] * n_cols
        if len(weights) != n_cols:
            raise ValueError(f"{len(weights)} column widths for {n_cols} columns")
        unit = PAGE_WIDTH_DXA / sum(weights)
        grid = [round(weight * unit) for weight in weights]
        parts = ["<w:tbl>", _LAYOUT_TABLE_PROPERTIES if layout else _TABLE_PROPERTIES, "<w:tblGrid>"]
        parts.extend(f'<w:gridCol w:w="{width}"/>' for width in grid)
        parts.append("</w:tblGrid>")
        for r, row in enumerate(rows):
            if sum(c.span for c in row) != n_cols:
                raise ValueError(f"row {r} covers {sum(c.span for c in row)} of {n_cols} columns")
            parts.append("<w:tr>")
            col = 0
            for c in row:
                width = sum(grid[col:col + c.span])
                properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
                if c.span > 1:
                    properties += f'<w:gridSpan w:val="{c.span}"/>'
                if c.vmerge:
                    properties += f'<w:vMerge w:val="{c.vmerge}"/>'
                style = "TableHeading" if c.header else "TableContents"
                text = "" if c.vmerge == "continue" else c.text
                body = "".join(_paragraph(line, style) for line in text.split("\n"))
                parts.append(f'<w:tc><w:tcPr>{properties}<w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>')
                col += c.span
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self._parts.append("".join(parts))
        self.table_count += 1

    def xml(self) -> str:
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}">'
                f'<w:body>{"".join(self._parts)}{_SECTION}</w:body></w:document>')


def _paragraph(text: str, style: str) -> str:
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run}</w:p>'


def _core_properties(title: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator></dc:creator><cp:revision>1</cp:revision>'
            f'<dc:title>{escape(title)}</dc:title></cp:coreProperties>')


class Package:
    """The parts of a template .docx other than the body and the core properties."""

    def __init__(self, template: Path) -> None:
        with zipfile.ZipFile(template) as archive:
            names = archive.namelist()
            if DOCUMENT_PART not in names:
                raise ValueError(f"{template} is not a Word document: no {DOCUMENT_PART}")
            self.parts = [(name, archive.read(name)) for name in names if name not in (DOCUMENT_PART, CORE_PART)]

    def write(self, document: DocumentXml, title: str) -> bytes:
        entries = [*self.parts, (CORE_PART, _core_properties(title).encode("utf-8")),
                   (DOCUMENT_PART, document.xml().encode("utf-8"))]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data, compresslevel=6)
        return buffer.getvalue()
