"""Brotli quality per file class of a built (uncompressed) site: bytes and CPU seconds, to choose qualities.

    .venv/bin/python benchmarks/bench_compress.py SITE_DIR [--every 25] [--qualities 11,9,7,5]

SITE_DIR is a site written without siblings (e.g. `js/bench/make_site.py /tmp/s1m --n 1000000
--variants 1 --no-compress`). Files are grouped by class (point chunks, core metadata, first shard,
other shards, id buckets, search buckets, entity pages, other pages and assets); every `--every`-th
file of a class (all of a class with fewer than 10 files) is compressed at each quality with lgwin 22,
one thread, and the class's totals are scaled up from the sample by its plain bytes. Prints a
markdown table: per class and quality, brotli bytes and CPU seconds.

With `--whole`, instead compresses two copies of the whole site with `compress_tree` (both cores):
every file at the first-visit settings (as before on-demand shards had their own quality) and as
`atlasgen build` does now; prints wall and CPU seconds and the .br bytes of each, same run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitegen.formats.datafiles import EAGER_SHARDS  # noqa: E402
from sitegen.site.compress import compress_tree  # noqa: E402

CLASSES = [  # (class, pattern on the path under SITE_DIR), first match wins
    ("point chunks", r"/data/points-\d+\.[0-9a-f]+\.bin$"),
    ("core metadata", r"/data/meta\.[0-9a-f]+\.msgpack$"),
    ("shard 0", r"/data/shard-0\.[0-9a-f]+\.msgpack$"),
    ("shards 1..", r"/data/shard-\d+\.[0-9a-f]+\.msgpack$"),
    ("id buckets", r"/data/ids-\d+\.[0-9a-f]+\.msgpack$"),
    ("search buckets", r"/data/search-\d+\.[0-9a-f]+\.msgpack$"),
    ("entity pages", r"/e/[^/]+\.html$"),
    ("pages, assets, rest", r""),
]
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".bin", ".msgpack", "_headers")


def classify(rel: str) -> str:
    return next(name for name, pat in CLASSES if re.search(pat, "/" + rel))


def whole(site: Path) -> None:
    """compress_tree over two copies of `site`: all first-visit settings, then the build's on-demand set."""
    rels = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    shards = [r for r in rels if classify(r) in ("shard 0", "shards 1..")]
    lazy = {r for r in rels if classify(r) == "shards 1.."} if len(shards) > EAGER_SHARDS else set()
    print(f"site {site}: {len(rels)} files, {len(lazy)} on demand; load average {os.getloadavg()[0]:.1f} at start\n")
    print("| settings | wall s | CPU s | .br bytes, all | .br bytes, on-demand shards |\n|---|---:|---:|---:|---:|")
    for name, on_demand in (("every file q11 (q7 under 16 KiB)", set()), ("on-demand shards q10", lazy)):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "site"
            shutil.copytree(site, copy)
            w, c = time.perf_counter(), time.process_time()
            written = compress_tree(copy, workers=2, on_demand=on_demand)
            w, c = time.perf_counter() - w, time.process_time() - c
            br = [p for p in written if p.suffix == ".br"]
            total = sum(p.stat().st_size for p in br)
            shard_bytes = sum(p.stat().st_size for p in br if p.relative_to(copy).as_posix()[:-3] in lazy)
            print(f"| {name} | {w:.0f} | {c:.0f} | {total:,} | {shard_bytes:,} |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("site", type=Path)
    ap.add_argument("--every", type=int, default=25)
    ap.add_argument("--qualities", default="11,9,7,5")
    ap.add_argument("--whole", action="store_true", help="time compress_tree over the whole site, before and now")
    a = ap.parse_args()
    if a.whole:
        return whole(a.site)
    qualities = [int(q) for q in a.qualities.split(",")]
    files: dict[str, list[Path]] = {}
    for p in sorted(a.site.rglob("*")):
        if p.is_file() and p.name.endswith(COMPRESSIBLE):
            files.setdefault(classify(p.relative_to(a.site).as_posix()), []).append(p)
    print(f"site {a.site}, load average {os.getloadavg()[0]:.1f} at start\n")
    print("| class | files | plain MB | " + " | ".join(f"q{q} MB (CPU s)" for q in qualities) + " |")
    print("|---|---:|---:|" + "---:|" * len(qualities))
    for name, _ in CLASSES:
        group = files.get(name, [])
        if not group:
            continue
        sample = group if len(group) < 10 else group[:: a.every]
        plain = sum(p.stat().st_size for p in group)
        data = [p.read_bytes() for p in sample]
        scale = plain / max(1, sum(map(len, data)))
        cells = []
        for q in qualities:
            c = time.process_time()
            size = sum(len(brotli.compress(d, quality=q, lgwin=22)) for d in data)
            cells.append(f"{size * scale / 1e6:.2f} ({(time.process_time() - c) * scale:.1f})")
        print(f"| {name} | {len(group)} | {plain / 1e6:.1f} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
