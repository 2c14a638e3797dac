/**
 * Date and time arithmetic for the evaluator: civil dates from day numbers, Spark's string to
 * timestamp/date parsing (`CAST`), calendar fields (EXTRACT's), month arithmetic and date_trunc.
 * Datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`) are compiled in `datetime-pattern.ts`; the
 * `compilePattern` / `formatWithPattern` pair here serves the JSON and CSV writers.
 *
 * Timestamps are microseconds since the epoch in UTC; dates are days since the epoch. Wall-clock
 * readings and renderings take the session time zone's rules (`columnar/time-zone.ts`).
 */
import { InternalError } from "../../errors.js";
import type { ZoneRules } from "../../columnar/time-zone.js";
import { UTC, fromLocalMicros, toLocalMicros, zoneRules } from "../../columnar/time-zone.js";
import type { DateTimeFormatter } from "./datetime-pattern.js";
import { dateTimeFormatter } from "./datetime-pattern.js";

export { MICROS_PER_DAY, MICROS_PER_SECOND, civilFromDays, daysFromCivil, formatDate, formatTimestamp, formatTimestampIsoUtc, microsToDays } from "../../columnar/datetime-text.js";
import { MICROS_PER_DAY, MICROS_PER_SECOND, civilFromDays, daysFromCivil, formatDate, microsToDays } from "../../columnar/datetime-text.js";



function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}


/** Floor division of a µs timestamp to seconds. */
export function microsToSeconds(us: bigint): bigint {
  let s = us / MICROS_PER_SECOND;
  if (us % MICROS_PER_SECOND < 0n) s -= 1n;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Spark's cast parsing.

/** Cursor over a string for the hand-written parsers below. */
interface Cursor {
  s: string;
  i: number;
}

function digitsAt(c: Cursor, min: number, max: number): number {
  let v = 0;
  let n = 0;
  while (n < max && c.i < c.s.length) {
    const code = c.s.charCodeAt(c.i);
    if (code < 48 || code > 57) break;
    v = v * 10 + (code - 48);
    c.i++;
    n++;
  }
  return n < min ? -1 : v;
}

/** Parses a zone suffix (`Z`, `UTC`, `GMT`, `+hh`, `+hh:mm`, `+hhmm`, `UTC+hh:mm`) to seconds; NaN if invalid. */
function parseZone(z: string): number {
  const t = z.trim();
  if (t === "" || t === "Z" || t === "UTC" || t === "GMT" || t === "UT") return 0;
  let rest = t;
  for (const p of ["UTC", "GMT", "UT"]) {
    if (rest.startsWith(p)) {
      rest = rest.slice(p.length);
      break;
    }
  }
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(rest);
  if (m === null) return NaN;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? "0");
  const se = Number(m[4] ?? "0");
  if (h > 18 || mi > 59 || se > 59) return NaN;
  const sec = h * 3600 + mi * 60 + se;
  return m[1] === "-" ? -sec : sec;
}

/**
 * Spark's `stringToTimestamp`: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`,
 * `yyyy-[m]m-[d]d[T| ][h]h:[m]m[:[s]s[.f…]][zone]`, where the zone is an offset or a region id
 * (`Europe/Paris`); without one the time is a wall-clock time in `zone` (the session time zone).
 * Returns µs since the epoch or null.
 */
export function parseTimestamp(input: string, zone: ZoneRules = UTC): bigint | null {
  const trimmed = input.trim();
  // A time alone (`10:11:12`, `T10:11`) is a time of today in the zone, as Spark's parser reads it.
  const justTime = /^T?\d{1,2}:\d{1,2}/.test(trimmed);
  const s = justTime ? `${formatDate(microsToDays(toLocalMicros(BigInt(Date.now()) * 1000n, zone)))}T${trimmed.replace(/^T/, "")}` : trimmed;
  const c: Cursor = { s, i: 0 };
  const date = readDatePart(c);
  if (date === null) return null;
  let h = 0;
  let mi = 0;
  let se = 0;
  let micros = 0;
  let zoneSec = 0;
  let rules: ZoneRules | null = zone;
  if (c.i < s.length) {
    const sep = s[c.i];
    if (sep !== " " && sep !== "T") return null;
    c.i++;
    if (c.i < s.length) {
      h = digitsAt(c, 1, 2);
      if (h < 0) return null;
      if (s[c.i] !== ":") return null;
      c.i++;
      mi = digitsAt(c, 1, 2);
      if (mi < 0) return null;
      if (s[c.i] === ":") {
        c.i++;
        se = digitsAt(c, 1, 2);
        if (se < 0) return null;
        if (s[c.i] === ".") {
          c.i++;
          let n = 0;
          while (c.i < s.length) {
            const code = s.charCodeAt(c.i);
            if (code < 48 || code > 57) break;
            if (n < 6) {
              micros = micros * 10 + (code - 48);
              n++;
            }
            c.i++;
          }
          for (; n < 6; n++) micros *= 10;
        }
      }
      if (c.i < s.length) {
        const text = s.slice(c.i);
        zoneSec = parseZone(text);
        rules = null;
        if (Number.isNaN(zoneSec)) {
          zoneSec = 0;
          rules = zoneRules(text.trim());
          if (rules === null) return null;
        }
      }
    }
  }
  if (h > 23 || mi > 59 || se > 59) return null;
  const days = daysFromCivil(date.year, date.month, date.day);
  const local = days * 86400 + h * 3600 + mi * 60 + se;
  const secs = rules === null ? local - zoneSec : rules.utcOf(local);
  return BigInt(secs) * MICROS_PER_SECOND + BigInt(micros);
}

/** Spark's `stringToDate`: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, then optional `T…` / ` …`. Days or null. */
export function parseDate(input: string): number | null {
  const s = input.trim();
  const c: Cursor = { s, i: 0 };
  const date = readDatePart(c);
  if (date === null) return null;
  if (c.i < s.length && s[c.i] !== " " && s[c.i] !== "T") return null;
  return daysFromCivil(date.year, date.month, date.day);
}

/**
 * The date part both parsers share: `[+-]yyyy[-[m]m[-[d]d]]` (4–6 year digits), advancing `c`.
 * Returns a valid calendar date (month and day default to 1) or null.
 */
function readDatePart(c: Cursor): { year: number; month: number; day: number } | null {
  const s = c.s;
  let sign = 1;
  if (s[c.i] === "-" || s[c.i] === "+") {
    sign = s[c.i] === "-" ? -1 : 1;
    c.i++;
  }
  const y = digitsAt(c, 4, 6);
  if (y < 0) return null;
  let month = 1;
  let day = 1;
  if (c.i < s.length && s[c.i] === "-") {
    c.i++;
    month = digitsAt(c, 1, 2);
    if (month < 0) return null;
    if (c.i < s.length && s[c.i] === "-") {
      c.i++;
      day = digitsAt(c, 1, 2);
      if (day < 0) return null;
    }
  }
  const year = sign * y;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

const scratch = new Int32Array(3);






// ---------------------------------------------------------------------------------------------
// Spark datetime patterns (compiled in `datetime-pattern.ts`).

/**
 * A compiled pattern for formatting, as the JSON/CSV writers hold it: empty (no pattern) or the
 * one formatter of `datetime-pattern.ts`.
 */
export type DateTimePattern = readonly DateTimeFormatter[];

/** Compiles a Spark datetime pattern for formatting; throws Spark's error for a pattern Spark refuses. */
export function compilePattern(pattern: string): DateTimePattern {
  return [dateTimeFormatter(pattern, false)];
}

/** Formats the instant `utc` as a wall-clock time in `zone` with a compiled pattern. */
export function formatWithPattern(utc: bigint, pattern: DateTimePattern, zone: ZoneRules = UTC): string {
  return pattern.length === 0 ? "" : pattern[0].format(utc, zone);
}

/** Units accepted by date_trunc (upper-cased), mapped to the canonical unit; others give null. */
const TRUNC_UNITS: Readonly<Record<string, string>> = {
  YEAR: "year",
  YYYY: "year",
  YY: "year",
  QUARTER: "quarter",
  MONTH: "month",
  MM: "month",
  MON: "month",
  WEEK: "week",
  DAY: "day",
  DD: "day",
  HOUR: "hour",
  MINUTE: "minute",
  SECOND: "second",
  MILLISECOND: "millisecond",
  MICROSECOND: "microsecond",
};

/** Canonical date_trunc unit for user text, or null when Spark would return null. */
export function truncUnit(text: string): string | null {
  return TRUNC_UNITS[text.trim().toUpperCase()] ?? null;
}

/**
 * Truncates the instant `utc` to `unit` (from {@link truncUnit}) as Spark's `truncTimestamp`:
 * below a minute on the instant; from minutes up on the wall-clock time in `zone`, keeping the
 * instant's offset where the truncated time has it (`ZonedDateTime.truncatedTo`).
 */
export function truncTimestamp(utc: bigint, unit: string, zone: ZoneRules = UTC): bigint {
  const floorTo = (x: bigint, step: bigint) => {
    const r = x % step;
    return r < 0n ? x - r - step : x - r;
  };
  switch (unit) {
    case "microsecond":
      return utc;
    case "millisecond":
      return floorTo(utc, 1000n);
    case "second":
      return floorTo(utc, MICROS_PER_SECOND);
  }
  const us = toLocalMicros(utc, zone);
  const offset = us - utc;
  const back = (local: bigint): bigint => {
    const keep = local - offset;
    const s = Number(microsToSeconds(keep));
    return zone.offsetAt(s) === Number(offset / MICROS_PER_SECOND) ? keep : fromLocalMicros(local, zone);
  };
  switch (unit) {
    case "minute":
      return back(floorTo(us, 60n * MICROS_PER_SECOND));
    case "hour":
      return back(floorTo(us, 3600n * MICROS_PER_SECOND));
    case "day":
      return back(floorTo(us, MICROS_PER_DAY));
  }
  const days = microsToDays(us);
  civilFromDays(days, scratch);
  let start: number;
  switch (unit) {
    case "week":
      start = days - ((((days + 3) % 7) + 7) % 7);
      break;
    case "month":
      start = daysFromCivil(scratch[0], scratch[1], 1);
      break;
    case "quarter":
      start = daysFromCivil(scratch[0], scratch[1] - ((scratch[1] - 1) % 3), 1);
      break;
    default:
      start = daysFromCivil(scratch[0], 1, 1);
  }
  return fromLocalMicros(BigInt(start) * MICROS_PER_DAY, zone);
}

/** Year, month or day-of-month of a day number. */
export function datePart(days: number, part: 0 | 1 | 2): number {
  civilFromDays(days, scratch);
  return scratch[part];
}

/**
 * A calendar field of a day number, by Spark's EXTRACT names (canonical, lower-case): year,
 * yearofweek (ISO week-based year), quarter, month, week (ISO week), day, dayofweek (1 = Sunday),
 * dayofweek_iso (1 = Monday), doy.
 */
export function dateField(days: number, field: string): number {
  civilFromDays(days, scratch);
  const isoDow = ((((days + 3) % 7) + 7) % 7) + 1;
  switch (field) {
    case "year":
      return scratch[0];
    case "quarter":
      return Math.floor((scratch[1] - 1) / 3) + 1;
    case "month":
      return scratch[1];
    case "day":
      return scratch[2];
    case "dayofweek":
      return (isoDow % 7) + 1;
    case "dayofweek_iso":
      return isoDow;
    case "doy":
      return days - daysFromCivil(scratch[0], 1, 1) + 1;
    case "week":
    case "yearofweek": {
      // The ISO week holds the Thursday of its week.
      const thursday = days - isoDow + 4;
      civilFromDays(thursday, scratch);
      if (field === "yearofweek") return scratch[0];
      return Math.floor((thursday - daysFromCivil(scratch[0], 1, 1)) / 7) + 1;
    }
    default:
      throw new InternalError(`datetime: unknown date field '${field}'`);
  }
}

/** The day `months` months after day number `days`, clamped to the month's last day (`plusMonths`). */
export function addMonthsToDays(days: number, months: number): number {
  civilFromDays(days, scratch);
  const total = scratch[0] * 12 + (scratch[1] - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(scratch[2], daysInMonth(y, m)));
}

/** Hour, minute or second of the wall-clock time of the instant `utc` in `zone`. */
export function timePart(utc: bigint, part: "hour" | "minute" | "second", zone: ZoneRules = UTC): number {
  const us = toLocalMicros(utc, zone);
  const days = microsToDays(us);
  const secOfDay = Math.floor(Number(us - BigInt(days) * MICROS_PER_DAY) / 1_000_000);
  if (part === "hour") return Math.floor(secOfDay / 3600);
  if (part === "minute") return Math.floor(secOfDay / 60) % 60;
  return secOfDay % 60;
}

