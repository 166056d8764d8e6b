// Following a drag across a number field's histogram (features/brushing.js): the pointer's span sets
// store.filters[name] = {min, max}, live while dragging (one history entry per drag); a drag to an end
// of the histogram leaves that side open (values beyond the robust domain stay in); a click without a
// drag clears the field's range. Mouse, pen and touch alike (pointer events, captured by panel.js).

/** v rounded to a multiple of `step`, without float noise. */
const snap = (v, step) => +(Math.round(v / step) * step).toPrecision(12);
/** A round step near 1/100 of the span (1 for years over a century, 0.01 for ratings 1-5). */
const niceStep = (span) => 10 ** Math.round(Math.log10(span / 100 || 1));

/**
 * down: the pointerdown event (the pointer is captured by g.hist); g: {name, hist, lo, hi, last
 * (the latest pointer event on the histogram)}; store: the URL state.
 */
export function brushHistogram(down, g, store) {
  const el = g.hist, id = down.pointerId;
  const box = el.getBoundingClientRect();
  const at = (x) => (x - box.left) / (box.width || 1); // 0..1 across the bins
  const step = niceStep(g.hi - g.lo);
  const value = (u) => snap(g.lo + Math.min(1, Math.max(0, u)) * (g.hi - g.lo), step);
  const u0 = at(down.clientX);
  let moved = false, first = true, frame = 0, lastX = down.clientX;
  const setFilter = (f) => {
    const next = { ...store.get().filters };
    if (f) next[g.name] = f; else delete next[g.name];
    store.set({ filters: next }, first ? {} : { replace: true });
    first = false;
  };
  const apply = () => {
    frame = 0;
    const u1 = at(lastX), a = Math.min(u0, u1), b = Math.max(u0, u1);
    const f = {};
    if (a > 0) f.min = value(a);
    if (b < 1) f.max = value(b);
    setFilter(f.min == null && f.max == null ? null : f);
  };
  const move = (e) => {
    if (e.pointerId !== id) return;
    lastX = e.clientX;
    if (!moved && Math.abs(lastX - down.clientX) < 3) return;
    moved = true;
    frame ||= requestAnimationFrame(apply);
  };
  const end = (e) => {
    if (e.pointerId !== id) return;
    el.removeEventListener('pointermove', move);
    el.removeEventListener('pointerup', end);
    el.removeEventListener('pointercancel', end);
    cancelAnimationFrame(frame);
    if (e.type === 'pointercancel') return; // the page scrolled instead: keep what was set
    if (moved) { lastX = e.clientX; apply(); } else if (store.get().filters[g.name]) setFilter(null);
  };
  // the first drag of a visit may have moved, or ended, while this module was on its way
  if (g.last?.pointerId === id) lastX = g.last.clientX;
  moved = Math.abs(lastX - down.clientX) >= 3;
  if (!el.hasPointerCapture(id)) { // released already
    if (moved) apply(); else if (store.get().filters[g.name]) setFilter(null);
    return;
  }
  if (moved) apply();
  el.addEventListener('pointermove', move);
  el.addEventListener('pointerup', end);
  el.addEventListener('pointercancel', end);
}
