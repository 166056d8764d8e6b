// Phones (the layout where the side panel is a drawer): a strip under the map for the colour legend,
// reserved before the first frame when a colour field is set, so the map does not jump when the
// legend arrives. The chips come with the lazily loaded module (lazy/legendchips.js), fetched when
// the first legend is there (after the metadata, so it never competes with the points).
import { h } from '../dom.js';

export function wireLegendChips(ctx) {
  if (!matchMedia('(max-width: 720px)').matches) return;
  const strip = h('div.atlas-chips', { hidden: !ctx.store.get().color, style: 'flex:none;height:42px' }); // styled by the module
  ctx.ui.stage.after(strip);
  const off = ctx.live.subscribe((s) => {
    // once the metadata is in: no legend (single colour) hides the strip; the first legend loads the chips
    if (s.meta && !(strip.hidden = !s.legend)) {
      off();
      ctx.extras().then((m) => m.mountLegendChips(ctx, strip), () => { strip.hidden = true; });
    }
  });
}
