"""The folders a spec's data may be read from, and how errors name a spec file."""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import excerpt


def default_roots(spec_path: Path, allow: tuple[Path, ...] | list[Path] = ()) -> tuple[Path, ...]:
    """The folders a spec's data may lie in: the current (build) folder, the spec's folder, `allow`."""
    roots = [Path.cwd().resolve(), Path(spec_path).resolve().parent, *(Path(a).resolve() for a in allow)]
    return tuple(dict.fromkeys(roots))


def outside_message(rel: str, path: Path, roots: tuple[Path, ...]) -> str:
    return (f"{excerpt(rel, 60)} is outside the folders a spec may read ({', '.join(str(r) for r in roots)}); "
            f"to read it, pass --allow-path {path.parent}")


def display_path(path: Path) -> str:
    """`path` relative to the current folder when it lies inside it (as errors show it), else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
