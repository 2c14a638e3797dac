/**
 * Analysis of arithmetic over dates, timestamps and intervals, as Spark 3.5's
 * `ResolveBinaryArithmetic` rewrites it (non-ANSI):
 * - `date ± int` is `date_add`/`date_sub`; `date - date` a day interval; `timestamp - timestamp`
 *   (or a date or string against a timestamp) a day-time interval of wall-clock difference;
 * - `date ± year-month` stays a date; `date ± day-time` is a timestamp (a date plus whole days
 *   stays a date); `timestamp ± interval` is a timestamp; `date ± calendar` a date;
 *   `string ± day-time/calendar` is the timestamp arithmetic cast back to string;
 * - `interval ± interval` of the same kind; `interval * number`, `number * interval` and
 *   `interval / number` (ANSI results are `INTERVAL YEAR TO MONTH` / `INTERVAL DAY TO SECOND`);
 * - `-interval`.
 * Each rewrite is a call of an internal kernel (`$…` names, not callable from SQL) so that the
 * session time zone travels in its options.
 */
import type { DataType } from "../../types/data-types.js";
import { ByteType, DateType, DayTimeIntervalType, DecimalType, DoubleType, IntegerType, LongType, TimestampNTZType, StringType, TimestampType, YearMonthIntervalType, isAnsiInterval, isIntegral, isNumeric } from "../../types/data-types.js";
import { AnalysisError } from "../../errors.js";
import type { BoundCall, BoundExpr } from "./bound.js";
import { sessionTimeZone } from "./session-zone.js";
import { typeString } from "./coercion.js";

type Cast = (e: BoundExpr, t: DataType) => BoundExpr;

/** The source of a binary arithmetic node (the output-name key) and the SQL text of it and its operands. */
export interface SqlText {
  readonly node: object;
  readonly whole: string;
  readonly left: string;
  readonly right: string;
}

/** Output names Spark gives the rewritten expressions (`date_add(d, 1)`, `d + INTERVAL '1' DAY`), by source node. */
const NAMES = new WeakMap<object, string>();

function named(src: SqlText, text: string, b: BoundExpr): BoundExpr {
  NAMES.set(src.node, text);
  return b;
}

/**
 * The output name of a source arithmetic node that analysis rewrote as Spark does (undefined for
 * the others). Valid once the node has been bound.
 */
export function intervalArithmeticName(node: object): string | undefined {
  return NAMES.get(node);
}

/** Internal kernel names (see `functions/interval.ts`). */
export const INTERVAL_KERNELS = {
  dateAddDays: "$date_add_days",
  dateAddYm: "$date_add_ym",
  timestampAddYm: "$timestamp_add_ym",
  timeAdd: "$time_add",
  dateAddCalendar: "$date_add_calendar",
  subtractTimestamps: "$subtract_timestamps",
  subtractDates: "$subtract_dates",
  intervalAdd: "$interval_add",
  intervalSubtract: "$interval_subtract",
  intervalMultiply: "$interval_multiply",
  intervalDivide: "$interval_divide",
  intervalNegate: "$interval_negate",
  extractDays: "$extract_days",
  intervalDiv: "$interval_div",
  extractField: "$extract_interval",
  abs: "$interval_abs",
  toDouble: "$interval_to_double",
} as const;

/** Names that are kernels of this module's rewrites only. */
export const INTERNAL_INTERVAL_NAMES: readonly string[] = Object.values(INTERVAL_KERNELS);

function call(name: string, args: readonly BoundExpr[], dataType: DataType, zoned: boolean, nullable = args.some((a) => a.nullable)): BoundCall {
  return {
    kind: "call",
    // TIMESTAMP_NTZ arithmetic is on wall-clock times: no zone.
    fn: { name, prettyName: name, options: zoned ? { timeZone: args.some((a) => a.dataType.typeName === "timestamp_ntz") ? "UTC" : sessionTimeZone() } : {} },
    args,
    dataType,
    nullable,
  };
}

const isCalendar = (t: DataType) => t.typeName === "interval";
const isDt = (t: DataType) => t.typeName === "daytimeinterval";
const isYm = (t: DataType) => t.typeName === "yearmonthinterval";
const isAnyInterval = (t: DataType) => isCalendar(t) || isAnsiInterval(t);
/** TIMESTAMP or TIMESTAMP_NTZ (Spark's AnyTimestampType). */
const isTs = (t: DataType) => t.typeName === "timestamp" || t.typeName === "timestamp_ntz";
const isDate = (t: DataType) => t.typeName === "date";
const isNull = (t: DataType) => t.typeName === "null";
const isDayOnly = (t: DataType) => t.typeName === "daytimeinterval" && t.startField === 0 && t.endField === 0;

/**
 * The bound form of `l op r` when Spark rewrites it as date, timestamp or interval arithmetic;
 * undefined when the operands are plain numbers (or strings) for the numeric rules.
 * @throws AnalysisError for operand types Spark refuses with an interval (`interval + 1`).
 */
export function bindIntervalArithmetic(
  op: "+" | "-" | "*" | "/" | "%" | "div",
  l: BoundExpr,
  r: BoundExpr,
  cast: Cast,
  src: SqlText,
): BoundExpr | undefined {
  const sql = src.whole;
  const lt = l.dataType;
  const rt = r.dataType;
  if (!(isAnyInterval(lt) || isAnyInterval(rt) || isDate(lt) || isDate(rt) || (op === "-" && (isTs(lt) || isTs(rt))))) return undefined;
  switch (op) {
    case "+":
      return add(l, r, cast, src);
    case "-":
      return subtract(l, r, cast, src);
    case "*":
      if (isAnyInterval(lt)) return multiply(l, r, cast, sql);
      if (isAnyInterval(rt)) return named(src, `(${src.right} * ${src.left})`, multiply(r, l, cast, sql));
      return undefined;
    case "/":
      if (isAnyInterval(lt)) return divide(l, r, cast, sql);
      if (isAnyInterval(rt)) return mismatch(sql, rt);
      return undefined;
    case "div": {
      if (!isAnyInterval(lt) && !isAnyInterval(rt)) return undefined;
      const same = isAnsiInterval(lt) || isAnsiInterval(rt) ? sameKind(l, r, cast, sql) : undefined;
      if (same === undefined) return mismatch(sql, isAnyInterval(lt) ? rt : lt);
      return call(INTERVAL_KERNELS.intervalDiv, same, LongType(), false, true);
    }
    default:
      if (isAnyInterval(lt) || isAnyInterval(rt)) return mismatch(sql, isAnyInterval(lt) ? lt : rt);
      return undefined;
  }
}

/**
 * Checks a comparison's operands when either is an interval: Spark compares a year-month interval
 * only with a year-month one, a day-time with a day-time one (or NULL), and calendar intervals for
 * equality only.
 * @throws AnalysisError for any other pairing (`INTERVAL '1' DAY = '1'`).
 */
export function checkIntervalComparison(a: DataType, b: DataType, op: string, sql: string): void {
  if (!isAnyInterval(a) && !isAnyInterval(b)) return;
  if (isNull(a) || isNull(b)) return;
  if ((isYm(a) && isYm(b)) || (isDt(a) && isDt(b))) return;
  if (isCalendar(a) && isCalendar(b) && (op === "=" || op === "<=>" || op === "!=")) return;
  throw new AnalysisError(`analysis: cannot compare ${typeString(a)} with ${typeString(b)} in '${sql}'`);
}

const TRY_OPS: Readonly<Record<string, "+" | "-" | "*" | "/">> = { try_add: "+", try_subtract: "-", try_multiply: "*", try_divide: "/" };

/**
 * `try_add` / `try_subtract` / `try_multiply` / `try_divide` when an operand is an interval: the
 * operator's rewrite, null instead of an overflow or division-by-zero error. Undefined when no
 * operand is an interval (the numeric and date forms are the math functions').
 */
export function bindIntervalTry(name: string, l: BoundExpr, r: BoundExpr, cast: Cast, src: SqlText): BoundExpr | undefined {
  const op = TRY_OPS[name];
  if (op === undefined || (!isAnyInterval(l.dataType) && !isAnyInterval(r.dataType))) return undefined;
  const b = bindIntervalArithmetic(op, l, r, cast, src);
  if (b === undefined || b.kind !== "call") return b;
  return { ...b, nullable: true, fn: { ...b.fn, options: { ...b.fn.options, try: "true" } } };
}

/**
 * The math functions Spark also defines on ANSI intervals: `abs` (exact, same type), `signum`
 * (a double) and `width_bucket` (over the months or microseconds). Undefined when no argument is
 * an interval.
 */
export function bindIntervalMath(name: string, args: readonly BoundExpr[], cast: Cast): BoundExpr | undefined {
  if (!args.some((a) => isAnyInterval(a.dataType))) return undefined;
  const asDouble = (a: BoundExpr) => (isAnsiInterval(a.dataType) ? call(INTERVAL_KERNELS.toDouble, [a], DoubleType(), a.nullable) : cast(a, DoubleType()));
  const external = (fn: string, xs: BoundExpr[], t: DataType, nullable: boolean): BoundCall => ({ kind: "call", fn: { name: fn, prettyName: name, options: {} }, args: xs, dataType: t, nullable });
  switch (name) {
    case "abs":
      if (args.length !== 1 || !isAnsiInterval(args[0].dataType)) return undefined;
      return call(INTERVAL_KERNELS.abs, args, args[0].dataType, false);
    case "signum":
    case "sign":
      if (args.length !== 1 || !isAnsiInterval(args[0].dataType)) return undefined;
      return external("signum", [asDouble(args[0])], DoubleType(), args[0].nullable);
    case "width_bucket": {
      if (args.length !== 4) return undefined;
      const kinds = args.slice(0, 3).map((a) => (isYm(a.dataType) ? "ym" : isDt(a.dataType) ? "dt" : isNull(a.dataType) ? null : "other"));
      const kind = kinds.find((k) => k !== null);
      if (kinds.some((k) => k !== null && k !== kind) || kind === "other") {
        throw new AnalysisError(`analysis: function width_bucket expects a value, minimum and maximum of one interval kind, got (${args.map((a) => typeString(a.dataType)).join(", ")})`);
      }
      return external("width_bucket", [...args.slice(0, 3).map(asDouble), cast(args[3], LongType())], LongType(), true);
    }
    default:
      return undefined;
  }
}

/** `-x` of an interval (undefined for other types). */
export function bindIntervalNegate(child: BoundExpr): BoundExpr | undefined {
  if (!isAnyInterval(child.dataType)) return undefined;
  return call(INTERVAL_KERNELS.intervalNegate, [child], child.dataType, false);
}

function mismatch(sql: string, t: DataType): never {
  throw new AnalysisError(`analysis: '${sql}' cannot be applied to ${typeString(t)}: DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE`);
}

function add(l: BoundExpr, r: BoundExpr, cast: Cast, src: SqlText): BoundExpr | undefined {
  const sql = src.whole;
  const lt = l.dataType;
  const rt = r.dataType;
  const plain = (b: BoundExpr) => named(src, `${src.left} + ${src.right}`, b);
  const swapped = (b: BoundExpr) => named(src, `${src.right} + ${src.left}`, b);
  if (isDate(lt) && isDayOnly(rt)) return named(src, `date_add(${src.left}, extractansiintervaldays(${src.right}))`, dateAddDays(l, extractDays(r), cast, sql));
  if (isDate(lt) && isDt(rt)) return plain(timeAdd(cast(l, TimestampType()), r));
  if (isDayOnly(lt) && isDate(rt)) return named(src, `date_add(${src.right}, extractansiintervaldays(${src.left}))`, dateAddDays(r, extractDays(l), cast, sql));
  if (isDt(lt) && isDate(rt)) return swapped(timeAdd(cast(r, TimestampType()), l));
  if (isDate(lt) && isYm(rt)) return plain(call(INTERVAL_KERNELS.dateAddYm, [l, r], DateType(), false));
  if (isYm(lt) && isDate(rt)) return swapped(call(INTERVAL_KERNELS.dateAddYm, [r, l], DateType(), false));
  if (isTs(lt) && isYm(rt)) return plain(call(INTERVAL_KERNELS.timestampAddYm, [l, r], lt, true));
  if (isYm(lt) && isTs(rt)) return swapped(call(INTERVAL_KERNELS.timestampAddYm, [r, l], rt, true));
  const same = sameKind(l, r, cast, sql);
  if (same !== undefined) return call(INTERVAL_KERNELS.intervalAdd, same, same[0].dataType, false);
  if (isDate(lt) && isCalendar(rt)) return plain(call(INTERVAL_KERNELS.dateAddCalendar, [l, r], DateType(), true));
  if (isCalendar(lt) && isDate(rt)) return swapped(call(INTERVAL_KERNELS.dateAddCalendar, [r, l], DateType(), true));
  if (isCalendar(rt) || isDt(rt)) return plain(castBack(timeAdd(asTimestamp(l, cast, sql), r), lt, cast));
  if (isCalendar(lt) || isDt(lt)) return swapped(castBack(timeAdd(asTimestamp(r, cast, sql), l), rt, cast));
  if (isDate(lt) && !isStringish(rt)) return named(src, `date_add(${src.left}, ${src.right})`, dateAddDays(l, r, cast, sql));
  if (isDate(rt) && !isStringish(lt)) return named(src, `date_add(${src.right}, ${src.left})`, dateAddDays(r, l, cast, sql));
  if (isYm(lt) || isYm(rt)) return mismatch(sql, isYm(lt) ? rt : lt);
  return undefined;
}

function extractDays(e: BoundExpr): BoundExpr {
  return call(INTERVAL_KERNELS.extractDays, [e], IntegerType(), e.nullable);
}

function subtract(l: BoundExpr, r: BoundExpr, cast: Cast, src: SqlText): BoundExpr | undefined {
  const sql = src.whole;
  const lt = l.dataType;
  const rt = r.dataType;
  const plain = (b: BoundExpr) => named(src, `${src.left} - ${src.right}`, b);
  if (isDate(lt) && isDayOnly(rt)) return named(src, `date_add(${src.left}, (- extractansiintervaldays(${src.right})))`, dateAddDays(l, negate(extractDays(r)), cast, sql));
  if (isDate(lt) && isDt(rt)) return plain(timeAdd(cast(l, TimestampType()), negate(r)));
  if (isDate(lt) && isYm(rt)) return plain(call(INTERVAL_KERNELS.dateAddYm, [l, negate(r)], DateType(), false));
  if (isTs(lt) && isYm(rt)) return plain(call(INTERVAL_KERNELS.timestampAddYm, [l, negate(r)], lt, true));
  const same = sameKind(l, r, cast, sql);
  if (same !== undefined) return call(INTERVAL_KERNELS.intervalSubtract, same, same[0].dataType, false);
  if (isDate(lt) && isCalendar(rt)) return plain(call(INTERVAL_KERNELS.dateAddCalendar, [l, negate(r)], DateType(), true));
  if (isCalendar(rt) || isDt(rt)) return plain(castBack(timeAdd(asTimestamp(l, cast, sql), negate(r)), lt, cast));
  if (isAnyInterval(lt) || isAnyInterval(rt)) return mismatch(sql, isAnyInterval(lt) ? rt : lt);
  if (isTs(lt) || isTs(rt)) {
    // Spark refuses a string against a timestamp here (it reads one for TimeAdd only).
    // Both sides become the wider of the two timestamp types (a date or NULL takes the other's).
    const target = lt.typeName === "timestamp" || rt.typeName === "timestamp" ? TimestampType() : TimestampNTZType();
    const a = cast(asTimestamp(l, cast, sql, false, target), target);
    const b = cast(asTimestamp(r, cast, sql, false, target), target);
    return call(INTERVAL_KERNELS.subtractTimestamps, [a, b], DayTimeIntervalType(0, 3), true);
  }
  if (isDate(rt)) {
    const a = asDate(l, cast, sql);
    return call(INTERVAL_KERNELS.subtractDates, [a, r], DayTimeIntervalType(0, 0), false);
  }
  if (isDate(lt) && !isStringish(rt)) return named(src, `date_sub(${src.left}, ${src.right})`, dateAddDays(l, negate(isNull(rt) ? cast(r, IntegerType()) : r), cast, sql));
  return undefined;
}

/** Two intervals of one kind (or one with a NULL), widened to their common type. */
function sameKind(l: BoundExpr, r: BoundExpr, cast: Cast, sql: string): [BoundExpr, BoundExpr] | undefined {
  const lt = l.dataType;
  const rt = r.dataType;
  if (isNull(lt) && isAnsiInterval(rt)) return [cast(l, rt), r];
  if (isAnsiInterval(lt) && isNull(rt)) return [l, cast(r, lt)];
  if (isCalendar(lt) && isCalendar(rt)) return [l, r];
  if ((isYm(lt) && isYm(rt)) || (isDt(lt) && isDt(rt))) {
    const a = lt as { startField: number; endField: number };
    const b = rt as { startField: number; endField: number };
    const start = Math.min(a.startField, b.startField);
    const end = Math.max(a.endField, b.endField);
    const t = isYm(lt) ? YearMonthIntervalType(start, end) : DayTimeIntervalType(start, end);
    return [cast(l, t), cast(r, t)];
  }
  if ((isYm(lt) && isDt(rt)) || (isDt(lt) && isYm(rt))) mismatch(sql, rt);
  return undefined;
}

function isStringish(t: DataType): boolean {
  return t.typeName === "string";
}

function negate(e: BoundExpr): BoundExpr {
  if (isAnyInterval(e.dataType)) return call(INTERVAL_KERNELS.intervalNegate, [e], e.dataType, false);
  return { kind: "unary", op: "negate", child: e, dataType: e.dataType, nullable: e.nullable };
}

function dateAddDays(date: BoundExpr, days: BoundExpr, cast: Cast, sql: string): BoundExpr {
  const t = days.dataType;
  if (!(isIntegral(t) || isNull(t) || (isNumeric(t) && t.typeName !== "float" && t.typeName !== "double" && t.typeName !== "decimal"))) {
    throw new AnalysisError(`analysis: '${sql}': date_add expects an integer number of days, got ${typeString(t)}`);
  }
  const n = t.typeName === "integer" || t.typeName === "short" || t.typeName === "byte" ? days : cast(days, IntegerType());
  return call(INTERVAL_KERNELS.dateAddDays, [date, n], DateType(), false);
}

function timeAdd(ts: BoundExpr, interval: BoundExpr): BoundExpr {
  return call(INTERVAL_KERNELS.timeAdd, [ts, interval], ts.dataType, true);
}

function asTimestamp(e: BoundExpr, cast: Cast, sql: string, strings = true, target: DataType = TimestampType()): BoundExpr {
  const t = e.dataType;
  if (isTs(t)) return e;
  if (isDate(t) || (strings && t.typeName === "string") || isNull(t)) return cast(e, target);
  throw new AnalysisError(`analysis: '${sql}' requires a timestamp operand, got ${typeString(t)}`);
}

function asDate(e: BoundExpr, cast: Cast, sql: string): BoundExpr {
  const t = e.dataType;
  if (isDate(t)) return e;
  if (t.typeName === "string" || isNull(t)) return cast(e, DateType());
  throw new AnalysisError(`analysis: '${sql}' requires a date operand, got ${typeString(t)}`);
}

/** `Cast(TimeAdd(l, r), l.dataType)`: string (or null) operands get their type back. */
function castBack(e: BoundExpr, original: DataType, cast: Cast): BoundExpr {
  return isTs(original) ? e : cast(e, isNull(original) ? StringType() : original);
}

function multiply(interval: BoundExpr, num: BoundExpr, cast: Cast, sql: string): BoundExpr {
  const it = interval.dataType;
  const n = numericArg(num, cast, sql, isCalendar(it));
  const t = isYm(it) ? YearMonthIntervalType() : isDt(it) ? DayTimeIntervalType() : it;
  return call(INTERVAL_KERNELS.intervalMultiply, [interval, n], t, false, true);
}

function divide(interval: BoundExpr, num: BoundExpr, cast: Cast, sql: string): BoundExpr {
  const it = interval.dataType;
  const n = numericArg(num, cast, sql, isCalendar(it));
  const t = isYm(it) ? YearMonthIntervalType() : isDt(it) ? DayTimeIntervalType() : it;
  return call(INTERVAL_KERNELS.intervalDivide, [interval, n], t, false, true);
}

/** The numeric operand of `*` and `/`: strings and NULL read as double (calendar intervals take doubles only). */
function numericArg(num: BoundExpr, cast: Cast, sql: string, double: boolean): BoundExpr {
  const t = num.dataType;
  if (t.typeName === "string" || isNull(t)) return cast(num, DoubleType());
  if (!isNumeric(t)) return mismatch(sql, t);
  return double ? cast(num, DoubleType()) : num;
}

const EXTRACT_FIELDS: Readonly<Record<string, "year" | "month" | "day" | "hour" | "minute" | "second">> = {
  YEAR: "year", Y: "year", YEARS: "year", YR: "year", YRS: "year",
  MONTH: "month", MON: "month", MONS: "month", MONTHS: "month",
  DAY: "day", D: "day", DAYS: "day",
  HOUR: "hour", H: "hour", HOURS: "hour", HR: "hour", HRS: "hour",
  MINUTE: "minute", M: "minute", MIN: "minute", MINS: "minute", MINUTES: "minute",
  SECOND: "second", S: "second", SEC: "second", SECONDS: "second", SECS: "second",
};

/**
 * `extract(field FROM interval)` / `date_part(field, interval)` as Spark's ExtractIntervalPart:
 * years (int) and months (tinyint) of year-month and calendar intervals; days (int), hours and
 * minutes (tinyint) and seconds (decimal(8,6)) of day-time and calendar intervals. An ANSI
 * interval must contain the field. Undefined when `source` is not an interval (the datetime
 * function handles it).
 * @throws AnalysisError for a field the interval does not have.
 */
export function bindIntervalExtract(fieldArg: { kind: string; value?: unknown }, source: BoundExpr): BoundExpr | undefined {
  const t = source.dataType;
  if (!isAnyInterval(t)) return undefined;
  // Spark: a NULL field gives a NULL double.
  if (fieldArg.kind === "literal" && fieldArg.value === null) return { kind: "literal", value: null, dataType: DoubleType(), nullable: true };
  const text = fieldArg.kind === "literal" && typeof fieldArg.value === "string" ? fieldArg.value : null;
  const field = text === null ? undefined : EXTRACT_FIELDS[text.trim().toUpperCase()];
  const fail = (): never => {
    throw new AnalysisError(`analysis: the field ${text === null ? "(not a string literal)" : `'${text}'`} cannot be extracted from ${typeString(t)}`);
  };
  if (field === undefined) return fail();
  const ymField = field === "year" ? 0 : field === "month" ? 1 : -1;
  const dtField = ["day", "hour", "minute", "second"].indexOf(field);
  if (t.typeName === "yearmonthinterval" && !(ymField >= 0 && t.startField <= ymField && ymField <= t.endField)) return fail();
  if (t.typeName === "daytimeinterval" && !(dtField >= 0 && t.startField <= dtField && dtField <= t.endField)) return fail();
  const type = field === "year" || field === "day" ? IntegerType() : field === "second" ? DecimalType(8, 6) : ByteType();
  return { ...call(INTERVAL_KERNELS.extractField, [source], type, false), fn: { name: INTERVAL_KERNELS.extractField, prettyName: "extract", options: { field } } };
}

/**
 * Output names Spark gives these calls: make_interval / make_dt_interval / make_ym_interval list
 * the defaulted arguments; extract and datepart use the `FROM` form.
 */
export function intervalCallSql(name: string, args: readonly string[]): string | undefined {
  const defaults: Readonly<Record<string, readonly string[]>> = {
    make_interval: ["0", "0", "0", "0", "0", "0", "0.000000"],
    make_dt_interval: ["0", "0", "0", "0.000000"],
    make_ym_interval: ["0", "0"],
  };
  // `EXTRACT(f FROM x)` (parsed as extract('f', x)) and datepart print the FROM form, as Spark's.
  if ((name === "extract" || name === "datepart") && args.length === 2) return `${name}(${args[0]} FROM ${args[1]})`;
  const d = defaults[name];
  if (d === undefined || args.length > d.length) return undefined;
  return `${name}(${[...args, ...d.slice(args.length)].join(", ")})`;
}
