"""Stage 4: real UMAP and openTSNE on small blobs; normalised, seeded, structure-preserving."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.manifold import trustworthiness

from sitegen.spec import TsneVariant, UmapVariant
from sitegen.stages.project import normalise, project


def blobs(n=300, d=4, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 8, (5, d))
    lab = np.arange(n) % 5
    return (centres[lab] + rng.normal(0, 1, (n, d))).astype(np.float32)


@pytest.mark.parametrize("variant", [
    UmapVariant(name="u", method="umap", input="embedding", n_neighbors=30, min_dist=0.1),
    TsneVariant(name="t", method="tsne", input="embedding", perplexity=20, n_iter=250),
])
def test_projection_is_normalised_seeded_and_trustworthy(variant):
    x = blobs()
    a = project(x, variant, seed=5)
    b = project(x, variant, seed=5)
    assert a.shape == (300, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert a.min() >= -1 and a.max() <= 1 and np.isclose(np.abs(a).max(), 1)
    assert trustworthiness(x, a, n_neighbors=10) > 0.88


def test_normalise_keeps_aspect_ratio():
    xy = normalise(np.array([[0, 0], [4, 1], [2, 0.5]]))
    np.testing.assert_allclose(xy, [[-1, -0.25], [1, 0.25], [0, 0]])


def test_umap_on_the_embedding_starts_from_its_principal_components():
    # the spectral start ran ARPACK over every component of the embedding's kNN graph (stalled at 88k)
    from sitegen.stages.project import _embedding_init

    rng = np.random.default_rng(0)
    coords = (rng.normal(size=(500, 4)) * [5.0, 2.0, 0.5, 0.1]).astype(np.float32)
    xy = _embedding_init(coords)
    assert xy.shape == (500, 2) and xy.dtype == np.float32
    assert np.isclose(np.abs(xy).max(), 10.0)
    # the first axis carries the embedding's widest direction (its first coordinate here)
    assert abs(np.corrcoef(xy[:, 0], coords[:, 0])[0, 1]) > 0.99
    assert abs(np.corrcoef(xy[:, 1], coords[:, 1])[0, 1]) > 0.99
    assert np.array_equal(xy, _embedding_init(coords))  # deterministic
