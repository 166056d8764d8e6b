"""Numba kernel for the embed stage's objective on CPU: arithmetic on plain arrays, nothing else.

`sitegen/stages/mde.py` builds the edge arrays and drives L-BFGS; on CUDA it evaluates the same
function with torch. Vocabulary (n items in m dimensions, p edges, T parts):
    x:      (n, m) float32      the embedding
    lhs, rhs: (p,) int64        edge endpoints; edges [0, n_att) are attractive, the rest repulsive
    w:      (p,) float32        weights, > 0 attractive, < 0 repulsive
    bounds: (T + 1,) int64      part t is edges bounds[t]:bounds[t + 1]; parts run in parallel, each
                                with its own gradient buffer, summed in a fixed order (so the result
                                depends on T, never on scheduling)
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, error_model="numpy")  # d = 0 gives inf, replaced below, not an exception
def edge_range(x, lhs, rhs, w, n_att, lo, hi, grad):
    """Sum over edges lo:hi of w log(1 + d^1.5) (attractive) / w log(1 - e^-d) (repulsive),
    d = |x_i - x_j|; adds the gradient of that sum with respect to x into grad (n, m) float32.

    Where d = 0 the factor on x_i - x_j is taken as 1, as PyMDE does (the difference is 0 anyway).
    """
    m = x.shape[1]
    acc = 0.0
    diff = np.empty(m, np.float32)
    for e in range(lo, hi):
        i = lhs[e]
        j = rhs[e]
        sq = np.float32(0.0)
        for c in range(m):
            diff[c] = x[i, c] - x[j, c]
            sq += diff[c] * diff[c]
        d = np.sqrt(sq)
        # log and exp rather than log1p / expm1: glibc's float versions take a quarter of the time,
        # and the float32 rounding they add (relative 1e-7 / d) is below the solver's tolerance
        if e < n_att:
            root = np.sqrt(d)
            d15 = d * root
            acc += w[e] * np.log(np.float32(1.0) + d15)
            coef = w[e] * np.float32(1.5) / ((np.float32(1.0) + d15) * root)
        else:
            near = np.exp(-d)  # 1 - e^-d = -expm1(-d); e^d - 1 = (1 - e^-d) / e^-d
            far = np.float32(1.0) - near
            acc += w[e] * np.log(far)
            coef = w[e] * near / (far * d)
        if not np.isfinite(coef):
            coef = np.float32(1.0)
        for c in range(m):
            v = coef * diff[c]
            grad[i, c] += v
            grad[j, c] -= v
    return acc


@njit(parallel=True, cache=True, error_model="numpy")
def neighbor_distortion(x, lhs, rhs, w, n_att, bounds):
    """`edge_range` over all edges in parallel parts. Returns (float64 sum, (n, m) float32 gradient).

    For one part call `edge_range` directly: an OpenMP region costs more than the work on a busy
    2-core machine (15x on an 800-entity graph).
    """
    n, m = x.shape
    parts = bounds.shape[0] - 1
    grads = np.zeros((parts, n, m), np.float32)
    sums = np.zeros(parts, np.float64)
    for t in prange(parts):
        sums[t] = edge_range(x, lhs, rhs, w, n_att, bounds[t], bounds[t + 1], grads[t])
    out = grads[0]
    for t in range(1, parts):
        out += grads[t]
    return sums.sum(), out
