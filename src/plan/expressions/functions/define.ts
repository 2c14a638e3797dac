/**
 * How a scalar function is defined for the binder: the contract (`FunctionDef`) and the helpers
 * the definitions share (argument coercion, constant arguments, option maps). Each category file
 * beside this one exports its definitions; `function-registry.ts` gathers them.
 */
import type { DataType } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { Expr } from "../../../sql/expression.js";
import type { BoundExpr } from "../bound.js";
import type { ExpectedType } from "../coercion.js";
import { findWiderCommonType, findWiderTypeWithoutStringPromotion, implicitCastType, typeString } from "../coercion.js";
import { parseDataType, parseDDL } from "../../../sql/ddl.js";

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
  /** Spark's pretty SQL text of an unresolved expression (for messages: `exprSql` of the binder). */
  sql(e: Expr): string;
}

/** A resolved call: coerced arguments, result type and constant options. */
export interface ResolvedCall {
  readonly args: readonly BoundExpr[];
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly options?: Readonly<Record<string, string>>;
}

/** One parameter of a lambda, as the higher-order function gives it (Spark's `(DataType, nullable)`). */
export interface LambdaParam {
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/**
 * How a higher-order function binds its function arguments (Spark's `HigherOrderFunction.bind`):
 * the binder binds the other arguments, asks `lambdaParams` for each function argument's
 * parameters, binds the lambdas with them, then calls `resolve` with every argument bound.
 */
export interface HigherOrderSpec {
  /** Argument positions that take a function: a lambda, or an expression Spark wraps in one. */
  readonly functionArgs: readonly number[];
  /**
   * Checks and coerces the other arguments (`ctx.args`; function positions hold placeholders) and
   * returns them with the parameters of each present function argument, in `functionArgs` order.
   * `declared[k]` is how many parameters function argument k's lambda declares (null: no lambda).
   */
  lambdaParams(ctx: ResolveContext, declared: readonly (number | null)[]): { readonly args: readonly BoundExpr[]; readonly params: readonly (readonly LambdaParam[])[] };
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
  /**
   * The call reads or writes wall-clock times: the binder puts the session time zone in its
   * options as `timeZone` (unless `resolve` set one, e.g. from an option map).
   */
  readonly timeZoneAware?: boolean;
  /** Set for higher-order functions (`transform`, `aggregate` …): see {@link HigherOrderSpec}. */
  readonly higherOrder?: HigherOrderSpec;
  resolve(ctx: ResolveContext): ResolvedCall;
}

/** Throws Spark's type-mismatch error for argument `i` of `fn`. */
export function argTypeError(fn: string, expected: string, got: DataType): never {
  throw new AnalysisError(`analysis: function ${fn} expects ${expected} argument, got ${typeString(got)}`);
}

export function anyNullable(args: readonly BoundExpr[]): boolean {
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

export function expectArg(ctx: ResolveContext, i: number, expected: ExpectedType): BoundExpr {
  const a = ctx.args[i];
  const t = implicitCastType(a.dataType, expected);
  if (t === null) {
    const text = typeof expected === "string" ? (EXPECTED_TEXT[expected] ?? expected) : `a ${typeString(expected)}`;
    argTypeError(ctx.name, text, a.dataType);
  }
  return ctx.cast(a, t);
}

export function constString(ctx: ResolveContext, i: number, what: string): string {
  const r = ctx.raw[i];
  if (r.kind === "literal" && typeof r.value === "string") return r.value;
  throw new AnalysisError(`analysis: function ${ctx.name} expects ${what} as a string literal (argument ${i + 1})`);
}

/** A function whose arguments are each cast to a fixed expected type. */
export function simple(
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
export function widened(ctx: ResolveContext, args: readonly BoundExpr[], withStrings: boolean): { args: BoundExpr[]; type: DataType } {
  const types = args.map((a) => a.dataType);
  const t = withStrings ? findWiderCommonType(types) : findWiderTypeWithoutStringPromotion(types);
  if (t === null) {
    throw new AnalysisError(
      `analysis: function ${ctx.name} requires arguments of a common type, got (${types.map(typeString).join(", ")})`,
    );
  }
  return { args: args.map((a) => ctx.cast(a, t)), type: t };
}

export function dateTimeFormat(ctx: ResolveContext, i: number, fallback: string): Record<string, string> {
  return { format: ctx.args.length > i ? constString(ctx, i, "a datetime pattern") : fallback };
}

/** Reads `map('k', 'v', …)` / a struct of options given as the `i`-th raw argument. */
export function optionsArg(ctx: ResolveContext, i: number): Record<string, string> {
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

export function schemaArg(ctx: ResolveContext, i: number): DataType {
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

export function isComplexJsonTarget(t: DataType): boolean {
  return t.typeName === "struct" || t.typeName === "array" || t.typeName === "map";
}

