"""The explanation part (情况说明) as a stream of lines and table rows, cut into its sections.

Both readers must give the same result, so nothing here depends on how a reader split or
styled things: headings are recognised by their text, never by heading_level; consecutive
tables form one stream of rows (the text export joins adjacent tables, the .docx keeps them
apart); a vertically merged cell leaves an empty cell in the rows it covers, as the text
export shows it; and whitespace is normalised.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from generator.contract.document import Block, Document, Paragraph, Table

# Word field codes that the export writes out as text, e.g. "TC 总体绩效目标 \f A \l 1".
_FIELD_CODE = re.compile(r"\s*\bTC\s.*?\\l\s*\d+")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_CHINESE_NUMBER = "一二三四五六七八九十"
# Top-level numbering of a section heading: 一、… 十一、, 第一部分; Arabic only for a few
# documents (2026 writes "6、 部门主管专项资金…" among 五、 and 七、).
_NUMBERING = re.compile(rf"^(?:第[{_CHINESE_NUMBER}]+部分|[{_CHINESE_NUMBER}]+[、.．]|\d+[、.．])\s*")
_CHINESE_NUMBERING = re.compile(rf"^(?:第[{_CHINESE_NUMBER}]+部分|[{_CHINESE_NUMBER}]+[、.．])")
_HEADING_START = "第" + _CHINESE_NUMBER
# Found in a row's cell texts joined, what a cell that opens a section holds: a line break, or
# the heading's first character at the cell's start.
_CELL_SEPARATOR = "\x00"
_MAY_OPEN_SECTION = re.compile(rf"\n|(?:^|\x00)[{_HEADING_START}]")
# The same in cells' texts as published, before clean_text: a field code may hide the start, and
# what clean_text strips is whitespace as \s knows it.
_MAY_HOLD_HEADING = re.compile(rf"\n|TC|(?:^|\x00)\s*[{_HEADING_START}]")
_MAX_HEADING = 30

# Section kinds with the words that name them, most specific first.
SECTION_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("duties", re.compile(r"职责")),
    ("overview", re.compile(r"总体情况")),
    ("operating", re.compile(r"机关运行经费")),
    ("three_public", re.compile(r"三公")),
    ("special_funds", re.compile(r"专项资金")),
    ("project_performance", re.compile(r"项目.*绩效|绩效.*项目")),
    ("performance", re.compile(r"绩效")),
    ("procurement", re.compile(r"政府采购")),
    ("assets", re.compile(r"国有资产|固定资产")),
    ("glossary", re.compile(r"名词解释")),
    ("other", re.compile(r"其他需要说明")),
]
PERFORMANCE_KINDS = ("performance", "special_funds", "project_performance")


@functools.lru_cache(maxsize=1 << 16)
def clean_text(text: str) -> str:
    """Published text with export noise removed: field codes, runs of spaces, blank lines."""
    if "\n" not in text and "TC" not in text:
        return _SPACES.sub(" ", text).strip()  # most cells: one line, no field code
    lines = (_SPACES.sub(" ", _FIELD_CODE.sub("", line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def compact(text: str) -> str:
    """Text without any whitespace, for matching labels such as 合　计 or 其中：财政 资金."""
    return "".join(text.split())


@dataclass(frozen=True)
class Line:
    """A paragraph, or a paragraph that was published inside a table cell."""

    text: str
    location: str


@dataclass(frozen=True)
class Row:
    """One table row as cell texts left to right; a vertically merged cell leaves "" below."""

    cells: tuple[str, ...]
    location: str

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    @property
    def blank(self) -> bool:
        return not any(self.cells)


Item = Line | Row

_MONEY_UNIT_CELL = re.compile(r"^(?:金额)?单位[:：](万元|元)$")


def stated_money_unit(row: Row) -> str | None:
    """The unit of a layout row above a table (单位：万元 beside the unit's name), else None."""
    return next((m.group(1) for text in row.cells if (m := _MONEY_UNIT_CELL.match(compact(text)))), None)


@dataclass
class Section:
    kind: str
    heading: str
    items: list[Item] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        """The table rows of the section, in order (its paragraphs left out)."""
        return [item for item in self.items if isinstance(item, Row)]


def heading_kind(text: str) -> str | None:
    """The kind of section a numbered heading opens, or None if the text is not one."""
    numbering = _NUMBERING.match(text)
    if numbering is None:
        return None
    title = text[numbering.end():]
    if not title or len(title) > _MAX_HEADING or title.endswith(("。", "表")) or "：" in title:
        return None
    for kind, pattern in SECTION_KINDS:
        if pattern.search(title):
            return kind
    return None


def split_sections(document: Document) -> list[Section]:
    """The sections of the explanation part in order; what comes before the first is not part of it.

    A heading opens a section only for a kind not seen yet: sub-headings such as 一、总体绩效目标
    inside 五、预算绩效信息, or numbered duties, must not cut the part they belong to.
    """
    sections: list[Section] = []
    seen: set[str] = set()
    for index, block in enumerate(document.blocks):
        # Before the first section a table gives only rows, which no section holds: the budget
        # tables are passed over unless a cell may open a section.
        if isinstance(block, Table) and not sections and not _MAY_HOLD_HEADING.search(
                _CELL_SEPARATOR.join(map(attrgetter("text"), block.cells))):
            continue
        for item in _block_items(block, index):
            if isinstance(item, Line):
                kind = heading_kind(item.text)
                if kind is not None and kind not in seen:
                    seen.add(kind)
                    sections.append(Section(kind, item.text))
                    continue
            if sections:
                sections[-1].items.append(item)
    return sections


def _block_items(block: Block, index: int) -> list[Item]:
    if isinstance(block, Paragraph):
        text = clean_text(block.text)
        return [Line(line, f"paragraph {index}") for line in text.split("\n") if line]
    return _table_items(block, index)


def _table_items(table: Table, index: int) -> list[Item]:
    """The table's rows; a cell that holds a section heading (a heading and its text typed
    into the last cell of a table) keeps what precedes it, the rest becomes lines after the row."""
    n_rows = table.n_rows
    # Per row, its cells' (column, text) in the table's order, then the columns that merged
    # cells from above cover: sorted by column, stably, that is the row as the text export shows it.
    published: list[list[tuple[int, str]]] = [[] for _ in range(n_rows)]
    covered: list[list[tuple[int, str]]] = [[] for _ in range(n_rows)]
    for cell in table.cells:
        published[cell.row].append((cell.col, clean_text(cell.text)))
        if cell.rowspan > 1:
            for row in range(cell.row + 1, min(cell.row + cell.rowspan, n_rows)):
                covered[row].append((cell.col, ""))
    items: list[Item] = []
    for r in range(n_rows):
        placed = sorted(published[r] + covered[r], key=itemgetter(0)) if covered[r] else sorted(
            published[r], key=itemgetter(0))
        texts = list(map(itemgetter(1), placed))
        location = f"table block {index}, row {r}"
        # Most rows hold no cell that may open a section: one search tells, not a look at each cell.
        if not _MAY_OPEN_SECTION.search(_CELL_SEPARATOR.join(texts)):
            items.append(Row(tuple(texts), location))
            continue
        spilled: list[str] = []
        for column, text in enumerate(texts):
            # Only a line that starts with a Chinese numeral or 第 can open a section.
            if text and ("\n" in text or text[0] in _HEADING_START):
                lines = text.split("\n")
                start = next((i for i, line in enumerate(lines)
                              if _CHINESE_NUMBERING.match(line) and heading_kind(line)), None)
                if start is not None:
                    spilled = lines[start:]
                    texts[column] = "\n".join(lines[:start])
                    break
        items.append(Row(tuple(texts), location))
        items.extend(Line(line, location) for line in spilled)
    return items
