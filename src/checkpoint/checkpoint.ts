/**
 * The checkpoint folder of a streaming query, in Spark's layout so other tools (and a Glue job's
 * operators) can read it:
 *
 * ```
 * <checkpoint>/metadata        {"id":"<query uuid>"}
 * <checkpoint>/offsets/<N>     v1 \n {"batchWatermarkMs":…,"batchTimestampMs":…,"conf":{…}} \n <source 0 offset> …
 * <checkpoint>/commits/<N>     v1 \n {"nextBatchWatermarkMs":…}
 * <checkpoint>/sources/<i>/…   per-source logs (e.g. the file source's seen-files log)
 * <checkpoint>/state/<op>/…    state store versions
 * ```
 *
 * The exactly-once protocol for micro-batch N (DESIGN §5), as the runtime drives it:
 * 1. Ask each source for its end offset, then {@link Checkpoint.writeOffsets} `offsets/N`
 *    (put-if-absent) **before** reading any data.
 * 2. Read exactly `(end of N-1, end of N]`; stateful operators read state N-1 and stage N.
 * 3. The sink commits batch N idempotently (Delta: `txn.version >= N` for this query id → skip).
 * 4. Commit state version N, then {@link Checkpoint.writeCommit} `commits/N`.
 * Once `offsets/N+1` is written, {@link Checkpoint.purge} deletes what falls out of retention.
 *
 * On restart {@link Checkpoint.recover} tells the runtime where to resume: a batch with
 * `offsets/N` but no `commits/N` is re-run with exactly the offsets recorded for it.
 */
import { randomUUID } from "node:crypto";
import { AlreadyExistsError, ConfigError, CorruptCheckpointError, InternalError, NotFoundError } from "../errors.js";
import type { Storage } from "../storage/storage.js";
import { folderPrefix, resolveLocation } from "../storage/resolve.js";
import { toDisplayUrl } from "../storage/url.js";
import { decodeUtf8, encodeUtf8 } from "../columnar/utf8.js";
import { MetadataLog, type LineCodec } from "./metadata-log.js";

/** Spark's `OffsetSeqMetadata`: line 2 of `offsets/<N>`. */
export interface OffsetSeqMetadata {
  /** The event-time watermark batch N runs with. */
  readonly batchWatermarkMs: number;
  /** The batch's processing time (`current_timestamp()` for every row of the batch). */
  readonly batchTimestampMs: number;
  /** Session settings that must not change across restarts (`spark.sql.shuffle.partitions` …). */
  readonly conf: Readonly<Record<string, string>>;
}

/** Spark's `OffsetSeq`: what `offsets/<N>` holds. */
export interface OffsetSeq {
  /** Null when the metadata line is empty (very old Spark checkpoints). */
  readonly metadata: OffsetSeqMetadata | null;
  /** One offset JSON text per source, in source order; null where a source has no offset (`-`). */
  readonly offsets: ReadonlyArray<string | null>;
}

/** Spark's `CommitMetadata`: what `commits/<N>` holds. */
export interface CommitMetadata {
  /** The watermark the next batch runs with. */
  readonly nextBatchWatermarkMs: number;
}

/** Where a restarted query resumes; see {@link Checkpoint.recover}. */
export interface RecoveryPlan {
  /** The batch id the loop runs next: the re-run batch if any, else the last committed + 1, else 0. */
  readonly nextBatchId: number;
  /** A planned but uncommitted batch: run it again with exactly these offsets (no new planning). */
  readonly rerun: { readonly batchId: number; readonly offsets: OffsetSeq } | null;
  /** The newest batch with a commit, or null if none committed. */
  readonly lastCommitted: { readonly batchId: number; readonly offsets: OffsetSeq | null; readonly commit: CommitMetadata } | null;
  /**
   * Where batch `nextBatchId` starts reading: the end offsets of batch `nextBatchId - 1`
   * (null before the first batch).
   */
  readonly startOffsets: OffsetSeq | null;
  /** The event-time watermark batch `nextBatchId` runs with (0 for a fresh query). */
  readonly watermarkMs: number;
}

/** Spark writes this for a source that has no offset in a batch. */
export const SERIALIZED_VOID_OFFSET = "-";

/** A streaming query's checkpoint folder. */
export class Checkpoint {
  readonly storage: Storage;
  /** The folder's key prefix in `storage`, ending in `/` (or empty for the storage root). */
  readonly prefix: string;
  /** The query id from `metadata`: stable across restarts. */
  readonly id: string;
  /** The state version at which operator state starts empty (an imported checkpoint), if any. */
  readonly stateEmptyAtVersion: number | undefined;
  /** `offsets/`: one line per entry, the metadata line first (use the typed helpers below). */
  readonly offsets: MetadataLog<string>;
  /** `commits/`. */
  readonly commits: MetadataLog<CommitMetadata>;

  private constructor(storage: Storage, prefix: string, meta: StreamMetadata) {
    this.storage = storage;
    this.prefix = prefix;
    this.id = meta.id;
    this.stateEmptyAtVersion = meta.stateEmptyAtVersion;
    this.offsets = new MetadataLog<string>(storage, prefix + "offsets/", { codec: rawLines });
    this.commits = new MetadataLog<CommitMetadata>(storage, prefix + "commits/", { codec: commitCodec });
  }

  /**
   * Opens the checkpoint at `location` (a URL or path, or a storage and a prefix ending in `/`),
   * creating `metadata` with a new query id if absent. The id is written put-if-absent, so two
   * queries started at once on one folder agree on it. Throws `CorruptCheckpointError` if
   * `metadata` is unreadable.
   */
  static async open(location: string | { storage: Storage; prefix: string }): Promise<Checkpoint> {
    let storage: Storage;
    let prefix: string;
    if (typeof location === "string") {
      const resolved = resolveLocation(location);
      storage = resolved.storage;
      prefix = folderPrefix(resolved.key);
    } else {
      storage = location.storage;
      prefix = location.prefix;
      if (prefix !== "" && !prefix.endsWith("/")) {
        throw new ConfigError(`checkpoint: prefix must end with "/", got ${JSON.stringify(prefix)}`);
      }
    }
    const key = prefix + "metadata";
    let meta = await readMetadata(storage, key);
    if (meta === null) {
      const fresh = randomUUID();
      try {
        await storage.put(key, encodeUtf8(JSON.stringify({ id: fresh })), { ifNotExists: true });
        meta = { id: fresh, stateEmptyAtVersion: undefined };
      } catch (e) {
        if (!(e instanceof AlreadyExistsError)) throw e;
        meta = await readMetadata(storage, key);
        if (meta === null) throw new InternalError(`checkpoint: ${toDisplayUrl(storage, key)} vanished right after another writer created it`);
      }
    }
    return new Checkpoint(storage, prefix, meta);
  }

  /** The folder's URL, for messages. */
  get url(): string {
    return toDisplayUrl(this.storage, this.prefix);
  }

  /**
   * Writes `offsets/<batchId>` put-if-absent in Spark's format; false if it already exists (then
   * the recorded offsets win: read them back with {@link readOffsets}). A null offset is written `-`.
   */
  async writeOffsets(batchId: number, metadata: OffsetSeqMetadata, sourceOffsets: ReadonlyArray<string | null>): Promise<boolean> {
    const lines: string[] = [
      JSON.stringify({
        batchWatermarkMs: metadata.batchWatermarkMs,
        batchTimestampMs: metadata.batchTimestampMs,
        conf: metadata.conf,
      }),
    ];
    for (let i = 0; i < sourceOffsets.length; i++) {
      const o = sourceOffsets[i];
      if (o !== null && (o === SERIALIZED_VOID_OFFSET || o.trim() === "" || o.includes("\n"))) {
        throw new InternalError(`checkpoint: offset of source ${i} for batch ${batchId} is not one line of JSON: ${JSON.stringify(o)}`, {
          batchId,
        });
      }
      lines.push(o ?? SERIALIZED_VOID_OFFSET);
    }
    return this.offsets.add(batchId, lines);
  }

  /** `offsets/<batchId>`, or null if absent. Throws `CorruptCheckpointError` if unreadable. */
  async readOffsets(batchId: number): Promise<OffsetSeq | null> {
    const lines = await this.offsets.get(batchId);
    return lines === null ? null : toOffsetSeq(lines, toDisplayUrl(this.storage, this.offsets.batchKey(batchId)));
  }

  /** The newest `offsets/<N>`, or null if none. */
  async latestOffsets(): Promise<{ batchId: number; offsets: OffsetSeq } | null> {
    const latest = await this.offsets.getLatest();
    if (latest === null) return null;
    const where = toDisplayUrl(this.storage, this.offsets.batchKey(latest.batchId));
    return { batchId: latest.batchId, offsets: toOffsetSeq(latest.entries, where) };
  }

  /** Writes `commits/<batchId>` (`v1` + `{"nextBatchWatermarkMs":…}`) put-if-absent; false if present. */
  async writeCommit(batchId: number, nextBatchWatermarkMs = 0): Promise<boolean> {
    return this.commits.add(batchId, [{ nextBatchWatermarkMs }]);
  }

  /** `commits/<batchId>`, or null if absent. */
  async readCommit(batchId: number): Promise<CommitMetadata | null> {
    const entries = await this.commits.get(batchId);
    return entries === null ? null : toCommit(entries);
  }

  /** The newest `commits/<N>`, or null if none. */
  async latestCommit(): Promise<{ batchId: number; commit: CommitMetadata } | null> {
    const latest = await this.commits.getLatest();
    if (latest === null) return null;
    return { batchId: latest.batchId, commit: toCommit(latest.entries) };
  }

  /** Source `i`'s folder: `sources/<i>/`. */
  sourcePrefix(i: number): string {
    return `${this.prefix}sources/${checkIndex(i, "source index")}/`;
  }

  /** Stateful operator `operatorId`'s folder: `state/<operatorId>/`. */
  statePrefix(operatorId: number): string {
    return `${this.prefix}state/${checkIndex(operatorId, "operator id")}/`;
  }

  /**
   * Spark's log retention (`spark.sql.streaming.minBatchesToRetain`), run once `offsets/<batchId>`
   * is written: deletes the `offsets/` and `commits/` files of batches before
   * `batchId - minBatchesToRetain`, so the folders keep the last `minBatchesToRetain + 1` batches.
   * The first call lists both folders; later calls delete by name (see `MetadataLog.purge`), so
   * purging after every batch costs two deletes whatever the query's age.
   * @throws ConfigError when `minBatchesToRetain` is not a positive integer.
   */
  async purge(batchId: number, minBatchesToRetain: number): Promise<void> {
    if (!Number.isSafeInteger(minBatchesToRetain) || minBatchesToRetain < 1) {
      throw new ConfigError(
        `checkpoint: spark.sql.streaming.minBatchesToRetain must be a positive integer, got ${String(minBatchesToRetain)}`,
        { option: "spark.sql.streaming.minBatchesToRetain" },
      );
    }
    if (minBatchesToRetain >= batchId) return;
    await this.offsets.purge(batchId - minBatchesToRetain);
    await this.commits.purge(batchId - minBatchesToRetain);
  }

  /**
   * Where to resume after a restart (Spark's `populateStartOffsets`), with N the newest `offsets/N`:
   * - no offsets: a fresh query, batch 0;
   * - `commits/N` present: batch N is done; plan batch N+1 starting at offsets N, with the
   *   watermark from `commits/N`;
   * - `commits/N` absent: re-run batch N with exactly `offsets/N` (and its watermark), starting at
   *   `offsets/N-1`. If the newest commit is older than N-1, Spark still re-runs only N; so do we.
   * Throws `CorruptCheckpointError` when commits exist without offsets, a commit is newer than the
   * newest offsets, or `offsets/N-1` needed to re-run N is missing.
   */
  async recover(): Promise<RecoveryPlan> {
    const latestOffsets = await this.latestOffsets();
    const latestCommit = await this.latestCommit();
    if (latestOffsets === null) {
      if (latestCommit !== null) {
        throw new CorruptCheckpointError(
          `checkpoint: ${this.url} has commits/${latestCommit.batchId} but no offsets; it was damaged or copied partially`,
          { path: this.url, batchId: latestCommit.batchId },
        );
      }
      return { nextBatchId: 0, rerun: null, lastCommitted: null, startOffsets: null, watermarkMs: 0 };
    }
    const n = latestOffsets.batchId;
    if (latestCommit !== null && latestCommit.batchId > n) {
      throw new CorruptCheckpointError(
        `checkpoint: ${this.url} has commits/${latestCommit.batchId} but the newest offsets are offsets/${n}; it was damaged or copied partially`,
        { path: this.url, batchId: latestCommit.batchId },
      );
    }
    if (latestCommit !== null && latestCommit.batchId === n) {
      return {
        nextBatchId: n + 1,
        rerun: null,
        lastCommitted: { batchId: n, offsets: latestOffsets.offsets, commit: latestCommit.commit },
        startOffsets: latestOffsets.offsets,
        watermarkMs: latestCommit.commit.nextBatchWatermarkMs,
      };
    }
    let startOffsets: OffsetSeq | null = null;
    if (n > 0) {
      startOffsets = await this.readOffsets(n - 1);
      if (startOffsets === null) {
        const where = toDisplayUrl(this.storage, this.offsets.batchKey(n - 1));
        throw new CorruptCheckpointError(`checkpoint: ${where} is missing; it is needed to re-run batch ${n}`, {
          path: where,
          batchId: n - 1,
        });
      }
    }
    const lastCommitted =
      latestCommit === null
        ? null
        : {
            batchId: latestCommit.batchId,
            offsets: latestCommit.batchId === n - 1 ? startOffsets : await this.readOffsets(latestCommit.batchId),
            commit: latestCommit.commit,
          };
    return {
      nextBatchId: n,
      rerun: { batchId: n, offsets: latestOffsets.offsets },
      lastCommitted,
      startOffsets,
      watermarkMs: latestOffsets.offsets.metadata?.batchWatermarkMs ?? latestCommit?.commit.nextBatchWatermarkMs ?? 0,
    };
  }
}

const rawLines: LineCodec<string> = { encode: (line) => line, decode: (line) => line };

const commitCodec: LineCodec<CommitMetadata> = {
  encode: (c) => JSON.stringify({ nextBatchWatermarkMs: c.nextBatchWatermarkMs }),
  decode: (line) => {
    const v: unknown = JSON.parse(line);
    const w = isObject(v) ? (v.nextBatchWatermarkMs ?? 0) : null;
    // parseLog turns this into an error naming the file and line.
    if (typeof w !== "number") throw new CorruptCheckpointError("checkpoint: commit metadata needs a numeric nextBatchWatermarkMs");
    return { nextBatchWatermarkMs: w };
  },
};

function toCommit(entries: CommitMetadata[]): CommitMetadata {
  // Spark: a commit file with only the version line means the default metadata.
  return entries.length === 0 ? { nextBatchWatermarkMs: 0 } : entries[0];
}

function toOffsetSeq(lines: readonly string[], where: string): OffsetSeq {
  if (lines.length === 0) {
    throw new CorruptCheckpointError(`checkpoint: ${where} has no metadata line (truncated?)`, { path: where });
  }
  const first = lines[0].trim();
  let metadata: OffsetSeqMetadata | null = null;
  if (first !== "") {
    metadata = parseOffsetSeqMetadata(first);
    if (metadata === null) {
      throw new CorruptCheckpointError(`checkpoint: malformed offsets metadata at line 2 of ${where}: ${JSON.stringify(first.slice(0, 200))}`, {
        path: where,
      });
    }
  }
  const offsets: Array<string | null> = [];
  for (let i = 1; i < lines.length; i++) offsets.push(lines[i] === SERIALIZED_VOID_OFFSET ? null : lines[i]);
  return { metadata, offsets };
}

function parseOffsetSeqMetadata(line: string): OffsetSeqMetadata | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(v)) return null;
  const batchWatermarkMs = v.batchWatermarkMs ?? 0;
  const batchTimestampMs = v.batchTimestampMs ?? 0;
  const conf = v.conf ?? {};
  if (typeof batchWatermarkMs !== "number" || typeof batchTimestampMs !== "number" || !isObject(conf)) return null;
  const confOut: Record<string, string> = {};
  for (const [k, value] of Object.entries(conf)) {
    if (typeof value !== "string") return null;
    confOut[k] = value;
  }
  return { batchWatermarkMs, batchTimestampMs, conf: confOut };
}

/**
 * The `metadata` field (a sluice addition; Spark ignores fields it does not know) saying at which
 * state version operator state starts empty: set by `sluice checkpoint import-spark`.
 */
export const STATE_EMPTY_AT = "sluiceStateEmptyAtVersion";

/** What `metadata` holds: Spark's query id, and sluice's {@link STATE_EMPTY_AT} when present. */
interface StreamMetadata {
  readonly id: string;
  readonly stateEmptyAtVersion: number | undefined;
}

async function readMetadata(storage: Storage, key: string): Promise<StreamMetadata | null> {
  let data: Uint8Array;
  try {
    data = await storage.get(key);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
  const where = toDisplayUrl(storage, key);
  const text = decodeUtf8(data, 0, data.length);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new CorruptCheckpointError(`checkpoint: malformed metadata file ${where}: ${JSON.stringify(text.slice(0, 200))}`, {
      path: where,
      cause,
    });
  }
  if (!isObject(v) || typeof v.id !== "string" || v.id === "") {
    throw new CorruptCheckpointError(`checkpoint: metadata file ${where} has no query id: ${JSON.stringify(text.slice(0, 200))}`, {
      path: where,
    });
  }
  const empty = v[STATE_EMPTY_AT];
  if (empty !== undefined && (typeof empty !== "number" || !Number.isSafeInteger(empty) || empty < 1)) {
    throw new CorruptCheckpointError(`checkpoint: metadata file ${where} has a malformed ${STATE_EMPTY_AT}: ${JSON.stringify(empty)}`, { path: where });
  }
  return { id: v.id, stateEmptyAtVersion: empty };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkIndex(i: number, what: string): number {
  if (!Number.isSafeInteger(i) || i < 0) throw new InternalError(`checkpoint: ${what} must be a non-negative integer, got ${String(i)}`);
  return i;
}
