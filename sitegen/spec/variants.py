"""`[[variants]]`: one layout method each (UMAP or t-SNE), told apart by `method`, with defaults that
depend on the variant's input (the kNN graph or the PyMDE embedding)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field, model_validator

from sitegen.spec.base import StrictModel


class _Variant(StrictModel):
    """The rules both layout methods share: with `input = "graph"` the kNN graph (of width
    graph.n_neighbors) replaces the method's own neighbourhood key, so setting that key is an error
    rather than a silent no-op; and with `input = "embedding"` the keys in `_embedding_defaults`
    default to other values than on the graph (the field defaults), measured per input."""

    _embedding_only: ClassVar[str]
    _embedding_defaults: ClassVar[dict[str, int]]

    @model_validator(mode="before")
    @classmethod
    def _defaults_by_input(cls, data):
        if isinstance(data, dict) and data.get("input") == "embedding":
            data = {**cls._embedding_defaults, **data}
        return data

    @model_validator(mode="after")
    def _no_silent_keys(self) -> _Variant:
        key = self._embedding_only
        # compared with the default, not model_fields_set: specs are re-validated from full dumps
        if self.input == "graph" and getattr(self, key) != type(self).model_fields[key].default:
            raise ValueError(f"{key}: has no effect with input = 'graph' (the kNN graph's width is "
                             "graph.n_neighbors); remove it, or set input = 'embedding'")
        return self


class UmapVariant(_Variant):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    method: Literal["umap"]
    label: str | None = Field(default=None, max_length=60)  # shown in the layout switch
    # "graph": straight from the association kNN graph (graph.n_neighbors; n_neighbors is then
    # unused); "embedding": from the intermediate PyMDE embedding (the documented process). The graph
    # won on 3 of 4 labelled datasets (benchmarks/QUALITY.md), so it is the default.
    input: Literal["embedding", "graph"] = "graph"
    # The documented process used 200; on MovieLens's 4D embedding 30 gave higher label agreement
    # (0.6487 vs 0.6377, 4 seeds) in 60 % of the time (benchmarks/RESULTS.md, "Documented path").
    n_neighbors: int = Field(default=30, ge=2, le=1000)
    min_dist: float = Field(default=0.05, ge=0.0, le=1.0)
    # UMAP's own default is 500 epochs below 10k points: measured on MovieLens, 200 gave the same
    # label agreement (0.579 vs 0.584) in a tenth of the time. On the embedding 100 matched 200
    # (0.6476 vs 0.6487, 4 seeds) in 57 % of the time; on the kNN graph 100 lost 0.017, so the graph
    # keeps 200 (benchmarks/RESULTS.md, "Documented path on MovieLens").
    n_epochs: int = Field(default=200, ge=10, le=10_000)
    pack_islands: bool = True  # pack disconnected islands around the main body (a near-square map)

    _embedding_only: ClassVar[str] = "n_neighbors"
    _embedding_defaults: ClassVar[dict[str, int]] = {"n_epochs": 100}


class TsneVariant(_Variant):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    method: Literal["tsne"]
    label: str | None = Field(default=None, max_length=60)
    # "graph": affinities from the association kNN graph (best on all 4 labelled datasets,
    # benchmarks/QUALITY.md); "embedding": perplexity on the PyMDE embedding (the documented process).
    input: Literal["embedding", "graph"] = "graph"
    perplexity: float = Field(default=30.0, gt=1.0, le=500.0)
    # free iterations after n_iter // 4 exaggerated ones (`project.tsne_optimise`). Measured on
    # MovieLens (benchmarks/RESULTS.md, "Documented path on MovieLens"): on the kNN graph 300 scored
    # 0.7317 against 500's 0.7337 (7 seeds, within one standard error) in 55 % of the time; on the
    # embedding 200 matched 500 (0.6643 vs 0.6645, 4 seeds).
    n_iter: int = Field(default=300, ge=50, le=10_000)
    pack_islands: bool = True

    _embedding_only: ClassVar[str] = "perplexity"
    _embedding_defaults: ClassVar[dict[str, int]] = {"n_iter": 200}


Variant = Annotated[Union[UmapVariant, TsneVariant], Field(discriminator="method")]

# the discriminated union's tags, as they appear in a validation error's location
VARIANT_MODELS: dict[str, type[_Variant]] = {"umap": UmapVariant, "tsne": TsneVariant}
