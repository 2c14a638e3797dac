/**
 * Parquet: a columnar writer (Spark-compatible schema, dictionary/PLAIN encodings, statistics,
 * snappy/zstd/gzip) and a reader mapping Parquet types to Spark types.
 */
export { ParquetWriter, writeParquet } from "./parquet-writer.js";
export type { ParquetWriteOptions, ColumnStats } from "./parquet-writer.js";
export { DEFAULT_CREATED_BY } from "./write-options.js";
export type { ResolvedWriteOptions } from "./write-options.js";
export {
  readParquet,
  readParquetBatches,
  readParquetMetadata,
  readParquetSchema,
  parquetSourceFromStorage,
} from "./parquet-reader.js";
export type { ParquetSource, ParquetReadOptions, ParquetReadResult, FileMetaData } from "./parquet-reader.js";
export { loadCodec } from "../compression/codec.js";
export type { CodecName } from "../compression/codec.js";
