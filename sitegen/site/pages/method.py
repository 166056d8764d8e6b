"""The about page's picture of the method: the pipeline as boxes with the counts at each step, and
each layout's thumbnail beside its quality figures. Plain strings only; the template draws them
with HTML and CSS (no script)."""

from __future__ import annotations

from sitegen.datatypes import DatasetResult
from sitegen.formats.thumbs import HEIGHT, WIDTH
from sitegen.site.figures import figure_columns, format_figure
from sitegen.site.nouns import count_of, upper_first
from sitegen.site.templating import METHOD_LABELS, variant_label
from sitegen.site.viewer_config import nouns

TRANSFORMS = {"cosine": "cosine similarity", "inv_log": "1 / log of the count", "jaccard": "Jaccard index",
              "ppmi": "positive pointwise mutual information"}


def _count(stats: dict, key: str, one: str, many: str) -> str:
    value = stats.get(key)
    return count_of(value, one, many) if isinstance(value, int) and not isinstance(value, bool) else ""


def pipeline_steps(r: DatasetResult) -> list[dict]:
    """[{"title", "count", "text"}] in pipeline order; "count" is "" where the build did not record it."""
    spec, s = r.spec, r.stats
    w = nouns(spec.site)
    kept = [c for c in (_count(s, "collections_kept", w["collection"], w["collections"]),
                        _count(s, "entities_embedded", w["entity"], w["entities"])) if c]
    steps = [
        {"title": "Read", "count": _count(s, "rows", "row", "rows"),
         "text": f"Each row says that a {w['collection']} holds a {w['entity']}."},
        {"title": "Filter", "count": " and ".join(kept),
         "text": f"{upper_first(w['entities'])} in fewer than {spec.filter.min_entity_count} {w['collections']} are "
                 f"dropped, then {w['collections']} left with fewer than two."},
        {"title": "Count pairs", "count": _count(s, "cooccurrence_pairs", "pair", "pairs"),
         "text": f"For every two {w['entities']}: how many {w['collections']} hold both, turned into a "
                 f"{TRANSFORMS.get(spec.graph.transform, spec.graph.transform)}."},
        {"title": "Nearest neighbours", "count": _count(s, "knn_edges", "link", "links"),
         "text": f"Each {w['entity']} keeps links to its {spec.graph.n_neighbors} most similar {w['entities']}."},
    ]
    if any(v.input == "embedding" for v in spec.variants):
        steps.append({"title": "PyMDE embedding", "count": f"{spec.graph.embedding_dim} dimensions",
                      "text": f"The links are laid out in {spec.graph.embedding_dim} dimensions first "
                              + (f"({s['mde_iterations']:,} steps)." if isinstance(s.get("mde_iterations"), int) else ".")})
    steps.append({"title": "Layouts", "count": count_of(len(spec.variants), "map", "maps"),
                  "text": "Each map flattens the links into 2D: " + ", ".join(variant_label(v) for v in spec.variants) + "."})
    return steps


def layout_cards(r: DatasetResult, order: list[str]) -> dict:
    """{"cards": [{"label", "method", "href", "thumb", "thumb_alt", "figures": [(heading, value)]}],
    "legend": [(heading, meaning)]}; paths are relative to `<dataset>/about.html`."""
    spec = r.spec
    by_name = {v.name: v for v in spec.variants}
    has_trust = any("trust" in (r.quality.get(v) or {}) for v in order)
    columns = figure_columns(spec.evaluate.k, spec.evaluate.label, has_trust)
    cards = []
    for name in order:
        v, figures = by_name[name], r.quality.get(name) or {}
        source = "the nearest-neighbour links" if v.input == "graph" else "the PyMDE embedding"
        cards.append({"label": variant_label(v), "method": f"{METHOD_LABELS[v.method]} of {source}",
                      "href": "index.html" if name == order[0] else f"{name}/index.html",
                      "thumb": r.packed.thumbs[name], "thumb_alt": f"Overview of the {variant_label(v)} layout",
                      "thumb_w": WIDTH, "thumb_h": HEIGHT,
                      "figures": [(c[1], format_figure(figures, c[0])) for c in columns if c[0] in figures]})
    legend = [(c[1], c[3]) for c in columns if any(c[0] in (r.quality.get(v) or {}) for v in order)]
    return {"cards": cards, "legend": legend}
