/**
 * Delta's metadata cleanup (`MetadataCleanup.cleanUpExpiredLogs`, PROTOCOL.md "Metadata Cleanup"),
 * run after a checkpoint is written: commits, checkpoints and checksum files that no retained
 * version needs and that are older than the table's `delta.logRetentionDuration` (default 30 days)
 * are deleted, unless `delta.enableExpiredLogCleanup` is false.
 *
 * The log is cut into spans that each start at a complete checkpoint (the first span at the
 * oldest file) and end just before the next complete checkpoint. A span is deleted, whole, when its
 * last file is strictly older than the cutoff (file modification times, made increasing over the
 * log as Delta's `BufferingLogDeletionIterator` does), its versions are all before the newest
 * checkpoint, and its own checkpoint (if it starts with one) is strictly older than the
 * `delta.checkpointRetentionDuration` cutoff (default 2 days). Spans go oldest first and cleanup
 * stops at the first one that stays, so what remains starts at a complete checkpoint followed by
 * every commit after it: every retained version can still be reconstructed, and the newest
 * checkpoint is never deleted. As in Delta, each cutoff is `now - retention` truncated to the
 * start of its UTC day (so cleanup does not run after every checkpoint); a finer truncation can be
 * asked for (`cutoffTruncation`).
 *
 * {@link DeltaLogFiles} is what a long-lived writer (the streaming sink) knows of its table's log
 * between cleanups: the log is listed whole once, then only what sorts after the newest file it
 * knows (`startAfter`), so a cleanup costs what is new plus what it deletes, not the log's length.
 */
import type { ObjectInfo, Storage } from "../../storage/storage.js";
import { ConfigError } from "../../errors.js";
import { folderPrefix } from "../../storage/resolve.js";
import { checkpointRetentionMs, expiredLogCleanupEnabled, logRetentionMs } from "./table-properties.js";

/** How a cleanup cutoff (`now - retention`) is truncated: Delta's `day` by default. */
export type CutoffTruncation = "day" | "hour" | "minute" | "none";

/** The session setting that chooses the truncation (sluice's own; Delta always truncates to days). */
export const CUTOFF_TRUNCATION_SETTING = "sluice.delta.logCleanup.cutoffTruncation";

/** Options of {@link cleanUpExpiredLogs}. */
export interface LogCleanupOptions {
  /** The clock, ms since the epoch; `Date.now()` when absent. */
  readonly now?: number;
  /** How the cutoffs are truncated; `day` (Delta's) when absent. */
  readonly cutoffTruncation?: CutoffTruncation;
  /** What the writer already knows of the log; a fresh view (a whole listing) when absent. */
  readonly files?: DeltaLogFiles;
}

/**
 * The truncation set by the session's {@link CUTOFF_TRUNCATION_SETTING}, `day` when unset.
 * @throws ConfigError when it is not `day`, `hour`, `minute` or `none`.
 */
export function cutoffTruncation(sessionConf: Readonly<Record<string, string>>): CutoffTruncation {
  const raw = sessionConf[CUTOFF_TRUNCATION_SETTING];
  if (raw === undefined) return "day";
  const v = raw.trim().toLowerCase();
  if (v === "day" || v === "hour" || v === "minute" || v === "none") return v;
  throw new ConfigError(`delta: session setting '${CUTOFF_TRUNCATION_SETTING}' must be day, hour, minute or none, got ${JSON.stringify(raw)}`, {
    option: CUTOFF_TRUNCATION_SETTING,
  });
}

/**
 * Deletes the expired log files of the table at `tableKey` (see the module comment) once the
 * checkpoint of `checkpointVersion` is written; `configuration` is the table's (its retention
 * properties) and `tableId` its `metaData.id` (a table replaced under the writer is listed afresh).
 * @returns the number of files deleted.
 * @throws ConfigError for a malformed retention property; StorageError when listing or deleting fails.
 */
export async function cleanUpExpiredLogs(
  storage: Storage,
  tableKey: string,
  checkpointVersion: number,
  configuration: Readonly<Record<string, string>>,
  tableId: string,
  options: LogCleanupOptions = {},
): Promise<number> {
  if (!expiredLogCleanupEnabled(configuration)) return 0;
  const now = options.now ?? Date.now();
  const truncation = options.cutoffTruncation ?? "day";
  const logCutoff = truncate(now - logRetentionMs(configuration), truncation);
  const checkpointCutoff = truncate(now - checkpointRetentionMs(configuration), truncation);
  const files = options.files ?? new DeltaLogFiles();
  await files.refresh(storage, `${folderPrefix(tableKey)}_delta_log/`, tableId);
  return files.deleteExpired(storage, { maxVersion: checkpointVersion - 1, logCutoff, checkpointCutoff });
}

/** A commit, checkpoint part or checksum file of the log. */
interface LogFile {
  readonly key: string;
  readonly version: number;
  /** Checkpoint parts in its set (1 for a single file); 0 for a commit or checksum file. */
  readonly checkpointParts: number;
  readonly size: number;
  /** Modification time, made greater than the previous version's file's (Delta's adjustment). */
  readonly time: number;
}

/**
 * What a writer knows of a table's `_delta_log/` files (commits, checkpoints, checksums), oldest
 * first, between cleanups (see the module comment). Not shared across tables.
 */
export class DeltaLogFiles {
  /** Known files, oldest first, from index `head` on (the ones before were deleted). */
  private files: LogFile[] = [];
  private head = 0;
  private tableId: string | null = null;
  private lastKey: string | null = null;

  /** Files currently known. */
  get size(): number {
    return this.files.length - this.head;
  }

  /**
   * Brings the view up to date: the first time (or for another table id) by listing `logPrefix`
   * whole, afterwards by listing only what sorts after the newest file known.
   */
  async refresh(storage: Storage, logPrefix: string, tableId: string): Promise<void> {
    if (this.tableId !== tableId || this.lastKey === null) {
      this.files = [];
      this.head = 0;
      this.lastKey = null;
      this.tableId = tableId;
      this.append(await storage.list(logPrefix), logPrefix);
      return;
    }
    this.append(await storage.list(logPrefix, { startAfter: this.lastKey }), logPrefix);
  }

  /**
   * Deletes whole spans from the oldest on while they are expired (see the module comment) and
   * forgets them; returns the number of files deleted.
   */
  async deleteExpired(storage: Storage, limits: { maxVersion: number; logCutoff: number; checkpointCutoff: number }): Promise<number> {
    let deleted = 0;
    for (;;) {
      const end = this.nextSpanStart(this.head + 1);
      if (end === null) break;
      const last = this.files[end - 1];
      const first = this.files[this.head];
      const checkpointOk = first.checkpointParts === 0 || first.time < limits.checkpointCutoff;
      if (!(last.time < limits.logCutoff && last.version <= limits.maxVersion && checkpointOk)) break;
      while (this.head < end) {
        await storage.delete(this.files[this.head].key);
        this.head++;
        deleted++;
      }
    }
    if (this.head > this.files.length / 2) {
      this.files = this.files.slice(this.head);
      this.head = 0;
    }
    return deleted;
  }

  /** The index of the first file of the next span starting at or after `from`, or null when none. */
  private nextSpanStart(from: number): number | null {
    for (let i = from; i < this.files.length; i++) {
      const f = this.files[i];
      const prev = this.files[i - 1];
      if (f.checkpointParts === 0 || (f.version === prev.version && prev.checkpointParts === f.checkpointParts)) continue;
      if (f.checkpointParts === 1 && f.size > 0) return i;
      // A multi-part checkpoint starts a span once every part is listed (parts sort together).
      let n = 0;
      while (i + n < this.files.length && this.files[i + n].version === f.version && this.files[i + n].checkpointParts === f.checkpointParts) n++;
      if (n === f.checkpointParts) return i;
    }
    return null;
  }

  private append(listing: readonly ObjectInfo[], logPrefix: string): void {
    for (const info of listing) {
      const parsed = parseLogFileName(info.path.slice(logPrefix.length));
      if (parsed === null) continue;
      const prev = this.files.at(-1);
      // Delta's BufferingLogDeletionIterator: a file not later than a lower version's counts as 1 ms after it.
      const time = prev !== undefined && prev.version < parsed.version && prev.time >= info.modificationTime ? prev.time + 1 : info.modificationTime;
      this.files.push({ key: info.path, version: parsed.version, checkpointParts: parsed.checkpointParts, size: info.size, time });
      this.lastKey = info.path;
    }
  }
}

/** A commit (`N.json`), checkpoint (`N.checkpoint.parquet`, `N.checkpoint.K.M.parquet`) or checksum (`N.crc`) name. */
function parseLogFileName(name: string): { version: number; checkpointParts: number } | null {
  const m = /^(\d{20})\.(json|crc|checkpoint\.parquet|checkpoint\.\d{10}\.(\d{10})\.parquet)$/.exec(name);
  if (m === null) return null;
  const parts = m[2] === "json" || m[2] === "crc" ? 0 : m[3] === undefined ? 1 : Number(m[3]);
  return { version: Number(m[1]), checkpointParts: parts };
}

/** `ms` truncated down to the start of its UTC day, hour or minute (`none`: unchanged). */
function truncate(ms: number, unit: CutoffTruncation): number {
  const step = unit === "day" ? 86_400_000 : unit === "hour" ? 3_600_000 : unit === "minute" ? 60_000 : 1;
  return Math.floor(ms / step) * step;
}
