// The interactive map: first frame from the point file alone, then the features wired to the two
// stores (store: the URL state; live: what it resolves to against the data). Each feature lives in
// features/*.js; this file only orders them and routes store changes to them.
import { pointSizes, baseSize, earlyColors } from './data.js';
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
import { wireLegendChips } from './features/legendchips.js';

/** ctx: {config, ui, store, live, loader, defaults, gl, entityHref, reducedMotion}; grows as features wire in. */
export async function startMap(ctx) {
  const { config, ui, store, live, loader } = ctx;
  // ---- points: first frame
  const table = await loader.points();
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
    background: ctx.bg,
    ring: css.getPropertyValue('--ring').trim() || '#ffffff',
    getView: ctx.viewNow,
    onFrame: (view, w, hh) => ctx.labels?.update(view, w, hh),
  }));
  ctx.sizes = pointSizes(table);
  ctx.base = baseSize(n);
  renderer.setSizes(ctx.sizes, ctx.base, ctx.base * 3);
  renderer.setPositions(live.get().xy);
  renderer.setCount(table.loaded);
  const early = earlyColors(table, store.get().color, config.accent, ctx.bg);
  renderer.setColors(early.index);
  renderer.setPalette(early.texture);
  live.set({ colorIndex: early.index, visible: n });
  renderer.requestDraw();
  requestAnimationFrame(loader.startRest); // runs right after the first frame's draw
  // the other chunks of the point file stream into the same arrays, drawn as they arrive
  const pointsDone = loader.streamPoints(() => {
    ctx.layouts.reset();
    const xy = ctx.layouts.xyOf(live.get().variant);
    ctx.sizes = pointSizes(table);
    renderer.setSizes(ctx.sizes, ctx.base, ctx.base * 3);
    renderer.setPositions(xy);
    live.set({ xy });
    if (!live.get().meta) {
      const c = earlyColors(table, store.get().color, config.accent, ctx.bg);
      renderer.setColors(c.index);
      live.set({ colorIndex: c.index });
    }
    renderer.setCount(table.loaded);
    ctx.labels?.invalidate();
  }).then(() => {
    // benchmark hooks (the viewer-bench harness copies __benchInfo into its result)
    window.__allPoints = performance.now();
    window.__benchInfo = { ...window.__benchInfo, allPointsMs: window.__allPoints, chunks: (config.points || []).length };
  });

  // ---- features that work on the points alone
  const pointState = wirePointState(ctx);
  wireSteadyView(ctx);
  wirePointer(ctx);
  const selection = wireSelection(ctx, pointState);
  const filters = wireFilters(ctx);
  const coloring = (ctx.coloring = wireColoring(ctx));
  const myList = wireMyList(ctx);
  const variants = wireVariant(ctx);

  // ---- store -> features (each waits for the metadata; everything is applied once it arrives)
  store.subscribe((s, changed, info) => {
    if (changed.has('view')) renderer.requestDraw();
    if (!live.get().meta) return;
    // colour before filters: the filters redraw the legend, which must be the new field's
    if (changed.has('variant')) variants.apply(s.variant);
    if (changed.has('color')) coloring.apply();
    if (changed.has('filters') || changed.has('hide')) filters.apply();
    if (changed.has('sel')) selection.apply(!!info.fromUrl);
    if (changed.has('q')) ctx.searchBox?.setQuery(s.q);
    if (changed.has('list')) myList.apply();
  });
  syncHash(store, ctx.defaults);
  wireLabelTriggers(ctx);

  // ---- metadata and neighbours stream in after the first frame
  live.set({ meta: await loader.meta() });
  // number fields get robust domains: one outlier must not flatten a colour scale or histogram
  ctx.fields = robustFields(ctx.fields, live.get().meta.fields);
  wireLabels(ctx);
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
        if (store.get().list) myList.apply();
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
      live.set({ neighbors: live.get().meta.neighbors() });
      ctx.labels?.invalidate();
      if (prefix && ctx.searchBox?.input.value) ctx.searchBox.refresh(); // result labels came in
      else if (searchMod && index === null && live.get().meta.complete()) {
        ctx.searchBox?.refresh();
        if (store.get().list) myList.apply();
      }
    });
  };
  wireSearch(ctx);
  // phones: one short bar (menu, search, count); the layout and sharing controls go in the drawer
  const narrow = matchMedia('(max-width: 720px)').matches;
  const extra = [...variants.controls, ...wireShare(ctx)];
  if (narrow) ui.side.prepend(h('section.atlas-side-tools', {}, ...extra)); else ui.bar.append(...extra);
  ui.bar.append(ui.countEl);
  ctx.panel = mountPanel(ui.side, { store, fields: ctx.fields, columns: live.get().meta.fields, onList: myList.onList });
  filters.apply();
  coloring.apply();
  if (store.get().q) ctx.searchBox.setQuery(store.get().q);
  if (store.get().list) myList.apply();
  if (store.get().variant && store.get().variant !== live.get().variant) variants.apply(store.get().variant);
  selection.apply(true);
  renderer.requestDraw();

  live.set({ neighbors: await loader.neighbors() });
  await pointsDone;
  await selection.shown(); // a link naming an entity: its panel is part of being ready
  ui.root.dataset.ready = 'true';
  window.__atlasReady = true;
}
