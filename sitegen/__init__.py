"""atlasgen: collection data -> co-occurrence -> PyMDE -> UMAP/t-SNE -> static atlas site."""

from sitegen.errors import AtlasgenError, DataError, FormatError, SpecError
from sitegen.spec import DatasetSpec, load_spec


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("atlasgen")
    except PackageNotFoundError:  # a source checkout on sys.path, not installed
        return "0.1.0+checkout"


__version__ = _installed_version()

__all__ = ["AtlasgenError", "DataError", "DatasetSpec", "FormatError", "SpecError", "__version__", "load_spec"]
