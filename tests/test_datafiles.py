"""Site data files of version 2: the search normalisation and the prefix index (docs/site-data.md)."""

from __future__ import annotations

import msgpack
import numpy as np
import scipy.sparse as sp

from sitegen.formats.datafiles import (
    SEARCH_TOP,
    fnv1a32,
    fnv1a32_many,
    id_buckets,
    label_tokens,
    normalize,
    prefix_key,
    search_buckets,
    top_neighbors,
)


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
    for key, obj in keys.items():  # every 1- and 2-character key: its tokens and most popular entities
        assert obj.get("tokens", []) == sorted(t for t in want if prefix_key(t) == key)
        top = np.frombuffer(obj["top"], "<u4").tolist()
        assert top == sorted({i for t, ix in want.items() if t.startswith(key) for i in ix})[:SEARCH_TOP]
    assert set(keys) == {t[:w] for t in want for w in (1, 2)}
    assert keys["b"]["tokens"] == ["b"] and "tokens" not in keys["a"]


# --- the vectorised pack steps against plain references (same results, byte for byte) ------------

TRICKY = ["Σ", "ΟΔΟΣ", "σ\u0301", "ß", "İ", "e\u0301", "\u0301", "ﬁ", "Ⅻ", "²", "東京", "한국", "_", "—", " ", "\t",
          "A", "z", "9", "-", "Ǆ", "\u00ad", "\u200d", "ǅ", "ς", "ΆΣ", "\U0001d400"]


def _random_texts(rng, n: int) -> list[str]:
    out = []
    for _ in range(n):
        parts = [str(rng.choice(TRICKY)) if rng.random() < 0.6 else chr(int(rng.integers(0x20, 0x3000)))
                 for _ in range(int(rng.integers(0, 7)))]
        out.append("".join(parts))
    return out


def _normalize_reference(text: str) -> str:
    """The character loop normalize() was: the specification the faster one must equal."""
    import unicodedata

    s = "".join(c for c in unicodedata.normalize("NFD", str(text)) if not 0x300 <= ord(c) <= 0x36F)
    s = s.lower().replace("ß", "ss")
    out, space = [], False
    for c in s:
        if unicodedata.category(c)[0] in "LN":
            if space and out:
                out.append(" ")
            out.append(c)
            space = False
        else:
            space = True
    return "".join(out)


def test_normalize_and_label_tokens_equal_the_character_loop():
    texts = _random_texts(np.random.default_rng(1), 3000) + ["ΟΔΟΣ", "Σ", "aΣ", "", "", "x\u0301y", "İstanbul"]
    want = [_normalize_reference(t) for t in texts]
    assert [normalize(t) for t in texts] == want
    # joined over all labels: a final sigma, a combining mark or a space at a label's edge stays in that label
    assert label_tokens(texts) == [w.split() for w in want]
    assert label_tokens(["a\0b", "c"]) == [["a", "b"], ["c"]] and label_tokens([]) == []


def test_fnv1a32_many_equals_fnv1a32():
    texts = _random_texts(np.random.default_rng(2), 2000) + ["", "e1", "x" * 300]
    assert fnv1a32_many(texts).tolist() == [fnv1a32(t) for t in texts]
    assert fnv1a32_many([]).tolist() == []


def test_top_neighbors_orders_by_weight_then_column():
    rng = np.random.default_rng(3)
    n = 300
    rows, cols = rng.integers(0, n, 6000), rng.integers(0, n, 6000)
    w = rng.choice([0.5, 1.0, 2.0, 3.0, -1.0, 1e-40, 1e30], 6000)  # ties, negatives, a float32 subnormal
    m = sp.csr_matrix((w, (rows, cols)), shape=(n, n))
    indptr, idx, wt = top_neighbors(m, k=5)
    m.sum_duplicates()
    for i in range(n):
        row = [(np.float32(v), int(c)) for c, v in zip(m.indices[m.indptr[i] : m.indptr[i + 1]],
                                                      m.data[m.indptr[i] : m.indptr[i + 1]]) if c != i and v > 0]
        want = sorted(row, key=lambda vc: (-vc[0], vc[1]))[:5]
        assert list(zip(wt[indptr[i] : indptr[i + 1]].tolist(), idx[indptr[i] : indptr[i + 1]].tolist())) == \
            [(float(v), c) for v, c in want]


def test_id_buckets_hold_each_id_in_its_fnv_bucket():
    ids = [f"id{i}" for i in range(500)] + ["Émile", "東京", ""]
    buckets = [msgpack.unpackb(b) for b in id_buckets(ids, 7)]
    seen = []
    for b, obj in enumerate(buckets):
        index = np.frombuffer(obj["index"], "<u4").tolist()
        assert index == sorted(index) and obj["ids"] == [ids[i] for i in index]
        assert all(fnv1a32(s) % 7 == b for s in obj["ids"])
        seen += index
    assert sorted(seen) == list(range(len(ids)))
