/** Limit: passes the first `n` rows of the micro-batch (or batch query) and drops the rest. */
import type { Batch } from "../columnar/batch.js";
import { sliceBatch } from "../columnar/ops.js";
import type { StructType } from "../types/data-types.js";
import type { Operator } from "./operator.js";

export class LimitOperator implements Operator {
  readonly schema: StructType;
  private remaining: number;

  constructor(schema: StructType, private readonly n: number) {
    this.schema = schema;
    this.remaining = n;
  }

  async open(): Promise<void> {
    this.remaining = this.n;
  }

  process(batch: Batch): Batch | null {
    if (this.remaining <= 0) return null;
    const take = Math.min(this.remaining, batch.numRows);
    this.remaining -= take;
    return take === batch.numRows ? batch : sliceBatch(batch, 0, take);
  }
}
