"""Synthetic planted-group collections for tests and benchmarks (no I/O on import).

Entities are split uniformly into `n_groups` groups and get Zipf popularity (weight 1/rank, ranks
shuffled). Each collection has a primary group and, half of the time, a different secondary group;
its picks come 70 % from the primary group, 20 % from the secondary (the primary when there is
none) and 10 % from all entities, each pick weighted by popularity, duplicates removed. Sizes are
log-normal (median `median_size`, sigma 0.8) clipped to 2..max_size before de-duplication. Values
are ratings 0.5..5 in halves; times are seconds over ~10 years from 2001. Everything is vectorised,
so ~1e9 ordered pair incidences take seconds.

    python -m sitegen.synth OUTDIR --entities 20000 --collections 20000 --groups 20 --median-size 20
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from sitegen.datatypes import Collections

_SIGMA = 0.8
_SOURCE_P = (0.7, 0.2, 0.1)  # primary, secondary, anywhere
_T0, _T_SPAN = 978_307_200.0, 10 * 365.25 * 86_400.0


def generate(n_entities: int, n_collections: int, n_groups: int, median_size: float, seed: int,
             max_size: int = 300) -> tuple[Collections, np.ndarray]:
    """A planted-group dataset.

    Returns: (Collections with value (float32) and time (float64) columns, entities sorted within
    each collection; group_labels (n_entities,) int32 in [0, n_groups)).
    """
    if n_entities < 2 or n_groups < 1 or n_groups > n_entities or n_collections < 0:
        raise ValueError("need n_entities >= 2 and 1 <= n_groups <= n_entities")
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, n_groups, n_entities).astype(np.int32)
    popularity = 1.0 / (rng.permutation(n_entities) + 1.0)

    # Entities ordered by group, with cumulative popularity, so a weighted pick within group g is one
    # searchsorted into cum[start[g]:start[g + 1]].
    by_group = np.argsort(groups, kind="stable").astype(np.int32)
    cum = np.cumsum(popularity[by_group])
    start = np.searchsorted(groups[by_group], np.arange(n_groups + 1))
    cum_at = np.concatenate(([0.0], cum))[start]  # cumulative weight before each group, (G + 1,)

    sizes = np.exp(rng.normal(np.log(median_size), _SIGMA, n_collections))
    sizes = np.clip(np.rint(sizes), 2, max(2, max_size)).astype(np.int64)
    primary = rng.integers(0, n_groups, n_collections)
    secondary = primary
    if n_groups > 1:
        other = (primary + rng.integers(1, n_groups, n_collections)) % n_groups
        secondary = np.where(rng.random(n_collections) < 0.5, other, primary)

    owner = np.repeat(np.arange(n_collections, dtype=np.int64), sizes)
    source = rng.choice(3, size=owner.shape[0], p=_SOURCE_P)
    g = np.where(source == 0, primary[owner], secondary[owner])
    lo = np.where(source == 2, 0.0, cum_at[g])
    hi = np.where(source == 2, cum[-1], cum_at[g + 1])
    u = lo + rng.random(owner.shape[0]) * (hi - lo)
    picks = by_group[np.minimum(np.searchsorted(cum, u, side="right"), n_entities - 1)]
    del g, lo, hi, u, source

    key = owner * n_entities + picks
    key.sort()  # by collection, then entity; then de-duplicate (np.unique hashes first: much slower)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))] if key.size else key
    coll_of = key // n_entities
    entity = (key % n_entities).astype(np.int32)
    indptr = np.zeros(n_collections + 1, np.int64)
    np.cumsum(np.bincount(coll_of, minlength=n_collections), out=indptr[1:])
    m = entity.shape[0]
    value = (rng.integers(1, 11, m) * 0.5).astype(np.float32)
    time = np.floor(_T0 + rng.random(m) * _T_SPAN)
    return Collections(indptr=indptr, entity=entity, n_entities=n_entities, value=value, time=time), groups


def write_csv(path_dir: str | Path, coll: Collections, groups: np.ndarray) -> None:
    """Write `collections.csv` (collection,entity,value,time) and `entities.csv` (entity,name,group)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    out = Path(path_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = coll.n_entities
    owner = np.repeat(np.arange(coll.n_collections, dtype=np.int64), coll.sizes)
    members = {"collection": owner, "entity": coll.entity}
    if coll.value is not None:
        members["value"] = coll.value
    if coll.time is not None:
        members["time"] = coll.time.astype(np.int64)
    pcsv.write_csv(pa.table(members), out / "collections.csv")
    ids = np.arange(n)
    group_names = np.char.add("group", groups.astype(str))
    names = np.char.add(np.char.add(np.char.add("g", groups.astype(str)), "_e"), ids.astype(str))
    pcsv.write_csv(pa.table({"entity": ids, "name": names, "group": group_names}), out / "entities.csv")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m sitegen.synth", description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--collections", type=int, default=20_000)
    ap.add_argument("--groups", type=int, default=20)
    ap.add_argument("--median-size", type=float, default=20.0)
    ap.add_argument("--max-size", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    coll, groups = generate(a.entities, a.collections, a.groups, a.median_size, a.seed, max_size=a.max_size)
    write_csv(a.outdir, coll, groups)
    print(f"{a.outdir}: {coll.n_collections} collections, {coll.entity.shape[0]} memberships, "
          f"{coll.pair_count()} ordered pair incidences")


if __name__ == "__main__":
    main()
