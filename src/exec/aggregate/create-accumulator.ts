/** Chooses the accumulator for an aggregate call from its function name, input and result types. */
import type { DataType } from "../../types/data-types.js";
import { isAnsiInterval, isIntegral } from "../../types/data-types.js";
import { IntervalSumAccumulator } from "./interval-sum.js";
import { AnalysisError } from "../../errors.js";
import type { AggregateName } from "../../plan/expressions/bound.js";
import type { Accumulator } from "./accumulator.js";
import { CountAccumulator } from "./count.js";
import { SumDecimalAccumulator, SumDoubleAccumulator, SumLongAccumulator } from "./sum.js";
import { AvgDecimalAccumulator, AvgDoubleAccumulator } from "./avg.js";
import { MinMaxAccumulator } from "./min-max.js";
import { FirstLastAccumulator } from "./first-last.js";
import { CollectAccumulator } from "./collect.js";
import { isOrderable } from "./value-slots.js";
import { CovarianceAccumulator, MomentsAccumulator } from "./moments.js";
import { MaxByAccumulator } from "./max-by.js";
import { BitmapAccumulator } from "./bitmap.js";
import { HllAccumulator, hllPrecision } from "./hll.js";
import { BitwiseAccumulator } from "./bitwise.js";
import { CountMinSketchAccumulator, sketchShape } from "./count-min-sketch.js";
import { HistogramAccumulator } from "./histogram.js";
import { ApproxPercentileAccumulator, ModeAccumulator, PercentileAccumulator, percentileParams } from "./percentile.js";

/** What the accumulator factory needs to know about one aggregate call. */
export interface AccumulatorSpec {
  readonly name: AggregateName;
  /** Type of the argument column; null for `count(*)`. */
  readonly inputType: DataType | null;
  readonly resultType: DataType;
  readonly ignoreNulls: boolean;
  /** Constant arguments bound into the call (`BoundAggregate.params`): percentages, accuracy. */
  readonly params?: Readonly<Record<string, string>>;
}

/** True when the call keeps a per-group set of distinct values (`count(DISTINCT x)` …). */
export function needsDistinctSet(name: AggregateName, distinct: boolean): boolean {
  if (name === "count_distinct") return true;
  // min/max/first/last(DISTINCT x) equal their plain forms.
  return distinct && (name === "count" || name === "sum" || name === "avg");
}

/** Builds the accumulator, or throws `AnalysisError` naming the unsupported combination. */
export function createAccumulator(spec: AccumulatorSpec, what: string): Accumulator {
  const { name, inputType, resultType } = spec;
  const bad = (why: string) => new AnalysisError(`${what}: ${name}(${inputType?.typeName ?? "*"}) ${why}`);
  if (inputType === null) {
    if (name !== "count") throw bad("needs an argument column");
    return new CountAccumulator();
  }
  if ((name === "sum" || name === "avg") && isAnsiInterval(inputType)) return new IntervalSumAccumulator(resultType, name === "avg", spec.params?.nullOnOverflow === "true");
  const numeric = isIntegral(inputType) || inputType.typeName === "float" || inputType.typeName === "double" || inputType.typeName === "decimal" || inputType.typeName === "null";
  switch (name) {
    case "count":
    case "count_distinct":
      if (resultType.typeName !== "long") throw bad(`must return long, not ${resultType.typeName}`);
      return new CountAccumulator();
    case "approx_count_distinct":
      return new HllAccumulator(hllPrecision(Number(spec.params?.relativeSD ?? "0.05")));
    case "sum":
      if (!numeric) throw bad("needs a numeric argument");
      if (resultType.typeName === "long" && (isIntegral(inputType) || inputType.typeName === "null")) return new SumLongAccumulator(spec.params?.nullOnOverflow === "true");
      if (resultType.typeName === "double") return new SumDoubleAccumulator();
      if (resultType.typeName === "decimal") return new SumDecimalAccumulator(resultType);
      throw bad(`cannot return ${resultType.typeName}`);
    case "avg":
      if (!numeric) throw bad("needs a numeric argument");
      if (resultType.typeName === "double") return new AvgDoubleAccumulator();
      if (resultType.typeName === "decimal") return new AvgDecimalAccumulator(resultType, inputType.typeName === "decimal" ? inputType.scale : 0);
      throw bad(`cannot return ${resultType.typeName}`);
    case "min":
    case "max":
      if (!isOrderable(inputType) && inputType.typeName !== "null") throw bad("is not supported for nested types yet");
      return new MinMaxAccumulator(inputType, name === "max");
    case "first":
    case "last":
      return new FirstLastAccumulator(inputType, name === "last", spec.ignoreNulls);
    case "collect_list":
    case "collect_set":
      if (resultType.typeName !== "array") throw bad(`must return an array, not ${resultType.typeName}`);
      return new CollectAccumulator(inputType, resultType, name === "collect_set");
    case "stddev_samp":
    case "stddev_pop":
    case "var_samp":
    case "var_pop":
    case "skewness":
    case "kurtosis":
      return new MomentsAccumulator(name);
    case "regr_sxx":
    case "regr_syy":
      return new MomentsAccumulator("m2", { column: name === "regr_sxx" ? 1 : 0 });
    case "covar_pop":
    case "covar_samp":
    case "corr":
    case "regr_sxy":
    case "regr_r2":
    case "regr_slope":
    case "regr_intercept":
      return new CovarianceAccumulator(name);
    case "max_by":
    case "min_by":
      if (inputType.typeName !== "struct" || inputType.fields.length !== 2) throw bad("needs a (value, ordering) input");
      return new MaxByAccumulator(inputType.fields[0].dataType, inputType.fields[1].dataType, name === "max_by");
    case "bit_and":
    case "bit_or":
    case "bit_xor":
      return new BitwiseAccumulator(name, resultType);
    case "percentile":
      return new PercentileAccumulator(percentileParams(spec.params, name), resultType, spec.params?.frequency === "true");
    case "percentile_approx":
      return new ApproxPercentileAccumulator(percentileParams(spec.params, name), resultType, Number(spec.params?.accuracy ?? "10000"));
    case "mode":
      return new ModeAccumulator(inputType);
    case "histogram_numeric":
      if (resultType.typeName !== "array") throw bad(`must return an array, not ${resultType.typeName}`);
      return new HistogramAccumulator(Number(spec.params?.nb ?? "0"), resultType);
    case "bitmap_construct_agg":
    case "bitmap_or_agg":
      return new BitmapAccumulator(name === "bitmap_construct_agg");
    case "count_min_sketch":
      return new CountMinSketchAccumulator(sketchShape(Number(spec.params?.eps), Number(spec.params?.confidence), Number(spec.params?.seed)));
  }
}
