"""A layout with planted structure at three scales (regions of themes of touching blobs), for the
cluster hierarchy's tests and the label overlay's browser test."""

from __future__ import annotations

from pathlib import Path

import numpy as np

REGIONS = {"fantasy": ("dragons", "fairies", "wizards"), "history": ("empires", "wars", "voyages"),
           "science": ("stars", "cells", "atoms")}


def _column(values) -> np.ndarray:
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def hierarchy(per: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three regions of three themes each, every theme two touching blobs: (n, 2) layout, each point's
    region index, and its tags (region, theme, theme-a|b)."""
    rng = np.random.default_rng(seed)
    xy, region, tags = [], [], []
    for r, (name, themes) in enumerate(REGIONS.items()):
        a = 2 * np.pi * r / 3 + 0.3
        centre = np.array([np.cos(a), np.sin(a)]) * 0.55
        for t, theme in enumerate(themes):
            b = 2 * np.pi * t / 3
            for s in range(2):
                at = centre + np.array([np.cos(b), np.sin(b)]) * 0.2 + np.array([(-1) ** s * 0.03, 0])
                xy.append(at + rng.normal(0, 0.012, (per, 2)))
                region += [r] * per
                tags += [(name, theme, f"{theme}-{'ab'[s]}")] * per
    return np.concatenate(xy).astype(np.float32), np.array(region), _column(tags)


def labels_viewer_result():
    """A site-ready DatasetResult on `hierarchy()`: tags name the groups, "shelf" (the region) colours
    and filters, popularity is shuffled over the map; layouts "umap" and "tsne" (the same, mirrored),
    each with its clusters found and named by `find_clusters` (the real thing, not a stand-in)."""
    import scipy.sparse as sp

    from sitegen.datatypes import DatasetResult, Entities
    from sitegen.spec import parse_spec
    from sitegen.stages.clusters import find_clusters

    raw = {
        "name": "tiny", "title": "Labelled atlas", "seed": 0,
        "collections": {"path": "c.csv", "collection": "user", "entity": "item"},
        "entities": {"path": "e.csv", "id": "id", "label": "title", "fields": {
            "shelf": {"type": "category", "label": "Shelf"}, "topics": {"type": "tags", "label": "Topics"}}},
        "variants": [{"name": "umap", "method": "umap"}, {"name": "tsne", "method": "tsne"}],
        "site": {"color_by": "shelf"},
    }
    spec = parse_spec(raw, Path("/nonexistent/tiny.toml"))
    xy, region, tags = hierarchy()
    n = len(xy)
    rng = np.random.default_rng(5)
    counts = rng.permutation(np.arange(n) + 1).astype(np.int64)
    labels = _column(f"{t[1].title()} book {i}" for i, t in enumerate(tags))
    shelf = _column(list(REGIONS)[r] for r in region)
    ent = Entities(_column(f"id{i}" for i in range(n)), labels, counts, {"shelf": shelf, "topics": tags},
                   {"shelf": "category", "topics": "tags"})
    layouts = {"umap": xy, "tsne": (xy * np.array([-1, 1], dtype=np.float32))}
    clusters = {v: find_clusters(p, v, labels, counts, ent.fields, ent.field_types, preferred=("shelf",))
                for v, p in layouts.items()}
    a = sp.random(n, n, density=0.01, random_state=1, format="csr", dtype=np.float32)
    a.data = np.ceil(a.data * 10)
    cooc = sp.triu(a + a.T, k=1)
    cooc = (cooc + cooc.T).tocsr().astype(np.float32)
    return DatasetResult(spec, ent, cooc, layouts, clusters=clusters)
