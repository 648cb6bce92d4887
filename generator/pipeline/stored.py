"""The disclosures a build publishes, as the stages after check take them (``Records``): every
disclosure's header and check tally at hand, its records loaded when a stage needs them.

A build's records stay in the record store (generator.runtime.store) and are loaded one unit at a
time (``StoredRecords``), so the build's memory does not grow with the records of the whole
corpus. ``InMemoryRecords`` wraps lists of records for the library functions and tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from generator.check import check_across_years, merge_outcomes, previous_years, years_view
from generator.check.tally import CheckTally
from generator.contract.records import CheckOutcome, Disclosure, records_pickler
from generator.pipeline.extraction import Checked, DisclosureHeader, Extracted, extract_into, years_view_key
from generator.pipeline.sources import SourceDocument
from generator.runtime.store import RecordStore
from generator.runtime.workers import map_parallel

# What a stage reads of a disclosure without its records; a Disclosure has all of it too.
Header = DisclosureHeader | Disclosure


class Portable(Protocol):
    """One disclosure's records, to be loaded in another process."""

    def load(self) -> tuple[Disclosure, list[CheckOutcome]]:
        """Its records and every check outcome, in rule catalogue order."""


class Records(Protocol):
    # Read-only here, so that a list of DisclosureHeader (or of Disclosure) satisfies it.
    @property
    def headers(self) -> Sequence[Header]:
        """Every disclosure, in the build's order of sources."""

    def load(self, header: Header) -> tuple[Disclosure, list[CheckOutcome]]:
        """Its records and every check outcome, in rule catalogue order."""

    def key(self, header: Header) -> str:
        """A hash that changes whenever its records or its outcomes do."""

    def checks(self, header: Header) -> CheckTally:
        """How its checks came out."""

    def portable(self, header: Header) -> Portable:
        """What loads it in a worker process."""


class _Digest:
    """A file-like hash, for a pickler to write into without the bytes being joined."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.write = self.hash.update


def records_hash(disclosure: Disclosure, outcomes: list[CheckOutcome]) -> str:
    """A hash of a disclosure's records and outcomes themselves, when nothing says what made them."""
    digest = _Digest()
    records_pickler(digest).dump((disclosure, outcomes))
    return digest.hash.hexdigest()


@dataclass(frozen=True)
class HeldDisclosure:
    disclosure: Disclosure
    outcomes: list[CheckOutcome]

    def load(self) -> tuple[Disclosure, list[CheckOutcome]]:
        return self.disclosure, self.outcomes


def load_checked(store: RecordStore, key: str, source: SourceDocument | None) -> Checked:
    """The records stored under key. The build took the document's summary without reading its
    records (RecordStore.summary): records found missing or damaged now are extracted again from
    ``source``, never used, never fatal."""
    found = store.find_records(key)
    if not isinstance(found, Checked) and source is not None:
        extract_into(store, source)
        found = store.find_records(key)
    if not isinstance(found, Checked):
        raise FileNotFoundError(f"the records of entry {key} in {store.directory} are missing or damaged")
    return found


@dataclass(frozen=True)
class StoredDisclosure:
    store: RecordStore
    key: str
    across_years: list[CheckOutcome]
    source: SourceDocument | None = None  # what its records are made again from, if damaged

    def load(self) -> tuple[Disclosure, list[CheckOutcome]]:
        checked = load_checked(self.store, self.key, self.source)
        return checked.disclosure, merge_outcomes(checked.outcomes, self.across_years)


class InMemoryRecords:
    """Records held in lists, as the library functions take them."""

    def __init__(self, disclosures: Iterable[Disclosure], outcomes: Iterable[CheckOutcome]) -> None:
        self.headers: list[Disclosure] = list(disclosures)
        self._outcomes: dict[str, list[CheckOutcome]] = {}
        for outcome in outcomes:
            self._outcomes.setdefault(outcome.disclosure_id, []).append(outcome)

    def stray_outcomes(self) -> list[CheckOutcome]:
        """Outcomes that name no disclosure held."""
        ids = {disclosure.disclosure_id for disclosure in self.headers}
        return [outcome for disclosure_id, found in self._outcomes.items() if disclosure_id not in ids
                for outcome in found]

    def load(self, header: Header) -> tuple[Disclosure, list[CheckOutcome]]:
        assert isinstance(header, Disclosure)
        return header, self._outcomes.get(header.disclosure_id, [])

    def key(self, header: Header) -> str:
        return records_hash(*self.load(header))

    def checks(self, header: Header) -> CheckTally:
        return CheckTally.of(self._outcomes.get(header.disclosure_id, []))

    def portable(self, header: Header) -> Portable:
        return HeldDisclosure(*self.load(header))


@dataclass(frozen=True)
class YearPair:
    """A disclosure and its unit's previous one, in the store, by their keys."""

    store: RecordStore
    previous: str
    current: str
    sources: tuple[SourceDocument | None, SourceDocument | None] = (None, None)  # previous, current

    @property
    def key(self) -> str:
        """Of the outcomes of the rules across years, kept in the store (RecordStore.derived)."""
        return hashlib.sha256(f"across years\x1f{self.previous}\x1f{self.current}".encode()).hexdigest()


def _years_view(store: RecordStore, key: str, source: SourceDocument | None) -> Disclosure:
    """What the rules across years read of a stored disclosure, kept beside its records when it was
    extracted: loading both records instead cost a pair 2-9 ms, the rules 0.02 ms."""
    view = store.derived(years_view_key(key))
    if view is None:  # damaged, or pruned by a build that did not read it: made again from the records
        view = years_view(load_checked(store, key, source).disclosure)
        store.put_derived(years_view_key(key), view)
    return view


def check_pair(pair: YearPair) -> list[CheckOutcome]:
    """In a worker: the rules across years on the pair, kept in the store."""
    store = pair.store
    outcomes = check_across_years(_years_view(store, pair.current, pair.sources[1]),
                                  _years_view(store, pair.previous, pair.sources[0]))
    store.put_derived(pair.key, outcomes)
    return outcomes


class StoredRecords:
    """A build's records, in its record store; the rules across years are run when it is made
    (the check stage), from the store's earlier result where both years are unchanged."""

    def __init__(self, store: RecordStore, extracted: Sequence[Extracted], log: Callable[[str], None] = print,
                 jobs: int | None = None, sources: Mapping[str, SourceDocument] | None = None) -> None:
        self.store = store
        self.sources = sources or {}  # by record key: what damaged records are made again from
        self.headers: list[DisclosureHeader] = [item.header for item in extracted]
        by_id = {header.disclosure_id: header for header in self.headers}
        previous = {disclosure_id: by_id[before.disclosure_id]
                    for disclosure_id, before in previous_years(self.headers).items()}
        self._previous_key = {disclosure_id: header.key for disclosure_id, header in previous.items()}
        self._across_years: dict[str, list[CheckOutcome]] = {}
        pending: dict[str, YearPair] = {}  # disclosure_id → its pair, not checked before
        for item in extracted:
            header = item.header
            before = previous.get(header.disclosure_id)
            if before is None:
                self._across_years[header.disclosure_id] = item.first_year
                continue
            pair = YearPair(store, before.key, header.key, (self.sources.get(before.key), self.sources.get(header.key)))
            found = store.derived(pair.key)
            if found is None:
                pending[header.disclosure_id] = pair
            else:
                self._across_years[header.disclosure_id] = found
        # Each pair not checked before loads two disclosures' records: in worker processes.
        for disclosure_id, outcomes in zip(pending, map_parallel(check_pair, list(pending.values()), jobs)):
            self._across_years[disclosure_id] = outcomes
        self._checks = {item.header.disclosure_id: CheckTally.merged(
            [item.checks, CheckTally.of(self._across_years[item.header.disclosure_id])]) for item in extracted}
        log(f"checked {len(previous)} disclosures against their unit's previous year ({len(pending)} anew)")

    def load(self, header: Header) -> tuple[Disclosure, list[CheckOutcome]]:
        return self.portable(header).load()

    def portable(self, header: Header) -> Portable:
        assert isinstance(header, DisclosureHeader)
        return StoredDisclosure(self.store, header.key, self._across_years[header.disclosure_id],
                                self.sources.get(header.key))

    def key(self, header: Header) -> str:
        assert isinstance(header, DisclosureHeader)
        # The records come from header.key, the rules across years read the previous year's too.
        return hashlib.sha256(f"{header.key}\x1f{self._previous_key.get(header.disclosure_id, '')}".encode()).hexdigest()

    def checks(self, header: Header) -> CheckTally:
        return self._checks[header.disclosure_id]


def check_records(store: RecordStore, extracted: Sequence[Extracted], log: Callable[[str], None] = print,
                  jobs: int | None = None, sources: Mapping[str, SourceDocument] | None = None) -> StoredRecords:
    """The check stage of a build: the workers ran the rules that read one disclosure; the rules
    across years run here (in up to ``jobs`` worker processes). ``sources``, by record key: what a
    disclosure whose records are found damaged is extracted again from."""
    return StoredRecords(store, extracted, log, jobs, sources)
