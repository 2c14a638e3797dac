/**
 * The streaming source contract (Spark's `SupportsAdmissionControl` + `MicroBatchStream`).
 *
 * An offset is an opaque JSON value the source defines; the runtime writes its JSON text into the
 * checkpoint's `offsets/<N>` file before any data of batch N is read, and on restart hands the same
 * offsets back. `read(start, end)` must then return exactly the same records.
 */
import type { Batch } from "../columnar/batch.js";
import type { StructType } from "../types/data-types.js";
import type { Storage } from "../storage/storage.js";

/** A source offset, serialised as JSON text exactly as it appears in `offsets/<N>`. */
export type OffsetJson = string;

/**
 * How much one micro-batch may admit. `default`: the source's own rate limits
 * (`maxFilesPerTrigger`, `maxOffsetsPerTrigger` …), as under the default and processingTime
 * triggers; `availableNow`: the same limits, within what was available when the query started;
 * `all`: everything available, ignoring the rate limits (Spark's `Trigger.Once`).
 */
export type ReadLimit = { readonly kind: "default" } | { readonly kind: "availableNow" } | { readonly kind: "all" };

/** What a source is given when the query starts. */
export interface SourceContext {
  readonly storage: Storage;
  /** This source's folder in the checkpoint, ending in `/`: `<checkpoint>/sources/<index>/`. */
  readonly metadataPrefix: string;
  /**
   * The session's settings when the query started (Spark's `SQLConf`), e.g. the retention of the
   * source's own log (`streamingRetention`). Absent: Spark's defaults.
   */
  readonly sessionConf?: Readonly<Record<string, string>>;
}

export interface StreamSource {
  /** Schema of the batches `read` returns. */
  readonly schema: StructType;
  /** A short description for progress reports, e.g. `FileStreamSource[file:/landing]`. */
  readonly description: string;
  /** Called once before the first batch. */
  open(ctx: SourceContext): Promise<void>;
  /**
   * The end offset of the next batch, given where the previous batch ended (`start`, null before the
   * first batch). Caps by the source's own rate-limit options. Returns `start` (or null) when there is
   * nothing new. May persist source metadata (e.g. the file log) before returning.
   */
  latestOffset(start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null>;
  /** Records in `(start, end]`, as chunks. Deterministic for the same range. */
  read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch>;
  /** Batch ending at `end` is committed: the source may release what it holds for it. */
  commit(end: OffsetJson): Promise<void>;
  /** For `availableNow`: fix the end of available data now, so later arrivals wait for the next run. */
  prepareForTriggerAvailableNow?(): Promise<void>;
  stop(): Promise<void>;
  /**
   * The latest offset available at the last `latestOffset` call, before rate limits (Spark's
   * `SupportsAdmissionControl.reportLatestOffset`), for the progress's `latestOffset`; the batch's
   * end offset is reported when absent or null.
   */
  reportLatestOffset?(): OffsetJson | null;
  /** Per-source progress metrics (Spark's `sources[].metrics`). */
  metrics?(): Record<string, string>;
  /**
   * How far the `read` in flight has got, where the source knows its size: `done` of `total` in
   * `unit` (fractions allowed), or null between reads or when unknown. For display only.
   */
  readProgress?(): ReadProgress | null;
  /**
   * Optional: splits `(start, end]` into partitions that can be read independently, in order, by
   * `readPartition` on a fresh instance of this source in another thread. Reading every partition
   * in order must yield exactly what `read(start, end)` yields.
   */
  planInputPartitions?(start: OffsetJson | null, end: OffsetJson): Promise<InputPartition[]>;
  /** Reads one partition from `planInputPartitions`. Must not need `open()` (runs in a worker). */
  readPartition?(partition: InputPartition): AsyncIterable<Batch>;
}

/** A unit of input a worker reads on its own; structured-cloneable (plain JSON values). */
export type InputPartition = Readonly<Record<string, string | number | boolean | null>>;

/** See {@link StreamSource.readProgress}. */
export interface ReadProgress {
  readonly done: number;
  readonly total: number;
  readonly unit: "files" | "offsets" | "bytes";
}
