// DOM helpers. Text always goes in through textContent; there is no path that parses HTML.

// Bidirectional embedding/override/isolate controls (U+202A-202E, U+2066-2069): a label holding an
// unmatched RLO would reverse the text after it. Data text is shown without them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Data text for the page: a string without bidirectional control characters. */
export const plain = (v) => String(v).replace(BIDI_CONTROLS, '');

/** h('div.cls', {attr: v, onclick: fn}, ...children): children are nodes or plain text. */
export function h(tag, attrs = {}, ...children) {
  const [name, ...cls] = tag.split('.');
  const el = document.createElement(name);
  if (cls.length) el.className = cls.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = plain(v);
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : plain(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(plain(c)));
  }
  return el;
}

// thousands separators by hand: the first toLocaleString call loads locale data (30 ms on the first frame's path)
export const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? (Math.abs(v) >= 10000 ? String(v).replace(/\B(?=(\d{3})+$)/g, ',') : String(v)) : +v.toPrecision(4) + '') : String(v));
