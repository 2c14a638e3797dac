/**
 * Filter: evaluates the predicate to a boolean vector, builds a selection vector of the rows where
 * it is true (null counts as false), and gathers them.
 */
import type { Batch } from "../columnar/batch.js";
import { takeBatch } from "../columnar/ops.js";
import type { StructType } from "../types/data-types.js";
import type { BoundExpr } from "../plan/expressions/bound.js";
import { InternalError } from "../errors.js";
import type { Operator, BatchContext } from "./operator.js";
import { compileExpr } from "./eval/compile.js";
import type { Evaluator } from "./eval/compile.js";

export class FilterOperator implements Operator {
  readonly schema: StructType;
  private readonly predicate: Evaluator;
  private ctx: BatchContext | null = null;

  constructor(schema: StructType, condition: BoundExpr) {
    this.schema = schema;
    this.predicate = compileExpr(condition);
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
  }

  process(batch: Batch): Batch | null {
    const v = this.predicate(batch, this.ctx ?? undefined);
    if (v.kind !== "bool" && v.kind !== "null") {
      throw new InternalError(`filter: predicate produced a ${v.kind} vector, expected boolean`);
    }
    if (v.kind === "null") return null;
    const n = batch.numRows;
    const values = v.values;
    const valid = v.valid;
    const sel = new Int32Array(n);
    let k = 0;
    if (valid === null) {
      for (let i = 0; i < n; i++) if (values[i] === 1) sel[k++] = i;
    } else {
      for (let i = 0; i < n; i++) if ((values[i] & valid[i]) === 1) sel[k++] = i;
    }
    if (k === 0) return null;
    return takeBatch(batch, k === n ? sel : sel.subarray(0, k));
  }
}
