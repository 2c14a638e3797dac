import { test } from "node:test";
import assert from "node:assert/strict";
import { vectorFromValues, batchFromRows } from "../../../src/columnar/build.js";
import { ScratchArrays, copyBatch, scatterBatch, sliceBatch, sliceBatchView, take, concat, slice, takeBatch } from "../../../src/columnar/ops.js";
import { toSchema } from "../../../src/sql/ddl.js";
import { valueAt, batchToRows } from "../../../src/columnar/values.js";
import { StringType, LongType, ArrayType, StructType, StructField, IntegerType, DecimalType } from "../../../src/types/data-types.js";
import type { Vector } from "../../../src/columnar/vector.js";

const read = (v: Vector) => Array.from({ length: v.length }, (_, i) => valueAt(v, i));

test("take gathers values and nulls of strings", () => {
  const v = vectorFromValues(StringType(), ["a", null, "ccc", "dé"]);
  assert.deepEqual(read(take(v, Int32Array.from([3, 1, 0]))), ["dé", null, "a"]);
  assert.equal(take(v, Int32Array.from([0, 2])).valid, null, "an all-valid result drops the mask");
});

test("concat joins typed, string and nested vectors", () => {
  const a = vectorFromValues(LongType(), [1n, null]);
  const b = vectorFromValues(LongType(), [3n]);
  assert.deepEqual(read(concat([a, b])), [1n, null, 3n]);
  const s = concat([slice(vectorFromValues(StringType(), ["x", "yy", "z"]), 1, 3), vectorFromValues(StringType(), ["w"])]);
  assert.deepEqual(read(s), ["yy", "z", "w"]);
  const arr = ArrayType(IntegerType());
  assert.deepEqual(read(concat([vectorFromValues(arr, [[1, 2], null]), vectorFromValues(arr, [[3]])])), [[1, 2], null, [3]]);
});

test("decimal and struct round trip through rows", () => {
  const schema = StructType([StructField("d", DecimalType(10, 2)), StructField("s", StructType([StructField("x", IntegerType())]))]);
  const b = batchFromRows(schema, [{ d: "12.5", s: { x: 1 } }, { d: null, s: null }]);
  assert.deepEqual(batchToRows(takeBatch(b, Int32Array.from([1, 0]))), [
    { d: null, s: null },
    { d: "12.50", s: { x: 1 } },
  ]);
});

test("slice copies, sliceView shares, and both give the same rows of every kind (views of views too)", () => {
  const schema = toSchema("s STRING, n BIGINT, d DOUBLE, b BOOLEAN, st STRUCT<x: INT, y: STRING>, l ARRAY<STRING>, m DECIMAL(10,2)");
  const rows = Array.from({ length: 9 }, (_, i) => ({
    s: i % 3 === 0 ? null : `v${i}-${"x".repeat(i)}`,
    n: i % 4 === 0 ? null : BigInt(i * 1_000_000_007),
    d: i / 3,
    b: i % 2 === 0,
    st: i === 5 ? null : { x: i, y: i % 2 === 0 ? null : `y${i}` },
    l: i === 2 ? null : Array.from({ length: i % 3 }, (_, k) => `e${i}${k}`),
    m: i === 7 ? null : `${i}.25`,
  }));
  const batch = batchFromRows(schema, rows);
  const view = sliceBatchView(batch, 2, 8);
  const copied = sliceBatch(batch, 2, 8);
  assert.deepEqual(batchToRows(view), batchToRows(copied));
  assert.deepEqual(batchToRows(copied), batchToRows(batchFromRows(schema, rows.slice(2, 8))));
  assert.deepEqual(batchToRows(sliceBatchView(view, 1, 4)), batchToRows(batchFromRows(schema, rows.slice(3, 6))), "a view of a view");
  assert.deepEqual(batchToRows(sliceBatch(view, 1, 4)), batchToRows(batchFromRows(schema, rows.slice(3, 6))), "a copy of a view");
  const s = copied.columns[0];
  assert.ok(s.kind === "bytes" && s.offsets[0] === 0 && s.data.buffer !== (batch.columns[0] as typeof s).data.buffer, "a slice owns its bytes from offset 0");
  const copy = copyBatch(batch);
  assert.deepEqual(batchToRows(copy), batchToRows(batch));
  assert.notEqual(copy.columns[1], batch.columns[1], "copyBatch copies even a whole batch");
});

test("scatterBatch groups rows by group id, stable within a group, into reused buffers", () => {
  const schema = toSchema("k STRING, n BIGINT, st STRUCT<x: INT>, l ARRAY<INT>, f FLOAT");
  const rows = Array.from({ length: 40 }, (_, i) => ({
    k: i % 5 === 0 ? null : `key-${i}-${"z".repeat(i % 7)}`,
    n: i % 6 === 0 ? null : BigInt(-i * 3_000_000_000),
    st: i % 9 === 0 ? null : { x: i },
    l: [i, i + 1].slice(0, i % 3),
    f: i === 3 ? null : i / 4,
  }));
  const batch = batchFromRows(schema, rows);
  const groupOf = Int32Array.from(rows, (_, i) => (i * 7) % 3);
  const start = Int32Array.from([0, 0, 0, 0]);
  for (const g of groupOf) start[g + 1]++;
  for (let g = 0; g < 3; g++) start[g + 1] += start[g];
  const expected = [0, 1, 2].flatMap((g) => rows.filter((_, i) => groupOf[i] === g));
  const scratch = new ScratchArrays();
  const grouped = scatterBatch(batch, groupOf, start, scratch);
  assert.deepEqual(batchToRows(grouped), batchToRows(batchFromRows(schema, expected)));
  for (let g = 0; g < 3; g++) {
    assert.deepEqual(batchToRows(sliceBatchView(grouped, start[g], start[g + 1])), batchToRows(batchFromRows(schema, rows.filter((_, i) => groupOf[i] === g))));
  }
  // A second round with the same scratch overwrites the same buffers and is right again.
  const again = scatterBatch(sliceBatchView(batch, 0, 40), groupOf, start, scratch);
  assert.deepEqual(batchToRows(again), batchToRows(batchFromRows(schema, expected)));
  assert.equal((again.columns[1] as { values: BigInt64Array }).values.buffer, (grouped.columns[1] as { values: BigInt64Array }).values.buffer);
});

test("scatterBatch moves strings of every length exactly, from a view into a bigger buffer", () => {
  // Values of 0..70 bytes in up to 30 groups: the block copy overshoots into a group's later
  // values, never into the next group nor past the source's last byte.
  let seed = 7;
  const rnd = (k: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k);
  for (const groups of [1, 2, 30]) {
    const n = 3000;
    const values = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? null : Array.from({ length: rnd(71) }, () => String.fromCharCode(97 + rnd(26))).join("")));
    // The source's bytes end exactly at its last value, inside a bigger buffer.
    const built = vectorFromValues(StringType(), values) as Extract<Vector, { kind: "bytes" }>;
    const used = built.offsets[n];
    const data = new Uint8Array(new ArrayBuffer(used + 64), 5, used);
    data.set(built.data.subarray(0, used));
    const v: Vector = { ...built, data };
    const schema = toSchema("s STRING");
    const batch = { schema, columns: [v], numRows: n };
    const groupOf = Int32Array.from({ length: n }, () => rnd(groups));
    const start = new Int32Array(groups + 1);
    for (const g of groupOf) start[g + 1]++;
    for (let g = 0; g < groups; g++) start[g + 1] += start[g];
    const got = scatterBatch(batch, groupOf, start);
    const want = Array.from({ length: groups }, (_, g) => values.filter((_, i) => groupOf[i] === g)).flat();
    assert.deepEqual(read(got.columns[0]), want, `${groups} groups`);
  }
});
