// The interactive map: first frame from the point file alone, then the features wired to the two
// stores (store: the URL state; live: what it resolves to against the data). Each feature lives in
// features/*.js; this file only orders them and routes store changes to them.
import { pointSizes, sizeBounds, baseSize, earlyColors, rowsOf } from './data.js';
import { syncHash } from './store.js';
import { createRenderer } from './renderer.js';
import { mountPanel } from './panel.js';
import { h } from './dom.js';
import { robustFields } from './scales.js';
import { createLayouts, addViewHelpers } from './features/layouts.js';
import { wirePointState } from './features/pointstate.js';
import { wirePointer } from './features/pointer.js';
import { wireSelection } from './features/selection.js';
import { wireFilters } from './features/filtering.js';
import { wireColoring } from './features/coloring.js';
import { wireMyList } from './features/mylist.js';
import { wireSearch } from './features/searching.js';
import { wireVariant } from './features/variant.js';
import { wireLabelTriggers, wireLabels } from './features/labeling.js';
import { wireSteadyView } from './features/steady.js';
import { wireShare } from './features/share.js';
import { wireArea } from './features/area.js';
import { wireTable } from './features/table.js';
import { wireDisplay } from './features/display.js';
import { brushHandler } from './features/brushing.js';
import { wireLegendChips } from './features/legendchips.js';

const STREAM_REDRAW_MS = 1000;

/** ctx: {config, ui, store, live, loader, defaults, gl, entityHref, reducedMotion}; grows as features wire in. */
export async function startMap(ctx) {
  const { config, ui, store, live, loader } = ctx;
  // ---- points: first frame
  const table = await loader.points();
  loader.startRest(); // the core file and first shard: after the first chunk, with the other chunks
  const n = (ctx.n = table.n);
  ctx.layouts = createLayouts(table, config);
  const variant = ctx.layouts.variantOf(store.get().variant);
  live.set({ variant, xy: ctx.layouts.xyOf(variant) });
  addViewHelpers(ctx);
  wireLegendChips(ctx); // before the first frame: its strip takes its height from the map
  const css = getComputedStyle(ui.root);
  ctx.bg = css.getPropertyValue('--bg').trim() || '#111318';
  ctx.fields = config.fields || [];
  const renderer = (ctx.renderer = createRenderer(ui.canvas, ctx.gl, {
    n,
    rows: table.loaded,
    background: ctx.bg,
    ring: css.getPropertyValue('--ring').trim() || '#ffffff',
    getView: ctx.viewNow,
    onFrame: (view, w, hh) => ctx.labels?.update(view, w, hh),
    // benchmark hooks (the viewer-bench harness copies __benchInfo into its result)
    onAllPoints: () => {
      window.__allPoints = performance.now();
      window.__benchInfo = { ...window.__benchInfo, allPointsMs: window.__allPoints, chunks: (config.points || []).length };
    },
  }));
  // the first frame: only the first chunk's rows are decoded and uploaded
  const bounds = sizeBounds(table);
  const first = rowsOf(table, 0, table.loaded);
  ctx.base = baseSize(n);
  ctx.sizes = new Uint8Array(n);
  ctx.sizes.set(pointSizes(first, bounds));
  const early = earlyColors(first, store.get().color, config.accent, ctx.bg);
  const colorIndex = new Uint8Array(n);
  colorIndex.set(early.index);
  renderer.setSizeRange(ctx.base, ctx.base * 3);
  renderer.setPalette(early.texture);
  renderer.addRows(0, table.loaded, live.get().xy, ctx.sizes, colorIndex);
  renderer.setCount(table.loaded);
  const display = wireDisplay(ctx); // the reader's point size and opacity, from the first frame
  live.set({ colorIndex, visible: n, loaded: table.loaded });
  performance.mark('atlas:first frame uploaded');
  // The other chunks stream into the same arrays; only their rows are decoded and uploaded. The map
  // is redrawn with them at most every STREAM_REDRAW_MS and once all are in: on software GL a frame
  // of 500k points costs as much CPU as decoding every chunk, and the two share the cores.
  let done = table.loaded, lastDraw = performance.now(), redraw = 0;
  const drawStreamed = () => { redraw = 0; lastDraw = performance.now(); renderer.setCount(done); };
  const pointsDone = (ctx.pointsDone = loader.streamPoints(() => {
    const part = rowsOf(table, done, table.loaded);
    const xy = ctx.layouts.xyOf(live.get().variant);
    ctx.sizes.set(pointSizes(part, bounds), done);
    if (!ctx.fieldsReady) colorIndex.set(early.rows(part), done);
    renderer.addRows(done, table.loaded, xy, ctx.sizes, live.get().colorIndex);
    done = table.loaded;
    ctx.layouts.reset();
    live.set({ loaded: done });
    ctx.labels?.invalidate();
    if (done === n) { clearTimeout(redraw); drawStreamed(); } else redraw ||= setTimeout(drawStreamed, Math.max(0, lastDraw + STREAM_REDRAW_MS - performance.now()));
  }));

  // ---- features that work on the points alone
  const pointState = wirePointState(ctx);
  wireSteadyView(ctx);
  wirePointer(ctx);
  const selection = wireSelection(ctx, pointState);
  const area = wireArea(ctx);
  const filters = wireFilters(ctx);
  const coloring = (ctx.coloring = wireColoring(ctx));
  const myList = wireMyList(ctx);
  const variants = wireVariant(ctx);

  // ---- store -> features (each waits for its data; everything is applied once it arrives): the
  // layout, selection and search for the metadata, colours, filters and my list for every point
  store.subscribe((s, changed, info) => {
    if (changed.has('view')) renderer.requestDraw();
    if (changed.has('size') || changed.has('opacity')) display.apply();
    if (!live.get().meta) return;
    if (changed.has('variant')) variants.apply(s.variant);
    if (ctx.fieldsReady) {
      // colour before filters: the filters redraw the legend, which must be the new field's
      if (changed.has('color')) coloring.apply();
      if (changed.has('filters') || changed.has('hide')) filters.apply();
    }
    if (changed.has('sel')) selection.apply(!!info.fromUrl);
    if (changed.has('q')) ctx.searchBox?.setQuery(s.q);
    // Back / Forward / a pasted link render as a fresh load: its query's hits show again (choosing a
    // result cleared them, and the query itself may not have changed)
    else if (info.history && s.q) ctx.searchBox?.refresh();
    if (changed.has('list') && ctx.fieldsReady) myList.apply();
  });
  syncHash(store, ctx.defaults);
  wireLabelTriggers(ctx);

  performance.mark('atlas:features wired');
  // ---- metadata and neighbours stream in after the first frame; map labels, search and the
  // selection start with the core file and the first shard, while the point chunks still stream in
  live.set({ meta: await loader.entities() });
  performance.mark('atlas:labels and search');
  const labelsOn = wireLabels(ctx); // the overlay is its own lazily loaded module
  // Search (search.js) comes with the extras module, loaded on the first use of the search box or
  // for a query or list in the URL, and its index is built then, so a visit that never searches
  // pays for neither; the box is refreshed when they arrive (null until then). The in-memory index
  // needs every label, so on a big atlas its first use fetches the remaining shards; atlases with a
  // prebuilt prefix index (config.search) use that instead.
  let index = null, prefix = null, searchMod = null, searchLoad = null;
  ctx.searchIndex = () => {
    if (!searchMod) {
      searchLoad ||= ctx.extras().then((m) => {
        searchMod = m;
        ctx.searchBox?.refresh();
        if (store.get().list && ctx.fieldsReady) myList.apply();
      }, () => { searchLoad = null; }); // not loaded (offline): the next use tries again
      return null;
    }
    if (config.search) return (prefix ||= loader.prefixIndex(searchMod.createPrefixIndex, () => ctx.searchBox?.refresh()));
    const m = live.get().meta;
    if (!m.complete()) { m.loadAll().then(() => ctx.onEntities()); return null; }
    return (index ||= searchMod.buildIndex(m.labels, m.ids, m.counts));
  };
  /** Ranked hits of `query` in a non-null index from ctx.searchIndex() (search.js's search). */
  ctx.search = (idx, query, opts) => searchMod.search(idx, query, opts);
  // shards and id buckets arrive on demand: re-resolve the selection (#sel=<id>), redraw what shows names
  let entitiesFrame = 0;
  ctx.onEntities = () => {
    entitiesFrame ||= requestAnimationFrame(() => {
      entitiesFrame = 0;
      selection.apply();
      area.apply();
      live.set({ neighbors: live.get().meta.neighbors() });
      ctx.labels?.invalidate();
      if (prefix && ctx.searchBox?.input.value) ctx.searchBox.refresh(); // result labels came in
      else if (searchMod && index === null && live.get().meta.complete()) {
        ctx.searchBox?.refresh();
        if (store.get().list && ctx.fieldsReady) myList.apply();
      }
    });
  };
  wireSearch(ctx);
  // phones: one short bar (menu, search, count); the layout and sharing controls go in the drawer
  const narrow = matchMedia('(max-width: 720px)').matches;
  const extra = [...variants.controls, ...area.controls, ...wireTable(ctx).controls, ...wireShare(ctx)];
  if (narrow) ui.side.prepend(h('section.atlas-side-tools', {}, ...extra)); else ui.bar.append(...extra);
  ui.bar.append(ui.countEl);
  if (store.get().q) ctx.searchBox.setQuery(store.get().q);
  if (store.get().variant && store.get().variant !== live.get().variant) variants.apply(store.get().variant);

  // ---- the filter and colour-by columns of the point file: once every chunk is in
  await loader.meta();
  performance.mark('atlas:fields');
  // number fields get robust domains: one outlier must not flatten a colour scale or histogram
  ctx.fields = robustFields(ctx.fields, live.get().meta.fields);
  ctx.panel = mountPanel(ui.side, { store, fields: ctx.fields, columns: live.get().meta.fields, onList: myList.onList, onBrush: brushHandler(ctx) });
  display.mount();
  ctx.fieldsReady = true;
  area.apply(); // ids from a link resolve against the metadata, intersected with the filters
  filters.apply();
  coloring.apply();
  if (store.get().list) myList.apply();
  selection.apply(true);
  renderer.requestDraw();

  live.set({ neighbors: await loader.neighbors() });
  await pointsDone;
  await selection.shown(); // a link naming an entity: its panel is part of being ready
  await labelsOn;
  ui.root.dataset.ready = 'true';
  window.__atlasReady = true;
}
