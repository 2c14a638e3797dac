/**
 * `foreachBatch(fn)`: hands each micro-batch's output to user code as a batch DataFrame. Like
 * Spark, a batch re-run after a failure calls `fn` again with the same batch id; exactly-once
 * output needs `fn` to be idempotent per batch id.
 */
import type { Batch } from "../columnar/batch.js";
import type { StructType } from "../types/data-types.js";
import type { StreamSink, SinkBatch } from "../connectors/sink.js";
import { SinkError, SluiceError } from "../errors.js";
import { DataFrame } from "./dataframe.js";
import type { SparkSession } from "./session.js";

export type ForeachBatchFunction = (df: DataFrame, batchId: number) => Promise<void> | void;

export class ForeachBatchSink implements StreamSink {
  readonly description = "ForeachBatchSink";

  constructor(
    private readonly session: SparkSession,
    private readonly schema: StructType,
    private readonly fn: ForeachBatchFunction,
  ) {}

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number }> {
    const batches: Batch[] = [];
    let n = 0;
    for await (const b of batch.data) {
      batches.push(b);
      n += b.numRows;
    }
    const df = DataFrame.of(this.session, { kind: "localRelation", schema: this.schema, batches, isStreaming: false });
    try {
      await this.fn(df, batch.batchId);
      // Statements the function started with spark.sql (a MERGE INTO …) belong to this batch.
      await this.session.commandsDone();
    } catch (e) {
      if (e instanceof SluiceError) throw e;
      throw new SinkError(`foreachBatch: the function failed on batch ${batch.batchId}: ${e instanceof Error ? e.message : String(e)}`, {
        batchId: batch.batchId,
        cause: e,
      });
    }
    return { numOutputRows: n };
  }
}
