/**
 * The `parquet` and `json` sinks: streaming, the file sink with Spark's `_spark_metadata` log
 * (`tables/parquet-log/file-sink-table.ts`) through the shared table sink; batch (`df.write`), a
 * plain folder of data files ending with Hadoop's `_SUCCESS` marker.
 *
 * Options: `path`, `compression` (parquet: `snappy` default, `gzip`, `zstd`, `none`; json: `none`
 * default or `gzip`), `maxRecordsPerFile`.
 */
import { z } from "zod";
import { AnalysisError, ConfigError } from "../../errors.js";
import { booleanOption, enumOption, nonNegativeIntOption, validateOptions } from "../../options.js";
import { checkCsvSchema, CSV_WRITE_DEFAULTS } from "../../formats/csv/csv-writer.js";
import type { CsvWriteOptions } from "../../formats/csv/csv-writer.js";
import { folderPrefix, resolveLocation } from "../../storage/resolve.js";
import type { Storage } from "../../storage/storage.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { StructType } from "../../types/data-types.js";
import type { DataFileFormat } from "../../tables/files/data-file-writer.js";
import { writeDataFiles } from "../../tables/files/data-file-writer.js";
import { LazyWriterThread } from "../../tables/files/writer-thread.js";
import { FileSinkTable, fileSinkPartitionValue } from "../../tables/parquet-log/file-sink-table.js";
import type { FileSinkLayout } from "../../tables/parquet-log/file-sink-table.js";
import { SPARK_METADATA } from "../../tables/parquet-log/sink-log.js";
import { streamingRetention } from "../../checkpoint/retention.js";
import type { BatchWrite, Options, SinkConnector } from "../registry.js";
import { TableStreamSink } from "../table-sink.js";

const sinkOptions = {
  path: z.string().min(1),
  compression: enumOption(["none", "uncompressed", "snappy", "gzip", "zstd"] as const),
  maxRecordsPerFile: nonNegativeIntOption.default(0),
};

const oneChar = z.string().refine((s) => [...s].length === 1, { message: "must be one character" });

/** The CSV writer's options (Spark's names; `delimiter` is `sep`'s alias). */
const csvSinkOptions = {
  ...sinkOptions,
  sep: oneChar,
  delimiter: oneChar,
  quote: z.string().refine((s) => [...s].length <= 1, { message: "must be one character, or empty for no quoting" }),
  escape: z.string().refine((s) => [...s].length <= 1, { message: "must be one character, or empty" }),
  header: booleanOption,
  nullValue: z.string(),
  emptyValue: z.string(),
  quoteAll: booleanOption,
};

/**
 * Whether a `format` file sink takes the option `name` (case-insensitive): for a catalog table's
 * stored options, which Spark hands to the writer too, its unknown names ignored.
 */
export function isFileSinkOption(format: DataFileFormat, name: string): boolean {
  const n = name.toLowerCase();
  return Object.keys(format === "csv" ? csvSinkOptions : sinkOptions).some((k) => k.toLowerCase() === n);
}

/** A file sink's validated options. */
export interface FileSinkOptions extends FileSinkLayout {
  readonly storage: Storage;
  readonly key: string;
}

/**
 * Validates the options of a `format` sink writing `schema` partitioned by `partitionBy`.
 * @throws ConfigError naming the option; AnalysisError for a partition column not in the schema,
 *   or every column a partition column.
 */
export function resolveFileSinkOptions(format: DataFileFormat, options: Options, schema: StructType, partitionBy: readonly string[]): FileSinkOptions {
  const csv = format === "csv" ? validateOptions("csv sink", csvSinkOptions, options) : null;
  const o = csv ?? validateOptions(`${format} sink`, sinkOptions, options);
  if (o.path === undefined) {
    throw new ConfigError(`${format} sink: 'path' is not specified; pass start(path) or option("path", ...)`, { option: "path" });
  }
  const compression = o.compression ?? (format === "parquet" ? "snappy" : "none");
  if (format !== "parquet" && compression !== "none" && compression !== "gzip" && compression !== "uncompressed") {
    throw new ConfigError(`${format} sink: option 'compression' must be none or gzip, got "${compression}"`, { option: "compression" });
  }
  if (format === "csv") checkCsvSchema(StructType(schema.fields.filter((f) => !partitionBy.includes(f.name))));
  for (const p of partitionBy) {
    if (!schema.fields.some((f) => f.name === p)) {
      throw new AnalysisError(`${format} sink: partition column '${p}' not found in schema [${schema.fields.map((f) => f.name).join(", ")}]`);
    }
  }
  if (partitionBy.length === schema.fields.length && schema.fields.length > 0) {
    throw new AnalysisError(`${format} sink: cannot use all columns for partition columns`);
  }
  const { storage, key } = resolveLocation(o.path);
  return {
    storage,
    key,
    format,
    compression: compression === "none" ? "uncompressed" : compression,
    partitionBy,
    maxRecordsPerFile: o.maxRecordsPerFile,
    ...(csv === null ? {} : { csv: csvWriteOptions(csv) }),
  };
}

/** The CSV writer's settings from the validated sink options (Spark's defaults for the rest). */
function csvWriteOptions(o: ReturnType<typeof validateOptions<typeof csvSinkOptions>>): CsvWriteOptions {
  const d = CSV_WRITE_DEFAULTS;
  return {
    sep: o.sep ?? o.delimiter ?? d.sep,
    quote: o.quote ?? d.quote,
    escape: o.escape ?? d.escape,
    header: o.header ?? d.header,
    nullValue: o.nullValue ?? d.nullValue,
    emptyValue: o.emptyValue ?? d.emptyValue,
    quoteAll: o.quoteAll ?? d.quoteAll,
  };
}

/** The registry entry of the `parquet`, `json` or `csv` sink. */
export function fileSinkConnector(format: DataFileFormat): SinkConnector {
  return {
    outputModes: ["append"],
    validate(ctx) {
      resolveFileSinkOptions(format, ctx.options, ctx.schema, ctx.partitionBy);
      streamingRetention(ctx.sessionConf ?? {});
    },
    create(ctx) {
      const o = resolveFileSinkOptions(format, ctx.options, ctx.schema, ctx.partitionBy);
      const table = new FileSinkTable(o.storage, o.key, o, streamingRetention(ctx.sessionConf ?? {}).fileSinkLog);
      return new TableStreamSink(table, ctx.writerThread === true ? new LazyWriterThread() : null);
    },
    writeBatch: (write) => saveFiles(format, write),
  };
}

/**
 * `df.write.format(format).mode(m).save(path)`: `errorifexists` (default) fails if the folder holds
 * data, `append` adds files, `overwrite` deletes the existing files first, `ignore` does nothing if
 * the folder holds data. A successful write ends with a `_SUCCESS` marker, as Hadoop's committer
 * writes. A folder holding a streaming sink's `_spark_metadata` log is refused, as in Spark: readers
 * that honour the log would never see the files.
 */
async function saveFiles(format: DataFileFormat, write: BatchWrite): Promise<void> {
  const o = resolveFileSinkOptions(format, write.options, write.schema, write.partitionBy);
  const path = write.options.path ?? o.key;
  const prefix = folderPrefix(o.key);
  const existing = (await o.storage.list(prefix)).filter((f) => !f.path.slice(prefix.length).startsWith("_SUCCESS"));
  if (existing.some((f) => f.path.startsWith(`${prefix}${SPARK_METADATA}/`))) {
    throw new AnalysisError(`write: ${path} is a streaming sink's output (it has ${SPARK_METADATA}); batch writes into it would be invisible to readers`);
  }
  if (existing.length > 0) {
    if (write.mode === "errorifexists") {
      throw new AnalysisError(`write: path ${path} already exists; use mode("append") or mode("overwrite")`, { path });
    }
    if (write.mode === "ignore") return;
    if (write.mode === "overwrite") for (const f of existing) await o.storage.delete(f.path);
  }
  const thread = new LazyWriterThread();
  try {
    await writeDataFiles(
      o.storage,
      o.key,
      write.schema,
      {
        format,
        compression: o.compression,
        partitionBy: o.partitionBy,
        partitionValue: fileSinkPartitionValue,
        maxRecordsPerFile: o.maxRecordsPerFile,
        ...(o.csv === undefined ? {} : { csv: o.csv }),
      },
      write.data(),
      { writerThread: write.writerThread ? thread.get : undefined },
    );
  } finally {
    await thread.close();
  }
  await o.storage.put(`${prefix}_SUCCESS`, encodeUtf8(""));
}
