/**
 * The one data-file writer every table format uses (the `_spark_metadata` file sink, Delta,
 * Iceberg next): batches in, data files out, invisible to readers until the format commits them.
 *
 * - **Partitions.** Rows are split by the partition columns (`partition-split.ts`, vectorised),
 *   each partition goes to `name=value/` folders (`partition-path.ts`); the partition columns are
 *   not stored in the files. How a value is spelled is the format's (`DataFileLayout.partitionValue`);
 *   a null or empty value is the null partition, `__HIVE_DEFAULT_PARTITION__`, as in Spark.
 * - **Rolling.** One file is open per partition; it is closed and the next started when it reaches
 *   `maxRecordsPerFile` rows or its encoded size reaches `targetFileSize`. Rows are fed in slices of
 *   {@link ROLL_CHECK_ROWS}; after each slice the file's size is predicted as the bytes of its
 *   closed row groups plus its open rows at the closed groups' bytes per row. Row groups are capped
 *   at the target, so the first one closes by then at the latest and gives the first estimate;
 *   files land near the target, overshooting by about one slice's worth of data.
 * - **Threads.** With a `writerThread`, a Parquet file whose first chunk has at least
 *   {@link WRITER_THREAD_MIN_ROWS} rows is encoded and compressed in that thread while this one
 *   goes on. Its bytes and stats are the same as a local writer's, but its size is known from the
 *   thread's acks, which lag the slices still queued, so a size-based roll may come up to
 *   `MAX_IN_FLIGHT` slices later (rolls by rows are exact).
 * - **Streaming puts.** A file's bytes go to storage as its row groups close, through the
 *   storage's chunked writer (`Storage.createWriter`; a multipart upload on S3), so a file is never
 *   held whole in memory; the object appears atomically when the file is closed. Writes run while
 *   this thread encodes on (one in flight per file): the first one, the file's magic bytes, makes
 *   its folder and opens its object early.
 * - **Stats.** A format's collector (`DataFileLayout.stats`) sees every batch of a file and the
 *   Parquet writer's column statistics at the end; its result rides on the {@link DataFile}.
 */
import { randomUUID } from "node:crypto";
import { createGzip } from "node:zlib";
import type { Gzip } from "node:zlib";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { ScratchArrays, copyBatch, scatterBatch, sliceBatchView } from "../../columnar/ops.js";
import type { Vector } from "../../columnar/vector.js";
import { AnalysisError, ConfigError, SinkError, SluiceError } from "../../errors.js";
import type { ObjectWriter, Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { toDisplayUrl } from "../../storage/url.js";
import { StructType as Struct } from "../../types/data-types.js";
import type { StructType } from "../../types/data-types.js";
import { schemaToJson } from "../../types/json-schema.js";
import { DictionaryHints, ParquetWriter } from "../../formats/parquet/parquet-writer.js";
import type { ColumnStats, ParquetWriteOptions } from "../../formats/parquet/parquet-writer.js";
import { writeJsonLines } from "../../formats/json/json-lines-writer.js";
import { checkCsvSchema, CSV_WRITE_DEFAULTS, csvHeader, writeCsvLines } from "../../formats/csv/csv-writer.js";
import type { CsvWriteOptions } from "../../formats/csv/csv-writer.js";
import { PartitionSplitter } from "./partition-split.js";
import { partitionFolder } from "./partition-path.js";
import { WRITER_THREAD_MIN_ROWS } from "./writer-thread.js";
import type { ParquetWriterThread, RemoteParquetFile } from "./writer-thread.js";

/** File formats of data files. */
export type DataFileFormat = "parquet" | "json" | "csv";

/** Codecs of data files: Parquet's page codecs; for JSON and CSV only `uncompressed` and `gzip` (whole file). */
export type DataFileCodec = "uncompressed" | "snappy" | "gzip" | "zstd";

/** How a format spells a partition column's value: `null` for the null partition. `index`: the column's place in `partitionBy`. */
export type PartitionValueText = (column: Vector, row: number, index: number) => string | null;

/** Accumulates one file's statistics in a format's own terms (Delta's stats JSON, Iceberg's metrics). */
export interface FileStatsCollector<S> {
  /** Sees each batch written to the file (data columns only). */
  add(batch: Batch): void;
  /** The file's statistics, given the Parquet writer's per-leaf column stats (empty for JSON). */
  finish(columnStats: readonly ColumnStats[]): S;
}

/** How a table format lays out its data files. */
export interface DataFileLayout<S = undefined> {
  readonly format: DataFileFormat;
  readonly compression: DataFileCodec;
  /** Partition columns, in folder order; each must be in the schema. */
  readonly partitionBy: readonly string[];
  readonly partitionValue: PartitionValueText;
  /**
   * The names partition folders show, one per `partitionBy` column; the column names when absent.
   * Iceberg partitions by transformed columns it adds for the write (`id_bucket=3/`).
   */
  readonly partitionFolderNames?: readonly string[];
  /**
   * Whether an empty string is a partition value of its own; absent or false: it is the null
   * partition, as in Hive and Spark. Iceberg keeps it (its source column is in the file too).
   */
  readonly keepEmptyPartitionValues?: boolean;
  /** The folder text of the null partition; Hive's `__HIVE_DEFAULT_PARTITION__` when absent (Iceberg: `null`). */
  readonly nullPartitionFolder?: string;
  /** Rows per file at most; unlimited when absent or 0. */
  readonly maxRecordsPerFile?: number;
  /** Encoded bytes after which a file is closed and the next started; unlimited when absent. */
  readonly targetFileSize?: number;
  /** A collector of each file's statistics; none when absent. */
  readonly stats?: (dataSchema: StructType) => FileStatsCollector<S>;
  /** How CSV files are written (Spark's defaults when absent). */
  readonly csv?: CsvWriteOptions;
  /** Parquet `field_id`s by dotted column path (see `ParquetWriteOptions.fieldIds`); none when absent. */
  readonly parquetFieldIds?: Readonly<Record<string, number>>;
}

/** A data file written (not yet committed). */
export interface DataFile<S = undefined> {
  /** Its key in the storage. */
  readonly key: string;
  /** Its path relative to the table root, not URI-encoded: `p=a%3Ab/part-00000-….c000.snappy.parquet`. */
  readonly relativePath: string;
  /** The serialized partition values by column name, or by folder name where the layout names folders (null: the null partition). */
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly numRows: number;
  /** ms since the epoch, as the storage reported it on close. */
  readonly modificationTime: number;
  /** The layout's statistics of the file; undefined without a collector. */
  readonly stats: S | undefined;
}

/** Options of {@link writeDataFiles}. */
export interface WriteFilesOptions {
  /**
   * The thread to encode big Parquet files in, called when the first such file opens; the caller
   * owns the thread (one can serve a whole query) and closes it. Every file is encoded in the
   * calling thread when absent.
   */
  readonly writerThread?: () => ParquetWriterThread;
}

/** Rows written to a file between two checks of its size. */
export const ROLL_CHECK_ROWS = 16_384;

/** The Parquet writer's own row-group size (parquet-mr's 128 MiB); row groups never exceed the target file size. */
const MAX_ROW_GROUP_BYTES = 128 * 1024 * 1024;

/** The file-name infix and extension Spark uses: `part-….c000.snappy.parquet`, `….c000.json.gz`. */
export function dataFileExtension(format: DataFileFormat, codec: DataFileCodec): string {
  if (format === "json" || format === "csv") return codec === "gzip" ? `.${format}.gz` : `.${format}`;
  const infix = codec === "uncompressed" ? "" : codec === "gzip" ? ".gz" : `.${codec}`;
  return `${infix}.parquet`;
}

/**
 * Writes `batches` (each with `schema`) as new data files under the table root `tableKey` and
 * returns them in the order they were closed. On failure the files being written are aborted (no
 * object appears) and the error propagates; files closed before stay as uncommitted orphans.
 * @throws AnalysisError when a partition column is not in the schema or all columns are partition
 *   columns; ConfigError for a bad size or count; SinkError from encoding or storage.
 */
export async function writeDataFiles<S>(
  storage: Storage,
  tableKey: string,
  schema: StructType,
  layout: DataFileLayout<S>,
  batches: Iterable<Batch> | AsyncIterable<Batch>,
  options: WriteFilesOptions = {},
): Promise<DataFile<S>[]> {
  const writer = new DataFileWriter(storage, tableKey, schema, layout, options);
  try {
    for await (const batch of batches) await writer.write(batch);
    return await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

/** Writes data files incrementally; see {@link writeDataFiles}. */
export class DataFileWriter<S = undefined> {
  private readonly partitionOrdinals: readonly number[];
  private readonly dataOrdinals: readonly number[];
  private readonly dataSchema: StructType;
  private readonly splitter: PartitionSplitter | null;
  private readonly maxRows: number;
  private readonly targetBytes: number;
  private readonly parquetOptions: ParquetWriteOptions;
  private readonly root: string;
  private readonly open = new Map<string, OpenFile<S>>();
  private readonly done: DataFile<S>[] = [];
  private thread: ParquetWriterThread | null = null;
  /** What this write's Parquet files learn about their dictionaries, for the files after them. */
  private readonly dictionaryHints = new DictionaryHints();
  /**
   * The split's buffers, reused batch after batch (a batch's partitions are written before the
   * next batch is split), taken from a pool and returned by `close`/`abort`.
   */
  private scratch: ScratchArrays | null = null;

  constructor(
    private readonly storage: Storage,
    tableKey: string,
    schema: StructType,
    private readonly layout: DataFileLayout<S>,
    private readonly options: WriteFilesOptions = {},
  ) {
    const names = schema.fields.map((f) => f.name);
    this.partitionOrdinals = layout.partitionBy.map((c) => {
      const i = names.indexOf(c);
      if (i < 0) throw new AnalysisError(`data files: partition column '${c}' is not in the schema [${names.join(", ")}] of ${toDisplayUrl(storage, tableKey)}`);
      return i;
    });
    if (this.partitionOrdinals.length > 0 && this.partitionOrdinals.length === names.length) {
      throw new AnalysisError(`data files: cannot use all columns [${names.join(", ")}] as partition columns`);
    }
    this.dataOrdinals = names.map((_, i) => i).filter((i) => !this.partitionOrdinals.includes(i));
    this.dataSchema = Struct(this.dataOrdinals.map((i) => schema.fields[i]));
    this.splitter = this.partitionOrdinals.length === 0 ? null : new PartitionSplitter(this.partitionOrdinals, this.partitionOrdinals.map((i) => schema.fields[i].dataType));
    const max = layout.maxRecordsPerFile;
    if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) {
      throw new ConfigError(`data files: maxRecordsPerFile must be a non-negative integer, got ${max}`, { option: "maxRecordsPerFile" });
    }
    this.maxRows = max !== undefined && max > 0 ? max : Infinity;
    const target = layout.targetFileSize;
    if (target !== undefined && (!Number.isSafeInteger(target) || target <= 0)) {
      throw new ConfigError(`data files: targetFileSize must be a positive number of bytes, got ${target}`, { option: "targetFileSize" });
    }
    this.targetBytes = target ?? Infinity;
    if (layout.format !== "parquet" && layout.compression !== "uncompressed" && layout.compression !== "gzip") {
      throw new ConfigError(`data files: ${layout.format.toUpperCase()} files are uncompressed or gzip, got ${layout.compression}`, { option: "compression" });
    }
    if (layout.format === "csv") checkCsvSchema(this.dataSchema);
    this.parquetOptions = {
      compression: layout.compression,
      rowGroupSize: Math.min(this.targetBytes, MAX_ROW_GROUP_BYTES),
      keyValueMetadata: { "org.apache.spark.sql.parquet.row.metadata": schemaToJson(this.dataSchema) },
      ...(layout.parquetFieldIds === undefined ? {} : { fieldIds: layout.parquetFieldIds }),
    };
    this.root = folderPrefix(tableKey);
  }

  /** Writes one batch (with the writer's schema). */
  async write(batch: Batch): Promise<void> {
    if (batch.numRows === 0) return;
    const data = this.project(batch);
    if (this.splitter === null) {
      await this.writePartition("", [], data);
      return;
    }
    const groups = this.splitter.split(batch);
    // One sequential pass puts each partition's rows together (cheaper than encoding them from
    // their scattered positions), into buffers reused batch after batch; partitions are views of it.
    this.scratch ??= ScratchArrays.checkout();
    const grouped = groups.count === 1 ? data : scatterBatch(data, groups.groupOf, groups.start, this.scratch);
    for (let g = 0; g < groups.count; g++) {
      const values = this.partitionOrdinals.map((o, i) => {
        const v = this.layout.partitionValue(batch.columns[o], groups.firstRow[g], i);
        return v === "" && this.layout.keepEmptyPartitionValues !== true ? null : v;
      });
      const dir = partitionFolder(this.layout.partitionFolderNames ?? this.layout.partitionBy, values, this.layout.nullPartitionFolder);
      await this.writePartition(dir, values, sliceBatchView(grouped, groups.start[g], groups.start[g + 1]));
      // Other partitions come next: this file's open pages end and lend their buffers to them.
      if (groups.count > 1) this.open.get(dir)?.idle();
    }
  }

  /** Closes every open file and returns all files written, in the order they were closed. */
  async close(): Promise<DataFile<S>[]> {
    // The open files (one per partition) are finished and published together: their storage work
    // (an fsync each on local disk, an upload's completion on S3) overlaps instead of queueing.
    const files = [...this.open.values()];
    this.open.clear();
    const settled = await Promise.allSettled(files.map((f) => f.close()));
    this.releaseScratch();
    for (const s of settled) if (s.status === "rejected") throw s.reason;
    for (const s of settled) if (s.status === "fulfilled") this.done.push(s.value);
    return [...this.done];
  }

  /** Drops the files still open (no object appears); closed files stay. Never throws. */
  async abort(): Promise<void> {
    for (const f of this.open.values()) await f.abort();
    this.open.clear();
    this.releaseScratch();
  }

  private releaseScratch(): void {
    if (this.scratch !== null) ScratchArrays.checkin(this.scratch);
    this.scratch = null;
  }

  /**
   * The data columns of `b` under the writer's names: columns are taken by position (a union's
   * later branches may name them differently).
   */
  private project(b: Batch): Batch {
    if (this.partitionOrdinals.length === 0 && b.schema === this.dataSchema) return b;
    return makeBatch(this.dataSchema, this.dataOrdinals.map((i) => b.columns[i]), b.numRows);
  }

  /** Writes a partition's rows (views of buffers the caller reuses after this call: see `Encoder.write`). */
  private async writePartition(dir: string, values: readonly (string | null)[], data: Batch): Promise<void> {
    const total = data.numRows;
    for (let at = 0; at < total; ) {
      let f = this.open.get(dir);
      if (f === undefined) {
        f = await this.openFile(dir, values, total - at);
        this.open.set(dir, f);
      }
      const n = Math.min(total - at, this.maxRows - f.rows, ROLL_CHECK_ROWS);
      await f.write(sliceBatchView(data, at, at + n));
      at += n;
      if (f.rows >= this.maxRows || f.predictedSize() >= this.targetBytes) {
        this.open.delete(dir);
        await this.closeFile(f);
      }
    }
  }

  private async openFile(dir: string, values: readonly (string | null)[], firstChunkRows: number): Promise<OpenFile<S>> {
    const relativePath = `${dir}part-00000-${randomUUID()}.c000${dataFileExtension(this.layout.format, this.layout.compression)}`;
    const partitionValues: Record<string, string | null> = {};
    (this.layout.partitionFolderNames ?? this.layout.partitionBy).forEach((c, i) => (partitionValues[c] = values[i]));
    let encoder: Encoder;
    const gzip = this.layout.compression === "gzip";
    if (this.layout.format === "json") encoder = new LineEncoder((b) => writeJsonLines(b), gzip, null);
    else if (this.layout.format === "csv") {
      const csv = this.layout.csv ?? CSV_WRITE_DEFAULTS;
      encoder = new LineEncoder((b) => writeCsvLines(b, csv), gzip, csv.header ? csvHeader(this.dataSchema, csv) : null);
    }
    else if (this.options.writerThread !== undefined && firstChunkRows >= WRITER_THREAD_MIN_ROWS) {
      this.thread ??= this.options.writerThread();
      encoder = new RemoteEncoder(this.thread.open(this.dataSchema, this.parquetOptions));
    } else {
      encoder = new LocalEncoder(await ParquetWriter.create(this.dataSchema, this.parquetOptions, this.dictionaryHints));
    }
    const stats = this.layout.stats?.(this.dataSchema) ?? null;
    return new OpenFile(this.storage, this.root + relativePath, relativePath, partitionValues, encoder, stats);
  }

  private async closeFile(f: OpenFile<S>): Promise<void> {
    this.done.push(await f.close());
  }
}

/** One file being written: its encoder, its object writer (opened with the first bytes), its stats. */
class OpenFile<S> {
  rows = 0;
  /** Row groups the encoder had closed at the last size check, and its encoded rows then. */
  private closedGroups = 0;
  private closedRows = 0;
  private out: ObjectWriter | null = null;
  /** The last write handed to `out` (they run one after another); settled before the next. */
  private queued: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly key: string,
    private readonly relativePath: string,
    private readonly partitionValues: Readonly<Record<string, string | null>>,
    private readonly encoder: Encoder,
    private readonly stats: FileStatsCollector<S> | null,
  ) {}

  async write(chunk: Batch): Promise<void> {
    this.stats?.add(chunk);
    this.rows += chunk.numRows;
    try {
      await this.encoder.write(chunk);
      await this.flush(this.encoder.takeChunks());
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** See `Encoder.idle`. */
  idle(): void {
    try {
      this.encoder.idle();
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** The encoded size the file would have if finished now: closed row groups plus the open rows at their bytes per row. */
  predictedSize(): number {
    const w = this.encoder;
    if (w.numRowGroups !== this.closedGroups) {
      // A row group closed during the last slice encoded: its rows are (about) all rows encoded so far.
      this.closedGroups = w.numRowGroups;
      this.closedRows = w.rowsEncoded;
    }
    const closedBytes = w.bytesWritten;
    return this.closedRows === 0 ? closedBytes : closedBytes + ((this.rows - this.closedRows) * closedBytes) / this.closedRows;
  }

  async close(): Promise<DataFile<S>> {
    try {
      const { chunks, columnStats } = await this.encoder.finish();
      await this.flush(chunks);
      await this.queued;
      const out = this.out ?? this.storage.createWriter(this.key);
      const info = await out.close();
      return {
        key: this.key,
        relativePath: this.relativePath,
        partitionValues: this.partitionValues,
        size: info.size,
        numRows: this.rows,
        modificationTime: info.modificationTime,
        stats: this.stats === null ? undefined : this.stats.finish(columnStats),
      };
    } catch (e) {
      await this.abort();
      throw this.failure(e);
    }
  }

  async abort(): Promise<void> {
    this.encoder.abort();
    await this.queued.catch(() => undefined);
    await this.out?.abort();
  }

  /**
   * Hands `chunks` to the object writer without waiting for the write: the file's folder is made,
   * its object opened and its bytes written while this thread encodes the next rows or the next
   * partition's files (a partitioned write's 28 files would otherwise each wait in turn). At most
   * one write per file is in flight: a flush first waits for the one before, and reports its error.
   */
  private async flush(chunks: readonly Uint8Array[]): Promise<void> {
    if (!chunks.some((c) => c.length > 0)) return;
    await this.queued;
    const out = (this.out ??= this.storage.createWriter(this.key));
    // A file's end comes as its pages, page headers and footer: one vectored write, no copy.
    const write = out.writev(chunks);
    write.catch(() => undefined); // handled: the next flush, close or abort awaits `queued`
    this.queued = write;
  }

  private failure(e: unknown): SluiceError {
    if (e instanceof SluiceError) return e;
    const where = toDisplayUrl(this.storage, this.key);
    return new SinkError(`data files: writing ${where} failed: ${e instanceof Error ? e.message : String(e)}`, { path: where, cause: e });
  }
}

/**
 * Encodes one data file. `numRowGroups`, `bytesWritten` and `rowsEncoded` describe the rows encoded
 * so far, which may lag the rows written (in the writer thread).
 */
interface Encoder {
  /**
   * Encodes (or queues) a chunk. The chunk may be a view of buffers the caller reuses after the
   * call returns: an encoder that keeps it longer (or sends it to another thread) copies it first.
   */
  write(chunk: Batch): Promise<void> | void;
  /**
   * The file will wait while other files are written: end the open pages and give back the
   * buffers they hold (a no-op where there are none to give).
   */
  idle(): void;
  /** Removes and returns the file's bytes produced so far, in order. */
  takeChunks(): Uint8Array[];
  readonly numRowGroups: number;
  readonly bytesWritten: number;
  readonly rowsEncoded: number;
  /** The file's remaining bytes and the writer's statistics of its columns. */
  finish(): Promise<{ readonly chunks: readonly Uint8Array[]; readonly columnStats: readonly ColumnStats[] }>;
  /** Drops the unfinished file. */
  abort(): void;
}

class LocalEncoder implements Encoder {
  constructor(private readonly writer: ParquetWriter) {}
  write(chunk: Batch): void {
    this.writer.write(chunk);
  }
  idle(): void {
    this.writer.endPages();
  }
  takeChunks(): Uint8Array[] {
    return this.writer.takeChunks();
  }
  get numRowGroups(): number {
    return this.writer.numRowGroups;
  }
  get bytesWritten(): number {
    return this.writer.bytesWritten;
  }
  get rowsEncoded(): number {
    return this.writer.numRows;
  }
  async finish(): Promise<{ chunks: Uint8Array[]; columnStats: ColumnStats[] }> {
    const chunks = this.writer.finishChunks();
    return { chunks, columnStats: this.writer.columnStats() };
  }
  abort(): void {}
}

class RemoteEncoder implements Encoder {
  constructor(private readonly file: RemoteParquetFile) {}
  write(chunk: Batch): Promise<void> {
    // A compact copy that owns its buffers, moved to the thread rather than cloned.
    return this.file.write(copyBatch(chunk), true);
  }
  idle(): void {
    // The same page boundaries as a local writer's, so the file's bytes do not depend on the thread.
    this.file.endPages();
  }
  takeChunks(): Uint8Array[] {
    return this.file.takeChunks();
  }
  get numRowGroups(): number {
    return this.file.progress.numRowGroups;
  }
  get bytesWritten(): number {
    return this.file.progress.bytesWritten;
  }
  get rowsEncoded(): number {
    return this.file.progress.numRows;
  }
  async finish(): Promise<{ readonly chunks: readonly Uint8Array[]; readonly columnStats: readonly ColumnStats[] }> {
    const done = await this.file.finishWithStats();
    return { chunks: done.chunks, columnStats: done.columnStats };
  }
  abort(): void {
    this.file.abort();
  }
}

/**
 * Lines of text (JSON lines, CSV rows) after an optional first line (a CSV header), optionally
 * gzipped as one stream (Spark writes `.json.gz` and `.csv.gz` files whole).
 */
class LineEncoder implements Encoder {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private rows = 0;
  private readonly gzip: Gzip | null;
  private pendingHeader: Uint8Array | null;

  constructor(
    private readonly encode: (batch: Batch) => Uint8Array,
    gzip: boolean,
    header: Uint8Array | null,
  ) {
    this.gzip = gzip ? createGzip() : null;
    this.gzip?.on("data", (c: Buffer) => this.chunks.push(new Uint8Array(c.buffer, c.byteOffset, c.length)));
    this.pendingHeader = header;
  }
  write(chunk: Batch): Promise<void> {
    const rows = this.encode(chunk);
    let text = rows;
    if (this.pendingHeader !== null) {
      text = new Uint8Array(this.pendingHeader.length + rows.length);
      text.set(this.pendingHeader);
      text.set(rows, this.pendingHeader.length);
      this.pendingHeader = null;
    }
    this.rows += chunk.numRows;
    this.bytes += text.length;
    if (this.gzip === null) {
      this.chunks.push(text);
      return Promise.resolve();
    }
    const z = this.gzip;
    return new Promise((resolve, reject) => z.write(text, (e) => (e === null || e === undefined ? resolve() : reject(e))));
  }
  idle(): void {
    // Lines are encoded whole; nothing is held between writes.
  }
  takeChunks(): Uint8Array[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
  get numRowGroups(): number {
    return 0;
  }
  get bytesWritten(): number {
    return this.bytes;
  }
  get rowsEncoded(): number {
    return this.rows;
  }
  async finish(): Promise<{ chunks: Uint8Array[]; columnStats: ColumnStats[] }> {
    const z = this.gzip;
    if (z !== null) {
      await new Promise<void>((resolve, reject) => {
        z.once("error", reject);
        z.once("end", resolve);
        z.end();
        z.resume();
      });
    }
    return { chunks: this.takeChunks(), columnStats: [] };
  }
  abort(): void {
    this.gzip?.destroy();
  }
}

