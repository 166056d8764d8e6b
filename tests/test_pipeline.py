"""The real pipeline (load -> cooccur -> PyMDE -> UMAP + t-SNE) on a slice of goodbooks, with the cache."""

from __future__ import annotations

import numpy as np
import pytest

from sitegen.errors import SpecError
from sitegen.pipeline.cache import ArtifactStore
from sitegen.pipeline.orchestrator import build_dataset
from sitegen.spec import load_spec


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    spec = load_spec("tests/data/tiny.toml")
    store = ArtifactStore(tmp_path_factory.mktemp("cache"))
    return spec, store, build_dataset(spec, store)


def test_build_produces_normalised_layouts(first_build):
    spec, store, result = first_build
    n = len(result.entities)
    assert n == result.stats["entities_embedded"] > 500
    assert set(result.layouts) == {"umap", "tsne"}
    for xy in result.layouts.values():
        assert xy.shape == (n, 2) and xy.dtype == np.float32 and np.abs(xy).max() <= 1
    assert result.cooc is None  # the build never holds the co-occurrence matrix (fused pass) ...
    indptr, indices, weights = result.neighbors  # ... only each entity's top co-occurring entities
    assert len(indptr) == n + 1 and indices.max() < n and (weights > 0).all()
    assert set(result.stats["timings"]) == {"load", "knn", "embed", "project:umap", "project:tsne"}
    assert store.misses == ["load", "knn", "embed", "project", "project"] + ["quality", "clusters"] * 2
    assert result.embedding.shape == (n, spec.graph.embedding_dim)
    # every build scores its layouts (recall, label agreement with its chance, trustworthiness) ...
    for q in result.quality.values():
        assert set(q) == {"recall@10", "label@10", "label_chance", "trust"}
        assert q["label@10"] > q["label_chance"]
    # ... and names their clusters
    assert list(result.quality) == list(result.clusters) == ["umap", "tsne"]
    for c in result.clusters.values():
        assert len(c["labels"]) >= 3 and len(c["membership"]) == 2 * n


def test_second_build_is_all_cache_hits_with_identical_artifacts(first_build):
    spec, store, result = first_build
    again = ArtifactStore(store.root)
    r2 = build_dataset(spec, again)
    assert again.misses == [] and len(again.hits) == 9
    for name in result.layouts:
        np.testing.assert_array_equal(result.layouts[name], r2.layouts[name])
    assert r2.stats == result.stats
    assert r2.quality == result.quality and r2.clusters == result.clusters


def test_changing_a_variant_recomputes_only_that_projection(first_build):
    spec, store, _ = first_build
    v = spec.variants[0].model_copy(update={"min_dist": 0.3})
    changed = spec.model_copy(update={"variants": [v, spec.variants[1]]})
    s = ArtifactStore(store.root)
    build_dataset(changed, s)
    assert s.misses == ["project", "quality", "clusters"]
    assert s.hits == ["load", "knn", "embed", "project", "quality", "clusters"]


def test_changing_graph_params_recomputes_graph_and_projections(first_build):
    spec, store, _ = first_build
    changed = spec.model_copy(update={"graph": spec.graph.model_copy(update={"n_neighbors": 8})})
    s = ArtifactStore(store.root)
    build_dataset(changed, s)
    assert s.hits == ["load"]
    assert s.misses == ["knn", "embed", "project", "project"] + ["quality", "clusters"] * 2


def test_changing_pymde_params_recomputes_only_the_embedding_branch(first_build):
    spec, store, _ = first_build
    changed = spec.model_copy(update={"graph": spec.graph.model_copy(update={"max_iter": 100})})
    s = ArtifactStore(store.root)
    build_dataset(changed, s)
    # the UMAP variant projects the kNN graph, so only the embedding and the t-SNE of it are redone
    # and every variant's trustworthiness, which is measured against the embedding
    assert s.hits == ["load", "knn", "project", "clusters"]
    assert s.misses == ["embed", "project", "quality", "quality", "clusters"]


def test_embedding_is_skipped_when_no_variant_needs_it(first_build, tmp_path):
    spec, store, _ = first_build
    graph_only = spec.model_copy(update={"variants": [spec.variants[0]]})
    s = ArtifactStore(store.root)
    result = build_dataset(graph_only, s)
    assert "embed" not in s.hits + s.misses and result.embedding is None
    assert "mde_iterations" not in result.stats
    assert "trust" not in result.quality["umap"]  # nothing to measure it against


def test_matrix_on_request_gives_the_same_neighbours_and_truth(first_build):
    """The matrix path (evaluate asks for it) and the fused pass agree on what the site shows."""
    from sitegen.formats.datafiles import top_neighbors
    from sitegen.stages import graph
    from sitegen.stages.quality import neighbour_recall

    spec, store, result = first_build
    s = ArtifactStore(store.root)
    full = build_dataset(spec, s, need_matrix=True)
    assert s.misses == ["cooccur"]
    n = len(result.entities)
    assert full.cooc.shape == (n, n) and (full.cooc != full.cooc.T).nnz == 0 and full.cooc.diagonal().sum() == 0
    for a, b in zip(result.neighbors, top_neighbors(full.cooc)):
        np.testing.assert_array_equal(a, b)
    assert result.stats["cooccurrence_pairs"] == full.cooc.nnz // 2
    # recall's truth when evaluate.k is wider than the kNN graph: the association's top rows, as
    # `quality.neighbour_recall` ranks them from the matrix
    narrow = spec.model_copy(update={"graph": spec.graph.model_copy(update={"n_neighbors": 6}),
                                     "variants": [spec.variants[0]]})
    r = build_dataset(narrow, ArtifactStore(store.root))
    sim = graph.association(full.cooc, full.entities.counts, int(r.stats["collections_kept"]), spec.graph.transform)
    k = spec.evaluate.k
    assert k > 6
    xy = r.layouts[spec.variants[0].name]
    assert r.quality[spec.variants[0].name][f"recall@{k}"] == round(neighbour_recall(sim, xy, k), 4)


def test_chunk_size_does_not_invalidate_cooccurrence(first_build):
    spec, store, _ = first_build
    changed = spec.model_copy(update={"cooccurrence": spec.cooccurrence.model_copy(update={"chunk_pairs": 4096})})
    s = ArtifactStore(store.root)
    build_dataset(changed, s)
    assert s.misses == []


def test_rebuild_from_scratch_gives_identical_numbers(first_build, tmp_path):
    spec, _, result = first_build
    cold = build_dataset(spec, ArtifactStore(tmp_path / "cold"))
    for name in result.layouts:
        assert cold.layouts[name].tobytes() == result.layouts[name].tobytes()
    assert cold.quality == result.quality and cold.clusters == result.clusters


def test_n_neighbors_at_least_entity_count_is_a_clear_error(write_spec):
    rows = "u,m\n" + "".join(f"{u},{m}\n" for u in range(5) for m in range(4))
    path = write_spec("""
name = "small"
title = "Small"
[collections]
path = "r.csv"
collection = "u"
entity = "m"
[graph]
n_neighbors = 10
[[variants]]
name = "umap"
method = "umap"
""", {"r.csv": rows}, name="small.toml")
    with pytest.raises(SpecError, match=r"small.toml: graph.n_neighbors: must be < the number of entities \(4\), got 10"):
        build_dataset(load_spec(path), ArtifactStore(path.parent / "c"))


def test_isolated_entities_are_reported_and_dropped(write_spec, tmp_path):
    # "x" only ever appears next to "u", which is in every collection: PMI(x, u) = log(1) = 0, so under
    # the ppmi transform x has no association left and cannot be placed.
    rows = ["c,e"]
    for c in range(60):
        rows += [f"{c},u", f"{c},g{c % 3}a", f"{c},g{c % 3}b", f"{c},g{c % 3}c{c % 5}"]
    rows += [f"x{c},u" for c in range(6)] + [f"x{c},x" for c in range(6)]
    path = write_spec("""
name = "iso"
title = "Isolated"
[collections]
path = "r.csv"
collection = "c"
entity = "e"
[filter]
min_entity_count = 2
[graph]
transform = "ppmi"
n_neighbors = 3
[[variants]]
name = "umap"
method = "umap"
""", {"r.csv": "\n".join(rows) + "\n"}, name="iso.toml")
    result = build_dataset(load_spec(path), ArtifactStore(tmp_path / "c"))
    assert result.stats["isolated_dropped"] >= 1
    assert "x" not in set(result.entities.ids)
    n = len(result.entities)
    assert result.layouts["umap"].shape == (n, 2) and len(result.neighbors[0]) == n + 1
