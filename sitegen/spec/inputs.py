"""Where a dataset's data comes from: `[source]`, `[collections]`, `[entities]` and its `[entities.fields]`."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from sitegen.spec.base import StrictModel


class SourceSpec(StrictModel):
    """Attribution shown on the site."""

    license: str = ""
    url: str = ""
    citation: str = ""


class TableSpec(StrictModel):
    """How to read one delimited or JSON Lines file. `path` is relative to the spec file."""

    path: str
    format: Literal["csv", "tsv", "jsonl"] | None = None  # None: from the file extension
    delimiter: str | None = None  # None: "," for csv, tab for tsv; " " reads runs of spaces
    encoding: str = "utf-8"
    header: bool = True  # False: columns are named "0", "1", ... by position

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, v: str | None) -> str | None:
        if v is not None and len(v) != 1:
            raise ValueError(f"must be a single character, got {v!r}")
        return v


class CollectionsSpec(TableSpec):
    """One row per (collection, entity) membership."""

    collection: str
    entity: str
    value: str | None = None
    time: str | None = None
    min_value: float | None = None
    # An edge list: `collection` and `entity` are both entity ids; each entity's correspondents
    # (either direction, self-loops dropped) form one collection.
    edges: bool = False

    @model_validator(mode="after")
    def _min_value_needs_value(self) -> CollectionsSpec:
        if self.min_value is not None and self.value is None:
            raise ValueError("min_value needs a value column (collections.value)")
        return self


class FieldSpec(StrictModel):
    """A typed metadata field for search, colour-by and filters."""

    # image: a URL shown as a picture by the viewer (the site's data files carry it as text)
    type: Literal["category", "tags", "number", "text", "image"]
    sep: str = "|"  # tags only
    pattern: str | None = None  # regex with one group, applied to the source text
    from_: str | None = Field(default=None, alias="from")  # source column; default: the field name
    label: str | None = None  # display name; default: the field name

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                rx = re.compile(v)
            except re.error as e:
                raise ValueError(f"not a valid regular expression ({e})") from None
            if rx.groups < 1:
                raise ValueError("must contain one capturing group")
        return v


class EntitiesSpec(TableSpec):
    """Optional metadata table, joined to the collections by entity id."""

    id: str
    label: str | None = None
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    # An id on two metadata rows: "error" names the first repeated row; "first" keeps the first row
    # of each id and reports how many were skipped.
    duplicates: Literal["error", "first"] = "error"
