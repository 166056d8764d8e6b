"""The package's folders say its architecture, and imports run one way:
cli -> commands -> pipeline -> stages -> formats; the site reads formats and data types, never stages;
nothing but the CLI (and commands among themselves) imports commands."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "sitegen"

# layer -> layers it must not import (the doorway modules errors/spec/datatypes are shared by all, so the
# spec package imports none of the layers)
FORBIDDEN = {
    "spec": {"formats", "stages", "pipeline", "commands", "site"},
    "formats": {"stages", "pipeline", "commands", "site"},
    "stages": {"pipeline", "commands", "site"},
    "pipeline": {"commands", "site"},
    "site": {"stages", "pipeline", "commands"},
}


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("sitegen"))
    return out


def test_imports_run_one_way():
    bad = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((PKG / layer).rglob("*.py")):
            for mod in _imports(path):
                parts = mod.split(".")
                if len(parts) > 1 and parts[1] in forbidden:
                    bad.append(f"{path.relative_to(PKG)} imports {mod}")
    assert not bad, "\n".join(bad)


def test_no_module_outside_the_layers_grows_back():
    top = sorted(p.name for p in PKG.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py", "datatypes.py", "errors.py", "synth.py"]


def test_every_package_ships_in_the_wheel():
    """pyproject lists the packages by hand (templates and the viewer are mapped in): a new folder left
    out of it works in the checkout and is missing from an installed wheel."""
    listed = set(tomllib.loads((PKG.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PKG.parent).parts) for p in PKG.rglob("__init__.py")}
    assert found - listed == set()
