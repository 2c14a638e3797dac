/**
 * Casts to, from and between Spark's interval types, and their text. Spark 3.5's rules (`Cast`
 * with `IntervalUtils`), which hold with ANSI mode off too:
 * - string → calendar interval: null when the text is not an interval;
 * - string → year-month / day-time: the Hive or ANSI text of exactly the target's fields, else an
 *   error (Spark raises one whatever `spark.sql.ansi.enabled` says);
 * - between year-month (or day-time) types: truncated to the target's end field;
 * - integral / decimal → ANSI interval: a count of the target's end unit (decimals rounded
 *   HALF_UP), an error on overflow; ANSI interval → integral / decimal: whole end units (seconds
 *   with their fraction for a decimal), an error when the target type is too narrow.
 */
import type { DataType, DecimalType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { BytesBuilder } from "../../columnar/build.js";
import { intervalSlotText, intervalsFromText } from "../../columnar/interval-text.js";
import { ExecutionError } from "../../errors.js";
import { typeSql } from "../../plan/expressions/coercion.js";
import { decimalVector, longVector, numberVector, validity } from "./vectors.js";

const DT_UNITS = [86_400_000_000n, 3_600_000_000n, 60_000_000n, 1_000_000n];
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

/** Whether a cast from `from` to `to` is one this module performs. */
export function isIntervalCast(from: DataType, to: DataType): boolean {
  return isInterval(from) || isInterval(to);
}

function isInterval(t: DataType): boolean {
  return t.typeName === "yearmonthinterval" || t.typeName === "daytimeinterval" || t.typeName === "interval";
}

/**
 * Casts `v` where its type or `to` is an interval type (see the module comment).
 * @throws ExecutionError with Spark's reason for an ANSI interval text that does not parse or a
 *   value that overflows its target.
 */
export function castInterval(v: Vector, to: DataType): Vector {
  const n = v.length;
  const from = v.type;
  if (to.typeName === "string") {
    const b = new BytesBuilder(n, n * 24);
    for (let i = 0; i < n; i++) {
      if (!isValid(v, i)) b.appendNull();
      else b.appendString(intervalSlotText(v, i, false));
    }
    return b.finish(to);
  }
  if (v.kind === "bytes" && from.typeName === "string") return intervalsFromText(v, to);
  if (to.typeName === "yearmonthinterval") {
    if (from.typeName === "yearmonthinterval" && v.kind === "i32") {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = to.endField === 0 ? v.values[i] - (v.values[i] % 12) : v.values[i];
      return numberVector(to, out, validity(v));
    }
    return numericToYearMonth(v, to.startField, to.endField, to);
  }
  if (to.typeName === "daytimeinterval") {
    if (from.typeName === "daytimeinterval" && v.kind === "i64") {
      const unit = DT_UNITS[to.endField];
      const out = new BigInt64Array(n);
      // Spark's durationToMicros(_, endField): SECOND keeps the microseconds.
      for (let i = 0; i < n; i++) out[i] = to.endField === 3 ? v.values[i] : v.values[i] - (v.values[i] % unit);
      return longVector(to, out, validity(v));
    }
    return numericToDayTime(v, to.endField, to);
  }
  if (from.typeName === "yearmonthinterval" || from.typeName === "daytimeinterval") return intervalToNumeric(v, to);
  throw new ExecutionError(`cast: cannot cast ${typeSql(from)} to ${typeSql(to)}`);
}

function overflow(value: string, from: DataType, to: DataType): never {
  throw new ExecutionError(`cast: CAST_OVERFLOW: the value ${value} of the type "${typeSql(from)}" cannot be cast to "${typeSql(to)}" due to an overflow`);
}

/** The exact value of numeric slot `i` as a scaled bigint: [unscaled, scale]. */
function exactAt(v: Vector, i: number): [bigint, number] {
  switch (v.kind) {
    case "i64":
      return [v.values[i], 0];
    case "i32":
    case "i16":
    case "i8":
      return [BigInt(v.values[i]), 0];
    case "decimal":
      return [v.values[i], v.type.scale];
    default:
      throw new ExecutionError(`cast: cannot cast ${typeSql(v.type)} to an interval`);
  }
}

/** `unscaled / 10^scale * factor`, rounded HALF_UP to an integer. */
function scaledRound(unscaled: bigint, scale: number, factor: bigint): bigint {
  const p = 10n ** BigInt(scale);
  const x = unscaled * factor;
  const q = x / p;
  const r = x % p;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  return twice >= p ? q + (x < 0n ? -1n : 1n) : q;
}

function numericToYearMonth(v: Vector, start: number, end: number, to: DataType): Vector {
  const n = v.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    const [u, s] = exactAt(v, i);
    if (s === 0 && v.kind !== "decimal" && (u > BigInt(INT_MAX) || u < BigInt(INT_MIN))) overflow(String(u), v.type, to);
    const months = scaledRound(u, s, end === 0 ? 12n : 1n);
    if (months > BigInt(INT_MAX) || months < BigInt(INT_MIN)) overflow(s === 0 ? String(u) : decimalString(u, s), v.type, to);
    out[i] = Number(months);
  }
  void start;
  return numberVector(to, out, validity(v));
}

function numericToDayTime(v: Vector, end: number, to: DataType): Vector {
  const n = v.length;
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    const [u, s] = exactAt(v, i);
    const micros = scaledRound(u, s, DT_UNITS[end]);
    if (micros > LONG_MAX || micros < LONG_MIN) overflow(s === 0 ? String(u) : decimalString(u, s), v.type, to);
    out[i] = micros;
  }
  return longVector(to, out, validity(v));
}

function decimalString(u: bigint, s: number): string {
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(s + 1, "0");
  return `${neg ? "-" : ""}${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
}

function intervalToNumeric(v: Vector, to: DataType): Vector {
  const n = v.length;
  const from = v.type;
  // Whole end units (Spark's yearMonthIntervalToInt / dayTimeIntervalToLong), or for a decimal
  // target of a day-time interval ending in SECOND, the seconds with their microseconds.
  const units = new Array<bigint>(n).fill(0n);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) continue;
    if (from.typeName === "yearmonthinterval" && v.kind === "i32") {
      units[i] = BigInt(from.endField === 0 ? Math.trunc(v.values[i] / 12) : v.values[i]);
    } else if (from.typeName === "daytimeinterval" && v.kind === "i64") {
      if (to.typeName === "decimal" && from.endField === 3) {
        units[i] = v.values[i];
        scale = 6;
      } else {
        units[i] = v.values[i] / DT_UNITS[from.endField];
      }
    }
  }
  const valid = validity(v);
  if (to.typeName === "decimal") return toDecimal(units, scale, to, valid, n);
  const range: Record<string, [bigint, bigint]> = {
    long: [LONG_MIN, LONG_MAX],
    integer: [BigInt(INT_MIN), BigInt(INT_MAX)],
    short: [-32768n, 32767n],
    byte: [-128n, 127n],
  };
  const r = range[to.typeName];
  if (r === undefined) throw new ExecutionError(`cast: cannot cast ${typeSql(from)} to ${typeSql(to)}`);
  for (let i = 0; i < n; i++) {
    if (isValid(v, i) && (units[i] < r[0] || units[i] > r[1])) overflow(intervalSlotText(v, i, false), from, to);
  }
  if (to.typeName === "long") return longVector(to, BigInt64Array.from(units), valid);
  const out = to.typeName === "integer" ? new Int32Array(n) : to.typeName === "short" ? new Int16Array(n) : new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(units[i]);
  return numberVector(to, out, valid);
}

function toDecimal(units: bigint[], scale: number, to: DecimalType, valid: Uint8Array | null, n: number): Vector {
  const out = new Array<bigint>(n).fill(0n);
  const limit = 10n ** BigInt(to.precision);
  const mask = valid === null ? new Uint8Array(n).fill(1) : Uint8Array.from(valid);
  for (let i = 0; i < n; i++) {
    if (mask[i] === 0) continue;
    const d = to.scale - scale;
    const x = d >= 0 ? units[i] * 10n ** BigInt(d) : scaledRound(units[i], -d, 1n);
    if (x >= limit || x <= -limit) mask[i] = 0;
    else out[i] = x;
  }
  return decimalVector(to, out, mask);
}
