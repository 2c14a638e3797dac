/** Messages between the engine and its worker threads. */
import type { Batch } from "../../columnar/batch.js";
import type { ResolvedPlan } from "../../plan/analyze.js";
import type { InputPartition } from "../../connectors/source.js";
import type { StructType } from "../../types/data-types.js";
import type { ParquetWriteOptions } from "../../formats/parquet/parquet-writer.js";

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

/** Writing one Parquet file in a worker: open, write batches, finish (returns the file bytes). */
export type WriterRequest =
  | { readonly kind: "parquetOpen"; readonly fileId: number; readonly schema: StructType; readonly options: ParquetWriteOptions }
  | { readonly kind: "parquetWrite"; readonly fileId: number; readonly seq: number; readonly batch: Batch }
  | { readonly kind: "parquetFinish"; readonly fileId: number };

export type WriterReply =
  | { readonly kind: "parquetAck"; readonly fileId: number; readonly seq: number }
  | { readonly kind: "parquetDone"; readonly fileId: number; readonly bytes: Uint8Array; readonly numRows: number }
  | { readonly kind: "parquetError"; readonly fileId: number; readonly message: string; readonly code: string | null };
