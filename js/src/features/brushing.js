// Histogram brushing on number fields: a drag across a histogram in the filter panel (panel.js) sets
// that field's range filter. The drag is followed by lazy/brush.js, loaded on the first one.

/** The panel's onBrush(pointerdown event, histogram group). */
export const brushHandler = (ctx) => (e, g) => ctx.extras().then((m) => m.brushHistogram(e, g, ctx.store));
