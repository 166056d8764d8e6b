"""Kernels against slow numpy references on random inputs (jitted, and the pure-Python py_func)."""

from __future__ import annotations

import numpy as np
import pytest

from sitegen.stages import kernels


def random_lists(rng, n, n_coll, max_size):
    """(indptr int64, ent int32) with distinct, unsorted entities per collection; some empty, some size 1."""
    sizes = rng.integers(0, min(max_size, n) + 1, n_coll)
    ent = [rng.choice(n, s, replace=False) for s in sizes]
    indptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    return indptr, np.concatenate(ent + [np.empty(0, int)]).astype(np.int32)


def sorted_lists(rng, n, n_coll, max_size):
    indptr, ent = random_lists(rng, n, n_coll, max_size)
    for c in range(len(indptr) - 1):
        ent[indptr[c]:indptr[c + 1]].sort()
    return indptr, ent


def dense_reference(indptr, ent, n, keys=None):
    """(n, n) float64: sum over collections of exp(-|k_a - k_b|) (1 when keys is None); zero diagonal."""
    out = np.zeros((n, n))
    for c in range(len(indptr) - 1):
        e = ent[indptr[c]:indptr[c + 1]]
        k = np.zeros(len(e)) if keys is None else keys[indptr[c]:indptr[c + 1]]
        w = np.exp(-np.abs(k[:, None] - k[None, :]))
        np.add.at(out, (e[:, None], e[None, :]), w)
    np.fill_diagonal(out, 0)
    return out


def build(indptr, ent, n, keys=None, threads=2, impl="jit"):
    """Run the kernels end to end the way the driver does, as one chunk: (indptr, indices, data)."""
    pick = (lambda f: f) if impl == "jit" else (lambda f: f.py_func)
    inv_ptr, spans = kernels.group_by_entity(indptr, ent, n)
    blocks = np.linspace(0, n, threads + 1).astype(np.int64)
    row_nnz = np.zeros(n, np.int64)
    col_nnz = np.zeros((threads, n), np.int32)
    pick(kernels.upper_structure)(blocks, inv_ptr, spans, ent, row_nnz, col_nnz)
    out_ptr = np.concatenate(([0], np.cumsum(row_nnz + col_nnz.sum(0)))).astype(np.int64)
    idx = np.empty(out_ptr[-1], np.int32)
    val = np.empty(out_ptr[-1], np.float32)
    if keys is None:
        written = pick(kernels.rows_count)(blocks, inv_ptr, spans, ent, out_ptr, idx, val)
    else:
        written = pick(kernels.rows_closeness)(blocks, inv_ptr, spans, ent, keys, out_ptr, idx, val)
    assert written.sum() == out_ptr[-1]
    return out_ptr, idx, val


def to_dense(ptr, idx, val, n):
    out = np.zeros((n, n))
    for i in range(n):
        row = idx[ptr[i]:ptr[i + 1]]
        assert np.all(np.diff(row) > 0), f"row {i} not strictly increasing"
        out[i, row] = val[ptr[i]:ptr[i + 1]]
    return out


def test_sort_within_sorts_each_collection_only():
    rng = np.random.default_rng(1)
    indptr, ent = random_lists(rng, 50, 40, 12)
    perm = kernels.sort_within(indptr, ent)
    for c in range(len(indptr) - 1):
        lo, hi = indptr[c], indptr[c + 1]
        assert sorted(perm[lo:hi]) == list(range(lo, hi))
        assert np.array_equal(ent[perm[lo:hi]], np.sort(ent[lo:hi]))


def test_group_by_entity_is_the_inverted_index():
    rng = np.random.default_rng(2)
    indptr, ent = sorted_lists(rng, 30, 25, 8)
    inv_ptr, spans = kernels.group_by_entity(indptr, ent, 30)
    owner = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    for i in range(30):
        q = spans[0, inv_ptr[i]:inv_ptr[i + 1]]
        assert np.array_equal(q, np.flatnonzero(ent == i))  # every membership, in collection order
        assert np.array_equal(spans[1, inv_ptr[i]:inv_ptr[i + 1]], indptr[owner[q]])
        assert np.array_equal(spans[2, inv_ptr[i]:inv_ptr[i + 1]], indptr[owner[q] + 1])


@pytest.mark.parametrize("n, n_coll, max_size", [(40, 30, 10), (300, 60, 40), (2000, 20, 6)])
def test_structure_counts_upper_rows_and_columns(n, n_coll, max_size):
    rng = np.random.default_rng(n)
    indptr, ent = sorted_lists(rng, n, n_coll, max_size)
    upper = np.triu(dense_reference(indptr, ent, n) > 0, 1)
    inv_ptr, spans = kernels.group_by_entity(indptr, ent, n)
    blocks = np.array([0, n // 3, n], np.int64)
    row_nnz = np.zeros(n, np.int64)
    col_nnz = np.zeros((2, n), np.int32)
    kernels.upper_structure(blocks, inv_ptr, spans, ent, row_nnz, col_nnz)
    assert np.array_equal(row_nnz, upper.sum(1))
    assert np.array_equal(col_nnz.sum(0), upper.sum(0))
    assert np.array_equal(col_nnz[0], upper[: n // 3].sum(0))


# (2000, 20, 6) has rows far sparser than their column range (touched-list path); the others are dense
# (accumulator-scan path).
@pytest.mark.parametrize("n, n_coll, max_size", [(40, 30, 10), (300, 60, 40), (2000, 20, 6)])
@pytest.mark.parametrize("threads", [1, 3])
def test_rows_count_equals_reference(n, n_coll, max_size, threads):
    rng = np.random.default_rng(n + threads)
    indptr, ent = sorted_lists(rng, n, n_coll, max_size)
    got = to_dense(*build(indptr, ent, n, threads=threads), n)
    assert np.array_equal(got, dense_reference(indptr, ent, n))


@pytest.mark.parametrize("n, n_coll, max_size", [(40, 30, 10), (2000, 20, 6)])
def test_rows_closeness_equals_reference(n, n_coll, max_size):
    rng = np.random.default_rng(7)
    indptr, ent = sorted_lists(rng, n, n_coll, max_size)
    keys = rng.uniform(0, 3, ent.shape[0])
    got = to_dense(*build(indptr, ent, n, keys=keys), n)
    np.testing.assert_allclose(got, dense_reference(indptr, ent, n, keys), rtol=1e-6, atol=0)


def test_closeness_keeps_underflowing_pairs_in_the_structure():
    # Keys 1000 apart: exp(-1000) is 0 in float64; the clamp keeps the touched slot non-zero so the
    # numeric pass writes exactly the structure pass's entries (the driver drops the float32 zeros).
    indptr = np.array([0, 3], np.int64)
    ent = np.array([0, 1, 2], np.int32)
    keys = np.array([0.0, 1000.0, 0.5])
    ptr, idx, val = build(indptr, ent, 3, keys=keys)
    assert list(ptr) == [0, 2, 4, 6]
    assert val[idx == 2][0] == np.float32(np.exp(-0.5))
    assert (val == 0).sum() == 4


def test_python_fallback_matches_jit():
    rng = np.random.default_rng(3)
    for n, n_coll, max_size in [(25, 12, 8), (400, 6, 5)]:
        indptr, ent = sorted_lists(rng, n, n_coll, max_size)
        keys = rng.uniform(0, 2, ent.shape[0])
        for k in (None, keys):
            jit = build(indptr, ent, n, keys=k)
            py = build(indptr, ent, n, keys=k, impl="python")
            for a, b in zip(jit, py):
                np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("keyed", [False, True])
def test_very_sparse_rows_use_the_sorted_list_and_match_scipy(keyed):
    # 100k entities, tiny collections: each row has a handful of columns spread over a wide range,
    # which takes the touched-list + sort path.
    import scipy.sparse as sp

    n = 100_000
    rng = np.random.default_rng(11)
    indptr, ent = sorted_lists(rng, n, 40, 6)
    keys = np.zeros(ent.shape[0]) if keyed else None  # exp(0) = 1: closeness equals count
    ptr, idx, val = build(indptr, ent, n, keys=keys)
    owner = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    b = sp.csr_matrix((np.ones(len(owner)), (owner, ent)), shape=(len(indptr) - 1, n))
    want = (b.T @ b).tolil()
    want.setdiag(0)
    want = want.tocsr()
    want.eliminate_zeros()
    want.sort_indices()
    np.testing.assert_array_equal(ptr, want.indptr)
    np.testing.assert_array_equal(idx, want.indices)
    np.testing.assert_array_equal(val, want.data.astype(np.float32))
