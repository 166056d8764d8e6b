"""The prebuilt viewer bundle and the site's static files, under content-hashed names.

The viewer (viewer.js/.css) and the compare page (compare.js/.css) are built by
`npm --prefix js run build` into `js/dist/` (git-ignored); this module only copies them, so Python
never needs node except to refresh the bundle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VIEWER_DIR = REPO / "js" / "dist"
TEMPLATES = REPO / "templates"
VIEWER_FILES = ("viewer.js", "viewer.css", "compare.js", "compare.css")
BUILD_COMMAND = "npm --prefix js ci && npm --prefix js run build"
HASH_LEN = 10


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LEN]


def hashed_name(stem: str, suffix: str, data: bytes) -> str:
    """`points`, `.bin`, data -> `points.<hash>.bin`."""
    return f"{stem}.{content_hash(data)}{suffix}"


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
        raise BuildError(f"viewer bundle not found: {vdir / missing[0]} is missing; build it with: {BUILD_COMMAND}")
    files: dict[str, bytes] = {}
    names = {}
    sources = [vdir / f for f in VIEWER_FILES] + [TEMPLATES / "site.css"]
    for src in sources:
        stem, suffix = src.stem, src.suffix
        data = src.read_bytes()
        rel = f"assets/{hashed_name(stem, suffix, data)}"
        files[rel] = data
        names[src.name] = rel
    needs_eval = any(b"new Function" in js or b"Function.apply" in js or b"eval(" in js
                     for js in (files[names["viewer.js"]], files[names["compare.js"]]))
    return Assets(files, names["viewer.js"], names["viewer.css"], names["site.css"], needs_eval=needs_eval,
                  compare_js=names["compare.js"], compare_css=names["compare.css"])
