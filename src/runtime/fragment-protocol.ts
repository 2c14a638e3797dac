/** Messages between the query's thread and its fragment workers (`worker-pool.ts`, `fragment-worker.ts`). */
import type { Batch } from "../columnar/batch.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import type { InputPartition } from "../connectors/source.js";
import type { SerializedError } from "../errors.js";

/** A stateless fragment to run over one input partition. */
export interface WorkerRequest {
  readonly kind: "fragment";
  readonly taskId: number;
  readonly batchId: number;
  readonly batchTimestampMs: number;
  /** A stateless fragment: projects and filters over exactly one source leaf. */
  readonly fragment: ResolvedPlan;
  /** The fragment's output columns the query reads (ascending), or null for all. */
  readonly required: readonly number[] | null;
  readonly partition: InputPartition;
}

export type WorkerReply =
  | { readonly kind: "batch"; readonly taskId: number; readonly batch: Batch }
  | { readonly kind: "done"; readonly taskId: number; readonly inputRows: number }
  | { readonly kind: "error"; readonly taskId: number; readonly error: SerializedError };
