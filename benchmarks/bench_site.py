"""Site stage at 10k entities: render every page (no compression) and the full write_site.

    .venv/bin/python benchmarks/bench_site.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from site_fixtures import tiny_result, viewer_bundle  # noqa: E402

from sitegen.site.assets import load_assets  # noqa: E402
from sitegen.site.write import render_site, write_site  # noqa: E402


def main() -> None:
    r = tiny_result("big", n=10_000, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        bundle = viewer_bundle(Path(tmp) / "bundle")
        t = time.perf_counter()
        files = render_site([r], load_assets(bundle))
        render_s = time.perf_counter() - t
        t = time.perf_counter()
        write_site([r], Path(tmp) / "dist", viewer_dir=bundle)
        write_s = time.perf_counter() - t
    pages = sum(1 for f in files if f.endswith(".html"))
    print(f"10,000 entities: {pages:,} HTML pages rendered in {render_s:.1f} s; "
          f"write_site with compression {write_s:.1f} s")


if __name__ == "__main__":
    main()
