"""Deterministic precompressed siblings: `<file>.br` for every compressible file, `<file>.gz` where smaller.

Runs after every other file is written (HTML included), over the build folder. Brotli uses fixed
parameters chosen by what a file is for: quality 11 for what a first visit fetches (pages, viewer,
point chunks, core metadata, the first shard), 10 for files fetched only on demand (the shards of a
big atlas: 2.6 % bigger for a third of the CPU time; id and search buckets stay at 11, where 10 saves
no time or doubles them), 7 for files under 16 KiB such as the thousands of entity pages. gzip uses a
zero mtime and no file name. So the same input gives the same bytes, whatever the number of workers.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

COMPRESSIBLE = frozenset({".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".bin", ".msgpack",
                          ".wasm", ".map", ".md"})
BROTLI_QUALITY = 11
BROTLI_QUALITY_ON_DEMAND = 10  # benchmarks/RESULTS.md "Site at scale": per file class, q11 / q10 / q9
BROTLI_QUALITY_SMALL = 7  # below SMALL bytes: q11 takes ~5 ms a page for ~2 % smaller output
SMALL = 16 * 1024
BROTLI_LGWIN = 22
GZIP_LEVEL = 9


def compressible(path: Path) -> bool:
    return path.suffix in COMPRESSIBLE


def brotli_quality(size: int, on_demand: bool = False) -> int:
    if size < SMALL:
        return BROTLI_QUALITY_SMALL
    return BROTLI_QUALITY_ON_DEMAND if on_demand else BROTLI_QUALITY


def siblings(data: bytes, on_demand: bool = False) -> dict[str, bytes]:
    """{".br": ..., ".gz": ...} for one file's bytes; .gz only when smaller than the original."""
    out = {".br": brotli.compress(data, quality=brotli_quality(len(data), on_demand), lgwin=BROTLI_LGWIN)}
    gz = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    if len(gz) < len(data):
        out[".gz"] = gz
    return out


def compress_tree(root: Path, workers: int | None = None, on_demand: Collection[str] = ()) -> list[Path]:
    """Write siblings for every compressible file under `root`; returns the files written, sorted.

    on_demand: paths relative to `root` (as "a/b.msgpack") of files no first visit fetches.
    """
    files = sorted(p for p in root.rglob("*") if p.is_file() and compressible(p))
    lazy = frozenset(on_demand)

    def one(path: Path) -> list[Path]:
        written = []
        for ext, data in siblings(path.read_bytes(), path.relative_to(root).as_posix() in lazy).items():
            target = path.with_name(path.name + ext)
            target.write_bytes(data)
            written.append(target)
        return written

    # brotli (PyEval_SaveThread in _brotli) and zlib release the GIL, so threads use every core. The
    # biggest files go first, so that no worker starts a 300 KB shard while the others sit idle at the end.
    by_size = sorted(files, key=lambda p: -p.stat().st_size)
    with ThreadPoolExecutor(max_workers=workers or min(8, os.cpu_count() or 1)) as pool:
        return sorted(p for ws in pool.map(one, by_size) for p in ws)
