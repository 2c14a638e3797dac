/**
 * Decides where a stateless fragment (a source under projects and filters) runs for one
 * micro-batch: in worker threads, one input partition per task, when the source can be
 * partitioned and the input is big enough to repay the threads; otherwise in this thread.
 * The worker pool starts on first use and lives until the query stops.
 */
import type { Batch } from "../columnar/batch.js";
import type { StreamSource, OffsetJson, ReadProgress } from "../connectors/source.js";
import type { BatchContext } from "../exec/operator.js";
import type { Fragment } from "../exec/planner.js";
import { WorkerPool } from "./worker-pool.js";

export interface ParallelismSettings {
  /** Worker threads (0: everything runs in the query's thread). */
  readonly workers: number;
  /** Inputs smaller than this many bytes are read in the query's thread. */
  readonly minBytes: number;
}

export class FragmentExecutor {
  private pool: WorkerPool | null = null;

  constructor(private readonly settings: ParallelismSettings) {}

  /** Runs `fragment` over `(start, end]` of `source`; `local` runs it in this thread. */
  async *run(
    fragment: Fragment,
    source: StreamSource,
    start: OffsetJson | null,
    end: OffsetJson | null,
    ctx: BatchContext,
    local: () => AsyncIterable<Batch>,
    onInputRows: (n: number) => void,
  ): AsyncGenerator<Batch> {
    if (this.settings.workers <= 0 || source.planInputPartitions === undefined || end === null || end === start) {
      yield* local();
      return;
    }
    const partitions = await source.planInputPartitions(start, end);
    const bytes = partitions.reduce((n, p) => n + (typeof p.size === "number" ? p.size : 0), 0);
    if (partitions.length < 2 || bytes < this.settings.minBytes) {
      yield* local();
      return;
    }
    this.pool ??= new WorkerPool(this.settings.workers);
    yield* this.pool.run(fragment.plan, fragment.required, partitions, ctx, onInputRows);
  }

  /** Files (partitions) of the fragment run in flight in the workers, or null (none, or in this thread). */
  readProgress(): ReadProgress | null {
    const p = this.pool?.readProgress() ?? null;
    return p === null || p.total === 0 ? null : { done: p.done, total: p.total, unit: "files" };
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }
}
