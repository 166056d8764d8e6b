"""Tiny DatasetResults built directly (no pipeline), shared by the site and serve tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from sitegen.datatypes import DatasetResult, Entities
from sitegen.spec import parse_spec
from sitegen.stages.pack import with_packed

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = '"}</script><script>alert(1)//'


def tiny_result(name: str = "tiny", n: int = 40, seed: int = 0, variants=("umap", "tsne"), **site) -> DatasetResult:
    rng = np.random.default_rng(seed)
    raw = {
        "name": name,
        "title": f"Tiny {name} & friends",
        "description": "A *tiny* atlas for tests.\n\nSee [the docs](https://example.org/docs?a=1&b=2) "
                       "or [bad](javascript:alert(1)). <b>bold?</b>",
        "seed": seed,
        "source": {"license": "CC-BY 4.0", "url": "https://example.org/data", "citation": XSS_IMG},
        "collections": {"path": "c.csv", "collection": "user", "entity": "item"},
        "entities": {"path": "e.csv", "id": "id", "label": "title", "fields": {
            "genre": {"type": "category", "label": "Genre"},
            "tags": {"type": "tags"},
            "year": {"type": "number"},
            "note": {"type": "text"},
        }},
        "variants": [{"name": v, "method": "umap" if v.startswith("umap") else "tsne"} for v in variants],
        "site": {"color_by": "genre", **site},
    }
    spec = parse_spec(raw, Path(f"/nonexistent/{name}.toml"))
    ids = np.array([f"id{i}" for i in range(n)], dtype=object)
    labels = np.array([f"Item {i}" for i in range(n)], dtype=object)
    labels[1] = XSS_IMG
    labels[2] = XSS_SCRIPT
    labels[3] = "Item 4"  # a repeated label: slugs must stay unique
    ids[5] = "a b/c?d#e"  # an id that needs URL encoding
    counts = np.sort(rng.integers(1, 500, n))[::-1].astype(np.int64)
    genres = np.array([["Drama", "Comedy", XSS_SCRIPT, None][i % 4] for i in range(n)], dtype=object)
    tags = np.array([tuple(["a", "b", "c", XSS_IMG][j] for j in range(i % 5)) for i in range(n)], dtype=object)
    year = np.where(np.arange(n) % 7 == 0, np.nan, 1950 + np.arange(n) % 70).astype(np.float64)
    note = np.array([XSS_IMG if i == 4 else f"note {i}" for i in range(n)], dtype=object)
    ent = Entities(ids, labels, counts, {"genre": genres, "tags": tags, "year": year, "note": note},
                   {"genre": "category", "tags": "tags", "year": "number", "note": "text"})
    a = sp.random(n, n, density=min(0.2, 8 / n), random_state=seed, format="csr", dtype=np.float32)
    a.data = np.ceil(a.data * 10)
    cooc = sp.triu(a + a.T, k=1)
    cooc = (cooc + cooc.T).tocsr().astype(np.float32)
    layouts = {v: rng.uniform(-1, 1, (n, 2)).astype(np.float32) for v in variants}
    return with_packed(DatasetResult(spec, ent, cooc, layouts,
                         stats={"collections_kept": 123, "entities_kept": n, "entities_read": n + 7,
                                "timings": {"load": 0.25, "knn": 1.5, "project:umap": 2.0}, "note": XSS_IMG},
                         quality={"umap": {"recall@10": 0.51, "trust": 0.9}, "tsne": {}}))


def viewer_bundle(folder: Path) -> Path:
    """A placeholder viewer + compare bundle (what `npm --prefix js run build` would produce)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "viewer.js").write_text("(()=>{document.title=document.title})();\n")
    (folder / "viewer.css").write_text(".atlas-app{display:flex}\n")
    (folder / "compare.js").write_text("(()=>{document.title=document.title})();\n")
    (folder / "compare.css").write_text(".cmp-panes{display:grid}\n")
    return folder


def read_site_data(folder: Path) -> dict:
    """A built dataset's data files (`<dist>/<dataset>/data/`) put back together, as the viewer sees them
    once every shard is loaded: the core meta map plus per-entity `ids`, `labels`, `slugs`, `text`
    fields and neighbours (`nb_indptr`, `nb_indices`, `nb_weights`), and the concatenated point table."""
    import msgpack

    from sitegen.formats import points

    def by_k(stem: str) -> list[Path]:
        found = [p for p in folder.glob(f"{stem}-*") if p.suffix in (".bin", ".msgpack")]
        return sorted(found, key=lambda p: int(p.name.split(".")[0].split("-")[1]))

    meta = msgpack.unpackb(next(folder.glob("meta.*.msgpack")).read_bytes())
    out = {**meta, "ids": [], "labels": [], "slugs": [], "text": {}, "shards": [], "id_buckets": []}
    ip, idx, w = [np.zeros(1, np.int64)], [], []
    for path in by_k("shard"):
        s = msgpack.unpackb(path.read_bytes())
        assert s["version"] == 2 and s["start"] == len(out["ids"]), path
        out["shards"].append(s)
        for key in ("ids", "labels", "slugs"):
            out[key] += s[key]
        for name, vals in s["text"].items():
            out["text"].setdefault(name, []).extend(vals)
        ip.append(np.frombuffer(s["nb_indptr"], "<u4")[1:].astype(np.int64) + ip[-1][-1])
        idx.append(np.frombuffer(s["nb_indices"], "<u4"))
        w.append(np.frombuffer(s["nb_weights"], "<f4"))
    out["nb_indptr"], out["nb_indices"], out["nb_weights"] = np.concatenate(ip), np.concatenate(idx), np.concatenate(w)
    out["id_buckets"] = [msgpack.unpackb(p.read_bytes()) for p in by_k("ids")]
    out["points"] = points.concat([points.decode(p.read_bytes()) for p in by_k("points")])
    return out
