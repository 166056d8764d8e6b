"""The point format: round trip, golden bytes (decoded by js/test/format.test.js too), corrupt files.

Set ATLASGEN_UPDATE_GOLDEN=1 to rewrite tests/golden/ after an intentional format change (and bump
FORMAT_VERSION when old files no longer decode).
"""

from __future__ import annotations

import json
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from sitegen.errors import FormatError
from sitegen.formats import points as P

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ATLASGEN_UPDATE_GOLDEN") == "1"


def golden_table(v1: bool = False) -> P.PointTable:
    """64 points built from plain arithmetic (no RNG, so the bytes do not depend on numpy's streams).
    v1: the table the version 1 golden was written from (its year column had more distinct values)."""
    n = 64
    i = np.arange(n)
    xy = np.stack([(i * i * 40503 + i * 9973) % 65536, (i * i * i * 7 + i * 12345 + 17) % 65536], axis=1) / 32767.5 - 1
    year = 1900.0 + ((i * i * 7) % 120 if v1 else 24 * ((i * i * 7 + i // 2) % 6))  # v2: few values, no planes
    year[::9] = np.nan
    score = np.where(i % 5 == 0, np.nan, i / 8.0)
    return P.PointTable(n, {
        "xy:umap": P.position_column(xy),
        "xy:tsne": P.position_column(xy[::-1] * 0.5, exact=True),
        "genre": P.category_column(np.where(i % 7 == 3, -1, (i * i + i // 3) % 3), 3),
        "publisher": P.category_column(np.where(i % 10 == 1, -1, (i * 13) % 300), 300),
        "year": P.number_column(year),
        "score": P.number_column(score, dtype="float32"),
        "size": P.number_column(np.log1p(n - i), kind="size", dtype="uint8"),  # popularity order: delta
    })


def _jsonable(v):
    return None if isinstance(v, float) and math.isnan(v) else v


def golden_expected(t: P.PointTable, version: int = P.FORMAT_VERSION) -> dict:
    """What both decoders must return for a golden file (data as stored, plus dequantised views)."""
    cols = {}
    for name, c in t.columns.items():
        cols[name] = {"kind": c.kind, "dtype": c.data.dtype.name, "components": c.components,
                      "min": list(c.min), "max": list(c.max),
                      "data": [_jsonable(float(x)) if c.data.dtype == np.float32 else int(x) for x in c.data.ravel()]}
    out = {
        "version": version, "n": t.n, "columns": cols, "order": list(t.columns),
        "positions": {v: t.positions(v).ravel().tolist() for v in ("umap", "tsne")},
        "numbers": {k: [_jsonable(float(x)) for x in t.number(k)] for k in ("year", "score", "size")},
    }
    if version >= 2:
        out.update(rowStart=t.row_start, nTotal=t.total)
    return out


def _resign(buf: bytearray) -> bytes:
    struct.pack_into("<I", buf, len(buf) - 4, zlib.crc32(bytes(buf[:-4])))
    return bytes(buf)


def _entry(col: int, header: int = P.HEADER.size) -> int:
    return header + col * P.ENTRY.size


def _patched(good: bytes, offset: int, fmt: str, value, resign: bool = True) -> bytes:
    b = bytearray(good)
    struct.pack_into(fmt, b, offset, value)
    return _resign(b) if resign else bytes(b)


def corrupt_cases(good: bytes) -> dict[str, tuple[bytes, str]]:
    """Version 1 files: name -> (bytes, a substring the error message must contain), shared with the JS tests."""
    h = P.HEADER_V1.size
    patched = lambda offset, fmt, value, resign=True: _patched(good, offset, fmt, value, resign)  # noqa: E731
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x01
    return {
        "empty": (b"", "truncated"),
        "short-header": (good[:10], "truncated"),
        "truncated": (good[:-1], f"truncated: header says {len(good)} bytes, got {len(good) - 1}"),
        "truncated-half": (good[: len(good) // 2], "truncated"),
        "trailing": (good + b"\0", "unexpected trailing bytes"),
        "bad-magic": (b"PNG\0" + good[4:], "not an atlasgen point file"),
        "bad-version": (patched(4, "<H", 99, resign=False), "unsupported format version 99"),
        "bad-checksum": (bytes(flipped), "checksum mismatch"),
        "too-many-columns": (patched(6, "<H", 999), "runs past the end of the file"),
        "bad-length": (patched(_entry(0, h) + 8, "<I", 12), "data length 12"),
        "misaligned": (patched(_entry(0, h) + 4, "<I", h + 7 * P.ENTRY.size + 4), "misaligned"),
        # misaligned and past the end: the defined order reports the misalignment
        "outside": (patched(_entry(0, h) + 4, "<I", len(good) - 8), "misaligned (not a multiple of 8)"),
        "bad-kind": (patched(_entry(1, h), "<B", 9), "unknown kind 9"),
        "bad-dtype": (patched(_entry(1, h) + 1, "<B", 9), "unknown dtype code 9"),
        "bad-flags": (patched(_entry(1, h) + 3, "<B", 0x80), "unknown flags"),
        "bad-name-length": (patched(_entry(1, h) + 12, "<B", 0), "bad name length 0"),
    }


def corrupt_cases_v2(good: bytes) -> dict[str, tuple[bytes, str]]:
    """Version 2 files: the version 1 cases plus the rules version 2 adds (docs/point-format.md, step 7)."""
    patched = lambda offset, fmt, value, resign=True: _patched(good, offset, fmt, value, resign)  # noqa: E731
    end = len(good) - 4
    table_end = P.HEADER.size + len(golden_table().columns) * P.ENTRY.size
    entry = lambda i: _entry(i)  # noqa: E731
    # 61 rows: the uint8 blocks (61 bytes) are followed by 3 padding bytes
    odd = P.encode(golden_table().rows(0, 61))
    gap = struct.unpack_from("<I", odd, entry(2) + 4)[0] + 61
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x01
    return {
        "empty": (b"", "truncated: 0 bytes is shorter than the 20-byte minimum"),
        "short-v2-header": (good[:22], "truncated: 22 bytes is shorter than the 28-byte minimum of version 2"),
        "truncated": (good[:-1], f"truncated: header says {len(good)} bytes, got {len(good) - 1}"),
        "trailing": (good + b"\0", "unexpected trailing bytes"),
        "bad-magic": (b"PNG\0" + good[4:], "not an atlasgen point file"),
        "bad-version": (patched(4, "<H", 3, resign=False), "unsupported format version 3 (this decoder reads versions 1 and 2)"),
        "bad-checksum": (bytes(flipped), "checksum mismatch"),
        "too-many-columns": (patched(6, "<H", 999), "column table (999 columns) runs past the end of the file"),
        "rows-outside": (patched(16, "<I", 10), "rows [10, 74) lie outside the table of 64 rows"),
        "bad-kind": (patched(entry(1), "<B", 9), "unknown kind 9"),
        "bad-dtype": (patched(entry(1) + 1, "<B", 9), "unknown dtype code 9"),
        "uint32-anywhere": (patched(entry(3) + 1, "<B", 3), "a category column is 1 x uint8|uint16, got 1 x uint32"),
        "uint8-positions": (patched(entry(0) + 1, "<B", 1), "a position column is 2 x uint16|float32, got 2 x uint8"),
        "one-component-position": (patched(entry(0) + 2, "<B", 1), "a position column is 2 x uint16|float32, got 1 x uint16"),
        "bad-flags": (patched(entry(1) + 3, "<B", 0x80), "unknown flags 0x80"),
        "reserved-nonzero": (patched(entry(2) + 14, "<B", 1), "nonzero reserved bytes"),
        "name-tail-nonzero": (patched(entry(2) + 48 + 47, "<B", 65), "nonzero reserved bytes"),
        "unused-bound-nonzero": (patched(entry(2) + 24, "<d", 1.0), "nonzero reserved bytes"),
        "bad-length": (patched(entry(0) + 8, "<I", 12), "data length 12"),
        # misaligned and past the end: misalignment is checked first, so this is the message
        "misaligned-and-outside": (patched(entry(2) + 4, "<I", end + 4), f"data block at {end + 4} is misaligned"),
        "outside": (patched(entry(2) + 4, "<I", end), f"is outside the file's data area [{table_end}, {end})"),
        "checksum-not-data": (patched(entry(2) + 4, "<I", end - 64 + 8), "outside the file's data area"),
        "out-of-order": (patched(entry(2) + 4, "<I", struct.unpack_from("<I", good, entry(0) + 4)[0]),
                         "overlaps the previous block or is out of table order"),
        "duplicate-name": (_rename(good, 3, 2), "duplicate column name"),
        "nonzero-padding": (_patched(odd, gap, "<B", 7), f"nonzero padding byte at offset {gap}"),
    }


def _rename(good: bytes, src: int, dst: int) -> bytes:
    """Give column `dst` the name of column `src` (name length and bytes), re-signed."""
    b = bytearray(good)
    a, c = _entry(src), _entry(dst)
    b[c + 12] = b[a + 12]
    b[c + 48 : c + 96] = b[a + 48 : a + 96]
    return _resign(b)


def _check_golden(path: Path, data: bytes, json_path: Path, expected: str, write: bool) -> None:
    if write or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(data)
        json_path.write_text(expected)
    assert data == path.read_bytes(), "encoder output changed: bump FORMAT_VERSION or rerun with ATLASGEN_UPDATE_GOLDEN=1"
    assert json_path.read_text() == expected


def test_v1_golden_still_decodes():
    """Version 1 files (written by the previous encoder, kept as they were) decode to the same values."""
    raw = (GOLDEN / "points-v1.bin").read_bytes()
    d = P.decode(raw)
    assert d.version == 1 and d.row_start == 0 and d.total == d.n
    got = json.dumps(golden_expected(d, 1), indent=1, sort_keys=True) + "\n"
    assert got == (GOLDEN / "points-v1.json").read_text()
    assert got == json.dumps(golden_expected(golden_table(v1=True), 1), indent=1, sort_keys=True) + "\n"


def test_v2_golden_bytes_and_expected_values():
    t = golden_table()
    for stem, table in (("points-v2", t), ("points-v2-rows16", t.rows(16, 64))):
        expected = json.dumps(golden_expected(table), indent=1, sort_keys=True) + "\n"
        _check_golden(GOLDEN / f"{stem}.bin", P.encode(table), GOLDEN / f"{stem}.json", expected, UPDATE)


def test_chunks_concatenate_to_the_table():
    t = golden_table()
    chunks = [P.decode(b) for b in P.encode_chunks(t, 10, 20)]
    assert [(c.row_start, c.n) for c in chunks] == [(0, 10), (10, 20), (30, 20), (50, 14)]
    whole = P.concat(chunks)
    for name, c in t.columns.items():
        np.testing.assert_array_equal(whole.columns[name].data, c.data)
    np.testing.assert_array_equal(whole.positions("umap"), t.positions("umap"))
    assert P.chunk_bounds(5, 10, 20) == [(0, 5)] and P.chunk_bounds(0, 10, 20) == [(0, 0)]
    with pytest.raises(FormatError, match="does not continue"):
        P.concat([chunks[0], chunks[2]])


def test_golden_exercises_every_transform():
    raw = (GOLDEN / "points-v2.bin").read_bytes()
    d = P.decode(raw)
    flags = {name: (d.columns[name].data.dtype.name, P.ENTRY.unpack_from(raw, _entry(i))[3])
             for i, name in enumerate(d.columns)}
    assert flags["xy:umap"] == ("uint16", P.FLAG_PLANES)
    assert flags["xy:tsne"] == ("float32", P.FLAG_PLANES)
    assert flags["genre"] == ("uint8", 0)
    assert flags["publisher"] == ("uint16", P.FLAG_PLANES | P.FLAG_DELTA)
    assert flags["year"] == ("uint16", 0)  # few distinct values: a value's low byte tells its high byte
    assert flags["size"] == ("uint8", P.FLAG_DELTA)


@pytest.mark.parametrize("folder, make, golden", [
    ("corrupt", lambda: corrupt_cases((GOLDEN / "points-v1.bin").read_bytes()), "points-v1.bin"),
    ("corrupt-v2", lambda: corrupt_cases_v2(P.encode(golden_table())), "points-v2.bin"),
])
def test_corrupt_goldens_written_and_rejected(folder, make, golden):
    cases = make()
    path = GOLDEN / folder
    index = {name: msg for name, (_, msg) in sorted(cases.items())}
    if UPDATE or not (path / "index.json").exists():
        path.mkdir(parents=True, exist_ok=True)
        for name, (b, _) in cases.items():
            (path / f"{name}.bin").write_bytes(b)
        (path / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    assert json.loads((path / "index.json").read_text()) == index
    for name, (b, msg) in cases.items():
        assert (path / f"{name}.bin").read_bytes() == b, name
        with pytest.raises(FormatError) as e:
            P.decode(b)
        assert msg in str(e.value), (name, str(e.value))
        assert str(e.value).startswith("point file: ")


def test_round_trip_random_table():
    rng = np.random.default_rng(1)
    n = 5000
    xy = rng.uniform(-1, 1, (n, 2))
    vals = rng.normal(size=n)
    vals[rng.random(n) < 0.1] = np.nan
    t = P.PointTable(n, {
        "xy:a": P.position_column(xy),
        "xy:b": P.position_column(xy, exact=True),
        "cat": P.category_column(rng.integers(-1, 40, n), 40),
        "v": P.number_column(vals),
        "size": P.number_column(np.sort(rng.pareto(1.0, n))[::-1], kind="size", dtype="uint8"),
    })
    d = P.decode(P.encode(t))
    assert list(d.columns) == list(t.columns) and d.n == n and d.version == P.FORMAT_VERSION
    for name, c in t.columns.items():
        np.testing.assert_array_equal(d.columns[name].data, c.data)
        assert d.columns[name].kind == c.kind and d.columns[name].min == c.min and d.columns[name].max == c.max
    assert np.abs(d.positions("a") - xy).max() <= 2 / 65535 + 1e-6
    np.testing.assert_array_equal(d.positions("b"), xy.astype(np.float32))
    got = d.number("v")
    assert np.array_equal(np.isnan(got), np.isnan(vals))
    ok = ~np.isnan(vals)
    assert np.abs(got[ok] - vals[ok]).max() <= (np.nanmax(vals) - np.nanmin(vals)) / 65534
    assert P.encode(d) == P.encode(t)


def test_empty_and_degenerate_columns():
    t = P.PointTable(0, {"xy:a": P.position_column(np.zeros((0, 2)))})
    assert P.decode(P.encode(t)).n == 0
    same = P.PointTable(3, {"xy:a": P.position_column(np.ones((3, 2))), "v": P.number_column([2.0, 2.0, 2.0])})
    d = P.decode(P.encode(same))
    np.testing.assert_array_equal(d.positions("a"), np.ones((3, 2), np.float32))
    np.testing.assert_array_equal(d.number("v"), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("bad, msg", [
    (lambda: P.position_column(np.array([[0.0, np.nan]])), "NaN"),
    (lambda: P.position_column(np.zeros((3, 3))), "shape (n, 2)"),
    (lambda: P.category_column(np.array([0, 5]), 3), "category codes must lie in"),
    (lambda: P.number_column([1.0], dtype="int8"), "dtype must be"),
    (lambda: P.encode(P.PointTable(2, {"x" * 49: P.number_column([1.0, 2.0])})), "must be 1..48 bytes"),
    (lambda: P.encode(P.PointTable(3, {"v": P.number_column([1.0, 2.0])})), "does not fit n=3"),
])
def test_encoder_rejects_bad_input(bad, msg):
    with pytest.raises(FormatError, match=None) as e:
        bad()
    assert msg in str(e.value)


def test_popularity_order_meets_size_target():
    """positions + one category + one size <= 5 bytes/point after brotli (benchmarks/bench_points.py)."""
    import importlib.util

    import brotli

    path = Path(__file__).parents[1] / "benchmarks" / "bench_points.py"
    spec = importlib.util.spec_from_file_location("bench_points", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    t = bench.synthetic_table(20_000, seed=0)
    per_point = len(brotli.compress(P.encode(t), quality=11, lgwin=22)) / t.n
    assert per_point <= 5.0


def _block(raw: bytes, name: str) -> tuple[int, bytes]:
    d = P.decode(raw)
    i = list(d.columns).index(name)
    _, _, _, flags, off, length, *_ = P.ENTRY.unpack_from(raw, _entry(i))
    return flags, raw[off : off + length]


def test_number_columns_are_laid_out_for_brotli():
    """A few-valued number column (years) keeps each value's two bytes together, which brotli codes in
    context (the low byte tells the high byte); a continuous one keeps byte planes. Either way the
    layout chosen is the one brotli at the site's settings makes smaller."""
    import brotli

    rng = np.random.default_rng(5)
    n = 32_768
    t = P.PointTable(n, {"year": P.number_column(np.round(rng.normal(1990, 15, n))),
                         "score": P.number_column(rng.normal(size=n))})
    raw = P.encode(t)
    br = lambda b: len(brotli.compress(b, quality=11, lgwin=22))  # noqa: E731
    for name, want in (("year", 0), ("score", P.FLAG_PLANES)):
        flags, block = _block(raw, name)
        a = t.columns[name].data.reshape(n, 1)
        together, planes = br(a.astype("<u2").tobytes()), br(P._planes(a))
        assert flags == want, name
        assert br(block) == min(together, planes), name
    assert br(_block(raw, "year")[1]) < 0.7 * br(P._planes(t.columns["year"].data.reshape(n, 1)))
