/** Date and time functions. */
import { DateType, IntegerType, LongType, StringType, TimestampType, isNumeric } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import { typeString } from "../coercion.js";
import type { FunctionDef } from "./define.js";
import { constString, dateTimeFormat, expectArg, simple } from "./define.js";
import { SESSION_WINDOW_FUNCTION, sessionGapMicros, TIME_WINDOW_FUNCTION, timeWindowOptions, timeWindowSpec, timeWindowType } from "../time-window-spec.js";

const S = StringType();

export const DATETIME_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "to_timestamp",
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const a = ctx.args[0];
      if (ctx.args.length === 1 && (isNumeric(a.dataType) || a.dataType.typeName === "date" || a.dataType.typeName === "timestamp")) {
        return { args: [ctx.cast(a, TimestampType())], dataType: TimestampType(), nullable: true };
      }
      const arg = expectArg(ctx, 0, "string");
      return { args: [arg], dataType: TimestampType(), nullable: true, options: dateTimeFormat(ctx, 1, "") };
    },
  },
  {
    name: "to_date",
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const a = ctx.args[0];
      if (ctx.args.length === 1 && (a.dataType.typeName === "date" || a.dataType.typeName === "timestamp")) {
        return { args: [ctx.cast(a, DateType())], dataType: DateType(), nullable: a.nullable };
      }
      const arg = expectArg(ctx, 0, "string");
      return { args: [arg], dataType: DateType(), nullable: true, options: dateTimeFormat(ctx, 1, "") };
    },
  },
  simple("current_timestamp", [], TimestampType(), { aliases: ["now", "localtimestamp"], neverNull: true }),
  zoned(simple("current_date", [], DateType(), { aliases: ["curdate"], neverNull: true })),
  {
    name: "date_trunc",
    timeZoneAware: true,
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const unit = expectArg(ctx, 0, "string");
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
      const spec = timeWindowSpec(ctx.raw, ctx.args[0]);
      return { args: [ctx.args[0]], dataType: timeWindowType(), nullable: false, options: timeWindowOptions(spec, 0) };
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
      const ts = ctx.args[0];
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
      return { args: [ts], dataType: S, nullable: ts.nullable, options: dateTimeFormat(ctx, 1, "") };
    },
  },
  {
    name: "unix_timestamp",
    timeZoneAware: true,
    minArgs: 0,
    maxArgs: 2,
    resolve(ctx) {
      const options = dateTimeFormat(ctx, 1, "yyyy-MM-dd HH:mm:ss");
      if (ctx.args.length === 0) return { args: [], dataType: LongType(), nullable: false, options };
      const a = ctx.args[0];
      const t = a.dataType.typeName;
      const arg = t === "timestamp" || t === "date" ? ctx.cast(a, TimestampType()) : expectArg(ctx, 0, "string");
      return { args: [arg], dataType: LongType(), nullable: true, options };
    },
  },
  {
    name: "from_unixtime",
    timeZoneAware: true,
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const sec = expectArg(ctx, 0, LongType());
      return { args: [sec], dataType: S, nullable: sec.nullable, options: dateTimeFormat(ctx, 1, "yyyy-MM-dd HH:mm:ss") };
    },
  },
  simple("year", ["date"], IntegerType()),
  simple("month", ["date"], IntegerType()),
  simple("dayofmonth", ["date"], IntegerType(), { aliases: ["day"] }),
  zoned(simple("hour", ["timestamp"], IntegerType())),
  zoned(simple("minute", ["timestamp"], IntegerType())),
  zoned(simple("second", ["timestamp"], IntegerType())),
  {
    name: "extract",
    timeZoneAware: true,
    aliases: ["date_part"],
    minArgs: 2,
    maxArgs: 2,
    constantArgs: [0],
    resolve(ctx) {
      const field = EXTRACT_FIELDS[constString(ctx, 0, "a field name").trim().toUpperCase()];
      if (field === undefined) {
        throw new AnalysisError(`analysis: function ${ctx.name} does not support field '${constString(ctx, 0, "a field name")}'`);
      }
      const onTime = field === "hour" || field === "minute" || field === "second";
      const x = expectArg(ctx, 1, onTime ? "timestamp" : "date");
      return { args: [x], dataType: IntegerType(), nullable: x.nullable, options: { field } };
    },
  },
];

/** EXTRACT field spellings Spark accepts (those returning integers), by canonical field. */
const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  YEAR: "year", Y: "year", YEARS: "year", YR: "year", YRS: "year",
  MONTH: "month", MON: "month", MONS: "month", MONTHS: "month",
  DAY: "day", D: "day", DAYS: "day",
  HOUR: "hour", H: "hour", HOURS: "hour", HR: "hour", HRS: "hour",
  MINUTE: "minute", M: "minute", MIN: "minute", MINS: "minute", MINUTES: "minute",
  SECOND: "second", S: "second", SEC: "second", SECONDS: "second", SECS: "second",
};

/** `def`, reading wall-clock times in the session time zone (see `FunctionDef.timeZoneAware`). */
function zoned(def: FunctionDef): FunctionDef {
  return { ...def, timeZoneAware: true };
}
