// A small msgpack decoder (the subset sitegen writes: nil, bool, ints, floats, str, bin, array, map).
// `bin` values come back as Uint8Array views into the input (no copy); maps as plain objects.
// Long arrays stay off the JS heap: all-string arrays become a StrList (UTF-8 offsets into the
// input, decoded on get(i)) and all-number arrays a Float64Array.

const LONG = 2048;

/** A read-only list of strings kept as UTF-8 in the source buffer. */
export class StrList {
  constructor(u8, starts, ends) { this.u8 = u8; this.starts = starts; this.ends = ends; this.length = starts.length; }
  get(i) { return td.decode(this.u8.subarray(this.starts[i], this.ends[i])); }
}

const td = new TextDecoder();

/** Decode one msgpack value from an ArrayBuffer or Uint8Array. */
export function decodeMsgpack(input) {
  const u8 = input instanceof Uint8Array ? input : new Uint8Array(input);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  let p = 0;
  const need = (k) => { if (p + k > u8.length) throw new Error('msgpack: truncated'); };
  const str = (k) => { need(k); const s = td.decode(u8.subarray(p, p + k)); p += k; return s; };
  const bin = (k) => { need(k); const b = u8.subarray(p, p + k); p += k; return b; };
  const arr = (k) => {
    if (k >= LONG && p < u8.length) {
      const b = u8[p];
      if ((b >= 0xa0 && b < 0xc0) || (b >= 0xd9 && b <= 0xdb)) return strList(k);
      if (b < 0x80 || b >= 0xe0 || (b >= 0xca && b <= 0xd3)) return numList(k);
    }
    const a = new Array(k);
    for (let i = 0; i < k; i++) a[i] = read();
    return a;
  };
  const strList = (k) => {
    const starts = new Uint32Array(k), ends = new Uint32Array(k);
    for (let i = 0; i < k; i++) {
      need(1);
      const b = u8[p++];
      let len;
      if (b >= 0xa0 && b < 0xc0) len = b & 0x1f;
      else if (b === 0xd9) { need(1); len = u8[p++]; }
      else if (b === 0xda) { need(2); len = dv.getUint16(p); p += 2; }
      else if (b === 0xdb) { need(4); len = dv.getUint32(p); p += 4; }
      else throw new Error('msgpack: mixed string array');
      need(len);
      starts[i] = p; ends[i] = p + len; p += len;
    }
    return new StrList(u8, starts, ends);
  };
  const numList = (k) => {
    const out = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const v = read();
      if (typeof v !== 'number') throw new Error('msgpack: mixed number array');
      out[i] = v;
    }
    return out;
  };
  const map = (k) => {
    const o = Object.create(null);
    for (let i = 0; i < k; i++) { const key = read(); o[key] = read(); }
    return o;
  };
  const ext = (k) => { need(1 + k); p += 1 + k; return null; };
  function read() {
    need(1);
    const b = u8[p++];
    if (b < 0x80) return b;
    if (b < 0x90) return map(b & 0x0f);
    if (b < 0xa0) return arr(b & 0x0f);
    if (b < 0xc0) return str(b & 0x1f);
    if (b >= 0xe0) return b - 0x100;
    let v;
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: need(1); return bin(u8[p++]);
      case 0xc5: need(2); v = dv.getUint16(p); p += 2; return bin(v);
      case 0xc6: need(4); v = dv.getUint32(p); p += 4; return bin(v);
      case 0xc7: need(1); return ext(u8[p++]);
      case 0xc8: need(2); v = dv.getUint16(p); p += 2; return ext(v);
      case 0xc9: need(4); v = dv.getUint32(p); p += 4; return ext(v);
      case 0xca: need(4); v = dv.getFloat32(p); p += 4; return v;
      case 0xcb: need(8); v = dv.getFloat64(p); p += 8; return v;
      case 0xcc: need(1); return u8[p++];
      case 0xcd: need(2); v = dv.getUint16(p); p += 2; return v;
      case 0xce: need(4); v = dv.getUint32(p); p += 4; return v;
      case 0xcf: need(8); v = Number(dv.getBigUint64(p)); p += 8; return v;
      case 0xd0: need(1); return dv.getInt8(p++);
      case 0xd1: need(2); v = dv.getInt16(p); p += 2; return v;
      case 0xd2: need(4); v = dv.getInt32(p); p += 4; return v;
      case 0xd3: need(8); v = Number(dv.getBigInt64(p)); p += 8; return v;
      case 0xd4: return ext(1);
      case 0xd5: return ext(2);
      case 0xd6: return ext(4);
      case 0xd7: return ext(8);
      case 0xd8: return ext(16);
      case 0xd9: need(1); return str(u8[p++]);
      case 0xda: need(2); v = dv.getUint16(p); p += 2; return str(v);
      case 0xdb: need(4); v = dv.getUint32(p); p += 4; return str(v);
      case 0xdc: need(2); v = dv.getUint16(p); p += 2; return arr(v);
      case 0xdd: need(4); v = dv.getUint32(p); p += 4; return arr(v);
      case 0xde: need(2); v = dv.getUint16(p); p += 2; return map(v);
      case 0xdf: need(4); v = dv.getUint32(p); p += 4; return map(v);
      default: throw new Error(`msgpack: bad byte 0x${b.toString(16)}`);
    }
  }
  return read();
}

/** Little-endian typed view of a msgpack `bin` (copies only when unaligned). */
export function typed(bytes, Type) {
  if (!bytes) return new Type(0);
  const k = Type.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % k === 0) return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / k);
  return new Type(bytes.slice().buffer);
}

/** Uniform string access for a StrList or a plain array. */
export const strs = (a) => (a && a.get ? a : { length: a ? a.length : 0, get: (i) => a[i] });
