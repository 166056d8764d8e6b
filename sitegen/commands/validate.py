"""`atlasgen validate`: check a spec and its data, and describe what a build would do.

It fails (SpecError/DataError, exit 1) wherever the build would: the same spec rules, the same load
stage, and the same size checks (`spec.check_sizes`) that the build runs before its heavy stages.
"""

from __future__ import annotations

from pathlib import Path

from sitegen.formats.datafiles import NEIGHBORS_K
from sitegen.pipeline.memory import available_memory, check_graph_memory, gib, graph_stage_bytes
from sitegen.spec import check_sizes, load_spec, perplexity_note, variant_path
from sitegen.stages.cooccur import estimate_memory
from sitegen.stages.load import load_dataset


def describe(path: Path, allow: list[Path] | tuple[Path, ...] = ()) -> str:
    """Load and filter the data (stage 1 only) and summarise it in a few lines.

    `allow`: folders besides the current one and the spec's own that its data may be read from.
    Raises DataError when the co-occurrence -> kNN stage would not fit in this machine's memory.
    """
    spec = load_spec(path, allow)
    coll, ents, stats = load_dataset(spec)
    n = coll.n_entities
    check_sizes(spec, n)
    pairs = coll.pair_count()
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
    ]
    for v in spec.variants:
        note = perplexity_note(v, n)
        lines.append(f"  variant {v.name:<11} {variant_path(spec, v)}{'; ' + note if note else ''}")
    if stats.duplicate_ids_skipped:
        lines.append(f"  warning: {stats.duplicate_ids_skipped:,} metadata rows repeat an earlier id and were skipped"
                     ' ([entities] duplicates = "first")')
    check_graph_memory(spec, coll, width, NEIGHBORS_K)
    return "\n".join(lines)
