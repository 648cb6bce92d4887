"""Incremental builds: the read+extract result of each document (with the checks that read it
alone), kept between builds.

An entry is keyed by everything the result depends on: the file's content hash, what the
manifest says about it (region, year, scope, URL: they enter the records), the generator
version and a hash of the code that reads, extracts and checks. Change any of them and the
document is read again; otherwise its pickled result is loaded, which takes a fraction of
a millisecond against tens of milliseconds for reading a .docx.

Only deterministic outcomes are stored (a Disclosure, or a file found unreadable); a
timeout or a crashed worker may be transient and is retried on the next build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import astuple
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

import generator
from generator.isolation import Failure, default_jobs, map_isolated
from generator.progress import StageProgress
from generator.sources import SourceDocument

DEFAULT_CACHE_DIR = Path(".cache/budget-site")
# The code whose output is cached (read, extract and the checks of one disclosure): change a line
# in any of these and every entry is stale.
EXTRACTION_CODE = ("read", "extract", "check", "document.py", "records.py", "table_specs.py", "slugs.py", "sources.py",
                   "build.py")


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
    """Every field of the source but its path on disk (a moved folder stays cached)."""
    fields = astuple(source)[1:]
    return hashlib.sha256(repr((code_version(), fields)).encode("utf-8")).hexdigest()


class ExtractionCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, source: SourceDocument) -> Any | None:
        path = self._path(cache_key(source))
        try:
            with path.open("rb") as handle:
                outcome = pickle.load(handle)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            # A damaged entry, or one pickled by other code: read the document again.
            self.misses += 1
            return None
        self.hits += 1
        return outcome

    def put(self, source: SourceDocument, outcome: Any) -> None:
        path = self._path(cache_key(source))
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so that a build interrupted midway leaves no torn entry.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(outcome, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def map_cached(func: Callable[[SourceDocument], Any], sources: Sequence[SourceDocument], jobs: int | None,
               cache: ExtractionCache | None, log: Callable[[str], None] = print) -> list[Any]:
    """``func(source)`` for every source, in order: from the cache where it holds the result,
    else in isolated workers (generator.isolation), storing what they return."""
    results: list[Any] = [None] * len(sources)
    pending = []
    for index, source in enumerate(sources):
        cached = cache.get(source) if cache is not None else None
        if cached is None:
            pending.append(index)
        else:
            results[index] = cached
    if cache is not None and sources:
        log(f"cache: {len(sources) - len(pending)} of {len(sources)} documents unchanged")
    # Work goes to the pool in batches so that progress is seen as it happens: a batch
    # keeps every worker busy for a while, and a pool start costs little against it.
    batch_size = max(32 * (jobs or default_jobs()), len(pending) // 100)
    with StageProgress("read+extract", len(pending), log) as progress:
        for start in range(0, len(pending), batch_size):
            batch = pending[start:start + batch_size]
            for index, outcome in zip(batch, map_isolated(func, [sources[i] for i in batch], jobs)):
                results[index] = outcome
                if cache is not None and not isinstance(outcome, Failure):
                    cache.put(sources[index], outcome)
            progress.advance(len(batch))
    return results
