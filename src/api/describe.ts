/**
 * `df.describe(...)` and `df.summary(...)`: basic statistics as a DataFrame of strings, one row per
 * statistic (`summary` column) and one column per input column, as Spark prints them. Computed when
 * the result is (its rows are a deferred relation): one aggregation for count / mean / stddev /
 * min / max, and the column's sorted values for percentiles.
 *
 * Statistics as Spark: count of non-null values; mean and sample stddev of numeric columns (null
 * for strings); min and max of numeric and string columns; a percentile `p` is the smallest value
 * with at least `p` of the values at or below it (exact here; Spark's approximation agrees on small
 * data).
 */
import { AnalysisError } from "../errors.js";
import { batchFromRows } from "../columnar/build.js";
import { javaDoubleString } from "../columnar/java-text.js";
import { StringType, StructField, StructType, isNumeric, type DataType } from "../types/data-types.js";
import type { Column } from "./column.js";
import type { DeferredRelationNode } from "../plan/logical.js";
import { col, count, max, min, sum } from "./functions.js";
import type { DataFrame } from "./dataframe.js";

const DEFAULT_SUMMARY = ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"];

/** `describe(cols)`: count, mean, stddev, min, max of numeric and string columns (all of them when none). */
export function describeRelation(df: DataFrame, cols: readonly string[]): DeferredRelationNode {
  return statsRelation(df, cols, ["count", "mean", "stddev", "min", "max"]);
}

/** `summary(stats)`: the statistics named (default: count, mean, stddev, min, 25%, 50%, 75%, max). */
export function summaryRelation(df: DataFrame, stats: readonly string[]): DeferredRelationNode {
  return statsRelation(df, [], stats.length === 0 ? DEFAULT_SUMMARY : stats);
}

function statsRelation(df: DataFrame, cols: readonly string[], stats: readonly string[]): DeferredRelationNode {
  const fields = (cols.length === 0 ? df.schema.fields : cols.map((c) => {
    const f = df.schema.fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
    if (f === undefined) throw new AnalysisError(`analysis: describe: cannot resolve column '${c}' among [${df.columns.join(", ")}]`);
    return f;
  })).filter((f) => isNumeric(f.dataType) || f.dataType.typeName === "string");
  for (const s of stats) {
    if (!["count", "mean", "stddev", "min", "max"].includes(s) && !/^\d+(\.\d+)?%$/.test(s)) {
      throw new AnalysisError(`analysis: summary: unknown statistic '${s}'; use count, mean, stddev, min, max or a percentile such as 75%`);
    }
  }
  const schema = StructType([StructField("summary", StringType()), ...fields.map((f) => StructField(f.name, StringType()))]);
  const load = async () => {
    const aggs: Column[] = [];
    for (const f of fields) {
      const c = col(f.name);
      aggs.push(count(c), min(c).cast("string"), max(c).cast("string"));
      if (isNumeric(f.dataType)) aggs.push(sum(c.cast("double")), sum(c.cast("double").multiply(c.cast("double"))));
    }
    const row = fields.length === 0 ? [] : Object.values((await df.agg(...aggs.map((a, i) => a.alias(`s${i}`))).collect())[0]);
    const values = new Map<string, (string | null)[]>();
    let at = 0;
    const perColumn = fields.map((f) => {
      const n = Number(row[at]);
      const lo = row[at + 1] as string | null;
      const hi = row[at + 2] as string | null;
      at += 3;
      let mean: number | null = null;
      let stddev: number | null = null;
      if (isNumeric(f.dataType)) {
        const s = row[at] as number | null;
        const sq = row[at + 1] as number | null;
        at += 2;
        if (n > 0 && s !== null) mean = s / n;
        if (n > 1 && s !== null && sq !== null) stddev = Math.sqrt(Math.max(0, (sq - (s * s) / n) / (n - 1)));
      }
      return { f, n, lo, hi, mean, stddev };
    });
    for (const s of stats) {
      values.set(
        s,
        perColumn.map((c) => {
          switch (s) {
            case "count":
              return String(c.n);
            case "mean":
              return c.mean === null ? null : javaDoubleString(c.mean);
            case "stddev":
              return c.stddev === null ? null : javaDoubleString(c.stddev);
            case "min":
              return c.lo;
            case "max":
              return c.hi;
            default:
              return null;
          }
        }),
      );
    }
    const percentiles = stats.filter((s) => s.endsWith("%"));
    if (percentiles.length > 0) {
      for (const [k, c] of perColumn.entries()) {
        if (!isNumeric(c.f.dataType)) continue;
        const sorted = (await df.select(col(c.f.name).cast("double").alias("v")).filter(col(c.f.name).isNotNull()).collect()).map((r) => r.v as number).sort((a, b) => a - b);
        for (const p of percentiles) {
          const q = Number(p.slice(0, -1)) / 100;
          const i = Math.max(0, Math.ceil(q * sorted.length) - 1);
          (values.get(p) as (string | null)[])[k] = sorted.length === 0 ? null : format(sorted[i], c.f.dataType);
        }
      }
    }
    const rows = stats.map((s) => Object.fromEntries([["summary", s], ...fields.map((f, k) => [f.name, (values.get(s) as (string | null)[])[k]])]));
    return [batchFromRows(schema, rows)];
  };
  return { kind: "deferred", schema, load, description: cols.length === 0 ? "Summary" : "Describe", isStreaming: false };
}

function format(v: number, t: DataType): string {
  return t.typeName === "double" || t.typeName === "float" || t.typeName === "decimal" ? javaDoubleString(v) : String(v);
}
