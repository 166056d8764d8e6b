"""Stage 1 at scale: load a 10-million-row membership CSV (the issue's floor), time and peak RSS.

    .venv/bin/python benchmarks/bench_load.py [--rows 10000000]

Writes a synthetic CSV (Zipf-popular entities, 20 collections per ~400 rows) once under
benchmarks/out/, then loads it in a fresh process through the real load stage.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"

SPEC = """
name = "big"
title = "Big"
[collections]
path = "{csv}"
collection = "user"
entity = "item"
value = "rating"
[filter]
min_entity_count = 5
[[variants]]
name = "umap"
method = "umap"
"""


def make_csv(path: Path, rows: int) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    n_items = 200_000
    p = 1.0 / np.arange(1, n_items + 1)
    p /= p.sum()
    with open(path, "w") as f:
        f.write("user,item,rating\n")
        step = 1_000_000
        for start in range(0, rows, step):
            m = min(step, rows - start)
            users = (start + np.arange(m)) // 40
            items = rng.choice(n_items, size=m, p=p)
            ratings = rng.integers(1, 11, m) / 2
            block = np.char.add(np.char.add(np.char.add(np.char.add(users.astype(str), ","),
                                                        (items * 7 + 3).astype(str)), ","), ratings.astype(str))
            f.write("\n".join(block.tolist()))
            f.write("\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--worker")
    args = ap.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        from sitegen.spec import load_spec
        from sitegen.stages.load import load_dataset

        t = time.perf_counter()
        coll, ents, stats = load_dataset(load_spec(args.worker))
        secs = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"rows {stats.rows:,}  collections {coll.n_collections:,}  entities {coll.n_entities:,}  "
              f"load {secs:.1f}s  ({stats.rows / secs / 1e6:.1f}M rows/s)  peak RSS {rss:.2f} GiB")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    csv = OUT / f"memberships-{args.rows}.csv"
    if not csv.exists():
        t = time.perf_counter()
        make_csv(csv, args.rows)
        print(f"wrote {csv} ({csv.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.0f}s")
    spec = OUT / "big.toml"
    spec.write_text(SPEC.format(csv=csv.as_posix()))
    subprocess.run([sys.executable, __file__, "--worker", str(spec)], check=True)


if __name__ == "__main__":
    main()
