"""The front page's card for one atlas: thumbnail, one line on what it shows, counts, quality, layouts."""

from __future__ import annotations

import re

from sitegen.datatypes import DatasetResult
from sitegen.formats.thumbs import HEIGHT, WIDTH
from sitegen.site.figures import figure_columns, format_figure
from sitegen.site.nouns import count_of
from sitegen.site.templating import plain_text
from sitegen.site.viewer_config import nouns

SUMMARY_CHARS = 160


def summary(spec) -> str:
    """`[site] summary`, else the description's first sentence (plain text, at most SUMMARY_CHARS)."""
    if spec.site.summary:
        return spec.site.summary
    text = plain_text(spec.description, limit=SUMMARY_CHARS)
    first = re.match(r"(.+?[.!?])(?=\s|$)", text)
    return first.group(1) if first else text


def card_figures(r: DatasetResult) -> list[tuple[str, str, str]]:
    """(heading, value, meaning) of the default layout's quality: label agreement first, then recall."""
    figures = r.quality.get(r.spec.default_variant) or {}
    cols = figure_columns(r.spec.evaluate.k, r.spec.evaluate.label, has_trust=False)
    cols.sort(key=lambda c: not c[0].startswith("label@"))
    return [(c[1], format_figure(figures, c[0]), c[3]) for c in cols if c[0] in figures]


def gallery_card(r: DatasetResult, variants: list[str], labels: dict[str, str]) -> dict:
    """Template context of one card; `variants` in menu order, default first. Paths are from dist/."""
    spec = r.spec
    name, title = spec.name, spec.site.title or spec.title
    words = nouns(spec.site)
    counts = [count_of(len(r.entities), words["entity"], words["entities"])]
    if isinstance(r.stats.get("collections_kept"), int):
        counts.append(count_of(r.stats["collections_kept"], words["collection"], words["collections"]))
    return {"href": f"{name}/index.html", "title": title, "summary": summary(spec), "counts": counts,
            "figures": card_figures(r), "thumb": f"{name}/{r.packed.thumbs[spec.default_variant]}",
            "thumb_alt": f"Overview of {title}", "thumb_w": WIDTH, "thumb_h": HEIGHT, "about": f"{name}/about.html",
            "variants": [{"href": f"{name}/index.html" if v == variants[0] else f"{name}/{v}/index.html",
                          "label": labels[v]} for v in variants]}
