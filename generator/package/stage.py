"""What the package is made of: each disclosure's rows made once (Made: its CSV text, its rows
deflated into pieces every archive reuses, the codes it uses), kept in the store under the hash of
its records and outcomes and the code, and the package's CSVs written from them (Stage).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.contract.records import CheckOutcome, Disclosure
from generator.package.descriptor import RESOURCE_BY_NAME, CsvFile, PackageMeta
from generator.package.fields import ResourceSchema
from generator.package.formats import csv_bytes, csv_rows, sheet_rows_xml, text_csv
from generator.package.rows import (
    PER_DISCLOSURE,
    CodeNames,
    PackageRows,
    Row,
    catalogue_rows,
    disclosure_codes,
    disclosure_order,
    disclosure_rows,
    shared_rows,
)
from generator.package.schema import RESOURCES
from generator.package.validation import IncrementalPlan, Slice
from generator.package.zips import AnyPiece, Piece, Spool
from generator.runtime.store import open_store
from generator.runtime.workers import map_parallel

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Header, Portable


# Past this share of disclosures not validated before, frictionless reads the whole package:
# the sliced package and the key check would cost about as much.
INCREMENTAL_SHARE = 0.2
CHECKS = RESOURCE_BY_NAME["checks"]
FAILED = "fail"


@dataclass(frozen=True)
class Deflated:
    """One disclosure's rows of every resource kept per disclosure, deflated once: CSV rows, and
    sheet rows (of its failed checks only: see WORKBOOK_CHECKS_NOTE)."""
    csv: dict[str, AnyPiece]
    csv_files: dict[str, CsvFile]  # the CSV of each resource in this disclosure's own download
    sheets: dict[str, AnyPiece]
    failed_check_rows: int

    @classmethod
    def of(cls, csv_parts: dict[str, bytes]) -> Deflated:
        status, checks = CHECKS.field_names.index("status"), csv_parts[CHECKS.name]
        failed = [row for row in csv_rows(checks.decode("utf-8")) if row[status] == FAILED] \
            if f",{FAILED},".encode() in checks else []  # most disclosures fail none: no need to read them
        sheet_parts = {**csv_parts, CHECKS.name: text_csv(failed)}
        return cls({name: Piece.of(part) for name, part in csv_parts.items()},
                   {name: CsvFile.of(csv_header(RESOURCE_BY_NAME[name]), part) for name, part in csv_parts.items()},
                   {name: Piece.of(sheet_rows_xml(RESOURCE_BY_NAME[name].fields, part))
                    for name, part in sheet_parts.items()}, len(failed))

    def spooled(self, spool: Spool) -> Deflated:
        """The same, its pieces' bytes moved into spool."""
        return Deflated({name: spool.keep(piece) for name, piece in self.csv.items()}, self.csv_files,
                        {name: spool.keep(piece) for name, piece in self.sheets.items()}, self.failed_check_rows)


@dataclass(frozen=True)
class Validated:
    """What the last valid package was made of: each disclosure's key (Stage.keys), and the
    SHA-256 of each resource not kept per disclosure."""
    disclosures: frozenset[str]
    shared: dict[str, str]


class DownloadCache:
    """Deflated rows and download zips of earlier builds, in the store (generator.runtime.store), by the
    hash of what they are made of; ``directory`` None keeps nothing."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.store = open_store(cache_dir)

    def made(self, key: str) -> Made | None:
        made = self.store.load("made", key)
        return made if isinstance(made, Made) else None

    def put_made(self, key: str, made: Made) -> None:
        self.store.save("made", key, made)

    def validated(self) -> Validated | None:
        record = self.store.load("validated", "package")
        return record if isinstance(record, Validated) else None

    def put_validated(self, validated: Validated) -> None:
        self.store.save("validated", "package", validated)

    def zip(self, key: str) -> tuple[bytes, str] | None:
        """The zip's bytes and their SHA-256."""
        return self.store.read("zip", key)

    def put_zip(self, key: str, data: bytes) -> None:
        self.store.put("zip", key, data)


def parts_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Made:
    """What a disclosure's rows came to, as the cache keeps it: the CSV text of each resource kept
    per disclosure (rows without header), how many rows each has, their pieces, and the codes its
    tables use (for the code lists)."""
    csv: dict[str, bytes]
    counts: dict[str, int]
    deflated: Deflated
    codes: CodeNames

    @classmethod
    def of(cls, disclosure: Disclosure, outcomes: list[CheckOutcome]) -> Made:
        made = disclosure_rows(disclosure, outcomes)
        parts = {name: csv_bytes(RESOURCE_BY_NAME[name], rows, header=False) for name, rows in made.items()}
        return cls(parts, {name: len(rows) for name, rows in made.items()}, Deflated.of(parts),
                   disclosure_codes(disclosure))


@dataclass
class Stage:
    """The package's disclosures, and each one's rows deflated once: what every file is made of."""
    rows: PackageRows
    meta: PackageMeta
    cache: DownloadCache
    spool: Spool  # where the pieces of deflated are
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # resource → disclosure_id → its rows
    keys: dict[str, str] = field(default_factory=dict)  # disclosure_id → the key of its Made
    deflated: dict[str, Deflated] = field(default_factory=dict)
    codes: dict[str, CodeNames] = field(default_factory=dict)  # disclosure_id → the codes its tables use
    crcs: dict[str, int] = field(default_factory=dict)  # CRC-32 of each resource kept per disclosure, for the bulk zip
    shared: dict[str, bytes] = field(default_factory=dict)  # resource name → CSV, for shared_csv
    made: list[str] = field(default_factory=list)  # downloads made, not taken from the cache
    digests: dict[str, str] = field(default_factory=dict)  # path in the package → SHA-256 of each file known
    reused: int = 0
    validated: Validated | None = None  # by an earlier build
    # disclosure_id → resource → (offset, length) of its rows in the CSV, for the disclosures
    # not validated before
    unvalidated: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: PackageRows, meta: PackageMeta, cache: DownloadCache, spool: Spool) -> Stage:
        return cls(rows, meta, cache, spool, {name: {} for name in PER_DISCLOSURE}, validated=cache.validated())

    def write_csvs(self, out_dir: Path, jobs: int | None = None) -> dict[str, CsvFile]:
        """Write the whole package's CSVs, each disclosure's rows made once (or their text and
        pieces found in the cache): written, counted, hashed, crc'd, then let go but for their
        pieces, so neither the rows nor their text are ever held for the whole package."""
        # The rows every download shares come from the code (rule and fact catalogues): they enter the keys.
        code = parts_key(*(csv_bytes(RESOURCE_BY_NAME[name], rows)
                                              for name, rows in zip(("check_rules", "fact_definitions"),
                                                                    catalogue_rows())))
        records = self.rows.records
        csvs = {}
        with contextlib.ExitStack() as files:
            handles = {name: files.enter_context((out_dir / f"{name}.csv").open("wb")) for name in PER_DISCLOSURE}
            digests = {name: hashlib.sha256(csv_header(RESOURCE_BY_NAME[name])) for name in PER_DISCLOSURE}
            sizes = {name: len(csv_header(RESOURCE_BY_NAME[name])) for name in PER_DISCLOSURE}
            self.crcs = {name: zlib.crc32(csv_header(RESOURCE_BY_NAME[name])) for name in PER_DISCLOSURE}
            for name, handle in handles.items():
                handle.write(csv_header(RESOURCE_BY_NAME[name]))
            for disclosure in self.rows.disclosures:
                self.keys[disclosure.disclosure_id] = parts_key(code, records.key(disclosure))
            # The rows not in the cache are made in worker processes, in package order, and
            # taken as they come: one disclosure's CSV text is held at a time.
            missing = [d for d in self.rows.disclosures if not self.cache.store.has("made", self.keys[d.disclosure_id])]
            made_now = map_parallel(make_rows, [(records.portable(d), self.keys[d.disclosure_id], self.cache)
                                            for d in missing], jobs)
            missing_ids = {d.disclosure_id for d in missing}
            for disclosure in self.rows.disclosures:
                key = self.keys[disclosure.disclosure_id]
                made = next(made_now) if disclosure.disclosure_id in missing_ids else self.cache.made(key)
                if made is None:  # there a moment ago, but damaged
                    made = make_rows((records.portable(disclosure), key, self.cache))
                offsets = {}
                for name, part in made.csv.items():
                    self.counts[name][disclosure.disclosure_id] = made.counts[name]
                    handles[name].write(part)
                    digests[name].update(part)
                    self.crcs[name] = zlib.crc32(part, self.crcs[name])
                    offsets[name] = (sizes[name], len(part))
                    sizes[name] += len(part)
                if self.validated is None or key not in self.validated.disclosures:
                    self.unvalidated[disclosure.disclosure_id] = offsets
                self.deflated[disclosure.disclosure_id] = made.deflated.spooled(self.spool)
                self.codes[disclosure.disclosure_id] = made.codes
            csvs.update({name: CsvFile(sizes[name], digest.hexdigest()) for name, digest in digests.items()})
        self.rows.shared = self.shared_rows(self.rows.disclosures)
        for resource in RESOURCES:
            if resource.name not in PER_DISCLOSURE:
                data = self.shared_csv(resource, self.rows.shared[resource.name])
                (out_dir / f"{resource.name}.csv").write_bytes(data)
                csvs[resource.name] = CsvFile.of(data)
        return csvs

    def validation_plan(self, csvs: dict[str, CsvFile]) -> IncrementalPlan:
        """What frictionless must read: the rows an earlier build did not validate, or every row
        (no record of an earlier valid package, or too much changed)."""
        total = len(self.rows.disclosures)
        if self.validated is None or len(self.unvalidated) > INCREMENTAL_SHARE * total:
            return IncrementalPlan.everything([resource.name for resource in RESOURCES], total)
        slices = {name: [Slice(disclosure_id, *offsets[name]) for disclosure_id, offsets in self.unvalidated.items()]
                  for name in PER_DISCLOSURE}
        whole = tuple(name for name, shared in self.shared_hashes(csvs).items()
                      if self.validated.shared.get(name) != shared)
        return IncrementalPlan(slices, whole, len(self.unvalidated), total)

    def validated_now(self, csvs: dict[str, CsvFile]) -> Validated:
        return Validated(frozenset(self.keys.values()), self.shared_hashes(csvs))

    @staticmethod
    def shared_hashes(csvs: dict[str, CsvFile]) -> dict[str, str]:
        return {name: csv.sha256 for name, csv in csvs.items() if name not in PER_DISCLOSURE}

    def row_counts(self, rows: PackageRows) -> dict[str, int]:
        """Resource name → rows, of rows (the whole package's or a download's), in RESOURCES order."""
        return {resource.name: sum(self.counts[resource.name][d.disclosure_id] for d in rows.disclosures)
                if resource.name in PER_DISCLOSURE else len(rows.shared[resource.name]) for resource in RESOURCES}

    def shared_rows(self, members: list[Header]) -> dict[str, list[Row]]:
        return shared_rows(members, (self.codes[member.disclosure_id] for member in members))

    def filtered(self, members: list[Header]) -> PackageRows:
        """The package's rows of members only (one disclosure, or a unit's)."""
        ordered = sorted(members, key=disclosure_order)
        return PackageRows(self.rows.records, ordered, self.shared_rows(ordered))

    def shared_csv(self, resource: ResourceSchema, rows: list[Row]) -> bytes:
        """The CSV of rows of a resource not kept per disclosure; the whole package's, and the
        catalogues (the same rows in every download), are made once."""
        if rows is not self.rows.shared[resource.name]:
            return csv_bytes(resource, rows)
        if resource.name not in self.shared:
            self.shared[resource.name] = csv_bytes(resource, rows)
        return self.shared[resource.name]


def make_rows(task: tuple[Portable, str, DownloadCache]) -> Made:
    """In a worker: a disclosure's rows, kept in the cache under key."""
    portable, key, cache = task
    made = Made.of(*portable.load())
    cache.put_made(key, made)
    return made


def inflated(piece: AnyPiece) -> bytes:
    return zlib.decompressobj(-15).decompress(piece.deflated)


@functools.cache
def csv_header(resource: ResourceSchema) -> bytes:
    return csv_bytes(resource, [])


