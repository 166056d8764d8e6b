"""Islands of a 2D layout and packing them around the main body (sitegen.stages.islands)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from sitegen.stages.islands import islands, pack_islands


def exact_islands(xy, gap):
    """The definition: components of the graph joining every pair closer than `gap`."""
    pairs = cKDTree(xy).query_pairs(gap, output_type="ndarray")
    n = len(xy)
    return connected_components(sp.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)),
                                directed=False)[1]


def same_partition(a, b) -> bool:
    fwd, back = {}, {}
    return all(fwd.setdefault(u, v) == v and back.setdefault(v, u) == u for u, v in zip(a.tolist(), b.tolist()))


def layout_with_islands(seed, n_islands, body_aspect=1.0, blob=0.04):
    """A round (or stretched) body of 1000 points spread evenly over a disc of radius 1 (one piece: no
    stray points), and `n_islands` small Gaussian blobs 8-40 body radii away in random directions, as
    UMAP leaves disconnected components. Returns (xy, body mask)."""
    rng = np.random.default_rng(seed)
    r, t = np.sqrt(rng.uniform(0, 1, 1000)), rng.uniform(0, 2 * np.pi, 1000)
    parts = [np.stack([r * np.cos(t) * body_aspect, r * np.sin(t)], axis=1)]
    for _ in range(n_islands):
        m = int(rng.integers(3, 80))
        ang, r = rng.uniform(0, 2 * np.pi), rng.uniform(8, 40)
        parts.append(rng.normal(0, blob * np.sqrt(m), (m, 2)) + r * np.array([np.cos(ang), np.sin(ang)]))
    xy = np.vstack(parts)
    return xy, np.arange(len(xy)) < 1000


@pytest.mark.parametrize("seed", range(40))
def test_islands_match_the_pair_search(seed):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1, (int(rng.integers(20, 500)), 2)) * rng.uniform(0.3, 3, 2)
    gap = rng.uniform(0.01, 0.12)
    assert same_partition(islands(xy, gap), exact_islands(xy, gap))


def test_islands_of_a_dense_body_stay_cheap():
    """200k points in one dense blob: the pair search would hold ~10^9 pairs; cells keep it linear."""
    xy = np.random.default_rng(0).normal(0, 1, (200_000, 2))
    lab = islands(xy, 0.3)
    assert np.bincount(lab).max() > 199_000


@pytest.mark.parametrize("seed,n_islands", [(s, k) for s in range(6) for k in (3, 8, 25)])
def test_packed_islands_surround_a_body_that_does_not_move(seed, n_islands):
    xy, body = layout_with_islands(seed, n_islands)
    out = pack_islands(xy)
    np.testing.assert_array_equal(out[body], xy[body])  # the body stays where it was
    labels = exact_islands(xy, 0.04 * float((np.percentile(xy, 99, 0) - np.percentile(xy, 1, 0)).max()))
    boxes, moved = [], []
    for lab in np.unique(labels[~body]):
        idx = labels == lab
        shift = out[idx] - xy[idx]
        np.testing.assert_allclose(shift, np.broadcast_to(shift[0], shift.shape), atol=1e-9)  # rigid
        boxes.append((*out[idx].min(0), *out[idx].max(0)))
        moved.append(bool(shift.any()))
    boxes = np.array(boxes)
    assert sum(moved) >= n_islands * 0.8
    # no moved island's bounding box overlaps another island's
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            if not (moved[a] or moved[b]):
                continue
            apart = (boxes[a, 2] < boxes[b, 0] or boxes[b, 2] < boxes[a, 0] or
                     boxes[a, 3] < boxes[b, 1] or boxes[b, 3] < boxes[a, 1])
            assert apart, f"islands {a} and {b} overlap: {boxes[a]} {boxes[b]}"
    # no moved island comes near the body
    gap = cKDTree(out[body]).query(out[~body][(out != xy).any(axis=1)[~body]])[0]
    side = np.ptp(xy[body], 0).max()
    assert gap.min() > 0.02 * side
    w, h = np.ptp(out, 0)
    assert 0.75 <= w / h <= 1.33, f"aspect {w / h:.2f}"
    # compact: the square holds the boxes at a density of at least a third
    area = np.prod(np.ptp(xy[body], 0)) + np.prod(boxes[:, 2:] - boxes[:, :2], axis=1).sum()
    assert w * h < 3 * area, f"the boxes fill {area / (w * h):.2f} of the layout's box"


def test_a_wide_body_gets_its_islands_above_and_below():
    """Islands beside a 2:1 body would widen it; packed, they fill the short sides instead."""
    xy, body = layout_with_islands(1, 12, body_aspect=2.0, blob=0.02)
    out = pack_islands(xy)
    np.testing.assert_array_equal(out[body], xy[body])
    bw, bh = np.ptp(xy[body], 0)
    w, h = np.ptp(out, 0)
    assert w < 1.05 * bw and h > 1.3 * bh and w / h < 0.8 * bw / bh


def test_far_island_is_pulled_in_rigidly_on_its_own_side():
    rng = np.random.default_rng(0)
    main = rng.normal(0, 1, (400, 2))
    island = rng.normal(0, 0.2, (30, 2)) + [100, 0]
    packed = pack_islands(np.vstack([main, island]))
    np.testing.assert_array_equal(packed[:400], main)
    moved = packed[400:]
    np.testing.assert_allclose(moved - moved.mean(0), island - island.mean(0), atol=1e-9)
    assert 2 < moved.mean(0)[0] < 8 and abs(moved.mean(0)[1]) < 1  # same direction, now close by
    assert cKDTree(main).query(moved)[0].min() > 0.1  # still a separate island


def test_packing_is_deterministic_and_leaves_one_piece_alone():
    xy, _ = layout_with_islands(3, 12)
    assert pack_islands(xy).tobytes() == pack_islands(xy.copy()).tobytes()
    one, _ = layout_with_islands(0, 0)
    np.testing.assert_array_equal(pack_islands(one), one)
