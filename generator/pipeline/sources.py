"""The input folder: which disclosures to read and what the publisher knows about them.

``source_docs/manifest.csv`` carries, per file, what a document does not always say:
province, city, county, budget year, scope (部门/单位) and the URL it was published at.
A document in the folder without a manifest row is still read; its region is then unknown.

The folder is untrusted like the documents: each entry is checked for its kind and size
before it is opened or hashed, and anything that is not a regular file inside the folder
(a FIFO, a device, a folder, a link out of it) or is over the size cap is a ``SourceProblem``,
listed as unreadable with its reason. So is every bad row of the manifest (generator.pipeline.manifest).

Files with the same value in the manifest's ``disclosure`` column are one disclosure (often
the nine tables in a workbook and the explanation in a Word file): they are read in a
defined order, workbooks first, then the others, each group by file name, and the first
is the disclosure's main file. A file without a value stands alone.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from generator.pipeline.manifest import FIX_THE_ROW, MANIFEST_NAME, ManifestProblem, parse_manifest
from generator.read.safety import LIMITS, Kind, UnreadableDocument, check_size, load, sniff

MANIFEST_FIELDS = ("file", "province", "city", "county", "year", "scope", "source_url", "note", "disclosure")
# Files in the folder that are about the documents, not documents.
NOT_DOCUMENTS = {MANIFEST_NAME, "README.md", "README.txt"}
NOT_A_FILE = "put the document itself in the folder, as a regular file"


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


@dataclass(frozen=True)
class SourceProblem:
    """An entry of the source folder, or a manifest row, that is not read, and why."""

    file: str
    reason: str
    hint: str = ""


def sha256_of(path: Path, limit: int = LIMITS.max_file_bytes) -> str:
    """The hash of a regular file of at most ``limit`` bytes (else UnreadableDocument), checked on
    the open file itself, so a file swapped for a FIFO after it was listed is not read."""
    digest = hashlib.sha256()
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableDocument(f"{_kind(info.st_mode)}, not a document file", NOT_A_FILE)
        check_size(info.st_size)
        remaining = limit + 1
        while remaining and (chunk := handle.read(min(1 << 20, remaining))):
            digest.update(chunk)
            remaining -= len(chunk)
        if not remaining:
            check_size(limit + 1)
    return digest.hexdigest()


def read_manifest(source_dir: Path, problems: list[ManifestProblem] | None = None) -> dict[str, dict[str, str]]:
    """File name → its manifest row; the rows that cannot be used are added to ``problems``."""
    return parse_manifest(source_dir, [] if problems is None else problems)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _entry_problem(path: Path, folder: Path) -> SourceProblem | None:
    """Why a folder entry is not read as a document, from its kind and size alone (nothing is
    opened): None when it is a regular file inside the folder, within the size cap."""
    if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(folder):
        return SourceProblem(path.name, "a link to a file outside the source folder", NOT_A_FILE)
    try:
        info = path.stat()
    except OSError as error:
        return SourceProblem(path.name, f"cannot be read: {error.strerror}", "check the file's permissions")
    if not stat.S_ISREG(info.st_mode):
        return SourceProblem(path.name, f"{_kind(info.st_mode)}, not a document file", NOT_A_FILE)
    try:
        check_size(info.st_size)
    except UnreadableDocument as error:
        return SourceProblem(path.name, error.reason, error.hint)
    return None


def discover_sources(source_dir: Path, problems: list[SourceProblem] | None = None) -> list[SourceDocument]:
    """Every file in the folder but hidden ones and the manifest, sorted by name.

    Files of any type are listed: the read stage reports what it cannot read rather than
    letting a document disappear silently. What is not a regular file within the size cap,
    and every manifest row that cannot be used, is added to ``problems`` instead.
    """
    found: list[SourceProblem] = [] if problems is None else problems
    manifest_problems: list[ManifestProblem] = []
    manifest = read_manifest(source_dir, manifest_problems)
    found += [SourceProblem(MANIFEST_NAME, str(problem), FIX_THE_ROW) for problem in manifest_problems]
    folder = Path(os.path.realpath(source_dir))
    documents = []
    for path in sorted(source_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith((".", "~$")) or path.name in NOT_DOCUMENTS:
            continue
        problem = _entry_problem(path, folder)
        if problem is None:
            try:
                sha256 = sha256_of(path)
            except UnreadableDocument as error:
                problem = SourceProblem(path.name, error.reason, error.hint)
            except OSError as error:
                problem = SourceProblem(path.name, f"cannot be read: {error.strerror}", "check the file's permissions")
        if problem is not None:
            found.append(problem)
            continue
        row = manifest.get(path.name, {})
        year = (row.get("year") or "").strip()
        documents.append(SourceDocument(
            path=path,
            file=path.name,
            sha256=sha256,
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
