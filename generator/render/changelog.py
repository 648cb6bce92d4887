"""The data changelog (CHANGELOG.md) as blocks of a site page.

The snapshot command writes the changelog, but the keys and values it quotes come from the
documents. Only the Markdown it writes is recognised — headings, list items, tables,
paragraphs and code spans — and every piece of text is made inert with ``md``: nothing in
the file can become HTML, a link or other markup on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from generator.render.markup import md
from generator.render.views import Grid

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ITEM = re.compile(r"^\s*[-*+]\s+(.*)$")
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
# A code span: a run of backticks closed by a run of the same length (CommonMark).
_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


@dataclass
class Block:
    kind: str  # heading / list / paragraph / grid
    lines: list[Markup] = field(default_factory=list)
    level: int = 0
    grid: Grid | None = None

    @property
    def marker(self) -> Markup:
        return Markup("#" * self.level)


def _text(piece: str) -> Markup:
    """Inert text that keeps one space at either end where it had any (md strips them)."""
    before = " " if piece[:1].isspace() else ""
    after = " " if piece[-1:].isspace() and piece.strip() else ""
    return Markup(before + md(piece) + after)


def inline(text: str) -> Markup:
    """Code spans as <code>, every other character inert."""
    parts, position = [], 0
    for match in _CODE.finditer(text):
        code = match.group(2)
        if len(code) > 1 and code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        parts += [_text(text[position:match.start()]), Markup(f"<code>{md(code)}</code>")]
        position = match.end()
    parts.append(_text(text[position:]))
    return Markup("".join(parts).strip())


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _grid(lines: list[str]) -> Grid | None:
    """A table: a header row, a separator row (its colons give the alignment), data rows."""
    if len(lines) < 2 or not all(_SEPARATOR_CELL.match(cell) for cell in _cells(lines[1])):
        return None
    rows = [_cells(line) for line in [lines[0], *lines[2:]]]
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    alignment = _cells(lines[1])
    numeric = [i < len(alignment) and alignment[i].endswith(":") for i in range(width)]
    return Grid([inline(cell) for cell in rows[0]], numeric, [[inline(cell) for cell in row] for row in rows[1:]])


def changelog_blocks(changelog: Path | None) -> list[Block]:
    """The changelog's blocks; [] when there is none. Its headings start at level 2 (the page has
    its own title) and never skip a level (the entries' sections do in the file)."""
    if changelog is None or not changelog.exists():
        return []
    blocks: list[Block] = []
    table: list[str] = []

    def close_table() -> None:
        if table:
            grid = _grid(table)
            blocks.append(Block("grid", grid=grid) if grid else Block("paragraph", [inline(t) for t in table]))
            table.clear()

    for line in changelog.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        close_table()
        previous = blocks[-1] if blocks else None
        if not line.strip():
            blocks.append(Block("blank"))
        elif heading := _HEADING.match(line):
            blocks.append(Block("heading", [inline(heading.group(2))], len(heading.group(1))))
        elif item := _ITEM.match(line):
            if previous is not None and previous.kind == "list":
                previous.lines.append(inline(item.group(1)))
            else:
                blocks.append(Block("list", [inline(item.group(1))]))
        elif previous is not None and previous.kind == "paragraph":
            previous.lines.append(inline(line))
        else:
            blocks.append(Block("paragraph", [inline(line)]))
    close_table()
    # Each heading one level below the nearest heading above it of a higher rank.
    open_headings: list[tuple[int, int]] = []  # (level in the file, level on the page)
    for block in blocks:
        if block.kind == "heading":
            while open_headings and open_headings[-1][0] >= block.level:
                open_headings.pop()
            written = min(open_headings[-1][1] + 1 if open_headings else 2, 6)
            open_headings.append((block.level, written))
            block.level = written
    return [block for block in blocks if block.kind != "blank"]
