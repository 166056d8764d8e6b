"""The binary point file: `encode(PointTable) -> bytes` and `decode(bytes) -> PointTable`, side by side.

The byte layout is specified in docs/point-format.md (kept in step with this module; `js/src/format.js`
mirrors `decode`). In short, all integers little-endian:

    header (16 B)   magic b"ATLP", version u16, column count u16, n u32, file size u32
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

from sitegen.errors import FormatError

FORMAT_VERSION = 1
MAGIC = b"ATLP"
HEADER = struct.Struct("<4sHHII")  # magic, version, n_columns, n, file_size
ENTRY = struct.Struct("<BBBBIIB3x2d2d48s")  # kind, dtype, comps, flags, offset, length, name_len, min, max, name
ALIGN = 8
NAME_MAX = 48

KINDS = {"position": 1, "category": 2, "number": 3, "size": 4}
DTYPES = {"uint8": 1, "uint16": 2, "uint32": 3, "float32": 4}
FLAG_DELTA = 1
FLAG_PLANES = 2
_KIND_NAMES = {v: k for k, v in KINDS.items()}
_DTYPE_NAMES = {v: k for k, v in DTYPES.items()}


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
    """n points and their named columns, in file order. Position columns are named `xy:<variant>`."""

    n: int
    columns: dict[str, Column] = field(default_factory=dict)
    version: int = FORMAT_VERSION

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


def _choose_encoding(a: np.ndarray) -> tuple[int, bytes]:
    """Pick the transform flags for an (n, c) array: planes for multi-byte types, delta when cheaper."""
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
    out[: HEADER.size] = HEADER.pack(MAGIC, FORMAT_VERSION, len(entries), n, size)
    for i, e in enumerate(entries):
        out[HEADER.size + i * ENTRY.size : HEADER.size + (i + 1) * ENTRY.size] = e
    for off, raw in blocks:
        out[off : off + len(raw)] = raw
    struct.pack_into("<I", out, size - 4, zlib.crc32(bytes(out[: size - 4])))
    return bytes(out)


def _align(x: int) -> int:
    return (x + ALIGN - 1) // ALIGN * ALIGN


# --- decoding -----------------------------------------------------------------------------------


def decode(buf: bytes, where: str = "point file") -> PointTable:
    """Parse and validate a point file. Raises FormatError naming `where` and what is wrong."""
    buf = bytes(buf)
    if len(buf) < HEADER.size + 4:
        raise FormatError(f"{where}: truncated: {len(buf)} bytes is shorter than the {HEADER.size + 4}-byte minimum")
    magic, version, ncols, n, size = HEADER.unpack_from(buf, 0)
    if magic != MAGIC:
        raise FormatError(f"{where}: not an atlasgen point file (magic {magic!r}, expected {MAGIC!r})")
    if version != FORMAT_VERSION:
        raise FormatError(f"{where}: unsupported format version {version} (this decoder reads version {FORMAT_VERSION})")
    if len(buf) < size:
        raise FormatError(f"{where}: truncated: header says {size} bytes, got {len(buf)}")
    if len(buf) > size:
        raise FormatError(f"{where}: {len(buf) - size} unexpected trailing bytes after the declared {size}")
    table_end = HEADER.size + ENTRY.size * ncols
    if table_end + 4 > size:
        raise FormatError(f"{where}: column table ({ncols} columns) runs past the end of the file")
    (stored_crc,) = struct.unpack_from("<I", buf, size - 4)
    crc = zlib.crc32(buf[: size - 4])
    if crc != stored_crc:
        raise FormatError(f"{where}: checksum mismatch (stored {stored_crc:08x}, computed {crc:08x}): file is corrupt")
    columns: dict[str, Column] = {}
    for i in range(ncols):
        kind, dt, comps, flags, off, length, name_len, lo0, lo1, hi0, hi1, name_b = ENTRY.unpack_from(
            buf, HEADER.size + i * ENTRY.size)
        col_where = f"{where}: column {i}"
        if not 0 < name_len <= NAME_MAX:
            raise FormatError(f"{col_where}: bad name length {name_len}")
        try:
            name = name_b[:name_len].decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(f"{col_where}: name is not UTF-8") from None
        col_where = f"{where}: column {name!r}"
        if kind not in _KIND_NAMES:
            raise FormatError(f"{col_where}: unknown kind {kind}")
        if dt not in _DTYPE_NAMES:
            raise FormatError(f"{col_where}: unknown dtype code {dt}")
        if comps not in (1, 2):
            raise FormatError(f"{col_where}: components must be 1 or 2, got {comps}")
        if flags & ~(FLAG_DELTA | FLAG_PLANES):
            raise FormatError(f"{col_where}: unknown flags {flags:#x}")
        dtype = np.dtype(_DTYPE_NAMES[dt])
        if flags & FLAG_DELTA and dtype.kind != "u":
            raise FormatError(f"{col_where}: delta flag on a {dtype} column")
        if length != n * comps * dtype.itemsize:
            raise FormatError(f"{col_where}: data length {length} != n * components * itemsize = {n * comps * dtype.itemsize}")
        if off % ALIGN or off < table_end or off + length > size - 4:
            raise FormatError(f"{col_where}: data block [{off}, {off + length}) is misaligned or outside the file")
        if name in columns:
            raise FormatError(f"{col_where}: duplicate column name")
        raw = buf[off : off + length]
        if flags & FLAG_PLANES:
            a = _unplanes(raw, n, comps, dtype)
        else:
            a = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(n, comps)
        if flags & FLAG_DELTA:
            a = np.cumsum(a, axis=0, dtype=dtype)  # wraps modulo 2**bits, undoing _delta
        data = a if comps == 2 else a.reshape(n)
        columns[name] = Column(_KIND_NAMES[kind], data, (lo0, lo1)[:comps], (hi0, hi1)[:comps])
    return PointTable(n, columns, version)
