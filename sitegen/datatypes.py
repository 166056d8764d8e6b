"""The in-memory artifacts passed between stages: plain numpy arrays with their shapes and dtypes.

Kept apart from the stages so that kernels, drivers and tests share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class Collections:
    """Memberships grouped by collection, in CSR layout, over dense entity indices.

    indptr:  (n_collections + 1,) int64; collection c holds entity[indptr[c]:indptr[c+1]]
    entity:  (n_memberships,) int32 in [0, n_entities); no duplicates within a collection
    value:   (n_memberships,) float32, or None when the spec has no value column
    time:    (n_memberships,) float64, or None when the spec has no time column
    """

    indptr: np.ndarray
    entity: np.ndarray
    n_entities: int
    value: np.ndarray | None = None
    time: np.ndarray | None = None

    @property
    def n_collections(self) -> int:
        return len(self.indptr) - 1

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.indptr)

    def pair_count(self) -> int:
        """Ordered pair incidences, sum |c| (|c| - 1): the work of the co-occurrence stage."""
        s = self.sizes.astype(np.int64)
        return int((s * (s - 1)).sum())


@dataclass(frozen=True)
class Entities:
    """The kept entities, in dense-index order, with their metadata columns.

    ids:      (n,) str: the original entity id as text
    labels:   (n,) str: display label (the id when the metadata has no row for it)
    counts:   (n,) int64: number of collections the entity appears in (popularity)
    fields:   name -> column; category/text: object array of str; number: float64 (NaN = missing);
              tags: object array of tuple[str, ...]
    field_types: name -> "category" | "tags" | "number" | "text"
    """

    ids: np.ndarray
    labels: np.ndarray
    counts: np.ndarray
    fields: dict[str, np.ndarray] = field(default_factory=dict)
    field_types: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class DatasetResult:
    """Everything the site stage needs about one built dataset (the pipeline's output).

    layouts:  variant name -> (n, 2) float32 in [-1, 1], rows in the same entity order as `entities`
    cooc:     (n, n) scipy.sparse.csr_matrix float32, symmetric, no diagonal: the co-occurrence graph
              over the kept entities; None unless asked for (`build_dataset(need_matrix=True)`)
    neighbors: each entity's top co-occurring entities, strongest first (the viewer's and entity
              pages' "top co-occurring"): CSR (indptr (n + 1,) int64, indices int64, weights float32
              raw counts), as `datafiles.top_neighbors(cooc)`; None = take them from `cooc`
    stats:    counts and stage timings for the about page, JSON-able (str -> number/str)
    quality:  variant name -> {"recall@10": .., "label@10": .., "label_chance": .., "trust": ..}
              (`quality.layout_quality`; label figures with `[evaluate] label`, trust with the embedding)
    clusters: variant name -> `clusters.find_clusters` dict (labels, x, y, size, extent, members,
              terms, membership: int16 LE bytes per entity, -1 = noise); {} when not computed
    embedding: (n, d) float32 intermediate PyMDE embedding the layouts were projected from (same rows)
    key:      the pipeline's cache key over every artifact above ("" for a result made by hand)
    packed:   the pack stage's data files (`sitegen.stages.pack.Packed`); the site needs them
    """

    spec: object  # sitegen.spec.DatasetSpec (not imported here to keep this module numpy-only)
    entities: Entities
    cooc: object
    layouts: dict[str, np.ndarray]
    stats: dict = field(default_factory=dict)
    quality: dict = field(default_factory=dict)
    clusters: dict = field(default_factory=dict)
    neighbors: tuple | None = None
    embedding: np.ndarray | None = None
    key: str = ""
    packed: object = None

    def with_packed(self, packed) -> DatasetResult:
        return replace(self, packed=packed)
