"""Which standard table each table block of a document is.

A table is recognised by its title (the paragraph before it, or its own first row) in the
wording of any known template family (families.py), never by its position; a table whose
title no family knows is recognised from its header when the header says which table it is.
An untitled table right after a standard one may continue it. A table that looks like a
budget table but cannot be placed is reported as such, never taken for an unpublished one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.contract.document import Document, Paragraph, Table
from generator.contract.records import Finding, TableKind
from generator.contract.table_specs import SPEC_BY_KIND, TableSpec
from generator.extract.families import (
    BUDGET_TITLE,
    KNOWN_OTHER_TABLE,
    Family,
    TitleMatch,
    family_of,
    header_kind,
    match_title_key,
)
from generator.extract.header import compact, header_rows, is_column_number_row, is_data_like, read_header, row_key
from generator.extract.layout import LayoutRow, layout_row

_QUOTES = re.compile("[\"'“”‘’「」『』＂＇]")
_NUMERAL = "0-9一二三四五六七八九十"
_TITLE_PREFIX = re.compile(rf"^(?:附?表[{_NUMERAL}]+[、.．:]?|[{_NUMERAL}]+[、.．])")
_TITLE_SUFFIX = re.compile(rf"\((?:续表?|附?表?[{_NUMERAL}]+)\)$")
_MAX_TITLE = 60
_MAX_LAYOUT = 40  # a longer paragraph with 单位：万元 is a sentence, unless it is an 编制部门 line
# Page numbers and export artefacts between a table and its continuation.
_NOISE = re.compile(r"^(?:-?\d{1,4}-?|第\d+页(?:共\d+页)?|pagenumber)$", re.IGNORECASE)

TITLE, HEADER, CONTINUATION = "title", "header", "continuation"


def title_key(text: str) -> str:
    """A title as compared: no whitespace or quote marks, no 表N numbering."""
    key = _QUOTES.sub("", compact(text))
    return _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", key))


def match_title(text: str) -> TitleMatch | None:
    key = title_key(text)
    if not key or len(key) > _MAX_TITLE:
        return None
    return match_title_key(key)


@dataclass
class Recognition:
    """What the recogniser made of one table block, for `budget-site inspect` and the build report."""

    block: int
    kind: TableKind | None
    title: str
    reason: str
    rule: str = ""  # title / header / continuation; "" when not recognised
    families: tuple[str, ...] = ()  # the families whose wording its title is


@dataclass
class Part:
    block: int
    table: Table
    start: int  # first grid row after its own layout and title rows


@dataclass
class Found:
    spec: TableSpec
    title: str
    layout: LayoutRow | None
    parts: list[Part]
    rule: str
    notes: list[str] = field(default_factory=list)

    def location(self) -> str:
        blocks = f"block {self.parts[0].block}" + (f"–{self.parts[-1].block}" if len(self.parts) > 1 else "")
        return f"表{self.spec.number} {self.title}, {blocks}"

    def place(self, block: int, row: int | None = None) -> str:
        return f"表{self.spec.number} {self.title}, block {block}" + ("" if row is None else f", row {row}")


@dataclass
class Recognised:
    found: list[Found]  # in table order
    report: list[Recognition]
    findings: list[Finding]
    family: Family  # Hebei's when no title tells
    family_known: bool  # some table was recognised by its title
    unplaced: list[Recognition]  # tables that look like budget tables but are not placed


def _leading_rows(table: Table) -> tuple[int, LayoutRow | None, str]:
    """Rows a table may begin with before its header: the layout row (text export) and a
    title row. Returns the first header row, the layout and the title found."""
    grid = table.grid()
    start, layout, title = 0, None, ""
    while start < min(len(grid), 3):
        texts = [t for t in grid[start] if t.strip()]
        row = layout_row(grid[start])
        if row is not None and layout is None:
            layout = row
        elif len(set(texts)) == 1 and match_title(texts[0]) and not title:
            title = texts[0].strip()
        else:
            break
        start += 1
    return start, layout, title


def _continues(found: Found, table: Table) -> bool:
    """An untitled table right after a standard one continues it if it has the same columns and
    begins with data, the 栏次 row or a repeat of the first table's header."""
    first = found.parts[0].table
    if table.n_cols != first.n_cols or table.n_rows == 0:
        return False
    opening = table.grid()[0]
    return (is_column_number_row(opening) or is_data_like(opening)
            or row_key(opening) in {row_key(row) for row in first.grid()[:4]})


# Words one of a standard table's header rows has; a table without any is not read for its header.
_HEADER_WORDS = re.compile(r"科目|收入|支出|出国")


def _by_header(table: Table, start: int) -> tuple[TableKind | None, list[str]]:
    """The table its header says it is, and the header's labels."""
    grid = table.grid()
    if not any(_HEADER_WORDS.search(text) for row in grid[start:start + 3] for text in row):
        return None, []
    rows, _ = header_rows(grid, start)
    if not rows:
        return None, []
    labels = list(dict.fromkeys(label for column in read_header(table, rows).labels for label in column))
    return header_kind(set(labels)), labels


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


class _Recogniser:
    def __init__(self) -> None:
        self.found: dict[TableKind, Found] = {}
        self.report: list[Recognition] = []
        self.findings: list[Finding] = []
        self.matches: list[TitleMatch] = []
        self.unplaced: list[Recognition] = []

    def add(self, index: int, found: Found, reason: str, match: TitleMatch | None) -> Found:
        self.found[found.spec.kind] = found
        if match is not None:
            self.matches.append(match)
        self.report.append(Recognition(index, found.spec.kind, found.title, reason, found.rule,
                                       match.families if match else ()))
        return found

    def table(self, index: int, block: Table, title: str | None, layout: LayoutRow | None,
              current: Found | None) -> Found | None:
        """Place one table block; returns the table a following untitled block may continue."""
        start, own_layout, own_title = _leading_rows(block)
        title_text = own_title or title or ""
        match = match_title(title_text) if title_text else None
        part = Part(index, block, start)
        if match is not None and match.kind not in self.found:
            spec = SPEC_BY_KIND[match.kind]
            how = "its own first row" if own_title else "the title before it"
            return self.add(index, Found(spec, title_text, own_layout or layout, [part], TITLE),
                            f"table {spec.number}, recognised by {how}", match)
        if match is not None and self.found[match.kind] is current and current is not None:
            current.parts.append(part)
            self.report.append(Recognition(index, match.kind, title_text,
                                           f"continues table {current.spec.number} (title repeated)", CONTINUATION))
            return current
        if match is not None:
            first = self.found[match.kind]
            self.findings.append(Finding("extract", f"block {index}", f"a second table titled {title_text!r}; "
                                         f"table {first.spec.number} is read from {first.location()} only", "error"))
            self.report.append(Recognition(index, None, title_text, f"a second table {first.spec.number}: not read"))
            return None
        if current is not None and title is None and not own_layout and _continues(current, block):
            current.parts.append(part)
            self.report.append(Recognition(index, current.spec.kind, current.title,
                                           f"continues table {current.spec.number} (no title of its own, "
                                           "same columns)", CONTINUATION))
            return current
        return self.untitled(index, block, start, title_text, own_layout or layout)

    def untitled(self, index: int, block: Table, start: int, title: str, layout: LayoutRow | None) -> Found | None:
        """A table whose title no family knows: placed by its header, or reported."""
        other = bool(title) and bool(KNOWN_OTHER_TABLE.search(title_key(title)))
        kind, labels = (None, []) if other else _by_header(block, start)
        shown = _short(title)
        named = f"its title {shown!r}" if title else "it has no title"
        if kind is not None and kind not in self.found:
            spec = SPEC_BY_KIND[kind]
            found = Found(spec, title or spec.title, layout, [Part(index, block, start)], HEADER)
            why = f"{named} is not one any template family uses" if title else named
            reason = f"table {spec.number}, recognised by its header ({' / '.join(labels[:8])}): {why}"
            self.findings.append(Finding("extract", found.location(), f"recognised as table {spec.number} "
                                         f"({spec.title}) from its header: {why}"))
            return self.add(index, found, reason, None)
        if kind is not None:
            reason = (f"its header is that of table {kind.number}, which is read from "
                      f"{self.found[kind].location()}: not read")
        elif title:
            reason = f"{named} is not one of the standard tables of any template family"
        else:
            reason = "no title before it or in its first row"
        recognition = Recognition(index, None, title, reason)
        self.report.append(recognition)
        under_layout = layout is not None and bool(layout.year)
        if other:
            if under_layout:
                self.findings.append(Finding("extract", f"block {index}", "a table under a layout row (unit, year, "
                                             f"money unit) is not a standard table: {reason}; its rows are not read"))
        elif kind is not None or under_layout or (title and BUDGET_TITLE.search(title_key(title))):
            if kind is None:
                reason += ", and its header does not say which table it is"
                recognition.reason = reason
                self.unplaced.append(recognition)
            self.findings.append(Finding("extract", f"block {index}", f"table not recognised: {reason}; "
                                         "its rows are not read", "error"))
        return None


def recognise(document: Document) -> Recognised:
    state = _Recogniser()
    title: str | None = None  # the last title-like paragraph, recognised or not
    layout: LayoutRow | None = None
    current: Found | None = None  # the table an untitled table right after it may continue
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            text = block.text.strip()
            key = compact(text)
            if not key or _NOISE.match(key):
                continue
            if match_title(text):
                title, layout = text, None
            elif (row := layout_row([text])) is not None and (len(key) <= _MAX_LAYOUT or key.startswith("编制")):
                layout = row
            elif key.startswith("注") and current is not None:
                current.notes.append(text)
            else:
                title, layout, current = text, None, None
            continue
        assert isinstance(block, Table)
        if block.n_rows == 1 and (row := layout_row(block.grid()[0])) is not None:
            layout = row
            continue
        current = state.table(index, block, title, layout, current)
        title, layout = None, None
    found = sorted(state.found.values(), key=lambda f: f.spec.number)
    return Recognised(found, state.report, state.findings, family_of(state.matches), bool(state.matches),
                      state.unplaced)
