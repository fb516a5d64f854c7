"""Column codec for history chunks: a few int64/float64 arrays of equal length -> one blob.

Why not just ``zstd(values.tobytes())``: the bytes of neighbouring float64s differ mostly in the
low mantissa bytes, so each column is first transformed to make it repetitive and then
byte-shuffled (all first bytes, then all second bytes, ...), which lines up the sign/exponent bytes
into long runs that zstd squeezes well. Steps and row numbers are usually ``start, start+1, ...``:
they are stored as two numbers and cost nothing to decode. Every transform is lossless: NaN
payloads, ±Inf and -0.0 come back bit for bit.

Each column is its own zstd frame so a reader decodes only the columns it needs (a chart needs the
timestamps of a row chunk, not its runtimes). Transforms were picked by measurement on loss-like
curves (see docs/adr/0001-history-storage.md): XOR or delta coding of float values saves at most
5-10% but doubles the decode time, so float values are stored raw (shuffled).

Blob layout: ``b"TWC" | version u8 | ncols u8 | count u32`` then per column ``transform u8 |
length u32`` then the column payloads back to back (little-endian throughout).
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from enum import IntEnum

import numpy as np
import numpy.typing as npt
import zstandard

_MAGIC = b"TWC"
_VERSION = 1
_HEADER = struct.Struct("<3sBBI")
_COLUMN = struct.Struct("<BI")
_RANGE = struct.Struct("<qq")
_ZSTD_LEVEL = 3

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Array = IntArray | FloatArray


class Transform(IntEnum):
    """How a column is stored. The ``INT_*`` ones decode to int64, the ``FLOAT_*`` ones to float64."""

    INT_DELTA = 1  # first value, then differences (wrapping, exact); out-of-order steps, int values
    INT_RANGE = 2  # start and stride only: chosen automatically for arithmetic progressions
    FLOAT_RAW = 3  # float64 bits as they are: noisy values, where deltas do not help
    FLOAT_BITS_DELTA = 4  # differences of the float64 bit patterns: monotonic clocks


class CodecError(ValueError):
    """A stored chunk could not be decoded (corrupt, or written by a newer version)."""


# zstd contexts are not thread-safe, and the server runs requests on a thread pool.
_local = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    c = getattr(_local, "c", None)
    if c is None:
        c = _local.c = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
    return c


def _decompressor() -> zstandard.ZstdDecompressor:
    d = getattr(_local, "d", None)
    if d is None:
        d = _local.d = zstandard.ZstdDecompressor()
    return d


def _as_range(col: IntArray) -> tuple[int, int] | None:
    if len(col) == 0:
        return 0, 0
    stride = int(col[1] - col[0]) if len(col) > 1 else 0
    if len(col) > 2 and not bool(np.all(np.diff(col) == stride)):
        return None
    return int(col[0]), stride


def _encode_column(col: Array, transform: Transform) -> tuple[Transform, bytes]:
    if transform is Transform.INT_DELTA or transform is Transform.INT_RANGE:
        ints = np.asarray(col, dtype=np.int64)
        found = _as_range(ints)
        if found is not None:
            return Transform.INT_RANGE, _RANGE.pack(*found)
        words = np.empty_like(ints)
        words[:1] = ints[:1]
        np.subtract(ints[1:], ints[:-1], out=words[1:])
        transform = Transform.INT_DELTA
    else:
        words = np.ascontiguousarray(col, dtype=np.float64).view(np.int64)
        if transform is Transform.FLOAT_BITS_DELTA:
            deltas = np.empty_like(words)
            deltas[:1] = words[:1]
            np.subtract(words[1:], words[:-1], out=deltas[1:])
            words = deltas
    shuffled = words.view(np.uint8).reshape(len(words), 8).T.tobytes()
    return transform, _compressor().compress(shuffled)


def _decode_column(transform: Transform, payload: bytes, count: int) -> Array:
    if transform is Transform.INT_RANGE:
        start, stride = _RANGE.unpack(payload)
        progression: IntArray = np.arange(count, dtype=np.int64) * stride + start
        return progression
    raw = _decompressor().decompress(payload, max_output_size=count * 8)
    if len(raw) != count * 8:
        raise CodecError("history chunk column has the wrong length")
    planes = np.frombuffer(raw, dtype=np.uint8).reshape(8, count)
    # un-shuffle one byte plane at a time: long inner loops, ~1.6x faster than planes.T.copy()
    unshuffled = np.empty((count, 8), dtype=np.uint8)
    for byte in range(8):
        unshuffled[:, byte] = planes[byte]
    words = unshuffled.view(np.int64).reshape(count)
    if transform is Transform.INT_DELTA or transform is Transform.FLOAT_BITS_DELTA:
        words = np.asarray(np.cumsum(words, dtype=np.int64), dtype=np.int64)
    if transform is Transform.INT_DELTA:
        return words
    return words.view(np.float64)


def encode(columns: Sequence[tuple[Array, Transform]]) -> bytes:
    """Encode equal-length columns, each with its transform, into one blob."""
    count = len(columns[0][0]) if columns else 0
    heads: list[bytes] = []
    bodies: list[bytes] = []
    for col, transform in columns:
        if len(col) != count:
            raise ValueError(f"columns must have equal lengths, got {len(col)} and {count}")
        used, body = _encode_column(col, transform)
        heads.append(_COLUMN.pack(used, len(body)))
        bodies.append(body)
    return b"".join([_HEADER.pack(_MAGIC, _VERSION, len(columns), count), *heads, *bodies])


def decode(blob: bytes, which: Sequence[int] | None = None) -> list[Array]:
    """Decode the columns of a blob written by :func:`encode` (all, or those at ``which``)."""
    try:
        magic, version, ncols, count = _HEADER.unpack_from(blob)
        heads = [_COLUMN.unpack_from(blob, _HEADER.size + i * _COLUMN.size) for i in range(ncols)]
    except struct.error as exc:
        raise CodecError("history chunk is truncated") from exc
    if magic != _MAGIC or version != _VERSION:
        raise CodecError(f"unknown history chunk format {magic!r} v{version}")
    offsets = [_HEADER.size + ncols * _COLUMN.size]
    for _, length in heads:
        offsets.append(offsets[-1] + length)
    if offsets[-1] != len(blob):
        raise CodecError("history chunk is truncated")
    wanted = range(ncols) if which is None else which
    return [_decode_column(Transform(heads[i][0]), blob[offsets[i] : offsets[i + 1]], count) for i in wanted]


def value_transform(values: Array) -> Transform:
    """The transform for a value column: int64 values as deltas, float64 values raw."""
    return Transform.INT_DELTA if values.dtype == np.int64 else Transform.FLOAT_RAW


def compress_bytes(data: bytes) -> bytes:
    """zstd for the row store's JSON, with the same per-thread context as the columns."""
    return _compressor().compress(data)


def decompress_bytes(blob: bytes) -> bytes:
    return _decompressor().decompress(blob)


# Enough of a key chunk's blob for its header and two (start, stride) columns: rows and steps.
RANGE_PREFIX = _HEADER.size + 3 * _COLUMN.size + 2 * _RANGE.size


def int_ranges(prefix: bytes) -> list[tuple[int, int] | None]:
    """``(start, stride)`` of each column stored as a progression whose payload lies inside
    ``prefix`` (the first bytes of a blob), None for the others: a reader learns a chunk's steps
    without fetching or decoding the rest of it."""
    try:
        magic, version, ncols, _ = _HEADER.unpack_from(prefix)
        heads = [_COLUMN.unpack_from(prefix, _HEADER.size + i * _COLUMN.size) for i in range(ncols)]
    except struct.error:
        return []
    if magic != _MAGIC or version != _VERSION:
        raise CodecError(f"unknown history chunk format {magic!r} v{version}")
    out: list[tuple[int, int] | None] = []
    at = _HEADER.size + ncols * _COLUMN.size
    for transform, length in heads:
        inside = transform == Transform.INT_RANGE and at + length <= len(prefix)
        out.append(_RANGE.unpack_from(prefix, at) if inside else None)
        at += length
    return out
