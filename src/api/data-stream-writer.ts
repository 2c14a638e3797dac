/**
 * `df.writeStream`: configures and starts a streaming query, as Spark's DataStreamWriter.
 *
 * @example
 * const q = cleaned.writeStream.format("parquet")
 *   .option("path", process.env.SILVER).option("checkpointLocation", process.env.CHECKPOINT)
 *   .outputMode("append").trigger({ processingTime: "1 minute" }).start();
 * await q.awaitTermination();
 */
import { AnalysisError, ConfigError } from "../errors.js";
import { checkStreamingQuery } from "../plan/analyze.js";
import type { OutputMode } from "../plan/logical.js";
import { sinkConnector } from "../connectors/registry.js";
import type { SinkContext } from "../connectors/registry.js";
import type { StreamSink } from "../connectors/sink.js";
import { CatalogRegisteringSink, splitCatalogOptions } from "../connectors/catalog-sink.js";
import { ForeachBatchSink } from "./foreach-batch-sink.js";
import type { ForeachBatchFunction } from "./foreach-batch-sink.js";
import { Checkpoint } from "../checkpoint/checkpoint.js";
import { streamingRetention } from "../checkpoint/retention.js";
import { MemoryStorage } from "../storage/memory.js";
import type { StreamingQuery } from "../runtime/streaming-query.js";
import { parseTrigger } from "../runtime/trigger.js";
import type { Trigger, TriggerSpec } from "./../runtime/trigger.js";
import { parseInterval } from "../runtime/trigger.js";
import type { DataFrame } from "./dataframe.js";
import { updateKeys } from "../plan/update-keys.js";
import { optionValue } from "./options.js";
import type { OptionValue } from "./options.js";
import { quarantinedSchema, quarantineTableSchema } from "../runtime/quarantine.js";
import type { QuarantineTarget } from "../runtime/quarantine.js";

/** Sinks that may run without a checkpoint location (Spark uses a temporary one for these). */
const TEMP_CHECKPOINT_FORMATS = new Set(["console", "memory", "noop"]);

export class DataStreamWriter {
  private readonly df: DataFrame;
  private formatName = "parquet";
  private readonly opts: Record<string, string> = {};
  private mode: OutputMode = "append";
  private triggerValue: Trigger = { kind: "default" };
  private partitionCols: string[] = [];
  private name: string | null = null;
  private foreachBatchFn: ForeachBatchFunction | null = null;

  /** @internal Use `df.writeStream`. */
  constructor(df: DataFrame) {
    this.df = df;
  }

  /** Sink format: `parquet` (default, as Spark), `json`, `console`, `memory`. */
  format(source: string): this {
    this.formatName = source;
    return this;
  }

  /** Sets a sink option (values are stored as strings, as in Spark). */
  option(key: string, value: OptionValue): this {
    this.opts[key] = optionValue(key, value);
    return this;
  }

  /** Sets several options. */
  options(options: Readonly<Record<string, OptionValue>>): this {
    for (const [k, v] of Object.entries(options)) this.option(k, v);
    return this;
  }

  /** `append` (default), `update` or `complete`. */
  outputMode(mode: OutputMode | string): this {
    const m = mode.toLowerCase();
    if (m !== "append" && m !== "update" && m !== "complete") {
      throw new ConfigError(`writeStream: unknown output mode '${mode}'; accepted output modes are 'append', 'complete', 'update'`, {
        option: "outputMode",
      });
    }
    this.mode = m;
    return this;
  }

  /** `{ processingTime: "1 minute" }`, `{ availableNow: true }` or `{ once: true }`. */
  trigger(spec: TriggerSpec): this {
    this.triggerValue = parseTrigger(spec);
    return this;
  }

  /** Hive-style partition columns for file sinks. */
  partitionBy(...cols: (string | readonly string[])[]): this {
    this.partitionCols = cols.flat();
    return this;
  }

  /** The query's name (also the memory sink's table name). */
  queryName(name: string): this {
    this.name = name;
    return this;
  }

  /**
   * Calls `fn` with each micro-batch's output as a batch DataFrame and the batch id. The function
   * may run again for the same batch id after a failure: make it idempotent (e.g. write with the
   * batch id in a Delta txn).
   */
  foreachBatch(fn: ForeachBatchFunction): this {
    this.foreachBatchFn = fn;
    this.formatName = "foreachBatch";
    return this;
  }

  /**
   * Validates the query (analysis, output mode, options) and starts it; returns at once. Errors in
   * the query definition throw here; errors while running fail the query (`awaitTermination`
   * rejects). `path` is the sink path (same as option `path`).
   */
  start(path?: string): StreamingQuery {
    const session = this.df.sparkSession;
    if (path !== undefined) this.opts.path = path;
    checkStreamingQuery(this.df.resolved, this.mode);
    const format = this.formatName.toLowerCase();
    const isForeach = this.foreachBatchFn !== null;
    const checkpointOpt = this.opts.checkpointLocation ?? this.opts.checkpointlocation;
    const { target: catalogTarget, rest: sinkOptions } = splitCatalogOptions(
      format,
      Object.fromEntries(Object.entries(this.opts).filter(([k]) => !QUERY_OPTIONS.has(k.toLowerCase()))),
    );
    const sessionConf = session.conf.getAll();
    // Malformed retention settings fail here, as Spark fails the query at start.
    streamingRetention(sessionConf);
    const baseCtx = (queryId: string): SinkContext => ({
      options: sinkOptions,
      schema: this.df.schema,
      outputMode: this.mode,
      partitionBy: this.partitionCols,
      queryName: this.name,
      queryId,
      writerThread: session.conf.parallelism().workers > 0,
      updateKeys: updateKeys(this.df.resolved),
      sessionConf,
    });
    const quarantine = this.quarantine({ queryName: this.name, writerThread: session.conf.parallelism().workers > 0, sessionConf });
    let createSink: (queryId: string) => StreamSink;
    if (isForeach) {
      const fn = this.foreachBatchFn;
      if (fn === null) throw new AnalysisError("writeStream: foreachBatch function missing");
      createSink = () => new ForeachBatchSink(session, this.df.schema, fn);
    } else {
      const connector = sinkConnector(format);
      if (!connector.outputModes.includes(this.mode)) {
        throw new AnalysisError(`writeStream: data source ${format} does not support ${this.mode} output mode`);
      }
      connector.validate(baseCtx("validation"));
      createSink = (queryId) => connector.create(baseCtx(queryId));
      if (catalogTarget !== null) {
        const path = Object.entries(sinkOptions).find(([k]) => k.toLowerCase() === "path")?.[1] ?? "";
        const registration = { target: catalogTarget, path, schema: this.df.schema, partitionBy: this.partitionCols, sessionConf, sinkOptions };
        const create = createSink;
        createSink = (queryId) => new CatalogRegisteringSink(create(queryId), registration);
      }
    }
    let location: string;
    if (checkpointOpt !== undefined) {
      location = checkpointOpt;
    } else {
      const root = session.conf.get("spark.sql.streaming.checkpointLocation");
      if (root !== undefined && root !== "") {
        location = `${root.replace(/\/+$/, "")}/${this.name ?? crypto.randomUUID()}`;
      } else if (TEMP_CHECKPOINT_FORMATS.has(format) && !isForeach) {
        location = `${MemoryStorage.fresh("temp-checkpoint").root}/`;
      } else {
        throw new AnalysisError(
          `writeStream: checkpointLocation must be specified either through option("checkpointLocation", ...) or spark.conf.set("spark.sql.streaming.checkpointLocation", ...)`,
          { option: "checkpointLocation" },
        );
      }
    }
    return session.streams.startQuery({
      name: this.name,
      plan: this.df.resolved,
      outputMode: this.mode,
      trigger: this.triggerValue,
      openCheckpoint: () => Checkpoint.open(location),
      createSink,
      conf: session.conf.checkpointConf(),
      sessionConf,
      pollingDelayMs: parseInterval(session.conf.get("spark.sql.streaming.pollingDelay") ?? "10ms", "spark.sql.streaming.pollingDelay"),
      numRecentProgress: Number(session.conf.get("spark.sql.streaming.numRecentProgressUpdates") ?? "100"),
      parallelism: session.conf.parallelism(),
      quarantine,
    });
  }

  /**
   * The quarantine table (`quarantinePath`) and the schema of the rows the query's
   * `expectOrQuarantine` rules check; null when the query has no such rules.
   * @throws AnalysisError for such rules without a quarantinePath; ConfigError for `quarantineTable`.
   */
  private quarantine(baseCtx: Omit<SinkContext, "options" | "schema" | "outputMode" | "partitionBy" | "queryId">): QuarantineTarget | null {
    const option = (name: string) => Object.entries(this.opts).find(([k]) => k.toLowerCase() === name)?.[1];
    if (option("quarantinetable") !== undefined) {
      throw new ConfigError("writeStream: option quarantineTable (a catalog table) is not supported yet; name the Delta table's location with quarantinePath", { option: "quarantineTable" });
    }
    const rows = quarantinedSchema(this.df.resolved);
    const path = option("quarantinepath");
    if (rows === null) return null;
    if (path === undefined || path.trim() === "") {
      throw new AnalysisError('writeStream: the query has expectOrQuarantine rules; name the Delta table for the rows they take out with .option("quarantinePath", …)', {
        option: "quarantinePath",
      });
    }
    // The table is written by the Delta streaming sink, as any Delta table a query appends to.
    const schema = quarantineTableSchema(rows);
    const delta = sinkConnector("delta");
    const ctx = (queryId: string): SinkContext => ({ ...baseCtx, options: { path }, schema, outputMode: "append", partitionBy: [], queryId });
    delta.validate(ctx("validation"));
    return { location: path, schema, createSink: (queryId) => delta.create(ctx(queryId)) };
  }
}

/** Options of the query itself, not handed to the sink. */
const QUERY_OPTIONS = new Set(["checkpointlocation", "quarantinepath", "quarantinetable"]);
