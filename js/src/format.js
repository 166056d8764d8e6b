// Decoder for the atlasgen binary point file: a mirror of `decode` in sitegen/points.py.
// The byte layout is specified in docs/point-format.md; both decoders are tested on tests/golden/.

export const FORMAT_VERSION = 2; // reads 1 and 2
const MAGIC = [0x41, 0x54, 0x4c, 0x50]; // "ATLP"
const HEADER_V1 = 16;
const HEADER_V2 = 24;
const ENTRY_SIZE = 96;
const NAME_MAX = 48;
const FLAG_DELTA = 1;
const FLAG_PLANES = 2;
const KINDS = { 1: "position", 2: "category", 3: "number", 4: "size" };
const DTYPES = { 1: Uint8Array, 2: Uint16Array, 3: Uint32Array, 4: Float32Array };
const DTYPE_NAMES = { 1: "uint8", 2: "uint16", 3: "uint32", 4: "float32" };
// version 2: kind -> [components, allowed dtypes]; every other pair is rejected
const KIND_RULES = {
  position: [2, ["uint16", "float32"]], category: [1, ["uint8", "uint16"]],
  number: [1, ["uint8", "uint16", "float32"]], size: [1, ["uint8", "uint16", "float32"]],
};

export class FormatError extends Error {
  constructor(message) {
    super(message);
    this.name = "FormatError";
  }
}

let crcTable = null;

/** CRC-32 (IEEE 802.3, reflected, as zlib.crc32) of a Uint8Array. */
export function crc32(bytes) {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const hex = (x) => x.toString(16).padStart(8, "0");

/**
 * Parse and validate a point file (version 1 or 2), checks in the order of docs/point-format.md.
 * @param {ArrayBuffer} buffer
 * @returns {{version: number, n: number, rowStart: number, nTotal: number, columns: Object<string,
 *   {kind: string, data: TypedArray, components: number, min: number[], max: number[]}>}}  data is
 *   interleaved (x0, y0, x1, y1, ...) for two-component columns; min/max have one entry per component.
 *   A version 2 chunk holds rows [rowStart, rowStart + n) of a table of nTotal rows.
 * @throws {FormatError} on a truncated, corrupt or unknown-version file.
 */
export function decodePoints(buffer) {
  if (ArrayBuffer.isView(buffer)) {
    buffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  }
  if (!(buffer instanceof ArrayBuffer)) throw new FormatError("point file: expected an ArrayBuffer");
  const fail = (msg) => new FormatError(`point file: ${msg}`);
  const size = buffer.byteLength;
  if (size < HEADER_V1 + 4) throw fail(`truncated: ${size} bytes is shorter than the ${HEADER_V1 + 4}-byte minimum`);
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) throw fail("not an atlasgen point file (bad magic)");
  const version = view.getUint16(4, true);
  if (version !== 1 && version !== 2) throw fail(`unsupported format version ${version} (this decoder reads versions 1 and 2)`);
  const header = version === 1 ? HEADER_V1 : HEADER_V2;
  if (size < header + 4) throw fail(`truncated: ${size} bytes is shorter than the ${header + 4}-byte minimum of version ${version}`);
  const ncols = view.getUint16(6, true);
  const n = view.getUint32(8, true);
  const declared = view.getUint32(12, true);
  const rowStart = version === 2 ? view.getUint32(16, true) : 0;
  const nTotal = version === 2 ? view.getUint32(20, true) : n;
  if (size < declared) throw fail(`truncated: header says ${declared} bytes, got ${size}`);
  if (size > declared) throw fail(`${size - declared} unexpected trailing bytes after the declared ${declared}`);
  const tableEnd = header + ENTRY_SIZE * ncols;
  const dataEnd = size - 4; // the checksum is not part of the data area
  if (tableEnd > dataEnd) throw fail(`column table (${ncols} columns) runs past the end of the file`);
  const stored = view.getUint32(dataEnd, true);
  const computed = crc32(bytes.subarray(0, dataEnd));
  if (stored !== computed) throw fail(`checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)}): file is corrupt`);
  if (rowStart + n > nTotal) throw fail(`rows [${rowStart}, ${rowStart + n}) lie outside the table of ${nTotal} rows`);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const columns = {};
  const used = version === 2 ? new Uint8Array(dataEnd - tableEnd) : null;
  let prevEnd = tableEnd;
  for (let i = 0; i < ncols; i++) {
    const e = header + i * ENTRY_SIZE;
    const kind = KINDS[view.getUint8(e)];
    const dt = view.getUint8(e + 1);
    const Type = DTYPES[dt];
    const comps = view.getUint8(e + 2);
    const flags = view.getUint8(e + 3);
    const offset = view.getUint32(e + 4, true);
    const length = view.getUint32(e + 8, true);
    const nameLen = view.getUint8(e + 12);
    if (nameLen < 1 || nameLen > NAME_MAX) throw fail(`column ${i}: bad name length ${nameLen}`);
    let name;
    try {
      name = decoder.decode(bytes.subarray(e + 48, e + 48 + nameLen));
    } catch {
      throw fail(`column ${i}: name is not UTF-8`);
    }
    // Python's repr of the name (the same message text in both decoders for plain names)
    const col = `column '${name}'`;
    if (kind === undefined) throw fail(`${col}: unknown kind ${view.getUint8(e)}`);
    if (Type === undefined) throw fail(`${col}: unknown dtype code ${dt}`);
    if (version === 2) {
      const [want, dtypes] = KIND_RULES[kind];
      if (comps !== want || !dtypes.includes(DTYPE_NAMES[dt])) {
        throw fail(`${col}: a ${kind} column is ${want} x ${dtypes.join("|")}, got ${comps} x ${DTYPE_NAMES[dt]}`);
      }
    } else if (comps !== 1 && comps !== 2) throw fail(`${col}: components must be 1 or 2, got ${comps}`);
    if (flags & ~(FLAG_DELTA | FLAG_PLANES)) throw fail(`${col}: unknown flags 0x${flags.toString(16)}`);
    if (flags & FLAG_DELTA && Type === Float32Array) throw fail(`${col}: delta flag on a float32 column`);
    if (version === 2 && (bytes[e + 13] | bytes[e + 14] | bytes[e + 15] || bytes.subarray(e + 48 + nameLen, e + 96).some((x) => x)
        || (comps === 1 && (view.getFloat64(e + 24, true) !== 0 || view.getFloat64(e + 40, true) !== 0)))) {
      throw fail(`${col}: nonzero reserved bytes in the column table entry`);
    }
    const itemsize = Type.BYTES_PER_ELEMENT;
    if (length !== n * comps * itemsize) throw fail(`${col}: data length ${length} != n * components * itemsize = ${n * comps * itemsize}`);
    if (offset % 8 !== 0) throw fail(`${col}: data block at ${offset} is misaligned (not a multiple of 8)`);
    if (offset < tableEnd || offset + length > dataEnd) {
      throw fail(`${col}: data block [${offset}, ${offset + length}) is outside the file's data area [${tableEnd}, ${dataEnd})`);
    }
    if (version === 2 && offset < prevEnd) {
      throw fail(`${col}: data block [${offset}, ${offset + length}) overlaps the previous block or is out of table order`);
    }
    if (Object.hasOwn(columns, name)) throw fail(`${col}: duplicate column name`);
    prevEnd = offset + length;
    if (used) used.fill(1, offset - tableEnd, prevEnd - tableEnd);
    const data = readData(bytes, offset, n, comps, Type, flags);
    const min = [view.getFloat64(e + 16, true), view.getFloat64(e + 24, true)].slice(0, comps);
    const max = [view.getFloat64(e + 32, true), view.getFloat64(e + 40, true)].slice(0, comps);
    columns[name] = { kind, data, components: comps, min, max };
  }
  if (used) {
    for (let k = 0; k < used.length; k++) {
      if (!used[k] && bytes[tableEnd + k]) throw fail(`nonzero padding byte at offset ${tableEnd + k}`);
    }
  }
  return { version, n, rowStart, nTotal, columns };
}

function readData(bytes, offset, n, comps, Type, flags) {
  const itemsize = Type.BYTES_PER_ELEMENT;
  const count = n * comps;
  // A fresh, aligned copy: the caller may hand `data` to WebGL or transfer it without aliasing the file.
  const out = new Type(count);
  const outBytes = new Uint8Array(out.buffer);
  if (flags & FLAG_PLANES) {
    // stored: component-major, then byte plane (LSB first), then point; on little-endian hosts the
    // in-memory byte b of element (i, c) lives at ((i * comps + c) * itemsize + b).
    for (let c = 0; c < comps; c++) {
      for (let b = 0; b < itemsize; b++) {
        const src = offset + (c * itemsize + b) * n;
        for (let i = 0; i < n; i++) outBytes[(i * comps + c) * itemsize + b] = bytes[src + i];
      }
    }
  } else {
    outBytes.set(bytes.subarray(offset, offset + count * itemsize));
  }
  if (!littleEndianHost && itemsize > 1) swapBytes(outBytes, itemsize);
  if (flags & FLAG_DELTA) {
    for (let c = 0; c < comps; c++) {
      for (let i = 1; i < n; i++) out[i * comps + c] += out[(i - 1) * comps + c]; // typed arrays wrap
    }
  }
  return out;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapBytes(b, k) {
  for (let i = 0; i < b.length; i += k) b.subarray(i, i + k).reverse();
}

/**
 * Positions of a variant as a Float32Array of interleaved x, y (dequantised; layouts lie in [-1, 1]).
 * @param {ReturnType<typeof decodePoints>} table
 * @param {string} variant  the variant name (the column is `xy:<variant>`)
 */
export function positions(table, variant) {
  const col = table.columns[`xy:${variant}`];
  if (!col || col.kind !== "position") throw new FormatError(`point file: no positions for variant ${JSON.stringify(variant)}`);
  if (col.data instanceof Float32Array) return col.data.slice();
  const out = new Float32Array(col.data.length);
  const sx = (col.max[0] - col.min[0]) / 65535;
  const sy = (col.max[1] - col.min[1]) / 65535;
  for (let i = 0; i < out.length; i += 2) {
    out[i] = col.min[0] + col.data[i] * sx;
    out[i + 1] = col.min[1] + col.data[i + 1] * sy;
  }
  return out;
}

/**
 * A number or size column as a Float32Array, dequantised; NaN where missing.
 * @param {ReturnType<typeof decodePoints>} table
 * @param {string} name
 */
export function numberColumn(table, name) {
  const col = table.columns[name];
  if (!col || (col.kind !== "number" && col.kind !== "size")) {
    throw new FormatError(`point file: no number column ${JSON.stringify(name)}`);
  }
  if (col.data instanceof Float32Array) return col.data.slice();
  const top = col.data instanceof Uint8Array ? 0xff : 0xffff;
  const step = (col.max[0] - col.min[0]) / (top - 1);
  const out = new Float32Array(col.data.length);
  for (let i = 0; i < out.length; i++) out[i] = col.data[i] === top ? NaN : col.min[0] + col.data[i] * step;
  return out;
}

/**
 * Category codes of a category column (Uint8Array or Uint16Array; all-ones = missing) and the missing code.
 * @returns {{codes: Uint8Array|Uint16Array, missing: number, count: number}}
 */
export function categoryColumn(table, name) {
  const col = table.columns[name];
  if (!col || col.kind !== "category") throw new FormatError(`point file: no category column ${JSON.stringify(name)}`);
  const missing = col.data instanceof Uint8Array ? 0xff : 0xffff;
  return { codes: col.data, missing, count: col.max[0] + 1 };
}
