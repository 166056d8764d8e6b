// The selected entity: store.sel (an id) <-> live.selIdx, the detail panel with its co-occurring
// entities, and ctx.select(i, fly) for everything that selects (taps, search, the neighbour list).
import { indexOfId } from '../data.js';
import { fieldValues } from '../tooltip.js';
import { imageUrl } from '../images.js';

/** Sets ctx.select; returns {apply()} (store.sel -> selection) and shown() (resolves once a selection's panel is up). */
export function wireSelection(ctx, pointState) {
  const { ui, store, live, config } = ctx;

  function select(i, fly) {
    const meta = live.get().meta;
    const id = i >= 0 && meta ? meta.ids.get(i) : '';
    if (id === store.get().sel) return;
    // the detail panel opening or closing must not move the map under the pointer
    if (!fly && (i >= 0) !== (live.get().selIdx >= 0)) ctx.holdStill();
    store.set({ sel: id });
    if (i >= 0 && fly) {
      const go = () => { const v = ctx.viewNow(), xy = live.get().xy; ctx.camera.flyTo({ x: xy[2 * i], y: xy[2 * i + 1], k: Math.max(v.k, 6) }); };
      if (i < (live.get().loaded ?? Infinity)) go(); else ctx.pointsDone.then(go); // its point is still on its way
    }
  }
  // the panel's content comes with the extras module, loaded on the first selection; it then shows
  // the selection of that moment (a later one, or none, may have replaced the one that asked)
  let detailMod = null, detailLoad = null;
  function showDetail() {
    const { selIdx, meta, neighbors } = live.get();
    if (selIdx < 0 || !meta) { ui.detail.hidden = true; ui.root.classList.remove('atlas-has-detail'); return; }
    if (!detailMod) {
      detailLoad ||= ctx.extras().then((m) => { detailMod = m; showDetail(); }, () => { detailLoad = null; });
      return;
    }
    ui.root.classList.add('atlas-has-detail');
    detailMod.renderDetail(ui.detail, {
      title: meta.labels.get(selIdx),
      count: meta.counts[selIdx],
      fields: fieldValues(meta, ctx.fields, selIdx),
      image: imageUrl(meta, config.imageHosts, selIdx),
      href: meta.slugs.get(selIdx) ? ctx.entityHref(meta.slugs.get(selIdx)) : null, // '': no page, the panel is it
      neighbors: neighbors?.row(selIdx) ? pointState.selNeighbors() : null, // null: its shard is on its way
      nouns: ctx.nouns,
      onPick: (i) => select(i, true),
      onClose: () => select(-1),
    });
  }
  /** store.sel -> live.selIdx and the panel. fromUrl: a link that names an entity but no view
   * (an entity page's "Show on the map") opens centred on it, zoomed in. */
  let flyPending = false; // a big atlas: the linked id's bucket was still on its way (app.js applies again)
  function apply(fromUrl = false) {
    const id = store.get().sel;
    const { meta, selIdx } = live.get();
    const next = id && meta ? (selIdx >= 0 && id === meta.ids.get(selIdx) ? selIdx : indexOfId(meta.ids, id)) : -1;
    live.set({ selIdx: next });
    // the view goes to the entity once its id bucket and its point are in
    const placed = next >= 0 && next < (live.get().loaded ?? Infinity);
    if (fromUrl && id && !placed) flyPending = true;
    if (placed || !id) { fromUrl ||= flyPending; flyPending = false; }
    if (fromUrl && placed && store.get().view.fit) {
      const xy = live.get().xy;
      store.set({ view: { x: xy[2 * next], y: xy[2 * next + 1], k: Math.max(ctx.home().k, 6) } }, { fromUrl: true });
    }
    showDetail();
  }
  live.subscribe((s, changed) => { if (changed.has('neighbors')) showDetail(); });
  // Escape anywhere on the page (the search box and the drawer keep theirs) closes the details
  ui.root.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || live.get().selIdx < 0) return;
    const inDetail = ui.detail.contains(document.activeElement);
    select(-1);
    if (inDetail) ui.canvas.focus();
  });
  ctx.select = select;
  return { apply, shown: () => detailLoad };
}
