"""A lean solver for the PyMDE problem the embed stage builds (`preserve_neighbors` from a kNN graph).

The objective is PyMDE's: the average over all edges of `PushAndPull(Log1p, Log)` distortions,

    attractive (w > 0): w * log(1 + d^1.5)          repulsive (w < 0): w * log(1 - exp(-d))

with the `Centered` constraint, minimised by PyMDE's own L-BFGS with a strong-Wolfe line search.
What differs is how one evaluation is computed, measured in benchmarks/RESULTS.md ("PyMDE"):
PyMDE evaluates `PushAndPull` through boolean masks (a `nonzero` plus a gather and an `index_put` per
mask, each a host sync on a GPU), back-propagates through it with autograd, checks for NaNs with
three more syncs and scatters the gradient with an (p, m) int64 index: at 30k entities on one CPU
thread, indexing, masks and scatters were 70 % of its time. Here the edges are sorted once (attractive
first, then by endpoint), the derivative is written out, and one pass computes value and gradient:
a numba kernel on CPU (torch's `index_add_` alone took longer than the whole kernel), torch slices and
two `index_add_`s on CUDA. And the solver runs as one L-BFGS run with a
convergence test on the losses it records anyway, instead of restarting L-BFGS (and losing its
curvature memory) every round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

ROUND = 50  # iterations between convergence tests and progress reports


@dataclass(frozen=True)
class SolveResult:
    """x: (n, m) embedding; iterations run; loss: final average distortion; evaluations of the objective;
    rounds: the distortion after every ROUND iterations."""

    x: torch.Tensor
    iterations: int
    loss: float
    evaluations: int
    rounds: list[float]


class NeighborObjective:
    """Average PushAndPull(Log1p(1.5), Log(1)) distortion over `edges` and its gradient.

    edges: (p, 2) int64 on the device; weights: (p,) float (> 0 attractive, < 0 repulsive).
    On CPU a numba kernel evaluates it in `threads` parts (the result depends on that number only);
    on CUDA, torch (`torch_value_and_grad`).
    """

    def __init__(self, n_items: int, edges: torch.Tensor, weights: torch.Tensor, threads: int = 1):
        # attractive first, each part by (lhs, rhs): the gathers and the lhs scatter walk x in order
        key = ((weights < 0).to(torch.int64) * n_items + edges[:, 0]) * n_items + edges[:, 1]
        order = torch.argsort(key)
        self.n_items = n_items
        self.lhs = edges[order, 0].contiguous()
        self.rhs = edges[order, 1].contiguous()
        self.w = weights[order].to(torch.float32).contiguous()
        self.n_attractive = int((weights > 0).sum())
        self.n_edges = int(edges.shape[0])
        self.on_cpu = self.lhs.device.type == "cpu"
        if self.on_cpu:
            self._np = (self.lhs.numpy(), self.rhs.numpy(), self.w.numpy())
            self._bounds = np.linspace(0, self.n_edges, max(1, threads) + 1).astype(np.int64)

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(average distortion (0-d tensor), gradient (n, m)) at x (n, m) float32."""
        if not self.on_cpu:
            return self.torch_value_and_grad(x)
        from sitegen.stages.mde_kernels import edge_range, neighbor_distortion

        lhs, rhs, w = self._np
        xs = x.detach().numpy()
        if len(self._bounds) == 2:
            grad = np.zeros(xs.shape, np.float32)
            total = edge_range(xs, lhs, rhs, w, self.n_attractive, 0, self.n_edges, grad)
        else:
            total, grad = neighbor_distortion(xs, lhs, rhs, w, self.n_attractive, self._bounds)
        grad *= np.float32(1.0 / self.n_edges)
        return torch.tensor(total / self.n_edges, dtype=x.dtype), torch.from_numpy(grad)

    def torch_value_and_grad(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The same function in torch, for CUDA: no masks, no autograd, no host syncs."""
        diff = x.index_select(0, self.lhs).sub_(x.index_select(0, self.rhs))
        d = torch.linalg.vector_norm(diff, dim=1)
        na = self.n_attractive
        d_att, d_rep = d[:na], d[na:]
        w_att, w_rep = self.w[:na], self.w[na:]
        root = d_att.sqrt()
        d15 = d_att * root
        total = (w_att * torch.log1p(d15)).sum() + (w_rep * torch.log(-torch.expm1(-d_rep))).sum()
        # d f / d distance, divided by the distance (the factor on x_i - x_j):
        # attractive 1.5 w d^0.5 / (1 + d^1.5) / d; repulsive w e^-d / (1 - e^-d) / d = w / (expm1(d) d)
        coef = torch.empty_like(d)
        torch.div(w_att * 1.5, (1.0 + d15) * root, out=coef[:na])
        torch.div(w_rep, torch.expm1(d_rep) * d_rep, out=coef[na:])
        # coincident points: PyMDE replaces the resulting NaN/inf factors by 1 as well
        torch.nan_to_num_(coef, nan=1.0, posinf=1.0, neginf=1.0)
        coef.mul_(1.0 / self.n_edges)
        diff.mul_(coef[:, None])
        grad = torch.zeros_like(x)
        grad.index_add_(0, self.lhs, diff)
        grad.index_add_(0, self.rhs, diff.neg_())
        return total / self.n_edges, grad


def solve(objective: NeighborObjective, x0: torch.Tensor, max_iter: int, tol: float, progress=None,
          memory_size: int = 10) -> SolveResult:
    """Minimise `objective` from x0 (centred) with PyMDE's L-BFGS (strong-Wolfe line search).

    Stops at `max_iter`, or when ROUND iterations improve the distortion by less than `tol` (relative);
    PyMDE's own test (gradient norm <= eps) is kept at its tiny default. `progress(done, total)`.
    """
    from pymde.lbfgs import LBFGS

    x = x0.detach().clone()
    x.sub_(x.mean(dim=0))
    losses: list[float] = []
    rounds: list[float] = []
    evaluations = 0

    def closure():
        nonlocal evaluations
        evaluations += 1
        loss, grad = objective(x)
        x.grad = grad  # Centered: the tangent-space projection is the identity
        return loss

    def record(loss, grad):
        losses.append(float(loss))

    def centre(z):
        z.sub_(z.mean(dim=0))

    inf = torch.tensor(float("inf"), dtype=x.dtype, device=x.device)
    opt = LBFGS(params=[x], max_iter=1, history_size=memory_size, line_search_fn="strong_wolfe",
                callback=record, tolerance_grad=-inf, tolerance_change=-inf, project_callback=centre,
                use_cached_loss=True)
    done = 0
    with torch.no_grad():
        while done < max_iter:
            opt.step(closure)
            centre(x)
            done += 1
            state = opt.state[x]
            if state.get("t", 1.0) == 0:  # a failed line search: start the curvature memory afresh
                opt.reset()
            if done % ROUND == 0 or done == max_iter:
                rounds.append(losses[-1])
                if progress:
                    progress(done, max_iter)
                if done >= 2 * ROUND and tol > 0:
                    prev, cur = losses[-ROUND - 1], losses[-1]
                    if (prev - cur) <= tol * abs(prev):
                        break
    final, _ = objective(x)
    return SolveResult(x=x, iterations=done, loss=float(final), evaluations=evaluations, rounds=rounds)
