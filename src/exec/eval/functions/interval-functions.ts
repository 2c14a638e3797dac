/**
 * Kernels of the interval functions and of the binder's date/timestamp/interval arithmetic
 * (`plan/expressions/interval-arithmetic.ts`), with Spark 3.5's semantics:
 * - ANSI interval arithmetic is always exact: an overflow is an error (`integer overflow`,
 *   `long overflow`), as is dividing an ANSI interval by zero, whatever the ANSI mode;
 * - calendar interval arithmetic is non-ANSI: additions wrap, `*` and `/` go through doubles and
 *   a division by zero is null;
 * - months and days are added to wall-clock dates and times in the session time zone
 *   (`ZonedDateTime.plusMonths(..).plusDays(..)`), microseconds to the instant.
 */
import type { Vector, BytesVector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { CalendarBuilder, calendarAt } from "../../../columnar/calendar-interval.js";
import type { ZoneRules } from "../../../columnar/time-zone.js";
import { fromLocalMicros, toLocalMicros } from "../../../columnar/time-zone.js";
import { ExecutionError } from "../../../errors.js";
import type { DataType, DecimalType } from "../../../types/data-types.js";
import { civilFromDays, daysFromCivil } from "../datetime.js";
import { andMasks, longVector, numberVector, validity } from "../vectors.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import type { BoundCall } from "../../../plan/expressions/bound.js";
import { concat, slice } from "../../../columnar/ops.js";
import { nullVector } from "../../../columnar/build.js";
import { fixed } from "./kernel.js";
import { zoneOf } from "./datetime-functions.js";

const DAY = 86_400_000_000n;
const HOUR = 3_600_000_000n;
const MINUTE = 60_000_000n;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

const KERNELS: Readonly<Record<string, KernelFactory>> = {
  make_interval: fixed(makeInterval),
  make_dt_interval: fixed(makeDtInterval),
  make_ym_interval: fixed(makeYmInterval),
  $date_add_days: fixed(dateAddDays),
  $extract_days: fixed(extractDays),
  $date_add_ym: fixed(dateAddYm),
  $timestamp_add_ym: (call) => {
    const zone = zoneOf(call);
    return (args, n) => timestampAddYm(args, n, zone);
  },
  $time_add: (call) => {
    const zone = zoneOf(call);
    return (args, n, _ctx, c) => timeAdd(args, n, zone, c.dataType);
  },
  $date_add_calendar: (call) => {
    const zone = zoneOf(call);
    return (args, n, _ctx, c) => dateAddCalendar(args, n, zone, c.dataType);
  },
  $subtract_timestamps: (call) => {
    const zone = zoneOf(call);
    return (args, n, _ctx, c) => subtractTimestamps(args, n, zone, c.dataType);
  },
  $subtract_dates: fixed(subtractDates),
  $interval_add: fixed((args, n, _ctx, c) => addIntervals(args, n, c.dataType, 1)),
  $interval_subtract: fixed((args, n, _ctx, c) => addIntervals(args, n, c.dataType, -1)),
  $interval_multiply: fixed((args, n, _ctx, c) => scaleInterval(args, n, c.dataType, false)),
  $interval_divide: fixed((args, n, _ctx, c) => scaleInterval(args, n, c.dataType, true)),
  $interval_negate: fixed(negateInterval),
  $interval_div: fixed(intervalDiv),
  $interval_abs: fixed(([v], n) => {
    const neg = negateInterval([v], n);
    const valid = validity(v);
    if (v.kind === "i32" && neg.kind === "i32") {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = v.values[i] < 0 ? neg.values[i] : v.values[i];
      return numberVector(v.type, out, valid);
    }
    if (v.kind === "i64" && neg.kind === "i64") {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = v.values[i] < 0n ? neg.values[i] : v.values[i];
      return longVector(v.type, out, valid);
    }
    throw new ExecutionError(`abs: expected an ANSI interval, got ${v.type.typeName}`);
  }),
  $interval_to_double: fixed(([v], n) => {
    const out = new Float64Array(n);
    if (v.kind === "i32" || v.kind === "i64") for (let i = 0; i < n; i++) out[i] = Number(v.values[i]);
    return numberVector({ typeName: "double" }, out, validity(v));
  }),
  $extract_interval: (call) => {
    const field = call.fn.options.field ?? "";
    return (args, n, _ctx, c) => extractInterval(args[0], n, field, c.dataType);
  },
};

/** Spark's IntervalUtils getYears … getSeconds of each slot. */
function extractInterval(v: Vector, n: number, field: string, type: DataType): Vector {
  const valid = validity(v);
  if (field === "second") {
    const out = new Array<bigint>(n).fill(0n);
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) continue;
      const micros = v.kind === "i64" ? v.values[i] : v.kind === "bytes" ? calendarAt(v, i).microseconds : 0n;
      out[i] = micros % MINUTE;
    }
    return { kind: "decimal", type: type as DecimalType, length: n, valid, values: out };
  }
  const out = type.typeName === "byte" ? new Int8Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    let months = 0;
    let days = 0;
    let micros = 0n;
    if (v.kind === "i32") months = v.values[i];
    else if (v.kind === "i64") micros = v.values[i];
    else if (v.kind === "bytes") ({ months, days, microseconds: micros } = calendarAt(v, i));
    switch (field) {
      case "year":
        out[i] = Math.trunc(months / 12);
        break;
      case "month":
        out[i] = months % 12;
        break;
      case "day":
        out[i] = exactInt(BigInt(days) + micros / DAY);
        break;
      case "hour":
        out[i] = Number((micros % DAY) / HOUR);
        break;
      default:
        out[i] = Number((micros % HOUR) / MINUTE);
    }
  }
  return numberVector(type, out, valid);
}

/**
 * The kernels by name. A call bound from `try_add` … (option `try`) gives null instead of an
 * error: when the batch fails, its rows are redone one at a time and the failing ones are null.
 */
export const INTERVAL_KERNELS: Readonly<Record<string, KernelFactory>> = Object.fromEntries(
  Object.entries(KERNELS).map(([name, factory]) => [name, (call: BoundCall) => tolerant(factory(call), call.fn.options.try === "true")]),
);

function tolerant(k: Kernel, enabled: boolean): Kernel {
  if (!enabled) return k;
  return (args, n, ctx, call) => {
    try {
      return k(args, n, ctx, call);
    } catch (e) {
      if (!(e instanceof ExecutionError)) throw e;
      const parts: Vector[] = [];
      for (let i = 0; i < n; i++) {
        try {
          parts.push(k(args.map((a) => slice(a, i, i + 1)), 1, ctx, call));
        } catch (rowError) {
          if (!(rowError instanceof ExecutionError)) throw rowError;
          parts.push(nullVector(call.dataType, 1));
        }
      }
      return n === 0 ? nullVector(call.dataType, 0) : concat(parts);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function overflowError(what: "integer" | "long"): never {
  throw new ExecutionError(`interval: ARITHMETIC_OVERFLOW: ${what} overflow`);
}

function exactInt(v: number | bigint): number {
  const x = typeof v === "bigint" ? v : BigInt(v);
  if (x > BigInt(INT_MAX) || x < BigInt(INT_MIN)) overflowError("integer");
  return Number(x);
}

function exactLong(v: bigint): bigint {
  if (v > LONG_MAX || v < LONG_MIN) overflowError("long");
  return v;
}

function ints(v: Vector, what: string): Int32Array | Int16Array | Int8Array {
  if (v.kind === "i32" || v.kind === "i16" || v.kind === "i8") return v.values;
  throw new ExecutionError(`${what}: expected an int vector, got ${v.type.typeName}`);
}

function longs(v: Vector, what: string): BigInt64Array {
  if (v.kind === "i64") return v.values;
  throw new ExecutionError(`${what}: expected a long vector, got ${v.type.typeName}`);
}

function calendars(v: Vector, what: string): BytesVector {
  if (v.kind === "bytes") return v;
  throw new ExecutionError(`${what}: expected a calendar interval vector, got ${v.type.typeName}`);
}

const scratch = new Int32Array(3);

/** `LocalDate.plusMonths`: the day of month clamped to the new month's length. */
function addMonths(days: number, months: number): number {
  civilFromDays(days, scratch);
  const total = scratch[0] * 12 + (scratch[1] - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(scratch[2], monthLength(y, m)));
}

function monthLength(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/** `instant.atZone(zone).plusMonths(months).plusDays(days).plus(micros)` in µs. */
function timestampAddInterval(ts: bigint, months: number, days: number, micros: bigint, zone: ZoneRules): bigint {
  let t = ts;
  if (months !== 0 || days !== 0) {
    const local = toLocalMicros(ts, zone);
    const d = floorDiv(local, DAY);
    const timeOfDay = local - d * DAY;
    let newDays = Number(d);
    if (months !== 0) newDays = addMonths(newDays, months);
    newDays += days;
    t = fromLocalMicros(BigInt(newDays) * DAY + timeOfDay, zone);
  }
  return exactLong(t + micros);
}

// ---------------------------------------------------------------------------------------------
// Dates and timestamps

function dateAddDays([d, k]: readonly Vector[], n: number): Vector {
  const days = ints(d, "date_add");
  const add = ints(k, "date_add");
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = (days[i] + add[i]) | 0;
  return numberVector(d.type, out, andMasks([validity(d), validity(k)], n));
}

function extractDays([v]: readonly Vector[], n: number): Vector {
  const micros = longs(v, "extract days");
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(micros[i] / DAY);
  return numberVector({ typeName: "integer" }, out, validity(v));
}

function dateAddYm([d, m]: readonly Vector[], n: number): Vector {
  const days = ints(d, "date + interval");
  const months = ints(m, "date + interval");
  const valid = andMasks([validity(d), validity(m)], n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = exactInt(addMonths(days[i], months[i]));
  return numberVector(d.type, out, valid);
}

function timestampAddYm([t, m]: readonly Vector[], n: number, zone: ZoneRules): Vector {
  const ts = longs(t, "timestamp + interval");
  const months = ints(m, "timestamp + interval");
  const valid = andMasks([validity(t), validity(m)], n);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = timestampAddInterval(ts[i], months[i], 0, 0n, zone);
  return longVector(t.type, out, valid);
}

function timeAdd([t, iv]: readonly Vector[], n: number, zone: ZoneRules, type: DataType): Vector {
  const ts = longs(t, "timestamp + interval");
  const valid = andMasks([validity(t), validity(iv)], n);
  const out = new BigInt64Array(n);
  if (iv.kind === "i64") {
    for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = exactLong(ts[i] + iv.values[i]);
  } else {
    const c = calendars(iv, "timestamp + interval");
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const x = calendarAt(c, i);
      out[i] = timestampAddInterval(ts[i], x.months, x.days, x.microseconds, zone);
    }
  }
  return longVector(type, out, valid);
}

function dateAddCalendar([d, iv]: readonly Vector[], n: number, zone: ZoneRules, type: DataType): Vector {
  const days = ints(d, "date + interval");
  const c = calendars(iv, "date + interval");
  const valid = andMasks([validity(d), validity(iv)], n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const x = calendarAt(c, i);
    if (x.microseconds === 0n) {
      out[i] = exactInt(addMonths(days[i], x.months) + x.days);
    } else {
      const start = fromLocalMicros(BigInt(days[i]) * DAY, zone);
      const end = timestampAddInterval(start, x.months, x.days, x.microseconds, zone);
      out[i] = exactInt(floorDiv(toLocalMicros(end, zone), DAY));
    }
  }
  return numberVector(type, out, valid);
}

function subtractTimestamps([a, b]: readonly Vector[], n: number, zone: ZoneRules, type: DataType): Vector {
  const end = longs(a, "timestamp - timestamp");
  const start = longs(b, "timestamp - timestamp");
  const valid = andMasks([validity(a), validity(b)], n);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) out[i] = exactLong(toLocalMicros(end[i], zone) - toLocalMicros(start[i], zone));
  }
  return longVector(type, out, valid);
}

function subtractDates([a, b]: readonly Vector[], n: number, _ctx: unknown, call: { dataType: DataType }): Vector {
  const end = ints(a, "date - date");
  const start = ints(b, "date - date");
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(end[i] - start[i]) * DAY;
  return longVector(call.dataType, out, andMasks([validity(a), validity(b)], n));
}

// ---------------------------------------------------------------------------------------------
// Interval arithmetic

function addIntervals([a, b]: readonly Vector[], n: number, type: DataType, sign: 1 | -1): Vector {
  const valid = andMasks([validity(a), validity(b)], n);
  const live = (i: number) => valid === null || valid[i] === 1;
  if (a.kind === "i32" && b.kind === "i32") {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) if (live(i)) out[i] = exactInt(a.values[i] + sign * b.values[i]);
    return numberVector(type, out, valid);
  }
  if (a.kind === "i64" && b.kind === "i64") {
    const out = new BigInt64Array(n);
    const s = BigInt(sign);
    for (let i = 0; i < n; i++) if (live(i)) out[i] = exactLong(a.values[i] + s * b.values[i]);
    return longVector(type, out, valid);
  }
  const x = calendars(a, "interval + interval");
  const y = calendars(b, "interval + interval");
  const out = new CalendarBuilder(n);
  for (let i = 0; i < n; i++) {
    if (!live(i)) {
      out.appendNull();
      continue;
    }
    const p = calendarAt(x, i);
    const q = calendarAt(y, i);
    out.append((p.months + sign * q.months) | 0, (p.days + sign * q.days) | 0, BigInt.asIntN(64, p.microseconds + BigInt(sign) * q.microseconds));
  }
  return out.finish(type);
}

/** `a div b` of two ANSI intervals: the truncated quotient as a long; null when `b` is zero. */
function intervalDiv([a, b]: readonly Vector[], n: number): Vector {
  const out = new BigInt64Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(a, i) || !isValid(b, i)) continue;
    const x = a.kind === "i32" ? BigInt(a.values[i]) : a.kind === "i64" ? a.values[i] : 0n;
    const y = b.kind === "i32" ? BigInt(b.values[i]) : b.kind === "i64" ? b.values[i] : 0n;
    if (y === 0n) continue;
    out[i] = BigInt.asIntN(64, x / y);
    valid[i] = 1;
  }
  return longVector({ typeName: "long" }, out, valid);
}

function negateInterval([v]: readonly Vector[], n: number): Vector {
  const valid = validity(v);
  const live = (i: number) => valid === null || valid[i] === 1;
  if (v.kind === "i32") {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) if (live(i)) out[i] = exactInt(-v.values[i]);
    return numberVector(v.type, out, valid);
  }
  if (v.kind === "i64") {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (live(i)) out[i] = exactLong(-v.values[i]);
    return longVector(v.type, out, valid);
  }
  const c = calendars(v, "-interval");
  const out = new CalendarBuilder(n);
  for (let i = 0; i < n; i++) {
    if (!live(i)) {
      out.appendNull();
      continue;
    }
    const x = calendarAt(c, i);
    out.append(-x.months | 0, -x.days | 0, BigInt.asIntN(64, -x.microseconds));
  }
  return out.finish(v.type);
}

/** Guava's `DoubleMath.roundToLong(x, HALF_UP)`: half away from zero; NaN or out of range is an error. */
function roundHalfUp(x: number, what: "integer" | "long"): bigint {
  if (!Number.isFinite(x)) throw new ExecutionError(`interval: ${x} cannot be rounded to an interval (${what})`);
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return BigInt(r);
}

/** `num / den` rounded HALF_UP (half away from zero), exactly. */
function divideHalfUp(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const absDen = den < 0n ? -den : den;
  if (twice < absDen) return q;
  return (num < 0n) !== (den < 0n) ? q - 1n : q + 1n;
}

/** ANSI interval (months or micros) times or divided by the number in slot `i` of `num`. */
function scaleAnsi(value: bigint, num: Vector, i: number, divide: boolean, what: "integer" | "long"): bigint {
  switch (num.kind) {
    case "i64":
    case "i32":
    case "i16":
    case "i8": {
      const k = BigInt(num.values[i]);
      if (!divide) return value * k;
      if (k === 0n) throw new ExecutionError("interval: INTERVAL_DIVIDED_BY_ZERO: Division by zero");
      return divideHalfUp(value, k);
    }
    case "decimal": {
      const u = num.values[i];
      const p = 10n ** BigInt(num.type.scale);
      if (!divide) return divideHalfUp(value * u, p);
      if (u === 0n) throw new ExecutionError("interval: INTERVAL_DIVIDED_BY_ZERO: Division by zero");
      return divideHalfUp(value * p, u);
    }
    case "f64":
    case "f32": {
      const d = num.values[i];
      if (divide && d === 0) throw new ExecutionError("interval: INTERVAL_DIVIDED_BY_ZERO: Division by zero");
      return roundHalfUp(divide ? Number(value) / d : Number(value) * d, what);
    }
    default:
      throw new ExecutionError(`interval: cannot scale an interval by ${num.type.typeName}`);
  }
}

/** Java's saturating `double.toInt` / `double.toLong`. */
function toIntSat(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.max(INT_MIN, Math.min(INT_MAX, Math.trunc(x)));
}

function toLongSat(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x >= 9.223372036854776e18) return LONG_MAX;
  if (x <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(x));
}

function scaleInterval([iv, num]: readonly Vector[], n: number, type: DataType, divide: boolean): Vector {
  const valid = andMasks([validity(iv), validity(num)], n);
  const live = (i: number) => valid === null || valid[i] === 1;
  if (iv.kind === "i32") {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) if (live(i)) out[i] = exactInt(scaleAnsi(BigInt(iv.values[i]), num, i, divide, "integer"));
    return numberVector(type, out, valid);
  }
  if (iv.kind === "i64") {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (live(i)) out[i] = exactLong(scaleAnsi(iv.values[i], num, i, divide, "long"));
    return longVector(type, out, valid);
  }
  // Calendar intervals (non-ANSI `IntervalUtils.multiply` / `divide`): the factor is a double.
  const c = calendars(iv, "interval * number");
  if (num.kind !== "f64") throw new ExecutionError(`interval: expected a double factor, got ${num.type.typeName}`);
  const out = new CalendarBuilder(n);
  for (let i = 0; i < n; i++) {
    const f = num.values[i];
    if (!live(i) || (divide && f === 0)) {
      out.appendNull();
      continue;
    }
    const x = calendarAt(c, i);
    const months = divide ? x.months / f : x.months * f;
    const days = divide ? x.days / f : x.days * f;
    const micros = divide ? Number(x.microseconds) / f : Number(x.microseconds) * f;
    const wholeDays = toIntSat(days);
    const rest = micros + Number(DAY) * (days - wholeDays);
    out.append(toIntSat(months), wholeDays, toLongSat(Math.floor(rest + 0.5)));
  }
  return out.finish(type);
}

// ---------------------------------------------------------------------------------------------
// make_interval, make_dt_interval, make_ym_interval

/** Argument `k` at slot `i` as a bigint (0 when the argument was not given), or null when null. */
function argAt(args: readonly Vector[], k: number, i: number): bigint | null {
  const v = args[k];
  if (v === undefined) return 0n;
  if (!isValid(v, i)) return null;
  switch (v.kind) {
    case "i32":
    case "i16":
    case "i8":
      return BigInt(v.values[i]);
    case "decimal":
      return v.values[i];
    default:
      return null;
  }
}

function makeInterval(args: readonly Vector[], n: number, _ctx: unknown, call: { dataType: DataType }): Vector {
  const out = new CalendarBuilder(n);
  for (let i = 0; i < n; i++) {
    const a = [0, 1, 2, 3, 4, 5, 6].map((k) => argAt(args, k, i));
    if (a.some((x) => x === null)) {
      out.appendNull();
      continue;
    }
    const [years, months, weeks, days, hours, mins, secs] = a as bigint[];
    const totalMonths = years * 12n + months;
    const totalDays = weeks * 7n + days;
    const micros = secs + hours * HOUR + mins * MINUTE;
    const intOk = (x: bigint) => x <= BigInt(INT_MAX) && x >= BigInt(INT_MIN);
    if (!intOk(years * 12n) || !intOk(totalMonths) || !intOk(weeks * 7n) || !intOk(totalDays) || micros > LONG_MAX || micros < LONG_MIN) {
      out.appendNull();
      continue;
    }
    out.append(Number(totalMonths), Number(totalDays), micros);
  }
  return out.finish(call.dataType);
}

function makeDtInterval(args: readonly Vector[], n: number, _ctx: unknown, call: { dataType: DataType }): Vector {
  const out = new BigInt64Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = [0, 1, 2, 3].map((k) => argAt(args, k, i));
    if (a.some((x) => x === null)) continue;
    const [days, hours, mins, secs] = a as bigint[];
    out[i] = exactLong(secs + days * DAY + hours * HOUR + mins * MINUTE);
    valid[i] = 1;
  }
  return longVector(call.dataType, out, valid);
}

function makeYmInterval(args: readonly Vector[], n: number, _ctx: unknown, call: { dataType: DataType }): Vector {
  const out = new Int32Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const years = argAt(args, 0, i);
    const months = argAt(args, 1, i);
    if (years === null || months === null) continue;
    out[i] = exactInt(BigInt(exactInt(years * 12n)) + months);
    valid[i] = 1;
  }
  return numberVector(call.dataType, out, valid);
}

