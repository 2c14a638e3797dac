/**
 * `observe(name, …metrics)`: Spark's CollectMetrics. Rows pass through unchanged; on the side they
 * feed a global aggregation of the metrics (planned once per micro-batch from the analyzed
 * aggregate, so each batch starts from zero), whose one row is the batch's metrics: in the progress
 * as `observedMetrics[name]` for a stream, delivered to the `Observation` for a batch query.
 */
import type { Batch } from "../columnar/batch.js";
import { valueAt } from "../columnar/values.js";
import type { ResolvedAggregate } from "../plan/analyze.js";
import type { BoundExpr } from "../plan/expressions/bound.js";
import type { ObservationSink } from "../plan/logical.js";
import type { StructType } from "../types/data-types.js";
import type { BatchContext, Operator } from "./operator.js";

/** The expressions over its input that an observe's aggregation reads. */
export function aggregateInputs(aggregate: ResolvedAggregate): BoundExpr[] {
  return aggregate.aggregates.flatMap((a) => (a.call.filter === undefined ? [...a.call.args] : [...a.call.args, a.call.filter]));
}

/** A metric value as JSON carries it: a bigint as a number when exact, else as its digits. */
function jsonValue(v: unknown): unknown {
  if (typeof v !== "bigint") return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export class ObserveOperator implements Operator {
  readonly schema: StructType;
  /** The aggregation's operators, leaf first, for the micro-batch being run. */
  private chain: readonly Operator[] = [];
  private metrics: Readonly<Record<string, unknown>> | null = null;

  /** `planChain` plans the metrics' aggregation afresh (leaf first): one per micro-batch. */
  constructor(
    schema: StructType,
    private readonly name: string,
    private readonly planChain: () => readonly Operator[],
    private readonly observation: ObservationSink | null,
  ) {
    this.schema = schema;
  }

  async open(ctx: BatchContext): Promise<void> {
    const chain = this.planChain();
    for (const op of chain) await op.open?.({ ...ctx, outputMode: "complete" });
    this.chain = chain;
    this.metrics = null;
  }

  process(batch: Batch): Batch | null {
    this.push(batch, 0, null);
    return batch;
  }

  finish(): Batch[] {
    const out: Batch[] = [];
    for (const [i, op] of this.chain.entries()) for (const b of op.finish?.() ?? []) this.push(b, i + 1, out);
    const row: Record<string, unknown> = {};
    const result = out.find((b) => b.numRows > 0);
    if (result !== undefined) result.schema.fields.forEach((f, c) => (row[f.name] = jsonValue(valueAt(result.columns[c], 0))));
    this.metrics = row;
    this.observation?.deliver(row);
    return [];
  }

  /** This micro-batch's metrics by name (after its input ended), for the progress report. */
  observedMetrics(): Readonly<Record<string, unknown>> {
    return this.metrics === null ? {} : { [this.name]: this.metrics };
  }

  /** Pushes `b` through the chain from operator `from`; what leaves the top goes to `out`. */
  private push(b: Batch, from: number, out: Batch[] | null): void {
    let cur: Batch | null = b;
    for (let i = from; i < this.chain.length && cur !== null; i++) cur = this.chain[i].process(cur);
    if (cur !== null && out !== null) out.push(cur);
  }
}
