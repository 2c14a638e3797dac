/** Messages between the engine and its worker threads. */
import type { Batch } from "../../columnar/batch.js";
import type { ResolvedPlan } from "../../plan/analyze.js";
import type { InputPartition } from "../../connectors/source.js";
import type { StructType } from "../../types/data-types.js";
import type { ColumnStats, ParquetWriteOptions } from "../../formats/parquet/parquet-writer.js";

/** Work for a worker thread: a fragment over a partition, or a step of writing a Parquet file. */
export type WorkerMessage = WorkerRequest | WriterRequest;

export interface WorkerRequest {
  readonly kind: "fragment";
  readonly taskId: number;
  readonly batchId: number;
  readonly batchTimestampMs: number;
  /** A stateless fragment: projects and filters over exactly one source leaf. */
  readonly fragment: ResolvedPlan;
  readonly partition: InputPartition;
}

export type WorkerReply =
  | { readonly kind: "batch"; readonly taskId: number; readonly batch: Batch }
  | { readonly kind: "done"; readonly taskId: number; readonly inputRows: number }
  | { readonly kind: "error"; readonly taskId: number; readonly message: string; readonly code: string | null; readonly name: string };

/**
 * Writing one Parquet file in a worker: open, write batches, finish (returns the file bytes), or
 * abort (drops the file without finishing it; no reply).
 */
export type WriterRequest =
  | { readonly kind: "parquetOpen"; readonly fileId: number; readonly schema: StructType; readonly options: ParquetWriteOptions }
  | { readonly kind: "parquetWrite"; readonly fileId: number; readonly seq: number; readonly batch: Batch }
  | { readonly kind: "parquetFinish"; readonly fileId: number }
  | { readonly kind: "parquetAbort"; readonly fileId: number };

/**
 * Replies about a Parquet file. An ack reports the writer's state right after batch `seq`: its
 * `bytesWritten` (closed row groups plus the leading magic), `numRowGroups` and `numRows`. `done`
 * carries the whole file and the writer's `columnStats()` (plain values: strings, numbers, bigints,
 * booleans, Dates, byte arrays and data types, all structured-cloneable).
 */
export type WriterReply =
  | {
      readonly kind: "parquetAck";
      readonly fileId: number;
      readonly seq: number;
      readonly bytesWritten: number;
      readonly numRowGroups: number;
      readonly numRows: number;
    }
  | {
      readonly kind: "parquetDone";
      readonly fileId: number;
      readonly bytes: Uint8Array;
      readonly numRows: number;
      readonly columnStats: readonly ColumnStats[];
    }
  | { readonly kind: "parquetError"; readonly fileId: number; readonly message: string; readonly code: string | null };
