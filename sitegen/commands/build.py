"""`atlasgen build`: every spec through the pipeline, then the whole site, swapped in when complete."""

from __future__ import annotations

from pathlib import Path

from sitegen.datatypes import DatasetResult
from sitegen.errors import SpecError
from sitegen.pipeline.cache import ArtifactStore
from sitegen.pipeline.executors import make_executor
from sitegen.pipeline.orchestrator import build_dataset, pack_result
from sitegen.pipeline.progress import Reporter
from sitegen.site.write import write_site
from sitegen.spec import load_spec


def build(spec_paths: list[Path], out: Path, cache_dir: Path, *, force: bool = False, device: str | None = None,
          quiet: bool = False, viewer_dir: Path | None = None, scheduler: str | None = None,
          reproducible: bool = False, allow: list[Path] | tuple[Path, ...] = ()) -> list[DatasetResult]:
    """Build every spec, then write the site into `out` (swapped in only when complete).

    `scheduler`: a Dask scheduler address (or "local") to run the heavy stages on; None = here.
    `reproducible`: leave the measured stage timings out of the site. They are the only values that
    differ between two cold builds of the same specs (a warm cache reuses the recorded ones).
    `allow`: folders besides the current one and each spec's own that spec data may be read from.
    """
    specs = [load_spec(p, allow) for p in spec_paths]
    if device:
        specs = [s.model_copy(update={"graph": s.graph.model_copy(update={"device": device})}) for s in specs]
    names = [s.name for s in specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecError(f"two specs use the name {dup[0]!r}: names must be unique (they are URL slugs)")
    store = ArtifactStore(cache_dir, force=force)
    executor = make_executor(scheduler)
    try:
        with Reporter(quiet=quiet) as rep:
            results = [pack_result(build_dataset(s, store, rep, executor), store, rep) for s in specs]
            if reproducible:
                for r in results:
                    r.stats.pop("timings", None)
            with rep.stage("site", datasets=len(results)) as tick:
                tick.computing()
                write_site(results, out, viewer_dir=viewer_dir)
    finally:
        executor.close()
    return results
