"""Read a .docx into the document model, keeping the real table grid.

python-docx opens the package and resolves styles; the body is walked on the raw XML
because ``row.cells`` / ``Table.cell()`` repeat merged cells, drop cells wrapped in
content controls, raise on misaligned vertical merges and are quadratic on long merges
(python-docx #344, #757, #1458, #1209).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Iterator

import docx
from generator.document import Block, Cell, Document, Paragraph, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

P, TBL, TR, TC = W + "p", W + "tbl", W + "tr", W + "tc"
# Wrappers whose children belong to the enclosing level (content controls, custom XML).
TRANSPARENT = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins", W + "hyperlink",
               W + "fldSimple", W + "moveTo", W + "r", W + "dir", W + "bdo"}
# Subtrees that never carry visible text: deletions, field instructions, properties.
SKIPPED = {W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "delInstrText", W + "rPr", W + "pPr",
           W + "sdtPr", W + "sdtEndPr", W + "tcPr", W + "trPr", W + "tblPr", W + "tblGrid", W + "customXmlPr",
           W + "fldChar", MC + "Fallback", W + "footnoteReference", W + "commentReference"}
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def read_docx(source: str | Path | IO[bytes], name: str = "") -> Document:
    package = docx.Document(source)
    styles = _style_names(package)
    body = package.element.body
    blocks = list(_blocks(body, styles))
    return Document(blocks=blocks, source=name or str(source))


def _style_names(package) -> dict[str, tuple[str, int | None]]:
    """Style id → (name, heading level); outline levels count as headings too."""
    names: dict[str, tuple[str, int | None]] = {}
    styles_root = package.styles.element
    for style in styles_root.iter(W + "style"):
        style_id = style.get(W + "styleId") or ""
        name_el = style.find(W + "name")
        name = name_el.get(W + "val") if name_el is not None else style_id
        level = None
        match = HEADING_STYLE.match(name or "")
        if match:
            level = int(match.group(1))
        else:
            outline = style.find(f"{W}pPr/{W}outlineLvl")
            if outline is not None and (outline.get(W + "val") or "").isdigit() and int(outline.get(W + "val")) < 9:
                level = int(outline.get(W + "val")) + 1
        names[style_id] = (name or style_id, level)
    return names


def _children(element) -> Iterator:
    """Block-level children in order, unwrapping content controls and custom XML."""
    for child in element:
        tag = child.tag
        if tag in (P, TBL, TR, TC):
            yield child
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _children(child)


def _blocks(element, styles) -> Iterator[Block]:
    for child in _children(element):
        if child.tag == P:
            yield _paragraph(child, styles)
        elif child.tag == TBL:
            yield _table(child, styles)


def _paragraph(p, styles) -> Paragraph:
    style_id = ""
    level = None
    ppr = p.find(W + "pPr")
    if ppr is not None:
        pstyle = ppr.find(W + "pStyle")
        if pstyle is not None:
            style_id = pstyle.get(W + "val") or ""
        outline = ppr.find(W + "outlineLvl")
        if outline is not None and (outline.get(W + "val") or "").isdigit() and int(outline.get(W + "val")) < 9:
            level = int(outline.get(W + "val")) + 1
    name, style_level = styles.get(style_id, (style_id, None))
    return Paragraph(text=_text(p), style=name, heading_level=level or style_level)


def _text(element) -> str:
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == W + "t":
            if child.text:
                parts.append(child.text)
        elif tag == W + "tab" or tag == W + "ptab":
            parts.append("\t")
        elif tag == W + "br" or tag == W + "cr":
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag in SKIPPED or not isinstance(tag, str):
            continue
        else:
            _collect(child, parts)


def _int_attr(parent, path: str, default: int) -> int:
    element = parent.find(path)
    if element is None:
        return default
    value = element.get(W + "val")
    return int(value) if value and value.isdigit() else default


def _table(tbl, styles) -> Table:
    grid_cols = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
    cells: list[Cell] = []
    warnings: list[str] = []
    # Start column → the cell a vertical merge continues, for O(1) work per merged row.
    open_merges: dict[int, Cell] = {}
    width = 0
    rows = [tr for tr in _children(tbl) if tr.tag == TR]
    for r, tr in enumerate(rows):
        trpr = tr.find(W + "trPr")
        col = _int_attr(trpr, W + "gridBefore", 0) if trpr is not None else 0
        next_merges: dict[int, Cell] = {}
        previous: Cell | None = None
        for tc in (c for c in _children(tr) if c.tag == TC):
            tcpr = tc.find(W + "tcPr")
            span = max(1, _int_attr(tcpr, W + "gridSpan", 1)) if tcpr is not None else 1
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(W + "hMerge") if tcpr is not None else None
            if hmerge is not None and hmerge.get(W + "val") != "restart" and previous is not None:
                # Legacy horizontal merge: this cell widens the one to its left.
                previous.colspan += span
                col += span
                continue
            if vmerge is not None and vmerge.get(W + "val") != "restart":
                above = open_merges.get(col)
                if above is not None:
                    if above.colspan != span:
                        warnings.append(f"row {r + 1}: vertical merge at column {col + 1} spans {span} columns, "
                                        f"the cell it continues spans {above.colspan}")
                    above.rowspan += 1
                    next_merges[col] = above
                    stray = _cell_text(tc, styles)[0]
                    if stray.strip():
                        warnings.append(f"row {r + 1}: text in a vertically merged cell at column {col + 1} "
                                        f"is hidden in Word: {stray[:40]!r}")
                    previous = above
                    col += span
                    continue
                warnings.append(f"row {r + 1}: vertical merge at column {col + 1} continues nothing; read as a cell")
            text, nested = _cell_text(tc, styles)
            cell = Cell(row=r, col=col, rowspan=1, colspan=span, text=text, tables=nested)
            cells.append(cell)
            if vmerge is not None:
                next_merges[col] = cell
            previous = cell
            col += span
        col += _int_attr(trpr, W + "gridAfter", 0) if trpr is not None else 0
        open_merges = next_merges
        width = max(width, col)
    n_cols = max(grid_cols, width)
    if grid_cols and width > grid_cols:
        warnings.append(f"rows are {width} columns wide, the table grid declares {grid_cols}")
    return Table(cells=cells, n_rows=len(rows), n_cols=n_cols, warnings=warnings)


def _cell_text(tc, styles) -> tuple[str, list[Table]]:
    paragraphs: list[str] = []
    nested: list[Table] = []
    for block in _blocks(tc, styles):
        if isinstance(block, Paragraph):
            paragraphs.append(block.text)
        else:
            nested.append(block)
    return "\n".join(paragraphs), nested

