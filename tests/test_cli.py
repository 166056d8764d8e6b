"""The command line is a thin doorway: help texts, one-line errors with exit 1, validate output."""

from __future__ import annotations

import re
import subprocess
import sys

from typer.testing import CliRunner

from sitegen.cli import app

runner = CliRunner()


def test_help_lists_every_command_and_option():
    out = runner.invoke(app, ["--help"]).output
    for cmd in ("build", "validate", "serve"):
        assert cmd in out
    build = runner.invoke(app, ["build", "--help"]).output
    for opt in ("--out", "--cache", "--force", "--device", "--quiet", "--viewer"):
        assert opt in build


def test_bad_spec_is_one_line_and_exit_1(write_spec):
    path = write_spec('name = "x"\ntitle = "X"\n[graph]\nn_neighbors = 500\n', name="movies.toml")
    res = subprocess.run([sys.executable, "-m", "sitegen", "build", str(path), "--out", str(path.parent / "d")],
                         capture_output=True, text=True)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "movies.toml: " in lines[0]
    assert not (path.parent / "d").exists()


def test_bad_device_option(tiny_spec_path, tmp_path):
    res = runner.invoke(app, ["build", str(tiny_spec_path), "--device", "tpu", "--out", str(tmp_path / "d")])
    assert res.exit_code == 1 and "--device: must be 'cpu' or 'cuda', got 'tpu'" in res.output


def test_validate_prints_counts(tiny_spec_path):
    res = runner.invoke(app, ["validate", str(tiny_spec_path)])
    assert res.exit_code == 0, res.output
    assert "entities            828 kept" in res.output
    assert "pair incidences" in res.output and "memory estimate" in res.output


def test_too_little_memory_fails_early_in_validate_and_build(tiny_spec_path, tmp_path):
    """A dataset too big for the machine fails before the co-occurrence stage, naming the settings;
    ATLASGEN_MEMORY_LIMIT stands in for a small machine (the same check reads /proc/meminfo)."""
    env = {"ATLASGEN_MEMORY_LIMIT": "1M"}
    res = runner.invoke(app, ["validate", str(tiny_spec_path)], env=env)
    assert res.exit_code == 1
    line = res.output.strip().splitlines()[-1]
    assert re.search(r"tiny.toml: co-occurrence \+ kNN: needs about \d+ MiB of memory, 1 MiB available; "
                     r"lower filter.max_collection_size \(now \d+\)", line), line
    out = tmp_path / "dist"
    res = runner.invoke(app, ["build", str(tiny_spec_path), "--out", str(out), "--cache", str(tmp_path / "c"),
                              "--quiet"], env=env)
    assert res.exit_code == 1 and "co-occurrence + kNN: needs about" in res.output and not out.exists()
    assert not (tmp_path / "c" / "knn").exists()  # nothing computed
    res = runner.invoke(app, ["validate", str(tiny_spec_path)], env={"ATLASGEN_MEMORY_LIMIT": "64G"})
    assert res.exit_code == 0 and re.search(r"memory estimate .* peak for co-occurrence and kNN graph \(\S+ \S+ available\)",
                                            res.output)


def test_validate_missing_data_file(write_spec):
    path = write_spec('name = "x"\ntitle = "X"\n[collections]\npath = "gone.csv"\ncollection = "u"\n'
                      'entity = "m"\n[[variants]]\nname = "u"\nmethod = "umap"\n')
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 1 and "gone.csv: file not found" in res.output


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_is_byte_identical_from_a_cold_cache_and_failures_keep_dist(tiny_spec_path, tmp_path, write_spec):
    """Two cold builds of the same spec give the same bytes; a failing build leaves dist/ untouched."""
    from pathlib import Path

    viewer = Path("js/dist")
    if not (viewer / "viewer.js").is_file():
        import pytest

        pytest.skip("js/dist is not built (make viewer): the site stage needs the viewer bundle")
    first, second = tmp_path / "d1", tmp_path / "d2"
    for out, cache in ((first, "c1"), (second, "c2")):
        res = runner.invoke(app, ["build", str(tiny_spec_path), "--out", str(out), "--cache", str(tmp_path / cache),
                                  "--reproducible", "--quiet"])
        assert res.exit_code == 0, res.output
    a, b = _tree(first), _tree(second)
    assert a.keys() == b.keys() and all(a[k] == b[k] for k in a)
    assert "tiny/index.html" in a and "index.html" in a
    bad = write_spec('name = "x"\ntitle = "X"\n[collections]\npath = "gone.csv"\ncollection = "u"\n'
                     'entity = "m"\n[[variants]]\nname = "u"\nmethod = "umap"\n', name="bad.toml")
    res = runner.invoke(app, ["build", str(bad), "--out", str(first), "--cache", str(tmp_path / "c1"), "--quiet"])
    assert res.exit_code == 1 and "gone.csv: file not found" in res.output
    assert _tree(first) == a


SMALL = """
name = "small"
title = "Small"
[collections]
path = "r.csv"
collection = "u"
entity = "m"
[filter]
min_entity_count = 1
[graph]
n_neighbors = 5
[[variants]]
name = "map"
method = "tsne"
[[variants]]
name = "umap"
method = "umap"
input = "embedding"
n_neighbors = {k}
"""
SMALL_ROWS = "u,m\n" + "".join(f"{u},{(u * 7 + j) % 12}\n" for u in range(30) for j in range(4))


def test_validate_prints_each_variants_path_and_fails_where_the_build_would(write_spec):
    ok = write_spec(SMALL.format(k=8), {"r.csv": SMALL_ROWS}, name="small.toml")
    res = runner.invoke(app, ["validate", str(ok)])
    assert res.exit_code == 0, res.output
    assert "variant map         kNN graph -> t-SNE\n" in res.output
    assert "variant umap        kNN graph -> PyMDE 4D -> UMAP\n" in res.output
    bad = write_spec(SMALL.format(k=40), {"r.csv": SMALL_ROWS}, name="small.toml")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1
    assert res.output.strip().endswith("small.toml: variants[1].n_neighbors: must be < the number of entities (12), "
                                       "got 40 (variant 'umap')")


def test_allow_path_lets_a_spec_read_another_folder(write_spec, tmp_path):
    data = tmp_path / "elsewhere"
    data.mkdir()
    (data / "r.csv").write_text(SMALL_ROWS)
    (tmp_path / "sub").mkdir()
    spec = write_spec(SMALL.format(k=8).replace('path = "r.csv"', f'path = "{data}/r.csv"'), name="sub/small.toml")
    res = runner.invoke(app, ["validate", str(spec)])
    assert res.exit_code == 1 and "is outside the folders a spec may read" in res.output
    assert f"pass --allow-path {data}" in res.output
    res = runner.invoke(app, ["validate", str(spec), "--allow-path", str(data)])
    assert res.exit_code == 0, res.output
