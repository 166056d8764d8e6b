"""Numbers and figures as pages show them: quality tables, field values, cluster map links.

Formatting lives with the site, not the stages that compute the values (a stage's artifact is data).
"""

from __future__ import annotations

import numpy as np

from sitegen.formats.datafiles import FieldColumn


def format_number(x: float) -> str:
    """Integers as integers, other numbers with up to 4 significant decimals."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"


def field_text(f: FieldColumn, i: int) -> str:
    """Entity i's value as text for its page ("" when missing)."""
    if f.type == "category":
        return f.categories[f.codes[i]] if f.codes[i] >= 0 else ""
    if f.type == "tags":
        return ", ".join(f.categories[c] for c in f.codes[f.indptr[i] : f.indptr[i + 1]])
    if f.type == "number":
        return format_number(f.values[i]) if np.isfinite(f.values[i]) else ""
    return f.values[i]


def figure_columns(k: int, label: str | None, has_trust: bool = True) -> list[tuple[str, str, str, str]]:
    """(key, heading, short heading, one-line meaning) of `layout_quality`'s figures, in display
    order, for pages. Label agreement's chance level (`label_chance`) is not a column of its own:
    pages show it in brackets next to the agreement.
    """
    cols = [(f"recall@{k}", f"Neighbour recall@{k}", f"recall@{k}",
             f"share of each point's {k} strongest associations in the co-occurrence graph that are "
             f"among its {k} nearest points on the map")]
    if label:
        cols.append((f"label@{k}", f"Label agreement@{k} (chance)", f"label@{k} (chance)",
                     f"share of each point's {k} nearest points that share its {label}; in brackets "
                     "what a random layout scores"))
    if has_trust:
        cols.append(("trust", "Trustworthiness", "trust",
                     f"how few of the map's {k} nearest neighbours are strangers in the PyMDE embedding "
                     "(scikit-learn; 1 = none)"))
    return cols


def format_figure(figures: dict, key: str) -> str:
    """One table cell: 3 decimals; label agreement with its chance level, "0.602 (0.080)"; "–" if absent."""
    v = figures.get(key)
    if not isinstance(v, (int, float)) or v != v:
        return "–"
    text = f"{v:.3f}"
    chance = figures.get("label_chance")
    if key.startswith("label@") and isinstance(chance, (int, float)) and chance == chance:
        text += f" ({chance:.3f})"
    return text


def map_views(c: dict, fill: float = 0.66) -> list[str]:
    """Each cluster's viewer URL hash `v=x,y,k` (js/src/store.js): centred on its label anchor and
    zoomed so that its `extent` spans `fill` of the map's shorter side (k = 1 shows [-1, 1] edge to
    edge), between the whole map (k = 1) and k = 64."""
    out = []
    for x, y, e in zip(c["x"], c["y"], c["extent"]):
        k = min(64.0, max(1.0, 2 * fill / max(e, 1e-6)))
        out.append(f"v={round(x, 4)},{round(y, 4)},{round(k, 4)}")
    return out


def default_metric(spec) -> str:
    """The figure sweeps rank by unless told: label agreement when the spec names a label, else recall."""
    k = spec.evaluate.k
    return f"label@{k}" if spec.evaluate.label else f"recall@{k}"
