"""Cluster labels: planted blobs found and named, carried in the meta msgpack, listed on entity pages."""

from __future__ import annotations

import dataclasses
import re

import msgpack
import numpy as np
import pytest
from site_fixtures import XSS_IMG, read_site_data, tiny_result, viewer_bundle

from sitegen.formats.datafiles import CLUSTER_KEYS, membership
from sitegen.site.figures import map_views
from sitegen.site.write import write_site
from sitegen.stages.clusters import find_clusters
from sitegen.stages.pack import with_packed


def planted(n_groups: int = 3, per: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) float32 blobs in [-1, 1] around points on a circle, and each point's group."""
    rng = np.random.default_rng(seed)
    angle = 2 * np.pi * np.arange(n_groups) / n_groups
    centres = np.stack([np.cos(angle), np.sin(angle)], axis=1) * 0.6
    xy = np.repeat(centres, per, axis=0) + rng.normal(0, 0.04, (n_groups * per, 2))
    return xy.astype(np.float32), np.repeat(np.arange(n_groups), per)


def tags_of(groups: np.ndarray, theme=lambda g: f"theme{g}") -> np.ndarray:
    out = np.empty(len(groups), dtype=object)
    out[:] = [("common", theme(g)) for g in groups]
    return out


def test_planted_blobs_are_found_and_named_by_their_over_represented_tag():
    xy, groups = planted()
    n = len(xy)
    labels = np.array([f"e{i}" for i in range(n)])
    counts = np.arange(n, 0, -1)
    genre = np.array(["same"] * n, dtype=object)  # on every entity: never over-represented
    c = find_clusters(xy, "map", labels, counts, {"tags": tags_of(groups), "genre": genre},
                      {"tags": "tags", "genre": "category"})
    assert sorted(c["labels"]) == ["theme0", "theme1", "theme2"] and c["size"] == [40, 40, 40]
    member = membership(c)
    for k, name in enumerate(c["labels"]):
        g = int(name[-1])
        assert (member[groups == g] == k).all()  # the whole blob, and only it
        assert abs(c["x"][k] - xy[groups == g, 0].mean()) < 0.05
        assert 0 < c["extent"][k] < 0.3  # the blob's size, not the map's
    # Each cluster's map link centres on it and zooms in (k > 1), in the viewer's `v=x,y,k` form.
    for view, x, y in zip(map_views(c), c["x"], c["y"]):
        vx, vy, vk = map(float, re.fullmatch(r"v=([-\d.]+),([-\d.]+),([-\d.]+)", view).groups())
        assert (vx, vy) == (round(x, 4), round(y, 4)) and 1 < vk <= 64


def test_clusters_with_the_same_terms_are_told_apart_by_their_most_popular_member():
    xy, groups = planted(4)
    counts = np.arange(len(xy), 0, -1)
    labels = np.array([f"Book {i} (Series, #1)" for i in range(len(xy))])
    # two blobs share their theme: their names get their most popular member (series note dropped)
    c = find_clusters(xy, "map", labels, counts, {"tags": tags_of(groups, lambda g: f"theme{min(g, 2)}")},
                      {"tags": "tags"})
    names = sorted(c["labels"])
    assert names[:2] == ["theme0", "theme1"]
    assert re.fullmatch(r"theme2: Book \d+", names[2]) and re.fullmatch(r"theme2: Book \d+", names[3])
    assert names[2] != names[3]


@pytest.fixture(scope="module")
def clustered_site(tmp_path_factory):
    """The tiny fixture site with planted blobs as its default layout and clusters computed on it."""
    root = tmp_path_factory.mktemp("clusters")
    base = tiny_result(n=40)
    xy, groups = planted(2, 20)
    ent = base.entities
    tags = tags_of(groups, lambda g: [XSS_IMG, "calm"][g])  # a hostile name must stay text
    ent = dataclasses.replace(ent, fields={**ent.fields, "tags": tags})
    layouts = {**base.layouts, "umap": xy}
    clusters = {v: find_clusters(layouts[v], v, ent.labels, ent.counts, ent.fields, ent.field_types) for v in layouts}
    r = with_packed(dataclasses.replace(base, entities=ent, layouts=layouts, clusters=clusters))
    out = write_site([r], root / "dist", viewer_dir=viewer_bundle(root / "bundle"), source_date_epoch=1_700_000_000)
    return r, out


def test_meta_msgpack_carries_every_variants_clusters(clustered_site):
    r, out = clustered_site
    meta = msgpack.unpackb(next((out / "tiny" / "data").glob("meta.*.msgpack")).read_bytes())
    assert set(meta["clusters"]) == {v for v, c in r.clusters.items()}
    umap = meta["clusters"]["umap"]
    assert list(umap) == sorted(CLUSTER_KEYS)  # sorted keys, only the viewer's part
    assert umap["variant"] == "umap" and sorted(umap["labels"]) == sorted([XSS_IMG, "calm"])
    assert umap["size"] == [20, 20] and len(umap["x"]) == len(umap["y"]) == len(umap["extent"]) == 2
    member = np.frombuffer(umap["membership"], "<i2")
    np.testing.assert_array_equal(member, membership(r.clusters["umap"]))
    assert member.shape == (40,) and set(member.tolist()) == {0, 1}


def test_entity_pages_list_cluster_membership(clustered_site):
    r, out = clustered_site
    c = r.clusters["umap"]  # the default variant
    meta = read_site_data(out / "tiny" / "data")
    views = map_views(c)
    for i in (0, 25):
        k = int(membership(c)[i])
        page = (out / "tiny" / "e" / f"{meta['slugs'][i]}.html").read_text()
        m = re.search(r'<dt>In cluster</dt><dd><a href="([^"]+)">([^<]+)</a></dd>', page)
        assert m, page
        assert m.group(1) == f"../index.html#{views[k]}"
        assert m.group(2) == ("&lt;img src=x onerror=alert(1)&gt;" if c["labels"][k] == XSS_IMG else c["labels"][k])
    assert XSS_IMG not in (out / "tiny" / "e" / f"{meta['slugs'][0]}.html").read_text()


def test_no_cluster_line_without_clusters(tmp_path):
    out = write_site([tiny_result()], tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "b"))
    meta = read_site_data(out / "tiny" / "data")
    assert "clusters" not in meta
    assert "In cluster" not in (out / "tiny" / "e" / f"{meta['slugs'][0]}.html").read_text()
