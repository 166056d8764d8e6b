// Pan / zoom: pure view maths plus the pointer, wheel, touch and keyboard bindings.
// A view is {x, y, k}: the data point at the canvas centre and the zoom (k = 1 fits [-1, 1]^2 edge to
// edge). A view with `fit: true` means "fitted to the layout" and is re-fitted when the canvas resizes
// (main.js resolves it with fitView); any pan or zoom derives a plain view from it.

export const K_MIN = 0.5, K_MAX = 4000;
const clampK = (k) => Math.min(K_MAX, Math.max(K_MIN, k));

/** Pixels per data unit at zoom k on a w x h (CSS px) canvas. */
export const scaleOf = (view, w, h) => (view.k * Math.min(w, h)) / 2;

/** Column-major mat3 mapping data coordinates to clip space. */
export function viewMatrix(view, w, h) {
  const s = scaleOf(view, w, h);
  const ax = (2 * s) / w, ay = (2 * s) / h;
  return [ax, 0, 0, 0, ay, 0, -view.x * ax, -view.y * ay, 1];
}

export function screenToData(view, w, h, sx, sy) {
  const s = scaleOf(view, w, h);
  return [view.x + (sx - w / 2) / s, view.y - (sy - h / 2) / s];
}

export function dataToScreen(view, w, h, px, py) {
  const s = scaleOf(view, w, h);
  return [w / 2 + (px - view.x) * s, h / 2 - (py - view.y) * s];
}

/** Zoom by `f` keeping the data point under screen position (sx, sy) fixed. */
export function zoomAbout(view, f, w, h, sx, sy) {
  const k = clampK(view.k * f);
  const [px, py] = screenToData(view, w, h, sx, sy);
  const r = view.k / k; // new offset of the anchor from the centre, in data units, shrinks by r
  return { x: px - (px - view.x) * r, y: py - (py - view.y) * r, k };
}

/**
 * The view that fits `bounds` {x0, y0, x1, y1} (data units) into a w x h canvas with `margin` of
 * the canvas left free on each side, aspect ratio kept. Degenerate bounds (one point, a line) get a
 * minimum extent so the zoom stays finite.
 */
export function fitView(bounds, w, h, margin = 0.06) {
  const { x0, y0, x1, y1 } = bounds;
  const span = Math.max(x1 - x0, y1 - y0, 1e-3);
  const bw = Math.max(x1 - x0, span * 0.02), bh = Math.max(y1 - y0, span * 0.02);
  const free = Math.max(0.1, 1 - 2 * margin);
  const s = Math.min((free * w) / bw, (free * h) / bh); // px per data unit
  return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, k: clampK((2 * s) / Math.min(w, h)) };
}

/**
 * The first view of a layout: its dense core `box` fitted whole, except on a portrait canvas. There a
 * landscape (or square) core would fill a strip of the height, so its height is made to fill at least
 * `fill` of the canvas and its sides run off screen, to be panned to.
 */
export function homeView(box, w, h, fill = 0.66) {
  const v = fitView(box, w, h);
  const k = (2 * fill * h) / Math.max(box.y1 - box.y0, 1e-3) / w;
  return h > w && k > v.k ? { ...v, k: clampK(k) } : v;
}

/**
 * The view after the canvas resized from w0 x h0 to w1 x h1 that leaves every point where it was on
 * screen: same pixels per data unit, same data point at the top-left corner (panels opening beside
 * or below the map then cover part of it instead of moving it).
 */
export function keepCorner(view, w0, h0, w1, h1) {
  const s = scaleOf(view, w0, h0);
  const x0 = view.x - w0 / 2 / s, y0 = view.y + h0 / 2 / s;
  return { x: x0 + w1 / 2 / s, y: y0 - h1 / 2 / s, k: clampK((2 * s) / Math.min(w1, h1)) };
}

/** Pan by a screen-space delta (dx, dy) in CSS px. */
export function panBy(view, w, h, dx, dy) {
  const s = scaleOf(view, w, h);
  return { x: view.x - dx / s, y: view.y + dy / s, k: view.k };
}

/** Interpolated view at eased time t in [0, 1]; zooms out a little on the way for long moves. */
export function lerpView(a, b, t) {
  const e = t < 0.5 ? 4 * t * t * t : 1 - Math.pow(-2 * t + 2, 3) / 2;
  const dist = Math.hypot(b.x - a.x, b.y - a.y);
  const span = Math.max(1e-9, 2 / Math.max(a.k, b.k));
  const bump = Math.log1p(Math.max(0, dist / span - 1)) * 0.5;
  const lk = Math.log(a.k) + (Math.log(b.k) - Math.log(a.k)) * e - bump * Math.sin(Math.PI * e);
  return { x: a.x + (b.x - a.x) * e, y: a.y + (b.y - a.y) * e, k: clampK(Math.exp(lk)) };
}

/**
 * Bind input to `el`. opts: getView(), setView(view), size() -> [w, h], onTap(sx, sy),
 * onHover(sx, sy) / onLeave(), reducedMotion() -> bool, home() -> the fitted view (key 0).
 * Returns {flyTo(view), stop()}.
 */
export function bindCamera(el, opts) {
  const { getView, setView, size } = opts;
  const pointers = new Map();
  let gesture = null; // {x, y, dist, moved, t}
  let anim = 0;
  let lastTap = { t: 0, x: 0, y: 0 };
  const local = (e) => { const r = el.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  const stop = () => { if (anim) cancelAnimationFrame(anim); anim = 0; };

  function flyTo(target, ms = 700) {
    stop();
    if (opts.reducedMotion() || ms <= 0) { setView(target); return; }
    const from = getView();
    const t0 = performance.now();
    const step = (now) => {
      const t = Math.min(1, (now - t0) / ms);
      setView(t < 1 ? lerpView(from, target, t) : target);
      anim = t < 1 ? requestAnimationFrame(step) : 0;
    };
    anim = requestAnimationFrame(step);
  }

  function centroid() {
    let x = 0, y = 0;
    for (const p of pointers.values()) { x += p[0]; y += p[1]; }
    const n = pointers.size;
    const pts = [...pointers.values()];
    const dist = n > 1 ? Math.hypot(pts[0][0] - pts[1][0], pts[0][1] - pts[1][1]) : 0;
    return { x: x / n, y: y / n, dist };
  }

  el.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    stop();
    el.setPointerCapture?.(e.pointerId);
    pointers.set(e.pointerId, local(e));
    const c = centroid();
    gesture = { ...c, moved: gesture && pointers.size > 1 ? true : false, t: performance.now() };
  });
  el.addEventListener('pointermove', (e) => {
    const pos = local(e);
    if (!pointers.has(e.pointerId)) { if (e.pointerType === 'mouse') opts.onHover?.(pos[0], pos[1]); return; }
    pointers.set(e.pointerId, pos);
    const c = centroid();
    const [w, h] = size();
    let v = getView();
    const dx = c.x - gesture.x, dy = c.y - gesture.y;
    if (Math.abs(dx) + Math.abs(dy) > 3 || pointers.size > 1) gesture.moved = true;
    if (!gesture.moved) return;
    v = panBy(v, w, h, dx, dy);
    if (pointers.size > 1 && gesture.dist > 0 && c.dist > 0) v = zoomAbout(v, c.dist / gesture.dist, w, h, c.x, c.y);
    gesture = { ...gesture, ...c };
    setView(v);
  });
  const end = (e) => {
    if (!pointers.has(e.pointerId)) return;
    pointers.delete(e.pointerId);
    if (pointers.size) { gesture = { ...gesture, ...centroid() }; return; }
    const [sx, sy] = local(e);
    if (gesture && !gesture.moved && e.type === 'pointerup') {
      const now = performance.now();
      if (now - lastTap.t < 300 && Math.hypot(sx - lastTap.x, sy - lastTap.y) < 20) {
        const [w, h] = size();
        flyTo(zoomAbout(getView(), e.shiftKey ? 0.5 : 2, w, h, sx, sy), 250);
        lastTap = { t: 0, x: 0, y: 0 };
      } else {
        lastTap = { t: now, x: sx, y: sy };
        opts.onTap?.(sx, sy);
      }
    }
    gesture = null;
  };
  el.addEventListener('pointerup', end);
  el.addEventListener('pointercancel', end);
  el.addEventListener('pointerleave', (e) => { if (!pointers.size) opts.onLeave?.(e); });

  el.addEventListener('wheel', (e) => {
    e.preventDefault();
    stop();
    const [sx, sy] = local(e);
    const [w, h] = size();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? h : 1;
    // ctrl+wheel is a trackpad pinch: small deltas, so a stronger gain
    const f = Math.exp(-e.deltaY * unit * (e.ctrlKey ? 0.01 : 0.002));
    let v = zoomAbout(getView(), f, w, h, sx, sy);
    if (!e.ctrlKey && e.deltaX) v = panBy(v, w, h, -e.deltaX * unit, 0);
    setView(v);
  }, { passive: false });

  el.addEventListener('keydown', (e) => {
    if (e.altKey || e.metaKey || e.ctrlKey) return;
    const [w, h] = size();
    const v = getView();
    const step = Math.min(w, h) * 0.2;
    const map = {
      '+': () => zoomAbout(v, 1.6, w, h, w / 2, h / 2), '=': () => zoomAbout(v, 1.6, w, h, w / 2, h / 2),
      '-': () => zoomAbout(v, 1 / 1.6, w, h, w / 2, h / 2), _: () => zoomAbout(v, 1 / 1.6, w, h, w / 2, h / 2),
      ArrowLeft: () => panBy(v, w, h, step, 0), ArrowRight: () => panBy(v, w, h, -step, 0),
      ArrowUp: () => panBy(v, w, h, 0, step), ArrowDown: () => panBy(v, w, h, 0, -step),
      0: () => (opts.home ? opts.home() : { x: 0, y: 0, k: 1 }),
    };
    const fn = map[e.key];
    if (!fn) return;
    e.preventDefault();
    flyTo(fn(), 200);
  });
  return { flyTo, stop };
}
