"""Give third-party numba kernels (UMAP, pynndescent) an on-disk compile cache.

umap-learn compiles its kernels without `cache=True`, so every new process spends ~5 s compiling
them before the first layout (measured: UMAP on MovieLens's kNN graph, 6.2 s in a fresh process,
1.0 s once compiled). Numba dispatchers can be given the same file cache that `cache=True` would
have set up; the compiled code then lands in the package's `__pycache__` (or NUMBA_CACHE_DIR) and
later processes load it instead of compiling. Results are unchanged: only compilation is cached.
"""

from __future__ import annotations

import importlib
import warnings

MODULES = ("umap.layouts", "umap.umap_", "umap.utils", "umap.spectral", "umap.distances", "umap.sparse",
           "pynndescent.distances", "pynndescent.utils", "pynndescent.sparse", "pynndescent.pynndescent_")
_done = False


def enable_umap_cache() -> int:
    """Turn on disk caching for UMAP's and pynndescent's module-level kernels; returns how many."""
    global _done
    if _done:
        return 0
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some kernels cannot be cached (dynamic globals): numba says so
        for name in MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            for obj in vars(module).values():
                if isinstance(obj, CPUDispatcher) and isinstance(obj._cache, NullCache):
                    try:
                        obj.enable_caching()
                        count += 1
                    except Exception:  # a kernel numba cannot cache keeps compiling in memory
                        pass
    _done = True
    return count
