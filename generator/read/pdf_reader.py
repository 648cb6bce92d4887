"""Read a PDF with a text layer into the document model (pdfplumber, pdfminer underneath).

Ruled tables become grids with their merged cells (generator.read.pdf_layout); a table
whose continuation opens the next page, on the same column rules, is one table again; the
lines outside tables become paragraphs. Page headers, footers and page numbers are
printing furniture, not content, and are dropped. A scanned PDF (images, no text), a
password-protected one and a broken or cut-off one are refused with a reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from generator.contract.document import Block, Document
from generator.read.pdf_layout import (
    Line,
    TablePart,
    borderless_row,
    continues,
    joined_table,
    lines_of,
    paragraphs,
)
from generator.read.safety import DOWNLOAD_AGAIN, Limits, UnreadableDocument

# Glyphs closer than this (points) are one word: Chinese justified text spreads its glyphs
# by a point or two, while a typed space is a third of an em or more.
X_TOLERANCE = 2.0
# Alone on the top or bottom line of a page: - 3 -, 第3页, 3/10, 第 3 页 共 10 页.
PAGE_NUMBER = re.compile(r"[-—–\s]*(第\s*)?\d{1,4}\s*(页)?\s*((/|共)\s*\d{1,4}\s*(页)?)?[-—–\s]*")
# The same text (digits aside) at the same place on this share of pages is a header or footer.
REPEATED_SHARE = 0.5
# pdfminer writes (cid:N) for a glyph its font maps to no character: past this share of a
# page, the text is not there to read.
UNMAPPED_SHARE = 0.1
SCANNED_HINT = "budget-site reads the text of a PDF and does no OCR; ask the publisher for the Word file or a PDF saved from it"


@dataclass
class PageContent:
    number: int  # 1-based
    size: tuple[int, int]
    lines: list[Line] = field(default_factory=list)
    tables: list[TablePart] = field(default_factory=list)
    no_text: bool = False


def read_pdf(data: bytes, name: str, limits: Limits) -> Document:
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocument("damaged or truncated PDF: no end-of-file marker", DOWNLOAD_AGAIN)
    try:
        pdf = pdfplumber.open(BytesIO(data))
    except PdfminerException as error:
        raise _refusal(error) from error
    with pdf:
        count = len(pdf.pages)
        if count > limits.max_pdf_pages:
            raise UnreadableDocument(f"a PDF of {count:,} pages, over the {limits.max_pdf_pages:,}-page limit",
                                     "check that this is one disclosure, not a collection")
        try:
            pages = [_page(page, number, limits) for number, page in enumerate(pdf.pages, 1)]
        except UnreadableDocument:
            raise
        except Exception as error:  # pdfminer meets damaged streams in many ways
            raise _refusal(error) from error
    return _document(pages, name)


def _refusal(error: Exception) -> UnreadableDocument:
    cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    if isinstance(cause, PDFPasswordIncorrect):
        return UnreadableDocument("a password-protected PDF",
                                  "ask the publisher for a copy without a password to open it")
    detail = " ".join(str(cause).split())[:200]  # one line, whatever pdfminer says
    return UnreadableDocument(f"damaged PDF: {type(cause).__name__}: {detail}", DOWNLOAD_AGAIN)


def _page(page: Any, number: int, limits: Limits) -> PageContent:
    content = PageContent(number, (round(page.width), round(page.height)))
    if len(page.chars) > limits.max_pdf_page_chars:
        raise UnreadableDocument(f"page {number} holds {len(page.chars):,} characters, over the "
                                 f"{limits.max_pdf_page_chars:,} limit", "a real disclosure never looks like this")
    unmapped = sum(1 for char in page.chars if char["text"].startswith("(cid:"))
    if unmapped > UNMAPPED_SHARE * len(page.chars):
        raise UnreadableDocument(f"a PDF whose text cannot be extracted: {unmapped:,} of the {len(page.chars):,} "
                                 f"characters on page {number} have no character code (fonts without a map)",
                                 SCANNED_HINT)
    if not page.chars:
        content.no_text = bool(page.images)
        page.close()
        return content
    found = page.find_tables()
    words = page.extract_words(x_tolerance=X_TOLERANCE, y_tolerance=3, extra_attrs=["size"])
    held: list[list[dict[str, Any]]] = [[] for _ in found]
    free = []
    for word in words:
        cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        for index, table in enumerate(found):
            x0, top, x1, bottom = table.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                held[index].append(word)
                break
        else:
            free.append(word)
    content.tables = [TablePart(list(table.cells), table_words) for table, table_words in zip(found, held)]
    content.lines = lines_of(free, number)
    page.close()  # pdfplumber keeps each page's parsed objects until told
    return content


def _document(pages: list[PageContent], name: str) -> Document:
    if not any(page.lines or page.tables for page in pages):
        if any(page.no_text for page in pages):
            raise UnreadableDocument("a scanned PDF: its pages are images, with no text layer", SCANNED_HINT)
        raise UnreadableDocument("a PDF with no text", DOWNLOAD_AGAIN)
    warnings = [f"page {page.number} has no text layer (a scanned image?): its content is not read"
                for page in pages if page.no_text]
    _drop_furniture(pages)
    edges = _body_edges(pages)
    blocks: list[Block | list[TablePart]] = []  # a table as its parts until every page is read
    run: list[Line] = []
    open_table: tuple[int, list[TablePart]] | None = None  # a table closing its page: the page, its parts

    def end_run() -> None:
        if run:
            left, right = edges[pages[run[0].page - 1].size]
            blocks.extend(paragraphs(run, left, right))
            run.clear()

    for page in pages:
        items: list[tuple[float, Line | TablePart]] = [(line.top, line) for line in page.lines]
        items += [(part.top, part) for part in page.tables]
        for place, (_, item) in enumerate(sorted(items, key=lambda pair: pair[0])):
            if isinstance(item, Line):
                run.append(item)
                open_table = None
                continue
            if run and _heads(run[-1], page.number, item, place == 0):
                row = run.pop()  # the borderless row above a table: unit, year, 单位：万元
                end_run()
                blocks.append(borderless_row(row))
            end_run()
            if open_table and open_table[0] == page.number - 1 and continues(open_table[1][-1], item):
                parts = open_table[1]
                parts.append(item)  # continued from the foot of the page before
            else:
                parts = [item]
                blocks.append(parts)
            open_table = (page.number, parts)
    end_run()
    return Document([joined_table(block) if isinstance(block, list) else block for block in blocks], name, warnings)


def _heads(line: Line, page: int, table: TablePart, first_on_page: bool) -> bool:
    """Whether a line of cells set apart is the borderless row heading the table: just above
    it, or the last line of the page before when the table opens its page."""
    if len(line.segments) < 2:
        return False
    return (line.page == page and table.top - line.bottom < line.size) or (line.page == page - 1 and first_on_page)


def _drop_furniture(pages: list[PageContent]) -> None:
    """Remove page numbers, and header and footer lines repeated on many pages, from the top
    and bottom line of each page (never from inside the body: a table always stays)."""
    def key(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top / 3)

    ends = [line for page in pages for line in _end_lines(page)]
    seen = Counter(key(line) for line in ends)
    repeated = max(2, int(REPEATED_SHARE * len(pages)) + 1) if len(pages) > 2 else len(pages) + 1
    for page in pages:
        for line in _end_lines(page):
            if PAGE_NUMBER.fullmatch(line.text) or seen[key(line)] >= repeated:
                page.lines.remove(line)


def _end_lines(page: PageContent) -> list[Line]:
    """The page's top and bottom line, where no table stands above or below them."""
    if not page.lines:
        return []
    first, last = page.lines[0], page.lines[-1]
    ends = [first] if all(first.top < part.top for part in page.tables) else []
    if last is not first and all(last.top > part.bottom for part in page.tables):
        ends.append(last)
    return ends


def _body_edges(pages: list[PageContent]) -> dict[tuple[int, int], tuple[float, float]]:
    """The left and right edge of the body text for each page size (portrait and landscape
    pages of one document have different margins)."""
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    for size in {page.size for page in pages}:
        lines = [line for page in pages if page.size == size for line in page.lines]
        if lines:
            edges[size] = (min(line.x0 for line in lines), max(line.x1 for line in lines))
        else:
            edges[size] = (0.0, float(size[0]))
    return edges
