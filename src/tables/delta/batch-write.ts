/**
 * `df.write.format("delta").mode(m).save(path)`: one batch write into a Delta table, as Delta's
 * `WriteIntoDelta` does it. Every mode is a single commit (or none): `append` adds files,
 * `overwrite` replaces every live file, `errorifexists` refuses an existing table, `ignore` leaves
 * an existing table untouched without running the query. No `_SUCCESS` marker is written: the log
 * is the commit.
 */
import { z } from "zod";
import type { Batch } from "../../columnar/batch.js";
import { AnalysisError, ConfigError } from "../../errors.js";
import { booleanOption, byteSizeOption, enumOption, positiveIntOption, validateOptions } from "../../options.js";
import { DELTA_COMPRESSIONS } from "./data-writer.js";
import { fileUrlOf, resolveLocation } from "../../storage/resolve.js";
import type { StructType } from "../../types/data-types.js";
import { appendToTable } from "./append.js";
import { overwriteTable } from "./overwrite.js";
import { checkpointAfterCommit } from "./post-commit.js";
import { newTableProperties, splitTableProperties } from "./table-properties.js";
import { cutoffTruncation } from "./log-cleanup.js";
import { hasDeltaLog } from "./table-check.js";
import { SCHEMA_CONTRACTS, checkSchemaContract } from "./schema-evolution.js";

/** Spark's save modes, canonical spelling. */
export type DeltaSaveMode = "append" | "overwrite" | "errorifexists" | "ignore";

/** The options `df.write.format("delta")` accepts (names case-insensitive). */
const deltaWriteOptions = {
  path: z.string().min(1),
  mergeSchema: booleanOption,
  overwriteSchema: booleanOption,
  schemaContract: enumOption(SCHEMA_CONTRACTS),
  maxRecordsPerFile: positiveIntOption,
  targetFileSize: byteSizeOption,
  compression: enumOption(DELTA_COMPRESSIONS),
};

/** What {@link saveDeltaTable} writes. */
export interface DeltaBatchWrite {
  readonly mode: DeltaSaveMode;
  /** Writer options as strings (`path` included); unknown names are refused. */
  readonly options: Readonly<Record<string, string>>;
  /** `partitionBy(...)` columns; empty keeps an existing table's partitioning. */
  readonly partitionBy: readonly string[];
  /** The schema of the data. */
  readonly schema: StructType;
  /** Produces the data; not called when the mode decides nothing is written (`ignore` on an existing table). */
  readonly data: () => AsyncIterable<Batch>;
  /**
   * The session's settings: `spark.databricks.delta.properties.defaults.*` give a new table its
   * properties (writer options named `delta.*` win), as in Delta. Absent: none.
   */
  readonly sessionConf?: Readonly<Record<string, string>>;
  /** Keep NOT NULL columns when this write creates the table (SQL's CREATE TABLE); else all nullable, as Delta. */
  readonly keepNullability?: boolean;
}

/** What {@link saveDeltaTable} did. */
export interface DeltaBatchWriteResult {
  /** The committed version, or null when nothing was written (`ignore`). */
  readonly version: number | null;
  /** Rows written. */
  readonly numRows: number;
}

/**
 * Writes `write.data()` into the Delta table at option `path` according to `write.mode`; creates
 * the table when it has no log (every mode). `overwriteSchema` applies to `overwrite` only and lets
 * the schema and partitioning change; `mergeSchema` adds new columns in `append` and `overwrite`.
 * A Parquet checkpoint follows when the commit's version is due (`delta.checkpointInterval`); its
 * failure does not fail the write, which is committed by then.
 * @throws ConfigError for an unknown or malformed option or a missing path; AnalysisError when the
 *   table exists in `errorifexists` mode ("Table … already exists") or the data does not fit the
 *   table; CommitConflictError when a concurrent commit conflicts.
 */
export async function saveDeltaTable(write: DeltaBatchWrite): Promise<DeltaBatchWriteResult> {
  const sessionConf = write.sessionConf ?? {};
  const { properties, others } = splitTableProperties(write.options);
  const o = validateOptions("delta writer", deltaWriteOptions, others);
  const tableProperties = newTableProperties(properties, sessionConf);
  const truncation = cutoffTruncation(sessionConf);
  if (o.path === undefined) throw new ConfigError(`delta writer: 'path' is not specified; pass save(path) or option("path", ...)`, { option: "path" });
  checkSchemaContract("delta writer", o.mergeSchema === true, o.schemaContract);
  const { storage, key } = resolveLocation(o.path);
  const url = fileUrlOf(storage, key);
  const exists = await hasDeltaLog(storage, key);
  if (exists && write.mode === "errorifexists") {
    throw new AnalysisError(`delta writer: Table ${url} already exists; write with mode("append") or mode("overwrite")`, { path: url });
  }
  if (exists && write.mode === "ignore") return { version: null, numRows: 0 };
  const common = {
    schema: write.schema,
    partitionBy: write.partitionBy.length > 0 ? write.partitionBy : undefined,
    mergeSchema: o.mergeSchema === true || o.schemaContract === "evolve",
    ...(o.schemaContract === undefined ? {} : { schemaContract: o.schemaContract }),
    maxRecordsPerFile: o.maxRecordsPerFile,
    targetFileSize: o.targetFileSize,
    compression: o.compression,
    tableProperties,
    keepNullability: write.keepNullability === true,
  };
  const parameters = (mode: string) => ({ mode, partitionBy: JSON.stringify(write.partitionBy) });
  const result =
    write.mode === "overwrite"
      ? await overwriteTable(storage, key, write.data(), { ...common, overwriteSchema: o.overwriteSchema === true, operationParameters: parameters("Overwrite") })
      : await appendToTable(storage, key, write.data(), {
          ...common,
          operationParameters: parameters(write.mode === "append" ? "Append" : write.mode === "ignore" ? "Ignore" : "ErrorIfExists"),
        });
  // A checkpoint failure is not the write's: the commit is durable (see checkpointAfterCommit).
  if (result.version !== null) {
    await checkpointAfterCommit(storage, key, result.version, result.configuration ?? {}, null, { cutoffTruncation: truncation });
  }
  return { version: result.version, numRows: result.numRows };
}
