/**
 * Reading a streaming file sink's output as Spark's `MetadataLogFileIndex` does: when a folder holds
 * `_spark_metadata/`, its files are exactly the live entries of that log, never a folder listing.
 * Files in the folder but not in the log are orphans of batches that failed before their log entry
 * was written, and must never be read.
 *
 * An entry's `path` is an absolute URL (`file:///abs/out/part-….parquet`, or Hadoop's `file:/abs/…`);
 * it is resolved with `storage/resolve.ts`. The log is Spark's `FileStreamSinkLog`: compactible
 * every 10 batches, and an entry with `action: "delete"` removes every entry of its path.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CompactibleLog, jsonLineCodec, parseLog } from "../../checkpoint/metadata-log.js";
import { CorruptCheckpointError, SluiceError, SourceError } from "../../errors.js";
import type { LocalStorage } from "../../storage/local.js";
import { TEMP_FILE_PREFIX } from "../../storage/local.js";
import { fileUrlOf, folderPrefix, resolveLocation, toDisplayUrl } from "../../storage/resolve.js";
import type { Storage } from "../../storage/storage.js";
import { SPARK_METADATA } from "./file-sink.js";
import type { SinkFileStatus } from "./file-sink.js";

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
 * {@link readSinkLogFiles} with synchronous file-system calls, for local folders only (schema
 * inference runs while a DataFrame is defined, which cannot wait). `null` when the folder has no
 * `_spark_metadata` (or it is empty).
 */
export function readSinkLogFilesSync(storage: LocalStorage, folderKey: string): SinkLogFile[] | null {
  const prefix = sinkLogPrefix(folderKey);
  const dir = join(storage.rootPath, prefix);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith(TEMP_FILE_PREFIX));
  } catch {
    return null; // absent, or not a folder
  }
  if (names.length === 0) return null;
  const plain = new Set<number>();
  const compact = new Set<number>();
  for (const n of names) {
    const m = /^(0|[1-9][0-9]{0,15})(\.compact)?$/.exec(n);
    if (m === null) continue;
    (m[2] === undefined ? plain : compact).add(Number(m[1]));
  }
  const where = toDisplayUrl(storage, prefix);
  const ids = [...plain, ...compact];
  if (ids.length === 0) return [];
  const latest = Math.max(...ids);
  const lastCompact = compact.size === 0 ? -1 : Math.max(...compact);
  const entries: SinkFileStatus[] = [];
  for (let id = Math.max(lastCompact, 0); id <= latest; id++) {
    if (!plain.has(id) && !compact.has(id)) {
      throw new CorruptCheckpointError(`sink log: batch ${id} is missing in ${where} (latest batch ${latest})`, { batchId: id, path: where });
    }
    // The latest compact file holds everything up to it; later batches are plain deltas.
    const name = id === lastCompact || !plain.has(id) ? `${id}.compact` : String(id);
    const fileUrl = toDisplayUrl(storage, prefix + name);
    let data: Uint8Array;
    try {
      data = readFileSync(join(dir, name));
    } catch (cause) {
      throw new SourceError(`sink log: cannot read ${fileUrl}: ${cause instanceof Error ? cause.message : String(cause)}`, { path: fileUrl, cause });
    }
    for (const e of parseLog(data, 1, jsonLineCodec<SinkFileStatus>(), fileUrl)) entries.push(e);
  }
  return resolveEntries(storage, liveSinkFiles(entries), where);
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
    let resolved: { storage: Storage; key: string };
    try {
      resolved = resolveLocation(e.path);
    } catch (cause) {
      const reason = cause instanceof SluiceError ? cause.message : String(cause);
      throw new SourceError(`sink log: cannot resolve path ${JSON.stringify(e.path)} listed in ${where}: ${reason}`, { path: where, cause });
    }
    const own = resolved.storage.root === storage.root ? storage : resolved.storage;
    return {
      url: fileUrlOf(own, resolved.key),
      storage: own,
      key: resolved.key,
      size: typeof e.size === "number" ? e.size : 0,
      modificationTime: typeof e.modificationTime === "number" ? e.modificationTime : 0,
    };
  });
}
