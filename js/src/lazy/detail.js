// The selection panel's content (loaded on the first selection, src/lazy/extras.js). Every piece of
// data goes in with textContent (via h()).
import { h, fmt } from '../dom.js';
import { picture } from '../images.js';

/** "30 lists together" for a co-occurrence count; a weighted co-occurrence has no count to name. */
const together = (w, nouns) => (Number.isInteger(w) ? `${fmt(w)} ${w === 1 ? nouns.collection : nouns.collections} together` : `strength ${fmt(w)}`);

/**
 * Fill the selection panel. info: {title, count, fields: [[k, v]], image (a checked picture URL or ''),
 * href, neighbors: [{i, label, weight, far}], nouns: {collection, collections}, onPick(i), onClose()}.
 */
export function renderDetail(panel, info) {
  const close = h('button.atlas-close', { type: 'button', 'aria-label': 'Close details', onclick: info.onClose, text: '×' });
  const dl = h('dl', {}, ...info.fields.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
  const nb = info.neighbors;
  const list = nb
    ? nb.length
      ? h('ol.atlas-neighbors', {}, ...nb.map((x) => h('li', {},
        // the count first, floated right: it lines up with the first line of a wrapped title
        h('span.atlas-w', { text: together(x.weight, info.nouns) }),
        h('button', { type: 'button', onclick: () => info.onPick(x.i), text: x.label }),
        x.far ? h('span.atlas-far', { title: 'The 2D map places this one far away', text: 'far on map' }) : null)))
      : h('p', { text: 'No co-occurring entities recorded.' })
    : h('p', { text: 'Loading co-occurrences…' });
  panel.replaceChildren(
    close,
    info.image ? picture(info.image, info.title, 80, 120) : null,
    h('h2', { text: info.title }),
    h('p.atlas-pop', { text: `In ${fmt(info.count)} ${info.count === 1 ? info.nouns.collection : info.nouns.collections}` }),
    dl,
    info.href ? h('p', {}, h('a', { href: info.href, text: 'Open entity page' })) : null,
    h('h3', { text: 'Most often together with' }),
    list,
  );
  panel.hidden = false;
}
