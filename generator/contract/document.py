"""The document model: what a reader saw in one disclosure, before any meaning is given to it.

A document is an ordered list of blocks, paragraphs and tables, in body order. Both
readers (.docx and the plain-text export) fill this same model, so every later stage
is independent of the file format.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""
    heading_level: int | None = None


@dataclass(slots=True)
class Cell:
    """One cell as published: merged cells appear once, at their top-left grid position."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str = ""
    tables: list[Table] = field(default_factory=list)


@dataclass
class Table:
    cells: list[Cell]
    n_rows: int
    n_cols: int
    warnings: list[str] = field(default_factory=list)
    source: str = ""  # the file it was read from, when a document joins several (else Document.source)
    # The grid, laid out once: extraction asks for it a few times per table. A table's cells
    # are not changed once it is read.
    _grid: tuple[tuple[str, ...], ...] | None = field(default=None, init=False, repr=False, compare=False)

    def grid(self) -> list[list[str]]:
        """The table as rows × columns of text, each merged cell's text at its top-left only
        (a new list each time: a caller may change it)."""
        if self._grid is None:
            rows = [[""] * self.n_cols for _ in range(self.n_rows)]
            for cell in self.cells:
                if cell.row < self.n_rows and cell.col < self.n_cols:
                    rows[cell.row][cell.col] = cell.text
            self._grid = tuple(map(tuple, rows))
            return rows
        return list(map(list, self._grid))

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by the grid row they start in, left to right."""
        grouped: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            grouped[cell.row].append(cell)
        for row in grouped:
            row.sort(key=lambda c: c.col)
        return grouped


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[int, Table]]:
        for index, block in enumerate(self.blocks):
            if isinstance(block, Table):
                yield index, block

    def paragraphs(self) -> Iterator[tuple[int, Paragraph]]:
        for index, block in enumerate(self.blocks):
            if isinstance(block, Paragraph):
                yield index, block

    def to_json(self) -> dict:
        return {"source": self.source, "warnings": self.warnings, "blocks": [_block_json(b) for b in self.blocks]}


def _block_json(block: Block) -> dict:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text, "style": block.style, "heading_level": block.heading_level}
    return {
        "type": "table",
        "rows": block.n_rows,
        "cols": block.n_cols,
        "warnings": block.warnings,
        "cells": [
            {
                "row": c.row,
                "col": c.col,
                "rowspan": c.rowspan,
                "colspan": c.colspan,
                "text": c.text,
                **({"tables": [_block_json(t) for t in c.tables]} if c.tables else {}),
            }
            for c in block.cells
        ],
    }
