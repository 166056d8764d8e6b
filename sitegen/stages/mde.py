"""A lean solver for the PyMDE problem the embed stage builds (`preserve_neighbors` from a kNN graph).

The objective is PyMDE's: the average over all edges of `PushAndPull(Log1p, Log)` distortions,

    attractive (w > 0): w * log(1 + d^1.5)          repulsive (w < 0): w * log(1 - exp(-d))

with the `Centered` constraint, minimised by L-BFGS with a strong-Wolfe line search (memory 10).
What differs from PyMDE is how one evaluation is computed and which L-BFGS runs it, measured in
benchmarks/RESULTS.md ("PyMDE", "Documented path on MovieLens"):
PyMDE evaluates `PushAndPull` through boolean masks (a `nonzero` plus a gather and an `index_put` per
mask, each a host sync on a GPU), back-propagates through it with autograd, checks for NaNs with
three more syncs and scatters the gradient with an (p, m) int64 index: at 30k entities on one CPU
thread, indexing, masks and scatters were 70 % of its time. Here the edges are sorted once (attractive
first, then by endpoint), the derivative is written out, and one pass computes value and gradient.

- CPU: a numba kernel, driven by SciPy's L-BFGS-B (no bounds: plain L-BFGS, Moré-Thuente line search).
  Neither needs torch, whose import (with pymde's, which pulls torchvision and torch._dynamo in) took
  longer than the whole solve on MovieLens. It reaches the same distortion in the same iterations as
  PyMDE's L-BFGS on the same problem (0.31570 after 150 on MovieLens).
- CUDA: torch slices and two `index_add_`s, driven by PyMDE's own L-BFGS (torch's, on the device).

Both run as one L-BFGS run with a convergence test on the losses it records anyway, instead of
restarting L-BFGS (and losing its curvature memory) every round. The gradient of every edge term is
equal and opposite at its two ends, so each column of the gradient sums to zero and iterates that
start centred stay centred: `Centered` needs no projection beyond re-centring against rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROUND = 50  # iterations between convergence tests and progress reports


@dataclass(frozen=True)
class SolveResult:
    """x: (n, m) float32 embedding (centred); iterations run; loss: final average distortion;
    evaluations of the objective; rounds: the distortion after every ROUND iterations."""

    x: np.ndarray
    iterations: int
    loss: float
    evaluations: int
    rounds: list[float]


class NeighborObjective:
    """Average PushAndPull(Log1p(1.5), Log(1)) distortion over `edges` and its gradient.

    edges: (p, 2) int64; weights: (p,) float (> 0 attractive, < 0 repulsive).
    Called on a numpy (n, m) float32 array, a numba kernel evaluates it in `threads` parts (the result
    depends on that number only); `torch_value_and_grad` is the same function in torch, for CUDA.
    """

    def __init__(self, n_items: int, edges: np.ndarray, weights: np.ndarray, threads: int = 1):
        edges = np.asarray(edges, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float32)
        # attractive first, each part by (lhs, rhs): the gathers and the lhs scatter walk x in order
        order = np.lexsort((edges[:, 1], edges[:, 0], weights < 0))
        self.n_items = n_items
        self.lhs = np.ascontiguousarray(edges[order, 0])
        self.rhs = np.ascontiguousarray(edges[order, 1])
        self.w = np.ascontiguousarray(weights[order])
        self.n_attractive = int((weights > 0).sum())
        self.n_edges = int(edges.shape[0])
        self._bounds = np.linspace(0, self.n_edges, max(1, threads) + 1).astype(np.int64)
        self._device: dict = {}  # device -> (lhs, rhs, w) as torch tensors, made on first use

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """(average distortion, gradient (n, m) float32) at x (n, m) float32."""
        from sitegen.stages.mde_kernels import edge_range, neighbor_distortion

        x = np.ascontiguousarray(x, dtype=np.float32)
        if len(self._bounds) == 2:
            grad = np.zeros(x.shape, np.float32)
            total = edge_range(x, self.lhs, self.rhs, self.w, self.n_attractive, 0, self.n_edges, grad)
        else:
            total, grad = neighbor_distortion(x, self.lhs, self.rhs, self.w, self.n_attractive, self._bounds)
        grad *= np.float32(1.0 / self.n_edges)
        return float(total) / self.n_edges, grad

    def torch_value_and_grad(self, x):
        """The same function in torch (x: (n, m) tensor on any device): no masks, no autograd, no host
        syncs. Returns (0-d tensor, (n, m) tensor)."""
        import torch

        if x.device not in self._device:
            self._device[x.device] = tuple(torch.as_tensor(a, device=x.device) for a in (self.lhs, self.rhs, self.w))
        lhs, rhs, w = self._device[x.device]
        diff = x.index_select(0, lhs).sub_(x.index_select(0, rhs))
        d = torch.linalg.vector_norm(diff, dim=1)
        na = self.n_attractive
        d_att, d_rep = d[:na], d[na:]
        w_att, w_rep = w[:na], w[na:]
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
        grad.index_add_(0, lhs, diff)
        grad.index_add_(0, rhs, diff.neg_())
        return total / self.n_edges, grad


class _Rounds:
    """The convergence test and progress reports both solvers share: every ROUND iterations, stop
    once the round improved the distortion by less than `tol` (relative)."""

    def __init__(self, max_iter: int, tol: float, progress):
        self.max_iter, self.tol, self.progress = max_iter, tol, progress
        self.losses: list[float] = []
        self.rounds: list[float] = []

    def record(self, loss: float) -> bool:
        """Note one iteration's loss; True when the run should stop here."""
        self.losses.append(loss)
        done = len(self.losses)
        if done % ROUND and done != self.max_iter:
            return done >= self.max_iter
        self.rounds.append(loss)
        if self.progress:
            self.progress(done, self.max_iter)
        if done >= self.max_iter:
            return True
        if done >= 2 * ROUND and self.tol > 0:
            prev = self.losses[-ROUND - 1]
            return (prev - loss) <= self.tol * abs(prev)
        return False


def solve(objective: NeighborObjective, x0: np.ndarray, max_iter: int, tol: float, progress=None,
          memory_size: int = 10) -> SolveResult:
    """Minimise `objective` from x0 (n, m) (centred first) with SciPy's L-BFGS-B on the CPU.

    Stops at `max_iter`, or when ROUND iterations improve the distortion by less than `tol`
    (relative), or when the line search finds no decrease. `progress(done, total)`.
    """
    from scipy.optimize import minimize
    from threadpoolctl import threadpool_limits

    shape = x0.shape
    x = np.asarray(x0, dtype=np.float64)
    x = x - x.mean(axis=0)
    rounds = _Rounds(max_iter, tol, progress)
    evaluations = 0

    def value_and_grad(z):
        nonlocal evaluations
        evaluations += 1
        value, grad = objective(z.reshape(shape).astype(np.float32))
        return value, grad.ravel().astype(np.float64)

    stop = False

    def callback(intermediate_result):
        nonlocal stop
        stop = rounds.record(float(intermediate_result.fun))
        if stop:
            raise StopIteration

    # L-BFGS-B's vector operations are BLAS calls on (n m) vectors: threads only wait on each other
    # there (2.4x the CPU time on a loaded 2-core machine), so BLAS runs on one thread.
    with threadpool_limits(limits=1, user_api="blas"):
        while not stop:
            start = len(rounds.losses)
            left = max_iter - start
            res = minimize(value_and_grad, x.ravel(), jac=True, method="L-BFGS-B", callback=callback,
                           options={"maxiter": left, "maxcor": memory_size, "ftol": 0.0, "gtol": 0.0,
                                    "maxfun": 20 * left + 100})
            x = res.x
            # The line search found no decrease (float32 rounding near a minimum): start the
            # curvature memory afresh, as PyMDE's L-BFGS does, unless that gained nothing either.
            if len(rounds.losses) == start:
                break
    out = res.x.reshape(shape)
    out = (out - out.mean(axis=0)).astype(np.float32)
    final, _ = objective(out)
    return SolveResult(x=out, iterations=len(rounds.losses), loss=final, evaluations=evaluations,
                       rounds=rounds.rounds)


def solve_torch(objective: NeighborObjective, x0, max_iter: int, tol: float, progress=None,
                memory_size: int = 10) -> SolveResult:
    """`solve` with PyMDE's L-BFGS on x0's device (a torch tensor; for CUDA). Same stopping rules."""
    import torch
    from pymde.lbfgs import LBFGS

    x = x0.detach().clone()
    x.sub_(x.mean(dim=0))
    rounds = _Rounds(max_iter, tol, progress)
    evaluations = 0

    def closure():
        nonlocal evaluations
        evaluations += 1
        loss, grad = objective.torch_value_and_grad(x)
        x.grad = grad  # Centered: the tangent-space projection is the identity
        return loss

    def centre(z):
        z.sub_(z.mean(dim=0))

    stop = False

    def record(loss, grad):
        nonlocal stop
        stop = rounds.record(float(loss))

    inf = torch.tensor(float("inf"), dtype=x.dtype, device=x.device)
    opt = LBFGS(params=[x], max_iter=1, history_size=memory_size, line_search_fn="strong_wolfe",
                callback=record, tolerance_grad=-inf, tolerance_change=-inf, project_callback=centre,
                use_cached_loss=True)
    with torch.no_grad():
        while not stop:
            opt.step(closure)
            centre(x)
            if opt.state[x].get("t", 1.0) == 0:  # a failed line search: start the curvature memory afresh
                opt.reset()
    final, _ = objective.torch_value_and_grad(x)
    return SolveResult(x=x.cpu().numpy().astype(np.float32), iterations=len(rounds.losses), loss=float(final),
                       evaluations=evaluations, rounds=rounds.rounds)
