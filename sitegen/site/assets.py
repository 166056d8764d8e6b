"""The prebuilt viewer bundle and the site's static files, under content-hashed names.

The viewer (viewer.js/.css) and the compare page (compare.js/.css) are built by
`npm --prefix js run build` into `js/dist/` (git-ignored); this module only copies them, so Python
never needs node except to refresh the bundle. The viewer's lazily imported modules, listed in
`js/dist/chunks.txt`, already carry a content hash in their names (the viewer has them compiled in)
and are copied under those names next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import BuildError
from sitegen.formats.naming import hashed_name

PACKAGE = Path(__file__).resolve().parents[1]  # sitegen/
CHECKOUT = PACKAGE.parent


def _located(installed: Path, checkout: Path) -> Path:
    """An installed wheel carries the folder as package data (pyproject maps it in); a checkout has
    it at the top level, where the design card puts templates/ and js/."""
    return installed if installed.is_dir() else checkout


TEMPLATES = _located(PACKAGE / "templates", CHECKOUT / "templates")
DEFAULT_VIEWER_DIR = _located(PACKAGE / "viewer", CHECKOUT / "js" / "dist")
VIEWER_FILES = ("viewer.js", "viewer.css", "compare.js", "compare.css")
BUILD_COMMAND = "npm --prefix js ci && npm --prefix js run build"


@dataclass(frozen=True)
class Assets:
    """Site-wide files: `files` maps a path under dist/ to bytes; the rest are those paths."""

    files: dict[str, bytes]
    viewer_js: str
    viewer_css: str
    site_css: str
    needs_eval: bool  # the bundle compiles code at run time (regl does), so CSP needs 'unsafe-eval'
    compare_js: str = ""
    compare_css: str = ""


def load_assets(viewer_dir: Path | None = None) -> Assets:
    """Read the viewer and compare bundles (default js/dist/) and templates/site.css; raise BuildError if missing."""
    vdir = Path(viewer_dir) if viewer_dir is not None else DEFAULT_VIEWER_DIR
    missing = [f for f in VIEWER_FILES if not (vdir / f).is_file()]
    if missing:
        hint = (f"build it in the source checkout with: {BUILD_COMMAND}" if (CHECKOUT / "js" / "package.json").is_file()
                else "this installation of atlasgen lacks its viewer bundle; reinstall a wheel built after the viewer")
        raise BuildError(f"viewer bundle not found: {vdir / missing[0]} is missing; {hint}")
    files: dict[str, bytes] = {}
    names = {}
    sources = [vdir / f for f in VIEWER_FILES] + [TEMPLATES / "site.css"]
    for src in sources:
        stem, suffix = src.stem, src.suffix
        data = src.read_bytes()
        rel = f"assets/{hashed_name(stem, suffix, data)}"
        files[rel] = data
        names[src.name] = rel
    chunk_list = vdir / "chunks.txt"
    for name in sorted(set(chunk_list.read_text().split())) if chunk_list.is_file() else []:
        if not (vdir / name).is_file():
            raise BuildError(f"viewer bundle incomplete: {vdir / name} (listed in {chunk_list}) is missing; rebuild it with: {BUILD_COMMAND}")
        files[f"assets/{name}"] = (vdir / name).read_bytes()
    needs_eval = any(b"new Function" in js or b"Function.apply" in js or b"eval(" in js
                     for js in (files[names["viewer.js"]], files[names["compare.js"]]))
    return Assets(files, names["viewer.js"], names["viewer.css"], names["site.css"], needs_eval=needs_eval,
                  compare_js=names["compare.js"], compare_css=names["compare.css"])
