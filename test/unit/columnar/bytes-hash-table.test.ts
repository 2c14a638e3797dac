import { test } from "node:test";
import assert from "node:assert/strict";
import { BytesHashTable } from "../../../src/columnar/bytes-hash-table.js";
import { murmur3, hashKey, hashTagged } from "../../../src/columnar/murmur3.js";
import { KeyCodec } from "../../../src/columnar/key-codec.js";
import { vectorFromValues } from "../../../src/columnar/build.js";
import { valueAt } from "../../../src/columnar/values.js";
import {
  StringType, LongType, DoubleType, IntegerType, StructType, StructField, ArrayType, DecimalType, BooleanType, MapType, BinaryType, DateType, TimestampType, FloatType,
} from "../../../src/types/data-types.js";
import { AnalysisError } from "../../../src/errors.js";

const enc = new TextEncoder();

test("murmur3 matches the reference x86_32 vectors", () => {
  assert.equal(murmur3(new Uint8Array(0), 0, 0, 0), 0);
  assert.equal(murmur3(new Uint8Array(0), 0, 0, 1), 0x514e28b7);
  assert.equal(murmur3(enc.encode("hello"), 0, 5, 0), 0x248bfa47);
  assert.equal(murmur3(enc.encode("The quick brown fox jumps over the lazy dog"), 0, 43, 0), 0x2e4ff723);
  const padded = enc.encode("xxhelloyy");
  assert.equal(murmur3(padded, 2, 7, 0), 0x248bfa47, "hashes a sub-range in place");
  // Results with the top bit set come back signed (an int32 never allocates in V8): the same bits.
  assert.equal(murmur3(new Uint8Array(0), 0, 0, 0xffffffff), 0x81f16f39 | 0);
  assert.equal(murmur3(enc.encode("abc"), 0, 3, 0x9747b28c) >>> 0, 0xc84a62dd);
  assert.equal(murmur3(enc.encode("Hello, world!"), 0, 13, 0x9747b28c), 0x24884cba);
  assert.equal(murmur3(enc.encode("ππππππππ"), 0, 16, 0x9747b28c) >>> 0, 0xd58063c1);
  for (let i = 0; i < 1000; i++) {
    const h = murmur3(enc.encode(`k${i}`), 0, String(i).length + 1, 7);
    assert.equal(h, h | 0, "an int32");
  }
});

test("tagged hashing equals hashing the encoded key", () => {
  const bytes = enc.encode("\x01abc");
  assert.equal(hashKey(bytes, 0, 4), hashTagged(1, bytes, 1, 4));
});

test("hash table assigns dense ids, finds keys, survives growth and removal", () => {
  const t = new BytesHashTable(4);
  const ids: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const k = enc.encode(`key-${i}`);
    ids.push(t.findOrInsert(k, 0, k.length, hashKey(k, 0, k.length)));
    assert.equal(t.lastInserted, true);
  }
  assert.deepEqual(ids.slice(0, 3), [0, 1, 2]);
  assert.equal(t.size, 5000);
  const k7 = enc.encode("key-7");
  assert.equal(t.findOrInsert(k7, 0, k7.length, hashKey(k7, 0, k7.length)), 7);
  assert.equal(t.lastInserted, false);
  assert.deepEqual([...t.key(7)], [...k7]);
  t.remove(7);
  assert.equal(t.find(k7, 0, k7.length, hashKey(k7, 0, k7.length)), -1);
  assert.equal(t.size, 4999);
  assert.equal(t.findOrInsert(k7, 0, k7.length, hashKey(k7, 0, k7.length)), 5000, "a re-inserted key gets a new id");
  const empty = new Uint8Array(0);
  const e = t.findOrInsert(empty, 0, 0, hashKey(empty, 0, 0));
  assert.equal(t.findOrInsert(empty, 0, 0, hashKey(empty, 0, 0)), e, "the empty key is a key");
  const k = enc.encode("key-4999");
  assert.equal(t.find(k, 0, k.length, hashKey(k, 0, k.length)), 4999);
});

test("key codec normalizes NaN and -0.0 and keeps null distinct from empty", () => {
  const codec = new KeyCodec([DoubleType()], "test");
  codec.bind([vectorFromValues(DoubleType(), [NaN, -NaN, 0, -0, null])]);
  const keys = [0, 1, 2, 3, 4].map((i) => [...codec.scratch.subarray(0, codec.encode(i))].join(","));
  assert.equal(keys[0], keys[1]);
  assert.equal(keys[2], keys[3]);
  assert.notEqual(keys[2], keys[4]);
  const s = new KeyCodec([StringType()], "test");
  assert.equal(s.singleBytes, true);
  s.bind([vectorFromValues(StringType(), ["", null])]);
  assert.notEqual(s.encode(0), s.encode(1) + 5);
  assert.deepEqual([...s.scratch.subarray(0, s.encode(0))], [1]);
  assert.deepEqual([...s.scratch.subarray(0, s.encode(1))], [0]);
});

test("key codec round-trips every key type", () => {
  const types = [
    StringType(), LongType(), IntegerType(), DoubleType(), FloatType(), BooleanType(), DecimalType(20, 3), BinaryType(), DateType(), TimestampType(),
    StructType([StructField("start", TimestampType()), StructField("tag", StringType())]),
    ArrayType(StringType()),
  ];
  const rows: unknown[][] = [
    ["a", 1n, 7, 1.5, 2.5, true, "12.345", Uint8Array.of(1, 2), 19000, 1_700_000_000_000_000n, { start: 5n, tag: "x" }, ["p", null]],
    [null, null, null, null, null, null, null, null, null, null, null, null],
    ["é€", -(2n ** 63n), -1, NaN, -0, false, "-99999999999999999.999", new Uint8Array(0), -1, -5n, { start: null, tag: null }, []],
  ];
  const columns = types.map((t, c) => vectorFromValues(t, rows.map((r) => r[c])));
  const codec = new KeyCodec(types, "test");
  codec.bind(columns);
  const parts: Uint8Array[] = rows.map((_, i) => codec.scratch.slice(0, codec.encode(i)));
  const data = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  const starts = new Int32Array(rows.length);
  const ends = new Int32Array(rows.length);
  let at = 0;
  parts.forEach((p, i) => {
    data.set(p, at);
    starts[i] = at;
    at += p.length;
    ends[i] = at;
  });
  const decoded = codec.decode(data, starts, ends, rows.length);
  for (let c = 0; c < types.length; c++) {
    for (let i = 0; i < rows.length; i++) {
      const want = valueAt(columns[c], i);
      const got = valueAt(decoded[c], i);
      if (typeof want === "number" && Object.is(want, -0)) assert.equal(got, 0, "-0.0 decodes as 0.0");
      else assert.deepEqual(got, want, `column ${types[c].typeName} row ${i}`);
    }
  }
});

test("map keys are rejected as in Spark", () => {
  assert.throws(() => new KeyCodec([MapType(StringType(), StringType())], "dropDuplicates"), AnalysisError);
});
