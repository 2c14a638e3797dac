/**
 * Spark 3.5's higher-order functions: values checked against Spark's documented examples
 * (`ExpressionDescription`s of higherOrderFunctions.scala) and the golden file
 * higher-order-functions.sql.out; result types and nullability as Spark computes them; lambda
 * scoping (parameters shadow columns, outer columns and outer lambdas' parameters are visible).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ArrayType, BooleanType, IntegerType, LongType, MapType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { evaluate, values } from "./helpers.js";

const NONE = StructType([]);
const one = [{}];
const v = (sql: string): unknown => values(sql, NONE, one)[0];
const fails = (sql: string, pattern: RegExp): void => {
  assert.throws(() => values(sql, NONE, one), pattern);
};
const entries = (m: unknown): unknown => (m instanceof Map ? [...m.entries()] : m);

const NESTED = StructType([
  StructField("x", IntegerType()),
  StructField("ys", ArrayType(IntegerType())),
  StructField("zs", ArrayType(ArrayType(IntegerType()))),
]);
const nested = [
  { x: 1, ys: [32, 97], zs: [[12, 99], [123, 42], [1]] },
  { x: 2, ys: [77, -76], zs: [[6, 96, 65], [-1, -2]] },
  { x: 3, ys: [12], zs: [[17]] },
  { x: 4, ys: null, zs: [] },
];

test("transform: element, element and index, nested lambdas, outer columns", () => {
  assert.deepEqual(v("transform(array(1, 2, 3), x -> x + 1)"), [2, 3, 4]);
  assert.deepEqual(v("transform(array(1, 2, 3), (x, i) -> x + i)"), [1, 3, 5]);
  assert.deepEqual(values("transform(ys, y -> y * y)", NESTED, nested), [[1024, 9409], [5929, 5776], [144], null]);
  assert.deepEqual(values("transform(ys, (y, i) -> y + i)", NESTED, nested), [[32, 98], [77, -75], [12], null]);
  assert.deepEqual(values("transform(zs, z -> concat(ys, z))", NESTED, nested), [
    [[32, 97, 12, 99], [32, 97, 123, 42], [32, 97, 1]],
    [[77, -76, 6, 96, 65], [77, -76, -1, -2]],
    [[12, 17]],
    [],
  ]);
  assert.deepEqual(values("transform(zs, z -> filter(z, zz -> zz > 50))", NESTED, nested), [[[99], [123], []], [[96, 65], []], [[]], []]);
  // An inner lambda reads the outer lambda's parameter and an outer column.
  assert.deepEqual(values("transform(zs, z -> transform(z, e -> e + size(z) * x))", NESTED, nested), [
    [[14, 101], [125, 44], [2]],
    [[12, 102, 71], [3, 2]],
    [[20]],
    [],
  ]);
  // A plain expression in the function position (Spark's hidden lambda).
  assert.deepEqual(values("transform(ys, 0)", NESTED, nested), [[0, 0], [0, 0], [0], null]);
  assert.equal(v("transform(cast(null as array<int>), x -> x + 1)"), null);
});

test("lambda parameters shadow columns; the innermost lambda wins", () => {
  // `x` is a column of NESTED, but inside the lambda it is the element.
  assert.deepEqual(values("transform(ys, x -> x + 1)", NESTED, nested), [[33, 98], [78, -75], [13], null]);
  assert.deepEqual(v("transform(array(1, 2), x -> transform(array(10), x -> x + 1))"), [[11], [11]]);
  assert.deepEqual(v("transform(array(1, 2), x -> transform(array(10), y -> x + y))"), [[11], [12]]);
  // Upper case resolves the same parameter (case-insensitive analysis).
  assert.deepEqual(v("transform(array(1, 2), x -> X * 10)"), [10, 20]);
  // Struct fields of a parameter.
  assert.deepEqual(v("transform(array(named_struct('a', 1, 'b', 2)), s -> s.a + s.b)"), [3]);
});

test("filter, exists, forall: Spark's examples and three-valued logic", () => {
  assert.deepEqual(v("filter(array(1, 2, 3), x -> x % 2 == 1)"), [1, 3]);
  assert.deepEqual(v("filter(array(0, 2, 3), (x, i) -> x > i)"), [2, 3]);
  assert.deepEqual(v("filter(array(0, null, 2, 3, null), x -> x IS NOT NULL)"), [0, 2, 3]);
  assert.deepEqual(values("filter(ys, y -> y > 30)", NESTED, nested), [[32, 97], [77], [], null]);
  assert.equal(v("exists(array(1, 2, 3), x -> x % 2 == 0)"), true);
  assert.equal(v("exists(array(1, 2, 3), x -> x % 2 == 10)"), false);
  assert.equal(v("exists(array(1, null, 3), x -> x % 2 == 0)"), null);
  assert.equal(v("exists(array(0, null, 2, 3, null), x -> x IS NULL)"), true);
  assert.equal(v("exists(array(1, 2, 3), x -> x IS NULL)"), false);
  assert.equal(v("exists(cast(array() as array<int>), x -> x > 0)"), false);
  assert.deepEqual(values("exists(ys, y -> y > 30)", NESTED, nested), [true, true, false, null]);
  assert.equal(v("forall(array(1, 2, 3), x -> x % 2 == 0)"), false);
  assert.equal(v("forall(array(2, 4, 8), x -> x % 2 == 0)"), true);
  assert.equal(v("forall(array(1, null, 3), x -> x % 2 == 0)"), false);
  assert.equal(v("forall(array(2, null, 8), x -> x % 2 == 0)"), null);
  assert.equal(v("forall(cast(array() as array<int>), x -> x > 0)"), true);
});

test("aggregate / reduce: folds every row position by position; finish; null arrays", () => {
  assert.equal(v("aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x)"), 6);
  assert.equal(v("aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)"), 60);
  assert.equal(v("reduce(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)"), 60);
  // Rows of different lengths (one empty, one null) fold together; `x` is an outer column.
  const rows = [{ x: 1, ys: [32, 97], zs: [] }, { x: 2, ys: [77, -76], zs: [] }, { x: 3, ys: [12], zs: [] }, { x: 4, ys: [], zs: [] }, { x: 5, ys: null, zs: [] }];
  assert.deepEqual(values("aggregate(ys, 0, (y, a) -> y + a + x)", NESTED, rows), [131, 5, 15, 0, null]);
  assert.deepEqual(values("aggregate(ys, (0 as sum, 0 as n), (acc, x) -> (acc.sum + x, acc.n + 1), acc -> acc.sum / acc.n)", NESTED, rows), [64.5, 0.5, 12, null, null]);
  // The accumulator keeps zero's field names.
  assert.deepEqual(v("aggregate(array(1, 2), (0 as sum, 0 as n), (acc, x) -> (acc.sum + x, acc.n + 1))"), { sum: 3, n: 2 });
  assert.deepEqual(values("transform(zs, z -> aggregate(z, 1, (acc, val) -> acc * val * size(z)))", NESTED, nested), [[4752, 20664, 1], [1010880, 8], [17], []]);
  assert.deepEqual(v("aggregate(split('abcdefgh', ''), array(array('')), (acc, x) -> array(array(x)))"), [["h"]]);
  assert.equal(v("aggregate(cast(null as array<int>), 0, (a, y) -> a + y + 1, a -> a + 2)"), null);
  // The merge must return the accumulator's type (Spark does not cast it).
  fails("aggregate(array(1.5D), 0, (acc, x) -> acc + x)", /DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE/);
});

test("zip_with: element-wise, padded with nulls", () => {
  assert.deepEqual(v("zip_with(array(1, 2), array(3, 4), (x, y) -> x + y)"), [4, 6]);
  assert.deepEqual(v("zip_with(array('a', 'b', 'c'), array('d', 'e', 'f'), (x, y) -> concat(x, y))"), ["ad", "be", "cf"]);
  assert.deepEqual(v("zip_with(array('a'), array('d', null, 'f'), (x, y) -> coalesce(x, y))"), ["a", null, "f"]);
  assert.deepEqual(v("zip_with(array(1, 2, 3), array('a', 'b', 'c'), (x, y) -> (y, x))"), [{ y: "a", x: 1 }, { y: "b", x: 2 }, { y: "c", x: 3 }]);
  assert.deepEqual(values("zip_with(ys, zs, (a, b) -> a + size(b))", NESTED, nested), [[34, 99, null], [80, -74], [13], null]);
  assert.equal(v("zip_with(array(1), cast(null as array<int>), (x, y) -> x)"), null);
});

test("map_filter, transform_keys, transform_values: Spark's examples; key checks", () => {
  assert.deepEqual(entries(v("map_filter(map(1, 0, 2, 2, 3, -1), (k, v) -> k > v)")), [[1, 0], [3, -1]]);
  assert.deepEqual(entries(v("transform_keys(map_from_arrays(array(1, 2, 3), array(1, 2, 3)), (k, v) -> k + 1)")), [[2, 1], [3, 2], [4, 3]]);
  assert.deepEqual(entries(v("transform_keys(map_from_arrays(array(1, 2, 3), array(1, 2, 3)), (k, v) -> k + v)")), [[2, 1], [4, 2], [6, 3]]);
  assert.deepEqual(entries(v("transform_values(map_from_arrays(array(1, 2, 3), array(1, 2, 3)), (k, v) -> v + 1)")), [[1, 2], [2, 3], [3, 4]]);
  assert.deepEqual(entries(v("transform_values(map_from_arrays(array(1, 2, 3), array(1, 2, 3)), (k, v) -> k + v)")), [[1, 2], [2, 4], [3, 6]]);
  fails("transform_keys(map(1, 1, 2, 2), (k, v) -> 0)", /DUPLICATED_MAP_KEY/);
  fails("transform_keys(map(1, 1), (k, v) -> cast(null as int))", /NULL_MAP_KEY/);
  fails("transform_keys(map(1, 1), (k, v) -> map(k, v))", /INVALID_MAP_KEY_TYPE/);
});

test("map_zip_with: the union of keys, the left map's first; widened key types", () => {
  assert.deepEqual(entries(v("map_zip_with(map(1, 'a', 2, 'b'), map(1, 'x', 2, 'y'), (k, v1, v2) -> concat(v1, v2))")), [[1, "ax"], [2, "by"]]);
  assert.deepEqual(entries(v("map_zip_with(map('a', 1, 'b', 2), map('b', 3, 'c', 4), (k, v1, v2) -> coalesce(v1, 0) + coalesce(v2, 0))")), [
    ["a", 1],
    ["b", 5],
    ["c", 4],
  ]);
  assert.deepEqual(entries(v("map_zip_with(map(2Y, 1Y), map(2S, 1S), (k, v1, v2) -> struct(k, v1, v2))")), [[2, { k: 2, v1: 1, v2: 1 }]]);
  fails("map_zip_with(map(1.5BD, 1), map(1.55555BD, 1), (k, v1, v2) -> k)", /MAP_ZIP_WITH_DIFF_TYPES/);
  const { bound } = evaluate("map_zip_with(map(1, 'a'), map(2L, 2), (k, v1, v2) -> v2)", NONE, one);
  assert.deepEqual(bound.dataType, MapType(LongType(), IntegerType(), true));
});

test("array_sort: Spark's default order (nulls last) and comparator lambdas", () => {
  assert.deepEqual(v("array_sort(array('b', 'd', null, 'c', 'a'))"), ["a", "b", "c", "d", null]);
  assert.deepEqual(v("array_sort(array(double('NaN'), 1.0D, null, -1.0D))"), [-1, 1, NaN, null]);
  assert.deepEqual(v("array_sort(array(5, 6, 1), (left, right) -> case when left < right then -1 when left > right then 1 else 0 end)"), [1, 5, 6]);
  assert.deepEqual(
    v("array_sort(array('bc', 'ab', 'dc'), (left, right) -> case when left is null and right is null then 0 when left is null then -1 when right is null then 1 when left < right then 1 when left > right then -1 else 0 end)"),
    ["dc", "bc", "ab"],
  );
  fails("array_sort(array(1, 2), (l, r) -> cast(null as int))", /COMPARATOR_RETURNS_NULL/);
  fails("array_sort(array(1, 2), (l, r) -> l > r)", /UNEXPECTED_RETURN_TYPE/);
  fails("array_sort(array(map(1, 1)))", /INVALID_ORDERING_TYPE/);
});

test("array_sort with a comparator sorts long arrays of many rows, stably", () => {
  const schema = StructType([StructField("xs", ArrayType(IntegerType()))]);
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % 1000;
  const rows = Array.from({ length: 40 }, (_, r) => ({ xs: Array.from({ length: r * 3 }, rand) }));
  const sorted = values("array_sort(xs, (a, b) -> b - a)", schema, rows) as number[][];
  assert.deepEqual(sorted, rows.map((r) => [...r.xs].sort((a, b) => b - a)));
  // Equal keys (the same tens) keep their input order, as Java's stable sort.
  const byTens = values("array_sort(xs, (a, b) -> cast(a div 10 as int) - cast(b div 10 as int))", schema, rows) as number[][];
  assert.deepEqual(byTens, rows.map((r) => [...r.xs].sort((a, b) => Math.trunc(a / 10) - Math.trunc(b / 10))));
});

test("result types and nullability follow Spark", () => {
  const t = (sql: string, schema = NESTED) => evaluate(sql, schema, []).bound;
  assert.deepEqual(t("transform(array(1, 2), x -> x + 1)").dataType, ArrayType(IntegerType(), false));
  assert.deepEqual(t("transform(ys, y -> y + 1)").dataType, ArrayType(IntegerType(), true));
  assert.deepEqual(t("transform(ys, (y, i) -> i)").dataType, ArrayType(IntegerType(), false));
  assert.deepEqual(t("transform(array(1), x -> cast(x as string))").dataType, ArrayType(StringType(), false));
  assert.equal(t("exists(array(1, 2), x -> x > 1)").nullable, false);
  assert.equal(t("exists(ys, y -> y > 1)").nullable, true);
  assert.deepEqual(t("exists(array(1), x -> x > 1)").dataType, BooleanType());
  // The accumulator may always be null.
  assert.equal(t("aggregate(array(1), 0, (acc, x) -> acc + x)").nullable, true);
  assert.deepEqual(t("zip_with(array(1), array(2), (x, y) -> x + y)").dataType, ArrayType(IntegerType(), true));
  assert.deepEqual(t("transform_values(map(1, 'a'), (k, v) -> k)").dataType, MapType(IntegerType(), IntegerType(), false));
});

test("misplaced and malformed lambdas are analysis errors", () => {
  fails("upper(x -> x)", /NON_HIGHER_ORDER_FUNCTION/);
  fails("transform(array(1), (x, y, z) -> x)", /NUM_ARGS_MISMATCH/);
  fails("exists(array(1), (x, i) -> true)", /NUM_ARGS_MISMATCH/);
  fails("transform(array(1), (x, X) -> x)", /DUPLICATE_ARG_NAMES/);
  fails("filter(array(1), x -> x)", /requires the "BOOLEAN" type/);
  fails("transform(1, x -> x)", /requires the "ARRAY" type/);
  fails("map_filter(array(1), (k, v) -> true)", /requires the "MAP" type/);
});

test("output names: lambdas as Spark prints them, with the default functions", async () => {
  const { SparkSession } = await import("../../../../src/index.js");
  const spark = new SparkSession("higher-order-names", { "sluice.exec.workers": "0" });
  const names = (sql: string) => spark.sql(sql).schema.fields.map((f) => f.name);
  assert.deepEqual(names("SELECT transform(array(1), x -> x + 1)"), ["transform(array(1), lambdafunction((namedlambdavariable() + 1), namedlambdavariable()))"]);
  assert.deepEqual(names("SELECT aggregate(array(1), 0, (acc, x) -> acc + x)"), [
    "aggregate(array(1), 0, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction(namedlambdavariable(), namedlambdavariable()))",
  ]);
  assert.deepEqual((await spark.sql("SELECT exists(array(1, 2), x -> x = 2) AS e").collect())[0], { e: true });
});
