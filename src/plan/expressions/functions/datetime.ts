/**
 * Date and time functions that read or write wall-clock times (Spark's `TimeZoneAwareExpression`s
 * and the pattern functions): parsing and formatting with datetime patterns, zone conversions,
 * make_timestamp, timestampadd / timestampdiff, extract, and the time-window expressions.
 */
import type { DataType } from "../../../types/data-types.js";
import { DateType, DecimalType, DoubleType, IntegerType, LongType, StringType, TimestampNTZType, TimestampType, isNumeric } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import { typeString } from "../coercion.js";
import type { FunctionDef, ResolveContext } from "./define.js";
import type { BoundExpr } from "../bound.js";
import { expectArg, simple } from "./define.js";
import { ansiEnabled, sessionSetting } from "../session-zone.js";
import { SESSION_WINDOW_FUNCTION, sessionGapMicros, TIME_WINDOW_FUNCTION, timeWindowOptions, timeWindowSpec, timeWindowType } from "../time-window-spec.js";

const S = StringType();

export const DATETIME_FUNCTIONS: readonly FunctionDef[] = [
  ansiErrors(toTimestamp("to_timestamp", "session")),
  ansiErrors(toTimestamp("to_timestamp_ltz", "ltz")),
  ansiErrors(toTimestamp("to_timestamp_ntz", "ntz")),
  // Non-ANSI, to_timestamp already gives null for a text it cannot parse; Spark's upgrade errors stand.
  toTimestamp("try_to_timestamp", "session"),
  ansiErrors({
    name: "to_date",
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const a = ctx.args[0];
      // A date or timestamp is cast, its pattern unused (Spark's GetTimestamp passes it through).
      if (a.dataType.typeName === "date" || a.dataType.typeName === "timestamp") {
        return { args: [ctx.cast(a, DateType())], dataType: DateType(), nullable: a.nullable };
      }
      const arg = expectArg(ctx, 0, "string");
      const f = formatOption(ctx, 1, null);
      return { args: withFormatArg([arg], f), dataType: DateType(), nullable: true, options: f.options };
    },
  }),
  simple("current_timestamp", [], TimestampType(), { aliases: ["now"], neverNull: true }),
  // The session time zone's wall clock now (Spark's LocalTimestamp).
  zoned(simple("localtimestamp", [], TimestampNTZType(), { neverNull: true })),
  zoned(simple("current_date", [], DateType(), { aliases: ["curdate"], neverNull: true })),
  zoned(simple("current_timezone", [], StringType(), { neverNull: true })),
  {
    name: "date_trunc",
    timeZoneAware: true,
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const unit = expectArg(ctx, 0, "string");
      // A TIMESTAMP_NTZ is truncated as it is, in UTC (Spark's TruncTimestamp over AnyTimestampType).
      if (ctx.args[1].dataType.typeName === "timestamp_ntz") {
        return { args: [unit, ctx.args[1]], dataType: TimestampNTZType(), nullable: true, options: WALL_CLOCK };
      }
      const ts = expectArg(ctx, 1, "timestamp");
      return { args: [unit, ts], dataType: TimestampType(), nullable: true };
    },
  },
  {
    // `window(ts, …)` as an expression: a row's newest window. A select or groupBy calling it gets
    // Spark's plan rewrite first (plan/time-window.ts: nulls dropped, sliding windows expanded);
    // this definition types it wherever it is bound.
    name: TIME_WINDOW_FUNCTION,
    aliases: ["window"],
    minArgs: 2,
    maxArgs: 4,
    constantArgs: [1, 2, 3],
    resolve(ctx) {
      const ts = windowTime(ctx);
      const spec = timeWindowSpec(ctx.raw, ts);
      return { args: [ts], dataType: timeWindowType(), nullable: false, options: timeWindowOptions(spec, 0) };
    },
  },
  {
    // `session_window(ts, gap)` as an expression: a row's own session [ts, ts + gap), before
    // sessions merge. An aggregation grouping by it merges them (plan/time-window.ts).
    name: SESSION_WINDOW_FUNCTION,
    aliases: ["session_window"],
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const ts = windowTime(ctx);
      const gap = sessionGapMicros(ctx.raw, ts, ctx.args[1]);
      return gap === null
        ? { args: [ts, ctx.args[1]], dataType: timeWindowType(), nullable: false }
        : { args: [ts], dataType: timeWindowType(), nullable: false, options: { gap: String(gap) } };
    },
  },
  {
    // The window column of `window(…)` (plan/time-window.ts): its end minus 1 µs, the latest event
    // time the window holds.
    name: "window_time",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const w = ctx.args[0];
      const t = w.dataType;
      const ok = t.typeName === "struct" && t.fields.length === 2 && t.fields[0].name === "start" && t.fields[1].name === "end" && t.fields.every((f) => f.dataType.typeName === "timestamp");
      if (!ok) throw new AnalysisError(`analysis: window_time: the input is not a correct window column, got ${typeString(t)}`);
      return { args: [w], dataType: TimestampType(), nullable: true };
    },
  },
  {
    name: "date_format",
    timeZoneAware: true,
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const ts = expectArg(ctx, 0, "timestamp");
      const f = formatOption(ctx, 1, "yyyy-MM-dd HH:mm:ss");
      return { args: withFormatArg([ts], f), dataType: S, nullable: true, options: f.options };
    },
  },
  ansiErrors(unixTimestamp("unix_timestamp", 0)),
  ansiErrors(unixTimestamp("to_unix_timestamp", 1)),
  {
    name: "from_unixtime",
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const sec = expectArg(ctx, 0, LongType());
      const f = formatOption(ctx, 1, "yyyy-MM-dd HH:mm:ss");
      return { args: withFormatArg([sec], f), dataType: S, nullable: true, options: f.options };
    },
  },
  simple("from_utc_timestamp", ["timestamp", "string"], TimestampType()),
  simple("to_utc_timestamp", ["timestamp", "string"], TimestampType()),
  {
    name: "convert_timezone",
    minArgs: 2,
    maxArgs: 3,
    timeZoneAware: true,
    resolve(ctx) {
      // ([sourceTz, ]targetTz, ts): the source zone defaults to the session's (Spark's CurrentTimeZone()).
      const k = ctx.args.length;
      const zones = ctx.args.slice(0, k - 1).map((_, i) => expectArg(ctx, i, "string"));
      const ts = expectArg(ctx, k - 1, TimestampNTZType());
      return { args: [...zones, ts], dataType: TimestampNTZType(), nullable: true };
    },
  },
  ansiErrors(makeTimestamp("make_timestamp", "session")),
  ansiErrors(makeTimestamp("make_timestamp_ltz", "ltz")),
  ansiErrors(makeTimestamp("make_timestamp_ntz", "ntz")),
  {
    name: "timestampadd",
    timeZoneAware: true,
    minArgs: 3,
    maxArgs: 3,
    constantArgs: [0],
    resolve(ctx) {
      const unit = datetimeUnit(ctx);
      const q = expectArg(ctx, 1, IntegerType());
      // A TIMESTAMP_NTZ stays one, its units added in UTC (Spark's TimestampAdd over AnyTimestampType).
      if (ctx.args[2].dataType.typeName === "timestamp_ntz") {
        const t = ctx.args[2];
        return { args: [q, t], dataType: t.dataType, nullable: q.nullable || t.nullable, options: { unit, ...WALL_CLOCK } };
      }
      const ts = expectArg(ctx, 2, "timestamp");
      return { args: [q, ts], dataType: TimestampType(), nullable: q.nullable || ts.nullable, options: { unit } };
    },
  },
  {
    name: "timestampdiff",
    timeZoneAware: true,
    minArgs: 3,
    maxArgs: 3,
    constantArgs: [0],
    resolve(ctx) {
      const unit = datetimeUnit(ctx);
      const a = expectArg(ctx, 1, "timestamp");
      const b = expectArg(ctx, 2, "timestamp");
      return { args: [a, b], dataType: LongType(), nullable: a.nullable || b.nullable, options: { unit } };
    },
  },
  simple("year", ["date"], IntegerType()),
  simple("month", ["date"], IntegerType()),
  simple("dayofmonth", ["date"], IntegerType(), { aliases: ["day"] }),
  timeField("hour"),
  timeField("minute"),
  timeField("second"),
  {
    name: "extract",
    timeZoneAware: true,
    aliases: ["date_part", "datepart"],
    minArgs: 2,
    maxArgs: 2,
    constantArgs: [0],
    resolve(ctx) {
      const raw = ctx.raw[0];
      if (raw.kind === "literal" && raw.value === null) {
        return { args: [ctx.args[1]], dataType: DoubleType(), nullable: true, options: { field: "null" } };
      }
      if (raw.kind !== "literal" || typeof raw.value !== "string") {
        throw new AnalysisError(`analysis: [_LEGACY_ERROR_TEMP_1100] The 'field' parameter of function '${ctx.name}' needs to be a string literal.`);
      }
      const text = raw.value;
      const field = EXTRACT_FIELDS[text.trim().toUpperCase()];
      const source = ctx.args[1];
      if (field === undefined || source.dataType.typeName.includes("interval")) {
        throw new AnalysisError(
          `analysis: [INVALID_EXTRACT_FIELD] Cannot extract \`${text}\` from ${typeString(source.dataType)}` +
            (source.dataType.typeName.includes("interval") ? " (interval sources are not supported yet)" : ""),
        );
      }
      const onTime = field === "hour" || field === "minute" || field === "second";
      const dataType = field === "second" ? DecimalType(8, 6) : IntegerType();
      // A TIMESTAMP_NTZ's time fields are its own, with no zone (Spark's GetTimeField over AnyTimestampType).
      if (onTime && source.dataType.typeName === "timestamp_ntz") {
        return { args: [source], dataType, nullable: source.nullable, options: { field, ...WALL_CLOCK } };
      }
      const x = expectArg(ctx, 1, onTime ? "timestamp" : "date");
      return { args: [x], dataType, nullable: x.nullable, options: { field } };
    },
  },
];

/** EXTRACT field spellings Spark 3.5 accepts (`DatePart.parseExtractField`), by canonical field. */
const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  YEAR: "year", Y: "year", YEARS: "year", YR: "year", YRS: "year",
  YEAROFWEEK: "yearofweek",
  QUARTER: "quarter", QTR: "quarter",
  MONTH: "month", MON: "month", MONS: "month", MONTHS: "month",
  WEEK: "week", W: "week", WEEKS: "week",
  DAY: "day", D: "day", DAYS: "day",
  DAYOFWEEK: "dayofweek", DOW: "dayofweek",
  DAYOFWEEK_ISO: "dayofweek_iso", DOW_ISO: "dayofweek_iso",
  DOY: "doy",
  HOUR: "hour", H: "hour", HOURS: "hour", HR: "hour", HRS: "hour",
  MINUTE: "minute", M: "minute", MIN: "minute", MINS: "minute", MINUTES: "minute",
  SECOND: "second", S: "second", SEC: "second", SECONDS: "second", SECS: "second",
};

/**
 * to_timestamp / to_timestamp_ltz / to_timestamp_ntz (str[, fmt]); numbers, dates and timestamps
 * are cast. `kind` "session": the type `spark.sql.timestampType` names (Spark's
 * `SQLConf.timestampType`). A TIMESTAMP_NTZ is the wall-clock time as written (a zone in the text
 * ignored); a number is no TIMESTAMP_NTZ (null).
 */
function toTimestamp(name: string, kind: TimestampKind): FunctionDef {
  return {
    name,
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const dataType = timestampTypeOf(kind);
      const ntz = dataType.typeName === "timestamp_ntz";
      const a = ctx.args[0];
      const t = a.dataType.typeName;
      // A date or timestamp is cast, its pattern unused (Spark's GetTimestamp passes it through).
      if (t === "date" || t === "timestamp" || t === "timestamp_ntz" || (ctx.args.length === 1 && isNumeric(a.dataType))) {
        return { args: [ctx.cast(a, dataType)], dataType, nullable: true };
      }
      const arg = expectArg(ctx, 0, "string");
      // No pattern: Spark's to_timestamp(str) is CAST(str AS <type>).
      if (ntz && ctx.args.length === 1) return { args: [ctx.cast(arg, dataType)], dataType, nullable: true };
      const f = formatOption(ctx, 1, null);
      return { args: withFormatArg([arg], f), dataType, nullable: true, options: ntz ? { ...f.options, ...WALL_CLOCK } : f.options };
    },
  };
}

/**
 * `def` with Spark's ANSI behaviour when `spark.sql.ansi.enabled` is true at analysis: the call's
 * options carry `ansi`, and its kernel raises an error where it would give null for a text it
 * cannot parse or fields out of range (try_to_timestamp keeps its nulls).
 */
function ansiErrors(def: FunctionDef): FunctionDef {
  return {
    ...def,
    resolve(ctx) {
      const r = def.resolve(ctx);
      if (!ansiEnabled()) return r;
      return { ...r, options: { ...(r.options ?? {}), ansi: "true" } };
    },
  };
}

/** Which timestamp type a function returns: the session's default, TIMESTAMP or TIMESTAMP_NTZ. */
type TimestampKind = "session" | "ltz" | "ntz";

function timestampTypeOf(kind: TimestampKind): DataType {
  if (kind === "ltz") return TimestampType();
  if (kind === "ntz") return TimestampNTZType();
  return sessionSetting("spark.sql.timestampType")?.trim().toUpperCase() === "TIMESTAMP_NTZ" ? TimestampNTZType() : TimestampType();
}

/** Options of a call reading or writing TIMESTAMP_NTZ µs: wall-clock µs are UTC instants' readings. */
const WALL_CLOCK: Readonly<Record<string, string>> = { timeZone: "UTC" };

/** unix_timestamp([x[, fmt]]) / to_unix_timestamp(x[, fmt]): dates and timestamps are cast. */
function unixTimestamp(name: string, minArgs: number): FunctionDef {
  return {
    name,
    timeZoneAware: true,
    minArgs,
    maxArgs: 2,
    resolve(ctx) {
      if (ctx.args.length === 0) return { args: [], dataType: LongType(), nullable: false };
      const f = formatOption(ctx, 1, "yyyy-MM-dd HH:mm:ss");
      const a = ctx.args[0];
      const t = a.dataType.typeName;
      // A TIMESTAMP_NTZ's seconds are its wall clock's, read in UTC (Spark's ToTimestamp).
      if (t === "timestamp_ntz") return { args: withFormatArg([a], f), dataType: LongType(), nullable: true, options: f.options };
      const arg = t === "timestamp" || t === "date" ? ctx.cast(a, TimestampType()) : expectArg(ctx, 0, "string");
      return { args: withFormatArg([arg], f), dataType: LongType(), nullable: true, options: f.options };
    },
  };
}

/**
 * make_timestamp / make_timestamp_ltz / make_timestamp_ntz (year, month, day, hour, min, sec[,
 * timezone]); a TIMESTAMP_NTZ result ignores the zone (Spark's MakeTimestamp).
 */
function makeTimestamp(name: string, kind: TimestampKind): FunctionDef {
  return {
    name,
    timeZoneAware: true,
    minArgs: 6,
    maxArgs: kind === "ntz" ? 6 : 7,
    resolve(ctx) {
      const dataType = timestampTypeOf(kind);
      const ints = [0, 1, 2, 3, 4].map((i) => expectArg(ctx, i, IntegerType()));
      const sec = expectArg(ctx, 5, DecimalType(16, 6));
      const args = [...ints, sec];
      if (dataType.typeName === "timestamp_ntz") return { args, dataType, nullable: true, options: WALL_CLOCK };
      if (ctx.args.length === 7) args.push(expectArg(ctx, 6, "string"));
      return { args, dataType, nullable: true };
    },
  };
}

/**
 * The pattern argument `i` as options: `format` (a constant string; `fallback` when absent, none
 * for null), `nullFormat` (a NULL pattern: every result is null) or `formatArg` (a pattern
 * column, appended to the call's arguments as `arg`).
 */
function formatOption(ctx: ResolveContext, i: number, fallback: string | null): { options: Record<string, string>; arg: BoundExpr | null } {
  if (ctx.args.length <= i) return { options: fallback === null ? {} : { format: fallback }, arg: null };
  const r = ctx.raw[i];
  if (r.kind === "literal" && r.value === null) return { options: { nullFormat: "true" }, arg: null };
  if (r.kind === "literal" && typeof r.value === "string") return { options: { format: r.value }, arg: null };
  return { options: { formatArg: "true" }, arg: expectArg(ctx, i, "string") };
}

/** `args` then the pattern column, if the pattern is one. */
function withFormatArg(args: readonly BoundExpr[], f: { arg: BoundExpr | null }): BoundExpr[] {
  return f.arg === null ? [...args] : [...args, f.arg];
}

const DATETIME_UNITS = ["YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAYOFYEAR", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"];

/** The unit of timestampadd / timestampdiff: an identifier (`MONTH`), never a string. */
function datetimeUnit(ctx: ResolveContext): string {
  const raw = ctx.raw[0];
  const text = raw.kind === "column" && raw.parts.length === 1 ? raw.parts[0] : raw.kind === "literal" ? `'${String(raw.value)}'` : "?";
  const unit = raw.kind === "column" ? text.toUpperCase() : "";
  if (!DATETIME_UNITS.includes(unit)) {
    throw new AnalysisError(
      `analysis: [INVALID_PARAMETER_VALUE.DATETIME_UNIT] The value of parameter(s) \`unit\` in \`${ctx.name}\` is invalid: ` +
        `expects one of the units without quotes ${DATETIME_UNITS.join(", ")}, but got the string literal ${text}.`,
    );
  }
  return unit;
}

/** hour / minute / second (ts): a TIMESTAMP_NTZ's own field, a timestamp's in the session time zone. */
function timeField(name: string): FunctionDef {
  return {
    name,
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const a = ctx.args[0];
      if (a.dataType.typeName === "timestamp_ntz") return { args: [a], dataType: IntegerType(), nullable: a.nullable, options: WALL_CLOCK };
      const ts = expectArg(ctx, 0, "timestamp");
      return { args: [ts], dataType: IntegerType(), nullable: ts.nullable };
    },
  };
}

/** `def`, reading wall-clock times in the session time zone (see `FunctionDef.timeZoneAware`). */
function zoned(def: FunctionDef): FunctionDef {
  return { ...def, timeZoneAware: true };
}

/** A window's time column: a string is cast to a timestamp (Spark's ImplicitCastInputTypes). */
function windowTime(ctx: ResolveContext): BoundExpr {
  const ts = ctx.args[0];
  return ts.dataType.typeName === "string" ? ctx.cast(ts, TimestampType()) : ts;
}
