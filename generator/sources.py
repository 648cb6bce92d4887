"""The input folder: which disclosures to read and what the publisher knows about them.

``source_docs/manifest.csv`` carries, per file, what a document does not always say:
province, city, county, budget year, scope (部门/单位) and the URL it was published at.
A document in the folder without a manifest row is still read; its region is then unknown.

Files with the same value in the manifest's ``disclosure`` column are one disclosure (often
the nine tables in a workbook and the explanation in a Word file): they are read in a
defined order, workbooks first, then the others, each group by file name, and the first
is the disclosure's main file. A file without a value stands alone.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from generator.read.safety import Kind, UnreadableDocument, load, sniff

MANIFEST_NAME = "manifest.csv"
MANIFEST_FIELDS = ("file", "province", "city", "county", "year", "scope", "source_url", "note", "disclosure")
# Files in the folder that are about the documents, not documents.
NOT_DOCUMENTS = {MANIFEST_NAME, "README.md", "README.txt"}


@dataclass(frozen=True)
class Companion:
    """Another file of the same disclosure, read after the main one."""

    path: Path
    file: str
    sha256: str


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    file: str  # name inside the source folder
    sha256: str
    province: str = ""
    city: str = ""
    county: str = ""
    year: int | None = None
    scope: str = ""
    source_url: str = ""
    note: str = ""
    in_manifest: bool = False
    disclosure: str = ""  # the manifest's grouping value, "" for a file that stands alone
    companions: tuple[Companion, ...] = ()  # the disclosure's other files, in reading order


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(source_dir: Path) -> dict[str, dict[str, str]]:
    manifest = source_dir / MANIFEST_NAME
    if not manifest.exists():
        return {}
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle) if row.get("file")}


def discover_sources(source_dir: Path) -> list[SourceDocument]:
    """Every file in the folder but hidden ones and the manifest, sorted by name.

    Files of any type are listed: the read stage reports what it cannot read rather than
    letting a document disappear silently.
    """
    manifest = read_manifest(source_dir)
    documents = []
    for path in sorted(source_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")) or not path.is_file() or path.name in NOT_DOCUMENTS:
            continue
        row = manifest.get(path.name, {})
        year = (row.get("year") or "").strip()
        documents.append(SourceDocument(
            path=path,
            file=path.name,
            sha256=sha256_of(path),
            province=row.get("province", "").strip(),
            city=row.get("city", "").strip(),
            county=row.get("county", "").strip(),
            year=int(year) if year.isdigit() else None,
            scope=row.get("scope", "").strip(),
            source_url=row.get("source_url", "").strip(),
            note=row.get("note", "").strip(),
            in_manifest=bool(row),
            disclosure=(row.get("disclosure") or "").strip(),
        ))
    return group_disclosures(documents)


def group_disclosures(documents: list[SourceDocument]) -> list[SourceDocument]:
    """One source per disclosure: files sharing a ``disclosure`` value become their main file
    (the first in reading order) with the others as its companions; the manifest row of
    the main file gives the region, year, scope and URL."""
    groups: dict[str, list[SourceDocument]] = {}
    for document in documents:
        if document.disclosure:
            groups.setdefault(document.disclosure, []).append(document)
    grouped = []
    for document in documents:
        members = groups.get(document.disclosure, [document])
        ordered = sorted(members, key=lambda member: (not _is_workbook(member.path), member.file))
        if document is ordered[0]:
            companions = tuple(Companion(m.path, m.file, m.sha256) for m in ordered[1:])
            grouped.append(replace(document, companions=companions))
    return grouped


def _is_workbook(path: Path) -> bool:
    try:
        return sniff(load(path), path.suffix) in (Kind.XLSX, Kind.XLS)
    except UnreadableDocument:
        return False
