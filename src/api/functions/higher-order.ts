/**
 * Column builders: higher-order functions (PySpark's names and signatures). A function argument is
 * a TypeScript function over Columns: as PySpark does, it is called once, with Columns that stand
 * for fresh lambda variables (`x_0`, `y_1` …), and the Column it returns is the lambda's body. How
 * many parameters it declares picks the lambda's arity (`(x, i) => …` gets the index too).
 */
import { node } from "../../sql/expression.js";
import type { Expr, LambdaExpr } from "../../sql/expression.js";
import { AnalysisError } from "../../errors.js";
import type { ColumnOrValue } from "../column.js";
import { Column, toExpr } from "../column.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr } from "./builders.js";

/**
 * Each element of the array through `f` (`(x) => …` or `(x, i) => …` with the 0-based index).
 * @example transform(col("xs"), (x) => x.plus(1)); transform("xs", (x, i) => x.multiply(i))
 */
export function transform(col: ColumnName, f: (x: Column, i: Column) => ColumnOrValue): Column {
  return call("transform", [colExpr(col), lambda(f, 1, 2)]);
}

/**
 * The elements for which `f` is true (`(x) => …` or `(x, i) => …`).
 * @example filter("xs", (x) => x.gt(0))
 */
export function filter(col: ColumnName, f: (x: Column, i: Column) => ColumnOrValue): Column {
  return call("filter", [colExpr(col), lambda(f, 1, 2)]);
}

/**
 * Whether `f` holds for some element (null when it holds for none but was null for one).
 * @example exists("xs", (x) => x.isNull())
 */
export function exists(col: ColumnName, f: (x: Column) => ColumnOrValue): Column {
  return call("exists", [colExpr(col), lambda(f, 1, 1)]);
}

/**
 * Whether `f` holds for every element (null when it is false for none but null for one).
 * @example forall("xs", (x) => x.gt(0))
 */
export function forall(col: ColumnName, f: (x: Column) => ColumnOrValue): Column {
  return call("forall", [colExpr(col), lambda(f, 1, 1)]);
}

/**
 * Folds the array from `initialValue` with `merge(acc, x)`, then applies `finish(acc)` when given.
 * The accumulator keeps `initialValue`'s type: `merge` must return that type.
 * @example aggregate("xs", lit(0), (acc, x) => acc.plus(x)); aggregate("xs", lit(0.0), (acc, x) => acc.plus(x), (acc) => acc.divide(2))
 */
export function aggregate(
  col: ColumnName,
  initialValue: ColumnOrValue,
  merge: (acc: Column, x: Column) => ColumnOrValue,
  finish?: (acc: Column) => ColumnOrValue,
): Column {
  const args = [colExpr(col), toExpr(initialValue), lambda(merge, 2, 2)];
  if (finish !== undefined) args.push(lambda(finish, 1, 1));
  return call("aggregate", args);
}

/**
 * Same as {@link aggregate} (Spark 3.5's `reduce`).
 * @example reduce("xs", lit(0), (acc, x) => acc.plus(x))
 */
export function reduce(
  col: ColumnName,
  initialValue: ColumnOrValue,
  merge: (acc: Column, x: Column) => ColumnOrValue,
  finish?: (acc: Column) => ColumnOrValue,
): Column {
  const args = [colExpr(col), toExpr(initialValue), lambda(merge, 2, 2)];
  if (finish !== undefined) args.push(lambda(finish, 1, 1));
  return call("reduce", args);
}

/**
 * The arrays merged element-wise with `f(x, y)`; the shorter one is padded with nulls.
 * @example zip_with("xs", "ys", (x, y) => x.plus(y))
 */
export function zip_with(left: ColumnName, right: ColumnName, f: (x: Column, y: Column) => ColumnOrValue): Column {
  return call("zip_with", [colExpr(left), colExpr(right), lambda(f, 2, 2)]);
}

/**
 * The map with each key replaced by `f(k, v)` (a null or repeated new key is an error).
 * @example transform_keys("m", (k, v) => upper(k))
 */
export function transform_keys(col: ColumnName, f: (k: Column, v: Column) => ColumnOrValue): Column {
  return call("transform_keys", [colExpr(col), lambda(f, 2, 2)]);
}

/**
 * The map with each value replaced by `f(k, v)`.
 * @example transform_values("m", (k, v) => v.plus(1))
 */
export function transform_values(col: ColumnName, f: (k: Column, v: Column) => ColumnOrValue): Column {
  return call("transform_values", [colExpr(col), lambda(f, 2, 2)]);
}

/**
 * The entries for which `f(k, v)` is true.
 * @example map_filter("m", (k, v) => v.gt(0))
 */
export function map_filter(col: ColumnName, f: (k: Column, v: Column) => ColumnOrValue): Column {
  return call("map_filter", [colExpr(col), lambda(f, 2, 2)]);
}

/**
 * The maps merged by key with `f(k, v1, v2)`; a key missing from one map gives null for its value.
 * @example map_zip_with("m1", "m2", (k, v1, v2) => coalesce(v1, lit(0)).plus(coalesce(v2, lit(0))))
 */
export function map_zip_with(col1: ColumnName, col2: ColumnName, f: (k: Column, v1: Column, v2: Column) => ColumnOrValue): Column {
  return call("map_zip_with", [colExpr(col1), colExpr(col2), lambda(f, 3, 3)]);
}

/**
 * The array sorted ascending with nulls last, or by `comparator(left, right)`, an int that is
 * negative, 0 or positive as left sorts before, with or after right (null is an error).
 * @example array_sort("xs"); array_sort("xs", (l, r) => r.minus(l))
 */
export function array_sort(col: ColumnName, comparator?: (left: Column, right: Column) => ColumnOrValue): Column {
  return call("array_sort", comparator === undefined ? [colExpr(col)] : [colExpr(col), lambda(comparator, 2, 2)]);
}

// ---------------------------------------------------------------------------------------------

const PARAM_NAMES = ["x", "y", "z"];
let nextVarId = 0;

/**
 * The lambda of `f`: `f` called once with fresh lambda variables, as many as it declares between
 * `min` and `max`. A function that declares fewer (`(k) => …` for a map's `(k, v)`; TypeScript
 * lets a callback omit trailing parameters) gets `min`; more is an error.
 */
function lambda(f: (...args: Column[]) => ColumnOrValue, min: number, max: number): LambdaExpr {
  const declared = Math.max(f.length, min);
  if (declared > max) {
    const want = min === max ? `${min}` : `${min} or ${max}`;
    throw new AnalysisError(`functions: a lambda here takes ${want} parameter${max === 1 ? "" : "s"}, got a function of ${declared}`);
  }
  // Spark's UnresolvedNamedLambdaVariable.freshVarName: one counter for every name.
  const names = PARAM_NAMES.slice(0, declared).map((p) => `${p}_${nextVarId++}`);
  const vars = names.map((name) => new Column(node<Expr>({ kind: "lambdaVar", parts: [name] })));
  return node<LambdaExpr>({ kind: "lambda", params: names, body: toExpr(f(...vars)) });
}
