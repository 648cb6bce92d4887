"""Write the data package: CSV per resource, datapackage.json, README.md, an Excel workbook, and
per-unit and per-disclosure zips. Every byte depends only on the records and the options, never
on the clock, so two builds give identical folders.

The work is done once per disclosure: its CSV rows, then (from that text) its sheet rows, both
deflated once into pieces that every archive holding the disclosure reuses (formats.Piece). With
a cache folder, a disclosure's CSV text and pieces, and every download zip, are kept under the
hash of what they are made of (its record and check outcomes, Records.key, and the code), so a
rebuild after one document changed makes only that document's rows and its and its unit's zips;
the rest is cached bytes concatenated. The cache also records which disclosures' rows
frictionless found valid, so that the next build has it read only the others
(validation.IncrementalPlan).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import multiprocessing
import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.contract.records import CheckOutcome, Disclosure
from generator.package.database import write_database
from generator.package.formats import (
    EXCEL_ROW_LIMIT,
    Content,
    Joined,
    Piece,
    Sheet,
    Stored,
    csv_bytes,
    csv_rows,
    sheet_head,
    sheet_rows_xml,
    text_csv,
    xlsx_bytes,
    zip_bytes,
    zip_chunks,
)
from generator.package.readme import readme_text
from generator.package.rows import (
    PER_DISCLOSURE,
    CodeNames,
    PackageDataError,
    PackageRows,
    Row,
    catalogue_rows,
    disclosure_codes,
    disclosure_order,
    disclosure_rows,
    package_rows,
    records_of,
    shared_rows,
)
from generator.package.schema import ID_PATTERN, RESOURCES, ResourceSchema
from generator.package.validation import (
    IncrementalPlan,
    Slice,
    ValidationReport,
    start_validation,
)
from generator.runtime import workers
from generator.runtime.files import link_or_copy, replace_dir
from generator.runtime.store import open_store
from generator.runtime.workers import in_background, map_parallel

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Header, Portable, Records

DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARALLEL_VALIDATION_ROWS = 20_000
# Past this share of disclosures not validated before, frictionless reads the whole package:
# the sliced package and the key check would cost about as much.
INCREMENTAL_SHARE = 0.2
DEFAULT_LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                   "title": "Creative Commons Attribution 4.0"}
RESOURCE_BY_NAME = {resource.name: resource for resource in RESOURCES}
CHECKS = RESOURCE_BY_NAME["checks"]
FAILED = "fail"
# A workbook's checks sheet would pass Excel's row limit at about 3,200 disclosures, and passed
# checks are of little use in Excel: every workbook lists the failed ones (checks.csv has all).
WORKBOOK_CHECKS_NOTE = ("工作簿只列出未通过的核对（status = fail）；全部核对结果见 checks.csv。"
                        "Workbooks list failed checks only; checks.csv has every outcome.")


class PackageInvalid(RuntimeError):
    """The package written does not validate: the previous one is left in place."""

    def __init__(self, report: ValidationReport):
        super().__init__("the data package does not validate:\n" + report.summary())
        self.report = report


@dataclass(frozen=True)
class PackageMeta:
    name: str
    title: str
    description: str
    version: str
    created: datetime  # naive UTC
    license: dict


def unit_download(unit_id: str) -> str:
    """Path, inside the package folder, of the zip of one unit (all years). For a unit with one
    year it is the same file as that year's disclosure_download (a hard link where the file
    system has them)."""
    return f"downloads/units/{unit_id}.zip"


def disclosure_download(disclosure_id: str) -> str:
    """Path, inside the package folder, of the zip of one disclosure (one unit-year)."""
    return f"downloads/disclosures/{disclosure_id}.zip"


def bulk_download(name: str) -> str:
    """The whole package as one zip, at the same name in every snapshot."""
    return f"downloads/{name}.zip"


def creation_time(disclosures: Iterable[Header]) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds); else 1 January of the latest budget year
    the sources cover, since the documents carry no dates of their own."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
    years = [d.year for d in disclosures if d.year]
    return datetime(max(years) if years else 1980, 1, 1)


@dataclass(frozen=True)
class CsvFile:
    """What the descriptor says of a CSV: its size and SHA-256."""
    size: int
    sha256: str

    @classmethod
    def of(cls, *parts: bytes) -> CsvFile:
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part)
        return cls(sum(map(len, parts)), digest.hexdigest())


def _resource_entry(resource: ResourceSchema) -> dict:
    return {"name": resource.name, "type": "table", "path": f"{resource.name}.csv", "scheme": "file",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "title": resource.title,
            "description": resource.description}


def _descriptor(disclosures: list[Header], meta: PackageMeta, csvs: dict[str, CsvFile]) -> dict:
    """The descriptor but for the resources' schemas, which _descriptor_json adds (rendered once)."""
    resources = [{**_resource_entry(resource), "bytes": csvs[resource.name].size,
                  "hash": "sha256:" + csvs[resource.name].sha256} for resource in RESOURCES]
    sources = []
    for disclosure in disclosures:
        source = {"title": disclosure.source_file, "sha256": disclosure.source_sha256}
        if disclosure.source_url:
            source["path"] = disclosure.source_url
        sources.append(source)
        # the other files of a disclosure read from several
        sources += [{"title": file.file, "sha256": file.sha256} for file in disclosure.source_files[1:]]
    publishers = sorted({(d.unit.province + d.unit.city + d.unit.county + d.unit.unit_name).strip()
                         for d in disclosures} - {""})
    return {
        "$schema": DATA_PACKAGE_PROFILE,
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "version": meta.version,
        "created": meta.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["budget", "预算公开", "部门预算", "open data"],
        "licenses": [meta.license],
        "contributors": [{"title": f"budget-site {__version__}", "roles": ["creator"]},
                         *({"title": publisher, "roles": ["publisher"]} for publisher in publishers)],
        "sources": sources,
        "resources": resources,
    }


def _indented_json(value: object, depth: int) -> str:
    """json.dumps(indent=2) of a value nested depth spaces deep (strings hold no raw newline)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


@functools.cache
def _schema_json(name: str) -> str:
    return _indented_json(RESOURCE_BY_NAME[name].descriptor(), 6)


@functools.cache
def _resource_head(name: str) -> str:
    """A resource's entry up to its size and hash (the same in every download), without the closing "," """
    return _indented_json(_resource_entry(RESOURCE_BY_NAME[name]), 4).removesuffix("\n    }") + ","


def _descriptor_json(descriptor: dict) -> bytes:
    """The bytes of json.dumps(descriptor, indent=2), resources last, each with its schema last;
    the schemas are rendered once, not once per download (the indenting encoder is pure Python)."""
    head = _indented_json({key: value for key, value in descriptor.items() if key != "resources"}, 0)
    resources = [_resource_head(resource["name"]) + f'\n      "bytes": {resource["bytes"]},\n      "hash": '
                 f'"{resource["hash"]}",\n      "schema": ' + _schema_json(resource["name"]) + "\n    }"
                 for resource in descriptor["resources"]]
    text = head.removesuffix("\n}") + ',\n  "resources": [\n    ' + ",\n    ".join(resources) + "\n  ]\n}\n"
    return text.encode("utf-8")


def _metadata_files(disclosures: list[Header], meta: PackageMeta, csvs: dict[str, CsvFile],
                    row_counts: dict[str, int], downloads: bool) -> dict[str, bytes]:
    """datapackage.json and README.md of a package whose CSVs are csvs."""
    descriptor = _descriptor(disclosures, meta, csvs)
    return {"datapackage.json": _descriptor_json(descriptor),
            "README.md": readme_text(descriptor, row_counts, downloads).encode("utf-8")}


def _readme_rows(notes: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(sheet_name(resource), f"{resource.name}.csv",
             " ".join(filter(None, (resource.description, notes.get(resource.name))))) for resource in RESOURCES]


@dataclass(frozen=True)
class Deflated:
    """One disclosure's rows of every resource kept per disclosure, deflated once: CSV rows, and
    sheet rows (of its failed checks only: see WORKBOOK_CHECKS_NOTE)."""
    csv: dict[str, Piece]
    csv_files: dict[str, CsvFile]  # the CSV of each resource in this disclosure's own download
    sheets: dict[str, Piece]
    failed_check_rows: int

    @classmethod
    def of(cls, csv_parts: dict[str, bytes]) -> Deflated:
        status, checks = CHECKS.field_names.index("status"), csv_parts[CHECKS.name]
        failed = [row for row in csv_rows(checks.decode("utf-8")) if row[status] == FAILED] \
            if f",{FAILED},".encode() in checks else []  # most disclosures fail none: no need to read them
        sheet_parts = {**csv_parts, CHECKS.name: text_csv(failed)}
        return cls({name: Piece.of(part) for name, part in csv_parts.items()},
                   {name: CsvFile.of(_header(RESOURCE_BY_NAME[name]), part) for name, part in csv_parts.items()},
                   {name: Piece.of(sheet_rows_xml(RESOURCE_BY_NAME[name].fields, part))
                    for name, part in sheet_parts.items()}, len(failed))


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

    def zip(self, key: str) -> bytes | None:
        return self.store.get("zip", key)

    def put_zip(self, key: str, data: bytes) -> None:
        self.store.put("zip", key, data)


def _key(*parts: str | bytes) -> str:
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
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # resource → disclosure_id → its rows
    keys: dict[str, str] = field(default_factory=dict)  # disclosure_id → the key of its Made
    deflated: dict[str, Deflated] = field(default_factory=dict)
    codes: dict[str, CodeNames] = field(default_factory=dict)  # disclosure_id → the codes its tables use
    crcs: dict[str, int] = field(default_factory=dict)  # CRC-32 of each resource kept per disclosure, for the bulk zip
    shared: dict[str, bytes] = field(default_factory=dict)  # resource name → CSV, for shared_csv
    made: list[str] = field(default_factory=list)  # downloads made, not taken from the cache
    reused: int = 0
    validated: Validated | None = None  # by an earlier build
    # disclosure_id → resource → (offset, length) of its rows in the CSV, for the disclosures
    # not validated before
    unvalidated: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: PackageRows, meta: PackageMeta, cache: DownloadCache) -> Stage:
        return cls(rows, meta, cache, {name: {} for name in PER_DISCLOSURE}, validated=cache.validated())

    def write_csvs(self, out_dir: Path, jobs: int | None = None) -> dict[str, CsvFile]:
        """Write the whole package's CSVs, each disclosure's rows made once (or their text and
        pieces found in the cache): written, counted, hashed, crc'd, then let go but for their
        pieces, so neither the rows nor their text are ever held for the whole package."""
        # The rows every download shares come from the code (rule and fact catalogues): they enter the keys.
        code = _key(*(csv_bytes(RESOURCE_BY_NAME[name], rows)
                                              for name, rows in zip(("check_rules", "fact_definitions"),
                                                                    catalogue_rows())))
        records = self.rows.records
        csvs = {}
        with contextlib.ExitStack() as files:
            handles = {name: files.enter_context((out_dir / f"{name}.csv").open("wb")) for name in PER_DISCLOSURE}
            digests = {name: hashlib.sha256(_header(RESOURCE_BY_NAME[name])) for name in PER_DISCLOSURE}
            sizes = {name: len(_header(RESOURCE_BY_NAME[name])) for name in PER_DISCLOSURE}
            self.crcs = {name: zlib.crc32(_header(RESOURCE_BY_NAME[name])) for name in PER_DISCLOSURE}
            for name, handle in handles.items():
                handle.write(_header(RESOURCE_BY_NAME[name]))
            for disclosure in self.rows.disclosures:
                self.keys[disclosure.disclosure_id] = _key(code, records.key(disclosure))
            # The rows not in the cache are made in worker processes, in package order, and
            # taken as they come: one disclosure's CSV text is held at a time.
            missing = [d for d in self.rows.disclosures if not self.cache.store.has("made", self.keys[d.disclosure_id])]
            made_now = map_parallel(_make, [(records.portable(d), self.keys[d.disclosure_id], self.cache)
                                            for d in missing], jobs)
            missing_ids = {d.disclosure_id for d in missing}
            for disclosure in self.rows.disclosures:
                key = self.keys[disclosure.disclosure_id]
                made = next(made_now) if disclosure.disclosure_id in missing_ids else self.cache.made(key)
                if made is None:  # there a moment ago, but damaged
                    made = _make((records.portable(disclosure), key, self.cache))
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
                self.deflated[disclosure.disclosure_id] = made.deflated
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


def _make(task: tuple[Portable, str, DownloadCache]) -> Made:
    """In a worker: a disclosure's rows, kept in the cache under key."""
    portable, key, cache = task
    made = Made.of(*portable.load())
    cache.put_made(key, made)
    return made


def _inflated(piece: Piece) -> bytes:
    return zlib.decompressobj(-15).decompress(piece.deflated)


@functools.cache
def _header(resource: ResourceSchema) -> bytes:
    return csv_bytes(resource, [])


@functools.cache
def _sheet_head(resource: ResourceSchema) -> Piece:
    return sheet_head(resource.fields)


def sheet_name(resource: ResourceSchema) -> str:
    """The resource's Chinese title (Excel: at most 31 characters, none of []:*?/\\)."""
    if len(resource.title) > 31 or set(resource.title) & set("[]:*?/\\"):
        raise ValueError(f"{resource.name}: its title cannot name a worksheet: {resource.title!r}")
    return resource.title


@functools.cache
def _header_piece(resource: ResourceSchema) -> Piece:
    return Piece.of(_header(resource))


@functools.lru_cache(maxsize=256)
def _shared_pieces(resource: ResourceSchema, data: bytes) -> tuple[Piece, Piece]:
    """CSV and sheet rows of a resource not kept per disclosure (code lists, catalogues): most
    downloads hold the same ones."""
    return Piece.of(data), Piece.of(sheet_rows_xml(resource.fields, data.split(b"\n", 1)[1]))


def _package_members(stage: Stage, members: list[Header], meta: PackageMeta) -> dict[str, Content]:
    """The files of the package filtered to members (one disclosure, or a unit's), by name."""
    sub_rows = stage.filtered(members)
    ids = [d.disclosure_id for d in sub_rows.disclosures]
    pieces = [stage.deflated[disclosure_id] for disclosure_id in ids]
    csv_members: dict[str, Content] = {}
    sheets, digests = [], {}
    for resource in RESOURCES:
        if resource.name in PER_DISCLOSURE:
            # A unit's CSV joins its years' (a tenth of the downloads): inflated again to be hashed.
            digests[resource.name] = pieces[0].csv_files[resource.name] if len(pieces) == 1 else \
                CsvFile.of(_header(resource), *(_inflated(p.csv[resource.name]) for p in pieces))
            csv_members[f"{resource.name}.csv"] = [_header_piece(resource), *(p.csv[resource.name] for p in pieces)]
            sheets.append(Sheet(sheet_name(resource), _sheet_head(resource), [p.sheets[resource.name] for p in pieces],
                                len(resource.fields)))
        else:
            data = stage.shared_csv(resource, sub_rows.shared[resource.name])
            digests[resource.name] = CsvFile.of(data)
            csv_piece, sheet_piece = _shared_pieces(resource, data)
            csv_members[f"{resource.name}.csv"] = [csv_piece]
            sheets.append(Sheet(sheet_name(resource), _sheet_head(resource), [sheet_piece], len(resource.fields)))
    files: dict[str, Content] = dict(csv_members)
    files.update(_metadata_files(sub_rows.disclosures, meta, digests, stage.row_counts(sub_rows), downloads=False))
    files[f"{meta.name}.xlsx"] = Stored(xlsx_bytes(_readme_rows({CHECKS.name: WORKBOOK_CHECKS_NOTE}), sheets,
                                                    meta.created))
    return files


def _download_groups(rows: PackageRows) -> dict[str, list[Header]]:
    """Unit id → its disclosures, in package order; refuses an id unsafe as a file name."""
    groups: dict[str, list[Header]] = {}
    for disclosure in rows.disclosures:
        for path_id in (disclosure.unit.unit_id, disclosure.disclosure_id):
            if not re.fullmatch(ID_PATTERN, path_id):
                raise PackageDataError(f"{path_id!r} is not a safe file name")
        groups.setdefault(disclosure.unit.unit_id, []).append(disclosure)
    return groups


def _write_download(stage: Stage, staging: Path, path: str, path_id: str, members: list[Header]) -> None:
    """One download zip: from the cache when the same rows, options and code made it before."""
    meta = stage.meta
    title = members[0].unit.unit_name + ("" if path_id == members[0].unit.unit_id else f" {members[0].year}")
    sub_meta = replace(meta, name=f"{meta.name}-{path_id}", title=f"{meta.title}：{title}",
                       description=f"{meta.description} Filtered to {path_id}.")
    key = _key(repr(sub_meta), path, *(stage.keys[d.disclosure_id] for d in members))
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    cached = stage.cache.zip(key)
    if cached is not None:
        target.write_bytes(cached)
        stage.reused += 1
        return
    data = zip_bytes(_package_members(stage, members, sub_meta), meta.created)
    target.write_bytes(data)
    stage.cache.put_zip(key, data)
    stage.made.append(path)


def _write_downloads(stage: Stage, staging: Path) -> None:
    for unit_id, members in _download_groups(stage.rows).items():
        for disclosure in members:
            _write_download(stage, staging, disclosure_download(disclosure.disclosure_id), disclosure.disclosure_id,
                            [disclosure])
        if len(members) == 1:
            link_or_copy(staging / disclosure_download(members[0].disclosure_id), staging / unit_download(unit_id))
        else:
            _write_download(stage, staging, unit_download(unit_id), unit_id, members)


def _main_workbook(stage: Stage) -> bytes:
    """The whole package as one workbook; a sheet that would still pass Excel's row limit is cut
    at it (said in its 说明 row; the CSVs have every row)."""
    sheets, notes = [], {CHECKS.name: WORKBOOK_CHECKS_NOTE}
    ids = [d.disclosure_id for d in stage.rows.disclosures]
    for resource in RESOURCES:
        if resource.name not in PER_DISCLOSURE:
            sheet_piece = _shared_pieces(resource, stage.shared_csv(resource, stage.rows.shared[resource.name]))[1]
            sheets.append(Sheet(sheet_name(resource), _sheet_head(resource), [sheet_piece], len(resource.fields)))
            continue
        room, pieces = EXCEL_ROW_LIMIT - 2, list[Piece]()
        for disclosure_id in ids:
            deflated = stage.deflated[disclosure_id]
            count = deflated.failed_check_rows if resource is CHECKS else stage.counts[resource.name][disclosure_id]
            if count > room:
                notes[resource.name] = (
                    f"超出 Excel 的 {EXCEL_ROW_LIMIT:,} 行上限：只列出前 {len(pieces):,} 个披露的数据，全部数据见 "
                    f"{resource.name}.csv。 Cut at Excel's row limit: the first {len(pieces):,} disclosures only; "
                    f"{resource.name}.csv has every row.")
                break
            room -= count
            pieces.append(deflated.sheets[resource.name])
        sheets.append(Sheet(sheet_name(resource), _sheet_head(resource), pieces, len(resource.fields)))
    return xlsx_bytes(_readme_rows(notes), sheets, stage.meta.created)


def _bulk_members(stage: Stage, files: dict[str, bytes], csvs: dict[str, CsvFile]) -> dict[str, Content]:
    """The package files with a licence note and a SHA256SUMS file to verify them."""
    meta = stage.meta
    license_note = (f"{meta.title} — version {meta.version}\n\n"
                    f"Licensed under {meta.license.get('title', meta.license['name'])} "
                    f"({meta.license['name']}): {meta.license.get('path', '')}\n"
                    "The source documents are public budget disclosures of the units named in units.csv.\n")
    plain = {**files, "LICENSE.txt": license_note.encode("utf-8")}
    sums = {path: hashlib.sha256(content).hexdigest() for path, content in plain.items()}
    members: dict[str, Content] = dict(plain)
    sums.update({f"{name}.csv": csv.sha256 for name, csv in csvs.items()})
    members["SHA256SUMS"] = "".join(f"{sha}  {path}\n" for path, sha in sorted(sums.items())).encode("utf-8")
    for resource in RESOURCES:
        if resource.name in PER_DISCLOSURE:
            members[f"{resource.name}.csv"] = Joined([_header_piece(resource), *(
                stage.deflated[d.disclosure_id].csv[resource.name] for d in stage.rows.disclosures)],
                stage.crcs[resource.name], csvs[resource.name].size)
        else:
            members[f"{resource.name}.csv"] = [
                _shared_pieces(resource, stage.shared_csv(resource, stage.rows.shared[resource.name]))[0]]
    members[f"{meta.name}.xlsx"] = Stored(files[f"{meta.name}.xlsx"])
    # One top-level folder: unpacking it does not scatter the package's files into the current folder.
    return {f"{meta.name}/{path}": content for path, content in members.items()}


class PendingPackage:
    """A package written, to be validated: validate() starts frictionless on it in another process
    while the caller works on; wait() gives the report (validating first if not started), or raises
    PackageInvalid; leaving the with block without waiting stops waiting (a validation under way
    finishes in its process, unheeded)."""

    def __init__(self, directory: Path, rows: int, log: Callable[[str], None], plan: IncrementalPlan | None = None,
                 on_valid: Callable[[], None] = lambda: None) -> None:
        self.directory = directory
        self.made: list[str] = []  # the download zips made by this build (the others came from the cache)
        self.database_error: str | None = None  # why the SQLite database could not be made
        self._rows = rows
        self._plan = plan
        self._log = log
        self._on_valid = on_valid
        self._pool: Executor | None = None
        self._report: Callable[[], ValidationReport] | None = None

    def validate(self) -> None:
        """Start validating: in a worker of the build's pool (generator.runtime.workers), else in a fresh
        process (spawned: a fork would copy the records), for a package worth it; a small one is
        validated in this process when waited for, sooner than a worker starts."""
        if self._report is not None:
            return
        if self._rows < PARALLEL_VALIDATION_ROWS:
            self._report = lambda: start_validation(self.directory, plan=self._plan)()
            return
        executor: Executor | None = workers.pool
        if executor is None:
            executor = self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._report = start_validation(self.directory, executor, self._plan)

    def wait(self) -> ValidationReport:
        self.validate()
        assert self._report is not None
        try:
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
    _download_groups(rows)  # refuses an unsafe id before anything is written
    stage = Stage.of(rows, meta, DownloadCache(cache_dir))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csvs = stage.write_csvs(out_dir, jobs)
    row_counts = stage.row_counts(rows)
    files = _metadata_files(rows.disclosures, meta, csvs, row_counts, downloads=True)
    for path, content in files.items():
        (out_dir / path).write_bytes(content)
    pending = PendingPackage(out_dir, sum(row_counts.values()), log, stage.validation_plan(csvs),
                             functools.partial(stage.cache.put_validated, stage.validated_now(csvs)))
    with contextlib.ExitStack() as on_error:
        on_error.callback(pending.__exit__)
        # Made from the CSVs each build, streamed: the store reads an entry whole, and at scale the
        # database is the size of the CSVs. Not in the bulk zip for the same reason. A worker makes
        # it while this process makes the workbook and downloads.
        database = in_background(write_database, out_dir, meta.name)
        files[f"{meta.name}.xlsx"] = _main_workbook(stage)
        (out_dir / f"{meta.name}.xlsx").write_bytes(files[f"{meta.name}.xlsx"])
        _write_downloads(stage, out_dir)
        bulk = out_dir / bulk_download(meta.name)
        bulk.parent.mkdir(parents=True, exist_ok=True)
        with bulk.open("wb") as handle:
            handle.writelines(zip_chunks(_bulk_members(stage, files, csvs), meta.created))
        try:
            database.result()
        except sqlite3.IntegrityError as error:
            # The validation names the broken key with its row; the database says less.
            pending.database_error = f"the SQLite database refused the package's rows: {error}"
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
