"""Read a .docx into the document model, keeping the real table grid.

The package is read from the parts ``safety.check_package`` inflated within its caps: the
main part found through the package relationships and checked by its content type, and
its styles through the main part's relationships. The main part is parsed with a plain,
safe lxml parser and walked directly: python-docx's ``row.cells`` / ``Table.cell()``
repeat merged cells, drop cells wrapped in content controls, raise on misaligned vertical
merges and are quadratic on long merges (python-docx #344, #757, #1458, #1209), and its
element classes slow every node visit.

Most of a table-heavy part is properties the reader never reads: cell borders and widths,
paragraph spacing and fonts. They are cut from the bytes before parsing wherever the bytes
alone show exactly where each element ends (``_trimmed``): each distinct cell or paragraph
properties element is checked once, by a parser when it is not plain, and reduced to what
the reader reads of it, and adjacent plain runs are joined. The model is the same; the
parser meets about a fifth of the elements.

The body is read in one C-level pass over the elements that matter, in document order.
Each paragraph, table, row and cell is attached to its container found through its
parent, so content controls and custom XML around a cell, a row or a table need no
special case, and paragraphs inside text boxes simply continue the enclosing paragraph.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from itertools import chain, islice, repeat
from operator import contains, itemgetter, methodcaller
from pathlib import Path
from typing import IO

from lxml import etree

from generator.contract.document import Block, Cell, Document, Paragraph, Table
from generator.read.safety import LIMITS, Limits, check_package, check_table_grid, load, load_stream

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
STYLE, STYLE_ID, STYLE_NAME = W + "style", W + "styleId", W + "name"
STYLE_TYPE, STYLE_DEFAULT = W + "type", W + "default"
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
TCPR_START, TCPR_END = b"<w:tcPr>", b"</w:tcPr>"
PPR_START, PPR_END = b"<w:pPr>", b"</w:pPr>"
# A cell that starts with its properties, and the paragraph with properties that follows them.
CELL_START, FIRST_PARAGRAPH = b"<w:tc><w:tcPr>", b"<w:p><w:pPr>"
# The cell width, first in a w:tcPr: a different value in nearly every cell.
CELL_WIDTH = re.compile(rb'<w:tcW((?: w:[A-Za-z]+="[^"<&]*")*)/>')
# Properties parsed alone, ``w`` bound as _w_bound_once requires of the part.
FRAGMENT_START = b'<w:pPr xmlns:w="' + W[1:-1].encode() + b'">'
# What the reader reads of a w:pPr or w:tcPr: a paragraph's style and outline level, a cell's
# merges and span and, were they misplaced there, what the walk takes from a row's properties.
READ_PROPERTIES = frozenset((P_STYLE, OUTLINE_LEVEL, *CELL_PROPERTIES, *ROW_PROPERTIES))
# Walked elements that change what is read wherever they are, unless they are hidden.
SHOWN = frozenset((P, TBL, TR, TC, T, *CHARACTERS))
# Properties that are only empty elements with plain values, as Word and LibreOffice write most.
FLAT_ELEMENT = re.compile(rb'<w:([A-Za-z]+)((?: w:[A-Za-z]+="[^"<&\t\n\r]*")*)(?:/>|></w:([A-Za-z]+)>)')
FLAT_PROPERTIES = re.compile(rb'(?:<w:[A-Za-z]+(?: w:[A-Za-z]+="[^"<&\t\n\r]*")*(?:/>|></w:[A-Za-z]+>))*')
FLAT_ATTRIBUTE = re.compile(rb' w:([A-Za-z]+)="([^"]*)"')
# Values written back unescaped: none of them needs a reference or is normalised as an attribute.
PLAIN_VALUE = re.compile(r'[^&<"\t\n\r]*')
# Distinct properties remembered across parts: Word and LibreOffice write the same few again and again.
MAX_REMEMBERED, MAX_REMEMBERED_BYTES = 2048, 4096
EMPTY_RUN_PROPERTIES = b"<w:rPr></w:rPr>"
# The end of a run's last w:t and the start of a next run's first w:t, when it has no properties.
RUN_JOIN = b"</w:t></w:r><w:r><w:t>"
DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
# A regular expression finds it faster than bytes.find: "w" is the commonest letter in the part.
W_DECLARATION = re.compile(rb"xmlns:w")

# No entities, DTDs or network: a .docx is untrusted input.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                         remove_pis=True, collect_ids=False)


def read_docx(source: str | Path | IO[bytes], name: str = "", limits: Limits = LIMITS) -> Document:
    """Read a .docx file or stream, through the same package guards as ``read_document``."""
    data = load(Path(source), limits) if isinstance(source, (str, Path)) else load_stream(source, limits)
    return read_parts(check_package(data, limits), name or str(source), limits)


def read_parts(parts: Mapping[str, bytes], name: str, limits: Limits = LIMITS) -> Document:
    """Read a package from its inflated parts (zip name → bytes); a table asking for a grid over
    ``limits`` raises UnreadableDocument."""
    main, styles_xml = _main_parts(parts)
    root, runs_joined = _parse_main(main)
    body = _child(root, BODY)
    if body is None:
        raise ValueError("the main document part has no body")
    styles_root = etree.fromstring(styles_xml, PARSER) if styles_xml is not None else None
    # Only the styles body paragraphs name are read, after the walk, unless reading another
    # could fail: an outline level in digits int() does not take, which ASCII cannot hold.
    styles = _style_names(styles_root) if styles_xml is not None and not styles_xml.isascii() else None
    items = _walk(body, runs_joined)
    if items is None:
        # A w:t with children, which Word never writes: joined runs might read otherwise.
        items = _walk(_child(_parse_main(main, join_runs=False)[0], BODY), False)
        assert items is not None  # only a walk of joined runs gives up
    items = [_paragraph_style(item) if isinstance(item, tuple) else item for item in items]
    if styles is None:
        styles = _style_names(styles_root, {item[0] for item in items if isinstance(item, tuple)})
    blocks: list[Block] = [_paragraph(item, styles) if isinstance(item, tuple) else item.build(limits) for item in items]
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


def _parse_main(xml: bytes, join_runs: bool = True) -> tuple[etree._Element, bool]:
    """The main part's root element, parsed trimmed (``_trimmed``) whenever that reads the
    same, and whether adjacent runs were joined.

    Joining ``<w:r><w:t>A</w:t></w:r><w:r><w:t>B</w:t></w:r>`` into one run of "AB" (when
    the second run has no properties) reads the same text provided neither w:t has children:
    _walk tells when one has, and the part is then read again without joining.
    """
    trimmed = _trimmed(xml)
    if trimmed is not xml:
        joined = trimmed.replace(RUN_JOIN, b"") if join_runs else trimmed
        try:
            root = etree.fromstring(joined, PARSER)
        except etree.XMLSyntaxError:
            root = None
        if root is not None and _w_bound_once(root, joined):
            return root, len(joined) != len(trimmed)
    return etree.fromstring(xml, PARSER), False


def _trimmed(xml: bytes) -> bytes:
    """The part without what the reader never reads, where the bytes alone show exactly
    where it ends, or ``xml`` itself when nothing is cut.

    In UTF-8 with no comment, CDATA section, DTD or processing instruction (``_only_tags``),
    every "<" opens a tag. Cell and paragraph properties are reduced to what the reader
    reads of them (``_reduced_properties``), cell borders and widths included; empty run
    properties are dropped, which changes no text: a w:t's own text is read around any
    children. All of it assumes ``w`` means WordprocessingML, which _parse_main checks after
    parsing (``_w_bound_once``). The one difference: a part whose only XML errors lie inside
    cut cell borders, or in the tags that join two runs, is read, not refused.
    """
    if not _only_tags(xml):
        return xml
    trimmed = _reduced_cell_starts(xml)
    trimmed = _reduced_elements(trimmed, PPR_START, PPR_END, PARAGRAPH_PROPERTIES_READ)
    trimmed = trimmed.replace(EMPTY_RUN_PROPERTIES, b"")
    return xml if len(trimmed) == len(xml) else trimmed


def _reduced_elements(xml: bytes, start: bytes, end: bytes, reduced: dict[bytes, bytes]) -> bytes:
    """Each ``start``…``end`` element replaced by ``reduced[its content]``.

    Every "<" opens a tag: the first ``end`` after a ``start`` with no ``start`` between is its
    own end tag whenever the content between parses alone as element content, which
    ``_reduced_properties`` checks before cutting anything (else the element stays whole).
    """
    pieces = xml.split(start)
    if len(pieces) == 1:
        return xml
    # Each piece split at its first end tag, in C calls: a Python loop costs more than the cut saves.
    parts = list(map(methodcaller("partition", end), islice(pieces, 1, None)))
    if not all(map(itemgetter(1), parts)):
        return xml
    replaced = map(reduced.__getitem__, map(itemgetter(0), parts))
    return b"".join(chain((pieces[0],), chain.from_iterable(zip(replaced, map(itemgetter(2), parts)))))


def _reduced_cell_starts(xml: bytes) -> bytes:
    """Each cell's properties and its first paragraph's, when it starts with them, reduced in
    one pass (``_reduced_cell_start``): in a table-heavy part they are most of the bytes."""
    pieces = xml.split(CELL_START)
    if len(pieces) == 1:
        return xml
    parts = list(map(methodcaller("partition", PPR_END), islice(pieces, 1, None)))
    replaced = map(CELL_STARTS_READ.__getitem__, map(itemgetter(0, 1), parts))
    return b"".join(chain((pieces[0],), chain.from_iterable(zip(replaced, map(itemgetter(2), parts)))))


def _reduced_cell_start(start: tuple[bytes, bytes]) -> bytes:
    """What to parse for ``CELL_START + head + end``, ``end`` being the first ``</w:pPr>``
    after it or nothing: the w:tc start tag, its w:tcPr reduced and, when a paragraph with
    properties follows it, that paragraph's start tag and its w:pPr reduced (to nothing: the
    paragraph's parent is the cell)."""
    head, end = start
    content, found, after = head.partition(TCPR_END)
    if not found:
        return CELL_START + head + end
    cell = b"<w:tc>" + CELL_PROPERTIES_READ[content]
    if end and after.startswith(FIRST_PARAGRAPH):
        return cell + b"<w:p>" + CELL_PARAGRAPH_PROPERTIES_READ[after[len(FIRST_PARAGRAPH):]]
    return cell + after + end


class _Reductions(dict):
    """Element content → the element to parse in its place, worked out once per distinct
    content; contents longer than ``MAX_REMEMBERED_BYTES`` (text, seldom repeated) are not kept."""

    def __init__(self, reduce, size=len) -> None:
        super().__init__()
        self.reduce = reduce
        self.size = size

    def __missing__(self, content):
        element = self.reduce(content)
        if self.size(content) <= MAX_REMEMBERED_BYTES:
            if len(self) >= MAX_REMEMBERED:
                self.clear()
            self[content] = element
        return element


def _reduced_paragraph_properties(content: bytes) -> bytes:
    """A ``<w:pPr>`` with only the children the reader reads, or as it was."""
    kept = _reduced_properties(content)
    return PPR_START + content + PPR_END if kept is None else PPR_START + kept + PPR_END


def _dropped_paragraph_properties(content: bytes) -> bytes:
    """Nothing for the ``<w:pPr>`` of a paragraph whose parent is a cell, or the element as it
    was: only body paragraphs have their style read, and the walk reads a property through
    its grandparent, here the paragraph, never a cell or a row."""
    return PPR_START + content + PPR_END if _reduced_properties(content) is None else b""


def _reduced_cell_properties(content: bytes) -> bytes:
    """A ``<w:tcPr>`` with only the children the reader reads (nothing when there are none),
    or as it was. Borders and the width vary from cell to cell: they are cut before the rest
    is looked up, so that only the few distinct remainders are parsed."""
    before, found, borders = content.partition(BORDERS)
    if found:
        # One border element, as in nearly every cell; the general cut otherwise.
        inside, found, after = borders.partition(BORDERS_END)
        bare = (before + after if found and BORDERS_ANY not in inside and BORDERS_ANY not in after
                else _without_cell_borders(content))
    else:
        bare = content
    width = CELL_WIDTH.match(bare)
    if width:
        names = [name for name, _ in FLAT_ATTRIBUTE.findall(width.group(1))]
        if len(set(names)) == len(names):  # else not well-formed: left to the parser
            bare = bare[width.end():]
    kept = CELL_PROPERTIES_KEPT[bare]
    if kept is None:
        return TCPR_START + content + TCPR_END
    return TCPR_START + kept + TCPR_END if kept else b""


def _reduced_properties(content: bytes) -> bytes | None:
    """The children of a properties element that the reader reads (``READ_PROPERTIES``), as
    bytes, when ``content`` parses alone as element content, with ``w`` bound as
    _w_bound_once requires of the part, and holds no text or structure the walk would read
    (``SHOWN``, outside hidden subtrees); else None.

    Only children matter: _paragraph reads a w:pPr's own w:pStyle and w:outlineLvl, and the
    walk reads a merge, span or grid property through its grandparent, which is a cell or a
    row only for a child of the properties element.
    """
    if content.isascii() and FLAT_PROPERTIES.fullmatch(content):
        return _reduced_flat_properties(content)
    try:
        properties = etree.fromstring(FRAGMENT_START + content + PPR_END, PARSER)
    except etree.XMLSyntaxError:
        return None
    # One pass in Python: tag-filtered iterators would parse their tag lists on every call.
    hidden: set = set()
    for element in properties.iter():
        if element in hidden:
            continue
        tag = element.tag
        if tag in HIDDEN:
            hidden.update(element.iter())
        elif tag in SHOWN:
            return None
    kept = []
    for child in properties:
        tag = child.tag
        if tag not in READ_PROPERTIES:
            continue
        name = tag[len(W):].encode()
        value = child.get(VAL)
        if value is None:
            kept.append(b"<w:%s/>" % name)
        elif PLAIN_VALUE.fullmatch(value):
            kept.append(b'<w:%s w:val="%s"/>' % (name, value.encode()))
        else:
            return None
    return b"".join(kept)


def _reduced_flat_properties(content: bytes) -> bytes | None:
    """``_reduced_properties`` of content that is only empty elements (``FLAT_PROPERTIES``),
    read without a parser: nothing is nested, so nothing is hidden."""
    kept = []
    for name, attributes, end_name in FLAT_ELEMENT.findall(content):
        pairs = FLAT_ATTRIBUTE.findall(attributes)
        if (end_name and end_name != name) or len({key for key, _ in pairs}) != len(pairs):
            return None  # not well-formed: the part is left to the parser
        tag = W + name.decode()
        if tag in SHOWN:
            return None
        if tag in READ_PROPERTIES:
            value = dict(pairs).get(b"val")
            kept.append(b"<w:%s/>" % name if value is None else b'<w:%s w:val="%s"/>' % (name, value))
    return b"".join(kept)


PARAGRAPH_PROPERTIES_READ = _Reductions(_reduced_paragraph_properties)
CELL_PARAGRAPH_PROPERTIES_READ = _Reductions(_dropped_paragraph_properties)
CELL_PROPERTIES_READ = _Reductions(_reduced_cell_properties)
CELL_PROPERTIES_KEPT = _Reductions(_reduced_properties)
CELL_STARTS_READ = _Reductions(_reduced_cell_start, size=lambda start: len(start[0]))


def forget_reductions() -> None:
    """Forget the properties worked out so far, as a process reading its first document has (the
    benchmark measures such a first read as well)."""
    for reductions in (PARAGRAPH_PROPERTIES_READ, CELL_PARAGRAPH_PROPERTIES_READ, CELL_PROPERTIES_READ,
                       CELL_PROPERTIES_KEPT, CELL_STARTS_READ):
        reductions.clear()


def _without_cell_borders(xml: bytes) -> bytes:
    """The part (or a cell's properties) without its ``<w:tcBorders>…</w:tcBorders>``
    elements, or ``xml`` itself when the bytes alone cannot show where each one ends.

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
    parts = list(map(methodcaller("partition", BORDERS_END), islice(pieces, 1, None)))
    if not all(map(itemgetter(1), parts)) or any(map(contains, map(itemgetter(0), parts), repeat(BORDERS_ANY))):
        return xml
    return b"".join(chain((pieces[0],), map(itemgetter(2), parts)))


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


def _style_names(styles, wanted: set[str] | None = None) -> dict[str, tuple[str, int | None]]:
    """Style id → (name as Word shows it, heading level); outline levels count as headings too.

    ``styles`` is the parsed styles part or None; only the ``wanted`` style ids (all when
    None) are named. The key "" holds the default paragraph style, the style of a paragraph
    that names none.
    """
    names: dict[str, tuple[str, int | None]] = {}
    if styles is None:
        return names
    for style in styles.iter(STYLE):
        style_id = style.get(STYLE_ID) or ""
        default = ((wanted is None or "" in wanted) and style.get(STYLE_TYPE) == "paragraph"
                   and style.get(STYLE_DEFAULT) in ("1", "true", "on"))
        if wanted is not None and style_id not in wanted and not default:
            continue
        # Its first w:name and first w:pPr, found in one pass over its children.
        name_el = ppr = None
        for child in style.iterchildren(STYLE_NAME, PPR):
            if child.tag == PPR:
                if ppr is None:
                    ppr = child
            elif name_el is None:
                name_el = child
        name = (name_el.get(VAL) if name_el is not None else None) or style_id
        name = UI_STYLE_NAMES.get(name, name)
        match = HEADING_STYLE.match(name)
        names[style_id] = named = (name, int(match.group(1)) if match else _outline_level(ppr))
        if default:
            names[""] = named
    return names


def _outline_level(ppr) -> int | None:
    outline = _child(ppr, OUTLINE_LEVEL) if ppr is not None else None
    return _level(outline.get(VAL)) if outline is not None else None


def _level(value: str | None) -> int | None:
    """The heading level of an outline level's value: 0–8 are levels 1–9, 9 is body text."""
    return int(value) + 1 if value and value.isdigit() and int(value) < 9 else None


def _paragraph_style(item: tuple) -> tuple[str, int | None, list[str]]:
    """A body paragraph's (style id, outline level, text pieces) from (its element, text pieces)."""
    p, pieces = item
    # The first child is the w:pPr wherever Word wrote one: one child read, not a search.
    ppr = p[0] if len(p) else None
    if ppr is not None and ppr.tag != PPR:
        ppr = _child(p, PPR)
    style_id, outline = "", None
    if ppr is not None:
        # Its first w:pStyle and first w:outlineLvl, as _child finds them; a trimmed part leaves
        # only these children, most often the style alone, so reading them costs less than searches.
        pstyle = level = None
        if len(ppr) == 1:
            child = ppr[0]
            tag = child.tag
            if tag == P_STYLE:
                pstyle = child
            elif tag == OUTLINE_LEVEL:
                level = child
        else:
            for child in ppr:
                tag = child.tag
                if tag == P_STYLE:
                    if pstyle is None:
                        pstyle = child
                elif tag == OUTLINE_LEVEL and level is None:
                    level = child
        style_id = (pstyle.get(VAL) or "") if pstyle is not None else ""
        outline = _level(level.get(VAL)) if level is not None else None
    return style_id, outline, pieces


def _paragraph(item: tuple, styles: dict[str, tuple[str, int | None]]) -> Paragraph:
    style_id, outline, pieces = item
    name, style_level = styles.get(style_id, (style_id, None))
    return Paragraph("".join(pieces), name, outline or style_level)


def _child(element, tag: str):
    """The first child with this tag, or None: ``find`` would run lxml's Python path engine."""
    return next(element.iterchildren(tag), None)


def _int_val(element, default: int, attribute: str = VAL) -> int:
    value = element.get(attribute)
    if not value or not value.isdigit():
        return default
    # Any longer value is over every grid limit; int() refuses one of thousands of digits.
    return int(value) if len(value) <= 9 else 10**9


# _walk reads a cell into a list, made in half the time of an object (one is made per cell):
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


class _TableBuilder:
    __slots__ = ("grid_cols", "places", "rows")

    def __init__(self, tbl) -> None:
        widths = [_int_val(col, -1, W + "w") for grid in tbl.iterchildren(TBL_GRID) for col in grid.iterchildren(GRID_COL)]
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
        for r, (raw, raw_after, _, row_cells) in enumerate(rows):
            next_merges: dict[int, Cell] = {}
            previous: Cell | None = None
            col = place(raw)
            for pieces, raw_span, vmerge, hmerge, tables in row_cells:
                span = place(raw + raw_span) - col
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
                cell = Cell(r, col, 1, span, "".join(pieces)[1:], nested)
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
            return lambda col: col
        places, last = self.places, len(self.places) - 1

        def place(col: int) -> int:
            return places[col] if col <= last else places[last] + col - last

        for row in rows:
            col = row[0]
            for cell in row[3]:
                if place(col + cell[1]) == place(col):
                    return lambda col: col
                col += cell[1]
        return place


def _unwrapped(parent):
    """The container a block belongs to when its parent is a content control or custom XML."""
    while parent is not None and parent.tag in WRAPPERS:
        parent = parent.getparent()
    return parent


def _walk(body, runs_joined: bool = False) -> list[tuple | _TableBuilder] | None:
    """Body blocks in order: (paragraph element, text pieces) or a table builder; None when
    ``runs_joined`` and a w:t has children (``_parse_main``)."""
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
                tables[element] = table = _TableBuilder(element)
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
