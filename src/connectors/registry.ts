/**
 * The one explicit list of connectors. A format name maps to a connector that can validate options
 * and describe its schema (at `load()` time, so bad options fail early), and create fresh source or
 * sink instances when a query starts.
 */
import { ConfigError, suggestion } from "../errors.js";
import type { StructType } from "../types/data-types.js";
import type { Batch } from "../columnar/batch.js";
import type { BoundCall, BoundExpr } from "../plan/expressions/bound.js";
import type { UpdateKeys } from "../plan/update-keys.js";
import type { OutputMode } from "../plan/logical.js";
import type { StreamSource } from "./source.js";
import type { StreamSink } from "./sink.js";

export type Options = Readonly<Record<string, string>>;

/**
 * How a source instance will be used. `streaming`: false for a batch read (`spark.read`), where a
 * table source reads one snapshot rather than a stream of changes. `filter`: a predicate over the
 * source's output that the plan applies right after the source; a source may use it to skip input
 * it proves cannot match (Delta data skipping), but must never rely on it to drop rows (the plan
 * still filters). `timeZone`: the session time zone (see {@link SESSION_TIME_ZONE_OPTION}).
 */
export interface SourceHints {
  readonly streaming: boolean;
  /** The schema the plan was analysed with (resolved once, at `load()`). */
  readonly schema: StructType;
  readonly filter?: BoundExpr | null;
  /**
   * The ordinals of `schema`'s fields the plan reads, ascending; absent or null: all. A source may
   * return the other columns as nulls without reading them (a columnar file reads fewer columns);
   * it must still return every row.
   */
  readonly columns?: readonly number[] | null;
  /**
   * A text source's fused read (issue 15): the plan reads `value` only as this `from_json` call,
   * so the source returns the call's result in its place, parsed from the lines where they lie
   * in the file's bytes; `schema` then types `value` as the call's result. Other sources never
   * get it.
   */
  readonly jsonValue?: BoundCall | null;
  /**
   * The session time zone (`spark.sql.session.timeZone`) that zone-less timestamps in the input
   * are read in (Delta's timestamp partition values): an IANA name, `UTC` or an offset, validated
   * by the session. Absent means UTC, sluice's default session time zone.
   */
  readonly timeZone?: string;
}

/**
 * The source option under which `load()` records the session's `spark.sql.session.timeZone` (when
 * the session sets one), so the zone travels with the plan to every place a source is created
 * (batch, streaming, worker threads). It is not a connector option: connectors obtained from
 * {@link sourceConnector} never see it in their options and get it as {@link SourceHints.timeZone}.
 */
export const SESSION_TIME_ZONE_OPTION = "spark.sql.session.timeZone";

/** How a DataFrame reads a source: as a stream (`readStream`) or once (`read`). */
export interface SchemaContext {
  readonly streaming: boolean;
}

/**
 * A source format. Its schema is resolved once, when `load()` defines the DataFrame, and stored in
 * the plan; every instance the query creates later (in the query's thread or a worker) reads with
 * that schema.
 */
export interface SourceConnector {
  /**
   * Validates `options` and `userSchema` without any I/O (throws ConfigError naming the option,
   * with a did-you-mean for unknown ones) and returns the output schema when it is known without
   * reading storage (a fixed schema, or the user's where the format takes it as is); `null` when
   * only {@link resolveSchema} can tell.
   */
  staticSchema(options: Options, userSchema: StructType | null, ctx: SchemaContext): StructType | null;
  /**
   * Reads what the schema depends on (a table's log, a file footer, that the path exists) and
   * returns it. Called when `staticSchema` returned null, once per `load()`, in the blocking-call
   * worker (`runtime/source-schema.ts`): it may use any storage, but only through the `Storage`
   * interface. Throws ConfigError, AnalysisError (no such table, no files to infer from) or
   * StorageError.
   */
  resolveSchema?(options: Options, userSchema: StructType | null, ctx: SchemaContext): Promise<StructType>;
  /** A fresh source instance for one query run, reading with `hints.schema`. No I/O. */
  create(options: Options, hints: SourceHints): StreamSource;
}

/** What a sink is told when a query starts. */
export interface SinkContext {
  readonly options: Options;
  readonly schema: StructType;
  readonly outputMode: OutputMode;
  readonly partitionBy: readonly string[];
  readonly queryName: string | null;
  /** The query's stable id (Delta's txn appId). */
  readonly queryId: string;
  /** Sinks may encode output in a worker thread (`sluice.exec.workers` > 0). */
  readonly writerThread?: boolean;
  /** What identifies a row of the query's result in update mode (merging sinks upsert by it). */
  readonly updateKeys?: UpdateKeys;
  /**
   * The session's settings when the query started (Spark's `SQLConf`): the file sink's log
   * retention, Delta's `spark.databricks.delta.properties.defaults.*`. Absent: Spark's defaults.
   */
  readonly sessionConf?: Readonly<Record<string, string>>;
}

export interface SinkConnector {
  /** Output modes this sink supports. */
  readonly outputModes: readonly OutputMode[];
  /** Validates options (throws ConfigError) before the query starts. */
  validate(ctx: SinkContext): void;
  create(ctx: SinkContext): StreamSink;
  /** Writes a batch DataFrame once (`df.write…save()`); absent for formats that only stream. */
  writeBatch?(write: BatchWrite): Promise<void>;
}

/** Spark's save modes, canonical spelling. */
export type SaveMode = "append" | "overwrite" | "errorifexists" | "ignore";

/** What `df.write…save()` asks a sink connector to write. */
export interface BatchWrite {
  readonly mode: SaveMode;
  /** Writer options as strings (`path` included); unknown names are refused. */
  readonly options: Options;
  /** `partitionBy(...)` columns. */
  readonly partitionBy: readonly string[];
  readonly schema: StructType;
  /** Runs the query; not called when the mode decides nothing is written (`ignore` on existing data). */
  readonly data: () => AsyncIterable<Batch>;
  /** Big files may be encoded in a writer thread (`sluice.exec.workers` > 0). */
  readonly writerThread: boolean;
  /** The session's settings (Delta's `spark.databricks.delta.properties.defaults.*`). Absent: none. */
  readonly sessionConf?: Readonly<Record<string, string>>;
}

export interface Connector {
  readonly name: string;
  readonly source?: SourceConnector;
  readonly sink?: SinkConnector;
}

const connectors = new Map<string, Connector>();

/** Registers a connector under its (case-insensitive) name. */
export function registerConnector(c: Connector): void {
  connectors.set(c.name.toLowerCase(), c);
}

/** The connector for `format`, or a ConfigError naming the format with a suggestion. */
export function getConnector(format: string, role: "source" | "sink"): Connector {
  const c = connectors.get(format.toLowerCase());
  const usable = [...connectors.values()].filter((x) => (role === "source" ? x.source : x.sink) !== undefined);
  if (c === undefined || (role === "source" ? c.source : c.sink) === undefined) {
    const names = usable.map((x) => x.name);
    throw new ConfigError(
      `${role === "source" ? "readStream" : "writeStream"}: unknown ${role} format '${format}'${suggestion(format, names)} (available: ${names.join(", ")})`,
      { option: "format" },
    );
  }
  return c;
}

/**
 * The source side of `format`'s connector, with session settings recorded in the options
 * ({@link SESSION_TIME_ZONE_OPTION}) removed from the options it is given and passed to `create`
 * as hints instead (a `timeZone` already in the hints wins).
 */
export function sourceConnector(format: string): SourceConnector {
  const s = getConnector(format, "source").source;
  if (s === undefined) throw new ConfigError(`readStream: '${format}' cannot be read`);
  const resolve = s.resolveSchema;
  return {
    staticSchema: (options, userSchema, ctx) => s.staticSchema(withoutSessionOptions(options), userSchema, ctx),
    resolveSchema: resolve === undefined ? undefined : (options, userSchema, ctx) => resolve.call(s, withoutSessionOptions(options), userSchema, ctx),
    create: (options, hints) => {
      const timeZone = options[SESSION_TIME_ZONE_OPTION];
      const withZone = timeZone === undefined || hints.timeZone !== undefined ? hints : { ...hints, timeZone };
      return s.create(withoutSessionOptions(options), withZone);
    },
  };
}

function withoutSessionOptions(options: Options): Options {
  if (!(SESSION_TIME_ZONE_OPTION in options)) return options;
  const { [SESSION_TIME_ZONE_OPTION]: _zone, ...rest } = options;
  return rest;
}

export function sinkConnector(format: string): SinkConnector {
  const s = getConnector(format, "sink").sink;
  if (s === undefined) throw new ConfigError(`writeStream: '${format}' cannot be written`);
  return s;
}
