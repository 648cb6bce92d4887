"""Files a reader downloads from the site: the data package (copied in), and the dates of the sources."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from generator.package import bulk_download, database_file, disclosure_download, unit_download
from generator.package.descriptor import creation_time
from generator.render.docs_folder import DocsFolder

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.stored import Header

PACKAGE_FOLDER = "datapackage"  # inside the docs folder
# The package's README is generated from the same schemas as the data page, which shows it
# on the site; copied as a page it would claim the folder's URL. It ships in the bulk zip.
NOT_COPIED = {"README.md"}


@dataclass(frozen=True)
class Download:
    path: str  # inside the docs folder, POSIX
    label: str
    size: int
    sha256: str

    @property
    def size_text(self) -> str:
        if self.size < 1024:
            return f"{self.size} B"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.1f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


@dataclass
class DataPackage:
    descriptor: dict = field(default_factory=dict)
    files: list[Download] = field(default_factory=list)

    @property
    def resources(self) -> list[dict]:
        return list(self.descriptor.get("resources", []))

    @cached_property
    def _by_path(self) -> dict[str, Download]:
        # each unit page looks up its zips: a scan of every file per unit would be quadratic
        return {file.path: file for file in self.files}

    def _file(self, path: str, label: str) -> list[Download]:
        found = self._by_path.get(f"{PACKAGE_FOLDER}/{path}")
        return [Download(found.path, label, found.size, found.sha256)] if found else []

    def unit_downloads(self, unit_id: str) -> list[Download]:
        return self._file(unit_download(unit_id), "本单位全部年份的数据（zip：CSV、Excel 和数据字典）")

    def disclosure_downloads(self, disclosure_id: str) -> list[Download]:
        return self._file(disclosure_download(disclosure_id), "本年数据（zip：CSV、Excel 和数据字典）")

    @property
    def bulk(self) -> Download | None:
        """The package's own zip of everything, with its licence and SHA256SUMS, at a stable name."""
        name = self.descriptor.get("name")
        found = self._file(bulk_download(name), "全部数据（zip：数据包、CSV、说明、许可证和 SHA256SUMS 校验文件）") \
            if name else []
        return found[0] if found else None

    @property
    def database(self) -> Download | None:
        """The whole package as one SQLite database."""
        name = self.descriptor.get("name")
        found = self._file(database_file(name), "全部数据（SQLite 数据库：可用 sqlite3 或 Datasette 打开）") if name else []
        return found[0] if found else None

    def part(self, unit_id: str, disclosure_ids: list[str]) -> DataPackage:
        """What a unit's page reads of the package: its downloads and the bulk zip."""
        paths = {unit_download(unit_id), *map(disclosure_download, disclosure_ids),
                 *([bulk_download(self.descriptor["name"])] if self.descriptor.get("name") else [])}
        return DataPackage({key: self.descriptor[key] for key in ("name", "version") if self.descriptor.get(key)},
                           [self._by_path[found] for path in sorted(paths)
                            if (found := f"{PACKAGE_FOLDER}/{path}") in self._by_path])

    @property
    def descriptor_file(self) -> Download | None:
        return next((file for file in self.files if file.path.endswith("/datapackage.json")), None)


def read_datapackage(datapackage_dir: Path, docs: DocsFolder, digests: Mapping[str, str] | None = None,
                     database: bool = True) -> DataPackage:
    """Put the package into the docs folder (hard links where the file system allows, else
    copies: hundreds of MB at 1,000 documents; the package writer writes new files and swaps
    folders, never changing a file in place) and list its files with sizes and checksums.
    ``digests``: the SHA-256 of files by path in the package, as the package stage wrote them
    (its download zips), so that they are not read again. ``database``: False leaves out the
    SQLite database, which a worker may still be writing (with_database lists it once made)."""
    if not (datapackage_dir / "datapackage.json").exists():
        return DataPackage()
    descriptor = json.loads((datapackage_dir / "datapackage.json").read_text(encoding="utf-8"))
    # The descriptor states each CSV's SHA-256 (checked by the package's validation before it is
    # published): gigabytes at 10,000 documents, not read again here.
    stated = {resource["path"]: resource["hash"].removeprefix("sha256:") for resource in descriptor["resources"]
              if isinstance(resource.get("hash"), str) and resource["hash"].startswith("sha256:")}
    files = []
    for source in sorted(p for p in datapackage_dir.rglob("*") if p.is_file()):
        relative = source.relative_to(datapackage_dir).as_posix()
        if relative.startswith(".") or "/." in relative:
            continue
        if relative in NOT_COPIED or (not database and relative == database_file(descriptor.get("name", ""))):
            continue
        files.append(_download(docs, source, relative, stated.get(relative) or (digests or {}).get(relative)))
    return DataPackage(descriptor, files)


def with_database(package: DataPackage, datapackage_dir: Path, docs: DocsFolder,
                  digests: Mapping[str, str] | None = None) -> DataPackage:
    """``package`` (read without its database) with the SQLite database, once it is written;
    ``digests``: as read_datapackage's (the database's is taken by the worker that made it)."""
    relative = database_file(package.descriptor.get("name", ""))
    if not (datapackage_dir / relative).is_file():
        return package
    files = [*package.files, _download(docs, datapackage_dir / relative, relative, (digests or {}).get(relative))]
    return DataPackage(package.descriptor, sorted(files, key=lambda file: file.path))


def _download(docs: DocsFolder, source: Path, relative: str, digest: str | None) -> Download:
    path = f"{PACKAGE_FOLDER}/{relative}"
    return Download(path, relative, source.stat().st_size, docs.link(path, source, digest))


def source_date_epoch(disclosures: Iterable[Header]) -> int:
    """The sitemap's date: the data package's creation time (SOURCE_DATE_EPOCH, else from the
    budget years of the sources), never the time of the build."""
    return int(creation_time(disclosures).replace(tzinfo=UTC).timestamp())
