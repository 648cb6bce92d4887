"""The file helpers every stage uses: publish outputs whole or not at all, write a file
atomically, link or copy a file, remove files and the folders they leave empty. Nothing
writes into an existing file in place (a new file is renamed over it), so a file may safely
be a hard link of another.

A build that fails midway, or is killed at any
moment, leaves the previous ``datapackage/`` and ``site/`` as they were, or both new.

Each output is written into a hidden temporary sibling (same file system, so the renames
are atomic). Two folders cannot change in one rename, so the swap is journalled: once every
output is complete, a journal naming each output, its staged folder and where the old one
goes is written beside the first output (``.NAME.swap``), then the renames are done, then
the journal is removed. The next build completes a journal it finds (every staged output
was whole when it was written) before anything else, and removes the hidden folders of
earlier builds: after any kill, the next build starts from the whole previous outputs or
the whole new ones, and no staging folder outlives it. Between a kill during the renames
and the next build, the journal marks the outputs as mid-swap.

Callers hold the outputs' lock (generator.runtime.outputs) so that no other build is using the
hidden folders this removes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# mkdtemp makes folders private (0700); published folders are read by web servers.
PUBLISHED_MODE = 0o755


@dataclass(frozen=True)
class _Swap:
    """One output of a journalled swap: ``staged`` becomes ``final``; the old ``final`` moves into ``retired``."""

    final: Path
    staged: Path
    retired: Path


@contextmanager
def replace_dir(final: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``final``; when the block completes it becomes
    ``final`` (replacing the old one), when it raises it is removed and ``final`` is untouched.

        with replace_dir(options.site_dir) as out:
            write_everything_into(out)
    """
    with replace_dirs(final) as (staging,):
        yield staging


@contextmanager
def replace_dirs(*finals: Path) -> Iterator[list[Path]]:
    """``replace_dir`` for several folders that belong together (the data package and the
    site built from it): all are swapped in when the block completes, none when it raises."""
    finals = tuple(Path(os.path.abspath(final)) for final in finals)
    for final in finals:
        final.parent.mkdir(parents=True, exist_ok=True)
    recover(*finals)
    staged: list[Path] = []
    retired: list[Path] = []
    journalled = False
    try:
        for final in finals:
            staged.append(Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent)))
        yield staged
        for final, folder in zip(finals, staged):
            os.chmod(folder, PUBLISHED_MODE)
            retired.append(Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent)))
        swaps = [_Swap(*paths) for paths in zip(finals, staged, retired)]
        journal = _journal(finals[0])
        _write_journal(journal, swaps)
        # From here the new outputs are the published ones: a failure leaves the journal for the
        # next build to complete, never removes what it names.
        journalled = True
        _roll_forward(swaps)
        os.unlink(journal)
        for folder in retired:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not journalled:
            for folder in staged + retired:
                shutil.rmtree(folder, ignore_errors=True)


def recover(*finals: Path) -> None:
    """Complete the swap a killed build left journalled beside any of ``finals``, then remove
    every hidden staging or retired folder of theirs."""
    for final in finals:
        journal = _journal(final)
        if journal.exists():
            _roll_forward(_read_journal(journal))
            os.unlink(journal)
    for final in finals:
        for leftover in final.parent.glob(f".{final.name}.*"):
            if leftover.name.startswith((f".{final.name}.new-", f".{final.name}.old-")):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)


def _journal(final: Path) -> Path:
    return final.parent / f".{final.name}.swap"


def _write_journal(journal: Path, swaps: list[_Swap]) -> None:
    """Written whole or not at all: a temporary file (swept like a staging folder) renamed."""
    entries = [[str(swap.final), str(swap.staged), str(swap.retired)] for swap in swaps]
    handle, temporary = tempfile.mkstemp(prefix=f".{swaps[0].final.name}.new-", dir=journal.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"swap": entries}, out)
    os.replace(temporary, journal)


def _read_journal(journal: Path) -> list[_Swap]:
    """The swaps of a journal, each checked to be an output with its own hidden siblings: a journal
    naming anything else is refused rather than followed."""
    swaps = [_Swap(*map(Path, entry)) for entry in json.loads(journal.read_text(encoding="utf-8"))["swap"]]
    for swap in swaps:
        for folder, kind in ((swap.staged, "new"), (swap.retired, "old")):
            if folder.parent != swap.final.parent or not folder.name.startswith(f".{swap.final.name}.{kind}-"):
                raise ValueError(f"{journal}: not a swap journal of budget-site; remove it and build again")
    return swaps


def _roll_forward(swaps: list[_Swap]) -> None:
    """Each staged output renamed into place, the old one retired first; what is done already is
    skipped, so this completes a swap killed at any point."""
    for swap in swaps:
        if not swap.staged.exists():
            continue  # swapped in already
        old = swap.retired / swap.final.name
        if os.path.lexists(swap.final) and not os.path.lexists(old):
            swap.retired.mkdir(exist_ok=True)
            os.replace(swap.final, old)
        os.replace(swap.staged, swap.final)


def write_text(path: Path, text: str) -> None:
    """Write a file so that readers see the old content or the new, never a part."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """write_text of bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks: a package file can be gigabytes."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def link_or_copy(source: Path, target: Path) -> None:
    """The same bytes under a second name: a hard link where the file system allows, else a copy.
    Whatever was at ``target`` is replaced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def remove_files(root: Path, relatives: list[str]) -> None:
    """Remove these files of ``root`` and each folder they leave empty; a path that leads out of
    ``root`` is left alone (the lists come from files on disk)."""
    for relative in relatives:
        path = root / relative
        if not path.resolve().is_relative_to(root.resolve()):
            continue
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == root or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()
