"""Where a build may write, checked before it writes anything, and what stops it there.

Each output folder is replaced whole (generator.runtime.files), so an output that is, contains or
lies inside the source folder, the other output, the cache, the Markdown folder or the
project root would delete what it covers: such outputs are refused. Two builds on the same
outputs would remove each other's staging folders: a build holds a lock on the folders its
outputs are in (``flock``, released by the system whatever way the build ends). A full
disk, a read-only file system or a refused permission stops the build with one line; the
previous outputs are kept, as for any failure (generator.runtime.files).
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

# What the system says, in the words of the one line a build stops with.
ENVIRONMENT_ERRORS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "over the disk quota",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}


class OutputRefused(Exception):
    """The build cannot write its outputs; the message is one line saying why."""


@dataclass(frozen=True)
class Folder:
    label: str  # as the message names it: "the site folder (--site)"
    path: Path


def check_outputs(outputs: Sequence[Folder], others: Sequence[Folder], root: Path) -> None:
    """Refuse an output that is, contains or lies inside another output or one of ``others``
    (the source folder, the cache…), or that is or contains the project ``root``."""
    for output in outputs:
        relation = _relation(_real(output.path), _real(root))
        if relation in ("is", "contains"):
            raise OutputRefused(f"{output.label} {output.path} {relation} the project root {root}: "
                                "it would be replaced by the output; choose another folder")
    for index, output in enumerate(outputs):
        for other in [*outputs[:index], *outputs[index + 1:], *others]:
            relation = _relation(_real(output.path), _real(other.path))
            if relation is not None:
                raise OutputRefused(f"{output.label} {output.path} {relation} {other.label} {other.path}: "
                                    "one would replace the other; choose another folder")


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _relation(path: Path, other: Path) -> str | None:
    if path == other:
        return "is"
    if other.is_relative_to(path):
        return "contains"
    if path.is_relative_to(other):
        return "lies inside"
    return None


@contextmanager
def lock_outputs(outputs: Sequence[Path]) -> Iterator[None]:
    """Hold the lock of every folder the outputs are in, or refuse at once when another build does."""
    with ExitStack() as stack:
        for parent in sorted({_real(Path(output).parent) for output in outputs}):
            parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
            stack.callback(os.close, descriptor)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputRefused(f"another build is writing outputs in {parent}; wait for it to finish "
                                    "and build again") from None
        yield


def environment_error(error: BaseException) -> OSError | None:
    """The full disk, read-only file system or refused permission behind ``error``, if any
    (a library may wrap it in its own error)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError) and current.errno in ENVIRONMENT_ERRORS:
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def environment_message(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    what = ENVIRONMENT_ERRORS.get(error.errno or 0, error.strerror or str(error))
    return f"build stopped: {what}{where}; the previous outputs are kept"
