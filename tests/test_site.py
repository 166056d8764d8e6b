"""End-to-end tiny builds of the static site: links, compression, escaping, determinism, atomic output."""

from __future__ import annotations

import gzip
import html.parser
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import brotli
import msgpack
import numpy as np
import pytest
from site_fixtures import XSS_IMG, XSS_SCRIPT, read_site_data, tiny_result, viewer_bundle

from sitegen.errors import BuildError
from sitegen.formats.datafiles import entity_slugs, fnv1a32, top_neighbors
from sitegen.site.assets import load_assets
from sitegen.site.templating import json_island, render_markdown
from sitegen.site.viewer_config import viewer_config
from sitegen.site.write import render_site, write_site


def results():
    return [tiny_result(), tiny_result("other", n=25, seed=1, variants=("tsne",), theme="light",
                                       base_url="https://example.org/atlas")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    out = write_site(results(), root / "dist", viewer_dir=viewer_bundle(root / "bundle"), source_date_epoch=1_700_000_000)
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.island: list[str] = []
        self.scripts: list[dict] = []
        self._in_island = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.links.append(a[key])
        if tag == "meta" and a.get("property") == "og:image":
            self.links.append(a["content"])
        if tag == "script":
            self.scripts.append(a)
            self._in_island = a.get("type") == "application/json"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_island = False

    def handle_data(self, data):
        if self._in_island:
            self.island.append(data)


def resolve(root: Path, page: str, link: str) -> Path | None:
    """The file a relative link from `page` points at (None for external links and pure fragments)."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    target = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    assert not target.startswith(".."), f"{page}: {link} leaves the site"
    p = root / target
    return p / "index.html" if p.is_dir() or path.endswith("/") else p


def test_every_internal_link_resolves(built):
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))
    assert "index.html" in pages and "404.html" in pages
    checked = 0
    for page in pages:
        parser = Links()
        parser.feed((built / page).read_text(encoding="utf-8"))
        links = list(parser.links)
        if parser.island:
            cfg = json.loads("".join(parser.island))
            ds = posixpath.normpath(posixpath.join(posixpath.dirname(page), cfg["root"] or "."))
            to_ds = lambda rel: posixpath.relpath(posixpath.join(ds, rel), posixpath.dirname(page))  # noqa: E731
            links += [to_ds(rel) for rel in [*cfg["points"], cfg["meta"], *cfg["shards"], *cfg["ids"]]]
            links += [cfg["overview"]] + [v["url"] for v in cfg["variants"]]
            data = read_site_data(built / ds / "data")
            links += [to_ds(cfg["entityPage"].replace("{slug}", s)) for s in data["slugs"] if s]
        for link in links:
            target = resolve(built, page, link)
            if target is not None:
                assert target.is_file(), f"{page}: broken link {link!r}"
                checked += 1
    assert checked > 500


def test_compressed_siblings_decompress_to_the_original(built):
    brs = sorted(built.rglob("*.br"))
    assert brs
    for br in brs:
        original = br.with_suffix("")
        assert brotli.decompress(br.read_bytes()) == original.read_bytes(), br
    for gz in built.rglob("*.gz"):
        original = gz.with_suffix("")
        assert gzip.decompress(gz.read_bytes()) == original.read_bytes(), gz
        assert len(gz.read_bytes()) < len(original.read_bytes())
    for f in built.rglob("*"):
        if f.suffix in (".html", ".js", ".css", ".bin", ".msgpack", ".xml", ".svg"):
            assert f.with_name(f.name + ".br").is_file(), f
    assert not list(built.rglob("*.png.br"))


def test_entity_pages_for_every_entity(built):
    for r in results():  # fewer entities than the default [site] entity_pages
        meta = read_site_data(built / r.spec.name / "data")
        assert meta["ids"] == [str(x) for x in r.entities.ids]
        pages = {p.stem for p in (built / r.spec.name / "e").glob("*.html")} - {"index"}
        assert pages == set(meta["slugs"]) and len(meta["slugs"]) == len(r.entities)
        for slug in meta["slugs"]:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    page = (built / "tiny" / "e" / "item-5-a-b-c-d-e.html").read_text()
    assert 'href="../index.html#sel=a+b%2Fc%3Fd%23e"' in page  # URLSearchParams-encoded id


def test_xss_strings_only_escaped(built):
    seen_escaped = 0
    for f in sorted(built.rglob("*.html")):
        text = f.read_text(encoding="utf-8")
        assert XSS_IMG not in text, f
        assert "</script><script>" not in text, f
        assert "<img src=x" not in text, f
        parser = Links()
        parser.feed(text)
        # only the JSON island and the viewer bundle may be scripts; neither is inline code
        for s in parser.scripts:
            assert s.get("type") == "application/json" or (s.get("src") and "defer" in s), (f, s)
        seen_escaped += "&lt;img src=x onerror=alert(1)&gt;" in text
    assert seen_escaped > 3
    viewer = (built / "tiny" / "index.html").read_text()
    parser = Links()
    parser.feed(viewer)
    cfg = json.loads("".join(parser.island))
    assert XSS_SCRIPT in cfg["fields"][0]["categories"]  # the text survives, as data
    assert "\\u003c/script\\u003e" in viewer


def packed_fields(r):
    return r.packed.fields


def test_data_files_decode_and_match_the_contract(built):
    r = results()[0]
    data = built / "tiny" / "data"
    both = read_site_data(data)
    t = both["points"]
    assert t.n == len(r.entities)
    assert {"xy:umap", "xy:tsne", "size", "genre", "tags", "year"} <= set(t.columns)
    assert np.abs(t.positions("tsne") - r.layouts["tsne"]).max() < 1e-4
    meta_bytes = next(data.glob("meta.*.msgpack")).read_bytes()
    meta = msgpack.unpackb(meta_bytes)
    assert list(meta) == sorted(meta)
    assert meta["version"] == 2 and meta["n"] == len(r.entities)
    assert np.frombuffer(meta["counts"], "<u4").tolist() == [int(c) for c in r.entities.counts]
    # category and number fields: in the points file only (the viewer filters and colours from there)
    assert "genre" not in meta["fields"] and "year" not in meta["fields"]
    cats = next(f for f in packed_fields(r) if f.name == "genre").categories
    codes = t.columns["genre"].data.astype(int)
    assert [cats[c] if c != 0xFF else None for c in codes] == list(r.entities.fields["genre"])
    tags = meta["fields"]["tags"]
    ip = np.frombuffer(tags["indptr"], "<u4")
    tc = np.frombuffer(tags["codes"], "<u2")
    assert [tuple(tags["categories"][c] for c in tc[ip[i]:ip[i + 1]]) for i in range(meta["n"])] == \
        list(r.entities.fields["tags"])
    year = t.number("year")
    np.testing.assert_array_equal(np.isnan(year), np.isnan(r.entities.fields["year"]))
    assert "note" not in meta["fields"] and both["text"]["note"][4] == XSS_IMG  # text fields: in the shards
    ip, idx, w = both["nb_indptr"], both["nb_indices"], both["nb_weights"]
    dense = r.cooc.toarray()
    for i in range(meta["n"]):
        row = w[ip[i]:ip[i + 1]]
        assert (np.diff(row) <= 0).all() and len(row) == min(15, (dense[i] > 0).sum())
        np.testing.assert_array_equal(row, dense[i, idx[ip[i]:ip[i + 1]]])


def test_same_input_same_bytes(tmp_path, built):
    bundle = viewer_bundle(tmp_path / "bundle")
    a = write_site(results(), tmp_path / "a" / "dist", viewer_dir=bundle, source_date_epoch=1_700_000_000)
    b = write_site(list(reversed(results())), tmp_path / "b" / "dist", viewer_dir=bundle,
                   source_date_epoch=1_700_000_000)
    assert tree(a) == tree(b) == tree(built)
    again = write_site(results(), a, viewer_dir=bundle, source_date_epoch=1_700_000_000)  # rebuild in place
    assert tree(again) == tree(built)


def test_no_dates_without_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = write_site(results()[:1], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "b"))
    assert "<lastmod>" not in (out / "sitemap.xml").read_text()
    assert "Built " not in (out / "tiny" / "about.html").read_text()


def test_failed_build_leaves_previous_dist_untouched(tmp_path):
    bundle = viewer_bundle(tmp_path / "bundle")
    out = write_site(results()[:1], tmp_path / "dist", viewer_dir=bundle)
    before = tree(out)
    with pytest.raises(BuildError, match=re.escape("npm --prefix js ci && npm --prefix js run build")):
        write_site(results(), out, viewer_dir=tmp_path / "missing")
    bad = tiny_result("broken")
    bad.layouts["tsne"] = bad.layouts["tsne"][:3]
    with pytest.raises(BuildError, match="broken: layout 'tsne'"):
        write_site([bad], out, viewer_dir=bundle)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle", "dist"]  # no temp folders left


def test_failure_while_writing_cleans_up(tmp_path, monkeypatch):
    bundle = viewer_bundle(tmp_path / "bundle")
    out = write_site(results()[:1], tmp_path / "dist", viewer_dir=bundle)
    before = tree(out)
    import sitegen.site.write as site_mod

    def boom(root, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(site_mod, "compress_tree", boom)
    with pytest.raises(OSError, match="disk full"):
        write_site(results(), out, viewer_dir=bundle)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle", "dist"]


def test_headers_and_sitemap(built):
    headers = (built / "_headers").read_text()
    assert "Content-Security-Policy:" in headers and "unsafe-inline" not in headers
    assert "script-src 'self';" in headers  # the placeholder bundle needs no eval
    assert "/assets/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert "/atlas/*.bin\n  Content-Type: application/octet-stream" in headers
    sitemap = (built / "sitemap.xml").read_text()
    assert "<loc>https://example.org/atlas/tiny/e/item-0-id0.html</loc>" in sitemap
    assert "<lastmod>2023-11-14</lastmod>" in sitemap
    gallery = (built / "index.html").read_text()
    assert '<meta property="og:image" content="https://example.org/atlas/other/data/thumb-tsne.' in gallery
    other = (built / "other" / "index.html").read_text()
    assert '<meta property="og:url" content="https://example.org/atlas/other/">' in other
    assert (built / "robots.txt").read_text().endswith("Sitemap: https://example.org/atlas/sitemap.xml\n")


def test_csp_allows_eval_only_when_the_bundle_needs_it(tmp_path):
    bundle = viewer_bundle(tmp_path / "bundle")
    (bundle / "viewer.js").write_text("var f=Function.apply(null,['return 1']);\n")
    files = render_site(results()[:1], load_assets(bundle))
    assert "script-src 'self' 'unsafe-eval';" in files["_headers"].decode()


def test_thumbnails_are_deterministic_pngs(built):
    from PIL import Image

    thumbs = sorted(built.rglob("thumb-*.png"))
    assert len(thumbs) == 3
    for t in thumbs:
        with Image.open(t) as im:
            assert im.size == (600, 315) and im.format == "PNG"
            assert len(im.getcolors(maxcolors=1 << 16)) > 3  # points in more than one colour on the background


def test_about_page(built):
    about = (built / "tiny" / "about.html").read_text()
    for text in ("CC-BY 4.0", "https://example.org/data", "recall@10", "0.51", "Load and filter", "Co-occurrence, association + kNN graph",
                 "Projection: umap", "graph.n_neighbors", "variants[1].perplexity",
                 "Entities kept (filter.min_entity_count)", "Collections kept", "Note", "Built 2023-11-14"):
        assert text in about, text
    assert 'href="javascript:' not in about
    assert "<em>tiny</em>" in about


def test_markdown_subset_is_safe():
    out = str(render_markdown('*hi* **there** `x<y` [ok](https://a.b/c?d=1&e=2) [no](javascript:alert(1))\n\n'
                              '<script>alert(1)</script> [x](http://e.f" onmouseover="alert(1))'))
    assert "<em>hi</em>" in out and "<strong>there</strong>" in out and "<code>x&lt;y</code>" in out
    assert '<a href="https://a.b/c?d=1&amp;e=2" rel="nofollow noopener">ok</a>' in out
    assert "javascript:" in out and 'href="javascript' not in out
    assert "<script>" not in out and "onmouseover=\"" not in out


def test_json_island_escapes_script_breakers():
    s = str(json_island({"a": "</script><!-- & \u2028\u2029"}))
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s and "\u2029" not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028\u2029"}


def test_slugs_unique_and_url_safe():
    ids = np.array(["1", "1 ", "é", "日本", "日本語", "x" * 200, "a"], dtype=object)
    labels = np.array(["Same", "Same", "Café", "", "", "long" * 50, "A"], dtype=object)
    slugs = entity_slugs(ids, labels)
    assert len(set(slugs)) == len(slugs)
    assert slugs[0] == "same-1" and slugs[1] == "same-1-2" and slugs[2] == "cafe-e" and slugs[6] == "a"
    for s in slugs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) and len(s) <= 130


def test_top_neighbors_order_and_ties():
    import scipy.sparse as sp

    m = sp.csr_matrix(np.array([[0, 2, 2, 1], [2, 0, 0, 0], [2, 0, 0, 5], [1, 0, 5, 0]], dtype=np.float32))
    ip, idx, w = top_neighbors(m, k=2)
    assert ip.tolist() == [0, 2, 3, 5, 7]
    assert idx.tolist() == [1, 2, 0, 3, 0, 2, 0] and w.tolist() == [2, 2, 2, 5, 2, 5, 1]


def test_reserved_names_rejected(tmp_path):
    bundle = viewer_bundle(tmp_path / "bundle")
    with pytest.raises(BuildError, match="no datasets"):
        write_site([], tmp_path / "dist", viewer_dir=bundle)
    with pytest.raises(BuildError, match="given twice"):
        write_site([tiny_result(), tiny_result()], tmp_path / "dist", viewer_dir=bundle)
    with pytest.raises(BuildError, match="collides with the e/ folder"):
        write_site([tiny_result(variants=("umap", "e"))], tmp_path / "dist", viewer_dir=bundle)
    assert not (tmp_path / "dist").exists()


def test_ten_thousand_entity_pages_render(tmp_path):
    """With entity_pages >= n every entity gets its page (timing: benchmarks/bench_site.py, not asserted here)."""
    r = tiny_result("big", n=10_000, seed=3, entity_pages=10_000)
    assets = load_assets(viewer_bundle(tmp_path / "bundle"))
    files = render_site([r], assets)
    assert sum(1 for f in files if f.startswith("big/e/")) == 10_001


def test_slugs_transliterate_rather_than_drop_letters():
    slugs = entity_slugs(np.array(["1", "2", "3"], dtype=object),
                         np.array(["Ünïcødé", "Straße Ørsted", "東京"], dtype=object))
    assert slugs == ["unicode-1", "strasse-orsted-2", "dongjing-3"]


def test_pages_are_written_without_bidirectional_controls():
    from sitegen.site.templating import environment

    hostile = "evil\u202egnp.exe\u202c \u2066x\u2069"
    html = environment().from_string("<h1>{{ label }}</h1><p title=\"{{ label }}\">{{ label|safe }}</p>").render(label=hostile)
    assert html == '<h1>evilgnp.exe x</h1><p title="evilgnp.exe x">evilgnp.exe x</p>'


def test_og_image_is_absolute_or_absent(built):
    """og:image needs an absolute URL: pages of a dataset without base_url have none (issue 10)."""
    for page in [built / "tiny" / "index.html", built / "tiny" / "about.html", built / "tiny" / "e" / "index.html"]:
        assert 'property="og:image"' not in page.read_text(), page
    for page in [built / "other" / "index.html", built / "other" / "about.html", built / "other" / "e" / "index.html"]:
        assert re.search(r'property="og:image" content="https://example\.org/atlas/other/', page.read_text()), page


def test_nouns_name_the_things():
    """[site] entity_noun / collection_noun reach the viewer config, in singular and plural."""
    from sitegen.site.viewer_config import nouns, plural

    assert [plural(w) for w in ("book", "box", "story", "day", "reader's list", "match")] == [
        "books", "boxes", "stories", "days", "reader's lists", "matches"]
    r = tiny_result()
    site = r.spec.site.model_copy(update={"entity_noun": "book", "collection_noun": "reader's list"})
    assert nouns(site) == {"entity": "book", "entities": "books", "collection": "reader's list",
                           "collections": "reader's lists"}


def test_core_box_leaves_out_far_outliers_only():
    """The viewer's first view fits `cores[variant]`: the 1-99th percentile box widened by 10 %, so a
    far outlier is left out and a layout without outliers keeps its full bounds."""
    from sitegen.site.viewer_config import core_box

    rng = np.random.default_rng(0)
    even = rng.uniform(-1, 1, (2000, 2))
    even[0], even[1] = (-1, -1), (1, 1)
    assert core_box(even) == [-1.0, -1.0, 1.0, 1.0]
    body = np.vstack([rng.uniform(-0.5, 0.5, (2000, 2)) * [1, 0.6], [[1.0, 1.0]]])  # one far point
    x0, y0, x1, y1 = core_box(body)
    assert -0.6 < x0 < -0.49 and 0.49 < x1 < 0.6 and -0.4 < y0 < -0.29 and 0.29 < y1 < 0.4
    r = tiny_result()
    cfg = viewer_config(r, r.spec.default_variant, [], "", "")
    assert sorted(cfg["cores"]) == sorted(r.layouts) and all(len(b) == 4 for b in cfg["cores"].values())


def test_capped_site_has_pages_for_the_most_popular_only(tmp_path):
    """[site] entity_pages = 5: five entity pages, the A-Z list and the sitemap name exactly those, pages link
    other entities to the map (#sel=<id>), and the shards and id buckets still cover every entity."""
    r = tiny_result("capped", n=40, seed=3, entity_pages=5)
    out = write_site([r], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "bundle"))
    ds = out / "capped"
    data = read_site_data(ds / "data")
    top = [int(i) for i in np.lexsort((np.arange(40), -r.entities.counts))[:5]]
    want = {entity_slugs(r.entities.ids, r.entities.labels)[i] for i in top}
    assert {p.stem for p in (ds / "e").glob("*.html")} == want | {"index"}
    assert [bool(s) for s in data["slugs"]] == [i in top for i in range(40)]  # the viewer links only real pages
    assert {s for s in data["slugs"] if s} == want
    az = (ds / "e" / "index.html").read_text()
    every = entity_slugs(r.entities.ids, r.entities.labels)
    assert {s for s in every if f'href="{s}.html"' in az} == want
    assert "the 5 most popular of 40 entities" in az
    sitemap = (out / "sitemap.xml").read_text()
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")} - {"404.html"}
    page_of = lambda u: "index.html" if u == "./" else u + "index.html" if u.endswith("/") else u  # noqa: E731
    assert {page_of(u) for u in listed} == pages
    # an entity page links a neighbour without a page to the map, by id
    ip, idx = data["nb_indptr"], data["nb_indices"]
    i = next(i for i in top if any(int(j) not in top for j in idx[ip[i]:ip[i + 1]]))
    j = next(int(j) for j in idx[ip[i]:ip[i + 1]] if int(j) not in top)
    page = (ds / "e" / f"{data['slugs'][i]}.html").read_text()
    assert 'href="../index.html#' + urlencode({"sel": data["ids"][j]}).replace("&", "&amp;") + '"' in page
    # every id finds its entity through its bucket
    buckets = data["id_buckets"]
    for k, ident in enumerate(data["ids"]):
        b = buckets[fnv1a32(ident) % len(buckets)]
        assert np.frombuffer(b["index"], "<u4")[b["ids"].index(ident)] == k
    assert fnv1a32("") == 0x811C9DC5 and fnv1a32("a") == 0xE40C292C  # the published FNV-1a test vectors


def test_site_file_budget_at_scale(tmp_path):
    """Shards and chunks keep the file count flat in n: 3,000 entities and 40 pages cost a fixed few files."""
    r = tiny_result("wide", n=3000, seed=4, variants=("umap",), entity_pages=40)
    out = write_site([r], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "bundle"))
    names = [p.relative_to(out / "wide").as_posix() for p in (out / "wide").rglob("*") if p.is_file()]
    plain = [n for n in names if not n.endswith((".br", ".gz"))]
    assert sum(n.startswith("e/") for n in plain) == 41
    assert sum(n.startswith("data/shard-") for n in plain) == 2  # ceil(3000 / SHARD_ROWS)
    assert sum(n.startswith("data/ids-") for n in plain) == 2
    assert sum(n.startswith("data/points-") for n in plain) == 1


def with_cover(r, hosts: list[str]):
    """`r` with an image field "cover" (a URL on every third entity, one of them on a host not listed)
    and `[site] image_hosts = hosts`, packed again."""
    import dataclasses

    from sitegen.spec import FieldSpec
    from sitegen.stages.pack import with_packed

    n = len(r.entities)
    urls = np.array([f"https://images.example.org/{i}.jpg" if i % 3 == 0 else "" for i in range(n)], dtype=object)
    urls[3] = "https://elsewhere.example.com/3.jpg"
    es = r.spec.entities
    spec = r.spec.model_copy(update={
        "entities": es.model_copy(update={"fields": {**es.fields, "cover": FieldSpec(type="image", label="Cover")}}),
        "site": r.spec.site.model_copy(update={"image_hosts": hosts})})
    ent = dataclasses.replace(r.entities, fields={**r.entities.fields, "cover": urls},
                              field_types={**r.entities.field_types, "cover": "image"})
    return with_packed(dataclasses.replace(r, spec=spec, entities=ent, packed=None))


def test_image_fields_reach_the_viewer_and_their_hosts_the_csp(tmp_path):
    pics = with_cover(tiny_result("pics"), ["images.example.org"])
    other = with_cover(tiny_result("other", n=25, seed=1, variants=("tsne",)), ["cdn.example.net", "images.example.org"])
    out = write_site([pics, other], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "bundle"))
    # one policy for the whole site: every dataset's hosts, and no other
    csp = re.search(r"Content-Security-Policy: (.*)", (out / "_headers").read_text()).group(1)
    assert "img-src 'self' data: blob: cdn.example.net images.example.org;" in csp
    page = (out / "pics" / "index.html").read_text()
    config = json.loads(re.search(r'<script type="application/json" id="atlas-config">(.*?)</script>', page, re.S).group(1))
    assert config["imageHosts"] == ["images.example.org"]
    assert {"name": "cover", "label": "Cover", "type": "image"} in config["fields"]
    data = read_site_data(out / "pics" / "data")
    # the URLs travel with the shards' text (never in the core file: no filter or colour-by on them)
    assert "cover" not in data["fields"]
    assert data["text"]["cover"][:4] == ["https://images.example.org/0.jpg", "", "", "https://elsewhere.example.com/3.jpg"]
    # without image hosts the policy names none
    plain = render_site([tiny_result()], load_assets(viewer_bundle(tmp_path / "b2")))
    assert "img-src 'self' data: blob:;" in plain["_headers"].decode()


def test_pages_follow_the_system_theme_unless_the_spec_pins_one(tmp_path):
    out = write_site([tiny_result("auto"), tiny_result("pinned", n=25, seed=1, variants=("tsne",), theme="light")],
                     tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "bundle"))
    about = (out / "auto" / "about.html").read_text()
    assert '<meta name="color-scheme" content="dark light">' in about and 'class="theme-auto ' in about
    assert '<meta name="color-scheme" content="light">' in (out / "pinned" / "about.html").read_text()
    assert 'class="theme-auto ' in (out / "index.html").read_text()  # a gallery of both: the reader's setting
    css = next((out / "assets").glob("site.*.css")).read_text()
    light = re.search(r"\.theme-light\{([^}]*)\}", css).group(1)
    assert re.search(r"@media \(prefers-color-scheme:light\)\{\.theme-auto\{" + re.escape(light) + r"\}\}", css)


def test_entity_pages_show_pictures_from_allowed_hosts_only(tmp_path):
    pics = with_cover(tiny_result("pics"), ["images.example.org"])
    out = write_site([pics], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "bundle"))
    slugs = pics.packed.slugs
    page = lambda i: (out / "pics" / "e" / f"{slugs[i]}.html").read_text()  # noqa: E731
    assert '<img class="entity-pic" src="https://images.example.org/0.jpg" alt="Item 0"' in page(0)
    assert "elsewhere.example.com" not in page(3) and "entity-pic" not in page(3)  # a host not listed
    assert "entity-pic" not in page(4) and "<dt>Cover</dt>" not in page(0)  # no URL as text either
