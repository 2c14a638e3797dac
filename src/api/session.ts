/**
 * SparkSession: the entry point, as in Spark. One Node process usually has one session
 * (`getOrCreate()` returns it); every query it starts runs in this process.
 *
 * @example
 * const spark = SparkSession.builder.appName("bronze_to_silver").getOrCreate();
 */
import { availableParallelism } from "node:os";
import { AsyncLocalStorage } from "node:async_hooks";
import { AnalysisError, ConfigError, suggestion } from "../errors.js";
import type { StructType } from "../types/data-types.js";
import { toSchema } from "../sql/ddl.js";
import { batchFromCheckedRows } from "../columnar/row-values.js";
import { stringToDate, stringToTimestamp } from "../formats/json/json-datetime.js";
import { StreamingQueryManager } from "../runtime/query-manager.js";
import { DataFrame } from "./dataframe.js";
import { runSql } from "./sql.js";
import { SessionTables, isPathTable } from "./session-tables.js";
import { glueCatalogConfigured } from "../runtime/catalog-table.js";
import { parseAttributeName } from "../sql/parser.js";
import { rangeRelation } from "../plan/range.js";
import { DataStreamReader, DataFrameReader } from "./data-stream-reader.js";
import { registerBuiltinConnectors } from "../connectors/builtin.js";
import { memorySinkTable } from "../connectors/memory/memory-sink.js";
import { checkTimeZone } from "../tables/delta/partition-values.js";
import { systemTimeZone } from "../columnar/time-zone.js";
import { setActiveSessionConf, withSessionConf } from "../plan/expressions/session-zone.js";
import { parseSettingsOf, withParseSettings } from "../sql/parse-settings.js";
import { configureS3, isS3Setting } from "../storage/s3/s3-settings.js";

/** The session time zone setting (Spark's `spark.sql.session.timeZone`). */
export const SESSION_TIME_ZONE = "spark.sql.session.timeZone";

/**
 * Session settings (`spark.conf`). Keys and values are strings, as in Spark. Settings sluice
 * interprets are checked when set, as Spark checks them: `spark.sql.session.timeZone` must be a
 * time zone (see {@link RuntimeConfig.sessionTimeZone}). S3 settings (`sluice.s3.*`,
 * `spark.hadoop.fs.s3a.*`) configure how `s3://` locations are reached from then on, for the whole
 * thread (see `storage/s3/s3-settings.ts`).
 */
export class RuntimeConfig {
  private readonly values = new Map<string, string>();

  /** @throws ConfigError when a checked setting has a bad value. */
  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  /** The value of `key`, else `defaultValue`, else undefined. */
  get(key: string, defaultValue?: string): string | undefined {
    return this.values.get(key) ?? defaultValue;
  }

  /** Sets `key`. @throws ConfigError when a checked setting gets a bad value (the old value stays). */
  set(key: string, value: string | number | boolean): void {
    const v = String(value);
    if (key === SESSION_TIME_ZONE) checkTimeZone(v, SESSION_TIME_ZONE, "session");
    if (isS3Setting(key)) configureS3({ ...this.getAll(), [key]: v });
    this.values.set(key, v);
  }

  /**
   * The session time zone (`spark.sql.session.timeZone`): an IANA name (`America/Los_Angeles`),
   * `UTC` or an offset (`+08:00`). Casts between timestamps and strings or dates, timestamp
   * literals without a zone, datetime functions, JSON/CSV timestamps and zone-less partition values
   * read wall-clock times in it. Unset, it is the process's zone (`TZ`), as Spark's default is the
   * JVM's; AWS Glue runs in UTC. Bound into each query when it is analysed, and recorded by
   * `load()` for the sources it creates.
   */
  sessionTimeZone(): string {
    return this.get(SESSION_TIME_ZONE) ?? systemTimeZone();
  }

  unset(key: string): void {
    this.values.delete(key);
    if (isS3Setting(key)) configureS3(this.getAll());
  }

  getAll(): Record<string, string> {
    return Object.fromEntries(this.values);
  }

  /**
   * Worker threads for stateless fragments (`sluice.exec.workers`; 0 runs the query in its own
   * thread, Parquet encoding included) and the input size below which they are not used
   * (`sluice.exec.parallelMinBytes`, default 8 MiB). The default is the machine's available
   * parallelism, except on one or two cores, where it is 0: there the query's own thread already
   * holds one core, and on a 2-core VM the seed job with 1 or 2 workers took the same wall time as
   * with none (1.6 s per 1 M events) for 0.5 to 1.0 more CPU-seconds and twice the memory
   * (worker start-up, the copies that move batches between threads, and three busy threads on two
   * cores); `bench/workloads/bronze-to-silver.ts` measures both.
   */
  parallelism(): { workers: number; minBytes: number } {
    const workers = Number(this.get("sluice.exec.workers") ?? String(defaultWorkers()));
    const minBytes = Number(this.get("sluice.exec.parallelMinBytes") ?? String(8 * 1024 * 1024));
    if (!Number.isInteger(workers) || workers < 0) {
      throw new ConfigError(`session: sluice.exec.workers must be a non-negative integer, got "${this.get("sluice.exec.workers")}"`, {
        option: "sluice.exec.workers",
      });
    }
    if (!Number.isFinite(minBytes) || minBytes < 0) {
      throw new ConfigError(`session: sluice.exec.parallelMinBytes must be a non-negative number, got "${this.get("sluice.exec.parallelMinBytes")}"`, {
        option: "sluice.exec.parallelMinBytes",
      });
    }
    return { workers, minBytes };
  }

  /** Settings recorded in each batch's `offsets/N` (`conf`), as Spark records them. */
  checkpointConf(): Record<string, string> {
    return {
      "spark.sql.streaming.stateStore.providerClass":
        this.get("spark.sql.streaming.stateStore.providerClass") ?? "sluice.state.VersionedStateStore",
      "spark.sql.shuffle.partitions": this.get("spark.sql.shuffle.partitions") ?? "1",
      "spark.sql.streaming.multipleWatermarkPolicy": this.get("spark.sql.streaming.multipleWatermarkPolicy") ?? "min",
    };
  }
}

/**
 * Global temporary views (`createGlobalTempView`, `global_temp.name`): shared by every session of
 * the process, as Spark shares them across the sessions of one application.
 */
const globalViews = new Map<string, DataFrame>();

/**
 * What Spark keeps in its catalog for a persistent view: sluice holds such views (a plain CREATE VIEW)
 * as temporary views that carry this.
 */
export interface ViewMetadata {
  /** The database the view belongs to: the current one when it was made. */
  readonly database: string;
  readonly properties: Readonly<Record<string, string>>;
  /** The view's query as written (`CREATE VIEW v AS …`), for DESCRIBE EXTENDED. */
  readonly text?: string;
  /** The names of the query's output columns, before any the view renames. */
  readonly queryColumns?: readonly string[];
}

/** Temporary views (`createOrReplaceTempView`, the memory sink's tables). */
export class Catalog {
  private readonly views = new Map<string, DataFrame>();
  private readonly viewMetadata = new Map<string, ViewMetadata>();

  /** @internal */
  constructor(private readonly session: SparkSession) {}

  /** @internal */
  registerTempView(name: string, df: DataFrame, metadata?: ViewMetadata): void {
    this.views.set(name.toLowerCase(), df);
    if (metadata === undefined) this.viewMetadata.delete(name.toLowerCase());
    else this.viewMetadata.set(name.toLowerCase(), metadata);
  }

  /** @internal The catalog metadata of a view made by a plain CREATE VIEW; undefined for a temporary view. */
  viewInfo(name: string): ViewMetadata | undefined {
    return this.viewMetadata.get(name.toLowerCase());
  }

  /** The view named `name`, or an AnalysisError with a suggestion. */
  view(name: string): DataFrame {
    const df = this.views.get(name.toLowerCase());
    if (df === undefined) {
      const table = memorySinkTable(name);
      if (table !== undefined) {
        return DataFrame.of(this.session, { kind: "localRelation", schema: table.schema, batches: table.batches, isStreaming: false });
      }
      const names = [...this.views.keys()];
      throw new AnalysisError(`analysis: table or view not found: ${name}${suggestion(name, names)}`);
    }
    return df;
  }

  /** Whether a temporary view (or a memory sink's table) has this name. */
  hasView(name: string): boolean {
    return this.views.has(name.toLowerCase()) || memorySinkTable(name) !== undefined;
  }

  dropTempView(name: string): boolean {
    this.viewMetadata.delete(name.toLowerCase());
    return this.views.delete(name.toLowerCase());
  }

  /** @internal */
  registerGlobalTempView(name: string, df: DataFrame): void {
    globalViews.set(name.toLowerCase(), df);
  }

  /** The global temp view `name` (`global_temp.name` in SQL), or an AnalysisError. */
  globalView(name: string): DataFrame {
    const df = globalViews.get(name.toLowerCase());
    if (df === undefined) {
      throw new AnalysisError(`analysis: table or view not found: global_temp.${name}${suggestion(name, [...globalViews.keys()])}`);
    }
    return df;
  }

  /** @internal Names of the global temp views (`global_temp.name`), sorted. */
  globalViewNames(): string[] {
    return [...globalViews.keys()].sort();
  }

  hasGlobalView(name: string): boolean {
    return globalViews.has(name.toLowerCase());
  }

  dropGlobalTempView(name: string): boolean {
    return globalViews.delete(name.toLowerCase());
  }

  /** Whether `name` is a temp view, a `global_temp.` view or a table of the session's catalog. */
  tableExists(name: string): boolean {
    const parts = name.split(".");
    if (parts.length === 2 && parts[0].toLowerCase() === "global_temp") return this.hasGlobalView(parts[1]);
    if (this.hasView(name)) return true;
    try {
      this.session.table(name);
      return true;
    } catch (e) {
      if (e instanceof AnalysisError) return false;
      throw e;
    }
  }

  /**
   * The tables of `database` (default: the current one) and the temp views, as Spark's
   * `catalog.listTables()`: name, database (null for a temp view), whether temporary.
   */
  listTables(database?: string): { name: string; database: string | null; isTemporary: boolean; tableType: string }[] {
    const db = (database ?? this.session.tables.currentDatabase).toLowerCase();
    const tables = this.session.tables.client().listTables(db).map((name) => ({ name, database: db, isTemporary: false, tableType: "MANAGED" }));
    const views = this.viewNames().map((name) => ({ name, database: null, isTemporary: true, tableType: "TEMPORARY" }));
    return [...tables, ...views];
  }

  /** @internal Names of the temp views, sorted. */
  viewNames(): string[] {
    return [...this.views.keys()].sort();
  }

  /** The database unqualified table names refer to (`USE db`). */
  currentDatabase(): string {
    return this.session.tables.currentDatabase;
  }

  /** Sets the current database. @throws AnalysisError when it does not exist. */
  setCurrentDatabase(name: string): void {
    if (this.session.tables.client().database(name) === null) throw new AnalysisError(`analysis: database '${name}' not found`);
    this.session.tables.currentDatabase = name.toLowerCase();
  }

  /** The warehouse catalog's databases. */
  listDatabases(): string[] {
    return this.session.tables.client().listDatabases();
  }
}

/** A statement `spark.sql` started that moves data, and whether anyone has seen its outcome. */
interface PendingCommand {
  readonly description: string;
  observed: boolean;
  error: unknown;
}

export class SparkSession {
  readonly conf: RuntimeConfig;
  readonly catalog: Catalog = new Catalog(this);
  /** @internal The warehouse tables and current database (`spark.sql`, `spark.table`). */
  readonly tables: SessionTables = new SessionTables(this);
  private pending: Promise<void> = Promise.resolve();
  private running = 0;
  /** Set while a statement runs: its own actions must not wait for the statements queued after it. */
  private readonly inCommand = new AsyncLocalStorage<true>();
  private readonly failed: PendingCommand[] = [];
  readonly streams = new StreamingQueryManager();
  readonly appName: string;

  private static active: SparkSession | null = null;

  /** @internal Use `SparkSession.builder…getOrCreate()`. */
  constructor(appName: string, conf: Readonly<Record<string, string>>) {
    registerBuiltinConnectors();
    this.appName = appName;
    this.conf = new RuntimeConfig(conf);
  }

  /** A new builder. */
  static get builder(): SparkSessionBuilder {
    return new SparkSessionBuilder();
  }

  /** The session `getOrCreate()` returned, or null. */
  static getActiveSession(): SparkSession | null {
    return SparkSession.active;
  }

  /** @internal */
  static setActive(s: SparkSession | null): void {
    SparkSession.active = s;
    setActiveSessionConf(s === null ? null : s.conf);
    if (s !== null) for (const hook of SparkSession.activationHooks) hook(s);
  }

  private static readonly activationHooks: ((s: SparkSession) => void)[] = [];

  /**
   * @internal Calls `hook` with the active session now (if any) and with each session that
   * becomes active later, so `sluice run` can watch the job's queries without creating the job's
   * session itself (its builder keeps its app name). Returns a function that removes the hook.
   */
  static onActivated(hook: (s: SparkSession) => void): () => void {
    SparkSession.activationHooks.push(hook);
    if (SparkSession.active !== null) hook(SparkSession.active);
    return () => {
      const i = SparkSession.activationHooks.indexOf(hook);
      if (i >= 0) SparkSession.activationHooks.splice(i, 1);
    };
  }

  /** Streaming sources: `spark.readStream.format(...)...load()`. */
  get readStream(): DataStreamReader {
    return new DataStreamReader(this);
  }

  /** Batch sources: `spark.read.format(...)...load()`. */
  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /**
   * A batch DataFrame from rows (objects keyed by field name) and a schema. Every value is checked
   * against the schema first, as PySpark's `verifySchema`: an integer out of its type's range, a
   * fraction for an integral type, a wrong kind of value or a null in a non-nullable field is an
   * ExecutionError naming the row, the column and the value. Timestamps keep microseconds: give a
   * bigint of microseconds since the epoch, a Date, a number of milliseconds, or a string such as
   * `2024-05-01 12:00:00.123456` (without a zone it is a wall-clock time in
   * `spark.sql.session.timeZone`, UTC when unset). See `columnar/row-values.ts` for every type.
   * @throws ExecutionError when a value does not fit its column.
   * @example spark.createDataFrame([{ id: "a", n: 1 }], "id STRING, n INT")
   */
  createDataFrame(rows: readonly Record<string, unknown>[], schema: StructType | string): DataFrame {
    const s = toSchema(schema);
    const zone = this.conf.sessionTimeZone() ?? "UTC";
    const batch = batchFromCheckedRows(s, rows, {
      subsystem: "createDataFrame",
      parseTimestamp: (text) => stringToTimestamp(text, zone),
      parseDate: stringToDate,
    });
    return DataFrame.of(this, { kind: "localRelation", schema: s, batches: [batch], isStreaming: false });
  }

  /**
   * A temporary view (or a memory sink's table) by name, else a table: of the Glue Data Catalog
   * when the session configures it (see `DataFrameReader.table`), else of the warehouse catalog
   * (`CREATE TABLE` in `spark.sql`; `db.table` or a table of the current database).
   * @throws AnalysisError when there is no such view or table.
   */
  table(name: string): DataFrame {
    return this.relation(parseAttributeName(name), name);
  }

  /**
   * @internal A table or view by its parsed name, for `spark.table` and SQL alike: a temp view, a
   * `global_temp` view, a path table (``delta.`/path` ``), a Glue table when the Glue catalog is
   * configured, else a warehouse table. `display` names it in the error when nothing matches.
   */
  relation(parts: readonly string[], display: string = parts.join(".")): DataFrame {
    if (parts.length === 1 && this.catalog.hasView(parts[0])) return this.catalog.view(parts[0]);
    if (parts.length === 2 && parts[0].toLowerCase() === "global_temp") return this.catalog.globalView(parts[1]);
    if (glueCatalogConfigured(this.conf.getAll()) && !isPathTable(parts)) return this.read.table(parts.join("."));
    const ref = this.tables.resolve(parts);
    if (ref === null) {
      throw new AnalysisError(`analysis: table or view not found: ${display}${suggestion(display, [...this.catalog.viewNames(), ...this.tables.client().listTables(this.tables.currentDatabase)])}`);
    }
    return this.tables.read(ref);
  }

  /**
   * @internal Starts `run` after the statements started before it (data-moving statements run in
   * order, in the background); returns a function that awaits its outcome and marks it seen.
   */
  startCommand<T>(description: string, run: () => Promise<T>): () => Promise<T> {
    const entry: PendingCommand = { description, observed: false, error: undefined };
    this.running++;
    const p = this.pending.then(() => this.inCommand.run(true, run));
    this.pending = p.then(
      () => {
        this.running--;
      },
      (e: unknown) => {
        this.running--;
        entry.error = e;
        if (!entry.observed) this.failed.push(entry);
      },
    );
    return () => {
      entry.observed = true;
      const i = this.failed.indexOf(entry);
      if (i >= 0) this.failed.splice(i, 1);
      return p;
    };
  }

  /** @internal Whether statements started by `spark.sql` are still running. */
  get commandsRunning(): boolean {
    return this.running > 0;
  }

  /**
   * Waits until every statement `spark.sql` started has finished. Actions (collect, show, count,
   * write) call it first, so they see what earlier statements wrote.
   * @throws the error of an earlier statement whose result nobody awaited (once).
   */
  async commandsDone(): Promise<void> {
    if (this.inCommand.getStore() === true) return;
    await this.pending;
    const f = this.failed.shift();
    if (f !== undefined) {
      f.observed = true;
      throw f.error;
    }
  }

  /**
   * Runs a SQL statement (Spark 3.5's grammar, non-ANSI semantics) and returns its result as a
   * DataFrame; a query over a streaming temp view is a streaming DataFrame. Statements that change
   * the session (CREATE TEMP VIEW, DROP VIEW, SET) take effect at once and return an empty result
   * (SET returns the key and value). See `api/sql.ts` for how names resolve.
   * @throws ParseError (with the position and a caret line) on bad syntax; AnalysisError on
   *   unknown tables or columns.
   * @example spark.sql("SELECT word, count(*) AS n FROM words GROUP BY word ORDER BY n DESC")
   */
  sql(text: string): DataFrame {
    const settings = parseSettingsOf((k) => this.conf.get(k));
    return withSessionConf(this.conf, () => withParseSettings(settings, () => runSql(this, text)));
  }

  /**
   * A DataFrame of one `id BIGINT` column from `start` (inclusive) to `end` (exclusive) by `step`;
   * with one argument, from 0 to it. As Spark's `spark.range`.
   * @example spark.range(5) // ids 0..4
   */
  range(start: number | bigint, end?: number | bigint, step: number | bigint = 1): DataFrame {
    const [from, to] = end === undefined ? [0, Number(start)] : [Number(start), Number(end)];
    return DataFrame.of(this, rangeRelation(from, to, Number(step)));
  }

  /** Stops every active query (after the statements `spark.sql` started have finished). */
  async stop(): Promise<void> {
    await this.commandsDone();
    await Promise.all(this.streams.active.map((q) => q.stop()));
    if (SparkSession.active === this) SparkSession.active = null;
  }
}

export class SparkSessionBuilder {
  private name = "sluice";
  private readonly settings: Record<string, string> = {};

  appName(name: string): this {
    this.name = name;
    return this;
  }

  /** Sets a session setting (`spark.sql.streaming.checkpointLocation`, …). */
  config(key: string, value: string | number | boolean): this {
    if (key === "") throw new ConfigError("session: config key must not be empty");
    this.settings[key] = String(value);
    return this;
  }

  /** Accepted for compatibility; sluice always runs in this process. */
  master(_url: string): this {
    return this;
  }

  /** Returns the active session (applying this builder's settings to it) or creates one. */
  getOrCreate(): SparkSession {
    const existing = SparkSession.getActiveSession();
    if (existing !== null) {
      for (const [k, v] of Object.entries(this.settings)) existing.conf.set(k, v);
      return existing;
    }
    const s = new SparkSession(this.name, this.settings);
    SparkSession.setActive(s);
    return s;
  }
}

/** `sluice.exec.workers` when unset: the available parallelism, or 0 on one or two cores (see `parallelism`). */
export function defaultWorkers(cores: number = availableParallelism()): number {
  return cores <= 2 ? 0 : cores;
}
