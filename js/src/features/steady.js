// Keeps the map still when a panel opens or closes beside or below it (the detail panel on a
// click, the sheet on a phone): the canvas resizes, but every point stays where it was on screen,
// and the selected point is moved only as far as needed to stay visible.
import { keepCorner, dataToScreen, panBy } from '../camera.js';

/** Sets ctx.holdStill(): call it just before a change that will resize the canvas. */
export function wireSteadyView(ctx) {
  const { ui, store, live } = ctx;
  let last = ctx.size(), holdUntil = 0;
  ctx.holdStill = () => {
    // a fitted view would re-fit to the new size: pin it as it is now (the URL then keeps it too)
    if (store.get().view.fit) { const { x, y, k } = ctx.viewNow(); store.set({ view: { x, y, k } }, { fromUrl: true }); }
    last = ctx.size();
    holdUntil = performance.now() + 1000;
  };
  const onResize = () => {
    const [w0, h0] = last, [w1, h1] = (last = ctx.size());
    if (performance.now() > holdUntil || (w0 === w1 && h0 === h1) || store.get().view.fit) return;
    let v = keepCorner(store.get().view, w0, h0, w1, h1);
    const { selIdx, xy } = live.get();
    if (selIdx >= 0) {
      const [sx, sy] = dataToScreen(v, w1, h1, xy[2 * selIdx], xy[2 * selIdx + 1]);
      const m = 24, dx = Math.min(0, w1 - m - sx) + Math.max(0, m - sx), dy = Math.min(0, h1 - m - sy) + Math.max(0, m - sy);
      if (dx || dy) v = panBy(v, w1, h1, dx, dy);
    }
    store.set({ view: v });
  };
  if (self.ResizeObserver) new ResizeObserver(onResize).observe(ui.canvas);
}
