from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.build import BuildOptions, build

EXIT_UNREADABLE = 2
EXIT_CHECKS_FAILED = 3


@click.command("build")
@click.option("--source", "source_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("source_docs"), show_default=True, help="Folder of disclosures and manifest.csv.")
@click.option("--datapackage", "datapackage_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("datapackage"), show_default=True, help="Output folder of the data package.")
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("site"), show_default=True, help="Output folder of the static site.")
@click.option("--strict", is_flag=True, help="Also exit non-zero when a consistency check fails.")
def build_command(source_dir: Path, datapackage_dir: Path, site_dir: Path, strict: bool) -> None:
    """Read every disclosure, extract, check, and publish the data package and the site.

    Exit codes: 0 all inputs read; 2 some input was unreadable (everything readable is
    still published); 3 with --strict, some consistency check failed.
    """
    result = build(BuildOptions(source_dir, datapackage_dir, site_dir, strict))
    if result.unreadable:
        sys.exit(EXIT_UNREADABLE)
    if strict and any(outcome.status == "fail" for outcome in result.outcomes):
        sys.exit(EXIT_CHECKS_FAILED)
