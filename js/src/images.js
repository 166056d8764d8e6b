// Pictures from `image` fields. Only an http(s) URL on a host the spec allows ([site] image_hosts, the
// same hosts the pages' Content-Security-Policy names) is ever requested; any other is not shown.
import { h } from './dom.js';

/** The first requestable picture URL of entity i (meta.images: name -> list of URLs), or ''. */
export function imageUrl(meta, hosts, i) {
  for (const list of Object.values(meta.images || {})) {
    try {
      const u = new URL(list.get(i));
      if ((u.protocol === 'https:' || u.protocol === 'http:') && (hosts || []).includes(u.hostname)) return u.href;
    } catch { /* not a URL: nothing to show */ }
  }
  return '';
}

/** An <img> of `src` in a reserved width x height box, lazily loaded, hidden quietly if it fails. */
export const picture = (src, alt, width, height) =>
  h('img.atlas-pic', { alt, width, height, loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer', onerror: (e) => { e.target.hidden = true; }, src });
