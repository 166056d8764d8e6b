// Decodes the golden point files written by tests/test_points.py and rejects the corrupt ones.
// Run: node --test js/test/   (no dependencies)

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

import { FormatError, categoryColumn, crc32, decodePoints, numberColumn, positions } from "../src/format.js";

const golden = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "golden");
const load = (path) => {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};
const expected = JSON.parse(readFileSync(join(golden, "points-v1.json"), "utf8"));
const GOLDENS = ["points-v1", "points-v2", "points-v2-rows16"];
const TYPES = { uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, float32: Float32Array };

const close = (got, want, tol, what) => {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (want[i] === null) assert.ok(Number.isNaN(got[i]), `${what}[${i}] should be NaN, got ${got[i]}`);
    else assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
};

test("crc32 matches zlib", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

for (const stem of GOLDENS) test(`golden file ${stem} decodes to the values the Python encoder stored`, () => {
  const expected = JSON.parse(readFileSync(join(golden, `${stem}.json`), "utf8"));
  const t = decodePoints(load(join(golden, `${stem}.bin`)));
  if (expected.version >= 2) {
    assert.equal(t.rowStart, expected.rowStart);
    assert.equal(t.nTotal, expected.nTotal);
  } else assert.equal(t.nTotal, t.n);
  assert.equal(t.version, expected.version);
  assert.equal(t.n, expected.n);
  assert.deepEqual(Object.keys(t.columns), expected.order);
  for (const [name, want] of Object.entries(expected.columns)) {
    const col = t.columns[name];
    assert.equal(col.kind, want.kind, name);
    assert.ok(col.data instanceof TYPES[want.dtype], `${name}: ${col.data.constructor.name} is not ${want.dtype}`);
    assert.equal(col.components, want.components, name);
    assert.deepEqual(col.min, want.min, name);
    assert.deepEqual(col.max, want.max, name);
    if (want.dtype === "float32") close(col.data, want.data, 0, name);
    else assert.deepEqual(Array.from(col.data), want.data, name);
  }
  for (const [variant, want] of Object.entries(expected.positions)) {
    close(positions(t, variant), want, 1e-6, `positions(${variant})`);
  }
  for (const [name, want] of Object.entries(expected.numbers)) {
    close(numberColumn(t, name), want, 1e-4 * Math.max(1, ...want.filter((x) => x !== null).map(Math.abs)), name);
  }
  const genre = categoryColumn(t, "genre");
  assert.equal(genre.count, 3);
  assert.equal(genre.missing, 0xff);
});

test("accepts a Uint8Array view as well as an ArrayBuffer", () => {
  const b = readFileSync(join(golden, "points-v1.bin"));
  assert.equal(decodePoints(new Uint8Array(b)).n, expected.n);
});

test("unknown variant or column is a FormatError", () => {
  const t = decodePoints(load(join(golden, "points-v1.bin")));
  assert.throws(() => positions(t, "nope"), FormatError);
  assert.throws(() => numberColumn(t, "genre"), FormatError);
});

for (const folder of ["corrupt", "corrupt-v2"]) {
  const corrupt = join(golden, folder);
  const cases = JSON.parse(readFileSync(join(corrupt, "index.json"), "utf8"));

  test(`every ${folder} golden has a case`, () => {
    const files = readdirSync(corrupt).filter((f) => f.endsWith(".bin")).map((f) => f.slice(0, -4)).sort();
    assert.deepEqual(files, Object.keys(cases).sort());
  });

  for (const [name, message] of Object.entries(cases)) {
    test(`rejects ${folder} file: ${name}`, () => {
      assert.throws(
        () => decodePoints(load(join(corrupt, `${name}.bin`))),
        (err) => err instanceof FormatError && err.message.startsWith("point file: ") && err.message.includes(message),
      );
    });
  }
}
