"""`atlasgen init`: look at the first rows of a user's CSV and write a commented starting spec.

Nothing here reads the whole file: the encoding, delimiter and header are sniffed from the first
64 KiB, the columns' roles from the first rows. Every guess is written into the spec where the user
can see it; where two columns could fill a role, the others are listed in a comment beside it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.commands.guess import FieldGuess, Guess, guess_fields, guess_id, guess_label, guess_roles
from sitegen.commands.sniff import Table, sniff
from sitegen.errors import SpecError

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


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
