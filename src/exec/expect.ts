/**
 * Expectations: named data-quality rules checked on every row, as Databricks DLT's `expect`,
 * `expect_or_drop` and `expect_or_fail`. A row passes a rule when its condition is true; false and
 * null fail it (so `expectOrDrop(name, c)` keeps exactly the rows `filter(c)` keeps). Every rule is
 * evaluated on every input row, whatever the others decide, so each rule's counts are its own.
 * Then rows failing a `drop` rule are removed, and a row failing a `fail` rule stops the query with
 * an {@link ExpectationError} naming the rule, the batch and the row.
 *
 * Counts are per micro-batch (reset when the batch opens) and reach the progress report as
 * `observedMetrics` and `dataQuality` (see `runtime/streaming-query.ts`).
 */
import type { Batch } from "../columnar/batch.js";
import { takeBatch } from "../columnar/ops.js";
import { valueAt } from "../columnar/values.js";
import { ExpectationError, InternalError } from "../errors.js";
import type { ResolvedExpectation } from "../plan/analyze.js";
import type { StructType } from "../types/data-types.js";
import { compileExpr } from "./eval/compile.js";
import type { Evaluator } from "./eval/compile.js";
import type { BatchContext, ExpectationMetrics, Operator } from "./operator.js";

/** Longest rendering of a failing row in an error message. */
const MAX_ROW_TEXT = 1000;

export class ExpectOperator implements Operator {
  readonly schema: StructType;
  private readonly rules: readonly { readonly x: ResolvedExpectation; readonly test: Evaluator }[];
  private readonly passed: number[];
  private readonly failed: number[];
  private ctx: BatchContext | null = null;
  /** Rows seen in this micro-batch before the current chunk (for the failing row's position). */
  private rowsBefore = 0;

  constructor(schema: StructType, expectations: readonly ResolvedExpectation[]) {
    this.schema = schema;
    this.rules = expectations.map((x) => ({ x, test: compileExpr(x.condition) }));
    this.passed = expectations.map(() => 0);
    this.failed = expectations.map(() => 0);
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.passed.fill(0);
    this.failed.fill(0);
    this.rowsBefore = 0;
  }

  process(batch: Batch): Batch | null {
    const n = batch.numRows;
    // keep[i] stays 1 while no drop rule failed row i.
    let keep: Uint8Array | null = null;
    for (const [r, { x, test }] of this.rules.entries()) {
      const v = test(batch, this.ctx ?? undefined);
      if (v.kind !== "bool" && v.kind !== "null") throw new InternalError(`expect: rule '${x.name}' produced a ${v.kind} vector, expected boolean`);
      let failed = 0;
      let firstFailed = -1;
      if (v.kind === "null") {
        // A condition that is null on every row (a null literal): every row fails it.
        failed = n;
        firstFailed = n > 0 ? 0 : -1;
        if (x.action === "drop" && n > 0) keep = new Uint8Array(n);
      } else {
        const values = v.values;
        const valid = v.valid;
        for (let i = 0; i < n; i++) {
          if ((valid === null ? values[i] : values[i] & valid[i]) === 1) continue;
          if (firstFailed < 0) firstFailed = i;
          failed++;
          if (x.action === "drop") (keep ??= new Uint8Array(n).fill(1))[i] = 0;
        }
      }
      this.passed[r] += n - failed;
      this.failed[r] += failed;
      if (x.action === "fail" && firstFailed >= 0) throw this.violation(x, batch, firstFailed);
    }
    this.rowsBefore += n;
    if (keep === null) return batch;
    const sel = new Int32Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) if (keep[i] === 1) sel[k++] = i;
    return k === 0 ? null : takeBatch(batch, sel.subarray(0, k));
  }

  /** This micro-batch's counts, one entry per rule in declaration order. */
  expectationMetrics(): readonly ExpectationMetrics[] {
    return this.rules.map(({ x }, r) => ({ name: x.name, action: x.action, condition: x.text, passedRecords: this.passed[r], failedRecords: this.failed[r] }));
  }

  private violation(x: ResolvedExpectation, batch: Batch, row: number): ExpectationError {
    const values: Record<string, unknown> = {};
    batch.schema.fields.forEach((f, c) => (values[f.name] = valueAt(batch.columns[c], row)));
    let text = JSON.stringify(values, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
    if (text.length > MAX_ROW_TEXT) text = text.slice(0, MAX_ROW_TEXT) + "…";
    const batchId = this.ctx?.batchId;
    const at = this.rowsBefore + row;
    const where = batchId === undefined ? `row ${at}` : `micro-batch ${batchId}, row ${at} of its input to this step`;
    return new ExpectationError(`expectation '${x.name}' failed (ON VIOLATION FAIL): ${x.text} is not true for the record at ${where}: ${text}`, {
      expectation: x.name,
      operator: "expect",
      ...(batchId === undefined ? {} : { batchId }),
      row: at,
    });
  }
}
