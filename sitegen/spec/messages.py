"""One pydantic validation error -> the one-line message users see, such as
`graph.n_neighbors: must be <= 200, got 500` (the loader puts the file name in front); unknown keys get a
did-you-mean from the model that holds them."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from sitegen.spec.dataset import DatasetSpec
from sitegen.spec.inputs import CollectionsSpec, EntitiesSpec, FieldSpec, SourceSpec
from sitegen.spec.params import CooccurSpec, EvaluateSpec, FilterSpec, GraphSpec
from sitegen.spec.presentation import SiteSpec
from sitegen.spec.variants import VARIANT_MODELS

# the section models a DatasetSpec field can hold (directly or as `X | None`)
_SECTION_MODELS = (SourceSpec, CollectionsSpec, EntitiesSpec, FilterSpec, CooccurSpec, GraphSpec, SiteSpec,
                   EvaluateSpec)

_COMPARISONS = {"less_than_equal": "<=", "less_than": "<", "greater_than_equal": ">=", "greater_than": ">"}


def validation_message(err: dict) -> str:
    """The message for one entry of `ValidationError.errors()`, naming the key it is about."""
    loc = tuple(err["loc"])
    where = _key_path(loc)
    kind = err["type"]
    ctx = err.get("ctx", {})
    got = err.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc)
        known = [f.alias or n for n, f in model.model_fields.items() if not f.exclude] if model else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else (f"; known keys: {', '.join(known)}" if known else "")
        return f"{where}: unknown key{hint}"
    if kind == "missing":
        return f"{where}: required key is missing"
    if kind in _COMPARISONS:
        bound = next(iter(ctx.values()))
        return f"{where}: must be {_COMPARISONS[kind]} {bound}, got {got!r}"
    if kind == "literal_error":
        return f"{where}: must be {ctx.get('expected')}, got {got!r}"
    if kind == "union_tag_invalid":
        return f"{where}: method must be 'umap' or 'tsne', got {ctx.get('tag')!r}"
    if kind == "union_tag_not_found":
        return f"{where}: required key 'method' is missing ('umap' or 'tsne')"
    if kind == "string_pattern_mismatch":
        return f"{where}: {got!r} does not match {ctx.get('pattern')}"
    if kind == "too_short":
        return f"{where}: needs at least {ctx.get('min_length')} entry, got none"
    msg = err["msg"].removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{where}: {msg.lower()}, got {got!r}"
    return f"{where}: {msg}" if where else msg


def _key_path(loc: tuple[Any, ...]) -> str:
    """A pydantic location as the user wrote the key: `variants[0].n_epochs`."""
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts[-1:] = [f"{parts[-1]}[{p}]"] if parts else [f"[{p}]"]
        elif p in VARIANT_MODELS and parts and parts[-1].startswith("variants["):
            continue  # discriminated-union tag, not a key the user wrote
        else:
            parts.append(str(p))
    return ".".join(parts)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the key at `loc` (for did-you-mean suggestions)."""
    model: Any = DatasetSpec
    path = list(loc[:-1])
    while path:
        p = path.pop(0)
        if isinstance(p, int):
            continue  # a list index: the model is decided by what follows
        if p in VARIANT_MODELS:  # the discriminated union's tag
            model = VARIANT_MODELS[p]
            continue
        if model is None or p not in model.model_fields:
            return None
        if p == "fields":  # dict[str, FieldSpec]: the next element is the user's field name
            model = FieldSpec
            if path:
                path.pop(0)
            continue
        ann = model.model_fields[p].annotation
        model = next((c for c in _SECTION_MODELS if ann is c or c in getattr(ann, "__args__", ())), None)
    return model
