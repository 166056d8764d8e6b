"""The fused co-occurrence -> kNN pass gives exactly the matrix path's graph and neighbour lists."""

from __future__ import annotations

import numpy as np
import pytest

from sitegen.datatypes import Collections
from sitegen.formats.datafiles import top_neighbors
from sitegen.spec import CooccurSpec
from sitegen.stages import graph
from sitegen.stages.cooccur import cooccurrence_matrix
from sitegen.stages.fused import fused_graph

TRANSFORMS = ["inv_log", "cosine", "jaccard", "ppmi"]
WEIGHTS = ["count", "value_closeness", "time_closeness"]


def random_collections(seed, n=300, n_coll=400, max_size=25, hub=False):
    """Random lists (unsorted; empty and size-1 ones too) with values and times; small integer counts
    give many ties. `hub`: entity 0 joins every list, and entities n-1, n-2 meet only the hub, so PPMI
    drops them although they co-occur (the neighbour lists must then skip them)."""
    rng = np.random.default_rng(seed)
    lists = [list(rng.choice(np.arange(1, n - 2), rng.integers(0, max_size), replace=False)) for _ in range(n_coll)]
    if hub:
        lists = [[0, *x] for x in lists] + [[0, n - 1], [n - 2, 0]]
    sizes = [len(x) for x in lists]
    m = sum(sizes)
    return Collections(indptr=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
                       entity=np.array([e for x in lists for e in x], np.int32), n_entities=n,
                       value=(rng.integers(1, 11, m) * 0.5).astype(np.float32),
                       time=1.6e9 + rng.integers(0, 10 * 86400, m).astype(np.float64))


def matrix_path(coll, params, transform, k, nb_k):
    counts = np.bincount(coll.entity, minlength=coll.n_entities)
    cooc = cooccurrence_matrix(coll, params)
    kept, knn = graph.knn_from_matrix(cooc, counts, coll.n_collections, transform, k)
    return counts, cooc, kept, knn, top_neighbors(cooc[kept][:, kept], nb_k)


def assert_same(coll, params, transform, k, nb_k):
    counts, cooc, kept, knn, nb = matrix_path(coll, params, transform, k, nb_k)
    got = fused_graph(coll, params, counts, transform, k, nb_k)
    np.testing.assert_array_equal(got.kept, kept)
    np.testing.assert_array_equal(got.knn_idx, knn.idx)
    assert got.knn_sim.tobytes() == knn.sim.tobytes()  # bit for bit
    for a, b in zip(got.neighbors, nb):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert got.pairs == cooc.nnz // 2
    return got


@pytest.mark.parametrize("weight", WEIGHTS)
@pytest.mark.parametrize("transform", TRANSFORMS)
def test_fused_equals_matrix_path(transform, weight):
    for seed in range(3):
        params = CooccurSpec(weight=weight, scale=3.0 if weight == "value_closeness" else 86400.0)
        assert_same(random_collections(seed), params, transform, k=15, nb_k=15)
        assert_same(random_collections(seed, hub=True), params, transform, k=4, nb_k=60)


def test_ppmi_drops_entities_that_still_co_occur():
    coll = random_collections(7, hub=True)
    got = assert_same(coll, CooccurSpec(), "ppmi", k=5, nb_k=400)
    n = coll.n_entities
    assert n - 1 not in got.kept and n - 2 not in got.kept  # isolated for PPMI ...
    assert cooccurrence_matrix(coll, CooccurSpec())[0, n - 1] == 1  # ... yet they co-occur with the hub


def test_chunking_and_threads_do_not_change_the_result():
    import numba

    coll = random_collections(3, n=500, n_coll=600)
    counts = np.bincount(coll.entity, minlength=coll.n_entities)
    ref = fused_graph(coll, CooccurSpec(), counts, "cosine", 10, 15)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        small = fused_graph(coll, CooccurSpec(chunk_pairs=1024), counts, "cosine", 10, 15)
    finally:
        numba.set_num_threads(threads)
    for a, b in zip((ref.kept, ref.knn_idx, ref.knn_sim, *ref.neighbors),
                    (small.kept, small.knn_idx, small.knn_sim, *small.neighbors)):
        assert a.tobytes() == b.tobytes()


def test_wider_lists_start_with_the_narrow_ones():
    # the pipeline computes max(n_neighbors, evaluate.k) wide and uses both prefixes
    coll = random_collections(1)
    counts = np.bincount(coll.entity, minlength=coll.n_entities)
    wide = fused_graph(coll, CooccurSpec(), counts, "jaccard", 12, 15)
    narrow = fused_graph(coll, CooccurSpec(), counts, "jaccard", 5, 15)
    np.testing.assert_array_equal(wide.knn_idx[:, :5], narrow.knn_idx)
