"""Fail before the OOM killer does: compare a stage's memory estimate with what this machine has.

Available memory is the smallest of /proc/meminfo's MemAvailable (psutil's figure where installed),
the cgroup v2 limit left (containers: memory.max - memory.current) and `ATLASGEN_MEMORY_LIMIT`
(bytes, or with a K/M/G suffix: a cap you set, e.g. on a machine shared with other jobs).
"""

from __future__ import annotations

import os
from pathlib import Path

from sitegen.errors import DataError

# Headroom for what the estimate leaves out (Python objects, allocator slack, the page cache).
SAFETY = 0.9


def available_memory() -> int | None:
    """Bytes this process can still allocate, or None when nothing says."""
    figures = []
    try:
        import psutil

        figures.append(int(psutil.virtual_memory().available))
    except ImportError:
        meminfo = _read("/proc/meminfo")
        for line in (meminfo or "").splitlines():
            if line.startswith("MemAvailable:"):
                figures.append(int(line.split()[1]) * 1024)
    limit, current = _read("/sys/fs/cgroup/memory.max"), _read("/sys/fs/cgroup/memory.current")
    if limit and limit.strip().isdigit() and current and current.strip().isdigit():
        figures.append(int(limit) - int(current))
    cap = os.environ.get("ATLASGEN_MEMORY_LIMIT")
    if cap:
        figures.append(parse_size(cap))
    return min(figures) if figures else None


def parse_size(text: str) -> int:
    """'512M' / '24G' / '1000000' -> bytes."""
    t = text.strip().upper().removesuffix("B")
    scale = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}.get(t[-1:], 1)
    try:
        return int(float(t[:-1] if scale > 1 else t) * scale)
    except ValueError:
        raise DataError(f"ATLASGEN_MEMORY_LIMIT: not a size ({text!r}; e.g. 8G or 512M)") from None


def check_fits(where: str, need: int, advice: str) -> None:
    """Raise DataError naming `where`, the estimate and `advice` if `need` bytes will not fit."""
    have = available_memory()
    if have is not None and need > SAFETY * have:
        raise DataError(f"{where}: needs about {gib(need)} of memory, {gib(have)} available; {advice}")


def gib(b: int) -> str:
    return f"{b / 2**30:.1f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def graph_stage_bytes(spec, coll, width: int, nb_k: int) -> int:
    """Peak bytes of the fused co-occurrence -> kNN stage for `spec` (a DatasetSpec) on `coll`, plus
    what the kNN graph's edges and the embedding add per entity (~64 B per neighbour)."""
    from sitegen.stages.cooccur import estimate_memory

    est = estimate_memory(coll, spec.cooccurrence, k=width, nb_k=nb_k)
    return est["peak_bytes"] + int(coll.n_entities) * spec.graph.n_neighbors * 64


def check_graph_memory(spec, coll, width: int, nb_k: int) -> None:
    """Raise DataError before the co-occurrence -> kNN stage if it would not fit in memory."""
    check_fits(f"{spec.spec_path.name}: co-occurrence + kNN", graph_stage_bytes(spec, coll, width, nb_k),
               _advice(spec) + "; memory grows with memberships and entities")


def check_matrix_memory(spec, coll) -> None:
    """Raise DataError before the full co-occurrence matrix (evaluate's baselines) if it would not fit."""
    from sitegen.stages.cooccur import estimate_memory

    need = estimate_memory(coll, spec.cooccurrence)["matrix_peak_bytes"]
    check_fits(f"{spec.spec_path.name}: co-occurrence matrix (for evaluate's baselines)", need,
               _advice(spec) + "; the matrix grows with co-occurring pairs")


def _advice(spec) -> str:
    f = spec.filter
    return (f"lower filter.max_collection_size (now {f.max_collection_size}) or filter.max_entities "
            f"(now {f.max_entities if f.max_entities is not None else 'unset'}), or raise "
            f"filter.min_entity_count (now {f.min_entity_count})")
