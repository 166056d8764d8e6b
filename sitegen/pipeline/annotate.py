"""Stages 5 and 6, once per variant after its projection: quality figures and cluster labels.

Both are small artifacts cached under a key of the projection they describe (plus the embedding
when trustworthiness is measured against it), so a warm rebuild recomputes neither and changing
one variant re-scores only that one. Both are deterministic: exact 2D neighbours, seeded samples,
HDBSCAN (no randomness), numbers rounded before they are stored.

    quality[variant]  = {"recall@K": f, "label@K": f, "label_chance": f, "trust": f}
                        (label figures only with `[evaluate] label`, trust only with the embedding)
    clusters[variant] = `clusters.find_clusters`'s dict (labels, anchors, sizes, membership bytes)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import msgpack
import numpy as np
import scipy.sparse as sp

from sitegen.datatypes import Entities
from sitegen.pipeline.cache import ArtifactStore
from sitegen.spec import DatasetSpec
from sitegen.stages.clusters import find_clusters
from sitegen.stages.quality import layout_quality


def annotate_layouts(spec: DatasetSpec, store: ArtifactStore, layouts: dict[str, np.ndarray], entities: Entities,
                     association: Callable[[], sp.csr_matrix | np.ndarray], embedding: np.ndarray | None,
                     keys: dict[str, tuple[str, str]], tick) -> tuple[dict[str, dict], dict[str, dict]]:
    """Quality figures and clusters of every layout, cached.

    Args:
        layouts: variant -> (n, 2) float32, rows in `entities` order
        association: gives what recall is measured against (the (n, n) association matrix, or its
            rows' ranked neighbours, see `quality.neighbour_recall`); called at most once, and only
            when some variant's figures are not cached
        embedding: (n, d) float32 PyMDE embedding, or None (then no trustworthiness)
        keys: variant -> (quality key, clusters key)
        tick: the stage's progress ticker (told when anything is computed)
    Returns (quality, clusters), each keyed by variant in `layouts` order.
    """
    label = spec.evaluate.label
    labels = None if label is None else entities.fields[label]
    sim: list[sp.csr_matrix] = []

    def score(xy: np.ndarray) -> dict:
        tick.computing()
        if not sim:
            sim.append(association())
        return layout_quality(xy, sim[0], spec.evaluate.k, labels, embedding, seed=spec.seed)

    def name(xy: np.ndarray, variant: str) -> dict:
        tick.computing()
        return find_clusters(xy, variant, entities.labels, entities.counts, entities.fields, entities.field_types,
                             preferred=naming_preference(spec))

    quality, clusters = {}, {}
    for v, xy in layouts.items():
        qkey, ckey = keys[v]
        quality[v] = store.get("quality", qkey, lambda: score(xy), _save_json, _read_json)
        clusters[v] = store.get("clusters", ckey, lambda: name(xy, v), _save_clusters, _read_clusters)
    return quality, clusters


def _save_json(x: dict, d: Path) -> None:
    (d / "quality.json").write_text(json.dumps(x, sort_keys=True))


def _read_json(d: Path) -> dict:
    return json.loads((d / "quality.json").read_text())


def _save_clusters(x: dict, d: Path) -> None:
    (d / "clusters.msgpack").write_bytes(msgpack.packb(x, use_bin_type=True))


def _read_clusters(d: Path) -> dict:
    return msgpack.unpackb((d / "clusters.msgpack").read_bytes(), raw=False)


def naming_preference(spec: DatasetSpec) -> tuple[str, ...]:
    """The fields whose values name clusters first: the colour-by field (the names then match the
    legend) and the evaluation label."""
    return tuple(f for f in (spec.site.color_by, spec.evaluate.label) if f)
