"""The whole pipeline, in order: read → extract → check → package → render → site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator.extract import extract_disclosure
from generator.read import UnreadableDocument, read_document
from generator.records import CheckOutcome, Disclosure
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
    return extract_disclosure(document, source)


def build(options: BuildOptions, log: Callable[[str], None] = print) -> BuildResult:
    result = BuildResult()
    for source in discover_sources(options.source_dir):
        outcome = read_and_extract(source)
        if isinstance(outcome, Unreadable):
            result.unreadable.append(outcome)
            log(f"unreadable: {outcome.file}: {outcome.reason}" + (f" ({outcome.hint})" if outcome.hint else ""))
        else:
            result.disclosures.append(outcome)
    log(f"read {len(result.disclosures)} disclosures, {len(result.unreadable)} unreadable")
    return result
