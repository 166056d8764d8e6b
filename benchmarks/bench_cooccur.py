"""Co-occurrence benchmark: sitegen's kernel vs scipy `B.T @ B` vs a naive Python loop, in one run.

    .venv/bin/python benchmarks/bench_cooccur.py --write benchmarks/RESULTS.md

Datasets: (a) MovieLens latest-small, all ratings (/work/shared/data; skipped with a note if absent),
(b) the synthetic generator at ~1e9 ordered pair incidences. Each measurement runs in its own
subprocess, so `ru_maxrss` is that method's peak; inputs are handed over as .npz files in
benchmarks/out/. Methods run in alternation for `--rounds` rounds and the best time counts, which
damps the noise of a shared machine; ratios come from the same run.

- kernel: `cooccurrence_matrix(coll, CooccurSpec())`, end to end from the Collections arrays
  (validation, sorting check, inverted index, both passes, CSR); numba cache warmed on a tiny input.
- scipy: `B.T @ B` with B the prebuilt (collections x entities) float32 CSR incidence matrix; building
  B, dropping the diagonal and sorting indices are NOT timed (in scipy's favour).
- naive: a dict of pairs filled by a Python double loop over a random subsample of collections;
  its per-pair rate is extrapolated to the whole input.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from results_file import write_section  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
MOVIELENS = Path("/work/shared/data/movielens-latest-small/ratings.csv")
METHODS = ("kernel", "scipy", "naive")
NOTES = """\
How to read it: "pairs/s" is ordered pair incidences (sum |c|(|c| - 1)) per second of wall time;
"speed vs B.T@B" is scipy's best time over the method's best time, from the same run. The kernel
times include validation, the inverted index and the CSR; scipy's exclude building B, dropping the
diagonal and sorting. Peak RSS is the worker's VmHWM; the figure in brackets is the peak before the
timed calls (imports, input, B), so the difference is what the method itself added. The kernel worker
imports numba, hence its higher baseline. The machine is a shared 2-core VM: check the load average
above; with other jobs running, a 2-thread kernel loses more than single-threaded scipy, and freshly
allocated memory is slow to fault in (several seconds per GB at times), which both methods pay for
their output."""
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    """Peak resident set of this process so far, MiB.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork + exec, so a
    worker's ru_maxrss would start at the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ----------------------------------------------------------------------------- inputs (parent)

def movielens_npz() -> Path | None:
    if not MOVIELENS.is_file():
        return None
    import pyarrow.csv as pcsv

    t = pcsv.read_csv(MOVIELENS)
    user = t.column("userId").to_numpy()
    movie = t.column("movieId").to_numpy()
    _, coll = np.unique(user, return_inverse=True)
    _, ent = np.unique(movie, return_inverse=True)
    order = np.argsort(coll, kind="stable")  # group by user; keep file order within a user
    indptr = np.zeros(coll.max() + 2, np.int64)
    np.cumsum(np.bincount(coll), out=indptr[1:])
    path = OUT / "movielens.npz"
    np.savez(path, indptr=indptr, entity=ent[order].astype(np.int32), n_entities=ent.max() + 1)
    return path


def synthetic_npz(n_entities: int, n_collections: int, median_size: float, max_size: int) -> Path:
    from sitegen import synth

    coll, _ = synth.generate(n_entities, n_collections, 20, median_size, seed=0, max_size=max_size)
    path = OUT / "synthetic.npz"
    np.savez(path, indptr=coll.indptr, entity=coll.entity, n_entities=coll.n_entities)
    return path


# ----------------------------------------------------------------------------- workers (subprocess)

def load(path: str):
    from sitegen.datatypes import Collections

    z = np.load(path)
    return Collections(indptr=z["indptr"], entity=z["entity"], n_entities=int(z["n_entities"]))


def worker(method: str, path: str, reps: int, naive_pairs: int) -> dict:
    coll = load(path)
    pairs = coll.pair_count()
    times: list[float] = []
    nnz = None
    if method == "kernel":
        from sitegen.spec import CooccurSpec
        from sitegen.stages.cooccur import cooccurrence_matrix
        from sitegen.synth import generate

        cooccurrence_matrix(generate(200, 100, 4, 10, seed=0)[0], CooccurSpec())  # load the numba cache
        base = rss_mib()
        for _ in range(reps):
            t = time.perf_counter()
            m = cooccurrence_matrix(coll, CooccurSpec())
            times.append(time.perf_counter() - t)
            nnz = m.nnz
            del m
    elif method == "scipy":
        import scipy.sparse as sp

        owner = np.repeat(np.arange(coll.n_collections), coll.sizes)
        b = sp.csr_matrix((np.ones(owner.shape[0], np.float32), (owner, coll.entity)),
                          shape=(coll.n_collections, coll.n_entities))
        del owner
        base = rss_mib()
        for _ in range(reps):
            t = time.perf_counter()
            m = b.T @ b
            times.append(time.perf_counter() - t)
            nnz = m.nnz - int((m.diagonal() != 0).sum())
            del m
    else:
        base = rss_mib()
        rng = np.random.default_rng(0)
        sizes = coll.sizes.astype(np.int64)
        done, counts = 0, {}
        t = time.perf_counter()
        for c in rng.permutation(coll.n_collections):
            e = coll.entity[coll.indptr[c]:coll.indptr[c + 1]].tolist()
            for a in e:
                for b_ in e:
                    if a != b_:
                        counts[a, b_] = counts.get((a, b_), 0) + 1
            done += int(sizes[c] * (sizes[c] - 1))
            if done >= naive_pairs:
                break
        el = time.perf_counter() - t
        times = [el * pairs / max(done, 1)]
        return {"method": method, "seconds": times, "pairs": pairs, "nnz": None, "base_rss_mib": base,
                "peak_rss_mib": rss_mib(), "sampled_pairs": done}
    return {"method": method, "seconds": times, "pairs": pairs, "nnz": nnz, "base_rss_mib": base,
            "peak_rss_mib": rss_mib()}


def run_worker(method: str, path: Path, reps: int, naive_pairs: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", method, str(path), "--reps", str(reps),
           "--naive-pairs", str(naive_pairs)]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ})
    if res.returncode != 0:
        raise SystemExit(f"{method} on {path.name} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- report

def measure(name: str, path: Path, reps: int, rounds: int, naive_pairs: int) -> list[dict]:
    best: dict[str, dict] = {}
    for r in range(rounds):
        for method in METHODS:
            if method == "naive" and r > 0:
                continue
            got = run_worker(method, path, reps, naive_pairs)
            got["best"] = min(got["seconds"])
            print(f"  {name} round {r + 1} {method}: {got['best']:.3f} s "
                  f"(all: {', '.join(f'{s:.3f}' for s in got['seconds'])}), peak RSS {got['peak_rss_mib']:.0f} MiB",
                  flush=True)
            prev = best.get(method)
            if prev is None or got["best"] < prev["best"]:
                got["all"] = (prev or {}).get("all", []) + got["seconds"]
                best[method] = got
            else:
                prev["all"] += got["seconds"]
            best[method]["peak_rss_mib"] = max(best[method]["peak_rss_mib"], got["peak_rss_mib"])
    return [best[m] for m in METHODS]


def table(name: str, rows: list[dict]) -> str:
    scipy_s = rows[1]["best"]
    out = [f"**{name}**: {rows[0]['pairs']:,} ordered pair incidences, {rows[0]['nnz']:,} stored entries",
           "",
           "| method | best s | median s | pairs/s | speed vs B.T@B | peak RSS MiB (input loaded) |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        note = f" (extrapolated from {r['sampled_pairs']:,} pairs)" if r["method"] == "naive" else ""
        med = float(np.median(r["all"]))
        out.append(f"| {r['method']}{note} | {r['best']:.3f} | {med:.3f} | {r['pairs'] / r['best'] / 1e6:,.0f} M "
                   f"| {scipy_s / r['best']:.2f}x | {r['peak_rss_mib']:,.0f} ({r['base_rss_mib']:,.0f}) |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", nargs=2, metavar=("METHOD", "NPZ"), help=argparse.SUPPRESS)
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions per subprocess (MovieLens)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds of kernel / scipy")
    ap.add_argument("--naive-pairs", type=int, default=3_000_000, help="pairs the naive loop samples")
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--collections", type=int, default=70_000)
    ap.add_argument("--median-size", type=float, default=120.0)
    ap.add_argument("--max-size", type=int, default=1000)
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--write", type=Path, help="update the ## Co-occurrence section of this file")
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker[0], a.worker[1], a.reps, a.naive_pairs)))
        return

    import numba

    OUT.mkdir(parents=True, exist_ok=True)
    parts = [f"Command: `{' '.join(['.venv/bin/python', *sys.argv])}` (run from the repository root)",
             f"Machine: {os.cpu_count()} CPUs, numba threads {numba.get_num_threads()}, "
             f"numpy {np.__version__}, load average at start {os.getloadavg()[0]:.1f}; "
             f"time = best of {a.reps} reps x {a.rounds} rounds per method, each method in its own subprocess.",
             ""]
    ml = movielens_npz()
    if ml is None:
        parts.append(f"(a) MovieLens: skipped, {MOVIELENS} is absent.")
    else:
        print("MovieLens latest-small", flush=True)
        parts.append(table("(a) MovieLens latest-small, all 100,836 ratings", measure("movielens", ml, a.reps, a.rounds, a.naive_pairs)))
    parts.append("")
    if not a.skip_synthetic:
        path = synthetic_npz(a.entities, a.collections, a.median_size, a.max_size)
        print("synthetic", flush=True)
        name = (f"(b) synthetic: {a.entities:,} entities, {a.collections:,} collections, median size "
                f"{a.median_size:g}, max {a.max_size}, seed 0")
        parts.append(table(name, measure("synthetic", path, 1, a.rounds, a.naive_pairs)))
    parts += ["", NOTES]
    body = "\n".join(parts)
    print(body)
    if a.write:
        write_section(a.write, body, "## Co-occurrence")


if __name__ == "__main__":
    main()
