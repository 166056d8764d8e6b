"""The binary point file: `encode(PointTable) -> bytes` and `decode(bytes) -> PointTable`, side by side.

The byte layout is specified in docs/point-format.md (kept in step with this module; `js/src/format.js`
mirrors `decode`). In short, all integers little-endian:

    header (24 B)   magic b"ATLP", version u16 (2), column count u16, n u32 (rows in this file),
                    file size u32, first row u32, total rows u32 (version 1: 16 B, without the last two)
    column table    96 B per column: kind, dtype, components, flags, data offset, data length,
                    name length, min f64[2], max f64[2], name (UTF-8, NUL-padded to 48 B)
    column data     each block starts at a multiple of 8; zero padding between blocks
    checksum        CRC-32 (IEEE, as zlib.crc32) of every byte before it, u32, at file size - 4

A column's logical data is an (n, components) array of its dtype, row-major. Two optional transforms
make it compress better under brotli; the decoder undoes them in this order: byte planes, then delta.
  FLAG_DELTA   (integer dtypes) each component stores v[0], v[1]-v[0], ... modulo 2**bits
  FLAG_PLANES  the bytes are stored component by component, and within a component byte plane by
               byte plane (least significant first), each plane holding that byte of all n values
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

import numpy as np
from scipy.special import gammaln

from sitegen.errors import FormatError

FORMAT_VERSION = 2
READS = (1, 2)  # versions decode() accepts; encode() writes FORMAT_VERSION only
MAGIC = b"ATLP"
HEADER_V1 = struct.Struct("<4sHHII")  # magic, version, n_columns, n, file_size
HEADER = struct.Struct("<4sHHIIII")  # ... + row_start, n_total (version 2: the file is rows [row_start, +n))
ENTRY = struct.Struct("<BBBBIIB3x2d2d48s")  # kind, dtype, comps, flags, offset, length, name_len, min, max, name
ALIGN = 8
NAME_MAX = 48

KINDS = {"position": 1, "category": 2, "number": 3, "size": 4}
DTYPES = {"uint8": 1, "uint16": 2, "uint32": 3, "float32": 4}
FLAG_DELTA = 1
FLAG_PLANES = 2
_KIND_NAMES = {v: k for k, v in KINDS.items()}
_DTYPE_NAMES = {v: k for k, v in DTYPES.items()}
# Version 2 defines these (kind: (components, dtypes)) and rejects every other pair.
KIND_RULES = {"position": (2, ("uint16", "float32")), "category": (1, ("uint8", "uint16")),
              "number": (1, ("uint8", "uint16", "float32")), "size": (1, ("uint8", "uint16", "float32"))}


@dataclass(frozen=True)
class Column:
    """One column as stored: `data` is (n,) or (n, 2) uint8/uint16/uint32/float32.

    position: (n, 2) uint16 quantised in [min, max] per axis (0 -> min, 65535 -> max), or float32 as is.
    category: (n,) uint8/uint16 codes; the all-ones value (0xFF / 0xFFFF) means missing; max = count - 1.
    number, size: (n,) uint8/uint16 quantised in [min, max] (0 -> min, all-ones - 1 -> max), all-ones
              missing; or float32 as is (NaN missing).
    """

    kind: str
    data: np.ndarray
    min: tuple[float, ...]
    max: tuple[float, ...]

    @property
    def components(self) -> int:
        return 1 if self.data.ndim == 1 else self.data.shape[1]


@dataclass(frozen=True)
class PointTable:
    """n points and their named columns, in file order. Position columns are named `xy:<variant>`.

    A chunk of a bigger table holds its rows [row_start, row_start + n) of n_total (None: n_total = n);
    quantised columns of every chunk share the whole table's min/max, so chunks concatenate.
    """

    n: int
    columns: dict[str, Column] = field(default_factory=dict)
    version: int = FORMAT_VERSION
    row_start: int = 0
    n_total: int | None = None

    @property
    def total(self) -> int:
        return self.n if self.n_total is None else self.n_total

    def rows(self, start: int, stop: int) -> PointTable:
        """Rows [start, stop) as a chunk of this table (same bounds, so values decode the same)."""
        cols = {k: Column(c.kind, c.data[start:stop], c.min, c.max) for k, c in self.columns.items()}
        return PointTable(stop - start, cols, self.version, self.row_start + start, self.total)

    def positions(self, variant: str) -> np.ndarray:
        """(n, 2) float32 positions of `variant`, dequantised."""
        col = self.columns[f"xy:{variant}"]
        if col.data.dtype == np.float32:
            return col.data.copy()
        lo, hi = np.array(col.min), np.array(col.max)
        return (lo + col.data.astype(np.float64) / 65535.0 * (hi - lo)).astype(np.float32)

    def number(self, name: str) -> np.ndarray:
        """(n,) float32 values of a number/size column, dequantised; NaN where missing."""
        col = self.columns[name]
        if col.data.dtype == np.float32:
            return col.data.copy()
        top = np.iinfo(col.data.dtype).max
        out = col.min[0] + col.data.astype(np.float64) / (top - 1) * (col.max[0] - col.min[0])
        out[col.data == top] = np.nan
        return out.astype(np.float32)


# --- building columns ---------------------------------------------------------------------------


def position_column(xy: np.ndarray, *, exact: bool = False) -> Column:
    """(n, 2) finite floats -> a position column: uint16 in the data bounds, or float32 when `exact`."""
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise FormatError(f"positions must have shape (n, 2), got {xy.shape}")
    if not np.isfinite(xy).all():
        raise FormatError("positions contain NaN or infinite values")
    lo = xy.min(axis=0) if len(xy) else np.zeros(2)
    hi = xy.max(axis=0) if len(xy) else np.zeros(2)
    if exact:
        return Column("position", xy.astype(np.float32), (float(lo[0]), float(lo[1])), (float(hi[0]), float(hi[1])))
    span = np.where(hi > lo, hi - lo, 1.0)
    q = np.rint((xy - lo) / span * 65535.0).astype(np.uint16)
    return Column("position", q, (float(lo[0]), float(lo[1])), (float(hi[0]), float(hi[1])))


def category_column(codes: np.ndarray, n_categories: int) -> Column:
    """(n,) int codes in [0, n_categories), -1 = missing -> uint8 (< 255 categories) or uint16 codes."""
    codes = np.asarray(codes, dtype=np.int64)
    dtype = np.uint8 if n_categories < 0xFF else np.uint16
    top = np.iinfo(dtype).max
    if n_categories >= 0xFFFF:
        raise FormatError(f"a category column holds at most 65534 categories, got {n_categories}")
    if codes.size and (codes.max() >= n_categories or codes.min() < -1):
        raise FormatError(f"category codes must lie in [-1, {n_categories}), got [{codes.min()}, {codes.max()}]")
    data = np.where(codes < 0, top, codes).astype(dtype)
    return Column("category", data, (0.0,), (float(n_categories - 1),))


def number_column(values: np.ndarray, *, kind: str = "number", dtype: str = "uint16") -> Column:
    """(n,) floats (NaN = missing) -> a quantised uint8/uint16 column, or float32 as is."""
    if kind not in ("number", "size"):
        raise FormatError(f"number_column kind must be 'number' or 'size', got {kind!r}")
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v)
    lo = float(v[ok].min()) if ok.any() else 0.0
    hi = float(v[ok].max()) if ok.any() else 0.0
    if dtype not in ("uint8", "uint16", "float32"):
        raise FormatError(f"number_column dtype must be uint8, uint16 or float32, got {dtype!r}")
    if dtype == "float32":
        return Column(kind, np.where(ok, v, np.nan).astype(np.float32), (lo,), (hi,))
    np_dtype = np.dtype(dtype)
    top = np.iinfo(np_dtype).max
    span = hi - lo if hi > lo else 1.0
    q = np.rint((np.where(ok, v, lo) - lo) / span * (top - 1))
    return Column(kind, np.where(ok, q, top).astype(np_dtype), (lo,), (hi,))


# --- encoding -----------------------------------------------------------------------------------


def _planes(a: np.ndarray) -> bytes:
    """(n, c) little-endian array -> component-major, then byte-plane-major bytes."""
    n, c = a.shape
    b = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<"))).view(np.uint8).reshape(n, c, a.itemsize)
    return np.ascontiguousarray(b.transpose(1, 2, 0)).tobytes()


def _unplanes(raw: bytes, n: int, c: int, dtype: np.dtype) -> np.ndarray:
    b = np.frombuffer(raw, dtype=np.uint8).reshape(c, dtype.itemsize, n)
    return np.ascontiguousarray(b.transpose(2, 0, 1)).view(dtype.newbyteorder("<")).reshape(n, c).astype(dtype)


def _delta(a: np.ndarray) -> np.ndarray:
    d = a.copy()
    d[1:] -= a[:-1]  # unsigned arithmetic wraps modulo 2**bits, as the format requires
    return d


def _entropy_bits(raw: bytes) -> float:
    """Order-0 entropy of each byte plane, summed: a brotli-free, deterministic size estimate."""
    counts = np.bincount(np.frombuffer(raw, dtype=np.uint8), minlength=256).astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    return float(-(counts[counts > 0] * np.log2(p)).sum())


def _adaptive_bits(raw: bytes, order: int) -> float:
    """Adaptive code length of `raw` in bits, each byte coded by counts learnt as they come
    (Krichevsky-Trofimov: 1/2 per symbol to start); order 1: a separate count table per value of the
    byte before (0 before the first), order 0: one table."""
    b = np.frombuffer(raw, dtype=np.uint8).astype(np.int64)
    prev = np.concatenate([np.zeros(1, dtype=np.int64), b[:-1]]) if order else np.zeros_like(b)
    counts = np.bincount(prev * 256 + b, minlength=65536).reshape(256, 256).astype(np.float64)
    per_context = gammaln(counts.sum(axis=1) + 128.0) - gammaln(128.0) - (gammaln(counts + 0.5) - gammaln(0.5)).sum(axis=1)
    return float(per_context.sum() / np.log(2.0))


def _stream_bits(raw: bytes) -> float:
    """A compressor-free estimate of what brotli makes of a byte stream: the shorter of an order-0 and an
    order-1 adaptive code (brotli codes a byte with a histogram chosen by the byte before, or with one
    histogram where that does not pay)."""
    return min(_adaptive_bits(raw, 0), _adaptive_bits(raw, 1))


def _choose_encoding(a: np.ndarray) -> tuple[int, bytes]:
    """Pick the transform flags for an (n, c) array: planes for multi-byte types, delta when cheaper;
    then a one-component multi-byte column keeps its values' bytes together (no planes) when that codes
    shorter: e.g. a year column, whose low byte tells its high byte."""
    flags, raw = _choose_planes_delta(a)
    if a.shape[1] == 1 and a.itemsize > 1 and len(a):
        n = len(a)
        values = _delta(a) if flags & FLAG_DELTA else a
        together = np.ascontiguousarray(values.astype(values.dtype.newbyteorder("<"))).tobytes()
        if _stream_bits(together) < sum(_stream_bits(raw[i : i + n]) for i in range(0, len(raw), n)):
            return flags & ~FLAG_PLANES, together
    return flags, raw


def _choose_planes_delta(a: np.ndarray) -> tuple[int, bytes]:
    """Planes for multi-byte or two-component columns; delta when it lowers the planes' order-0 entropy."""
    base = FLAG_PLANES if a.itemsize > 1 or a.shape[1] > 1 else 0
    plain = _planes(a) if base else a.tobytes()
    if a.dtype.kind != "u" or len(a) < 2:
        return base, plain
    d = _delta(a)
    delta = _planes(d) if base else d.tobytes()
    step = len(a)  # estimate per plane so that planes with different statistics are not mixed
    cost = lambda raw: sum(_entropy_bits(raw[i : i + step]) for i in range(0, len(raw), step))
    if cost(delta) < cost(plain):
        return base | FLAG_DELTA, delta
    return base, plain


def encode(table: PointTable) -> bytes:
    """Serialise a PointTable (format version FORMAT_VERSION). Deterministic: same table -> same bytes."""
    n = table.n
    if len(table.columns) > 0xFFFF:
        raise FormatError(f"too many columns ({len(table.columns)})")
    if table.row_start < 0 or table.row_start + n > table.total or table.total > 0xFFFFFFFF:
        raise FormatError(f"rows [{table.row_start}, {table.row_start + n}) do not fit a table of {table.total}")
    entries, blocks = [], []
    offset = _align(HEADER.size + ENTRY.size * len(table.columns))
    for name, col in table.columns.items():
        name_b = name.encode("utf-8")
        if not 0 < len(name_b) <= NAME_MAX:
            raise FormatError(f"column name {name!r}: must be 1..{NAME_MAX} bytes of UTF-8")
        if col.kind not in KINDS:
            raise FormatError(f"column {name!r}: unknown kind {col.kind!r}")
        if col.data.dtype.name not in DTYPES:
            raise FormatError(f"column {name!r}: unsupported dtype {col.data.dtype}")
        if col.data.ndim not in (1, 2) or len(col.data) != n or col.components not in (1, 2):
            raise FormatError(f"column {name!r}: shape {col.data.shape} does not fit n={n}")
        comps, dtypes = KIND_RULES[col.kind]
        if col.components != comps or col.data.dtype.name not in dtypes:
            raise FormatError(f"column {name!r}: a {col.kind} column is {comps} x {'|'.join(dtypes)}, "
                              f"got {col.components} x {col.data.dtype}")
        a = col.data.reshape(n, col.components)
        flags, raw = _choose_encoding(a)
        lo = (list(col.min) + [0.0, 0.0])[:2]
        hi = (list(col.max) + [0.0, 0.0])[:2]
        entries.append(ENTRY.pack(KINDS[col.kind], DTYPES[col.data.dtype.name], a.shape[1], flags,
                                  offset, len(raw), len(name_b), *lo, *hi, name_b))
        blocks.append((offset, raw))
        offset = _align(offset + len(raw))
    size = offset + 4
    if size > 0xFFFFFFFF:
        raise FormatError(f"point file would be {size} bytes; the format holds at most 4 GiB")
    out = bytearray(size)
    out[: HEADER.size] = HEADER.pack(MAGIC, FORMAT_VERSION, len(entries), n, size, table.row_start, table.total)
    for i, e in enumerate(entries):
        out[HEADER.size + i * ENTRY.size : HEADER.size + (i + 1) * ENTRY.size] = e
    for off, raw in blocks:
        out[off : off + len(raw)] = raw
    struct.pack_into("<I", out, size - 4, zlib.crc32(bytes(out[: size - 4])))
    return bytes(out)


def _align(x: int) -> int:
    return (x + ALIGN - 1) // ALIGN * ALIGN


def chunk_bounds(n: int, first: int, rest: int) -> list[tuple[int, int]]:
    """Row ranges of a table split for streaming: `first` rows, then `rest` rows each (one range if n <= first)."""
    bounds, start, size = [], 0, first
    while start < n or not bounds:
        bounds.append((start, min(n, start + size)))
        start, size = start + size, rest
    return bounds


def encode_chunks(table: PointTable, first: int, rest: int) -> list[bytes]:
    """The table as consecutive chunk files (see chunk_bounds); the first is small so it draws at once."""
    return [encode(table.rows(a, b)) for a, b in chunk_bounds(table.n, first, rest)]


# --- decoding -----------------------------------------------------------------------------------


def decode(buf: bytes, where: str = "point file") -> PointTable:
    """Parse and validate a point file (version 1 or 2), checks in the order of docs/point-format.md.

    Raises FormatError naming `where` and what is wrong.
    """
    buf = bytes(buf)
    fail = lambda msg: FormatError(f"{where}: {msg}")  # noqa: E731
    if len(buf) < HEADER_V1.size + 4:
        raise fail(f"truncated: {len(buf)} bytes is shorter than the {HEADER_V1.size + 4}-byte minimum")
    magic, version, ncols, n, size = HEADER_V1.unpack_from(buf, 0)
    if magic != MAGIC:
        raise fail(f"not an atlasgen point file (magic {magic!r}, expected {MAGIC!r})")
    if version not in READS:
        raise fail(f"unsupported format version {version} (this decoder reads versions 1 and 2)")
    header = HEADER_V1 if version == 1 else HEADER
    if len(buf) < header.size + 4:
        raise fail(f"truncated: {len(buf)} bytes is shorter than the {header.size + 4}-byte minimum of version {version}")
    row_start, n_total = HEADER.unpack_from(buf, 0)[5:] if version == 2 else (0, n)
    if len(buf) < size:
        raise fail(f"truncated: header says {size} bytes, got {len(buf)}")
    if len(buf) > size:
        raise fail(f"{len(buf) - size} unexpected trailing bytes after the declared {size}")
    table_end = header.size + ENTRY.size * ncols
    data_end = size - 4  # the checksum is not part of the data area
    if table_end > data_end:
        raise fail(f"column table ({ncols} columns) runs past the end of the file")
    (stored_crc,) = struct.unpack_from("<I", buf, data_end)
    crc = zlib.crc32(buf[:data_end])
    if crc != stored_crc:
        raise fail(f"checksum mismatch (stored {stored_crc:08x}, computed {crc:08x}): file is corrupt")
    if row_start + n > n_total:
        raise fail(f"rows [{row_start}, {row_start + n}) lie outside the table of {n_total} rows")
    columns: dict[str, Column] = {}
    used = bytearray(data_end - table_end)  # version 2: which data-area bytes blocks cover (the rest is padding)
    prev_end = table_end
    for i in range(ncols):
        at = header.size + i * ENTRY.size
        kind, dt, comps, flags, off, length, name_len, lo0, lo1, hi0, hi1, name_b = ENTRY.unpack_from(buf, at)
        if not 0 < name_len <= NAME_MAX:
            raise fail(f"column {i}: bad name length {name_len}")
        try:
            name = name_b[:name_len].decode("utf-8")
        except UnicodeDecodeError:
            raise fail(f"column {i}: name is not UTF-8") from None
        col = f"column {name!r}"
        if kind not in _KIND_NAMES:
            raise fail(f"{col}: unknown kind {kind}")
        if dt not in _DTYPE_NAMES:
            raise fail(f"{col}: unknown dtype code {dt}")
        kind_name, dtype = _KIND_NAMES[kind], np.dtype(_DTYPE_NAMES[dt])
        if version == 2:
            want_c, dtypes = KIND_RULES[kind_name]
            if comps != want_c or dtype.name not in dtypes:
                raise fail(f"{col}: a {kind_name} column is {want_c} x {'|'.join(dtypes)}, got {comps} x {dtype}")
        elif comps not in (1, 2):
            raise fail(f"{col}: components must be 1 or 2, got {comps}")
        if flags & ~(FLAG_DELTA | FLAG_PLANES):
            raise fail(f"{col}: unknown flags {flags:#x}")
        if flags & FLAG_DELTA and dtype.kind != "u":
            raise fail(f"{col}: delta flag on a {dtype} column")
        if version == 2 and (any(buf[at + 13 : at + 16]) or any(name_b[name_len:])
                             or (comps == 1 and (lo1 != 0 or hi1 != 0))):
            raise fail(f"{col}: nonzero reserved bytes in the column table entry")
        if length != n * comps * dtype.itemsize:
            raise fail(f"{col}: data length {length} != n * components * itemsize = {n * comps * dtype.itemsize}")
        if off % ALIGN:
            raise fail(f"{col}: data block at {off} is misaligned (not a multiple of {ALIGN})")
        if off < table_end or off + length > data_end:
            raise fail(f"{col}: data block [{off}, {off + length}) is outside the file's data area [{table_end}, {data_end})")
        if version == 2 and off < prev_end:
            raise fail(f"{col}: data block [{off}, {off + length}) overlaps the previous block or is out of table order")
        if name in columns:
            raise fail(f"{col}: duplicate column name")
        prev_end = off + length
        used[off - table_end : prev_end - table_end] = b"\1" * length
        raw = buf[off : off + length]
        if flags & FLAG_PLANES:
            a = _unplanes(raw, n, comps, dtype)
        else:
            a = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(n, comps)
        if flags & FLAG_DELTA:
            a = np.cumsum(a, axis=0, dtype=dtype)  # wraps modulo 2**bits, undoing _delta
        data = a if comps == 2 else a.reshape(n)
        columns[name] = Column(kind_name, data, (lo0, lo1)[:comps], (hi0, hi1)[:comps])
    if version == 2:
        area = np.frombuffer(buf, dtype=np.uint8, count=data_end - table_end, offset=table_end)
        bad = np.flatnonzero(area & (np.frombuffer(bytes(used), dtype=np.uint8) ^ 1))
        if len(bad):
            raise fail(f"nonzero padding byte at offset {table_end + int(bad[0])}")
    return PointTable(n, columns, version, row_start, n_total if version == 2 else None)


def concat(chunks: list[PointTable]) -> PointTable:
    """Chunks in row order (rows 0.. of one table, as encode_chunks wrote them) -> the whole table."""
    if not chunks:
        raise FormatError("point file: no chunks")
    total, at = chunks[0].total, 0
    for c in chunks:
        if c.row_start != at or c.total != total or list(c.columns) != list(chunks[0].columns):
            raise FormatError(f"point file: chunk at row {c.row_start} does not continue the table at row {at}")
        at += c.n
    if at != total:
        raise FormatError(f"point file: chunks hold {at} of {total} rows")
    first = chunks[0].columns
    cols = {k: Column(c.kind, np.concatenate([ch.columns[k].data for ch in chunks]), c.min, c.max) for k, c in first.items()}
    return PointTable(total, cols, chunks[0].version)
