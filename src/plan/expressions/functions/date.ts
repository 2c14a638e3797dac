/**
 * Date functions that need no time zone: date arithmetic (date_add, add_months, datediff …),
 * calendar fields (dayofweek, weekofyear, quarter …), epoch conversions (unix_date,
 * timestamp_millis, unix_micros …) and trunc. `months_between` is the exception: it reads both
 * timestamps as wall-clock times in the session zone, bound into its options as `timeZone`.
 *
 * Argument coercion is Spark 3.5's: `ImplicitCastInputTypes` functions cast strings and timestamps
 * to dates (`expectArg`), while `ExpectsInputTypes` ones (unix_date, unix_seconds, date_add's day
 * count …) take only their listed types, a NULL literal being retyped.
 */
import type { DataType } from "../../../types/data-types.js";
import { ByteType, DateType, DoubleType, IntegerType, LongType, ShortType, TimestampType, isNumeric } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { BoundExpr } from "../bound.js";
import { typeSql } from "../coercion.js";
import type { FunctionDef, ResolveContext } from "./define.js";
import { anyNullable, argTypeError, expectArg, simple } from "./define.js";

const INT_TYPES: readonly DataType[] = [IntegerType(), ShortType(), ByteType()];
const INTEGRAL_TYPES: readonly DataType[] = [ByteType(), ShortType(), IntegerType(), LongType()];

export const DATE_FUNCTIONS: readonly FunctionDef[] = [
  dayArithmetic("date_add", ["dateadd"]),
  dayArithmetic("date_sub", []),
  simple("datediff", ["date", "date"], IntegerType(), { aliases: ["date_diff"] }),
  simple("add_months", ["date", IntegerType()], DateType()),
  {
    name: "months_between",
    timeZoneAware: true,
    minArgs: 2,
    maxArgs: 3,
    resolve(ctx) {
      const args = [expectArg(ctx, 0, "timestamp"), expectArg(ctx, 1, "timestamp")];
      if (ctx.args.length === 3) args.push(expectArg(ctx, 2, "boolean"));
      return { args, dataType: DoubleType(), nullable: anyNullable(args) };
    },
  },
  simple("last_day", ["date"], DateType()),
  simple("next_day", ["date", "string"], DateType(), { alwaysNullable: true }),
  simple("make_date", [IntegerType(), IntegerType(), IntegerType()], DateType(), { alwaysNullable: true }),
  simple("dayofweek", ["date"], IntegerType()),
  simple("dayofyear", ["date"], IntegerType()),
  simple("weekday", ["date"], IntegerType()),
  simple("weekofyear", ["date"], IntegerType()),
  simple("quarter", ["date"], IntegerType()),
  simple("date_from_unix_date", [IntegerType()], DateType()),
  exact("unix_date", [DateType()], IntegerType()),
  {
    // Spark's SecondsToTimestamp: any number of seconds (integral, decimal or floating).
    name: "timestamp_seconds",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const a = ctx.args[0];
      const t = a.dataType.typeName;
      const arg = t === "null" ? ctx.cast(a, LongType()) : a;
      if (!isNumeric(arg.dataType)) argTypeError(ctx.name, "a numeric", a.dataType);
      return { args: [arg], dataType: TimestampType(), nullable: true };
    },
  },
  exact("timestamp_millis", INTEGRAL_TYPES, TimestampType()),
  exact("timestamp_micros", INTEGRAL_TYPES, TimestampType()),
  exact("unix_seconds", [TimestampType()], LongType()),
  exact("unix_millis", [TimestampType()], LongType()),
  exact("unix_micros", [TimestampType()], LongType()),
  simple("trunc", ["date", "string"], DateType(), { alwaysNullable: true }),
];

/**
 * Spark's output-column name of a date call whose name differs from `name(args)`, given the
 * argument texts; undefined for the default. For the binder's `callSql`: `dateadd` is `DateAdd`,
 * whose pretty name is always date_add, months_between's omitted roundOff is the literal true and
 * convert_timezone's omitted source zone is current_timezone().
 */
export function dateCallSql(lowerName: string, args: readonly string[]): string | undefined {
  if (lowerName === "dateadd") return `date_add(${args.join(", ")})`;
  if (lowerName === "months_between" && args.length === 2) return `months_between(${args.join(", ")}, true)`;
  // convert_timezone(targetTz, ts) is ConvertTimezone(CurrentTimeZone(), targetTz, ts).
  if (lowerName === "convert_timezone" && args.length === 2) return `convert_timezone(current_timezone(), ${args.join(", ")})`;
  return undefined;
}

/**
 * date_add / date_sub (start, days): Spark's `DateAdd`/`DateSub`. A string or timestamp start is
 * cast to a date (`DateTimeOperations`); the day count must be an INT, SMALLINT or TINYINT, except
 * that a constant string is read as an integer at analysis (`StringLiteralCoercion`), failing with
 * SECOND_FUNCTION_ARGUMENT_NOT_INTEGER when it is not one.
 */
function dayArithmetic(name: string, aliases: readonly string[]): FunctionDef {
  return {
    name,
    aliases,
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const start = ctx.args[0];
      const t = start.dataType.typeName;
      if (t !== "date" && t !== "timestamp" && t !== "timestamp_ntz" && t !== "string" && t !== "null") unexpectedInput(ctx, 0, [DateType()]);
      const args = [ctx.cast(start, DateType()), dayCount(ctx, name)];
      return { args, dataType: DateType(), nullable: anyNullable(args) };
    },
  };
}

function dayCount(ctx: ResolveContext, name: string): BoundExpr {
  const days = ctx.args[1];
  if (days.dataType.typeName === "string" && days.kind === "literal") {
    if (days.value === null) return ctx.cast(days, IntegerType());
    const n = parseIntExact(String(days.value));
    if (n === null) {
      throw new AnalysisError(`analysis: [SECOND_FUNCTION_ARGUMENT_NOT_INTEGER] the second argument of ${name} must be an integer, got '${String(days.value)}'`);
    }
    return { kind: "literal", value: n, dataType: IntegerType(), nullable: false };
  }
  return exactArg(ctx, 1, INT_TYPES);
}

/** Spark's ANSI string to INT (`UTF8String.toIntExact` after trimming): digits only, in range. */
function parseIntExact(s: string): number | null {
  const m = /^\s*([+-]?\d+)\s*$/.exec(s);
  if (m === null) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : null;
}

/** A function whose arguments must already have one of the listed types (Spark's `ExpectsInputTypes`). */
function exact(name: string, accepted: readonly DataType[], result: DataType): FunctionDef {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const args = [exactArg(ctx, 0, accepted)];
      return { args, dataType: result, nullable: anyNullable(args) };
    },
  };
}

/** Argument `i` if its type is one of `accepted` (a NULL literal becomes the first), else Spark's type mismatch. */
function exactArg(ctx: ResolveContext, i: number, accepted: readonly DataType[]): BoundExpr {
  const a = ctx.args[i];
  if (a.dataType.typeName === "null") return ctx.cast(a, accepted[0]);
  if (accepted.some((t) => t.typeName === a.dataType.typeName)) return a;
  unexpectedInput(ctx, i, accepted);
}

function unexpectedInput(ctx: ResolveContext, i: number, accepted: readonly DataType[]): never {
  const required = accepted.map((t) => `"${typeSql(t)}"`).join(" or ");
  throw new AnalysisError(
    `analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] parameter ${i + 1} of ${ctx.name} requires (${required}), got "${typeSql(ctx.args[i].dataType)}"`,
  );
}
