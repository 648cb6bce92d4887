"""The record store: the read+extract result of each document (with the checks that read it
alone), kept between builds when the build has a cache folder.

An entry is keyed by everything the result depends on: the file's content hash, what the
manifest says about it (region, year, scope, URL: they enter the records), the generator
version and a hash of the code that reads, extracts and checks. Change any of them and the
document is read again; otherwise its pickled result is loaded, which takes a fraction of
a millisecond against tens of milliseconds for reading a .docx. Without a cache folder the
store is a temporary folder, so that the build still holds one unit's records at a time.

Only deterministic outcomes are stored (a Disclosure, or a file found unreadable); a
timeout or a crashed worker may be transient and is retried on the next build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import astuple, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import generator
from generator.sources import SourceDocument

DEFAULT_CACHE_DIR = Path(".cache/budget-site")
# The code whose output is cached (read, extract and the checks of one disclosure): change a line
# in any of these and every entry is stale.
EXTRACTION_CODE = ("read", "extract", "check", "document.py", "records.py", "table_specs.py", "slugs.py", "sources.py",
                   "extraction.py")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the generator version, the Python version (pickle) and the extraction code."""
    root = Path(generator.__file__).parent
    digest = hashlib.sha256(f"{generator.__version__}\x1f{sys.version_info[:2]}".encode())
    for name in EXTRACTION_CODE:
        path = root / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(root)).encode() + b"\x00" + file.read_bytes())
    return digest.hexdigest()


def cache_key(source: SourceDocument) -> str:
    """Every field of the source but its paths on disk (a moved folder stays cached): with the
    name and content hash of every file of its disclosure."""
    companions = tuple((companion.file, companion.sha256) for companion in source.companions)
    fields = (*astuple(replace(source, companions=()))[1:], companions)
    return hashlib.sha256(repr((code_version(), fields)).encode("utf-8")).hexdigest()


class RecordStore:
    """Each document's records (its Disclosure and one-disclosure check outcomes, or why it is
    unreadable) and what the build holds of them (generator.extraction.Extracted), by cache_key.

    The build holds the small part of every disclosure and loads the records of one unit at a
    time (generator.stored); written by the workers, so an entry is written aside and renamed
    (an interrupted build or two workers leave no torn entry)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str, suffix: str) -> Path:
        return self.directory / key[:2] / f"{key}{suffix}"

    def _load(self, key: str, suffix: str) -> Any | None:
        try:
            with self._path(key, suffix).open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None  # missing, damaged, or pickled by other code: made again

    def _put(self, key: str, suffix: str, value: Any) -> None:
        path = self._path(key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def summary(self, key: str) -> Any | None:
        """What the build holds of the document, when its records are stored too."""
        return self._load(key, ".summary") if self._path(key, ".pickle").is_file() else None

    def records(self, key: str) -> Any:
        records = self._load(key, ".pickle")
        if records is None:
            raise FileNotFoundError(f"the records of entry {key} in {self.directory} are missing or damaged: "
                                    f"delete that folder and build again")
        return records

    def put(self, key: str, records: Any, summary: Any) -> None:
        self._put(key, ".pickle", records)
        self._put(key, ".summary", summary)

    def derived(self, key: str) -> Any | None:
        """A result computed from stored records (e.g. checks across two years), by a key of its inputs."""
        return self._load(key, ".derived")

    def put_derived(self, key: str, value: Any) -> None:
        self._put(key, ".derived", value)

    def prune(self, keep: set[str]) -> int:
        """Remove every entry whose key is not in ``keep`` (and any file a stopped write left);
        the number of files removed."""
        return prune_entries(self.directory, keep)


def prune_records(store: RecordStore, sources: list[SourceDocument], derived: set[str]) -> int:
    """After a build: remove the store's entries that neither a source of it nor a result derived
    from them (``derived``: keys of RecordStore.derived entries) needs; the number of files removed."""
    return store.prune({cache_key(source) for source in sources} | derived)


def prune_entries(directory: Path, keep: set[str]) -> int:
    """In a cache folder of ``<key[:2]>/<key><suffix>`` files: remove those whose key is not in ``keep``."""
    removed = 0
    for path in directory.glob("*/*"):
        if path.is_file() and path.name.split(".", 1)[0] not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
