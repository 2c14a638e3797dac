/**
 * Column builders: date functions that need no time zone (Spark's Python names and signatures).
 * A `string` where Spark takes a column is a column name; a number is a literal.
 */
import type { Column } from "../column.js";
import { literalExpr } from "../column.js";
import type { Expr } from "../../sql/expression.js";
import type { ColumnName } from "./builders.js";
import { call, colExpr, fn1 } from "./builders.js";

/** A column or an integer literal (Spark's `Union[ColumnOrName, int]`). */
function colOrInt(c: ColumnName | number): Expr {
  return typeof c === "number" ? literalExpr(c) : colExpr(c);
}

/** The date `days` days after `start` (a string or timestamp start is cast to a date). @example date_add("d", 1) */
export function date_add(start: ColumnName, days: ColumnName | number): Column {
  return call("date_add", [colExpr(start), colOrInt(days)]);
}

/** Same as {@link date_add}. @example dateadd(col("d"), -7) */
export function dateadd(start: ColumnName, days: ColumnName | number): Column {
  return call("dateadd", [colExpr(start), colOrInt(days)]);
}

/** The date `days` days before `start`. @example date_sub("d", 1) */
export function date_sub(start: ColumnName, days: ColumnName | number): Column {
  return call("date_sub", [colExpr(start), colOrInt(days)]);
}

/** Days from `start` to `end` (`end - start`). @example datediff("end_date", "start_date") */
export function datediff(end: ColumnName, start: ColumnName): Column {
  return call("datediff", [colExpr(end), colExpr(start)]);
}

/** Same as {@link datediff}. @example date_diff("end_date", "start_date") */
export function date_diff(end: ColumnName, start: ColumnName): Column {
  return call("date_diff", [colExpr(end), colExpr(start)]);
}

/** The date `months` months after `start`, the day clamped to the month's end. @example add_months("d", 1) */
export function add_months(start: ColumnName, months: ColumnName | number): Column {
  return call("add_months", [colExpr(start), colOrInt(months)]);
}

/**
 * Months from `date2` to `date1`: whole when both are the same day of month or both a month's last
 * day, else over 31-day months, rounded to 8 digits unless `roundOff` is false.
 * @example months_between("t1", "t2"), months_between("t1", "t2", false)
 */
export function months_between(date1: ColumnName, date2: ColumnName, roundOff = true): Column {
  return call("months_between", [colExpr(date1), colExpr(date2), literalExpr(roundOff)]);
}

/** The last day of the date's month. @example last_day("d") */
export function last_day(date: ColumnName): Column {
  return fn1("last_day", date);
}

/** The first date after `date` falling on `dayOfWeek` ("Mon", "TU", "sunday" …); null for another name. @example next_day("d", "Mon") */
export function next_day(date: ColumnName, dayOfWeek: string): Column {
  return call("next_day", [colExpr(date), literalExpr(dayOfWeek)]);
}

/** The date of year, month and day; null when they name no date. @example make_date("y", "m", "d") */
export function make_date(year: ColumnName, month: ColumnName, day: ColumnName): Column {
  return call("make_date", [colExpr(year), colExpr(month), colExpr(day)]);
}

/** Day of the week, 1 = Sunday … 7 = Saturday. @example dayofweek("d") */
export function dayofweek(date: ColumnName): Column {
  return fn1("dayofweek", date);
}

/** Day of the year, 1 … 366. @example dayofyear("d") */
export function dayofyear(date: ColumnName): Column {
  return fn1("dayofyear", date);
}

/** Day of the week, 0 = Monday … 6 = Sunday. @example weekday("d") */
export function weekday(date: ColumnName): Column {
  return fn1("weekday", date);
}

/** ISO-8601 week of the year (weeks start on Monday; week 1 has more than 3 days). @example weekofyear("d") */
export function weekofyear(date: ColumnName): Column {
  return fn1("weekofyear", date);
}

/** Quarter of the year, 1 … 4. @example quarter("d") */
export function quarter(date: ColumnName): Column {
  return fn1("quarter", date);
}

/** The date `days` days after 1970-01-01. @example date_from_unix_date("n") */
export function date_from_unix_date(days: ColumnName): Column {
  return fn1("date_from_unix_date", days);
}

/** Days since 1970-01-01 of a date. @example unix_date("d") */
export function unix_date(date: ColumnName): Column {
  return fn1("unix_date", date);
}

/** The timestamp `millis` milliseconds after the epoch. @example timestamp_millis("ms") */
export function timestamp_millis(millis: ColumnName): Column {
  return fn1("timestamp_millis", millis);
}

/** The timestamp `micros` microseconds after the epoch. @example timestamp_micros("us") */
export function timestamp_micros(micros: ColumnName): Column {
  return fn1("timestamp_micros", micros);
}

/** Whole seconds since the epoch (floored). @example unix_seconds("ts") */
export function unix_seconds(ts: ColumnName): Column {
  return fn1("unix_seconds", ts);
}

/** Whole milliseconds since the epoch (floored). @example unix_millis("ts") */
export function unix_millis(ts: ColumnName): Column {
  return fn1("unix_millis", ts);
}

/** Microseconds since the epoch. @example unix_micros("ts") */
export function unix_micros(ts: ColumnName): Column {
  return fn1("unix_micros", ts);
}

/**
 * The date truncated to the first day of its "year"/"yyyy"/"yy", "quarter", "month"/"mon"/"mm" or
 * "week" (Monday); null for another unit.
 * @example trunc("d", "MM")
 */
export function trunc(date: ColumnName, format: string): Column {
  return call("trunc", [colExpr(date), literalExpr(format)]);
}
