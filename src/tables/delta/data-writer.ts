/**
 * Writing data files for a Delta commit, through the shared data-file writer
 * (`tables/files/data-file-writer.ts`: partitions, rolling, writer thread, streaming puts): snappy
 * Parquet by default, partition values serialized as the Delta protocol says, and each file
 * described as an `add` action with its size and per-file stats. The files are invisible to readers
 * until a commit lists them.
 */
import type { Batch } from "../../columnar/batch.js";
import { isValid } from "../../columnar/vector.js";
import type { Vector } from "../../columnar/vector.js";
import { javaFloatString } from "../../columnar/java-text.js";
import { slotText } from "../../exec/eval/cast.js";
import { formatTimestampIsoUtc } from "../../exec/eval/datetime.js";
import type { Storage } from "../../storage/storage.js";
import type { StructType } from "../../types/data-types.js";
import { writeDataFiles as writeFiles } from "../files/data-file-writer.js";
import type { DataFile, DataFileLayout, WriteFilesOptions } from "../files/data-file-writer.js";
import type { AddFile } from "./actions.js";
import { DeltaStatsCollector } from "./stats.js";
import { DEFAULT_TARGET_FILE_SIZE } from "./table-properties.js";

/** Options of {@link writeDataFiles}. */
export interface WriteDataFilesOptions extends WriteFilesOptions {
  /** Rows per file at most (Spark's `maxRecordsPerFile`); unlimited when absent or 0. */
  readonly maxRecordsPerFile?: number;
  /** Encoded bytes after which a file is closed and the next started; {@link DEFAULT_TARGET_FILE_SIZE} when absent. */
  readonly targetFileSize?: number;
  /** Parquet compression of the data files; `snappy` (Spark's default) when absent. */
  readonly compression?: DeltaCompression;
}

/** Parquet codecs a Delta data file may use (Spark's `compression` write option). */
export const DELTA_COMPRESSIONS = ["none", "uncompressed", "snappy", "gzip", "zstd"] as const;
export type DeltaCompression = (typeof DELTA_COMPRESSIONS)[number];

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
  const files = await writeFiles(storage, tableKey, schema, deltaFileLayout(partitionBy, options), batches, { writerThread: options.writerThread });
  return files.map(addFileOf);
}

/** How Delta lays out data files: Parquet (snappy by default), Delta's partition values and stats JSON. */
export function deltaFileLayout(partitionBy: readonly string[], options: Omit<WriteDataFilesOptions, "writerThread"> = {}): DataFileLayout<string> {
  const compression = options.compression ?? "snappy";
  return {
    format: "parquet",
    compression: compression === "none" ? "uncompressed" : compression,
    partitionBy,
    partitionValue: serializePartitionValue,
    maxRecordsPerFile: options.maxRecordsPerFile,
    targetFileSize: options.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE,
    stats: (dataSchema) => {
      const c = new DeltaStatsCollector(dataSchema);
      return { add: (b) => c.add(b), finish: (columnStats) => c.toJson(columnStats) };
    },
  };
}

/** The `add` action (`dataChange: true`) of a data file written with {@link deltaFileLayout}; `path` URI-encoded. */
export function addFileOf(f: DataFile<string>): AddFile {
  return {
    path: encodeURI(f.relativePath),
    partitionValues: f.partitionValues,
    size: f.size,
    modificationTime: f.modificationTime,
    dataChange: true,
    stats: f.stats,
  };
}

/**
 * A partition value serialized as PROTOCOL.md "Partition Value Serialization" says, or null for
 * the null partition (a null or an empty string).
 */
export function serializePartitionValue(v: Vector, row: number): string | null {
  if (!isValid(v, row)) return null;
  // A float is written as Java's Float.toString does (0.1, not its double widening 0.10000000149011612);
  // a timestamp as ISO 8601 UTC (`2021-09-08T18:11:11.000000Z`), as Delta 3 writes it: a zone-less
  // value would be read in each reader's session time zone.
  const s =
    v.kind === "f32" ? javaFloatString(v.values[row]) : v.type.typeName === "timestamp" && v.kind === "i64" ? formatTimestampIsoUtc(v.values[row]) : slotText(v, row);
  return s === "" ? null : s;
}
