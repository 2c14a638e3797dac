/**
 * Spark's interval strings, read and written as Spark 3.5's `IntervalUtils` does:
 * - ANSI intervals: `INTERVAL '1-2' YEAR TO MONTH` (cast to string, literal names) or Hive's
 *   `1-2` / `1 02:03:04.500000000` (how query results print); casts from such strings.
 * - Calendar intervals: `1 years 2 months 3 days 4.5 seconds` (written) and the multi-unit text
 *   `interval 1 year 2 days 3 hours` (read, `stringToInterval`).
 * Readers return the value or a problem text (Spark's IllegalArgumentException message); callers
 * decide whether it becomes a parse error, an execution error or a null.
 */
import { intervalFieldName, type DataType } from "./data-types.js";

/** A parsed value or the reason the text is not one. */
export type IntervalResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A calendar interval's three fields (Spark's `CalendarInterval`). */
export interface CalendarParts {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_MINUTE = 60_000_000n;
export const MICROS_PER_HOUR = 3_600_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;
/** Day-time field bounds of an i64 microsecond count (Spark's `MAX_DAY` …). */
export const MAX_DAY = 106751991n;
export const MAX_HOUR = 2562047788n;
export const MAX_MINUTE = 153722867280n;
export const MAX_SECOND = 9223372036854n;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** How an ANSI interval is written: `INTERVAL '1-2' YEAR TO MONTH` (cast) or `1-2` (HiveResult). */
export type IntervalStyle = "ansi" | "hive";

// ---------------------------------------------------------------------------------------------
// Writing

/** Spark's `toYearMonthIntervalString`. */
export function formatYearMonth(months: number, style: IntervalStyle, startField: number, endField: number): string {
  const sign = months < 0 ? "-" : "";
  const abs = Math.abs(months);
  const year = `${sign}${Math.floor(abs / 12)}`;
  const yearAndMonth = `${year}-${abs % 12}`;
  if (style === "hive") return yearAndMonth;
  if (startField !== endField) return `INTERVAL '${yearAndMonth}' YEAR TO MONTH`;
  return startField === 0 ? `INTERVAL '${year}' YEAR` : `INTERVAL '${months}' MONTH`;
}

/** Spark's `toDayTimeIntervalString`. */
export function formatDayTime(micros: bigint, style: IntervalStyle, startField: number, endField: number): string {
  const from = intervalFieldName(false, startField).toUpperCase();
  const to = intervalFieldName(false, endField).toUpperCase();
  const postfix = `' ${startField === endField ? from : `${from} TO ${to}`}`;
  if (micros === LONG_MIN) {
    const base = "-106751991 04:00:54.775808000";
    if (style === "hive") return base;
    const first = [`-${MAX_DAY}`, `-${MAX_HOUR}`, `-${MAX_MINUTE}`, `-${MAX_SECOND}.775808`][startField];
    const following = startField === endField ? "" : base.substring([10, 13, 16][startField], [0, 13, 16, 26][endField]);
    return `INTERVAL '${first}${following}${postfix}`;
  }
  const sign = micros < 0n ? "-" : "";
  let rest = micros < 0n ? -micros : micros;
  if (style === "hive") {
    const seconds = (rest % MICROS_PER_MINUTE) / MICROS_PER_SECOND;
    const nanos = (rest % MICROS_PER_SECOND) * 1000n;
    const minutes = (rest / MICROS_PER_MINUTE) % 60n;
    const hours = (rest / MICROS_PER_HOUR) % 24n;
    const days = rest / MICROS_PER_DAY;
    return `${sign}${days} ${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${String(nanos).padStart(9, "0")}`;
  }
  let out = sign;
  switch (startField) {
    case 0:
      out += String(rest / MICROS_PER_DAY);
      rest %= MICROS_PER_DAY;
      break;
    case 1:
      out += pad2(rest / MICROS_PER_HOUR);
      rest %= MICROS_PER_HOUR;
      break;
    case 2:
      out += pad2(rest / MICROS_PER_MINUTE);
      rest %= MICROS_PER_MINUTE;
      break;
    default:
      out += secondsText(rest);
  }
  if (startField < 1 && 1 <= endField) {
    out += ` ${pad2(rest / MICROS_PER_HOUR)}`;
    rest %= MICROS_PER_HOUR;
  }
  if (startField < 2 && 2 <= endField) {
    out += `:${pad2(rest / MICROS_PER_MINUTE)}`;
    rest %= MICROS_PER_MINUTE;
  }
  if (startField < 3 && 3 <= endField) out += `:${secondsText(rest)}`;
  return `INTERVAL '${out}${postfix}`;
}

/** `CalendarInterval.toString`: `1 years 2 months 3 days 4 hours 5 minutes 6.5 seconds`, `0 seconds`. */
export function formatCalendar(months: number, days: number, micros: bigint): string {
  if (months === 0 && days === 0 && micros === 0n) return "0 seconds";
  const parts: string[] = [];
  const unit = (v: number | bigint, name: string) => {
    if (v !== 0 && v !== 0n) parts.push(`${v} ${name}`);
  };
  if (months !== 0) {
    unit(Math.trunc(months / 12), "years");
    unit(months % 12, "months");
  }
  unit(days, "days");
  if (micros !== 0n) {
    unit(micros / MICROS_PER_HOUR, "hours");
    let rest = micros % MICROS_PER_HOUR;
    unit(rest / MICROS_PER_MINUTE, "minutes");
    rest %= MICROS_PER_MINUTE;
    if (rest !== 0n) parts.push(`${decimalText(rest, 6)} seconds`);
  }
  return parts.join(" ");
}

/** `BigDecimal.valueOf(unscaled, scale).stripTrailingZeros.toPlainString`. */
export function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac === "" ? "" : `.${frac}`}`;
}

function pad2(v: bigint): string {
  return String(v).padStart(2, "0");
}

function secondsText(rest: bigint): string {
  return `${rest < 10n * MICROS_PER_SECOND ? "0" : ""}${decimalText(rest, 6)}`;
}

// ---------------------------------------------------------------------------------------------
// Reading ANSI interval strings (casts and unit-to-unit literals)

class Problem {
  constructor(readonly message: string) {}
}

function fail(message: string): never {
  throw new Problem(message);
}

function attempt<T>(f: () => T): IntervalResult<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof Problem) return { ok: false, problem: e.message };
    throw e;
  }
}

/** UTF8String.trimAll: whitespace and control characters (<= U+0020) at both ends. */
export function trimAll(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

const SUPPORTED_FORMAT: Readonly<Record<string, readonly string[]>> = {
  "y0-1": ["[+|-]y-m", "INTERVAL [+|-]'[+|-]y-m' YEAR TO MONTH"],
  "y0-0": ["[+|-]y", "INTERVAL [+|-]'[+|-]y' YEAR"],
  "y1-1": ["[+|-]m", "INTERVAL [+|-]'[+|-]m' MONTH"],
  "d0-0": ["[+|-]d", "INTERVAL [+|-]'[+|-]d' DAY"],
  "d0-1": ["[+|-]d h", "INTERVAL [+|-]'[+|-]d h' DAY TO HOUR"],
  "d0-2": ["[+|-]d h:m", "INTERVAL [+|-]'[+|-]d h:m' DAY TO MINUTE"],
  "d0-3": ["[+|-]d h:m:s.n", "INTERVAL [+|-]'[+|-]d h:m:s.n' DAY TO SECOND"],
  "d1-1": ["[+|-]h", "INTERVAL [+|-]'[+|-]h' HOUR"],
  "d1-2": ["[+|-]h:m", "INTERVAL [+|-]'[+|-]h:m' HOUR TO MINUTE"],
  "d1-3": ["[+|-]h:m:s.n", "INTERVAL [+|-]'[+|-]h:m:s.n' HOUR TO SECOND"],
  "d2-2": ["[+|-]m", "INTERVAL [+|-]'[+|-]m' MINUTE"],
  "d2-3": ["[+|-]m:s.n", "INTERVAL [+|-]'[+|-]m:s.n' MINUTE TO SECOND"],
  "d3-3": ["[+|-]s.n", "INTERVAL [+|-]'[+|-]s.n' SECOND"],
};

function formatMismatch(input: string, ym: boolean, start: number, end: number): never {
  const name = start === end ? `interval ${intervalFieldName(ym, start)}` : `interval ${intervalFieldName(ym, start)} to ${intervalFieldName(ym, end)}`;
  const formats = (SUPPORTED_FORMAT[`${ym ? "y" : "d"}${start}-${end}`] ?? []).map((f) => `\`${f}\``).join(", ");
  const notice = ym ? "" : ", set spark.sql.legacy.fromDayTimeString.enabled to true to restore the behavior before Spark 3.0.";
  return fail(`Interval string does not match ${ym ? "year-month" : "day-time"} format of ${formats} when cast to ${name}: ${input}${notice}`);
}

function finalSign(first: string | undefined, second?: string): bigint {
  if (first === "-" && second === "-") return 1n;
  return first === "-" || second === "-" ? -1n : 1n;
}

function toLongWithRange(field: string, s: string | undefined, min: bigint, max: bigint): bigint {
  if (s === undefined) return 0n;
  if (!/^[+-]?\d{1,19}$/.test(s)) fail(`For input string: "${s}"`);
  const v = BigInt(s);
  if (v > LONG_MAX || v < LONG_MIN) fail(`For input string: "${s}"`);
  if (v < min || v > max) fail(`${field} ${v} outside range [${min}, ${max}]`);
  return v;
}

function checkLong(v: bigint): bigint {
  if (v > LONG_MAX || v < LONG_MIN) fail("long overflow");
  return v;
}

function checkInt(v: bigint): number {
  if (v > BigInt(INT_MAX) || v < BigInt(INT_MIN)) fail("integer overflow");
  return Number(v);
}

const YM = /^([+|-])?(\d+)-(\d+)$/;
const YM_LITERAL = /^INTERVAL\s+([+|-])?'([+|-])?(\d+)-(\d+)'\s+YEAR\s+TO\s+MONTH$/i;
const YM_ONE = /^([+|-])?(\d+)$/;
const YM_ONE_LITERAL = /^INTERVAL\s+([+|-])?'([+|-])?(\d+)'\s+(YEAR|MONTH)$/i;

/**
 * Spark's `castStringToYMInterval`: months of `[+|-]y-m`, `[+|-]y`, `[+|-]m` or the ANSI literal
 * text, for the target type's fields.
 */
export function castStringToYearMonth(input: string, start: number, end: number): IntervalResult<number> {
  return attempt(() => {
    const s = trimAll(input);
    const target = (a: number, b: number) => start === a && end === b;
    let m: RegExpExecArray | null;
    if ((m = YM.exec(s)) !== null && target(0, 1)) return toYMInterval(m[2], m[3], finalSign(m[1]));
    if ((m = YM_LITERAL.exec(s)) !== null && target(0, 1)) return toYMInterval(m[3], m[4], finalSign(m[1], m[2]));
    if ((m = YM_ONE.exec(s)) !== null) {
      const sign = finalSign(m[1]);
      const v = safe("year-month", () => BigInt(m?.[2] ?? "0"));
      if (end === 0) return safe("year-month", () => checkInt(sign * BigInt(checkInt(v * 12n))));
      if (start === 1) return safe("year-month", () => checkInt(sign * v));
      return formatMismatch(input, true, start, end);
    }
    if ((m = YM_ONE_LITERAL.exec(s)) !== null) {
      const sign = finalSign(m[1], m[2]);
      const v = BigInt(m[3]);
      const unit = m[4].toUpperCase();
      if (unit === "YEAR" && target(0, 0)) return safe("year-month", () => checkInt(sign * BigInt(checkInt(v * 12n))));
      if (unit === "MONTH" && target(1, 1)) return safe("year-month", () => checkInt(sign * v));
      return formatMismatch(input, true, start, end);
    }
    return formatMismatch(input, true, start, end);
  });
}

function safe<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Problem) fail(`Error parsing interval ${what} string: ${e.message}`);
    throw e;
  }
}

function toYMInterval(year: string, month: string, sign: bigint): number {
  return safe("year-month", () => {
    const years = toLongWithRange("year", year, 0n, BigInt(Math.floor(INT_MAX / 12)));
    return checkInt(sign * (years * 12n + toLongWithRange("month", month, 0n, 11n)));
  });
}

const N = "(\\d{1,2})";
const MICRO = "(\\.\\d{1,9})";
function dtRegexes(body: string, units: string): [RegExp, RegExp] {
  return [new RegExp(`^([+|-])?${body}$`), new RegExp(`^INTERVAL\\s+([+|-])?'([+|-])?${body}'\\s+${units}$`, "i")];
}
const DAY_HOUR = dtRegexes(`(\\d{1,9}) ${N}`, "DAY\\s+TO\\s+HOUR");
const DAY_MINUTE = dtRegexes(`(\\d{1,9}) ${N}:${N}`, "DAY\\s+TO\\s+MINUTE");
const DAY_SECOND = dtRegexes(`(\\d{1,9}) ${N}:${N}:${N}${MICRO}?`, "DAY\\s+TO\\s+SECOND");
const HOUR_MINUTE = dtRegexes(`(\\d{1,10}):${N}`, "HOUR\\s+TO\\s+MINUTE");
const HOUR_SECOND = dtRegexes(`(\\d{1,10}):${N}:${N}${MICRO}?`, "HOUR\\s+TO\\s+SECOND");
const MINUTE_SECOND = dtRegexes(`(\\d{1,12}):${N}${MICRO}?`, "MINUTE\\s+TO\\s+SECOND");
const DT_ONE = /^([+|-])?(\d{1,13})(\.\d{1,9})?$/;
const DT_ONE_LITERAL = /^INTERVAL\s+([+|-])?'([+|-])?(\d{1,13})(\.\d{1,9})?'\s+(DAY|HOUR|MINUTE|SECOND)$/i;

/**
 * Spark's `castStringToDTInterval`: microseconds of `[+|-]d h:m:s.n` and the other day-time forms
 * (or their ANSI literal text), for the target type's fields.
 */
export function castStringToDayTime(input: string, start: number, end: number): IntervalResult<bigint> {
  return attempt(() => {
    const s = trimAll(input);
    const target = (a: number, b: number) => start === a && end === b;
    const sm = (sec: string, micro: string | undefined) => (micro === undefined ? sec : sec + micro);
    const forms: [RegExp[], number, number, (g: string[], sign: bigint) => bigint][] = [
      [DAY_HOUR, 0, 1, (g, sign) => toDT4(g[0], g[1], "0", "0", sign)],
      [DAY_MINUTE, 0, 2, (g, sign) => toDT4(g[0], g[1], g[2], "0", sign)],
      [DAY_SECOND, 0, 3, (g, sign) => toDT4(g[0], g[1], g[2], sm(g[3], g[4]), sign)],
      [HOUR_MINUTE, 1, 2, (g, sign) => toDT3(g[0], g[1], "0", sign)],
      [HOUR_SECOND, 1, 3, (g, sign) => toDT3(g[0], g[1], sm(g[2], g[3]), sign)],
      [MINUTE_SECOND, 2, 3, (g, sign) => toDT2(g[0], g[1] + (g[2] ?? ""), sign)],
    ];
    for (const [[plain, literal], a, b, f] of forms) {
      if (!target(a, b)) continue;
      let m = plain.exec(s);
      if (m !== null) return f(m.slice(2), finalSign(m[1]));
      m = literal.exec(s);
      if (m !== null) return f(m.slice(3), finalSign(m[1], m[2]));
    }
    let m = DT_ONE.exec(s);
    if (m !== null) return dtOne(input, finalSign(m[1]), m[2], m[3], null, start, end);
    m = DT_ONE_LITERAL.exec(s);
    if (m !== null) return dtOne(input, finalSign(m[1], m[2]), m[3], m[4], m[5].toUpperCase(), start, end);
    return formatMismatch(input, false, start, end);
  });
}

function dtOne(input: string, sign: bigint, value: string, suffix: string | undefined, unit: string | null, start: number, end: number): bigint {
  return safe("day-time", () => {
    const field = unit === null ? (start === end ? start : -1) : ["DAY", "HOUR", "MINUTE", "SECOND"].indexOf(unit);
    if (field !== start || field !== end) return formatMismatch(input, false, start, end);
    const maxLen = [9, 10, 12, 13][field];
    if (value.length > maxLen || (field < 3 && suffix !== undefined)) return formatMismatch(input, false, start, end);
    if (field < 3) return BigInt.asIntN(64, sign * BigInt(value) * [MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE][field]);
    const text = value + (suffix ?? "");
    return parseSecondNano(sign < 0n ? `-${text}` : text);
  });
}

function toDT4(day: string, hour: string, minute: string, second: string, sign: bigint): bigint {
  let micros = checkLong(sign * toLongWithRange("day", day, 0n, MAX_DAY) * MICROS_PER_DAY);
  micros = checkLong(micros + sign * toLongWithRange("hour", hour, 0n, 23n) * MICROS_PER_HOUR);
  micros = checkLong(micros + sign * toLongWithRange("minute", minute, 0n, 59n) * MICROS_PER_MINUTE);
  return checkLong(micros + sign * parseSecondNano(second, 0n, 59n));
}

function toDT3(hour: string, minute: string, second: string, sign: bigint): bigint {
  let micros = checkLong(sign * toLongWithRange("hour", hour, 0n, MAX_HOUR) * MICROS_PER_HOUR);
  micros = checkLong(micros + sign * toLongWithRange("minute", minute, 0n, 59n) * MICROS_PER_MINUTE);
  return checkLong(micros + sign * parseSecondNano(second, 0n, 59n));
}

function toDT2(minute: string, second: string, sign: bigint): bigint {
  const micros = checkLong(sign * toLongWithRange("minute", minute, 0n, MAX_MINUTE) * MICROS_PER_MINUTE);
  return checkLong(micros + sign * parseSecondNano(second, 0n, 59n));
}

function parseNanos(nanos: string, negative: boolean): bigint {
  const aligned = nanos.length < 9 ? (nanos + "000000000").slice(0, 9) : nanos;
  const micro = toLongWithRange("nanosecond", aligned, 0n, 999_999_999n) / 1000n;
  return negative ? -micro : micro;
}

function parseSecondNano(secondNano: string, min = -MAX_SECOND, max = MAX_SECOND): bigint {
  // Java's split drops trailing empty strings: "5." is ["5"].
  const parts = secondNano.split(".");
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length === 1) return toLongWithRange("second", parts[0], min, max) * MICROS_PER_SECOND;
  if (parts.length === 2) {
    if (parts[0] === "") return parseNanos(parts[1], false);
    const seconds = toLongWithRange("second", parts[0], min, max) * MICROS_PER_SECOND;
    return checkLong(seconds + parseNanos(parts[1], seconds < 0n));
  }
  return fail("Interval string does not match second-nano format of ss.nnnnnnnnn");
}

// ---------------------------------------------------------------------------------------------
// Reading calendar interval text (`stringToInterval`)

const UNIT_WORDS: readonly [string, (v: bigint, frac: bigint, acc: { months: bigint; days: bigint; micros: bigint }) => void][] = [
  ["year", (v, _f, a) => void (a.months += v * 12n)],
  ["week", (v, _f, a) => void (a.days += v * 7n)],
  ["day", (v, _f, a) => void (a.days += v)],
  ["hour", (v, _f, a) => void (a.micros += v * MICROS_PER_HOUR)],
  ["second", (v, f, a) => void (a.micros += v * MICROS_PER_SECOND + f)],
  ["month", (v, _f, a) => void (a.months += v)],
  ["minute", (v, _f, a) => void (a.micros += v * MICROS_PER_MINUTE)],
  ["millisecond", (v, _f, a) => void (a.micros += v * 1000n)],
  ["microsecond", (v, _f, a) => void (a.micros += v)],
];

/**
 * Spark's `stringToInterval`: `[interval] <value> <unit> ...` (case-insensitive; units singular or
 * plural; only seconds take a fraction, up to nanoseconds, truncated to microseconds).
 */
export function parseCalendarInterval(input: string): IntervalResult<CalendarParts> {
  const bad = (msg: string): IntervalResult<CalendarParts> => ({ ok: false, problem: `Error parsing '${input}' to interval, ${msg}` });
  const s = trimAll(input).toLowerCase();
  if (s === "") return bad("interval string cannot be empty");
  let rest = s;
  if (rest.startsWith("interval")) {
    if (rest.length === 8) return bad("interval string cannot be empty");
    if (!/\s/.test(rest[8])) return bad(`invalid interval prefix ${rest.split(/\s+/)[0]}`);
    rest = rest.slice(9);
  }
  const acc = { months: 0n, days: 0n, micros: 0n };
  const token = /\s*([+-]?)\s*(\d*)(?:\.(\d*))?(\s*)([a-z]*)(\S*)/y;
  rest = rest.trim();
  let i = 0;
  while (i < rest.length) {
    token.lastIndex = i;
    const m = token.exec(rest);
    if (m === null) return bad("invalid value");
    const [whole, sign, int, frac, gap, word, tail] = m;
    const hasFrac = frac !== undefined;
    if (int === "" && !hasFrac) return bad(`unrecognized number '${whole.trim().split(/\s+/)[0]}'`);
    if (hasFrac && int === "" && frac === "") return bad(`invalid value '${whole.trim()}'`);
    if (word === "") {
      if (tail !== "" && gap === "") return bad(`invalid value '${(int + (hasFrac ? `.${frac}` : "") + tail).trim()}'`);
      return bad(`expect a unit name after '${(int + (hasFrac ? `.${frac}` : "")).trim()}' but hit EOL`);
    }
    if (gap === "") return bad(`invalid value '${int}${hasFrac ? `.${frac}` : ""}${word}'`);
    if (tail !== "") return bad(`invalid unit '${word}${tail}'`);
    if (hasFrac && frac.length > 9) return bad(`interval can only support nanosecond precision, '${int}.${frac}' is out of range`);
    const entry = UNIT_WORDS.find(([u]) => word === u || word === `${u}s`);
    if (entry === undefined) return bad(`invalid unit '${word}'`);
    if (hasFrac && entry[0] !== "second") return bad(`'${int}.${frac}' cannot have fractional part`);
    const neg = sign === "-";
    const value = BigInt(int === "" ? "0" : int);
    if (value > LONG_MAX) return bad("long overflow");
    const fracMicros = hasFrac ? BigInt((frac + "000000000").slice(0, 9)) / 1000n : 0n;
    entry[1](neg ? -value : value, neg ? -fracMicros : fracMicros, acc);
    if (acc.months > BigInt(INT_MAX) || acc.months < BigInt(INT_MIN) || acc.days > BigInt(INT_MAX) || acc.days < BigInt(INT_MIN)) return bad("integer overflow");
    if (acc.micros > LONG_MAX || acc.micros < LONG_MIN) return bad("long overflow");
    i += whole.length;
  }
  return { ok: true, value: { months: Number(acc.months), days: Number(acc.days), micros: acc.micros } };
}

/**
 * Spark's `getDuration(interval, MICROSECONDS)`: months count as 31 days, days as 24 hours.
 * Null when the result overflows a long.
 */
export function calendarDurationMicros(c: CalendarParts): bigint | null {
  const v = BigInt(c.months) * 31n * MICROS_PER_DAY + BigInt(c.days) * MICROS_PER_DAY + c.micros;
  return v > LONG_MAX || v < LONG_MIN ? null : v;
}

// ---------------------------------------------------------------------------------------------
// Literal values

/** The calendar interval in a 16-byte literal value (months i32, days i32, micros i64, little-endian). */
export function decodeCalendarBytes(bytes: Uint8Array): CalendarParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return { months: view.getInt32(0, true), days: view.getInt32(4, true), micros: view.getBigInt64(8, true) };
}

/**
 * Spark's `Literal.sql` of an interval value (months for year-month, micros for day-time, the
 * 16 bytes for calendar): `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '1 days 2 hours'`.
 */
export function intervalLiteralSql(v: unknown, t: DataType): string {
  if (t.typeName === "yearmonthinterval" && typeof v === "number") return formatYearMonth(v, "ansi", t.startField, t.endField);
  if (t.typeName === "daytimeinterval" && typeof v === "bigint") return formatDayTime(v, "ansi", t.startField, t.endField);
  if (t.typeName === "interval" && v instanceof Uint8Array) {
    const c = decodeCalendarBytes(v);
    return `INTERVAL '${formatCalendar(c.months, c.days, c.micros)}'`;
  }
  return String(v);
}
