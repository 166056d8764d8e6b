"""`DatasetSpec`: the whole `datasets/<slug>.toml`, its checks across sections, and its data paths."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from sitegen.errors import SpecError
from sitegen.spec.base import StrictModel
from sitegen.spec.inputs import CollectionsSpec, EntitiesSpec, SourceSpec
from sitegen.spec.params import CooccurSpec, EvaluateSpec, FilterSpec, GraphSpec
from sitegen.spec.paths import default_roots, display_path, outside_message
from sitegen.spec.presentation import SiteSpec
from sitegen.spec.variants import Variant


class DatasetSpec(StrictModel):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    title: str
    description: str = ""
    seed: int = Field(default=42, ge=0, le=2**32 - 1)
    source: SourceSpec = SourceSpec()
    collections: CollectionsSpec
    entities: EntitiesSpec | None = None
    filter: FilterSpec = FilterSpec()
    cooccurrence: CooccurSpec = CooccurSpec()
    graph: GraphSpec = GraphSpec()
    variants: list[Variant] = Field(min_length=1)
    site: SiteSpec = SiteSpec()
    evaluate: EvaluateSpec = EvaluateSpec()

    # Not part of the TOML: where the spec came from, to resolve relative data paths, and the folders
    # its data may be read from (the build folder, the spec's folder, and any --allow-path).
    spec_path: Path = Field(default=Path("."), exclude=True)
    read_roots: tuple[Path, ...] = Field(default=(), exclude=True)

    @model_validator(mode="after")
    def _cross_checks(self) -> DatasetSpec:
        names = [v.name for v in self.variants]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"variants: duplicate name {dup[0]!r}")
        if self.site.default_variant is not None and self.site.default_variant not in names:
            raise ValueError(f"site.default_variant: {self.site.default_variant!r} is not one of {names}")
        field_names = set(self.entities.fields) if self.entities else set()
        for key, val in (("site.color_by", self.site.color_by), ("evaluate.label", self.evaluate.label)):
            if val is not None and val not in field_names:
                raise ValueError(f"{key}: {val!r} is not a field in [entities.fields] {sorted(field_names)}")
        if self.cooccurrence.weight == "value_closeness" and self.collections.value is None:
            raise ValueError("cooccurrence.weight: value_closeness needs collections.value")
        if self.cooccurrence.weight == "time_closeness" and self.collections.time is None:
            raise ValueError("cooccurrence.weight: time_closeness needs collections.time")
        return self

    def resolve(self, rel: str) -> Path:
        """A data path from the spec, relative to the spec file's folder, checked to lie inside
        `read_roots` (symbolic links followed), so a spec cannot read the rest of the system."""
        path = (self.spec_path.parent / rel).resolve()
        roots = self.read_roots or default_roots(self.spec_path)
        if not any(path.is_relative_to(r) for r in roots):
            raise SpecError(f"{display_path(self.spec_path)}: {outside_message(rel, path, roots)}")
        return path

    @property
    def default_variant(self) -> str:
        return self.site.default_variant or self.variants[0].name
