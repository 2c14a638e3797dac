/**
 * Typing of Spark's statistical and order aggregates (the binder binds their arguments, then asks
 * here): stddev/variance/skewness/kurtosis, covariance and correlation, the regr_* family, max_by
 * and min_by, bit_and/or/xor, percentile/median, percentile_approx, mode and histogram_numeric, and
 * the rewrites Spark itself does for count_if, regr_count, regr_avgx and regr_avgy.
 *
 * Aggregates of two arguments get them packed into one struct argument (the accumulators read one
 * input column); constant arguments (percentages, accuracy) become `params`.
 */
import type { DataType } from "../../types/data-types.js";
import { ArrayType, BinaryType, BooleanType, DecimalType, DoubleType, IntegerType, LongType, StructField, StructType, isIntegral, isNumeric } from "../../types/data-types.js";
import { AnalysisError } from "../../errors.js";
import type { AggregateName, BoundExpr } from "./bound.js";
import { isAtomic, typeString } from "./coercion.js";

/** The spellings this module types, by canonical name (merged into `AGGREGATE_FUNCTIONS`). */
export const STATISTICAL_AGGREGATES: Readonly<Record<string, string>> = {
  std: "stddev_samp",
  stddev: "stddev_samp",
  stddev_samp: "stddev_samp",
  stddev_pop: "stddev_pop",
  variance: "var_samp",
  var_samp: "var_samp",
  var_pop: "var_pop",
  skewness: "skewness",
  kurtosis: "kurtosis",
  covar_pop: "covar_pop",
  covar_samp: "covar_samp",
  corr: "corr",
  regr_sxx: "regr_sxx",
  regr_syy: "regr_syy",
  regr_sxy: "regr_sxy",
  regr_r2: "regr_r2",
  regr_slope: "regr_slope",
  regr_intercept: "regr_intercept",
  regr_count: "regr_count",
  regr_avgx: "regr_avgx",
  regr_avgy: "regr_avgy",
  count_if: "count_if",
  max_by: "max_by",
  min_by: "min_by",
  bit_and: "bit_and",
  bit_or: "bit_or",
  bit_xor: "bit_xor",
  percentile: "percentile",
  median: "median",
  percentile_cont: "percentile_cont",
  percentile_disc: "percentile_disc",
  percentile_approx: "percentile_approx",
  approx_percentile: "percentile_approx",
  mode: "mode",
  histogram_numeric: "histogram_numeric",
  try_sum: "try_sum",
  try_avg: "try_avg",
  bitmap_construct_agg: "bitmap_construct_agg",
  bitmap_or_agg: "bitmap_or_agg",
  count_min_sketch: "count_min_sketch",
};

/** A typed statistical aggregate call. */
export interface StatisticalCall {
  readonly name: AggregateName;
  readonly args: BoundExpr[];
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly params?: Readonly<Record<string, string>>;
}

/** How the binder's helpers are reached from here (casts and bound-node builders). */
export interface AggregateBindContext {
  cast(e: BoundExpr, t: DataType): BoundExpr;
}

const MOMENTS = new Set(["stddev_samp", "stddev_pop", "var_samp", "var_pop", "skewness", "kurtosis"]);
const PAIRS = new Set(["covar_pop", "covar_samp", "corr", "regr_sxx", "regr_syy", "regr_sxy", "regr_r2", "regr_slope", "regr_intercept"]);

/**
 * Types `canonical` (a value of {@link STATISTICAL_AGGREGATES}) over bound `args`, as written
 * `written`. Throws Spark's errors for wrong arity, types and constants.
 */
export function resolveStatisticalAggregate(canonical: string, written: string, args: readonly BoundExpr[], ctx: AggregateBindContext): StatisticalCall {
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      throw new AnalysisError(`analysis: [WRONG_NUM_ARGS] function ${written} expects ${want} argument${want === "1" ? "" : "s"}, got ${args.length}`);
    }
  };
  const toDouble = (i: number) => {
    const a = args[i];
    const t = a.dataType.typeName;
    if (!isNumeric(a.dataType) && t !== "string" && t !== "null") {
      throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter ${i + 1} requires the "DOUBLE" type, however it has the type ${typeString(a.dataType)}`);
    }
    return ctx.cast(a, DoubleType());
  };
  const pair = (a: BoundExpr, b: BoundExpr) => structOf([a, b]);
  if (MOMENTS.has(canonical)) {
    arity(1);
    return { name: canonical as AggregateName, args: [toDouble(0)], dataType: DoubleType(), nullable: true };
  }
  if (PAIRS.has(canonical)) {
    arity(2);
    return { name: canonical as AggregateName, args: [pair(toDouble(0), toDouble(1))], dataType: DoubleType(), nullable: true };
  }
  switch (canonical) {
    case "count_if": {
      arity(1);
      if (args[0].dataType.typeName !== "boolean" && args[0].dataType.typeName !== "null") {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 1 requires the "BOOLEAN" type, however it has the type ${typeString(args[0].dataType)}`);
      }
      // Spark: Count(NullIf(child, false)).
      return { name: "count", args: [call("nullif", [ctx.cast(args[0], BooleanType()), literal(false, BooleanType())], BooleanType(), true)], dataType: { typeName: "long" }, nullable: false };
    }
    case "regr_count": {
      arity(2);
      // Spark: Count(Seq(y, x)): rows where both are non-null.
      const both = call("if", [bothNotNull(args[0], args[1]), literal(1, IntegerType()), literal(null, IntegerType())], IntegerType(), true);
      return { name: "count", args: [both], dataType: { typeName: "long" }, nullable: false };
    }
    case "regr_avgx":
    case "regr_avgy": {
      arity(2);
      const y = toDouble(0);
      const x = toDouble(1);
      const pick = canonical === "regr_avgx" ? x : y;
      const value = call("if", [bothNotNull(args[0], args[1]), pick, literal(null, DoubleType())], DoubleType(), true);
      return { name: "avg", args: [value], dataType: DoubleType(), nullable: true };
    }
    case "max_by":
    case "min_by": {
      arity(2);
      if (!isAtomic(args[1].dataType)) {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] function ${written} does not support ordering on type ${typeString(args[1].dataType)}`);
      }
      return { name: canonical, args: [pair(args[0], args[1])], dataType: args[0].dataType, nullable: true };
    }
    case "bit_and":
    case "bit_or":
    case "bit_xor": {
      arity(1);
      if (!isIntegral(args[0].dataType)) {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 1 requires the "INTEGRAL" type, however it has the type ${typeString(args[0].dataType)}`);
      }
      return { name: canonical, args: [args[0]], dataType: args[0].dataType, nullable: true };
    }
    case "percentile_cont":
    case "percentile_disc": {
      // From `f(p) WITHIN GROUP (ORDER BY v [DESC])`, parsed as f(v, p, descending).
      arity(3);
      const x = numericArgument(written, args[0], ctx);
      const p = percentages(written, args[1]);
      if (p.asArray) throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: the percentage must be a number, not an array`);
      const descending = args[2].kind === "literal" && args[2].value === true;
      const params: Record<string, string> = { percentages: JSON.stringify(p.percentages[0]), reverse: String(descending), discrete: String(canonical === "percentile_disc") };
      return { name: "percentile", args: [x], dataType: DoubleType(), nullable: true, params };
    }
    case "median":
    case "percentile": {
      if (canonical === "median") arity(1);
      else arity(2, 3);
      const x = numericArgument(written, args[0], ctx);
      const p = canonical === "median" ? { percentages: [0.5], asArray: false } : percentages(written, args[1]);
      const params: Record<string, string> = { percentages: JSON.stringify(p.asArray ? p.percentages : p.percentages[0]) };
      let input = x;
      if (args.length === 3) {
        if (!isIntegral(args[2].dataType)) {
          throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 3 requires the "INTEGRAL" type, however it has the type ${typeString(args[2].dataType)}`);
        }
        input = pair(x, args[2]);
        params.frequency = "true";
      }
      return { name: "percentile", args: [input], dataType: p.asArray ? ArrayType(DoubleType(), false) : DoubleType(), nullable: true, params };
    }
    case "percentile_approx": {
      arity(2, 3);
      const t = args[0].dataType;
      if (!isNumeric(t) && t.typeName !== "date" && t.typeName !== "timestamp") {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 1 requires a numeric, date or timestamp type, however it has the type ${typeString(t)}`);
      }
      const p = percentages(written, args[1]);
      let accuracy = 10000;
      if (args.length === 3) {
        const a = constantNumbers(args[2]);
        if (a === null || Array.isArray(a) || !Number.isInteger(a) || !isIntegral(args[2].dataType)) {
          throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] function ${written}: the accuracy must be an integer literal`);
        }
        if (a <= 0 || a > 2147483647) {
          throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] function ${written}: the accuracy must be in (0, 2147483647], got ${a}`);
        }
        accuracy = a;
      }
      const params = { percentages: JSON.stringify(p.asArray ? p.percentages : p.percentages[0]), accuracy: String(accuracy) };
      return { name: "percentile_approx", args: [args[0]], dataType: p.asArray ? ArrayType(t, false) : t, nullable: true, params };
    }
    case "try_sum":
    case "try_avg": {
      // Spark's TrySum/TryAverage: null instead of an overflow. Without ANSI mode only an integral
      // sum can overflow (it wraps in sum); averages sum as double, and decimals already give null.
      arity(1);
      const a = args[0];
      const t = a.dataType;
      const x = t.typeName === "string" || t.typeName === "null" ? ctx.cast(a, DoubleType()) : a;
      if (!isNumeric(x.dataType)) {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 1 requires the "NUMERIC" type, however it has the type ${typeString(t)}`);
      }
      const xt = x.dataType;
      if (canonical === "try_avg") {
        const dt = xt.typeName === "decimal" ? DecimalType(Math.min(38, xt.precision + 4), Math.min(38, xt.scale + 4)) : DoubleType();
        return { name: "avg", args: [x], dataType: dt, nullable: true };
      }
      const dt = xt.typeName === "decimal" ? DecimalType(Math.min(38, xt.precision + 10), xt.scale) : isIntegral(xt) ? LongType() : DoubleType();
      return { name: "sum", args: [x], dataType: dt, nullable: true, params: { nullOnOverflow: "true" } };
    }
    case "bitmap_construct_agg":
    case "bitmap_or_agg": {
      arity(1);
      const a = args[0];
      const construct = canonical === "bitmap_construct_agg";
      const ok = construct ? isIntegral(a.dataType) || a.dataType.typeName === "null" : a.dataType.typeName === "binary";
      if (!ok) {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 1 requires the "${construct ? "BIGINT" : "BINARY"}" type, however it has the type ${typeString(a.dataType)}`);
      }
      return { name: canonical, args: [construct ? ctx.cast(a, LongType()) : a], dataType: BinaryType(), nullable: false };
    }
    case "count_min_sketch": {
      arity(4);
      return countMinSketch(written, args);
    }
    case "mode": {
      arity(1);
      if (!isAtomic(args[0].dataType)) {
        throw new AnalysisError(`analysis: function ${written} does not support ${typeString(args[0].dataType)} values`);
      }
      return { name: "mode", args: [args[0]], dataType: args[0].dataType, nullable: true };
    }
    case "histogram_numeric":
      arity(2);
      return histogramNumeric(written, args, ctx);
  }
  throw new AnalysisError(`analysis: unknown aggregate function ${written}`);
}

/**
 * CountMinSketchAgg.checkInputDataTypes: the column is integral, string or binary; eps and
 * confidence are DOUBLE and seed INT (ExpectsInputTypes: no implicit casts); all three constant and
 * non-null, eps > 0 and 0 < confidence < 1.
 */
function countMinSketch(written: string, args: readonly BoundExpr[]): StatisticalCall {
  const wants = ['("INTEGRAL" or "STRING" or "BINARY")', '"DOUBLE"', '"DOUBLE"', '"INT"'];
  const accepts = [(t: DataType) => isIntegral(t) || t.typeName === "string" || t.typeName === "binary", (t: DataType) => t.typeName === "double", (t: DataType) => t.typeName === "double", (t: DataType) => t.typeName === "integer"];
  args.forEach((a, i) => {
    if (!accepts[i](a.dataType)) {
      throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter ${i + 1} requires the ${wants[i]} type, however it has the type ${typeString(a.dataType)}`);
    }
  });
  const names = ["eps", "confidence", "seed"];
  const values = names.map((inputName, k) => {
    const v = constantOf(args[k + 1]);
    if (v === undefined) {
      throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] function ${written}: the input ${inputName} should be a foldable ${typeString(args[k + 1].dataType)} expression`);
    }
    return v;
  });
  values.forEach((v, k) => {
    if (v === null) throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_NULL] function ${written}: the ${names[k]} must not be null`);
  });
  const [eps, confidence, seed] = values.map(Number);
  if (!(eps > 0)) {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] function ${written}: the eps must be between (0.0, 1.7976931348623157E308], got ${eps}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] function ${written}: the confidence must be between (0.0, 1.0], got ${confidence}`);
  }
  const params = { eps: String(eps), confidence: String(confidence), seed: String(seed) };
  return { name: "count_min_sketch", args: [args[0]], dataType: BinaryType(), nullable: false, params };
}

/**
 * The value of a constant argument (a literal, possibly cast, as bound): a number, null, or
 * undefined when the argument is not constant.
 */
function constantOf(e: BoundExpr): number | null | undefined {
  if (e.kind === "cast") {
    const v = constantOf(e.child);
    if (v === undefined || v === null) return v;
    return e.dataType.typeName === "integer" ? Math.trunc(v) | 0 : v;
  }
  if (e.kind !== "literal") return undefined;
  const v = e.value;
  if (v === null) return null;
  const n = literalNumber(e);
  if (n !== null) return n;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A numeric literal's value as a number (decimals scaled), or null for any other literal. */
function literalNumber(e: BoundExpr & { kind: "literal" }): number | null {
  const v = e.value;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return e.dataType.typeName === "decimal" ? Number(v) / 10 ** e.dataType.scale : Number(v);
  return null;
}

/** Input types `histogram_numeric` takes as they are (their values are numbers underneath). */
const HISTOGRAM_TYPES = new Set(["date", "timestamp", "timestamp_ntz", "yearmonthinterval", "daytimeinterval"]);

/**
 * Spark's `HistogramNumeric`: x of a number, date, timestamp or ANSI interval type (a string or
 * null is cast to double); `nb` a constant integer of at least 2. The result's x has the input's
 * type (`spark.sql.legacy.histogramNumericPropagateInputType`, true by default).
 */
function histogramNumeric(written: string, args: readonly BoundExpr[], ctx: AggregateBindContext): StatisticalCall {
  const t = args[0].dataType;
  let x = args[0];
  if (t.typeName === "string" || t.typeName === "null") x = ctx.cast(x, DoubleType());
  else if (!isNumeric(t) && !HISTOGRAM_TYPES.has(t.typeName)) {
    throw new AnalysisError(
      `analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 1 requires ("NUMERIC" or "DATE" or "TIMESTAMP" or "TIMESTAMP_NTZ" or "INTERVAL YEAR TO MONTH" or "INTERVAL DAY TO SECOND") type, however it has the type ${typeString(t)}`,
    );
  }
  const nbArg = args[1];
  const nbType = nbArg.dataType.typeName;
  if (!isNumeric(nbArg.dataType) && nbType !== "string" && nbType !== "null") {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 2 requires the "INT" type, however it has the type ${typeString(nbArg.dataType)}`);
  }
  if (isNullConstant(nbArg)) throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_NULL] function ${written}: the nb must not be null`);
  const v = constantNumbers(nbArg);
  if (typeof v !== "number") {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] function ${written}: the input nb should be a foldable "INT" expression; however, got ${typeString(nbArg.dataType)}`);
  }
  // The implicit cast to int truncates (5.9 is 5 bins).
  const nb = Math.trunc(v);
  if (!(nb >= 2 && nb <= 2147483647)) {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] function ${written}: the nb must be between [2, 2147483647] (current value = ${nb})`);
  }
  const element = StructType([StructField("x", x.dataType, true), StructField("y", DoubleType(), true)]);
  return { name: "histogram_numeric", args: [x], dataType: ArrayType(element, true), nullable: true, params: { nb: String(nb) } };
}

/** A null literal, possibly under casts. */
function isNullConstant(e: BoundExpr): boolean {
  if (e.kind === "cast") return isNullConstant(e.child);
  return e.kind === "literal" && e.value === null;
}

function numericArgument(written: string, a: BoundExpr, ctx: AggregateBindContext): BoundExpr {
  if (isNumeric(a.dataType)) return a;
  if (a.dataType.typeName === "string" || a.dataType.typeName === "null") return ctx.cast(a, DoubleType());
  throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] function ${written}: parameter 1 requires the "NUMERIC" type, however it has the type ${typeString(a.dataType)}`);
}

/** The percentage argument: a constant double or array of doubles, each in [0, 1]. */
function percentages(written: string, a: BoundExpr): { percentages: number[]; asArray: boolean } {
  const v = constantNumbers(a);
  if (v === null) {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] function ${written}: the percentage(s) must be a constant number or array of numbers`);
  }
  const list = Array.isArray(v) ? v : [v];
  for (const p of list) {
    if (!(p >= 0 && p <= 1)) {
      throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] function ${written}: the percentage(s) must be between 0.0 and 1.0, but got ${p}`);
    }
  }
  return { percentages: list, asArray: Array.isArray(v) };
}

/** A constant number, or array of numbers, from literals (through casts and `array(...)`); null otherwise. */
export function constantNumbers(e: BoundExpr): number | number[] | null {
  if (e.kind === "cast") return constantNumbers(e.child);
  if (e.kind === "literal") return literalNumber(e);
  if (e.kind === "call" && e.fn.name === "array") {
    const out: number[] = [];
    for (const a of e.args) {
      const v = constantNumbers(a);
      if (typeof v !== "number") return null;
      out.push(v);
    }
    return out;
  }
  return null;
}

function literal(value: number | boolean | null, dataType: DataType): BoundExpr {
  return { kind: "literal", value, dataType, nullable: value === null };
}

function call(name: string, args: BoundExpr[], dataType: DataType, nullable: boolean): BoundExpr {
  return { kind: "call", fn: { name, prettyName: name, options: {} }, args, dataType, nullable };
}

function bothNotNull(a: BoundExpr, b: BoundExpr): BoundExpr {
  const notNull = (e: BoundExpr): BoundExpr => ({ kind: "isNull", child: e, negated: true, dataType: BooleanType(), nullable: false });
  return { kind: "binary", op: "and", left: notNull(a), right: notNull(b), dataType: BooleanType(), nullable: false };
}

/** A struct of `args` (fields `_0`, `_1`, …): how two-argument aggregates reach their accumulator. */
function structOf(args: BoundExpr[]): BoundExpr {
  const type = StructType(args.map((a, i) => StructField(`_${i}`, a.dataType, a.nullable)));
  return call("struct", args, type, false);
}
