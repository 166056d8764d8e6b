"""The viewer's first-load budget (issue 10, "Keep"): what every visit fetches of the viewer <= 60 KB
after brotli.

Every visit fetches js/dist/viewer.js, js/dist/viewer.css and, after the first frame, the label
overlay (viewer-labels-<hash>.js, listed in js/dist/chunks.txt); these count. The extras module
(viewer-extras-<hash>.js: search, export, panels, ...) is fetched on first use and does not. Sizes are brotli quality 11 of each file, summed (as benchmarks/RESULTS.md).
A size check, not a timing. The bundle is rebuilt first where node and js/node_modules are present,
so the check is on the current source; otherwise on js/dist as it is.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "js"
DIST = JS / "dist"
FIRST_LOAD = ("viewer.js", "viewer.css")
BUDGET = 60_000  # bytes, brotli quality 11


@pytest.fixture(scope="module")
def dist() -> Path:
    if shutil.which("node") and (JS / "node_modules" / "esbuild").is_dir():
        subprocess.run(["npm", "run", "build"], cwd=JS, check=True, capture_output=True)
    missing = [f for f in (*FIRST_LOAD, "chunks.txt") if not (DIST / f).is_file()]
    if missing:
        pytest.skip(f"js/dist lacks {', '.join(missing)}: build the viewer (npm --prefix js ci && npm --prefix js run build)")
    return DIST


def _brotli_size(path: Path) -> int:
    brotli = pytest.importorskip("brotli")
    return len(brotli.compress(path.read_bytes(), quality=11))


def test_first_load_bundle_within_budget(dist):
    every_visit = [*FIRST_LOAD, *(c for c in (dist / "chunks.txt").read_text().split() if c.startswith("viewer-labels-"))]
    assert len(every_visit) == len(FIRST_LOAD) + 1, "chunks.txt names no label overlay module"
    sizes = {f: _brotli_size(dist / f) for f in every_visit}
    total = sum(sizes.values())
    assert total <= BUDGET, f"first-load viewer bundle is {total:,} bytes brotli {sizes}, over the {BUDGET:,}-byte budget"


def test_lazy_modules_are_separate_files(dist):
    """The lazily imported modules exist, and the viewer names them instead of carrying their code."""
    chunks = [line for line in (dist / "chunks.txt").read_text().splitlines() if line]
    assert chunks, "chunks.txt lists no lazily loaded module"
    viewer = (dist / "viewer.js").read_text(encoding="utf-8")
    for name in chunks:
        assert (dist / name).is_file(), f"chunks.txt names {name}, which is not in js/dist"
        assert name in viewer, f"viewer.js does not import {name}"
        assert _brotli_size(dist / name) > 0
    # the search (both indexes) and the selection panel's content are in the lazy module, not the first load
    for marker in ("Most often together with", "Loading co-occurrences"):
        assert marker not in viewer, f"{marker!r} is in viewer.js: the selection panel should load on first use"
