"""The package's descriptor (datapackage.json) and README.md: its metadata, its sources and each
resource with its CSV's size, hash and Table Schema, rendered once and reused by every download."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from generator import __version__
from generator.package.fields import ResourceSchema
from generator.package.readme import readme_text
from generator.package.schema import RESOURCES

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Header


DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
DEFAULT_LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                   "title": "Creative Commons Attribution 4.0"}
RESOURCE_BY_NAME = {resource.name: resource for resource in RESOURCES}


@dataclass(frozen=True)
class PackageMeta:
    name: str
    title: str
    description: str
    version: str
    created: datetime  # naive UTC
    license: dict



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


def metadata_files(disclosures: list[Header], meta: PackageMeta, csvs: dict[str, CsvFile],
                    row_counts: dict[str, int], downloads: bool) -> dict[str, bytes]:
    """datapackage.json and README.md of a package whose CSVs are csvs."""
    descriptor = _descriptor(disclosures, meta, csvs)
    return {"datapackage.json": _descriptor_json(descriptor),
            "README.md": readme_text(descriptor, row_counts, downloads).encode("utf-8")}

