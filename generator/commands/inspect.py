from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import click

from generator.contract.document import Paragraph, Table
from generator.extract.describe import describe_tables
from generator.pipeline.build import printable
from generator.read import UnreadableDocument, read_document


@click.command("inspect")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the document model as JSON.")
@click.option("--tables", "tables_only", is_flag=True, help="Print only which standard tables were recognised.")
def inspect_command(file: Path, as_json: bool, tables_only: bool) -> None:
    """Show what the reader saw in FILE: blocks in order and each table's grid, then which of
    the nine standard tables were recognised, which were not, and why."""
    try:
        document = read_document(file)
    except UnreadableDocument as error:
        raise click.ClickException(printable(
            f"{file.name}: {error.reason}" + (f" ({error.hint})" if error.hint else ""))) from error
    if as_json:
        click.echo(json.dumps(document.to_json(), ensure_ascii=False, indent=1))
        return
    # Document text in every line: control characters shown as escapes (printable).
    if tables_only:
        _echo(describe_tables(document))
        return
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            level = f" h{block.heading_level}" if block.heading_level else ""
            _echo([f"[{index}] paragraph{level}: {block.text}"])
        elif isinstance(block, Table):
            _echo([f"[{index}] table {block.n_rows}×{block.n_cols}"])
            _echo(f"    warning: {warning}" for warning in block.warnings)
            _echo(f"    {r}: {' | '.join(row)}" for r, row in enumerate(_grid_rows(block)))
    _echo(f"warning: {warning}" for warning in document.warnings)
    _echo(describe_tables(document))


def _echo(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(printable(line))


def _grid_rows(table: Table) -> list[list[str]]:
    """Each grid row as shown: a cell's text where it starts (with its span), ↑ where a cell
    from a row above continues, · for a grid position no cell covers (gridBefore/gridAfter)."""
    rows: list[list[str | None]] = [["·"] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        span = f" ⟨{cell.rowspan}×{cell.colspan}⟩" if cell.rowspan > 1 or cell.colspan > 1 else ""
        nested = f" [+{len(cell.tables)} nested table]" if cell.tables else ""
        rows[cell.row][cell.col] = cell.text.replace("\n", "⏎") + span + nested
        for below in range(cell.row + 1, min(cell.row + cell.rowspan, table.n_rows)):
            rows[below][cell.col] = "↑"
        for r in range(cell.row, min(cell.row + cell.rowspan, table.n_rows)):
            for col in range(cell.col + 1, min(cell.col + cell.colspan, table.n_cols)):
                rows[r][col] = None  # covered by the cell to its left
    return [[text for text in row if text is not None] for row in rows]
