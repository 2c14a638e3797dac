/**
 * Column builders: datetime functions that read or write wall-clock times in the session time zone
 * (Spark's Python names and signatures). A `string` where Spark takes a column is a column name; a
 * number is a literal. (to_timestamp, to_date, date_format, unix_timestamp, from_unixtime,
 * date_trunc, year … minute are in `functions.ts`.)
 */
import type { Column } from "../column.js";
import { literalExpr } from "../column.js";
import type { Expr } from "../../sql/expression.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr, fn1 } from "./builders.js";

/** A column, or a literal string (Spark's `Union[ColumnOrName, str]` where the string is a value). */
function colOrText(c: Column | string): Expr {
  return typeof c === "string" ? literalExpr(c) : c.expr;
}

/** Second (0-59) of a timestamp, in the session time zone. @example second("ts") */
export function second(c: ColumnName): Column {
  return fn1("second", c);
}

/** The session time zone's id (`spark.sql.session.timeZone`). @example df.select(current_timezone()) */
export function current_timezone(): Column {
  return call("current_timezone", []);
}

/**
 * Parses a timestamp as {@link to_timestamp} does (Spark's formats, or a datetime pattern); the
 * result is a TIMESTAMP (with local time zone).
 * @example to_timestamp_ltz("ts", "yyyy-MM-dd HH:mm:ss")
 */
export function to_timestamp_ltz(timestamp: ColumnName, format?: string): Column {
  return call("to_timestamp_ltz", format === undefined ? [colExpr(timestamp)] : [colExpr(timestamp), literalExpr(format)]);
}

/**
 * Seconds since the epoch of a timestamp, a date (its midnight in the session zone) or a string
 * parsed with `format` (default `yyyy-MM-dd HH:mm:ss`); null where the text does not parse.
 * @example to_unix_timestamp("day", "yyyy-MM-dd")
 */
export function to_unix_timestamp(timestamp: ColumnName, format?: string): Column {
  return call("to_unix_timestamp", format === undefined ? [colExpr(timestamp)] : [colExpr(timestamp), literalExpr(format)]);
}

/**
 * Reads the UTC wall-clock time of `timestamp` as a wall-clock time in zone `tz` (a zone name
 * string or a string column): `from_utc_timestamp('2016-08-31', 'Asia/Seoul')` is 09:00 that day.
 * @example from_utc_timestamp("ts", "Asia/Seoul")
 */
export function from_utc_timestamp(timestamp: ColumnName, tz: Column | string): Column {
  return call("from_utc_timestamp", [colExpr(timestamp), colOrText(tz)]);
}

/**
 * Reads the wall-clock time of `timestamp` in zone `tz` as a UTC wall-clock time:
 * `to_utc_timestamp('2016-08-31', 'Asia/Seoul')` is 2016-08-30 15:00.
 * @example to_utc_timestamp("ts", "Asia/Seoul")
 */
export function to_utc_timestamp(timestamp: ColumnName, tz: Column | string): Column {
  return call("to_utc_timestamp", [colExpr(timestamp), colOrText(tz)]);
}

/**
 * A timestamp from its fields in the session time zone (or `timezone`); `secs` may carry a
 * microsecond fraction, and 60 is the next minute. Null for invalid fields.
 * @example make_timestamp("y", "mo", "d", "h", "mi", "s"), make_timestamp("y", "mo", "d", "h", "mi", "s", lit("CET"))
 */
export function make_timestamp(years: ColumnName, months: ColumnName, days: ColumnName, hours: ColumnName, mins: ColumnName, secs: ColumnName, timezone?: ColumnName): Column {
  const args = [years, months, days, hours, mins, secs].map(colExpr);
  if (timezone !== undefined) args.push(colExpr(timezone));
  return call("make_timestamp", args);
}

/** Same as {@link make_timestamp}, typed TIMESTAMP_LTZ. @example make_timestamp_ltz("y", "mo", "d", "h", "mi", "s") */
export function make_timestamp_ltz(years: ColumnName, months: ColumnName, days: ColumnName, hours: ColumnName, mins: ColumnName, secs: ColumnName, timezone?: ColumnName): Column {
  const args = [years, months, days, hours, mins, secs].map(colExpr);
  if (timezone !== undefined) args.push(colExpr(timezone));
  return call("make_timestamp_ltz", args);
}

/**
 * A part of a date or timestamp: YEAR, YEAROFWEEK, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK,
 * DAYOFWEEK_ISO, DOY, HOUR, MINUTE (integers) or SECOND (decimal(8,6) with the fraction), and
 * their aliases (`Y`, `QTR`, `MON`, `W`, `D`, `DOW`, `DOW_ISO`, `H`, `M`, `S`, …).
 * @example extract(lit("YEAR"), "ts")
 */
export function extract(field: Column | string, source: ColumnName): Column {
  return call("extract", [colOrText(field), colExpr(source)]);
}

/** Same as {@link extract}. @example date_part(lit("doy"), "d") */
export function date_part(field: Column | string, source: ColumnName): Column {
  return call("date_part", [colOrText(field), colExpr(source)]);
}

/** Same as {@link extract}. @example datepart(lit("week"), "d") */
export function datepart(field: Column | string, source: ColumnName): Column {
  return call("datepart", [colOrText(field), colExpr(source)]);
}

/**
 * Same as {@link to_timestamp_ltz} typed TIMESTAMP (null where the text does not parse).
 * @example try_to_timestamp("ts", lit("yyyy-MM-dd"))
 */
export function try_to_timestamp(timestamp: ColumnName, format?: Column): Column {
  return call("try_to_timestamp", format === undefined ? [colExpr(timestamp)] : [colExpr(timestamp), format.expr]);
}

/** Parses a string to a TIMESTAMP_NTZ (a wall-clock time, no zone), with an optional pattern. @example to_timestamp_ntz("local_time", "yyyy-MM-dd HH:mm") */
export function to_timestamp_ntz(timestamp: ColumnName, format?: string): Column {
  return call("to_timestamp_ntz", format === undefined ? [colExpr(timestamp)] : [colExpr(timestamp), literalExpr(format)]);
}

/** A TIMESTAMP_NTZ from its fields. @example make_timestamp_ntz("y", "mo", "d", "h", "mi", "s") */
export function make_timestamp_ntz(years: ColumnName, months: ColumnName, days: ColumnName, hours: ColumnName, mins: ColumnName, secs: ColumnName): Column {
  return call("make_timestamp_ntz", [years, months, days, hours, mins, secs].map(colExpr));
}

/**
 * The wall-clock time `sourceTs` (a TIMESTAMP_NTZ) in `sourceTz` (default: the session zone) as a
 * wall-clock time in `targetTz`.
 * @example convert_timezone(lit("America/Los_Angeles"), lit("UTC"), col("local_time"))
 */
export function convert_timezone(sourceTz: ColumnName | undefined, targetTz: ColumnName, sourceTs: ColumnName): Column {
  return call("convert_timezone", sourceTz === undefined ? [colExpr(targetTz), colExpr(sourceTs)] : [colExpr(sourceTz), colExpr(targetTz), colExpr(sourceTs)]);
}

/** The batch's time as a wall-clock time in the session zone (TIMESTAMP_NTZ). @example localtimestamp() */
export function localtimestamp(): Column {
  return call("localtimestamp", []);
}
