"""The main part's bytes without what the reader never reads, parsed.

Most of a table-heavy part is properties the reader never reads: cell borders and widths,
paragraph spacing and fonts. They are cut from the bytes before parsing wherever the bytes
alone show exactly where each element ends (``trim_part``): each distinct cell or paragraph
properties element is checked once, by a parser when it is not plain, and reduced to what
the reader reads of it, and adjacent plain runs are joined. The model is the same; the
parser meets about a fifth of the elements.
"""

from __future__ import annotations

import re
from itertools import chain, islice, repeat
from operator import contains, itemgetter, methodcaller

from lxml import etree

from generator.read.docx_body import (
    CELL_PROPERTIES,
    CHARACTERS,
    HIDDEN,
    OUTLINE_LEVEL,
    P_STYLE,
    PARSER,
    ROW_PROPERTIES,
    TBL,
    TC,
    TR,
    VAL,
    P,
    T,
    W,
)

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
# xml:space changes nothing lxml gives (it keeps every space): the attribute is only parsed.
PRESERVED_TEXT, TEXT = b'<w:t xml:space="preserve">', b"<w:t>"
# The end of a run's last w:t and the start of a next run's first w:t, when it has no properties.
RUN_JOIN = b"</w:t></w:r><w:r><w:t>"
DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
# A regular expression finds it faster than bytes.find: "w" is the commonest letter in the part.
W_DECLARATION = re.compile(rb"xmlns:w")


def parse_main(xml: bytes, join_runs: bool = True) -> tuple[etree._Element, bool]:
    """The main part's root element, parsed trimmed (``trim_part``) whenever that reads the
    same, and whether adjacent runs were joined.

    Joining ``<w:r><w:t>A</w:t></w:r><w:r><w:t>B</w:t></w:r>`` into one run of "AB" (when
    the second run has no properties) reads the same text provided neither w:t has children:
    walk tells when one has, and the part is then read again without joining.
    """
    trimmed = trim_part(xml)
    if trimmed is not xml:
        joined = trimmed.replace(RUN_JOIN, b"") if join_runs else trimmed
        try:
            root = etree.fromstring(joined, PARSER)
        except etree.XMLSyntaxError:
            root = None
        if root is not None and _w_bound_once(root, joined):
            return root, len(joined) != len(trimmed)
    return etree.fromstring(xml, PARSER), False


def trim_part(xml: bytes) -> bytes:
    """The part without what the reader never reads, where the bytes alone show exactly
    where it ends, or ``xml`` itself when nothing is cut.

    In UTF-8 with no comment, CDATA section, DTD or processing instruction (``_only_tags``),
    every "<" opens a tag. Cell and paragraph properties are reduced to what the reader
    reads of them (``_reduced_properties``), cell borders and widths included; empty run
    properties are dropped, which changes no text: a w:t's own text is read around any
    children; so is a w:t's xml:space="preserve". All of it assumes ``w`` means WordprocessingML, which parse_main checks after
    parsing (``_w_bound_once``). The one difference: a part whose only XML errors lie inside
    cut cell borders, or in the tags that join two runs, is read, not refused.
    """
    if not _only_tags(xml):
        return xml
    trimmed = _reduced_cell_starts(xml)
    trimmed = _reduced_elements(trimmed, PPR_START, PPR_END, PARAGRAPH_PROPERTIES_READ)
    trimmed = trimmed.replace(EMPTY_RUN_PROPERTIES, b"").replace(PRESERVED_TEXT, TEXT)
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


class Reductions(dict):
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
                else without_cell_borders(content))
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


PARAGRAPH_PROPERTIES_READ = Reductions(_reduced_paragraph_properties)
CELL_PARAGRAPH_PROPERTIES_READ = Reductions(_dropped_paragraph_properties)
CELL_PROPERTIES_READ = Reductions(_reduced_cell_properties)
CELL_PROPERTIES_KEPT = Reductions(_reduced_properties)
CELL_STARTS_READ = Reductions(_reduced_cell_start, size=lambda start: len(start[0]))


def forget_reductions() -> None:
    """Forget the properties worked out so far, as a process reading its first document has (the
    benchmark measures such a first read as well)."""
    for reductions in (PARAGRAPH_PROPERTIES_READ, CELL_PARAGRAPH_PROPERTIES_READ, CELL_PROPERTIES_READ,
                       CELL_PROPERTIES_KEPT, CELL_STARTS_READ):
        reductions.clear()


def without_cell_borders(xml: bytes) -> bytes:
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

