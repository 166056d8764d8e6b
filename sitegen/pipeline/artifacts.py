"""The cached artifacts of the pipeline's stages and how each is written to / read from its folder.

Plain files (npz/npy, msgpack, JSON), so a cache can be inspected or produced by other tools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import msgpack
import numpy as np
import scipy.sparse as sp

from sitegen.datatypes import Collections, Entities
from sitegen.stages.load import LoadStats


@dataclass
class Loaded:
    collections: Collections
    entities: Entities
    stats: LoadStats
    seconds: float


@dataclass
class KnnArtifact:
    """The fused co-occurrence -> kNN stage's output (`stages.fused.FusedGraph`), over kept entities."""

    kept: np.ndarray  # (n_kept,) int64: entity indices that survived (isolated ones dropped)
    knn_idx: np.ndarray  # (n_kept, k) int32 into the kept entities
    knn_sim: np.ndarray  # (n_kept, k) float32
    info: dict  # edges, isolated, pairs, seconds
    # top co-occurring entities (CSR: indptr int64, indices int64 into kept, weights float32 raw counts)
    neighbors: tuple[np.ndarray, np.ndarray, np.ndarray]
    truth: np.ndarray | None = None  # (n_kept, evaluate.k) int32 ranked associations when wider than knn_idx


@dataclass
class EmbedArtifact:
    coords: np.ndarray  # (n_kept, d) float32: the intermediate PyMDE embedding
    info: dict  # iterations, distortion, seconds


def save_loaded(x: Loaded, d: Path) -> None:
    c = x.collections
    arrays = {"indptr": c.indptr, "entity": c.entity, "n_entities": np.array(c.n_entities)}
    if c.value is not None:
        arrays["value"] = c.value
    if c.time is not None:
        arrays["time"] = c.time
    np.savez(d / "collections.npz", **arrays)
    e = x.entities
    fields = {}
    for name, col in e.fields.items():
        t = e.field_types[name]
        if t == "number":
            fields[name] = col.astype("<f8").tobytes()
        elif t == "tags":
            fields[name] = [list(v) for v in col]
        else:
            fields[name] = [str(v) for v in col]
    blob = {"ids": [str(v) for v in e.ids], "labels": [str(v) for v in e.labels],
            "counts": e.counts.astype("<i8").tobytes(), "fields": fields, "types": e.field_types}
    (d / "entities.msgpack").write_bytes(msgpack.packb(blob))
    (d / "stats.json").write_text(json.dumps({"stats": x.stats.as_dict(), "seconds": x.seconds}, sort_keys=True))


def read_loaded(d: Path) -> Loaded:
    z = np.load(d / "collections.npz")
    coll = Collections(indptr=z["indptr"], entity=z["entity"], n_entities=int(z["n_entities"]),
                       value=z["value"] if "value" in z else None, time=z["time"] if "time" in z else None)
    blob = msgpack.unpackb((d / "entities.msgpack").read_bytes())
    fields = {}
    for name, col in blob["fields"].items():
        t = blob["types"][name]
        if t == "number":
            fields[name] = np.frombuffer(col, dtype="<f8").copy()
        elif t == "tags":
            arr = np.empty(len(col), dtype=object)
            arr[:] = [tuple(v) for v in col]
            fields[name] = arr
        else:
            fields[name] = np.asarray(col, dtype=object)
    ents = Entities(ids=np.asarray(blob["ids"], dtype=str), labels=np.asarray(blob["labels"], dtype=str),
                    counts=np.frombuffer(blob["counts"], dtype="<i8").copy(), fields=fields,
                    field_types=dict(blob["types"]))
    meta = json.loads((d / "stats.json").read_text())
    return Loaded(coll, ents, LoadStats(**meta["stats"]), meta["seconds"])


def save_cooc(x: tuple[sp.csr_matrix, float], d: Path) -> None:
    sp.save_npz(d / "cooc.npz", x[0], compressed=False)
    (d / "seconds.json").write_text(json.dumps(x[1]))


def read_cooc(d: Path) -> tuple[sp.csr_matrix, float]:
    return sp.load_npz(d / "cooc.npz").tocsr(), json.loads((d / "seconds.json").read_text())


def save_knn(g: KnnArtifact, d: Path) -> None:
    extra = {} if g.truth is None else {"truth": g.truth}
    np.savez(d / "knn.npz", kept=g.kept, knn_idx=g.knn_idx, knn_sim=g.knn_sim, nb_indptr=g.neighbors[0],
             nb_indices=g.neighbors[1], nb_weights=g.neighbors[2], **extra)
    (d / "info.json").write_text(json.dumps(g.info, sort_keys=True))


def read_knn(d: Path) -> KnnArtifact:
    z = np.load(d / "knn.npz")
    return KnnArtifact(kept=z["kept"], knn_idx=z["knn_idx"], knn_sim=z["knn_sim"],
                       info=json.loads((d / "info.json").read_text()),
                       neighbors=(z["nb_indptr"], z["nb_indices"], z["nb_weights"]),
                       truth=z["truth"] if "truth" in z else None)


def save_embed(e: EmbedArtifact, d: Path) -> None:
    np.save(d / "coords.npy", e.coords)
    (d / "info.json").write_text(json.dumps(e.info, sort_keys=True))


def read_embed(d: Path) -> EmbedArtifact:
    return EmbedArtifact(coords=np.load(d / "coords.npy"), info=json.loads((d / "info.json").read_text()))


def save_xy(x: tuple[np.ndarray, float], d: Path) -> None:
    np.save(d / "xy.npy", x[0])
    (d / "seconds.json").write_text(json.dumps(x[1]))


def read_xy(d: Path) -> tuple[np.ndarray, float]:
    return np.load(d / "xy.npy"), json.loads((d / "seconds.json").read_text())
