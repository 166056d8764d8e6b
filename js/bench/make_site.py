"""Write a synthetic atlas site for the viewer's benchmarks and browser tests.

    .venv/bin/python js/bench/make_site.py OUT --n 100000 [--slug synth] [--variants 1] [--tiny]

A synthetic DatasetResult (no pipeline run) written by the real pack stage and site writer
(sitegen.stages.pack, sitegen.site.write), so OUT is a site as `atlasgen build` writes it: OUT/<slug>/
index.html, point chunks, core metadata, shards, id buckets, entity pages, .br/.gz siblings, with the
bundle from js/dist/. Entities are numbered by popularity, as the load stage numbers them. Points follow
the viewer-bench distribution: 16 Gaussian clusters plus 10 % uniform noise in [-1, 1]^2.

--tiny writes the browser-test dataset instead: 400 points whose category "kind" is "west" for
every point with x < -0.3 and "east" otherwise, an entity titled `<img src=x onerror=alert(1)>`,
one named "Émile Zola" and a known neighbour list, so tests can assert on regions and names.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from sitegen.datatypes import DatasetResult, Entities  # noqa: E402
from sitegen.site.assets import load_assets  # noqa: E402
from sitegen.site.write import render_site, write_site  # noqa: E402
from sitegen.spec import parse_spec  # noqa: E402
from sitegen.stages.pack import with_packed  # noqa: E402

WORDS = "amber birch cedar delta ember fjord garnet harbor indigo juniper kestrel lumen meadow nectar onyx prairie quartz raven sable tundra umber violet willow xenon yarrow zephyr".split()


def clusters(n: int, rng: np.random.Generator) -> np.ndarray:
    k = 16
    c = rng.uniform(-0.75, 0.75, (k, 2))
    s = rng.uniform(0.02, 0.14, k)
    which = rng.integers(0, k, n)
    xy = c[which] + rng.normal(size=(n, 2)) * s[which, None]
    noise = rng.random(n) < 0.1
    xy[noise] = rng.uniform(-1, 1, (noise.sum(), 2))
    return np.clip(xy, -1, 1).astype(np.float32), np.where(noise, -1, which)


def synthetic(n: int, seed: int):
    rng = np.random.default_rng(seed)
    xy, cl = clusters(n, rng)
    xy2 = np.clip(xy[:, ::-1] * np.float32(0.9), -1, 1)  # second "variant": transposed and shrunk
    counts = np.sort(np.maximum(1, (rng.pareto(1.2, n) * 3).astype(np.int64) + 1))[::-1]  # popularity order
    labels = [f"{WORDS[i % 26].title()} {WORDS[(i // 26) % 26]} {i}" for i in range(n)]
    genre_names = [f"Genre {chr(65 + g)}" for g in range(17)]
    genre = np.where(cl < 0, 16, cl)
    year = np.round(1950 + (xy[:, 0] + 1) * 35 + rng.normal(0, 3, n))
    return dict(xy={"umap": xy, "tsne": xy2}, counts=counts, labels=labels,
                ids=[f"e{i}" for i in range(n)], cats={"genre": (genre_names, genre)}, nums={"year": year})


def tiny():
    rng = np.random.default_rng(7)
    n = 400
    xy = rng.uniform(-0.9, 0.9, (n, 2)).astype(np.float32)
    labels = [f"{WORDS[i % 26].title()} {i}" for i in range(n)]
    labels[0], labels[1], labels[2] = "<img src=x onerror=alert(1)>", "Émile Zola", "Zola Companion"
    xy[0] = (0.5, 0.5)
    xy[1] = (0.2, -0.4)
    xy[2] = (-0.6, 0.6)
    kind = np.where(xy[:, 0] < -0.3, 0, 1)
    counts = (np.arange(n)[::-1] % 50 + 1).astype(np.int64)
    counts[1] = 500
    year = np.round(1900 + (xy[:, 1] + 1) * 50)
    xy2 = np.clip(-xy, -1, 1)
    return dict(xy={"umap": xy, "tsne": xy2}, counts=counts, labels=labels, ids=[f"id{i}" for i in range(n)],
                cats={"kind": (["west", "east"], kind)}, nums={"year": year})


def neighbors(n: int, k: int, rng) -> sp.csr_matrix:
    """A symmetric co-occurrence stand-in: k random partners per entity, integer weights."""
    rows = np.repeat(np.arange(n), k)
    cols = rng.integers(0, n, n * k)
    keep = rows != cols
    m = sp.csr_matrix((rng.integers(1, 100, keep.sum()).astype(np.float32), (rows[keep], cols[keep])), shape=(n, n))
    return (m + m.T).tocsr()


def write(out: Path, slug: str, d: dict, title: str, seed: int = 0, variants: int = 2, compress: bool = True) -> None:
    names = list(d["xy"])[:variants]
    raw = {
        "name": slug, "title": title, "seed": seed,
        "collections": {"path": "c.csv", "collection": "user", "entity": "item"},
        "entities": {"path": "e.csv", "id": "id", "label": "title", "fields": {
            **{k: {"type": "category", "label": k.title()} for k in d["cats"]},
            **{k: {"type": "number", "label": k.title()} for k in d["nums"]}}},
        "variants": [{"name": v, "method": "umap" if v == "umap" else "tsne"} for v in names],
        "site": {"color_by": next(iter(d["cats"]))},
    }
    spec = parse_spec(raw, Path(f"/nonexistent/{slug}.toml"))
    fields = {k: np.array([cats[c] if c >= 0 else None for c in codes], dtype=object) for k, (cats, codes) in d["cats"].items()}
    fields.update(d["nums"])
    types = {**{k: "category" for k in d["cats"]}, **{k: "number" for k in d["nums"]}}
    n = len(d["labels"])
    ent = Entities(np.array(d["ids"], dtype=object), np.array(d["labels"], dtype=object), np.asarray(d["counts"]), fields, types)
    cooc = neighbors(n, 8, np.random.default_rng(seed + 1))
    result = DatasetResult(spec, ent, cooc, {v: d["xy"][v] for v in names})
    if compress:
        write_site([with_packed(result)], out, viewer_dir=ROOT / "js" / "dist")
        return
    # the pages and data files only: the harness serves plain files, and brotli at quality 11 over a
    # 1M-entity site takes many CPU-minutes (bench_site_scale.py measures the compressed sizes)
    for rel, data in render_site([with_packed(result)], load_assets(ROOT / "js" / "dist")).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--slug", default="synth")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--variants", type=int, default=2, help="layouts to include (1: the default only)")
    ap.add_argument("--no-compress", action="store_true", help="skip the .br/.gz siblings")
    a = ap.parse_args()
    d = tiny() if a.tiny else synthetic(a.n, a.seed)
    write(a.out, a.slug, d, "Tiny test atlas" if a.tiny else f"Synthetic {a.n}", a.seed, a.variants, not a.no_compress)
    print(a.out / a.slug / "index.html")


if __name__ == "__main__":
    main()
