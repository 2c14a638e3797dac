/**
 * Parquet encoding and compression in a worker thread, so the query's thread only runs the
 * stateful operators while the sink's files are encoded beside it. Batches are copied to the
 * worker (structured clone): the sink does not own its input's buffers, so it must not move them.
 * At most {@link MAX_IN_FLIGHT} batches per file wait in the worker, which bounds memory.
 *
 * A file's progress (`bytesWritten`, `numRowGroups`, rows encoded) is known from the worker's acks,
 * so it lags the batches queued but not yet encoded (at most {@link MAX_IN_FLIGHT}).
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../exec/parallel/start-worker.js";
import type { Batch } from "../../columnar/batch.js";
import type { StructType } from "../../types/data-types.js";
import type { ColumnStats, ParquetWriteOptions } from "../../formats/parquet/parquet-writer.js";
import { ExecutionError, SinkError } from "../../errors.js";
import { prepareTransfer } from "../../exec/parallel/transfer.js";
import { workerEntry } from "../../exec/parallel/start-worker.js";

const MAX_IN_FLIGHT = 4;

/**
 * Writing one Parquet file in the writer thread: open, write batches, finish (returns the file
 * bytes), or abort (drops the file without finishing it; no reply).
 */
export type WriterRequest =
  | { readonly kind: "parquetOpen"; readonly fileId: number; readonly schema: StructType; readonly options: ParquetWriteOptions }
  | { readonly kind: "parquetWrite"; readonly fileId: number; readonly seq: number; readonly batch: Batch }
  | { readonly kind: "parquetEndPages"; readonly fileId: number }
  | { readonly kind: "parquetFinish"; readonly fileId: number }
  | { readonly kind: "parquetAbort"; readonly fileId: number };

/**
 * Replies about a Parquet file. An ack reports the writer's state right after batch `seq`: its
 * `bytesWritten` (closed row groups plus the leading magic), `numRowGroups` and `numRows`, and
 * carries the file's bytes produced since the previous reply (`chunks`, transferred). `done` carries
 * the rest of the file and the writer's `columnStats()` (plain values: strings, numbers, bigints,
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
      readonly chunks: readonly Uint8Array[];
    }
  | {
      readonly kind: "parquetDone";
      readonly fileId: number;
      readonly bytes: Uint8Array;
      readonly numRows: number;
      readonly columnStats: readonly ColumnStats[];
    }
  | { readonly kind: "parquetError"; readonly fileId: number; readonly message: string; readonly code: string | null };

/** Sinks encode a file in the writer thread when its first chunk has at least this many rows. */
export const WRITER_THREAD_MIN_ROWS = 16_384;

/** A remote file's writer state as of the last acknowledged batch. */
export interface RemoteProgress {
  /** Bytes of the closed row groups (and the leading magic). */
  bytesWritten: number;
  /** Row groups closed. */
  numRowGroups: number;
  /** Rows encoded. */
  numRows: number;
}

/** A finished file: its bytes not taken before (in order) and the writer's per-leaf column statistics. */
export interface FinishedParquetFile {
  readonly chunks: readonly Uint8Array[];
  readonly numRows: number;
  readonly columnStats: readonly ColumnStats[];
}

interface FileState {
  inFlight: number;
  /** Bytes of the file received in acks and not taken yet. */
  chunks: Uint8Array[];
  readonly progress: RemoteProgress;
  wake: (() => void) | null;
  done: ((file: FinishedParquetFile) => void) | null;
  fail: ((e: Error) => void) | null;
  error: Error | null;
}

/** A worker thread that encodes Parquet files; one serves many files (of one query) at a time. */
export class ParquetWriterThread {
  private readonly worker: Worker;
  private readonly files = new Map<number, FileState>();
  private nextFileId = 1;
  private broken: Error | null = null;
  private closed = false;

  constructor() {
    this.worker = startWorker(workerEntry(import.meta.url, "writer-worker"));
    this.worker.on("message", (m: WriterReply) => this.onReply(m));
    this.worker.on("error", (e) => this.failAll(e));
    this.worker.on("exit", (code) => this.failAll(new Error(`writer thread exited with code ${code}`)));
    this.worker.unref();
  }

  /** Starts a new file. */
  open(schema: StructType, options: ParquetWriteOptions): RemoteParquetFile {
    const fileId = this.nextFileId++;
    const progress: RemoteProgress = { bytesWritten: 0, numRowGroups: 0, numRows: 0 };
    this.files.set(fileId, { inFlight: 0, chunks: [], progress, wake: null, done: null, fail: null, error: null });
    this.post({ kind: "parquetOpen", fileId, schema, options });
    return new RemoteParquetFile(this, fileId, progress);
  }

  /** @internal Queues a batch; `move` transfers its buffers (the caller must own them and not use them again). */
  async write(fileId: number, seq: number, batch: Batch, move: boolean): Promise<void> {
    const f = this.state(fileId);
    while (f.inFlight >= MAX_IN_FLIGHT && f.error === null) {
      await new Promise<void>((resolve) => (f.wake = resolve));
    }
    if (f.error !== null) throw f.error;
    f.inFlight++;
    if (move) {
      const t = prepareTransfer(batch);
      this.post({ kind: "parquetWrite", fileId, seq, batch: t.batch }, t.transfer);
    } else {
      this.post({ kind: "parquetWrite", fileId, seq, batch });
    }
  }

  /** @internal Ends the file's open pages after the batches queued so far (`ParquetWriter.endPages`). */
  endPages(fileId: number): void {
    const f = this.state(fileId);
    if (f.error === null) this.post({ kind: "parquetEndPages", fileId });
  }

  /** @internal Removes and returns the file's bytes received so far. */
  takeChunks(fileId: number): Uint8Array[] {
    const f = this.files.get(fileId);
    if (f === undefined) return [];
    const out = f.chunks;
    f.chunks = [];
    return out;
  }

  /** @internal */
  finish(fileId: number): Promise<FinishedParquetFile> {
    const f = this.state(fileId);
    if (f.error !== null) return Promise.reject(f.error);
    const result = new Promise<FinishedParquetFile>((resolve, reject) => {
      f.done = resolve;
      f.fail = reject;
    });
    this.post({ kind: "parquetFinish", fileId });
    return result;
  }

  /** @internal Drops a file without finishing it (after a failure); no-op when it is already gone. */
  abort(fileId: number): void {
    const f = this.files.get(fileId);
    if (f === undefined) return;
    this.files.delete(fileId);
    if (this.broken === null && !this.closed) this.post({ kind: "parquetAbort", fileId });
    this.unrefWhenIdle();
  }

  /** Stops the worker; files not finished yet fail with an `ExecutionError`. */
  async close(): Promise<void> {
    if (!this.closed && this.broken === null) this.failAll(new Error("closed"));
    this.closed = true;
    await this.worker.terminate();
  }

  private post(m: WriterRequest, transfer: ArrayBuffer[] = []): void {
    if (this.broken !== null) throw this.broken;
    this.worker.ref();
    this.worker.postMessage(m, transfer);
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
      f.progress.bytesWritten = m.bytesWritten;
      f.progress.numRowGroups = m.numRowGroups;
      f.progress.numRows = m.numRows;
      for (const c of m.chunks) f.chunks.push(c);
      const w = f.wake;
      f.wake = null;
      w?.();
    } else if (m.kind === "parquetDone") {
      this.files.delete(m.fileId);
      f.done?.({ chunks: [...f.chunks, m.bytes], numRows: m.numRows, columnStats: m.columnStats });
    } else {
      f.error = new SinkError(m.message);
      this.files.delete(m.fileId);
      f.fail?.(f.error);
      f.wake?.();
    }
    this.unrefWhenIdle();
  }

  /** Lets the process exit while no file waits for the worker. */
  private unrefWhenIdle(): void {
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
  /** Rows queued so far (encoded or not). */
  numRows = 0;

  constructor(
    private readonly thread: ParquetWriterThread,
    private readonly fileId: number,
    /** The writer's state as of the last acknowledged batch (lags the queued batches; see the module comment). */
    readonly progress: Readonly<RemoteProgress>,
  ) {}

  /**
   * Queues a batch; waits only when too many batches are already queued. The batch is copied,
   * unless `move` is true: then its buffers are transferred (views not owning their whole buffer
   * are copied first), so the caller must own them and never read them again.
   */
  async write(batch: Batch, move = false): Promise<void> {
    this.numRows += batch.numRows;
    await this.thread.write(this.fileId, this.seq++, batch, move);
  }

  /**
   * Ends the file's open pages once the batches queued so far are encoded, as
   * `ParquetWriter.endPages` does, so the file's bytes stay those of a writer in this thread.
   */
  endPages(): void {
    this.thread.endPages(this.fileId);
  }

  /**
   * Removes and returns the file's bytes produced so far, in order (those the acks of the batches
   * encoded so far brought back).
   */
  takeChunks(): Uint8Array[] {
    return this.thread.takeChunks(this.fileId);
  }

  /**
   * Finishes the file: its bytes not taken yet with {@link takeChunks}, with the writer's column
   * statistics (`ParquetWriter.columnStats()`).
   */
  finishWithStats(): Promise<FinishedParquetFile> {
    return this.thread.finish(this.fileId);
  }

  /** Drops the file unfinished (after a failure elsewhere); its queued batches are discarded. */
  abort(): void {
    this.thread.abort(this.fileId);
  }
}

/** A writer thread started on first use (`get`), for a sink or one write; `close` stops it if started. */
export class LazyWriterThread {
  private thread: ParquetWriterThread | null = null;

  /** The thread, started now if it is not running yet. */
  readonly get = (): ParquetWriterThread => (this.thread ??= new ParquetWriterThread());

  async close(): Promise<void> {
    const t = this.thread;
    this.thread = null;
    await t?.close();
  }
}
