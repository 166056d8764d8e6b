"""PyMDE stage: PyMDE's own solver as the embed stage used to call it, against `sitegen.stages.mde`.

    .venv/bin/python benchmarks/bench_embed.py [--entities 30000 150000] [--iters 100] [--threads 1]

For each size, a synthetic dataset (`sitegen.synth`: N entities, 2N collections, median size 20,
N/1000 groups, seed 0) goes through co-occurrence, cosine association and the 15-NN graph (cached in
benchmarks/out/). On that graph, in the same process and alternating:
- pymde: the problem built as `graph.embed` builds it, solved by `pymde.MDE.embed` in rounds of 50
  iterations, as the stage did before (its per-round restart of L-BFGS included);
- atlasgen: `graph.embed` today (same problem, `sitegen.stages.mde.solve`).
First `--iters` iterations with no convergence test (seconds per 100 iterations), then one run to
convergence with the default tol (iterations, final distortion, seconds). `--device cuda` runs both on
the GPU. The ratio is pymde's time over atlasgen's from the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"


def knn_graph(n: int):
    """The 15-NN cosine graph of the synthetic dataset of n entities (cached as .npz)."""
    from sitegen.stages import graph as G

    path = OUT / f"embed-graph-{n}.npz"
    if not path.exists():
        from sitegen.spec import CooccurSpec
        from sitegen.stages.cooccur import cooccurrence_matrix
        from sitegen.synth import generate

        coll, _ = generate(n, 2 * n, max(1, n // 1000), 20, 0)
        counts = np.bincount(coll.entity, minlength=n)
        sim = G.association(cooccurrence_matrix(coll, CooccurSpec()), counts, coll.n_collections, "cosine")
        kept = np.setdiff1d(np.arange(n), G.isolated(sim))
        k = G.knn_graph(sim[kept][:, kept].tocsr(), 15)
        OUT.mkdir(parents=True, exist_ok=True)
        np.savez(path, idx=k.idx, sim=k.sim)
    d = np.load(path)
    return G.KnnGraph(idx=d["idx"], sim=d["sim"])


def pymde_rounds(knn, params, seed: int) -> tuple[int, float]:
    """The stage before this change: pymde.MDE + PushAndPull, `embed` in rounds of 50 iterations."""
    import pymde
    import torch
    from pymde import constraints, penalties, preprocess

    n = knn.idx.shape[0]
    torch.set_num_threads(params.threads)
    pymde.seed(seed)
    device = params.device
    e, w = knn.edges()
    edges, weights = torch.as_tensor(e, device=device), torch.as_tensor(w, device=device)
    constraint = constraints.Centered()
    x = constraint.initialization(n, params.embedding_dim, device)
    n_rep = min(int(edges.shape[0]), n * (n - 1) // 2 - int(edges.shape[0]))
    neg = preprocess.sample_edges(n, n_rep, exclude=edges).to(device)
    all_w = torch.cat([weights, -torch.ones(neg.shape[0], dtype=x.dtype, device=device)])
    f = penalties.PushAndPull(all_w, attractive_penalty=penalties.Log1p, repulsive_penalty=penalties.Log)
    mde = pymde.MDE(n_items=n, embedding_dim=params.embedding_dim, edges=torch.cat([edges, neg]),
                    distortion_function=f, constraint=constraint, device=device)
    done, prev = 0, None
    while done < params.max_iter:
        step = min(50, params.max_iter - done)
        x = mde.embed(X=x, max_iter=step, eps=1e-12)
        done += step
        cur = float(mde.value)
        if prev is not None and params.tol > 0 and (prev - cur) <= params.tol * abs(prev):
            break
        prev = cur
    return done, float(mde.value)


def atlasgen(knn, params, seed: int) -> tuple[int, float]:
    from sitegen.stages import graph as G

    emb = G.embed(knn, params, seed)
    return emb.iterations, emb.distortion


def timed(fn, *args) -> tuple[float, float, int, float]:
    """(wall s, CPU s of this process, iterations, distortion)."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()
    t, c = time.perf_counter(), time.process_time()
    it, dist = fn(*args)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - t, time.process_time() - c, it, dist


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, nargs="+", default=[30_000, 150_000])
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--no-converge", action="store_true", help="only the fixed-iteration timing")
    ap.add_argument("--json", help="also write the rows here")
    args = ap.parse_args()
    from sitegen.spec import GraphSpec

    rows = []
    for n in args.entities:
        knn = knn_graph(n)
        fixed = GraphSpec(max_iter=args.iters, tol=0, threads=args.threads, device=args.device)
        atlasgen(knn, GraphSpec(max_iter=2, threads=args.threads, device=args.device), 0)  # JIT / CUDA warm-up
        row = {"entities": int(knn.idx.shape[0]), "edges": int(len(knn.edges()[1])) * 2, "device": args.device,
               "threads": args.threads}
        for name, fn in (("pymde", pymde_rounds), ("atlasgen", atlasgen)):
            secs, cpu, _, dist = timed(fn, knn, fixed, 0)
            row[f"{name}_per100"] = 100 * secs / args.iters
            row[f"{name}_cpu_per100"] = 100 * cpu / args.iters
            row[f"{name}_dist{args.iters}"] = dist
        if not args.no_converge:
            conv = GraphSpec(threads=args.threads, device=args.device)
            for name, fn in (("pymde", pymde_rounds), ("atlasgen", atlasgen)):
                secs, _, it, dist = timed(fn, knn, conv, 0)
                row.update({f"{name}_conv_s": secs, f"{name}_conv_iters": it, f"{name}_conv_dist": dist})
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("\n| entities | edges (attr + rep) | device, threads | s / 100 it pymde (CPU s) | atlasgen (CPU s) | ratio |"
          " to convergence pymde (it, s, distortion) | atlasgen (it, s, distortion) | ratio |")
    print("|---:|---:|---|---:|---:|---:|---|---|---:|")
    for r in rows:
        conv = ("| | | |" if args.no_converge else
                f"| {r['pymde_conv_iters']}, {r['pymde_conv_s']:.1f} s, {r['pymde_conv_dist']:.4f} "
                f"| {r['atlasgen_conv_iters']}, {r['atlasgen_conv_s']:.1f} s, {r['atlasgen_conv_dist']:.4f} "
                f"| **{r['pymde_conv_s'] / r['atlasgen_conv_s']:.1f}x** |")
        print(f"| {r['entities']:,} | {r['edges']:,} | {r['device']}, {r['threads']} | {r['pymde_per100']:.2f} ({r['pymde_cpu_per100']:.2f}) "
              f"| {r['atlasgen_per100']:.2f} ({r['atlasgen_cpu_per100']:.2f}) | **{r['pymde_per100'] / r['atlasgen_per100']:.1f}x** {conv}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    sys.exit(main())
