/**
 * Writing data files for a Delta commit: batches are split by partition values into Hive-style
 * directories (`col=value/`, escaped as Spark does, the null partition as
 * `__HIVE_DEFAULT_PARTITION__`), written as snappy Parquet files with unique names, and described
 * as `add` actions with partition values, size and per-file stats. The files are invisible to
 * readers until a commit lists them.
 *
 * One file is open per partition; it is closed and a new one started when it reaches
 * `maxRecordsPerFile` rows or its encoded size reaches `targetFileSize` (default 128 MiB). Rows are
 * fed in slices of {@link ROLL_CHECK_ROWS}; after each slice the file's size is predicted as the
 * bytes of its closed row groups plus its open rows at the closed groups' bytes per row. Row groups
 * are capped at the target, so the first one closes by then at the latest and gives the first
 * estimate; files land near the target, overshooting by about one slice's worth of data.
 *
 * With the `writerThread` option, a file whose first chunk has at least `WRITER_THREAD_MIN_ROWS`
 * rows is encoded and compressed in that thread while this one goes on. Its bytes and stats are
 * the same as a local writer's; but its row groups and bytes are known from the thread's acks,
 * which lag the slices still queued (up to four), so a size-based roll may come up to that many
 * slices later than in a local file (rows-based rolls are exact).
 */
import { randomUUID } from "node:crypto";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { sliceBatch, takeBatch } from "../../columnar/ops.js";
import { isValid } from "../../columnar/vector.js";
import { slotText } from "../../exec/eval/cast.js";
import { javaFloatString } from "../../columnar/java-text.js";
import { formatTimestampIsoUtc } from "../../exec/eval/datetime.js";
import { AnalysisError, ConfigError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { StructType as Struct } from "../../types/data-types.js";
import type { StructType } from "../../types/data-types.js";
import { schemaToJson } from "../../types/json-schema.js";
import { ParquetWriter } from "../../formats/parquet/parquet-writer.js";
import type { ColumnStats, ParquetWriteOptions } from "../../formats/parquet/parquet-writer.js";
import { WRITER_THREAD_MIN_ROWS } from "../files/writer-thread.js";
import type { ParquetWriterThread, RemoteParquetFile } from "../files/writer-thread.js";
import { escapePathName, HIVE_DEFAULT_PARTITION } from "../parquet-log/file-sink.js";
import type { AddFile } from "./actions.js";
import { DeltaStatsCollector } from "./stats.js";
import { DEFAULT_TARGET_FILE_SIZE } from "./table-properties.js";
import { toDisplayUrl } from "../../storage/url.js";

/** Options of {@link writeDataFiles}. */
export interface WriteDataFilesOptions {
  /** Rows per file at most (Spark's `maxRecordsPerFile`); unlimited when absent or 0. */
  readonly maxRecordsPerFile?: number;
  /** Encoded bytes after which a file is closed and the next started; {@link DEFAULT_TARGET_FILE_SIZE} when absent. */
  readonly targetFileSize?: number;
  /** Parquet compression of the data files; `snappy` (Spark's default) when absent. */
  readonly compression?: DeltaCompression;
  /**
   * The thread to encode big files in (see the module comment), called when the first such file
   * opens; the caller owns the thread (one can serve a whole query) and closes it. Every file is
   * encoded in the calling thread when absent.
   */
  readonly writerThread?: () => ParquetWriterThread;
}

/** Parquet codecs a Delta data file may use (Spark's `compression` write option). */
export const DELTA_COMPRESSIONS = ["none", "uncompressed", "snappy", "gzip", "zstd"] as const;
export type DeltaCompression = (typeof DELTA_COMPRESSIONS)[number];

/** The file-name infix Spark uses for a codec: `part-….c000.snappy.parquet`, `….c000.parquet` uncompressed. */
const CODEC_SUFFIX: Record<DeltaCompression, string> = { none: "", uncompressed: "", snappy: ".snappy", gzip: ".gz", zstd: ".zstd" };

/** Rows written to a file between two checks of its size. */
export const ROLL_CHECK_ROWS = 16_384;

/** The Parquet writer's own row-group size (parquet-mr's 128 MiB); row groups never exceed the target file size. */
const MAX_ROW_GROUP_BYTES = 128 * 1024 * 1024;

/**
 * Encodes one data file, here or in the writer thread. `numRowGroups`, `bytesWritten` and
 * `rowsEncoded` describe the rows encoded so far, which may lag the rows written.
 */
interface FileEncoder {
  /** Encodes (or queues) a chunk; `owned` chunks are the writer's own copies, which it may give away. */
  write(chunk: Batch, owned: boolean): Promise<void> | void;
  readonly numRowGroups: number;
  readonly bytesWritten: number;
  readonly rowsEncoded: number;
  /** The whole file and the writer's statistics of its columns. */
  finish(): Promise<{ readonly bytes: Uint8Array; readonly columnStats: readonly ColumnStats[] }>;
  /** Drops the unfinished file. */
  abort(): void;
}

class LocalEncoder implements FileEncoder {
  constructor(private readonly writer: ParquetWriter) {}
  write(chunk: Batch): void {
    this.writer.write(chunk);
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
  finish(): Promise<{ bytes: Uint8Array; columnStats: ColumnStats[] }> {
    const bytes = this.writer.finish();
    return Promise.resolve({ bytes, columnStats: this.writer.columnStats() });
  }
  abort(): void {}
}

class RemoteEncoder implements FileEncoder {
  constructor(private readonly file: RemoteParquetFile) {}
  write(chunk: Batch, owned: boolean): Promise<void> {
    return this.file.write(chunk, owned);
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
  finish(): Promise<{ readonly bytes: Uint8Array; readonly columnStats: readonly ColumnStats[] }> {
    return this.file.finishWithStats();
  }
  abort(): void {
    this.file.abort();
  }
}

/** One partition's open file. */
interface OpenFile {
  readonly relPath: string;
  readonly partitionValues: Record<string, string | null>;
  readonly encoder: FileEncoder;
  readonly stats: DeltaStatsCollector;
  rows: number;
  /** Row groups the encoder had closed at the last check, and its encoded rows then. */
  closedGroups: number;
  closedRows: number;
}

/**
 * Writes `batches` (each with `schema`) as new Parquet data files under the table root `tableKey`
 * and returns their `add` actions (`dataChange: true`), in the order the files were closed.
 * `add.path` is relative to the table root and URI-encoded; partition values are serialized
 * strings (`null` for the null partition, which an empty string also is, as in Spark).
 * @throws AnalysisError when a partition column is not in the schema; SinkError from the Parquet
 *   writer or storage.
 */
export async function writeDataFiles(
  storage: Storage,
  tableKey: string,
  schema: StructType,
  partitionBy: readonly string[],
  batches: Iterable<Batch> | AsyncIterable<Batch>,
  options: WriteDataFilesOptions = {},
): Promise<AddFile[]> {
  const partitionOrdinals = partitionBy.map((c) => {
    const i = schema.fields.findIndex((f) => f.name === c);
    if (i < 0) throw new AnalysisError(`delta writer: partition column '${c}' is not in the schema of ${toDisplayUrl(storage, tableKey)}`);
    return i;
  });
  const dataOrdinals = schema.fields.map((_, i) => i).filter((i) => !partitionOrdinals.includes(i));
  const dataSchema = Struct(dataOrdinals.map((i) => schema.fields[i]));
  const maxRows = options.maxRecordsPerFile !== undefined && options.maxRecordsPerFile > 0 ? options.maxRecordsPerFile : Infinity;
  const targetBytes = options.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE;
  if (!Number.isSafeInteger(targetBytes) || targetBytes <= 0) {
    throw new ConfigError(`delta writer: targetFileSize must be a positive number of bytes, got ${targetBytes}`, { option: "targetFileSize" });
  }
  const root = folderPrefix(tableKey);
  const open = new Map<string, OpenFile>();
  const adds: AddFile[] = [];

  const compression = options.compression ?? "snappy";
  const writeOptions: ParquetWriteOptions = {
    compression: compression === "none" ? "uncompressed" : compression,
    rowGroupSize: Math.min(targetBytes, MAX_ROW_GROUP_BYTES),
    keyValueMetadata: { "org.apache.spark.sql.parquet.row.metadata": schemaToJson(dataSchema) },
  };
  let thread: ParquetWriterThread | null = null;
  const openFile = async (dir: string, values: Record<string, string | null>, firstChunkRows: number): Promise<OpenFile> => {
    let encoder: FileEncoder;
    if (options.writerThread !== undefined && firstChunkRows >= WRITER_THREAD_MIN_ROWS) {
      thread ??= options.writerThread();
      encoder = new RemoteEncoder(thread.open(dataSchema, writeOptions));
    } else {
      encoder = new LocalEncoder(await ParquetWriter.create(dataSchema, writeOptions));
    }
    const relPath = `${dir}part-00000-${randomUUID()}.c000${CODEC_SUFFIX[compression]}.parquet`;
    return { relPath, partitionValues: values, encoder, stats: new DeltaStatsCollector(dataSchema), rows: 0, closedGroups: 0, closedRows: 0 };
  };
  const closeFile = async (f: OpenFile): Promise<void> => {
    const { bytes, columnStats } = await f.encoder.finish();
    await storage.put(`${root}${f.relPath}`, bytes);
    adds.push({
      path: encodeURI(f.relPath),
      partitionValues: f.partitionValues,
      size: bytes.length,
      modificationTime: Date.now(),
      dataChange: true,
      stats: f.stats.toJson(columnStats),
    });
  };

  try {
    for await (const batch of batches) {
      if (batch.numRows === 0) continue;
      const project = (b: Batch): Batch => makeBatch(dataSchema, dataOrdinals.map((i) => b.columns[i]), b.numRows);
      for (const [dir, part] of splitByPartition(batch, partitionOrdinals)) {
        const data = project(part.rows);
        // The partition's rows are a copy made here unless they are the whole input batch.
        const dataOwned = part.rows !== batch;
        for (let at = 0; at < data.numRows; ) {
          let f = open.get(dir);
          if (f === undefined) {
            f = await openFile(dir, part.values, data.numRows - at);
            open.set(dir, f);
          }
          const n = Math.min(data.numRows - at, maxRows - f.rows, ROLL_CHECK_ROWS);
          const chunk = sliceBatch(data, at, at + n);
          f.stats.add(chunk);
          // A slice is a fresh copy (sliceBatch returns the batch itself only when whole).
          await f.encoder.write(chunk, chunk !== data || dataOwned);
          f.rows += n;
          at += n;
          if (f.rows >= maxRows || predictedSize(f) >= targetBytes) {
            open.delete(dir);
            await closeFile(f);
          }
        }
      }
    }
    for (const [dir, f] of open) {
      open.delete(dir);
      await closeFile(f);
    }
  } catch (e) {
    for (const f of open.values()) f.encoder.abort();
    throw e;
  }
  return adds;
}

/** The encoded size `f` would have if finished now: closed row groups plus the open rows at their bytes per row. */
function predictedSize(f: OpenFile): number {
  const w = f.encoder;
  if (w.numRowGroups !== f.closedGroups) {
    // A row group closed during the last slice encoded: its rows are (about) all rows encoded so far.
    f.closedGroups = w.numRowGroups;
    f.closedRows = w.rowsEncoded;
  }
  const closedBytes = w.bytesWritten;
  return f.closedRows === 0 ? closedBytes : closedBytes + ((f.rows - f.closedRows) * closedBytes) / f.closedRows;
}

/**
 * A partition value serialized as PROTOCOL.md "Partition Value Serialization" says, or null for
 * the null partition (a null or an empty string).
 */
export function serializePartitionValue(batch: Batch, column: number, row: number): string | null {
  const v = batch.columns[column];
  if (!isValid(v, row)) return null;
  // A float is written as Java's Float.toString does (0.1, not its double widening 0.10000000149011612);
  // a timestamp as ISO 8601 UTC (`2021-09-08T18:11:11.000000Z`), as Delta 3 writes it: a zone-less
  // value would be read in each reader's session time zone.
  const type = batch.schema.fields[column].dataType;
  const s =
    v.kind === "f32"
      ? javaFloatString(v.values[row])
      : type.typeName === "timestamp" && v.kind === "i64"
        ? formatTimestampIsoUtc(v.values[row])
        : slotText(v, row);
  return s === "" ? null : s;
}

function splitByPartition(batch: Batch, ordinals: readonly number[]): Map<string, { values: Record<string, string | null>; rows: Batch }> {
  const out = new Map<string, { values: Record<string, string | null>; rows: Batch }>();
  if (ordinals.length === 0) {
    out.set("", { values: {}, rows: batch });
    return out;
  }
  const groups = new Map<string, { values: Record<string, string | null>; rows: number[] }>();
  for (let r = 0; r < batch.numRows; r++) {
    let dir = "";
    const values: Record<string, string | null> = {};
    for (const p of ordinals) {
      const name = batch.schema.fields[p].name;
      const value = serializePartitionValue(batch, p, r);
      values[name] = value;
      dir += `${escapePathName(name)}=${value === null ? HIVE_DEFAULT_PARTITION : escapePathName(value)}/`;
    }
    let g = groups.get(dir);
    if (g === undefined) {
      g = { values, rows: [] };
      groups.set(dir, g);
    }
    g.rows.push(r);
  }
  for (const [dir, g] of groups) out.set(dir, { values: g.values, rows: takeBatch(batch, Int32Array.from(g.rows)) });
  return out;
}
