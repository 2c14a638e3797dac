/**
 * The table-format side of a streaming append: the `_spark_metadata` file sink, Delta, and
 * Iceberg next implement it; the data files themselves come from the one shared writer
 * (`files/data-file-writer.ts`). A streaming batch is:
 *
 * 1. {@link StreamingTable.beginBatch}: null when the table already holds batch N of this query
 *    (a re-run after a crash: the sink skips it), else the plan of the batch's files;
 * 2. the sink writes the data, conformed by {@link BatchWrite.conform}, as data files with
 *    {@link BatchWrite.schema} and {@link BatchWrite.layout}, invisible to readers;
 * 3. {@link BatchWrite.commit} makes them visible in one atomic step, exactly once per (query,
 *    batch): when another writer committed batch N first, it reports `committed: false` and the
 *    files stay unlisted (orphans no reader sees).
 *
 * The shared contract suite (`test/contract/table-format.contract.ts`) proves these rules for every
 * format.
 */
import type { Batch } from "../columnar/batch.js";
import type { Storage } from "../storage/storage.js";
import type { StructType } from "../types/data-types.js";
import type { DataFile, DataFileLayout } from "./files/data-file-writer.js";

/** A table a streaming query appends to, one micro-batch at a time. */
export interface StreamingTable<S = unknown> {
  readonly storage: Storage;
  /** The table's root folder in `storage`. */
  readonly tableKey: string;
  /** For progress reports, e.g. `DeltaSink[file:///lake/silver]`. */
  readonly description: string;
  /**
   * Plans batch `batchId` of data with `schema`, or returns null when the table already holds it.
   * @throws AnalysisError when the data cannot go into the table (a schema it does not fit).
   */
  beginBatch(batchId: number, schema: StructType): Promise<BatchWrite<S> | null>;
  /** The data files a reader that honours the table's log sees now, as storage keys, in log order. */
  liveFiles(): Promise<string[]>;
}

/** One planned batch: how to write its files, and how to commit them. */
export interface BatchWrite<S = unknown> {
  /** The schema the data files are written with (the table's). */
  readonly schema: StructType;
  readonly layout: DataFileLayout<S>;
  /** The input batches reshaped to {@link schema} (columns matched by name, missing ones null). */
  conform(data: AsyncIterable<Batch>): AsyncIterable<Batch>;
  /**
   * Commits `files` (written for this plan) as the batch, atomically. `committed: false` when
   * another writer committed the batch first. Metrics go to the progress report's `sink.metrics`.
   */
  commit(files: readonly DataFile<S>[], written: WrittenData): Promise<BatchCommit>;
}

/** What the sink wrote for a batch: its rows, and the time reading the input and writing the files took (ms). */
export interface WrittenData {
  readonly numRows: number;
  readonly dataMs: number;
}

/** What a commit did. */
export interface BatchCommit {
  readonly committed: boolean;
  readonly metrics: Readonly<Record<string, string>>;
}
