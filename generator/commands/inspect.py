from __future__ import annotations

import json
from pathlib import Path

import click

from generator.document import Paragraph, Table
from generator.read import UnreadableDocument, read_document


@click.command("inspect")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the document model as JSON.")
def inspect_command(file: Path, as_json: bool) -> None:
    """Show what the reader saw in FILE: blocks in order and each table's grid."""
    try:
        document = read_document(file)
    except UnreadableDocument as error:
        raise click.ClickException(f"{file.name}: {error.reason}" + (f" ({error.hint})" if error.hint else ""))
    if as_json:
        click.echo(json.dumps(document.to_json(), ensure_ascii=False, indent=1))
        return
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            level = f" h{block.heading_level}" if block.heading_level else ""
            click.echo(f"[{index}] paragraph{level}: {block.text}")
        elif isinstance(block, Table):
            click.echo(f"[{index}] table {block.n_rows}×{block.n_cols}")
            for warning in block.warnings:
                click.echo(f"    warning: {warning}")
            for r, row in enumerate(block.rows()):
                cells = " | ".join(
                    cell.text.replace("\n", "⏎") + (f" ⟨{cell.rowspan}×{cell.colspan}⟩"
                                                    if cell.rowspan > 1 or cell.colspan > 1 else "")
                    for cell in row)
                click.echo(f"    {r}: {cells}")
    for warning in document.warnings:
        click.echo(f"warning: {warning}")
