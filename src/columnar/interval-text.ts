/**
 * The text of an interval slot, for casts to string, show(), query results and the JSON and CSV
 * writers: Spark's ANSI form (`INTERVAL '1-2' YEAR TO MONTH`, what CAST and the data sources
 * write) or Hive's (`1-2`, `1 02:03:04.000000000`, how HiveResult prints query results). Calendar
 * intervals read `1 years 2 days 3.5 seconds` in both.
 */
import type { BytesVector, Vector } from "./vector.js";
import { compactMask, isValid } from "./vector.js";
import type { DataType } from "../types/data-types.js";
import { nullVector } from "./build.js";
import { decodeUtf8 } from "./utf8.js";
import { ExecutionError } from "../errors.js";
import { CalendarBuilder, calendarAt } from "./calendar-interval.js";
import { castStringToDayTime, castStringToYearMonth, formatCalendar, formatDayTime, formatYearMonth, parseCalendarInterval } from "../types/interval-strings.js";

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

/**
 * Reads the interval texts of a string vector as intervals of type `to` (casts, CSV and JSON
 * readers): calendar intervals from `1 day 2 hours` (null when not an interval), ANSI intervals
 * from their Hive or ANSI text of exactly the type's fields.
 * @throws ExecutionError with Spark's reason for an ANSI interval text that does not match.
 */
export function intervalsFromText(v: BytesVector, to: DataType): Vector {
  const n = v.length;
  const { data, offsets } = v;
  if (to.typeName === "interval") {
    const b = new CalendarBuilder(n);
    for (let i = 0; i < n; i++) {
      const r = isValid(v, i) ? parseCalendarInterval(decodeUtf8(data, offsets[i], offsets[i + 1])) : null;
      if (r === null || !r.ok) b.appendNull();
      else b.append(r.value.months, r.value.days, r.value.micros);
    }
    return b.finish(to);
  }
  const valid = new Uint8Array(n);
  if (to.typeName === "yearmonthinterval") {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) continue;
      const r = castStringToYearMonth(decodeUtf8(data, offsets[i], offsets[i + 1]), to.startField, to.endField);
      if (!r.ok) throw new ExecutionError(`interval: ${r.problem}`);
      out[i] = r.value;
      valid[i] = 1;
    }
    return { kind: "i32", type: to, length: n, valid: compactMask(valid, n), values: out };
  }
  if (to.typeName === "daytimeinterval") {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) continue;
      const r = castStringToDayTime(decodeUtf8(data, offsets[i], offsets[i + 1]), to.startField, to.endField);
      if (!r.ok) throw new ExecutionError(`interval: ${r.problem}`);
      out[i] = r.value;
      valid[i] = 1;
    }
    return { kind: "i64", type: to, length: n, valid: compactMask(valid, n), values: out };
  }
  return nullVector(to, n);
}
