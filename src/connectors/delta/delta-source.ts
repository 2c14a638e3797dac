/**
 * Delta's streaming source (`DeltaSource`) and batch reader for `spark.readStream/read.format("delta")`.
 *
 * Streaming, as Delta does it:
 * - With no starting option, the first batches read the snapshot at the version current when the
 *   query starts (every live file, sorted by modification time then path, offsets with
 *   `isStartingVersion: true`), then each later commit's `add` actions with `dataChange: true`, in
 *   version order and in commit order. `startingVersion` (a version or `latest`, i.e. the next
 *   commit) and `startingTimestamp` (the first version committed at or after it) read changes
 *   from that version instead of a snapshot; a time-dependent start (`latest`, a timestamp) is
 *   fixed at the first batch and kept in the source's checkpoint folder, so a re-run reads the same.
 * - Offsets are Delta's `DeltaSourceOffset` JSON, key for key:
 *   `{"sourceVersion":1,"reservoirId":"<table id>","reservoirVersion":N,"index":I,"isStartingVersion":B}`;
 *   `index` -1 is the base index before the first file of version N, so a fully consumed version
 *   N is written as `(N + 1, -1, false)`. Offsets with another `reservoirId` (the table was
 *   replaced under the checkpoint) fail the query.
 * - Rate limits: `maxFilesPerTrigger` (default 1000) and `maxBytesPerTrigger` (soft: a file is
 *   admitted while budget remains, so at least one) split a snapshot or a commit between batches;
 *   `availableNow` fixes the end when its first offset is asked for; ReadLimit `all` ignores limits.
 * - A commit with a `remove` (dataChange) fails the query naming the version, as Delta does,
 *   unless `ignoreDeletes` (commits that only remove files are skipped), `ignoreChanges` (the
 *   commit's adds are read; rewritten rows are read again) or `skipChangeCommits` (the whole
 *   commit is skipped).
 * - The query's schema is the table schema when the DataFrame was defined (`describe`). A
 *   `metaData` action whose schema cannot be read with it (a column dropped or renamed, a type
 *   changed, a nullable column where the query's is not) fails the query naming the version.
 *   Additive changes are read with the query's schema: columns added after the query was defined
 *   are not read (dropped), and columns a file lacks read as null.
 * - Every protocol action read is checked (`checkReadable`).
 *
 * Batch (`hints.streaming === false`): exactly the snapshot at the latest version, `versionAsOf`,
 * or `timestampAsOf` (the latest version committed at or before it); removes do not matter.
 *
 * Each data file is one input partition (read in worker threads without `open()`), read with the
 * Delta file reader (partition values filled, columns matched by name).
 */
import { AnalysisError, ConfigError, CorruptCheckpointError, InternalError, NotFoundError, SourceError, AlreadyExistsError } from "../../errors.js";
import type { Batch } from "../../columnar/batch.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { isStruct } from "../../types/data-types.js";
import { schemaFromJson, schemaToJson } from "../../types/json-schema.js";
import { describeFields, sameSchema } from "../../types/schema-compare.js";
import type { Storage } from "../../storage/storage.js";
import { resolveLocation } from "../../storage/resolve.js";
import { MemoryStorage } from "../../storage/memory.js";
import { fileUrlOf, toDisplayUrl } from "../../storage/url.js";
import { decodeUtf8, encodeUtf8 } from "../../columnar/utf8.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import type { InputPartition, OffsetJson, ReadLimit, SourceContext, StreamSource } from "../source.js";
import type { Options, SourceConnector, SourceHints } from "../registry.js";
import type { DeltaMetadataAction, DeltaProtocol } from "../../tables/delta/actions.js";
import { checkReadable } from "../../tables/delta/protocol-check.js";
import { canonicalPath } from "../../tables/delta/log-replay.js";
import { loadSnapshot } from "../../tables/delta/snapshot.js";
import type { DeltaFile, DeltaMetadata, DeltaSnapshot } from "../../tables/delta/snapshot.js";
import { readDeltaFile } from "../../tables/delta/table-reader.js";
import { tagInputFile } from "../../exec/eval/input-file.js";
import { pruneFiles } from "../../tables/delta/data-skipping.js";
import { firstVersionAtOrAfter, listCommits, readCommitActions } from "../../tables/delta/commit-history.js";
import type { CommitListing } from "../../tables/delta/commit-history.js";
import { loadTableSnapshot } from "../../tables/delta/delta-describe.js";
import { DEFAULT_MAX_FILES_PER_TRIGGER, resolveDeltaSourceOptions } from "./delta-source-options.js";
import type { DeltaSourceOptions } from "./delta-source-options.js";

/** Delta's base index: the position before the first file of a version. */
export const BASE_INDEX = -1;

/** Delta's `DeltaSourceOffset`. */
export interface DeltaSourceOffset {
  readonly reservoirId: string;
  readonly reservoirVersion: number;
  /** Index of the last file read in `reservoirVersion`, or {@link BASE_INDEX}. */
  readonly index: number;
  /** Whether the offset points into the initial snapshot at `reservoirVersion` (not its changes). */
  readonly isStartingVersion: boolean;
}

/** The offset's JSON, with Delta's keys in Delta's order. */
export function formatDeltaOffset(o: DeltaSourceOffset): OffsetJson {
  return JSON.stringify({
    sourceVersion: 1,
    reservoirId: o.reservoirId,
    reservoirVersion: o.reservoirVersion,
    index: o.index,
    isStartingVersion: o.isStartingVersion,
  });
}

/**
 * Parses a `DeltaSourceOffset` JSON (source versions 1 and 3; a version-3 base index -100 reads
 * as -1).
 * @throws CorruptCheckpointError when it is not one.
 */
export function parseDeltaOffset(json: OffsetJson): DeltaSourceOffset {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (cause) {
    throw new CorruptCheckpointError(`delta source: invalid offset ${JSON.stringify(json)}`, { offset: json, cause });
  }
  const o = (v !== null && typeof v === "object" ? v : {}) as Record<string, unknown>;
  const { sourceVersion, reservoirId, reservoirVersion, index, isStartingVersion } = o;
  if (
    (sourceVersion !== 1 && sourceVersion !== 3) ||
    typeof reservoirId !== "string" ||
    typeof reservoirVersion !== "number" ||
    !Number.isSafeInteger(reservoirVersion) ||
    reservoirVersion < 0 ||
    typeof index !== "number" ||
    !Number.isSafeInteger(index) ||
    typeof isStartingVersion !== "boolean"
  ) {
    throw new CorruptCheckpointError(
      `delta source: invalid offset ${JSON.stringify(json)}; expected {"sourceVersion":1,"reservoirId":…,"reservoirVersion":N,"index":I,"isStartingVersion":B}`,
      { offset: json },
    );
  }
  if (index < BASE_INDEX && !(sourceVersion === 3 && index === -100)) {
    throw new CorruptCheckpointError(`delta source: offset ${json} has index ${index}, which sluice cannot resume from`, { offset: json });
  }
  return { reservoirId, reservoirVersion, index: Math.max(index, BASE_INDEX), isStartingVersion };
}

/** The registry entry of the delta source. */
export const deltaSourceConnector: SourceConnector = {
  staticSchema: (options, _userSchema, ctx) => {
    checkDeltaSourceOptions(options, ctx.streaming);
    return null; // the schema is the table's: it is in the log
  },
  resolveSchema: resolveDeltaSourceSchema,
  create: (options, hints) => new DeltaSource(options, hints),
};

/**
 * Validates `options` for a streaming or batch read. Throws ConfigError for bad options, and for
 * time travel (`versionAsOf`, `timestampAsOf`) on a stream, which starts from `startingVersion` or
 * `startingTimestamp` instead.
 */
export function checkDeltaSourceOptions(options: Options, streaming: boolean): DeltaSourceOptions {
  const opts = resolveDeltaSourceOptions(options);
  if (streaming && (opts.versionAsOf !== null || opts.timestampAsOf !== null)) {
    throw new ConfigError(
      `delta source: '${opts.versionAsOf !== null ? "versionAsOf" : "timestampAsOf"}' is for batch reads (spark.read); ` +
        `a stream starts from 'startingVersion' or 'startingTimestamp'`,
      { option: opts.versionAsOf !== null ? "versionAsOf" : "timestampAsOf" },
    );
  }
  return opts;
}

/**
 * The table's schema (at `versionAsOf`/`timestampAsOf` when given), read from its log.
 * @throws ConfigError for bad options; AnalysisError when the path is not a Delta table
 *   (`` delta: `<path>` is not a Delta table ``), the version or timestamp does not exist, the table
 *   needs a reader feature sluice lacks, or `userSchema` differs from the table's.
 */
export async function resolveDeltaSourceSchema(options: Options, userSchema: StructType | null): Promise<StructType> {
  const opts = resolveDeltaSourceOptions(options);
  const { storage, key } = resolveLocation(opts.path);
  const snapshot = await loadTableSnapshot(storage, key, opts.path, opts);
  const schema = snapshot.metadata.schema;
  if (userSchema !== null && !sameSchema(userSchema, schema)) {
    throw new AnalysisError(
      `delta: a schema cannot be specified when reading a Delta table (${opts.path}); the table's schema is (${describeFields(schema)}), got (${describeFields(userSchema)})`,
      { path: opts.path },
    );
  }
  return schema;
}

/** One file change: an `add` of a version at an index, or a version's base-index sentinel (`add` null). */
interface IndexedFile {
  readonly version: number;
  readonly index: number;
  readonly add: DeltaFile | null;
  /** The last add of its commit (never set for snapshot files, as in Delta). */
  readonly isLast: boolean;
}

/** What a commit contributes to the stream. */
interface CommitChanges {
  /** The adds (dataChange) to read, in commit order; empty when the commit is skipped. */
  readonly adds: readonly DeltaFile[];
}

/** Delta's `AdmissionLimits`: files and bytes still admissible in this batch. */
class Admission {
  constructor(
    private files: number,
    private bytes: number,
  ) {}

  /** Whether the next change is admitted; an add then takes its share (sentinels take nothing). */
  admit(add: DeltaFile | null): boolean {
    const ok = this.files > 0 && this.bytes > 0;
    if (add !== null) {
      this.files--;
      this.bytes -= add.size;
    }
    return ok;
  }
}

/** The streaming and batch source of one Delta table. */
export class DeltaSource implements StreamSource {
  readonly description: string;
  private readonly opts: DeltaSourceOptions;
  private readonly storage: Storage;
  private readonly tableKey: string;
  private readonly tablePath: string;
  private readonly streaming: boolean;
  private readonly filter: BoundExpr | null;
  /** Options for readDeltaFile and pruneFiles: both must parse partition values in the same (session) zone. */
  private readonly zone: { readonly timeZone?: string };
  /** readDeltaFile's options: the zone, and the columns the query reads (the others are not decoded). */
  private readonly fileOptions: { readonly timeZone?: string; readonly columns?: ReadonlySet<string> };
  /** The schema the plan was analysed with at load(): a table that gained columns since still reads with it. */
  readonly schema: StructType;
  private ctx: SourceContext | null = null;
  private initial: DeltaSnapshot | null = null;
  private snapshotCache: { version: number; files: IndexedFile[]; snapshot: DeltaSnapshot } | null = null;
  private readonly commits = new Map<number, CommitChanges>();
  private startVersion: number | null | undefined = undefined;
  private availableNow: "off" | "pending" | "fixed" = "off";
  private availableNowEnd: DeltaSourceOffset | null = null;
  private outstanding = { files: 0, bytes: 0 };

  constructor(options: Options, hints: SourceHints) {
    this.opts = checkDeltaSourceOptions(options, hints.streaming);
    this.streaming = hints.streaming;
    this.filter = hints.filter ?? null;
    this.zone = hints.timeZone === undefined ? {} : { timeZone: hints.timeZone };
    this.schema = hints.schema;
    const columns = hints.columns ?? null;
    this.fileOptions = columns === null ? this.zone : { ...this.zone, columns: new Set(columns.map((i) => hints.schema.fields[i].name.toLowerCase())) };
    const { storage, key } = resolveLocation(this.opts.path);
    this.storage = storage;
    this.tableKey = key;
    this.tablePath = toDisplayUrl(storage, key);
    this.description = `DeltaSource[${fileUrlOf(storage, key)}]`;
  }

  /**
   * Loads the snapshot the source starts from (streaming: the latest; batch: the version asked
   * for) and checks it is readable. (A snapshot's schema is checked against the query's when the
   * snapshot is read.)
   */
  async open(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    const spec = this.streaming ? { versionAsOf: null, timestampAsOf: null } : this.opts;
    const snapshot = await loadTableSnapshot(this.storage, this.tableKey, this.opts.path, spec);
    this.initial = snapshot;
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNow = "pending";
  }

  async latestOffset(start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null> {
    const initial = this.requireOpen();
    const startOffset = start === null ? null : this.toOffset(start);
    if (!this.streaming) {
      if (startOffset !== null) return start;
      const files = await this.snapshotFiles(initial.version);
      if (files.length === 0) return null;
      return formatDeltaOffset({ reservoirId: initial.metadata.id, reservoirVersion: initial.version, index: files.length - 1, isStartingVersion: true });
    }
    if (this.availableNow === "pending") {
      this.availableNow = "fixed";
      this.availableNowEnd = await this.nextOffset(startOffset, null);
    }
    if (this.availableNow === "fixed" && this.availableNowEnd === null) return start;
    const end = await this.nextOffset(startOffset, limit.kind === "all" ? null : this.admission());
    if (end === null) return start;
    if (startOffset !== null) checkForward(startOffset, end);
    return formatDeltaOffset(end);
  }

  async *read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch> {
    const descriptor = this.descriptor();
    for (const f of await this.filesIn(start, end)) yield* this.withInputFile(f, await readDeltaFile(this.storage, this.tableKey, descriptor, f, this.fileOptions));
  }

  /** `batches` of data file `f`, each handed out with `f` as `input_file_name()` (its full URL, as in Spark). */
  private *withInputFile(f: DeltaFile, batches: readonly Batch[]): Iterable<Batch> {
    const url = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(f.rawPath) ? f.rawPath : `${this.tablePath.replace(/\/+$/, "")}/${f.rawPath.replace(/^\/+/, "")}`;
    const file = { path: url, start: 0, length: f.size };
    for (const b of batches) yield tagInputFile(b, file);
  }

  /**
   * One partition per data file of `(start, end]`, in read order. None for a `memory://` table,
   * which other threads cannot see (the range is then read in this thread).
   */
  async planInputPartitions(start: OffsetJson | null, end: OffsetJson): Promise<InputPartition[]> {
    if (this.storage instanceof MemoryStorage) return [];
    const d = this.descriptor();
    const descriptor = JSON.stringify({
      version: d.version,
      protocol: d.protocol,
      metadata: { ...d.metadata, schema: undefined, schemaString: schemaToJson(d.metadata.schema) },
    });
    return (await this.filesIn(start, end)).map((f) => ({
      path: f.rawPath,
      partitionValues: JSON.stringify(f.partitionValues),
      size: f.size,
      modificationTime: f.modificationTime,
      descriptor,
    }));
  }

  /** Reads one file planned by {@link planInputPartitions}; needs no `open()`. */
  async *readPartition(partition: InputPartition): AsyncIterable<Batch> {
    const { path, partitionValues, size, modificationTime, descriptor } = partition;
    if (typeof path !== "string" || typeof partitionValues !== "string" || typeof size !== "number" || typeof descriptor !== "string") {
      throw new InternalError(`delta source: malformed input partition ${JSON.stringify(partition)}`);
    }
    const d = JSON.parse(descriptor) as { version: number; protocol: DeltaProtocol; metadata: DeltaMetadataAction };
    const schema = schemaFromJson(d.metadata.schemaString);
    if (!isStruct(schema)) throw new InternalError(`delta source: malformed input partition schema ${d.metadata.schemaString}`);
    const snapshot: DeltaSnapshot = { version: d.version, protocol: d.protocol, metadata: { ...d.metadata, schema }, files: [], tombstones: [], txns: new Map() };
    const add = {
      path: canonicalPath(path),
      rawPath: path,
      partitionValues: JSON.parse(partitionValues) as Record<string, string | null>,
      size,
      modificationTime: typeof modificationTime === "number" ? modificationTime : 0,
      dataChange: true,
    };
    yield* this.withInputFile(add, await readDeltaFile(this.storage, this.tableKey, snapshot, add, this.fileOptions));
  }

  async commit(end: OffsetJson): Promise<void> {
    // Commits before the committed end will not be read again in this run, nor will the initial
    // snapshot once the stream is past it (Delta's cleanUpSnapshotResources).
    const o = this.toOffset(end);
    const v = o.reservoirVersion;
    for (const k of this.commits.keys()) if (k < v) this.commits.delete(k);
    if (!o.isStartingVersion) this.snapshotCache = null;
  }

  async stop(): Promise<void> {
    this.commits.clear();
    this.snapshotCache = null;
  }

  /** Delta's source metrics: files and bytes admitted by no batch yet, as of the last `latestOffset`. */
  metrics(): Record<string, string> {
    return { numFilesOutstanding: String(this.outstanding.files), numBytesOutstanding: String(this.outstanding.bytes) };
  }

  /** Delta's `latestOffsetInternal`: the end of the next batch after `start`, or null when nothing is new. */
  private async nextOffset(start: DeltaSourceOffset | null, limits: Admission | null): Promise<DeltaSourceOffset | null> {
    const initial = this.requireOpen();
    let fromVersion: number;
    let fromIndex: number;
    let isStarting: boolean;
    if (start === null) {
      const sv = await this.startingVersion();
      fromVersion = sv ?? initial.version;
      fromIndex = BASE_INDEX;
      isStarting = sv === null;
    } else {
      ({ reservoirVersion: fromVersion, index: fromIndex, isStartingVersion: isStarting } = start);
    }
    const changes = this.fileChanges(fromVersion, fromIndex, isStarting, this.availableNowEnd);
    let last: IndexedFile | null = null;
    const pending = { files: 0, bytes: 0 };
    let next = await changes.next();
    while (next.done !== true) {
      if (limits !== null && !limits.admit(next.value.add)) break;
      last = next.value;
      next = await changes.next();
    }
    // What lies beyond this batch, for the metrics: read from the (cached) commits, never failing.
    try {
      while (next.done !== true) {
        if (next.value.add !== null) {
          pending.files++;
          pending.bytes += next.value.add.size;
        }
        next = await changes.next();
      }
    } catch {
      // A change beyond this batch that fails the query does so when its batch comes.
    }
    this.outstanding = pending;
    if (last === null) return null;
    if (last.isLast) return { reservoirId: initial.metadata.id, reservoirVersion: last.version + 1, index: BASE_INDEX, isStartingVersion: false };
    return { reservoirId: initial.metadata.id, reservoirVersion: last.version, index: last.index, isStartingVersion: last.version === fromVersion && isStarting };
  }

  /** The data files of `(start, end]`, in order (Delta's `getBatch`), after `excludeRegex` and data skipping. */
  private async filesIn(start: OffsetJson | null, end: OffsetJson): Promise<DeltaFile[]> {
    this.requireOpen();
    const endOffset = this.toOffset(end);
    if (start === end) return [];
    let fromVersion: number;
    let fromIndex = BASE_INDEX;
    let isStarting: boolean;
    if (start !== null) {
      const s = this.toOffset(start);
      ({ reservoirVersion: fromVersion, index: fromIndex, isStartingVersion: isStarting } = s);
    } else {
      const sv = this.streaming ? await this.startingVersion() : null;
      if (sv !== null) {
        fromVersion = sv;
        isStarting = false;
      } else {
        // Delta: a first batch that ended past its snapshot read the snapshot just before the end.
        fromVersion = endOffset.isStartingVersion ? endOffset.reservoirVersion : endOffset.reservoirVersion - 1;
        isStarting = true;
      }
    }
    const out: DeltaFile[] = [];
    for await (const f of this.fileChanges(fromVersion, fromIndex, isStarting, endOffset)) {
      if (f.add === null) continue;
      if (this.opts.excludeRegex !== null && this.opts.excludeRegex.test(f.add.rawPath)) continue;
      out.push(f.add);
    }
    return this.skipFiles(out);
  }

  /**
   * Delta's `getFileChanges`: the changes after `(fromVersion, fromIndex)`, the snapshot at
   * `fromVersion` first when `isStarting`, up to `bound` (inclusive) when given.
   */
  private async *fileChanges(fromVersion: number, fromIndex: number, isStarting: boolean, bound: DeltaSourceOffset | null): AsyncGenerator<IndexedFile> {
    const after = (f: IndexedFile): boolean => f.version > fromVersion || f.index > fromIndex;
    const within = (f: IndexedFile): boolean =>
      bound === null || f.version < bound.reservoirVersion || (f.version === bound.reservoirVersion && f.index <= bound.index);
    if (isStarting) {
      for (const f of await this.snapshotFiles(fromVersion)) {
        if (!after(f)) continue;
        if (!within(f)) return;
        yield f;
      }
    }
    const first = isStarting ? fromVersion + 1 : fromVersion;
    if (bound !== null && first > bound.reservoirVersion) return;
    // Only the commits from the first one needed on: the cost does not grow with the table's history.
    const listing = await listCommits(this.storage, this.tableKey, { fromVersion: first });
    const keys = new Map(listing.commits.map((c) => [c.version, c.key] as const));
    const lastCommit = listing.commits.at(-1)?.version ?? -1;
    for (let v = first; v <= lastCommit; v++) {
      if (bound !== null && v > bound.reservoirVersion) return;
      const changes = await this.commitChanges(v, keys.get(v), listing);
      const sentinel: IndexedFile = { version: v, index: BASE_INDEX, add: null, isLast: false };
      if (after(sentinel)) {
        if (!within(sentinel)) return;
        yield sentinel;
      }
      for (let i = 0; i < changes.adds.length; i++) {
        const f: IndexedFile = { version: v, index: i, add: changes.adds[i], isLast: i === changes.adds.length - 1 };
        if (!after(f)) continue;
        if (!within(f)) return;
        yield f;
      }
    }
  }

  /** The live files of the snapshot at `version`, sorted by modification time then path, indexed from 0. */
  private async snapshotFiles(version: number): Promise<IndexedFile[]> {
    if (this.snapshotCache?.version === version) return this.snapshotCache.files;
    const initial = this.requireOpen();
    const snapshot = initial.version === version ? initial : await this.loadOlderSnapshot(version);
    checkReadable(snapshot.protocol, snapshot.metadata, this.tablePath);
    // The table may have changed between the query's definition and its start.
    if (this.streaming) this.checkSchema(snapshot.metadata.schema, version);
    const sorted = [...snapshot.files].sort((a, b) =>
      a.modificationTime !== b.modificationTime ? a.modificationTime - b.modificationTime : a.rawPath < b.rawPath ? -1 : a.rawPath > b.rawPath ? 1 : 0,
    );
    const files = sorted.map((add, index): IndexedFile => ({ version, index, add, isLast: false }));
    this.snapshotCache = { version, files, snapshot };
    return files;
  }

  /**
   * The snapshot at `version` (older than the one the source opened on): the initial snapshot of a
   * query restarted from its checkpoint.
   * @throws SourceError (streaming) when the log can no longer rebuild it (Delta's
   *   `logFileNotFoundExceptionForStreamingSource`): log retention removed the commits and no
   *   checkpoint precedes them.
   */
  private async loadOlderSnapshot(version: number): Promise<DeltaSnapshot> {
    try {
      return await loadSnapshot(this.storage, this.tableKey, { version });
    } catch (e) {
      if (!this.streaming || !(e instanceof AnalysisError || e instanceof NotFoundError)) throw e;
      throw new SourceError(
        `delta source: cannot rebuild the snapshot of version ${version} of the table at ${this.tablePath}, which the query was reading ` +
          `(its log files may have been removed by log retention: ${e.message}); restart the query with a new checkpoint directory`,
        { path: this.tablePath, cause: e },
      );
    }
  }

  /**
   * Reads and validates commit `version` (Delta's `validateCommitAndDecideSkipping`): removes
   * against the ignore options, metadata changes against the query's schema, protocols against
   * what sluice reads.
   */
  private async commitChanges(version: number, key: string | undefined, listing: CommitListing): Promise<CommitChanges> {
    const cached = this.commits.get(version);
    if (cached !== undefined) return cached;
    if (key === undefined) {
      const next = listing.commits.find((c) => c.version > version)?.version;
      throw new SourceError(
        `delta source: the commit file of version ${version} is missing from the log of the table at ${this.tablePath} ` +
          `(the log continues at ${next ?? "no later version"}, the latest is ${listing.latest}; it may have been removed by log retention); ` +
          `restart the query with a new checkpoint directory`,
        { path: this.tablePath },
      );
    }
    const actions = await readCommitActions(this.storage, key);
    const initial = this.requireOpen();
    let metadata: DeltaMetadataAction = initial.metadata;
    for (const a of actions) {
      if (a.kind !== "metaData") continue;
      metadata = a.metadata;
      const schema = schemaFromJson(a.metadata.schemaString);
      this.checkSchema(schema, version);
    }
    let seenAdd = false;
    let removed: string | null = null;
    const adds: DeltaFile[] = [];
    for (const a of actions) {
      if (a.kind === "protocol") checkReadable(a.protocol, metadata, this.tablePath);
      else if (a.kind === "add" && a.add.dataChange) {
        seenAdd = true;
        adds.push({ ...a.add, path: canonicalPath(a.add.path), rawPath: a.add.path });
      } else if (a.kind === "remove" && a.remove.dataChange && removed === null) removed = a.remove.path;
    }
    const o = this.opts;
    if (removed !== null) {
      const allowChanges = o.ignoreChanges || o.skipChangeCommits;
      if (seenAdd && !allowChanges) {
        throw new SourceError(
          `delta source: detected a data update (for example ${removed}) in the source table at version ${version}. This is currently not supported. ` +
            `If this is going to happen regularly and you are okay to skip changes, set the option 'skipChangeCommits' to 'true'. ` +
            `If you would like the data update to be reflected, please restart this query with a fresh checkpoint directory. ` +
            `The source table can be found at path ${this.tablePath}`,
          { path: this.tablePath },
        );
      }
      if (!seenAdd && !(allowChanges || o.ignoreDeletes)) {
        throw new SourceError(
          `delta source: detected deleted data (for example ${removed}) from streaming source at version ${version}. This is currently not supported. ` +
            `If you'd like to ignore deletes, set the option 'ignoreDeletes' to 'true'. The source table can be found at path ${this.tablePath}`,
          { path: this.tablePath },
        );
      }
    }
    const changes: CommitChanges = { adds: removed !== null && o.skipChangeCommits ? [] : adds };
    this.commits.set(version, changes);
    return changes;
  }

  /** Throws unless data written with `schema` (at `version`) can be read with the query's schema. */
  private checkSchema(schema: DataType, version: number): void {
    const read = this.schema;
    if (read === null || readCompatible(schema, read)) return;
    throw new SourceError(
      `delta source: detected an incompatible schema change in version ${version} of the table at ${this.tablePath}: ` +
        `streaming source schema (${describeFields(read)}), schema at version ${version} (${isStruct(schema) ? describeFields(schema) : schema.typeName}). ` +
        `A column was dropped, renamed, retyped or made nullable; restart the query with a new checkpoint directory ` +
        `(and 'startingVersion' after ${version} to skip what was read)`,
      { path: this.tablePath },
    );
  }

  /**
   * The version changes start from with `startingVersion`/`startingTimestamp` (null: from a
   * snapshot). Time-dependent starts are resolved once and kept in the checkpoint's source folder.
   */
  private async startingVersion(): Promise<number | null> {
    if (this.startVersion !== undefined) return this.startVersion;
    const { startingVersion, startingTimestamp } = this.opts;
    if (startingVersion === null && startingTimestamp === null) return (this.startVersion = null);
    const listing = await listCommits(this.storage, this.tableKey);
    if (typeof startingVersion === "number") {
      const earliest = listing.commits[0]?.version ?? 0;
      if (startingVersion > listing.latest || startingVersion < earliest) {
        throw new AnalysisError(
          `delta source: cannot start from version ${startingVersion} of the table at ${this.tablePath}; available versions: [${earliest}, ${listing.latest}]`,
          { option: "startingVersion", path: this.tablePath },
        );
      }
      return (this.startVersion = startingVersion);
    }
    const ctx = this.requireContext();
    const stateKey = `${ctx.metadataPrefix}delta-starting-version`;
    const stored = await readStoredVersion(ctx.storage, stateKey);
    if (stored !== null) return (this.startVersion = stored);
    const v = startingTimestamp !== null ? firstVersionAtOrAfter(listing, startingTimestamp, this.tablePath) : listing.latest + 1;
    try {
      await ctx.storage.put(stateKey, encodeUtf8(JSON.stringify({ startingVersion: v })), { ifNotExists: true });
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
      const again = await readStoredVersion(ctx.storage, stateKey);
      if (again !== null) return (this.startVersion = again);
    }
    return (this.startVersion = v);
  }

  private admission(): Admission {
    const { maxFilesPerTrigger, maxBytesPerTrigger } = this.opts;
    const files = maxFilesPerTrigger ?? (maxBytesPerTrigger === null ? DEFAULT_MAX_FILES_PER_TRIGGER : Number.POSITIVE_INFINITY);
    return new Admission(files, maxBytesPerTrigger ?? Number.POSITIVE_INFINITY);
  }

  /** A snapshot-like description for the file reader: the query's schema, the table's partitioning. */
  private descriptor(): DeltaSnapshot {
    const initial = this.requireOpen();
    const metadata: DeltaMetadata = { ...initial.metadata, schema: this.schema };
    return { ...initial, metadata, files: [], tombstones: [] };
  }

  /**
   * Data skipping with the plan's filter, against the query's schema. It runs after offsets are
   * fixed, on the files of a range, so it never changes offsets (Delta prunes its initial
   * snapshot the same way, keeping the indices).
   */
  private skipFiles(files: DeltaFile[]): DeltaFile[] {
    return this.filter === null ? files : pruneFiles(files, this.descriptor().metadata, this.filter, this.zone);
  }

  private toOffset(json: OffsetJson): DeltaSourceOffset {
    const o = parseDeltaOffset(json);
    const id = this.requireOpen().metadata.id;
    if (o.reservoirId !== id) {
      throw new SourceError(
        `delta source: the streaming query was reading from an unexpected Delta table (id = '${id}') at ${this.tablePath}. ` +
          `It used to read from another Delta table (id = '${o.reservoirId}') according to checkpoint. This may happen when you changed the code ` +
          `to read from a new table or you deleted and re-created a table. Please revert your change or delete your streaming query checkpoint to restart from scratch.`,
        { path: this.tablePath, offset: json },
      );
    }
    return o;
  }

  private requireOpen(): DeltaSnapshot {
    if (this.initial === null) throw new InternalError(`delta source: ${this.description} used before open()`);
    return this.initial;
  }

  private requireContext(): SourceContext {
    if (this.ctx === null) throw new InternalError(`delta source: ${this.description} used before open()`);
    return this.ctx;
  }
}

/**
 * Delta's `SchemaUtils.isReadCompatible(existing, read, forbidTightenNullability = true)`: every
 * field of `read` exists in `existing` (names case-insensitive) with a readable type, and none that
 * is non-nullable in `read` is nullable in `existing`. Extra fields of `existing` are fine.
 */
export function readCompatible(existing: DataType, read: DataType): boolean {
  if (existing.typeName === "struct" && read.typeName === "struct") {
    const byName = new Map(existing.fields.map((f) => [f.name.toLowerCase(), f] as const));
    return read.fields.every((r) => {
      const e = byName.get(r.name.toLowerCase());
      return e !== undefined && !(e.nullable && !r.nullable) && readCompatible(e.dataType, r.dataType);
    });
  }
  if (existing.typeName === "array" && read.typeName === "array") {
    return !(existing.containsNull && !read.containsNull) && readCompatible(existing.elementType, read.elementType);
  }
  if (existing.typeName === "map" && read.typeName === "map") {
    return (
      !(existing.valueContainsNull && !read.valueContainsNull) &&
      readCompatible(existing.keyType, read.keyType) &&
      readCompatible(existing.valueType, read.valueType)
    );
  }
  if (existing.typeName === "decimal" && read.typeName === "decimal") return existing.precision === read.precision && existing.scale === read.scale;
  return existing.typeName === read.typeName;
}

/** Reads the offsets' direction rule (Delta's `validateOffsets`). */
function checkForward(prev: DeltaSourceOffset, next: DeltaSourceOffset): void {
  const bad =
    (!prev.isStartingVersion && next.isStartingVersion) ||
    prev.reservoirVersion > next.reservoirVersion ||
    (prev.reservoirVersion === next.reservoirVersion && prev.index > next.index);
  if (bad) {
    throw new InternalError(`delta source: offsets moved back from ${formatDeltaOffset(prev)} to ${formatDeltaOffset(next)}`);
  }
}

async function readStoredVersion(storage: Storage, key: string): Promise<number | null> {
  const info = await storage.head(key);
  if (info === null) return null;
  const bytes = await storage.get(key);
  let v: unknown;
  try {
    v = JSON.parse(decodeUtf8(bytes, 0, bytes.length));
  } catch (cause) {
    throw new CorruptCheckpointError(`delta source: unreadable ${toDisplayUrl(storage, key)}`, { path: toDisplayUrl(storage, key), cause });
  }
  const n = v !== null && typeof v === "object" ? (v as Record<string, unknown>).startingVersion : undefined;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw new CorruptCheckpointError(`delta source: unreadable ${toDisplayUrl(storage, key)}`, { path: toDisplayUrl(storage, key) });
  return n;
}


