"""The store: everything a build keeps for the next one, in one content-addressed folder.

An entry is named by the hash of its kind, its key and the code fingerprint (``code_fingerprint``):
the caller's key covers the entry's inputs (a document's content hash and manifest fields, a
disclosure's records, a unit's pages...), the fingerprint covers the code and the libraries that
made it, so a change to either names other entries and the old ones are never read again. An
entry's file holds the SHA-256 of its content before the content itself; a read checks it, and an
entry missing, short or damaged in any way is removed and reported missing: the caller makes it
again. Nothing is ever read from the store without that check, and nothing in it is published
as it is (a hit is copied, never linked, so damage to the store cannot reach an output).

Entries are written aside and renamed (generator.runtime.files.write_bytes), so an interrupted build or
two workers leave no torn entry. Each entry read or written is touched; ``Store.prune``, called
once at the end of a build, removes every entry the build did not touch.

The kinds: ``records`` and ``summary`` (a document's read+extract result and what the build holds
of it), ``derived`` (check outcomes across two years), ``made`` (a disclosure's package rows),
``zip`` (download zips), ``validated`` (what the last valid package was made of), ``unit`` (a
unit as the render stage left it), ``jinja`` (compiled templates), ``site`` (what the published
site was built from) and ``search`` (a part of the search index: its Pagefind bundle, by the part's
pages' bytes, generator.site.search).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import os
import pickle
import sys
import time
import zlib
from dataclasses import astuple, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2.bccache import Bucket, BytecodeCache

import generator
from generator.contract.records import records_pickler
from generator.runtime.files import write_bytes

if TYPE_CHECKING:
    # Types only: generator.pipeline imports this module (no import cycle).
    from generator.pipeline.sources import SourceDocument

DEFAULT_CACHE_DIR = Path(".cache/budget-site")
STORE = "store"  # the store's folder in the cache folder: prune owns everything in it
# Every file the output is made with: the modules, and as package data of generator.site the
# templates (the theme's overrides among them) and the MkDocs defaults.
PACKAGE = Path(generator.__file__).resolve().parent
# The libraries whose version can change the bytes of a record, a package file or a page.
OUTPUT_LIBRARIES = ("python-docx", "lxml", "pdfplumber", "openpyxl", "xlrd", "frictionless", "jinja2", "markupsafe",
                    "pypinyin", "pyyaml", "mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "pygments",
                    "pagefind-bin-extended")
_MAGIC = b"budget-site store 1\n"
_DIGEST = hashlib.sha256().digest_size
_MARKER = ".build-started"


def _files(path: Path) -> list[Path]:
    return sorted(file for file in path.rglob("*") if file.is_file() and "__pycache__" not in file.parts
                  and file.suffix not in (".pyc", ".pyo"))


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of every file of the installed generator package (its modules, the site's templates
    and overrides, mkdocs.yml), and the versions of Python (pickle), zlib (deflated bytes) and
    OUTPUT_LIBRARIES: what every entry of the store was made with. A publisher's site
    configuration (--site-config) is covered by the site's own fingerprint (generator.site)."""
    digest = hashlib.sha256(repr((generator.__version__, sys.version_info[:2], zlib.ZLIB_RUNTIME_VERSION,
                                  [(name, _version(name)) for name in OUTPUT_LIBRARIES])).encode())
    for file in _files(PACKAGE):
        data = file.read_bytes()
        digest.update(f"\x1f{file.relative_to(PACKAGE.parent).as_posix()}\x1f{len(data)}\x1f".encode() + data)
    return digest.hexdigest()


def cache_key(source: SourceDocument) -> str:
    """Every field of the source but its paths on disk (a moved folder stays cached): with the
    name and content hash of every file of its disclosure."""
    companions = tuple((companion.file, companion.sha256) for companion in source.companions)
    fields = (*astuple(replace(source, companions=()))[1:], companions)
    return hashlib.sha256(repr(fields).encode("utf-8")).hexdigest()


def dumps(value: Any) -> bytes:
    """A value pickled as the store keeps it: records by their fields (contract.records.records_pickler)."""
    buffer = io.BytesIO()
    records_pickler(buffer).dump(value)
    return buffer.getvalue()


class Store:
    """Entries by kind and key, each verified when read; ``directory`` None keeps nothing (every
    read misses, writes are dropped). The code fingerprint is taken when the store is made and
    travels with it to the workers, so every process of a build names entries alike."""

    def __init__(self, directory: Path | None, code: str | None = None) -> None:
        self.directory = None if directory is None else Path(directory)
        self.code = code or code_fingerprint()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Store) and (self.directory, self.code) == (other.directory, other.code)

    def __hash__(self) -> int:
        return hash((self.directory, self.code))

    def _path(self, kind: str, key: str) -> Path | None:
        if self.directory is None:
            return None
        name = hashlib.sha256(f"{kind}\x1f{key}\x1f{self.code}".encode()).hexdigest()
        return self.directory / kind / name[:2] / name

    def get(self, kind: str, key: str) -> bytes | None:
        """The entry's content; None when it is missing or damaged (then it is removed)."""
        found = self.read(kind, key)
        return None if found is None else found[0]

    def read(self, kind: str, key: str) -> tuple[bytes, str] | None:
        """The entry's content and its SHA-256 (hex), checked; None when it is missing or damaged
        (then it is removed)."""
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head = len(_MAGIC) + _DIGEST
        content = data[head:]
        digest = hashlib.sha256(content).digest()
        if not data.startswith(_MAGIC) or digest != data[len(_MAGIC):head]:
            path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used by this build: kept by prune
        return content, digest.hex()

    def keep(self, kind: str, key: str) -> bool:
        """Mark the entry used by this build without reading it (prune keeps it); whether it is
        there. Its content is checked when it is read."""
        path = self._path(kind, key)
        if path is None:
            return False
        try:
            os.utime(path)
        except OSError:
            return False
        return True

    def has(self, kind: str, key: str) -> bool:
        """Whether the entry is there, unread: a hint for planning work; ``get`` decides."""
        path = self._path(kind, key)
        return path is not None and path.is_file()

    def put(self, kind: str, key: str, content: bytes) -> None:
        path = self._path(kind, key)
        if path is not None:
            write_bytes(path, _MAGIC + hashlib.sha256(content).digest() + content)

    def load(self, kind: str, key: str) -> Any | None:
        """A pickled entry; None when missing, damaged, or of classes that no longer load."""
        data = self.get(kind, key)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # any class or module may have changed shape since: made again
            return None

    def save(self, kind: str, key: str, value: Any) -> None:
        if self.directory is not None:
            self.put(kind, key, dumps(value))

    def begin(self) -> None:
        """Mark the start of a build: what it does not read or write from now on, prune removes."""
        if self.directory is not None:
            write_bytes(self.directory / _MARKER, str(time.time_ns()).encode())

    def prune(self) -> int:
        """Remove every entry not read or written since ``begin`` (and any file a stopped write
        left); the number of files removed. Nothing without a ``begin``."""
        if self.directory is None:
            return 0
        try:
            started = (self.directory / _MARKER).stat().st_mtime_ns
        except OSError:
            return 0
        removed = 0
        for folder, _, names in os.walk(self.directory):
            for name in names:
                path = Path(folder, name)
                if path.parent == self.directory and name == _MARKER:
                    continue
                try:
                    stale = path.stat().st_mtime_ns < started
                except OSError:
                    continue
                if stale:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed


def open_store(cache_dir: Path | None) -> Store:
    """The store of a cache folder; None: a store that keeps nothing."""
    return Store(None if cache_dir is None else Path(cache_dir) / STORE)


class StoreBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, in the store (by template and source checksum): a damaged one
    is compiled again."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get("jinja", f"{bucket.key}\x1f{bucket.checksum}")
        if data is not None:
            bucket.load_bytecode(io.BytesIO(data))

    def dump_bytecode(self, bucket: Bucket) -> None:
        compiled = io.BytesIO()
        bucket.write_bytecode(compiled)
        self.store.put("jinja", f"{bucket.key}\x1f{bucket.checksum}", compiled.getvalue())


class RecordStore:
    """Each document's records (its Disclosure and one-disclosure check outcomes, or why it is
    unreadable) and what the build holds of them (generator.pipeline.extraction.Extracted), by cache_key.

    The build holds the small part of every disclosure and loads the records of one unit at a
    time (generator.pipeline.stored); written by the workers. Without a cache folder the build gives it a
    temporary one, so that it still holds one unit's records at a time."""

    def __init__(self, directory: Path, code: str | None = None) -> None:
        self.directory = directory
        self.store = Store(directory, code)

    def summary(self, key: str) -> Any | None:
        """What the build holds of the document, when its records are stored too. The records are
        not read here (they are many times the summary's size): they are checked when a stage
        loads them, and one found damaged then is made again from its document (generator.pipeline.stored)."""
        summary = self.store.load("summary", key)
        return summary if summary is not None and self.store.keep("records", key) else None

    def records(self, key: str) -> Any:
        records = self.find_records(key)
        if records is None:
            raise FileNotFoundError(f"the records of entry {key} in {self.directory} are missing or damaged")
        return records

    def find_records(self, key: str) -> Any | None:
        """The document's records; None when missing or damaged (then removed)."""
        return self.store.load("records", key)

    def put(self, key: str, records: Any, summary: Any) -> None:
        self.store.save("records", key, records)
        self.store.save("summary", key, summary)

    def derived(self, key: str) -> Any | None:
        """A result computed from stored records (e.g. checks across two years), by a key of its inputs."""
        return self.store.load("derived", key)

    def put_derived(self, key: str, value: Any) -> None:
        self.store.save("derived", key, value)
