// Live state -> the renderer's per-point state bytes (filters, selection, neighbours, search hits,
// my list, the area selection, hover) and the overlay (the selection's marker and neighbour lines, the hover marker).
import { computeState, HOVERED } from '../highlight.js';

/** Subscribes to ctx.live; returns {selNeighbors()}. */
export function wirePointState(ctx) {
  const { live, store, renderer, n } = ctx;
  let hitSet = new Set();
  let shownHover = -1;

  /** The selected entity's co-occurring entities: [{i, weight, far, label}]. */
  function selNeighbors() {
    const { selIdx, neighbors, xy, meta } = live.get();
    const row = selIdx >= 0 && neighbors ? neighbors.row(selIdx) : null;
    if (!row) return [];
    const out = [];
    for (let j = 0; j < row.indices.length; j++) {
      const i = row.indices[j];
      const dx = xy[2 * i] - xy[2 * selIdx], dy = xy[2 * i + 1] - xy[2 * selIdx + 1];
      out.push({ i, weight: row.weights[j], far: Math.hypot(dx, dy) > 0.3, label: (meta && meta.labels.get(i)) || '…' }); // '…': its shard is on its way
    }
    return out;
  }
  function stateAt(i) {
    const { pass, selIdx, area } = live.get();
    return computeState(1, { pass: pass ? [pass[i]] : null, hide: store.get().hide, hits: hitSet.has(i) ? [0] : [], sel: i === selIdx ? 0 : -1, area: area ? [area[i]] : null })[0];
  }
  function refresh() {
    const { pass, hits, listHits, selIdx, hover, area } = live.get();
    hitSet = new Set(listHits || hits);
    for (const x of selNeighbors()) hitSet.add(x.i);
    const st = computeState(n, { pass, hide: store.get().hide, hits: hitSet, sel: selIdx, hover, area });
    const visible = pass ? pass.reduce((a, b) => a + b, 0) : n;
    renderer.setState(st, visible, !!(listHits || hits.length || area));
    updateOverlay();
  }
  function updateOverlay() {
    const { selIdx, hover, xy, neighbors, colorIndex, listHits, pass, loaded = n } = live.get();
    const markers = [], lines = [];
    if (selIdx >= loaded) { renderer.setOverlay(markers, lines); return; } // its point is on its way
    // my list's matches drawn again on top, so that none hides under its neighbours (phones)
    for (const i of (listHits || []).slice(0, 500)) {
      if (!pass || pass[i] || !store.get().hide) markers.push({ x: xy[2 * i], y: xy[2 * i + 1], color: colorIndex[i], size: ctx.sizes[i], state: 3 });
    }
    if (selIdx >= 0) {
      for (const nb of selNeighbors()) {
        if (nb.i >= loaded) continue;
        const a = Math.round(90 + 120 * Math.min(1, nb.weight / (neighbors.row(selIdx)?.weights[0] || 1)));
        lines.push({ x0: xy[2 * selIdx], y0: xy[2 * selIdx + 1], x1: xy[2 * nb.i], y1: xy[2 * nb.i + 1], rgba: nb.far ? [240, 120, 60, a] : ctx.ui.root.dataset.theme === 'light' ? [70, 74, 84, a] : [200, 200, 210, a] });
      }
      markers.push({ x: xy[2 * selIdx], y: xy[2 * selIdx + 1], color: colorIndex[selIdx], size: ctx.sizes[selIdx], state: 4 });
    }
    if (hover >= 0 && hover !== selIdx) markers.push({ x: xy[2 * hover], y: xy[2 * hover + 1], color: colorIndex[hover], size: ctx.sizes[hover], state: 5 });
    renderer.setOverlay(markers, lines);
  }
  function showHover(i) {
    const prev = shownHover;
    shownHover = i;
    if (prev >= 0) renderer.setStateAt(prev, stateAt(prev));
    if (i >= 0) renderer.setStateAt(i, HOVERED);
    updateOverlay();
  }

  live.subscribe((s, changed) => {
    // neighbours only show around a selection: their arrival (each shard brings some) redraws nothing
    // else, and a redraw of a million points costs seconds on software GL
    if (['pass', 'hits', 'listHits', 'selIdx', 'area'].some((k) => changed.has(k)) || (changed.has('neighbors') && s.selIdx >= 0)) refresh();
    else if (changed.has('xy') || changed.has('colorIndex') || (changed.has('loaded') && s.selIdx >= 0)) updateOverlay();
    if (changed.has('hover')) showHover(s.hover);
  });
  return { selNeighbors, refresh };
}
