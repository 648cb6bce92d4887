"""The whole pipeline, in order: read → extract → check → package → render → site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator.atomic import replace_dirs
from generator.build_report import write_report
from generator.cache import ExtractionCache, map_cached
from generator.check import check_alone, run_checks, summary_lines
from generator.extract import extract_disclosure
from generator.history.snapshot import CHANGELOG_NAME, current_data_version
from generator.isolation import Failure
from generator.package import start_datapackage
from generator.read import UnreadableDocument, read_document
from generator.records import CheckOutcome, Disclosure, TableKind
from generator.render import render_site
from generator.site import build_site
from generator.sources import SourceDocument, discover_sources


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
    """Worker processes reading documents; None = the CPU count."""
    cache_dir: Path | None = None
    """Where read+extract results are kept between builds (generator.cache); None = no cache.
    ``budget-site build`` uses .cache/budget-site unless told otherwise."""
    docs_dir: Path | None = None
    """Where the site's Markdown pages are rendered (kept between builds: a file changes only when its
    bytes do); None = build/docs beside the site."""
    with_site: bool = True
    """Render and build the static site; False publishes the data package only."""
    changelog: Path = Path(CHANGELOG_NAME)
    """The data changelog; its newest snapshot version is stamped into the package."""


def printable(text: str) -> str:
    """Control characters from file names shown as escapes, so a name cannot drive the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass(frozen=True)
class Unreadable:
    file: str
    reason: str
    hint: str = ""


@dataclass
class BuildResult:
    disclosures: list[Disclosure] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    outcomes: list[CheckOutcome] = field(default_factory=list)


def read_and_extract(source: SourceDocument) -> Disclosure | Unreadable:
    try:
        document = read_document(source.path)
    except UnreadableDocument as error:
        return Unreadable(source.file, error.reason, error.hint)
    disclosure = extract_disclosure(document, source)
    if not any(disclosure.table(kind) for kind in TableKind) and not disclosure.narrative.sections:
        # Published, it would be an empty unit page; a Word file of something else is a wrong input.
        return Unreadable(source.file, "not a budget disclosure: no budget table or explanation section recognised",
                          "check that the file is a 部门预算/单位预算 disclosure")
    return disclosure


@dataclass(frozen=True)
class Checked:
    """A disclosure with the outcomes of the rules that read it alone, as a worker returns it."""

    disclosure: Disclosure
    outcomes: list[CheckOutcome]


def read_extract_and_check(source: SourceDocument) -> Checked | Unreadable:
    """The work done per document in the workers, and cached per document."""
    outcome = read_and_extract(source)
    return Checked(outcome, check_alone(outcome)) if isinstance(outcome, Disclosure) else outcome


def _failed(source: SourceDocument, failure: Failure) -> Unreadable:
    if failure.kind == "error":
        return Unreadable(source.file, f"the generator failed on it: {failure.message}",
                          "a bug in budget-site: please report it with the file")
    return Unreadable(source.file, f"reading stopped: {failure.message}",
                      "the file may be built to hang the reader; open it in Word and save it again as .docx")


def build(options: BuildOptions, log: Callable[[str], None] = print) -> BuildResult:
    result = BuildResult()
    sources = discover_sources(options.source_dir)
    # Each document in its own worker: a crash or a hang costs that document, not the build.
    cache = ExtractionCache(options.cache_dir) if options.cache_dir is not None else None
    checked_alone: dict[str, list[CheckOutcome]] = {}
    for source, outcome in zip(sources, map_cached(read_extract_and_check, sources, options.jobs, cache, log)):
        if isinstance(outcome, Failure):
            outcome = _failed(source, outcome)
        if isinstance(outcome, Unreadable):
            result.unreadable.append(outcome)
            line = f"unreadable: {outcome.file}: {outcome.reason}" + (f" ({outcome.hint})" if outcome.hint else "")
            log(printable(line))
        else:
            result.disclosures.append(outcome.disclosure)
            checked_alone[outcome.disclosure.disclosure_id] = outcome.outcomes
    log(f"read {len(result.disclosures)} disclosures, {len(result.unreadable)} unreadable")
    result.outcomes = run_checks(result.disclosures, checked_alone)
    for line in summary_lines(result.outcomes):
        log(line)
    outputs = [options.datapackage_dir, options.site_dir] if options.with_site else [options.datapackage_dir]
    # With a cache, the site is built from the published one when nothing site-wide changed.
    site_state = options.cache_dir / "site" if options.cache_dir is not None else None
    # Both outputs are written into hidden siblings and swapped in together at the end: a build
    # that fails midway leaves the previous data package and site as they were.
    with replace_dirs(*outputs) as staged:
        # Frictionless validates the package on the other core while the site is built; an invalid
        # package raises PackageInvalid at wait(), and replace_dirs then keeps the previous outputs.
        with start_datapackage(result.disclosures, result.outcomes, staged[0],
                               version=current_data_version(options.changelog), cache_dir=options.cache_dir,
                               log=log) as package:
            write_report(result, options.strict, staged[0])
            if options.with_site:
                docs_dir = options.docs_dir or options.site_dir.parent / "build" / "docs"
                render_site(result.disclosures, result.outcomes, staged[0], docs_dir, options.source_dir,
                            options.changelog, cache_dir=options.cache_dir)
                build_site(docs_dir, staged[1], published=options.site_dir, state_dir=site_state)
            package.wait()
    if options.with_site:
        log(f"site: {options.site_dir}")
    return result
