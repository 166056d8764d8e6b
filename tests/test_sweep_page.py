"""`atlasgen sweep`'s contact sheet: a real tiny sweep through the cache, and the page's escaping."""

from __future__ import annotations

import re

import numpy as np
import pytest
from site_fixtures import XSS_IMG, tiny_result, viewer_bundle
from typer.testing import CliRunner

from sitegen.cli import app
from sitegen.commands.evaluate import parse_grid
from sitegen.commands.sweep import run_sweep
from sitegen.errors import BuildError
from sitegen.formats.thumbs import render_png
from sitegen.pipeline.cache import ArtifactStore
from sitegen.site.write import write_site
from sitegen.spec import load_spec

GRID = ["variants.umap.min_dist=0.05,0.8"]


def cards(page: str) -> list[tuple[str, str, str]]:
    """(class, score, thumbnail src) of every card, in page order."""
    return re.findall(r'<li class="(card(?: best)?)">\s*<p class="sheet-rank">#\d+.*?<strong>([\d.]+)[^<]*</strong>'
                      r'.*?<img src="([^"]+)"', page, flags=re.S)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    spec = load_spec("tests/data/tiny.toml")
    bundle = viewer_bundle(root / "bundle")
    store = ArtifactStore(root / "cache")
    rows = run_sweep(spec, parse_grid(GRID), root / "dist", store, quiet=True, viewer_dir=bundle)
    return spec, root, bundle, store, rows


def test_sweep_writes_a_sorted_contact_sheet(swept):
    spec, root, _, _, rows = swept
    page = (root / "dist" / "tiny" / "sweep.html").read_text()
    found = cards(page)
    assert len(found) == 2  # one card per combination
    assert [c[0] for c in found] == ["card best", "card"]  # the best one, and only it, marked
    scores = [float(c[1]) for c in found]
    assert scores == sorted(scores, reverse=True)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert {r["variant"] for r in rows} == {"umap"}  # the grid only varies the umap variant
    for _, _, src in found:
        assert re.fullmatch(r"data/sweep-\d\.[0-9a-f]{10}\.png", src)
        assert (root / "dist" / "tiny" / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<code>variants.umap.min_dist</code>" in page and "Label agreement@10 (chance)" in page
    assert "Tiny &lt;b&gt;test&lt;/b&gt; atlas" in page and "<b>test</b>" not in page
    about = (root / "dist" / "tiny" / "about.html").read_text()
    assert 'href="sweep.html"' in about and "Neighbour recall@10" in about
    assert (root / "dist" / "tiny" / "index.html").is_file()  # the spec's own site, too


def test_second_sweep_reuses_every_stage_and_writes_the_same_bytes(swept):
    spec, root, bundle, store, rows = swept
    assert "embed" in store.misses and store.misses.count("project") >= 2  # the first run did the work
    again = ArtifactStore(store.root)
    rows2 = run_sweep(spec, parse_grid(GRID), root / "dist2", again, quiet=True, viewer_dir=bundle)
    assert again.misses == []  # no load, co-occurrence, PyMDE, projection, quality or cluster work
    assert rows2 == rows
    for rel in ("tiny/sweep.html", "tiny/about.html"):
        assert (root / "dist2" / rel).read_bytes() == (root / "dist" / rel).read_bytes()


def test_sweep_metadata_is_escaped_and_unknown_datasets_refused(tmp_path):
    r = tiny_result()
    png = render_png(r.layouts["umap"], np.full((len(r.entities), 3), 200, dtype=np.uint8))
    row = {"params": {"graph.transform": XSS_IMG}, "variants": {"umap": {"recall@10": 0.5}},
           "variant": "umap", "score": 0.5, "metric": "recall@10", "thumb": png}
    out = write_site([r], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "b"), sweeps={"tiny": [row]})
    page = (out / "tiny" / "sweep.html").read_text()
    assert XSS_IMG not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    with pytest.raises(BuildError, match="'nope'"):
        write_site([r], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "b"), sweeps={"nope": [row]})


def test_unknown_metric_is_a_one_line_error(tmp_path):
    res = CliRunner().invoke(app, ["sweep", "tests/data/tiny.toml", "--grid", "graph.n_neighbors=8",
                                   "--metric", "nope@3", "--out", str(tmp_path / "d"), "--cache", str(tmp_path / "c")])
    assert res.exit_code == 1
    assert "--metric: must be one of recall@10, label@10, trust, got 'nope@3'" in res.output
    assert not (tmp_path / "d").exists() and not (tmp_path / "c").exists()  # checked before any work
