"""The ``budget-site`` command line: a thin layer over the library."""

from __future__ import annotations

import click

from generator import __version__
from generator.commands.build import build_command
from generator.commands.convert import convert_command
from generator.commands.diff import diff_command
from generator.commands.generate import generate_command
from generator.commands.inspect import inspect_command
from generator.commands.serve import serve_command
from generator.commands.snapshot import snapshot_command
from generator.commands.validate import validate_command


@click.group()
@click.version_option(__version__, prog_name="budget-site")
def cli() -> None:
    """Open data from Chinese budget disclosures (部门预算公开)."""


cli.add_command(build_command)
cli.add_command(convert_command)
cli.add_command(diff_command)
cli.add_command(generate_command)
cli.add_command(inspect_command)
cli.add_command(serve_command)
cli.add_command(snapshot_command)
cli.add_command(validate_command)


def main() -> None:
    cli()
