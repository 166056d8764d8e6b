"""`atlasgen sweep`'s contact sheet: one card per parameter combination, best first.

`run_sweep` builds the spec's normal site plus `<dataset>/sweep.html` through `site.write_site` (the
same temporary-folder build and swap as `atlasgen build`). `sweep_rows` runs `evaluate.sweep` (cached
stages) and draws each combination's ranked layout with the site's thumbnail renderer; `sheet_context`
turns those rows into content-hashed thumbnail files and the template's plain dicts.

A sweep row, as `write_site(sweeps={dataset: rows})` takes it:
    {"params": {dotted key: value}, "variants": {variant: figures}, "variant": ranked variant,
     "score": its metric value, "metric": "label@10" | "recall@10" | "trust", "thumb": PNG bytes}
"""

from __future__ import annotations

import json
from pathlib import Path

from .assets import hashed_name
from .cache import ArtifactStore
from .evaluate import check_metric, sweep
from .meta import field_columns, layout_colors
from .progress import Reporter
from .quality import figure_columns, format_figure
from .spec import DatasetSpec
from .tables import DatasetResult
from .thumbs import HEIGHT, WIDTH, render_png


def run_sweep(spec: DatasetSpec, grid: dict[str, list], out: Path, store: ArtifactStore, *,
              metric: str | None = None, quiet: bool = False, viewer_dir: Path | None = None) -> list[dict]:
    """Build `spec`'s site and its sweep page into `out` (swapped in only when complete); return the rows."""
    from .pipeline import build_dataset
    from .site import write_site

    metric = check_metric(spec, metric)  # before any work: a typo fails at once
    with Reporter(quiet=quiet) as rep:
        result = build_dataset(spec, store, rep)
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


def sheet_context(spec: DatasetSpec, rows: list[dict], variant_labels: dict[str, str]) -> tuple[dict[str, bytes], dict]:
    """Thumbnail files ({path under the dataset folder: PNG}) and the sweep template's `sheet` dict.

    Rows are shown in the order given (best first); the first is marked best.
    """
    k = spec.evaluate.k
    metric = rows[0]["metric"] if rows else check_metric(spec, None)
    has_trust = any("trust" in f for r in rows for f in r["variants"].values())
    columns = figure_columns(k, spec.evaluate.label, has_trust)
    metric_name = next((c[1] for c in columns if c[0] == metric), metric)
    files, cards = {}, []
    for rank, row in enumerate(rows, 1):
        rel = f"data/{hashed_name(f'sweep-{rank}', '.png', row['thumb'])}"
        files[rel] = row["thumb"]
        ranked = row["variant"]
        cards.append({
            "rank": rank, "best": rank == 1, "thumb": rel, "thumb_w": WIDTH, "thumb_h": HEIGHT,
            "thumb_alt": f"Layout {variant_labels.get(ranked, ranked)} with " + _params_text(row["params"]),
            "params": [(key, _value_text(v)) for key, v in row["params"].items()],
            "score": format_figure(row["variants"][ranked], metric),
            "variant": variant_labels.get(ranked, ranked),
            "figures": [(variant_labels.get(v, v), *[format_figure(f, c[0]) for c in columns])
                        for v, f in row["variants"].items()],
        })
    sheet = {"metric": metric_name, "head": ["Layout", *[c[2] for c in columns]],
             "legend": [(c[1], c[3]) for c in columns], "cards": cards,
             "grid_keys": list(rows[0]["params"]) if rows else []}
    return files, sheet


def _value_text(v) -> str:
    return v if isinstance(v, str) else json.dumps(v)


def _params_text(params: dict) -> str:
    return ", ".join(f"{k} = {_value_text(v)}" for k, v in params.items()) or "the spec's parameters"
