"""Build-time overview images: a PNG of one layout, coloured by the default colour field.

Used as the gallery card image, the social preview (og:image) and the no-WebGL fallback. Pure numpy
splatting plus Pillow's PNG writer without metadata chunks, so the bytes depend only on the inputs.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

WIDTH, HEIGHT = 600, 315  # 1.91:1, the social-card aspect ratio
BACKGROUND = {"dark": (17, 19, 24), "light": (250, 250, 250)}
# The viewer's palettes (js/src/palette.js): Okabe-Ito for the 10 most common categories (codes are
# ordered most frequent first), grey for the rest and for missing; cividis for numbers.
CATEGORICAL = ["#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#44aa99",
               "#aa4499", "#999933"]
CIVIDIS = ["#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8779", "#a69d75", "#c4b56c",
           "#e4cf5b", "#fee838"]
GREY = "#8a8f98"


def hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def point_colors(n: int, *, codes: np.ndarray | None = None, values: np.ndarray | None = None,
                 accent: str = "#3b6fd4") -> np.ndarray:
    """(n, 3) uint8 colours: category codes (-1 missing) -> palette; numbers -> ramp; else the accent."""
    if codes is not None:
        codes = np.asarray(codes)
        palette = np.array([hex_rgb(c) for c in CATEGORICAL + [GREY]], dtype=np.uint8)
        return palette[np.where((codes < 0) | (codes >= len(CATEGORICAL)), len(CATEGORICAL), codes)]
    if values is not None:
        v = np.asarray(values, dtype=np.float64)
        ok = np.isfinite(v)
        lo, hi = (v[ok].min(), v[ok].max()) if ok.any() else (0.0, 1.0)
        ramp = np.array([hex_rgb(c) for c in CIVIDIS], dtype=np.float64)
        t = np.where(ok, (v - lo) / (hi - lo if hi > lo else 1.0), 0.0) * (len(ramp) - 1)
        i = np.clip(np.floor(t).astype(int), 0, len(ramp) - 2)
        f = (t - i)[:, None]
        out = np.rint(ramp[i] * (1 - f) + ramp[i + 1] * f).astype(np.uint8)
        out[~ok] = hex_rgb(GREY)
        return out
    return np.tile(np.array(hex_rgb(accent), dtype=np.uint8), (n, 1))


def render_png(xy: np.ndarray, colors: np.ndarray, counts: np.ndarray | None = None, *,
               theme: str = "dark", size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
    """PNG bytes of points `xy` (n, 2) in [-1, 1] drawn as small squares, popular points on top."""
    w, h = size
    img = np.empty((h, w, 3), dtype=np.uint8)
    img[:] = BACKGROUND["light" if theme == "light" else "dark"]  # "auto" (the reader's choice): dark
    n = len(xy)
    if n:
        xy = np.asarray(xy, dtype=np.float64)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = float(max((hi - lo).max(), 1e-12))
        pad = 8
        scale = min(w - 2 * pad, h - 2 * pad) / span
        cx, cy = (lo + hi) / 2
        px = np.rint(w / 2 + (xy[:, 0] - cx) * scale).astype(np.int64)
        py = np.rint(h / 2 - (xy[:, 1] - cy) * scale).astype(np.int64)  # y up
        order = np.argsort(np.asarray(counts), kind="stable") if counts is not None else np.arange(n)
        r = 2 if n <= 2_000 else (1 if n <= 30_000 else 0)
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy > r * r + r:
                    continue
                x, y = px[order] + dx, py[order] + dy
                ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
                img[y[ok], x[ok]] = colors[order][ok]  # later (more popular) points overwrite earlier
    buf = io.BytesIO()
    Image.fromarray(img, "RGB").save(buf, format="PNG", optimize=True)
    return buf.getvalue()
