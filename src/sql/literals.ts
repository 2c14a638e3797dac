/**
 * Typing and decoding of SQL literals as Spark does it: numeric literals by size and suffix,
 * `DATE '…'`, `TIMESTAMP '…'` and `X'…'`. Each function returns the value in the representation
 * of {@link LiteralExpr} or a problem string the parser turns into a positioned ParseError.
 */
import {
  BinaryType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MAX_DECIMAL_PRECISION,
  ShortType,
  TimestampType,
  TimestampNTZType,
  type DataType,
} from "../types/data-types.js";
import type { LiteralValue } from "./expression.js";
import { zoneRules } from "../columnar/time-zone.js";
import { daysFromCivil } from "../columnar/civil-date.js";

export { daysFromCivil } from "../columnar/civil-date.js";

/** A typed literal value, or the reason the text is not a valid literal. */
export type LiteralResult = { ok: true; value: LiteralValue; dataType: DataType } | { ok: false; problem: string };

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Types a numeric literal's raw text (`negative` when a minus sign precedes it), as Spark's
 * AstBuilder: an integer is IntegerType if it fits in 32 bits, else LongType (bigint), else
 * DecimalType(digits, 0); `L`/`S`/`Y` suffixes give bigint/smallint/tinyint (range-checked); `D`
 * double, `F` float, `BD` decimal; a number with a decimal point is a decimal of its written
 * precision and scale (`1.50` → DecimalType(3,2), unscaled 150n); an exponent without suffix is a double.
 */
export function numericLiteral(raw: string, negative: boolean): LiteralResult {
  const upper = raw.toUpperCase();
  let suffix = "";
  let body = raw;
  if (upper.endsWith("BD")) {
    suffix = "BD";
    body = raw.slice(0, -2);
  } else if (/[LSYDF]$/.test(upper)) {
    suffix = upper[upper.length - 1];
    body = raw.slice(0, -1);
  }
  const isIntegral = /^\d+$/.test(body);
  const sign = negative ? "-" : "";
  const shown = sign + raw;
  switch (suffix) {
    case "L":
    case "S":
    case "Y": {
      if (!isIntegral) return { ok: false, problem: `invalid numeric literal '${shown}'` };
      const v = BigInt(sign + body);
      if (suffix === "L") return inRange(v, LONG_MIN, LONG_MAX, "bigint", shown) ?? { ok: true, value: v, dataType: LongType() };
      if (suffix === "S") return inRange(v, -32768n, 32767n, "smallint", shown) ?? { ok: true, value: Number(v), dataType: ShortType() };
      return inRange(v, -128n, 127n, "tinyint", shown) ?? { ok: true, value: Number(v), dataType: ByteType() };
    }
    case "D": {
      const v = Number(sign + body);
      if (!Number.isFinite(v)) return { ok: false, problem: `numeric literal '${shown}' is out of range for type double` };
      return { ok: true, value: v, dataType: DoubleType() };
    }
    case "F": {
      const v = Math.fround(Number(sign + body));
      if (!Number.isFinite(v)) return { ok: false, problem: `numeric literal '${shown}' is out of range for type float` };
      return { ok: true, value: v, dataType: FloatType() };
    }
    case "BD":
      return decimalLiteral(body, negative, shown);
    default:
      break;
  }
  if (/e/i.test(body)) {
    const v = Number(sign + body);
    if (!Number.isFinite(v)) return { ok: false, problem: `numeric literal '${shown}' is out of range for type double` };
    return { ok: true, value: v, dataType: DoubleType() };
  }
  if (body.includes(".")) return decimalLiteral(body, negative, shown);
  const v = BigInt(sign + body);
  if (v >= INT_MIN && v <= INT_MAX) return { ok: true, value: Number(v), dataType: IntegerType() };
  if (v >= LONG_MIN && v <= LONG_MAX) return { ok: true, value: v, dataType: LongType() };
  return decimalLiteral(body, negative, shown);
}

/** Days since 1970-01-01 of a `DATE '…'` string (`yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d[T or space …]`). */
export function dateLiteral(text: string): LiteralResult {
  const m = /^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ].*)?)?)?$/s.exec(text.trim());
  if (m === null) return { ok: false, problem: `cannot parse '${text}' as a DATE (expected yyyy-mm-dd)` };
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (!validDate(y, mo, d)) return { ok: false, problem: `'${text}' is not a valid DATE` };
  return { ok: true, value: daysFromCivil(y, mo, d), dataType: DateType() };
}

/**
 * Microseconds since the epoch of a `TIMESTAMP '…'` string: `yyyy[-mm[-dd[ hh:mm[:ss[.ffffff]]]]]`
 * with `T` or a space before the time and an optional zone (`Z`, `UTC`, `GMT`, `+hh[:mm]`,
 * `UTC+hh:mm`, or a region id such as `Europe/Paris`). Without a zone the time is a wall-clock time
 * in `zone` (the session time zone), and the result says `zoneless`. Fractions beyond microseconds
 * are truncated.
 */
export function timestampLiteral(text: string, zone = "UTC"): LiteralResult & { zoneless?: boolean } {
  const re =
    /^([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?)?)?\s*(\S.*)?$/s;
  const m = re.exec(text.trim());
  if (m === null) return { ok: false, problem: `cannot parse '${text}' as a TIMESTAMP (expected yyyy-mm-dd hh:mm:ss[.ffffff])` };
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  const frac = (m[7] ?? "").slice(0, 6).padEnd(6, "0");
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return { ok: false, problem: `'${text}' is not a valid TIMESTAMP` };
  const zoneText = m[8] === undefined ? zone : m[8].trim();
  const rules = zoneRules(zoneText) ?? zoneRules(zoneText.toUpperCase());
  if (rules === null) return { ok: false, problem: `'${m[8] ?? zone}' in TIMESTAMP '${text}' is not a time zone` };
  const local = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  const seconds = BigInt(rules.utcOf(local));
  return { ok: true, value: seconds * 1_000_000n + BigInt(frac), dataType: TimestampType(), zoneless: m[8] === undefined };
}

/** Wall-clock microseconds of a `TIMESTAMP_NTZ '…'` literal (a zone in the text is refused). */
export function timestampNtzLiteral(text: string): LiteralResult {
  const ts = timestampLiteral(text, "UTC");
  if (!ts.ok) return { ok: false, problem: ts.problem.replace("TIMESTAMP", "TIMESTAMP_NTZ") };
  if (ts.zoneless !== true) return { ok: false, problem: `'${text}' is not a valid TIMESTAMP_NTZ: it names a time zone` };
  return { ok: true, value: ts.value, dataType: TimestampNTZType() };
}

/** The bytes of an `X'…'` literal; an odd number of hex digits gets a leading zero, as in Spark. */
export function hexLiteral(text: string): LiteralResult {
  if (!/^[0-9a-fA-F]*$/.test(text)) return { ok: false, problem: `'${text}' is not a hexadecimal string` };
  const hex = text.length % 2 === 0 ? text : `0${text}`;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { ok: true, value: bytes, dataType: BinaryType() };
}


// ---------------------------------------------------------------------------------------------

function inRange(v: bigint, min: bigint, max: bigint, type: string, shown: string): LiteralResult | undefined {
  if (v >= min && v <= max) return undefined;
  return { ok: false, problem: `numeric literal ${shown} does not fit in range [${min}, ${max}] for type ${type}` };
}

function decimalLiteral(body: string, negative: boolean, shown: string): LiteralResult {
  const [mantissa, expText] = body.split(/e/i);
  const exp = expText === undefined ? 0 : Number(expText);
  const [intPart, fracPart = ""] = mantissa.split(".");
  let scale = fracPart.length - exp;
  let unscaled = BigInt(`${intPart}${fracPart}` || "0");
  // Spark turns a negative scale (1e3BD) into scale 0.
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  const digits = unscaled === 0n ? 1 : unscaled.toString().length;
  const precision = Math.max(digits, scale);
  if (precision > MAX_DECIMAL_PRECISION) {
    return { ok: false, problem: `decimal literal ${shown} needs precision ${precision}, more than the maximum ${MAX_DECIMAL_PRECISION}` };
  }
  return { ok: true, value: negative ? -unscaled : unscaled, dataType: DecimalType(precision, scale) };
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}
