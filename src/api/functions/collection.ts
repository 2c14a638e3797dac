/**
 * Column builders: array, map and struct functions (Spark's Python names and signatures). Where
 * PySpark takes a column, a `string` is a column name; where it takes a value (`array_contains`'s
 * `value`, `array_remove`'s `element`, `slice`'s `start` …), a plain value is a literal.
 */
import type { Column, ColumnOrValue } from "../column.js";
import { toExpr } from "../column.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr, fn1 } from "./builders.js";

/** Whether the array contains `value` (null when not found but the array holds a null). @example array_contains("tags", "urgent") */
export function array_contains(col: ColumnName, value: ColumnOrValue): Column {
  return call("array_contains", [colExpr(col), toExpr(value)]);
}

/** Whether the arrays share a non-null element. @example arrays_overlap("a", "b") */
export function arrays_overlap(a1: ColumnName, a2: ColumnName): Column {
  return call("arrays_overlap", [colExpr(a1), colExpr(a2)]);
}

/** The array with `value` inserted at 1-based `pos` (negative from the end). @example array_insert("xs", 1, 0) */
export function array_insert(arr: ColumnName, pos: ColumnName | number, value: ColumnOrValue): Column {
  return call("array_insert", [colExpr(arr), intArg(pos), toExpr(value)]);
}

/** Distinct elements of `col1` also in `col2`. @example array_intersect("a", "b") */
export function array_intersect(col1: ColumnName, col2: ColumnName): Column {
  return call("array_intersect", [colExpr(col1), colExpr(col2)]);
}

/** Distinct elements of both arrays, `col1`'s first. @example array_union("a", "b") */
export function array_union(col1: ColumnName, col2: ColumnName): Column {
  return call("array_union", [colExpr(col1), colExpr(col2)]);
}

/** Distinct elements of `col1` not in `col2`. @example array_except("a", "b") */
export function array_except(col1: ColumnName, col2: ColumnName): Column {
  return call("array_except", [colExpr(col1), colExpr(col2)]);
}

/** The elements joined by `delimiter`; nulls skipped unless `null_replacement` is given. @example array_join("tags", ", ", "-") */
export function array_join(col: ColumnName, delimiter: string, null_replacement?: string): Column {
  const args = [colExpr(col), toExpr(delimiter)];
  if (null_replacement !== undefined) args.push(toExpr(null_replacement));
  return call("array_join", args);
}

/** 1-based position of the first element equal to `value` (a long; 0 when absent). @example array_position("xs", 3) */
export function array_position(col: ColumnName, value: ColumnOrValue): Column {
  return call("array_position", [colExpr(col), toExpr(value)]);
}

/** Number of elements (null for a null array). @example array_size("xs") */
export function array_size(col: ColumnName): Column {
  return fn1("array_size", col);
}

/** Number of elements of an array or map; -1 for null (as `size`). @example cardinality("m") */
export function cardinality(col: ColumnName): Column {
  return fn1("cardinality", col);
}

/** The array without null elements. @example array_compact("xs") */
export function array_compact(col: ColumnName): Column {
  return fn1("array_compact", col);
}

/** The array with `value` added at the end. @example array_append("xs", 4) */
export function array_append(col: ColumnName, value: ColumnOrValue): Column {
  return call("array_append", [colExpr(col), toExpr(value)]);
}

/** The array with `value` added at the start. @example array_prepend("xs", 0) */
export function array_prepend(col: ColumnName, value: ColumnOrValue): Column {
  return call("array_prepend", [colExpr(col), toExpr(value)]);
}

/** The array without the elements equal to `element`. @example array_remove("xs", 0) */
export function array_remove(col: ColumnName, element: ColumnOrValue): Column {
  return call("array_remove", [colExpr(col), toExpr(element)]);
}

/** The array without duplicates (first occurrences kept). @example array_distinct("xs") */
export function array_distinct(col: ColumnName): Column {
  return fn1("array_distinct", col);
}

/** Smallest non-null element. @example array_min("xs") */
export function array_min(col: ColumnName): Column {
  return fn1("array_min", col);
}

/** Largest non-null element. @example array_max("xs") */
export function array_max(col: ColumnName): Column {
  return fn1("array_max", col);
}

/** `length` elements from 1-based `start` (negative from the end). @example slice("xs", 2, 3) */
export function slice(x: ColumnName, start: ColumnName | number, length: ColumnName | number): Column {
  return call("slice", [colExpr(x), intArg(start), intArg(length)]);
}

/** The array sorted, nulls first ascending and last descending. @example sort_array("xs", false) */
export function sort_array(col: ColumnName, asc = true): Column {
  return call("sort_array", [colExpr(col), toExpr(asc)]);
}

/** A random permutation of the array. @example shuffle("xs") */
export function shuffle(col: ColumnName): Column {
  return fn1("shuffle", col);
}

/** The inner arrays of an array of arrays, concatenated. @example flatten("nested") */
export function flatten(col: ColumnName): Column {
  return fn1("flatten", col);
}

/** Integers (or dates a day apart) from `start` to `stop` inclusive, by `step`. @example sequence(lit(1), lit(5), lit(2)) */
export function sequence(start: ColumnName, stop: ColumnName, step?: ColumnName): Column {
  const args = [colExpr(start), colExpr(stop)];
  if (step !== undefined) args.push(colExpr(step));
  return call("sequence", args);
}

/** An array of `count` copies of `col`. @example array_repeat("x", 3) */
export function array_repeat(col: ColumnName, count: ColumnName | number): Column {
  return call("array_repeat", [colExpr(col), intArg(count)]);
}

/** An array of structs whose i-th holds each array's i-th element. @example arrays_zip("a", "b") */
export function arrays_zip(...cols: ColumnName[]): Column {
  return call("arrays_zip", cols.map(colExpr));
}

/** The element at 0-based `index`, null out of range. @example get("xs", 0) */
export function get(col: ColumnName, index: ColumnName | number): Column {
  return call("get", [colExpr(col), intArg(index)]);
}

/** element_at without failing: a 1-based array index or a map key; null when absent. @example try_element_at("m", lit("k")) */
export function try_element_at(col: ColumnName, extraction: ColumnOrValue): Column {
  return call("try_element_at", [colExpr(col), toExpr(extraction)]);
}

/** A struct from name/value pairs. @example named_struct(lit("a"), "x", lit("b"), "y") */
export function named_struct(...cols: ColumnName[]): Column {
  return call("named_struct", cols.map(colExpr));
}

/** A map from key/value column pairs (Spark SQL's `map`). @example create_map(lit("k"), "v") */
export function create_map(...cols: (ColumnName | readonly ColumnName[])[]): Column {
  const flat: ColumnName[] = [];
  for (const c of cols) {
    if (Array.isArray(c)) flat.push(...(c as readonly ColumnName[]));
    else flat.push(c as ColumnName);
  }
  return call("map", flat.map(colExpr));
}

/** Whether the map has the key. @example map_contains_key("m", "k") */
export function map_contains_key(col: ColumnName, value: ColumnOrValue): Column {
  return call("map_contains_key", [colExpr(col), toExpr(value)]);
}

/** A map from an array of keys and an array of values. @example map_from_arrays("ks", "vs") */
export function map_from_arrays(col1: ColumnName, col2: ColumnName): Column {
  return call("map_from_arrays", [colExpr(col1), colExpr(col2)]);
}

/** The map's keys as an array. @example map_keys("m") */
export function map_keys(col: ColumnName): Column {
  return fn1("map_keys", col);
}

/** The map's values as an array. @example map_values("m") */
export function map_values(col: ColumnName): Column {
  return fn1("map_values", col);
}

/** The map's entries as an array of `{key, value}` structs. @example map_entries("m") */
export function map_entries(col: ColumnName): Column {
  return fn1("map_entries", col);
}

/** A map from an array of two-field structs. @example map_from_entries("pairs") */
export function map_from_entries(col: ColumnName): Column {
  return fn1("map_from_entries", col);
}

/** The union of the maps (a key in two maps fails, as Spark's default dedup policy). @example map_concat("m1", "m2") */
export function map_concat(...cols: (ColumnName | readonly ColumnName[])[]): Column {
  const flat: ColumnName[] = [];
  for (const c of cols) {
    if (Array.isArray(c)) flat.push(...(c as readonly ColumnName[]));
    else flat.push(c as ColumnName);
  }
  return call("map_concat", flat.map(colExpr));
}

/**
 * A map parsed from text: pairs split by `pairDelim` (default ","), keys from values by
 * `keyValueDelim` (default ":"); both delimiters are regular expressions, given as columns (PySpark's
 * signature: use `lit(";")`). @example str_to_map("s", lit(";"), lit("="))
 */
export function str_to_map(text: ColumnName, pairDelim?: ColumnName, keyValueDelim?: ColumnName): Column {
  const args = [colExpr(text)];
  if (pairDelim !== undefined || keyValueDelim !== undefined) args.push(pairDelim === undefined ? toExpr(",") : colExpr(pairDelim));
  if (keyValueDelim !== undefined) args.push(colExpr(keyValueDelim));
  return call("str_to_map", args);
}

/** An int argument PySpark takes as a column or a Python int (a literal). */
function intArg(v: ColumnName | number): ReturnType<typeof colExpr> {
  return typeof v === "number" ? toExpr(v) : colExpr(v);
}
