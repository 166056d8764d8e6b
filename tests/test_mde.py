"""The embed stage's solver evaluates exactly PyMDE's objective, and still solves it."""

from __future__ import annotations

import numpy as np
import pytest

from sitegen.stages.mde import NeighborObjective, solve, solve_torch


def _problem(n=400, p=3000, seed=0):
    rng = np.random.default_rng(seed)
    e = rng.integers(0, n, (p, 2))
    e = e[e[:, 0] != e[:, 1]]
    u = rng.random(len(e))
    w = np.where(u < 0.5, -1.0, np.where(u < 0.75, 1.0, 2.0)).astype(np.float32)
    return n, e, w


@pytest.mark.parametrize("threads", [1, 3])
def test_value_and_gradient_match_pymde(threads):
    import pymde
    import torch
    from pymde import constraints, penalties

    n, e, w = _problem()
    f = penalties.PushAndPull(torch.as_tensor(w), attractive_penalty=penalties.Log1p, repulsive_penalty=penalties.Log)
    mde = pymde.MDE(n_items=n, embedding_dim=4, edges=torch.as_tensor(e), distortion_function=f,
                    constraint=constraints.Centered())
    x = torch.randn(n, 4, generator=torch.Generator().manual_seed(1))
    xr = x.clone().requires_grad_(True)
    ref = mde.average_distortion(xr)
    ref.backward()
    obj = NeighborObjective(n, e, w, threads)
    value, grad = obj(x.numpy())  # the CPU kernel
    tvalue, tgrad = obj.torch_value_and_grad(x)  # the CUDA code path, here on the CPU
    for v, g in ((value, torch.from_numpy(grad)), (float(tvalue), tgrad)):
        assert v == pytest.approx(float(ref.detach()), rel=1e-5)
        assert torch.allclose(g, xr.grad, rtol=1e-3, atol=1e-6 * float(xr.grad.abs().max()))


def test_solve_lowers_the_distortion_and_is_deterministic():
    n, e, w = _problem()
    obj = NeighborObjective(n, e, w, 1)
    x0 = np.random.default_rng(2).standard_normal((n, 3)).astype(np.float32)
    start = obj(x0 - x0.mean(0))[0]
    a = solve(obj, x0, max_iter=400, tol=1e-4)
    b = solve(obj, x0, max_iter=400, tol=1e-4)
    assert a.loss < 0.9 * start
    assert a.iterations < 400  # the convergence test stopped it
    assert a.iterations % 50 == 0 and len(a.rounds) == a.iterations // 50
    assert np.array_equal(a.x, b.x) and a.iterations == b.iterations
    assert a.x.dtype == np.float32 and np.allclose(a.x.mean(0), 0, atol=1e-5)  # centred


def test_both_solvers_reach_the_same_distortion():
    """SciPy's L-BFGS-B (CPU) and PyMDE's L-BFGS (torch, the CUDA path) minimise the same function."""
    import torch

    n, e, w = _problem()
    obj = NeighborObjective(n, e, w, 1)
    x0 = np.random.default_rng(3).standard_normal((n, 3)).astype(np.float32)
    cpu = solve(obj, x0, max_iter=300, tol=0)
    dev = solve_torch(obj, torch.from_numpy(x0), max_iter=300, tol=0)
    # L-BFGS-B may stop a little early, where float32 rounding leaves its line search no decrease
    assert 250 <= cpu.iterations <= 300 and dev.iterations == 300
    start = obj(x0 - x0.mean(0))[0]
    assert cpu.loss < 0.9 * start and cpu.loss == pytest.approx(dev.loss, rel=0.005)
    assert isinstance(dev.x, np.ndarray) and np.allclose(dev.x.mean(0), 0, atol=1e-5)
