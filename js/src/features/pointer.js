// Pointer and keyboard on the map: the camera (pan, zoom, touch), picking the point under the
// pointer, the hover tooltip, tap-to-select, and Enter to select the point nearest the centre.
import { bindCamera, screenToData, scaleOf } from '../camera.js';
import { nearest } from '../picking.js';
import { createTooltip, fieldValues } from '../tooltip.js';
import { fmt } from '../dom.js';
import { imageUrl } from '../images.js';

/** Sets ctx.camera and ctx.pick(sx, sy); taps call ctx.select(i, false). */
export function wirePointer(ctx) {
  const { ui, store, live, config } = ctx;
  const tip = createTooltip(ui.stage);
  ctx.camera = bindCamera(ui.canvas, {
    getView: ctx.viewNow,
    setView: (view) => store.set({ view }),
    size: ctx.size,
    reducedMotion: ctx.reducedMotion,
    home: ctx.home,
    onHover: (sx, sy) => setHover(pick(sx, sy), sx, sy),
    onLeave: () => setHover(-1),
    onTap: (sx, sy) => { tip.hide(); ctx.select(pick(sx, sy), false); },
  });

  function pick(sx, sy) {
    const [w, hh] = ctx.size();
    const view = ctx.viewNow();
    const [px, py] = screenToData(view, w, hh, sx, sy);
    const r = Math.max(6, ctx.base * 2 * Math.pow(Math.max(1, view.k), 0.35)) / scaleOf(view, w, hh);
    const { pass, variant } = live.get();
    return nearest(ctx.layouts.gridOf(variant), px, py, r, pass && store.get().hide ? pass : null);
  }
  function setHover(i, sx, sy) {
    live.set({ hover: i });
    const meta = live.get().meta;
    if (i < 0 || !meta) { tip.hide(); ui.canvas.style.cursor = i >= 0 ? 'pointer' : ''; return; }
    ui.canvas.style.cursor = 'pointer';
    tip.show(meta.labels.get(i), [['In', `${fmt(meta.counts[i])} ${meta.counts[i] === 1 ? ctx.nouns.collection : ctx.nouns.collections}`], ...fieldValues(meta, ctx.fields, i, 2)], sx, sy, imageUrl(meta, config.imageHosts, i));
  }
  ctx.pick = pick;

  // keyboard: Enter (or Space) on the map selects the point nearest the centre of the view
  ui.canvas.addEventListener('keydown', (e) => {
    if ((e.key !== 'Enter' && e.key !== ' ') || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const [w, hh] = ctx.size();
    const view = ctx.viewNow();
    const [px, py] = screenToData(view, w, hh, w / 2, hh / 2);
    const { pass, variant } = live.get();
    for (const r of [24, 96, Math.max(w, hh)]) {
      const i = nearest(ctx.layouts.gridOf(variant), px, py, r / scaleOf(view, w, hh), pass && store.get().hide ? pass : null);
      if (i >= 0) { ctx.select(i, true); return; }
    }
  });
}
