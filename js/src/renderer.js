// The WebGL side: one regl context, the point buffers, the single gl.POINTS draw call for all
// entities, and a small overlay (selection lines and markers). Knows nothing about widgets:
// main.js feeds it arrays and asks for redraws; it draws at most once per animation frame.
import createREGL from 'regl';
import pointsVert from './shaders/points.vert';
import pointsFrag from './shaders/points.frag';
import linesVert from './shaders/lines.vert';
import linesFrag from './shaders/lines.frag';
import { viewMatrix } from './camera.js';

/** Create a WebGL context (WebGL2 when present, else WebGL1), or null when WebGL is unavailable. */
export function createContext(canvas) {
  const attrs = { antialias: false, alpha: false, depth: false, stencil: false, preserveDrawingBuffer: false, powerPreference: 'high-performance' };
  try {
    const gl = canvas.getContext('webgl2', attrs) || canvas.getContext('webgl', attrs) || canvas.getContext('experimental-webgl', attrs);
    if (!gl) return null;
    if (gl.getParameter(gl.MAX_VERTEX_TEXTURE_IMAGE_UNITS) < 1) return null;
    return gl;
  } catch {
    return null;
  }
}

const hexRgb = (hex) => {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || '');
  const v = m ? parseInt(m[1], 16) : 0;
  return [(v >> 16) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
};

/**
 * opts: n, rows (the rows the first frame draws: buffers start that big and grow to n when more come;
 * default n), background '#rrggbb', ring '#rrggbb', getView(), onFrame(view, w, h) (after each draw),
 * onAllPoints() (after the first draw that includes all n points).
 */
export function createRenderer(canvas, gl, opts) {
  const regl = createREGL({ gl, optionalExtensions: ['oes_element_index_uint'] });
  // The highlight rings are drawn apart: the map's pass runs a ring-free fragment shader (on software
  // GL the ring code made the draw of every point ~20 % dearer, benchmarks/RESULTS.md) and the ringed points
  // (hits, neighbours, the hovered and selected point) are drawn again on top, by an index list into
  // the same buffers. That needs 32-bit indices (WebGL2, or the near-universal WebGL1 extension);
  // without them the map's pass keeps the rings, as before.
  const ringsApart = (typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext) || regl.hasExtension('oes_element_index_uint');
  const RING = '#define RING\n';
  const n = opts.n;
  let bg = hexRgb(opts.background);
  let ring = hexRgb(opts.ring);
  // Sized, not filled (WebGL zero-fills them), and at first only for the first frame's rows: on
  // software GL allocating the buffers of a million points delays the first frame by 0.1-0.3 s, so
  // a streamed atlas pays for that after it (grow()). The morph source is made on the first morph.
  let cap = Math.min(n, opts.rows ?? n);
  const posBuf = regl.buffer({ length: 8 * cap, type: 'float', usage: 'dynamic' });
  let pos0Buf = null;
  const styleBuf = regl.buffer({ length: 2 * cap, usage: 'dynamic' });
  const stateBuf = regl.buffer({ length: cap, usage: 'dynamic' });
  let xyIn = null, stateIn = null, rowsIn = 0; // what the buffers hold, to copy over when they grow
  function grow() {
    if (cap === n) return;
    cap = n;
    posBuf({ length: 8 * n, type: 'float', usage: 'dynamic' });
    styleBuf({ length: 2 * n, usage: 'dynamic' });
    stateBuf({ length: n, usage: 'dynamic' });
    if (rowsIn) { posBuf.subdata(xyIn.subarray(0, 2 * rowsIn)); styleBuf.subdata(style.subarray(0, 2 * rowsIn)); }
    if (stateIn) stateBuf.subdata(stateIn);
  }
  const palette = regl.texture({ width: 256, height: 1, data: new Uint8Array(1024), min: 'nearest', mag: 'nearest' });
  const style = new Uint8Array(2 * n);
  let morph = 1, morphAnim = 0;
  let focus = 0, visible = n, sizeRange = [2, 8], meanSize = 0.1, sizeSum = 0;
  let sizeFactor = 1, opacityFactor = 1; // the reader's Display settings
  const overlay = {
    pos: regl.buffer({ data: new Float32Array(2), usage: 'dynamic' }),
    style: regl.buffer({ data: new Uint8Array(2), usage: 'dynamic' }),
    state: regl.buffer({ data: new Uint8Array(1), usage: 'dynamic' }),
    count: 0,
    lines: regl.buffer({ data: new Float32Array(4), usage: 'dynamic' }),
    lineColors: regl.buffer({ data: new Uint8Array(8), usage: 'dynamic' }),
    lineCount: 0,
  };

  const uniforms = {
    view: regl.prop('view'),
    palette,
    sizeRange: () => sizeRange,
    sizeScale: regl.prop('sizeScale'),
    maxSize: regl.prop('maxSize'),
    alpha: regl.prop('alpha'),
    focus: regl.prop('focus'),
    background: () => bg,
    ringColor: () => ring,
  };
  const blend = {
    enable: true,
    func: { srcRGB: 'src alpha', dstRGB: 'one minus src alpha', srcAlpha: 'one', dstAlpha: 'one minus src alpha' },
  };
  const pointAttrs = (p, s, st) => ({
    pos: p,
    style: { buffer: s, size: 2, normalized: true, type: 'uint8' },
    state: { buffer: st, size: 1, type: 'uint8' },
  });
  // fragDefines: RING (and LOCATOR) compile the highlight rings in; morph: the layout-change program
  const cmd = (fragDefines, attributes, count, morphing = false, elements = undefined) => regl({
    vert: (morphing ? '#define MORPH\n' : '') + pointsVert, frag: fragDefines + pointsFrag,
    attributes: morphing ? { ...attributes, pos0: pos0Buf } : attributes,
    uniforms: morphing ? { ...uniforms, morph: () => morph } : uniforms,
    count, elements, primitive: 'points', blend, depth: { enable: false },
  });
  let drawn = n; // points streamed in so far (rows 0 .. drawn-1 hold real data)
  const mapFrag = ringsApart ? '' : RING;
  const drawPoints = cmd(mapFrag, pointAttrs(posBuf, styleBuf, stateBuf), () => drawn);
  // Ringed rows (state 3-5), ascending; only those below `drawn` are drawn (the rest hold no data yet).
  const ringed = new Set();
  let ringList = new Uint32Array(0), ringDirty = false;
  const ringElems = ringsApart ? regl.elements({ data: new Uint32Array(1), primitive: 'points', usage: 'dynamic' }) : null;
  const ringCount = () => {
    let lo = 0, hi = ringList.length; // ringList[0 .. lo) < drawn
    while (lo < hi) { const mid = (lo + hi) >> 1; if (ringList[mid] < drawn) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const isRinged = (v) => v > 2.5 && v < 5.5;
  function uploadRings() {
    ringDirty = false;
    ringList = Uint32Array.from(ringed).sort();
    if (ringList.length) ringElems({ data: ringList, primitive: 'points', usage: 'dynamic' });
  }
  // the morph, ring and line programs are compiled on first use (each compile is a GPU round trip)
  let drawMorph = null, drawRings = null, drawRingsMorph = null, drawLines = null;
  const morphCmd = () => (drawMorph ||= cmd(mapFrag, pointAttrs(posBuf, styleBuf, stateBuf), () => drawn, true));
  const ringsCmd = (morphing) => (morphing
    ? (drawRingsMorph ||= cmd(RING, pointAttrs(posBuf, styleBuf, stateBuf), ringCount, true, ringElems))
    : (drawRings ||= cmd(RING, pointAttrs(posBuf, styleBuf, stateBuf), ringCount, false, ringElems)));
  const drawMarkers = cmd(RING + '#define LOCATOR\n', pointAttrs(overlay.pos, overlay.style, overlay.state), regl.prop('count'));
  const linesCmd = () => (drawLines ||= regl({
    vert: linesVert, frag: linesFrag,
    attributes: { pos: overlay.lines, color: { buffer: overlay.lineColors, size: 4, normalized: true, type: 'uint8' } },
    uniforms: { view: regl.prop('view') },
    count: regl.prop('count'), primitive: 'lines', blend, depth: { enable: false },
    lineWidth: 1,
  }));

  let scheduled = 0;
  let first = true, marked = -1;
  const dpr = () => Math.min(window.devicePixelRatio || 1, 3);

  function resize() {
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr()));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr()));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  }

  function frame() {
    scheduled = 0;
    resize();
    regl.poll();
    const view = opts.getView();
    const w = canvas.clientWidth || 1, h = canvas.clientHeight || 1;
    const m = viewMatrix(view, w, h);
    const d = dpr();
    // points grow with zoom, much slower than the map, so zooming in separates them (and the
    // fragment count, which dominates on software GL, stays flat)
    const sizeScale = d * Math.pow(Math.max(1, view.k), 0.35) * sizeFactor;
    // density-aware alpha: expected overlap of on-screen points; dense views get translucent points
    const s = (view.k * Math.min(w, h)) / 2;
    const frac = Math.min(1, (w * h) / (4 * s * s));
    const px = (sizeRange[0] + (sizeRange[1] - sizeRange[0]) * meanSize) * sizeFactor;
    const overlap = (visible * frac * Math.PI * 0.25 * px * px * Math.pow(Math.max(1, view.k), 0.7)) / (w * h);
    const alpha = Math.max(0.3, Math.min(1, 1.2 / Math.sqrt(Math.max(overlap, 1e-6)))) * opacityFactor;
    const props = { view: m, sizeScale, maxSize: 48 * d * Math.max(1, sizeFactor), alpha, focus };
    regl.clear({ color: [bg[0], bg[1], bg[2], 1] });
    (morph < 1 ? morphCmd() : drawPoints)(props);
    if (ringsApart) {
      if (ringDirty) uploadRings();
      if (ringList.length && ringList[0] < drawn) ringsCmd(morph < 1)(props);
    }
    if (overlay.lineCount) linesCmd()({ view: m, count: overlay.lineCount });
    if (overlay.count) drawMarkers({ ...props, alpha: 1, focus: 0, count: overlay.count });
    if (first) { first = false; window.__firstFrame = performance.now(); }
    if (drawn !== marked) {
      marked = drawn;
      performance.mark(`atlas:draw ${drawn}`);
      if (drawn === n) opts.onAllPoints?.();
    }
    opts.onFrame?.(view, w, h);
  }

  return {
    regl,
    requestDraw() { if (!scheduled) scheduled = requestAnimationFrame(frame); },
    /** Interleaved xy for the current layout; animate from the previous one over `ms`. */
    setPositions(xy, ms = 0, from = null) {
      cancelAnimationFrame(morphAnim);
      grow();
      xyIn = xy;
      rowsIn = Math.max(rowsIn, drawn);
      if (ms > 0 && from) {
        (pos0Buf ||= regl.buffer({ length: 8 * n, type: 'float', usage: 'dynamic' })).subdata(from);
        posBuf.subdata(xy);
        const t0 = performance.now();
        const step = (now) => {
          const t = Math.min(1, (now - t0) / ms);
          morph = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
          this.requestDraw();
          if (t < 1) morphAnim = requestAnimationFrame(step);
        };
        morph = 0;
        morphAnim = requestAnimationFrame(step);
      } else {
        morph = 1;
        posBuf.subdata(xy);
      }
      this.requestDraw();
    },
    /** The reader's point size and opacity factors (1, 1: as the density rules choose). */
    setDisplay(size, opacity) { sizeFactor = size; opacityFactor = opacity; this.requestDraw(); },
    /** Map background and highlight ring ('#rrggbb'), e.g. on a change of light / dark theme. */
    setBackground(background, ringHex) { bg = hexRgb(background); ring = hexRgb(ringHex); this.requestDraw(); },
    /** Draw only the first `k` points (the rows of the point file loaded so far); draw: redraw now. */
    setCount(k, draw = true) { drawn = Math.max(0, Math.min(n, k)); if (draw) this.requestDraw(); },
    /**
     * Upload rows [a, b) of a streamed table: xy (interleaved, all n rows), sizes and colour indices
     * (Uint8Array(n) each); only that range goes to the GPU. Does not redraw (setCount does).
     */
    addRows(a, b, xy, sizes, colors) {
      if (b <= a) return;
      if (b > cap) grow();
      xyIn = xy;
      rowsIn = Math.max(rowsIn, b);
      posBuf.subdata(xy.subarray(2 * a, 2 * b), 8 * a);
      for (let i = a; i < b; i++) { style[2 * i] = colors[i]; style[2 * i + 1] = sizes[i]; sizeSum += sizes[i]; }
      meanSize = sizeSum / b / 255;
      styleBuf.subdata(style.subarray(2 * a, 2 * b), 2 * a);
    },
    /** colour: Uint8Array(n) palette indices (255 = missing colour). */
    setColors(idx) {
      grow();
      for (let i = 0; i < n; i++) style[2 * i] = idx[i];
      styleBuf.subdata(style);
      this.requestDraw();
    },
    /** Point sizes 0..255 map onto [min, max] px. */
    setSizeRange(min, max) { sizeRange = [min, max]; this.requestDraw(); },
    /** size: Uint8Array(n), 0..255 mapped onto [min, max] px. */
    setSizes(sz, min, max) {
      grow();
      let sum = 0;
      for (let i = 0; i < n; i++) { style[2 * i + 1] = sz[i]; sum += sz[i]; }
      sizeSum = sum;
      meanSize = n ? sum / n / 255 : 0;
      sizeRange = [min, max];
      styleBuf.subdata(style);
      this.requestDraw();
    },
    /** Palette: Uint8Array(1024), 256 RGBA entries. */
    setPalette(rgba) { palette.subimage({ width: 256, height: 1, data: rgba }); this.requestDraw(); },
    /** Full per-point state (Uint8Array(n)); `visibleCount` feeds the density-aware alpha. */
    setState(st, visibleCount, hasFocus) {
      grow();
      stateIn = st;
      stateBuf.subdata(st);
      if (ringsApart) {
        ringed.clear();
        for (let i = 0; i < st.length; i++) if (isRinged(st[i])) ringed.add(i);
        ringDirty = true;
      }
      visible = visibleCount;
      focus = hasFocus ? 1 : 0;
      this.requestDraw();
    },
    /** Change one point's state byte (hover) without touching the rest. */
    setStateAt(i, v) {
      stateBuf.subdata(new Uint8Array([v]), i);
      if (ringsApart && isRinged(v) !== ringed.has(i)) { if (isRinged(v)) ringed.add(i); else ringed.delete(i); ringDirty = true; }
      this.requestDraw();
    },
    /** Overlay: markers [{x, y, color, size, state}] and lines [{x0, y0, x1, y1, rgba: [r,g,b,a] bytes}]. */
    setOverlay(markers, lines) {
      const p = new Float32Array(2 * markers.length), s = new Uint8Array(2 * markers.length), st = new Uint8Array(markers.length);
      markers.forEach((m, i) => { p[2 * i] = m.x; p[2 * i + 1] = m.y; s[2 * i] = m.color; s[2 * i + 1] = m.size; st[i] = m.state; });
      if (markers.length) { overlay.pos({ data: p }); overlay.style({ data: s }); overlay.state({ data: st }); }
      overlay.count = markers.length;
      const lp = new Float32Array(4 * lines.length), lc = new Uint8Array(8 * lines.length);
      lines.forEach((l, i) => { lp.set([l.x0, l.y0, l.x1, l.y1], 4 * i); lc.set(l.rgba, 8 * i); lc.set(l.rgba, 8 * i + 4); });
      if (lines.length) { overlay.lines({ data: lp }); overlay.lineColors({ data: lc }); }
      overlay.lineCount = 2 * lines.length;
      this.requestDraw();
    },
  };
}
