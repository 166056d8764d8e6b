"""`atlasgen evaluate` and `atlasgen sweep`: score every variant of a spec, and the baselines.

The variants come from `pipeline.build_dataset` (cached stages are reused, missing ones built).
The baselines show why the two-step method is used; each is computed on the same co-occurrence
matrix and cached under a key of that matrix's digest and the graph parameters:

  pymde_2d:       the pipeline's kNN graph embedded by PyMDE straight to 2D;
  umap_on_graph:  UMAP straight on the association kNN graph (no intermediate embedding);
  raw_graph:      every co-occurrence edge, weighted by its count, embedded by PyMDE to 2D
                  (no association, no kNN sparsification).

Every layout is scored by `quality.layout_quality`: recall@k against the association matrix of the
spec's `graph.transform` (so recall compares layouts of one transform, not transforms), label
agreement@k against `[evaluate] label`, trustworthiness against the intermediate embedding. The
variants' figures are the pipeline's own (`DatasetResult.quality`, cached with each projection).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from sitegen.datatypes import DatasetResult
from sitegen.errors import SpecError
from sitegen.pipeline.cache import ArtifactStore, stage_key
from sitegen.pipeline.progress import Reporter
from sitegen.site.figures import default_metric
from sitegen.spec import DatasetSpec, parse_spec, spec_params
from sitegen.stages import graph as graph_stage
from sitegen.stages.quality import layout_quality

BASELINE_VERSION = 1
BASELINES = ("pymde_2d", "umap_on_graph", "raw_graph")
RAW_MAX_EDGES = 2_000_000  # raw_graph keeps a seeded random sample of edges beyond this
RAW_ITERS = 500


def evaluate(spec: DatasetSpec, store: ArtifactStore, baselines: bool = True,
             reporter: Reporter | None = None) -> dict:
    """Figures for every variant (and the baselines) of `spec`, in the JSON shape of `--json`:
    {"dataset", "k", "label", "entities", "variants": {name: figures}, "baselines": {name: figures}}.
    """
    result = build_dataset_for(spec, store, reporter)
    k = spec.evaluate.k
    sim = _association(result, spec)
    labels = _labels(result, spec)
    high = result.embedding

    def score(xy: np.ndarray) -> dict:
        return layout_quality(xy, sim, k, labels, high, seed=spec.seed)

    out: dict[str, Any] = {"dataset": spec.name, "k": k, "label": spec.evaluate.label,
                           "entities": len(result.entities), "variants": dict(result.quality)}
    if baselines:
        out["baselines"] = {name: score(baseline_layout(name, result, spec, store)) for name in BASELINES}
    return out


def _association(result: DatasetResult, spec: DatasetSpec) -> sp.csr_matrix:
    n_coll = int(result.stats["collections_kept"])
    return graph_stage.association(result.cooc, result.entities.counts, n_coll, spec.graph.transform)


def _labels(result: DatasetResult, spec: DatasetSpec) -> np.ndarray | None:
    name = spec.evaluate.label
    return None if name is None else result.entities.fields[name]


# ---------------------------------------------------------------- baselines

def baseline_layout(name: str, result: DatasetResult, spec: DatasetSpec, store: ArtifactStore) -> np.ndarray:
    """(n, 2) float32 in [-1, 1] for baseline `name`, cached."""
    params = {"name": name, "graph": spec_params(spec.graph), "seed": spec.seed}
    params["graph"].pop("threads", None)  # does not change the result
    key = stage_key("baseline", BASELINE_VERSION, params, [_digest(result)])
    fn = {"pymde_2d": _pymde_2d, "umap_on_graph": _umap_on_graph, "raw_graph": _raw_graph}[name]
    return store.get("baseline", key, lambda: fn(result, spec), _save_xy, _read_xy)


def _digest(result: DatasetResult) -> str:
    h = hashlib.sha256()
    c = result.cooc.tocsr()
    for a in (c.indptr, c.indices, c.data, result.entities.counts,
              np.array([result.stats["collections_kept"]], dtype=np.int64)):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:32]


def _pymde_2d(result: DatasetResult, spec: DatasetSpec) -> np.ndarray:
    from sitegen.stages.project import normalise

    knn = graph_stage.knn_graph(_association(result, spec), spec.graph.n_neighbors)
    params = spec.graph.model_copy(update={"embedding_dim": 2})
    return normalise(graph_stage.embed(knn, params, spec.seed).coords)


def _umap_on_graph(result: DatasetResult, spec: DatasetSpec) -> np.ndarray:
    from sitegen.spec import UmapVariant
    from sitegen.stages.project import project_graph

    knn = graph_stage.knn_graph(_association(result, spec), spec.graph.n_neighbors)
    variant = UmapVariant(name="umap-on-graph", method="umap", input="graph")
    return project_graph(knn.idx, knn.sim, variant, spec.seed, spec.graph.threads)


def _raw_graph(result: DatasetResult, spec: DatasetSpec) -> np.ndarray:
    import pymde
    import torch
    from pymde import constraints, penalties, preprocess

    from sitegen.stages.project import normalise

    torch.set_num_threads(spec.graph.threads)
    pymde.seed(spec.seed)
    up = sp.triu(result.cooc, k=1).tocoo()
    n = result.cooc.shape[0]
    keep = np.arange(up.nnz)
    if up.nnz > RAW_MAX_EDGES:
        keep = np.sort(np.random.default_rng(spec.seed).choice(up.nnz, RAW_MAX_EDGES, replace=False))
    edges = torch.as_tensor(np.stack([up.row[keep], up.col[keep]], axis=1).astype(np.int64))
    w = up.data[keep].astype(np.float32)
    weights = torch.as_tensor(w / w.mean())
    n_rep = min(int(edges.shape[0]), n * (n - 1) // 2 - int(edges.shape[0]))
    neg = preprocess.sample_edges(n, n_rep, exclude=edges) if n_rep > 0 else torch.zeros((0, 2), dtype=torch.int64)
    f = penalties.PushAndPull(torch.cat([weights, -torch.ones(neg.shape[0])]),
                              attractive_penalty=penalties.Log1p, repulsive_penalty=penalties.Log)
    mde = pymde.MDE(n_items=n, embedding_dim=2, edges=torch.cat([edges, neg]), distortion_function=f,
                    constraint=constraints.Centered())
    x = mde.embed(max_iter=RAW_ITERS, eps=1e-12)
    return normalise(x.detach().numpy())


def _save_xy(xy: np.ndarray, d: Path) -> None:
    np.save(d / "xy.npy", xy)


def _read_xy(d: Path) -> np.ndarray:
    return np.load(d / "xy.npy")


# ---------------------------------------------------------------- sweep

def sweep(spec: DatasetSpec, grid: dict[str, list], store: ArtifactStore, reporter: Reporter | None = None,
          metric: str | None = None, on_build: Callable[[dict, DatasetResult], None] | None = None) -> list[dict]:
    """Evaluate every combination of `grid` (dotted spec keys -> values), best first.

    Keys name a spec field: `graph.n_neighbors`, `cooccurrence.weight`, `collections.min_value`, or a
    variant's by its name: `variants.umap.min_dist`. Each combination is validated like a spec file
    and built through the cache (with the embedding, for trustworthiness), so a repeated sweep does
    no embedding or projection work.

    metric: figure to rank by (`recall@K`, `label@K`, `trust`); default label@K, else recall@K.
    on_build: called with (row, DatasetResult) once per combination, e.g. to draw its layout.
    Returns one dict per combination, JSON-able: {"params": {key: value}, "variants": {name: figures},
    "variant": the variant the row is ranked by, "score": its metric value}. That variant is the best
    one by `metric` among those the grid names when it only has variant keys (`variants.<name>.*`),
    else among all; rows are sorted by score, descending, ties in grid order.
    """
    metric = check_metric(spec, metric)
    keys = list(grid)
    # Only variant keys in the grid: the other variants are the same in every row, so rank by the named ones.
    named = {k.split(".")[1] for k in keys} if keys and all(k.startswith("variants.") for k in keys) else set()
    rows = []
    for values in itertools.product(*(grid[k] for k in keys)):
        params = dict(zip(keys, values))
        s = with_overrides(spec, params)
        result = build_dataset_for(s, store, reporter)
        candidates = [v for v in result.quality if not named or v in named]
        best = max(candidates, key=lambda v: (_rank_value(result.quality[v], metric), -candidates.index(v)))
        row = {"params": params, "variants": dict(result.quality), "variant": best,
               "score": result.quality[best].get(metric)}
        if on_build:
            on_build(row, result)
        rows.append(row)
    rows.sort(key=lambda r: -_rank_value(r, "score"))
    return rows


def _rank_value(figures: dict, key: str) -> float:
    """A figure for sorting: missing or NaN (no labelled entity) ranks last."""
    v = figures.get(key)
    return float("-inf") if v is None or v != v else float(v)


def build_dataset_for(spec: DatasetSpec, store: ArtifactStore, reporter: Reporter | None) -> DatasetResult:
    """The pipeline's result with the embedding (every figure, trustworthiness included)."""
    from sitegen.pipeline.orchestrator import build_dataset

    return build_dataset(spec, store, reporter, need_embedding=True, need_matrix=True)


def check_metric(spec: DatasetSpec, metric: str | None) -> str:
    """`metric`, or the default one, checked against the figures the spec yields."""
    k = spec.evaluate.k
    known = [f"recall@{k}", *([f"label@{k}"] if spec.evaluate.label else []), "trust"]
    if metric is None:
        return default_metric(spec)
    if metric not in known:
        hint = "" if spec.evaluate.label or not metric.startswith("label@") else " (label@K needs [evaluate] label)"
        raise SpecError(f"--metric: must be one of {', '.join(known)}, got {metric!r}{hint}")
    return metric


def with_overrides(spec: DatasetSpec, params: dict[str, Any]) -> DatasetSpec:
    """A copy of `spec` with dotted keys set, validated like a spec file."""
    if not params:
        return spec
    raw = spec.model_dump(mode="json", by_alias=True, exclude={"spec_path"}, exclude_none=True)
    for dotted, value in params.items():
        parts = dotted.split(".")
        node: Any = raw
        if parts[0] == "variants":
            if len(parts) != 3:
                raise SpecError(f"sweep: {dotted}: variant keys read variants.<name>.<key>")
            match = [v for v in raw["variants"] if v["name"] == parts[1]]
            if not match:
                names = [v["name"] for v in raw["variants"]]
                raise SpecError(f"sweep: {dotted}: no variant named {parts[1]!r} (variants: {', '.join(names)})")
            node, parts = match[0], parts[2:]
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise SpecError(f"sweep: {dotted}: {p!r} is not a table")
        node[parts[-1]] = value
    return parse_spec(raw, spec.spec_path, label=f"{spec.spec_path.name} (sweep {params})", allow=spec.read_roots)


def parse_grid(items: list[str]) -> dict[str, list]:
    """CLI `--grid KEY=V1,V2` strings -> {KEY: [values]}, numbers parsed as JSON where they parse."""
    grid: dict[str, list] = {}
    for item in items:
        if "=" not in item:
            raise SpecError(f"--grid: expected KEY=V1,V2,..., got {item!r}")
        key, vals = item.split("=", 1)
        grid[key.strip()] = [_value(v.strip()) for v in vals.split(",") if v.strip()]
    return grid


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def format_table(result: dict) -> str:
    """`evaluate`'s figures as an aligned text table (one row per variant and baseline)."""
    k = result["k"]
    cols = [f"recall@{k}", f"label@{k}", "label_chance", "trust"]
    rows = [(name, figs) for name, figs in result["variants"].items()]
    rows += [(f"baseline: {name}", figs) for name, figs in result.get("baselines", {}).items()]
    width = max(len(r[0]) for r in rows) + 2
    lines = [f"{result['dataset']} ({result['entities']} entities, label: {result['label'] or '-'})",
             "".ljust(width) + "".join(c.rjust(14) for c in cols)]
    for name, figs in rows:
        lines.append(name.ljust(width) + "".join(
            (f"{figs[c]:.3f}" if c in figs else "-").rjust(14) for c in cols))
    return "\n".join(lines)
