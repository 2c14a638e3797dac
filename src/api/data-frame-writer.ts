/**
 * `df.write`: writes a batch DataFrame once, as Spark's DataFrameWriter.
 *
 * Modes: `errorifexists` (default; fails if the path holds data), `append`, `overwrite` (deletes
 * the existing data files first), `ignore` (does nothing if the path holds data). A successful
 * write ends with a `_SUCCESS` marker, as Hadoop's committer writes. A folder that holds a
 * streaming sink's `_spark_metadata` log cannot be appended to in batch (log-honouring readers would
 * never see the files), as in Spark.
 *
 * `format("delta")` writes a Delta table instead (see `saveDeltaTable`): every mode is one commit,
 * `overwrite` replaces the table's files in that commit, options `mergeSchema`, `overwriteSchema`,
 * `maxRecordsPerFile`, `targetFileSize`; no `_SUCCESS` marker.
 *
 * @example await df.write.format("parquet").mode("overwrite").save(process.env.OUT)
 */
import { AnalysisError, ConfigError } from "../errors.js";
import { folderPrefix } from "../storage/resolve.js";
import { executeBatch } from "../runtime/batch-execution.js";
import { FileStreamSink, resolveFileSinkOptions, SPARK_METADATA } from "../tables/parquet-log/file-sink.js";
import type { FileSinkFormat } from "../tables/parquet-log/file-sink.js";
import { encodeUtf8 } from "../columnar/utf8.js";
import { saveDeltaTable } from "../tables/delta/batch-write.js";
import type { DataFrame } from "./dataframe.js";
import { optionValue } from "./options.js";
import type { OptionValue } from "./options.js";

export type SaveMode = "append" | "overwrite" | "errorifexists" | "ignore";

export class DataFrameWriter {
  private formatName = "parquet";
  private saveMode: SaveMode = "errorifexists";
  private readonly opts: Record<string, string> = {};
  private partitionCols: string[] = [];

  /** @internal Use `df.write`. */
  constructor(private readonly df: DataFrame) {}

  /** `parquet` (default), `json` or `delta`. */
  format(source: string): this {
    this.formatName = source;
    return this;
  }

  /** `append`, `overwrite`, `errorifexists`/`error` (default) or `ignore`. */
  mode(mode: string): this {
    const m = mode.toLowerCase();
    if (m === "error" || m === "errorifexists" || m === "default") this.saveMode = "errorifexists";
    else if (m === "append" || m === "overwrite" || m === "ignore") this.saveMode = m;
    else {
      throw new ConfigError(`write: unknown save mode '${mode}'; accepted save modes are 'overwrite', 'append', 'ignore', 'error', 'errorifexists'`, {
        option: "mode",
      });
    }
    return this;
  }

  option(key: string, value: OptionValue): this {
    this.opts[key] = optionValue(key, value);
    return this;
  }

  options(options: Readonly<Record<string, OptionValue>>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  partitionBy(...cols: (string | readonly string[])[]): this {
    this.partitionCols = cols.flat();
    return this;
  }

  /** Runs the query and writes its rows under `path`. */
  async save(path?: string): Promise<void> {
    const format = this.formatName.toLowerCase();
    const options = path === undefined ? { ...this.opts } : { ...this.opts, path };
    if (format === "delta") {
      const df = this.df;
      await saveDeltaTable({
        mode: this.saveMode,
        options,
        partitionBy: this.partitionCols,
        schema: df.schema,
        data: () => executeBatch(df.resolved, df.sparkSession.conf.parallelism()),
      });
      return;
    }
    if (format !== "parquet" && format !== "json") {
      throw new ConfigError(`write: unknown format '${this.formatName}'; batch writes support parquet, json and delta`, { option: "format" });
    }
    const ctx = {
      options,
      schema: this.df.schema,
      outputMode: "append" as const,
      partitionBy: this.partitionCols,
      queryName: null,
      queryId: "batch",
      writerThread: this.df.sparkSession.conf.parallelism().workers > 0,
    };
    const o = resolveFileSinkOptions(format as FileSinkFormat, ctx);
    const prefix = folderPrefix(o.key);
    const existing = (await o.storage.list(prefix)).filter((f) => !f.path.slice(prefix.length).startsWith("_SUCCESS"));
    if (existing.some((f) => f.path.startsWith(`${prefix}${SPARK_METADATA}/`))) {
      throw new AnalysisError(
        `write: ${options.path} is a streaming sink's output (it has ${SPARK_METADATA}); batch writes into it would be invisible to readers`,
      );
    }
    if (existing.length > 0) {
      if (this.saveMode === "errorifexists") {
        throw new AnalysisError(`write: path ${options.path} already exists; use mode("append") or mode("overwrite")`, {
          path: options.path,
        });
      }
      if (this.saveMode === "ignore") return;
      if (this.saveMode === "overwrite") for (const f of existing) await o.storage.delete(f.path);
    }
    const sink = new FileStreamSink(format as FileSinkFormat, ctx, o);
    try {
      await sink.writeFiles(executeBatch(this.df.resolved, this.df.sparkSession.conf.parallelism()), 0);
    } finally {
      await sink.stop();
    }
    await o.storage.put(`${prefix}_SUCCESS`, encodeUtf8(""));
  }

  /** `format("parquet").save(path)`. */
  parquet(path: string): Promise<void> {
    return this.format("parquet").save(path);
  }

  /** `format("json").save(path)`. */
  json(path: string): Promise<void> {
    return this.format("json").save(path);
  }
}
