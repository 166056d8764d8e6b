"""One dataset through the pipeline: spec -> load -> cooccur -> knn -> [embed] -> project -> quality +
clusters (per variant). The site and its data files come after (`sitegen.commands.build`).

Each stage is a pure function of its upstream artifact and its own spec sub-model, cached by
`ArtifactStore` under a key of exactly those. Stage timings recorded in `stats["timings"]` are the
seconds each artifact took when it was computed (stored with it), so rebuilding from a warm cache
reproduces the same about page byte for byte.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from sitegen.datatypes import Collections, DatasetResult, Entities
from sitegen.errors import SpecError
from sitegen.pipeline import artifacts
from sitegen.pipeline.annotate import annotate_layouts
from sitegen.pipeline.cache import ArtifactStore, stage_key
from sitegen.pipeline.executors import DaskExecutor, LocalExecutor
from sitegen.pipeline.progress import Reporter
from sitegen.spec import DatasetSpec, check_sizes, spec_params
from sitegen.stages import graph as graph_stage
from sitegen.stages.load import load_dataset
from sitegen.stages.pack import PackParams, pack_dataset, params_json, read_packed, save_packed
from sitegen.stages.project import GraphInput

# Bump a stage's number when its code changes what it computes: its cached artifacts (and every
# downstream one, through the upstream keys) are then recomputed.
CODE_VERSION = {"load": 1, "cooccur": 1, "knn": 2, "embed": 1, "project": 5, "quality": 2, "clusters": 1, "pack": 2}


def build_dataset(spec: DatasetSpec, store: ArtifactStore, reporter: Reporter | None = None,
                  executor: LocalExecutor | DaskExecutor | None = None, need_embedding: bool = False) -> DatasetResult:
    """Run stages 1-6 for one spec, reusing cached artifacts. Returns what the site stage needs.

    `executor` decides where co-occurrence and projections run (default: this process).
    The PyMDE embedding is computed when a variant projects it (`input = "embedding"`) or when
    `need_embedding` asks for it (evaluation's trustworthiness); otherwise it is skipped.
    """
    rep = reporter or Reporter(quiet=True)
    executor = executor or LocalExecutor()
    timings: dict[str, float] = {}
    tag = spec.name

    load_key = stage_key("load", CODE_VERSION["load"],
                         {"collections": spec_params(spec.collections),
                          "entities": spec_params(spec.entities) if spec.entities else None,
                          "filter": spec_params(spec.filter), "seed": spec.seed},
                         files=_input_files(spec))
    with rep.stage(f"{tag}: load") as tick:
        loaded = store.get("load", load_key, lambda: _timed_load(spec, tick), artifacts.save_loaded, artifacts.read_loaded)
    timings["load"] = loaded.seconds
    check_sizes(spec, loaded.collections.n_entities)  # fail before the heavy stages, as `validate` does

    # chunk_pairs only bounds memory; it does not change the matrix, so it is not part of the key.
    cooc_params = spec_params(spec.cooccurrence)
    cooc_params.pop("chunk_pairs", None)
    cooc_key = stage_key("cooccur", CODE_VERSION["cooccur"], cooc_params, [load_key])
    with rep.stage(f"{tag}: co-occurrence") as tick:
        cooc, cooc_secs = store.get("cooccur", cooc_key,
                                    lambda: _timed_cooc(executor, loaded.collections, spec, tick),
                                    artifacts.save_cooc, artifacts.read_cooc)
    timings["cooccurrence"] = cooc_secs

    graph_params = spec_params(spec.graph)
    knn_params = {k: graph_params[k] for k in ("transform", "n_neighbors")}
    knn_key = stage_key("knn", CODE_VERSION["knn"], knn_params, [cooc_key])
    with rep.stage(f"{tag}: association + kNN") as tick:
        g = store.get("knn", knn_key, lambda: _timed_knn(spec, loaded, cooc, tick), artifacts.save_knn, artifacts.read_knn)
    timings["knn"] = g.info["seconds"]
    if g.info["isolated"]:
        rep.log(f"{tag}: dropped {g.info['isolated']} isolated entities (no co-occurrence left after filtering)")

    emb = None
    embed_key = stage_key("embed", CODE_VERSION["embed"], {**graph_params, "seed": spec.seed}, [knn_key])
    if need_embedding or any(v.input == "embedding" for v in spec.variants):
        with rep.stage(f"{tag}: PyMDE embedding") as tick:
            emb = store.get("embed", embed_key, lambda: _timed_embed(spec, g, tick), artifacts.save_embed, artifacts.read_embed)
        timings["embed"] = emb.info["seconds"]

    keys = {v.name: stage_key("project", CODE_VERSION["project"], {**spec_params(v), "seed": spec.seed},
                              [embed_key if v.input == "embedding" else knn_key]) for v in spec.variants}
    missing = [v for v in spec.variants if not store.has("project", keys[v.name])]
    names = ", ".join(f"{v.method} '{v.name}'" for v in spec.variants)
    with rep.stage(f"{tag}: {names}") as tick:
        if missing:
            tick.computing()
            source = GraphInput(None if emb is None else emb.coords, g.knn_idx, g.knn_sim)
            for v, computed in zip(missing, executor.project_all(source, missing, spec.seed, spec.graph.threads)):
                store.misses.append("project")
                store.put("project", keys[v.name], computed, artifacts.save_xy)
        layouts: dict[str, np.ndarray] = {}
        for v in spec.variants:
            if v not in missing:
                store.hits.append("project")
            xy, secs = artifacts.read_xy(store.folder("project", keys[v.name]))
            layouts[v.name] = xy
            timings[f"project:{v.name}"] = secs

    kept = g.kept
    entities = _subset_entities(loaded.entities, kept) if len(kept) != len(loaded.entities) else loaded.entities
    cooc_kept = cooc[kept][:, kept].tocsr() if len(kept) != cooc.shape[0] else cooc

    # Figures and cluster labels describe one projection: keyed by it (and by the embedding that
    # trustworthiness is measured against, when there is one), so they follow it in and out of the cache.
    q_params = {"k": spec.evaluate.k, "label": spec.evaluate.label, "seed": spec.seed, "trust": emb is not None}
    q_up = [embed_key] if emb is not None else []
    annotate_keys = {v: (stage_key("quality", CODE_VERSION["quality"], q_params, [keys[v], *q_up]),
                         stage_key("clusters", CODE_VERSION["clusters"], {}, [keys[v]])) for v in layouts}
    n_coll = loaded.collections.n_collections

    def truth():
        # recall is measured against each entity's strongest associations: the kNN graph holds them
        # already when it is at least k wide (ties broken the same way), else rank the association
        if spec.graph.n_neighbors >= spec.evaluate.k:
            return g.knn_idx
        return graph_stage.association(cooc_kept, entities.counts, n_coll, spec.graph.transform)

    with rep.stage(f"{tag}: quality + clusters") as tick:
        quality, clusters = annotate_layouts(spec, store, layouts, entities, truth,
                                             None if emb is None else emb.coords, annotate_keys, tick)

    stats = {
        **loaded.stats.as_dict(),
        "isolated_dropped": g.info["isolated"],
        "entities_embedded": int(len(kept)),
        "cooccurrence_pairs": int(cooc.nnz // 2),
        "pair_incidences": int(loaded.collections.pair_count()),
        "knn_edges": g.info["edges"],
        **({"mde_iterations": emb.info["iterations"], "mde_distortion": emb.info["distortion"]} if emb else {}),
        "timings": timings,
    }
    # One key for the whole result, so later stages (pack) are cached on everything above.
    result_key = stage_key("result", 1, {"stats": {k: v for k, v in stats.items() if k != "timings"}},
                           [load_key, cooc_key, knn_key, *([embed_key] if emb is not None else []),
                            *(keys[v] for v in sorted(keys)), *(k for v in sorted(annotate_keys) for k in annotate_keys[v])])
    return DatasetResult(spec=spec, entities=entities, cooc=cooc_kept, layouts=layouts, stats=stats,
                         quality=quality, clusters=clusters, embedding=None if emb is None else emb.coords,
                         key=result_key)


def pack_result(result: DatasetResult, store: ArtifactStore, reporter: Reporter | None = None) -> DatasetResult:
    """Stage 7: `result` with its site data files (`result.packed`), cached on the result's key and the
    spec's presentation settings, so a template or wording change re-renders pages only."""
    rep = reporter or Reporter(quiet=True)
    params = PackParams.of(result.spec)
    key = stage_key("pack", CODE_VERSION["pack"], params_json(params), [result.key])
    with rep.stage(f"{result.spec.name}: pack data files"):
        packed = store.get("pack", key, lambda: pack_dataset(result, params), save_packed, read_packed)
    return result.with_packed(packed)


# ---------------------------------------------------------------- stage bodies (timed)

def _timed_load(spec: DatasetSpec, tick) -> artifacts.Loaded:
    tick.computing()
    t = time.perf_counter()
    coll, ents, stats = load_dataset(spec)
    return artifacts.Loaded(coll, ents, stats, round(time.perf_counter() - t, 3))


def _timed_cooc(executor, coll: Collections, spec: DatasetSpec, tick) -> tuple[sp.csr_matrix, float]:
    tick.computing()
    t = time.perf_counter()
    m = executor.cooccurrence(coll, spec.cooccurrence, progress=tick)
    return m, round(time.perf_counter() - t, 3)


def _timed_knn(spec: DatasetSpec, loaded: artifacts.Loaded, cooc: sp.csr_matrix, tick) -> artifacts.KnnArtifact:
    tick.computing()
    t = time.perf_counter()
    p = spec.graph
    sim = graph_stage.association(cooc, loaded.entities.counts, loaded.collections.n_collections, p.transform)
    lonely = graph_stage.isolated(sim)
    kept = np.setdiff1d(np.arange(sim.shape[0]), lonely)
    if len(lonely):
        sim = sim[kept][:, kept].tocsr()
    if p.n_neighbors >= len(kept):
        raise SpecError(f"{spec.spec_path.name}: graph.n_neighbors: must be < the number of entities "
                        f"({len(kept)}), got {p.n_neighbors}")
    knn = graph_stage.knn_graph(sim, p.n_neighbors)
    info = {"edges": int(len(knn.edges()[0])), "isolated": int(len(lonely)),
            "seconds": round(time.perf_counter() - t, 3)}
    return artifacts.KnnArtifact(kept=kept.astype(np.int64), knn_idx=knn.idx, knn_sim=knn.sim, info=info)


def _timed_embed(spec: DatasetSpec, g: artifacts.KnnArtifact, tick) -> artifacts.EmbedArtifact:
    tick.computing()
    t = time.perf_counter()
    emb = graph_stage.embed(graph_stage.KnnGraph(idx=g.knn_idx, sim=g.knn_sim), spec.graph, spec.seed, progress=tick)
    info = {"iterations": emb.iterations, "distortion": round(emb.distortion, 6),
            "seconds": round(time.perf_counter() - t, 3)}
    return artifacts.EmbedArtifact(coords=emb.coords, info=info)


def _input_files(spec: DatasetSpec) -> list[Path]:
    files = [spec.resolve(spec.collections.path)]
    if spec.entities:
        files.append(spec.resolve(spec.entities.path))
    return [f for f in files if f.is_file()]  # a missing file fails in the load stage, with its name


def _subset_entities(e: Entities, kept: np.ndarray) -> Entities:
    return Entities(ids=e.ids[kept], labels=e.labels[kept], counts=e.counts[kept],
                    fields={k: v[kept] for k, v in e.fields.items()}, field_types=dict(e.field_types))
