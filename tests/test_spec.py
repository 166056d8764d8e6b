"""Every spec rule gives one exact one-line error naming the file and key."""

from __future__ import annotations

import pytest

from sitegen.errors import SpecError
from sitegen.spec import load_spec

BASE = """
name = "movies"
title = "Movies"
[collections]
path = "r.csv"
collection = "u"
entity = "m"
{extra_collections}
{tables}
[[variants]]
name = "umap"
method = "umap"
"""


def spec_text(extra_collections: str = "", tables: str = "") -> str:
    return BASE.format(extra_collections=extra_collections, tables=tables)


def error_of(write_spec, text: str) -> str:
    path = write_spec(text, name="movies.toml")
    with pytest.raises(SpecError) as e:
        load_spec(path)
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith(str(path)) or msg.startswith("movies.toml") or "movies.toml:" in msg
    return msg.split("movies.toml: ", 1)[1]


def test_valid_spec_loads_with_defaults(write_spec):
    spec = load_spec(write_spec(spec_text()))
    assert spec.graph.n_neighbors == 15 and spec.graph.init == "random"
    assert spec.variants[0].n_neighbors == 30
    assert spec.default_variant == "umap"


def test_iteration_defaults_by_input():
    """The embedding path needs fewer UMAP epochs / t-SNE iterations than the graph (benchmarks/RESULTS.md)."""
    from sitegen.spec import TsneVariant, UmapVariant

    assert UmapVariant(name="u", method="umap").n_epochs == 200
    assert TsneVariant(name="t", method="tsne").n_iter == 300
    for variant, key, value in ((UmapVariant(name="u", method="umap", input="embedding"), "n_epochs", 100),
                                (TsneVariant(name="t", method="tsne", input="embedding"), "n_iter", 200)):
        assert getattr(variant, key) == value
        assert type(variant).model_validate(variant.model_dump()) == variant  # stable through a dump
    assert UmapVariant(name="u", method="umap", input="embedding", n_epochs=300).n_epochs == 300
    assert TsneVariant(name="t", method="tsne", input="embedding", n_iter=500).n_iter == 500


@pytest.mark.parametrize("tables, expected", [
    ("[graph]\nn_neighbors = 500", "graph.n_neighbors: must be <= 200, got 500"),
    ("[graph]\nn_neighbours = 5", "graph.n_neighbours: unknown key; did you mean 'n_neighbors'?"),
    ("[graph]\ntransform = 'log'", "graph.transform: must be 'inv_log', 'jaccard', 'cosine' or 'ppmi', got 'log'"),
    ("[graph]\ndevice = 'tpu'", "graph.device: must be 'cpu' or 'cuda', got 'tpu'"),
    ("[filter]\nmin_entity_count = 0", "filter.min_entity_count: must be >= 1, got 0"),
    ("[cooccurrence]\nweight = 'value_closeness'",
     "cooccurrence.weight: value_closeness needs collections.value"),
    ("[site]\ncolor_by = 'genre'", "site.color_by: 'genre' is not a field in [entities.fields] []"),
    ("[[variants]]\nname = 'umap'\nmethod = 'tsne'", "variants: duplicate name 'umap'"),
    ("[[variants]]\nname = 'x'\nmethod = 'pca'", "variants[0]: method must be 'umap' or 'tsne', got 'pca'"),
    ("[[variants]]\nname = 't'\nmethod = 'tsne'\nperplexty = 5",
     "variants[0].perplexty: unknown key; did you mean 'perplexity'?"),
    ("[[variants]]\nname = 't'\nmethod = 'tsne'\nmin_dist = 0.1",
     "variants[0].min_dist: unknown key; known keys: name, method, label, input, perplexity, n_iter, pack_islands"),
])
def test_rule_errors(write_spec, tables, expected):
    assert error_of(write_spec, spec_text(tables=tables)) == expected


def test_unknown_top_level_key(write_spec):
    assert error_of(write_spec, "colour = 1\n" + spec_text()) == (
        "colour: unknown key; known keys: name, title, description, seed, source, collections, "
        "entities, filter, cooccurrence, graph, variants, site, evaluate")
    assert error_of(write_spec, "titel = 'x'\n" + spec_text()) == "titel: unknown key; did you mean 'title'?"


def test_missing_required_key(write_spec):
    text = spec_text().replace('entity = "m"\n', "")
    assert error_of(write_spec, text) == "collections.entity: required key is missing"


def test_min_value_needs_value_column(write_spec):
    msg = error_of(write_spec, spec_text(extra_collections="min_value = 4.0"))
    assert msg == "collections: min_value needs a value column (collections.value)"


def test_bad_toml_and_missing_file(write_spec, tmp_path):
    path = write_spec("name = ", name="bad.toml")
    with pytest.raises(SpecError, match=r"bad.toml: not valid TOML"):
        load_spec(path)
    with pytest.raises(SpecError, match=r"nope.toml: spec file not found"):
        load_spec(tmp_path / "nope.toml")


def test_bad_pattern_and_slug(write_spec):
    tables = '[entities]\npath = "m.csv"\nid = "m"\n[entities.fields]\nyear = { type = "number", pattern = "(" }'
    assert error_of(write_spec, spec_text(tables=tables)).startswith(
        "entities.fields.year.pattern: not a valid regular expression")
    assert error_of(write_spec, spec_text().replace('"movies"', '"Movies!"')) == \
        "name: 'Movies!' does not match ^[a-z0-9][a-z0-9-]{0,62}$"


def test_did_you_mean_inside_a_field_and_a_nested_table(write_spec):
    tables = '[entities]\npath = "m.csv"\nid = "m"\n[entities.fields]\nyear = { type = "number", patern = "(x)" }'
    assert error_of(write_spec, spec_text(tables=tables)) == \
        "entities.fields.year.patern: unknown key; did you mean 'pattern'?"
    assert error_of(write_spec, spec_text(tables="[filter]\nmin_entity_cont = 3")) == \
        "filter.min_entity_cont: unknown key; did you mean 'min_entity_count'?"


def test_variant_keys_without_effect_are_errors(write_spec):
    tables = "[[variants]]\nname = 't'\nmethod = 'tsne'\nperplexity = 20"
    assert error_of(write_spec, spec_text(tables=tables)).startswith(
        "variants[0]: perplexity: has no effect with input = 'graph'")
    ok = "[[variants]]\nname = 't'\nmethod = 'tsne'\ninput = 'embedding'\nperplexity = 20"
    assert load_spec(write_spec(spec_text(tables=ok))).variants[0].perplexity == 20


# --- specs that cannot surprise -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["../../../../../../etc/passwd", "/etc/passwd"])
def test_data_outside_the_build_and_spec_folders_is_refused(write_spec, path):
    text = spec_text().replace('path = "r.csv"', f'path = "{path}"')
    msg = error_of(write_spec, text)
    assert msg.startswith(f"collections.path: '{path}' is outside the folders a spec may read (")
    assert msg.endswith("to read it, pass --allow-path /etc")


def test_allow_path_and_symlinks(write_spec, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "r.csv").write_text("u,m\n1,2\n")
    spec_path = write_spec(spec_text().replace('path = "r.csv"', 'path = "proj/link.csv"'), name="movies.toml")
    # the spec lives in proj/ and the data reach out of it through a symbolic link
    proj = tmp_path / "proj"
    proj.mkdir()
    moved = proj / "movies.toml"
    moved.write_text(spec_path.read_text().replace("proj/link.csv", "link.csv"))
    (proj / "link.csv").symlink_to(outside / "r.csv")
    with pytest.raises(SpecError, match="collections.path: 'link.csv' is outside the folders a spec may read"):
        load_spec(moved)
    assert load_spec(moved, allow=[outside]).resolve("link.csv") == (outside / "r.csv").resolve()


def test_a_spec_cannot_set_its_own_read_folders(write_spec):
    assert error_of(write_spec, 'read_roots = ["/"]\n' + spec_text()) == "read_roots: unknown key"


def test_misspelt_section_gets_a_did_you_mean(write_spec):
    text = spec_text().replace("[collections]", "[colections]")
    assert error_of(write_spec, text) == "colections: unknown key; did you mean 'collections'?"


@pytest.mark.parametrize("tables, expected", [
    ('[graph]\nn_neighbors = "15"', "graph.n_neighbors: input should be a valid integer, got '15'"),
    ('[cooccurrence]\nscale = "2.5"', "cooccurrence.scale: input should be a valid number, got '2.5'"),
    ("[site]\ncolor_by = 3", "site.color_by: input should be a valid string, got 3"),
    ('[[variants]]\nname = "t"\nmethod = "tsne"\npack_islands = "yes"',
     "variants[0].pack_islands: input should be a valid boolean, got 'yes'"),
])
def test_strict_types(write_spec, tables, expected):
    assert error_of(write_spec, spec_text(tables=tables)) == expected


def test_an_integer_is_still_a_valid_float(write_spec):
    assert load_spec(write_spec(spec_text(tables="[cooccurrence]\nscale = 2"))).cooccurrence.scale == 2.0


@pytest.mark.parametrize("host", ["https://images.example.org", "images.example.org/covers", "*.example.org",
                                  "images.example.org:8080", "a b", "-bad.example.org", ""])
def test_image_hosts_are_host_names_only(write_spec, host):
    msg = error_of(write_spec, spec_text(tables=f"[site]\nimage_hosts = [{host!r}]"))
    assert msg.startswith("site.image_hosts: must hold host names only"), msg
    assert repr(host) in msg


def test_image_hosts_are_lower_cased_and_sorted_and_theme_defaults_to_auto(write_spec):
    spec = load_spec(write_spec(spec_text(tables='[site]\nimage_hosts = ["S.Example.org", "images.gr-assets.com", "127.0.0.1"]')))
    assert spec.site.image_hosts == ["127.0.0.1", "images.gr-assets.com", "s.example.org"]
    assert spec.site.theme == "auto"
    assert error_of(write_spec, spec_text(tables="[site]\ntheme = 'sepia'")) == \
        "site.theme: must be 'auto', 'light' or 'dark', got 'sepia'"
