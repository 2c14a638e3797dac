/**
 * Parquet encoding and compression in a worker thread, so the query's thread only runs the
 * stateful operators while the sink's files are encoded beside it. Batches are copied to the
 * worker (structured clone): the sink does not own its input's buffers, so it must not move them.
 * At most {@link MAX_IN_FLIGHT} batches per file wait in the worker, which bounds memory.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "./start-worker.js";
import type { Batch } from "../../columnar/batch.js";
import type { StructType } from "../../types/data-types.js";
import type { ParquetWriteOptions } from "../../formats/parquet/parquet-writer.js";
import { ExecutionError, SinkError } from "../../errors.js";
import type { WriterReply, WriterRequest } from "./protocol.js";
import { workerUrl } from "./worker-pool.js";

const MAX_IN_FLIGHT = 4;

interface FileState {
  inFlight: number;
  wake: (() => void) | null;
  done: ((bytes: Uint8Array) => void) | null;
  fail: ((e: Error) => void) | null;
  error: Error | null;
}

export class ParquetWriterThread {
  private readonly worker: Worker;
  private readonly files = new Map<number, FileState>();
  private nextFileId = 1;
  private broken: Error | null = null;
  private closed = false;

  constructor() {
    const url = workerUrl();
    this.worker = startWorker(url);
    this.worker.on("message", (m: WriterReply) => this.onReply(m));
    this.worker.on("error", (e) => this.failAll(e));
    this.worker.on("exit", (code) => this.failAll(new Error(`writer thread exited with code ${code}`)));
    this.worker.unref();
  }

  /** Starts a new file. */
  open(schema: StructType, options: ParquetWriteOptions): RemoteParquetFile {
    const fileId = this.nextFileId++;
    this.files.set(fileId, { inFlight: 0, wake: null, done: null, fail: null, error: null });
    this.post({ kind: "parquetOpen", fileId, schema, options });
    return new RemoteParquetFile(this, fileId);
  }

  /** @internal */
  async write(fileId: number, seq: number, batch: Batch): Promise<void> {
    const f = this.state(fileId);
    while (f.inFlight >= MAX_IN_FLIGHT && f.error === null) {
      await new Promise<void>((resolve) => (f.wake = resolve));
    }
    if (f.error !== null) throw f.error;
    f.inFlight++;
    this.post({ kind: "parquetWrite", fileId, seq, batch });
  }

  /** @internal */
  finish(fileId: number): Promise<Uint8Array> {
    const f = this.state(fileId);
    if (f.error !== null) return Promise.reject(f.error);
    const result = new Promise<Uint8Array>((resolve, reject) => {
      f.done = resolve;
      f.fail = reject;
    });
    this.post({ kind: "parquetFinish", fileId });
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }

  private post(m: WriterRequest): void {
    if (this.broken !== null) throw this.broken;
    this.worker.ref();
    this.worker.postMessage(m);
  }

  private state(fileId: number): FileState {
    const f = this.files.get(fileId);
    if (f === undefined) throw new ExecutionError(`parquet writer thread: unknown file ${fileId}`);
    return f;
  }

  private onReply(m: WriterReply): void {
    const f = this.files.get(m.fileId);
    if (f === undefined) return;
    if (m.kind === "parquetAck") {
      f.inFlight--;
      const w = f.wake;
      f.wake = null;
      w?.();
    } else if (m.kind === "parquetDone") {
      this.files.delete(m.fileId);
      f.done?.(m.bytes);
    } else {
      f.error = new SinkError(m.message);
      this.files.delete(m.fileId);
      f.fail?.(f.error);
      f.wake?.();
    }
    if ([...this.files.values()].every((x) => x.inFlight === 0 && x.done === null)) this.worker.unref();
  }

  private failAll(e: Error): void {
    if (this.closed || this.broken !== null) return;
    this.broken = new ExecutionError(`parquet writer thread failed: ${e.message}`, { cause: e });
    for (const f of this.files.values()) {
      f.error = this.broken;
      f.fail?.(this.broken);
      f.wake?.();
    }
    this.files.clear();
  }
}

/** One Parquet file being encoded in the writer thread. */
export class RemoteParquetFile {
  private seq = 0;
  numRows = 0;

  constructor(
    private readonly thread: ParquetWriterThread,
    private readonly fileId: number,
  ) {}

  /** Queues a batch; waits only when too many batches are already queued. */
  async write(batch: Batch): Promise<void> {
    this.numRows += batch.numRows;
    await this.thread.write(this.fileId, this.seq++, batch);
  }

  /** The complete file's bytes. */
  finish(): Promise<Uint8Array> {
    return this.thread.finish(this.fileId);
  }
}
