"""Write a synthetic atlas site for the viewer's benchmarks and browser tests.

    .venv/bin/python js/bench/make_site.py OUT --n 100000 [--slug synth] [--tiny]

OUT/<slug>/index.html carries the config island of docs/site-data.md and loads the bundle from
js/dist/ (copied to OUT/assets/); OUT/<slug>/data/ holds points.bin (sitegen.formats.points.encode),
meta.msgpack and neighbors.msgpack. Points follow the viewer-bench distribution: 16 Gaussian
clusters plus 10 % uniform noise in [-1, 1]^2, two layout variants.

--tiny writes the browser-test dataset instead: 400 points whose category "kind" is "west" for
every point with x < -0.3 and "east" otherwise, an entity titled `<img src=x onerror=alert(1)>`,
one named "Émile Zola" and a known neighbour list, so tests can assert on regions and names.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import msgpack
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from sitegen.formats.points import PointTable, category_column, encode, number_column, position_column  # noqa: E402

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
    counts = np.maximum(1, (rng.pareto(1.2, n) * 3).astype(np.int64) + 1)
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


def neighbors(xy: np.ndarray, counts: np.ndarray, k: int, rng) -> tuple[bytes, bytes, bytes]:
    n = len(xy)
    idx = np.empty((n, k), np.uint32)
    for i in range(n):  # co-occurrence stand-in: mostly nearby, one random far entity
        j = rng.integers(0, n, k + 1)
        j = j[j != i][:k]
        idx[i] = j
    w = np.sort(rng.integers(1, 100, (n, k)), axis=1)[:, ::-1].astype(np.float32)
    indptr = (np.arange(n + 1) * k).astype("<u4")
    return indptr.tobytes(), idx.astype("<u4").tobytes(), w.astype("<f4").tobytes()


def write(out: Path, slug: str, d: dict, title: str, seed: int = 0) -> None:
    ds = out / slug
    (ds / "data").mkdir(parents=True, exist_ok=True)
    n = len(d["labels"])
    cols = {f"xy:{v}": position_column(xy) for v, xy in d["xy"].items()}
    cols["size"] = number_column(np.log1p(d["counts"]), kind="size", dtype="uint8")
    for name, (cats, codes) in d["cats"].items():
        cols[name] = category_column(codes, len(cats))
    (ds / "data/points.bin").write_bytes(encode(PointTable(n, cols)))
    fields, meta_fields = [], {}
    for name, (cats, codes) in d["cats"].items():
        fields.append({"name": name, "label": name.title(), "type": "category", "categories": cats})
        meta_fields[name] = {"type": "category", "categories": cats,
                             "codes": np.where(codes < 0, 0xFFFF, codes).astype("<u2").tobytes()}
    for name, vals in d["nums"].items():
        fields.append({"name": name, "label": name.title(), "type": "number",
                       "min": float(np.nanmin(vals)), "max": float(np.nanmax(vals))})
        meta_fields[name] = {"type": "number", "values": np.asarray(vals, "<f4").tobytes()}
    meta = {"version": 1, "n": n, "ids": d["ids"], "labels": d["labels"],
            "slugs": [f"s{i}" for i in range(n)], "counts": [int(c) for c in d["counts"]], "fields": meta_fields}
    (ds / "data/meta.msgpack").write_bytes(msgpack.packb(meta, use_bin_type=True))
    ip, ix, w = neighbors(d["xy"]["umap"], d["counts"], 8, np.random.default_rng(seed + 1))
    (ds / "data/neighbors.msgpack").write_bytes(msgpack.packb({"version": 1, "k": 8, "indptr": ip, "indices": ix, "weights": w}, use_bin_type=True))
    variants = list(d["xy"])
    config = {"version": 1, "dataset": slug, "title": title, "accent": "#3b6fd4", "theme": "dark",
              "variant": variants[0],
              "variants": [{"name": v, "label": v.upper(), "url": "./" if k == 0 else f"{v}/"} for k, v in enumerate(variants)],
              "points": "data/points.bin", "meta": "data/meta.msgpack", "neighbors": "data/neighbors.msgpack",
              "root": "", "entityPage": "e/{slug}.html", "colorBy": fields[0]["name"], "fields": fields,
              "count": n, "overview": "thumb.png"}
    island = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    for f in ("viewer.js", "viewer.css"):
        shutil.copy(ROOT / "js/dist" / f, assets / f)
    (ds / "index.html").write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{slug}</title><link rel="stylesheet" href="../assets/viewer.css">
<style>html,body{{margin:0;height:100%}}</style></head>
<body><div id="atlas"></div>
<script type="application/json" id="atlas-config">{island}</script>
<script src="../assets/viewer.js" defer></script></body></html>
""")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--slug", default="synth")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--tiny", action="store_true")
    a = ap.parse_args()
    d = tiny() if a.tiny else synthetic(a.n, a.seed)
    write(a.out, a.slug, d, "Tiny test atlas" if a.tiny else f"Synthetic {a.n}", a.seed)
    print(a.out / a.slug / "index.html")


if __name__ == "__main__":
    main()
