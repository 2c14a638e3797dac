/**
 * Appending batches to a Delta table in one commit, creating the table when it does not exist.
 * With a `txn` (the streaming sink's query id and batch id), the txn action goes in the same commit
 * and the append is skipped when the table already holds a txn for the appId at or past the
 * version: re-running a batch after a crash writes nothing twice.
 */
import type { Batch } from "../../columnar/batch.js";
import { CommitConflictError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import type { StructType } from "../../types/data-types.js";
import type { AddFile, DeltaAction } from "./actions.js";
import { writeDataFiles } from "./data-writer.js";
import { deleteUncommittedFiles } from "./post-commit.js";
import { loadSnapshotIfExists } from "./snapshot.js";
import type { DeltaSnapshot } from "./snapshot.js";
import type { DeltaCompression, WriteDataFilesOptions } from "./data-writer.js";
import { commitActions } from "./transaction.js";
import { conformed, planWrite, sameFileLayout, targetFileSizeOf, txnCovered } from "./write-plan.js";
import type { ConformCount, Discard } from "./write-plan.js";
import type { SchemaContract } from "./schema-evolution.js";
import { toDisplayUrl } from "../../storage/url.js";

/** Options of {@link appendToTable}. */
export interface AppendOptions {
  /** Keep NOT NULL columns in a new table's schema (see `WritePlanOptions.keepNullability`). */
  readonly keepNullability?: boolean;
  /**
   * The schema of every batch. For an existing table the data is matched to the table's columns by
   * name; table columns it lacks are written as nulls; new columns need `mergeSchema`.
   */
  readonly schema: StructType;
  /** Partition columns of a new table; when given for an existing table they must match its own. */
  readonly partitionBy?: readonly string[];
  /** The application transaction to record (and to skip the append when already recorded). */
  readonly txn?: { readonly appId: string; readonly version: number };
  /** Rows per data file at most; unlimited when absent. */
  readonly maxRecordsPerFile?: number;
  /** Encoded bytes per data file before rolling; the table's `delta.targetFileSize`, else 128 MiB, when absent. */
  readonly targetFileSize?: number;
  /** Parquet compression of the data files (`snappy` when absent). */
  readonly compression?: DeltaCompression;
  /** Encodes big data files in this writer thread (see `writeDataFiles`); all in the calling thread when absent. */
  readonly writerThread?: WriteDataFilesOptions["writerThread"];
  /**
   * A snapshot of this table from an earlier write (e.g. `AppendResult.snapshot` of the previous
   * batch): only the commits after it are read, instead of the checkpoint and everything since.
   */
  readonly base?: DeltaSnapshot | null;
  /** Add new columns of the data to the table schema (a `metaData` action in the same commit). */
  readonly mergeSchema?: boolean;
  /** What to do with new columns without `mergeSchema` (see `SchemaContract`); `freeze` when absent. */
  readonly schemaContract?: SchemaContract;
  /** The properties of the table when this append creates it (see `newTableProperties`). */
  readonly tableProperties?: Readonly<Record<string, string>>;
  /** `commitInfo.operation`; `WRITE` by default (the streaming sink passes `STREAMING UPDATE`). */
  readonly operation?: string;
  /** `commitInfo.operationParameters`; Spark's WRITE parameters by default. */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
}

/** What {@link appendToTable} did. */
export interface AppendResult {
  /** The committed version, or null when the append was skipped. */
  readonly version: number | null;
  /** True when the table's txn for the appId was already at or past the requested version. */
  readonly skipped: boolean;
  /** The files added. */
  readonly files: readonly AddFile[];
  /** Rows added. */
  readonly numRows: number;
  /** The table configuration at the committed version (as the writer knew it), or null when skipped. */
  readonly configuration: Readonly<Record<string, string>> | null;
  /**
   * Where the time went, in ms: `dataMs` pulling the input and writing data files, `logMs` the
   * rest (reading the snapshot, planning, committing, retries): the Delta log's own overhead.
   */
  readonly timings: { readonly dataMs: number; readonly logMs: number };
  /** The snapshot the append was planned on (null when the table did not exist); a `base` for the next one. */
  readonly snapshot: DeltaSnapshot | null;
  /** Rows a `discard_row` contract dropped, and values a `discard_value` contract left out. */
  readonly discardedRows?: number;
  readonly discardedValues?: number;
}

/** Attempts when a concurrent writer creates the table or commits our appId's txn first. */
const APPEND_ATTEMPTS = 5;

/**
 * Appends `batches` to the Delta table rooted at `tableKey`, creating it (protocol 1/2, the
 * schema, `partitionBy`) if it has no log. All files, the txn and (with `mergeSchema`) the evolved
 * `metaData` go in one commit.
 * @throws AnalysisError when the data does not fit the table's schema (see `evolveSchema`) or the
 *   partition columns differ from the existing table's; CommitConflictError when a concurrent commit
 *   conflicts (see `commitActions`), e.g. changed the metadata in a way the written files do not fit.
 */
export async function appendToTable(
  storage: Storage,
  tableKey: string,
  batches: Iterable<Batch> | AsyncIterable<Batch>,
  options: AppendOptions,
): Promise<AppendResult> {
  const append = await beginAppend(storage, tableKey, options);
  if (append.kind === "skipped") return append.result;
  const count: ConformCount = { rows: 0 };
  const dataStarted = performance.now();
  const adds = await writeDataFiles(storage, tableKey, append.schema, append.partitionBy, conformed(batches, append.schema, count, append.discard), {
    maxRecordsPerFile: options.maxRecordsPerFile,
    targetFileSize: append.targetFileSize,
    compression: options.compression,
    writerThread: options.writerThread,
  });
  const result = await append.commit(adds, count.rows, performance.now() - dataStarted);
  return { ...result, discardedRows: count.discardedRows ?? 0, discardedValues: count.discardedValues ?? 0 };
}

/**
 * An append decided but not written: the table schema and partition columns the data files must be
 * written with (data conformed to the schema, see `conformed`), and the commit of those files.
 */
export interface PendingAppend {
  readonly kind: "pending";
  readonly schema: StructType;
  readonly partitionBy: readonly string[];
  /** The `targetFileSize` in force (the option, else the table's `delta.targetFileSize`, else 128 MiB). */
  readonly targetFileSize: number;
  /** What a discard contract leaves out of the data (pass it to `conformed`); null when nothing. */
  readonly discard: Discard | null;
  /**
   * Commits `adds` (files written for this plan) with the txn and any metadata change, retrying a
   * blind append over concurrent commits. When a concurrent commit covered the txn first, or moved
   * the table so the files no longer fit, the files are deleted; the result is then skipped, or the
   * CommitConflictError is thrown. `dataMs`: time spent writing the files, for the timings.
   */
  commit(adds: readonly AddFile[], numRows: number, dataMs: number): Promise<AppendResult>;
}

/**
 * Plans an append to the table at `tableKey` (see {@link appendToTable}, which is this, then
 * writing the files, then `commit`), or says it is skipped when the table's txn covers it.
 * @throws as {@link appendToTable} for data that does not fit the table.
 */
export async function beginAppend(
  storage: Storage,
  tableKey: string,
  options: AppendOptions,
): Promise<PendingAppend | { readonly kind: "skipped"; readonly result: AppendResult }> {
  const started = performance.now();
  const tablePath = toDisplayUrl(storage, tableKey);
  const snapshot = await loadSnapshotIfExists(storage, tableKey, { base: options.base ?? undefined });
  // The table's txn already covers this append: nothing to write.
  if (txnCovered(snapshot, options.txn)) return { kind: "skipped", result: skippedResult(started, 0, snapshot) };
  let plan = planWrite(snapshot, options, tablePath);
  const commit = async (files: readonly AddFile[], numRows: number, dataMs: number): Promise<AppendResult> => {
    const adds = [...files];
    for (let attempt = 1; ; attempt++) {
      const actions: DeltaAction[] = [...plan.metadataActions];
      for (const add of adds) actions.push({ kind: "add", add });
      if (options.txn !== undefined) actions.push({ kind: "txn", txn: { appId: options.txn.appId, version: options.txn.version, lastUpdated: Date.now() } });
      try {
        const version = await commitActions(storage, tableKey, plan.snapshot === null ? -1 : plan.snapshot.version, actions, {
          operation: options.operation ?? "WRITE",
          operationParameters: options.operationParameters ?? { mode: "Append", partitionBy: JSON.stringify(plan.partitionBy) },
          operationMetrics: { numFiles: adds.length, numOutputRows: numRows, numOutputBytes: adds.reduce((s, a) => s + a.size, 0) },
          isBlindAppend: true,
        });
        return { version, skipped: false, files: adds, numRows, configuration: plan.configuration, timings: timings(started, dataMs), snapshot: plan.snapshot };
      } catch (e) {
        if (!(e instanceof CommitConflictError)) throw e; // the commit may have landed: keep its files
        if (attempt >= APPEND_ATTEMPTS) {
          await deleteUncommittedFiles(storage, tableKey, adds);
          throw e;
        }
        // Someone created the table, changed its metadata or committed our appId first: decide again.
        const latest = await loadSnapshotIfExists(storage, tableKey, { base: plan.snapshot ?? undefined });
        if (txnCovered(latest, options.txn)) {
          await deleteUncommittedFiles(storage, tableKey, adds);
          return skippedResult(started, dataMs, latest);
        }
        if (latest === null) throw e;
        const next = planWrite(latest, { ...options, partitionBy: plan.partitionBy }, tablePath);
        // The files were written for the old plan; they only fit if the table shape did not move.
        if (!sameFileLayout(next, plan)) {
          await deleteUncommittedFiles(storage, tableKey, adds);
          throw e;
        }
        plan = next;
      }
    }
  };
  return {
    kind: "pending",
    schema: plan.schema,
    partitionBy: plan.partitionBy,
    targetFileSize: targetFileSizeOf(options.targetFileSize, plan.configuration),
    discard: plan.discard,
    commit,
  };
}

function skippedResult(started: number, dataMs: number, snapshot: DeltaSnapshot | null): AppendResult {
  return { version: null, skipped: true, files: [], numRows: 0, configuration: null, timings: timings(started, dataMs), snapshot };
}

function timings(started: number, dataMs: number): AppendResult["timings"] {
  return { dataMs, logMs: performance.now() - started - dataMs };
}
