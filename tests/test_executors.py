"""Heavy stages on Dask give the same artifacts as in-process (a LocalCluster in this process)."""

from __future__ import annotations

import numpy as np
import pytest

from sitegen.datatypes import Collections
from sitegen.pipeline.executors import DaskExecutor, LocalExecutor, split_collections
from sitegen.spec import CooccurSpec, UmapVariant


def random_collections(seed=0, n_coll=300, n_ent=120):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 15, n_coll)
    ents = [np.sort(rng.choice(n_ent, s, replace=False)) for s in sizes]
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    entity = np.concatenate(ents).astype(np.int32)
    return Collections(indptr=indptr, entity=entity, n_entities=n_ent,
                       value=rng.uniform(0.5, 5, len(entity)).astype(np.float32))


def test_split_collections_covers_everything_once():
    coll = random_collections()
    parts = split_collections(coll, 7)
    assert sum(p.n_collections for p in parts) == coll.n_collections
    np.testing.assert_array_equal(np.concatenate([p.entity for p in parts]), coll.entity)
    assert all(p.indptr[0] == 0 for p in parts)


@pytest.mark.parametrize("weight", ["count", "value_closeness"])
def test_dask_cooccurrence_equals_local(weight):
    coll = random_collections(1)
    params = CooccurSpec(weight=weight)
    local = LocalExecutor().cooccurrence(coll, params)
    ex = DaskExecutor("local", parts=5)
    try:
        remote = ex.cooccurrence(coll, params)
        xy = ex.project_all(np.random.default_rng(0).normal(size=(120, 3)).astype(np.float32),
                            [UmapVariant(name="u", method="umap", input="embedding", n_neighbors=15)], seed=1, threads=1)
    finally:
        ex.close()
    assert remote.shape == local.shape and remote.dtype == np.float32
    np.testing.assert_array_equal(remote.indptr, local.indptr)
    np.testing.assert_array_equal(remote.indices, local.indices)
    np.testing.assert_allclose(remote.data, local.data, rtol=1e-5)
    assert xy[0][0].shape == (120, 2)


@pytest.mark.slow  # two worker processes start (10-25 s on the shared 2-core machine)
@pytest.mark.parametrize("transform", ["cosine", "ppmi"])
def test_dask_fused_graph_equals_one_process(transform):
    """Slices of rows on two worker processes give the same bits as one process (PPMI also exercises
    the re-run of rows whose neighbour lists hold a dropped entity, which runs on the cluster too)."""
    from distributed import LocalCluster

    coll = random_collections(2, n_coll=400, n_ent=149)
    lists = [[0, *(e for e in coll.entity[a:b] if e != 0)] for a, b in zip(coll.indptr[:-1], coll.indptr[1:])]
    lists.append([0, 149])  # entity 0 is in every collection, so 149 (only ever with 0) has no positive PPMI
    hub = Collections(indptr=np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64),
                      entity=np.concatenate(lists).astype(np.int32), n_entities=150)
    counts = np.bincount(hub.entity, minlength=150)
    local = LocalExecutor().fused_graph(hub, CooccurSpec(), counts, transform, 8, 200)
    assert (149 in local.kept) == (transform != "ppmi")
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        ex = DaskExecutor(cluster.scheduler_address, parts=5)
        try:
            assert len(ex.client.scheduler_info()["workers"]) == 2
            remote = ex.fused_graph(hub, CooccurSpec(), counts, transform, 8, 200)
        finally:
            ex.close()
    for a, b in zip((local.kept, local.knn_idx, local.knn_sim, *local.neighbors),
                    (remote.kept, remote.knn_idx, remote.knn_sim, *remote.neighbors)):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert local.pairs == remote.pairs
