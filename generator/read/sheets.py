"""A worksheet's cells to document blocks, the same for .xlsx and .xls.

A budget workbook usually holds one table per sheet: its title in a top row merged across
the table, the layout row (unit, 预算年度, 单位：万元), the header with merged cells, the
rows, perhaps a note below (注：无…空表列示). Blank rows separate blocks; a row whose only
text is one cell merged across the block's whole width is a paragraph (a title above, a
note below), as in the .docx; everything else is the table, with each merged range one
cell spanning its rows and columns. A title that is not merged stays the table's first
row, where extraction looks for it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils.cell import get_column_letter

from generator.contract.document import Block, Cell, Paragraph, Table
from generator.read.safety import Limits, UnreadableDocument

# (first row, first column, last row, last column), 0-based, inclusive
Range = tuple[int, int, int, int]


@dataclass
class Sheet:
    """One sheet as read: the text each cell displays, by (row, column), and its merged ranges."""

    name: str
    hidden: bool = False
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[Range] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def address(row: int, col: int) -> str:
    """A 0-based position as Excel names it: (2, 1) → B3."""
    return f"{get_column_letter(col + 1)}{row + 1}"


def check_sheet_size(name: str, rows: int, cols: int, limits: Limits) -> None:
    if rows * cols > limits.max_sheet_cells:
        raise UnreadableDocument(f"sheet {name!r} spans {rows:,} rows × {cols:,} columns, over the limit of "
                                 f"{limits.max_sheet_cells:,} cells",
                                 "check that this workbook is a budget disclosure, not a data dump")


def check_sheet_count(count: int, limits: Limits) -> None:
    if count > limits.max_sheets:
        raise UnreadableDocument(f"workbook has {count:,} sheets, over the limit of {limits.max_sheets:,}",
                                 "check that this workbook is a budget disclosure")


def sheet_blocks(sheet: Sheet, limits: Limits) -> list[Block]:
    """The sheet's paragraphs and tables in row order (see the module)."""
    texts = {position: text for position, text in sheet.texts.items() if text.strip()}
    if not texts:
        return []
    merges = [merge for merge in sheet.merges if merge[2] > merge[0] or merge[3] > merge[1]]
    last_row = max(max(r for r, _ in texts), max((m[2] for m in merges), default=0))
    last_col = max(max(c for _, c in texts), max((m[3] for m in merges), default=0))
    check_sheet_size(sheet.name, last_row + 1, last_col + 1, limits)
    by_row: dict[int, list[int]] = {}
    for r, c in texts:
        by_row.setdefault(r, []).append(c)
    occupied = set(by_row) | _covered_rows(merges)
    blocks: list[Block] = []
    row = 0
    while row <= last_row:
        if row not in occupied:
            row += 1
            continue
        end = row
        while end + 1 <= last_row and end + 1 in occupied:
            end += 1
        blocks.extend(_segment(sheet.name, texts, by_row, merges, row, end))
        row = end + 1
    return blocks


def _covered_rows(merges: list[Range]) -> set[int]:
    """Rows a merged range continues into below its first: they are not blank."""
    return {r for top, _, bottom, _ in merges for r in range(top + 1, bottom + 1)}


def _segment(name: str, texts: dict[tuple[int, int], str], by_row: dict[int, list[int]], merges: list[Range],
             top: int, bottom: int) -> list[Block]:
    """Rows top..bottom with no blank row among them: leading and trailing paragraph rows and
    the table between."""
    inside = [m for m in merges if top <= m[0] <= bottom]
    cols = [c for r in range(top, bottom + 1) for c in by_row.get(r, ())] + [m[1] for m in inside] + \
        [m[3] for m in inside]
    first_col, last_col = min(cols), max(cols)
    by_origin = {(m[0], m[1]): m for m in inside}

    def paragraph_row(r: int) -> str | None:
        row = by_row.get(r, [])
        if len(row) != 1:
            return None
        col, text = row[0], texts[(r, row[0])]
        merge = by_origin.get((r, col))
        spans_all = merge is not None and merge[0] == merge[2] and merge[1] <= first_col and merge[3] >= last_col
        return text.strip() if spans_all or first_col == last_col else None

    leading: list[Block] = []
    while top <= bottom and (text := paragraph_row(top)) is not None:
        leading.append(Paragraph(text=text))
        top += 1
    trailing: list[Block] = []
    while bottom >= top and (text := paragraph_row(bottom)) is not None:
        trailing.insert(0, Paragraph(text=text))
        bottom -= 1
    if top > bottom:
        return leading + trailing
    return leading + [_table(name, texts, inside, top, bottom, first_col, last_col)] + trailing


def _table(name: str, texts: dict[tuple[int, int], str], merges: list[Range], top: int, bottom: int,
           first_col: int, last_col: int) -> Table:
    """The grid top..bottom × first_col..last_col, each merged range one cell at its top-left."""
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    warnings = []
    for m_top, m_left, m_bottom, m_right in merges:
        if m_bottom > bottom or m_left < first_col or m_right > last_col:
            warnings.append(f"sheet {name!r}: merged range at {address(m_top, m_left)} runs past the table; "
                            f"cut at its edge")
        m_bottom, m_right = min(m_bottom, bottom), min(m_right, last_col)
        spans[(m_top, m_left)] = (m_bottom - m_top + 1, m_right - m_left + 1)
        covered.update((r, c) for r in range(m_top, m_bottom + 1) for c in range(m_left, m_right + 1)
                       if (r, c) != (m_top, m_left))
    cells = []
    for r in range(top, bottom + 1):
        for c in range(first_col, last_col + 1):
            if (r, c) in covered:
                if texts.get((r, c)):
                    warnings.append(f"sheet {name!r}: cell {address(r, c)} lies under a merged cell and is not "
                                    f"shown: {texts[(r, c)]!r}")
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            cells.append(Cell(row=r - top, col=c - first_col, rowspan=rowspan, colspan=colspan,
                              text=texts.get((r, c), "")))
    return Table(cells=cells, n_rows=bottom - top + 1, n_cols=last_col - first_col + 1, warnings=warnings)
