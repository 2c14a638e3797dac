/**
 * Spark's batch-numbered metadata logs, byte-compatible with the files Spark writes:
 *
 * - {@link MetadataLog} is `HDFSMetadataLog`: one file per batch id, named by the decimal id
 *   (`<prefix>0`, `<prefix>1`, …), written put-if-absent so two writers of the same batch agree.
 * - {@link CompactibleLog} is `CompactibleFileStreamLog` (the file sink's `_spark_metadata`, the
 *   file source's `sources/<i>/`): every `compactInterval` batches the file is `<N>.compact` and
 *   holds every live entry up to N, so readers never replay more than one interval of deltas.
 *
 * A file is `v<version>` followed by one line per entry, each preceded by `\n`, with no trailing
 * newline (Spark's `serialize`). Entries are JSON by default; a {@link LineCodec} may change that
 * (the offsets log writes `-` for a source without an offset).
 */
import { AlreadyExistsError, CorruptCheckpointError, InternalError, NotFoundError } from "../errors.js";
import type { Storage } from "../storage/storage.js";
import { toDisplayUrl } from "../storage/url.js";
import { decodeUtf8, encodeUtf8 } from "../columnar/utf8.js";

/** Turns one entry into one line of a log file and back. */
export interface LineCodec<T> {
  /** One line, without `\n`. */
  encode(entry: T): string;
  /** The entry of one line; throws (any error) if the line is malformed. */
  decode(line: string): T;
}

/** Entries as JSON text, one `JSON.stringify` per line (the default codec). */
export function jsonLineCodec<T>(): LineCodec<T> {
  return {
    encode: (entry) => JSON.stringify(entry),
    decode: (line) => JSON.parse(line) as T,
  };
}

export interface MetadataLogOptions<T> {
  /** Version written as `v<version>`, and the highest version accepted on read. Default 1. */
  version?: number;
  /** How entries become lines. Default: JSON. */
  codec?: LineCodec<T>;
}

/** Spark's HDFSMetadataLog: one file per batch id under `prefix`, each `v1\n` + one JSON line per entry. */
export class MetadataLog<T> {
  readonly storage: Storage;
  /** The log's folder, ending in `/` (or empty for the storage root). */
  readonly prefix: string;
  readonly version: number;
  private readonly codec: LineCodec<T>;
  /** Every id below this was purged by this instance; null before its first purge. */
  private purgedBefore: number | null = null;

  constructor(storage: Storage, prefix: string /* ends with "/" */, options: MetadataLogOptions<T> = {}) {
    this.storage = storage;
    this.prefix = checkPrefix(prefix);
    this.version = checkVersion(options.version ?? 1);
    this.codec = options.codec ?? jsonLineCodec<T>();
  }

  /** The key of batch `batchId`'s file. */
  batchKey(batchId: number): string {
    return this.prefix + String(checkBatchId(batchId));
  }

  /** Writes batch `batchId` put-if-absent; returns false (and writes nothing) if it already exists. */
  async add(batchId: number, entries: readonly T[]): Promise<boolean> {
    return putIfAbsent(this.storage, this.batchKey(batchId), serializeLog(this.version, entries, this.codec));
  }

  /** Entries of batch `batchId`, or null if absent. Throws `CorruptCheckpointError` if unreadable. */
  async get(batchId: number): Promise<T[] | null> {
    return readLog(this.storage, this.batchKey(batchId), this.version, this.codec);
  }

  /** The highest batch id present and its entries, or null. */
  async getLatest(): Promise<{ batchId: number; entries: T[] } | null> {
    const ids = await this.listBatchIds();
    for (let i = ids.length - 1; i >= 0; i--) {
      // A file listed but gone by the time it is read was purged concurrently: try the next one.
      const entries = await this.get(ids[i]);
      if (entries !== null) return { batchId: ids[i], entries };
    }
    return null;
  }

  /** Batch ids present, ascending. Files whose names are not batch ids are ignored. */
  async listBatchIds(): Promise<number[]> {
    const ids: number[] = [];
    for (const info of await this.storage.list(this.prefix)) {
      const parsed = parseBatchFileName(info.path.slice(this.prefix.length));
      if (parsed !== null && !parsed.compact) ids.push(parsed.batchId);
    }
    return ids.sort((a, b) => a - b);
  }

  /**
   * Deletes batch files with id < `thresholdBatchId` (Spark's `HDFSMetadataLog.purge`). The first
   * call lists the folder; later calls delete the ids between the previous threshold and this one
   * by name, without listing, as long as at most {@link MAX_PURGE_BY_NAME} ids lie between them (a
   * log purged once per batch deletes one file per call, whatever its history).
   */
  async purge(thresholdBatchId: number): Promise<void> {
    const from = this.purgedBefore;
    if (from !== null && thresholdBatchId <= from) return;
    if (from !== null && thresholdBatchId - from <= MAX_PURGE_BY_NAME) {
      for (let id = from; id < thresholdBatchId; id++) await this.storage.delete(this.batchKey(id));
    } else {
      for (const info of await this.storage.list(this.prefix)) {
        const parsed = parseBatchFileName(info.path.slice(this.prefix.length));
        if (parsed !== null && !parsed.compact && parsed.batchId < thresholdBatchId) {
          await this.storage.delete(info.path);
        }
      }
    }
    this.purgedBefore = thresholdBatchId;
  }
}

/**
 * The most batch files {@link MetadataLog.purge} deletes by name instead of listing (Spark's
 * threshold is 3): beyond that a listing costs less than deleting ids that may not exist.
 */
export const MAX_PURGE_BY_NAME = 3;

export interface CompactibleLogOptions<T> extends MetadataLogOptions<T> {
  /**
   * Batches per compaction (default 10): batch N is a compaction batch when `(N + 1) % interval == 0`.
   * When the log already holds compact files written with another interval, a compatible interval is
   * derived from them, as Spark does.
   */
  compactInterval?: number;
  /**
   * Entries dropped when compacting and from {@link CompactibleLog.allEntries} (only the entries it
   * matches; to also drop what a marker cancels, use `compactLogs`).
   */
  isDeletedEntry?: (entry: T) => boolean;
  /**
   * Spark's `compactLogs`: filters the entries of a compaction and of `allEntries`; when given,
   * replaces `isDeletedEntry`. E.g. the file sink drops every entry whose path has a delete entry.
   */
  compactLogs?: (entries: T[]) => T[];
  /**
   * Keep every old batch file (default false: files older than needed are deleted, as Spark does
   * unless `spark.sql.streaming.fileSink.log.deletion` / `fileSource.log.deletion` is false).
   */
  retainOldFiles?: boolean;
  /**
   * Spark's `spark.sql.streaming.minBatchesToRetain` (default 100): old files are deleted only
   * before the compact file that precedes the last `minBatchesToRetain` batches.
   */
  minBatchesToRetain?: number;
  /**
   * Old files are deleted only once they are at least this old, so a reader that listed them can
   * still read them (Spark's `spark.sql.streaming.fileSink.log.cleanupDelay`). Default 10 minutes.
   */
  cleanupDelayMs?: number;
}

/** A batch file this log knows of, and when it was last modified (ms; for ours, once written). */
interface KnownFile {
  readonly key: string;
  readonly compact: boolean;
  readonly modificationTime: number;
}

/**
 * Spark's CompactibleFileStreamLog: every `compactInterval` batches (default 10) the file is
 * `<N>.compact` and holds all entries up to N (minus deleted ones); readers start from the latest
 * compact file.
 *
 * A writer lists the folder once (when it first needs the interval, the latest batch id or the
 * files to expire) and from then on knows its files from its own writes, so adding a batch and
 * deleting expired files cost no listing, however long the log has run. The readers
 * ({@link allEntries}, {@link getLatest}, {@link listBatchIds}) list afresh: they may follow
 * another process's writer.
 */
export class CompactibleLog<T> {
  readonly storage: Storage;
  readonly prefix: string;
  readonly version: number;
  private readonly codec: LineCodec<T>;
  private readonly defaultInterval: number;
  private readonly compactLogs: (entries: T[]) => T[];
  private readonly retainOldFiles: boolean;
  private readonly cleanupDelayMs: number;
  private readonly minBatchesToRetain: number;
  private interval: number | null = null;
  /** Batch files by id, from the last listing plus this instance's writes and deletes; null until listed. */
  private known: Map<number, KnownFile> | null = null;

  constructor(storage: Storage, prefix: string, options: CompactibleLogOptions<T> = {}) {
    this.storage = storage;
    this.prefix = checkPrefix(prefix);
    this.version = checkVersion(options.version ?? 1);
    this.codec = options.codec ?? jsonLineCodec<T>();
    const interval = options.compactInterval ?? 10;
    if (!Number.isSafeInteger(interval) || interval < 1) {
      throw new InternalError(`metadata log: compactInterval must be a positive integer, got ${String(interval)}`);
    }
    this.defaultInterval = interval;
    const isDeleted = options.isDeletedEntry;
    this.compactLogs = options.compactLogs ?? (isDeleted === undefined ? (entries) => entries : (entries) => entries.filter((e) => !isDeleted(e)));
    this.retainOldFiles = options.retainOldFiles ?? false;
    this.cleanupDelayMs = options.cleanupDelayMs ?? 10 * 60 * 1000;
    this.minBatchesToRetain = options.minBatchesToRetain ?? 100;
  }

  /** The compaction interval in force (derived from existing compact files on first use, as Spark does). */
  async compactInterval(): Promise<number> {
    if (this.interval === null) await this.refresh();
    return this.interval ?? this.defaultInterval;
  }

  /** The key of batch `batchId`'s file (`<N>` or `<N>.compact`). */
  async batchKey(batchId: number): Promise<string> {
    const interval = await this.compactInterval();
    const id = checkBatchId(batchId);
    return this.prefix + String(id) + (isCompactionBatch(id, interval) ? COMPACT_SUFFIX : "");
  }

  /**
   * Writes batch `batchId` put-if-absent; returns false (and writes nothing) if it already exists.
   * For a compaction batch the file holds the previous compact file's entries, the deltas since,
   * and `entries`, minus deleted ones; the deltas must all be present. Then, unless
   * `retainOldFiles`, deletes the files no reader needs any more (see {@link deleteExpired}).
   */
  async add(batchId: number, entries: readonly T[]): Promise<boolean> {
    const interval = await this.compactInterval();
    const key = await this.batchKey(batchId);
    if (!isCompactionBatch(batchId, interval)) {
      return this.afterAdd(batchId, key, interval, await putIfAbsent(this.storage, key, serializeLog(this.version, entries, this.codec)));
    }
    if ((await this.storage.head(key)) !== null) return false;
    const all: T[] = [];
    for (let id = Math.max(0, batchId - interval); id < batchId; id++) {
      const part = await this.get(id);
      if (part === null) {
        throw new CorruptCheckpointError(
          `metadata log: batch ${id} is missing while compacting batch ${batchId} (compactInterval ${interval}) in ${toDisplayUrl(this.storage, this.prefix)}`,
          { batchId: id, path: toDisplayUrl(this.storage, this.prefix) },
        );
      }
      for (const e of part) all.push(e);
    }
    for (const e of entries) all.push(e);
    return this.afterAdd(batchId, key, interval, await putIfAbsent(this.storage, key, serializeLog(this.version, this.live(all), this.codec)));
  }

  private async afterAdd(batchId: number, key: string, interval: number, written: boolean): Promise<boolean> {
    if (!written) return false;
    // Our clock after the put is not before the file's own modification time: never early.
    this.known?.set(batchId, { key, compact: key.endsWith(COMPACT_SUFFIX), modificationTime: Date.now() });
    if (!this.retainOldFiles) await this.deleteExpired(batchId, interval);
    return true;
  }

  /** Entries of batch `batchId`, or null if absent; for a compact batch, the whole compacted content. */
  async get(batchId: number): Promise<T[] | null> {
    const key = await this.batchKey(batchId);
    const found = await readLog(this.storage, key, this.version, this.codec);
    if (found !== null) return found;
    // Written with another interval than the one derived: accept either name.
    const other = key.endsWith(COMPACT_SUFFIX) ? key.slice(0, -COMPACT_SUFFIX.length) : key + COMPACT_SUFFIX;
    return readLog(this.storage, other, this.version, this.codec);
  }

  /** The highest batch id present and its entries (whole content for a compact batch), or null. */
  async getLatest(): Promise<{ batchId: number; entries: T[] } | null> {
    const ids = await this.listBatchIds();
    for (let i = ids.length - 1; i >= 0; i--) {
      const entries = await this.get(ids[i]);
      if (entries !== null) return { batchId: ids[i], entries };
    }
    return null;
  }

  /**
   * The highest batch id this writer knows of, or null for an empty log: the folder is listed on
   * first use only, then this instance's own writes keep it current (another process writing the
   * same log is not seen; `add`'s put-if-absent still refuses its batches).
   */
  async latestBatchId(): Promise<number | null> {
    const known = this.known ?? (await this.refresh());
    let latest: number | null = null;
    for (const id of known.keys()) if (latest === null || id > latest) latest = id;
    return latest;
  }

  /** Every live entry from batch 0 through the latest batch (compact file + later deltas). */
  async allEntries(): Promise<T[]> {
    const ids = [...(await this.refresh()).keys()].sort((a, b) => a - b);
    const interval = await this.compactInterval();
    if (ids.length === 0) return [];
    let latest = ids[ids.length - 1];
    for (;;) {
      const all: T[] = [];
      let missing = -1;
      for (let id = Math.max(0, Math.floor((latest + 1) / interval) * interval - 1); id <= latest; id++) {
        const part = await this.get(id);
        if (part === null) {
          missing = id;
          break;
        }
        for (const e of part) all.push(e);
      }
      if (missing < 0) return this.live(all);
      // A writer deleted old files after compacting while this read (Spark's allFiles race): the
      // next compact file holds everything; if it is not there either, the log has a gap.
      const next = nextCompactionBatchId(latest, interval);
      if ((await this.storage.head(await this.batchKey(next))) === null) {
        const where = toDisplayUrl(this.storage, this.prefix);
        throw new CorruptCheckpointError(
          `metadata log: batch ${missing} is missing in ${where} (latest batch ${latest}, compactInterval ${interval})`,
          { batchId: missing, path: where },
        );
      }
      latest = next;
    }
  }

  /** Batch ids present (plain and compact files), ascending. */
  async listBatchIds(): Promise<number[]> {
    return [...(await this.refresh()).keys()].sort((a, b) => a - b);
  }

  private live(entries: T[]): T[] {
    return this.compactLogs(entries);
  }

  /**
   * Lists the folder and makes the listing what this instance knows; derives the compaction
   * interval from it on the first listing (Spark's rule, see `compactInterval`).
   */
  private async refresh(): Promise<Map<number, KnownFile>> {
    const known = new Map<number, KnownFile>();
    const compactIds: number[] = [];
    for (const info of await this.storage.list(this.prefix)) {
      const parsed = parseBatchFileName(info.path.slice(this.prefix.length));
      if (parsed === null) continue;
      known.set(parsed.batchId, { key: info.path, compact: parsed.compact, modificationTime: info.modificationTime });
      if (parsed.compact) compactIds.push(parsed.batchId);
    }
    if (this.interval === null) {
      compactIds.sort((a, b) => b - a);
      if (compactIds.length >= 2) this.interval = compactIds[0] - compactIds[1];
      else if (compactIds.length === 1) this.interval = deriveCompactInterval(this.defaultInterval, compactIds[0]);
      else this.interval = this.defaultInterval;
    }
    this.known = known;
    return known;
  }

  /**
   * Spark's deleteExpiredLog: keeps the compact file at or before batch `batchId + 1 -
   * minBatchesToRetain` and everything after it; older files go once older than the cleanup delay.
   * Expired files are deleted by name from what this instance knows (Spark lists the folder here,
   * on every batch): the folder is listed once, on the first call that has anything to expire.
   */
  private async deleteExpired(batchId: number, interval: number): Promise<void> {
    if (interval > batchId + 1 - this.minBatchesToRetain) return;
    const minBatchId = batchId + 1 - this.minBatchesToRetain;
    const minCompactionBatchId = minBatchId - (minBatchId % interval) - 1;
    const expiredBefore = Date.now() - this.cleanupDelayMs;
    const known = this.known ?? (await this.refresh());
    const expired = [...known].filter(([id, f]) => id < minCompactionBatchId && f.modificationTime <= expiredBefore).sort((a, b) => a[0] - b[0]);
    for (const [id, f] of expired) {
      await this.storage.delete(f.key);
      known.delete(id);
    }
  }
}

const COMPACT_SUFFIX = ".compact";

/** Whether batch `batchId` is a compaction batch for `interval` (Spark: `(id + 1) % interval == 0`). */
export function isCompactionBatch(batchId: number, interval: number): boolean {
  return (batchId + 1) % interval === 0;
}

/**
 * The file content Spark writes: `v<version>`, then `\n` + one line per entry, no trailing newline.
 * Throws `InternalError` if an encoded entry contains a newline (it would corrupt the log).
 */
export function serializeLog<T>(version: number, entries: readonly T[], codec: LineCodec<T>): Uint8Array {
  let text = "v" + String(version);
  for (let i = 0; i < entries.length; i++) {
    const line = codec.encode(entries[i]);
    if (line.includes("\n")) {
      throw new InternalError(`metadata log: entry ${i} contains a newline: ${JSON.stringify(line).slice(0, 200)}`);
    }
    text += "\n" + line;
  }
  return encodeUtf8(text);
}

/**
 * Parses a log file's content; `where` names it in errors. Accepts versions up to `maxVersion`,
 * a trailing newline, and `\r\n` line ends (as Spark's line reader does).
 * Throws `CorruptCheckpointError` for an empty file, a bad version line, a newer version, or a
 * line the codec rejects.
 */
export function parseLog<T>(data: Uint8Array, maxVersion: number, codec: LineCodec<T>, where: string): T[] {
  const lines = splitLines(decodeUtf8(data, 0, data.length));
  if (lines.length === 0) {
    throw new CorruptCheckpointError(`checkpoint: log file is empty (truncated?) at ${where}`, { path: where });
  }
  const head = lines[0];
  const m = /^v([1-9][0-9]*)$/.exec(head);
  if (m === null) {
    throw new CorruptCheckpointError(
      `checkpoint: malformed log file ${where}: expected a version line like v1, got ${JSON.stringify(head.slice(0, 40))}`,
      { path: where },
    );
  }
  const version = Number(m[1]);
  if (version > maxVersion) {
    throw new CorruptCheckpointError(
      `checkpoint: unsupported log version v${version} in ${where}; it was written by a newer version`,
      { path: where },
    );
  }
  const out = new Array<T>(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    try {
      out[i - 1] = codec.decode(lines[i]);
    } catch (cause) {
      throw new CorruptCheckpointError(
        `checkpoint: malformed entry at line ${i + 1} of ${where}: ${JSON.stringify(lines[i].slice(0, 200))}`,
        { path: where, cause },
      );
    }
  }
  return out;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  return lines;
}

async function putIfAbsent(storage: Storage, key: string, data: Uint8Array): Promise<boolean> {
  try {
    await storage.put(key, data, { ifNotExists: true });
    return true;
  } catch (e) {
    if (e instanceof AlreadyExistsError) return false;
    throw e;
  }
}

async function readLog<T>(storage: Storage, key: string, maxVersion: number, codec: LineCodec<T>): Promise<T[] | null> {
  let data: Uint8Array;
  try {
    data = await storage.get(key);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
  return parseLog(data, maxVersion, codec, toDisplayUrl(storage, key));
}

/** `N` or `N.compact` with N a canonical non-negative decimal; anything else (temp files, nested keys) is not a batch file. */
function parseBatchFileName(name: string): { batchId: number; compact: boolean } | null {
  const m = /^(0|[1-9][0-9]{0,15})(\.compact)?$/.exec(name);
  if (m === null) return null;
  const batchId = Number(m[1]);
  if (!Number.isSafeInteger(batchId)) return null;
  return { batchId, compact: m[2] !== undefined };
}

/**
 * Spark's deriveCompactInterval (SPARK-18187): with one compact file at `latestCompactBatchId`, the
 * interval must divide `latestCompactBatchId + 1`; pick the smallest such divisor at least the default.
 */
function deriveCompactInterval(defaultInterval: number, latestCompactBatchId: number): number {
  const n = latestCompactBatchId + 1;
  if (n <= defaultInterval) return n;
  for (let d = defaultInterval; d <= n / 2; d++) if (n % d === 0) return d;
  return n;
}

/** Spark's nextCompactionBatchId: the first compaction batch after `batchId`. */
function nextCompactionBatchId(batchId: number, interval: number): number {
  return Math.floor((batchId + interval + 1) / interval) * interval - 1;
}

function checkPrefix(prefix: string): string {
  if (prefix !== "" && !prefix.endsWith("/")) {
    throw new InternalError(`metadata log: prefix must end with "/", got ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

function checkVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new InternalError(`metadata log: version must be a positive integer, got ${String(version)}`);
  }
  return version;
}

function checkBatchId(batchId: number): number {
  if (!Number.isSafeInteger(batchId) || batchId < 0) {
    throw new InternalError(`metadata log: batch id must be a non-negative integer, got ${String(batchId)}`);
  }
  return batchId;
}
