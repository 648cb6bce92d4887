"""The header of a budget table: which labels stand above each grid column, and which rows
are header, column-number (栏次) or body rows.

The .docx gives merged header cells real spans. The text export writes a horizontally merged
cell once, so an upper header row is shorter than the table: it is aligned against the
complete row below it. A column left blank in the lower row is covered from above by one
cell; a run of labelled columns by one group cell, or by several where a group must be split
(first where a new item column follows amounts, as 收入 | 支出, then where amounts follow the
item columns, as 科目 | 一般公共预算基本支出).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from generator.contract.document import Table
from generator.extract.money import AmountError, parse_number

_FOLD = str.maketrans("（）：［］０１２３４５６７８９", "():[]0123456789")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_INTEGER = re.compile(r"^\d{1,3}$")


# Remembered: the same labels and figures are compacted again by every step that reads a row.
@functools.lru_cache(maxsize=1 << 16)
def compact(text: str) -> str:
    """Text without whitespace, full-width brackets, colons and digits folded: labels and codes
    compare equal however a template spaces or types them (项  目, 科目    编码, ２０１)."""
    return "".join(text.split()).translate(_FOLD)


def row_key(texts: list[str]) -> str:
    """A row's text as compared, to recognise a repeated header row."""
    return "|".join(map(compact, texts))


def is_sequence_label(label: str) -> bool:
    return label in ("序号", "行次", "栏次")


def is_code_label(label: str) -> bool:
    return label.endswith(("编码", "代码"))


CODE_PARTS = ("类", "款", "项")


def code_part_level(label: str) -> int | None:
    """0, 1, 2 for a column holding the 类, 款 or 项 part of a split code; None otherwise."""
    return CODE_PARTS.index(label) if label in CODE_PARTS else None


def is_name_label(label: str) -> bool:
    return label.endswith(("名称", "项目")) or label == "科目"


def is_descriptor(label: str) -> bool:
    return (is_sequence_label(label) or is_code_label(label) or is_name_label(label)
            or code_part_level(label) is not None)


def is_column_number_row(texts: list[str]) -> bool:
    """The 栏次 row (栏次 | 1 | 2 | …) that numbers the columns: not data."""
    cells = list(map(compact, texts))
    if cells and cells[0] == "栏次":
        return True
    numbers = [c for c in cells if c]
    # The first number rules out nearly every row before the whole sequence is made.
    return len(numbers) >= 3 and numbers[0] == "1" and numbers == [str(i) for i in range(1, len(numbers) + 1)]


def is_data_like(texts: list[str]) -> bool:
    """A row that holds figures or codes: the header has ended."""
    cells = [compact(t) for t in texts]
    if cells and _INTEGER.match(cells[0]):
        return True
    for text in cells[1:]:
        if not text:
            continue
        if _CODE.match(text):
            return True
        try:
            if parse_number(text) is not None:
                return True
        except AmountError:
            continue
    return False


@dataclass
class Header:
    rows: list[int]  # grid rows forming the header, top to bottom
    labels: list[list[str]]  # per grid column: the distinct labels above it, top to bottom
    warnings: list[str] = field(default_factory=list)
    # Grid columns under the same header cells as the column before, in every header row: one
    # published column split in the grid (LibreOffice's .doc output), not a column of its own.
    spanned: set[int] = field(default_factory=set)

    def leaf(self, col: int) -> str:
        return self.labels[col][-1] if self.labels[col] else ""

    def signatures(self, table: Table) -> set[str]:
        """The header rows' texts, to recognise a header repeated after a page break."""
        grid = table.grid()
        return {row_key(grid[r]) for r in self.rows}


Cover = tuple[int, str]  # (identity of the covering cell, its label)


def read_header(table: Table, rows: list[int]) -> Header:
    n = table.n_cols
    by_row = table.rows()
    position = {r: i for i, r in enumerate(rows)}
    cover: list[list[Cover | None]] = [[None] * n for _ in rows]
    for r in rows:
        for cell in by_row[r]:
            for covered_row in range(cell.row, cell.row + cell.rowspan):
                if covered_row in position:
                    for c in range(cell.col, min(n, cell.col + cell.colspan)):
                        cover[position[covered_row]][c] = (id(cell), compact(cell.text))
    warnings: list[str] = []
    for i in range(len(rows) - 1, -1, -1):
        if None not in cover[i]:
            continue
        cells = by_row[rows[i]]
        export_style = all(cell.colspan == 1 and cell.col == k for k, cell in enumerate(cells))
        below = cover[i + 1] if i + 1 < len(rows) else None
        complete = [cover for cover in below if cover is not None] if below is not None else []
        spans = _align(len(cells), complete) if export_style and below is not None and len(complete) == n else None
        if spans is None:
            warnings.append(f"header row {rows[i]} is shorter than the table and could not be aligned; "
                            "its labels are taken left to right")
            continue
        cover[i] = [None] * n
        for cell, (start, end) in zip(cells, spans):
            for c in range(start, end):
                cover[i][c] = (id(cell), compact(cell.text))
    labels: list[list[str]] = []
    for c in range(n):
        column: list[str] = []
        last = None
        for i in range(len(rows)):
            entry = cover[i][c]
            if entry is not None and entry[0] != last:
                last = entry[0]
                if entry[1]:
                    column.append(entry[1])
        labels.append(column)
    spanned = {c for c in range(1, n) if rows and all(_same_cell(row[c - 1], row[c]) for row in cover)}
    return Header(rows, labels, warnings, spanned)


def _same_cell(left: Cover | None, right: Cover | None) -> bool:
    return left is not None and right is not None and left[0] == right[0]


def _align(count: int, below: list[Cover]) -> list[tuple[int, int]] | None:
    """Column ranges for ``count`` cells written left to right above the complete row ``below``."""
    n = len(below)
    segments: list[int] = []  # segment starts
    candidates: list[tuple[int, int]] = []  # (priority, column) where a labelled run may split
    c = 0
    while c < n:
        segments.append(c)
        if not below[c][1]:
            c += 1
            continue
        end = c + 1
        while end < n and below[end][1]:
            if below[end][0] != below[end - 1][0]:
                previous, current = is_descriptor(below[end - 1][1]), is_descriptor(below[end][1])
                priority = 0 if current and not previous else 1 if previous and not current else 2
                candidates.append((priority, end))
            end += 1
        c = end
    extra = count - len(segments)
    if extra < 0 or extra > len(candidates):
        return None
    starts = sorted(segments + [column for _, column in sorted(candidates)[:extra]])
    return list(zip(starts, starts[1:] + [n]))


def header_rows(grid: list[list[str]], start: int) -> tuple[list[int], int]:
    """The header rows from ``start`` on, and the first body row (after 栏次)."""
    rows: list[int] = []
    r = start
    while r < len(grid):
        texts = grid[r]
        if is_column_number_row(texts):
            return rows, r + 1
        if not any(t.strip() for t in texts) or is_data_like(texts):
            break
        rows.append(r)
        r += 1
    return rows, r
