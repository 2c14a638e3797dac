/**
 * The streaming sink contract. `addBatch` must be idempotent per batch id: the runtime re-runs a
 * batch after a crash, and a sink that already committed it must skip it (the file sink checks its
 * `_spark_metadata` log, Delta its txn action).
 */
import type { Batch } from "../columnar/batch.js";
import type { StructType } from "../types/data-types.js";
import type { OutputMode } from "../plan/logical.js";

export interface SinkBatch {
  readonly batchId: number;
  readonly schema: StructType;
  readonly outputMode: OutputMode;
  /** The batch's output rows, as chunks. May be consumed once. */
  readonly data: AsyncIterable<Batch>;
}

/** A data file a sink committed: its key in the sink's storage. */
export interface CommittedFile {
  readonly key: string;
}

export interface StreamSink {
  /** A short description for progress reports, e.g. `FileSink[file:/silver]`. */
  readonly description: string;
  /**
   * Writes and commits one micro-batch, exactly once. Returns the number of rows written and,
   * optionally, sink metrics for the progress report (Spark's `sink.metrics`) and the data files
   * the batch committed (file sinks; none for a batch skipped as already committed).
   */
  addBatch(batch: SinkBatch): Promise<{ numOutputRows: number; metrics?: Readonly<Record<string, string>>; files?: readonly CommittedFile[] }>;
  stop?(): Promise<void>;
}
