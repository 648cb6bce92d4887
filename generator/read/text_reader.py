"""Read the plain-text export of a disclosure into the document model.

The export writes every table cell as a line beginning with a tab; a blank line ends a
table row; a cell with several paragraphs continues on lines without a tab. Spans are
not recorded: a horizontally merged cell appears once, a vertically merged one as empty
cells below the first, so cells are placed left to right with span 1.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.contract.document import Block, Cell, Document, Paragraph, Table
from generator.read.safety import LIMITS, Limits, check_table_grid

# Export artefacts that are not in the Word document: bookmark markers and page-number fields.
# Field codes written out as text (TC … \f A \l 1) are in the document too, so they stay.
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
PAGE_NUMBER_FIELD = "page number"


def clean_line(line: str) -> str:
    return BOOKMARK.sub("", line)


def read_text(source: str | Path, name: str = "") -> Document:
    text = Path(source).read_text(encoding="utf-8-sig")
    return parse_text(text, name or str(source))


def parse_text(text: str, name: str = "", limits: Limits = LIMITS) -> Document:
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row: list[str] | None = None

    def end_table() -> None:
        if rows:
            blocks.append(_table(rows, limits))
            rows.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw.startswith("\t"):
            if row is None:
                row = []
            row.append(clean_line(raw[1:]))
        elif raw == "":
            if row is not None:
                rows.append(row)
                row = None
        elif row is not None:
            row[-1] += "\n" + clean_line(raw)
        else:
            if raw.strip() == PAGE_NUMBER_FIELD:
                continue
            end_table()
            line = clean_line(raw).strip()
            if line:
                blocks.append(Paragraph(text=line))
    if row is not None:
        rows.append(row)
    end_table()
    return Document(blocks=blocks, source=name)


def _table(rows: list[list[str]], limits: Limits) -> Table:
    check_table_grid(len(rows), max(len(row) for row in rows), limits)
    cells = [Cell(row=r, col=c, text=text) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(cells=cells, n_rows=len(rows), n_cols=max(len(row) for row in rows))
