"""`atlasgen validate`: check a spec and its data, and describe what a build would do."""

from __future__ import annotations

from pathlib import Path

from sitegen.spec import load_spec
from sitegen.stages.cooccur import estimate_memory
from sitegen.stages.load import load_dataset


def describe(path: Path) -> str:
    """Load and filter the data (stage 1 only) and summarise it in a few lines."""
    spec = load_spec(path)
    coll, ents, stats = load_dataset(spec)
    pairs = coll.pair_count()
    n = coll.n_entities
    mem = estimate_memory(coll, spec.cooccurrence)
    # the graph stage holds the association copy of the matrix plus O(n * k) for kNN and PyMDE
    est_bytes = mem["peak_bytes"] + mem["output_bytes"] + n * spec.graph.n_neighbors * 64
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
        f"  memory estimate     {est_bytes / 2**20:,.0f} MiB peak for co-occurrence and graph",
        f"  no metadata row     {stats.entities_without_metadata:,} entities (labelled by id)",
        f"  variants            {', '.join(f'{v.name} ({v.method})' for v in spec.variants)}",
    ]
    if spec.graph.n_neighbors >= n:
        lines.append(f"  warning: graph.n_neighbors = {spec.graph.n_neighbors} >= entities ({n}); the build will fail")
    return "\n".join(lines)
