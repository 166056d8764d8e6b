"""Dataset specs (`datasets/<slug>.toml`): pydantic models, validated once at load.

Every stage takes only its own sub-model (`FilterSpec`, `CooccurSpec`, `GraphSpec`, a variant), so the
type says what can change its result and the cache key hashes exactly that. Errors read
`datasets/movies.toml: graph.n_neighbors: must be <= 200, got 500`; unknown keys get a did-you-mean.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sitegen.errors import SpecError, excerpt


class _Strict(BaseModel):
    # strict: a string "15" where a number belongs is an error, not silently converted
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class SourceSpec(_Strict):
    """Attribution shown on the site."""

    license: str = ""
    url: str = ""
    citation: str = ""


class TableSpec(_Strict):
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


class FieldSpec(_Strict):
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


class FilterSpec(_Strict):
    min_entity_count: int = Field(default=5, ge=1)
    max_collection_size: int = Field(default=1000, ge=2, le=100_000)
    max_entities: int | None = Field(default=None, ge=2)  # keep only the most frequent N


class CooccurSpec(_Strict):
    """`cooc[n, m] += w` for each pair in a collection.

    count:            w = 1 (value and time ignored)
    value_closeness:  w = exp(-|v_n - v_m| / scale)   (the osu! atlas weighted by closeness in pp)
    time_closeness:   w = exp(-|t_n - t_m| / scale)   (scale in the time column's units)
    """

    weight: Literal["count", "value_closeness", "time_closeness"] = "count"
    scale: float = Field(default=1.0, gt=0)
    chunk_pairs: int = Field(default=1 << 24, ge=1024)  # pair incidences per chunk (progress step); not in the result


class GraphSpec(_Strict):
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


class _Variant(_Strict):
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


# A DNS host name (or a dotted IPv4 address): labels of letters, digits and inner hyphens.
HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


class SiteSpec(_Strict):
    """Per-dataset presentation (used by the site stage)."""

    title: str | None = None
    accent: str = Field(default="#3b6fd4", pattern=r"^#[0-9a-fA-F]{6}$")
    # auto: the pages follow the reader's system setting (prefers-color-scheme); light / dark pin
    # them. The viewer's own toggle (System / Light / Dark) starts from this.
    theme: Literal["auto", "light", "dark"] = "auto"
    base_url: str = ""
    default_variant: str | None = None
    color_by: str | None = None
    # what the data's things are called on the site ("book", "reader's list"); plurals add s / es / ies
    entity_noun: str = Field(default="entity", min_length=1, max_length=40)
    collection_noun: str = Field(default="collection", min_length=1, max_length=40)
    # where adding s / es / ies is wrong ("mouse" -> "mice")
    entity_noun_plural: str | None = Field(default=None, min_length=1, max_length=40)
    collection_noun_plural: str | None = Field(default=None, min_length=1, max_length=40)
    summary: str | None = Field(default=None, max_length=200)  # one line on the front page's card
    # Static pages (e/<slug>.html) for the N most popular entities; every entity still has its panel
    # and a `#sel=<id>` URL in the viewer. 2,000 pages are 6,000 files with their .br/.gz siblings:
    # a 1M-entity atlas stays under the 20,000 files static hosts accept, with room for its ~3,000
    # data files and a few more datasets, and the entities people search for and share are covered.
    entity_pages: int = Field(default=2000, ge=0, le=1_000_000)
    # Hosts that `image` fields may load pictures from ("images.gr-assets.com"): they go into the
    # pages' Content-Security-Policy (img-src), and the viewer requests no image from any other host.
    image_hosts: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("image_hosts")
    @classmethod
    def _host_names(cls, v: list[str]) -> list[str]:
        for h in v:
            if not HOST_NAME.fullmatch(h):
                raise ValueError(f"must hold host names only (like \"images.example.org\": no scheme, "
                                 f"port, path or wildcard), got {excerpt(h)}")
        return sorted(set(h.lower() for h in v))


class EvaluateSpec(_Strict):
    label: str | None = None  # a metadata field holding a ground-truth-ish label
    k: int = Field(default=10, ge=1, le=100)


class DatasetSpec(_Strict):
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
            raise SpecError(f"{_display_path(self.spec_path)}: {outside_message(rel, path, roots)}")
        return path

    @property
    def default_variant(self) -> str:
        return self.site.default_variant or self.variants[0].name


def check_sizes(spec: DatasetSpec, n_entities: int) -> None:
    """Raise SpecError when a neighbourhood is as wide as the entities kept: no layout can be built.

    Run by `validate` and by the build right after loading, so that both fail the same way before
    any heavy stage. A t-SNE perplexity below the number of entities but above (n - 1) / 3 is
    lowered to that by the projection stage; `validate` says so (see `perplexity_note`)."""
    n = n_entities
    label = _display_path(spec.spec_path)
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


def _loc(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts[-1:] = [f"{parts[-1]}[{p}]"] if parts else [f"[{p}]"]
        elif p in ("umap", "tsne") and parts and parts[-1].startswith("variants["):
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
        if p in ("umap", "tsne"):  # the discriminated union's tag
            model = UmapVariant if p == "umap" else TsneVariant
            continue
        if model is None or p not in model.model_fields:
            return None
        if p == "fields":  # dict[str, FieldSpec]: the next element is the user's field name
            model = FieldSpec
            if path:
                path.pop(0)
            continue
        ann = model.model_fields[p].annotation
        model = next((c for c in _SUB_MODELS if ann is c or c in getattr(ann, "__args__", ())), None)
    return model


_SUB_MODELS = (SourceSpec, CollectionsSpec, EntitiesSpec, FilterSpec, CooccurSpec, GraphSpec, SiteSpec,
               EvaluateSpec)


def _message(err: dict) -> str:
    loc = tuple(err["loc"])
    where = _loc(loc)
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
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        op = {"less_than_equal": "<=", "less_than": "<", "greater_than_equal": ">=", "greater_than": ">"}[kind]
        bound = next(iter(ctx.values()))
        return f"{where}: must be {op} {bound}, got {got!r}"
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


def default_roots(spec_path: Path, allow: tuple[Path, ...] | list[Path] = ()) -> tuple[Path, ...]:
    """The folders a spec's data may lie in: the current (build) folder, the spec's folder, `allow`."""
    roots = [Path.cwd().resolve(), Path(spec_path).resolve().parent, *(Path(a).resolve() for a in allow)]
    return tuple(dict.fromkeys(roots))


def outside_message(rel: str, path: Path, roots: tuple[Path, ...]) -> str:
    return (f"{excerpt(rel, 60)} is outside the folders a spec may read ({', '.join(str(r) for r in roots)}); "
            f"to read it, pass --allow-path {path.parent}")


def parse_spec(raw: dict, spec_path: Path, label: str | None = None,
               allow: tuple[Path, ...] | list[Path] = ()) -> DatasetSpec:
    """Validate a spec dict. `label` is how errors name the file (default: the path); `allow`: extra
    folders its data may be read from."""
    label = label or str(spec_path)
    internal = [k for k in ("spec_path", "read_roots") if k in raw]
    if internal:  # set by the loader only: a spec cannot widen the folders it may read
        raise SpecError(f"{label}: {internal[0]}: unknown key")
    try:
        spec = DatasetSpec.model_validate({**raw, "spec_path": spec_path,
                                           "read_roots": default_roots(spec_path, allow)})
    except ValidationError as e:
        # An unknown key first: a misspelt section ([colections]) also makes its real one "missing",
        # and the did-you-mean is the useful message.
        errors = sorted(e.errors(), key=lambda err: err["type"] != "extra_forbidden")
        raise SpecError(f"{label}: {_message(errors[0])}") from None
    for key, table in (("collections", spec.collections), ("entities", spec.entities)):
        path = None if table is None else (spec_path.parent / table.path).resolve()
        if path is not None and not any(path.is_relative_to(r) for r in spec.read_roots):
            raise SpecError(f"{label}: {key}.path: {outside_message(table.path, path, spec.read_roots)}")
    return spec


def load_spec(path: str | Path, allow: tuple[Path, ...] | list[Path] = ()) -> DatasetSpec:
    """Read and validate `datasets/<slug>.toml`. Raises SpecError with a one-line message.

    The spec's data paths must lie inside the current folder or the spec's folder, or in `allow`."""
    path = Path(path)
    label = _display_path(path)
    if not path.is_file():
        raise SpecError(f"{label}: spec file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{label}: not valid TOML ({e})") from None
    except UnicodeDecodeError as e:
        raise SpecError(f"{label}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return parse_spec(raw, path.resolve(), label, allow)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def spec_params(model: BaseModel) -> dict:
    """Canonical JSON-able dict of a sub-model, for cache keys."""
    return model.model_dump(mode="json", by_alias=True, exclude={"spec_path"})
