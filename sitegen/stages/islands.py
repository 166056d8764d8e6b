"""Islands of a 2D layout (groups of points apart from the rest) and packing them around the main body.

UMAP places disconnected parts of the graph arbitrarily far away (spectral init per component), and
t-SNE leaves small groups drifting beside the body, so the layout's bounding box comes out wide and,
once normalised, the body is small: on a portrait phone the map then fills a strip. Islands are real
structure (a book series, a niche), so each is kept whole and only moved rigidly; the body never moves.
"""

from __future__ import annotations

import numpy as np

ANGLES = 72  # directions tried per island: every 5 degrees around the body
MAX_CELLS = 1024  # grid side cap; the cell grows beyond it
STRAY = 0.01  # islands below this share of the body's points, next to it, stay where they are


def islands(xy: np.ndarray, gap: float) -> np.ndarray:
    """Component label per point: points closer than `gap` (through chains of neighbours) share one.

    A pair search within `gap` is quadratic in a dense body (10^8 pairs for 100k points), so it runs on
    square cells of diagonal `gap` instead: every point in a cell is within `gap` of the others, so a
    cell is one node, and two cells join when a pair of their points is closer than `gap`. That pair is
    looked for among each cell's 8 outermost points (extremes along x, y and the diagonals), which
    holds at most 8 points per cell: linear in n at any density, and equal to the exact search
    wherever the closest pair of two cells lies on their outlines.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    ij = np.floor((xy - xy.min(axis=0)) / (gap / np.sqrt(2))).astype(np.int64)
    _, cell = np.unique(ij[:, 0] * (int(ij[:, 1].max()) + 1) + ij[:, 1], return_inverse=True)
    cell = cell.ravel()
    m = int(cell.max()) + 1
    x, y = xy[:, 0], xy[:, 1]
    reps = []
    for proj in (x, -x, y, -y, x + y, -x - y, x - y, y - x):
        order = np.lexsort((proj, cell))  # by cell, then projection: each cell's last is its extreme
        last = np.r_[np.flatnonzero(np.diff(cell[order])), len(order) - 1]
        reps.append(order[last])
    reps = np.unique(np.concatenate(reps))
    pairs = cKDTree(xy[reps]).query_pairs(gap, output_type="ndarray")
    a, b = cell[reps[pairs[:, 0]]], cell[reps[pairs[:, 1]]]
    adj = sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(m, m))
    return connected_components(adj, directed=False)[1][cell]


def pack_islands(xy: np.ndarray, gap_frac: float = 0.04, margin_frac: float = 0.03) -> np.ndarray:
    """Move the islands next to the main body, around it, so the whole layout's box is near square.

    Args:
        xy: (n, 2) positions. Islands are groups separated by more than `gap_frac` of the robust
            (1st-99th percentile) extent; the body is the largest of them, with the stray bits
            (under 1 % of its points) within 3 margins of it.
        margin_frac: the free gap kept around every island, as a share of the body's longer side.
    Returns (n, 2) float64: the body where it was, each island translated as a whole.

    Greedy, biggest island first: each goes where the layout's box grows least (its longer side), and
    among those places the one closest in angle to where the island was, so the map keeps its rough
    arrangement. A place is the first free one along a ray from the body's centre beyond the body's
    own points, so islands sit around the body, never in its holes. Free means: at least the margin
    from every body point and from every placed island's bounding box (an occupancy grid with
    summed-area lookups, so every candidate costs four reads). Deterministic: no randomness, ties go
    to the lower angle index and the nearer place.
    """
    from scipy.spatial import cKDTree

    xy = np.asarray(xy, dtype=np.float64).copy()
    n = len(xy)
    if n < 20:
        return xy
    lo, hi = np.percentile(xy, 1, axis=0), np.percentile(xy, 99, axis=0)
    labels = islands(xy, gap_frac * (float((hi - lo).max()) or 1.0))
    sizes = np.bincount(labels)
    main = int(sizes.argmax())
    if sizes[main] == n:
        return xy
    in_body = labels == main
    side = float(np.ptp(xy[in_body], axis=0).max()) or float(np.ptp(xy, axis=0).max()) or 1.0
    margin = margin_frac * side
    members = []
    body_tree = cKDTree(xy[in_body])
    for lab in np.argsort(-sizes, kind="stable"):
        idx = np.flatnonzero(labels == lab)
        # a few stray points at the body's edge or in its holes are part of it, not an island to move
        if lab != main and (sizes[lab] >= STRAY * sizes[main] or body_tree.query(xy[idx])[0].min() > 3 * margin):
            members.append(idx)
        elif lab != main:
            in_body[idx] = True
    if not members:
        return xy
    body = xy[in_body]
    reach = _reach(xy, members, margin)
    for _ in range(8):  # a packing that runs off the grid is retried on a bigger one
        shifts = _place(xy, body, members, margin, reach)
        if shifts is not None:
            break
        reach *= 2
    else:  # pragma: no cover - the reach doubles past any layout well before this
        raise RuntimeError("pack_islands: no room for the islands")
    for idx, shift in zip(members, shifts):
        xy[idx] += shift
    return xy


def _reach(xy: np.ndarray, members: list[np.ndarray], margin: float) -> float:
    """How far beyond the body's box the islands may need to go: ring-packed, a bit over the side of a
    square holding all their (margined) boxes, plus the biggest one."""
    spans = np.array([np.ptp(xy[idx], axis=0) for idx in members]) + 2 * margin
    return float(spans.max() + 2 * np.sqrt((spans[:, 0] * spans[:, 1]).sum()) + 2 * margin)


class _Grid:
    """Occupancy on square cells over the search area, with a summed-area table for box queries."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, cell: float):
        self.cell = max(cell, float((hi - lo).max()) / MAX_CELLS)
        self.origin = lo
        self.shape = tuple(int(v) for v in np.ceil((hi - lo) / self.cell) + 1)
        self.occ = np.zeros(self.shape, dtype=np.int32)

    def cells(self, x0, y0, x1, y1):
        """Cell index ranges [i0, i1) x [j0, j1) that a box touches (conservative: rounded outwards)."""
        o, c = self.origin, self.cell
        return (np.floor((x0 - o[0]) / c).astype(np.int64), np.floor((y0 - o[1]) / c).astype(np.int64),
                np.floor((x1 - o[0]) / c).astype(np.int64) + 1, np.floor((y1 - o[1]) / c).astype(np.int64) + 1)

    def mark_points(self, pts: np.ndarray, radius: float) -> None:
        from scipy.ndimage import binary_dilation

        i, j, _, _ = self.cells(pts[:, 0], pts[:, 1], pts[:, 0], pts[:, 1])
        hit = np.zeros(self.shape, dtype=bool)
        hit[i, j] = True
        r = int(np.ceil(radius / self.cell))
        self.occ |= binary_dilation(hit, np.ones((2 * r + 1, 2 * r + 1), dtype=bool)).astype(np.int32)

    def mark_box(self, x0, y0, x1, y1) -> None:
        i0, j0, i1, j1 = self.cells(x0, y0, x1, y1)
        self.occ[max(i0, 0):i1, max(j0, 0):j1] = 1

    def table(self) -> np.ndarray:
        sat = np.zeros((self.shape[0] + 1, self.shape[1] + 1), dtype=np.int64)
        sat[1:, 1:] = self.occ.cumsum(0).cumsum(1)
        return sat

    def hits(self, sat: np.ndarray, x0, y0, x1, y1, outside: bool) -> np.ndarray:
        """True where a box touches an occupied cell; where it leaves the grid, `outside`."""
        i0, j0, i1, j1 = self.cells(x0, y0, x1, y1)
        inside = (i0 >= 0) & (j0 >= 0) & (i1 <= self.shape[0]) & (j1 <= self.shape[1])
        i0, i1 = i0.clip(0, self.shape[0]), i1.clip(0, self.shape[0])
        j0, j1 = j0.clip(0, self.shape[1]), j1.clip(0, self.shape[1])
        touched = sat[i1, j1] - sat[i0, j1] - sat[i1, j0] + sat[i0, j0] > 0
        return touched | ~inside if outside else touched & inside


def _place(xy: np.ndarray, body: np.ndarray, members: list[np.ndarray], margin: float,
           reach: float) -> list[np.ndarray] | None:
    """Each island's shift (2,) in `members` order, or None when one found no free place on the grid."""
    b_lo, b_hi = body.min(axis=0), body.max(axis=0)
    grid = _Grid(b_lo - reach, b_hi + reach, margin / 2)
    grid.mark_points(body, margin)
    body_sat = grid.table()  # body only: where the body's silhouette ends along each ray
    all_sat = body_sat
    centre = (b_lo + b_hi) / 2
    box_lo, box_hi = b_lo.copy(), b_hi.copy()  # the layout's box so far
    steps = np.arange(int(np.ceil(np.hypot(*(b_hi - b_lo + 2 * reach)) / 2 / grid.cell)) + 1) * grid.cell
    shifts = []
    for idx in members:
        pts = xy[idx]
        i_lo, i_hi = pts.min(axis=0), pts.max(axis=0)
        half, mid = (i_hi - i_lo) / 2, (i_lo + i_hi) / 2
        home = np.arctan2(*(mid - centre)[::-1])
        ang = home + 2 * np.pi * np.arange(ANGLES) / ANGLES
        cx = centre[0] + np.cos(ang)[:, None] * steps[None, :]
        cy = centre[1] + np.sin(ang)[:, None] * steps[None, :]
        box = (cx - half[0], cy - half[1], cx + half[0], cy + half[1])
        on_body = grid.hits(body_sat, *box, outside=False)
        blocked = grid.hits(all_sat, *box, outside=True)
        # the first free step beyond the last step that still touches the body
        last = np.where(on_body.any(axis=1), on_body.shape[1] - 1 - np.argmax(on_body[:, ::-1], axis=1), -1)
        free = ~blocked & (np.arange(len(steps))[None, :] > last[:, None])
        ok = free.any(axis=1)
        if not ok.any():
            return None
        first = np.argmax(free, axis=1)
        rows = np.arange(ANGLES)
        px, py = cx[rows, first], cy[rows, first]
        new_lo = np.minimum(box_lo, np.stack([px - half[0], py - half[1]], axis=1))
        new_hi = np.maximum(box_hi, np.stack([px + half[0], py + half[1]], axis=1))
        grown = np.where(ok, (new_hi - new_lo).max(axis=1), np.inf)
        turn = np.minimum(rows, ANGLES - rows)  # steps of 5 degrees away from where the island was
        # least growth (to a cell), then least turn, then nearest: lexsort's last key is the primary
        best = int(np.lexsort((first, turn, np.round(grown / grid.cell)))[0])
        target = np.array([px[best], py[best]])
        shifts.append(target - mid)
        box_lo, box_hi = np.minimum(box_lo, target - half), np.maximum(box_hi, target + half)
        grid.mark_box(*(target - half - margin), *(target + half + margin))
        all_sat = grid.table()
    return shifts
