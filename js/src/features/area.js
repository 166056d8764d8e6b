// "Select area": a lasso drawn on the map (after pressing the button; mouse, pen or touch) or a box
// (Shift-drag, no button needed) selects the points inside it: store.area (ids in the URL when
// few) -> live.area (a mask the point state draws), the "312 books selected" line with Clear, and
// Escape to clear. The points inside are found in lazy/lasso.js; this file only gathers the outline.
import { h, fmt } from '../dom.js';
import { screenToData } from '../camera.js';
import { indexOfId } from '../data.js';
import { AREA_URL_MAX, areaParam } from '../store.js';

const SVG = 'http://www.w3.org/2000/svg';

/** Returns {apply(), controls: [the "Select area" button]}; ctx.areaRows() gives the selection's indices. */
export function wireArea(ctx) {
  const { ui, store, live, n } = ctx;
  const canvas = ui.canvas;
  const button = h('button.atlas-tool', { type: 'button', text: 'Select area', 'aria-pressed': 'false', title: 'Draw around points to select them (or Shift-drag a box)', onclick: () => setMode(!mode) });
  const text = h('span');
  const clearBtn = h('button', { type: 'button', text: 'Clear', 'aria-label': 'Clear the selected area', onclick: () => clear() });
  const status = h('div.atlas-area', { role: 'status', hidden: true }, text, clearBtn);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'atlas-lasso');
  svg.setAttribute('aria-hidden', 'true');
  const outline = document.createElementNS(SVG, 'polygon');
  svg.append(outline);
  ui.stage.append(svg, status);

  let mode = false; // the button is pressed: the next drag on the map draws a lasso
  let drag = null; // {id, box, claimed, pts: [x, y, ...] canvas px}

  function setMode(on) {
    mode = on;
    button.setAttribute('aria-pressed', String(on));
    ui.root.classList.toggle('atlas-lassoing', on);
    if (on) ui.setDrawer?.(false); // a phone: the map, not the drawer, is where the lasso goes
    showCount();
  }
  const local = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  const drawOutline = () => {
    const p = drag.pts;
    const pts = drag.box ? [p[0], p[1], p[p.length - 2], p[1], p[p.length - 2], p[p.length - 1], p[0], p[p.length - 1]] : p;
    outline.setAttribute('points', pts.map((v) => v.toFixed(1)).join(' '));
  };
  const stopDrawing = () => { drag = null; svg.classList.remove('on'); ui.root.classList.remove('atlas-drawing'); };

  // Listeners on the canvas in the capture phase run before the camera's: a gesture that draws is
  // taken away from it (stopImmediatePropagation). A Shift-drag starts as the camera's and is handed
  // over once it moves (a pointercancel tells the camera to forget it), so a Shift-click stays a click.
  canvas.addEventListener('pointerdown', (e) => {
    if (drag) { if (drag.claimed) e.stopImmediatePropagation(); return; }
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    const [x, y] = local(e);
    if (mode) {
      e.stopImmediatePropagation();
      e.preventDefault();
      canvas.setPointerCapture?.(e.pointerId);
      drag = { id: e.pointerId, box: false, claimed: true, pts: [x, y] };
      svg.classList.add('on');
      ui.root.classList.add('atlas-drawing');
    } else if (e.shiftKey && e.pointerType === 'mouse') {
      drag = { id: e.pointerId, box: true, claimed: false, pts: [x, y] };
    }
  }, true);
  canvas.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const [x, y] = local(e), p = drag.pts;
    if (!drag.claimed) {
      if (Math.abs(x - p[0]) + Math.abs(y - p[1]) <= 2) return; // the camera treats <= 3 px as a click
      drag.claimed = true;
      canvas.dispatchEvent(new PointerEvent('pointercancel', { pointerId: e.pointerId, pointerType: e.pointerType }));
      svg.classList.add('on');
      ui.root.classList.add('atlas-drawing');
    }
    e.stopImmediatePropagation();
    // a new vertex every 2 px of movement keeps long lassos short
    if (drag.box) { p.length = 2; p.push(x, y); } else if (Math.abs(x - p[p.length - 2]) + Math.abs(y - p[p.length - 1]) >= 2) p.push(x, y);
    drawOutline();
  }, true);
  const end = (e) => {
    if (!drag || e.pointerId !== drag.id || !e.isTrusted) return; // (our own pointercancel is for the camera)
    const d = drag;
    stopDrawing();
    if (!d.claimed) return; // a Shift-click: the camera's
    e.stopImmediatePropagation();
    if (e.type === 'pointercancel') return;
    const [x, y] = local(e);
    if (d.box) { d.pts.length = 2; d.pts.push(x, y); } else d.pts.push(x, y);
    const [x0, y0] = d.pts;
    let far = 0;
    for (let k = 0; k < d.pts.length; k += 2) far = Math.max(far, Math.abs(d.pts[k] - x0) + Math.abs(d.pts[k + 1] - y0));
    setMode(false);
    if (far <= 3) { ctx.select(ctx.pick(x0, y0), false); return; } // a tap in the mode: as on the map
    const p = d.pts;
    select(d.box ? [p[0], p[1], p[2], p[1], p[2], p[3], p[0], p[3]] : p);
  };
  canvas.addEventListener('pointerup', end, true);
  canvas.addEventListener('pointercancel', end, true);

  /** Select the points inside the outline `pts` (canvas px, flat). */
  async function select(pts) {
    const [w, hh] = ctx.size();
    const view = ctx.viewNow();
    const poly = new Float64Array(pts.length);
    for (let k = 0; k < pts.length; k += 2) [poly[k], poly[k + 1]] = screenToData(view, w, hh, pts[k], pts[k + 1]);
    const m = await ctx.extras();
    const idx = m.pointsInPolygon(ctx.layouts.gridOf(live.get().variant), poly);
    if (!idx.length) { clear(); return; }
    let ids = null;
    if (idx.length <= AREA_URL_MAX) { // few enough for the URL: name them by id (ids survive rebuilds)
      const meta = live.get().meta || (await ctx.loader.meta());
      await meta.ensure?.(idx);
      ids = Array.from(idx, (i) => meta.ids.get(i));
    }
    store.set({ area: { ids, idx } });
  }
  function clear() {
    if (store.get().area) store.set({ area: null });
  }

  // store.area -> live.area; ids from a link resolve once the metadata (and, on a big atlas, their
  // id buckets: app.js applies again as they arrive) are in
  let resolved = null, resolvedFor = null;
  function apply() {
    const a = store.get().area, meta = live.get().meta;
    if (!a) { resolvedFor = null; live.set({ area: null }); showCount(); return; }
    if (a === resolvedFor && resolved.complete) return;
    let idx = a.idx, complete = true;
    if (!idx) {
      if (!meta) return; // app.js applies again once the metadata is in
      const found = [];
      for (const id of a.ids) { const i = indexOfId(meta.ids, id); if (i >= 0) found.push(i); else complete = false; }
      idx = found;
    }
    const mask = new Uint8Array(n);
    for (const i of idx) mask[i] = 1;
    resolvedFor = a;
    resolved = { complete };
    live.set({ area: mask });
    showCount();
  }
  /** The area selection's indices that pass the filters (ascending), or null when there is none. */
  ctx.areaRows = () => {
    const { area, pass } = live.get();
    if (!area) return null;
    const rows = [];
    for (let i = 0; i < n; i++) if (area[i] && (!pass || pass[i])) rows.push(i);
    return rows;
  };
  function showCount() {
    const rows = ctx.areaRows();
    status.hidden = !rows && !mode;
    clearBtn.hidden = !rows;
    if (!rows) { text.textContent = mode ? 'Draw around the points to select them' : ''; return; }
    const k = rows.length, nouns = ctx.nouns;
    const hits = live.get().hits;
    let matching = 0;
    for (const i of hits) if (live.get().area[i] && (!live.get().pass || live.get().pass[i])) matching++;
    text.textContent = `${fmt(k)} ${k === 1 ? nouns.entity : nouns.entities} selected${hits.length ? `, ${fmt(matching)} matching the search` : ''} `;
    status.title = areaParam(store.get().area) ? '' : 'Too many to keep in the link';
  }
  live.subscribe((s, changed) => { if (changed.has('pass') || changed.has('hits')) showCount(); });
  store.subscribe((s, changed) => { if (changed.has('area')) apply(); });

  // Escape leaves the mode, else clears the area; the selection panel's Escape comes first (it
  // closes the details: that Escape does nothing more), and fields keep theirs
  let hadDetail = false;
  ui.root.addEventListener('keydown', (e) => { hadDetail = live.get().selIdx >= 0; }, true);
  ui.root.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || hadDetail || ui.side.contains(e.target) || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    if (drag) stopDrawing();
    if (mode) setMode(false); else clear();
  });
  return { apply, controls: [button] };
}
