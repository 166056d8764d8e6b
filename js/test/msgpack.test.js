import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import { decodeMsgpack, typed, strs, StrList } from '../src/msgpack.js';

test('decodes what @msgpack/msgpack encodes', () => {
  const v = { a: 1, b: -5, c: 3.5, d: 'héllo', e: [true, false, null], f: new Uint8Array([1, 2, 3]), g: { h: 2 ** 40, i: -(2 ** 33) }, j: 'x'.repeat(300) };
  const out = decodeMsgpack(encode(v));
  assert.deepEqual({ ...out, f: [...out.f], g: { ...out.g } }, { ...v, f: [1, 2, 3], g: { ...v.g } });
});

test('long string and number arrays stay off the heap', () => {
  const labels = Array.from({ length: 5000 }, (_, i) => `<b>${i}é</b>`);
  const counts = Array.from({ length: 5000 }, (_, i) => i * 3);
  const out = decodeMsgpack(encode({ labels, counts }));
  assert.ok(out.labels instanceof StrList);
  assert.equal(out.labels.length, 5000);
  assert.equal(out.labels.get(4321), '<b>4321é</b>');
  assert.ok(out.counts instanceof Float64Array);
  assert.equal(out.counts[4999], 14997);
  assert.equal(strs(['a', 'b']).get(1), 'b');
});

test('typed views of bin fields, aligned or not', () => {
  const f = new Float32Array([1.5, -2, NaN]);
  const out = decodeMsgpack(encode({ v: new Uint8Array(f.buffer) }));
  assert.deepEqual([...typed(out.v, Float32Array)].map(String), ['1.5', '-2', 'NaN']);
});

test('truncated input throws', () => {
  const b = encode({ a: 'hello' });
  assert.throws(() => decodeMsgpack(b.subarray(0, b.length - 2)), /truncated/);
});
