"""The ``budget-site`` command line: a thin layer over the library."""

from __future__ import annotations

import click

from generator import __version__
from generator.commands.build import build_command
from generator.commands.inspect import inspect_command


@click.group()
@click.version_option(__version__, prog_name="budget-site")
def cli() -> None:
    """Open data from Chinese budget disclosures (部门预算公开)."""


cli.add_command(build_command)
cli.add_command(inspect_command)


def main() -> None:
    cli()
