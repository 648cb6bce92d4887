"""Page geometry to the document model: words into lines, lines into paragraphs, ruled
cells into a merged-cell grid.

A PDF has no paragraphs or tables, only positioned glyphs and drawn rules; these functions
rebuild what a Word document states outright. Chinese has no spaces between words, so a
line wrap is joined without one; a wrap between two Latin letters gets one back.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from generator.contract.document import Cell, Paragraph, Table

# Rules and glyph edges closer than this (points) are one position.
SNAP = 1.5
# A line ending short of the body's right edge by more than the next line's first unbreakable
# piece (a figure with the character and punctuation bound to it) and this many ems ends its paragraph.
SHORT_LINE_EMS = 1.0
# The first piece a line break cannot split: 477884.00元， or 元。 or one character.
FIRST_PIECE = re.compile(r"[0-9A-Za-z.%\-]*.[，。、；：！？）)”’》」%]*")
# A line starting this many ems right of the body's left edge is indented: a new paragraph.
INDENT_EMS = 0.8
# A vertical gap of more than this many ems between two lines is blank space between paragraphs.
BLANK_EMS = 0.9
# A gap this many ems wide inside a line separates the cells of a borderless row.
CELL_GAP_EMS = 0.5
# Numbered headings start a paragraph wherever they stand: 第一部分, 一、, （一）, 1、, 1., (1).
NUMBERED = re.compile(r"(第[一二三四五六七八九十百]+部分|[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[)）]"
                      r"|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[（(]\d{1,2}[)）])")
LATIN = re.compile(r"[A-Za-z]")
# How a table row begins: its number or code, an ordinal (三十一、), 其中, a bracketed item.
ROW_START = re.compile(r"^(?:\d|[一二三四五六七八九十百]+[、.．]|其中|[（(])")
TOTAL_ROW = re.compile(r"^[合总]计$")

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class Line:
    """One printed line of words, with its box (PDF points, top-down) and its page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    segments: tuple[str, ...]  # the text split at wide gaps: the cells of a borderless row


def lines_of(words: Sequence[dict[str, Any]], page: int) -> list[Line]:
    """Words grouped into lines (same baseline), top to bottom, each read left to right."""
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and abs(word["top"] - rows[-1][0]["top"]) < 0.5 * _size(rows[-1][0]):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [_line(sorted(row, key=lambda w: w["x0"]), page) for row in rows]


def _size(word: dict[str, Any]) -> float:
    return float(word.get("size") or (word["bottom"] - word["top"]) or 10.0)


def _line(words: list[dict[str, Any]], page: int) -> Line:
    """extract_words splits at a gap wider than its tolerance: a visible space, kept as one."""
    size = max(_size(w) for w in words)
    text = words[0]["text"]
    segments = [[words[0]["text"]]]
    for before, word in pairwise(words):
        text += _space(before, word, size) + word["text"]
        if word["x0"] - before["x1"] > CELL_GAP_EMS * size:
            segments.append([])
        segments[-1].append(word["text"])
    return Line(text, words[0]["x0"], max(w["x1"] for w in words),
                min(w["top"] for w in words), max(w["bottom"] for w in words), size, page,
                tuple(" ".join(segment) for segment in segments))


def _space(before: dict[str, Any], word: dict[str, Any], size: float) -> str:
    """A space between two words, but not the gap typesetting puts between Chinese and a
    figure or Latin letter (Word's and LibreOffice's Asian/Western autospacing, under half an em)."""
    mixed = before["text"][-1].isascii() != word["text"][0].isascii()
    return "" if mixed and word["x0"] - before["x1"] < 0.5 * size else " "


def borderless_row(line: Line) -> Table:
    """A line of cells set apart by wide gaps, as the one-row table it was typeset from."""
    return Table([Cell(0, col, text=text) for col, text in enumerate(line.segments)], 1, len(line.segments))


def join_wrapped(parts: Iterable[str]) -> str:
    """Lines of one paragraph or cell as one text: Chinese and figures wrap without a space."""
    text = ""
    for part in parts:
        if text and LATIN.match(text[-1]) and LATIN.match(part[:1]) and not text.endswith("-"):
            text += " "
        text += part
    return text


def paragraphs(lines: Sequence[Line], left: float, right: float, spaced: bool = True) -> list[Paragraph]:
    """Lines into paragraphs.

    A line continues the paragraph above when that one ran to the right edge, and this one
    is neither indented, a numbered heading, in another font size, nor below blank space.
    A paragraph carries on across a page break by the same rules, without the gap test;
    ``spaced`` False drops the gap test everywhere (a table cell cut by a page break).
    """
    runs: list[list[Line]] = []
    for line in lines:
        if runs and _continues(runs[-1][-1], line, left, right, spaced):
            runs[-1].append(line)
        else:
            runs.append([line])
    return [Paragraph(join_wrapped(wrapped.text for wrapped in run)) for run in runs]


def _continues(above: Line, line: Line, left: float, right: float, spaced: bool) -> bool:
    em = above.size
    if above.x1 < right - (SHORT_LINE_EMS * em + _piece_width(line)) or line.x0 > left + INDENT_EMS * em:
        return False
    if abs(line.size - above.size) > 0.5 or NUMBERED.match(line.text):
        return False
    return not spaced or line.page != above.page or line.top - above.bottom < BLANK_EMS * em


def _piece_width(line: Line) -> float:
    """About how wide the line's first unbreakable piece is (Latin and digits half an em)."""
    piece = FIRST_PIECE.match(line.text)
    return sum(0.55 if char.isascii() else 1.0 for char in piece.group()) * line.size if piece else line.size


def positions(values: Iterable[float]) -> list[float]:
    """Distinct coordinates, those within SNAP of each other taken as one."""
    snapped: list[float] = []
    for value in sorted(values):
        if not snapped or value - snapped[-1] > SNAP:
            snapped.append(value)
    return snapped


def _index(snapped: list[float], value: float) -> int:
    at = bisect_left(snapped, value - SNAP)
    return min(at, len(snapped) - 1)


@dataclass
class TablePart:
    """The ruled cells one page holds of a table (PDF points), and the words inside them."""

    boxes: list[Box]
    words: list[dict[str, Any]]

    @property
    def top(self) -> float:
        return min(box[1] for box in self.boxes)

    @property
    def bottom(self) -> float:
        return max(box[3] for box in self.boxes)

    def columns(self, last_row: bool = False) -> list[float]:
        boxes = [box for box in self.boxes if abs(box[3] - self.bottom) <= SNAP] if last_row else self.boxes
        return positions(v for box in boxes for v in (box[0], box[2]))


def continues(previous: TablePart, part: TablePart) -> bool:
    """Whether ``part``, opening a page, continues ``previous``, closing the page before: the
    same outer rules, and the column rules of one among the other's (a header row may merge
    columns that the body splits). A part of header rows only may hold a row split otherwise
    (unit and year over the table's columns): then the rules of its last row of two or more
    cells are compared."""
    last_row = previous.columns(last_row=True)
    return _among(previous.columns(), part.columns()) or (len(last_row) > 2 and _among(last_row, part.columns()))


def _among(before: list[float], after: list[float]) -> bool:
    if abs(before[0] - after[0]) > 2 * SNAP or abs(before[-1] - after[-1]) > 2 * SNAP:
        return False
    fewer, more = sorted((before, after), key=len)
    return all(any(abs(x - y) <= 2 * SNAP for y in more) for x in fewer)


def joined_table(parts: Sequence[TablePart]) -> Table:
    """One table of the parts on successive pages, each stacked under the one before, with
    the cells a page break cut in two made whole again (see ``_rejoin``)."""
    boxes: list[Box] = []
    words: list[dict[str, Any]] = []
    end = parts[0].top
    columns: list[float] = []
    for part in parts:
        shift = end - part.top
        # Rules a point or two apart from page to page are the same rule.
        columns += [x for x in part.columns() if all(abs(x - known) > 2 * SNAP for known in columns)]
        shifted = [(_nearest(columns, x0), top + shift, _nearest(columns, x1), bottom + shift)
                   for x0, top, x1, bottom in part.boxes]
        moved = [{**word, "top": word["top"] + shift, "bottom": word["bottom"] + shift} for word in part.words]
        boxes = _rejoin(boxes, shifted, end, words, moved) if boxes else shifted
        words += moved
        end = part.bottom + shift
    return grid_table(boxes, words)


def _nearest(positions: Sequence[float], x: float) -> float:
    return min(positions, key=lambda known: abs(known - x))


def _rejoin(above: list[Box], below: list[Box], seam: float, words_above: Sequence[dict[str, Any]],
            words_below: Sequence[dict[str, Any]]) -> list[Box]:
    """The boxes of two stacked parts, each box that a page break cut in two made one.

    Word and LibreOffice let a row break across pages, and a merged cell always runs on:
    the page break then draws a rule that the document does not have. The row opening the
    page is the rest of the row above when the leftmost cell closing the page that is no
    taller than its row has text and the cell under it is empty (a real row starts with its
    number, code or indicator class; a 合计 row without them, with 合计) and no taller than
    the row opening the page (else it is a merged cell cut by the break, 产出指标 over
    several indicator rows, running on beside rows of their own): then every cell of
    it joins the cell above. A row whose leftmost cells are blank (the income side of a
    收支总表 ended before the expenditure side) is the rest of the row above too when it
    writes only under text above and leaves a cell with text above empty (the figure written
    on the page before), and its first text does not begin a row (a figure cut in two, 86,200.
    over 00, ends one). Otherwise only an empty cell under a merged cell (one taller than the
    row it ends) joins it: the merged cell runs on.
    """
    upper = [box for box in above if abs(box[3] - seam) <= SNAP]
    lower = [box for box in below if abs(box[1] - seam) <= SNAP]
    if not upper or not lower:
        return above + below
    row_top = max(box[1] for box in upper)

    def empty(box: Box, words: Sequence[dict[str, Any]]) -> bool:
        return not any(_holds(box, word) for word in words)

    pairs = [(up, low) for up in sorted(upper) for low in lower
             if abs(up[0] - low[0]) <= SNAP and abs(up[2] - low[2]) <= SNAP]
    in_row = [(up, low) for up, low in pairs if up[1] >= row_top - SNAP]
    begins = any(TOTAL_ROW.match(_text(low, words_below)) for low in lower)
    split_row = bool(in_row) and not begins and (
        (empty(in_row[0][1], words_below) and not empty(in_row[0][0], words_above)
         and in_row[0][1][3] <= min(low[3] for _, low in in_row) + SNAP)
        or _runs_on(in_row, words_above, words_below))
    joined = {up: low for up, low in pairs if split_row or (up[1] < row_top - SNAP and empty(low, words_below))}
    return ([(box[0], box[1], box[2], joined[box][3]) if box in joined else box for box in above]
            + [box for box in below if box not in joined.values()])


def _runs_on(in_row: list[tuple[Box, Box]], words_above: Sequence[dict[str, Any]],
             words_below: Sequence[dict[str, Any]]) -> bool:
    """Whether the row opening the page only writes on the texts of the row above it, leaving
    empty a cell of its own (an empty merged cell under the break runs on, it says nothing)."""
    row_bottom = min(low[3] for _, low in in_row)
    texts = [(_text(up, words_above), _text(low, words_below), low[3] <= row_bottom + SNAP) for up, low in in_row]
    return (any(low for _, low, _ in texts) and all(up for up, low, _ in texts if low)
            and any(up and not low and in_row_only for up, low, in_row_only in texts)
            and not ROW_START.match(next(low for _, low, _ in texts if low)))


def _text(box: Box, words: Sequence[dict[str, Any]]) -> str:
    return "".join(word["text"] for word in words if _holds(box, word))


def _holds(box: Box, word: dict[str, Any]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def grid_table(cell_boxes: Sequence[Box], words: Sequence[dict[str, Any]]) -> Table:
    """A ruled table: its grid from the distinct rule positions, each cell spanning the grid
    columns and rows its box covers, its text from the words whose centre it holds."""
    xs = positions(v for box in cell_boxes for v in (box[0], box[2]))
    ys = positions(v for box in cell_boxes for v in (box[1], box[3]))
    spans = [(_index(ys, top), _index(xs, x0), _index(ys, bottom), _index(xs, x1)) for x0, top, x1, bottom in cell_boxes]
    inside, astray = _place(cell_boxes, words)
    if astray:
        # The table finder misses a cell now and then (a tall merged one): text in a run of
        # grid rows that no cell covers is that cell.
        extra = [(xs[col], ys[top], xs[col + 1], ys[bottom]) for col, top, bottom in _uncovered(_covered(spans), xs, ys)]
        found, astray = _place(extra, astray)
        for number, held in found.items():
            x0, top, x1, bottom = extra[number]
            inside[len(spans)] = held
            spans.append((_index(ys, top), _index(xs, x0), _index(ys, bottom), _index(xs, x1)))
    _run_on_merged(spans, xs, ys)
    cells = [Cell(top, left, max(1, bottom - top), max(1, right - left), cell_text(lines_of(inside.get(number, []), 0)))
             for number, (top, left, bottom, right) in enumerate(spans)]
    cells.sort(key=lambda cell: (cell.row, cell.col))
    # Text within the table's frame but in no ruled cell (on a rule, or where a rule is missing).
    warnings = [f"text in the table but in no cell, not read: {line.text}" for line in lines_of(astray, 0)]
    return Table(cells, len(ys) - 1, len(xs) - 1, warnings)


def _place(boxes: Sequence[Box], words: Sequence[dict[str, Any]]) -> tuple[dict[int, list[dict[str, Any]]],
                                                                         list[dict[str, Any]]]:
    """The words each box holds, by the box's number, and the words no box holds."""
    inside: dict[int, list[dict[str, Any]]] = {}
    astray: list[dict[str, Any]] = []
    for word in words:
        number = next((number for number, box in enumerate(boxes) if _holds(box, word)), None)
        if number is None:
            astray.append(word)
        else:
            inside.setdefault(number, []).append(word)
    return inside, astray


Span = tuple[int, int, int, int]  # grid rows and columns: top, left, bottom, right (exclusive)


def _covered(spans: Sequence[Span]) -> set[tuple[int, int]]:
    return {(row, col) for top, left, bottom, right in spans for row in range(top, bottom) for col in range(left, right)}


def _run_on_merged(spans: list[Span], xs: list[float], ys: list[float]) -> None:
    """Empty grid rows that no cell covers, under a one-column cell and between cells left and
    right (or the table's left edge), are that cell running on: LibreOffice prints some
    vertically merged cells (产出指标 over four indicator rows) as their first row with a rule
    under it and leaves the rest of the cell without its left rule, so the finder sees no cell."""
    covered = _covered(spans)
    for col, first, after in _uncovered(covered, xs, ys):
        rows = range(first, after)
        if not all((col == 0 or (row, col - 1) in covered) and (row, col + 1) in covered for row in rows):
            continue
        above = next((number for number, (top, left, bottom, right) in enumerate(spans)
                      if (bottom, left, right) == (first, col, col + 1)), None)
        if above is not None:
            spans[above] = (spans[above][0], col, after, col + 1)


def _uncovered(covered: set[tuple[int, int]], xs: list[float], ys: list[float]) -> list[tuple[int, int, int]]:
    """Each column's runs of grid rows that no cell covers: (column, first row, row after)."""
    runs = []
    for col in range(len(xs) - 1):
        row = 0
        while row < len(ys) - 1:
            if (row, col) in covered:
                row += 1
                continue
            first = row
            while row < len(ys) - 1 and (row, col) not in covered:
                row += 1
            runs.append((col, first, row))
    return runs


def cell_text(lines: Sequence[Line]) -> str:
    """A cell's paragraphs, one a line as the .docx reader gives them, found as in the body
    but with the cell's own edges and without the gap test (a page break may cut the cell)."""
    if not lines:
        return ""
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    return "\n".join(paragraph.text for paragraph in paragraphs(lines, left, right, spaced=False))
