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
