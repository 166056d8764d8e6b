"""The pack stage at scale: seconds per step, this checkout against a baseline revision, same run.

    .venv/bin/python benchmarks/bench_pack.py [--n 1000000] [--baseline main] [--steps] [--no-pack]

The data are js/bench/make_site.py's synthetic atlas (one layout, a 17-category and a number field,
8 random co-occurrence partners per entity, popularity order). The baseline's
`sitegen/formats/datafiles.py` is read with `git show REV:...` and imported beside the current one;
`pack_dataset` runs once with each (the baseline by swapping the functions pack.py imports from it).
Every step's output is compared with the baseline's, so a speed-up that changed a byte fails here.
Prints a markdown table: wall and CPU seconds of each side, and the ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "js" / "bench"))
import make_site  # noqa: E402

from sitegen.datatypes import DatasetResult, Entities  # noqa: E402
from sitegen.formats import datafiles  # noqa: E402
from sitegen.spec import parse_spec  # noqa: E402
from sitegen.stages import pack  # noqa: E402


def baseline_module(rev: str):
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:sitegen/formats/datafiles.py"],
                         check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "datafiles_baseline.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("datafiles_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def dataset(n: int, seed: int = 42) -> DatasetResult:
    """make_site.py's synthetic atlas as a DatasetResult (what its write() builds), one layout."""
    d = make_site.synthetic(n, seed)
    raw = {"name": "synth", "title": "Synthetic", "seed": seed,
           "collections": {"path": "c.csv", "collection": "user", "entity": "item"},
           "entities": {"path": "e.csv", "id": "id", "label": "title", "fields": {
               "genre": {"type": "category", "label": "Genre"}, "year": {"type": "number", "label": "Year"}}},
           "variants": [{"name": "umap", "method": "umap"}], "site": {"color_by": "genre"}}
    spec = parse_spec(raw, Path("/nonexistent/synth.toml"))
    cats, codes = d["cats"]["genre"]
    fields = {"genre": np.array([cats[c] for c in codes], dtype=object), "year": d["nums"]["year"]}
    ent = Entities(np.array(d["ids"], dtype=object), np.array(d["labels"], dtype=object), np.asarray(d["counts"]),
                   fields, {"genre": "category", "year": "number"})
    cooc = make_site.neighbors(n, 8, np.random.default_rng(seed + 1))
    return DatasetResult(spec, ent, cooc, {"umap": d["xy"]["umap"]})


def timed(fn, *args):
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w, time.process_time() - c


def same(a, b) -> bool:
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if hasattr(a, "__dataclass_fields__"):  # the two modules' FieldColumn classes differ
        return same(tuple(vars(a).values()), tuple(vars(b).values()))
    return a == b


def steps(r: DatasetResult, mod) -> dict:
    """name -> (callable, args) of the pack stage's loops over entities, for module `mod`."""
    ent = r.entities
    n_shards = -(-len(ent) // datafiles.SHARD_ROWS)
    nb = datafiles.top_neighbors(r.cooc)
    fields = datafiles.field_columns(ent)
    slugs = datafiles.entity_slugs(ent.ids[: len(ent)], ent.labels)
    shards = lambda: [mod.shard_msgpack(ent, slugs, fields, nb, a, min(len(ent), a + datafiles.SHARD_ROWS))  # noqa: E731
                      for a in range(0, len(ent), datafiles.SHARD_ROWS)]
    return {"entity_slugs": (mod.entity_slugs, (ent.ids, ent.labels)),
            "top_neighbors": (mod.top_neighbors, (r.cooc,)),
            "field_columns": (mod.field_columns, (ent,)),
            "id_buckets": (mod.id_buckets, (ent.ids, n_shards)),
            "search_buckets": (mod.search_buckets, (ent.labels, n_shards)),
            "shard_msgpack (all)": (shards, ())}


def run_pack(r: DatasetResult, mod):
    """pack_dataset with the functions pack.py imports taken from `mod`."""
    names = [k for k, v in vars(pack).items() if callable(v) and getattr(datafiles, k, None) is v]
    saved = {k: getattr(pack, k) for k in names}
    try:
        for k in names:
            setattr(pack, k, getattr(mod, k))
        return timed(pack.pack_dataset, r, pack.PackParams.of(r.spec))
    finally:
        for k, v in saved.items():
            setattr(pack, k, v)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--baseline", default="main", help="git revision whose datafiles.py is the baseline")
    ap.add_argument("--steps", action="store_true", help="also time each step on its own")
    ap.add_argument("--no-pack", action="store_true", help="skip the whole pack_dataset comparison")
    a = ap.parse_args()
    base = baseline_module(a.baseline)
    r = dataset(a.n)
    rows = []
    if a.steps:
        new_steps, old_steps = steps(r, datafiles), steps(r, base)
        for name in new_steps:
            (fn_b, args_b), (fn_n, args_n) = old_steps[name], new_steps[name]
            out_b, wb, cb = timed(fn_b, *args_b)
            out_n, wn, cn = timed(fn_n, *args_n)
            if not same(out_b, out_n):
                raise SystemExit(f"{name}: output differs from the baseline's")
            rows.append((name, wb, cb, wn, cn))
            print(rows[-1], file=sys.stderr, flush=True)
    if not a.no_pack:
        pb, wb, cb = run_pack(r, base)
        pn, wn, cn = run_pack(r, datafiles)
        if pb.files != pn.files or pb.slugs != pn.slugs:
            raise SystemExit("pack_dataset: files differ from the baseline's")
        rows.append(("pack_dataset (whole stage)", wb, cb, wn, cn))
    load = os.getloadavg()
    print(f"n = {a.n:,}, baseline {a.baseline}, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n")
    print("| step | baseline wall (CPU) s | now wall (CPU) s | ratio wall (CPU) |\n|---|---:|---:|---:|")
    for name, wb, cb, wn, cn in rows:
        print(f"| {name} | {wb:.2f} ({cb:.2f}) | {wn:.2f} ({cn:.2f}) | {wb / wn:.1f}x ({cb / cn:.1f}x) |")


if __name__ == "__main__":
    main()
