/**
 * The streaming file sink's `_spark_metadata` log (Spark's `FileStreamSinkLog`), and reading a
 * sink's output as Spark's `MetadataLogFileIndex` does: when a folder holds
 * `_spark_metadata/`, its files are exactly the live entries of that log, never a folder listing.
 * Files in the folder but not in the log are orphans of batches that failed before their log entry
 * was written, and must never be read.
 *
 * An entry's `path` is an absolute URL (`file:///abs/out/part-….parquet`, or Hadoop's `file:/abs/…`);
 * it is resolved with `storage/resolve.ts`. The log is Spark's `FileStreamSinkLog`: compactible
 * every 10 batches, and an entry with `action: "delete"` removes every entry of its path.
 */
import { CompactibleLog } from "../../checkpoint/metadata-log.js";
import { CorruptCheckpointError, SluiceError, SourceError } from "../../errors.js";
import { fileUrlOf, folderPrefix, resolveLocation, toDisplayUrl } from "../../storage/resolve.js";
import { keyOfUrl } from "../../storage/url.js";
import type { Storage } from "../../storage/storage.js";

/** Spark's `SinkFileStatus`, one JSON line per file in `_spark_metadata/<N>`. */
export interface SinkFileStatus {
  readonly path: string;
  readonly size: number;
  readonly isDir: boolean;
  readonly modificationTime: number;
  readonly blockReplication: number;
  readonly blockSize: number;
  readonly action: "add" | "delete";
}

/** The metadata log folder under a sink's path. */
export const SPARK_METADATA = "_spark_metadata";

/** A data file listed in a sink log, resolved to a storage and key. */
export interface SinkLogFile {
  /** Canonical URL of the file (`fileUrlOf`), the same form a folder listing gives. */
  readonly url: string;
  /** The storage holding the file: the folder's own storage when the URL is under the same root. */
  readonly storage: Storage;
  readonly key: string;
  readonly size: number;
  /** Milliseconds since the epoch, as the sink recorded it. */
  readonly modificationTime: number;
}

/** Spark's file sink log compaction interval (`spark.sql.streaming.fileSink.log.compactInterval`). */
export const SINK_LOG_COMPACT_INTERVAL = 10;

/** The key prefix of the sink log of the folder `folderKey` (`<folder>/_spark_metadata/`). */
export function sinkLogPrefix(folderKey: string): string {
  return `${folderPrefix(folderKey)}${SPARK_METADATA}/`;
}

/**
 * Whether the folder `folderKey` of `storage` is the output of a streaming file sink: its
 * `_spark_metadata/` holds at least one object (object stores have no empty folders).
 */
export async function hasSinkLog(storage: Storage, folderKey: string): Promise<boolean> {
  return (await storage.list(sinkLogPrefix(folderKey))).length > 0;
}

/**
 * The folder's sink log as a {@link CompactibleLog} (compactInterval 10, Spark's compaction rule:
 * a delete entry drops every entry of its path). For reading only.
 */
export function openSinkLog(storage: Storage, folderKey: string): CompactibleLog<SinkFileStatus> {
  return new CompactibleLog<SinkFileStatus>(storage, sinkLogPrefix(folderKey), {
    compactInterval: SINK_LOG_COMPACT_INTERVAL,
    compactLogs: (entries) => entries,
  });
}

/**
 * The data files of the sink output folder `folderKey`, in log order (each path once): the live
 * `add` entries of `_spark_metadata`. `[]` when the log has no batch yet. Throws
 * {@link CorruptCheckpointError} for a malformed or gapped log and {@link SourceError} for an entry
 * whose path cannot be resolved.
 */
export async function readSinkLogFiles(storage: Storage, folderKey: string): Promise<SinkLogFile[]> {
  const log = openSinkLog(storage, folderKey);
  const entries = await log.allEntries();
  return resolveEntries(storage, liveSinkFiles(entries), toDisplayUrl(storage, log.prefix));
}

/**
 * Spark's view of a sink log's entries: every path with a `delete` entry is dropped (its adds too),
 * directories are dropped, and a path listed twice counts once (its first entry).
 */
export function liveSinkFiles(entries: readonly SinkFileStatus[]): SinkFileStatus[] {
  const deleted = new Set<string>();
  for (const e of entries) if (e.action === "delete") deleted.add(e.path);
  const seen = new Set<string>();
  const out: SinkFileStatus[] = [];
  for (const e of entries) {
    if (e.action === "delete" || e.isDir === true || deleted.has(e.path) || seen.has(e.path)) continue;
    seen.add(e.path);
    out.push(e);
  }
  return out;
}

function resolveEntries(storage: Storage, entries: readonly SinkFileStatus[], where: string): SinkLogFile[] {
  return entries.map((e) => {
    if (typeof e.path !== "string" || e.path === "") {
      throw new CorruptCheckpointError(`sink log: an entry in ${where} has no path: ${JSON.stringify(e).slice(0, 200)}`, { path: where });
    }
    // A file under the folder's own storage is read through it (whatever wraps it); others by URL.
    const ownKey = keyOfUrl(storage, e.path);
    let resolved: { storage: Storage; key: string };
    try {
      resolved = ownKey !== null ? { storage, key: ownKey } : resolveLocation(e.path);
    } catch (cause) {
      const reason = cause instanceof SluiceError ? cause.message : String(cause);
      throw new SourceError(`sink log: cannot resolve path ${JSON.stringify(e.path)} listed in ${where}: ${reason}`, { path: where, cause });
    }
    return {
      url: fileUrlOf(resolved.storage, resolved.key),
      storage: resolved.storage,
      key: resolved.key,
      size: typeof e.size === "number" ? e.size : 0,
      modificationTime: typeof e.modificationTime === "number" ? e.modificationTime : 0,
    };
  });
}
