"""Stage 1: reading, filtering and indexing; bad input gives one line naming file, line and column."""

from __future__ import annotations

import numpy as np
import pytest

from sitegen.errors import DataError
from sitegen.spec import load_spec
from sitegen.stages.load import load_dataset

SPEC = """
name = "t"
title = "T"
seed = 1
[collections]
path = "{path}"
collection = "{coll}"
entity = "{ent}"
{extra}
[filter]
min_entity_count = {min_count}
max_collection_size = {max_size}
{tables}
[[variants]]
name = "umap"
method = "umap"
"""

ROWS = "u,m,r\n" + "".join(f"{u},{m},{(u + m) % 5 + 1}\n" for u in range(6) for m in range(4)) + "9,7,5\n9,8,5\n"


def spec(write_spec, files, path="r.csv", coll="u", ent="m", extra="", min_count=2, max_size=1000, tables=""):
    return load_spec(write_spec(SPEC.format(path=path, coll=coll, ent=ent, extra=extra, min_count=min_count,
                                            max_size=max_size, tables=tables), files))


def test_counts_and_dense_indices(write_spec):
    s = spec(write_spec, {"r.csv": ROWS})
    coll, ents, stats = load_dataset(s)
    # entities 7 and 8 appear once each (< min_count 2): dropped, and user 9 left empty: dropped
    assert stats.entities_read == 6 and stats.entities_kept == 4
    assert stats.collections_read == 7 and coll.n_collections == 6
    assert sorted(ents.ids) == ["0", "1", "2", "3"]
    assert coll.entity.dtype == np.int32 and coll.indptr.dtype == np.int64
    assert list(coll.sizes) == [4] * 6
    assert list(ents.counts) == [6, 6, 6, 6]
    assert list(ents.labels) == list(ents.ids)  # no metadata: the id is the label


def test_popular_entities_first_and_duplicates_dropped(write_spec):
    rows = "u,m\n1,a\n1,a\n1,b\n2,a\n2,b\n3,a\n3,c\n4,c\n4,a\n"
    coll, ents, _ = load_dataset(spec(write_spec, {"r.csv": rows}, min_count=1))
    assert list(ents.ids) == ["a", "b", "c"] and list(ents.counts) == [4, 2, 2]
    assert len(coll.entity) == 8  # the duplicate (1, a) counted once


def test_subsampling_is_deterministic_and_order_independent(write_spec, tmp_path):
    rows = ["u,m"] + [f"1,e{i}" for i in range(50)] + [f"2,e{i}" for i in range(50)]
    a = load_dataset(spec(write_spec, {"r.csv": "\n".join(rows) + "\n"}, min_count=1, max_size=10))[0]
    shuffled = [rows[0]] + list(np.random.default_rng(3).permutation(rows[1:]))
    b = load_dataset(spec(write_spec, {"r.csv": "\n".join(shuffled) + "\n"}, min_count=1, max_size=10))[0]
    assert list(a.sizes) == [10, 10]
    np.testing.assert_array_equal(a.entity, b.entity)


def test_min_value_and_metadata_join(write_spec):
    meta = "id,title,genres\n0,Zero (1999),A|B\n1,\"One, the (2001)\",B\n3,Three,\n"
    tables = """[entities]
path = "m.csv"
id = "id"
label = "title"
[entities.fields]
genres = { type = "tags", sep = "|" }
year = { type = "number", pattern = '\\((\\d{4})\\)', from = "title" }
"""
    s = spec(write_spec, {"r.csv": ROWS, "m.csv": meta}, extra='value = "r"\nmin_value = 2', tables=tables)
    coll, ents, stats = load_dataset(s)
    assert (coll.value >= 2).all()
    by_id = {i: k for k, i in enumerate(ents.ids)}
    assert ents.labels[by_id["1"]] == "One, the (2001)"
    assert ents.fields["genres"][by_id["0"]] == ("A", "B")
    assert ents.fields["year"][by_id["1"]] == 2001 and np.isnan(ents.fields["year"][by_id["3"]])
    assert stats.entities_without_metadata == 1 and ents.labels[by_id["2"]] == "2"


def test_tsv_latin1_bom_crlf_and_headerless(write_spec):
    latin = "u\tm\r\n" + "".join(f"{u}\tcaf\u00e9{m}\r\n" for u in range(3) for m in range(3))
    s = spec(write_spec, {"r.tsv": latin.encode("latin-1")}, path="r.tsv", extra='encoding = "latin-1"')
    assert sorted(load_dataset(s)[1].ids) == ["caf\u00e90", "caf\u00e91", "caf\u00e92"]
    bom = "\ufeffu,m\r\n" + "".join(f"{u},{m}\r\n" for u in range(3) for m in range(3))
    s = spec(write_spec, {"b.csv": bom.encode("utf-8")}, path="b.csv")
    assert load_dataset(s)[2].entities_kept == 3
    bare = "".join(f"{u} {m}\n" for u in range(3) for m in range(3))
    s = spec(write_spec, {"e.txt": bare}, path="e.txt", coll="0", ent="1", extra='header = false\ndelimiter = " "')
    assert load_dataset(s)[2].entities_kept == 3


def test_jsonl(write_spec):
    rows = "".join(f'{{"user": {u}, "item": "i{m}"}}\n' for u in range(3) for m in range(3))
    s = spec(write_spec, {"r.jsonl": rows}, path="r.jsonl", coll="user", ent="item")
    assert load_dataset(s)[2].memberships_kept == 9


def test_edge_list_mode(write_spec):
    edges = "0 1\n1 2\n2 0\n3 3\n0 3\n"
    s = spec(write_spec, {"e.txt": edges}, path="e.txt", coll="0", ent="1", min_count=1,
             extra='header = false\ndelimiter = " "\nedges = true')
    coll, ents, stats = load_dataset(s)
    # correspondents: 0 -> {1, 2, 3}, 1 -> {0, 2}, 2 -> {0, 1}, 3 -> {0} (dropped: size 1; self-loop ignored)
    assert stats.collections_kept == 3 and sorted(coll.sizes) == [2, 2, 3]


@pytest.mark.parametrize("files, kwargs, message", [
    ({}, {}, "r.csv: file not found"),
    ({"r.csv": ""}, {}, "r.csv: file is empty"),
    ({"r.csv": "u,m\n"}, {}, "r.csv: no data rows"),
    ({"r.csv": ROWS}, {"ent": "movie"}, "r.csv: column 'movie' not found; columns are: 'u', 'm', 'r'"),
    ({"r.csv": ROWS.replace("1,3,5", "1,3,4;5")}, {"extra": 'value = "r"'}, "r.csv:9: r: not a number ('4;5')"),
    ({"r.csv": ROWS}, {"min_count": 50}, "r.csv: all entities were filtered out"),
    ({"r.csv": "u,m\n1,\xe9\n".encode("latin-1")}, {}, "r.csv: "),
])
def test_bad_input_is_one_line(write_spec, files, kwargs, message):
    s = spec(write_spec, files, **kwargs)
    with pytest.raises(DataError) as e:
        load_dataset(s)
    assert "\n" not in str(e.value)
    assert message in str(e.value)


def test_invalid_utf8_names_the_encoding_setting(write_spec):
    s = spec(write_spec, {"r.csv": "u,m\n1,\xe9\n2,\xe9\n".encode("latin-1")}, min_count=1)
    with pytest.raises(DataError, match=r"r.csv: .*encoding"):
        load_dataset(s)


# --- specs that cannot surprise -------------------------------------------------------------------

META = "m,title\n0,Zero\n1,One\n2,Two\n1,One again\n3,Three\n2,Two again\n"


def test_duplicate_metadata_ids_are_an_error_naming_the_first_repeat(write_spec):
    tables = '[entities]\npath = "e.csv"\nid = "m"\nlabel = "title"'
    s = spec(write_spec, {"r.csv": ROWS, "e.csv": META}, tables=tables)
    with pytest.raises(DataError) as e:
        load_dataset(s)
    assert str(e.value).endswith("e.csv:5: m: duplicate id '1' (first on line 3; 2 repeated rows in all); ids must be "
                                 'unique, or set [entities] duplicates = "first" to keep the first row of each')


def test_duplicates_first_keeps_the_first_row_and_counts_the_rest(write_spec):
    tables = '[entities]\npath = "e.csv"\nid = "m"\nlabel = "title"\nduplicates = "first"'
    coll, ents, stats = load_dataset(spec(write_spec, {"r.csv": ROWS, "e.csv": META}, tables=tables))
    assert dict(zip(ents.ids, ents.labels))["1"] == "One" and dict(zip(ents.ids, ents.labels))["2"] == "Two"
    assert stats.duplicate_ids_skipped == 2 and stats.as_dict()["duplicate_ids_skipped"] == 2


def test_no_collection_with_two_members_says_so(write_spec):
    rows = "u,m\n" + "".join(f"{u},{u % 3}\n" for u in range(10))
    with pytest.raises(DataError) as e:
        load_dataset(spec(write_spec, {"r.csv": rows}, min_count=1))
    msg = str(e.value)
    assert "r.csv: no collection has two members (10 collections, each with one entity)" in msg
    assert "min_entity_count" not in msg


def test_errors_quote_only_a_short_escaped_excerpt_of_the_file(write_spec):
    secret = "root:x:0:0:root:/root:/bin/bash" + "A" * 200
    with pytest.raises(DataError) as e:
        load_dataset(spec(write_spec, {"r.csv": f"{secret}\nline2\n"}))
    msg = str(e.value)
    assert "r.csv: column 'u' not found; columns are: 'root:x:0:0:root:/root:/bin/bas'..." in msg
    assert "A" * 31 not in msg and len(msg) < len(str(write_spec)) + 200
    # a row of the wrong width: its line is named, its content is not printed
    rows = "u,m\n1,2\n1,3\nsecret-content-here\n2,3\n"
    with pytest.raises(DataError) as e:
        load_dataset(spec(write_spec, {"r.csv": rows}))
    assert str(e.value).endswith("r.csv:4: expected 2 fields, got 1") and "secret" not in str(e.value)
    # a bad number: an excerpt with control and bidi characters escaped
    rows = ROWS.replace("1,3,5", "1,3,\u202eevil\x1b[31m" + "x" * 100)
    with pytest.raises(DataError) as e:
        load_dataset(spec(write_spec, {"r.csv": rows}, extra='value = "r"'))
    assert "r.csv:9: r: not a number ('\\u202eevil\\x1b[31m" + "x" * 30 + "'...)" in str(e.value)
    assert "\u202e" not in str(e.value) and "\x1b" not in str(e.value)
