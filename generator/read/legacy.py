"""Word 97–2003 .doc, WPS and RTF: converted to .docx by LibreOffice, then read as .docx.

Conversion runs headless with a profile of its own (LibreOffice locks a profile, so two
workers never share one), under a time limit that ends LibreOffice's whole process group,
and with a fresh profile's defaults, under which no unsigned macro runs. The .docx it
writes passes the same package guards as a published one. Results are kept in the
build's store by the input's SHA-256, so a file is converted once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from generator.read.safety import Limits, UnreadableDocument, office_program

if TYPE_CHECKING:
    from generator.runtime.store import Store

INSTALL_HINT = ("install LibreOffice (`apt-get install libreoffice-writer-nogui`) and build again, "
                "or open the file in Word and save it as .docx")
PROFILES = "office-profiles"  # beside the store: working folders, not entries
CONVERTED = "converted"  # the store's kind for conversions, by the input's SHA-256


def describe(data: bytes) -> str:
    """What the legacy file is, for messages."""
    if data.lstrip()[:5].lower() == b"{\\rtf":
        return "an RTF file"
    if "WordDocument".encode("utf-16-le") in data:
        return "a legacy Word 97–2003 .doc"
    return "a WPS/Works document"


def convert_to_docx(data: bytes, limits: Limits, store: Store | None = None) -> bytes:
    """The .docx LibreOffice makes of ``data``, from the store when converted before."""
    office = office_program()
    if office is None:
        raise UnreadableDocument(f"{describe(data)}: budget-site reads it through LibreOffice, "
                                 "which is not installed", INSTALL_HINT)
    key = hashlib.sha256(data).hexdigest()
    if store is not None and (cached := store.get(CONVERTED, key)) is not None:
        return cached
    profiles = store.directory.parent / PROFILES if store is not None and store.directory is not None else None
    with tempfile.TemporaryDirectory(prefix="budget-site-convert-") as scratch, \
            _profile(profiles, Path(scratch)) as profile:
        source = Path(scratch) / "input.doc"  # LibreOffice detects the format from the bytes
        source.write_bytes(data)
        _run([office, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--invisible", "--norestore",
              "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML", "--outdir", scratch, str(source)],
             limits.conversion_seconds, describe(data))
        result = Path(scratch) / "input.docx"
        if not result.is_file():
            raise UnreadableDocument(f"{describe(data)} that LibreOffice could not convert",
                                     "open it in Word or LibreOffice and save it as .docx")
        converted = result.read_bytes()
    if store is not None:
        store.put(CONVERTED, key, converted)
    return converted


def _run(command: list[str], seconds: float, what: str) -> None:
    """Run LibreOffice in a session of its own, so that a timeout ends every process it started."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise UnreadableDocument(f"{what} that LibreOffice did not convert within {seconds:g} s",
                                 "open it in Word or LibreOffice and save it as .docx") from None
    except BaseException:  # the worker's own time limit: LibreOffice must not outlive it
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


@contextlib.contextmanager
def _profile(folder: Path | None, scratch: Path) -> Iterator[Path]:
    """A LibreOffice profile no other process uses: in the cache's profile folder, the first
    free one of a few kept between conversions (making one takes LibreOffice ~2 s); otherwise
    a new one in ``scratch``."""
    if folder is None:
        yield scratch / "profile"
        return
    folder.mkdir(parents=True, exist_ok=True)
    slot = 0
    while True:
        with (folder / f"{slot}.lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                slot += 1
                continue
            yield folder / str(slot)
            return
