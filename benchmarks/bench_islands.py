"""Islands (sitegen.stages.islands): the cell-based island search against the exact pair search it
replaced, and the whole packing, on a dense body plus 20 far islands (a UMAP-like layout).

    .venv/bin/python benchmarks/bench_islands.py [--write]

CPU seconds (time.process_time), so the figures hold on a shared machine; the pair search is the
baseline, run in the same process on the same layouts, and both give the same islands (checked).
Above 60k points the pair search is left out: its pairs grow as n^2 in a dense body.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from sitegen.stages.islands import islands, pack_islands

ROOT = Path(__file__).resolve().parent.parent


def layout(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    r, t = np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
    parts = [np.stack([2 * r * np.cos(t), r * np.sin(t)], axis=1)]
    for _ in range(20):  # 0.3-0.9 % of the points in all, so the robust extent is the body's
        m = max(2, int(n * rng.uniform(0.00015, 0.00045)))
        a, d = rng.uniform(0, 2 * np.pi), rng.uniform(5, 30)
        parts.append(rng.normal(0, 0.02 * np.sqrt(m), (m, 2)) + d * np.array([np.cos(a), np.sin(a)]))
    return np.vstack(parts)


def pair_search(xy: np.ndarray, gap: float) -> tuple[np.ndarray, int]:
    """The exact definition (the code before): every pair closer than gap, then components."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(gap, output_type="ndarray")
    n = len(xy)
    adj = sp.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(adj, directed=False)[1], len(pairs)


def cpu(fn):
    t = time.process_time()
    out = fn()
    return out, time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="replace the Islands section of benchmarks/RESULTS.md")
    args = ap.parse_args()
    islands(layout(2000), 0.1)  # imports and first-call costs out of the timings
    pair_search(layout(2000), 0.1)
    rows = ["| points | pair search (baseline) | pairs | cell search | ratio | pack_islands (all) "
            "| body's share of the longer side, before -> after | aspect after |",
            "|---|---|---|---|---|---|---|---|"]
    for n in (10_000, 30_000, 60_000, 100_000, 1_000_000):
        xy = layout(n)
        lo, hi = np.percentile(xy, 1, axis=0), np.percentile(xy, 99, axis=0)
        gap = 0.04 * float((hi - lo).max())
        cells, t_cells = cpu(lambda: islands(xy, gap))  # noqa: B023
        if n <= 60_000:
            (exact, pairs), t_exact = cpu(lambda: pair_search(xy, gap))  # noqa: B023
            same = len(np.unique(np.stack([exact, cells], axis=1), axis=0)) == len(np.unique(exact)) == len(np.unique(cells))
            assert same, "the cell search found other islands than the pair search"
            base = f"{t_exact:.2f} s | {pairs:,} | {t_cells:.2f} s | {t_exact / t_cells:.1f}x"
        else:
            base = f"- | - | {t_cells:.2f} s | -"
        packed, t_pack = cpu(lambda: pack_islands(xy))  # noqa: B023
        body = np.ptp(xy[:n], axis=0).max()
        before, after = np.ptp(xy, axis=0), np.ptp(packed, axis=0)
        rows.append(f"| {n:,} | {base} | {t_pack:.2f} s | {body / before.max():.2f} -> {body / after.max():.2f} "
                    f"| {after[0] / after[1]:.2f} |")
        print(rows[-1], flush=True)
    load = os.getloadavg()[0]
    body = ("Command: `.venv/bin/python benchmarks/bench_islands.py --write` (CPU seconds; load average "
            f"{load:.1f} when written). A 2:1 disc-shaped body of n points plus 20 islands (0.3-0.9 % "
            "of the points in all) 5-30 body radii away. The pair search is the island search before issue 10's packing work; the "
            "cell search gives the same islands. pack_islands is the whole step (search, then placing every "
            "island around the body); the body's share of the layout's longer side is how large the body is drawn once the "
            "layout is normalised (the body here is 2:1, so islands this small cannot make the whole square).\n\n" + "\n".join(rows))
    if args.write:
        from results_file import write_section  # benchmarks/ is on sys.path when run as a script

        write_section(ROOT / "benchmarks" / "RESULTS.md", body, "## Islands (project stage)")
    print(body)


if __name__ == "__main__":
    main()
