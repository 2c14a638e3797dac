/**
 * The scalar function registry: for each SQL function name, how many arguments it takes, which
 * implicit casts its arguments get (Spark's `ImplicitTypeCasts` / `FunctionArgumentConversion`) and
 * its result type. The evaluator implements each canonical name in `exec/eval/functions/`.
 *
 * Aggregate functions are not here: the binder handles them (see `AGGREGATE_FUNCTIONS`).
 */
import type { DataType, StructField as StructFieldT } from "../../types/data-types.js";
import {
  ArrayType,
  BinaryType,
  BooleanType,
  DateType,
  DecimalType,
  DoubleType,
  IntegerType,
  LongType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  isIntegral,
  isNumeric,
} from "../../types/data-types.js";
import { AnalysisError } from "../../errors.js";
import type { Expr } from "../../sql/expression.js";
import type { BoundExpr } from "./bound.js";
import type { ExpectedType } from "./coercion.js";
import { findWiderCommonType, findWiderTypeWithoutStringPromotion, implicitCastType, isAtomic, typeString } from "./coercion.js";
import { parseDataType, parseDDL } from "../../sql/ddl.js";
import { SESSION_WINDOW_FUNCTION, sessionGapMicros, TIME_WINDOW_FUNCTION, timeWindowOptions, timeWindowSpec, timeWindowType } from "./time-window-spec.js";

/** What the binder hands a function definition to resolve one call. */
export interface ResolveContext {
  /** The name as written (lower-case). */
  readonly name: string;
  /** Bound arguments; arguments listed in `constantArgs` are bound as null literals and must be read from `raw`. */
  readonly args: readonly BoundExpr[];
  /** The unresolved arguments (for schema and option arguments). */
  readonly raw: readonly Expr[];
  /** Output names of the arguments (for `struct(a, b)` field names). */
  readonly argNames: readonly string[];
  /** Wraps `e` in a cast to `t` unless it already has that type. */
  cast(e: BoundExpr, t: DataType): BoundExpr;
}

/** A resolved call: coerced arguments, result type and constant options. */
export interface ResolvedCall {
  readonly args: readonly BoundExpr[];
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly options?: Readonly<Record<string, string>>;
}

/** One scalar function of the registry. */
export interface FunctionDef {
  /** Canonical name, the evaluator's kernel key. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Indexes of arguments that are constants read from `raw` (schemas, option maps). */
  readonly constantArgs?: readonly number[];
  resolve(ctx: ResolveContext): ResolvedCall;
}

/** Aggregate function names the binder accepts (spelling → canonical). */
export const AGGREGATE_FUNCTIONS: Readonly<Record<string, string>> = Object.freeze({
  count: "count",
  sum: "sum",
  avg: "avg",
  mean: "avg",
  min: "min",
  max: "max",
  first: "first",
  first_value: "first",
  any_value: "first",
  last: "last",
  last_value: "last",
  count_distinct: "count_distinct",
  countdistinct: "count_distinct",
  approx_count_distinct: "approx_count_distinct",
  collect_list: "collect_list",
  array_agg: "collect_list",
  collect_set: "collect_set",
  // Boolean aggregates: false < true, so "all true" is the minimum and "any true" the maximum.
  every: "min",
  bool_and: "min",
  some: "max",
  any: "max",
  bool_or: "max",
});

/** The boolean aggregates (their argument must be boolean). */
export const BOOLEAN_AGGREGATES: ReadonlySet<string> = new Set(["every", "bool_and", "some", "any", "bool_or"]);

/** Looks a scalar function up by name (case-insensitive), or undefined. */
export function lookupFunction(name: string): FunctionDef | undefined {
  return REGISTRY.get(name.toLowerCase());
}

/** Every callable function name (scalar and aggregate), for did-you-mean suggestions. */
export function functionNames(): string[] {
  return [...REGISTRY.keys(), ...Object.keys(AGGREGATE_FUNCTIONS)];
}

/** Throws Spark's type-mismatch error for argument `i` of `fn`. */
export function argTypeError(fn: string, expected: string, got: DataType): never {
  throw new AnalysisError(`analysis: function ${fn} expects ${expected} argument, got ${typeString(got)}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers used by the definitions.

function anyNullable(args: readonly BoundExpr[]): boolean {
  return args.some((a) => a.nullable);
}

const EXPECTED_TEXT: Record<string, string> = {
  numeric: "a numeric",
  integral: "an integral",
  string: "a string",
  stringOrBinary: "a string or binary",
  timestamp: "a timestamp",
  date: "a date",
  boolean: "a boolean",
};

function expectArg(ctx: ResolveContext, i: number, expected: ExpectedType): BoundExpr {
  const a = ctx.args[i];
  const t = implicitCastType(a.dataType, expected);
  if (t === null) {
    const text = typeof expected === "string" ? (EXPECTED_TEXT[expected] ?? expected) : `a ${typeString(expected)}`;
    argTypeError(ctx.name, text, a.dataType);
  }
  return ctx.cast(a, t);
}

function constString(ctx: ResolveContext, i: number, what: string): string {
  const r = ctx.raw[i];
  if (r.kind === "literal" && typeof r.value === "string") return r.value;
  throw new AnalysisError(`analysis: function ${ctx.name} expects ${what} as a string literal (argument ${i + 1})`);
}

/** A function whose arguments are each cast to a fixed expected type. */
function simple(
  name: string,
  expected: readonly ExpectedType[],
  result: DataType | ((args: readonly BoundExpr[]) => DataType),
  opts: { minArgs?: number; aliases?: readonly string[]; alwaysNullable?: boolean; neverNull?: boolean } = {},
): FunctionDef {
  return {
    name,
    aliases: opts.aliases,
    minArgs: opts.minArgs ?? expected.length,
    maxArgs: expected.length,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => expectArg(ctx, i, expected[i]));
      const dataType = typeof result === "function" ? result(args) : result;
      return { args, dataType, nullable: opts.neverNull ? false : opts.alwaysNullable ? true : anyNullable(args) };
    },
  };
}

/** All arguments cast to their wider common type (coalesce, greatest …). */
function widened(ctx: ResolveContext, args: readonly BoundExpr[], withStrings: boolean): { args: BoundExpr[]; type: DataType } {
  const types = args.map((a) => a.dataType);
  const t = withStrings ? findWiderCommonType(types) : findWiderTypeWithoutStringPromotion(types);
  if (t === null) {
    throw new AnalysisError(
      `analysis: function ${ctx.name} requires arguments of a common type, got (${types.map(typeString).join(", ")})`,
    );
  }
  return { args: args.map((a) => ctx.cast(a, t)), type: t };
}

function dateTimeFormat(ctx: ResolveContext, i: number, fallback: string): Record<string, string> {
  return { format: ctx.args.length > i ? constString(ctx, i, "a datetime pattern") : fallback };
}

/** Reads `map('k', 'v', …)` / a struct of options given as the `i`-th raw argument. */
function optionsArg(ctx: ResolveContext, i: number): Record<string, string> {
  if (ctx.raw.length <= i) return {};
  const r = ctx.raw[i];
  if (r.kind === "call" && (r.name === "map" || r.name === "named_struct") && r.args.length % 2 === 0) {
    const out: Record<string, string> = {};
    for (let k = 0; k < r.args.length; k += 2) {
      const key = r.args[k];
      const value = r.args[k + 1];
      if (key.kind !== "literal" || value.kind !== "literal" || key.value === null || value.value === null) {
        throw new AnalysisError(`analysis: function ${ctx.name} options must be literal key/value pairs`);
      }
      out[String(key.value)] = String(value.value);
    }
    return out;
  }
  throw new AnalysisError(`analysis: function ${ctx.name} expects its options as map('key', 'value', ...)`);
}

function schemaArg(ctx: ResolveContext, i: number): DataType {
  const r = ctx.raw[i];
  if (r.kind === "typeArg") return r.dataType;
  if (r.kind === "literal" && typeof r.value === "string") {
    const text = r.value.trim();
    // A DDL field list (`a INT, b STRING`) or a single type (`array<string>`, `struct<a:int>`).
    try {
      return parseDDL(text);
    } catch (e) {
      try {
        return parseDataType(text);
      } catch {
        throw e;
      }
    }
  }
  throw new AnalysisError(`analysis: function ${ctx.name} expects a schema (StructType or DDL string) as argument ${i + 1}`);
}

function isComplexJsonTarget(t: DataType): boolean {
  return t.typeName === "struct" || t.typeName === "array" || t.typeName === "map";
}

// ---------------------------------------------------------------------------------------------
// The definitions.

const S = StringType();

const defs: FunctionDef[] = [
  {
    name: "coalesce",
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
  {
    name: "nvl",
    aliases: ["ifnull"],
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
  {
    name: "if",
    minArgs: 3,
    maxArgs: 3,
    resolve(ctx) {
      const cond = expectArg(ctx, 0, "boolean");
      const w = widened(ctx, ctx.args.slice(1), true);
      return { args: [cond, ...w.args], dataType: w.type, nullable: w.args.some((a) => a.nullable) };
    },
  },
  {
    name: "nullif",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: w.type, nullable: true };
    },
  },
  {
    name: "greatest",
    minArgs: 2,
    maxArgs: Infinity,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, false);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
  {
    name: "least",
    minArgs: 2,
    maxArgs: Infinity,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, false);
      return { args: w.args, dataType: w.type, nullable: ctx.args.every((a) => a.nullable) };
    },
  },
  {
    name: "concat",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      const allBinary = ctx.args.length > 0 && ctx.args.every((a) => a.dataType.typeName === "binary");
      if (allBinary) return { args: ctx.args, dataType: BinaryType(), nullable: anyNullable(ctx.args) };
      const args = ctx.args.map((_, i) => expectArg(ctx, i, "string"));
      return { args, dataType: S, nullable: anyNullable(args) };
    },
  },
  {
    name: "concat_ws",
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      const args = ctx.args.map((a, i) =>
        i > 0 && a.dataType.typeName === "array" ? expectArg(ctx, i, ArrayType(S)) : expectArg(ctx, i, "string"),
      );
      return { args, dataType: S, nullable: args[0].nullable };
    },
  },
  simple("lower", ["string"], S, { aliases: ["lcase"] }),
  simple("upper", ["string"], S, { aliases: ["ucase"] }),
  simple("trim", ["string", "string"], S, { minArgs: 1 }),
  simple("ltrim", ["string", "string"], S, { minArgs: 1 }),
  simple("rtrim", ["string", "string"], S, { minArgs: 1 }),
  simple("length", ["stringOrBinary"], IntegerType(), { aliases: ["char_length", "character_length"] }),
  simple("substring", ["stringOrBinary", IntegerType(), IntegerType()], (a) => a[0].dataType, {
    minArgs: 2,
    aliases: ["substr"],
  }),
  simple("regexp_extract", ["string", "string", IntegerType()], S, { minArgs: 2 }),
  simple("regexp_replace", ["string", "string", "string", IntegerType()], S, { minArgs: 3 }),
  simple("split", ["string", "string", IntegerType()], ArrayType(S, false), { minArgs: 2 }),
  {
    name: "to_timestamp",
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
  simple("current_date", [], DateType(), { aliases: ["curdate"], neverNull: true }),
  {
    name: "date_trunc",
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
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const ts = expectArg(ctx, 0, "timestamp");
      return { args: [ts], dataType: S, nullable: ts.nullable, options: dateTimeFormat(ctx, 1, "") };
    },
  },
  {
    name: "unix_timestamp",
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
  simple("hour", ["timestamp"], IntegerType()),
  simple("minute", ["timestamp"], IntegerType()),
  simple("second", ["timestamp"], IntegerType()),
  {
    name: "sha2",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const x = expectArg(ctx, 0, BinaryType());
      const bits = expectArg(ctx, 1, IntegerType());
      return { args: [x, bits], dataType: S, nullable: true };
    },
  },
  simple("md5", [BinaryType()], S),
  simple("sha1", [BinaryType()], S, { aliases: ["sha"] }),
  simple("crc32", [BinaryType()], LongType()),
  {
    name: "hash",
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      for (const a of ctx.args) {
        if (a.dataType.typeName === "map") argTypeError(ctx.name, "a non-map", a.dataType);
      }
      return { args: ctx.args, dataType: IntegerType(), nullable: false };
    },
  },
  simple("abs", ["numeric"], (a) => a[0].dataType),
  {
    name: "round",
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const x = expectArg(ctx, 0, "numeric");
      const scale = ctx.raw.length > 1 ? ctx.raw[1] : null;
      let s = 0;
      if (scale !== null) {
        if (scale.kind !== "literal" || typeof scale.value !== "number" || !Number.isInteger(scale.value)) {
          throw new AnalysisError(`analysis: function round expects an integer literal scale, got ${ctx.argNames[1]}`);
        }
        s = scale.value;
      }
      let dataType: DataType = x.dataType;
      if (x.dataType.typeName === "decimal") {
        const { precision: p, scale: sc } = x.dataType;
        const newScale = Math.max(0, Math.min(s, sc));
        dataType = DecimalType(Math.min(38, p - sc + newScale + 1), newScale);
      }
      return { args: [x], dataType, nullable: x.nullable, options: { scale: String(s) } };
    },
  },
  {
    name: "floor",
    minArgs: 1,
    maxArgs: 1,
    resolve: resolveFloorCeil,
  },
  {
    name: "ceil",
    aliases: ["ceiling"],
    minArgs: 1,
    maxArgs: 1,
    resolve: resolveFloorCeil,
  },
  {
    name: "get_json_object",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const json = expectArg(ctx, 0, "string");
      const path = expectArg(ctx, 1, "string");
      return { args: [json, path], dataType: S, nullable: true };
    },
  },
  {
    name: "from_json",
    minArgs: 2,
    maxArgs: 3,
    constantArgs: [1, 2],
    resolve(ctx) {
      const json = expectArg(ctx, 0, "string");
      const schema = schemaArg(ctx, 1);
      if (!isComplexJsonTarget(schema)) {
        throw new AnalysisError(`analysis: function from_json expects a struct, array or map schema, got ${typeString(schema)}`);
      }
      return { args: [json], dataType: schema, nullable: true, options: optionsArg(ctx, 2) };
    },
  },
  {
    name: "to_json",
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    resolve(ctx) {
      const x = ctx.args[0];
      if (!isComplexJsonTarget(x.dataType)) argTypeError(ctx.name, "a struct, array or map", x.dataType);
      return { args: [x], dataType: S, nullable: x.nullable, options: optionsArg(ctx, 1) };
    },
  },
  {
    name: "struct",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      const fields: StructFieldT[] = ctx.args.map((a, i) => {
        const r = ctx.raw[i];
        const named = r.kind === "column" || r.kind === "alias";
        return StructField(named ? ctx.argNames[i] : `col${i + 1}`, a.dataType, a.nullable);
      });
      return { args: ctx.args, dataType: StructType(fields), nullable: false };
    },
  },
  {
    name: "named_struct",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      if (ctx.args.length % 2 !== 0) {
        throw new AnalysisError(`analysis: function named_struct expects an even number of arguments, got ${ctx.args.length}`);
      }
      const fields: StructFieldT[] = [];
      const values: BoundExpr[] = [];
      for (let i = 0; i < ctx.args.length; i += 2) {
        const name = constString(ctx, i, "a field name");
        fields.push(StructField(name, ctx.args[i + 1].dataType, ctx.args[i + 1].nullable));
        values.push(ctx.args[i + 1]);
      }
      return { args: values, dataType: StructType(fields), nullable: false };
    },
  },
  {
    name: "array",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      if (ctx.args.length === 0) return { args: [], dataType: ArrayType(S, false), nullable: false };
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: ArrayType(w.type, anyNullable(ctx.args)), nullable: false };
    },
  },
  {
    name: "size",
    aliases: ["cardinality"],
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = ctx.args[0];
      if (x.dataType.typeName !== "array" && x.dataType.typeName !== "map" && x.dataType.typeName !== "null") {
        argTypeError(ctx.name, "an array or map", x.dataType);
      }
      return { args: [x], dataType: IntegerType(), nullable: false };
    },
  },
  {
    name: "element_at",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveItem(ctx, true),
  },
  {
    name: "get_item",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveItem(ctx, false),
  },
  simple("isnan", [DoubleType()], BooleanType(), { neverNull: true }),
  {
    name: "extract",
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
  {
    name: "locate",
    aliases: ["position"],
    minArgs: 2,
    maxArgs: 3,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => expectArg(ctx, i, i < 2 ? "string" : IntegerType()));
      return { args, dataType: IntegerType(), nullable: anyNullable(args) };
    },
  },
  simple("startswith", ["stringOrBinary", "stringOrBinary"], BooleanType()),
  simple("endswith", ["stringOrBinary", "stringOrBinary"], BooleanType()),
  simple("contains", ["stringOrBinary", "stringOrBinary"], BooleanType()),
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

function resolveFloorCeil(ctx: ResolveContext): ResolvedCall {
  const x = expectArg(ctx, 0, "numeric");
  const t = x.dataType;
  let dataType: DataType = LongType();
  if (t.typeName === "decimal") dataType = DecimalType(Math.min(38, t.precision - t.scale + 1), 0);
  const arg = isIntegral(t) ? ctx.cast(x, LongType()) : t.typeName === "float" ? ctx.cast(x, DoubleType()) : x;
  return { args: [arg], dataType, nullable: x.nullable };
}

function resolveItem(ctx: ResolveContext, oneBased: boolean): ResolvedCall {
  const c = ctx.args[0];
  const t = c.dataType;
  if (t.typeName === "array") {
    const idx = expectArg(ctx, 1, IntegerType());
    return { args: [c, idx], dataType: t.elementType, nullable: true, options: { base: oneBased ? "1" : "0" } };
  }
  if (t.typeName === "map") {
    const key = ctx.args[1];
    const kt = implicitCastType(key.dataType, t.keyType);
    if (kt === null || !isAtomic(t.keyType)) argTypeError(ctx.name, `a ${typeString(t.keyType)} key`, key.dataType);
    return { args: [c, ctx.cast(key, t.keyType)], dataType: t.valueType, nullable: true };
  }
  return argTypeError(ctx.name, "an array or map", t);
}

const REGISTRY = new Map<string, FunctionDef>();
for (const d of defs) {
  REGISTRY.set(d.name, d);
  for (const a of d.aliases ?? []) REGISTRY.set(a, d);
}
