"""Byte-stable zips with fixed timestamps, made of pieces.

The stage makes hundreds of archives from the same rows, so the expensive work is done once per
disclosure: its CSV text, the sheet XML made from that text, and the deflated form of both
(a `Piece`). An archive member is a list of pieces: raw deflate streams flushed to a byte
boundary concatenate into one valid stream, and the member's CRC-32 combines from theirs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

# Level 1 deflates text 3-4 times faster than the default 6; the downloads grow by about a tenth.
DEFLATE_LEVEL = 1


def _native_crc32_combine() -> Callable[[int, int, int], int] | None:
    """zlib's crc32_combine64 (a few matrix products, no pass over data), where ctypes finds the library."""
    name = ctypes.util.find_library("z")
    try:
        combine = ctypes.CDLL(name).crc32_combine64 if name else None
    except (OSError, AttributeError):
        return None
    if combine is not None:
        combine.argtypes, combine.restype = (ctypes.c_ulong, ctypes.c_ulong, ctypes.c_int64), ctypes.c_ulong
    return combine


def _crc32_combine(first: int, second: int, second_size: int) -> int:
    """CRC-32 of A+B from those of A and B: CRC-32 is affine, so crc(B, start=first) =
    crc(zeros, first) ^ crc(B) ^ crc(zeros), over len(B) zero bytes (zlib in C, no data kept);
    zlib's own combine where it can be called."""
    if _NATIVE_COMBINE is not None:
        return _NATIVE_COMBINE(first, second, second_size)
    moved, zero = first, 0
    while second_size:
        step = min(second_size, len(_ZEROS))
        block = _ZEROS[:step]
        moved, zero = zlib.crc32(block, moved), zlib.crc32(block, zero)
        second_size -= step
    return moved ^ zero ^ second


_ZEROS = memoryview(bytes(1 << 20))
_NATIVE_COMBINE = _native_crc32_combine()
FINAL_BLOCK = b"\x03\x00"  # an empty final deflate block: ends a stream of flushed pieces


@dataclass(frozen=True)
class Piece:
    """Part of an archive member, deflated once: raw deflate, flushed to a byte boundary and not
    final, so pieces concatenate (pigz does the same)."""
    deflated: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, data: bytes) -> Piece:
        if not data:
            return EMPTY
        compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        return cls(compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH), zlib.crc32(data), len(data))

    @property
    def length(self) -> int:
        return len(self.deflated)


EMPTY = Piece(b"", 0, 0)


class Spool:
    """Deflated pieces kept in an unlinked temporary file rather than in memory: the package
    stage holds every disclosure's pieces from its CSVs to its last zip (888 MB at 10,000
    disclosures), and reads each back a few times. Read with pread, so the pieces stay in the
    page cache and out of the process's memory."""

    def __init__(self, directory: Path) -> None:
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (closed by the Spool)
        self._end = self._flushed = 0

    def keep(self, piece: AnyPiece) -> SpooledPiece:
        self._file.write(piece.deflated)
        offset, self._end = self._end, self._end + piece.length
        return SpooledPiece(self, offset, piece.length, piece.crc, piece.size)

    def read(self, offset: int, length: int) -> bytes:
        if offset + length > self._flushed:  # still in the file object's buffer
            self._file.flush()
            self._flushed = self._end
        return os.pread(self._file.fileno(), length, offset)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
                 ) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class SpooledPiece:
    """A piece whose deflated bytes are in a Spool."""
    spool: Spool
    offset: int
    length: int
    crc: int
    size: int

    @property
    def deflated(self) -> bytes:
        return self.spool.read(self.offset, self.length)


AnyPiece = Piece | SpooledPiece


@dataclass(frozen=True)
class Stored:
    """A member kept as it is: a workbook is a zip already, deflating it again saves nothing."""
    data: bytes


@dataclass(frozen=True)
class Joined:
    """A member made of pieces whose CRC-32 and size are known (computed over the data as it was
    written elsewhere): no combining of the pieces' CRCs, which costs a pass over as many bytes."""
    pieces: Sequence[AnyPiece]
    crc: int
    size: int


@dataclass(frozen=True)
class WrittenFile:
    """A member kept as it is and already written to a file, read back in chunks: the package's
    workbook (117 MB at 10,000 disclosures), which the build no longer holds."""
    path: Path
    crc: int
    size: int
    sha256: str

    @classmethod
    def write(cls, path: Path, chunks: Iterable[bytes]) -> WrittenFile:
        crc, size, digest = 0, 0, hashlib.sha256()
        with path.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                crc, size = zlib.crc32(chunk, crc), size + len(chunk)
                digest.update(chunk)
        return cls(path, crc, size, digest.hexdigest())

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk


CHUNK = 1 << 20
Content = bytes | Stored | WrittenFile | Joined | Sequence[AnyPiece]


def _dos_time(timestamp: datetime) -> tuple[int, int]:
    stamp = max(timestamp, datetime(1980, 1, 1))
    return (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2), \
        ((stamp.year - 1980) << 9) | (stamp.month << 5) | stamp.day


def zip_chunks(members: dict[str, Content], timestamp: datetime, keep_order: bool = False) -> Iterator[bytes]:
    """A zip whose bytes depend only on its members: fixed time, attributes and order (sorted by
    name unless keep_order). No data descriptors and no zip64: a member or archive over 4 GiB is
    refused rather than written wrong."""
    time, date = _dos_time(timestamp)
    central, offset = [], 0
    for name in (members if keep_order else sorted(members)):
        content = members[name]
        data: Iterable[bytes]
        if isinstance(content, Stored):
            method, data, crc, size, packed = 0, [content.data], zlib.crc32(content.data), len(content.data), \
                len(content.data)
        elif isinstance(content, WrittenFile):
            method, data, crc, size, packed = 0, content.chunks(), content.crc, content.size, content.size
        else:
            if isinstance(content, Joined):
                pieces, crc, size = content.pieces, content.crc, content.size
            else:
                pieces = [Piece.of(content)] if isinstance(content, bytes) else content
                crc, size = 0, 0
                for piece in pieces:
                    crc = _crc32_combine(crc, piece.crc, piece.size) if size else piece.crc
                    size += piece.size
            method, data, packed = 8, _deflated(pieces), sum(piece.length for piece in pieces) + len(FINAL_BLOCK)
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800
        if max(size, packed, offset) > 0xFFFFFFFF:
            raise ValueError(f"{name}: over 4 GiB, which needs zip64")
        fields = (20, flags, method, time, date, crc, packed, size, len(encoded), 0)
        yield struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded
        yield from data
        central.append(struct.pack("<IH", 0x02014B50, (3 << 8) | 20)
                       + struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0o644 << 16, offset) + encoded)
        offset += 30 + len(encoded) + packed
    directory = b"".join(central)
    yield directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory),
                                  offset, 0)


def _deflated(pieces: Sequence[AnyPiece]) -> Iterator[bytes]:
    """A member's data, one piece at a time (a spooled piece is read when it is written)."""
    for piece in pieces:
        yield piece.deflated
    yield FINAL_BLOCK


def zip_bytes(members: dict[str, Content], timestamp: datetime, keep_order: bool = False) -> bytes:
    return b"".join(zip_chunks(members, timestamp, keep_order))
