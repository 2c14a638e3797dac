import { test } from "node:test";
import assert from "node:assert/strict";
import { BytesDictionary } from "../../../../src/formats/parquet/bytes-dictionary.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Concatenated values and their offsets, as a bytes vector holds them. */
function pack(values: string[]): { data: Uint8Array; offsets: Int32Array } {
  const parts = values.map((v) => enc.encode(v));
  const data = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  const offsets = new Int32Array(values.length + 1);
  let o = 0;
  parts.forEach((p, i) => {
    data.set(p, o);
    o += p.length;
    offsets[i + 1] = o;
  });
  return { data, offsets };
}

function entry(d: BytesDictionary, id: number): string {
  return dec.decode(d.data.buf.subarray(d.offsets[id], d.offsets[id + 1]));
}

test("ids are dense, first-seen order, one per distinct value across table growth (past 2048 and 4096 entries)", () => {
  const values: string[] = [];
  for (let r = 0; r < 3; r++) for (let i = 0; i < 9000; i++) values.push(`u${(i * 7919) % 9000}`);
  values.push("", "a", "ab", "abc", "abcd", "abcde", "", "abcd");
  const { data, offsets } = pack(values);
  const d = new BytesDictionary();
  const ids = new Int32Array(values.length);
  const bytes = d.addAll(data, offsets, null, 0, values.length, ids, 0);
  assert.equal(bytes, data.length);
  const expected = new Map<string, number>();
  for (const v of values) if (!expected.has(v)) expected.set(v, expected.size);
  assert.equal(d.size, expected.size);
  for (let i = 0; i < values.length; i++) assert.equal(ids[i], expected.get(values[i]), `value ${values[i]}`);
  for (const [v, id] of expected) assert.equal(entry(d, id), v);
  assert.equal(d.plainBytes, [...expected.keys()].reduce((a, v) => a + 4 + enc.encode(v).length, 0));
  // add() agrees with addAll(), including through a selection.
  for (let i = 0; i < values.length; i += 101) assert.equal(d.add(data, offsets[i], offsets[i + 1]), expected.get(values[i]));
  const sel = Int32Array.from([5, 26_999, 27_000, 27_003]);
  const out = new Int32Array(4);
  d.addAll(data, offsets, sel, 0, 4, out, 0);
  assert.deepEqual([...out], [...sel].map((i) => expected.get(values[i])));
  d.clear();
  assert.equal(d.size, 0);
  assert.equal(d.add(data, offsets[1], offsets[2]), 0);
  assert.equal(entry(d, 0), values[1]);
});

test("a dictionary given back to the pool comes back empty, keeping its grown arrays", () => {
  const d = BytesDictionary.take();
  for (let i = 0; i < 5000; i++) d.add(enc.encode(`value-${i}`), 0, `value-${i}`.length);
  assert.equal(d.size, 5000);
  BytesDictionary.give(d);
  const again = BytesDictionary.take();
  assert.equal(again, d, "the pooled dictionary is reused");
  assert.equal(again.size, 0);
  assert.equal(again.plainBytes, 0);
  const x = enc.encode("value-7");
  assert.equal(again.add(x, 0, x.length), 0, "no entry survives the pool");
  assert.equal(again.add(enc.encode("other"), 0, 5), 1);
  assert.equal(again.add(x, 0, x.length), 0);
  assert.notEqual(BytesDictionary.take(), again, "a taken dictionary has one user");
});
