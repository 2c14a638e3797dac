/**
 * `df.write`: writes a batch DataFrame once, as Spark's DataFrameWriter, through the format's
 * sink connector (`SinkConnector.writeBatch`).
 *
 * Modes: `errorifexists` (default; fails if the path holds data), `append`, `overwrite`, `ignore`
 * (does nothing if the path holds data). `parquet` and `json` write a folder of files ending with a
 * `_SUCCESS` marker, as Hadoop's committer does (a folder holding a streaming sink's
 * `_spark_metadata` log is refused, as in Spark); `delta` writes one commit per save (`overwrite`
 * replaces the table's files in that commit; options `mergeSchema`, `overwriteSchema`,
 * `maxRecordsPerFile`, `targetFileSize`).
 *
 * @example await df.write.format("parquet").mode("overwrite").save(process.env.OUT)
 */
import { ConfigError } from "../errors.js";
import { executeBatch } from "../runtime/batch-execution.js";
import type { Batch } from "../columnar/batch.js";
import { sinkConnector } from "../connectors/registry.js";
import type { SaveMode } from "../connectors/registry.js";
import type { DataFrame } from "./dataframe.js";
import { partitionsOf } from "./dataframe.js";
import { optionValue } from "./options.js";
import type { OptionValue } from "./options.js";

export type { SaveMode };

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

  /** Runs the query and writes its rows under `path`, through the format's sink connector. */
  async save(path?: string): Promise<void> {
    const sink = sinkConnector(this.formatName);
    if (sink.writeBatch === undefined) {
      throw new ConfigError(`write: format '${this.formatName}' can only be written by a streaming query (writeStream)`, { option: "format" });
    }
    const df = this.df;
    await df.sparkSession.commandsDone();
    const parallelism = df.sparkSession.conf.parallelism();
    let options: Record<string, string> = path === undefined ? { ...this.opts } : { ...this.opts, path };
    let data = (): AsyncIterable<Batch> => executeBatch(df.resolved, parallelism);
    const files = partitionsOf(df.resolved);
    if (files > 1 && this.partitionCols.length === 0 && !Object.keys(options).some((k) => k.toLowerCase() === "maxrecordsperfile")) {
      // df.repartition(n).write: n files of equal row counts, as Spark's n partitions.
      const batches = await df.collectBatches();
      const rows = batches.reduce((n, b) => n + b.numRows, 0);
      options = { ...options, maxRecordsPerFile: String(Math.max(1, Math.ceil(rows / files))) };
      data = async function* () {
        yield* batches;
      };
    }
    await sink.writeBatch({
      mode: this.saveMode,
      options,
      partitionBy: this.partitionCols,
      schema: df.schema,
      data,
      writerThread: parallelism.workers > 0,
      sessionConf: df.sparkSession.conf.getAll(),
    });
  }

  /** `format("parquet").save(path)`. */
  parquet(path: string): Promise<void> {
    return this.format("parquet").save(path);
  }

  /** `format("json").save(path)`. */
  json(path: string): Promise<void> {
    return this.format("json").save(path);
  }

  /** `format("csv").save(path)`. */
  csv(path: string): Promise<void> {
    return this.format("csv").save(path);
  }
}

