/** Projection: evaluates one expression per output column over each input chunk. */
import type { Batch } from "../columnar/batch.js";
import { makeBatch } from "../columnar/batch.js";
import type { StructType } from "../types/data-types.js";
import type { BoundExpr } from "../plan/expressions/bound.js";
import type { Operator, BatchContext } from "./operator.js";
import { compileExpr } from "./eval/compile.js";
import type { Evaluator } from "./eval/compile.js";

export class ProjectOperator implements Operator {
  readonly schema: StructType;
  private readonly evaluators: readonly Evaluator[];
  private ctx: BatchContext | null = null;

  constructor(schema: StructType, exprs: readonly BoundExpr[]) {
    this.schema = schema;
    this.evaluators = exprs.map((e) => compileExpr(e));
  }

  async open(ctx: BatchContext): Promise<void> {
    this.ctx = ctx;
  }

  process(batch: Batch): Batch {
    const columns = this.evaluators.map((ev) => ev(batch, this.ctx ?? undefined));
    return makeBatch(this.schema, columns, batch.numRows);
  }
}
