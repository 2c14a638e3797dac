/**
 * Kernels of the date functions that need no time zone (date arithmetic, calendar fields, epoch
 * conversions, trunc), after Spark 3.5's `DateTimeUtils`: dates are days since 1970-01-01 in the
 * proleptic Gregorian calendar, INT arithmetic wraps as Java's does, and invalid input gives null
 * (non-ANSI) except where Spark raises even then (a result outside the INT or LONG range).
 */
import type { Vector } from "../../../columnar/vector.js";
import { compactMask, isValid } from "../../../columnar/vector.js";
import { nullVector } from "../../../columnar/build.js";
import type { ZoneRules } from "../../../columnar/time-zone.js";
import { fromLocalMicros, requireZone, toLocalMicros } from "../../../columnar/time-zone.js";
import { decodeUtf8 } from "../../../columnar/utf8.js";
import { ExecutionError } from "../../../errors.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import type { DataType } from "../../../types/data-types.js";
import { DateType, DoubleType, IntegerType, LongType, TimestampType } from "../../../types/data-types.js";
import { andMasks, longVector, numberVector, retype, validity, writableMask } from "../vectors.js";
import { MICROS_PER_DAY, MICROS_PER_SECOND, civilFromDays, daysFromCivil, microsToDays } from "../datetime.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import { fixed, literalArg } from "./kernel.js";

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const DATE_KERNELS: Readonly<Record<string, KernelFactory>> = {
  date_add: fixed(dayArithmeticKernel(1)),
  date_sub: fixed(dayArithmeticKernel(-1)),
  datediff: fixed(dateDiffKernel),
  add_months: fixed(addMonthsKernel),
  months_between: monthsBetweenKernel,
  last_day: fixed(dateToDate((d) => lastDayOfMonth(d))),
  next_day: nextDayKernel,
  make_date: fixed(makeDateKernel),
  dayofweek: fixed(dateField((d) => weekDay(d) === 6 ? 1 : weekDay(d) + 2)),
  dayofyear: fixed(dateField(dayOfYear)),
  weekday: fixed(dateField(weekDay)),
  weekofyear: fixed(dateField(isoWeekOfYear)),
  quarter: fixed(dateField((d) => Math.floor((monthOf(d) - 1) / 3) + 1)),
  date_from_unix_date: fixed(sameDays(DateType())),
  unix_date: fixed(sameDays(IntegerType())),
  timestamp_seconds: fixed(timestampSecondsKernel),
  timestamp_millis: fixed(toTimestampKernel(1000n)),
  timestamp_micros: fixed(toTimestampKernel(1n)),
  unix_seconds: fixed(fromTimestampKernel(MICROS_PER_SECOND)),
  unix_millis: fixed(fromTimestampKernel(1000n)),
  unix_micros: fixed(fromTimestampKernel(1n)),
  trunc: truncKernel,
};

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on day numbers.

const scratch = new Int32Array(3);
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function monthLength(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Day of the week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
function weekDay(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

function monthOf(days: number): number {
  civilFromDays(days, scratch);
  return scratch[1];
}

function dayOfYear(days: number): number {
  civilFromDays(days, scratch);
  return days - daysFromCivil(scratch[0], 1, 1) + 1;
}

/** ISO-8601 week of the week-based year (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeekOfYear(days: number): number {
  const thursday = days - weekDay(days) + 3;
  return Math.floor((dayOfYear(thursday) - 1) / 7) + 1;
}

function lastDayOfMonth(days: number): number {
  civilFromDays(days, scratch);
  return days - scratch[2] + monthLength(scratch[0], scratch[1]);
}

/** `LocalDate.plusMonths`: the day of month is clamped to the new month's length. */
function addMonths(days: number, months: number): number {
  civilFromDays(days, scratch);
  const total = scratch[0] * 12 + (scratch[1] - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(scratch[2], monthLength(y, m)));
}

/** Day numbers must fit an INT, as Spark's `localDateToDays` (`Math.toIntExact`) requires. */
function checkedDays(days: number, fn: string): number {
  if (days < INT_MIN || days > INT_MAX) throw new ExecutionError(`${fn}: integer overflow: the date is out of range (${days} days since 1970-01-01)`);
  return days;
}

// Day-of-week numbering of `getDayOfWeekFromString`: Thursday = 0, as 1970-01-01 was a Thursday.
const DAY_NAMES: Readonly<Record<string, number>> = {
  SU: 3, SUN: 3, SUNDAY: 3,
  MO: 4, MON: 4, MONDAY: 4,
  TU: 5, TUE: 5, TUESDAY: 5,
  WE: 6, WED: 6, WEDNESDAY: 6,
  TH: 0, THU: 0, THURSDAY: 0,
  FR: 1, FRI: 1, FRIDAY: 1,
  SA: 2, SAT: 2, SATURDAY: 2,
};

/** The first day after `start` that falls on `dayOfWeek` (Thursday = 0). */
function nextDateForDayOfWeek(start: number, dayOfWeek: number): number {
  return start + 1 + ((((dayOfWeek - 1 - start) % 7) + 7) % 7);
}

/** Spark's `parseTruncLevel` for dates: no trimming; units finer than a week are invalid for a date. */
const TRUNC_LEVELS: Readonly<Record<string, "week" | "month" | "quarter" | "year">> = {
  WEEK: "week",
  MON: "month", MONTH: "month", MM: "month",
  QUARTER: "quarter",
  YEAR: "year", YYYY: "year", YY: "year",
};

function truncDate(days: number, level: "week" | "month" | "quarter" | "year"): number {
  if (level === "week") return days - weekDay(days);
  civilFromDays(days, scratch);
  if (level === "month") return days - scratch[2] + 1;
  if (level === "quarter") return daysFromCivil(scratch[0], scratch[1] - ((scratch[1] - 1) % 3), 1);
  return daysFromCivil(scratch[0], 1, 1);
}

// ---------------------------------------------------------------------------------------------
// Vector access.

/** The int-like values (date, int, short, byte) of `v`; a NULL vector reads as zeros (all invalid). */
function ints(v: Vector, fn: string): Int32Array | Int16Array | Int8Array {
  if (v.kind === "i32" || v.kind === "i16" || v.kind === "i8") return v.values;
  if (v.kind === "null") return new Int32Array(v.length);
  throw new ExecutionError(`${fn}: expected a date or integer vector, got ${v.type.typeName}`);
}

function longs(v: Vector, fn: string): BigInt64Array {
  if (v.kind === "i64") return v.values;
  if (v.kind === "null") return new BigInt64Array(v.length);
  throw new ExecutionError(`${fn}: expected a timestamp or long vector, got ${v.type.typeName}`);
}

/** A string argument's text at `i` (only called on valid slots). */
function textAt(v: Vector, i: number): string {
  return v.kind === "bytes" ? decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]) : "";
}

// ---------------------------------------------------------------------------------------------
// Kernels.

/** date_from_unix_date / unix_date: a date is its day number, so only the type changes. */
function sameDays(type: DataType): Kernel {
  return ([v], n) => (v.kind === "i32" ? retype(v, type) : nullVector(type, n));
}

/** date_add (sign 1) / date_sub (sign -1): Java INT arithmetic, wrapping on overflow. */
function dayArithmeticKernel(sign: 1 | -1): Kernel {
  return ([startV, daysV], n) => {
    const start = ints(startV, "date_add");
    const days = ints(daysV, "date_add");
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = start[i] + sign * days[i];
    return numberVector(DateType(), out, andMasks([validity(startV), validity(daysV)], n));
  };
}

function dateDiffKernel([endV, startV]: readonly Vector[], n: number): Vector {
  const end = ints(endV, "datediff");
  const start = ints(startV, "datediff");
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = end[i] - start[i];
  return numberVector(IntegerType(), out, andMasks([validity(endV), validity(startV)], n));
}

function addMonthsKernel([startV, monthsV]: readonly Vector[], n: number): Vector {
  const start = ints(startV, "add_months");
  const months = ints(monthsV, "add_months");
  const valid = andMasks([validity(startV), validity(monthsV)], n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) out[i] = checkedDays(addMonths(start[i], months[i]), "add_months");
  }
  return numberVector(DateType(), out, valid);
}

/** A date → int field extractor. */
function dateField(f: (days: number) => number): Kernel {
  return ([v], n) => {
    const days = ints(v, "date field");
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = f(days[i]);
    return numberVector(IntegerType(), out, validity(v));
  };
}

/** A date → date function. */
function dateToDate(f: (days: number) => number): Kernel {
  return ([v], n) => {
    const days = ints(v, "date function");
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = f(days[i]);
    return numberVector(DateType(), out, validity(v));
  };
}

/** next_day(start, dayOfWeek): null for an unknown day name (non-ANSI). */
function nextDayKernel(call: BoundCall): Kernel {
  const constant = literalArg(call, 1);
  const fixedDay = typeof constant === "string" ? (DAY_NAMES[constant.toUpperCase()] ?? -1) : undefined;
  return ([startV, dayV], n) => {
    const start = ints(startV, "next_day");
    const m = writableMask(andMasks([validity(startV), validity(dayV)], n), n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      const dow = fixedDay ?? DAY_NAMES[textAt(dayV, i).toUpperCase()] ?? -1;
      if (dow < 0) m[i] = 0;
      else out[i] = nextDateForDayOfWeek(start[i], dow);
    }
    return numberVector(DateType(), out, compactMask(m, n));
  };
}

/** make_date(year, month, day): null for a field out of range (`LocalDate.of` fails; non-ANSI). */
function makeDateKernel([yV, mV, dV]: readonly Vector[], n: number): Vector {
  const y = ints(yV, "make_date");
  const mo = ints(mV, "make_date");
  const d = ints(dV, "make_date");
  const m = writableMask(andMasks([validity(yV), validity(mV), validity(dV)], n), n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (m[i] === 0) continue;
    const year = y[i];
    const month = mo[i];
    const day = d[i];
    // LocalDate's year range is ±999,999,999.
    if (year < -999_999_999 || year > 999_999_999 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)) m[i] = 0;
    else out[i] = checkedDays(daysFromCivil(year, month, day), "make_date");
  }
  return numberVector(DateType(), out, compactMask(m, n));
}

/** timestamp_millis / timestamp_micros: Java's `multiplyExact`, failing on LONG overflow even in non-ANSI mode. */
function toTimestampKernel(scale: bigint): Kernel {
  return ([v], n) => {
    const out = new BigInt64Array(n);
    const valid = validity(v);
    if (v.kind === "i64") {
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const r = v.values[i] * scale;
        if (r < LONG_MIN || r > LONG_MAX) throw new ExecutionError(`timestamp: long overflow converting ${v.values[i]} to microseconds`);
        out[i] = r;
      }
    } else {
      const xs = ints(v, "timestamp_millis");
      for (let i = 0; i < n; i++) out[i] = BigInt(xs[i]) * scale;
    }
    return longVector(TimestampType(), out, valid);
  };
}

/**
 * timestamp_seconds(x), Spark's SecondsToTimestamp: integral seconds multiply exactly (a long
 * overflow is an error), decimals must be whole microseconds ("Rounding necessary" otherwise, as
 * `longValueExact`), and doubles/floats truncate, NaN and infinities giving null.
 */
function timestampSecondsKernel(...[[v], n]: Parameters<Kernel>): Vector {
  if (v.kind === "i64" || v.kind === "i32" || v.kind === "i16" || v.kind === "i8") return toTimestampKernel(1_000_000n)([v], n, null as never, null as never);
  const out = new BigInt64Array(n);
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    if (v.kind === "decimal") {
      const scale = v.type.scale;
      const us = scale <= 6 ? v.values[i] * 10n ** BigInt(6 - scale) : v.values[i] / 10n ** BigInt(scale - 6);
      if (scale > 6 && us * 10n ** BigInt(scale - 6) !== v.values[i]) throw new ExecutionError("timestamp_seconds: Rounding necessary");
      if (us < LONG_MIN || us > LONG_MAX) throw new ExecutionError("timestamp_seconds: Overflow");
      out[i] = us;
      m[i] = 1;
    } else if (v.kind === "f64" || v.kind === "f32") {
      const x = v.values[i] * 1e6;
      if (!Number.isFinite(x)) continue;
      out[i] = x >= 9.223372036854776e18 ? LONG_MAX : x <= -9.223372036854776e18 ? LONG_MIN : BigInt(Math.trunc(x));
      m[i] = 1;
    }
  }
  return longVector(TimestampType(), out, compactMask(m, n));
}

/** unix_seconds / unix_millis / unix_micros: floor division of the µs timestamp. */
function fromTimestampKernel(scale: bigint): Kernel {
  return ([v], n) => {
    const us = longs(v, "unix_seconds");
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const x = us[i];
      const q = x / scale;
      out[i] = x % scale < 0n ? q - 1n : q;
    }
    return longVector(LongType(), out, validity(v));
  };
}

/** trunc(date, unit): null for a unit Spark does not truncate dates to. */
function truncKernel(call: BoundCall): Kernel {
  const constant = literalArg(call, 1);
  const fixedLevel = typeof constant === "string" ? (TRUNC_LEVELS[constant.toUpperCase()] ?? null) : undefined;
  return ([dateV, unitV], n) => {
    const days = ints(dateV, "trunc");
    const m = writableMask(andMasks([validity(dateV), validity(unitV)], n), n);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      const level = fixedLevel !== undefined ? fixedLevel : (TRUNC_LEVELS[textAt(unitV, i).toUpperCase()] ?? null);
      if (level === null) m[i] = 0;
      else out[i] = truncDate(days[i], level);
    }
    return numberVector(DateType(), out, compactMask(m, n));
  };
}

/**
 * months_between(ts1, ts2[, roundOff]): whole months when both fall on the same day of month or
 * both on a month's last day, else the month difference plus the remaining seconds over 31-day
 * months, rounded to 8 digits unless roundOff is false. Spark reads both in the session zone
 * (`call.fn.options.timeZone`, bound at analysis).
 */
function monthsBetweenKernel(call: BoundCall): Kernel {
  const zone = requireZone(call.fn.options.timeZone ?? "UTC");
  return (args, n) => {
    const [aV, bV] = args;
    const roundV = args.length > 2 ? args[2] : null;
    const a = longs(aV, "months_between");
    const b = longs(bV, "months_between");
    const round = roundV === null ? null : roundV.kind === "bool" ? roundV.values : new Uint8Array(n);
    const valid = andMasks(roundV === null ? [validity(aV), validity(bV)] : [validity(aV), validity(bV), validity(roundV)], n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      out[i] = monthsBetween(a[i], b[i], round === null || round[i] === 1, zone);
    }
    return numberVector(DoubleType(), out, valid);
  };
}

const SECONDS_PER_DAY = 86_400;
const split1 = new Int32Array(3);
const split2 = new Int32Array(3);

/** Spark's `DateTimeUtils.monthsBetween`: days are the zone's local dates, seconds are elapsed since the local day's start. */
function monthsBetween(us1: bigint, us2: bigint, roundOff: boolean, zone: ZoneRules): number {
  const d1 = microsToDays(toLocalMicros(us1, zone));
  const d2 = microsToDays(toLocalMicros(us2, zone));
  civilFromDays(d1, split1);
  civilFromDays(d2, split2);
  const monthDiff = split1[0] * 12 + split1[1] - (split2[0] * 12 + split2[1]);
  const lastDay1 = split1[2] === monthLength(split1[0], split1[1]);
  const lastDay2 = split2[2] === monthLength(split2[0], split2[1]);
  if (split1[2] === split2[2] || (lastDay1 && lastDay2)) return monthDiff;
  // Seconds, not milliseconds, as Hive: more precision would show past 8 digits. Java's
  // `toSeconds` truncates toward zero.
  const sec1 = Number((us1 - fromLocalMicros(BigInt(d1) * MICROS_PER_DAY, zone)) / MICROS_PER_SECOND);
  const sec2 = Number((us2 - fromLocalMicros(BigInt(d2) * MICROS_PER_DAY, zone)) / MICROS_PER_SECOND);
  const secondsDiff = (split1[2] - split2[2]) * SECONDS_PER_DAY + sec1 - sec2;
  const diff = monthDiff + secondsDiff / (31 * SECONDS_PER_DAY);
  return roundOff ? javaRound(diff * 1e8) / 1e8 : diff;
}

/** Java's `Math.round(double)`: half up (toward positive infinity). */
function javaRound(x: number): number {
  return Math.floor(x + 0.5);
}
