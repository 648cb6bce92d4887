"""The body of a main document part, walked into paragraphs and table builders.

The part is parsed with a plain, safe lxml parser and walked directly: python-docx's
``row.cells`` / ``Table.cell()`` repeat merged cells, drop cells wrapped in content controls,
raise on misaligned vertical merges and are quadratic on long merges (python-docx #344, #757,
#1458, #1209), and its element classes slow every node visit.

The body is read in one C-level pass over the elements that matter, in document order.
Each paragraph, table, row and cell is attached to its container found through its
parent, so content controls and custom XML around a cell, a row or a table need no
special case, and paragraphs inside text boxes simply continue the enclosing paragraph.
A table builder then places its cells on the grid (``TableBuilder.build``).
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from generator.contract.document import Cell, Table
from generator.read.safety import Limits, check_table_grid

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

BODY, P, TBL, TR, TC, T = W + "body", W + "p", W + "tbl", W + "tr", W + "tc", W + "t"
PPR, TRPR, VAL = W + "pPr", W + "trPr", W + "val"
GRID_SPAN, V_MERGE, H_MERGE = W + "gridSpan", W + "vMerge", W + "hMerge"
GRID_BEFORE, GRID_AFTER = W + "gridBefore", W + "gridAfter"
P_STYLE, OUTLINE_LEVEL = W + "pStyle", W + "outlineLvl"
TBL_GRID, GRID_COL, GRID_WIDTH = W + "tblGrid", W + "gridCol", W + "w"
DELETED = W + "del"
# Wrappers between a block and its container: content controls, custom XML.
WRAPPERS = frozenset((W + "sdt", W + "sdtContent", W + "customXml"))
# Run content that stands for a character. w:instrText (field codes) and w:delText are not read.
CHARACTERS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
# Subtrees whose content Word does not show: tracked deletions and moves away, the fallback
# copy of alternate content, tab-stop definitions (w:tab elements that are not tabs), the
# old properties kept by tracked property changes, and cell borders (which
# without_cell_borders may cut out before parsing).
HIDDEN = frozenset((DELETED, W + "moveFrom", MC + "Fallback", W + "tabs", W + "tcPrChange", W + "trPrChange",
                    W + "tcBorders"))
CELL_PROPERTIES = frozenset((GRID_SPAN, V_MERGE, H_MERGE))
ROW_PROPERTIES = frozenset((GRID_BEFORE, GRID_AFTER))
WALKED = (P, TBL, TR, TC, T, *CHARACTERS, *CELL_PROPERTIES, *ROW_PROPERTIES, *HIDDEN)

# No entities, DTDs or network: a .docx is untrusted input.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                         remove_pis=True, collect_ids=False)


def first_child(element, tag: str):
    """The first child with this tag, or None: ``find`` would run lxml's Python path engine."""
    return next(element.iterchildren(tag), None)


def _int_val(element, default: int, attribute: str = VAL) -> int:
    value = element.get(attribute)
    if not value or not value.isdigit():
        return default
    # Any longer value is over every grid limit; int() refuses one of thousands of digits.
    return int(value) if len(value) <= 9 else 10**9


# walk reads a cell into a list, made in half the time of an object (one is made per cell):
# [text pieces, grid span, w:vMerge value, w:hMerge value, nested table builders or None];
# each paragraph's pieces begin with "\n", so the text is the joined pieces but the first.
# A row: [grid columns skipped before, skipped after, deleted, cell lists].


# Grid columns this narrow (twips; 10 is half a point) print as nothing: their edges are one.
SLIVER_TWIPS = 10


def _column_places(widths: list[int]) -> list[int] | None:
    """Each grid line's place once the sliver columns are closed up, or None when there are none.

    LibreOffice's .doc writes cells that a twip or so apart as different grid lines, so a cell
    and the merge continuing it, one twip narrower, start in different grid columns."""
    places = [0]
    kept = edge = 0
    for width in widths:
        edge += width
        if edge - kept > SLIVER_TWIPS:
            kept = edge
            places.append(places[-1] + 1)
        else:
            places.append(places[-1])
    return places if places[-1] < len(widths) else None


class TableBuilder:
    __slots__ = ("grid_cols", "places", "rows")

    def __init__(self, tbl) -> None:
        widths = [_int_val(col, -1, GRID_WIDTH) for grid in tbl.iterchildren(TBL_GRID)
                  for col in grid.iterchildren(GRID_COL)]
        self.grid_cols = len(widths)
        self.places = _column_places(widths) if all(width >= 0 for width in widths) else None
        self.rows: list[list] = []

    def build(self, limits: Limits) -> Table:
        """Place the cells on the grid: spans, merges and skipped grid columns."""
        cells: list[Cell] = []
        warnings: list[str] = []
        # Start column → the cell a vertical merge continues: O(1) work per merged row.
        open_merges: dict[int, Cell] = {}
        width = 0
        rows = [row for row in self.rows if not row[2]]
        place = self._place(rows)
        # Most tables have no sliver columns: a cell's column is then its raw one, with no call.
        shifted = place is not _same_column
        for r, (raw, raw_after, _, row_cells) in enumerate(rows):
            next_merges: dict[int, Cell] = {}
            previous: Cell | None = None
            col = place(raw) if shifted else raw
            for pieces, raw_span, vmerge, hmerge, tables in row_cells:
                span = place(raw + raw_span) - col if shifted else raw_span
                raw += raw_span
                if hmerge is not None and hmerge != "restart" and previous is not None:
                    # Legacy horizontal merge: this cell widens the one to its left.
                    previous.colspan += span
                    col += span
                    continue
                if vmerge is not None and vmerge != "restart":
                    above = open_merges.get(col)
                    if above is not None:
                        if above.colspan != span:
                            warnings.append(f"row {r + 1}: vertical merge at column {col + 1} spans {span} "
                                            f"columns, the cell it continues spans {above.colspan}")
                        above.rowspan += 1
                        next_merges[col] = above
                        stray = "".join(pieces)[1:]
                        if stray.strip():
                            warnings.append(f"row {r + 1}: text in a vertically merged cell at column {col + 1} "
                                            f"is hidden in Word: {stray[:40]!r}")
                        previous = above
                        col += span
                        continue
                    warnings.append(f"row {r + 1}: vertical merge at column {col + 1} continues nothing; "
                                    "read as a cell")
                nested = [table.build(limits) for table in tables] if tables else []
                # Most cells hold one paragraph of one piece (runs are joined): its text, no string made.
                cell = Cell(r, col, 1, span, pieces[1] if len(pieces) == 2 else "".join(pieces)[1:], nested)
                cells.append(cell)
                if vmerge is not None:
                    next_merges[col] = cell
                previous = cell
                col += span
            col = place(raw + raw_after)
            open_merges = next_merges
            width = max(width, col)
        if self.grid_cols and width > self.grid_cols:
            warnings.append(f"rows are {width} columns wide, the table grid declares {self.grid_cols}")
        # Only numbers so far: the grid is laid out later (Table.grid), rows × columns.
        check_table_grid(len(rows), max(self.grid_cols, width), limits)
        return Table(cells, len(rows), max(place(self.grid_cols), width), warnings)

    def _place(self, rows: list) -> Callable[[int], int]:
        """Grid column → its place with the slivers closed up; the identity when a cell is all sliver."""
        if self.places is None:
            return _same_column
        places, last = self.places, len(self.places) - 1

        def place(col: int) -> int:
            return places[col] if col <= last else places[last] + col - last

        for row in rows:
            col = row[0]
            for cell in row[3]:
                if place(col + cell[1]) == place(col):
                    return _same_column
                col += cell[1]
        return place


def _same_column(col: int) -> int:
    return col


def _unwrapped(parent):
    """The container a block belongs to when its parent is a content control or custom XML."""
    while parent is not None and parent.tag in WRAPPERS:
        parent = parent.getparent()
    return parent


def walk(body, runs_joined: bool = False) -> list[tuple | TableBuilder] | None:
    """Body blocks in order: (paragraph element, text pieces) or a table builder; None when
    ``runs_joined`` and a w:t has children (``parse_main``)."""
    blocks: list[tuple | TableBuilder] = []
    tables: dict = {}
    rows: dict = {}
    cells: dict = {}
    pieces: list[str] | None = None  # the paragraph being read
    hidden: set = set()
    cells_get, rows_get = cells.get, rows.get
    # Identity and dictionary checks come before any look at a parent's tag: reading .tag
    # builds a new string each time, and the common parent is the container itself.
    for element in body.iter(*WALKED):
        if hidden and element in hidden:
            continue
        tag = element.tag
        if tag == T:
            if len(element):
                if runs_joined:
                    return None
                # Its own text around any children: valid documents give a w:t none.
                text = "".join(element.xpath("text()"))
            else:
                text = element.text
            if text and pieces is not None:
                pieces.append(text)
        elif tag == P:
            parent = element.getparent()
            cell = cells_get(parent)
            if cell is None and parent is not body:
                parent = _unwrapped(parent)
                cell = cells_get(parent)
            if cell is not None:
                pieces = cell[0]
                pieces.append("\n")
            elif parent is body:
                pieces = []
                blocks.append((element, pieces))
            # Any other paragraph is in a text box: its text continues the enclosing paragraph.
        elif tag == TC:
            parent = element.getparent()
            row = rows_get(parent) or rows_get(_unwrapped(parent))
            if row is not None:
                cells[element] = cell = [[], 1, None, None, None]
                row[3].append(cell)
        elif tag in CELL_PROPERTIES:
            cell = cells.get(element.getparent().getparent())
            if cell is None:
                continue
            if tag == GRID_SPAN:
                cell[1] = max(1, _int_val(element, 1))
            elif tag == V_MERGE:
                cell[2] = element.get(VAL) or "continue"
            else:
                cell[3] = element.get(VAL) or "continue"
        elif tag == TR:
            parent = element.getparent()
            table = tables.get(parent) or tables.get(_unwrapped(parent))
            if table is not None:
                rows[element] = row = [0, 0, False, []]
                table.rows.append(row)
        elif tag in CHARACTERS:
            if pieces is not None:
                pieces.append(CHARACTERS[tag])
        elif tag in ROW_PROPERTIES:
            row = rows.get(element.getparent().getparent())
            if row is None:
                continue
            if tag == GRID_BEFORE:
                row[0] = _int_val(element, 0)
            else:
                row[1] = _int_val(element, 0)
        elif tag == TBL:
            parent = _unwrapped(element.getparent())
            if parent is body or parent in cells:
                tables[element] = table = TableBuilder(element)
                if parent is body:
                    blocks.append(table)
                else:
                    cell = cells[parent]
                    if cell[4] is None:
                        cell[4] = [table]
                    else:
                        cell[4].append(table)
        else:
            # Hidden: everything below it is skipped as the walk reaches it.
            hidden.update(element.iter())
            parent = element.getparent()
            if tag == DELETED and parent.tag == TRPR and parent.getparent() in rows:
                rows[parent.getparent()][2] = True
    return blocks
