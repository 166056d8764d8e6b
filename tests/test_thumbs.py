"""The thumbnails' palettes are the viewer's: a page's preview must colour points as the map does."""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.formats import thumbs

PALETTE_JS = Path(__file__).resolve().parents[1] / "js" / "src" / "palette.js"


def _js_array(name: str) -> list[str]:
    m = re.search(rf"\b{name}\s*=\s*\[([^\]]*)\]", PALETTE_JS.read_text())
    assert m, f"{name} not found in {PALETTE_JS}"
    return [c.lower() for c in re.findall(r"'(#[0-9a-fA-F]{6})'", m.group(1))]


def _js_const(name: str) -> str:
    m = re.search(rf"\b{name}\s*=\s*'(#[0-9a-fA-F]{{6}})'", PALETTE_JS.read_text())
    assert m, f"{name} not found in {PALETTE_JS}"
    return m.group(1).lower()


def test_python_and_viewer_palettes_agree():
    assert [c.lower() for c in thumbs.CATEGORICAL] == _js_array("CATEGORICAL")
    assert [c.lower() for c in thumbs.CIVIDIS] == _js_array("CIVIDIS")
    assert thumbs.GREY.lower() == _js_const("GREY")


def test_categories_past_the_palette_are_grey():
    import numpy as np

    codes = np.array([0, len(thumbs.CATEGORICAL), -1])
    colors = thumbs.point_colors(3, codes=codes)
    grey = thumbs.hex_rgb(thumbs.GREY)
    assert tuple(colors[0]) == thumbs.hex_rgb(thumbs.CATEGORICAL[0])
    assert tuple(colors[1]) == grey and tuple(colors[2]) == grey
