/**
 * `DeltaTable`: Delta Lake's programmatic table API (`io.delta.tables.DeltaTable` / `delta.tables`)
 * over a table path — merge (upsert), optimize (compaction), vacuum, history, toDF.
 *
 * Differences from Delta Lake, all forced by JavaScript or by what sluice has:
 * - Operations that do I/O return Promises (`history`, `vacuum`, `executeCompaction`, `execute`);
 *   `history()` runs when called instead of returning a lazy DataFrame over the log.
 * - Merge names: as in Delta, the target is qualified by `alias("t")` and the source by its
 *   DataFrame's alias (`updates.alias("s")`); a bare column name resolves when only one side has
 *   it. When neither is aliased, sluice still accepts `target.col` and `source.col`; the option
 *   `merge(source, condition, { sourceAlias: "s" })` is a fallback that names an unaliased source.
 * - `history()` has no `job` and `notebook` columns; `operationParameters` and `operationMetrics`
 *   are `map<string,string>` as in Spark.
 *
 * @example
 * const t = DeltaTable.forPath(spark, "/lake/silver/users");
 * await t.alias("t")
 *   .merge(updates.alias("s"), "t.id = s.id")
 *   .whenMatchedUpdateAll()
 *   .whenNotMatchedInsertAll()
 *   .execute();
 */
import type { Column } from "./column.js";
import { AnalysisError } from "../errors.js";
import type { DataFrame } from "./dataframe.js";
import type { SparkSession } from "./session.js";
import type { Expr } from "../sql/expression.js";
import { parseExpression } from "../sql/parser.js";
import { resolveLocation } from "../storage/resolve.js";
import type { Storage } from "../storage/storage.js";
import { BooleanType, DoubleType, LongType, StringType, StructField, StructType } from "../types/data-types.js";
import { HISTORY_SCHEMA, historyRows, readHistory } from "../tables/delta/history.js";
import { mergeIntoTable } from "../tables/delta/merge.js";
import { hasDeltaLog, notADeltaTable } from "../tables/delta/table-check.js";
import type { MergeClause } from "../tables/delta/merge.js";
import { optimizeTable } from "../tables/delta/optimize.js";
import type { FileSizeMetrics } from "../tables/delta/optimize.js";
import { RETENTION_CHECK_CONF, VACUUM_LOGGING_CONF, vacuumTable } from "../tables/delta/vacuum.js";

/** A condition or value: a SQL expression string (`"t.id = s.id"`) or a Column. */
export type ExprLike = string | Column;

/** Options of {@link DeltaTable.merge}. */
export interface MergeSourceOptions {
  /**
   * A fallback for a source DataFrame without an alias: the name qualifying its columns in
   * conditions and values (`s` in `s.id`); `source` by default. Prefer `source.alias("s")`, as
   * in Delta. Must agree with the DataFrame's alias when it has one.
   */
  readonly sourceAlias?: string;
}

/** The schema of `vacuum()`'s result. */
export const VACUUM_RESULT_SCHEMA = StructType([StructField("path", StringType())]);

export class DeltaTable {
  private constructor(
    private readonly spark: SparkSession,
    /** The path as the user gave it (shown in errors). */
    private readonly path: string,
    private readonly storage: Storage,
    private readonly key: string,
    private readonly aliasName: string | null,
  ) {}

  /**
   * The Delta table at `path` (a local path, `file:` or `memory:` URL). Does no I/O: a path without
   * a table fails at the first operation with AnalysisError "`<path>` is not a Delta table.".
   * @throws ConfigError when the location cannot be resolved (unknown URL scheme …).
   */
  static forPath(spark: SparkSession, path: string): DeltaTable {
    const { storage, key } = resolveLocation(path);
    return new DeltaTable(spark, path, storage, key, null);
  }

  /** Whether `path` is the root of a Delta table (its `_delta_log/` has a commit or checkpoint). */
  static async isDeltaTable(spark: SparkSession, path: string): Promise<boolean> {
    void spark;
    const { storage, key } = resolveLocation(path);
    return hasDeltaLog(storage, key);
  }

  /** The same table, its columns qualified by `name` in merge conditions and values. */
  alias(name: string): DeltaTable {
    return new DeltaTable(this.spark, this.path, this.storage, this.key, name);
  }

  /** Same as {@link alias}. */
  as(name: string): DeltaTable {
    return this.alias(name);
  }

  /** The table's current content: `spark.read.format("delta").load(path)`. */
  toDF(): DataFrame {
    return this.spark.read.format("delta").load(this.path);
  }

  /**
   * The commits still in the log, newest first (at most `limit`), with Spark's DESCRIBE HISTORY
   * columns (see `HISTORY_SCHEMA`). Reads the log when called.
   */
  async history(limit?: number): Promise<DataFrame> {
    await this.requireTable();
    const entries = await readHistory(this.storage, this.key, limit);
    return this.spark.createDataFrame(historyRows(entries), HISTORY_SCHEMA);
  }

  /** Starts an OPTIMIZE: `.where("date = '2024-01-01'")` (partition columns only), then `.executeCompaction()`. */
  optimize(): DeltaOptimizeBuilder {
    return new DeltaOptimizeBuilder(this, []);
  }

  /**
   * Deletes files no longer referenced by the table and older than `retentionHours` (default: the
   * table's `delta.deletedFileRetentionDuration`, 168 hours). A retention below that is refused
   * unless the session sets `spark.databricks.delta.retentionDurationCheck.enabled` to `false`.
   * Returns, as Spark, one row with the table's `path`.
   */
  async vacuum(retentionHours?: number): Promise<DataFrame> {
    await this.requireTable();
    const conf = this.spark.conf;
    await vacuumTable(this.storage, this.key, {
      retentionHours,
      retentionCheck: conf.get(RETENTION_CHECK_CONF, "true")?.toLowerCase() !== "false",
      logging: conf.get(VACUUM_LOGGING_CONF, "true")?.toLowerCase() !== "false",
    });
    return this.spark.createDataFrame([{ path: this.path }], VACUUM_RESULT_SCHEMA);
  }

  /**
   * Starts a MERGE of `source` into this table on `condition`; add clauses, then `execute()`.
   * Target columns are qualified by this table's {@link alias} (`target` when none); source columns
   * by the DataFrame's own alias (`updates.alias("s")`, as Delta), else by `options.sourceAlias`
   * (`source` when none). A bare column name resolves when only one side has it.
   * @example
   * dt.alias("t").merge(updates.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute()
   * @throws AnalysisError when `options.sourceAlias` differs from the source DataFrame's alias.
   */
  merge(source: DataFrame, condition: ExprLike, options: MergeSourceOptions = {}): DeltaMergeBuilder {
    const fallback = options.sourceAlias;
    if (fallback !== undefined) {
      const other = source.resolved.qualifiers.find((q) => q !== null && q.toLowerCase() !== fallback.toLowerCase());
      if (other !== undefined && other !== null) {
        throw new AnalysisError(`delta merge: the source DataFrame is aliased '${other}' but options.sourceAlias is '${fallback}'; drop the option or use the same name`);
      }
    }
    return new DeltaMergeBuilder(this, source, toExpr(condition), fallback ?? "source", []);
  }

  /** @internal */
  get internals(): { readonly spark: SparkSession; readonly path: string; readonly storage: Storage; readonly key: string; readonly aliasName: string | null } {
    return { spark: this.spark, path: this.path, storage: this.storage, key: this.key, aliasName: this.aliasName };
  }

  /** @internal Throws Delta's "is not a Delta table" error naming the user's path. */
  async requireTable(): Promise<void> {
    if (!(await hasDeltaLog(this.storage, this.key))) throw notADeltaTable(this.path);
  }
}

/** The schema of `executeCompaction()`'s result: the table path and Delta's OptimizeMetrics. */
const FILE_SIZE_METRICS = StructType([
  StructField("min", LongType()),
  StructField("max", LongType()),
  StructField("avg", DoubleType()),
  StructField("totalFiles", LongType()),
  StructField("totalSize", LongType()),
]);
export const OPTIMIZE_RESULT_SCHEMA = StructType([
  StructField("path", StringType()),
  StructField(
    "metrics",
    StructType([
      StructField("numFilesAdded", LongType()),
      StructField("numFilesRemoved", LongType()),
      StructField("filesAdded", FILE_SIZE_METRICS),
      StructField("filesRemoved", FILE_SIZE_METRICS),
      StructField("partitionsOptimized", LongType()),
      StructField("numBatches", LongType()),
      StructField("totalConsideredFiles", LongType()),
      StructField("totalFilesSkipped", LongType()),
      StructField("preserveInsertionOrder", BooleanType()),
      StructField("startTimeMs", LongType()),
      StructField("endTimeMs", LongType()),
      StructField("numTableColumns", LongType()),
    ]),
  ),
]);

/** An OPTIMIZE being configured (immutable: each method returns a new builder). */
export class DeltaOptimizeBuilder {
  /** @internal */
  constructor(
    private readonly table: DeltaTable,
    private readonly predicates: readonly Expr[],
  ) {}

  /** Restricts compaction to partitions matching `partitionFilter` (partition columns only). */
  where(partitionFilter: string): DeltaOptimizeBuilder {
    return new DeltaOptimizeBuilder(this.table, [...this.predicates, parseExpression(partitionFilter)]);
  }

  /**
   * Bin-packs the small files of each partition (sizes from `spark.databricks.delta.optimize.minFileSize`
   * and `.maxFileSize`, both 1 GiB by default) and commits one OPTIMIZE. Returns one row: `path`
   * and `metrics` (numFilesAdded, numFilesRemoved, filesAdded, filesRemoved, …).
   */
  async executeCompaction(): Promise<DataFrame> {
    const { spark, path, storage, key } = this.table.internals;
    await this.table.requireTable();
    const size = (name: string): number | undefined => {
      const v = spark.conf.get(`spark.databricks.delta.optimize.${name}`);
      return v === undefined ? undefined : Number(v);
    };
    const r = await optimizeTable(storage, key, { where: this.predicates, minFileSize: size("minFileSize"), maxFileSize: size("maxFileSize") });
    const m = r.metrics;
    const sizes = (s: FileSizeMetrics): Record<string, unknown> => ({
      min: s.min === null ? null : BigInt(s.min),
      max: s.max === null ? null : BigInt(s.max),
      avg: s.avg,
      totalFiles: BigInt(s.totalFiles),
      totalSize: BigInt(s.totalSize),
    });
    const row = {
      path,
      metrics: {
        numFilesAdded: BigInt(m.numFilesAdded),
        numFilesRemoved: BigInt(m.numFilesRemoved),
        filesAdded: sizes(m.filesAdded),
        filesRemoved: sizes(m.filesRemoved),
        partitionsOptimized: BigInt(m.partitionsOptimized),
        numBatches: BigInt(m.numBatches),
        totalConsideredFiles: BigInt(m.totalConsideredFiles),
        totalFilesSkipped: BigInt(m.totalFilesSkipped),
        preserveInsertionOrder: m.preserveInsertionOrder,
        startTimeMs: BigInt(m.startTimeMs),
        endTimeMs: BigInt(m.endTimeMs),
        numTableColumns: BigInt(m.numTableColumns),
      },
    };
    return spark.createDataFrame([row], OPTIMIZE_RESULT_SCHEMA);
  }
}

/** An update clause's arguments: new values by target column, and an optional condition. */
export interface MergeUpdateSpec {
  readonly set: Readonly<Record<string, ExprLike>>;
  readonly condition?: ExprLike;
}

/** An insert clause's arguments: values by target column (others null), and an optional condition. */
export interface MergeInsertSpec {
  readonly values: Readonly<Record<string, ExprLike>>;
  readonly condition?: ExprLike;
}

/** The schema of `execute()`'s result, as Delta 3's. */
export const MERGE_RESULT_SCHEMA = StructType([
  StructField("num_affected_rows", LongType()),
  StructField("num_updated_rows", LongType()),
  StructField("num_deleted_rows", LongType()),
  StructField("num_inserted_rows", LongType()),
]);

/**
 * A MERGE being configured (immutable: each method returns a new builder). Clauses of one kind are
 * tried in the order given; the first whose condition holds applies.
 */
export class DeltaMergeBuilder {
  /** @internal */
  constructor(
    private readonly table: DeltaTable,
    private readonly source: DataFrame,
    private readonly condition: Expr,
    private readonly sourceAlias: string,
    private readonly clauses: readonly MergeClause[],
  ) {}

  /** WHEN MATCHED [AND condition] THEN UPDATE SET col = value, … */
  whenMatchedUpdate(spec: MergeUpdateSpec): DeltaMergeBuilder {
    return this.with({ when: "matched", action: "update", condition: optExpr(spec.condition), assignments: assignments(spec.set) });
  }

  /** WHEN MATCHED [AND condition] THEN UPDATE SET * (every column from the source column of the same name). */
  whenMatchedUpdateAll(condition?: ExprLike): DeltaMergeBuilder {
    return this.with({ when: "matched", action: "update", condition: optExpr(condition), assignments: "*" });
  }

  /** WHEN MATCHED [AND condition] THEN DELETE */
  whenMatchedDelete(condition?: ExprLike): DeltaMergeBuilder {
    return this.with({ when: "matched", action: "delete", condition: optExpr(condition) });
  }

  /** WHEN NOT MATCHED [AND condition] THEN INSERT (col, …) VALUES (value, …); other columns null. */
  whenNotMatchedInsert(spec: MergeInsertSpec): DeltaMergeBuilder {
    return this.with({ when: "notMatched", action: "insert", condition: optExpr(spec.condition), assignments: assignments(spec.values) });
  }

  /** WHEN NOT MATCHED [AND condition] THEN INSERT * */
  whenNotMatchedInsertAll(condition?: ExprLike): DeltaMergeBuilder {
    return this.with({ when: "notMatched", action: "insert", condition: optExpr(condition), assignments: "*" });
  }

  /** WHEN NOT MATCHED BY SOURCE [AND condition] THEN UPDATE SET … (conditions and values see the target only). */
  whenNotMatchedBySourceUpdate(spec: MergeUpdateSpec): DeltaMergeBuilder {
    return this.with({ when: "notMatchedBySource", action: "update", condition: optExpr(spec.condition), assignments: assignments(spec.set) });
  }

  /** WHEN NOT MATCHED BY SOURCE [AND condition] THEN DELETE */
  whenNotMatchedBySourceDelete(condition?: ExprLike): DeltaMergeBuilder {
    return this.with({ when: "notMatchedBySource", action: "delete", condition: optExpr(condition) });
  }

  /**
   * Runs the merge in one commit. Returns Delta 3's one-row result: num_affected_rows,
   * num_updated_rows, num_deleted_rows, num_inserted_rows.
   * @throws AnalysisError for unresolved names or a missing table; ExecutionError when several source
   *   rows match one target row; CommitConflictError when a concurrent commit removed a file read.
   */
  async execute(): Promise<DataFrame> {
    const { spark, storage, key, aliasName } = this.table.internals;
    await this.table.requireTable();
    const batches = await this.source.collectBatches();
    const r = await mergeIntoTable(storage, key, {
      source: { schema: this.source.schema, batches, qualifiers: this.source.resolved.qualifiers },
      condition: this.condition,
      clauses: this.clauses,
      targetAlias: aliasName ?? undefined,
      sourceAlias: this.sourceAlias,
      caseSensitive: spark.conf.get("spark.sql.caseSensitive", "false")?.toLowerCase() === "true",
      timeZone: spark.conf.sessionTimeZone(),
    });
    const m = r.metrics;
    const affected = m.numTargetRowsUpdated + m.numTargetRowsDeleted + m.numTargetRowsInserted;
    return spark.createDataFrame(
      [
        {
          num_affected_rows: BigInt(affected),
          num_updated_rows: BigInt(m.numTargetRowsUpdated),
          num_deleted_rows: BigInt(m.numTargetRowsDeleted),
          num_inserted_rows: BigInt(m.numTargetRowsInserted),
        },
      ],
      MERGE_RESULT_SCHEMA,
    );
  }

  private with(clause: MergeClause): DeltaMergeBuilder {
    return new DeltaMergeBuilder(this.table, this.source, this.condition, this.sourceAlias, [...this.clauses, clause]);
  }
}

function toExpr(e: ExprLike): Expr {
  return typeof e === "string" ? parseExpression(e) : e.expr;
}

function optExpr(e: ExprLike | undefined): Expr | undefined {
  return e === undefined ? undefined : toExpr(e);
}

function assignments(map: Readonly<Record<string, ExprLike>>): (readonly [string, Expr])[] {
  return Object.entries(map).map(([k, v]) => [k, toExpr(v)] as const);
}
