"""The about page's context: what the data is, every parameter, counts, stage timings, quality."""

from __future__ import annotations

import json
import time

from sitegen.datatypes import DatasetResult
from sitegen.site.figures import figure_columns, format_figure, format_number
from sitegen.site.templating import render_markdown, variant_label

# Pipeline statistics in pipeline order, with what they mean (unknown keys follow, as they are).
STAT_LABELS = [
    ("rows", "Membership rows read"),
    ("collections_read", "Collections read"),
    ("subsampled_collections", "Collections subsampled (longer than filter.max_collection_size)"),
    ("collections_kept", "Collections kept (2 or more kept members)"),
    ("entities_read", "Entities read"),
    ("entities_kept", "Entities kept (filter.min_entity_count)"),
    ("entities_without_metadata", "Entities without a metadata row (labelled by id)"),
    ("isolated_dropped", "Isolated entities dropped"),
    ("entities_embedded", "Entities on the map"),
    ("memberships_kept", "Memberships kept"),
    ("pair_incidences", "Pair incidences (ordered pairs within collections)"),
    ("cooccurrence_pairs", "Co-occurring entity pairs"),
    ("knn_edges", "kNN graph edges"),
    ("mde_iterations", "PyMDE iterations (stopped at convergence)"),
    ("mde_distortion", "PyMDE final average distortion"),
]
STAGE_LABELS = {"load": "Load and filter", "cooccurrence": "Co-occurrence", "knn": "Co-occurrence, association + kNN graph",
                "embed": "PyMDE embedding", "project": "Projection: {}"}


def _fmt_stat(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def about_context(r: DatasetResult, epoch: int | None) -> dict:
    """Template context of `<dataset>/about.html` (plain strings and lists)."""
    spec = r.spec
    counts = [("Layout variants", str(len(spec.variants)))]
    known = {k for k, _ in STAT_LABELS}
    for key, label in STAT_LABELS:
        if key in r.stats:
            counts.append((label, _fmt_stat(r.stats[key])))
    timings = [(STAGE_LABELS.get(k.split(":")[0], k).format(k.partition(":")[2]), f"{float(v):.2f}")
               for k, v in r.stats.get("timings", {}).items()]
    for key, value in sorted(_flatten({k: v for k, v in r.stats.items() if k not in known and k != "timings"}).items()):
        counts.append((key.replace("_", " ").capitalize(), _fmt_stat(value)))
    order = [spec.default_variant] + [v.name for v in spec.variants if v.name != spec.default_variant]
    shown = [v for v in order if r.quality.get(v)]
    columns = figure_columns(spec.evaluate.k, spec.evaluate.label, any("trust" in r.quality[v] for v in shown))
    names = {v.name: variant_label(v) for v in spec.variants}
    quality = {"head": ["Variant", *[c[1] for c in columns]],
               "rows": [(names[v], *[format_figure(r.quality[v], c[0]) for c in columns]) for v in shown],
               "legend": [(c[1], c[3]) for c in columns]}
    params = spec.model_dump(mode="json", by_alias=True,
                             exclude={"spec_path", "title", "description", "source", "site"})
    src = spec.source
    return {
        "description": render_markdown(spec.description),
        "source": {"url": src.url, "safe_url": src.url.startswith(("http://", "https://")),
                   "license": src.license, "citation": src.citation},
        "counts": counts, "timings": timings, "quality": quality,
        "parameters": [(k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
                       for k, v in _flatten(params).items()],
        "built": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch)) if epoch is not None else None,
    }


def _flatten(obj, prefix: str = "") -> dict:
    out = {}
    if isinstance(obj, dict):
        for k in obj:
            out.update(_flatten(obj[k], f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        for i, x in enumerate(obj):
            out.update(_flatten(x, f"{prefix}[{i}]"))
    else:
        out[prefix] = obj
    return out
