"""Precompressed siblings: quality by what a file is for, the same bytes whatever the number of workers."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import numpy as np
import scipy.sparse as sp
from site_fixtures import tiny_result

from sitegen.datatypes import DatasetResult, Entities
from sitegen.formats.datafiles import EAGER_SHARDS, SHARD_ROWS
from sitegen.site.compress import BROTLI_LGWIN, compress_tree
from sitegen.site.write import on_demand_files
from sitegen.spec import parse_spec
from sitegen.stages.pack import with_packed


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _write(root, files):
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def test_on_demand_files_get_quality_10_the_rest_11(tmp_path):
    rng = np.random.default_rng(0)
    # msgpack-like: repeated structure with random numbers, where q10 and q11 give different bytes
    big = b"".join(b"\x92\xa5label" + rng.integers(0, 1 << 20, 4, dtype="<u4").tobytes() for _ in range(3000))
    _write(tmp_path, {"a/data/shard-1.x.msgpack": big, "a/data/shard-0.x.msgpack": big, "a/page.html": b"<p>hi</p>"})
    compress_tree(tmp_path, on_demand={"a/data/shard-1.x.msgpack"})
    lazy, eager = (tmp_path / f"a/data/shard-{k}.x.msgpack.br" for k in (1, 0))
    assert lazy.read_bytes() == brotli.compress(big, quality=10, lgwin=BROTLI_LGWIN) != eager.read_bytes()
    assert eager.read_bytes() == brotli.compress(big, quality=11, lgwin=BROTLI_LGWIN)
    assert brotli.decompress(lazy.read_bytes()) == big == gzip.decompress((tmp_path / "a/data/shard-1.x.msgpack.gz").read_bytes())
    assert brotli.decompress((tmp_path / "a/page.html.br").read_bytes()) == b"<p>hi</p>"


def test_same_bytes_with_one_worker_or_two(tmp_path):
    rng = np.random.default_rng(1)
    files = {f"d/f{k}.bin": rng.integers(0, 40, 20_000 + 997 * k, dtype=np.uint8).tobytes() for k in range(6)}
    for workers in (1, 2):
        _write(tmp_path / str(workers), files)
        compress_tree(tmp_path / str(workers), workers=workers, on_demand={"d/f3.bin"})
    assert _tree(tmp_path / "1") == _tree(tmp_path / "2")


def _plain_result(name: str, n: int) -> DatasetResult:
    """n entities without fields or co-occurrences (site_fixtures' random matrix is slow past a few thousand)."""
    spec = parse_spec({"name": name, "title": name, "collections": {"path": "c.csv", "collection": "u", "entity": "i"},
                       "variants": [{"name": "umap", "method": "umap"}]}, Path(f"/nonexistent/{name}.toml"))
    ent = Entities(np.array([f"e{i}" for i in range(n)], dtype=object), np.array([f"E {i}" for i in range(n)], dtype=object),
                   np.arange(n, 0, -1), {}, {})
    xy = np.random.default_rng(0).uniform(-1, 1, (n, 2)).astype(np.float32)
    return with_packed(DatasetResult(spec, ent, sp.csr_matrix((n, n), dtype=np.float32), {"umap": xy}))


def test_only_the_shards_a_big_atlas_loads_on_demand():
    small = tiny_result("small", n=40)
    big = _plain_result("big", SHARD_ROWS * EAGER_SHARDS + 1)
    assert len(big.packed.shards) == EAGER_SHARDS + 1
    assert on_demand_files([small, big]) == {f"big/{rel}" for rel in big.packed.shards[1:]}
