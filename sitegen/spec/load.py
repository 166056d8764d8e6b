"""Reading a spec: TOML text -> validated `DatasetSpec`, or a one-line `SpecError` naming the file and key."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from sitegen.errors import SpecError
from sitegen.spec.dataset import DatasetSpec
from sitegen.spec.messages import validation_message
from sitegen.spec.paths import default_roots, display_path, outside_message


def parse_spec(raw: dict, spec_path: Path, label: str | None = None,
               allow: tuple[Path, ...] | list[Path] = ()) -> DatasetSpec:
    """Validate a spec dict. `label` is how errors name the file (default: the path); `allow`: extra
    folders its data may be read from."""
    label = label or str(spec_path)
    internal = [k for k in ("spec_path", "read_roots") if k in raw]
    if internal:  # set by the loader only: a spec cannot widen the folders it may read
        raise SpecError(f"{label}: {internal[0]}: unknown key")
    try:
        spec = DatasetSpec.model_validate({**raw, "spec_path": spec_path,
                                           "read_roots": default_roots(spec_path, allow)})
    except ValidationError as e:
        # An unknown key first: a misspelt section ([colections]) also makes its real one "missing",
        # and the did-you-mean is the useful message.
        errors = sorted(e.errors(), key=lambda err: err["type"] != "extra_forbidden")
        raise SpecError(f"{label}: {validation_message(errors[0])}") from None
    for key, table in (("collections", spec.collections), ("entities", spec.entities)):
        path = None if table is None else (spec_path.parent / table.path).resolve()
        if path is not None and not any(path.is_relative_to(r) for r in spec.read_roots):
            raise SpecError(f"{label}: {key}.path: {outside_message(table.path, path, spec.read_roots)}")
    return spec


def load_spec(path: str | Path, allow: tuple[Path, ...] | list[Path] = ()) -> DatasetSpec:
    """Read and validate `datasets/<slug>.toml`. Raises SpecError with a one-line message.

    The spec's data paths must lie inside the current folder or the spec's folder, or in `allow`."""
    path = Path(path)
    label = display_path(path)
    if not path.is_file():
        raise SpecError(f"{label}: spec file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{label}: not valid TOML ({e})") from None
    except UnicodeDecodeError as e:
        raise SpecError(f"{label}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return parse_spec(raw, path.resolve(), label, allow)
