"""What can only be checked or said once the data is loaded: neighbourhood widths against the number
of entities, and how `validate` describes each variant."""

from __future__ import annotations

from sitegen.errors import SpecError
from sitegen.spec.dataset import DatasetSpec
from sitegen.spec.paths import display_path
from sitegen.spec.variants import Variant


def check_sizes(spec: DatasetSpec, n_entities: int) -> None:
    """Raise SpecError when a neighbourhood is as wide as the entities kept: no layout can be built.

    Run by `validate` and by the build right after loading, so that both fail the same way before
    any heavy stage. A t-SNE perplexity below the number of entities but above (n - 1) / 3 is
    lowered to that by the projection stage; `validate` says so (see `perplexity_note`)."""
    n = n_entities
    label = display_path(spec.spec_path)
    if spec.graph.n_neighbors >= n:
        raise SpecError(f"{label}: graph.n_neighbors: must be < the number of entities ({n}), "
                        f"got {spec.graph.n_neighbors}")
    for i, v in enumerate(spec.variants):
        if v.input != "embedding":
            continue  # with input = "graph" the kNN graph above is the neighbourhood
        key, value = ("n_neighbors", v.n_neighbors) if v.method == "umap" else ("perplexity", v.perplexity)
        if value >= n:
            raise SpecError(f"{label}: variants[{i}].{key}: must be < the number of entities ({n}), got "
                            f"{value} (variant {v.name!r})")


def perplexity_note(v: Variant, n_entities: int) -> str | None:
    """What the projection stage does with a t-SNE perplexity too large for `n_entities` (it lowers it)."""
    if v.method == "tsne" and v.input == "embedding" and v.perplexity > max(2.0, (n_entities - 1) / 3):
        return f"perplexity {v.perplexity:g} is lowered to {max(2.0, (n_entities - 1) / 3):.1f} (t-SNE needs 3 x perplexity < entities)"
    return None


def variant_path(spec: DatasetSpec, v: Variant) -> str:
    """The stages a variant runs, as `validate` prints them: "kNN graph -> PyMDE 4D -> UMAP"."""
    method = {"umap": "UMAP", "tsne": "t-SNE"}[v.method]
    if v.input == "embedding":
        return f"kNN graph -> PyMDE {spec.graph.embedding_dim}D -> {method}"
    return f"kNN graph -> {method}"
