"""The whole pipeline, in order: read → extract → check → package → render → site."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.check import summary_lines
from generator.check.tally import CheckTally
from generator.contract.records import CheckOutcome, Disclosure
from generator.history.snapshot import CHANGELOG_NAME, current_data_version
from generator.package import start_datapackage
from generator.pipeline.extraction import DisclosureHeader, Unreadable, extract_all, read_and_extract
from generator.pipeline.report import REPORT_NAME, write_report
from generator.pipeline.sources import SourceDocument, SourceProblem, discover_sources
from generator.pipeline.stored import InMemoryRecords, Records, check_records
from generator.render import render_site
from generator.runtime.cluster import ClusterError, connected
from generator.runtime.files import replace_dirs
from generator.runtime.memory import return_freed_memory
from generator.runtime.outputs import (
    Folder,
    OutputRefused,
    check_outputs,
    environment_error,
    environment_message,
    lock_outputs,
)
from generator.runtime.store import STORE, RecordStore, cache_key, code_fingerprint, open_store
from generator.runtime.workers import Failure, recycle_workers, start_workers, worker_pool
from generator.site import build_site, read_site_config
from generator.site.serve import SERVE_PORT

__all__ = ["BuildOptions", "BuildResult", "OutputRefused", "Unreadable", "build", "printable", "read_and_extract"]


@dataclass(frozen=True)
class BuildOptions:
    source_dir: Path = Path("source_docs")
    """Folder of disclosures (.docx, or the plain-text export) with its manifest.csv."""
    datapackage_dir: Path = Path("datapackage")
    """Where the Frictionless data package is written."""
    site_dir: Path = Path("site")
    """Where the static site is built."""
    strict: bool = False
    """Fail the build on failed consistency checks, not only on unreadable inputs."""
    jobs: int | None = None
    """Worker processes reading documents, making the package's rows and rendering units; None = the CPU count."""
    cache_dir: Path | None = None
    """Where the store keeps what the next build can reuse (generator.runtime.store); None = nothing kept.
    ``budget-site build`` uses .cache/budget-site unless told otherwise."""
    docs_dir: Path | None = None
    """Where the site's Markdown pages are rendered (kept between builds: a file changes only when its
    bytes do); None = build/docs beside the site."""
    with_site: bool = True
    """Render and build the static site; False publishes the data package only."""
    changelog: Path = Path(CHANGELOG_NAME)
    """The data changelog; its newest snapshot version is stamped into the package."""
    cluster: str | None = None
    """A Dask scheduler's address (or local:N) to run the per-document and per-unit work on
    (generator.runtime.cluster); None = local worker processes. Needs cache_dir, on a filesystem the workers share."""
    verbose: bool = False
    """Log each disclosure's checks and every failed check; otherwise the summary only."""
    site_config: Path | None = None
    """A YAML file whose top-level keys override the packaged mkdocs.yml's (site_name,
    site_description, copyright, site_url...); None = the defaults."""


def printable(text: str) -> str:
    """Control characters shown as escapes, so that document text or a file name in a log line
    cannot drive the terminal (clear it, set its title, reverse the text)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _printable_log(log: Callable[[str], None]) -> Callable[[str], None]:
    return lambda line: log(printable(line))


@dataclass
class BuildResult:
    headers: list[DisclosureHeader] = field(default_factory=list)  # the disclosures published, in source order
    unreadable: list[Unreadable] = field(default_factory=list)
    records: Records = field(default_factory=lambda: InMemoryRecords([], []))
    checks: CheckTally = field(default_factory=CheckTally)  # of every disclosure
    failing: int = 0  # disclosures with a failed check
    scratch: tempfile.TemporaryDirectory | None = None  # the record store of a build without a cache folder

    def load_disclosures(self) -> list[Disclosure]:
        """Every disclosure's records, loaded at once: for tests and small corpora."""
        return [self.records.load(header)[0] for header in self.headers]

    def load_outcomes(self) -> list[CheckOutcome]:
        """Every check outcome, by disclosure id: for tests and small corpora."""
        headers = sorted(self.headers, key=lambda header: header.disclosure_id)
        return [outcome for header in headers for outcome in self.records.load(header)[1]]


def _failed(source: SourceDocument, failure: Failure) -> Unreadable:
    if failure.kind == "error":
        return Unreadable(source.file, f"the generator failed on it: {failure.message}",
                          "a bug in budget-site: please report it with the file")
    if failure.kind == "memory":
        return Unreadable(source.file, f"reading stopped: {failure.message}",
                          "the file may be built to exhaust memory; open it in Word and save it again as .docx")
    return Unreadable(source.file, f"reading stopped: {failure.message}",
                      "the file may be built to hang the reader; open it in Word and save it again as .docx")


def _unreadable(result: BuildResult, unreadable: Unreadable, log: Callable[[str], None]) -> None:
    result.unreadable.append(unreadable)
    log(f"unreadable: {unreadable.file}: {unreadable.reason}" + (f" ({unreadable.hint})" if unreadable.hint else ""))


def build(options: BuildOptions, log: Callable[[str], None] = print) -> BuildResult:
    """Every stage; each line logged is made printable first (document text reaches the log).

    Raises OutputRefused, before anything is written, for outputs over the input or each other,
    or while another build holds them; and, keeping the previous outputs, for a full disk, a
    read-only file system or a refused permission. Raises ClusterError when the cluster of
    ``options.cluster`` cannot run the build."""
    outputs = [options.datapackage_dir, options.site_dir] if options.with_site else [options.datapackage_dir]
    check_outputs(_written_folders(options), _protected_folders(options), Path.cwd())
    try:
        with lock_outputs(outputs):
            if options.cluster is None:
                # One pool of workers for every stage, started once: none per batch or per stage.
                with worker_pool(options.jobs):
                    return _build(options, _printable_log(log), outputs)
            return _build_on_cluster(options, _printable_log(log), outputs)
    except Exception as error:
        cause = environment_error(error)
        if cause is None:
            raise
        raise OutputRefused(environment_message(cause)) from error


def _build_on_cluster(options: BuildOptions, log: Callable[[str], None], outputs: list[Path]) -> BuildResult:
    if options.cluster is None or options.cache_dir is None:
        raise ClusterError("a build on a cluster needs a cache folder: the workers store the records there")
    # The workers find the sources and the store by these paths, wherever they run.
    cache_dir, source_dir = options.cache_dir.resolve(), options.source_dir.resolve()
    with connected(options.cluster, cache_dir, source_dir):
        log(f"cluster: {options.cluster}")
        return _build(dataclasses.replace(options, source_dir=source_dir, cache_dir=cache_dir), log, outputs)


def _docs_dir(options: BuildOptions) -> Path:
    return options.docs_dir or options.site_dir.parent / "build" / "docs"


def _written_folders(options: BuildOptions) -> list[Folder]:
    written = [Folder("the data package folder (--datapackage)", options.datapackage_dir)]
    if options.with_site:
        written += [Folder("the site folder (--site)", options.site_dir),
                    Folder("the folder of the site's Markdown", _docs_dir(options))]
    return written


def _protected_folders(options: BuildOptions) -> list[Folder]:
    protected = [Folder("the source folder (--source)", options.source_dir)]
    if options.cache_dir is not None:
        protected.append(Folder("the cache folder (--cache-dir)", options.cache_dir))
    return protected


def _build(options: BuildOptions, log: Callable[[str], None], outputs: list[Path]) -> BuildResult:
    result = BuildResult()
    site_overrides = read_site_config(options.site_config) if options.with_site else {}
    # The server the workers are forked from imports the generator meanwhile.
    start_workers()
    problems: list[SourceProblem] = []
    sources = discover_sources(options.source_dir, problems)
    for problem in problems:
        _unreadable(result, Unreadable(problem.file, problem.reason, problem.hint), log)
    # The code is hashed afresh for each build (it may have changed since the last one in this
    # process); the stores take that fingerprint to every worker.
    code_fingerprint.cache_clear()
    kept = open_store(options.cache_dir)
    kept.begin()  # what this build does not use is pruned at its end
    if options.cache_dir is not None:
        store = RecordStore(options.cache_dir / STORE, kept.code)
    else:  # the records are stored for this build only, as long as its result is kept
        result.scratch = tempfile.TemporaryDirectory(prefix="budget-site-records-")
        store = RecordStore(Path(result.scratch.name) / STORE, kept.code)
    # Each document in its own worker: a crash or a hang costs that document, not the build.
    extracted = []
    for source, outcome in zip(sources, extract_all(sources, options.jobs, store, log)):
        if isinstance(outcome, Failure):
            if outcome.kind == "environment":
                raise OutputRefused(outcome.message)
            outcome = _failed(source, outcome)
        if isinstance(outcome, Unreadable):
            _unreadable(result, outcome, log)
        else:
            extracted.append(outcome)
    result.headers = [item.header for item in extracted]
    result.records = records = check_records(store, extracted, log, options.jobs,
                                             {cache_key(source): source for source in sources})
    tallies = {header.disclosure_id: records.checks(header)
               for header in sorted(result.headers, key=lambda header: header.disclosure_id)}
    result.checks = CheckTally.merged(tallies.values())
    result.failing = sum(1 for tally in tallies.values() if tally.count("fail"))
    if options.verbose:
        for line in summary_lines(tallies):
            log(line)
    # Both outputs are written into hidden siblings and swapped in together at the end: a build
    # that fails midway leaves the previous data package and site as they were. Frictionless
    # validates the package on a worker while MkDocs, which runs in this process alone, builds the
    # site; an invalid package raises PackageInvalid at wait(), and replace_dirs then keeps the
    # previous outputs.
    with replace_dirs(*outputs) as staged, \
            start_datapackage(records, staged[0], version=current_data_version(options.changelog),
                              cache_dir=options.cache_dir, jobs=options.jobs, log=log) as package:
        write_report(result, options.strict, staged[0])
        # Each stage's peak is freed before the next: without it, the package stage's heap (0.99 GB
        # at 10,000 disclosures) stayed beside MkDocs and Pagefind.
        return_freed_memory()
        if options.with_site:
            docs_dir = _docs_dir(options)
            render_site(records, staged[0], docs_dir, options.source_dir, options.changelog,
                        cache_dir=options.cache_dir, jobs=options.jobs, digests=package.digests,
                        database_made=package.database_made)
            return_freed_memory()
            recycle_workers()
            package.validate()
            # With a cache, the site is built from the published one when nothing site-wide changed.
            build_site(docs_dir, staged[1], published=options.site_dir, cache_dir=options.cache_dir,
                       overrides=site_overrides, jobs=options.jobs)
        package.wait()
    # What this build did not use goes: the store holds one corpus, package and site, not every past one.
    removed = kept.prune()
    if removed:
        log(f"cache: {removed} files no longer used removed")
    for line in build_summary(result, options):
        log(line)
    return result


def build_summary(result: BuildResult, options: BuildOptions) -> list[str]:
    """What a person reads at the end of a build: the documents, the checks, where the report and the site are."""
    failed = result.checks.count("fail")
    lines = [f"documents: {len(result.headers)} read, {len(result.unreadable)} unreadable",
             f"checks: {result.checks.total} run, {failed} failed in {result.failing} of {len(result.headers)} disclosures"
             + ("" if options.verbose or not failed else " (--verbose lists them)"),
             f"report: {options.datapackage_dir / REPORT_NAME}"]
    if options.with_site:
        published = os.environ.get("SITE_URL", "")  # the address it is published at (mkdocs.yml site_url)
        lines.append(f"site: {options.site_dir}/" + (f", to be published at {published}" if published else "")
                     + f" (preview: budget-site serve, then open http://127.0.0.1:{SERVE_PORT}/)")
    return [printable(line) for line in lines]
