/**
 * A pool of worker threads that run stateless plan fragments (a source under projects and filters)
 * over input partitions in parallel, while the calling thread runs the stateful rest of the plan
 * and the sink. Output comes back in partition order, so the result is identical to reading the
 * partitions one after another in one thread — which keeps re-run batches deterministic.
 *
 * Back-pressure: at most `size + 1` partitions are dispatched ahead of the one being consumed.
 */
import type { Worker } from "node:worker_threads";
import { startWorker, workerEntry } from "../exec/parallel/start-worker.js";
import type { Batch } from "../columnar/batch.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import type { InputPartition } from "../connectors/source.js";
import { ExecutionError, InternalError, deserializeError } from "../errors.js";
import type { WorkerRequest, WorkerReply } from "./fragment-protocol.js";

interface TaskState {
  readonly batches: Batch[];
  done: boolean;
  error: Error | null;
  inputRows: number;
}

interface Slot {
  readonly worker: Worker;
  busy: boolean;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly tasks = new Map<number, TaskState>();
  private readonly waiting = new Map<number, () => void>();
  private nextTaskId = 1;
  private dispatchWaiters: (() => void)[] = [];
  private closed = false;
  /** The `run` in flight: partitions consumed and planned. */
  private progress: { done: number; total: number } | null = null;
  /** Set when a worker died: the pool cannot be used any more. */
  private broken: ExecutionError | null = null;

  constructor(readonly size: number) {
    const url = workerEntry(import.meta.url, "fragment-worker");
    for (let i = 0; i < size; i++) {
      const worker = startWorker(url);
      const slot: Slot = { worker, busy: false };
      worker.on("message", (m: WorkerReply) => this.onReply(slot, m));
      worker.on("error", (e) => this.failAll(e));
      worker.on("exit", (code) => this.failAll(new Error(`worker thread exited with code ${code}`)));
      worker.unref();
      this.slots.push(slot);
    }
  }

  /**
   * Runs `fragment` over every partition and yields the output batches in partition order
   * (`required`: the fragment's output columns the query reads, or null for all).
   * `onInputRows` receives each partition's count of rows read from the source.
   */
  async *run(
    fragment: ResolvedPlan,
    required: readonly number[] | null,
    partitions: readonly InputPartition[],
    ctx: { readonly batchId: number; readonly batchTimestampMs: number },
    onInputRows: (n: number) => void,
  ): AsyncGenerator<Batch> {
    const ids: number[] = [];
    let dispatched = 0;
    this.progress = { done: 0, total: partitions.length };
    const dispatchUpTo = async (limit: number) => {
      while (dispatched < partitions.length && dispatched < limit) {
        const slot = await this.freeSlot();
        const taskId = this.nextTaskId++;
        ids.push(taskId);
        this.tasks.set(taskId, { batches: [], done: false, error: null, inputRows: 0 });
        slot.busy = true;
        slot.worker.ref();
        const req: WorkerRequest = { kind: "fragment", taskId, batchId: ctx.batchId, batchTimestampMs: ctx.batchTimestampMs, fragment, required, partition: partitions[dispatched] };
        slot.worker.postMessage(req);
        dispatched++;
      }
    };
    try {
      for (let k = 0; k < partitions.length; k++) {
        await dispatchUpTo(Math.min(partitions.length, k + this.size + 1));
        const id = ids[k];
        for (;;) {
          const t = this.tasks.get(id);
          if (t === undefined) throw new InternalError(`worker pool: task ${id} vanished`);
          if (t.batches.length > 0) {
            const b = t.batches.shift();
            if (b !== undefined) yield b;
            continue;
          }
          if (t.error !== null) throw t.error;
          if (this.broken !== null) throw this.broken;
          if (t.done) {
            onInputRows(t.inputRows);
            this.tasks.delete(id);
            if (this.progress !== null) this.progress.done++;
            break;
          }
          await new Promise<void>((resolve) => this.waiting.set(id, resolve));
          // Keep workers busy while this thread waits.
          await dispatchUpTo(Math.min(partitions.length, k + this.size + 1));
        }
      }
    } finally {
      for (const id of ids) this.tasks.delete(id);
      this.progress = null;
    }
  }

  /** Partitions of the `run` in flight whose output has been consumed, of all; null between runs. */
  readProgress(): { done: number; total: number } | null {
    return this.progress === null ? null : { ...this.progress };
  }

  /** Terminates the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private freeSlot(): Promise<Slot> {
    if (this.broken !== null) return Promise.reject(this.broken);
    const free = this.slots.find((s) => !s.busy);
    if (free !== undefined) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      this.dispatchWaiters.push(() => {
        if (this.broken !== null) return reject(this.broken);
        const s = this.slots.find((x) => !x.busy);
        if (s === undefined) return reject(new InternalError("worker pool: woken without a free worker"));
        resolve(s);
      });
    });
  }

  private onReply(slot: Slot, m: WorkerReply): void {
    const t = this.tasks.get(m.taskId);
    if (m.kind !== "batch") {
      slot.busy = false;
      slot.worker.unref();
      const next = this.dispatchWaiters.shift();
      if (next !== undefined) next();
    }
    if (t === undefined) return;
    if (m.kind === "batch") t.batches.push(m.batch);
    else if (m.kind === "done") {
      t.done = true;
      t.inputRows = m.inputRows;
    } else {
      t.error = deserializeError(m.error, (message) => new ExecutionError(`worker: a fragment task failed: ${message}`));
    }
    const wake = this.waiting.get(m.taskId);
    if (wake !== undefined) {
      this.waiting.delete(m.taskId);
      wake();
    }
  }

  private failAll(e: Error): void {
    if (this.closed || this.broken !== null) return;
    const err = new ExecutionError(`worker pool: a worker thread failed: ${e.message}`, { cause: e });
    this.broken = err;
    for (const [id, t] of this.tasks) {
      t.error = err;
      const wake = this.waiting.get(id);
      this.waiting.delete(id);
      wake?.();
    }
    const waiters = this.dispatchWaiters;
    this.dispatchWaiters = [];
    for (const w of waiters) w();
  }
}

