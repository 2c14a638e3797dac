import { test } from "node:test";
import assert from "node:assert/strict";
import {
  StructType,
  StructField,
  StringType,
  LongType,
  IntegerType,
  DoubleType,
  BinaryType,
  ArrayType,
  MapType,
  TimestampType,
} from "../../../src/types/data-types.js";
import { Column, literalExpr } from "../../../src/api/column.js";
import { col, lit, when } from "../../../src/api/functions.js";
import { outputName, bindProjectList } from "../../../src/plan/expressions/bind.js";
import { AnalysisError } from "../../../src/errors.js";
import { values } from "../exec/eval/helpers.js";

const S = StructType([
  StructField("a", IntegerType()),
  StructField("b", IntegerType()),
  StructField("s", StringType()),
  StructField("arr", ArrayType(StringType())),
  StructField("m", MapType(StringType(), LongType())),
  StructField("data", StructType([StructField("event_id", StringType())])),
]);
const rows = [
  { a: 1, b: 2, s: "apple", arr: ["x", "y"], m: { k: 7n }, data: { event_id: "e1" } },
  { a: null, b: 2, s: null, arr: null, m: null, data: null },
  { a: 5, b: null, s: "kiwi", arr: [], m: {}, data: { event_id: null } },
];

test("plain values become typed literals", () => {
  const type = (v: Parameters<typeof literalExpr>[0]) => {
    const e = literalExpr(v);
    return e.kind === "literal" ? e.dataType : null;
  };
  assert.deepEqual(type(1), IntegerType());
  assert.deepEqual(type(-2147483648), IntegerType());
  assert.deepEqual(type(2147483648), DoubleType());
  assert.deepEqual(type(1.5), DoubleType());
  assert.deepEqual(type(3n), LongType());
  assert.deepEqual(type("x"), StringType());
  assert.deepEqual(type(new Date(0)), TimestampType());
  assert.deepEqual(type(new Uint8Array([1])), BinaryType());
  assert.deepEqual(type(null), { typeName: "null" });
  const d = literalExpr(new Date(1500));
  assert.equal(d.kind === "literal" ? d.value : null, 1_500_000n);
});

test("arithmetic and comparison methods build Spark-named expressions", () => {
  const a = col("a");
  assert.equal(a.plus(1).toString(), "(a + 1)");
  assert.equal(a.minus(col("b")).multiply(2).toString(), "((a - b) * 2)");
  assert.equal(a.divide(2).toString(), "(a / 2)");
  assert.equal(a.mod(3).toString(), "(a % 3)");
  assert.equal(a.eq(1).toString(), "(a = 1)");
  assert.equal(a.notEqual(1).toString(), "(NOT (a = 1))");
  assert.equal(a.gt(1).and(col("b").lt(3)).toString(), "((a > 1) AND (b < 3))");
  assert.equal(a.isNull().or(a.eq(0)).toString(), "((a IS NULL) OR (a = 0))");
  assert.equal(a.geq(1).toString(), a.ge(1).toString());
  assert.equal(a.leq(1).toString(), a.le(1).toString());
  assert.equal(col("s").eq("x").toString(), "(s = x)");
  assert.equal(a.eqNullSafe(null).toString(), "(a <=> NULL)");
  assert.equal(col("s").isin("a", ["b", "c"]).toString(), "(s IN (a, b, c))");
  assert.equal(a.between(1, 3).toString(), "((a >= 1) AND (a <= 3))");
  assert.equal(col("value").cast("string").toString(), "CAST(value AS STRING)");
  assert.equal(outputName(col("value").cast("string").expr), "value");
  assert.equal(outputName(a.plus(1).alias("a1").expr), "a1");
  assert.equal(outputName(col("data.event_id").expr), "event_id");
});

test("Column methods evaluate with Spark semantics", () => {
  const a = col("a");
  assert.deepEqual(values(a.plus(col("b")), S, rows), [3, null, null]);
  assert.deepEqual(values(a.divide(col("b")), S, rows), [0.5, null, null]);
  assert.deepEqual(values(a.gt(1).and(col("b").isNull()), S, rows), [false, false, true], "null AND false is false");
  assert.deepEqual(values(a.gt(1).or(col("b").eq(2)), S, rows), [true, true, true]);
  assert.deepEqual(values(a.eqNullSafe(null), S, rows), [false, true, false]);
  assert.deepEqual(values(a.isin(1, 5), S, rows), [true, null, true]);
  assert.deepEqual(values(a.between(2, 5), S, rows), [false, null, true]);
  assert.deepEqual(values(col("s").like("a%"), S, rows), [true, null, false]);
  assert.deepEqual(values(col("s").rlike("i.i"), S, rows), [false, null, true]);
  assert.deepEqual(values(col("s").startswith("ap"), S, rows), [true, null, false]);
  assert.deepEqual(values(col("s").endswith("wi"), S, rows), [false, null, true]);
  assert.deepEqual(values(col("s").contains("pl"), S, rows), [true, null, false]);
  assert.deepEqual(values(col("s").substr(2, 3), S, rows), ["ppl", null, "iwi"]);
  assert.deepEqual(values(col("arr").getItem(1), S, rows), ["y", null, null]);
  assert.deepEqual(values(col("m").getItem("k"), S, rows), [7n, null, null]);
  assert.deepEqual(values(col("data").getField("event_id"), S, rows), ["e1", null, null]);
  assert.deepEqual(values(col("a").cast(StringType()), S, rows), ["1", null, "5"]);
  assert.deepEqual(values(col("a").bitwiseAND(4).bitwiseOR(1).bitwiseXOR(3), S, rows), [2, null, 6]);
  assert.deepEqual(values(col("a").isNotNull().not(), S, rows), [false, true, false]);
});

test("when / otherwise chains and misuse", () => {
  const c = when(col("a").gt(2), "big").when(col("a").gt(0), "small").otherwise("none");
  assert.equal(c.toString(), "CASE WHEN (a > 2) THEN big WHEN (a > 0) THEN small ELSE none END");
  assert.deepEqual(values(c, S, rows), ["small", "none", "big"]);
  assert.deepEqual(values(when(col("a").gt(2), lit(1)), S, rows), [null, null, 1]);
  assert.throws(() => col("a").when(col("a").gt(1), 1), AnalysisError);
  assert.throws(() => c.otherwise("again"), AnalysisError);
});

test("sort keys carry direction and null ordering", () => {
  const keys = [col("a").asc(), col("a").desc(), col("a").asc_nulls_last(), col("a").desc_nulls_first()].map((c) => c.expr);
  assert.deepEqual(
    keys.map((e) => (e.kind === "sortOrder" ? [e.ascending, e.nullsFirst] : null)),
    [[true, true], [false, false], [true, false], [false, true]],
  );
  assert.equal(col("a").desc().toString(), "a DESC NULLS LAST");
});

test("alias / as / name all name the column in a projection", () => {
  const { names } = bindProjectList([col("a").alias("x").expr, col("a").as("y").expr, col("a").name("z").expr], S);
  assert.deepEqual(names, ["x", "y", "z"]);
  assert.ok(col("a") instanceof Column);
});
