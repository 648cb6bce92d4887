"""Write the data package: CSV per resource, datapackage.json, README.md, an Excel workbook, an
SQLite database, and per-unit and per-disclosure zips. Every byte depends only on the records and
the options, never on the clock, so two builds give identical folders.

The work is done once per disclosure (stage.py): its CSV rows, then (from that text) its sheet
rows, both deflated once into pieces that every archive holding the disclosure reuses
(formats.Piece). With a cache folder, a disclosure's CSV text and pieces, and every download zip
(downloads.py), are kept under the hash of what they are made of (its record and check outcomes,
Records.key, and the code), so a rebuild after one document changed makes only that document's
rows and its and its unit's zips; the rest is cached bytes concatenated. The cache also records
which disclosures' rows frictionless found valid, so that the next build has it read only the
others (validation.IncrementalPlan). The descriptor and README are descriptor.py's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing
import sqlite3
from collections.abc import Callable, Iterable
from concurrent import futures
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.contract.records import CheckOutcome, Disclosure
from generator.package.database import write_database
from generator.package.descriptor import DEFAULT_LICENSE, PackageMeta, creation_time, metadata_files
from generator.package.downloads import (
    bulk_download,
    bulk_members,
    database_file,
    download_groups,
    main_workbook,
    write_downloads,
)
from generator.package.rows import PackageDataError, PackageRows, package_rows, records_of
from generator.package.stage import DownloadCache, Stage
from generator.package.validation import IncrementalPlan, ValidationReport, start_validation
from generator.package.zips import Spool, WrittenFile, zip_chunks
from generator.runtime import workers
from generator.runtime.files import file_sha256, replace_dir
from generator.runtime.memory import then_return_freed_memory

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Records


PARALLEL_VALIDATION_ROWS = 20_000


class PackageInvalid(RuntimeError):
    """The package written does not validate: the previous one is left in place."""

    def __init__(self, report: ValidationReport):
        super().__init__("the data package does not validate:\n" + report.summary())
        self.report = report


def database_with_digest(directory: Path, name: str) -> str:
    """In a worker: write the SQLite database and hash it there (the site lists its SHA-256; at
    10,000 disclosures it is 1.7 GB, which the site's process read whole to hash)."""
    return file_sha256(write_database(directory, name))


class PendingPackage:
    """A package written, to be validated: validate() starts frictionless on it in another process
    while the caller works on; wait() gives the report (validating first if not started), or raises
    PackageInvalid; leaving the with block without waiting stops waiting (a validation under way
    finishes in its process, unheeded). The SQLite database is made alike (make_database)."""

    def __init__(self, directory: Path, rows: int, log: Callable[[str], None], plan: IncrementalPlan | None = None,
                 on_valid: Callable[[], None] = lambda: None) -> None:
        self.directory = directory
        self.made: list[str] = []  # the download zips made by this build (the others came from the cache)
        # SHA-256 of the zips written, by path in the package: the site lists them without reading them again
        self.digests: dict[str, str] = {}
        self.database_error: str | None = None  # why the SQLite database could not be made
        self._rows = rows
        self._plan = plan
        self._log = log
        self._on_valid = on_valid
        self._pool: Executor | None = None
        self._report: Callable[[], ValidationReport] | None = None
        self._database: Future | None = None
        self._database_name = ""

    def _executor(self) -> Executor | None:
        """Where the database and the validation run while this process goes on: the build's pool
        (generator.runtime.workers) when one is open, else, for a package worth it, a fresh process
        (spawned: a fork would copy the records); None: in this process, sooner than a worker starts."""
        if workers.pool is not None:
            return workers.pool
        if self._pool is None and self._rows >= PARALLEL_VALIDATION_ROWS:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def validate(self) -> None:
        """Start validating, unless started."""
        if self._report is None:
            self._report = start_validation(self.directory, self._executor(), self._plan)

    def make_database(self, name: str) -> None:
        """Start making the SQLite database from the CSVs written: in a worker when there is one."""
        self._database_name = database_file(name)
        executor = self._executor()
        if executor is not None:
            self._database = executor.submit(then_return_freed_memory, database_with_digest, self.directory, name)
        else:
            self._database_made(lambda: database_with_digest(self.directory, name))

    def database_made(self) -> None:
        """Wait for the database: the site's data page lists it, and the package is published with it."""
        if self._database is not None:
            database, self._database = self._database, None
            self._database_made(database.result)

    def _database_made(self, made: Callable[[], str]) -> None:
        try:
            self.digests[self._database_name] = made()
        except sqlite3.IntegrityError as error:
            # The validation names the broken key with its row; the database says less.
            self.database_error = f"the SQLite database refused the package's rows: {error}"

    def wait(self) -> ValidationReport:
        self.validate()
        assert self._report is not None
        try:
            self.database_made()
            report = self._report()
        finally:
            self._close(wait=True)
        if not report.valid:
            raise PackageInvalid(report)
        if self.database_error is not None:
            raise PackageDataError(self.database_error)
        self._on_valid()
        self._log(f"data package: {report.headline()}")
        return report

    def _close(self, wait: bool) -> None:
        if self._database is not None and not self._database.cancel():
            # It writes into the package folder, which the caller may remove next.
            futures.wait([self._database])
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PendingPackage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close(wait=False)


def start_datapackage(records: Records, out_dir: Path, *, version: str | None = None,
                      created: datetime | None = None, name: str = "budget-disclosures", license: dict | None = None,
                      cache_dir: Path | None = None, jobs: int | None = None,
                      log: Callable[[str], None] = print) -> PendingPackage:
    """Write the package into out_dir as it goes (a staging folder the caller swaps in) and return
    it to be validated: the caller starts the validation in another process with validate() when
    a core is free (the site build leaves one), and calls wait() before publishing. The rows of the
    disclosures not in the cache are made in up to ``jobs`` worker processes (None: the CPU
    count), each loading one disclosure's records at a time: cache_dir keeps deflated rows and
    download zips for the next build (None: no cache)."""
    return _start(package_rows(records), out_dir, version=version, created=created, name=name,
                  license=license, cache_dir=cache_dir, jobs=jobs, log=log)


def _start(rows: PackageRows, out_dir: Path, *, version: str | None, created: datetime | None, name: str,
           license: dict | None, cache_dir: Path | None, log: Callable[[str], None],
           jobs: int | None = None) -> PendingPackage:
    meta = PackageMeta(
        name=name,
        title="部门预算公开数据 (Chinese budget disclosures)",
        description="Budget disclosures (部门预算/单位预算信息公开) of Chinese government departments and units: "
                    "the nine standard budget tables, the figures, projects, indicators, procurement and assets "
                    "stated in the explanation, and consistency checks. Amounts in yuan.",
        version=version or __version__,
        created=created or creation_time(rows.disclosures),
        license=license or DEFAULT_LICENSE,
    )
    download_groups(rows)  # refuses an unsafe id before anything is written
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with Spool(out_dir) as spool:
        return _write(Stage.of(rows, meta, DownloadCache(cache_dir), spool), out_dir, log, jobs)


def _write(stage: Stage, out_dir: Path, log: Callable[[str], None], jobs: int | None) -> PendingPackage:
    meta, rows = stage.meta, stage.rows
    csvs = stage.write_csvs(out_dir, jobs)
    row_counts = stage.row_counts(rows)
    files = metadata_files(rows.disclosures, meta, csvs, row_counts, downloads=True)
    for path, content in files.items():
        (out_dir / path).write_bytes(content)
    pending = PendingPackage(out_dir, sum(row_counts.values()), log, stage.validation_plan(csvs),
                             functools.partial(stage.cache.put_validated, stage.validated_now(csvs)))
    pending.digests = stage.digests  # the zips' as they are written, the database's when it is made
    with contextlib.ExitStack() as on_error:
        on_error.callback(pending.__exit__)
        # Made from the CSVs each build, streamed: the store reads an entry whole, and at scale the
        # database is the size of the CSVs. Not in the bulk zip for the same reason. A worker makes
        # it while this process makes the workbook and downloads and renders the unit pages; the
        # site's data page waits for it (database_made).
        pending.make_database(meta.name)
        workbook = WrittenFile.write(out_dir / f"{meta.name}.xlsx", main_workbook(stage))
        stage.digests[f"{meta.name}.xlsx"] = workbook.sha256
        write_downloads(stage, out_dir)
        bulk = out_dir / bulk_download(meta.name)
        bulk.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with bulk.open("wb") as handle:
            for chunk in zip_chunks(bulk_members(stage, files, csvs, workbook), meta.created):
                handle.write(chunk)
                digest.update(chunk)
        stage.digests[bulk_download(meta.name)] = digest.hexdigest()
        on_error.pop_all()
    pending.made = stage.made
    log(f"data package: {len(stage.made)} download zips made, {stage.reused} from the cache")
    return pending


def write_datapackage(disclosures: Iterable[Disclosure], outcomes: Iterable[CheckOutcome], out_dir: Path, *,
                      version: str | None = None, created: datetime | None = None,
                      name: str = "budget-disclosures", license: dict | None = None,
                      cache_dir: Path | None = None, log: Callable[[str], None] = print) -> ValidationReport:
    """Write, validate, then swap in the package folder; raise PackageInvalid (leaving the previous
    folder untouched) when frictionless finds the package invalid."""
    rows = package_rows(records_of(disclosures, outcomes))  # refuses bad records before a folder is made
    with replace_dir(Path(out_dir)) as staging:
        with _start(rows, staging, version=version, created=created, name=name, license=license,
                    cache_dir=cache_dir, log=log) as pending:
            report = pending.wait()
        report.path = Path(out_dir)
    return report
