"""End to end: the documented process (the blog post, done literally) against atlasgen's default build.

Both start from the same filtered memberships (atlasgen's load stage) of MovieLens latest-small, all
ratings, and produce the same two layouts (UMAP and t-SNE). Each side runs in a fresh Python process
with a cold artifact cache, so imports and JIT (numba's on-disk cache as a second build finds it) count,
as they do for a user. The machine is shared and noisy: read the ratios, which come from one run
each (wall, and CPU seconds of each process with its threads); `--repeat` alternates the two sides.

    .venv/bin/python benchmarks/bench_end_to_end.py [--out benchmarks/out/e2e.json] [--input embedding] [--repeat N]

`--input embedding` builds atlasgen's two variants from the PyMDE embedding (`input = "embedding"`,
the documented path: association kNN graph -> PyMDE -> UMAP / t-SNE) instead of the kNN graph.

The documented process: count co-occurrence (B.T @ B), d = 1/log(1 + c) (1/log(c) divides by zero at
c = 1), the 15 nearest neighbours of each row as a pymde.Graph, pymde.preserve_neighbors(
embedding_dim=3, n_neighbors=15, init="random"), embed(max_iter=2000), UMAP(n_neighbors=200), t-SNE.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "datasets" / "shared" / "movielens.toml"
ML = ROOT.parent / "shared" / "data" / "movielens-latest-small"

BENCH_SPEC = """
name = "movielens-bench"
title = "MovieLens (benchmark)"
seed = 42
[collections]
path = "{ml}/ratings.csv"
collection = "userId"
entity = "movieId"
value = "rating"
time = "timestamp"
[entities]
path = "{ml}/movies.csv"
id = "movieId"
label = "title"
[entities.fields]
genres = {{ type = "tags", sep = "|" }}
[[variants]]
name = "umap"
method = "umap"{input}
[[variants]]
name = "tsne"
method = "tsne"{input}
"""


def run_documented(spec_path: str) -> dict:
    t0 = time.perf_counter()
    import numpy as np
    import scipy.sparse as sp

    from sitegen.spec import load_spec
    from sitegen.stages.load import load_dataset

    spec = load_spec(spec_path, allow=[ML])  # the shared data lie outside the checkout
    coll, ents, _ = load_dataset(spec)
    times = {}
    t = time.perf_counter()
    import pymde
    import umap
    from openTSNE import TSNE

    pymde.seed(spec.seed)  # torch keeps its default thread count (all cores), as the blog post's code did
    times["imports"] = time.perf_counter() - t
    t = time.perf_counter()
    b = sp.csr_matrix((np.ones(len(coll.entity), np.float32), coll.entity, coll.indptr),
                      shape=(coll.n_collections, coll.n_entities))
    c = (b.T @ b).tocsr()
    c.setdiag(0)
    c.eliminate_zeros()
    d = c.copy()
    d.data = 1.0 / np.log1p(d.data)
    rows = []
    for i in range(d.shape[0]):  # the 15 nearest neighbours of each row
        lo, hi = d.indptr[i], d.indptr[i + 1]
        keep = np.argsort(d.data[lo:hi])[:15]
        rows.append((np.full(len(keep), i), d.indices[lo:hi][keep], d.data[lo:hi][keep]))
    r, cidx, v = (np.concatenate(x) for x in zip(*rows))
    knn = sp.coo_matrix((v, (r, cidx)), shape=d.shape).tocsr()
    knn = knn.maximum(knn.T)
    times["cooccurrence"] = time.perf_counter() - t
    t = time.perf_counter()
    mde = pymde.preserve_neighbors(pymde.Graph(knn), embedding_dim=3, n_neighbors=15, init="random")
    times["preserve_neighbors"] = time.perf_counter() - t
    t = time.perf_counter()
    emb = mde.embed(max_iter=2000).cpu().numpy()
    times["embed"] = time.perf_counter() - t
    t = time.perf_counter()
    xy_umap = umap.UMAP(n_neighbors=200).fit_transform(emb)
    times["umap"] = time.perf_counter() - t
    t = time.perf_counter()
    xy_tsne = np.asarray(TSNE(n_jobs=2).fit(emb))
    times["tsne"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    return {"times": times, "n": int(coll.n_entities), "layouts": {"umap": xy_umap.tolist(), "tsne": xy_tsne.tolist()},
            "genres": [list(g) for g in ents.fields["genres"]]}


def run_atlasgen(spec_path: str, cache: str) -> dict:
    t0 = time.perf_counter()
    from sitegen.pipeline.cache import ArtifactStore
    from sitegen.pipeline.orchestrator import build_dataset
    from sitegen.spec import load_spec

    spec = load_spec(spec_path, allow=[ML])  # the shared data lie outside the checkout
    result = build_dataset(spec, ArtifactStore(Path(cache), force=True))
    total = time.perf_counter() - t0
    return {"times": {**result.stats["timings"], "total": total}, "n": len(result.entities),
            "iterations": result.stats.get("mde_iterations"),
            "heavy": sorted(m for m in ("torch", "pymde", "torchvision") if m in sys.modules),
            "layouts": {k: v.tolist() for k, v in result.layouts.items()},
            "genres": [list(g) for g in result.entities.fields["genres"]]}


def label_agreement(xy, tags, k=10) -> float:
    import numpy as np
    from sklearn.neighbors import NearestNeighbors

    xy = np.asarray(xy)
    idx = NearestNeighbors(n_neighbors=k + 1).fit(xy).kneighbors(xy, return_distance=False)[:, 1:]
    sets = [set(t) for t in tags]
    return float(np.mean([np.mean([bool(sets[i] & sets[j]) for j in row]) for i, row in enumerate(idx)]))


def thumbnails(results: dict, path: Path) -> None:
    """Side-by-side scatter of both processes' layouts (grey points, for a look at the structure)."""
    import numpy as np
    from PIL import Image, ImageDraw

    size, pad = 360, 10
    names = [(side, v) for side in results for v in ("umap", "tsne")]
    img = Image.new("RGB", (len(names) * (size + pad) + pad, size + 2 * pad + 16), "white")
    draw = ImageDraw.Draw(img)
    for i, (side, v) in enumerate(names):
        xy = np.asarray(results[side]["layouts"][v])
        lo, hi = xy.min(0), xy.max(0)
        p = (xy - lo) / np.maximum(hi - lo, 1e-9) * (size - 4) + 2
        x0 = pad + i * (size + pad)
        for px, py in p:
            draw.point((x0 + px, pad + 16 + py), fill=(40, 60, 140))
        draw.text((x0, 2), f"{side}: {v}", fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "out" / "e2e.json"))
    ap.add_argument("--only", choices=["documented", "atlasgen"])
    ap.add_argument("--input", choices=["graph", "embedding"], default="graph",
                    help="what atlasgen's variants project (default: the kNN graph, the library default)")
    ap.add_argument("--repeat", type=int, default=1, help="run both sides this many times, alternating")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        kind, spec = args.worker
        res = run_documented(spec) if kind == "documented" else run_atlasgen(spec, spec + ".cache")
        print(json.dumps(res))
        return
    if not ML.exists():
        sys.exit(f"skipped: {ML} is absent (the shared datasets are only in the development/CI checkout)")
    work = Path(args.out).parent
    work.mkdir(parents=True, exist_ok=True)
    spec = work / "movielens-bench.toml"
    spec.write_text(BENCH_SPEC.format(ml=ML.as_posix(),
                                      input='\ninput = "embedding"' if args.input == "embedding" else ""))
    runs = []
    for r in range(args.repeat):
        results = {}
        for kind in ("atlasgen", "documented"):
            if args.only and kind != args.only:
                continue
            results[kind] = run_side(kind, spec)
        if len(results) == 2:
            wall = results["documented"]["wall"] / results["atlasgen"]["wall"]
            cpu = results["documented"]["cpu"] / results["atlasgen"]["cpu"]
            print(f"run {r + 1}: speed-up (documented / atlasgen): wall {wall:.2f}x, CPU {cpu:.2f}x", flush=True)
            if r == 0:
                thumbnails(results, work / "e2e-layouts.png")
        runs.append({k: {kk: vv for kk, vv in v.items() if kk not in ("layouts", "genres")} for k, v in results.items()})
    Path(args.out).write_text(json.dumps(runs[0] if args.repeat == 1 else runs, indent=2))


def run_side(kind: str, spec: Path) -> dict:
    """One side in a fresh process: its result, wall and CPU seconds (user + system, the child's
    threads included) and the load average when it started."""
    import os
    import resource

    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--worker", kind, str(spec)], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["wall"] = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    res["load"] = load
    res["label@10"] = {v: label_agreement(xy, res["genres"]) for v, xy in res["layouts"].items()}
    if res.get("iterations"):
        print(f"{kind:>10}: PyMDE iterations {res['iterations']}")
    print(f"{kind:>10}: wall {res['wall']:.1f}s  CPU {res['cpu']:.1f}s  load {load:.1f}  "
          + "  ".join(f"{k} {v:.1f}s" for k, v in res["times"].items())
          + "  label@10 " + " ".join(f"{k} {v:.3f}" for k, v in res["label@10"].items())
          + (f"  imported: {', '.join(res['heavy'])}" if res.get("heavy") else ""), flush=True)
    return res


if __name__ == "__main__":
    main()
