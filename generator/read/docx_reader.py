"""Read a .docx into the document model, keeping the real table grid.

The package is read from the parts ``safety.check_package`` inflated within its caps: the
main part found through the package relationships and checked by its content type, and
its styles through the main part's relationships. The main part is parsed trimmed
(``docx_trim``) and its body walked (``docx_body``); the paragraphs' styles are named from
the styles part.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from lxml import etree

from generator.contract.document import Block, Document, Paragraph
from generator.read.docx_body import BODY, OUTLINE_LEVEL, P_STYLE, PARSER, PPR, VAL, W, first_child, walk
from generator.read.docx_trim import parse_main
from generator.read.safety import LIMITS, Limits, check_package, load, load_stream

CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES = "[Content_Types].xml"
STYLE, STYLE_ID, STYLE_NAME = W + "style", W + "styleId", W + "name"
STYLE_TYPE, STYLE_DEFAULT = W + "type", W + "default"
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# Built-in style names Word shows capitalised, as python-docx's BabelFish maps them.
UI_STYLE_NAMES = {"caption": "Caption", "footer": "Footer", "header": "Header",
                  **{f"heading {level}": f"Heading {level}" for level in range(1, 10)}}


def read_docx(source: str | Path | IO[bytes], name: str = "", limits: Limits = LIMITS) -> Document:
    """Read a .docx file or stream, through the same package guards as ``read_document``."""
    data = load(Path(source), limits) if isinstance(source, (str, Path)) else load_stream(source, limits)
    return read_parts(check_package(data, limits), name or str(source), limits)


def read_parts(parts: Mapping[str, bytes], name: str, limits: Limits = LIMITS) -> Document:
    """Read a package from its inflated parts (zip name → bytes); a table asking for a grid over
    ``limits`` raises UnreadableDocument."""
    main, styles_xml = _main_parts(parts)
    root, runs_joined = parse_main(main)
    body = first_child(root, BODY)
    if body is None:
        raise ValueError("the main document part has no body")
    styles_root = etree.fromstring(styles_xml, PARSER) if styles_xml is not None else None
    # Only the styles body paragraphs name are read, after the walk, unless reading another
    # could fail: an outline level in digits int() does not take, which ASCII cannot hold.
    styles = _style_names(styles_root) if styles_xml is not None and not styles_xml.isascii() else None
    items = walk(body, runs_joined)
    if items is None:
        # A w:t with children, which Word never writes: joined runs might read otherwise.
        items = walk(first_child(parse_main(main, join_runs=False)[0], BODY), False)
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
    outline = first_child(ppr, OUTLINE_LEVEL) if ppr is not None else None
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
        ppr = first_child(p, PPR)
    style_id, outline = "", None
    if ppr is not None:
        # Its first w:pStyle and first w:outlineLvl, as first_child finds them; a trimmed part leaves
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

