"""The static site: `write_site(results, out)` turns built datasets into a finished `dist/`.

Order (gather everything, then write): viewer bundle and static assets -> per dataset data files
(meta.pack_dataset) -> every page rendered to bytes in memory -> write into a temporary folder ->
compress (after the pages, so HTML gets .br/.gz too) -> verify -> swap in (output.publish).

Pages come from templates/*.j2 through one jinja2 Environment (autoescape on, StrictUndefined);
templates receive plain strings and lists, and the only JavaScript-visible data is the JSON config
island, escaped for a <script> element. Every link is relative, so dist/ works from any sub-path.
Contract with the viewer: docs/site-data.md.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sitegen.datatypes import DatasetResult
from sitegen.errors import BuildError
from sitegen.formats.datafiles import EAGER_SHARDS
from sitegen.formats.naming import hashed_name
from sitegen.formats.thumbs import HEIGHT, WIDTH
from sitegen.site.assets import TEMPLATES, Assets, load_assets
from sitegen.site.compress import compress_tree, compressible
from sitegen.site.headers import headers_file
from sitegen.site.output import publish, write_bytes
from sitegen.site.pages.about import about_context
from sitegen.site.pages.compare import PAGE as COMPARE_PAGE
from sitegen.site.pages.compare import compare_files
from sitegen.site.pages.entity import entity_pages
from sitegen.site.pages.gallery import gallery_card
from sitegen.site.pages.sweep import sheet_context
from sitegen.site.templating import json_island, plain_text, render, variant_label
from sitegen.site.viewer_config import nouns, viewer_config

RESERVED_DATASETS = {"assets"}
RESERVED_VARIANTS = {"e", "data"}
SITEMAP_MAX = 50_000  # URLs per sitemap file (sitemaps.org limit)
TOP_FALLBACK = 50  # entities linked from the no-JavaScript fallback


def write_site(results: list[DatasetResult], out: Path, *, viewer_dir: Path | None = None,
               source_date_epoch: int | None = None, sweeps: dict[str, list[dict]] | None = None) -> Path:
    """Build the whole site for `results` into `out` (e.g. dist/); the previous `out` survives a failure.

    viewer_dir: folder with the prebuilt viewer.js and viewer.css (default js/dist/).
    source_date_epoch: build time shown on about pages and in the sitemap; default the
    SOURCE_DATE_EPOCH environment variable, else no dates at all (byte-identical rebuilds either way).
    sweeps: dataset name -> `atlasgen sweep` rows (shape in sitegen/sweep_page.py), best first: adds
    `<dataset>/sweep.html` and its thumbnails, linked from the about page.
    """
    if source_date_epoch is None and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        source_date_epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    files = render_site(results, load_assets(viewer_dir), source_date_epoch, sweeps)

    def build(tmp: Path) -> None:
        for rel in sorted(files):
            write_bytes(tmp, rel, files[rel])
        compress_tree(tmp, on_demand=on_demand_files(results))

    def verify(tmp: Path) -> None:
        for rel in sorted(files):
            path = tmp / rel
            if not path.is_file() or path.stat().st_size != len(files[rel]):
                raise BuildError(f"build check failed: {rel} was not written completely")
            if compressible(path) and not path.with_name(path.name + ".br").is_file():
                raise BuildError(f"build check failed: {rel}.br is missing")

    return publish(Path(out), build, verify, source_date_epoch)


def on_demand_files(results: list[DatasetResult]) -> set[str]:
    """Paths (under dist/) of the data files no first visit fetches: the shards after the first of an
    atlas whose viewer loads shards on demand (js/src/loader.js: more than EAGER_SHARDS of them)."""
    return {f"{r.spec.name}/{rel}" for r in results if len(r.packed.shards) > EAGER_SHARDS
            for rel in r.packed.shards[1:]}


def _base(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


def _absolute(base: str) -> bool:
    return base.startswith(("http://", "https://"))


def _check(results: list[DatasetResult]) -> None:
    if not results:
        raise BuildError("no datasets to build")
    names = [r.spec.name for r in results]
    for name in names:
        if names.count(name) > 1:
            raise BuildError(f"dataset {name!r} is given twice")
        if name in RESERVED_DATASETS:
            raise BuildError(f"dataset name {name!r} collides with the site's {name}/ folder; rename the dataset")
    for r in results:
        n = len(r.entities)
        if r.packed is None:
            raise BuildError(f"{r.spec.name}: the data files are not packed (sitegen.stages.pack.with_packed)")
        if len(r.packed.neighbor_indptr) != n + 1:
            raise BuildError(f"{r.spec.name}: neighbour lists for {len(r.packed.neighbor_indptr) - 1} entities, expected {n}")
        for v in r.spec.variants:
            xy = r.layouts.get(v.name)
            if xy is None or getattr(xy, "shape", None) != (n, 2):
                raise BuildError(f"{r.spec.name}: layout {v.name!r} is missing or not of shape ({n}, 2)")
            if v.name != r.spec.default_variant and v.name in RESERVED_VARIANTS:
                raise BuildError(f"{r.spec.name}: variant name {v.name!r} collides with the {v.name}/ folder; rename it")


def render_site(results: list[DatasetResult], assets: Assets, source_date_epoch: int | None = None,
                sweeps: dict[str, list[dict]] | None = None) -> dict[str, bytes]:
    """Every file of the site, {path under dist/: bytes}, before compression."""
    _check(results)
    sweeps = sweeps or {}
    unknown = sorted(set(sweeps) - {r.spec.name for r in results})
    if unknown:
        raise BuildError(f"sweep results for {unknown[0]!r}, a dataset this build does not have")
    results = sorted(results, key=lambda r: r.spec.name)
    favicon = (TEMPLATES / "favicon.svg").read_bytes()
    asset_paths = {"favicon": f"assets/{hashed_name('favicon', '.svg', favicon)}", "site_css": assets.site_css,
                   "viewer_css": assets.viewer_css, "viewer_js": assets.viewer_js,
                   "compare_js": assets.compare_js, "compare_css": assets.compare_css}
    files = {**assets.files, asset_paths["favicon"]: favicon}
    site_base = next((_base(r.spec.site.base_url) for r in results if r.spec.site.base_url), "")
    lastmod = time.strftime("%Y-%m-%d", time.gmtime(source_date_epoch)) if source_date_epoch is not None else None
    common = {"assets": asset_paths, "theme_css": None}
    cards, urls = [], [""]
    for r in results:
        ds_files, card, ds_urls = render_dataset(r, common, source_date_epoch, sweeps.get(r.spec.name))
        files.update(ds_files)
        cards.append(card)
        urls += ds_urls
    themes = {r.spec.site.theme for r in results}
    theme = themes.pop() if len(themes) == 1 else "auto"  # atlases that disagree: the reader's setting
    first = cards[0]
    title = results[0].spec.site.title or results[0].spec.title if len(results) == 1 else "Atlases"
    page = {"title": title, "heading": title,
            "description": plain_text(results[0].spec.description) if len(results) == 1 else
            f"{len(results)} interactive maps: " + ", ".join(c["title"] for c in cards),
            "image": site_base + first["thumb"] if _absolute(site_base) else "", "image_alt": first["thumb_alt"],
            "url": site_base if _absolute(site_base) else ""}
    files["index.html"] = render("gallery.html.j2", root="", page=page, theme=theme, datasets=cards, **common)
    page404 = {**page, "title": "Page not found", "url": "", "image": ""}
    # 404.html is served at any depth, so its links use the site's base URL (or the host root).
    files["404.html"] = render("404.html.j2", root=site_base or "/", page=page404, theme=theme, **common)
    files.update(sitemaps(urls, site_base, lastmod))
    files["robots.txt"] = ("User-agent: *\nAllow: /\n" + (f"Sitemap: {site_base}sitemap.xml\n" if _absolute(site_base) else "")).encode()
    image_hosts = sorted({h for r in results for h in r.spec.site.image_hosts})
    files["_headers"] = headers_file(files, site_base, assets.needs_eval, image_hosts).encode()
    return files


def render_dataset(r: DatasetResult, common: dict, epoch: int | None,
                   sweep: list[dict] | None = None) -> tuple[dict[str, bytes], dict, list[str]]:
    """All files of one dataset (paths under dist/), its gallery card, and its page URLs for the sitemap."""
    spec = r.spec
    name, site = spec.name, spec.site
    title = site.title or spec.title
    n = len(r.entities)
    default = spec.default_variant
    variants = [default] + [v.name for v in spec.variants if v.name != default]
    labels = {v.name: variant_label(v) for v in spec.variants}
    packed = r.packed
    files = {f"{name}/{rel}": data for rel, data in packed.files.items()}
    theme_css = f":root{{--accent:{site.accent}}}\n".encode()  # accent is validated as #rrggbb
    theme_rel = f"data/{hashed_name('theme', '.css', theme_css)}"
    files[f"{name}/{theme_rel}"] = theme_css
    base = _base(site.base_url)
    absolute = base if _absolute(base) else ""
    description = plain_text(spec.description) or f"An interactive map of {n:,} {nouns(site)['entities']}."
    # og:image must be an absolute URL: without [site] base_url there is none to give
    image = lambda rel: (absolute + f"{name}/{rel}") if absolute else ""  # noqa: E731
    dataset = {"title": title, "count": f"{n:,}", "compare": COMPARE_PAGE if len(variants) > 1 else "", "nouns": nouns(site)}
    ctx = {**common, "theme": site.theme, "dataset": dataset, "theme_css": f"{name}/{theme_rel}"}
    ent = r.entities
    top = packed.paged[:TOP_FALLBACK]  # the most popular entities, each with a page
    urls = []

    for v in variants:
        depth = "" if v == default else "../"
        rel_dir = f"{name}/" if v == default else f"{name}/{v}/"
        config = viewer_config(r, v, [{"name": w, "label": labels[w],
                                        "url": depth + ("index.html" if w == default else f"{w}/index.html")}
                                       for w in variants], depth, depth + packed.thumbs[v])
        page = {"title": f"{title} ({labels[v]})" if v != default else title, "description": description,
                "image": image(packed.thumbs[v]),
                "image_alt": f"Overview of the {labels[v]} map of {title}", "url": absolute + rel_dir if absolute else ""}
        files[f"{rel_dir}index.html"] = render(
            "viewer.html.j2", root="../" + depth, ds_root=depth, page=page,
            data={"points": packed.points[0]}, config_json=json_island(config), overview=depth + packed.thumbs[v],
            overview_alt=page["image_alt"], thumb_w=WIDTH, thumb_h=HEIGHT, variant_label=labels[v],
            top=[{"href": f"{depth}e/{packed.slugs[i]}.html", "label": str(ent.labels[i]),
                  "note": f"{int(ent.counts[i]):,}"} for i in top],
            **ctx)
        urls.append(rel_dir)

    page = {"title": f"About {title}", "description": description, "image": image(packed.thumbs[default]),
            "image_alt": f"Overview of {title}", "url": ""}
    files[f"{name}/about.html"] = render("about.html.j2", root="../", page=page, sweep_href="sweep.html" if sweep else "",
                                          **about_context(r, epoch), **ctx)
    urls.append(f"{name}/about.html")
    if sweep:
        thumbs, sheet = sheet_context(spec, sweep, labels)
        files.update({f"{name}/{rel}": png for rel, png in thumbs.items()})
        page = {**page, "title": f"Parameter sweep · {title}"}
        files[f"{name}/sweep.html"] = render("sweep.html.j2", root="../", page=page, sheet=sheet, **ctx)
        urls.append(f"{name}/sweep.html")
    compare = compare_files(r, variants, labels, ctx)  # <dataset>/compare.html (2+ variants)
    files.update(compare)
    urls += sorted(compare)
    files.update(entity_pages(r, ctx, title, image(packed.thumbs[default]) if absolute else None))
    urls.append(f"{name}/e/index.html")
    urls += [f"{name}/e/{packed.slugs[i]}.html" for i in packed.paged]

    return files, gallery_card(r, variants, labels), urls


def sitemaps(urls: list[str], base: str, lastmod: str | None) -> dict[str, bytes]:
    """sitemap.xml (or a sitemap index plus sitemap-<k>.xml past 50,000 URLs). Relative when no base URL."""
    locs = [base + u if _absolute(base) else (u or "./") for u in urls]
    chunks = [locs[i : i + SITEMAP_MAX] for i in range(0, len(locs), SITEMAP_MAX)]
    if len(chunks) == 1:
        return {"sitemap.xml": render("sitemap.xml.j2", urls=locs, lastmod=lastmod)}
    files = {f"sitemap-{k + 1}.xml": render("sitemap.xml.j2", urls=c, lastmod=lastmod) for k, c in enumerate(chunks)}
    index = [(base if _absolute(base) else "") + f"sitemap-{k + 1}.xml" for k in range(len(chunks))]
    files["sitemap.xml"] = render("sitemap-index.xml.j2", urls=index, lastmod=lastmod)
    return files
