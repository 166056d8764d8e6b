"""Read CSV / TSV / JSON Lines tables into pyarrow, with one-line errors naming file, line and column.

Vectorised throughout (pyarrow's multi-threaded readers): no Python object per row, so a
10-million-row membership file loads in seconds.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from sitegen.errors import DataError, excerpt
from sitegen.spec import TableSpec


def display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def table_format(spec: TableSpec, path: Path) -> str:
    if spec.format:
        return spec.format
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    return "csv"


def read_table(spec: TableSpec, path: Path, columns: list[str], text_columns: set[str]) -> pa.Table:
    """Read `columns` (in that order) of the table at `path`.

    `text_columns` are read as strings whatever they look like (ids: "007" must stay "007").
    Other columns keep pyarrow's inferred type; callers convert them with `to_float`.
    """
    name = display(path)
    if not path.is_file():
        raise DataError(f"{name}: file not found")
    if path.stat().st_size == 0:
        raise DataError(f"{name}: file is empty")
    try:
        codecs.lookup(spec.encoding)
    except LookupError:
        raise DataError(f"{name}: unknown encoding {spec.encoding!r}") from None
    fmt = table_format(spec, path)
    if fmt == "jsonl":
        table = _read_jsonl(spec, path, name)
    else:
        table = _read_delimited(spec, path, name, fmt, columns, text_columns)
    found = table.column_names
    missing = [c for c in columns if c not in found]
    if missing:
        raise DataError(f"{name}: column {excerpt(missing[0])} not found; {_column_list(found)}")
    if table.num_rows == 0:
        raise DataError(f"{name}: no data rows")
    out = []
    for c in columns:
        col = table.column(c)
        if c in text_columns and not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
            col = _as_text(col)
        out.append(col)
    return pa.table(out, names=columns)


def _read_delimited(spec: TableSpec, path: Path, name: str, fmt: str, columns: list[str],
                    text_columns: set[str]) -> pa.Table:
    delimiter = spec.delimiter or ("\t" if fmt == "tsv" else ",")
    read_opts = pacsv.ReadOptions(encoding=spec.encoding, autogenerate_column_names=not spec.header,
                                  block_size=1 << 24)
    parse_opts = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    try:
        header = pacsv.open_csv(path, read_options=read_opts, parse_options=parse_opts).schema.names
    except (pa.ArrowInvalid, UnicodeDecodeError) as e:
        raise DataError(f"{name}{_arrow_message(e, path, spec, delimiter)}") from None
    # Headerless files get "f0", "f1", ... from pyarrow; the spec calls them "0", "1", ...
    rename = {h: h[1:] for h in header} if not spec.header else {h: h for h in header}
    found = [rename[h] for h in header]
    missing = [c for c in columns if c not in found]
    if missing:
        raise DataError(f"{name}: column {excerpt(missing[0])} not found; {_column_list(found)}")
    back = {v: k for k, v in rename.items()}
    include = [back[c] for c in columns]
    types = {back[c]: pa.string() for c in columns if c in text_columns}
    conv = pacsv.ConvertOptions(include_columns=include, column_types=types,
                                strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        table = pacsv.read_csv(path, read_options=read_opts, parse_options=parse_opts, convert_options=conv)
    except (pa.ArrowInvalid, UnicodeDecodeError) as e:
        raise DataError(f"{name}{_arrow_message(e, path, spec, delimiter)}") from None
    return table.rename_columns([rename[c] for c in table.column_names])


def _read_jsonl(spec: TableSpec, path: Path, name: str) -> pa.Table:
    data = path.read_bytes()
    if spec.encoding.lower().replace("-", "").replace("_", "") not in ("utf8", "utf8sig", "ascii"):
        try:
            data = data.decode(spec.encoding).encode("utf-8")
        except UnicodeDecodeError as e:
            raise DataError(f"{name}: not valid {spec.encoding} at byte {e.start}") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return pajson.read_json(pa.BufferReader(data), read_options=pajson.ReadOptions(block_size=1 << 24))
    except pa.ArrowInvalid as e:
        raise DataError(f"{name}{_arrow_message(e)}") from None


def _column_list(found: list[str], limit: int = 20) -> str:
    """The header's column names for an error, each a short escaped excerpt: a file that is not a
    table at all (a spec pointed at the wrong file) must not have its first line printed."""
    names = ", ".join(excerpt(c, 30) for c in found[:limit])
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    return f"columns are: {names}{more}"


def _arrow_message(e: Exception, path: Path | None = None, spec: TableSpec | None = None,
                   delimiter: str = ",") -> str:
    """pyarrow's message, after the file name, without the file content it quotes: a row is left out
    (its line number is found instead: `:4: expected 2 fields, got 1`), a quoted value becomes a short
    escaped excerpt."""
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    wrong_width = re.match(r"CSV parse error: Expected (\d+) columns, got (\d+)", msg)
    if wrong_width:
        line = _first_wrong_width_line(path, spec, delimiter, int(wrong_width.group(1))) if path and spec else None
        where = f":{line}" if line else ""
        return f"{where}: expected {wrong_width.group(1)} fields, got {wrong_width.group(2)}"
    msg = re.sub(r"'([^']*)'", lambda m: excerpt(m.group(1)), msg)[:200]
    if isinstance(e, UnicodeDecodeError):
        return f": not valid {e.encoding} text at byte {e.start} (set `encoding` in the spec, e.g. 'latin-1')"
    if "Empty CSV file" in msg:
        return ": file is empty"
    if "UTF8" in msg:
        return f": {msg} (set `encoding` in the spec, e.g. 'latin-1')"
    return f": {msg}"


def _first_wrong_width_line(path: Path, spec: TableSpec, delimiter: str, width: int) -> int | None:
    """The 1-based line of the first record with a different number of fields (error path only)."""
    import csv

    try:
        with open(path, encoding=spec.encoding, errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            for row in reader:
                if row and len(row) != width:
                    return reader.line_num
    except (OSError, csv.Error):
        return None
    return None


def _as_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_floating(col.type):
        # JSON numbers like 12.0 become "12" so that ids match across files
        arr = col.to_numpy(zero_copy_only=False)
        if np.all(np.isnan(arr) | (arr == np.round(arr))):
            col = pa.chunked_array([pa.array(np.where(np.isnan(arr), 0, arr).astype(np.int64))])
    return pc.cast(col, pa.string())


def to_float(col: pa.ChunkedArray, path: Path, column: str, header: bool, *, allow_missing: bool) -> np.ndarray:
    """A numeric column as float64; a non-numeric cell raises `file:line: column: not a number ('x')`."""
    t = col.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        secs = pc.cast(pc.cast(col, pa.timestamp("s")), pa.int64())
        return secs.to_numpy(zero_copy_only=False).astype(np.float64)
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or pa.types.is_null(t):
        arr = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
        arr = np.asarray(arr, dtype=np.float64)
        if not allow_missing and np.isnan(arr).any():
            bad = int(np.flatnonzero(np.isnan(arr))[0])
            raise DataError(f"{display(path)}:{bad + 1 + int(header)}: {column}: missing value")
        return arr
    text = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    empty = pc.equal(text, "")
    try:
        arr = pc.cast(pc.if_else(empty, None, text), pa.float64())
    except pa.ArrowInvalid:
        arr = None
    if arr is not None:
        out = arr.to_numpy(zero_copy_only=False).astype(np.float64)
        if not allow_missing and np.isnan(out).any():
            bad = int(np.flatnonzero(np.isnan(out))[0])
            raise DataError(f"{display(path)}:{bad + 1 + int(header)}: {column}: missing value")
        return out
    # Error path only: find the first cell that does not parse, to name its line.
    values = text.to_pylist()
    for i, v in enumerate(values):
        if v == "":
            continue
        try:
            float(v)
        except ValueError:
            raise DataError(f"{display(path)}:{i + 1 + int(header)}: {column}: not a number ({excerpt(v)})") from None
    raise DataError(f"{display(path)}: {column}: not numeric")
