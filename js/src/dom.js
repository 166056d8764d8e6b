// DOM helpers. Text always goes in through textContent; there is no path that parses HTML.

/** h('div.cls', {attr: v, onclick: fn}, ...children): children are nodes or plain text. */
export function h(tag, attrs = {}, ...children) {
  const [name, ...cls] = tag.split('.');
  const el = document.createElement(name);
  if (cls.length) el.className = cls.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? (Math.abs(v) >= 10000 ? v.toLocaleString('en') : String(v)) : +v.toPrecision(4) + '') : String(v));
