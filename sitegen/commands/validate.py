"""`atlasgen validate`: check a spec and its data, and describe what a build would do."""

from __future__ import annotations

from pathlib import Path

from sitegen.formats.datafiles import NEIGHBORS_K
from sitegen.pipeline.memory import available_memory, check_graph_memory, gib, graph_stage_bytes
from sitegen.spec import load_spec
from sitegen.stages.cooccur import estimate_memory
from sitegen.stages.load import load_dataset


def describe(path: Path) -> str:
    """Load and filter the data (stage 1 only) and summarise it in a few lines.

    Raises DataError when the co-occurrence -> kNN stage would not fit in this machine's memory.
    """
    spec = load_spec(path)
    coll, ents, stats = load_dataset(spec)
    pairs = coll.pair_count()
    n = coll.n_entities
    width = max(spec.graph.n_neighbors, spec.evaluate.k)
    mem = estimate_memory(coll, spec.cooccurrence, k=width, nb_k=NEIGHBORS_K)
    est_bytes = graph_stage_bytes(spec, coll, width, NEIGHBORS_K)  # fused: the matrix is never held
    have = available_memory()
    lines = [
        f"{path}: ok ({spec.name}: {spec.title})",
        f"  rows read           {stats.rows:,}",
        f"  collections         {stats.collections_kept:,} kept of {stats.collections_read:,}"
        f" ({stats.subsampled_collections:,} subsampled to {spec.filter.max_collection_size})",
        f"  entities            {stats.entities_kept:,} kept, {stats.entities_read - stats.entities_kept:,} dropped"
        f" (min_entity_count = {spec.filter.min_entity_count})",
        f"  memberships         {stats.memberships_kept:,}",
        f"  pair incidences     {pairs:,} (ordered; the co-occurrence work)",
        f"  matrix entries      <= {mem['max_nnz']:,} (co-occurring pairs, both directions)",
        f"  memory estimate     {gib(est_bytes)} peak for co-occurrence and kNN graph"
        f" ({gib(have) + ' available' if have is not None else 'available memory unknown'})",
        f"  no metadata row     {stats.entities_without_metadata:,} entities (labelled by id)",
        f"  variants            {', '.join(f'{v.name} ({v.method})' for v in spec.variants)}",
    ]
    if spec.graph.n_neighbors >= n:
        lines.append(f"  warning: graph.n_neighbors = {spec.graph.n_neighbors} >= entities ({n}); the build will fail")
    check_graph_memory(spec, coll, width, NEIGHBORS_K)
    return "\n".join(lines)
