"""Bytes a first visit to an atlas page fetches, brotli-compressed as the site ships them.

    .venv/bin/python benchmarks/first_visit.py SITE_DIR/DATASET [--assets-from OTHER_SITE_DIR]

Reads the viewer page (`index.html`): the stylesheets, scripts and favicon it links, and from its
config island the point chunks, the core metadata and the first shard (js/src/loader.js fetches
those before any interaction). Each is compressed with sitegen.site.compress's settings for a file
fetched on a first visit. `--assets-from` takes the files under assets/ from another site instead
(to compare two sites' data with the same viewer bundle). Prints one line per file class and the sum.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitegen.site.compress import BROTLI_LGWIN, brotli_quality  # noqa: E402


def first_visit_files(page: Path) -> dict[str, Path]:
    text = page.read_text()
    island = json.loads(html.unescape(re.search(r'<script type="application/json" id="atlas-config">(.*?)</script>', text, re.S)[1]))
    links = re.findall(r'(?:href|src)="([^"]+\.(?:css|js|svg))"', text)
    files = {link: (page.parent / link).resolve() for link in links}
    for rel in [*island["points"], island["meta"], *island.get("shards", [])[:1]]:
        files[rel] = page.parent / rel
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", type=Path, help="a built dataset folder (holds index.html)")
    ap.add_argument("--assets-from", type=Path, help="a site folder whose assets/ replace this site's")
    a = ap.parse_args()
    sizes: dict[str, int] = {}
    for path in first_visit_files(a.dataset / "index.html").values():
        if a.assets_from and "/assets/" in path.as_posix():
            path = next((a.assets_from / "assets").glob(re.sub(r"\.[0-9a-f]{10}\.", ".*.", path.name)))
        data = path.read_bytes()
        kind = re.sub(r"[-.][0-9a-f]{10}|-\d+(?=\.)", "", path.name)
        sizes[kind] = sizes.get(kind, 0) + len(brotli.compress(data, quality=brotli_quality(len(data)), lgwin=BROTLI_LGWIN))
    page = (a.dataset / "index.html").read_bytes()
    sizes["index.html"] = len(brotli.compress(page, quality=brotli_quality(len(page)), lgwin=BROTLI_LGWIN))
    for kind, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"{kind:24s} {size:>10,}")
    print(f"{'first visit':24s} {sum(sizes.values()):>10,}")


if __name__ == "__main__":
    main()
