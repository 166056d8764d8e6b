"""The compare page (sitegen/compare_page.py): written for datasets with two or more variants only,
links resolve, config island as the viewer expects, metadata escaped, linked from the other pages."""

from __future__ import annotations

import json
import re

import pytest
from site_fixtures import XSS_IMG, XSS_SCRIPT, tiny_result, viewer_bundle
from test_site import Links, resolve

from sitegen.errors import BuildError
from sitegen.site.assets import load_assets
from sitegen.site.write import write_site


def results():
    return [tiny_result(), tiny_result("other", n=25, seed=1, variants=("tsne",), theme="light"),
            tiny_result("three", n=30, seed=2, variants=("umap", "tsne", "umap2"), default_variant="tsne")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    return write_site(results(), root / "dist", viewer_dir=viewer_bundle(root / "bundle"), source_date_epoch=1_700_000_000)


def parse(path):
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def island(path) -> dict:
    return json.loads("".join(parse(path).island))


def test_page_only_for_datasets_with_two_or_more_variants(built):
    assert (built / "tiny" / "compare.html").is_file()
    assert (built / "three" / "compare.html").is_file()
    assert not (built / "other" / "compare.html").exists()
    assert (built / "tiny" / "compare.html.br").is_file()


def test_links_and_data_paths_resolve(built):
    for ds in ("tiny", "three"):
        page = f"{ds}/compare.html"
        parser = parse(built / page)
        cfg = island(built / page)
        links = parser.links + [*cfg["points"], cfg["meta"], *cfg["shards"], *cfg["ids"], cfg["overview"]] + \
            [v["url"] for v in cfg["variants"]]
        for link in links:
            target = resolve(built, page, link)
            if target is not None:
                assert target.is_file(), f"{page}: broken link {link!r}"
        assert any(re.fullmatch(r"\.\./assets/compare\.[0-9a-f]+\.js", s.get("src", "")) for s in parser.scripts)
        assert any(re.fullmatch(r"\.\./assets/compare\.[0-9a-f]+\.css", h) for h in parser.links)
        assert all(not h.startswith(("/", "http:", "https:")) for h in parser.links), parser.links


def test_config_island(built):
    cfg = island(built / "three" / "compare.html")
    assert cfg["mode"] == "compare" and cfg["dataset"] == "three" and cfg["root"] == ""
    assert [v["name"] for v in cfg["variants"]] == ["tsne", "umap", "umap2"]  # the default first
    assert (cfg["a"], cfg["b"]) == ("tsne", "umap")
    assert [v["url"] for v in cfg["variants"]] == ["index.html", "umap/index.html", "umap2/index.html"]
    tiny = island(built / "tiny" / "compare.html")
    assert dict(map(tuple, tiny["variants"][0]["figures"])) == {"recall@10": "0.510", "trust": "0.900"}
    assert tiny["variants"][1]["figures"] == []
    assert tiny["colorBy"] == "genre" and tiny["count"] == 40 and tiny["entityPage"] == "e/{slug}.html"


def test_metadata_escaped_and_no_inline_script(built):
    page = built / "tiny" / "compare.html"
    text = page.read_text(encoding="utf-8")
    assert XSS_IMG not in text and "</script><script>" not in text
    for s in parse(page).scripts:
        assert s.get("type") == "application/json" or (s.get("src") and "defer" in s), s
    assert XSS_SCRIPT in island(page)["fields"][0]["categories"]
    assert "\\u003c/script\\u003e" in text
    assert "style=" not in text
    headers = (built / "_headers").read_text()
    assert "script-src 'self'" in headers and "unsafe-inline" not in headers


def test_linked_from_the_other_pages(built):
    for rel in ("tiny/about.html", "tiny/index.html", "tiny/e/index.html", "three/umap/index.html"):
        links = parse(built / rel).links
        assert any(h.endswith("compare.html") for h in links), rel
        for h in links:
            if h.endswith("compare.html"):
                assert resolve(built, rel, h).is_file(), (rel, h)
    assert not any("compare.html" in h for h in parse(built / "other" / "about.html").links)


def test_missing_compare_bundle_names_the_build_command(tmp_path):
    bundle = viewer_bundle(tmp_path / "bundle")
    (bundle / "compare.js").unlink()
    with pytest.raises(BuildError, match=r"compare\.js is missing; build it in the source checkout with: npm --prefix js ci"):
        load_assets(bundle)


def test_csp_eval_follows_the_compare_bundle(tmp_path):
    bundle = viewer_bundle(tmp_path / "bundle")
    assert not load_assets(bundle).needs_eval
    (bundle / "compare.js").write_text("var f=new Function('return 1');\n")
    assert load_assets(bundle).needs_eval
