"""Cluster labels: planted blobs found and named, carried in the meta msgpack, listed on entity pages."""

from __future__ import annotations

import dataclasses
import re

import msgpack
import numpy as np
import pytest
from cluster_fixtures import REGIONS, hierarchy
from site_fixtures import XSS_IMG, read_site_data, tiny_result, viewer_bundle

from sitegen.formats.datafiles import CLUSTER_KEYS, membership
from sitegen.site.figures import map_views
from sitegen.site.write import write_site
from sitegen.stages.clusters import cluster_layout, find_clusters, naming_fields, over_represented
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


@pytest.mark.parametrize("seed", range(5))
def test_an_even_body_beside_a_small_island_is_not_one_cluster(seed):
    """A structureless body with a small island packed next to it (a small UMAP map): unchecked, HDBSCAN
    takes the whole body as one cluster and the map gets one name; no cluster may hold over half."""
    rng = np.random.default_rng(seed)
    r, t = np.sqrt(rng.uniform(0, 1, 800)), rng.uniform(0, 2 * np.pi, 800)
    xy = np.vstack([np.stack([r * np.cos(t), r * np.sin(t)], 1), rng.normal(0, 0.03, (20, 2)) + [0.8, -0.8]])
    ids = cluster_layout(xy)
    assert ids.max() + 1 >= 3 and np.bincount(ids[ids >= 0]).max() <= len(xy) // 2


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



def column(values) -> np.ndarray:
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def named(groups: np.ndarray, fields: dict, types: dict, preferred=(), labels=None) -> dict:
    xy = planted(int(groups.max()) + 1, int((groups == 0).sum()))[0]
    labels = np.array([f"e{i}" for i in range(len(xy))]) if labels is None else labels
    return find_clusters(xy, "map", labels, np.arange(len(xy), 0, -1), fields, types, preferred=preferred)


def by_group(c: dict, groups: np.ndarray) -> list[str]:
    """Each planted group's cluster name (clusters are numbered by size, so look them up by membership)."""
    member = membership(c)
    return [c["labels"][int(member[groups == g][0])] for g in range(int(groups.max()) + 1)]


def test_code_like_fields_never_name_a_cluster():
    xy, groups = planted(4)
    # Each field below matches the groups exactly, so its values would win on share and lift alike.
    language = column(["ara", "en-US", "fre", "ger"][g] for g in groups)  # ISO 639 / locale codes
    isbn = column(f"B00X{g}{g}" for g in groups)  # identifiers
    year = column(str(1990 + g) for g in groups)  # numbers, in a field the spec does not colour by
    shelves = column(("common", f"theme{g}") if i % 5 else ("common",) for i, g in enumerate(groups))
    fields = {"language": language, "isbn": isbn, "year": year, "shelves": shelves}
    types = {"language": "category", "isbn": "category", "year": "category", "shelves": "tags"}
    c = named(groups, fields, types)
    assert by_group(c, groups) == ["theme0", "theme1", "theme2", "theme3"]
    assert set(naming_fields(fields, types)) == {"shelves"}
    # Short words among many real ones ("art", "war" on goodbooks) keep their field.
    words = column(["art", "war", "fantasy", "romance", "mystery", "horror"][i % 6] for i in range(len(groups)))
    assert set(naming_fields({"genre": words}, {"genre": "category"})) == {"genre"}


def test_a_number_field_the_map_is_coloured_by_names_clusters_with_its_field_name():
    xy, groups = planted(3)
    department = column(str(10 + g) for g in groups)
    c = named(groups, {"department": department}, {"department": "category"}, preferred=("department",))
    assert by_group(c, groups) == ["department 10", "department 11", "department 12"]


def test_a_rare_high_lift_term_loses_to_one_most_members_carry():
    xy, groups = planted(4)
    in0 = np.flatnonzero(groups == 0)
    rare = set(in0[:2].tolist())  # 5% of cluster 0 and nowhere else: lift 4
    broad = set(in0[:24].tolist()) | set(np.flatnonzero(groups > 0)[::3][:36].tolist())  # 60% of it, lift 1.6
    tags = column(tuple(t for t, on in (("rare", i in rare), ("broad", i in broad)) if on) for i in range(len(groups)))
    c = named(groups, {"tags": tags}, {"tags": "tags"})
    assert by_group(c, groups)[0] == "broad"
    assert over_represented(tags, groups == 0) == [("broad", pytest.approx(0.6 * np.log(0.6 / (60 / 160))))]


def test_terms_read_in_one_order_whatever_their_scores():
    xy, groups = planted(4)
    # group 0: all "beta", 80% "Alpha"; group 1: all "Alpha", 80% "beta": ranked in opposite orders
    tags = column(tuple(t for t, on in (("beta", g == 0 or (g == 1 and i % 5 < 4)),
                                        ("Alpha", g == 1 or (g == 0 and i % 5 < 4))) if on)
                  for i, g in enumerate(groups))
    c = named(groups, {"tags": tags}, {"tags": "tags"})
    member = membership(c)
    k0, k1 = int(member[groups == 0][0]), int(member[groups == 1][0])
    assert c["terms"][k0] == c["terms"][k1] == ["Alpha", "beta"]
    assert c["labels"][k0].startswith("Alpha · beta") and c["labels"][k1].startswith("Alpha · beta")


def test_neighbouring_clusters_never_share_a_name():
    xy, groups = planted(4)
    # groups 0 and 1 (neighbours on the circle) share "a" and "b"; each has a third term of its own
    # on 45% of it, which tells them apart
    tags = column(("a", "b", f"own{g}") if g < 2 and i % 20 < 9 else ("a", "b") if g < 2 else (f"theme{g}",)
                  for i, g in enumerate(groups))
    c = named(groups, {"tags": tags}, {"tags": "tags"})
    assert by_group(c, groups) == ["a · b · own0", "a · b · own1", "theme2", "theme3"]
    # No distinguishing term: the most popular member; and titles alike too: numbered.
    same = column(("a",) for _ in groups)
    c = named(groups, {"tags": same}, {"tags": "tags"})
    names = c["labels"]
    assert len(set(names)) == 4 and all(n.startswith("e") for n in names)  # no term qualifies: members
    c = named(groups, {"tags": same}, {"tags": "tags"}, labels=np.array(["Emma"] * len(groups)))
    assert sorted(c["labels"]) == ["Emma, Emma", "Emma, Emma (2)", "Emma, Emma (3)", "Emma, Emma (4)"]


def test_a_cluster_without_a_qualifying_term_is_named_by_its_most_popular_members():
    xy, groups = planted(3)
    labels = np.array([f"Book {i} (Series, #{i})" for i in range(len(groups))])
    c = named(groups, {"tags": column(("common",) for _ in groups)}, {"tags": "tags"}, labels=labels)
    assert by_group(c, groups) == [f"Book {40 * g}, Book {40 * g + 1}" for g in range(3)]


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


def test_a_term_only_the_long_tail_carries_does_not_name_the_cluster():
    xy, groups = planted(3)
    counts = np.ones(len(groups))
    in0 = np.flatnonzero(groups == 0)
    counts[in0[:16]] = 100  # the 40% everyone knows do not carry "tail"; the other 60% do
    tags = column(("tail",) if i in set(in0[16:].tolist()) else () for i in range(len(groups)))
    assert over_represented(tags, groups == 0)  # by members alone it would qualify ...
    assert over_represented(tags, groups == 0, weights=counts) == []  # ... not by popularity
    c = find_clusters(xy, "map", np.array([f"e{i}" for i in range(len(xy))]), counts, {"tags": tags}, {"tags": "tags"})
    assert "tail" not in by_group(c, groups)[0]


# --- the hierarchy: coarse regions over the clusters, fine sub-clusters under them -------------------

def hierarchy_clusters(seed: int = 0) -> tuple[dict, np.ndarray]:
    xy, region, tags = hierarchy(seed=seed)
    n = len(xy)
    return find_clusters(xy, "map", np.array([f"Item {i}" for i in range(n)]), np.arange(n, 0, -1),
                         {"tags": tags}, {"tags": "tags"}), region


def test_coarse_regions_group_whole_clusters_and_are_named_by_their_theme():
    c, region = hierarchy_clusters()
    member = membership(c)
    coarse = c["coarse"]
    assert sorted(coarse["labels"]) == sorted(REGIONS)  # three regions, one theme each
    assert len(c["parent"]) == len(c["labels"]) > len(coarse["labels"])
    for k, r in enumerate(c["parent"]):
        # a cluster's members all lie in the planted region its coarse parent is named after
        planted_regions = set(region[member == k].tolist())
        assert planted_regions == {list(REGIONS).index(coarse["labels"][r])}
    assert sum(coarse["size"]) == sum(c["size"])  # regions hold exactly their clusters' members
    for r in range(len(coarse["labels"])):
        assert coarse["size"][r] == sum(s for s, p in zip(c["size"], c["parent"]) if p == r)


def test_a_region_without_a_theme_of_its_own_is_unnamed():
    """Regions hold several clusters; with only each cluster's own tag (no tag a region's clusters
    share), no term names a region, and two popular members would read as its theme: it gets ""."""
    xy, _, tags = hierarchy()
    n = len(xy)
    own = np.empty(n, dtype=object)
    own[:] = [(t[2],) for t in tags]  # a blob's own tag: each a sixth of its region, under the quarter a region needs
    c = find_clusters(xy, "map", np.array([f"Item {i}" for i in range(n)]), np.arange(n, 0, -1),
                      {"tags": own}, {"tags": "tags"})
    several = [r for r in range(len(c["coarse"]["labels"])) if c["parent"].count(r) > 1]
    assert several, "the fixture's regions hold several clusters"
    assert all(c["coarse"]["labels"][r] == "" for r in several)
    assert all(c["labels"]), "every cluster keeps a name"
    # with the region-wide tags the same regions are named (the test above): "" is only for no theme
    named, _ = hierarchy_clusters()
    assert all(named["coarse"]["labels"])


def test_fine_clusters_nest_in_their_parent_and_are_named_apart_from_it():
    c, _ = hierarchy_clusters()
    fine = c["fine"]
    assert fine["labels"], "the touching blobs of a theme make sub-clusters"
    mid, sub = membership(c), np.frombuffer(fine["membership"], "<i2")
    for f, p in enumerate(fine["parent"]):
        assert set(mid[sub == f].tolist()) == {p}  # inside its parent, wholly
        assert fine["size"][f] == int((sub == f).sum()) < c["size"][p]
    # names never repeat across levels (a region of one cluster, which shows instead of it, excepted)
    single = {coarse for r, coarse in enumerate(c["coarse"]["labels"]) if c["parent"].count(r) == 1}
    every = c["coarse"]["labels"] + c["labels"] + fine["labels"]
    assert len(set(every)) == len(every) - len(single)


def test_hierarchy_is_deterministic():
    a, _ = hierarchy_clusters()
    b, _ = hierarchy_clusters()
    assert msgpack.packb(a) == msgpack.packb(b)


def test_a_label_anchor_sits_where_the_points_are_dense_not_in_empty_space():
    # a crescent: its median and centroid lie in the hollow, where there are no points
    rng = np.random.default_rng(3)
    angle = rng.uniform(-0.8 * np.pi, 0.8 * np.pi, 300)
    crescent = np.stack([np.cos(angle), np.sin(angle)], axis=1) * 0.5 + rng.normal(0, 0.02, (300, 2))
    # a second cluster far away, bigger than the crescent (no cluster may hold half of the points)
    blob = rng.normal(0, 0.03, (400, 2)) + [-1.5, 0]
    xy = np.concatenate([crescent, blob]).astype(np.float32)
    c = find_clusters(xy, "map", np.array([f"e{i}" for i in range(700)]), np.ones(700))
    k = int(membership(c)[0])
    pts = xy[membership(c) == k]
    gap = lambda x, y: float(np.min(np.hypot(pts[:, 0] - x, pts[:, 1] - y)))  # noqa: E731
    assert gap(*np.median(pts, axis=0)) > 0.2  # the median is in empty space ...
    assert gap(c["x"][k], c["y"][k]) < 0.05  # ... the anchor is on the crescent
    assert int((np.hypot(pts[:, 0] - c["x"][k], pts[:, 1] - c["y"][k]) < 0.15).sum()) >= 30
