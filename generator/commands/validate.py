from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.package import validate_package

EXIT_INVALID = 1


@click.command("validate")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True),
                default=Path("datapackage"))
def validate_command(directory: Path) -> None:
    """Validate the data package in DIRECTORY (default: datapackage) with frictionless: schemas,
    types, constraints, primary and foreign keys, hashes. Exit 0 when valid, 1 when not."""
    report = validate_package(directory)
    click.echo(report.summary())
    if not report.valid:
        sys.exit(EXIT_INVALID)
