"""Guards that run before any parser sees an input file.

Disclosures come from government websites and volunteers: a file may be empty, cut off,
a legacy .doc, an HTML error page saved as .docx, or built to hurt the reader (a zip
bomb, an XML entity pointing at a local file). Every file is loaded once, with a size
cap, and sniffed by its bytes, never by its name; a Word package is checked from its
zip directory before anything is inflated.

A part declaring a DTD is refused outright: the package format forbids DTDs, so one is
there to attack. Every part is asked of the XML parser (``check_no_dtd``; a UTF-8 part whose
root follows its declaration has no room for one), so neither its name nor its encoding can
hide one from a reader that follows the relationships to it;
the readers' parsers are safe on their own too, with entities, DTD loading and network off.

The directory's sizes are checked first (so a bomb is refused without inflating it), then
every part is inflated once with its output bounded by its declared size and checked
against it, so a directory that lies is caught too, after at most the declared bytes.
The reader works on these inflated parts: nothing is inflated twice.
"""

from __future__ import annotations

import re
import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from io import BytesIO
from pathlib import Path
from typing import IO

from lxml import etree

MB = 1 << 20

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_PART = "word/document.xml"
WORKBOOK_PART = "xl/workbook.xml"
# What a package is called in a reason, by the part it must hold.
FORMAT_NAME = {MAIN_PART: "Word document", WORKBOOK_PART: "Excel workbook"}
SAVE_AS = {MAIN_PART: "open it in Word, remove the password and save it as .docx",
           WORKBOOK_PART: "open it in Excel, remove the password and save it as .xlsx"}
LOCAL_HEADER_SIZE = 30
# Word writes entries stored or deflated; anything else is not from an Office program.
WORD_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

# Parts are fed to the DTD check this much at a time, until the root element starts.
PROLOG_CHUNK = 4096
# An XML declaration (or processing instruction) up to its end, then only whitespace and a
# start tag's "<" and first name character: the root element, before which any DTD must come.
ROOT_AFTER_DECLARATION = re.compile(rb"<\?xml[^>]*?\?>[ \t\r\n]*<[A-Za-z_:\x80-\xff]")
DECLARED_ENCODING = re.compile(rb"""encoding[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""")

DOWNLOAD_AGAIN = "download it again from the publisher's site"
DO_NOT_OPEN = "a real disclosure never looks like this; do not open the file, ask the publisher for a clean copy"


class UnreadableDocument(Exception):
    """A file that is not a readable disclosure; ``hint`` tells the publisher what to do."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


@dataclass(frozen=True)
class Limits:
    """Far above any real disclosure (the corpus: ≤ 36 kB files, ≤ 1.2 MB inflated, ratio ≤ 37)."""

    max_file_bytes: int = 50 * MB
    max_zip_entries: int = 1000
    max_uncompressed_bytes: int = 256 * MB
    max_part_bytes: int = 128 * MB
    max_ratio: int = 200
    # A small entry may compress very well (a blank styles part) and is harmless.
    ratio_floor_bytes: int = 1 * MB
    max_text_bytes: int = 20 * MB
    # The longest corpus disclosure prints on 30 pages; a dense A4 page holds ~3,000 characters.
    max_pdf_pages: int = 500
    max_pdf_page_chars: int = 100_000
    # LibreOffice converts a corpus document in ~0.5 s; under the worker's 60 s per document.
    conversion_seconds: float = 40.0
    # The grid a table asks for (w:gridSpan, w:gridBefore/After): Word itself stops at 63 columns.
    # Checked before the grid is laid out, so a span of 10^8 costs nothing.
    max_table_columns: int = 1000
    max_table_cells: int = 2_000_000
    # Workbooks: a budget workbook has a dozen sheets of a few hundred cells.
    max_sheets: int = 200
    max_sheet_cells: int = 1_000_000  # rows × columns of the grid a sheet's text spans
    max_workbook_cells: int = 2_000_000  # cells the reader makes, all sheets together


LIMITS = Limits()


class Kind(Enum):
    DOCX = "docx"
    TEXT = "text"
    PDF = "pdf"
    LEGACY = "legacy"  # Word 97–2003 .doc, WPS or RTF: read after LibreOffice converts it
    XLSX = "xlsx"
    XLS = "xls"


def load(path: Path, limits: Limits = LIMITS) -> bytes:
    """The file's bytes, refused before reading when over the size cap."""
    check_size(path.stat().st_size, limits)
    with path.open("rb") as handle:
        return handle.read(limits.max_file_bytes + 1)


def load_stream(stream: IO[bytes], limits: Limits = LIMITS) -> bytes:
    """A stream's bytes, read no further than one byte past the size cap."""
    data = stream.read(limits.max_file_bytes + 1)
    check_size(len(data), limits)
    return data


def check_size(size: int, limits: Limits = LIMITS) -> None:
    if size == 0:
        raise UnreadableDocument("empty file (0 bytes)", DOWNLOAD_AGAIN)
    if size > limits.max_file_bytes:
        raise UnreadableDocument(f"file is {size:,} bytes, over the {limits.max_file_bytes:,}-byte limit",
                                 "check that this is the disclosure itself, not an archive or a scan")


def sniff(data: bytes, suffix: str) -> Kind:
    """What the bytes are; the name only decides between the text export and nothing, and
    names the format of an encrypted Office file (its bytes do not tell Word from Excel)."""
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(OLE2_MAGIC):
        if _is_ole2_workbook(data):
            return Kind.XLS
        return _ole2(data, suffix)
    # The PDF header may follow up to 1 kB of junk (ISO 32000-1, annex H).
    if b"%PDF-" in data[:1024]:
        return Kind.PDF
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise UnreadableDocument("an HTML page, not a Word document",
                                 "the download probably saved the website's page; " + DOWNLOAD_AGAIN)
    if head.startswith(b"{\\rtf"):
        return Kind.LEGACY
    if suffix.lower() == ".txt":
        return Kind.TEXT
    raise UnreadableDocument("not a Word document, PDF or Excel workbook, nor the plain-text export (.txt)",
                             "budget-site reads .docx, PDF, .doc/.wps/.rtf (through LibreOffice), .xlsx and .xls; "
                             + DOWNLOAD_AGAIN)


def _zip_kind(data: bytes) -> Kind:
    """A workbook holds xl/workbook.xml and no Word main part; any other zip is checked as Word."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        # A cut-off zip has lost its directory, not its local headers: the parts they name before
        # the cut tell a workbook, so that check_package names the format it says is damaged.
        folders = {name.split("/", 1)[0] for name in _local_names(data)}
        return Kind.XLSX if "xl" in folders and "word" not in folders else Kind.DOCX
    return Kind.XLSX if WORKBOOK_PART in names and MAIN_PART not in names else Kind.DOCX


def _local_names(data: bytes) -> Iterator[str]:
    """The part names of the zip's local headers, in file order."""
    start = data.find(ZIP_MAGIC[0])
    while start != -1 and start + LOCAL_HEADER_SIZE <= len(data):
        name_length = struct.unpack_from("<H", data, start + 26)[0]
        yield data[start + LOCAL_HEADER_SIZE:start + LOCAL_HEADER_SIZE + name_length].decode("cp437", "replace")
        start = data.find(ZIP_MAGIC[0], start + LOCAL_HEADER_SIZE)


def _is_ole2_workbook(data: bytes) -> bool:
    """An Excel 97–2003 file: its directory names a Workbook (or, before Excel 97, Book)
    stream and no Word stream. Directory names are UTF-16 and end with a NUL character."""
    if "WordDocument".encode("utf-16-le") in data:
        return False
    return any(f"{stream}\0".encode("utf-16-le") in data for stream in ("Workbook", "Book"))


def _ole2(data: bytes, suffix: str) -> Kind:
    """OLE2 holds Word 97–2003 and WPS files, and encrypted .docx and .xlsx; their stream names
    tell which, except Word from Excel when encrypted: the name's suffix says it then."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        suffix = suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".xls"):
            raise UnreadableDocument("a password-protected Excel workbook", SAVE_AS[WORKBOOK_PART])
        if suffix in (".docx", ".docm", ".doc"):
            raise UnreadableDocument("a password-protected Word document", SAVE_AS[MAIN_PART])
        raise UnreadableDocument("a password-protected Office file (Word document or Excel workbook)",
                                 "open it in Word or Excel, remove the password and save it as .docx or .xlsx")
    # Word 97–2003 and Kingsoft WPS files hold a WordDocument stream, Microsoft Works ones CONTENTS.
    if any(stream.encode("utf-16-le") in data for stream in ("WordDocument", "CONTENTS")):
        return Kind.LEGACY
    raise UnreadableDocument("an OLE2 file that is neither a Word 97–2003 nor a WPS document",
                             "remove any password and save it as .docx")


def office_program() -> str | None:
    """LibreOffice's command when it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def check_package(data: bytes, limits: Limits = LIMITS, main_part: str = MAIN_PART) -> dict[str, bytes]:
    """Every part by its zip name, inflated once within the caps; refuses a zip that is
    damaged, without ``main_part`` (a Word package's, or a workbook's), a zip bomb, or
    carries a DTD. Reasons name the format ``main_part`` is of."""
    what = FORMAT_NAME.get(main_part, "Office document")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise UnreadableDocument(f"damaged or truncated {what}: {error}", DOWNLOAD_AGAIN) from error
    with archive:
        entries = archive.infolist()
        _check_directory(entries, limits, main_part)
        names = {entry.filename for entry in entries}
        if main_part not in names:
            raise UnreadableDocument(f"a zip file without {main_part}: not a {what}",
                                     "budget-site reads .docx and .xlsx files; " + DOWNLOAD_AGAIN)
    parts = {entry.filename: inflate_part(data, entry, what) for entry in entries}
    for name, content in parts.items():
        check_no_dtd(name, content)
    return parts


def _check_directory(entries: list[zipfile.ZipInfo], limits: Limits, main_part: str) -> None:
    if len(entries) > limits.max_zip_entries:
        raise UnreadableDocument(f"zip bomb refused: {len(entries):,} entries, over the limit of "
                                 f"{limits.max_zip_entries:,}", DO_NOT_OPEN)
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise UnreadableDocument(f"zip bomb refused: would inflate to {total:,} bytes, over the limit of "
                                 f"{limits.max_uncompressed_bytes:,}", DO_NOT_OPEN)
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnreadableDocument(f"zip entry {entry.filename} is encrypted",
                                     SAVE_AS.get(main_part, SAVE_AS[MAIN_PART]))
        if entry.compress_type not in WORD_COMPRESSION:
            raise UnreadableDocument(f"zip entry {entry.filename} uses compression method "
                                     f"{entry.compress_type}, which Word never writes", DO_NOT_OPEN)
        if entry.file_size > limits.max_part_bytes:
            raise UnreadableDocument(f"zip bomb refused: part {entry.filename} would inflate to "
                                     f"{entry.file_size:,} bytes", DO_NOT_OPEN)
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise UnreadableDocument(f"zip bomb refused: part {entry.filename} compresses {ratio:,.0f} to 1, "
                                     f"over the limit of {limits.max_ratio}", DO_NOT_OPEN)


def inflate_part(data: bytes, entry: zipfile.ZipInfo, what: str = "Word document") -> bytes:
    """A part's bytes, inflated by hand with the output bounded by the declared size.

    ``zipfile`` cannot be trusted with this: its ``read()`` inflates up to 2 GiB in one call
    before cutting the result to the declared size. Here a part must inflate to exactly its
    declared size, with a matching CRC, so what the reader parses is bounded by the caps
    checked on the directory.
    """
    start = entry.header_offset
    if data[start:start + 4] != ZIP_MAGIC[0]:
        raise _damaged(entry, what, "no local header where the directory points")
    name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
    begin = start + LOCAL_HEADER_SIZE + name_length + extra_length
    raw = data[begin:begin + entry.compress_size]
    if len(raw) < entry.compress_size:
        raise _damaged(entry, what, "cut off")
    if entry.compress_type == zipfile.ZIP_STORED:
        content, complete = raw, True
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            content = inflater.decompress(raw, entry.file_size + 1)
        except zlib.error as error:
            raise _damaged(entry, what, str(error)) from error
        complete = inflater.eof
        if len(content) > entry.file_size or inflater.unconsumed_tail:
            raise UnreadableDocument(f"zip bomb refused: part {entry.filename} inflates past the "
                                     f"{entry.file_size:,} bytes its directory declares", DO_NOT_OPEN)
    if not complete or len(content) != entry.file_size or zlib.crc32(content) != entry.CRC:
        raise _damaged(entry, what, "its content does not match the zip directory")
    return content


def _damaged(entry: zipfile.ZipInfo, what: str, detail: str) -> UnreadableDocument:
    return UnreadableDocument(f"damaged {what}: part {entry.filename}: {detail}", DOWNLOAD_AGAIN)


def check_no_dtd(name: str, data: bytes) -> None:
    """The package format forbids DTDs in its XML (ECMA-376 Part 2); one is there to attack.

    Asked of the parser, not searched in the bytes: libxml2 decodes the part whatever its
    encoding (UCS-4 too) and whatever its name, and is fed only up to the root's start tag,
    where any DTD has been seen. A part no XML parser can read (an image) holds none to fear.
    Every part Word writes is UTF-8 with its root right after the declaration: that the bytes
    alone show, and a parser made for each part costs more than reading the rest of the package."""
    if _root_follows_utf8_declaration(data):
        return
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False)
    try:
        for offset in range(0, len(data), PROLOG_CHUNK):
            parser.feed(data[offset:offset + PROLOG_CHUNK])
            for _, element in parser.read_events():
                docinfo = element.getroottree().docinfo
                if docinfo.internalDTD is not None or docinfo.doctype:
                    raise UnreadableDocument(f"XML part {name} declares a DTD, which Office documents never do "
                                             "(an XML entity attack?)", DO_NOT_OPEN)
                return
    except etree.XMLSyntaxError:
        return


def _root_follows_utf8_declaration(data: bytes) -> bool:
    """Whether the part is UTF-8 as the parser decodes it, with nothing but whitespace between
    its XML declaration and the root's start tag: no room for a DTD, so no parser is needed.

    No byte-order mark and an ASCII "<?xml" make the parser start in UTF-8; the declared
    encoding, were it another (EBCDIC, UTF-7), would decode what follows otherwise."""
    prolog = ROOT_AFTER_DECLARATION.match(data)
    if prolog is None:
        return False
    declaration = data[:prolog.end()]
    declared = DECLARED_ENCODING.search(declaration)
    if declared is None:
        return b"encoding" not in declaration
    return declared.group(1).lower() == b"utf-8" and b"encoding" not in declaration[declared.end():]


def check_table_grid(rows: int, columns: int, limits: Limits = LIMITS, where: str = "") -> None:
    """Refuse a table whose grid would be over the limits, before anything the size of the grid is made."""
    if columns > limits.max_table_columns:
        raise UnreadableDocument(f"a table{where} asks for {columns:,} grid columns, over the limit of "
                                 f"{limits.max_table_columns:,}", DO_NOT_OPEN)
    if rows * columns > limits.max_table_cells:
        raise UnreadableDocument(f"a table asks for a grid of {rows:,} × {columns:,} cells, over the limit of "
                                 f"{limits.max_table_cells:,}", DO_NOT_OPEN)


def decode_text(data: bytes, limits: Limits = LIMITS) -> str:
    """The plain-text export: UTF-8 (a BOM allowed), no binary, under the text cap."""
    if len(data) > limits.max_text_bytes:
        raise UnreadableDocument(f"text file is {len(data):,} bytes, over the {limits.max_text_bytes:,}-byte limit",
                                 "check that this is the plain-text export of one disclosure")
    if b"\x00" in data:
        raise UnreadableDocument("a binary file named .txt, not a plain-text export", DOWNLOAD_AGAIN)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"text file is not UTF-8 ({error.reason} at byte {error.start})",
                                 "export the document again as UTF-8 text") from error
