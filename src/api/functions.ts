/**
 * The functions module (PySpark's `pyspark.sql.functions`): builders of `Column`s. Where Spark
 * accepts a column name, a `string` argument is a column name (`upper("name")`); literal values
 * go through `lit`. Every function only builds an unresolved expression.
 */
import type { DataType } from "../types/data-types.js";
import { AnalysisError } from "../errors.js";
import { node } from "../sql/expression.js";
import type { Expr } from "../sql/expression.js";
import { parseExpression } from "../sql/parser.js";
import { Column, literalExpr, toExpr } from "./column.js";
import type { ColumnOrValue } from "./column.js";
import { call, colExpr, columnByName, fn1 } from "./functions/builders.js";
import type { ColumnName } from "./functions/builders.js";

export type { ColumnName } from "./functions/builders.js";
export * from "./functions/string.js";
export * from "./functions/datetime.js";
export * from "./functions/date.js";
export * from "./functions/math.js";
export * from "./functions/collection.js";
export * from "./functions/higher-order.js";
export * from "./functions/misc.js";
export * from "./functions/json-csv.js";
export * from "./functions/interval.js";

/**
 * A column by name: `"a"`, a struct field path `"data.event_id"`, `` "`a.b`" `` for a name with a
 * dot, `"*"` or `"data.*"` for every field.
 * @example df.select(col("data.event_id"))
 */
export function col(name: string): Column {
  return columnByName(name);
}

/** Same as {@link col}. @example column("user_id") */
export function column(name: string): Column {
  return col(name);
}

/** A literal column (a Column passes through). @example lit(1), lit("x"), lit(null) */
export function lit(value: ColumnOrValue | readonly unknown[]): Column {
  if (value instanceof Column) return value;
  return new Column(literalExpr(value));
}

/** A column from a SQL expression string. @example expr("CAST(value AS STRING)") */
export function expr(sql: string): Column {
  return new Column(parseExpression(sql));
}

/** Starts a CASE expression; chain `.when(...)` and `.otherwise(...)`. @example when(col("n").gt(0), "pos").otherwise("neg") */
export function when(condition: Column, value: ColumnOrValue): Column {
  return new Column(node({ kind: "case", operand: null, branches: [{ when: condition.expr, then: toExpr(value) }], otherwise: null }));
}

/** The first non-null argument. @example coalesce(col("a"), lit(0)) */
export function coalesce(...cols: ColumnName[]): Column {
  return call("coalesce", cols.map(colExpr));
}

/** String (or binary) concatenation; null if any input is null. @example concat(col("a"), lit("-"), col("b")) */
export function concat(...cols: ColumnName[]): Column {
  return call("concat", cols.map(colExpr));
}

/** Concatenation with a separator, skipping nulls. @example concat_ws(",", "a", "b") */
export function concat_ws(sep: string, ...cols: ColumnName[]): Column {
  return call("concat_ws", [literalExpr(sep), ...cols.map(colExpr)]);
}

/** Lower-case. @example lower("name") */
export function lower(c: ColumnName): Column {
  return fn1("lower", c);
}

/** Upper-case. @example upper(col("name")) */
export function upper(c: ColumnName): Column {
  return fn1("upper", c);
}

/** Removes leading and trailing spaces. @example trim("name") */
export function trim(c: ColumnName): Column {
  return fn1("trim", c);
}

/** Removes leading spaces. @example ltrim("name") */
export function ltrim(c: ColumnName): Column {
  return fn1("ltrim", c);
}

/** Removes trailing spaces. @example rtrim("name") */
export function rtrim(c: ColumnName): Column {
  return fn1("rtrim", c);
}

/** Length in characters (bytes for binary). @example length("name") */
export function length(c: ColumnName): Column {
  return fn1("length", c);
}

/** Substring from 1-based `pos` of `len` characters. @example substring("s", 1, 3) */
export function substring(str: ColumnName, pos: number, len: number): Column {
  return call("substring", [colExpr(str), literalExpr(pos), literalExpr(len)]);
}

/** Group `idx` of the first match of a Java regex; `""` when none. @example regexp_extract("s", "(\\d+)", 1) */
export function regexp_extract(str: ColumnName, pattern: string, idx: number): Column {
  return call("regexp_extract", [colExpr(str), literalExpr(pattern), literalExpr(idx)]);
}

/** Replaces every match of a Java regex (`$1` refers to groups). @example regexp_replace("s", "\\s+", " ") */
export function regexp_replace(str: ColumnName, pattern: string | Column, replacement: string | Column): Column {
  return call("regexp_replace", [colExpr(str), toExpr(pattern), toExpr(replacement)]);
}

/** Splits around matches of a Java regex into an array. @example split("csv", ",") */
export function split(str: ColumnName, pattern: string, limit = -1): Column {
  return call("split", [colExpr(str), literalExpr(pattern), literalExpr(limit)]);
}

/**
 * One output row per element of an array (column `col`) or entry of a map (`key`, `value`); a
 * null or empty input gives no row. A generator: a whole `select` item (or `withColumn`), at most
 * one per select, as in Spark.
 * @example df.select(explode(split(col("value"), " ")).alias("word"))
 */
export function explode(c: ColumnName): Column {
  return fn1("explode", c);
}

/** As {@link explode}, but a null or empty input gives one row of nulls. */
export function explode_outer(c: ColumnName): Column {
  return fn1("explode_outer", c);
}

/** As {@link explode}, with the element's 0-based position first (column `pos`). */
export function posexplode(c: ColumnName): Column {
  return fn1("posexplode", c);
}

/** As {@link posexplode}, but a null or empty input gives one row of nulls. */
export function posexplode_outer(c: ColumnName): Column {
  return fn1("posexplode_outer", c);
}

/** One output row per struct of an array of structs, its fields as columns. */
export function inline(c: ColumnName): Column {
  return fn1("inline", c);
}

/** As {@link inline}, but a null or empty input gives one row of nulls. */
export function inline_outer(c: ColumnName): Column {
  return fn1("inline_outer", c);
}

/**
 * Splits the values into `n` rows (columns `col0`, `col1` …; missing values are null).
 * @example df.select(stack(2, lit("a"), col("x"), lit("b"), col("y")))
 */
export function stack(n: number, ...values: ColumnOrValue[]): Column {
  return call("stack", [literalExpr(n), ...values.map((v) => (v instanceof Column ? v.expr : literalExpr(v as string | number | boolean | null)))]);
}

/** The row's 1-based position in its window partition (needs an ordered window). @example row_number().over(w) */
export function row_number(): Column {
  return call("row_number", []);
}

/** Rank with gaps: peers (equal ORDER BY values) share a rank. */
export function rank(): Column {
  return call("rank", []);
}

/** Rank without gaps. */
export function dense_rank(): Column {
  return call("dense_rank", []);
}

/** `(rank - 1) / (rows in partition - 1)`, 0 for a one-row partition. */
export function percent_rank(): Column {
  return call("percent_rank", []);
}

/** The fraction of the partition's rows at or before this row's peers. */
export function cume_dist(): Column {
  return call("cume_dist", []);
}

/** The bucket (1..n) of the row when the ordered partition is split into `n` near-equal buckets. */
export function ntile(n: number): Column {
  return call("ntile", [literalExpr(n)]);
}

/** The value `offset` rows before this one in its partition, else `defaultValue` (null). */
export function lag(c: ColumnName, offset = 1, defaultValue: ColumnOrValue = null): Column {
  return call("lag", [colExpr(c), literalExpr(offset), defaultValue instanceof Column ? defaultValue.expr : literalExpr(defaultValue as string | number | boolean | null)]);
}

/** The value `offset` rows after this one in its partition, else `defaultValue` (null). */
export function lead(c: ColumnName, offset = 1, defaultValue: ColumnOrValue = null): Column {
  return call("lead", [colExpr(c), literalExpr(offset), defaultValue instanceof Column ? defaultValue.expr : literalExpr(defaultValue as string | number | boolean | null)]);
}

/** The value of the frame's `n`-th row (1-based), skipping nulls when `ignoreNulls`. */
export function nth_value(c: ColumnName, n: number, ignoreNulls = false): Column {
  return call("nth_value", [colExpr(c), literalExpr(n), literalExpr(ignoreNulls)]);
}

/** Parses a timestamp (Spark's formats, or a datetime pattern). @example to_timestamp("ts", "yyyy-MM-dd HH:mm:ss") */
export function to_timestamp(c: ColumnName, format?: string): Column {
  return call("to_timestamp", format === undefined ? [colExpr(c)] : [colExpr(c), literalExpr(format)]);
}

/** Parses a date (or truncates a timestamp to its date). @example to_date("day", "yyyy-MM-dd") */
export function to_date(c: ColumnName, format?: string): Column {
  return call("to_date", format === undefined ? [colExpr(c)] : [colExpr(c), literalExpr(format)]);
}

/** The micro-batch's processing time. @example withColumn("ingested_at", current_timestamp()) */
export function current_timestamp(): Column {
  return call("current_timestamp", []);
}

/** The micro-batch's processing date (UTC). @example current_date() */
export function current_date(): Column {
  return call("current_date", []);
}

/** Truncates a timestamp to a unit ('year', 'month', 'week', 'day', 'hour', 'minute', 'second' …). @example date_trunc("hour", "ts") */
export function date_trunc(format: string, timestamp: ColumnName): Column {
  return call("date_trunc", [literalExpr(format), colExpr(timestamp)]);
}

/**
 * Buckets rows into event-time windows: `window(ts, "10 minutes")` is tumbling,
 * `window(ts, "10 minutes", "5 minutes")` slides (a row falls in every window containing it),
 * and `startTime` shifts the window boundaries (e.g. `"15 minutes"` for windows at :15 and :45).
 * The column is `window: struct<start: timestamp, end: timestamp>`, windows are `[start, end)`,
 * and rows with a null time are dropped. Under `withWatermark` on the time column, a windowed
 * aggregation emits each window once in append mode, when the watermark passes its end.
 * @example df.groupBy(window(col("ts"), "10 minutes", "5 minutes"), col("word")).count()
 */
export function window(timeColumn: ColumnName, windowDuration: string, slideDuration?: string | null, startTime?: string | null): Column {
  const args = [colExpr(timeColumn), literalExpr(windowDuration)];
  if (slideDuration !== undefined && slideDuration !== null) args.push(literalExpr(slideDuration));
  if (startTime !== undefined && startTime !== null) {
    if (args.length === 2) args.push(literalExpr(windowDuration));
    args.push(literalExpr(startTime));
  }
  return call("window", args);
}

/**
 * Groups rows into sessions per key: a row opens (or extends) a session `[ts, ts + gap)`, and
 * sessions of a key that overlap merge, so a session ends `gap` after its last event. `gap` is an
 * interval string, or a string Column evaluated per row (rows whose gap is null or not positive
 * are dropped). The column is `session_window: struct<start, end>`; use it in `groupBy`. On a
 * stream with a watermark on the time column, append mode emits each session once it has closed.
 * @example events.withWatermark("ts", "10 minutes").groupBy(session_window(col("ts"), "30 minutes"), col("user_id")).count()
 */
export function session_window(timeColumn: ColumnName, gapDuration: string | Column): Column {
  return call("session_window", [colExpr(timeColumn), typeof gapDuration === "string" ? literalExpr(gapDuration) : gapDuration.expr]);
}

/** The event time of a time window: its `end` minus 1 µs. @example df.select(window_time(col("window"))) */
export function window_time(windowColumn: ColumnName): Column {
  return fn1("window_time", windowColumn);
}

/** Formats a timestamp with a datetime pattern. @example date_format("ts", "yyyy-MM-dd") */
export function date_format(date: ColumnName, format: string): Column {
  return call("date_format", [colExpr(date), literalExpr(format)]);
}

/** Seconds since the epoch: of now, of a timestamp, or of a string parsed with `format`. @example unix_timestamp("ts") */
export function unix_timestamp(timestamp?: ColumnName, format = "yyyy-MM-dd HH:mm:ss"): Column {
  if (timestamp === undefined) return call("unix_timestamp", []);
  return call("unix_timestamp", [colExpr(timestamp), literalExpr(format)]);
}

/** Formats seconds since the epoch. @example from_unixtime("epoch_seconds") */
export function from_unixtime(timestamp: ColumnName, format = "yyyy-MM-dd HH:mm:ss"): Column {
  return call("from_unixtime", [colExpr(timestamp), literalExpr(format)]);
}

/** Year of a date/timestamp. @example year("ts") */
export function year(c: ColumnName): Column {
  return fn1("year", c);
}

/** Month (1-12). @example month("ts") */
export function month(c: ColumnName): Column {
  return fn1("month", c);
}

/** Day of the month. @example dayofmonth("ts") */
export function dayofmonth(c: ColumnName): Column {
  return fn1("dayofmonth", c);
}

/** Hour (0-23). @example hour("ts") */
export function hour(c: ColumnName): Column {
  return fn1("hour", c);
}

/** Minute (0-59). @example minute("ts") */
export function minute(c: ColumnName): Column {
  return fn1("minute", c);
}

/** SHA-2 hex digest (numBits 224, 256, 384, 512; 0 = 256). @example sha2("email", 256) */
export function sha2(c: ColumnName, numBits: number): Column {
  return call("sha2", [colExpr(c), literalExpr(numBits)]);
}

/** MD5 hex digest. @example md5("payload") */
export function md5(c: ColumnName): Column {
  return fn1("md5", c);
}

/** SHA-1 hex digest. @example sha1("payload") */
export function sha1(c: ColumnName): Column {
  return fn1("sha1", c);
}

/** CRC-32 as a bigint column. @example crc32("payload") */
export function crc32(c: ColumnName): Column {
  return fn1("crc32", c);
}

/** Spark's Murmur3 hash (seed 42) of the arguments, as an int. @example hash("user_id") */
export function hash(...cols: ColumnName[]): Column {
  return call("hash", cols.map(colExpr));
}

/** Extracts JSON text at a JSONPath (`$.a.b[0]`). @example get_json_object("payload", "$.amount") */
export function get_json_object(c: ColumnName, path: string): Column {
  return call("get_json_object", [colExpr(c), literalExpr(path)]);
}

function optionsExpr(options: Readonly<Record<string, string | boolean | number>>): Expr {
  const args: Expr[] = [];
  for (const [k, v] of Object.entries(options)) args.push(literalExpr(k), literalExpr(String(v)));
  return node({ kind: "call", name: "map", args, distinct: false });
}

/** Serializes a struct, array or map to JSON text. @example to_json(struct("a", "b")) */
export function to_json(c: ColumnName, options?: Readonly<Record<string, string | boolean | number>>): Column {
  const args = [colExpr(c)];
  if (options !== undefined && Object.keys(options).length > 0) args.push(optionsExpr(options));
  return call("to_json", args);
}

/**
 * Parses JSON text with a schema (a DataType or a DDL string); options as Spark's JSON options.
 * @example from_json(col("value"), schema).alias("data")
 */
export function from_json(
  c: ColumnName,
  schema: DataType | string,
  options?: Readonly<Record<string, string | boolean | number>>,
): Column {
  const schemaExpr: Expr = typeof schema === "string" ? literalExpr(schema) : node({ kind: "typeArg", dataType: schema });
  const args = [colExpr(c), schemaExpr];
  if (options !== undefined && Object.keys(options).length > 0) args.push(optionsExpr(options));
  return call("from_json", args);
}

/** A struct of columns (fields named after the columns). @example struct("a", col("b").alias("c")) */
export function struct(...cols: (ColumnName | readonly ColumnName[])[]): Column {
  const flat: ColumnName[] = [];
  for (const c of cols) {
    if (Array.isArray(c)) flat.push(...(c as readonly ColumnName[]));
    else flat.push(c as ColumnName);
  }
  return call("struct", flat.map(colExpr));
}

/** An array of columns. @example array("a", "b") */
export function array(...cols: ColumnName[]): Column {
  return call("array", cols.map(colExpr));
}

/** Number of elements of an array or map; -1 for null. @example size("tags") */
export function size(c: ColumnName): Column {
  return fn1("size", c);
}

/** Array element at a 1-based index (negative from the end) or map value by key. @example element_at("tags", 1) */
export function element_at(c: ColumnName, extraction: ColumnOrValue): Column {
  return call("element_at", [colExpr(c), toExpr(extraction)]);
}

/** Absolute value. @example abs("delta") */
export function abs(c: ColumnName): Column {
  return fn1("abs", c);
}

/** Rounds half up to `scale` decimal places. @example round("price", 2) */
export function round(c: ColumnName, scale = 0): Column {
  return call("round", [colExpr(c), literalExpr(scale)]);
}

/** Largest integer not greater than the value. @example floor("x") */
export function floor(c: ColumnName): Column {
  return fn1("floor", c);
}

/** Smallest integer not less than the value. @example ceil("x") */
export function ceil(c: ColumnName): Column {
  return fn1("ceil", c);
}

/** The largest argument, skipping nulls. @example greatest("a", "b", "c") */
export function greatest(...cols: ColumnName[]): Column {
  if (cols.length < 2) throw new AnalysisError("functions: greatest() needs at least 2 columns");
  return call("greatest", cols.map(colExpr));
}

/** The smallest argument, skipping nulls. @example least("a", "b") */
export function least(...cols: ColumnName[]): Column {
  if (cols.length < 2) throw new AnalysisError("functions: least() needs at least 2 columns");
  return call("least", cols.map(colExpr));
}

/** True where the value is null. @example isnull("a") */
export function isnull(c: ColumnName): Column {
  return fn1("isnull", c);
}

/** True where a double is NaN. @example isnan("x") */
export function isnan(c: ColumnName): Column {
  return fn1("isnan", c);
}

/** Aggregate: number of non-null values (`count("*")` counts rows). @example df.groupBy("user_id").agg(count("*")) */
export function count(c: ColumnName): Column {
  return call("count", [colExpr(c)]);
}

/** Aggregate: number of distinct non-null value combinations. @example countDistinct("user_id") */
export function countDistinct(c: ColumnName, ...cols: ColumnName[]): Column {
  return call("count", [colExpr(c), ...cols.map(colExpr)], true);
}

/**
 * Approximate number of distinct values: Spark's HyperLogLog++ (its hash, precision, registers and
 * bias correction), with relative standard deviation `rsd` (default 0.05).
 * @example approx_count_distinct("user_id")
 */
export function approx_count_distinct(c: ColumnName, rsd?: number): Column {
  return call("approx_count_distinct", rsd === undefined ? [colExpr(c)] : [colExpr(c), literalExpr(rsd)]);
}

/** Aggregate: the group's non-null values as an array, in arrival order. @example collect_list("page") */
export function collect_list(c: ColumnName): Column {
  return fn1("collect_list", c);
}

/** Aggregate: the group's distinct non-null values as an array. @example collect_set("page") */
export function collect_set(c: ColumnName): Column {
  return fn1("collect_set", c);
}

/**
 * Aggregate: an approximate histogram of `c` in `nBins` (at least 2) bins of non-uniform width,
 * as an array of `{x, y}` structs sorted by x: Spark's `histogram_numeric`, bin for bin.
 * @example histogram_numeric("latency_ms", 20)
 */
export function histogram_numeric(c: ColumnName, nBins: number): Column {
  return call("histogram_numeric", [colExpr(c), literalExpr(nBins)]);
}

/** Aggregate: sum. @example sum("amount") */
export function sum(c: ColumnName): Column {
  return fn1("sum", c);
}

/** Aggregate: average. @example avg("amount") */
export function avg(c: ColumnName): Column {
  return fn1("avg", c);
}

/** Same as {@link avg}. @example mean("amount") */
export function mean(c: ColumnName): Column {
  return fn1("avg", c);
}

/** Aggregate: minimum. @example min("ts") */
export function min(c: ColumnName): Column {
  return fn1("min", c);
}

/** Aggregate: maximum. @example max("ts") */
export function max(c: ColumnName): Column {
  return fn1("max", c);
}

/** Aggregate: first value (optionally the first non-null). @example first("event_type", true) */
export function first(c: ColumnName, ignorenulls = false): Column {
  return call("first", ignorenulls ? [colExpr(c), literalExpr(true)] : [colExpr(c)]);
}

/** Aggregate: last value (optionally the last non-null). @example last("event_type") */
export function last(c: ColumnName, ignorenulls = false): Column {
  return call("last", ignorenulls ? [colExpr(c), literalExpr(true)] : [colExpr(c)]);
}

/** Ascending sort key. @example df.orderBy(asc("ts")) */
export function asc(c: ColumnName): Column {
  return (typeof c === "string" ? col(c) : c).asc();
}

/** Descending sort key. @example df.orderBy(desc("count")) */
export function desc(c: ColumnName): Column {
  return (typeof c === "string" ? col(c) : c).desc();
}

/**
 * Spark's broadcast hint: marks `df` as small enough to copy to every task. Accepted and returned
 * as it is: sluice runs in one process and always builds a join's hash table from its right input,
 * so put the small side on the right.
 */
export function broadcast<T>(df: T): T {
  return df;
}
