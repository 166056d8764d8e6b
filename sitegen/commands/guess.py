"""Guessing what each sniffed column is for `atlasgen init`: the roles (collection, entity, value, time),
the metadata's id and label, and each field's type. A guess keeps the other columns that could fill
its role, so the spec can list them beside it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sitegen.commands.sniff import Table, is_number
from sitegen.spec import HOST_NAME

# Column-name hints for each role, matched against the name's words (lower case, split on non-letters).
COLLECTION_WORDS = {"user", "users", "userid", "uid", "collection", "playlist", "session", "basket", "order",
                    "customer", "reader", "person", "member", "list", "cart", "player", "account", "doc", "paper"}
ENTITY_WORDS = {"item", "items", "itemid", "book", "movie", "movieid", "track", "song", "product", "entity",
                "artist", "game", "film", "title", "beatmap", "sku", "tag", "word", "ingredient", "author"}
VALUE_WORDS = {"rating", "score", "value", "weight", "count", "plays", "playcount", "pp", "stars", "quantity", "qty"}
TIME_WORDS = {"time", "timestamp", "date", "datetime", "ts", "created", "when", "day", "played"}
LABEL_WORDS = ("title", "name", "label")
IMAGE_WORDS = {"image", "img", "thumb", "thumbnail", "cover", "poster", "picture", "photo", "avatar", "icon"}
IMAGE_URL = re.compile(r"^(https?:)?//\S+\.(jpe?g|png|gif|webp|svg|avif)(\?\S*)?$", re.IGNORECASE)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass
class Guess:
    """A guessed column for one role, and the other columns that could fill it."""

    column: str | None
    others: list[str] = field(default_factory=list)


def _words(name: str) -> set[str]:
    parts = re.findall(r"[a-z]+|[A-Z][a-z]*", name)
    words = {p.lower() for p in parts}
    return words | {name.lower().replace("_", "").replace("-", "").replace(" ", "")}


def _numeric(values: list[str]) -> bool:
    present = [v for v in values if v.strip()]
    return bool(present) and all(is_number(v) for v in present)


def _integers(values: list[str]) -> bool:
    present = [v for v in values if v.strip()]
    return bool(present) and all(re.fullmatch(r"-?\d+", v.strip()) for v in present)


def _looks_like_time(values: list[str]) -> bool:
    present = [v.strip() for v in values if v.strip()]
    if not present:
        return False
    if all(ISO_DATE.match(v) for v in present):
        return True
    # Unix seconds between 1990 and 2040, or milliseconds over the same years.
    if _numeric(present):
        nums = [float(v) for v in present]
        return all(6.3e8 <= x <= 2.3e9 for x in nums) or all(6.3e11 <= x <= 2.3e12 for x in nums)
    return False


def _run_length(values: list[str]) -> float:
    """Mean length of runs of equal consecutive values: membership files are mostly grouped by collection."""
    if not values:
        return 0.0
    runs = 1 + sum(1 for a, b in zip(values, values[1:]) if a != b)
    return len(values) / runs


def guess_roles(t: Table) -> dict[str, Guess]:
    """collection, entity, value and time columns of a membership table."""
    cols = t.columns
    time_cols = [c for c in cols if _looks_like_time(t.values(c)) or (_words(c) & TIME_WORDS and _numeric(t.values(c)))]
    value_cols = [c for c in cols if c not in time_cols and _numeric(t.values(c)) and not _integers(t.values(c))]
    value_cols += [c for c in cols if c not in time_cols and c not in value_cols and _words(c) & VALUE_WORDS
                   and _numeric(t.values(c))]
    ids = [c for c in cols if c not in time_cols and c not in value_cols]
    if len(ids) < 2:  # e.g. both ids look like decimals: the first two columns that are not times are the ids
        non_time = [c for c in cols if c not in time_cols]
        ids = (non_time if len(non_time) >= 2 else cols)[:2]
        value_cols = [c for c in value_cols if c not in ids]

    by_name_c = [c for c in ids if _words(c) & COLLECTION_WORDS]
    by_name_e = [c for c in ids if _words(c) & ENTITY_WORDS and c not in by_name_c]
    if by_name_c:
        collection = by_name_c[0]
    elif by_name_e:
        rest = [c for c in ids if c not in by_name_e]
        collection = max(rest, key=lambda c: _run_length(t.values(c))) if rest else ids[0]
    else:
        # the column with the longest runs of equal values (files are grouped by collection); ties: the first
        collection = max(ids[:2], key=lambda c: (_run_length(t.values(c)), -ids.index(c)))
    entity_pool = [c for c in ids if c != collection]
    entity = next((c for c in entity_pool if c in by_name_e), entity_pool[0])

    value = next((c for c in value_cols if _words(c) & VALUE_WORDS), value_cols[0] if value_cols else None)
    time = next((c for c in time_cols if _words(c) & TIME_WORDS), time_cols[0] if time_cols else None)
    return {
        "collection": Guess(collection, [c for c in ids if c not in (collection, entity)]),
        "entity": Guess(entity, [c for c in ids if c not in (collection, entity)]),
        "value": Guess(value, [c for c in value_cols if c != value]),
        "time": Guess(time, [c for c in time_cols if c != time]),
    }


@dataclass
class FieldGuess:
    column: str
    type: str  # category | tags | number | text | image
    sep: str | None = None
    why: str = ""
    enabled: bool = True  # False: written as a comment (an id-like or empty column)
    entropy: float = 0.0  # category only: the most even one colours the map
    key: str = ""  # its name in [entities.fields], set when written
    hosts: tuple[str, ...] = ()  # image only: the host names its sample URLs use


def guess_fields(t: Table, id_column: str, label: str | None) -> list[FieldGuess]:
    out = []
    for c in t.columns:
        if c in (id_column, label):
            continue
        out.append(_field_type(c, t.values(c)))
    return out


def _field_type(column: str, values: list[str]) -> FieldGuess:
    present = [v.strip() for v in values if v.strip()]
    n = len(present)
    if not n:
        return FieldGuess(column, "text", why="empty in the first rows", enabled=False)
    distinct = len(set(present))
    urls = sum(1 for v in present if IMAGE_URL.match(v))
    if urls >= 0.8 * n or (_words(column) & IMAGE_WORDS and sum(v.startswith(("http://", "https://")) for v in present) >= 0.8 * n):
        hosts = {urlsplit(v).hostname for v in present if v.startswith(("http://", "https://"))}
        return FieldGuess(column, "image", why="image URLs", hosts=tuple(sorted(h for h in hosts if h and HOST_NAME.fullmatch(h))))
    if all(is_number(v) for v in present):
        if _integers(present) and distinct == n and n > 20 and re.search(r"(^|[_ -])id$|Id$|ID$", column):
            return FieldGuess(column, "number", why="a unique integer per row: another id?", enabled=False)
        return FieldGuess(column, "number")
    for sep in ("|", ";", ","):
        split = [[p.strip() for p in v.split(sep) if p.strip()] for v in present]
        multi = sum(1 for parts in split if len(parts) > 1)
        parts = [p for ps in split for p in ps]
        if multi < max(2, 0.2 * n) or not parts:
            continue
        repeats = len(parts) / len(set(parts))
        short = sum(len(p) for p in parts) / len(parts) <= 30
        if repeats >= 1.5 and short:
            alt = "; or text" if sep == "," else ""
            return FieldGuess(column, "tags", sep=sep, why=f"{multi} of {n} rows hold several values{alt}")
    if distinct <= max(30, n // 4) and distinct < n and sum(len(v) for v in present) / n <= 40:
        counts = Counter(present)
        entropy = -sum(k / n * math.log(k / n) for k in counts.values())
        return FieldGuess(column, "category", why=f"{distinct} distinct values in {n} rows", entropy=entropy)
    return FieldGuess(column, "text")


def guess_id(meta: Table, entity_column: str, entity_values: set[str]) -> Guess:
    """The metadata column that holds the membership table's entity ids."""
    cols = meta.columns
    overlap = {c: len(set(meta.values(c)) & entity_values) for c in cols}
    ranked = sorted(cols, key=lambda c: (c != entity_column, "id" not in _words(c) and not c.lower().endswith("id"),
                                        -overlap[c], cols.index(c)))
    best = ranked[0]
    others = [c for c in ranked[1:] if overlap[c] > 0 or c.lower().endswith("id")]
    return Guess(best, others)


def guess_label(meta: Table, id_column: str) -> Guess:
    cols = [c for c in meta.columns if c != id_column]
    named = [c for w in LABEL_WORDS for c in cols if w in _words(c) or c.lower() == w]
    named = list(dict.fromkeys(named))
    texty = [c for c in cols if not _numeric(meta.values(c)) and len(set(meta.values(c))) >= 0.9 * max(1, len(meta.rows))
             and not any(IMAGE_URL.match(v) or v.startswith(("http://", "https://")) for v in meta.values(c)[:20])]
    ordered = list(dict.fromkeys(named + texty))
    if not ordered:
        return Guess(None)
    return Guess(ordered[0], ordered[1:4])
