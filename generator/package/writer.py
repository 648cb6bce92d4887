"""Write the data package: CSV per resource, datapackage.json, README.md, an Excel workbook, and
per-unit and per-disclosure zips. Every byte depends only on the records and the options, never
on the clock, so two builds give identical folders.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from generator import __version__
from generator.atomic import replace_dir
from generator.package.formats import csv_bytes, xlsx_bytes, zip_bytes
from generator.package.readme import readme_text
from generator.package.rows import (
    PER_DISCLOSURE,
    PackageDataError,
    PackageRows,
    Row,
    filtered_rows,
    package_rows,
    rows_by_disclosure,
)
from generator.package.schema import ID_PATTERN, RESOURCES, ResourceSchema
from generator.package.validation import ValidationReport, start_validation
from generator.records import CheckOutcome, Disclosure

DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARALLEL_VALIDATION_ROWS = 20_000
DEFAULT_LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                   "title": "Creative Commons Attribution 4.0"}


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
    """Path, inside the package folder, of the zip of one unit (all years)."""
    return f"downloads/units/{unit_id}.zip"


def disclosure_download(disclosure_id: str) -> str:
    """Path, inside the package folder, of the zip of one disclosure (one unit-year)."""
    return f"downloads/disclosures/{disclosure_id}.zip"


def creation_time(disclosures: Iterable[Disclosure]) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds); else 1 January of the latest budget year
    the sources cover, since the documents carry no dates of their own."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    years = [d.year for d in disclosures if d.year]
    return datetime(max(years) if years else 1980, 1, 1)


def _descriptor(rows: PackageRows, meta: PackageMeta, csvs: dict[str, bytes]) -> dict:
    resources = []
    for resource in RESOURCES:
        path = f"{resource.name}.csv"
        resources.append({
            "name": resource.name, "type": "table", "path": path, "scheme": "file", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "title": resource.title,
            "description": resource.description, "bytes": len(csvs[path]),
            "hash": "sha256:" + hashlib.sha256(csvs[path]).hexdigest(), "schema": resource.descriptor(),
        })
    sources = []
    for disclosure in rows.disclosures:
        source = {"title": disclosure.source_file, "sha256": disclosure.source_sha256}
        if disclosure.source_url:
            source["path"] = disclosure.source_url
        sources.append(source)
    publishers = sorted({(d.unit.province + d.unit.city + d.unit.county + d.unit.unit_name).strip()
                         for d in rows.disclosures} - {""})
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


@dataclass
class Slices:
    """The whole package's rows, outcomes and CSV lines by disclosure: each download is joined from
    them rather than made again from the records."""
    rows: dict[str, dict[str, list[Row]]]  # from rows_by_disclosure
    outcomes: dict[str, list[CheckOutcome]]
    csv_lines: dict[str, dict[str, bytes]]  # resource name → disclosure_id → its CSV rows, no header
    last_workbook: tuple[tuple[str, ...], bytes] = ((), b"")  # the disclosure_ids it holds, its bytes

    @classmethod
    def of(cls, rows: PackageRows) -> Slices:
        index = rows_by_disclosure(rows)
        outcomes: dict[str, list[CheckOutcome]] = {}
        for outcome in rows.outcomes:
            outcomes.setdefault(outcome.disclosure_id, []).append(outcome)
        return cls(index, outcomes, {
            resource.name: {disclosure_id: csv_bytes(resource, part, header=False)
                            for disclosure_id, part in index[resource.name].items()}
            for resource in RESOURCES if resource.name in PER_DISCLOSURE})

    def csv(self, resource: ResourceSchema, rows: PackageRows) -> bytes:
        lines = self.csv_lines.get(resource.name)
        if lines is None:
            return csv_bytes(resource, rows.rows[resource.name])
        return b"".join([csv_bytes(resource, [])] + [lines.get(d.disclosure_id, b"") for d in rows.disclosures])

    def workbook(self, rows: PackageRows, timestamp: datetime) -> bytes:
        """The zip of a unit with one year holds the same workbook as the zip of that year, made
        just before it: made once for both."""
        key = tuple(d.disclosure_id for d in rows.disclosures)
        if self.last_workbook[0] != key:
            self.last_workbook = key, xlsx_bytes(
                [(resource.name, resource.title, resource.description) for resource in RESOURCES],
                [(resource, rows.rows[resource.name]) for resource in RESOURCES], timestamp)
        return self.last_workbook[1]


def _indented_json(value: object, depth: int) -> str:
    """json.dumps(indent=2) of a value nested depth spaces deep (strings hold no raw newline)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


@functools.cache
def _schema_json(name: str) -> str:
    return _indented_json(next(r for r in RESOURCES if r.name == name).descriptor(), 6)


def _descriptor_json(descriptor: dict) -> bytes:
    """The bytes of json.dumps(descriptor, indent=2), resources last, each with its schema last;
    the schemas are rendered once, not once per download (the indenting encoder is pure Python)."""
    head = _indented_json({key: value for key, value in descriptor.items() if key != "resources"}, 0)
    resources = [_indented_json({key: value for key, value in resource.items() if key != "schema"}, 4)
                 .removesuffix("\n    }") + ',\n      "schema": ' + _schema_json(resource["name"]) + "\n    }"
                 for resource in descriptor["resources"]]
    text = head.removesuffix("\n}") + ',\n  "resources": [\n    ' + ",\n    ".join(resources) + "\n  ]\n}\n"
    return text.encode("utf-8")


def package_files(rows: PackageRows, meta: PackageMeta, slices: Slices, downloads: bool) -> dict[str, bytes]:
    """The files of the package itself, by relative path: all but its downloads (whose README
    mentions them when downloads is set)."""
    csvs = {f"{resource.name}.csv": slices.csv(resource, rows) for resource in RESOURCES}
    descriptor = _descriptor(rows, meta, csvs)
    files = dict(csvs)
    files["datapackage.json"] = _descriptor_json(descriptor)
    row_counts = {name: len(resource_rows) for name, resource_rows in rows.rows.items()}
    files["README.md"] = readme_text(descriptor, row_counts, downloads).encode("utf-8")
    files[f"{meta.name}.xlsx"] = slices.workbook(rows, meta.created)
    return files


def bulk_download(name: str) -> str:
    """The whole package as one zip, at the same name in every snapshot."""
    return f"downloads/{name}.zip"


def _bulk_zip(files: dict[str, bytes], meta: PackageMeta) -> bytes:
    """The package files with a licence note and a SHA256SUMS file to verify them."""
    members = {path: content for path, content in files.items() if not path.startswith("downloads/")}
    license_note = (f"{meta.title} — version {meta.version}\n\n"
                    f"Licensed under {meta.license.get('title', meta.license['name'])} "
                    f"({meta.license['name']}): {meta.license.get('path', '')}\n"
                    "The source documents are public budget disclosures of the units named in units.csv.\n")
    members["LICENSE.txt"] = license_note.encode("utf-8")
    sums = "".join(f"{hashlib.sha256(content).hexdigest()}  {path}\n" for path, content in sorted(members.items()))
    members["SHA256SUMS"] = sums.encode("utf-8")
    return zip_bytes(members, meta.created)


def _download_groups(rows: PackageRows) -> dict[str, tuple[str, list[Disclosure]]]:
    """Download path → (unit or disclosure id, its disclosures); refuses an id unsafe as a file name."""
    groups: dict[str, tuple[str, list[Disclosure]]] = {}
    for disclosure in rows.disclosures:
        for path_id, path in ((disclosure.unit.unit_id, unit_download(disclosure.unit.unit_id)),
                              (disclosure.disclosure_id, disclosure_download(disclosure.disclosure_id))):
            if not re.fullmatch(ID_PATTERN, path_id):
                raise PackageDataError(f"{path_id!r} is not a safe file name")
            groups.setdefault(path, (path_id, []))[1].append(disclosure)
    return groups


def _downloads(groups: dict[str, tuple[str, list[Disclosure]]], meta: PackageMeta,
               slices: Slices) -> Iterator[tuple[str, bytes]]:
    """Each download as it is made, so they need not all be in memory at once."""
    for path, (path_id, members) in groups.items():
        title = members[0].unit.unit_name + ("" if path_id == members[0].unit.unit_id else f" {members[0].year}")
        sub_meta = replace(meta, name=f"{meta.name}-{path_id}", title=f"{meta.title}：{title}",
                           description=f"{meta.description} Filtered to {path_id}.")
        sub_rows = filtered_rows(slices.rows, slices.outcomes, members)
        yield path, zip_bytes(package_files(sub_rows, sub_meta, slices, downloads=False), meta.created)


def _write(staging: Path, files: Iterable[tuple[str, bytes]]) -> None:
    for relative, content in files:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


@contextlib.contextmanager
def _validation_pool(rows: int) -> Iterator[Executor | None]:
    """A fresh process (spawned: a fork would copy the records) for a package worth it; a small one
    is validated in this process, sooner than a worker starts."""
    if rows < PARALLEL_VALIDATION_ROWS:
        yield None
        return
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def write_datapackage(disclosures: Iterable[Disclosure], outcomes: Iterable[CheckOutcome], out_dir: Path, *,
                      version: str | None = None, created: datetime | None = None,
                      name: str = "budget-disclosures", license: dict | None = None,
                      log: Callable[[str], None] = print) -> ValidationReport:
    """Write, validate, then swap in the package folder; raise PackageInvalid (leaving the previous
    folder untouched) when frictionless finds the package invalid."""
    disclosures = list(disclosures)
    rows = package_rows(disclosures, outcomes)
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
    groups = _download_groups(rows)
    slices = Slices.of(rows)
    files = package_files(rows, meta, slices, downloads=True)
    with replace_dir(Path(out_dir)) as staging:
        _write(staging, files.items())
        # Frictionless reads the package in another process while this one makes the downloads.
        with _validation_pool(sum(map(len, rows.rows.values()))) as pool:
            validated = start_validation(staging, pool)
            _write(staging, [(bulk_download(meta.name), _bulk_zip(files, meta))])
            _write(staging, _downloads(groups, meta, slices))
            report = validated()
        report.path = Path(out_dir)
        if not report.valid:
            raise PackageInvalid(report)
    log(f"data package: {report.headline()}")
    return report
