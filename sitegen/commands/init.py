"""`atlasgen init`: look at the first rows of a user's CSV and write a commented starting spec.

Nothing here reads the whole file: the encoding, delimiter and header are sniffed from the first
64 KiB, the columns' roles from the first rows. Every guess is written into the spec where the user
can see it; where two columns could fill a role, the others are listed in a comment beside it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.errors import DataError, SpecError
from sitegen.spec import HOST_NAME

SAMPLE_BYTES = 1 << 16
SAMPLE_ROWS = 500
DELIMITERS = (",", ";", "\t", "|")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

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
class Table:
    """What was sniffed from the start of one file."""

    path: Path
    format: str  # "csv" | "jsonl"
    encoding: str
    delimiter: str
    header: bool
    columns: list[str]
    rows: list[list[str]]  # sample rows as text, one cell per column ("" where absent)
    notes: list[str] = field(default_factory=list)

    def values(self, column: str) -> list[str]:
        i = self.columns.index(column)
        return [r[i] for r in self.rows]


@dataclass
class Guess:
    """A guessed column for one role, and the other columns that could fill it."""

    column: str | None
    others: list[str] = field(default_factory=list)


# --- sniffing ------------------------------------------------------------------------------------


def sniff(path: Path) -> Table:
    """Encoding, format, delimiter, header and the first rows of `path`."""
    name = str(path)
    if not path.is_file():
        raise DataError(f"{name}: file not found")
    with open(path, "rb") as f:
        raw = f.read(SAMPLE_BYTES)
        truncated = bool(f.read(1))
    if not raw.strip():
        raise DataError(f"{name}: file is empty")
    encoding, text = _decode(raw, truncated)
    if truncated:  # drop the partial last line
        text = text[: text.rfind("\n") + 1] or text
    if path.suffix.lower() in (".jsonl", ".ndjson") or text.lstrip().startswith("{"):
        return _sniff_jsonl(path, encoding, text)
    delimiter = _delimiter(text, path)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if any(c.strip() for c in r)]
    if not rows:
        raise DataError(f"{name}: no rows found")
    width = max(len(r) for r in rows[:SAMPLE_ROWS])
    if width < 2:
        raise DataError(f"{name}: found one column only; a membership table needs a collection and an entity column "
                        "(delimiters tried: comma, semicolon, tab, bar)")
    header = _has_header(rows[:SAMPLE_ROWS + 1])
    if header:
        columns = _unique_names([c.strip() for c in rows[0]] + [str(i) for i in range(len(rows[0]), width)])
        body = rows[1:SAMPLE_ROWS + 1]
    else:
        columns = [str(i) for i in range(width)]
        body = rows[:SAMPLE_ROWS]
    body = [(r + [""] * width)[:width] for r in body]
    return Table(path, "csv", encoding, delimiter, header, columns, body)


def _decode(raw: bytes, truncated: bool) -> tuple[str, str]:
    """(encoding name for the spec, text). UTF-8 first (a BOM is fine), then Windows-1252, then Latin-1."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        return "utf-8", codecs.getincrementaldecoder("utf-8")().decode(raw, final=not truncated)
    except UnicodeDecodeError:
        pass
    try:
        return "cp1252", raw.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1", raw.decode("latin-1")


def _delimiter(text: str, path: Path) -> str:
    """The candidate that splits the most lines into the same number (> 1) of fields."""
    if path.suffix.lower() in (".tsv", ".tab") and "\t" in text:
        return "\t"
    lines = [ln for ln in text.splitlines() if ln.strip()][:50]
    best, best_score = ",", (-1.0, 0)
    for d in DELIMITERS:
        widths = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = (widths.count(common) / len(widths), common)
        if score > best_score:
            best, best_score = d, score
    return best


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return s.strip().lower() not in ("nan", "inf", "-inf", "infinity")


def _has_header(rows: list[list[str]]) -> bool:
    """A first row is a header when a column is numeric below it but not in it, or when every cell of it
    looks like a name that does not occur again in its column."""
    first, body = rows[0], rows[1:]
    if not body:
        return not any(_is_number(c) for c in first)
    for i, cell in enumerate(first):
        col = [r[i] for r in body if i < len(r) and r[i].strip()]
        if col and all(_is_number(v) for v in col) and not _is_number(cell):
            return True
    if any(_is_number(c) or not c.strip() for c in first):
        return False
    names_like = all(re.fullmatch(r"[A-Za-z_][\w .()-]{0,60}", c.strip()) for c in first)
    repeated = any(first[i] in {r[i] for r in body if i < len(r)} for i in range(len(first)))
    return names_like and not repeated and len(set(first)) == len(first)


def _unique_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for i, n in enumerate(names):
        n = n or str(i)
        base, k = n, 2
        while n in out:
            n, k = f"{base}_{k}", k + 1
        out.append(n)
    return out


def _sniff_jsonl(path: Path, encoding: str, text: str) -> Table:
    objs = []
    for i, line in enumerate(text.splitlines()[:SAMPLE_ROWS]):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise DataError(f"{path}:{i + 1}: not a JSON object (JSON Lines files hold one object per line)") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{i + 1}: not a JSON object (JSON Lines files hold one object per line)")
        objs.append(obj)
    columns = list(dict.fromkeys(k for o in objs for k in o))
    rows = [["" if o.get(c) is None else str(o.get(c)) for c in columns] for o in objs]
    return Table(path, "jsonl", encoding, ",", True, columns, rows)


# --- roles ---------------------------------------------------------------------------------------


def _words(name: str) -> set[str]:
    parts = re.findall(r"[a-z]+|[A-Z][a-z]*", name)
    words = {p.lower() for p in parts}
    return words | {name.lower().replace("_", "").replace("-", "").replace(" ", "")}


def _numeric(values: list[str]) -> bool:
    present = [v for v in values if v.strip()]
    return bool(present) and all(_is_number(v) for v in present)


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
    if all(_is_number(v) for v in present):
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


# --- writing the spec ----------------------------------------------------------------------------


def toml_str(s: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML also forbids a raw DEL."""
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007F")


def toml_key(s: str) -> str:
    return s if re.fullmatch(r"[A-Za-z0-9_-]+", s) else toml_str(s)


def field_name(column: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")
    return name or "field"


def _alternatives(g: Guess) -> str:
    return f"  # guessed; could also be: {', '.join(toml_str(c) for c in g.others)}" if g.others else ""


def _table_lines(t: Table, rel: str) -> list[str]:
    lines = [f"path = {toml_str(rel)}"]
    if t.format == "jsonl":
        lines.append('format = "jsonl"')
    elif t.delimiter != ",":
        lines.append(f"delimiter = {toml_str(t.delimiter)}")
    if t.encoding != "utf-8":
        lines.append(f"encoding = {toml_str(t.encoding)}  # the file is not UTF-8")
    if not t.header:
        lines.append("header = false                 # no header row: columns are named by position from 0")
    return lines


@dataclass
class MetadataGuess:
    """The guesses for a metadata table: where it is (relative to the spec), its id, label and fields."""

    table: Table
    rel: str
    id: Guess
    label: Guess
    fields: list[FieldGuess]


def render(name: str, data: Table, data_rel: str, roles: dict[str, Guess], meta: MetadataGuess | None = None) -> str:
    """The spec's text."""
    title = name.replace("-", " ").strip().capitalize() or name
    lines = [
        f"# Written by `atlasgen init` from the first {len(data.rows)} rows of {data.path.name}: every guess is below,",
        "# check it, then run `atlasgen validate` and `atlasgen build`. The README explains each key.",
        f"name = {toml_str(name)}                 # the URL slug",
        f"title = {toml_str(title)}",
        'description = ""                # markdown allowed',
        "seed = 42                       # same spec + seed = same bytes",
        "",
        "[source]                        # attribution shown on the site",
        'license = ""',
        'url = ""',
        "",
        "[collections]                   # one row per (collection, entity) membership",
        *_table_lines(data, data_rel),
        f"collection = {toml_str(roles['collection'].column)}{_alternatives(roles['collection'])}",
        f"entity = {toml_str(roles['entity'].column)}{_alternatives(roles['entity'])}",
    ]
    for role, doc in (("value", "numeric value of a membership (e.g. a rating)"), ("time", "when (numbers or ISO dates)")):
        g = roles[role]
        if g.column:
            lines.append(f"{role} = {toml_str(g.column)}  # {doc}{'; could also be: ' + ', '.join(toml_str(c) for c in g.others) if g.others else ''}")
        else:
            lines.append(f"# {role} = \"COLUMN\"  # optional: {doc}")
    if roles["value"].column:
        lines.append("# min_value = 4.0              # keep only memberships with value >= this")

    color_by, color_others = None, []
    if meta is not None:
        id_g, label_g, fields = meta.id, meta.label, meta.fields
        lines += ["", "[entities]                      # metadata, joined to the memberships by id",
                  *_table_lines(meta.table, meta.rel),
                  f"id = {toml_str(id_g.column)}{_alternatives(id_g)}"]
        if label_g.column:
            lines.append(f"label = {toml_str(label_g.column)}{_alternatives(label_g)}")
        else:
            lines.append('# label = "COLUMN"            # the entity\'s display name (default: its id)')
        lines += ["", "[entities.fields]               # category | tags (with sep) | number | text | image"]
        used: set[str] = set()
        for f in fields:
            key = field_name(f.column)
            base, k = key, 2
            while key in used:
                key, k = f"{base}_{k}", k + 1
            used.add(key)
            parts = [f'type = "{f.type}"']
            if f.sep:
                parts.append(f"sep = {toml_str(f.sep)}")
            if key != f.column:
                parts.append(f"from = {toml_str(f.column)}")
                parts.append(f"label = {toml_str(f.column)}")
            entry = f"{toml_key(key)} = {{ {', '.join(parts)} }}"
            why = f"  # {f.why}" if f.why else ""
            lines.append(entry + why if f.enabled else f"# {entry}{why}")
            f.key = key
        cats = sorted((f for f in fields if f.enabled and f.type == "category"), key=lambda f: -f.entropy)
        if cats:
            color_by, color_others = cats[0].key, [f.key for f in cats[1:]]

    lines += [
        "",
        "[filter]",
        "min_entity_count = 5            # drop entities seen in fewer collections",
        "max_collection_size = 1000      # longer collections are subsampled (seeded)",
        "",
        "[graph]",
        'transform = "cosine"',
        "n_neighbors = 15                # must stay below the number of entities kept",
        "",
        "[[variants]]                    # one 2D layout each; the first is the default",
        'name = "map"',
        'label = "Map (t-SNE of the kNN graph)"',
        'method = "tsne"',
        'input = "graph"',
        "",
        "# [[variants]]                  # the documented process: PyMDE embedding, then UMAP (slower)",
        '# name = "umap"',
        '# method = "umap"',
        '# input = "embedding"',
        "",
        "[site]",
    ]
    lines.append(f"color_by = {toml_str(color_by)}{_alternatives(Guess(color_by, color_others))}" if color_by else '# color_by = "FIELD"           # a category, tags or number field')
    hosts = sorted({h for f in (meta.fields if meta else []) if f.enabled and f.type == "image" for h in f.hosts})
    if hosts:
        lines.append(f"image_hosts = [{', '.join(toml_str(h) for h in hosts)}]  # where the image fields' first rows "
                     "point: the pages may load pictures from these hosts only")
    return "\n".join(lines) + "\n"


def _relative(target: Path, spec_dir: Path) -> str:
    return Path(os.path.relpath(target.resolve(), spec_dir.resolve())).as_posix()


def default_name(data: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", data.stem.lower()).strip("-")[:63]
    return slug if NAME_PATTERN.match(slug or "") else "atlas"


def init(data: Path, entities: Path | None = None, name: str | None = None, *, folder: Path = Path("."),
         force: bool = False) -> tuple[Path, list[str]]:
    """Write `folder/datasets/NAME.toml` for `data` (and `entities`). Returns (spec path, notes for the user)."""
    name = name or default_name(data)
    if not NAME_PATTERN.match(name):
        raise SpecError(f"--name: {name!r} must be lower-case letters, digits and '-' (it is the URL slug)")
    spec_dir = folder / "datasets"
    out = spec_dir / f"{name}.toml"
    if out.exists() and not force:
        raise SpecError(f"{out}: already exists (choose another --name, or --force to overwrite)")
    table = sniff(data)
    roles = guess_roles(table)
    meta = None
    if entities is not None:
        mt = sniff(entities)
        id_g = guess_id(mt, roles["entity"].column, set(table.values(roles["entity"].column)))
        label_g = guess_label(mt, id_g.column)
        meta = MetadataGuess(mt, _relative(entities, spec_dir), id_g, label_g, guess_fields(mt, id_g.column, label_g.column))
    notes = []
    root = folder.resolve()
    for p in (data, entities):
        if p is not None and not p.resolve().is_relative_to(root):
            notes.append(f"{p} is outside {root}: build with --allow-path {p.resolve().parent}")
    text = render(name, table, _relative(data, spec_dir), roles, meta)
    spec_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out, notes
