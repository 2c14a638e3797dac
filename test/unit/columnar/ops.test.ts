import { test } from "node:test";
import assert from "node:assert/strict";
import { vectorFromValues, batchFromRows } from "../../../src/columnar/build.js";
import { take, concat, slice, takeBatch } from "../../../src/columnar/ops.js";
import { valueAt, batchToRows } from "../../../src/columnar/values.js";
import { StringType, LongType, ArrayType, StructType, StructField, IntegerType, DecimalType } from "../../../src/types/data-types.js";

const read = (v: ReturnType<typeof vectorFromValues>) => Array.from({ length: v.length }, (_, i) => valueAt(v, i));

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
