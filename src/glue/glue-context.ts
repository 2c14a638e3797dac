/**
 * Glue's `GlueContext` over a sluice `SparkSession`, so a Glue streaming script ports line by line:
 *
 *   sc = SparkContext()                          const sc = new SparkContext();
 *   glueContext = GlueContext(sc)                const glueContext = new GlueContext(sc);
 *   spark = glueContext.spark_session            const spark = glueContext.spark_session;
 *   df = glueContext.create_data_frame           const df = glueContext.create_data_frame
 *     .from_catalog(database="db",                 .from_catalog({ database: "db",
 *       table_name="events",                         table_name: "events",
 *       additional_options={...})                    additional_options: {...} });
 *   glueContext.forEachBatch(frame=df,           await glueContext.forEachBatch({ frame: df,
 *     batch_function=processBatch,                 batch_function: processBatch,
 *     options={"windowSize": "100 seconds",        options: { windowSize: "100 seconds",
 *              "checkpointLocation": cp})                     checkpointLocation: cp } });
 *
 * Every method takes Glue's arguments positionally or as one object of Glue's keyword names.
 * Where Glue's semantics differ from Spark's, Glue's documentation is followed; what is not
 * supported is refused with an error naming the option.
 */
import { SparkSession } from "../api/session.js";
import type { DataFrame } from "../api/dataframe.js";
import { col, from_json } from "../api/functions.js";
import { ConfigError, SinkError, suggestion } from "../errors.js";
import { parseInterval } from "../runtime/trigger.js";
import { catalogColumnsDdl, describeCatalogTable, tableReadSpec } from "../runtime/catalog-table.js";
import { DynamicFrame, INFER_SCHEMA_COLUMN } from "./dynamic-frame.js";

/** Glue option values: strings, numbers, booleans, or lists (`paths`, `partitionKeys`). */
export type GlueOptionValue = string | number | boolean | readonly string[];
/** A map of Glue options (`connection_options`, `additional_options`, `format_options`). */
export type GlueOptions = Readonly<Record<string, GlueOptionValue>>;

/** PySpark's `SparkContext`, as Glue scripts create it: a handle on the (one) session. */
export class SparkContext {
  /** The session the context stands for. */
  readonly session: SparkSession;

  constructor() {
    this.session = SparkSession.builder.getOrCreate();
  }

  /** `SparkContext.getOrCreate()`. */
  static getOrCreate(): SparkContext {
    return new SparkContext();
  }
}

/** What `forEachBatch` hands the batch function: the micro-batch as a batch DataFrame, and its id. */
export type GlueBatchFunction = (data_frame: DataFrame, batchId: number) => Promise<void> | void;

/** `from_catalog`'s arguments (Glue's keyword names; `name_space` is Glue's alias of `database`). */
export interface FromCatalogArgs {
  readonly database?: string;
  readonly name_space?: string;
  readonly table_name: string;
  readonly redshift_tmp_dir?: string;
  readonly transformation_ctx?: string;
  /** Refused when not empty: partitions are not pruned by a predicate yet. */
  readonly push_down_predicate?: string;
  readonly additional_options?: GlueOptions;
  /** The account of the catalog, or null for the caller's. */
  readonly catalog_id?: string | null;
}

/** `from_options`' arguments. */
export interface FromOptionsArgs {
  readonly connection_type: string;
  readonly connection_options: GlueOptions;
  readonly format?: string;
  readonly format_options?: GlueOptions;
  readonly transformation_ctx?: string;
}

/** `write_dynamic_frame.from_options`' arguments. */
export interface WriteFromOptionsArgs {
  readonly frame: DynamicFrame | DataFrame;
  readonly connection_type: string;
  readonly connection_options: GlueOptions;
  readonly format?: string;
  readonly format_options?: GlueOptions;
  readonly transformation_ctx?: string;
}

/** `forEachBatch`'s arguments. */
export interface ForEachBatchArgs {
  readonly frame: DataFrame | DynamicFrame;
  readonly batch_function: GlueBatchFunction;
  readonly options: GlueOptions;
}

/**
 * `create_data_frame` / `create_dynamic_frame`: `from_catalog` and `from_options`, with Glue's
 * keyword names in one object or positionally in Glue's order, giving an `R`.
 */
export interface GlueReaders<R> {
  from_catalog(args: FromCatalogArgs): R;
  from_catalog(
    database: string,
    table_name: string,
    redshift_tmp_dir?: string,
    transformation_ctx?: string,
    push_down_predicate?: string,
    additional_options?: GlueOptions,
    catalog_id?: string | null,
  ): R;
  from_options(args: FromOptionsArgs): R;
  from_options(connection_type: string, connection_options: GlueOptions, format?: string, format_options?: GlueOptions, transformation_ctx?: string): R;
}

/** A logger as `glueContext.get_logger()` returns it (lines on stderr). */
export interface GlueLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Glue's `GlueContext`. */
export class GlueContext {
  readonly spark_session: SparkSession;

  /** Streaming reads (`glueContext.create_data_frame.from_catalog/from_options`). */
  readonly create_data_frame: GlueReaders<DataFrame>;

  /** Batch reads as DynamicFrames (`glueContext.create_dynamic_frame.from_catalog/from_options`). */
  readonly create_dynamic_frame: GlueReaders<DynamicFrame>;

  /** Batch writes (`glueContext.write_dynamic_frame.from_options`). */
  readonly write_dynamic_frame: {
    from_options(args: WriteFromOptionsArgs): Promise<void>;
    from_options(
      frame: DynamicFrame | DataFrame,
      connection_type: string,
      connection_options: GlueOptions,
      format?: string,
      format_options?: GlueOptions,
      transformation_ctx?: string,
    ): Promise<void>;
  };

  /** @param sc a SparkContext (as Glue scripts pass it) or a SparkSession. */
  constructor(sc: SparkContext | SparkSession = new SparkContext()) {
    this.spark_session = sc instanceof SparkContext ? sc.session : sc;
    const streamFromCatalog = (...a: unknown[]): DataFrame => this.readFromCatalog(fromCatalogArgs(a, "create_data_frame.from_catalog"), true);
    const streamFromOptions = (...a: unknown[]): DataFrame => this.readFromOptions(fromOptionsArgs(a, "create_data_frame.from_options"), true);
    this.create_data_frame = { from_catalog: streamFromCatalog, from_options: streamFromOptions } as GlueReaders<DataFrame>;
    const batchFromCatalog = (...a: unknown[]): DynamicFrame => DynamicFrame.fromDF(this.readFromCatalog(fromCatalogArgs(a, "create_dynamic_frame.from_catalog"), false), this, tableName(a));
    const batchFromOptions = (...a: unknown[]): DynamicFrame => DynamicFrame.fromDF(this.readFromOptions(fromOptionsArgs(a, "create_dynamic_frame.from_options"), false), this, "");
    this.create_dynamic_frame = { from_catalog: batchFromCatalog, from_options: batchFromOptions } as GlueReaders<DynamicFrame>;
    const write = (...a: unknown[]): Promise<void> => this.writeToOptions(writeArgs(a));
    this.write_dynamic_frame = { from_options: write } as GlueContext["write_dynamic_frame"];
  }

  /** camelCase alias of {@link spark_session}. */
  get sparkSession(): SparkSession {
    return this.spark_session;
  }

  /** Glue's `create_data_frame_from_catalog` (the method form of `create_data_frame.from_catalog`). */
  create_data_frame_from_catalog(...a: Parameters<GlueContext["create_data_frame"]["from_catalog"]>): DataFrame {
    return this.readFromCatalog(fromCatalogArgs(a, "create_data_frame_from_catalog"), true);
  }

  /** Glue's `create_data_frame_from_options`. */
  create_data_frame_from_options(...a: Parameters<GlueContext["create_data_frame"]["from_options"]>): DataFrame {
    return this.readFromOptions(fromOptionsArgs(a, "create_data_frame_from_options"), true);
  }

  /**
   * Glue's `forEachBatch`: runs `batch_function(data_frame, batchId)` on each non-empty
   * micro-batch of the streaming `frame`, every `windowSize` (required, e.g. "100 seconds"), with
   * its checkpoint in `checkpointLocation` (required). A batch whose function throws is retried up
   * to `batchMaxRetries` times (default 3, at most 100), waiting 1 s, 2 s, then 5 s, before the
   * query fails. Resolves when the query stops (Glue's call returns only then); `sluice run` stops
   * it gracefully on SIGINT/SIGTERM. `persistDataFrame` and `storageLevel` are accepted: a batch is
   * always held in memory.
   */
  async forEachBatch(...a: [ForEachBatchArgs] | [DataFrame | DynamicFrame, GlueBatchFunction, GlueOptions]): Promise<void> {
    const args: ForEachBatchArgs = a.length === 1 ? a[0] : { frame: a[0], batch_function: a[1], options: a[2] };
    const frame = args.frame instanceof DynamicFrame ? args.frame.toDF() : args.frame;
    const o = normalized(args.options, "forEachBatch", ["windowSize", "checkpointLocation", "batchMaxRetries", "persistDataFrame", "storageLevel"]);
    const window = o.windowSize;
    if (window === undefined || window === "") throw new ConfigError("forEachBatch: missing windowSize argument (options.windowSize, e.g. \"100 seconds\")", { option: "windowSize" });
    parseInterval(window, "windowSize");
    const checkpoint = o.checkpointLocation;
    if (checkpoint === undefined || checkpoint === "") throw new ConfigError("forEachBatch: missing checkpointLocation argument (options.checkpointLocation)", { option: "checkpointLocation" });
    const retries = Number(o.batchMaxRetries ?? "3");
    if (!Number.isInteger(retries) || retries < 0 || retries > 100) {
      throw new ConfigError(`forEachBatch: options.batchMaxRetries must be an integer in the range of [0, 100], got ${JSON.stringify(o.batchMaxRetries)}`, { option: "batchMaxRetries" });
    }
    const fn = args.batch_function;
    const q = frame.writeStream
      .foreachBatch(async (df, batchId) => {
        // As Glue: the function sees non-empty batches only.
        if ((await df.take(1)).length === 0) return;
        for (let attempt = 1; ; attempt++) {
          try {
            await fn(df, batchId);
            return;
          } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            if (attempt > retries) {
              throw new SinkError(`forEachBatch: batch ${String(batchId)} failed after ${String(attempt)} attempts (batchMaxRetries ${String(retries)}): ${message}`, { batchId, cause: e });
            }
            // Glue waits 1 s, 2 s, then 5 s before each retry of the batch.
            process.stderr.write(`forEachBatch: batch ${String(batchId)} failed (attempt ${String(attempt)} of ${String(retries + 1)}), retrying: ${message}\n`);
            await new Promise((r) => setTimeout(r, (attempt >= 3 ? 5 : attempt) * RETRY_UNIT_MS));
          }
        }
      })
      .option("checkpointLocation", checkpoint)
      .trigger(triggerOf(window, this.spark_session))
      .start();
    await q.awaitTermination();
  }

  /** Glue's logger: `info`, `warn` and `error` lines on stderr. */
  get_logger(): GlueLogger {
    const line = (level: string) => (message: string) => void process.stderr.write(`${new Date().toISOString()} ${level} GlueLogger: ${message}\n`);
    return { info: line("INFO"), warn: line("WARN"), error: line("ERROR") };
  }

  /** camelCase alias of {@link get_logger}. */
  getLogger(): GlueLogger {
    return this.get_logger();
  }

  private readFromCatalog(args: FromCatalogArgs, streaming: boolean): DataFrame {
    const database = args.database ?? args.name_space ?? "";
    const d = describeCatalogTable(database, args.table_name, this.spark_session.conf.getAll(), args.catalog_id ?? null);
    const extra = stringOptions(args.additional_options ?? {}, "additional_options");
    const p = d.table.parameters;
    const type = (p.typeOfData ?? p.connectionType ?? (p.topicName !== undefined ? "kafka" : p.streamARN !== undefined || p.streamName !== undefined ? "kinesis" : "s3")).toLowerCase();
    const schemaDdl = catalogColumnsDdl(d.table);
    if (type === "kafka") {
      const o: Record<string, string> = { classification: p.classification ?? "json", ...pick(p, KAFKA_TABLE_PARAMS), ...extra };
      if (o["bootstrap.servers"] === undefined && d.connection !== null) {
        const servers = d.connection.KAFKA_BOOTSTRAP_SERVERS;
        if (servers !== undefined) o["bootstrap.servers"] = servers;
        if (d.connection.KAFKA_SSL_ENABLED === "true" && o["security.protocol"] === undefined) o["security.protocol"] = "SSL";
      }
      return this.kafka(o, schemaDdl, streaming, `${database}.${args.table_name}`);
    }
    if (type === "kinesis") {
      const o: Record<string, string> = { classification: p.classification ?? "json", ...pick(p, KINESIS_TABLE_PARAMS), ...extra };
      return this.kinesis(o, schemaDdl, streaming, `${database}.${args.table_name}`);
    }
    const spec = tableReadSpec(d.table);
    const reader = streaming ? this.spark_session.readStream : this.spark_session.read;
    reader.format(spec.format);
    if ((spec.format === "json" || spec.format === "csv") && spec.schemaDdl !== "") reader.schema(spec.schemaDdl);
    const options: Record<string, string> = { ...spec.options, ...extra };
    for (const [k, v] of Object.entries(options)) reader.option(k, v);
    return reader.load(spec.location);
  }

  private readFromOptions(args: FromOptionsArgs, streaming: boolean): DataFrame {
    const o = { ...stringOptions(args.connection_options, "connection_options"), ...stringOptions(args.format_options ?? {}, "format_options") };
    const type = args.connection_type.toLowerCase();
    if (args.format !== undefined && o.classification === undefined) o.classification = args.format;
    const schema = o.schema ?? null;
    delete o.schema;
    if (type === "kafka") return this.kafka(o, schema, streaming, "connection_options");
    if (type === "kinesis") return this.kinesis(o, schema, streaming, "connection_options");
    if (type === "s3") {
      const paths = pathsOf(args.connection_options);
      const format = glueFormat(args.format ?? o.classification ?? "json", "from_options");
      delete o.classification;
      delete o.paths;
      const reader = streaming ? this.spark_session.readStream : this.spark_session.read;
      reader.format(format);
      if (schema !== null) reader.schema(schema);
      for (const [k, v] of Object.entries(o)) reader.option(k, v);
      return reader.load(paths[0]);
    }
    throw new ConfigError(`from_options: connection_type ${JSON.stringify(args.connection_type)} is not supported; use kafka, kinesis or s3`, { option: "connection_type" });
  }

  /** A Kafka read with Glue's connection options, its records parsed per `classification`. */
  private kafka(o: Record<string, string>, schemaDdl: string | null, streaming: boolean, where: string): DataFrame {
    const reader = streaming ? this.spark_session.readStream : this.spark_session.read;
    reader.format("kafka");
    const servers = o["bootstrap.servers"] ?? o["kafka.bootstrap.servers"];
    if (servers === undefined) {
      throw new ConfigError(`kafka: ${where} gives no bootstrap servers (bootstrap.servers, or a connectionName whose connection has KAFKA_BOOTSTRAP_SERVERS)`, { option: "bootstrap.servers" });
    }
    reader.option("kafka.bootstrap.servers", servers);
    const topics = [o.topicName !== undefined, o.assign !== undefined, o.subscribePattern !== undefined].filter(Boolean).length;
    if (topics !== 1) throw new ConfigError(`kafka: ${where} must give exactly one of topicName, assign and subscribePattern`, { option: "topicName" });
    if (o.topicName !== undefined) reader.option("subscribe", o.topicName);
    // Glue's default is latest for streams; a batch read (Spark refuses latest there) reads from the start.
    reader.option("startingOffsets", o.startingOffsets ?? (streaming ? "latest" : "earliest"));
    for (const [k, v] of Object.entries(o)) {
      if (GLUE_ONLY.has(k) || k === "bootstrap.servers" || k === "kafka.bootstrap.servers" || k === "topicName" || k === "startingOffsets") continue;
      const mapped = KAFKA_OPTION_NAMES[k];
      if (mapped === undefined) {
        throw new ConfigError(`kafka: unknown Glue connection option '${k}' in ${where}${suggestion(k, Object.keys(KAFKA_OPTION_NAMES))}`, { option: k });
      }
      reader.option(mapped, v);
    }
    return parseRecords(reader.load(), "value", o, schemaDdl, "timestamp", where);
  }

  /** A Kinesis read with Glue's connection options (the source takes Glue's names), records parsed per `classification`. */
  private kinesis(o: Record<string, string>, schemaDdl: string | null, streaming: boolean, where: string): DataFrame {
    if (!streaming) throw new ConfigError("kinesis: Kinesis streams are read by streaming jobs only (create_data_frame)");
    const reader = this.spark_session.readStream.format("kinesis");
    for (const [k, v] of Object.entries(o)) {
      if (GLUE_ONLY.has(k)) continue;
      reader.option(k === "kinesisUrl" ? "endpointUrl" : k, v);
    }
    return parseRecords(reader.load(), "data", o, schemaDdl, "approximateArrivalTimestamp", where);
  }

  private async writeToOptions(args: WriteFromOptionsArgs): Promise<void> {
    const df = args.frame instanceof DynamicFrame ? args.frame.toDF() : args.frame;
    if (args.connection_type.toLowerCase() !== "s3") {
      throw new ConfigError(`write_dynamic_frame.from_options: connection_type ${JSON.stringify(args.connection_type)} is not supported; use s3`, { option: "connection_type" });
    }
    const c = stringOptions(args.connection_options, "connection_options");
    const path = c.path;
    if (path === undefined || path === "") throw new ConfigError("write_dynamic_frame.from_options: connection_options.path is required", { option: "path" });
    const partitionKeys = listOption(args.connection_options.partitionKeys, "partitionKeys");
    for (const k of Object.keys(c)) {
      if (k !== "path" && k !== "partitionKeys" && k !== "compression") {
        throw new ConfigError(`write_dynamic_frame.from_options: connection option '${k}' is not supported (path, partitionKeys, compression)`, { option: k });
      }
    }
    const format = glueFormat(args.format ?? "json", "write_dynamic_frame.from_options");
    const f = stringOptions(args.format_options ?? {}, "format_options");
    const writer = df.write.format(format).mode("append");
    if (partitionKeys.length > 0) writer.partitionBy(...partitionKeys);
    if (c.compression !== undefined) writer.option("compression", c.compression);
    // Glue writes a CSV header unless told otherwise (writeHeader, default true); Spark does not.
    if (format === "csv") writer.option("header", f.writeHeader ?? "true");
    for (const [k, v] of Object.entries(f)) {
      if (k === "compression") writer.option("compression", v === "uncompressed" ? "none" : v);
      else if (format === "parquet" && (k === "blockSize" || k === "pageSize" || k === "useGlueParquetWriter")) continue;
      else if (format === "csv" && k === "separator") writer.option("sep", v);
      else if (format === "csv" && k === "quoteChar") writer.option("quote", v === "-1" ? "" : v);
      else if (format === "csv" && k === "writeHeader") continue;
      else throw new ConfigError(`write_dynamic_frame.from_options: format option '${k}' is not supported for ${args.format ?? "json"}`, { option: k });
    }
    await writer.save(path);
  }
}

/** Glue's pause before a batch's retry is this many milliseconds per attempt (tests shorten it). */
let RETRY_UNIT_MS = 1000;

/** @internal Test hook: the retry pause unit, in milliseconds. */
export function setForEachBatchRetryUnit(ms: number): void {
  RETRY_UNIT_MS = ms;
}

/** Glue-level options that say how to read records, not where: consumed here, not passed to the source. */
const GLUE_ONLY = new Set([
  "classification",
  "delimiter",
  "inferSchema",
  "schema",
  "avroSchema",
  "addRecordTimestamp",
  "emitConsumerLagMetrics",
  "includeHeaders",
  "typeOfData",
  "connectionName",
  "connectionType",
]);

/** Table parameters of a Kafka catalog table that are connection options. */
const KAFKA_TABLE_PARAMS = ["topicName", "assign", "subscribePattern", "bootstrap.servers", "startingOffsets", "endingOffsets", "security.protocol"];

/** Table parameters of a Kinesis catalog table that are connection options. */
const KINESIS_TABLE_PARAMS = ["streamARN", "streamName", "endpointUrl", "kinesisUrl", "region", "startingPosition"];

/** Glue's Kafka connection option names → Spark's Kafka source options. */
const KAFKA_OPTION_NAMES: Record<string, string> = {
  assign: "assign",
  subscribePattern: "subscribePattern",
  endingOffsets: "endingOffsets",
  startingTimestamp: "startingTimestamp",
  maxOffsetsPerTrigger: "maxOffsetsPerTrigger",
  minPartitions: "minPartitions",
  failOnDataLoss: "failOnDataLoss",
  pollTimeoutMs: "kafkaConsumer.pollTimeoutMs",
  numRetries: "fetchOffset.numRetries",
  retryIntervalMs: "fetchOffset.retryIntervalMs",
  "security.protocol": "kafka.security.protocol",
  "sasl.mechanism": "kafka.sasl.mechanism",
  "sasl.jaas.config": "kafka.sasl.jaas.config",
  "ssl.truststore.location": "kafka.ssl.truststore.location",
};

/**
 * Parses the record bytes in `column` per Glue's `classification` (json; others refused) with the
 * schema (`schemaDdl`, from the catalog's columns or the `schema` option), and adds the record's
 * timestamp as `__src_timestamp` when `addRecordTimestamp` is true. With `inferSchema` the records
 * stay text in Glue's `$json$data_infer_schema$_temporary$` column, for `DynamicFrame.fromDF`.
 */
function parseRecords(raw: DataFrame, column: string, o: Readonly<Record<string, string>>, schemaDdl: string | null, timestampColumn: string, where: string): DataFrame {
  const classification = (o.classification ?? "json").toLowerCase();
  if (classification !== "json") {
    throw new ConfigError(`${where}: classification '${classification}' is not supported yet; sluice parses json records (read the raw records with spark.readStream instead)`, {
      option: "classification",
    });
  }
  const addTimestamp = (o.addRecordTimestamp ?? "false").toLowerCase() === "true";
  // As Glue: with inferSchema the frame holds the records' text, and DynamicFrame.fromDF infers
  // each batch's schema from its records.
  if ((o.inferSchema ?? "false").toLowerCase() === "true") {
    const text = col(column).cast("string").alias(INFER_SCHEMA_COLUMN);
    return addTimestamp ? raw.select(text, col(timestampColumn).alias("__src_timestamp")) : raw.select(text);
  }
  if (schemaDdl === null || schemaDdl === "") {
    throw new ConfigError(
      `${where}: the records' schema is needed: give the catalog table its columns, pass the option 'schema' as a DDL string ("event_id STRING, ts BIGINT"), or set inferSchema to "true"`,
      { option: "inferSchema" },
    );
  }
  for (const unsupported of ["includeHeaders", "emitConsumerLagMetrics"]) {
    if ((o[unsupported] ?? "false").toLowerCase() === "true") {
      throw new ConfigError(`${where}: option '${unsupported}' is not supported yet`, { option: unsupported });
    }
  }
  const parsed = raw.select(from_json(col(column).cast("string"), schemaDdl).alias("__glue_record"), col(timestampColumn).alias("__src_timestamp"));
  return addTimestamp ? parsed.select("__glue_record.*", "__src_timestamp") : parsed.select("__glue_record.*");
}

function pick(p: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (p[n] !== undefined) out[n] = p[n];
  return out;
}

/** Glue's format names as sluice's: `glueparquet` is Parquet. */
function glueFormat(format: string, where: string): "parquet" | "json" | "csv" | "delta" {
  const f = format.toLowerCase();
  if (f === "parquet" || f === "glueparquet") return "parquet";
  if (f === "json" || f === "csv" || f === "delta") return f;
  throw new ConfigError(`${where}: format ${JSON.stringify(format)} is not supported; use parquet, glueparquet, json, csv or delta`, { option: "format" });
}

function stringOptions(o: GlueOptions, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (Array.isArray(v)) continue;
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") throw new ConfigError(`${where}: option '${k}' must be a string, number or boolean`, { option: k });
    out[k] = String(v);
  }
  return out;
}

/** `options` with the names `known` (case-sensitive, as Glue's) as strings; others refused. */
function normalized(options: GlueOptions, where: string, known: readonly string[]): Record<string, string> {
  for (const k of Object.keys(options)) if (!known.includes(k)) throw new ConfigError(`${where}: unknown option '${k}'${suggestion(k, known)}`, { option: k });
  return stringOptions(options, where);
}

function listOption(v: GlueOptionValue | undefined, name: string): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return [...v];
  if (typeof v === "string") return v === "" ? [] : [v];
  throw new ConfigError(`option '${name}' must be a list of column names`, { option: name });
}

function pathsOf(o: GlueOptions): string[] {
  const paths = listOption(o.paths ?? o.path, "paths");
  if (paths.length !== 1) throw new ConfigError(`from_options: connection_options.paths must name one path, got ${String(paths.length)}`, { option: "paths" });
  return paths;
}

/** `windowSize` ("100 seconds") as a processing-time trigger. */
function triggerOf(window: string, _session: SparkSession): { processingTime: string } {
  return { processingTime: window };
}

/** `from_catalog`'s arguments, as one object of keyword names or positionally in Glue's order. */
function fromCatalogArgs(a: readonly unknown[], where: string): FromCatalogArgs {
  let args: FromCatalogArgs;
  if (a.length === 1 && isRecord(a[0])) {
    const o = a[0];
    for (const k of Object.keys(o)) {
      if (!FROM_CATALOG_KEYS.includes(k)) throw new ConfigError(`${where}: unknown argument '${k}'${suggestion(k, FROM_CATALOG_KEYS)}`, { option: k });
    }
    args = o as unknown as FromCatalogArgs;
  } else {
    const [database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate, additional_options, catalog_id] = a;
    args = {
      database: database as string,
      table_name: table_name as string,
      redshift_tmp_dir: (redshift_tmp_dir ?? "") as string,
      transformation_ctx: (transformation_ctx ?? "") as string,
      push_down_predicate: (push_down_predicate ?? "") as string,
      additional_options: (additional_options ?? {}) as GlueOptions,
      catalog_id: (catalog_id ?? null) as string | null,
    };
  }
  const database = args.database ?? args.name_space;
  if (typeof database !== "string" || database === "") throw new ConfigError(`${where}: parameter name_space or database is missing`, { option: "database" });
  if (typeof args.table_name !== "string" || args.table_name === "") throw new ConfigError(`${where}: parameter table_name is missing`, { option: "table_name" });
  if (args.additional_options !== undefined && !isRecord(args.additional_options)) throw new ConfigError(`${where}: additional_options must be an object of options`, { option: "additional_options" });
  if (args.catalog_id !== undefined && args.catalog_id !== null && typeof args.catalog_id !== "string") throw new ConfigError(`${where}: catalog_id must be a string`, { option: "catalog_id" });
  if (typeof args.push_down_predicate === "string" && args.push_down_predicate !== "") {
    throw new ConfigError(`${where}: push_down_predicate is not supported yet (every partition is read); filter the frame instead`, { option: "push_down_predicate" });
  }
  return args;
}

const FROM_CATALOG_KEYS = ["database", "name_space", "table_name", "redshift_tmp_dir", "transformation_ctx", "push_down_predicate", "additional_options", "catalog_id"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fromOptionsArgs(a: readonly unknown[], where: string): FromOptionsArgs {
  if (a.length === 1 && typeof a[0] === "object" && a[0] !== null && "connection_type" in a[0]) return a[0] as FromOptionsArgs;
  const [connection_type, connection_options, format, format_options] = a;
  if (typeof connection_type !== "string" || typeof connection_options !== "object" || connection_options === null) {
    throw new ConfigError(`${where}: connection_type and connection_options are required`);
  }
  return {
    connection_type,
    connection_options: connection_options as GlueOptions,
    ...(typeof format === "string" ? { format } : {}),
    ...(typeof format_options === "object" && format_options !== null ? { format_options: format_options as GlueOptions } : {}),
  };
}

function writeArgs(a: readonly unknown[]): WriteFromOptionsArgs {
  if (a.length === 1 && typeof a[0] === "object" && a[0] !== null && "frame" in a[0]) return a[0] as WriteFromOptionsArgs;
  const [frame, connection_type, connection_options, format, format_options] = a;
  if (!(frame instanceof DynamicFrame) && (typeof frame !== "object" || frame === null)) throw new ConfigError("write_dynamic_frame.from_options: frame is required");
  if (typeof connection_type !== "string" || typeof connection_options !== "object" || connection_options === null) {
    throw new ConfigError("write_dynamic_frame.from_options: connection_type and connection_options are required");
  }
  return {
    frame: frame as DynamicFrame | DataFrame,
    connection_type,
    connection_options: connection_options as GlueOptions,
    ...(typeof format === "string" ? { format } : {}),
    ...(typeof format_options === "object" && format_options !== null ? { format_options: format_options as GlueOptions } : {}),
  };
}

function tableName(a: readonly unknown[]): string {
  const first = a[0];
  if (isRecord(first) && typeof first.table_name === "string") return first.table_name;
  return typeof a[1] === "string" ? a[1] : "";
}
