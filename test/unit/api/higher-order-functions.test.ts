/**
 * The Column API of the higher-order functions: TypeScript functions become lambdas (called once
 * with fresh lambda variables, as PySpark does); values as Spark's documented examples give.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ArrayType, IntegerType, MapType, StringType, StructField, StructType } from "../../../src/types/data-types.js";
import * as F from "../../../src/api/functions.js";
import { outputName } from "../../../src/plan/expressions/bind.js";
import type { Column } from "../../../src/api/column.js";
import { values } from "../exec/eval/helpers.js";

const { col, lit } = F;

const S = StructType([
  StructField("x", IntegerType()),
  StructField("xs", ArrayType(IntegerType())),
  StructField("ss", ArrayType(StringType())),
  StructField("m", MapType(StringType(), IntegerType())),
  StructField("m2", MapType(StringType(), IntegerType())),
]);
const rows = [
  { x: 10, xs: [1, 2, 3], ss: ["b", null, "a"], m: { a: 1, b: -2 }, m2: { b: 3, c: 4 } },
  { x: 20, xs: [], ss: [], m: {}, m2: { z: 1 } },
  { x: 30, xs: null, ss: null, m: null, m2: null },
];
const entries = (m: unknown): unknown => (m instanceof Map ? [...m.entries()] : m);

test("transform / filter: the function's arity picks the index parameter", () => {
  assert.deepEqual(values(F.transform(col("xs"), (x) => x.plus(1)), S, rows), [[2, 3, 4], [], null]);
  assert.deepEqual(values(F.transform("xs", (x, i) => x.multiply(i)), S, rows), [[0, 2, 6], [], null]);
  // An outer column in the body.
  assert.deepEqual(values(F.transform("xs", (x) => x.plus(col("x"))), S, rows), [[11, 12, 13], [], null]);
  assert.deepEqual(values(F.filter("xs", (x) => x.mod(2).eq(1)), S, rows), [[1, 3], [], null]);
  assert.deepEqual(values(F.filter("xs", (x, i) => x.gt(i.plus(1))), S, rows), [[], [], null]);
});

test("exists / forall / aggregate / reduce", () => {
  assert.deepEqual(values(F.exists("ss", (s) => s.isNull()), S, rows), [true, false, null]);
  assert.deepEqual(values(F.forall("xs", (x) => x.gt(0)), S, rows), [true, true, null]);
  assert.deepEqual(values(F.aggregate("xs", lit(0), (acc, x) => acc.plus(x)), S, rows), [6, 0, null]);
  assert.deepEqual(values(F.aggregate("xs", lit(0), (acc, x) => acc.plus(x), (acc) => acc.multiply(10)), S, rows), [60, 0, null]);
  assert.deepEqual(values(F.reduce("xs", 0, (acc, x) => acc.plus(x)), S, rows), [6, 0, null]);
});

test("zip_with, array_sort with and without a comparator", () => {
  assert.deepEqual(values(F.zip_with("xs", "xs", (a, b) => a.multiply(b)), S, rows), [[1, 4, 9], [], null]);
  assert.deepEqual(values(F.array_sort("ss"), S, rows), [["a", "b", null], [], null]);
  assert.deepEqual(values(F.array_sort("xs", (l, r) => r.minus(l)), S, rows), [[3, 2, 1], [], null]);
});

test("map functions", () => {
  assert.deepEqual(values(F.map_filter("m", (_k, v) => v.gt(0)), S, rows).map(entries), [[["a", 1]], [], null]);
  assert.deepEqual(values(F.transform_keys("m", (k) => F.upper(k)), S, rows).map(entries), [[["A", 1], ["B", -2]], [], null]);
  assert.deepEqual(values(F.transform_values("m", (_k, v) => v.multiply(10)), S, rows).map(entries), [[["a", 10], ["b", -20]], [], null]);
  assert.deepEqual(
    values(F.map_zip_with("m", "m2", (_k, v1, v2) => F.coalesce(v1, lit(0)).plus(F.coalesce(v2, lit(0)))), S, rows).map(entries),
    [[["a", 1], ["b", 1], ["c", 4]], [["z", 1]], null],
  );
});

test("lambda variables are fresh per call and named as Spark names a resolved lambda", () => {
  const a = F.transform("xs", (x) => x.plus(1));
  const b = F.transform("xs", (x) => x.plus(1));
  assert.ok(a.expr.kind === "call" && b.expr.kind === "call");
  const pa = a.expr.args[1];
  const pb = b.expr.args[1];
  assert.ok(pa.kind === "lambda" && pb.kind === "lambda");
  assert.match(pa.params[0], /^x_\d+$/);
  assert.notEqual(pa.params[0], pb.params[0]);
  assert.equal(outputName(a.expr), "transform(xs, lambdafunction((namedlambdavariable() + 1), namedlambdavariable()))");
  // Fewer declared parameters get the lambda's own count; more are an error.
  assert.deepEqual(values(F.zip_with("xs", "xs", (a) => a), S, rows), [[1, 2, 3], [], null]);
  assert.throws(() => F.transform("xs", ((a: Column, b: Column, c: Column) => a.plus(b).plus(c)) as never), /takes 1 or 2 parameters, got a function of 3/);
});
