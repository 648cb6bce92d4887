"""What is done for each document, in the workers: read → extract → the checks of one disclosure.

The records go to the record store (generator.runtime.store) from the worker itself; the worker
returns only what the build holds of them (Extracted): the build never keeps every
disclosure's records in memory at once, and they do not cross a pipe.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.check import check_across_years, check_alone, years_view
from generator.check.tally import CheckTally
from generator.contract.document import Block, Document
from generator.contract.records import CheckOutcome, Disclosure, SourceFile, TableKind, Unit
from generator.extract import extract_disclosure
from generator.pipeline.sources import SourceDocument
from generator.read import UnreadableDocument, read_document
from generator.runtime.progress import StageProgress
from generator.runtime.store import RecordStore, Store, cache_key
from generator.runtime.workers import Failure, iter_isolated


@dataclass(frozen=True)
class Unreadable:
    file: str
    reason: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class DisclosureHeader:
    """A disclosure's identity and source, without its records: what the build holds of each."""

    disclosure_id: str
    unit: Unit
    year: int
    scope: str
    published_unit: str
    source_file: str
    source_sha256: str
    source_url: str
    key: str  # what its records were made from (generator.runtime.store.cache_key): equal keys, equal records
    source_files: tuple[SourceFile, ...] = ()  # every file it was read from (Disclosure.source_files)
    template_family: str = ""
    table_status: tuple[tuple[str, str], ...] = ()  # (table, present / empty / missing / unrecognised)

    @classmethod
    def of(cls, disclosure: Disclosure, key: str) -> DisclosureHeader:
        return cls(disclosure.disclosure_id, disclosure.unit, disclosure.year, disclosure.scope,
                   disclosure.published_unit, disclosure.source_file, disclosure.source_sha256,
                   disclosure.source_url, key, tuple(disclosure.source_files), disclosure.template_family,
                   tuple((kind.value, table.status.value) for kind, table in disclosure.tables.items()))


@dataclass(frozen=True)
class Checked:
    """A disclosure with the outcomes of the rules that read it alone: the stored records."""

    disclosure: Disclosure
    outcomes: list[CheckOutcome]


@dataclass(frozen=True)
class Extracted:
    """What the build holds of a disclosure it read."""

    header: DisclosureHeader
    checks: CheckTally  # of the rules that read it alone
    first_year: list[CheckOutcome]  # the rules across years, when no earlier year of its unit is published


def read_and_extract(source: SourceDocument, conversions: Store | None = None) -> Disclosure | Unreadable:
    """``conversions``: the store keeping LibreOffice's conversions of legacy Word files."""
    if source.companions:
        joined = read_files(source, conversions)
        if isinstance(joined, Unreadable):
            return joined
        document = joined
    else:
        try:
            document = read_document(source.path, conversions=conversions)
        except UnreadableDocument as error:
            return Unreadable(source.file, error.reason, error.hint)
    disclosure = extract_disclosure(document, source)
    if not any(disclosure.table(kind) for kind in TableKind) and not disclosure.narrative.sections:
        # Published, it would be an empty unit page; a Word file of something else is a wrong input.
        return Unreadable(source.file, "not a budget disclosure: no budget table or explanation section recognised",
                          "check that the file is a 部门预算/单位预算 disclosure")
    return disclosure


def read_files(source: SourceDocument, conversions: Store | None = None) -> Document | Unreadable:
    """The files of a disclosure as one document, blocks in reading order, each table knowing
    its file. One file that cannot be read makes the disclosure unreadable, with that file's
    reason and the names of the others: half a disclosure would fail checks it does not fail."""
    files = [(source.path, source.file)] + [(companion.path, companion.file) for companion in source.companions]
    blocks: list[Block] = []
    warnings: list[str] = []
    for path, file in files:
        try:
            document = read_document(path, conversions=conversions)
        except UnreadableDocument as error:
            others = ", ".join(name for _, name in files if name != file)
            return Unreadable(file, f"{error.reason} (one file of disclosure {source.disclosure!r} with {others}; "
                                    f"none of them is published)", error.hint)
        for _, table in document.tables():
            table.source = file
        blocks.extend(document.blocks)
        warnings.extend(f"{file}: {warning}" for warning in document.warnings)
    return Document(blocks=blocks, source=source.file, warnings=warnings)


def extract_into(store: RecordStore, source: SourceDocument) -> Extracted | Unreadable:
    """Read, extract and check one document, store its records, and return what the build holds
    of it (extract_all runs this in the workers)."""
    outcome = read_and_extract(source, store.store)
    key = cache_key(source)
    if isinstance(outcome, Unreadable):
        store.put(key, outcome, outcome)
        return outcome
    return store_disclosure(store, key, outcome)


def store_disclosure(store: RecordStore, key: str, disclosure: Disclosure) -> Extracted:
    """Check a disclosure alone and store it under key; what the build holds of it."""
    checked = Checked(disclosure, check_alone(disclosure))
    extracted = Extracted(DisclosureHeader.of(disclosure, key), CheckTally.of(checked.outcomes),
                          check_across_years(disclosure, None))
    store.put(key, checked, extracted)
    store.put_derived(years_view_key(key), years_view(disclosure))
    return extracted


def years_view_key(key: str) -> str:
    """Of the store's entry of what the rules across years read of the disclosure stored under key."""
    return hashlib.sha256(f"years view\x1f{key}".encode()).hexdigest()


def extract_all(sources: Sequence[SourceDocument], jobs: int | None, store: RecordStore,
                log: Callable[[str], None] = print) -> list[Extracted | Unreadable | Failure]:
    """What the build holds of every source, in order: from the store where it holds the
    document's records, else extracted in isolated workers (generator.runtime.workers) that store them."""
    results: list[Extracted | Unreadable | Failure | None] = [store.summary(cache_key(source)) for source in sources]
    pending = [index for index, result in enumerate(results) if result is None]
    log(f"cache: {len(sources) - len(pending)} of {len(sources)} documents unchanged")
    work = functools.partial(extract_into, store)
    # Progress is seen as each document is done; the workers never wait for a batch's last one.
    with StageProgress("read+extract", len(pending), log) as progress:
        for index, outcome in zip(pending, iter_isolated(work, [sources[i] for i in pending], jobs)):
            results[index] = outcome
            progress.advance()
    return results  # type: ignore[return-value]  # every None was replaced
