"""Read a .docx into the document model, keeping the real table grid.

The package is read from the parts ``safety.check_package`` inflated within its caps: the
main part found through the package relationships and checked by its content type, and
its styles through the main part's relationships. The main part is parsed with a plain,
safe lxml parser and walked directly: python-docx's ``row.cells`` / ``Table.cell()``
repeat merged cells, drop cells wrapped in content controls, raise on misaligned vertical
merges and are quadratic on long merges (python-docx #344, #757, #1458, #1209), and its
element classes slow every node visit.

Cell borders, over a third of a table-heavy part's bytes and of its parse time, are cut
from the bytes before parsing whenever the bytes alone show exactly where each one ends
(``_without_cell_borders``); the walk hides them anyway, so the model is the same.

The body is read in one C-level pass over the elements that matter, in document order.
Each paragraph, table, row and cell is attached to its container found through its
parent, so content controls and custom XML around a cell, a row or a table need no
special case, and paragraphs inside text boxes simply continue the enclosing paragraph.
"""

from __future__ import annotations

import posixpath
import re
from itertools import islice
from pathlib import Path
from typing import IO, Mapping

from lxml import etree

from generator.document import Block, Cell, Document, Paragraph, Table
from generator.read.safety import LIMITS, Limits, check_package, load, load_stream

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES = "[Content_Types].xml"

BODY, P, TBL, TR, TC, T = W + "body", W + "p", W + "tbl", W + "tr", W + "tc", W + "t"
PPR, TRPR, VAL = W + "pPr", W + "trPr", W + "val"
GRID_SPAN, V_MERGE, H_MERGE = W + "gridSpan", W + "vMerge", W + "hMerge"
GRID_BEFORE, GRID_AFTER = W + "gridBefore", W + "gridAfter"
P_STYLE, OUTLINE_LEVEL = W + "pStyle", W + "outlineLvl"
TBL_GRID, GRID_COL = W + "tblGrid", W + "gridCol"
DELETED = W + "del"
# Wrappers between a block and its container: content controls, custom XML.
WRAPPERS = frozenset((W + "sdt", W + "sdtContent", W + "customXml"))
# Run content that stands for a character. w:instrText (field codes) and w:delText are not read.
CHARACTERS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
# Subtrees whose content Word does not show: tracked deletions and moves away, the fallback
# copy of alternate content, tab-stop definitions (w:tab elements that are not tabs), the
# old properties kept by tracked property changes, and cell borders (which
# _without_cell_borders may cut out before parsing).
HIDDEN = frozenset((DELETED, W + "moveFrom", MC + "Fallback", W + "tabs", W + "tcPrChange", W + "trPrChange",
                    W + "tcBorders"))
CELL_PROPERTIES = frozenset((GRID_SPAN, V_MERGE, H_MERGE))
ROW_PROPERTIES = frozenset((GRID_BEFORE, GRID_AFTER))
WALKED = (P, TBL, TR, TC, T, *CHARACTERS, *CELL_PROPERTIES, *ROW_PROPERTIES, *HIDDEN)
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# Built-in style names Word shows capitalised, as python-docx's BabelFish maps them.
UI_STYLE_NAMES = {"caption": "Caption", "footer": "Footer", "header": "Header",
                  **{f"heading {level}": f"Heading {level}" for level in range(1, 10)}}

BORDERS, BORDERS_END, BORDERS_ANY = b"<w:tcBorders>", b"</w:tcBorders>", b"<w:tcBorders"
DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
# A regular expression finds it faster than bytes.find: "w" is the commonest letter in the part.
W_DECLARATION = re.compile(rb"xmlns:w")

# No entities, DTDs or network: a .docx is untrusted input.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                         remove_pis=True, collect_ids=False)


def read_docx(source: str | Path | IO[bytes], name: str = "", limits: Limits = LIMITS) -> Document:
    """Read a .docx file or stream, through the same package guards as ``read_document``."""
    data = load(Path(source), limits) if isinstance(source, (str, Path)) else load_stream(source, limits)
    return read_parts(check_package(data, limits), name or str(source))


def read_parts(parts: Mapping[str, bytes], name: str) -> Document:
    """Read a package from its inflated parts (zip name → bytes)."""
    main, styles_xml = _main_parts(parts)
    body = _child(_parse_main(main), BODY)
    if body is None:
        raise ValueError("the main document part has no body")
    styles = _style_names(styles_xml)
    blocks: list[Block] = [_paragraph(item, styles) if isinstance(item, tuple) else item.build()
                           for item in _walk(body)]
    return Document(blocks=blocks, source=name)


def _main_parts(parts: Mapping[str, bytes]) -> tuple[bytes, bytes | None]:
    """The main document part's XML and its styles part's XML (None when there is none)."""
    main = _related(parts, "", OFFICE_DOCUMENT)
    if main is None or main not in parts:
        raise ValueError("the package has no main document part")
    content_type = _content_type(parts, main)
    if content_type != WORD_MAIN:
        raise ValueError(f"not a Word document: the main part is {content_type}")
    styles = _related(parts, main, STYLES)
    return parts[main], parts.get(styles) if styles else None


def _related(parts: Mapping[str, bytes], source: str, reltype: str) -> str | None:
    """The zip name of the first internal part ``source`` ("" for the package) relates to by ``reltype``."""
    folder, _, filename = source.rpartition("/")
    rels = parts.get(posixpath.join(folder, "_rels", filename + ".rels"))
    if rels is None:
        return None
    for relationship in etree.fromstring(rels, PARSER).iter(RELATIONSHIPS_NS + "Relationship"):
        if relationship.get("Type") == reltype and relationship.get("TargetMode") != "External":
            # Targets are relative to the source's folder, as python-docx resolves them.
            return posixpath.normpath(posixpath.join("/" + folder, relationship.get("Target", ""))).lstrip("/")
    return None


def _content_type(parts: Mapping[str, bytes], name: str) -> str | None:
    """The content type [Content_Types].xml gives a part: its override, else its extension's default."""
    if CONTENT_TYPES not in parts:
        raise ValueError(f"the package has no {CONTENT_TYPES}")
    types = etree.fromstring(parts[CONTENT_TYPES], PARSER)
    overrides = {item.get("PartName", "").lower(): item.get("ContentType")
                 for item in types.iter(CONTENT_TYPES_NS + "Override")}
    if "/" + name.lower() in overrides:
        return overrides["/" + name.lower()]
    extension = posixpath.splitext(name)[1][1:].lower()
    defaults = {item.get("Extension", "").lower(): item.get("ContentType")
                for item in types.iter(CONTENT_TYPES_NS + "Default")}
    return defaults.get(extension)


def _parse_main(xml: bytes):
    """The main part's root element, parsed without cell borders whenever that reads the same."""
    trimmed = _without_cell_borders(xml)
    if trimmed is not xml:
        try:
            root = etree.fromstring(trimmed, PARSER)
        except etree.XMLSyntaxError:
            root = None
        if root is not None and _w_bound_once(root, trimmed):
            return root
    return etree.fromstring(xml, PARSER)


def _without_cell_borders(xml: bytes) -> bytes:
    """The part without its ``<w:tcBorders>…</w:tcBorders>`` elements, or ``xml`` itself
    when the bytes alone cannot show where each one ends.

    In UTF-8 with no comment, CDATA section, DTD or processing instruction, every "<"
    opens a tag: each ``<w:tcBorders>`` is a start tag, and the first ``</w:tcBorders>``
    after it, with no other ``<w:tcBorders`` between, is its own end tag (or, when its own
    is written ``</w:tcBorders >``, an enclosing one's: the cut part then fails to parse
    and is parsed whole). The walk hides w:tcBorders subtrees and reads a w:t's own text
    around any children, so the cut changes nothing it reads, provided ``w`` means the
    WordprocessingML namespace there (``_w_bound_once``, checked after parsing). The one
    difference: a part whose only XML errors lie inside cell borders is read, not refused.
    """
    if not _only_tags(xml):
        return xml
    pieces = xml.split(BORDERS)
    if len(pieces) == 1:
        return xml
    kept = [pieces[0]]
    after = len(BORDERS_END)
    for piece in islice(pieces, 1, None):
        end = piece.find(BORDERS_END)
        if end < 0 or piece.find(BORDERS_ANY, 0, end) >= 0:
            return xml
        kept.append(piece[end + after:])
    return b"".join(kept)


def _only_tags(xml: bytes) -> bool:
    """Whether every "<" after the XML declaration opens a tag, in bytes known to be UTF-8."""
    start = _prolog_end(xml)
    # A declaration that never ends, a byte-order mark or UTF-16 without one: not certain.
    if start == 1 or not xml.startswith(b"<") or xml[1:2] == b"\x00":
        return False
    declared = DECLARED_ENCODING.search(xml, 0, start)
    if declared is not None and declared.group(1).lower() != b"utf-8":
        return False
    # One-byte searches first: they are many times faster, and "!" or "?" are rare in text.
    return (b"!" not in xml or b"<!" not in xml) and (xml.find(b"?", start) < 0 or xml.find(b"<?", start) < 0)


def _w_bound_once(root, xml: bytes) -> bool:
    """Whether ``w`` means WordprocessingML everywhere: declared so on the root, and no
    "xmlns:w" after the first ">" of the root's start tag (``_only_tags`` held, so the
    first "<" after the declaration opens the root)."""
    root_tag_end = xml.find(b">", xml.find(b"<", _prolog_end(xml)))
    return root.nsmap.get("w") == W[1:-1] and W_DECLARATION.search(xml, root_tag_end) is None


def _prolog_end(xml: bytes) -> int:
    """Where the XML declaration ends: 0 without one, 1 when it never ends."""
    return xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0


def _style_names(styles_xml: bytes | None) -> dict[str, tuple[str, int | None]]:
    """Style id → (name as Word shows it, heading level); outline levels count as headings too.

    The key "" holds the default paragraph style, the style of a paragraph that names none.
    """
    names: dict[str, tuple[str, int | None]] = {}
    if styles_xml is None:
        return names
    for style in etree.fromstring(styles_xml, PARSER).iter(W + "style"):
        style_id = style.get(W + "styleId") or ""
        name_el = _child(style, W + "name")
        name = (name_el.get(VAL) if name_el is not None else None) or style_id
        name = UI_STYLE_NAMES.get(name, name)
        match = HEADING_STYLE.match(name)
        names[style_id] = (name, int(match.group(1)) if match else _outline_level(_child(style, PPR)))
        if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
            names[""] = names[style_id]
    return names


def _outline_level(ppr) -> int | None:
    outline = _child(ppr, OUTLINE_LEVEL) if ppr is not None else None
    value = outline.get(VAL) if outline is not None else None
    return int(value) + 1 if value and value.isdigit() and int(value) < 9 else None


def _paragraph(item: tuple, styles: dict[str, tuple[str, int | None]]) -> Paragraph:
    p, pieces = item
    ppr = _child(p, PPR)
    pstyle = _child(ppr, P_STYLE) if ppr is not None else None
    style_id = (pstyle.get(VAL) or "") if pstyle is not None else ""
    name, style_level = styles.get(style_id, (style_id, None))
    return Paragraph("".join(pieces), name, _outline_level(ppr) or style_level)


def _child(element, tag: str):
    """The first child with this tag, or None: ``find`` would run lxml's Python path engine."""
    return next(element.iterchildren(tag), None)


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

    def text(self) -> str:
        paragraphs = self.paragraphs
        return "".join(paragraphs[0]) if len(paragraphs) == 1 else "\n".join(map("".join, paragraphs))


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
        self.grid_cols = sum(1 for grid in tbl.iterchildren(TBL_GRID) for _ in grid.iterchildren(GRID_COL))
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
                if built.hmerge is not None and built.hmerge != "restart" and previous is not None:
                    # Legacy horizontal merge: this cell widens the one to its left.
                    previous.colspan += span
                    col += span
                    continue
                if built.vmerge is not None and built.vmerge != "restart":
                    above = open_merges.get(col)
                    if above is not None:
                        if above.colspan != span:
                            warnings.append(f"row {r + 1}: vertical merge at column {col + 1} spans {span} "
                                            f"columns, the cell it continues spans {above.colspan}")
                        above.rowspan += 1
                        next_merges[col] = above
                        stray = built.text()
                        if stray.strip():
                            warnings.append(f"row {r + 1}: text in a vertically merged cell at column {col + 1} "
                                            f"is hidden in Word: {stray[:40]!r}")
                        previous = above
                        col += span
                        continue
                    warnings.append(f"row {r + 1}: vertical merge at column {col + 1} continues nothing; "
                                    "read as a cell")
                cell = Cell(r, col, 1, span, built.text(), [table.build() for table in built.tables]
                            if built.tables else [])
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
            # Its own text around any children: valid documents give a w:t none.
            text = "".join(element.xpath("text()")) if len(element) else element.text
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
