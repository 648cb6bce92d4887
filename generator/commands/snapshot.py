from __future__ import annotations

import datetime
from pathlib import Path

import click

from generator.history.snapshot import CHANGELOG_NAME, record_snapshot, tag_snapshot
from generator.pipeline.build import BuildOptions, build


@click.command("snapshot")
@click.argument("version")
@click.option("--date", "date", default=None, help="Date of the snapshot (YYYY-MM-DD)  [default: today]")
@click.option("--previous", default=None,
              help="The package to compare with: a folder or a git revision  [default: the last snapshot's tag]")
@click.option("--tag", is_flag=True, help="Commit the changelog and the package and tag the commit data-VERSION.")
@click.option("--source", "source_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("source_docs"), show_default=True)
@click.option("--datapackage", "datapackage_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("datapackage"), show_default=True)
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("site"), show_default=True)
def snapshot_command(version: str, date: str | None, previous: str | None, tag: bool, source_dir: Path,
                     datapackage_dir: Path, site_dir: Path) -> None:
    """Publish the built package as data snapshot VERSION (e.g. 2026.1).

    Compares the package in DATAPACKAGE with the previous snapshot, writes the changes
    as a new entry of CHANGELOG.md, rebuilds so that every output carries VERSION, and
    with --tag commits and tags the result.
    """
    changelog = Path(CHANGELOG_NAME)
    options = BuildOptions(source_dir, datapackage_dir, site_dir, changelog=changelog)
    build(options)
    day = date or datetime.date.today().isoformat()
    try:
        snapshot = record_snapshot(datapackage_dir, version, day, changelog, previous)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    build(options)
    changed = snapshot.diff.changed_resources()
    click.echo(f"snapshot {version}: {len(changed)} resources changed since {snapshot.previous or 'the start'}")
    if tag:
        click.echo(f"tagged {tag_snapshot(Path('.'), version, [changelog, datapackage_dir])}")
