"""Read a .docx into the document model, keeping the real table grid.

python-docx opens the package (zip, content types, relationships). The main part is then
parsed with a plain, safe lxml parser and walked directly: ``row.cells`` /
``Table.cell()`` repeat merged cells, drop cells wrapped in content controls, raise on
misaligned vertical merges and are quadratic on long merges (python-docx #344, #757,
#1458, #1209), and python-docx's element classes slow every node visit.

The body is read in one C-level pass over the elements that matter, in document order.
Each paragraph, table, row and cell is attached to its container found through its
parent, so content controls and custom XML around a cell, a row or a table need no
special case, and paragraphs inside text boxes simply continue the enclosing paragraph.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgreader import PackageReader
from docx.styles import BabelFish
from lxml import etree

from generator.document import Block, Cell, Document, Paragraph, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

BODY, P, TBL, TR, TC, T = W + "body", W + "p", W + "tbl", W + "tr", W + "tc", W + "t"
PPR, TRPR, VAL = W + "pPr", W + "trPr", W + "val"
GRID_SPAN, V_MERGE, H_MERGE = W + "gridSpan", W + "vMerge", W + "hMerge"
GRID_BEFORE, GRID_AFTER = W + "gridBefore", W + "gridAfter"
P_STYLE, OUTLINE_LEVEL = W + "pStyle", W + "outlineLvl"
DELETED = W + "del"
# Wrappers between a block and its container: content controls, custom XML.
WRAPPERS = frozenset((W + "sdt", W + "sdtContent", W + "customXml"))
# Run content that stands for a character. w:instrText (field codes) and w:delText are not read.
CHARACTERS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
# Subtrees whose content Word does not show: tracked deletions and moves away, the fallback
# copy of alternate content, tab-stop definitions (w:tab elements that are not tabs), and the
# old properties kept by tracked property changes.
HIDDEN = frozenset((DELETED, W + "moveFrom", MC + "Fallback", W + "tabs", W + "tcPrChange", W + "trPrChange"))
CELL_PROPERTIES = frozenset((GRID_SPAN, V_MERGE, H_MERGE))
ROW_PROPERTIES = frozenset((GRID_BEFORE, GRID_AFTER))
WALKED = (P, TBL, TR, TC, T, *CHARACTERS, *CELL_PROPERTIES, *ROW_PROPERTIES, *HIDDEN)
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)

# No entities, DTDs or network: a .docx is untrusted input.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                         remove_pis=True, collect_ids=False)


def read_docx(source: str | Path | IO[bytes], name: str = "") -> Document:
    main, styles_xml = _main_parts(source)
    body = etree.fromstring(main, PARSER).find(BODY)
    if body is None:
        raise ValueError("the main document part has no body")
    styles = _style_names(styles_xml)
    blocks: list[Block] = [_paragraph(item, styles) if isinstance(item, tuple) else item.build()
                           for item in _walk(body)]
    return Document(blocks=blocks, source=name or str(source))


def _main_parts(source: str | Path | IO[bytes]) -> tuple[bytes, bytes | None]:
    """The main document part's XML and its styles part's XML (None when there is none)."""
    package = PackageReader.from_file(str(source) if isinstance(source, Path) else source)
    main = styles = None
    for _, content_type, reltype, blob in package.iter_sparts():
        if reltype == RT.OFFICE_DOCUMENT:
            if content_type != CT.WML_DOCUMENT_MAIN:
                raise ValueError(f"not a Word document: the main part is {content_type}")
            main = blob
        elif reltype == RT.STYLES and styles is None:
            styles = blob
    if main is None:
        raise ValueError("the package has no main document part")
    return main, styles


def _style_names(styles_xml: bytes | None) -> dict[str, tuple[str, int | None]]:
    """Style id → (name as Word shows it, heading level); outline levels count as headings too.

    The key "" holds the default paragraph style, the style of a paragraph that names none.
    """
    names: dict[str, tuple[str, int | None]] = {}
    if styles_xml is None:
        return names
    for style in etree.fromstring(styles_xml, PARSER).iter(W + "style"):
        style_id = style.get(W + "styleId") or ""
        name_el = style.find(W + "name")
        name = BabelFish.internal2ui((name_el.get(VAL) if name_el is not None else None) or style_id)
        match = HEADING_STYLE.match(name)
        names[style_id] = (name, int(match.group(1)) if match else _outline_level(style.find(PPR)))
        if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
            names[""] = names[style_id]
    return names


def _outline_level(ppr) -> int | None:
    outline = ppr.find(OUTLINE_LEVEL) if ppr is not None else None
    value = outline.get(VAL) if outline is not None else None
    return int(value) + 1 if value and value.isdigit() and int(value) < 9 else None


def _paragraph(item: tuple, styles: dict[str, tuple[str, int | None]]) -> Paragraph:
    p, pieces = item
    ppr = p.find(PPR)
    pstyle = ppr.find(P_STYLE) if ppr is not None else None
    style_id = (pstyle.get(VAL) or "") if pstyle is not None else ""
    name, style_level = styles.get(style_id, (style_id, None))
    return Paragraph("".join(pieces), name, _outline_level(ppr) or style_level)


def _int_val(element, default: int) -> int:
    value = element.get(VAL)
    return int(value) if value and value.isdigit() else default


class _CellBuilder:
    # Class-level defaults: most cells never set them, and builders are made once per cell.
    span = 1
    vmerge: str | None = None
    hmerge: str | None = None
    tables: tuple | list = ()

    def __init__(self) -> None:
        self.paragraphs: list[list[str]] = []

    def content(self) -> tuple[str, list[Table]]:
        paragraphs = self.paragraphs
        text = "".join(paragraphs[0]) if len(paragraphs) == 1 else "\n".join(map("".join, paragraphs))
        return text, [table.build() for table in self.tables]


class _RowBuilder:
    __slots__ = ("before", "after", "deleted", "cells")

    def __init__(self) -> None:
        self.before = 0
        self.after = 0
        self.deleted = False
        self.cells: list[_CellBuilder] = []


class _TableBuilder:
    __slots__ = ("grid_cols", "rows")

    def __init__(self, tbl) -> None:
        self.grid_cols = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
        self.rows: list[_RowBuilder] = []

    def build(self) -> Table:
        """Place the cells on the grid: spans, merges and skipped grid columns."""
        cells: list[Cell] = []
        warnings: list[str] = []
        # Start column → the cell a vertical merge continues: O(1) work per merged row.
        open_merges: dict[int, Cell] = {}
        width = 0
        rows = [row for row in self.rows if not row.deleted]
        for r, row in enumerate(rows):
            col = row.before
            next_merges: dict[int, Cell] = {}
            previous: Cell | None = None
            for built in row.cells:
                span = built.span
                if built.hmerge not in (None, "restart") and previous is not None:
                    # Legacy horizontal merge: this cell widens the one to its left.
                    previous.colspan += span
                    col += span
                    continue
                if built.vmerge not in (None, "restart"):
                    above = open_merges.get(col)
                    if above is not None:
                        if above.colspan != span:
                            warnings.append(f"row {r + 1}: vertical merge at column {col + 1} spans {span} "
                                            f"columns, the cell it continues spans {above.colspan}")
                        above.rowspan += 1
                        next_merges[col] = above
                        stray = built.content()[0]
                        if stray.strip():
                            warnings.append(f"row {r + 1}: text in a vertically merged cell at column {col + 1} "
                                            f"is hidden in Word: {stray[:40]!r}")
                        previous = above
                        col += span
                        continue
                    warnings.append(f"row {r + 1}: vertical merge at column {col + 1} continues nothing; "
                                    "read as a cell")
                text, nested = built.content()
                cell = Cell(r, col, 1, span, text, nested)
                cells.append(cell)
                if built.vmerge is not None:
                    next_merges[col] = cell
                previous = cell
                col += span
            col += row.after
            open_merges = next_merges
            width = max(width, col)
        if self.grid_cols and width > self.grid_cols:
            warnings.append(f"rows are {width} columns wide, the table grid declares {self.grid_cols}")
        return Table(cells, len(rows), max(self.grid_cols, width), warnings)


def _unwrapped(parent):
    """The container a block belongs to when its parent is a content control or custom XML."""
    while parent is not None and parent.tag in WRAPPERS:
        parent = parent.getparent()
    return parent


def _walk(body) -> list[tuple | _TableBuilder]:
    """Body blocks in order: (paragraph element, text pieces) or a table builder."""
    blocks: list[tuple | _TableBuilder] = []
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
                pieces = []
                cell.paragraphs.append(pieces)
            elif parent is body:
                pieces = []
                blocks.append((element, pieces))
            # Any other paragraph is in a text box: its text continues the enclosing paragraph.
        elif tag == TC:
            parent = element.getparent()
            row = rows_get(parent) or rows_get(_unwrapped(parent))
            if row is not None:
                cells[element] = cell = _CellBuilder()
                row.cells.append(cell)
        elif tag in CELL_PROPERTIES:
            cell = cells.get(element.getparent().getparent())
            if cell is None:
                continue
            if tag == GRID_SPAN:
                cell.span = max(1, _int_val(element, 1))
            elif tag == V_MERGE:
                cell.vmerge = element.get(VAL) or "continue"
            else:
                cell.hmerge = element.get(VAL) or "continue"
        elif tag == TR:
            parent = element.getparent()
            table = tables.get(parent) or tables.get(_unwrapped(parent))
            if table is not None:
                rows[element] = row = _RowBuilder()
                table.rows.append(row)
        elif tag in CHARACTERS:
            if pieces is not None:
                pieces.append(CHARACTERS[tag])
        elif tag in ROW_PROPERTIES:
            row = rows.get(element.getparent().getparent())
            if row is None:
                continue
            if tag == GRID_BEFORE:
                row.before = _int_val(element, 0)
            else:
                row.after = _int_val(element, 0)
        elif tag == TBL:
            parent = _unwrapped(element.getparent())
            if parent is body or parent in cells:
                tables[element] = table = _TableBuilder(element)
                if parent is body:
                    blocks.append(table)
                else:
                    cells[parent].tables = [*cells[parent].tables, table]
        else:
            # Hidden: everything below it is skipped as the walk reaches it.
            hidden.update(element.iter())
            parent = element.getparent()
            if tag == DELETED and parent.tag == TRPR and parent.getparent() in rows:
                rows[parent.getparent()].deleted = True
    return blocks
