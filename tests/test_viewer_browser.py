"""The built viewer in real headless Chromium, on a tiny site written by sitegen.site.write.write_site.

Runs js/test/e2e.mjs (playwright-core driving Debian's /usr/bin/chromium on SwiftShader): the
canvas shows points, the initial view fits them with a margin (and key 0 returns to it), hover
tooltip, search + Enter selects and updates the URL, a filter clears its region's pixels and lowers
the visible count, reload and back/forward restore state, switching off every legend category shows
nothing with a way back, "Show my list" highlights and counts, the layout switch animates and
updates the URL, a touch pinch zooms (and the URL holds the whole pinch), every control is named and reachable by Tab with a visible
focus ring, no console errors, an entity titled `<img src=x onerror=alert(1)>` renders as text, and
a second browser without WebGL gets the message, the overview image and a search linking to entity
pages.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "js"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.browser


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return "needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
    if shutil.which("node") is None:
        return "needs node on PATH"
    if not (JS / "node_modules" / "playwright-core").is_dir():
        return "needs js/node_modules (npm --prefix js ci)"
    return None


@pytest.fixture(scope="module")
def viewer_dist() -> Path:
    """The viewer bundles, built once for every site below (the module's tests skip without a browser)."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    subprocess.run(["npm", "run", "build"], cwd=JS, check=True, capture_output=True)
    return JS / "dist"


def tiny_viewer_result():
    """400 entities: "kind" is "west" exactly where x < -0.3; id0 is an XSS title, id1 "Émile Zola";
    "year" runs 1900-2000 with y, except one outlier (id399: -411)."""
    from sitegen.datatypes import DatasetResult, Entities
    from sitegen.spec import parse_spec

    raw = {
        "name": "tiny", "title": "Tiny viewer atlas", "seed": 0,
        "collections": {"path": "c.csv", "collection": "user", "entity": "item"},
        "entities": {"path": "e.csv", "id": "id", "label": "title", "fields": {
            "kind": {"type": "category", "label": "Kind"}, "year": {"type": "number", "label": "Year"}}},
        "variants": [{"name": "umap", "method": "umap"}, {"name": "tsne", "method": "tsne"}],
        "site": {"color_by": "kind", "theme": "dark"},  # the checks of colours and rings are written for dark
    }
    spec = parse_spec(raw, Path("/nonexistent/tiny.toml"))
    rng = np.random.default_rng(7)
    n = 400
    xy = rng.uniform(-0.9, 0.9, (n, 2)).astype(np.float32)
    xy[0], xy[1], xy[2] = (0.5, 0.5), (0.2, -0.4), (-0.6, 0.6)
    xy[3], xy[4] = (-1, -1), (1, 1)  # pin the bounds so quantisation keeps coordinates as given
    labels = np.array([f"Item {i}" for i in range(n)], dtype=object)
    labels[0], labels[1], labels[2] = "<img src=x onerror=alert(1)>", "Émile Zola", "Zola Companion"
    labels[5] = "Item 5, whose title is long enough to wrap onto three lines in the detail panel"
    ids = np.array([f"id{i}" for i in range(n)], dtype=object)
    counts = (np.arange(n)[::-1] % 50 + 1).astype(np.int64)
    counts[1] = 500
    kind = np.array(["west" if x < -0.3 else "east" for x in xy[:, 0]], dtype=object)
    year = np.round(1900 + (xy[:, 1] + 1) * 50).astype(np.float64)
    year[399] = -411  # one far outlier, as goodbooks has: colour scales must stay readable
    ent = Entities(ids, labels, counts, {"kind": kind, "year": year}, {"kind": "category", "year": "number"})
    a = sp.random(n, n, density=0.03, random_state=1, format="csr", dtype=np.float32)
    a.data = np.ceil(a.data * 10)
    a = a.tolil()
    a[1, 5] = 9.0  # Émile Zola has co-occurring entities
    a = a.tocsr()
    cooc = sp.triu(a + a.T, k=1)
    cooc = (cooc + cooc.T).tocsr().astype(np.float32)
    layouts = {"umap": xy, "tsne": np.clip(-xy, -1, 1)}
    return DatasetResult(spec, ent, cooc, layouts, clusters={v: _two_clusters(v, xy) for v in layouts})


def _two_clusters(variant: str, xy: np.ndarray) -> dict:
    """Clusters in the shape of `clusters.find_clusters`: west / east halves; the west one's name is
    hostile markup (cluster names come from metadata, so they are untrusted too)."""
    x = xy[:, 0] if variant == "umap" else -xy[:, 0]
    ids = np.where(x < -0.3, 0, np.where(x > 0.3, 1, -1)).astype("<i2")
    out = {"variant": variant, "labels": ["<b>West</b> side", "East side"], "x": [-0.65, 0.65], "y": [0.0, 0.0],
           "size": [int((ids == 0).sum()), int((ids == 1).sum())], "extent": [0.6, 0.6],
           "members": [[int(np.flatnonzero(ids == c)[0])] for c in (0, 1)], "terms": [["west"], ["east"]],
           "membership": ids.tobytes()}
    return out


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory, viewer_dist):
    """The freshly built bundles and the tiny site written with them (once for both scripts)."""
    from sitegen.site.write import write_site
    from sitegen.stages.pack import with_packed

    out = tmp_path_factory.mktemp("browser") / "dist"
    write_site([with_packed(tiny_viewer_result())], out, viewer_dir=viewer_dist)
    return out


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory, viewer_dist):
    """The tiny dataset as a big atlas is built: 32-entity shards (13 of them, more than the viewer
    loads up front), point chunks of 100 then 128 rows, entity pages for the 20 most popular only, and
    popularity in entity order."""
    from sitegen.site.write import write_site
    from sitegen.stages import pack

    r = tiny_viewer_result()
    # popularity follows the entity order, as the pipeline numbers entities (id1 stays the most popular)
    counts = np.arange(len(r.entities))[::-1] + 1
    counts[1] = 500
    r = dataclasses.replace(r, entities=dataclasses.replace(r.entities, counts=counts))
    r = dataclasses.replace(r, spec=r.spec.model_copy(update={"site": r.spec.site.model_copy(update={"entity_pages": 20})}))
    saved = pack.SHARD_ROWS, pack.POINT_CHUNK_FIRST, pack.POINT_CHUNK_ROWS
    pack.SHARD_ROWS, pack.POINT_CHUNK_FIRST, pack.POINT_CHUNK_ROWS = 32, 100, 128
    try:
        packed = pack.with_packed(r)
    finally:
        pack.SHARD_ROWS, pack.POINT_CHUNK_FIRST, pack.POINT_CHUNK_ROWS = saved
    out = tmp_path_factory.mktemp("sharded") / "dist"
    write_site([packed], out, viewer_dir=viewer_dist)
    return out


@pytest.fixture(scope="module")
def labels_site(tmp_path_factory, viewer_dist):
    """A site whose clusters `find_clusters` found and named at three levels (cluster_fixtures.py)."""
    from cluster_fixtures import labels_viewer_result

    from sitegen.site.write import write_site
    from sitegen.stages.pack import with_packed

    out = tmp_path_factory.mktemp("labels") / "dist"
    write_site([with_packed(labels_viewer_result())], out, viewer_dir=viewer_dist)
    return out


def tiny_controls_result(image_port: int):
    """The tiny atlas with the spec's theme left to "auto" (the reader's system setting) and an image field
    "cover": id1 (Émile Zola) has a picture on http://localhost:<image_port>/ (an allowed host, served by
    js/test/e2e-controls.mjs), id0's URL there is missing (404), id2's is on a host that is not allowed."""
    from sitegen.spec import FieldSpec

    r = tiny_viewer_result()
    n = len(r.entities)
    covers = np.array([f"http://localhost:{image_port}/img/{i}.png" for i in range(n)], dtype=object)
    covers[0] = f"http://localhost:{image_port}/img/missing.png"
    covers[2] = "https://blocked.example/img/2.png"
    es = r.spec.entities
    spec = r.spec.model_copy(update={
        "entities": es.model_copy(update={"fields": {**es.fields, "cover": FieldSpec(type="image", label="Cover")}}),
        "site": r.spec.site.model_copy(update={"theme": "auto", "image_hosts": ["localhost"]})})
    ent = dataclasses.replace(r.entities, fields={**r.entities.fields, "cover": covers},
                              field_types={**r.entities.field_types, "cover": "image"})
    return dataclasses.replace(r, spec=spec, entities=ent)


@pytest.fixture(scope="module")
def controls_site(tmp_path_factory, viewer_dist):
    """(site folder, image port): the tiny controls atlas, and a free port for its pictures' server."""
    from sitegen.site.write import write_site
    from sitegen.stages.pack import with_packed

    with socket.socket() as s:  # a port nothing listens on now; the e2e script serves the pictures there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path_factory.mktemp("controls") / "dist"
    write_site([with_packed(tiny_controls_result(port))], out, viewer_dir=viewer_dist)
    return out, port


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory, viewer_dist):
    """goodbooks and baskets as shipped (datasets/*.toml) with their default layout only (the phone
    checks need only the first view; the other layouts would add PyMDE and minutes), built by the real
    pipeline: load, co-occurrence + kNN, t-SNE of the graph with its islands packed, clusters, pack."""
    from sitegen.pipeline.cache import ArtifactStore
    from sitegen.pipeline.orchestrator import build_dataset
    from sitegen.site.write import write_site
    from sitegen.spec import load_spec
    from sitegen.stages.pack import with_packed

    store = ArtifactStore(tmp_path_factory.mktemp("cache"))
    results = []
    for name in ("goodbooks", "baskets"):
        spec = load_spec(ROOT / "datasets" / f"{name}.toml")
        spec = spec.model_copy(update={"variants": [v for v in spec.variants if v.name == spec.default_variant]})
        results.append(with_packed(build_dataset(spec, store)))
    out = tmp_path_factory.mktemp("shipped") / "dist"
    write_site(results, out, viewer_dir=viewer_dist)
    return out


def _run(script: str, site: Path, *extra: str, datasets: tuple[str, ...] = ("tiny",)) -> None:
    proc = subprocess.run(["node", script, str(site), *datasets, *extra], cwd=JS, capture_output=True, text=True,
                          timeout=300)
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 failed" in proc.stdout


def test_viewer_in_chromium(tiny_site):
    _run("test/e2e.mjs", tiny_site)


def test_viewer_round2_in_chromium(tiny_site):
    """js/test/e2e-round2.mjs: the defects of issue 10 (back/forward and pasted links render as a
    fresh load, "Show my list" matching, readable colour scales, phone layout, no jump on click,
    neighbour list, keyboard, the no-WebGL page, links and URLs) and the round-2 controls."""
    _run("test/e2e-round2.mjs", tiny_site)


def test_select_area_and_table_in_chromium(tiny_site):
    """js/test/e2e-select.mjs: "Select area" (a mouse lasso selects exactly the points inside it,
    Shift-drag a box, a finger lasso on a phone), the count line, highlight on the map, the URL round
    trip with reload and Back/Forward, intersection with filters and search, Export of the selection,
    and "Table" (sources, sorting with aria-sort, row hover highlights the point, row click selects)."""
    _run("test/e2e-select.mjs", tiny_site)


def test_compare_page_in_chromium(tiny_site):
    """js/test/e2e-compare.mjs: both canvases draw (side by side; stacked on a phone), hovering on the
    left rings the same entity on the right, a click selects in both (lines, ranks, URL), reload and
    back/forward restore, search selects, an XSS title stays text, the viewer links to the page."""
    _run("test/e2e-compare.mjs", tiny_site)


@pytest.mark.slow
def test_phone_in_chromium(shipped_site):
    """js/test/e2e-phone.mjs at 360x740 with touch on goodbooks and baskets: the first view fits the
    dense core and the drawn points span at least half of the screen height, cluster names show, and
    the legend is a strip of chips under the map (<= 15 % of the height) that filters and unfolds."""
    _run("test/e2e-phone.mjs", shipped_site, datasets=("goodbooks", "baskets"))


def test_sharded_site_in_chromium(sharded_site):
    """js/test/e2e-shards.mjs: point chunks stream in, only the first shard loads up front, an entity
    without an entity page opens from `#sel=<id>` with its panel and neighbours, search reaches every shard,
    "Show my list" matches through the prefix index (exact, by id, a close match offered) and from the URL."""
    _run("test/e2e-shards.mjs", sharded_site)


def test_labels_in_chromium(labels_site):
    """js/test/e2e-labels.mjs: zoomed out names the coarse regions (and, under a named region, its clusters
    with room, smaller); zooming into a region names its
    clusters and brings in entity names, into a cluster its sub-clusters; no two label boxes overlap;
    a pan keeps the names that still fit; filtered-out regions lose their names; a phone shows names;
    the compare page's left pane names the regions too."""
    _run("test/e2e-labels.mjs", labels_site)


def test_viewer_controls_in_chromium(controls_site):
    """js/test/e2e-controls.mjs: histogram brushing (mouse, touch, keyboard; counts, URL, history), pictures
    of an image field in the tooltip and the panel (lazy, sized, alt text; a failed one hidden, one on a host
    not allowed never requested), light and dark (the system's setting, the toggle kept across a reload,
    contrast on both backgrounds), point size and opacity (drawn pixels, URL only when not default)."""
    site, port = controls_site
    _run("test/e2e-controls.mjs", site, str(port))
