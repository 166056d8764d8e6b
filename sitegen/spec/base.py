"""The base every spec model shares, and the canonical form of a sub-model that cache keys hash."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    # strict: a string "15" where a number belongs is an error, not silently converted
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


def spec_params(model: BaseModel) -> dict:
    """Canonical JSON-able dict of a sub-model, for cache keys."""
    return model.model_dump(mode="json", by_alias=True, exclude={"spec_path"})
