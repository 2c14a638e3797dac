/**
 * VACUUM, as Delta Lake's `VacuumCommand.gc`: deletes the files under the table root that the
 * current snapshot does not reference — neither a live file nor a tombstone removed less than the
 * retention ago — and whose modification time is older than the retention.
 *
 * Never touched: anything inside a hidden folder or named as a hidden file, by Delta's rule (a path
 * segment starting with `_` or `.`, except partition folders `<partitionColumn>=…` and Delta's
 * `_delta_index`/`_change_data` folders) — so `_delta_log/`, `_spark_metadata/`, `.crc` files and
 * temp files stay. Files referenced by absolute paths outside the table root are never listed.
 *
 * As Delta 2.x+ does, a `VACUUM START` commit (files and bytes to delete) precedes the deletion and
 * a `VACUUM END` commit (files deleted) follows it; both hold only `commitInfo` (so a concurrent
 * metadata change does not make them conflict), and either writes the checkpoint when its version
 * is due, as every commit does.
 */
import { ConfigError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { canonicalPath } from "./log-replay.js";
import { hasDeltaLog, notADeltaTable } from "./table-check.js";
import { checkpointAfterCommit } from "./post-commit.js";
import { loadSnapshot } from "./snapshot.js";
import { deletedFileRetentionMs } from "./table-properties.js";
import { commitActions } from "./transaction.js";
import { checkWritable } from "./writer-protocol.js";
import { toDisplayUrl } from "../../storage/url.js";

/** The session setting that allows a retention shorter than the table's (Spark's name). */
export const RETENTION_CHECK_CONF = "spark.databricks.delta.retentionDurationCheck.enabled";
/** The session setting that turns the VACUUM START/END commits off (Spark's name). */
export const VACUUM_LOGGING_CONF = "spark.databricks.delta.vacuum.logging.enabled";

/** Options of {@link vacuumTable}. */
export interface VacuumOptions {
  /** Retention in hours (rounded to whole hours, as Delta); the table's `delta.deletedFileRetentionDuration` (default 168) when absent. */
  readonly retentionHours?: number;
  /** Whether a retention below the table's is refused (Spark's retentionDurationCheck); default true. */
  readonly retentionCheck?: boolean;
  /** List what would be deleted without deleting or committing anything. */
  readonly dryRun?: boolean;
  /** Write the VACUUM START/END commits; default true. */
  readonly logging?: boolean;
  /** The clock (ms since the epoch); `Date.now()` by default. Tests pass a later time instead of waiting. */
  readonly now?: number;
}

/** What {@link vacuumTable} did (or, with dryRun, would do). */
export interface VacuumResult {
  /** Keys (in the table's storage) of the files deleted, or to delete with dryRun, sorted. */
  readonly files: readonly string[];
  /** Their total size in bytes. */
  readonly bytes: number;
  /** Files older than the retention were deleted if their modification time is before this (ms). */
  readonly deleteBeforeTimestamp: number;
  /** The VACUUM START and END versions, or null when not logged (dryRun, logging off). */
  readonly startVersion: number | null;
  readonly endVersion: number | null;
}

/**
 * Vacuums the Delta table at `tableKey` (see the module comment).
 * @throws AnalysisError when there is no table or sluice cannot write it (see `checkWritable`:
 *   e.g. deletion vectors, unknown writer features); ConfigError when the retention is negative, or
 *   shorter than the table's while the retention check is on (Spark's message).
 */
export async function vacuumTable(storage: Storage, tableKey: string, options: VacuumOptions = {}): Promise<VacuumResult> {
  const tablePath = toDisplayUrl(storage, tableKey);
  if (!(await hasDeltaLog(storage, tableKey))) throw notADeltaTable(tablePath);
  const snapshot = await loadSnapshot(storage, tableKey);
  // A table feature sluice does not know may reference files in ways this snapshot does not show
  // (deletion vector files, v2 checkpoint sidecars): deleting by our reading could destroy live data.
  checkWritable(snapshot.protocol, snapshot.metadata, tablePath, { dataChange: false });
  const configured = deletedFileRetentionMs(snapshot.metadata.configuration);
  let retentionMs = configured;
  if (options.retentionHours !== undefined) {
    if (!Number.isFinite(options.retentionHours) || options.retentionHours < 0) {
      throw new ConfigError(`delta vacuum: Retention for Vacuum can't be less than 0, got ${options.retentionHours} hours at ${tablePath}`, { path: tablePath });
    }
    retentionMs = Math.round(options.retentionHours) * 3_600_000;
  }
  const checkEnabled = options.retentionCheck ?? true;
  if (checkEnabled && retentionMs < configured) throw retentionTooShort(configured, tablePath);
  const now = options.now ?? Date.now();
  const deleteBefore = now - retentionMs;

  const root = folderPrefix(tableKey);
  const valid = new Set<string>();
  // Absolute references (rare): kept as paths; a listed file whose key ends one of them is kept,
  // which errs on the side of keeping when the storage root and the URL's root differ.
  const absolute: string[] = [];
  const addValid = (path: string): void => {
    const p = canonicalPath(path);
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p) || p.startsWith("/")) absolute.push(p);
    else valid.add(p);
  };
  for (const f of snapshot.files) addValid(f.rawPath);
  for (const t of snapshot.tombstones) if ((t.deletionTimestamp ?? 0) >= deleteBefore) addValid(t.rawPath);
  const partitionColumns = snapshot.metadata.partitionColumns;
  const files: string[] = [];
  let bytes = 0;
  for (const info of await storage.list(root)) {
    const rel = info.path.slice(root.length);
    if (rel.split("/").some((segment) => isHiddenPathSegment(partitionColumns, segment))) continue;
    if (valid.has(rel) || info.modificationTime >= deleteBefore) continue;
    if (absolute.some((a) => a.endsWith(`/${info.path}`))) continue;
    files.push(info.path);
    bytes += info.size;
  }
  if (options.dryRun === true) return { files, bytes, deleteBeforeTimestamp: deleteBefore, startVersion: null, endVersion: null };
  const logging = options.logging ?? true;
  let startVersion: number | null = null;
  if (logging) {
    startVersion = await commitActions(storage, tableKey, snapshot.version, [], {
      operation: "VACUUM START",
      operationParameters: {
        retentionCheckEnabled: checkEnabled,
        ...(options.retentionHours === undefined ? {} : { specifiedRetentionMillis: retentionMs }),
        defaultRetentionMillis: configured,
      },
      operationMetrics: { numFilesToDelete: files.length, sizeOfDataToDelete: bytes },
      isBlindAppend: true,
    });
    await checkpointAfterCommit(storage, tableKey, startVersion, snapshot.metadata.configuration);
  }
  for (const key of files) await storage.delete(key);
  let endVersion: number | null = null;
  if (logging && startVersion !== null) {
    endVersion = await commitActions(storage, tableKey, startVersion, [], {
      operation: "VACUUM END",
      operationParameters: { status: "COMPLETED" },
      operationMetrics: { numDeletedFiles: files.length, numVacuumedDirectories: countDirectories(files, root) + 1 },
      isBlindAppend: true,
    });
    await checkpointAfterCommit(storage, tableKey, endVersion, snapshot.metadata.configuration);
  }
  return { files, bytes, deleteBeforeTimestamp: deleteBefore, startVersion, endVersion };
}

/**
 * Delta's `isHiddenDirectory`: a file or folder name starting with `.` or `_` is hidden from
 * VACUUM, except partition folders (`<partition column>=…`) and `_delta_index`/`_change_data`.
 */
export function isHiddenPathSegment(partitionColumns: readonly string[], name: string): boolean {
  return (
    (name.startsWith(".") || name.startsWith("_")) &&
    !name.startsWith("_delta_index") &&
    !name.startsWith("_change_data") &&
    !partitionColumns.some((c) => name.startsWith(`${c}=`))
  );
}

/** Spark's message for a retention below the table's while the check is on. */
function retentionTooShort(configuredMs: number, tablePath: string): ConfigError {
  const hours = Math.ceil(configuredMs / 3_600_000);
  return new ConfigError(
    `delta vacuum: Are you sure you would like to vacuum files with such a low retention period? If you have writers that are currently writing to this table, ` +
      `there is a risk that you may corrupt the state of your Delta table.\n\n` +
      `If you are certain that there are no operations being performed on this table, such as insert/upsert/delete/optimize, then you may turn off this check by setting:\n` +
      `${RETENTION_CHECK_CONF} = false\n\n` +
      `If you are not sure, please use a value not less than "${hours} hours". (table ${tablePath})`,
    { path: tablePath, option: RETENTION_CHECK_CONF },
  );
}

function countDirectories(keys: readonly string[], root: string): number {
  const dirs = new Set<string>();
  for (const k of keys) {
    const rel = k.slice(root.length);
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return dirs.size;
}
