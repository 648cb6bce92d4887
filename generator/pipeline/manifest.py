"""``manifest.csv`` read as untrusted input: volunteers edit it by hand, in any spreadsheet.

A bad row never stops the build: it is a ``ManifestProblem`` with its row number (the header
is row 1, as a spreadsheet shows it) and the reason, and its document is still read, then
without what that row says. Wrong shape (too few or too many fields), bytes that are not
UTF-8, an absurd year, a manifest that is a folder or a device: each is a problem, never an
exception.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.csv"
# Far above a manifest of 10,000 documents (about 2 MB).
MAX_MANIFEST_BYTES = 64 << 20
# A budget year: four digits, full-width ones too (int() of thousands of digits would raise).
YEAR = re.compile(r"\d{4}")
# The bytes that are not UTF-8, as surrogateescape decodes them.
UNDECODED = re.compile("[\udc80-\udcff]")
SHOWN_CHARACTERS = 40
# The csv module's default: far longer than any note or URL.
MAX_FIELD_CHARACTERS = 131_072
FIX_THE_ROW = "correct the row in manifest.csv (a UTF-8 CSV, one row per file)"


@dataclass(frozen=True)
class ManifestProblem:
    row: int  # 0 for the manifest as a whole
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}" if self.row else self.reason


def parse_manifest(source_dir: Path, problems: list[ManifestProblem]) -> dict[str, dict[str, str]]:
    """File name → its row (every header field a string, "" when blank); what cannot be used is
    added to ``problems``. No manifest: no rows and no problem."""
    path = Path(source_dir) / MANIFEST_NAME
    data = _load(path, problems)
    if data is None:
        return {}
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    # The limit is the csv module's, global: libraries raise it, and a manifest is read the same
    # whatever was imported before.
    previous_limit = csv.field_size_limit(MAX_FIELD_CHARACTERS)
    try:
        header = next(reader, None)
        if header is None or "file" not in header:
            problems.append(ManifestProblem(1, "no 'file' column in the header: the manifest is not used"))
            return {}
        for number, fields in enumerate(reader, start=2):
            row = _row(number, header, fields, problems)
            if row is None:
                continue
            name = row["file"]
            if name in first_row:
                problems.append(ManifestProblem(number, f"a second row for {_shown(name)}; row "
                                                        f"{first_row[name]} is used"))
                continue
            first_row[name] = number
            rows[name] = row
    except csv.Error as error:  # a field past the csv module's size limit, a quote never closed
        problems.append(ManifestProblem(reader.line_num, f"not readable as CSV from here on ({error})"))
    finally:
        csv.field_size_limit(previous_limit)
    return rows


def _load(path: Path, problems: list[ManifestProblem]) -> bytes | None:
    """The manifest's bytes when it is a regular file within the size cap; checked before
    opening, so a FIFO or a device is never read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        problems.append(ManifestProblem(0, f"{MANIFEST_NAME} cannot be read: {error.strerror}"))
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        problems.append(ManifestProblem(0, f"{MANIFEST_NAME} is {kind}: the manifest is not used"))
        return None
    if info.st_size > MAX_MANIFEST_BYTES:
        problems.append(ManifestProblem(0, f"{MANIFEST_NAME} is {info.st_size:,} bytes, over the "
                                           f"{MAX_MANIFEST_BYTES:,}-byte limit: the manifest is not used"))
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            return handle.read(MAX_MANIFEST_BYTES + 1)[:MAX_MANIFEST_BYTES]
    except OSError as error:
        problems.append(ManifestProblem(0, f"{MANIFEST_NAME} cannot be read: {error.strerror}"))
        return None


def _row(number: int, header: list[str], fields: list[str], problems: list[ManifestProblem]) -> dict[str, str] | None:
    """A row's fields by column, or None (with a problem) when the row cannot be used."""
    if not any(field.strip() for field in fields):
        return None  # a blank line
    if len(fields) != len(header):
        amount = "too few" if len(fields) < len(header) else "too many"
        problems.append(ManifestProblem(number, f"{amount} fields ({len(fields)}, the header has {len(header)}); "
                                                "the row is not used"))
        return None
    undecoded = next((column for column, field in zip(header, fields) if UNDECODED.search(field)), None)
    if undecoded is not None:
        problems.append(ManifestProblem(number, f"not UTF-8 (in the {_shown(undecoded)} field); the row is not used"))
        return None
    row = {column: field.strip() for column, field in zip(header, fields)}
    if not row["file"]:
        problems.append(ManifestProblem(number, "no file name; the row is not used"))
        return None
    year = row.get("year", "")
    if year and not YEAR.fullmatch(year):
        problems.append(ManifestProblem(number, f"year {_shown(year)} is not a year; read as unknown"))
        row["year"] = ""
    elif year:
        row["year"] = str(int(year))
    return row


def _shown(text: str) -> str:
    return repr(text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…")
