"""The file helpers every stage uses: publish a folder whole or not at all, write a file
atomically, link or copy a file, remove files and the folders they leave empty.

A build that fails midway leaves the previous ``datapackage/`` and ``site/`` as they were:
each output is written into a hidden temporary sibling (same file system, so the final
rename is atomic) and swapped in only once it is complete. Nothing writes into an existing
file in place (a new file is renamed over it), so a file may safely be a hard link of another.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

# mkdtemp makes folders private (0700); published folders are read by web servers.
PUBLISHED_MODE = 0o755


@contextmanager
def replace_dir(final: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``final``; when the block completes it becomes
    ``final`` (replacing the old one), when it raises it is removed and ``final`` is untouched.

        with replace_dir(options.site_dir) as out:
            write_everything_into(out)
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent))
    try:
        yield staging
        os.chmod(staging, PUBLISHED_MODE)
        _swap(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, final: Path) -> None:
    """Two renames: the old folder is moved aside, then the new one takes its name."""
    if not final.exists():
        os.replace(staging, final)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
    os.replace(final, retired / final.name)
    os.replace(staging, final)
    shutil.rmtree(retired, ignore_errors=True)


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


@contextmanager
def replace_dirs(*finals: Path) -> Iterator[list[Path]]:
    """``replace_dir`` for several folders that belong together (the data package and the
    site built from it): all are swapped in when the block completes, none when it raises."""
    with ExitStack() as stack:
        yield [stack.enter_context(replace_dir(final)) for final in finals]


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
