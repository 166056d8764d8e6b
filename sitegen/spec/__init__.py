"""Dataset specs (`datasets/<slug>.toml`): pydantic models, validated once at load.

Every stage takes only its own sub-model (`FilterSpec`, `CooccurSpec`, `GraphSpec`, a variant), so the
type says what can change its result and the cache key hashes exactly that. Errors read
`datasets/movies.toml: graph.n_neighbors: must be <= 200, got 500`; unknown keys get a did-you-mean.

This package is the doorway: import from `sitegen.spec`, not from its modules, which are

    base          the strict base model; `spec_params`, the canonical dict cache keys hash
    inputs        [source], [collections], [entities] and [entities.fields]
    params        [filter], [cooccurrence], [graph], [evaluate]: the stages' parameters
    variants      [[variants]]: UMAP / t-SNE, defaults per input (kNN graph or PyMDE embedding)
    presentation  [site]
    dataset       DatasetSpec: every section, checks across sections, data paths
    paths         the folders a spec may read; how errors name the spec file
    messages      a pydantic error -> one line naming the key
    load          TOML -> DatasetSpec (load_spec, parse_spec)
    checks        checks and notes that need the number of entities loaded
"""

from sitegen.spec.base import StrictModel, spec_params
from sitegen.spec.checks import check_sizes, perplexity_note, variant_path
from sitegen.spec.dataset import DatasetSpec
from sitegen.spec.inputs import CollectionsSpec, EntitiesSpec, FieldSpec, SourceSpec, TableSpec
from sitegen.spec.load import load_spec, parse_spec
from sitegen.spec.params import CooccurSpec, EvaluateSpec, FilterSpec, GraphSpec
from sitegen.spec.paths import default_roots, outside_message
from sitegen.spec.presentation import HOST_NAME, SiteSpec
from sitegen.spec.variants import TsneVariant, UmapVariant, Variant

__all__ = [
    "HOST_NAME", "CollectionsSpec", "CooccurSpec", "DatasetSpec", "EntitiesSpec", "EvaluateSpec", "FieldSpec",
    "FilterSpec", "GraphSpec", "SiteSpec", "SourceSpec", "StrictModel", "TableSpec", "TsneVariant", "UmapVariant",
    "Variant", "check_sizes", "default_roots", "load_spec", "outside_message", "parse_spec", "perplexity_note",
    "spec_params", "variant_path",
]
