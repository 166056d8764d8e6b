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

import html
import json
import os
import re
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urlparse

import jinja2
from markupsafe import Markup

from .assets import TEMPLATES, Assets, hashed_name, load_assets
from .compare_page import PAGE as COMPARE_PAGE, compare_files
from .compress import compress_tree, compressible
from .errors import BuildError
from .clusters import map_views, membership
from .meta import Packed, format_number, pack_dataset
from .quality import figure_columns, format_figure
from .sweep_page import sheet_context
from .output import publish, write_bytes
from .tables import DatasetResult
from .thumbs import HEIGHT, WIDTH

CONFIG_VERSION = 1
RESERVED_DATASETS = {"assets"}
RESERVED_VARIANTS = {"e", "data"}
METHOD_LABELS = {"umap": "UMAP", "tsne": "t-SNE"}
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
        compress_tree(tmp)

    def verify(tmp: Path) -> None:
        for rel in sorted(files):
            path = tmp / rel
            if not path.is_file() or path.stat().st_size != len(files[rel]):
                raise BuildError(f"build check failed: {rel} was not written completely")
            if compressible(path) and not path.with_name(path.name + ".br").is_file():
                raise BuildError(f"build check failed: {rel}.br is missing")

    return publish(Path(out), build, verify, source_date_epoch)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=False, lstrip_blocks=False)
    return env


def render_markdown(text: str) -> Markup:
    """A safe subset of Markdown: paragraphs, [text](http(s) links), **strong**, *em*, `code`.

    The text is HTML-escaped first; only the fixed tags below are added afterwards.
    """
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        h = html.escape(" ".join(para.split()), quote=True)
        h = re.sub(r"`([^`]+)`", r"<code>\1</code>", h)
        h = re.sub(r"\*\*(\S(?:.*?\S)?)\*\*", r"<strong>\1</strong>", h)
        h = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"<em>\1</em>", h)
        h = re.sub(r"\[([^\[\]<>]+)\]\((https?://[^\s()<>]+)\)", r'<a href="\2" rel="nofollow noopener">\1</a>', h)
        if h:
            out.append(f"<p>{h}</p>")
    return Markup("\n".join(out))


def plain_text(text: str, limit: int = 300) -> str:
    """The first paragraph of a Markdown description as plain text, for meta descriptions."""
    first = re.split(r"\n\s*\n", text.strip())[0] if text.strip() else ""
    first = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", " ".join(first.split()))
    first = re.sub(r"[*`]", "", first)
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def json_island(obj) -> Markup:
    """JSON for <script type="application/json">: <, >, &, U+2028, U+2029 escaped so it cannot end the tag."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def _render(name: str, **ctx) -> bytes:
    return environment().get_template(name).render(**ctx).encode("utf-8")


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
        if getattr(r.cooc, "shape", None) != (n, n):
            raise BuildError(f"{r.spec.name}: cooc has shape {getattr(r.cooc, 'shape', None)}, expected ({n}, {n})")
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
    theme = "light" if themes == {"light"} else "dark"
    first = cards[0]
    title = results[0].spec.site.title or results[0].spec.title if len(results) == 1 else "Atlases"
    page = {"title": title, "heading": title,
            "description": plain_text(results[0].spec.description) if len(results) == 1 else
            f"{len(results)} interactive maps: " + ", ".join(c["title"] for c in cards),
            "image": (site_base if _absolute(site_base) else "") + first["thumb"], "image_alt": first["thumb_alt"],
            "url": site_base if _absolute(site_base) else ""}
    files["index.html"] = _render("gallery.html.j2", root="", page=page, theme=theme, datasets=cards, **common)
    page404 = {**page, "title": "Page not found", "url": "", "image": ""}
    # 404.html is served at any depth, so its links use the site's base URL (or the host root).
    files["404.html"] = _render("404.html.j2", root=site_base or "/", page=page404, theme=theme, **common)
    files.update(sitemaps(urls, site_base, lastmod))
    files["robots.txt"] = ("User-agent: *\nAllow: /\n" + (f"Sitemap: {site_base}sitemap.xml\n" if _absolute(site_base) else "")).encode()
    files["_headers"] = headers_file(files, site_base, assets.needs_eval).encode()
    return files


def _variant_label(v) -> str:
    if v.label:
        return v.label
    return METHOD_LABELS.get(v.name, v.name) if v.name == v.method else v.name


def render_dataset(r: DatasetResult, common: dict, epoch: int | None,
                   sweep: list[dict] | None = None) -> tuple[dict[str, bytes], dict, list[str]]:
    """All files of one dataset (paths under dist/), its gallery card, and its page URLs for the sitemap."""
    spec = r.spec
    name, site = spec.name, spec.site
    title = site.title or spec.title
    n = len(r.entities)
    default = spec.default_variant
    variants = [default] + [v.name for v in spec.variants if v.name != default]
    labels = {v.name: _variant_label(v) for v in spec.variants}
    fspecs = spec.entities.fields if spec.entities else {}
    packed = pack_dataset(r, variants, site.color_by, site.accent, site.theme,
                          {k: f.label for k, f in fspecs.items() if f.label}, list(fspecs))
    files = {f"{name}/{rel}": data for rel, data in packed.files.items()}
    theme_css = f":root{{--accent:{site.accent}}}\n".encode()  # accent is validated as #rrggbb
    theme_rel = f"data/{hashed_name('theme', '.css', theme_css)}"
    files[f"{name}/{theme_rel}"] = theme_css
    base = _base(site.base_url)
    absolute = base if _absolute(base) else ""
    description = plain_text(spec.description) or f"An interactive map of {n:,} entities."
    image = lambda rel: (absolute + f"{name}/{rel}") if absolute else rel  # noqa: E731
    dataset = {"title": title, "count": f"{n:,}", "compare": COMPARE_PAGE if len(variants) > 1 else ""}
    ctx = {**common, "theme": site.theme, "dataset": dataset, "theme_css": f"{name}/{theme_rel}"}
    ent = r.entities
    top = sorted(range(n), key=lambda i: (-int(ent.counts[i]), i))[:TOP_FALLBACK]
    urls = []

    for v in variants:
        depth = "" if v == default else "../"
        rel_dir = f"{name}/" if v == default else f"{name}/{v}/"
        config = {
            "version": CONFIG_VERSION, "dataset": name, "title": title, "accent": site.accent, "theme": site.theme,
            "variant": v,
            "variants": [{"name": w, "label": labels[w],
                          "url": depth + ("index.html" if w == default else f"{w}/index.html")} for w in variants],
            "points": packed.points, "meta": packed.meta, "neighbors": packed.neighbors,
            "root": depth, "entityPage": "e/{slug}.html", "colorBy": site.color_by,
            "fields": [f.descriptor() for f in packed.fields], "count": n,
            "overview": depth + packed.thumbs[v],
        }
        page = {"title": f"{title} ({labels[v]})" if v != default else title, "description": description,
                "image": image(packed.thumbs[v]) if absolute else depth + packed.thumbs[v],
                "image_alt": f"Overview of the {labels[v]} map of {title}", "url": absolute + rel_dir if absolute else ""}
        files[f"{rel_dir}index.html"] = _render(
            "viewer.html.j2", root="../" + depth, ds_root=depth, page=page,
            data={"points": packed.points}, config_json=json_island(config), overview=depth + packed.thumbs[v],
            overview_alt=page["image_alt"], thumb_w=WIDTH, thumb_h=HEIGHT, variant_label=labels[v],
            top=[{"href": f"{depth}e/{packed.slugs[i]}.html", "label": str(ent.labels[i]),
                  "note": f"{int(ent.counts[i]):,}"} for i in top],
            **ctx)
        urls.append(rel_dir)

    page = {"title": f"About {title}", "description": description, "image": image(packed.thumbs[default]),
            "image_alt": f"Overview of {title}", "url": ""}
    files[f"{name}/about.html"] = _render("about.html.j2", root="../", page=page, sweep_href="sweep.html" if sweep else "",
                                          **about_context(r, packed, epoch), **ctx)
    urls.append(f"{name}/about.html")
    if sweep:
        thumbs, sheet = sheet_context(spec, sweep, labels)
        files.update({f"{name}/{rel}": png for rel, png in thumbs.items()})
        page = {**page, "title": f"Parameter sweep · {title}"}
        files[f"{name}/sweep.html"] = _render("sweep.html.j2", root="../", page=page, sheet=sheet, **ctx)
        urls.append(f"{name}/sweep.html")
    compare = compare_files(r, packed, variants, labels, ctx)  # <dataset>/compare.html (2+ variants)
    files.update(compare)
    urls += sorted(compare)
    files.update(entity_pages(r, packed, ctx, title, image(packed.thumbs[default]) if absolute else None))
    urls.append(f"{name}/e/index.html")
    urls += [f"{name}/e/{s}.html" for s in packed.slugs]

    card = {"href": f"{name}/index.html", "title": title,
            "description": render_markdown(re.split(r"\n\s*\n", spec.description.strip())[0]) if spec.description.strip() else "",
            "count": f"{n:,}", "thumb": f"{name}/{packed.thumbs[default]}", "thumb_alt": f"Overview of {title}",
            "thumb_w": WIDTH, "thumb_h": HEIGHT, "about": f"{name}/about.html",
            "variants": [{"href": f"{name}/index.html" if v == default else f"{name}/{v}/index.html", "label": labels[v]}
                         for v in variants]}
    return files, card, urls


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
STAGE_LABELS = {"load": "Load and filter", "cooccurrence": "Co-occurrence", "knn": "Association + kNN graph",
                "embed": "PyMDE embedding", "project": "Projection: {}"}


def _fmt_stat(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def about_context(r: DatasetResult, packed: Packed, epoch: int | None) -> dict:
    spec = r.spec
    n = len(r.entities)
    nnz = int(getattr(r.cooc, "nnz", 0))
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
    names = {v.name: _variant_label(v) for v in spec.variants}
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


def entity_pages(r: DatasetResult, packed: Packed, ctx: dict, title: str, image: str | None) -> dict[str, bytes]:
    """`<dataset>/e/<slug>.html` for every entity and the A-Z index `e/index.html` (one compiled template)."""
    name = r.spec.name
    ent = r.entities
    labels = [str(x) for x in ent.labels]
    slugs = packed.slugs
    tpl = environment().get_template("entity.html.j2")
    ip, idx, w = packed.neighbor_indptr, packed.neighbor_indices, packed.neighbor_weights
    in_cluster = cluster_links(r.clusters.get(r.spec.default_variant))
    files = {}
    for i in range(len(ent)):
        e = {
            "label": labels[i], "id": str(ent.ids[i]), "count": f"{int(ent.counts[i]):,}",
            "map_href": "../index.html#" + urlencode({"sel": str(ent.ids[i])}),
            "cluster": in_cluster[i] if in_cluster else None,
            "fields": [(f.label, val) for f in packed.fields if (val := f.display(i))],
            "related": [{"href": f"{slugs[j]}.html", "label": labels[j], "weight": format_number(wt)}
                        for j, wt in zip(idx[ip[i]:ip[i + 1]].tolist(), w[ip[i]:ip[i + 1]].tolist())],
        }
        page = {"title": f"{labels[i]} · {title}", "description": f"{labels[i]}: in {e['count']} collections of {title}.",
                "image": image or f"../{packed.thumbs[r.spec.default_variant]}", "image_alt": f"Overview of {title}", "url": ""}
        files[f"{name}/e/{slugs[i]}.html"] = tpl.render(root="../../", page=page, e=e, **ctx).encode("utf-8")
    order = sorted(range(len(ent)), key=lambda i: (labels[i].casefold(), slugs[i]))
    page = {"title": f"All entities · {title}", "description": f"Every entity of {title}.",
            "image": image or f"../{packed.thumbs[r.spec.default_variant]}", "image_alt": f"Overview of {title}", "url": ""}
    files[f"{name}/e/index.html"] = _render(
        "entities.html.j2", root="../../", page=page,
        entities=[{"href": f"{slugs[i]}.html", "label": labels[i], "note": f"{int(ent.counts[i]):,}"} for i in order],
        **ctx)
    return files


def cluster_links(c: dict | None) -> list[dict | None]:
    """Per entity: its cluster in the default layout, {"label", "href"} to the map centred on it, or None."""
    if not c:
        return []
    views = map_views(c)
    links = [{"label": label, "href": f"../index.html#{view}"} for label, view in zip(c["labels"], views)]
    return [links[k] if k >= 0 else None for k in membership(c).tolist()]


def sitemaps(urls: list[str], base: str, lastmod: str | None) -> dict[str, bytes]:
    """sitemap.xml (or a sitemap index plus sitemap-<k>.xml past 50,000 URLs). Relative when no base URL."""
    locs = [base + u if _absolute(base) else (u or "./") for u in urls]
    chunks = [locs[i : i + SITEMAP_MAX] for i in range(0, len(locs), SITEMAP_MAX)]
    if len(chunks) == 1:
        return {"sitemap.xml": _render("sitemap.xml.j2", urls=locs, lastmod=lastmod)}
    files = {f"sitemap-{k + 1}.xml": _render("sitemap.xml.j2", urls=c, lastmod=lastmod) for k, c in enumerate(chunks)}
    index = [(base if _absolute(base) else "") + f"sitemap-{k + 1}.xml" for k in range(len(chunks))]
    files["sitemap.xml"] = _render("sitemap-index.xml.j2", urls=index, lastmod=lastmod)
    return files


def headers_file(files: dict[str, bytes], base: str, needs_eval: bool) -> str:
    """Netlify / Cloudflare Pages `_headers`: CSP for every page, immutable caching for hashed files."""
    prefix = urlparse(base).path if base else "/"
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    script = "'self' 'unsafe-eval'" if needs_eval else "'self'"
    csp = (f"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data: blob:; "
           "connect-src 'self'; font-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'")
    lines = [f"{prefix}*", f"  Content-Security-Policy: {csp}", "  X-Content-Type-Options: nosniff",
             "  Referrer-Policy: strict-origin-when-cross-origin", "", f"{prefix}assets/*",
             "  Cache-Control: public, max-age=31536000, immutable", ""]
    for d in sorted({rel.split("/")[0] for rel in files if "/data/" in rel}):
        lines += [f"{prefix}{d}/data/*", "  Cache-Control: public, max-age=31536000, immutable", ""]
    types = {".bin": "application/octet-stream", ".msgpack": "application/vnd.msgpack"}
    for rel in sorted(files):
        ext = Path(rel).suffix
        if ext in types:
            lines += [f"{prefix}{rel}", f"  Content-Type: {types[ext]}", ""]
    return "\n".join(lines)
