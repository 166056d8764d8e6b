"""The compare page: two layout variants of one dataset side by side, with linked hover and selection.

`compare_files` renders `<dataset>/compare.html` for a dataset with two or more variants (none
otherwise). The page is a JSON config island (the viewer's keys, docs/site-data.md, plus the default
pair `a`, `b` and each variant's quality figures) driven by `js/src/compare.js`, bundled as
`assets/compare.<hash>.js`; it reads the same data files as the viewer pages.
"""

from __future__ import annotations

from sitegen.datatypes import DatasetResult
from sitegen.formats.thumbs import HEIGHT, WIDTH
from sitegen.site.figures import figure_columns, format_figure
from sitegen.site.templating import environment, json_island, plain_text
from sitegen.site.viewer_config import nouns, viewer_config

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
                                           "figures": _figures(r, v)} for v in variants],
                        "", packed.thumbs[variants[0]]),
        "mode": "compare", "a": variants[0], "b": variants[1],
    }
    base = site.base_url if site.base_url.endswith("/") else site.base_url + "/"
    # og:image must be an absolute URL: without [site] base_url there is none to give
    image = base + f"{name}/{packed.thumbs[variants[0]]}" if base.startswith(("http://", "https://")) else ""
    page = {"title": f"Compare layouts · {title}", "url": "", "image": image,
            "description": f"Two layouts of {title} side by side, with linked hover and selection. "
                           + (plain_text(spec.description) or f"{n:,} {nouns(site)['entities']}."),
            "image_alt": f"Overview of the {labels[variants[0]]} map of {title}"}
    html = environment().get_template("compare.html.j2").render(
        root="../", page=page, data={"points": packed.points[0]}, config_json=json_island(config),
        layouts=[{"label": labels[v], "href": url(v), "thumb": packed.thumbs[v]} for v in variants],
        thumb_w=WIDTH, thumb_h=HEIGHT, **ctx)
    return {f"{name}/{PAGE}": html.encode("utf-8")}


def _figures(r: DatasetResult, variant: str) -> list[tuple[str, str]]:
    """A variant's quality figures for the pane header, as the about page names and formats them, e.g.
    [("recall@10", "0.512"), ("label@10 (chance)", "0.602 (0.080)")]; raw keys such as label_chance
    never reach the page."""
    quality = r.quality.get(variant) or {}
    columns = figure_columns(r.spec.evaluate.k, r.spec.evaluate.label, "trust" in quality)
    return [(c[2], format_figure(quality, c[0])) for c in columns if c[0] in quality]
