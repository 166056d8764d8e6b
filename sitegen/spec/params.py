"""The sections each pipeline stage takes as its parameters: `[filter]` (load), `[cooccurrence]`,
`[graph]` (kNN graph and PyMDE) and `[evaluate]`. Layout methods have their own module (`variants`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sitegen.spec.base import StrictModel


class FilterSpec(StrictModel):
    min_entity_count: int = Field(default=5, ge=1)
    max_collection_size: int = Field(default=1000, ge=2, le=100_000)
    max_entities: int | None = Field(default=None, ge=2)  # keep only the most frequent N


class CooccurSpec(StrictModel):
    """`cooc[n, m] += w` for each pair in a collection.

    count:            w = 1 (value and time ignored)
    value_closeness:  w = exp(-|v_n - v_m| / scale)   (the osu! atlas weighted by closeness in pp)
    time_closeness:   w = exp(-|t_n - t_m| / scale)   (scale in the time column's units)
    """

    weight: Literal["count", "value_closeness", "time_closeness"] = "count"
    scale: float = Field(default=1.0, gt=0)
    chunk_pairs: int = Field(default=1 << 24, ge=1024)  # pair incidences per chunk (progress step); not in the result


class GraphSpec(StrictModel):
    """Similarity -> distance transform, kNN graph and the intermediate PyMDE embedding."""

    # cosine by measurement (benchmarks/QUALITY.md): inv_log keeps raw counts, so popular entities
    # are everyone's nearest neighbours.
    transform: Literal["inv_log", "jaccard", "cosine", "ppmi"] = "cosine"
    n_neighbors: int = Field(default=15, ge=2, le=200)
    embedding_dim: int = Field(default=4, ge=2, le=16)
    init: Literal["random", "quadratic"] = "random"
    max_iter: int = Field(default=2000, ge=1, le=100_000)
    # Stop when a 50-iteration round improves the average distortion by less than this fraction.
    # PyMDE's own test (gradient norm <= 1e-5) is rarely met, so it otherwise runs all max_iter.
    # 1e-3 with one uninterrupted L-BFGS run (sitegen.stages.mde) stops at 250 iterations on a 30k graph
    # with a lower distortion (0.2932) than 1e-4 reached when every round restarted L-BFGS (0.2937, also
    # 250); 1e-4 now runs 1,200 iterations for a further 0.7 %.
    tol: float = Field(default=1e-3, ge=0, le=1)
    device: Literal["cpu", "cuda"] = "cpu"
    threads: int = Field(default=1, ge=1, le=256)  # CPU solver parts (torch threads on CUDA); 1 is fastest on shared 2-core boxes


class EvaluateSpec(StrictModel):
    label: str | None = None  # a metadata field holding a ground-truth-ish label
    k: int = Field(default=10, ge=1, le=100)
