/**
 * The text of an interval slot, for casts to string, show(), query results and the JSON and CSV
 * writers: Spark's ANSI form (`INTERVAL '1-2' YEAR TO MONTH`, what CAST and the data sources
 * write) or Hive's (`1-2`, `1 02:03:04.000000000`, how HiveResult prints query results). Calendar
 * intervals read `1 years 2 days 3.5 seconds` in both.
 */
import type { Vector } from "./vector.js";
import { ExecutionError } from "../errors.js";
import { calendarAt } from "./calendar-interval.js";
import { formatCalendar, formatDayTime, formatYearMonth } from "../types/interval-strings.js";

/** True when `v` holds intervals (year-month, day-time or calendar). */
export function isIntervalVector(v: Vector): boolean {
  const t = v.type.typeName;
  return t === "yearmonthinterval" || t === "daytimeinterval" || t === "interval";
}

/** The text of the valid interval slot `i`; `hive` selects HiveResult's style for ANSI intervals. */
export function intervalSlotText(v: Vector, i: number, hive: boolean): string {
  const t = v.type;
  if (t.typeName === "yearmonthinterval" && v.kind === "i32") return formatYearMonth(v.values[i], hive ? "hive" : "ansi", t.startField, t.endField);
  if (t.typeName === "daytimeinterval" && v.kind === "i64") return formatDayTime(v.values[i], hive ? "hive" : "ansi", t.startField, t.endField);
  if (t.typeName === "interval" && v.kind === "bytes") {
    const c = calendarAt(v, i);
    return formatCalendar(c.months, c.days, c.microseconds);
  }
  throw new ExecutionError(`interval: a ${t.typeName} vector of kind ${v.kind} is not an interval`);
}
