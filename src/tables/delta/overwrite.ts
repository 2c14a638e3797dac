/**
 * Replacing the whole content of a Delta table in one commit: a `remove` for every live file, an
 * `add` for every new one, and optionally a txn and a new `metaData`. Readers see either the old
 * table or the new one. Used by the streaming sink's complete mode and by batch
 * `mode("overwrite")`; the removed files stay on storage (VACUUM deletes them after the retention
 * period, their tombstones say when they were removed).
 */
import type { Batch } from "../../columnar/batch.js";
import { CommitConflictError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import type { StructType } from "../../types/data-types.js";
import type { AddFile, DeltaAction, RemoveFile } from "./actions.js";
import { writeDataFiles } from "./data-writer.js";
import { deleteUncommittedFiles } from "./post-commit.js";
import type { DeltaCompression, WriteDataFilesOptions } from "./data-writer.js";
import { loadSnapshotIfExists } from "./snapshot.js";
import type { DeltaFile } from "./snapshot.js";
import { commitActions } from "./transaction.js";
import { conformed, planWrite, sameFileLayout, targetFileSizeOf, txnCovered } from "./write-plan.js";
import type { SchemaContract } from "./schema-evolution.js";
import type { WritePlan } from "./write-plan.js";
import { toDisplayUrl } from "../../storage/url.js";

/** Options of {@link overwriteTable}. */
export interface OverwriteOptions {
  /** Keep NOT NULL columns in a new table's schema (see `WritePlanOptions.keepNullability`). */
  readonly keepNullability?: boolean;
  /**
   * The schema of every batch. Unless `overwriteSchema`, it must fit the table's as for an append
   * (matched by name, missing columns written as nulls, new ones only with `mergeSchema`).
   */
  readonly schema: StructType;
  /** Partition columns of a new table (or the new partitioning with `overwriteSchema`); otherwise they must match the table's. */
  readonly partitionBy?: readonly string[];
  /** Add new columns of the data to the table schema. */
  readonly mergeSchema?: boolean;
  /** What to do with new columns without `mergeSchema` (see `SchemaContract`); `freeze` when absent. */
  readonly schemaContract?: SchemaContract;
  /** Replace the table's schema and partitioning with the data's (a new `metaData`, same table id). */
  readonly overwriteSchema?: boolean;
  /** The properties of the table when this overwrite creates it (see `newTableProperties`). */
  readonly tableProperties?: Readonly<Record<string, string>>;
  /** The application transaction to record; the overwrite is skipped when the table already holds it. */
  readonly txn?: { readonly appId: string; readonly version: number };
  /** Rows per data file at most; unlimited when absent. */
  readonly maxRecordsPerFile?: number;
  /** Encoded bytes per data file before rolling; the table's `delta.targetFileSize`, else 128 MiB, when absent. */
  readonly targetFileSize?: number;
  /** Parquet compression of the data files (`snappy` when absent). */
  readonly compression?: DeltaCompression;
  /** Encodes big data files in this writer thread (see `writeDataFiles`); all in the calling thread when absent. */
  readonly writerThread?: WriteDataFilesOptions["writerThread"];
  /** `commitInfo.operation`; `WRITE` by default (the streaming sink passes `STREAMING UPDATE`). */
  readonly operation?: string;
  /** `commitInfo.operationParameters`; Spark's WRITE parameters for mode Overwrite by default. */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  /** The removes' `deletionTimestamp` (ms since the epoch); the commit time by default. */
  readonly now?: number;
}

/** What {@link overwriteTable} did. */
export interface OverwriteResult {
  /** The committed version, or null when the overwrite was skipped. */
  readonly version: number | null;
  /** True when the table's txn for the appId was already at or past the requested version. */
  readonly skipped: boolean;
  /** The files added. */
  readonly files: readonly AddFile[];
  /** The files removed (the previously live ones). */
  readonly removed: readonly RemoveFile[];
  /** Rows written. */
  readonly numRows: number;
  /** The table configuration at the committed version (as the writer knew it), or null when skipped. */
  readonly configuration: Readonly<Record<string, string>> | null;
}

/** Attempts when concurrent commits (appends, table creation) land first. */
const OVERWRITE_ATTEMPTS = 5;

/**
 * Replaces the content of the Delta table rooted at `tableKey` with `batches` in one commit,
 * creating the table when it has no log. The commit holds, in order: the new `protocol`/`metaData`
 * (new table, `mergeSchema` or `overwriteSchema`), a `remove` per live file (`dataChange: true`,
 * `deletionTimestamp`, `extendedFileMetadata: true` with the file's partition values and size), an
 * `add` per new file and the txn. Empty input still commits: the table becomes empty.
 *
 * The commit depends on every live file, so a concurrent commit that adds or removes data conflicts
 * (`commitActions` with `readWholeTable`); the overwrite then re-reads the table and retries with the
 * new set of live files (its output does not depend on them), unless the table's schema or
 * partitioning moved so the written files no longer fit, or a concurrent commit recorded our txn.
 * When the overwrite gives up on a conflict (or is skipped), the data files it wrote are deleted.
 * @throws AnalysisError when the data does not fit the table (see `planWrite`); CommitConflictError
 *   when conflicts persist or the metadata changed concurrently.
 */
export async function overwriteTable(
  storage: Storage,
  tableKey: string,
  batches: Iterable<Batch> | AsyncIterable<Batch>,
  options: OverwriteOptions,
): Promise<OverwriteResult> {
  const tablePath = toDisplayUrl(storage, tableKey);
  const snapshot = await loadSnapshotIfExists(storage, tableKey);
  if (txnCovered(snapshot, options.txn)) return skippedResult();
  let plan = planWrite(snapshot, { ...options, replacesData: true }, tablePath);
  const count = { rows: 0 };
  const adds = await writeDataFiles(storage, tableKey, plan.schema, plan.partitionBy, conformed(batches, plan.schema, count, plan.discard), {
    maxRecordsPerFile: options.maxRecordsPerFile,
    targetFileSize: targetFileSizeOf(options.targetFileSize, plan.configuration),
    compression: options.compression,
    writerThread: options.writerThread,
  });
  const numRows = count.rows;
  for (let attempt = 1; ; attempt++) {
    const live = plan.snapshot?.files ?? [];
    const now = options.now ?? Date.now();
    const removes = live.map((f) => removeOf(f, now));
    const actions: DeltaAction[] = [...plan.metadataActions];
    for (const remove of removes) actions.push({ kind: "remove", remove });
    for (const add of adds) actions.push({ kind: "add", add });
    if (options.txn !== undefined) actions.push({ kind: "txn", txn: { appId: options.txn.appId, version: options.txn.version, lastUpdated: now } });
    try {
      const version = await commitActions(storage, tableKey, plan.snapshot === null ? -1 : plan.snapshot.version, actions, {
        operation: options.operation ?? "WRITE",
        operationParameters: options.operationParameters ?? { mode: "Overwrite", partitionBy: JSON.stringify(plan.partitionBy) },
        operationMetrics: {
          numFiles: adds.length,
          numOutputRows: numRows,
          numOutputBytes: adds.reduce((s, a) => s + a.size, 0),
          numRemovedFiles: removes.length,
          numRemovedBytes: live.reduce((s, f) => s + f.size, 0),
        },
        isBlindAppend: false,
        readPaths: new Set(live.map((f) => f.rawPath)),
        readWholeTable: true,
      });
      return { version, skipped: false, files: adds, removed: removes, numRows, configuration: plan.configuration };
    } catch (e) {
      // Any other error may come after the commit landed (e.g. a lost response): the files stay.
      if (!(e instanceof CommitConflictError)) throw e;
      // A conflict means this commit was not written: its files are nobody's.
      const giveUp = async (): Promise<never> => {
        await deleteUncommittedFiles(storage, tableKey, adds);
        throw e;
      };
      if (attempt >= OVERWRITE_ATTEMPTS) return giveUp();
      const latest = await loadSnapshotIfExists(storage, tableKey);
      if (txnCovered(latest, options.txn)) {
        await deleteUncommittedFiles(storage, tableKey, adds);
        return skippedResult();
      }
      if (latest === null) return giveUp();
      const next = replan(latest, plan, options, tablePath);
      if (next === null) return giveUp();
      plan = next;
    }
  }
}

/**
 * The `remove` action that deletes the live file `file` at `deletionTimestamp`, as Spark writes it
 * (`dataChange: true`, `extendedFileMetadata: true`, the file's partition values and size).
 */
export function removeOf(file: DeltaFile, deletionTimestamp: number, dataChange = true): RemoveFile {
  return {
    path: file.rawPath,
    deletionTimestamp,
    dataChange,
    extendedFileMetadata: true,
    partitionValues: file.partitionValues,
    size: file.size,
  };
}

/** The plan over `latest` when the files written for `plan` still fit it, else null. */
function replan(latest: NonNullable<WritePlan["snapshot"]>, plan: WritePlan, options: OverwriteOptions, tablePath: string): WritePlan | null {
  let next: WritePlan;
  try {
    next = planWrite(latest, { ...options, partitionBy: plan.partitionBy, replacesData: true }, tablePath);
  } catch {
    return null;
  }
  return sameFileLayout(next, plan) ? next : null;
}

function skippedResult(): OverwriteResult {
  return { version: null, skipped: true, files: [], removed: [], numRows: 0, configuration: null };
}
