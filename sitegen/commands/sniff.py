"""Sniffing the start of a user's table for `atlasgen init`: encoding, format, delimiter, header, first rows.

Nothing here reads the whole file: everything is decided from the first 64 KiB.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import DataError

SAMPLE_BYTES = 1 << 16
SAMPLE_ROWS = 500
DELIMITERS = (",", ";", "\t", "|")


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


def is_number(s: str) -> bool:
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
        return not any(is_number(c) for c in first)
    for i, cell in enumerate(first):
        col = [r[i] for r in body if i < len(r) and r[i].strip()]
        if col and all(is_number(v) for v in col) and not is_number(cell):
            return True
    if any(is_number(c) or not c.strip() for c in first):
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
