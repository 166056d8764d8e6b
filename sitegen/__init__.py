"""atlasgen: collection data -> co-occurrence -> PyMDE -> UMAP/t-SNE -> static atlas site."""

from .errors import AtlasgenError, DataError, FormatError, SpecError
from .spec import DatasetSpec, load_spec

__version__ = "0.1.0"

__all__ = ["AtlasgenError", "DataError", "DatasetSpec", "FormatError", "SpecError", "__version__", "load_spec"]
