/**
 * Expectations: named data-quality rules checked on every row, as Databricks DLT's `expect`,
 * `expect_or_drop` and `expect_or_fail`, plus `expectOrQuarantine`. A row passes a rule when its
 * condition is true; false and null fail it (so `expectOrDrop(name, c)` keeps exactly the rows
 * `filter(c)` keeps). Every rule is evaluated on every input row, whatever the others decide, so
 * each rule's counts are its own. Then a row failing a `fail` rule stops the query with an
 * {@link ExpectationError} naming the rule, the batch and the row; a row failing a `quarantine`
 * rule leaves the output and is kept (a copy, with the names of every rule it failed) for the
 * runtime to write to the quarantine table; a row failing a `drop` rule is removed.
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
import { currentInputFile } from "./eval/input-file.js";
import type { Evaluator } from "./eval/compile.js";
import type { BatchContext, ExpectationMetrics, Operator, QuarantinedRows } from "./operator.js";

/** Longest rendering of a failing row in an error message. */
const MAX_ROW_TEXT = 1000;

export class ExpectOperator implements Operator {
  readonly schema: StructType;
  private readonly rules: readonly { readonly x: ResolvedExpectation; readonly test: Evaluator }[];
  private readonly passed: number[];
  private readonly failed: number[];
  private ctx: BatchContext | null = null;
  private readonly hasQuarantine: boolean;
  private quarantine: QuarantinedRows[] = [];
  /** Rows seen in this micro-batch before the current chunk (for the failing row's position). */
  private rowsBefore = 0;

  constructor(schema: StructType, expectations: readonly ResolvedExpectation[]) {
    this.schema = schema;
    this.rules = expectations.map((x) => ({ x, test: compileExpr(x.condition) }));
    this.passed = expectations.map(() => 0);
    this.failed = expectations.map(() => 0);
    this.hasQuarantine = expectations.some((x) => x.action === "quarantine");
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
    this.passed.fill(0);
    this.failed.fill(0);
    this.rowsBefore = 0;
    this.quarantine = [];
  }

  process(batch: Batch): Batch | null {
    const n = batch.numRows;
    // Per row: bit 0 set when a drop rule failed, bit 1 when a quarantine rule failed.
    let fate: Uint8Array | null = null;
    // Per rule, its failing rows' flags, for the quarantined rows' reasons (quarantine queries only).
    const failedBy: (Uint8Array | null)[] = [];
    for (const [r, { x, test }] of this.rules.entries()) {
      const v = test(batch, this.ctx ?? undefined);
      if (v.kind !== "bool" && v.kind !== "null") throw new InternalError(`expect: rule '${x.name}' produced a ${v.kind} vector, expected boolean`);
      const mark = x.action === "drop" ? 1 : x.action === "quarantine" ? 2 : 0;
      const flags = this.hasQuarantine ? new Uint8Array(n) : null;
      let failed = 0;
      let firstFailed = -1;
      const values = v.kind === "bool" ? v.values : null;
      const valid = v.kind === "bool" ? v.valid : null;
      for (let i = 0; i < n; i++) {
        // A null condition (a null literal, or a null slot) fails the row.
        if (values !== null && (valid === null ? values[i] : values[i] & valid[i]) === 1) continue;
        if (firstFailed < 0) firstFailed = i;
        failed++;
        if (flags !== null) flags[i] = 1;
        if (mark !== 0) (fate ??= new Uint8Array(n))[i] |= mark;
      }
      failedBy.push(flags);
      this.passed[r] += n - failed;
      this.failed[r] += failed;
      if (x.action === "fail" && firstFailed >= 0) throw this.violation(x, batch, firstFailed);
    }
    this.rowsBefore += n;
    if (fate === null) return batch;
    const keep = new Int32Array(n);
    const away = new Int32Array(n);
    let k = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      if (fate[i] === 0) keep[k++] = i;
      else if ((fate[i] & 2) !== 0) away[q++] = i;
    }
    if (q > 0) {
      const rows = away.subarray(0, q);
      const errors = Array.from(rows, (i) => this.reasons(failedBy, i));
      const source = currentInputFile().path;
      this.quarantine.push({ batch: takeBatch(batch, rows), errors, source: source === "" ? null : source });
    }
    return k === 0 ? null : takeBatch(batch, keep.subarray(0, k));
  }

  /** The rows this micro-batch quarantined so far. */
  quarantined(): readonly QuarantinedRows[] {
    return this.quarantine;
  }

  /** Why row `i` was quarantined: every rule it failed, with its condition. */
  private reasons(failedBy: readonly (Uint8Array | null)[], i: number): string {
    const failed = this.rules.filter((_, r) => failedBy[r]?.[i] === 1).map(({ x }) => `${x.name} (${x.action}): ${x.text}`);
    return `expectation failed: ${failed.join("; ")}`;
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
    const file = currentInputFile().path;
    const where = `${batchId === undefined ? `row ${at}` : `micro-batch ${batchId}, row ${at} of its input to this step`}${file === "" ? "" : `, read from ${file}`}`;
    return new ExpectationError(`expectation '${x.name}' failed (ON VIOLATION FAIL): ${x.text} is not true for the record at ${where}: ${text}`, {
      expectation: x.name,
      operator: "expect",
      ...(batchId === undefined ? {} : { batchId }),
      ...(file === "" ? {} : { path: file }),
      row: at,
    });
  }
}
