"""The front page, about, entity and A-Z pages in real headless Chromium at 360x740 (a phone) and
1440x900: nothing scrolls sideways, the gallery's thumbnails are large, and every visible link reads
at >= 4.5:1 against its background, in the dark and the light theme (tests/gallery_browser.mjs)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from site_fixtures import viewer_bundle
from test_gallery import results

from sitegen.site.write import write_site

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["index.html", "books/about.html", "shop/about.html", "books/e/index.html", "shop/e/item-0-id0.html"]  # (404.html links /assets: not from file://)

pytestmark = pytest.mark.browser


def _skip_reason() -> str | None:
    if not Path("/usr/bin/chromium").exists():
        return "needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
    if shutil.which("node") is None:
        return "needs node on PATH"
    if not (ROOT / "js" / "node_modules" / "playwright-core").is_dir():
        return "needs js/node_modules (npm --prefix js ci)"
    return None


@pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))
def test_static_pages_on_a_phone_and_a_desktop(tmp_path):
    dist = write_site(results(), tmp_path / "dist", viewer_dir=viewer_bundle(tmp_path / "bundle"))
    out = subprocess.run(["node", "tests/gallery_browser.mjs", str(dist), *PAGES], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert len(report) == 2 * len(PAGES)
    for key, r in report.items():
        assert r["scrollWidth"] <= r["width"], (key, r)  # nothing wider than the screen
        assert r["links"] > 0 and r["worst"]["ratio"] >= 4.5, (key, r["worst"])
    phone, desktop = report["phone index.html"], report["desktop index.html"]
    assert len(phone["imgs"]) == len(desktop["imgs"]) == 2
    assert min(phone["imgs"]) >= 320  # the full card width on a 360 px screen
    assert min(desktop["imgs"]) >= 440  # two large cards side by side
