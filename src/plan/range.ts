/**
 * `spark.range` and SQL's `range(...)` table-valued function: one `id BIGINT` column from `start`
 * (inclusive) to `end` (exclusive) by `step`, as Spark's Range. Rows are generated in chunks of
 * {@link RANGE_CHUNK} so operators see batches of the usual size.
 */
import { AnalysisError } from "../errors.js";
import { makeBatch, type Batch } from "../columnar/batch.js";
import { LongType, StructField, StructType } from "../types/data-types.js";
import type { LocalRelationNode } from "./logical.js";

const RANGE_CHUNK = 65536;

/** @throws AnalysisError when `step` is 0 or a bound is not a safe integer. */
export function rangeRelation(start: number, end: number, step: number): LocalRelationNode {
  if (step === 0) throw new AnalysisError("analysis: range: step must not be 0");
  for (const [what, v] of [["start", start], ["end", end], ["step", step]] as const) {
    if (!Number.isSafeInteger(v)) throw new AnalysisError(`analysis: range: ${what} must be an integer, got ${v}`);
  }
  const count = Math.max(0, Math.ceil((end - start) / step));
  const schema = StructType([StructField("id", LongType(), false)]);
  const batches: Batch[] = [];
  for (let from = 0; from < count; from += RANGE_CHUNK) {
    const n = Math.min(RANGE_CHUNK, count - from);
    const values = new BigInt64Array(n);
    let v = BigInt(start) + BigInt(from) * BigInt(step);
    const s = BigInt(step);
    for (let i = 0; i < n; i++, v += s) values[i] = v;
    batches.push(makeBatch(schema, [{ kind: "i64", type: LongType(), length: n, valid: null, values }], n));
  }
  return { kind: "localRelation", schema, batches, isStreaming: false };
}
