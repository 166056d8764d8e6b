"""The compare page: two layout variants of one dataset side by side, with linked hover and selection.

`compare_files` renders `<dataset>/compare.html` for a dataset with two or more variants (none
otherwise). The page is a JSON config island (the viewer's keys, docs/site-data.md, plus the default
pair `a`, `b` and each variant's quality figures) driven by `js/src/compare.js`, bundled as
`assets/compare.<hash>.js`; it reads the same data files as the viewer pages.
"""

from __future__ import annotations

from sitegen.datatypes import DatasetResult
from sitegen.formats.thumbs import HEIGHT, WIDTH
from sitegen.site.figures import format_number
from sitegen.site.templating import environment, json_island, plain_text
from sitegen.site.viewer_config import viewer_config

PAGE = "compare.html"  # in the dataset folder, next to the default viewer page


def compare_files(r: DatasetResult, variants: list[str], labels: dict[str, str],
                  ctx: dict) -> dict[str, bytes]:
    """{`<dataset>/compare.html`: bytes}, or {} when the dataset has fewer than two variants.

    variants: the dataset's variants, the default first (the page opens with the first two);
    labels: variant -> display label; ctx: the dataset's template context (assets, theme, dataset, ...).
    """
    if len(variants) < 2:
        return {}
    spec, packed = r.spec, r.packed
    name, site = spec.name, spec.site
    title = site.title or spec.title
    n = len(r.entities)
    url = lambda v: "index.html" if v == variants[0] else f"{v}/index.html"  # noqa: E731
    config = {
        **viewer_config(r, variants[0], [{"name": v, "label": labels[v], "url": url(v),
                                           "figures": _figures(r.quality.get(v) or {})} for v in variants],
                        "", packed.thumbs[variants[0]]),
        "mode": "compare", "a": variants[0], "b": variants[1],
    }
    page = {"title": f"Compare layouts · {title}", "url": "", "image": packed.thumbs[variants[0]],
            "description": f"Two layouts of {title} side by side, with linked hover and selection. "
                           + (plain_text(spec.description) or f"{n:,} entities."),
            "image_alt": f"Overview of the {labels[variants[0]]} map of {title}"}
    html = environment().get_template("compare.html.j2").render(
        root="../", page=page, data={"points": packed.points[0]}, config_json=json_island(config),
        layouts=[{"label": labels[v], "href": url(v), "thumb": packed.thumbs[v]} for v in variants],
        thumb_w=WIDTH, thumb_h=HEIGHT, **ctx)
    return {f"{name}/{PAGE}": html.encode("utf-8")}


def _figures(quality: dict) -> list[tuple[str, str]]:
    """A variant's quality figures for the pane header, e.g. [("recall@10", "0.512")], numbers only (3 decimals)."""
    return [(k, format_number(round(v, 3))) for k, v in sorted(quality.items())
            if isinstance(v, (int, float)) and not isinstance(v, bool)]
