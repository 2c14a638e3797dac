/**
 * Column builders: JSON and CSV functions (Spark's Python names and signatures). Where PySpark
 * takes a column, a `string` is a column name; schema_of_json / schema_of_csv take the sample
 * record itself (a string literal or a literal Column), as in PySpark. `from_json`, `to_json`
 * and `get_json_object` are in `../functions.ts`.
 */
import { node } from "../../sql/expression.js";
import type { Expr } from "../../sql/expression.js";
import type { DataType } from "../../types/data-types.js";
import { Column, literalExpr } from "../column.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr, fn1 } from "./builders.js";

/** Spark's options as the SQL functions take them: `map('k1', 'v1', …)` of strings. */
export type JsonCsvOptions = Readonly<Record<string, string | boolean | number>>;

/**
 * The number of elements of the outermost JSON array; null for other JSON or malformed text.
 * @example json_array_length("payload") // '[1,2,3,{"f1":1,"f2":[5,6]},4]' → 5
 */
export function json_array_length(col: ColumnName): Column {
  return fn1("json_array_length", col);
}

/**
 * The keys of the outermost JSON object, as an array of strings; null for other JSON.
 * @example json_object_keys("payload") // '{"f1":"abc","f2":{"f3":"a"}}' → ["f1", "f2"]
 */
export function json_object_keys(col: ColumnName): Column {
  return fn1("json_object_keys", col);
}

/**
 * The DDL schema Spark infers for a sample JSON record (a string literal, not a column name).
 * Options: `primitivesAsString`, `prefersDecimal`, `allowNumericLeadingZeros`, ….
 * @example schema_of_json('{"a": [1]}') // "STRUCT<a: ARRAY<BIGINT>>"
 */
export function schema_of_json(json: Column | string, options?: JsonCsvOptions): Column {
  return call("schema_of_json", withOptions([sample(json)], options));
}

/**
 * Parses a CSV record into a struct of `schema` (a DDL string, a StructType, or a Column such as
 * `schema_of_csv(…)`); options as Spark's CSV options (`sep`, `timestampFormat`, `mode`, …).
 * @example from_csv("line", "a INT, b DOUBLE") // "1, 0.8" → {a: 1, b: 0.8}
 */
export function from_csv(col: ColumnName, schema: Column | DataType | string, options?: JsonCsvOptions): Column {
  const schemaExpr: Expr =
    schema instanceof Column ? schema.expr : typeof schema === "string" ? literalExpr(schema) : node({ kind: "typeArg", dataType: schema });
  return call("from_csv", withOptions([colExpr(col), schemaExpr], options));
}

/**
 * A struct as one CSV record (no line end); options as Spark's CSV write options.
 * @example to_csv(struct("a", "b"), { sep: "|" }) // "1|2"
 */
export function to_csv(col: ColumnName, options?: JsonCsvOptions): Column {
  return call("to_csv", withOptions([colExpr(col)], options));
}

/**
 * The DDL schema Spark infers for a sample CSV record (a string literal, not a column name).
 * @example schema_of_csv("1,abc") // "STRUCT<_c0: INT, _c1: STRING>"
 */
export function schema_of_csv(csv: Column | string, options?: JsonCsvOptions): Column {
  return call("schema_of_csv", withOptions([sample(csv)], options));
}

function sample(s: Column | string): Expr {
  return s instanceof Column ? s.expr : literalExpr(s);
}

function withOptions(args: Expr[], options: JsonCsvOptions | undefined): Expr[] {
  if (options === undefined || Object.keys(options).length === 0) return args;
  const kv: Expr[] = [];
  for (const [k, v] of Object.entries(options)) kv.push(literalExpr(k), literalExpr(String(v)));
  return [...args, node({ kind: "call", name: "map", args: kv, distinct: false })];
}
