/**
 * Spark's `FileStreamSource`: streams the files that appear in a folder, each file read once.
 *
 * Offsets and the file log are Spark's, byte for byte:
 * - an offset is `{"logOffset":N}`;
 * - the source's checkpoint folder (`sources/<i>/`) holds a compactible log (interval 10: batch 9
 *   is `9.compact`) whose batch N lists the files admitted in batch N as
 *   `{"path":"file:///abs/landing/f1.json","timestamp":<mtime ms>,"batchId":N}`.
 *
 * `latestOffset` lists the folder, keeps files not seen before (and not older than `maxFileAge`
 * behind the newest seen), orders them by modification time (newest first with `latestFirst`),
 * admits up to `maxFilesPerTrigger` files or `maxBytesPerTrigger` bytes (at least one file), and
 * writes log batch N *before* returning `{"logOffset":N}`. With `maxFilesPerTrigger`, the new
 * files it did not admit are the next triggers' candidates without a new listing, as in Spark 3.1+
 * (SPARK-30866). `read(start, end)` reads the files of log batches (start, end] from the log (or
 * from what this instance just wrote to it), never from a new listing, so a re-run reads the same
 * files. A file that cannot be read or decompressed fails the query with a {@link SourceError}
 * naming it (unless `ignoreCorruptFiles`), so no data is lost silently.
 *
 * With `useIncrementalListing`, a listing starts after the greatest key admitted so far (restored
 * from the file log on restart) and files are admitted in key order, so a trigger costs what is
 * new, not the folder's history. A key that sorts before one already admitted is not seen, except
 * by the full listings `backfillInterval` asks for (at a run's first trigger, then once per interval).
 *
 * A folder holding `_spark_metadata/` is the output of a streaming file sink: its files are then
 * exactly the live entries of that log (Spark's `MetadataLogFileIndex`), never a listing, so
 * orphans of failed sink batches are never read. As in Spark, a glob path never consults the log,
 * and the choice is made once: at the first listing that finds the log, or finds data files
 * without one.
 *
 * Files must be complete when they appear (placed atomically: written elsewhere, then renamed or
 * moved in), as Spark requires: a file is read once, at the size it has when its batch reads it. A
 * file whose size (or, after a restart, modification time) differs from what its listing saw, or
 * that changes after it was read, is reported once per file on stderr and counted in the metrics
 * (`numFilesChangedAfterListing`, `latestFileChangedAfterListing`); which bytes are read stays
 * the same, so a re-run batch reads what the first run read.
 *
 * Formats: text, JSON and CSV are read as bounded chunks of lines; Parquet row groups are read one
 * at a time, sliced to the same row bound, columns matched to the schema by name (see
 * `parquet-file.ts`).
 */
import { tagInputFile } from "../../exec/eval/input-file.js";
import type { StructType, StructField } from "../../types/data-types.js";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import type { Vector } from "../../columnar/vector.js";
import { take } from "../../columnar/ops.js";
import { nullVector } from "../../columnar/build.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { CompactibleLog } from "../../checkpoint/metadata-log.js";
import { streamingRetention } from "../../checkpoint/retention.js";
import { resolveLocation } from "../../storage/resolve.js";
import { fileUrlOf, keyOfUrl } from "../../storage/url.js";
import { compareUtf8 } from "../../storage/keys.js";
import type { ObjectInfo, Storage } from "../../storage/storage.js";
import { CorruptCheckpointError, InternalError, NotFoundError, SourceError } from "../../errors.js";
import { log } from "../../log.js";
import { cellWriterFor } from "../../formats/csv/cell-writers.js";
import { defaultCsvOptions } from "../../formats/csv/options.js";
import type { InputPartition, OffsetJson, ReadLimit, ReadProgress, SourceContext, StreamSource } from "../source.js";
import type { FileFormat, FileSourceOptions, FormatOptions } from "./options.js";
import { globToRegExp, listDataFiles } from "./listing.js";
import { partitionValuesOf } from "../../tables/files/partition-path.js";
import type { ListedFile, SourceLocation } from "./listing.js";
import { SeenFiles } from "./seen-files.js";
import { readLineChunks, isCorruptFileError, DEFAULT_CHUNK_LIMITS } from "./line-chunks.js";
import type { ChunkLimits } from "./line-chunks.js";
import { decodeChunk } from "./record-decoder.js";
import { fromJsonLinesKernel } from "../../exec/eval/functions/json-functions.js";
import type { LinesKernel } from "../../exec/eval/functions/json-functions.js";
import type { BoundCall } from "../../plan/expressions/bound.js";
import { readParquetFile } from "./parquet-file.js";
import { hasSinkLog, readSinkLogFiles } from "../../tables/parquet-log/sink-log.js";

/** One line of the file source log (Spark's `FileEntry`). */
export interface FileSourceEntry {
  readonly path: string;
  readonly timestamp: number;
  readonly batchId: number;
}

/** Everything a {@link FileStreamSource} needs; options already validated. */
export interface FileStreamSourceConfig {
  readonly format: FileFormat;
  /** Schema of the batches read. */
  readonly schema: StructType;
  readonly file: FileSourceOptions;
  readonly formatOptions: FormatOptions;
  /** Where the files are (resolved from `file.path`). */
  readonly location: SourceLocation;
  /** Chunk bounds for `read` (default ~64k rows / ~16 MiB). */
  readonly chunkLimits?: ChunkLimits;
  /** Ordinals of `schema`'s fields the query reads (Parquet skips the others); null or absent: all. */
  readonly columns?: readonly number[] | null;
  /** Text only: return `value` parsed by this `from_json` call (`SourceHints.jsonValue`). */
  readonly jsonValue?: BoundCall | null;
}


/** Spark's `DISCARD_UNSEEN_FILES_RATIO`: fewer unread files than this share of `maxFilesPerTrigger` are dropped. */
const DISCARD_UNREAD_FILES_RATIO = 0.2;

/** Spark's `MAX_CACHED_UNSEEN_FILES`. */
const MAX_CACHED_UNREAD_FILES = 10_000;

/** Files found new but not admitted yet: `files[next..]`, whose sizes sum to `bytes`. */
interface UnreadFiles {
  files: readonly ListedFile[];
  next: number;
  bytes: number;
}

/** The streaming file source for text, JSON, CSV and Parquet files. */
export class FileStreamSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  private readonly config: FileStreamSourceConfig;
  private readonly nameFilter: RegExp | null;
  private readonly seen: SeenFiles;
  private readonly lineSep: Uint8Array | undefined;
  private readonly chunkLimits: ChunkLimits;
  private log: CompactibleLog<FileSourceEntry> | null = null;
  private currentLogOffset = -1;
  /** With `availableNow`: the files considered for the rest of this run. */
  private fixedFiles: ListedFile[] | null = null;
  /** New files a trigger did not admit, for the next ones (see `keepUnread`); null: list again. */
  private unread: UnreadFiles | null = null;
  /**
   * The entries of the log batches this instance wrote and that are not committed yet, so reading
   * them costs no read of the log (a compact file holds every entry of the log's history).
   */
  private readonly written = new Map<number, FileSourceEntry[]>();
  private readMetrics = { files: 0, bytes: 0, rows: 0, malformed: 0, skipped: 0, tooLarge: 0 };
  private outstanding = { files: 0, bytes: 0 };
  /** The `read` in flight: its files, those done, and the share of the current file's bytes read. */
  private inFlight: { files: number; done: number; fileFraction: number } | null = null;
  /** Whether the folder is a file sink's output (`_spark_metadata`); null until a listing decides. */
  private sourceHasMetadata: boolean | null;
  /** Files that changed after they were listed, warned about once each (this run). */
  private readonly changedFiles = new Set<string>();
  private latestChangedFile = "";
  /** Incremental listing: the greatest key admitted (listings start after it), or null. */
  private admittedUpTo: string | null = null;
  /** Incremental listing: when the folder was last listed whole (ms), or null before the first. */
  private lastFullListing: number | null = null;
  /** Lower-case names of the fields the query reads (Parquet decodes only these), or null for all. */
  private readonly readColumns: ReadonlySet<string> | null;
  /** Text: the fused `from_json` parse of each chunk's lines, or null (lines become `value` strings). */
  private readonly valueKernel: LinesKernel | null;

  constructor(config: FileStreamSourceConfig) {
    this.config = config;
    this.schema = config.schema;
    const jsonValue = config.jsonValue ?? null;
    if (jsonValue !== null && config.format !== "text") throw new InternalError(`file source: a fused from_json read is for text files, not ${config.format}`);
    this.valueKernel = jsonValue === null ? null : fromJsonLinesKernel(jsonValue);
    const columns = config.columns ?? null;
    this.readColumns = columns === null ? null : new Set(columns.map((i) => config.schema.fields[i].name.toLowerCase()));
    this.description = `FileStreamSource[${fileUrlOf(config.location.storage, config.location.key)}]`;
    const f = config.file;
    this.nameFilter = f.pathGlobFilter === undefined ? null : globToRegExp(f.pathGlobFilter, "pathGlobFilter");
    // Spark: with latestFirst and a per-trigger cap, maxFileAge is ignored (old files may be next).
    const ignoreAge = f.latestFirst && (f.maxFilesPerTrigger !== undefined || f.maxBytesPerTrigger !== undefined);
    this.seen = new SeenFiles(ignoreAge ? Number.POSITIVE_INFINITY : f.maxFileAge, f.fileNameOnly);
    this.lineSep = config.formatOptions.lineSep === null ? undefined : encodeUtf8(config.formatOptions.lineSep);
    this.chunkLimits = config.chunkLimits ?? DEFAULT_CHUNK_LIMITS;
    this.sourceHasMetadata = config.location.patterns.length > 0 ? false : null;
  }

  /**
   * Opens the file log in `ctx.metadataPrefix` and restores the files already seen. The log is
   * compacted and its expired files deleted as the session's `spark.sql.streaming.fileSource.log.*`
   * and `minBatchesToRetain` settings say (`streamingRetention`).
   */
  async open(ctx: SourceContext): Promise<void> {
    const settings = streamingRetention(ctx.sessionConf ?? {}).fileSourceLog;
    const log = new CompactibleLog<FileSourceEntry>(ctx.storage, ctx.metadataPrefix, {
      compactInterval: settings.compactInterval,
      retainOldFiles: !settings.deletion,
      cleanupDelayMs: settings.cleanupDelayMs,
      minBatchesToRetain: settings.minBatchesToRetain,
    });
    for (const e of await log.allEntries()) {
      this.seen.add(e.path, e.timestamp);
      if (this.config.file.useIncrementalListing) this.noteAdmitted(e.path);
    }
    this.seen.purge();
    const ids = await log.listBatchIds();
    this.currentLogOffset = ids.length === 0 ? -1 : ids[ids.length - 1];
    this.log = log;
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.fixedFiles = await this.fetchAllFiles();
  }

  async latestOffset(_start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null> {
    const log = this.requireLog();
    const f = this.config.file;
    let pending = this.unread;
    if (pending === null) {
      const listed = this.fixedFiles ?? (await this.fetchAllFiles());
      // Stable sort over the key-ordered listing: ties on modification time stay in path order.
      // With incremental listing, key order, so what is admitted is always a prefix of the keys.
      const ordered = f.useIncrementalListing
        ? listed
        : [...listed].sort((a, b) => (f.latestFirst ? b.modificationTime - a.modificationTime : a.modificationTime - b.modificationTime));
      const fresh = ordered.filter((x) => this.seen.isNewFile(x.url, x.modificationTime));
      // A file read earlier and listed again with another size changed after it was read (a fixed
      // availableNow listing is not new, so it says nothing).
      if (this.fixedFiles === null) {
        for (const x of listed) {
          const known = this.seen.sizeOf(x.url);
          if (known !== null && known !== x.size) this.warnChanged(x.url, `${known} bytes when read, ${x.size} bytes now; the change is not read (a file is read once)`);
        }
      }
      pending = { files: fresh, next: 0, bytes: fresh.reduce((n, x) => n + x.size, 0) };
    }
    const batch = this.admit(pending, limit);
    this.unread = this.keepUnread(pending, limit) ? pending : null;
    for (const x of batch) {
      this.seen.add(x.url, x.modificationTime, x.size);
      if (f.useIncrementalListing) this.noteAdmitted(x.url);
    }
    this.seen.purge();
    this.outstanding = { files: pending.files.length - pending.next, bytes: pending.bytes };
    if (batch.length > 0) {
      const id = this.currentLogOffset + 1;
      const entries = batch.map((x): FileSourceEntry => ({ path: x.url, timestamp: x.modificationTime, batchId: id }));
      if (!(await log.add(id, entries))) {
        throw new SourceError(
          `file source: concurrent update to the file log: batch ${id} already exists in ${fileUrlOf(log.storage, log.prefix)}; ` +
            `is another query using this checkpoint?`,
          { batchId: id },
        );
      }
      this.currentLogOffset = id;
      this.written.set(id, entries);
    }
    return this.currentLogOffset < 0 ? null : formatOffset(this.currentLogOffset);
  }

  async *read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch> {
    this.readMetrics = { files: 0, bytes: 0, rows: 0, malformed: 0, skipped: 0, tooLarge: 0 };
    const entries = await this.entriesIn(start, end);
    this.inFlight = { files: entries.length, done: 0, fileFraction: 0 };
    try {
      for (const e of entries) {
        yield* this.readFile(e, true);
        this.inFlight.done++;
        this.inFlight.fileFraction = 0;
      }
    } finally {
      this.inFlight = null;
    }
  }

  /** The files of the `read` in flight done so far, the current one by its bytes read. */
  readProgress(): ReadProgress | null {
    const f = this.inFlight;
    return f === null || f.files === 0 ? null : { done: Math.min(f.files, f.done + f.fileFraction), total: f.files, unit: "files" };
  }

  /** One partition per file of `(start, end]`, in log order, with its size for scheduling. */
  async planInputPartitions(start: OffsetJson | null, end: OffsetJson): Promise<InputPartition[]> {
    const out: InputPartition[] = [];
    for (const e of await this.entriesIn(start, end)) {
      const { storage, key } = this.locate(e.path);
      const info = await storage.head(key);
      if (info !== null) this.checkUnchanged(e, info);
      out.push({ path: e.path, timestamp: e.timestamp, batchId: e.batchId, size: info?.size ?? 0 });
    }
    return out;
  }

  /** Reads one file planned by {@link planInputPartitions}; needs no `open()`. */
  async *readPartition(partition: InputPartition): AsyncIterable<Batch> {
    const { path, timestamp, batchId } = partition;
    if (typeof path !== "string" || typeof timestamp !== "number" || typeof batchId !== "number") {
      throw new InternalError(`file source: malformed input partition ${JSON.stringify(partition)}`);
    }
    this.readMetrics = { files: 0, bytes: 0, rows: 0, malformed: 0, skipped: 0, tooLarge: 0 };
    // The query's own source checked the file when it planned this partition.
    yield* this.readFile({ path, timestamp, batchId }, false);
  }

  /** The log entries of batches `(start, end]`, in order. Reads the log, never the folder. */
  private async entriesIn(start: OffsetJson | null, end: OffsetJson): Promise<FileSourceEntry[]> {
    const log = this.requireLog();
    const from = start === null ? -1 : parseOffset(start);
    const to = parseOffset(end);
    if (to < from) throw new InternalError(`file source: read end ${end} is before start ${String(start)}`);
    const out: FileSourceEntry[] = [];
    for (let id = from + 1; id <= to; id++) {
      const entries = this.written.get(id) ?? (await log.get(id));
      if (entries === null) {
        const where = fileUrlOf(log.storage, log.prefix);
        throw new CorruptCheckpointError(`file source: batch ${id} of the file log is missing in ${where}`, { batchId: id, path: where });
      }
      // A compact file holds every batch up to its id: keep this batch's own entries.
      for (const e of entries) if (e.batchId === id) out.push(e);
    }
    return out;
  }


  async commit(end: OffsetJson): Promise<void> {
    // cleanSource is "off": committed files stay where they are. Committed batches are not read again.
    const committed = parseOffset(end);
    for (const id of this.written.keys()) if (id <= committed) this.written.delete(id);
  }

  async stop(): Promise<void> {
    this.fixedFiles = null;
    this.unread = null;
    this.written.clear();
  }

  /**
   * `numFilesProcessed`, `numBytesProcessed`, `numRecordsRead`, `numMalformedRecords`,
   * `numFilesSkipped` (corrupt or missing files ignored) of the last `read`; `numFilesOutstanding`
   * and `numBytesOutstanding` (new files not yet admitted) of the last `latestOffset`; `logOffset`;
   * `numFilesChangedAfterListing` (files whose size changed after they were listed, since the query
   * started) and `latestFileChangedAfterListing` (the last such file's URL, empty when none).
   */
  metrics(): Record<string, string> {
    const m = this.readMetrics;
    return {
      numFilesProcessed: String(m.files),
      numBytesProcessed: String(m.bytes),
      numRecordsRead: String(m.rows),
      numMalformedRecords: String(m.malformed),
      numRecordsTooLarge: String(m.tooLarge),
      numFilesSkipped: String(m.skipped),
      numFilesOutstanding: String(this.outstanding.files),
      numBytesOutstanding: String(this.outstanding.bytes),
      logOffset: String(this.currentLogOffset),
      numFilesChangedAfterListing: String(this.changedFiles.size),
      latestFileChangedAfterListing: this.latestChangedFile,
    };
  }

  /**
   * Warns when the file of `entry` is not as its listing saw it: another size than listed (known in
   * the run that admitted it) or, for a plain folder after a restart, another modification time than
   * the log recorded. The file is read as it is now either way.
   */
  private checkUnchanged(entry: FileSourceEntry, info: ObjectInfo): void {
    const listed = this.seen.sizeOf(entry.path);
    if (listed !== null && listed !== info.size) {
      this.warnChanged(entry.path, `${listed} bytes when listed, ${info.size} bytes when batch ${entry.batchId} read it`);
    } else if (listed === null && this.sourceHasMetadata !== true && info.modificationTime !== entry.timestamp) {
      // A file sink's log records its own clock, not the file's modification time: sizes only there.
      this.warnChanged(
        entry.path,
        `modified at ${new Date(info.modificationTime).toISOString()} after it was listed (modified at ${new Date(entry.timestamp).toISOString()}), ${info.size} bytes when batch ${entry.batchId} read it`,
      );
    }
    this.seen.recordSize(entry.path, info.size);
  }

  /** Counts `url` as changed and logs a warning, once per file. */
  private warnChanged(url: string, what: string): void {
    this.latestChangedFile = url;
    if (this.changedFiles.has(url)) return;
    this.changedFiles.add(url);
    log.warn(
      "file-source.changed-after-listing",
      `file source: ${url} changed after it was listed (${what}). Landing files must be placed atomically: write them elsewhere, then rename or move them into ${this.config.location.display}.`,
      { path: url },
    );
  }

  /**
   * Every file of the source now (Spark's `fetchAllFiles`): the sink log's live entries when the
   * folder has `_spark_metadata`, else a listing. Until that is decided, each call checks for the
   * log; once a listing finds data files, the log is checked again (it may have appeared in
   * between) and the answer is kept for the rest of the run.
   */
  private async fetchAllFiles(): Promise<ListedFile[]> {
    const loc = this.config.location;
    if (this.sourceHasMetadata === true) return this.filesFromSinkLog();
    if (this.sourceHasMetadata === false) return this.listFolder();
    if (await hasSinkLog(loc.storage, loc.key)) {
      this.sourceHasMetadata = true;
      return this.filesFromSinkLog();
    }
    const listed = await this.listFolder();
    if (listed.length === 0) return listed;
    this.sourceHasMetadata = await hasSinkLog(loc.storage, loc.key);
    return this.sourceHasMetadata ? this.filesFromSinkLog() : listed;
  }

  /**
   * The folder's data files: all of them, or with incremental listing those after the greatest
   * key admitted (all of them before anything was admitted, and, with `backfillInterval`, at the
   * first listing of a run and once per interval).
   */
  private async listFolder(): Promise<ListedFile[]> {
    const f = this.config.file;
    const now = Date.now();
    const backfillDue = f.backfillInterval !== undefined && (this.lastFullListing === null || now - this.lastFullListing >= f.backfillInterval);
    if (!f.useIncrementalListing || this.admittedUpTo === null || backfillDue) {
      this.lastFullListing = now;
      return listDataFiles(this.config.location, this.nameFilter);
    }
    return listDataFiles(this.config.location, this.nameFilter, this.admittedUpTo);
  }

  /** Raises the incremental listing's start to the key of `url`, when it is in this source's storage. */
  private noteAdmitted(url: string): void {
    const own = this.config.location.storage;
    const key = keyOfUrl(own, url);
    if (key !== null && (this.admittedUpTo === null || compareUtf8(key, this.admittedUpTo) > 0)) this.admittedUpTo = key;
  }

  /** The live files of the folder's `_spark_metadata` log, as listed files (`pathGlobFilter` applies). */
  private async filesFromSinkLog(): Promise<ListedFile[]> {
    const loc = this.config.location;
    const out: ListedFile[] = [];
    for (const f of await readSinkLogFiles(loc.storage, loc.key)) {
      if (this.nameFilter !== null && !this.nameFilter.test(f.key.slice(f.key.lastIndexOf("/") + 1))) continue;
      out.push({ key: f.key, url: f.url, size: f.size, modificationTime: f.modificationTime });
    }
    return out;
  }

  /**
   * Spark's admission: takes from `pending` up to `maxFilesPerTrigger` files, or files up to
   * `maxBytesPerTrigger` (at least one), or all of them under Trigger.Once's limit `all` (as Spark,
   * which then ignores the rate limits). Files that stopped being new since they were listed (a
   * name admitted meanwhile with `fileNameOnly`, an age past `maxFileAge`) are skipped.
   */
  private admit(pending: UnreadFiles, limit: ReadLimit): ListedFile[] {
    const f = this.config.file;
    const maxFiles = limit.kind === "all" ? Infinity : (f.maxFilesPerTrigger ?? Infinity);
    const maxBytes = limit.kind === "all" || f.maxFilesPerTrigger !== undefined ? Infinity : (f.maxBytesPerTrigger ?? Infinity);
    const batch: ListedFile[] = [];
    let bytes = 0;
    while (pending.next < pending.files.length && batch.length < maxFiles) {
      const x = pending.files[pending.next];
      const isNew = this.seen.isNewFile(x.url, x.modificationTime);
      if (isNew && batch.length > 0 && bytes + x.size > maxBytes) break;
      pending.next++;
      pending.bytes -= x.size;
      if (!isNew) continue;
      batch.push(x);
      bytes += x.size;
    }
    return batch;
  }

  /**
   * Spark's unread-files cache (SPARK-30866): with `maxFilesPerTrigger` (and not `latestFirst`,
   * which must see the newest files each time), the new files a trigger did not admit are the
   * next triggers' candidates, without listing the folder again, while at least a fifth of a
   * trigger's worth remain. At most {@link MAX_CACHED_UNREAD_FILES} are kept.
   */
  private keepUnread(pending: UnreadFiles, limit: ReadLimit): boolean {
    const f = this.config.file;
    if (limit.kind === "all" || f.maxFilesPerTrigger === undefined || f.latestFirst) return false;
    const left = pending.files.length - pending.next;
    if (left < f.maxFilesPerTrigger * DISCARD_UNREAD_FILES_RATIO) return false;
    if (left > MAX_CACHED_UNREAD_FILES) {
      const end = pending.next + MAX_CACHED_UNREAD_FILES;
      for (let i = end; i < pending.files.length; i++) pending.bytes -= pending.files[i].size;
      pending.files = pending.files.slice(0, end);
    }
    return true;
  }

  /** Reads one file at its current size; `check` compares it with its listing first. */
  private async *readFile(entry: FileSourceEntry, check: boolean): AsyncIterable<Batch> {
    const { storage, key } = this.locate(entry.path);
    const f = this.config.file;
    const info = await storage.head(key);
    if (info === null) {
      if (f.ignoreMissingFiles) {
        this.readMetrics.skipped++;
        return;
      }
      throw new SourceError(`file source: file ${entry.path} of batch ${entry.batchId} no longer exists`, { path: entry.path, batchId: entry.batchId });
    }
    if (check) this.checkUnchanged(entry, info);
    const { dataSchema, partitions } = this.fileLayout(key);
    try {
      const file = { path: entry.path, start: 0, length: info.size };
      for await (const part of this.readRecords(storage, key, entry.path, info.size, dataSchema)) {
        this.readMetrics.rows += part.numRows;
        // input_file_name() of these rows.
        yield tagInputFile(makeBatch(this.schema, this.assemble(part.columns, part.numRows, partitions), part.numRows), file);
      }
    } catch (e) {
      if (e instanceof NotFoundError && f.ignoreMissingFiles) {
        this.readMetrics.skipped++;
        return;
      }
      if (e instanceof NotFoundError) {
        throw new SourceError(`file source: file ${entry.path} of batch ${entry.batchId} no longer exists`, { path: entry.path, cause: e });
      }
      // Spark's ignoreCorruptFiles: keep what was read, skip the rest of the file.
      if (f.ignoreCorruptFiles && isCorruptFileError(e)) {
        this.readMetrics.skipped++;
        return;
      }
      throw e;
    }
    this.readMetrics.files++;
    this.readMetrics.bytes += info.size;
  }

  /** The non-empty chunks of one file as columns of `dataSchema`. */
  private async *readRecords(
    storage: Storage,
    key: string,
    url: string,
    size: number,
    dataSchema: StructType,
  ): AsyncGenerator<{ columns: Vector[]; numRows: number }> {
    if (this.config.format === "parquet") {
      yield* readParquetFile(storage, key, url, size, dataSchema, this.chunkLimits.maxLines, this.readColumns);
      return;
    }
    let headerPending = true;
    const limits = { ...this.chunkLimits, maxRecordBytes: this.config.file.maxRecordBytes };
    for await (const chunk of readLineChunks(storage, key, url, size, this.lineSep, limits)) {
      if (chunk.oversized > 0) {
        this.readMetrics.tooLarge += chunk.oversized;
        log.warn("source.record_too_large", `file source: ${chunk.oversized} record(s) of ${url} from line ${chunk.firstLine} on exceed maxRecordBytes (${limits.maxRecordBytes}); each is kept as its first bytes, as a malformed record`, {
          path: url,
          records: chunk.oversized,
        });
      }
      const rows = decodeChunk(this.config.formatOptions, dataSchema, chunk, url, headerPending, this.valueKernel);
      const n = chunk.ends.length;
      // Compressed files: chunks count decompressed bytes, so the share is capped at the whole file.
      if (this.inFlight !== null && n > 0 && size > 0) this.inFlight.fileFraction = Math.min(1, this.inFlight.fileFraction + (chunk.ends[n - 1] - chunk.starts[0]) / size);
      if (rows.headerSeen) headerPending = false;
      this.readMetrics.malformed += rows.malformed;
      if (rows.numRows > 0) yield rows;
    }
  }

  /** The schema the decoder fills for file `key`, and the partition columns its folders supply. */
  private fileLayout(key: string): { dataSchema: StructType; partitions: Map<number, string | null> } {
    const partitions = new Map<number, string | null>();
    if (this.config.format === "text" || this.config.file.recursiveFileLookup) return { dataSchema: this.schema, partitions };
    const values = partitionValuesOf(this.config.location.key, key);
    if (values.size === 0) return { dataSchema: this.schema, partitions };
    const fields: StructField[] = [];
    this.schema.fields.forEach((fld, i) => {
      if (values.has(fld.name)) partitions.set(i, values.get(fld.name) ?? null);
      else fields.push(fld);
    });
    if (partitions.size === 0) return { dataSchema: this.schema, partitions };
    return { dataSchema: { typeName: "struct", fields }, partitions };
  }

  private assemble(data: Vector[], n: number, partitions: Map<number, string | null>): Vector[] {
    if (partitions.size === 0) return data;
    const out: Vector[] = [];
    let d = 0;
    this.schema.fields.forEach((fld, i) => {
      if (!partitions.has(i)) {
        out.push(data[d++]);
        return;
      }
      const value = partitions.get(i) ?? null;
      out.push(constantVector(fld, value, n));
    });
    return out;
  }

  private locate(url: string): { storage: Storage; key: string } {
    const own = this.config.location.storage;
    const r = resolveLocation(url);
    return r.storage.root === own.root ? { storage: own, key: r.key } : r;
  }

  private requireLog(): CompactibleLog<FileSourceEntry> {
    if (this.log === null) throw new InternalError(`file source: ${this.description} used before open()`);
    return this.log;
  }
}

/** A partition value (text) as an `n`-row constant column of the field's type; unconvertible → null. */
function constantVector(field: StructField, value: string | null, n: number): Vector {
  if (value === null) return nullVector(field.dataType, n);
  const w = cellWriterFor(field.name, field.dataType, 1, defaultCsvOptions);
  w.beginRow(0);
  const bytes = encodeUtf8(value);
  if (!w.write(0, bytes, 0, bytes.length)) return nullVector(field.dataType, n);
  return take(w.finish(1), new Int32Array(n));
}

/** `{"logOffset":N}`. */
export function formatOffset(logOffset: number): OffsetJson {
  return JSON.stringify({ logOffset });
}

/** The log offset of `{"logOffset":N}` (or a bare `N`, Spark's older form). */
export function parseOffset(json: OffsetJson): number {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (cause) {
    throw new CorruptCheckpointError(`file source: invalid offset ${JSON.stringify(json)}`, { offset: json, cause });
  }
  const n = typeof v === "number" ? v : typeof v === "object" && v !== null ? (v as Record<string, unknown>).logOffset : undefined;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < -1) {
    throw new CorruptCheckpointError(`file source: invalid offset ${JSON.stringify(json)}; expected {"logOffset":N}`, { offset: json });
  }
  return n;
}
