/**
 * Spark's non-ANSI CAST over whole vectors: values that cannot be converted become null
 * (`CAST('abc' AS INT)` → null), integral narrowing wraps, floating → integral truncates and
 * saturates (NaN → 0), string → boolean accepts t/true/y/yes/1 and f/false/n/no/0.
 */
import type { DataType, DecimalType } from "../../types/data-types.js";
import type { Vector, BytesVector, ValidityMask } from "../../columnar/vector.js";
import { compactMask, isValid } from "../../columnar/vector.js";
import { BytesBuilder, nullVector } from "../../columnar/build.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { formatDecimal } from "../../columnar/values.js";
import { ExecutionError } from "../../errors.js";
import { equalsIgnoreNullability } from "../../plan/expressions/coercion.js";
import type { ZoneRules } from "../../columnar/time-zone.js";
import { UTC, toLocalMicros } from "../../columnar/time-zone.js";
import { javaDoubleString, javaFloatString } from "../../columnar/java-text.js";
import {
  allocNumbers,
  boolVector,
  decimalVector,
  longVector,
  numberValues,
  numberVector,
  retype,
  validity,
  writableMask,
} from "./vectors.js";
import { castInterval, isIntervalCast } from "./interval-cast.js";
import { castNtz, isNtzCast } from "./timestamp-ntz-cast.js";
import { intervalSlotText } from "../../columnar/interval-text.js";
import { MICROS_PER_DAY, MICROS_PER_SECOND, formatDate, formatTimestamp, microsToDays, microsToSeconds, parseDate, parseTimestamp } from "./datetime.js";

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/**
 * Casts every slot of `v` to `to` with Spark's non-ANSI rules. `zone` is the session time zone:
 * wall-clock times read from strings and dates, or written to strings and dates, are in it.
 */
export function castVector(v: Vector, to: DataType, zone: ZoneRules = UTC): Vector {
  const from = v.type;
  if (equalsIgnoreNullability(from, to)) return v.type === to ? v : retype(v, to);
  const n = v.length;
  if (v.kind === "null") return nullVector(to, n);
  if (isIntervalCast(from, to)) return castInterval(v, to);
  if (isNtzCast(from, to)) return castNtz(v, to, zone);
  if (to.typeName === "string") return castToString(v, to, zone);
  if (v.kind === "bytes") {
    if (from.typeName === "binary") return nullVector(to, n);
    if (to.typeName === "binary") return retype(v, to);
    return castFromString(v, to, zone);
  }
  switch (to.typeName) {
    case "boolean":
      return castToBoolean(v);
    case "long":
      return castToLong(v, to);
    case "integer":
    case "short":
    case "byte":
    case "double":
    case "float":
      return castToNumber(v, to);
    case "decimal":
      return castToDecimal(v, to);
    case "timestamp":
      return castToTimestamp(v, to, zone);
    case "date":
      return castToDate(v, to, zone);
    case "binary":
      return castToBinary(v, to);
    case "struct":
      if (v.kind === "struct" && v.children.length === to.fields.length) {
        return { kind: "struct", type: to, length: n, valid: v.valid, children: v.children.map((c, i) => castVector(c, to.fields[i].dataType, zone)) };
      }
      break;
    case "array":
      if (v.kind === "list") return { kind: "list", type: to, length: n, valid: v.valid, offsets: v.offsets, child: castVector(v.child, to.elementType, zone) };
      break;
    case "map":
      if (v.kind === "map") {
        return { ...v, type: to, keys: castVector(v.keys, to.keyType, zone), items: castVector(v.items, to.valueType, zone) };
      }
      break;
  }
  throw new ExecutionError(`cast: cannot cast ${from.typeName} to ${to.typeName}`);
}

/**
 * Spark's TRY_CAST: the ANSI cast with null where ANSI raises. It differs from the non-ANSI cast
 * where that one converts loosely: a string becomes an integral only when it is an integer
 * (`'1.23'` is null, not 1), and a number out of the target's range is null instead of wrapping.
 */
export function tryCastVector(v: Vector, to: DataType, zone: ZoneRules = UTC): Vector {
  const out = castVector(v, to, zone);
  const range = INTEGRAL_RANGE[to.typeName];
  if (range === undefined || out.kind === "null" || v.kind === "null") return out;
  const n = v.length;
  const m = writableMask(validity(out), n);
  let changed = false;
  for (let i = 0; i < n; i++) {
    if (m[i] === 0) continue;
    let ok: boolean;
    if (v.kind === "bytes") ok = /^\s*[+-]?\d+\s*$/.test(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]));
    else if (v.kind === "i64") ok = v.values[i] >= range[0] && v.values[i] <= range[1];
    else if (v.kind === "decimal") {
      const whole = v.values[i] / 10n ** BigInt(v.type.scale);
      ok = whole >= range[0] && whole <= range[1];
    } else if (v.kind === "i32" || v.kind === "i16" || v.kind === "i8" || v.kind === "f64" || v.kind === "f32") {
      const x = Math.trunc(v.values[i]);
      ok = Number.isFinite(x) && x >= Number(range[0]) && x <= Number(range[1]);
    } else ok = true;
    if (!ok) {
      m[i] = 0;
      changed = true;
    }
  }
  return changed ? ({ ...out, valid: compactMask(m, n) } as Vector) : out;
}

const INTEGRAL_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [LONG_MIN, LONG_MAX],
};

// ---------------------------------------------------------------------------------------------
// Reading any scalar slot as a double / bigint (for the less common conversions).

function numberAt(v: Vector, i: number): number {
  switch (v.kind) {
    case "i64":
      return v.type.typeName === "timestamp" ? Number(v.values[i]) / 1e6 : Number(v.values[i]);
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
      return v.values[i];
    case "bool":
      return v.values[i];
    case "decimal":
      return Number(formatDecimal(v.values[i], v.type.scale));
    default:
      throw new ExecutionError(`cast: cannot read ${v.type.typeName} as a number`);
  }
}

/** Java's `(long) d`: truncation, NaN → 0, saturation at the long range. */
function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9.223372036854776e18) return LONG_MAX;
  if (d <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

/** Java's `(int) d`: truncation, NaN → 0, saturation at the int range. */
function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d);
}

function castToLong(v: Vector, to: DataType): Vector {
  const n = v.length;
  const out = new BigInt64Array(n);
  const from = v.type.typeName;
  let valid: ValidityMask = v.kind === "null" ? new Uint8Array(n) : v.valid;
  if (v.kind === "i64") {
    // timestamp → long: seconds, rounded down.
    for (let i = 0; i < n; i++) out[i] = microsToSeconds(v.values[i]);
    return longVector(to, out, valid);
  }
  if (from === "date") return nullVector(to, n);
  const nums = numberValues(v);
  if (nums !== null && (from === "integer" || from === "short" || from === "byte")) {
    for (let i = 0; i < n; i++) out[i] = BigInt(nums[i]);
  } else if (nums !== null) {
    for (let i = 0; i < n; i++) out[i] = doubleToLong(nums[i]);
  } else if (v.kind === "bool") {
    for (let i = 0; i < n; i++) out[i] = BigInt(v.values[i]);
  } else if (v.kind === "decimal") {
    const scale = 10n ** BigInt(v.type.scale);
    const m = writableMask(valid, n);
    for (let i = 0; i < n; i++) {
      const q = v.values[i] / scale;
      if (q > LONG_MAX || q < LONG_MIN) m[i] = 0;
      else out[i] = q;
    }
    valid = compactMask(m, n);
  } else throw new ExecutionError(`cast: cannot cast ${from} to bigint`);
  return longVector(to, out, valid);
}

function castToNumber(v: Vector, to: DataType): Vector {
  const n = v.length;
  const out = allocNumbers(to, n);
  const toName = to.typeName;
  const integral = toName === "integer" || toName === "short" || toName === "byte";
  const from = v.type.typeName;
  let valid: ValidityMask = v.valid;
  if (from === "date") return nullVector(to, n);
  if (v.kind === "i64") {
    const vals = v.values;
    if (from === "timestamp") {
      for (let i = 0; i < n; i++) {
        out[i] = integral ? Number(BigInt.asIntN(32, microsToSeconds(vals[i]))) : Number(vals[i]) / 1e6;
      }
    } else if (integral) {
      for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(32, vals[i]));
    } else {
      for (let i = 0; i < n; i++) out[i] = Number(vals[i]);
    }
    return numberVector(to, out, valid);
  }
  const nums = numberValues(v);
  if (nums !== null) {
    const fromFloating = from === "double" || from === "float";
    if (integral && fromFloating) {
      for (let i = 0; i < n; i++) out[i] = doubleToInt(nums[i]);
    } else {
      // Typed-array stores wrap integers and round to float32 exactly as Java's narrowing does.
      for (let i = 0; i < n; i++) out[i] = nums[i];
    }
    return numberVector(to, out, valid);
  }
  if (v.kind === "bool") {
    for (let i = 0; i < n; i++) out[i] = v.values[i];
    return numberVector(to, out, valid);
  }
  if (v.kind === "decimal") {
    const scale = 10n ** BigInt(v.type.scale);
    if (integral) {
      const m = writableMask(valid, n);
      for (let i = 0; i < n; i++) {
        const q = v.values[i] / scale;
        if (q > 2147483647n || q < -2147483648n) m[i] = 0;
        else out[i] = Number(q);
      }
      valid = compactMask(m, n);
    } else {
      for (let i = 0; i < n; i++) out[i] = numberAt(v, i);
    }
    return numberVector(to, out, valid);
  }
  throw new ExecutionError(`cast: cannot cast ${from} to ${toName}`);
}

function castToBoolean(v: Vector): Vector {
  const n = v.length;
  const out = new Uint8Array(n);
  if (v.type.typeName === "date") return nullVector({ typeName: "boolean" }, n);
  if (v.kind === "i64") {
    for (let i = 0; i < n; i++) out[i] = v.values[i] !== 0n ? 1 : 0;
  } else if (v.kind === "decimal") {
    for (let i = 0; i < n; i++) out[i] = v.values[i] !== 0n ? 1 : 0;
  } else {
    const nums = numberValues(v);
    if (nums === null) throw new ExecutionError(`cast: cannot cast ${v.type.typeName} to boolean`);
    for (let i = 0; i < n; i++) out[i] = nums[i] !== 0 ? 1 : 0;
  }
  return boolVector(out, v.kind === "null" ? new Uint8Array(n) : v.valid);
}

const POW10: bigint[] = Array.from({ length: 77 }, (_, i) => 10n ** BigInt(i));

/** Rescales an unscaled decimal with HALF_UP rounding. */
export function rescale(unscaled: bigint, fromScale: number, toScale: number): bigint {
  if (toScale === fromScale) return unscaled;
  if (toScale > fromScale) return unscaled * POW10[toScale - fromScale];
  const div = POW10[fromScale - toScale];
  const q = unscaled / div;
  const r = unscaled % div;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= div) return unscaled < 0n ? q - 1n : q + 1n;
  return q;
}

/** Whether an unscaled value fits `precision` digits. */
export function fitsPrecision(unscaled: bigint, precision: number): boolean {
  const lim = POW10[precision];
  return unscaled < lim && unscaled > -lim;
}

/** Parses a decimal number string (`-12.5e3` allowed) to an unscaled value at `scale`, or null. */
export function parseDecimalText(text: string, scale: number): bigint | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (m === null || (m[2] === "" && (m[3] === undefined || m[3] === ""))) return null;
  const digits = `${m[2]}${m[3] ?? ""}`;
  const exp = Number(m[4] ?? "0") - (m[3] ?? "").length;
  let u = BigInt(digits === "" ? "0" : digits);
  if (m[1] === "-") u = -u;
  // u × 10^exp, expressed at `scale`.
  const shift = exp + scale;
  if (shift >= 0) return shift > 76 ? null : u * POW10[shift];
  return -shift > 76 ? 0n : rescale(u, -shift, 0);
}

function castToDecimal(v: Vector, to: DecimalType): Vector {
  const n = v.length;
  const out = new Array<bigint>(n).fill(0n);
  const m = writableMask(validity(v), n);
  const from = v.type.typeName;
  for (let i = 0; i < n; i++) {
    if (m[i] === 0) continue;
    let u: bigint | null;
    if (v.kind === "decimal") u = rescale(v.values[i], v.type.scale, to.scale);
    else if (v.kind === "i64" && from === "long") u = v.values[i] * POW10[to.scale];
    else if (from === "integer" || from === "short" || from === "byte" || from === "boolean") u = BigInt(numberAt(v, i)) * POW10[to.scale];
    else if (from === "date") u = null;
    else {
      const d = numberAt(v, i);
      u = Number.isFinite(d) ? parseDecimalText(from === "float" ? javaFloatString(d) : javaDoubleString(d), to.scale) : null;
    }
    if (u === null || !fitsPrecision(u, to.precision)) m[i] = 0;
    else out[i] = u;
  }
  return decimalVector(to, out, compactMask(m, n));
}

function castToTimestamp(v: Vector, to: DataType, zone: ZoneRules): Vector {
  const n = v.length;
  const out = new BigInt64Array(n);
  const from = v.type.typeName;
  let valid = v.valid;
  if (from === "date" && v.kind === "i32") {
    // Midnight of the date in the session time zone.
    if (zone === UTC) for (let i = 0; i < n; i++) out[i] = BigInt(v.values[i]) * MICROS_PER_DAY;
    else for (let i = 0; i < n; i++) out[i] = BigInt(zone.utcOf(v.values[i] * 86400)) * MICROS_PER_SECOND;
  } else if (v.kind === "i64") {
    for (let i = 0; i < n; i++) out[i] = v.values[i] * MICROS_PER_SECOND;
  } else if (from === "integer" || from === "short" || from === "byte" || from === "boolean") {
    const scale = from === "boolean" ? 1n : MICROS_PER_SECOND;
    for (let i = 0; i < n; i++) out[i] = BigInt(numberAt(v, i)) * scale;
  } else {
    const m = writableMask(valid, n);
    for (let i = 0; i < n; i++) {
      if (m[i] === 0) continue;
      const d = numberAt(v, i);
      if (!Number.isFinite(d)) m[i] = 0;
      else out[i] = doubleToLong(d * 1e6);
    }
    valid = compactMask(m, n);
  }
  return longVector(to, out, valid);
}

function castToDate(v: Vector, to: DataType, zone: ZoneRules): Vector {
  const n = v.length;
  if (v.kind !== "i64" || v.type.typeName !== "timestamp") return nullVector(to, n);
  const out = new Int32Array(n);
  const vals = v.values;
  // The date of the instant's wall-clock time in the session time zone.
  if (zone === UTC) for (let i = 0; i < n; i++) out[i] = microsToDays(vals[i]);
  else for (let i = 0; i < n; i++) out[i] = microsToDays(toLocalMicros(vals[i], zone));
  return numberVector(to, out, v.valid);
}

function castToBinary(v: Vector, to: DataType): Vector {
  const n = v.length;
  const b = new BytesBuilder(n, n * 8);
  const width = v.type.typeName === "long" ? 8 : v.type.typeName === "integer" ? 4 : v.type.typeName === "short" ? 2 : 1;
  const buf = new Uint8Array(8);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) {
      b.appendNull();
      continue;
    }
    if (v.kind === "i64") view.setBigInt64(0, v.values[i]);
    else if (width === 4) view.setInt32(0, numberAt(v, i));
    else if (width === 2) view.setInt16(0, numberAt(v, i));
    else view.setInt8(0, numberAt(v, i));
    b.appendBytes(buf, 0, width);
  }
  return b.finish(to);
}

// ---------------------------------------------------------------------------------------------
// From and to strings.

/** Spark's `UTF8String.toLong` on bytes: trims spaces, optional sign, digits, optional `.digits` (dropped). */
function parseIntegralBytes(data: Uint8Array, start: number, end: number, min: bigint, max: bigint): bigint | null {
  let s = start;
  let e = end;
  while (s < e && data[s] <= 0x20) s++;
  while (e > s && data[e - 1] <= 0x20) e--;
  if (s === e) return null;
  let neg = false;
  if (data[s] === 0x2d || data[s] === 0x2b) {
    neg = data[s] === 0x2d;
    s++;
    if (s === e) return null;
  }
  // Up to 15 digits fit a double exactly: accumulate as a number, then switch to bigint.
  let acc = 0;
  let big: bigint | null = null;
  let digits = 0;
  let i = s;
  for (; i < e; i++) {
    const c = data[i];
    if (c === 0x2e) break;
    if (c < 0x30 || c > 0x39) return null;
    if (big === null) {
      acc = acc * 10 + (c - 0x30);
      if (++digits >= 15) {
        big = BigInt(acc);
      }
    } else big = big * 10n + BigInt(c - 0x30);
  }
  if (i < e) {
    // A fraction: digits only, and at least one digit somewhere.
    if (i === s && i + 1 === e) return null;
    for (let k = i + 1; k < e; k++) if (data[k] < 0x30 || data[k] > 0x39) return null;
  }
  let r = big === null ? BigInt(acc) : big;
  if (neg) r = -r;
  return r < min || r > max ? null : r;
}

const DOUBLE_TEXT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[dDfF]?$/;

/** Java's `Double.parseDouble` as Spark uses it (after trimming), plus Spark's `inf`/`nan` spellings. */
export function parseDoubleText(text: string): number | null {
  const t = text.trim();
  if (DOUBLE_TEXT.test(t)) return Number(t.replace(/[dDfF]$/, ""));
  switch (t.toLowerCase()) {
    case "nan":
      return NaN;
    case "inf":
    case "+inf":
    case "infinity":
    case "+infinity":
      return Infinity;
    case "-inf":
    case "-infinity":
      return -Infinity;
  }
  return null;
}

const TRUE_TEXT = new Set(["t", "true", "y", "yes", "1"]);
const FALSE_TEXT = new Set(["f", "false", "n", "no", "0"]);

function castFromString(v: BytesVector, to: DataType, zone: ZoneRules): Vector {
  const n = v.length;
  const { offsets, data } = v;
  const m = writableMask(v.valid, n);
  switch (to.typeName) {
    case "long":
    case "integer":
    case "short":
    case "byte": {
      const [min, max] =
        to.typeName === "long" ? [LONG_MIN, LONG_MAX] : to.typeName === "integer" ? [-2147483648n, 2147483647n] : to.typeName === "short" ? [-32768n, 32767n] : [-128n, 127n];
      if (to.typeName === "long") {
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) {
          if (m[i] === 0) continue;
          const r = parseIntegralBytes(data, offsets[i], offsets[i + 1], min, max);
          if (r === null) m[i] = 0;
          else out[i] = r;
        }
        return longVector(to, out, compactMask(m, n));
      }
      const out = allocNumbers(to, n);
      for (let i = 0; i < n; i++) {
        if (m[i] === 0) continue;
        const r = parseIntegralBytes(data, offsets[i], offsets[i + 1], min, max);
        if (r === null) m[i] = 0;
        else out[i] = Number(r);
      }
      return numberVector(to, out, compactMask(m, n));
    }
    case "double":
    case "float": {
      const out = allocNumbers(to, n);
      for (let i = 0; i < n; i++) {
        if (m[i] === 0) continue;
        const r = parseDoubleText(decodeUtf8(data, offsets[i], offsets[i + 1]));
        if (r === null) m[i] = 0;
        else out[i] = r;
      }
      return numberVector(to, out, compactMask(m, n));
    }
    case "decimal": {
      const out = new Array<bigint>(n).fill(0n);
      for (let i = 0; i < n; i++) {
        if (m[i] === 0) continue;
        const r = parseDecimalText(decodeUtf8(data, offsets[i], offsets[i + 1]), to.scale);
        if (r === null || !fitsPrecision(r, to.precision)) m[i] = 0;
        else out[i] = r;
      }
      return decimalVector(to, out, compactMask(m, n));
    }
    case "boolean": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (m[i] === 0) continue;
        const t = decodeUtf8(data, offsets[i], offsets[i + 1]).trim().toLowerCase();
        if (TRUE_TEXT.has(t)) out[i] = 1;
        else if (!FALSE_TEXT.has(t)) m[i] = 0;
      }
      return boolVector(out, compactMask(m, n));
    }
    case "timestamp": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        if (m[i] === 0) continue;
        const r = parseTimestamp(decodeUtf8(data, offsets[i], offsets[i + 1]), zone);
        if (r === null) m[i] = 0;
        else out[i] = r;
      }
      return longVector(to, out, compactMask(m, n));
    }
    case "date": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (m[i] === 0) continue;
        const r = parseDate(decodeUtf8(data, offsets[i], offsets[i + 1]));
        if (r === null) m[i] = 0;
        else out[i] = r;
      }
      return numberVector(to, out, compactMask(m, n));
    }
    default:
      throw new ExecutionError(`cast: cannot cast string to ${to.typeName}`);
  }
}

function castToString(v: Vector, to: DataType, zone: ZoneRules): Vector {
  if (v.kind === "bytes") return retype(v, to);
  const n = v.length;
  const b = new BytesBuilder(n, n * 12);
  for (let i = 0; i < n; i++) {
    if (!isValid(v, i)) b.appendNull();
    else b.appendString(slotText(v, i, CAST, zone));
  }
  return b.finish(to);
}

/** How {@link slotText} spells what a cast and show() spell differently. */
export interface TextStyle {
  /** A null nested in an array, struct or map. */
  readonly nullText: string;
  /** Binary as hex bytes `[0A FF]` rather than its bytes decoded as UTF-8. */
  readonly binaryAsHex: boolean;
  /** ANSI intervals as HiveResult prints them (`1-2`, `1 02:03:04.000000000`), not `INTERVAL '1-2' YEAR TO MONTH`. */
  readonly hiveIntervals?: boolean;
}

/** `CAST(x AS STRING)`. */
export const CAST: TextStyle = { nullText: "null", binaryAsHex: false };
/** show()'s `ToPrettyString` (Spark 3.5): `NULL`, binary as hex. */
export const PRETTY: TextStyle = { nullText: "NULL", binaryAsHex: true };
/** HiveResult's text (the SQL CLI and Spark's golden query files): intervals in Hive's style. */
export const HIVE: TextStyle = { nullText: "null", binaryAsHex: false, hiveIntervals: true };

/**
 * Spark's string form of the valid slot `i` (`CAST(x AS STRING)` by default): `1.0E10`, `[1, 2]`,
 * `{a, 1}`, `{k -> v}`; timestamps as wall-clock times in `zone` (the session time zone).
 */
export function slotText(v: Vector, i: number, style: TextStyle = CAST, zone: ZoneRules = UTC): string {
  if (v.type.typeName === "yearmonthinterval" || v.type.typeName === "daytimeinterval" || v.type.typeName === "interval") {
    return intervalSlotText(v, i, style.hiveIntervals === true);
  }
  switch (v.kind) {
    case "i64":
      if (v.type.typeName === "timestamp_ntz") return formatTimestamp(v.values[i], UTC);
      return v.type.typeName === "timestamp" ? formatTimestamp(v.values[i], zone) : v.values[i].toString();
    case "i32":
      return v.type.typeName === "date" ? formatDate(v.values[i]) : String(v.values[i]);
    case "i16":
    case "i8":
      return String(v.values[i]);
    case "f64":
      return javaDoubleString(v.values[i]);
    case "f32":
      return javaFloatString(v.values[i]);
    case "bool":
      return v.values[i] === 1 ? "true" : "false";
    case "bytes":
      if (style.binaryAsHex && v.type.typeName === "binary") {
        const parts: string[] = [];
        for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) parts.push(v.data[k].toString(16).toUpperCase().padStart(2, "0"));
        return `[${parts.join(" ")}]`;
      }
      return decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
    case "decimal":
      return formatDecimal(v.values[i], v.type.scale);
    case "null":
      return style.nullText;
    case "struct":
      return `{${v.children.map((c) => (isValid(c, i) ? slotText(c, i, style, zone) : style.nullText)).join(", ")}}`;
    case "list": {
      const parts: string[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) parts.push(isValid(v.child, k) ? slotText(v.child, k, style, zone) : style.nullText);
      return `[${parts.join(", ")}]`;
    }
    case "map": {
      const parts: string[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) {
        parts.push(`${slotText(v.keys, k, style, zone)} -> ${isValid(v.items, k) ? slotText(v.items, k, style, zone) : style.nullText}`);
      }
      return `{${parts.join(", ")}}`;
    }
  }
}
