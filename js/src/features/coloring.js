// Colour-by (store.color) -> the renderer's palette and per-point colours, and the panel's legend.
import { colorChannel } from '../palette.js';

/** Returns {apply(), applyLegend()}. */
export function wireColoring(ctx) {
  const { store, live, config, renderer, n } = ctx;
  function apply() {
    const s = store.get();
    const desc = ctx.fields.find((f) => f.name === s.color);
    const ch = colorChannel(live.get().meta.fields[s.color], desc, n, config.accent, ctx.bg);
    live.set({ legend: ch.legend });
    renderer.setColors(ch.index);
    renderer.setPalette(ch.texture);
    ctx.panel?.update(s, live.get().facets);
    applyLegend();
    live.set({ colorIndex: ch.index });
  }
  function applyLegend() { ctx.panel?.setLegend(live.get().legend, store.get()); }
  return { apply, applyLegend };
}
