"""The about page's context: what the data is, every parameter, counts, stage timings, quality."""

from __future__ import annotations

import json
import time

from sitegen.datatypes import DatasetResult
from sitegen.site.figures import format_number
from sitegen.site.nouns import upper_first
from sitegen.site.pages.method import layout_cards, pipeline_steps
from sitegen.site.templating import render_markdown
from sitegen.site.viewer_config import nouns

# Pipeline statistics in pipeline order, with what they mean (unknown keys follow, as they are).
# {Entities} / {collections} ...: the dataset's own words (sitegen/site/nouns.py).
STAT_LABELS = [
    ("rows", "Membership rows read"),
    ("collections_read", "{Collections} read"),
    ("subsampled_collections", "{Collections} subsampled (longer than filter.max_collection_size)"),
    ("collections_kept", "{Collections} kept (2 or more kept members)"),
    ("entities_read", "{Entities} read"),
    ("entities_kept", "{Entities} kept (filter.min_entity_count)"),
    ("entities_without_metadata", "{Entities} without a metadata row (labelled by id)"),
    ("isolated_dropped", "Isolated {entities} dropped"),
    ("entities_embedded", "{Entities} on the map"),
    ("memberships_kept", "Memberships kept"),
    ("pair_incidences", "Pair incidences (ordered pairs within {collections})"),
    ("cooccurrence_pairs", "Pairs of {entities} that share a {collection}"),
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
    words = nouns(spec.site)
    words.update({upper_first(k): upper_first(v) for k, v in words.items()})
    for key, label in STAT_LABELS:
        if key in r.stats:
            counts.append((label.format(**words), _fmt_stat(r.stats[key])))
    timings = [(STAGE_LABELS.get(k.split(":")[0], k).format(k.partition(":")[2]), f"{float(v):.2f}")
               for k, v in r.stats.get("timings", {}).items()]
    for key, value in sorted(_flatten({k: v for k, v in r.stats.items() if k not in known and k != "timings"}).items()):
        counts.append((key.replace("_", " ").capitalize(), _fmt_stat(value)))
    order = [spec.default_variant] + [v.name for v in spec.variants if v.name != spec.default_variant]
    params = spec.model_dump(mode="json", by_alias=True, exclude_none=True,
                             exclude={"spec_path", "title", "description", "source", "site"})
    src = spec.source
    return {
        "description": render_markdown(spec.description),
        "source": {"url": src.url, "safe_url": src.url.startswith(("http://", "https://")),
                   "license": src.license, "citation": src.citation},
        "counts": counts, "timings": timings, "pipeline": pipeline_steps(r), "layouts": layout_cards(r, order),
        "intro": f"Each point is a {words['entity']}. Two {words['entities']} are close on the map when many of "
                 f"the same {words['collections']} hold both. The map is made in steps:",
        # unset keys (None, empty tables) are left out rather than shown as null
        "parameters": [(k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
                       for k, v in _flatten(params).items() if v not in (None, {}, [])],
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
