"""The embed stage's solver evaluates exactly PyMDE's objective, and still solves it."""

from __future__ import annotations

import pytest
import torch

from sitegen.stages.mde import NeighborObjective, solve


def _problem(n=400, p=3000, seed=0):
    g = torch.Generator().manual_seed(seed)
    e = torch.randint(0, n, (p, 2), generator=g)
    e = e[e[:, 0] != e[:, 1]]
    u = torch.rand(len(e), generator=g)
    w = torch.where(u < 0.5, -1.0, torch.where(u < 0.75, 1.0, 2.0))
    return n, e, w


@pytest.mark.parametrize("threads", [1, 3])
def test_value_and_gradient_match_pymde(threads):
    import pymde
    from pymde import constraints, penalties

    n, e, w = _problem()
    f = penalties.PushAndPull(w, attractive_penalty=penalties.Log1p, repulsive_penalty=penalties.Log)
    mde = pymde.MDE(n_items=n, embedding_dim=4, edges=e, distortion_function=f, constraint=constraints.Centered())
    x = torch.randn(n, 4, generator=torch.Generator().manual_seed(1))
    xr = x.clone().requires_grad_(True)
    ref = mde.average_distortion(xr)
    ref.backward()
    obj = NeighborObjective(n, e, w, threads)
    for value, grad in (obj(x), obj.torch_value_and_grad(x)):  # the CPU kernel and the CUDA code path
        assert float(value) == pytest.approx(float(ref.detach()), rel=1e-5)
        assert torch.allclose(grad, xr.grad, rtol=1e-3, atol=1e-6 * float(xr.grad.abs().max()))


def test_solve_lowers_the_distortion_and_is_deterministic():
    n, e, w = _problem()
    obj = NeighborObjective(n, e, w, 1)
    x0 = torch.randn(n, 3, generator=torch.Generator().manual_seed(2))
    start = float(obj(x0 - x0.mean(0))[0])
    a = solve(obj, x0, max_iter=400, tol=1e-4)
    b = solve(obj, x0, max_iter=400, tol=1e-4)
    assert a.loss < 0.9 * start
    assert a.iterations < 400  # the convergence test stopped it
    assert torch.equal(a.x, b.x) and a.iterations == b.iterations
    assert torch.allclose(a.x.mean(0), torch.zeros(3), atol=1e-5)  # centred
