"""The docs folder, kept between builds: the render stage writes a file only when its bytes
change (an unchanged file keeps its time, so MkDocs' dirty build skips its page) and removes,
when it is done, every file it did not produce this time.

The marker file holds the files of the last render that completed, with their checksums;
it is emptied when a render starts, so files a render stopped midway may have rewritten are
never taken for the last complete render's. A file of the folder may be a hard link into the
data package: nothing here writes into an existing file; a new file is written beside it and
renamed over it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from generator.runtime.files import file_sha256, link_or_copy, remove_files, write_bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DocsFolder:
    """The files one render produces, each with the SHA-256 of its bytes (``files``)."""

    def __init__(self, root: Path, marker: str) -> None:
        """``marker``: the file that shows the render stage wrote the folder; a folder with
        files but without it is someone else's, and is refused rather than emptied."""
        if root.exists() and any(root.iterdir()) and not (root / marker).exists():
            raise ValueError(f"{root} is not empty and was not written by the render stage; not wiping it")
        self.previous = self._files_of(root / marker)
        write_bytes(root / marker, b"{}\n")
        self.root = root
        self.marker = marker
        self.files: dict[str, str] = {}

    @staticmethod
    def _files_of(marker: Path) -> dict[str, str]:
        try:
            files = json.loads(marker.read_text(encoding="utf-8")).get("files", {})
        except (OSError, ValueError, AttributeError):
            return {}
        return files if isinstance(files, dict) else {}

    def write(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        self.files[relative] = sha256(data)
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
        except FileNotFoundError:
            pass
        write_bytes(path, data)

    def write_text(self, relative: str, text: str) -> None:
        self.write(relative, text.encode("utf-8"))

    def link(self, relative: str, source: Path, digest: str | None = None) -> str:
        """``source`` at ``relative``: a hard link where the file system allows, else a copy.
        Returns the checksum of its bytes: ``digest`` when given, else read only when the file
        there is not ``source`` itself (a file linked by the last render, never written in
        place, still holds them)."""
        path = self.root / relative
        if relative in self.previous and path.exists() and os.path.samefile(source, path):
            self.files[relative] = self.previous[relative]
            return self.previous[relative]
        self.files[relative] = digest or file_sha256(source)
        link_or_copy(source, path)
        return self.files[relative]

    def keep(self, files: dict[str, str]) -> bool:
        """Keep files of the last render as they are; False (nothing kept) when one is missing or
        is not what ``files`` says."""
        root = str(self.root)
        if not all(self.previous.get(relative) == digest and os.path.isfile(os.path.join(root, relative))
                   for relative, digest in files.items()):
            return False
        self.files.update(files)
        return True

    def finish(self, state: dict) -> None:
        """Remove what this render did not produce, then the folders left empty; then write the
        marker: ``state`` with the files and their checksums. After a render that completed,
        what to remove is what it produced and this one did not; otherwise (none yet, or one
        stopped midway, which may have left anything) every file of the folder is looked at."""
        if self.previous:
            remove_files(self.root, sorted(set(self.previous) - set(self.files)))
        else:
            kept = {self.root / relative for relative in self.files} | {self.root / self.marker}
            for directory, folders, names in os.walk(self.root, topdown=False):
                for name in names:
                    if Path(directory, name) not in kept:
                        os.unlink(Path(directory, name))
                for name in folders:
                    path = Path(directory, name)
                    if not path.is_symlink() and not any(path.iterdir()):
                        path.rmdir()
        text = json.dumps({**state, "files": self.files}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_bytes(self.root / self.marker, text.encode("utf-8"))
