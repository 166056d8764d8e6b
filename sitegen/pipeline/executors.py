"""Where the heavy stages run: in this process, or on a Dask cluster.

The fused co-occurrence -> kNN pass (`stages.fused`) is independent per row, so it splits exactly:
each Dask task takes the collections (scattered once to every worker), builds its own inverted
index and computes one slice of rows of about equal work; the driver concatenates the slices in row
order, which gives the same bits as one process. Projections (one per variant) are independent
tasks. PyMDE stays in the driver (one optimisation, and `--device cuda` is the way to scale it).
The full co-occurrence matrix (only `atlasgen evaluate` needs it) is a sum over collections: each
task computes the matrix of one slice of the collections and the partial matrices are added in a
tree on the cluster.

    atlasgen build --scheduler tcp://scheduler:8786     # an existing Dask cluster
    atlasgen build --scheduler local                     # a LocalCluster, e.g. to try it
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sitegen.datatypes import Collections
from sitegen.errors import AtlasgenError
from sitegen.spec import CooccurSpec


class LocalExecutor:
    """Run every stage in this process."""

    def fused_graph(self, coll: Collections, params: CooccurSpec, counts: np.ndarray, transform: str, k: int,
                    nb_k: int, progress=None):
        from sitegen.stages.fused import fused_graph

        return fused_graph(coll, params, counts, transform, k, nb_k, progress=progress)

    def cooccurrence(self, coll: Collections, params: CooccurSpec, progress=None) -> sp.csr_matrix:
        from sitegen.stages.cooccur import cooccurrence_matrix

        return cooccurrence_matrix(coll, params, progress=progress)

    def project_all(self, coords: np.ndarray, variants: list, seed: int, threads: int,
                    on_done=None) -> list[tuple[np.ndarray, float]]:
        """[(xy, seconds)] per variant; on_done(variant, seconds) as each one finishes."""
        out = []
        for v in variants:
            out.append(timed_project(coords, v, seed, threads))
            if on_done:
                on_done(v, out[-1][1])
        return out

    def close(self) -> None:
        pass


class DaskExecutor:
    """Run co-occurrence slices and projections as tasks on a Dask (distributed) cluster."""

    def __init__(self, address: str, parts: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - depends on the optional extra
            raise AtlasgenError("--scheduler needs Dask: pip install 'atlasgen[distributed]'") from None
        self._cluster = None
        if address == "local":
            self._cluster = LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                         dashboard_address=None)
            self.client = Client(self._cluster)
        else:
            try:
                self.client = Client(address, timeout="10s")
            except OSError as e:
                raise AtlasgenError(f"--scheduler {address}: cannot reach the Dask scheduler ({e})") from None
        self.parts = parts

    def fused_graph(self, coll: Collections, params: CooccurSpec, counts: np.ndarray, transform: str, k: int,
                    nb_k: int, progress=None):
        """`stages.fused.fused_graph`, one task per slice of rows (about `parts` slices of equal work)."""
        from distributed import as_completed

        from sitegen.stages.fused import assemble, concat, row_work

        work = row_work(coll)
        bounds = split_rows(work, self.parts or 2 * self._workers())
        remote = self.client.scatter([coll, counts], broadcast=True)
        futures, slice_work = [], {}
        for r0, r1 in zip(bounds[:-1], bounds[1:]):
            f = self.client.submit(_fused_slice, *remote, params, transform, np.arange(r0, r1, dtype=np.int64),
                                   k, nb_k, pure=False)
            futures.append(f)
            slice_work[f.key] = int(work[r0:r1].sum())
        total, done = int(work.sum()), 0
        for f in as_completed(futures):
            done += slice_work[f.key]
            if progress:
                progress(done, total)
        rows = concat(self.client.gather(futures))

        def recompute(sel: np.ndarray, allowed: np.ndarray):
            return self.client.submit(_fused_slice, *remote, params, transform, sel, k, nb_k, allowed,
                                      pure=False).result()

        return assemble(rows, recompute)

    def _workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def cooccurrence(self, coll: Collections, params: CooccurSpec, progress=None) -> sp.csr_matrix:
        slices = split_collections(coll, self.parts or 4 * self._workers())
        futures = self.client.map(_slice_cooccurrence, slices, [params] * len(slices), pure=False)
        while len(futures) > 1:  # pairwise tree sum on the cluster
            pairs = [futures[i:i + 2] for i in range(0, len(futures), 2)]
            futures = [self.client.submit(_add, *p, pure=False) if len(p) == 2 else p[0] for p in pairs]
        result = futures[0].result()
        if progress:
            progress(1, 1)
        return result

    def project_all(self, coords: np.ndarray, variants: list, seed: int, threads: int,
                    on_done=None) -> list[tuple[np.ndarray, float]]:
        from distributed import as_completed

        remote = self.client.scatter(coords, broadcast=False)
        futures = [self.client.submit(timed_project, remote, v, seed, threads, pure=False) for v in variants]
        if on_done:
            which = {f.key: v for f, v in zip(futures, variants)}
            for f in as_completed(futures):
                on_done(which[f.key], f.result()[1])
        return [f.result() for f in futures]

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def split_collections(coll: Collections, parts: int) -> list[Collections]:
    """Slices of whole collections with roughly equal pair work (sum |c|^2)."""
    sizes = coll.sizes.astype(np.int64)
    work = np.cumsum(sizes * sizes)
    total = int(work[-1]) if len(work) else 0
    cuts = np.searchsorted(work, np.linspace(0, total, parts + 1)[1:-1], side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [coll.n_collections]]))
    out = []
    for c0, c1 in zip(bounds[:-1], bounds[1:]):
        m0, m1 = coll.indptr[c0], coll.indptr[c1]
        out.append(Collections(
            indptr=coll.indptr[c0:c1 + 1] - m0, entity=coll.entity[m0:m1], n_entities=coll.n_entities,
            value=None if coll.value is None else coll.value[m0:m1],
            time=None if coll.time is None else coll.time[m0:m1]))
    return out


def split_rows(work: np.ndarray, parts: int) -> np.ndarray:
    """Row boundaries (<= parts + 1,) int64 of contiguous slices with about equal work."""
    cum = np.cumsum(work)
    total = int(cum[-1]) if len(cum) else 0
    cuts = np.searchsorted(cum, (np.arange(1, parts, dtype=np.int64) * total) // max(parts, 1), side="right")
    return np.unique(np.concatenate([[0], cuts, [len(work)]])).astype(np.int64)


def timed_project(coords: np.ndarray, variant, seed: int, threads: int) -> tuple[np.ndarray, float]:
    import time

    from sitegen.stages.project import project

    t = time.perf_counter()
    xy = project(coords, variant, seed, threads=threads)
    return xy, round(time.perf_counter() - t, 3)


def _fused_slice(coll: Collections, counts: np.ndarray, params: CooccurSpec, transform: str, rows: np.ndarray,
                 k: int, nb_k: int, allowed: np.ndarray | None = None):
    from sitegen.stages.fused import slice_rows

    return slice_rows(coll, params, counts, transform, rows, k, nb_k, allowed)


def _slice_cooccurrence(coll: Collections, params: CooccurSpec) -> sp.csr_matrix:
    from sitegen.stages.cooccur import cooccurrence_matrix

    return cooccurrence_matrix(coll, params)


def _add(a: sp.csr_matrix, b: sp.csr_matrix) -> sp.csr_matrix:
    out = (a + b).tocsr()
    out.sort_indices()
    return out


def make_executor(scheduler: str | None):
    return DaskExecutor(scheduler) if scheduler else LocalExecutor()
