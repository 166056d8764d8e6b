"""One dataset through the pipeline: spec -> load -> cooccur + knn (fused) -> [embed] -> project -> quality +
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
from sitegen.formats.datafiles import NEIGHBORS_K
from sitegen.pipeline import artifacts
from sitegen.pipeline.annotate import annotate_layouts, naming_preference
from sitegen.pipeline.cache import ArtifactStore, stage_key
from sitegen.pipeline.executors import DaskExecutor, LocalExecutor
from sitegen.pipeline.memory import check_graph_memory, check_matrix_memory
from sitegen.pipeline.progress import Reporter
from sitegen.spec import DatasetSpec, check_sizes, spec_params
from sitegen.stages import graph as graph_stage
from sitegen.stages.load import load_dataset
from sitegen.stages.pack import PackParams, pack_dataset, params_json, read_packed, save_packed
from sitegen.stages.project import GraphInput

# Bump a stage's number when its code changes what it computes: its cached artifacts (and every
# downstream one, through the upstream keys) are then recomputed.
CODE_VERSION = {"load": 1, "cooccur": 1, "knn": 3, "embed": 3, "project": 8, "quality": 4, "clusters": 6, "pack": 5}


def build_dataset(spec: DatasetSpec, store: ArtifactStore, reporter: Reporter | None = None,
                  executor: LocalExecutor | DaskExecutor | None = None, need_embedding: bool = False,
                  need_matrix: bool = False) -> DatasetResult:
    """Run stages 1-6 for one spec, reusing cached artifacts. Returns what the site stage needs.

    `executor` decides where co-occurrence and projections run (default: this process).
    The PyMDE embedding is computed when a variant projects it (`input = "embedding"`) or when
    `need_embedding` asks for it (evaluation's trustworthiness); otherwise it is skipped. The full
    co-occurrence matrix (`result.cooc`) is computed only when `need_matrix` asks for it (evaluate's
    baselines); the build needs the kNN graph and the top co-occurring neighbours only, which the
    fused pass gives without it.
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
        tick.size(entities=loaded.collections.n_entities, collections=loaded.collections.n_collections,
                  memberships=len(loaded.collections.entity))
    timings["load"] = loaded.seconds
    check_sizes(spec, loaded.collections.n_entities)  # fail before the heavy stages, as `validate` does

    # Co-occurrence, association and top-k run fused, row by row (`stages.fused`): the full matrix is
    # never held. cooc_key names the counts (chunk_pairs only bounds memory and is not part of it);
    # the matrix itself is stored under it only when asked for (`need_matrix`: evaluate's baselines).
    cooc_params = spec_params(spec.cooccurrence)
    cooc_params.pop("chunk_pairs", None)
    cooc_key = stage_key("cooccur", CODE_VERSION["cooccur"], cooc_params, [load_key])
    graph_params = spec_params(spec.graph)
    knn_params = {k: graph_params[k] for k in ("transform", "n_neighbors")}
    knn_key = stage_key("knn", CODE_VERSION["knn"], knn_params, [cooc_key])  # downstream stages hang on this
    # The artifact is computed max(n_neighbors, evaluate.k) wide, so recall's truth comes from the
    # same pass; that width is in its own key, not in knn_key, so it never invalidates the layouts.
    width = max(spec.graph.n_neighbors, spec.evaluate.k)
    fused_key = stage_key("knn", CODE_VERSION["knn"], {**knn_params, "width": width, "neighbors_k": NEIGHBORS_K},
                          [cooc_key])
    if not store.has("knn", fused_key):  # fail now, with the setting to change, not in the OOM killer
        check_graph_memory(spec, loaded.collections, width, NEIGHBORS_K)
    with rep.stage(f"{tag}: co-occurrence + kNN", entities=loaded.collections.n_entities,
                   pair_incidences=loaded.collections.pair_count()) as tick:
        g = store.get("knn", fused_key, lambda: _timed_knn(spec, loaded, executor, tick),
                      artifacts.save_knn, artifacts.read_knn)
        tick.size(entities=len(g.kept), pairs=g.info["pairs"], edges=g.info["edges"])
    timings["knn"] = g.info["seconds"]
    if g.info["isolated"]:
        rep.log(f"{tag}: dropped {g.info['isolated']} isolated entities (no association left after filtering)")

    emb = None
    embed_key = stage_key("embed", CODE_VERSION["embed"], {**graph_params, "seed": spec.seed}, [knn_key])
    if need_embedding or any(v.input == "embedding" for v in spec.variants):
        with rep.stage(f"{tag}: PyMDE embedding", entities=len(g.kept), edges=g.info["edges"],
                       max_iterations=spec.graph.max_iter) as tick:
            emb = store.get("embed", embed_key, lambda: _timed_embed(spec, g, tick), artifacts.save_embed, artifacts.read_embed)
            tick.size(iterations=emb.info["iterations"], distortion=emb.info["distortion"])
        timings["embed"] = emb.info["seconds"]

    keys = {v.name: stage_key("project", CODE_VERSION["project"], {**spec_params(v), "seed": spec.seed},
                              [embed_key if v.input == "embedding" else knn_key]) for v in spec.variants}
    missing = [v for v in spec.variants if not store.has("project", keys[v.name])]
    names = ", ".join(f"{v.method} '{v.name}'" for v in spec.variants)
    with rep.stage(f"{tag}: {names}", entities=len(g.kept)) as tick:
        if missing:
            tick.computing()
            source = GraphInput(None if emb is None else emb.coords, g.knn_idx, g.knn_sim)
            finished = []

            def done(v, secs):  # one line per layout: a projection of 1M points runs for many minutes
                finished.append(v)
                tick(len(finished), len(missing))
                rep.log(f"{tag}: {v.method} '{v.name}' projected in {secs:.1f}s ({len(finished)} of {len(missing)})")

            projected = executor.project_all(source, missing, spec.seed, spec.graph.threads, on_done=done)
            for v, computed in zip(missing, projected):
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
    cooc_kept = None
    if need_matrix:
        if not store.has("cooccur", cooc_key):
            check_matrix_memory(spec, loaded.collections)
        with rep.stage(f"{tag}: co-occurrence matrix") as tick:
            cooc, secs = store.get("cooccur", cooc_key,
                                   lambda: _timed_cooc(executor, loaded.collections, spec, tick),
                                   artifacts.save_cooc, artifacts.read_cooc)
        cooc_kept = cooc[kept][:, kept].tocsr() if len(kept) != cooc.shape[0] else cooc

    # Figures and cluster labels describe one projection: keyed by it (and by the embedding that
    # trustworthiness is measured against, when there is one), so they follow it in and out of the cache.
    q_params = {"k": spec.evaluate.k, "label": spec.evaluate.label, "seed": spec.seed, "trust": emb is not None}
    q_up = [embed_key] if emb is not None else []
    annotate_keys = {v: (stage_key("quality", CODE_VERSION["quality"], q_params, [keys[v], *q_up]),
                         stage_key("clusters", CODE_VERSION["clusters"], {"prefer": naming_preference(spec)}, [keys[v]])) for v in layouts}

    def truth():
        # recall is measured against each entity's strongest associations: the fused pass ranked
        # max(n_neighbors, evaluate.k) of them (ties broken as everywhere)
        return g.knn_idx if g.truth is None else g.truth

    with rep.stage(f"{tag}: quality + clusters", entities=len(kept), layouts=len(layouts)) as tick:
        quality, clusters = annotate_layouts(spec, store, layouts, entities, truth,
                                             None if emb is None else emb.coords, annotate_keys, tick)

    stats = {
        **loaded.stats.as_dict(),
        "isolated_dropped": g.info["isolated"],
        "entities_embedded": int(len(kept)),
        "cooccurrence_pairs": g.info["pairs"],
        "pair_incidences": int(loaded.collections.pair_count()),
        "knn_edges": g.info["edges"],
        **({"mde_iterations": emb.info["iterations"], "mde_distortion": emb.info["distortion"]} if emb else {}),
        "timings": timings,
    }
    # One key for the whole result, so later stages (pack) are cached on everything above.
    result_key = stage_key("result", 1, {"stats": {k: v for k, v in stats.items() if k != "timings"}},
                           [load_key, cooc_key, knn_key, fused_key, *([embed_key] if emb is not None else []),
                            *(keys[v] for v in sorted(keys)), *(k for v in sorted(annotate_keys) for k in annotate_keys[v])])
    return DatasetResult(spec=spec, entities=entities, cooc=cooc_kept, layouts=layouts, stats=stats,
                         neighbors=g.neighbors, quality=quality, clusters=clusters, embedding=None if emb is None else emb.coords,
                         key=result_key)


def pack_result(result: DatasetResult, store: ArtifactStore, reporter: Reporter | None = None) -> DatasetResult:
    """Stage 7: `result` with its site data files (`result.packed`), cached on the result's key and the
    spec's presentation settings, so a template or wording change re-renders pages only."""
    rep = reporter or Reporter(quiet=True)
    params = PackParams.of(result.spec)
    key = stage_key("pack", CODE_VERSION["pack"], params_json(params), [result.key])
    with rep.stage(f"{result.spec.name}: pack data files", entities=len(result.entities)) as tick:
        def compute():
            tick.computing()
            return pack_dataset(result, params)

        packed = store.get("pack", key, compute, save_packed, read_packed)
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


def _timed_knn(spec: DatasetSpec, loaded: artifacts.Loaded, executor, tick) -> artifacts.KnnArtifact:
    tick.computing()
    t = time.perf_counter()
    p = spec.graph
    k, width = p.n_neighbors, max(p.n_neighbors, spec.evaluate.k)
    fg = executor.fused_graph(loaded.collections, spec.cooccurrence, loaded.entities.counts, p.transform, width,
                              NEIGHBORS_K, progress=tick)
    if k >= len(fg.kept):
        raise SpecError(f"{spec.spec_path.name}: graph.n_neighbors: must be < the number of entities "
                        f"({len(fg.kept)}), got {k}")
    knn = graph_stage.KnnGraph(idx=np.ascontiguousarray(fg.knn_idx[:, :k]),
                               sim=np.ascontiguousarray(fg.knn_sim[:, :k]))
    info = {"edges": int(len(knn.edges()[0])), "isolated": int(loaded.collections.n_entities - len(fg.kept)),
            "pairs": fg.pairs, "seconds": round(time.perf_counter() - t, 3)}
    return artifacts.KnnArtifact(kept=fg.kept, knn_idx=knn.idx, knn_sim=knn.sim, info=info, neighbors=fg.neighbors,
                                 truth=fg.knn_idx if width > k else None)


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
