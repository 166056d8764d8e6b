"""The sweep page (`<dataset>/sweep.html`): one card per parameter combination, best first.

A sweep row, as `write_site(sweeps={dataset: rows})` takes it (made by `sitegen.commands.sweep`):
    {"params": {dotted key: value}, "variants": {variant: figures}, "variant": ranked variant,
     "score": its metric value, "metric": "label@10" | "recall@10" | "trust", "thumb": PNG bytes}
"""

from __future__ import annotations

import json

from sitegen.formats.naming import hashed_name
from sitegen.formats.thumbs import HEIGHT, WIDTH
from sitegen.site.figures import default_metric, figure_columns, format_figure
from sitegen.spec import DatasetSpec


def sheet_context(spec: DatasetSpec, rows: list[dict], variant_labels: dict[str, str]) -> tuple[dict[str, bytes], dict]:
    """Thumbnail files ({path under the dataset folder: PNG}) and the sweep template's `sheet` dict.

    Rows are shown in the order given (best first); the first is marked best.
    """
    k = spec.evaluate.k
    metric = rows[0]["metric"] if rows else default_metric(spec)
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
