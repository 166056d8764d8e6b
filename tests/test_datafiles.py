"""Site data files of version 2: the search normalisation and the prefix index (docs/site-data.md)."""

from __future__ import annotations

import msgpack
import numpy as np

from sitegen.formats.datafiles import SEARCH_TOP, fnv1a32, normalize, prefix_key, search_buckets


def test_normalize_matches_the_viewer():
    # expected values are what js/src/search.js normalize() returns for the same strings
    assert normalize("  Émile  Zola: <img src=x>  Straße 42 ") == "emile zola img src x strasse 42"
    assert normalize("Ça_va—très-bien!") == "ca va tres bien"
    assert normalize("") == "" and normalize("***") == ""


def _decode(buckets: list[bytes]) -> dict[str, dict]:
    keys = {}
    for b in buckets:
        keys.update(msgpack.unpackb(b)["keys"])
    return keys


def test_prefix_index_lists_every_label_word():
    rng = np.random.default_rng(0)
    words = ["amber", "amble", "birch", "b", "émile", "zola", "zo"]
    labels = [" ".join(rng.choice(words, rng.integers(1, 4))) + f" {i}" for i in range(500)]
    buckets = search_buckets(labels, 7)
    keys = _decode(buckets)
    for b, raw in enumerate(buckets):  # every key sits in the bucket the viewer will fetch
        assert all(fnv1a32(k) % 7 == b for k in msgpack.unpackb(raw)["keys"])
    postings = {}
    for key, obj in keys.items():
        if "tokens" not in obj:
            continue
        counts = np.frombuffer(obj["counts"], "<u4")
        flat = np.frombuffer(obj["postings"], "<u4")
        at = 0
        for t, c in zip(obj["tokens"], counts):
            assert prefix_key(t) == key
            postings[t] = np.cumsum(flat[at : at + c]).tolist()
            at += c
    want: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        for t in dict.fromkeys(normalize(label).split()):
            want.setdefault(t, []).append(i)
    assert postings == want
    top_a = np.frombuffer(keys["a"]["top"], "<u4").tolist()
    assert top_a == sorted({i for t, ix in want.items() if t.startswith("a") for i in ix})[:SEARCH_TOP]
