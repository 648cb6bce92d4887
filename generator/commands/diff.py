from __future__ import annotations

import tempfile
from pathlib import Path

import click

from generator.history.diff import diff_packages, package_at_revision
from generator.history.snapshot import CHANGELOG_NAME, TAG_PREFIX, current_data_version

FORMATS = {"markdown": "to_markdown", "json": "to_json", "csv": "to_csv"}


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False, default="datapackage")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="markdown", show_default=True)
@click.option("--package-path", default="datapackage", show_default=True,
              help="Where the package lies inside the repository, for git revisions.")
def diff_command(old: str | None, new: str, output_format: str, package_path: str) -> None:
    """Rows added, removed and changed between two data packages.

    OLD and NEW are package folders or git revisions written git:REV (git:data-2025.1,
    git:HEAD~1). OLD defaults to the last snapshot's tag, NEW to ./datapackage.
    """
    if old is None:
        last = current_data_version(Path(CHANGELOG_NAME))
        if last is None:
            raise click.UsageError(f"no snapshot in {CHANGELOG_NAME} yet: name the OLD package")
        old = f"git:{TAG_PREFIX}{last}"
    with tempfile.TemporaryDirectory() as scratch:
        folders = []
        for index, spec in enumerate((old, new)):
            if spec.startswith("git:"):
                folders.append(package_at_revision(Path("."), spec[4:], package_path, Path(scratch) / str(index)))
            else:
                folders.append(Path(spec))
        diff = diff_packages(folders[0], folders[1], old, new)
    click.echo(getattr(diff, FORMATS[output_format])(), nl=False)
