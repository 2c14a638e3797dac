/**
 * What every Delta writer does after a successful commit: a Parquet checkpoint every
 * `delta.checkpointInterval` commits (as the streaming sink does) followed by log cleanup, and the
 * `remove` action that retires a live file.
 */
import type { Storage } from "../../storage/storage.js";
import type { AddFile, RemoveFile } from "./actions.js";
import { folderPrefix } from "../../storage/resolve.js";
import { shouldCheckpoint, writeCheckpoint } from "./checkpoint-writer.js";
import { checkpointInterval } from "./table-properties.js";
import { cleanUpExpiredLogs } from "./log-cleanup.js";
import type { CutoffTruncation, DeltaLogFiles } from "./log-cleanup.js";
import { loadSnapshot } from "./snapshot.js";
import type { DeltaFile, DeltaSnapshot } from "./snapshot.js";

/** Options of {@link checkpointAfterCommit}. */
export interface PostCommitOptions {
  /**
   * What a long-lived writer knows of the table's log (kept between commits), so log cleanup lists
   * only what is new; without it, cleanup lists the whole log, as Delta's does.
   */
  readonly logFiles?: DeltaLogFiles;
  /** How log cleanup truncates its cutoffs (`day`, Delta's, by default). */
  readonly cutoffTruncation?: CutoffTruncation;
}

/**
 * Writes the checkpoint of `version` when one is due under the table's `configuration` (the
 * metadata the commit was made against; none of the maintenance commits changes it), then deletes
 * the log files that expired (`cleanUpExpiredLogs`), as Delta's `checkpointAndCleanUpDeltaLog`.
 *
 * Never throws: the commit is already durable, and a checkpoint is only an optimisation (readers
 * replay the JSON commits without it), so a failure must not make the caller report the write as
 * failed — a retried append would add its rows twice. As Delta's post-commit hook does, the
 * failure is returned instead (null when the checkpoint was written or not due). `base`: a
 * snapshot of the table before the commit, so only the commits after it are read.
 */
export async function checkpointAfterCommit(
  storage: Storage,
  tableKey: string,
  version: number,
  configuration: Readonly<Record<string, string>>,
  base?: DeltaSnapshot | null,
  options: PostCommitOptions = {},
): Promise<unknown> {
  try {
    if (!shouldCheckpoint(version, checkpointInterval(configuration))) return null;
    const snapshot = await loadSnapshot(storage, tableKey, base === null || base === undefined ? { version } : { version, base });
    await writeCheckpoint(storage, tableKey, snapshot);
    await cleanUpExpiredLogs(storage, tableKey, snapshot.version, snapshot.metadata.configuration, snapshot.metadata.id, {
      files: options.logFiles,
      cutoffTruncation: options.cutoffTruncation,
    });
    return null;
  } catch (e) {
    return e;
  }
}

/**
 * The `remove` action for a live file, with Spark's extended file metadata (partition values, size,
 * stats) so tombstones carry what VACUUM and change readers need. `path` is the log's raw path.
 */
export function removeFor(file: DeltaFile, deletionTimestamp: number, dataChange: boolean): RemoveFile {
  const r: { -readonly [K in keyof RemoveFile]: RemoveFile[K] } = {
    path: file.rawPath,
    deletionTimestamp,
    dataChange,
    extendedFileMetadata: true,
    partitionValues: file.partitionValues,
    size: file.size,
  };
  if (file.stats !== undefined) r.stats = file.stats;
  return r;
}

/**
 * Deletes the data files `adds` of a commit known not to have been written (it lost to a conflict,
 * or the write was skipped). Best effort: a file that cannot be deleted is left for VACUUM, and the
 * caller's own outcome (the conflict, the skip) is what it reports.
 */
export async function deleteUncommittedFiles(storage: Storage, tableKey: string, adds: readonly AddFile[]): Promise<void> {
  for (const a of adds) await storage.delete(`${folderPrefix(tableKey)}${decodeURIComponent(a.path)}`).catch(() => undefined);
}
