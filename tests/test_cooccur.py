"""cooccurrence_matrix against B.T @ B and a pure-Python pair dictionary; chunking; edge cases."""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import synth
from sitegen.datatypes import Collections
from sitegen.errors import DataError
from sitegen.spec import CooccurSpec
from sitegen.stages.cooccur import cooccurrence_matrix, estimate_memory


def make(lists, n, values=None, times=None):
    sizes = [len(x) for x in lists]
    flat = [e for x in lists for e in x]
    return Collections(
        indptr=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        entity=np.array(flat, np.int32),
        n_entities=n,
        value=None if values is None else np.array([v for x in values for v in x], np.float32),
        time=None if times is None else np.array([t for x in times for t in x], np.float64),
    )


def random_collections(seed, n, n_coll, max_size):
    """Unsorted, duplicate-free lists with values and times; includes empty and size-1 lists."""
    rng = np.random.default_rng(seed)
    lists = [list(rng.choice(n, rng.integers(0, min(max_size, n) + 1), replace=False)) for _ in range(n_coll)]
    values = [list(rng.integers(1, 11, len(x)) * 0.5) for x in lists]
    times = [list(1.6e9 + rng.integers(0, 10 * 86400, len(x))) for x in lists]
    return make(lists, n, values, times)


def incidence(coll):
    owner = np.repeat(np.arange(coll.n_collections), coll.sizes)
    return sp.csr_matrix((np.ones(len(owner), np.float32), (owner, coll.entity)),
                         shape=(coll.n_collections, coll.n_entities))


def python_reference(coll, column, scale):
    """(n, n) float64 from a dict of ordered pairs, one pair at a time."""
    pairs = defaultdict(float)
    keys = getattr(coll, column)
    for c in range(coll.n_collections):
        lo, hi = coll.indptr[c], coll.indptr[c + 1]
        for a in range(lo, hi):
            for b in range(lo, hi):
                if a != b:
                    pairs[coll.entity[a], coll.entity[b]] += math.exp(-abs(float(keys[a]) - float(keys[b])) / scale)
    out = np.zeros((coll.n_entities, coll.n_entities))
    for (i, j), w in pairs.items():
        out[i, j] = w
    return out


def assert_canonical(m, n):
    assert isinstance(m, sp.csr_matrix)
    assert m.shape == (n, n) and m.dtype == np.float32
    assert m.diagonal().sum() == 0
    assert (m != m.T).nnz == 0
    assert np.all(m.data != 0)
    for i in range(n):
        assert np.all(np.diff(m.indices[m.indptr[i]:m.indptr[i + 1]]) > 0)
    assert m.has_sorted_indices and m.has_canonical_format


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), n_coll=st.integers(0, 40),
       max_size=st.integers(1, 25), chunk=st.sampled_from([1024, 1 << 24]))
def test_count_equals_btb_without_diagonal(seed, n, n_coll, max_size, chunk):
    coll = random_collections(seed, n, n_coll, max_size)
    got = cooccurrence_matrix(coll, CooccurSpec(chunk_pairs=chunk))
    b = incidence(coll)
    want = (b.T @ b).toarray()
    np.fill_diagonal(want, 0)
    assert_canonical(got, n)
    np.testing.assert_array_equal(got.toarray(), want)


@pytest.mark.parametrize("weight, column, scale", [("value_closeness", "value", 1.5),
                                                   ("time_closeness", "time", 86400.0)])
@pytest.mark.parametrize("seed", [0, 1])
def test_closeness_equals_python_pairs(weight, column, scale, seed):
    coll = random_collections(seed, 80, 50, 20)
    got = cooccurrence_matrix(coll, CooccurSpec(weight=weight, scale=scale))
    assert_canonical(got, 80)
    np.testing.assert_allclose(got.toarray(), python_reference(coll, column, scale), rtol=1e-5, atol=0)


@pytest.mark.parametrize("weight", ["count", "value_closeness", "time_closeness"])
def test_chunk_size_does_not_change_the_result(weight):
    coll, _ = synth.generate(3000, 400, 5, 30, seed=4)
    assert coll.pair_count() > 100 * 1024  # many chunks at chunk_pairs=1024
    steps = []
    small = cooccurrence_matrix(coll, CooccurSpec(weight=weight, chunk_pairs=1024, scale=2.0),
                                progress=lambda done, total: steps.append((done, total)))
    big = cooccurrence_matrix(coll, CooccurSpec(weight=weight, chunk_pairs=1 << 30, scale=2.0))
    for a, b in [(small.indptr, big.indptr), (small.indices, big.indices), (small.data, big.data)]:
        np.testing.assert_array_equal(a, b)
    assert len(steps) > 100
    done = [d for d, _ in steps]
    assert done == sorted(done) and steps[-1][0] == steps[-1][1]


def test_synthetic_medium_equals_btb():
    coll, groups = synth.generate(5000, 3000, 10, 25, seed=1)
    got = cooccurrence_matrix(coll, CooccurSpec())
    b = incidence(coll)
    want = (b.T @ b).tolil()
    want.setdiag(0)
    want = want.tocsr()
    want.eliminate_zeros()
    want.sort_indices()
    assert got.nnz == want.nnz
    np.testing.assert_array_equal(got.indptr, want.indptr)
    np.testing.assert_array_equal(got.indices, want.indices)
    np.testing.assert_array_equal(got.data, want.data)


def test_hand_made_counts():
    coll = make([[0, 1, 2], [2, 1], [3]], 5)
    got = cooccurrence_matrix(coll, CooccurSpec()).toarray()
    want = np.zeros((5, 5), np.float32)
    want[0, 1] = want[1, 0] = want[0, 2] = want[2, 0] = 1
    want[1, 2] = want[2, 1] = 2
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("lists", [[], [[]], [[], [3], [], [0]], [[4]]])
def test_no_pairs_gives_an_empty_matrix(lists):
    got = cooccurrence_matrix(make(lists, 5), CooccurSpec())
    assert got.shape == (5, 5) and got.nnz == 0 and got.dtype == np.float32


def test_far_apart_times_are_dropped_not_stored_as_zeros():
    coll = make([[0, 1, 2]], 3, times=[[0.0, 1e6, 10.0]])
    got = cooccurrence_matrix(coll, CooccurSpec(weight="time_closeness", scale=10.0))
    assert_canonical(got, 3)
    assert got.nnz == 2 and got[0, 2] == np.float32(math.exp(-1.0))


def test_unsorted_input_is_not_modified():
    coll = make([[5, 2, 9, 0]], 10, values=[[1.0, 2.0, 3.0, 4.0]])
    before = coll.entity.copy(), coll.value.copy()
    cooccurrence_matrix(coll, CooccurSpec(weight="value_closeness"))
    np.testing.assert_array_equal(coll.entity, before[0])
    np.testing.assert_array_equal(coll.value, before[1])


@pytest.mark.parametrize("coll, params, message", [
    (make([[0, 1, 0]], 3), CooccurSpec(), "collection 0 lists entity 0 twice"),
    (make([[0, 3]], 3), CooccurSpec(), "entity ids must lie in [0, 3)"),
    (make([[0, 1]], 3), CooccurSpec(weight="value_closeness"), "needs the collections' value column"),
    (make([[0, 1]], 3, times=[[0.0, float("nan")]]), CooccurSpec(weight="time_closeness"), "NaN"),
])
def test_bad_input_raises_data_error(coll, params, message):
    with pytest.raises(DataError, match=re.escape(message)):
        cooccurrence_matrix(coll, params)


def test_estimate_memory_bounds_the_result():
    coll = random_collections(5, 200, 80, 30)
    est = estimate_memory(coll)
    got = cooccurrence_matrix(coll, CooccurSpec())
    assert est["pair_incidences"] == coll.pair_count()
    assert est["max_nnz"] >= got.nnz
    assert est["matrix_peak_bytes"] >= est["output_bytes"] >= 8 * got.nnz
    assert est["peak_bytes"] < est["matrix_peak_bytes"]  # the fused pass never holds the matrix


def test_synth_is_seeded_and_writes_csv(tmp_path):
    a, ga = synth.generate(500, 300, 4, 10, seed=3)
    b, gb = synth.generate(500, 300, 4, 10, seed=3)
    np.testing.assert_array_equal(a.entity, b.entity)
    np.testing.assert_array_equal(ga, gb)
    assert a.entity.dtype == np.int32 and a.indptr.dtype == np.int64
    assert a.value.dtype == np.float32 and a.time.dtype == np.float64
    assert a.value.min() >= 0.5 and a.value.max() <= 5.0
    for c in range(a.n_collections):  # sorted, distinct within each collection
        assert np.all(np.diff(a.entity[a.indptr[c]:a.indptr[c + 1]]) > 0)
    synth.write_csv(tmp_path, a, ga)
    rows = (tmp_path / "collections.csv").read_text().splitlines()
    assert rows[0] == '"collection","entity","value","time"' or rows[0] == "collection,entity,value,time"
    assert len(rows) == a.entity.shape[0] + 1
    ents = (tmp_path / "entities.csv").read_text().splitlines()
    assert len(ents) == 501
