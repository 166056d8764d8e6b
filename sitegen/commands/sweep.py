"""`atlasgen sweep`: build every combination of a parameter grid and a contact sheet, best first.

`run_sweep` builds the spec's normal site plus `<dataset>/sweep.html` through `site.write_site` (the
same temporary-folder build and swap as `atlasgen build`). `sweep_rows` runs `evaluate.sweep` (cached
stages) and draws each combination's ranked layout with the site's thumbnail renderer;
`sitegen.site.pages.sweep` turns those rows into the page.

A sweep row, as `write_site(sweeps={dataset: rows})` takes it:
    {"params": {dotted key: value}, "variants": {variant: figures}, "variant": ranked variant,
     "score": its metric value, "metric": "label@10" | "recall@10" | "trust", "thumb": PNG bytes}
"""

from __future__ import annotations

from pathlib import Path

from sitegen.commands.evaluate import check_metric, sweep
from sitegen.datatypes import DatasetResult
from sitegen.formats.datafiles import field_columns
from sitegen.formats.thumbs import render_png
from sitegen.pipeline.cache import ArtifactStore
from sitegen.pipeline.progress import Reporter
from sitegen.spec import DatasetSpec
from sitegen.stages.pack import layout_colors


def run_sweep(spec: DatasetSpec, grid: dict[str, list], out: Path, store: ArtifactStore, *,
              metric: str | None = None, quiet: bool = False, viewer_dir: Path | None = None) -> list[dict]:
    """Build `spec`'s site and its sweep page into `out` (swapped in only when complete); return the rows."""
    from sitegen.pipeline.orchestrator import build_dataset, pack_result
    from sitegen.site.write import write_site  # the site imports nothing of this module

    metric = check_metric(spec, metric)  # before any work: a typo fails at once
    with Reporter(quiet=quiet) as rep:
        result = pack_result(build_dataset(spec, store, rep), store, rep)
        rows = sweep_rows(spec, grid, store, metric, rep)
        with rep.stage("site") as tick:
            tick.computing()
            write_site([result], out, viewer_dir=viewer_dir, sweeps={spec.name: rows})
    return rows


def sweep_rows(spec: DatasetSpec, grid: dict[str, list], store: ArtifactStore, metric: str | None = None,
               reporter: Reporter | None = None) -> list[dict]:
    """`evaluate.sweep`'s rows, best first, each with its metric and a thumbnail of its ranked variant."""
    metric = check_metric(spec, metric)
    fspecs = spec.entities.fields if spec.entities else {}
    labels = {k: f.label for k, f in fspecs.items() if f.label}

    def draw(row: dict, result: DatasetResult) -> None:
        # Colours come from the combination's own entities: a grid over filters changes them.
        ent = result.entities
        fields = field_columns(ent, labels, list(fspecs))
        colors = layout_colors(len(ent), fields, spec.site.color_by, spec.site.accent)
        row["thumb"] = render_png(result.layouts[row["variant"]], colors, ent.counts, theme=spec.site.theme)
        row["metric"] = metric

    return sweep(spec, grid, store, reporter, metric, on_build=draw)
