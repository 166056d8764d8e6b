"""Fused co-occurrence -> kNN vs the matrix paths (scipy `B.T @ B`, and ours), in one run, as ratios.

    .venv/bin/python benchmarks/bench_fused.py --sizes S100k,S300k,S1M:fused --write benchmarks/RESULTS.md

(`NAME:m1+m2` runs only those methods on NAME: S1M's matrix paths need > 12 GB.)

What each method computes: the cosine kNN graph (k = 15) and every entity's 15 top co-occurring
entities with their counts, from the collections (the pipeline's `knn` stage):

- fused:  `stages.fused.fused_graph`, never holding the matrix (what a build runs).
- matrix: today's matrix path: `cooccurrence_matrix` (our numba SpGEMM), then `graph.knn_from_matrix`
          (association + top-k) and `datafiles.top_neighbors` on the matrix.
- scipy:  `B.T @ B` with B the (collections x entities) float32 CSR incidence matrix (building B is
          not timed), diagonal dropped, then the same association, top-k and top neighbours.
- dask:   the fused pass on a Dask `LocalCluster` of 2 worker processes, 1 thread and 1 numba thread
          each (`pipeline.executors.DaskExecutor`, what `atlasgen build --scheduler ADDRESS` runs);
          starting the cluster is not timed; peak RSS is the driver's and each worker's VmHWM.

Each method runs in its own subprocess (peak RSS = that process's VmHWM, which includes the input
arrays and imports; the bracketed figure is the peak before the timed call), alternating over
`--rounds` rounds; the best time counts. The fused and matrix results are checked equal to each
other (kNN indices and similarities bit for bit) in the parent.
Data: `sitegen.synth.generate` (what `python -m sitegen.synth` writes), median size 20, seed 0:
S100k = 100,000 entities / 200,000 collections / 100 groups; S1M = 1,000,000 / 2,000,000 / 1,000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from results_file import write_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))
SIZES = {"S100k": (100_000, 200_000, 100), "S300k": (300_000, 600_000, 300), "S1M": (1_000_000, 2_000_000, 1_000)}
METHODS = ("fused", "matrix", "scipy")  # and "dask", on request (`NAME:fused+dask`)
K, NB_K, TRANSFORM = 15, 15, "cosine"
NOTES = """\
How to read it: "fused speed-up (total)" is the path's total time over the fused pass's, which does
co-occurrence, association, top-k and the top co-occurring lists in one pass; "(co-occurrence
alone)" compares the fused pass with only that path's matrix product, which does less. Peak RSS is
the worker's VmHWM including its input (the bracket: before the timed call). The machine is a shared
2-core VM: with other jobs running (see the load average above) the 2-thread numba kernels lose
more than single-threaded scipy. S1M's matrix paths are not run here: they need > 12 GB (the issue
measured 12.9 GB for today's path), more than this shared 24 GB machine can spare."""


def rss_mib() -> float:
    """Peak resident set of this process so far (VmHWM), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def dataset_npz(name: str) -> Path:
    from sitegen import synth

    path = OUT / f"fused-{name}.npz"
    if not path.exists():
        n, c, g = SIZES[name]
        coll, _ = synth.generate(n, c, g, 20, seed=0)
        np.savez(path, indptr=coll.indptr, entity=coll.entity, n_entities=coll.n_entities)
    return path


# ----------------------------------------------------------------------------- worker (subprocess)

def worker(method: str, path: str, result: str | None) -> dict:
    if method == "dask":  # the workers inherit this: two processes on two cores, one numba thread each
        os.environ["NUMBA_NUM_THREADS"] = "1"
    from sitegen.datatypes import Collections
    from sitegen.formats.datafiles import top_neighbors
    from sitegen.spec import CooccurSpec
    from sitegen.stages import graph

    z = np.load(path)
    coll = Collections(indptr=z["indptr"], entity=z["entity"], n_entities=int(z["n_entities"]))
    del z
    counts = np.bincount(coll.entity, minlength=coll.n_entities)
    pairs = coll.pair_count()
    stages: dict[str, float] = {}
    extra: dict = {}
    if method == "fused":
        from sitegen.stages.fused import fused_graph
        from sitegen.synth import generate

        small = generate(300, 200, 4, 10, seed=0)[0]  # load the numba cache outside the timing
        fused_graph(small, CooccurSpec(), np.bincount(small.entity, minlength=300), TRANSFORM, K, NB_K)
        base = rss_mib()
        t = time.perf_counter()
        g = fused_graph(coll, CooccurSpec(), counts, TRANSFORM, K, NB_K)
        stages["total"] = time.perf_counter() - t
        kept, idx, sim = g.kept, g.knn_idx, g.knn_sim
    elif method == "dask":
        from distributed import LocalCluster

        from sitegen.pipeline.executors import DaskExecutor
        from sitegen.synth import generate

        cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                               memory_limit=0)
        ex = DaskExecutor(cluster.scheduler_address)
        small = generate(300, 200, 4, 10, seed=0)[0]  # the workers load the numba cache outside the timing
        ex.fused_graph(small, CooccurSpec(), np.bincount(small.entity, minlength=300), TRANSFORM, K, NB_K)
        base = rss_mib()
        t = time.perf_counter()
        g = ex.fused_graph(coll, CooccurSpec(), counts, TRANSFORM, K, NB_K)
        stages["total"] = time.perf_counter() - t
        kept, idx, sim = g.kept, g.knn_idx, g.knn_sim
        workers = ex.client.run(rss_mib)
        ex.client.close()
        cluster.close()
        extra["worker_peak_rss_mib"] = sorted(workers.values())
    else:
        import scipy.sparse as sp

        if method == "scipy":
            owner = np.repeat(np.arange(coll.n_collections), coll.sizes)
            b = sp.csr_matrix((np.ones(owner.shape[0], np.float32), (owner, coll.entity)),
                              shape=(coll.n_collections, coll.n_entities))
            del owner
        else:
            from sitegen.stages.cooccur import cooccurrence_matrix
            from sitegen.synth import generate

            cooccurrence_matrix(generate(300, 200, 4, 10, seed=0)[0], CooccurSpec())
        base = rss_mib()
        t = time.perf_counter()
        if method == "scipy":
            m = (b.T @ b).tocsr()
            m.setdiag(0)
            m.eliminate_zeros()
            m.sort_indices()
        else:
            m = cooccurrence_matrix(coll, CooccurSpec())
        stages["cooccurrence"] = time.perf_counter() - t
        t1 = time.perf_counter()
        kept, knn = graph.knn_from_matrix(m, counts, coll.n_collections, TRANSFORM, K)
        nb = top_neighbors(m[kept][:, kept] if len(kept) < m.shape[0] else m, NB_K)
        stages["association + top-k"] = time.perf_counter() - t1
        stages["total"] = time.perf_counter() - t
        idx, sim = knn.idx, knn.sim
        del nb
    if result:
        np.savez(result, kept=kept, idx=idx, sim=sim)
    return {"method": method, "stages": stages, "pairs": pairs, "base_rss_mib": base, "peak_rss_mib": rss_mib(),
            **extra}


def run_worker(method: str, path: Path, result: Path | None) -> dict:
    cmd = [sys.executable, __file__, "--worker", method, str(path)] + (["--result", str(result)] if result else [])
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ})
    if res.returncode != 0:
        raise SystemExit(f"{method} on {path.name} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- report

def measure(name: str, methods: list[str], rounds: int) -> str:
    path = dataset_npz(name)
    best: dict[str, dict] = {}
    for r in range(rounds):
        for m in methods:
            res = OUT / f"fused-{name}-{m}-result.npz" if r == 0 and m in ("fused", "matrix", "dask") else None
            got = run_worker(m, path, res)
            print(f"  {name} round {r + 1} {m}: {got['stages']['total']:.2f} s, peak RSS {got['peak_rss_mib']:.0f} MiB",
                  flush=True)
            prev = best.get(m)
            if prev is None or got["stages"]["total"] < prev["stages"]["total"]:
                got["peak_rss_mib"] = max(got["peak_rss_mib"], (prev or {}).get("peak_rss_mib", 0))
                best[m] = got
            else:
                prev["peak_rss_mib"] = max(prev["peak_rss_mib"], got["peak_rss_mib"])
    same = ""
    for other in ("matrix", "dask"):
        if "fused" in best and other in best:
            a, b = (np.load(OUT / f"fused-{name}-{m}-result.npz") for m in ("fused", other))
            equal = all(a[f].tobytes() == b[f].tobytes() for f in ("kept", "idx", "sim"))
            same += f" fused == {other} kNN graph (bit for bit): {'yes' if equal else 'NO'}."
    n, c, g = SIZES[name]
    rows = [f"**{name}**: {n:,} entities, {c:,} collections, median 20, {g:,} groups, seed 0; "
            f"{best[methods[0]]['pairs']:,} ordered pair incidences.{same}", "",
            "| path | co-occurrence s | association + top-k s | total s | fused speed-up (total) "
            "| fused speed-up (co-occurrence alone) | peak RSS MiB (before) |",
            "|---|---|---|---|---|---|---|"]
    fused = best["fused"]["stages"]["total"] if "fused" in best else None
    for m in methods:
        s = best[m]["stages"]
        cell = lambda key: f"{s[key]:.2f}" if key in s else "(one pass)"  # noqa: E731
        total = f"{s['total'] / fused:.2f}x" if fused and m != "fused" else "-"
        alone = f"{s['cooccurrence'] / fused:.2f}x" if fused and "cooccurrence" in s else "-"
        rows.append(f"| {m} | {cell('cooccurrence')} | {cell('association + top-k')} | {s['total']:.2f} | {total} "
                    f"| {alone} | {best[m]['peak_rss_mib']:,.0f} ({best[m]['base_rss_mib']:,.0f})"
                    + "".join(f"; worker {w:,.0f}" for w in best[m].get("worker_peak_rss_mib", ())) + " |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", nargs=2, metavar=("METHOD", "NPZ"), help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="S100k", help=f"comma-separated, of {', '.join(SIZES)}; NAME:m1+m2 "
                    "runs only those methods on NAME")
    ap.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, of {', '.join(METHODS)}")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--write", type=Path, help="update the ## Fused co-occurrence -> kNN section of this file")
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker[0], a.worker[1], a.result)))
        return
    import numba

    OUT.mkdir(parents=True, exist_ok=True)
    methods = a.methods.split(",")
    parts = [f"Command: `{' '.join(['.venv/bin/python', *sys.argv])}` (run from the repository root)",
             f"Machine: {os.cpu_count()} CPUs, numba threads {numba.get_num_threads()}, load average at start "
             f"{os.getloadavg()[0]:.1f}; best of {a.rounds} rounds, each method in its own subprocess.", ""]
    for item in a.sizes.split(","):
        name, _, only = item.partition(":")
        print(name, flush=True)
        parts += [measure(name, only.split("+") if only else methods, a.rounds), ""]
    body = "\n".join(parts + [NOTES])
    print(body)
    if a.write:
        write_section(a.write, body, "## Fused co-occurrence -> kNN")


if __name__ == "__main__":
    main()
