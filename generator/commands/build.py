from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.package import PackageDataError, PackageInvalid
from generator.pipeline.build import BuildOptions, OutputRefused, build, printable
from generator.pipeline.report import EXIT_CHECKS_FAILED, EXIT_UNREADABLE, exit_code
from generator.runtime.cluster import ClusterError
from generator.runtime.store import DEFAULT_CACHE_DIR
from generator.site import SiteConfigError

__all__ = ["EXIT_CHECKS_FAILED", "EXIT_UNREADABLE", "build_command"]


@click.command("build")
@click.option("--source", "source_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("source_docs"), show_default=True, help="Folder of disclosures and manifest.csv.")
@click.option("--datapackage", "datapackage_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("datapackage"), show_default=True, help="Output folder of the data package.")
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("site"), show_default=True, help="Output folder of the static site.")
@click.option("--strict", is_flag=True, help="Also exit non-zero when a consistency check fails.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes reading documents, making the package's rows and rendering pages  "
                   "[default: the CPU count]")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_CACHE_DIR,
              show_default=True, help="Where the store keeps what the next build reuses (records, package rows, zips, pages).")
@click.option("--no-cache", is_flag=True, help="Build everything afresh and leave the store untouched.")
@click.option("--no-site", is_flag=True, help="Publish the data package only; the site is left as it is.")
@click.option("--cluster", metavar="ADDRESS", default=None,
              help="Run the per-document and per-unit work on a Dask cluster: its scheduler's address "
                   "(tcp://host:8786), or local:N for N worker processes on this machine. Needs the dask extra, "
                   "and the sources and the cache folder on a filesystem the workers share.")
@click.option("--site-config", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="A YAML file whose top-level keys (site_name, site_description, copyright, site_url...) "
                   "override the packaged mkdocs.yml's.")
@click.option("--verbose", is_flag=True, help="Also print each disclosure's checks and every failed check.")
def build_command(source_dir: Path, datapackage_dir: Path, site_dir: Path, strict: bool, jobs: int | None,
                  cache_dir: Path, no_cache: bool, no_site: bool, cluster: str | None, site_config: Path | None,
                  verbose: bool) -> None:
    """Read every disclosure, extract, check, and publish the data package and the site.

    Exit codes: 0 all inputs read; 1 the data package did not validate, or the outputs
    cannot be written (over the input, held by another build, a full disk, read-only;
    the previous package and site are kept); 2 some input was unreadable, or none was
    readable (everything readable is still published: with nothing readable, an empty
    package and site); 3 with --strict, some consistency check failed. Unreadable files
    are listed in DATAPACKAGE/build_report.json.
    """
    try:
        result = build(BuildOptions(source_dir, datapackage_dir, site_dir, strict, jobs,
                                    cache_dir=None if no_cache else cache_dir, with_site=not no_site,
                                    cluster=cluster, verbose=verbose, site_config=site_config))
    except (PackageInvalid, PackageDataError, OutputRefused, ClusterError, SiteConfigError) as error:
        raise click.ClickException(printable(str(error))) from error
    if not result.headers:
        click.echo(f"budget-site build: no readable document in {printable(str(source_dir))} "
                   f"({len(result.unreadable)} unreadable); published an empty data package and site", err=True)
    sys.exit(exit_code(result, strict))
