/**
 * DataFrame: an immutable query. Every method returns a new DataFrame over a new, analysed plan
 * node, so mistakes (unknown column, wrong type) fail at the call that made them. Nothing runs
 * until an action (`collect`, `show`, `count`, `write…save`) or `writeStream…start()`.
 */
import { AnalysisError, ConfigError, suggestion } from "../errors.js";
import { Observation } from "./observation.js";
import type { Batch } from "../columnar/batch.js";
import { batchToRows } from "../columnar/values.js";
import type { Row } from "../columnar/values.js";
import type { StructType } from "../types/data-types.js";
import { treeString, simpleString } from "../types/print-schema.js";
import type { Expr } from "../sql/expression.js";
import { andExpr, node } from "../sql/expression.js";
import { parseIntervalText } from "../types/interval-text.js";
import type { Expectation, ExpectationAction, LogicalPlan } from "../plan/logical.js";
import { joinTypeOf } from "../plan/logical.js";
import { selectWithGenerator } from "../plan/select-generator.js";
import { DataFrameNaFunctions } from "./na-functions.js";
import { describeRelation, summaryRelation } from "./describe.js";
import { inputFilesOf } from "./input-files.js";
import { selectWithWindows } from "../plan/window.js";
import { analyzeNode, analyzePlan } from "../plan/analyze.js";
import { withSessionConf } from "../plan/expressions/session-zone.js";
import type { ResolvedPlan } from "../plan/analyze.js";
import { explainString } from "../plan/explain.js";
import { containsAggregateCall } from "../plan/sql-planner.js";
import { parseAttributeName, parseExpression, parseNamedExpression } from "../sql/parser.js";
import { collectBatches, executeBatch } from "../runtime/batch-execution.js";
import { Column } from "./column.js";
import { col } from "./functions.js";
import { showString } from "../exec/show.js";
import type { ShowOptions } from "../exec/show.js";
import { GroupedData } from "./grouped-data.js";
import { DataStreamWriter } from "./data-stream-writer.js";
import { DataFrameWriter } from "./data-frame-writer.js";
import type { SparkSession } from "./session.js";

/** A column argument: a Column or a column name (`"a"`, `"data.event_id"`, `"data.*"`). */
export type ColumnLike = Column | string;

export class DataFrame {
  /** The session that created this DataFrame. */
  readonly sparkSession: SparkSession;
  /** The logical plan (frozen). */
  readonly logicalPlan: LogicalPlan;
  /** @internal The analysed plan. */
  readonly resolved: ResolvedPlan;
  /** Rows kept by {@link cache} (null batches until the first action). */
  private cacheState: { batches: Batch[] | null } | null = null;

  /** @internal Use the session's readers and the DataFrame methods to create DataFrames. */
  constructor(session: SparkSession, logicalPlan: LogicalPlan, resolved: ResolvedPlan) {
    this.sparkSession = session;
    this.logicalPlan = logicalPlan;
    this.resolved = resolved;
  }

  /** @internal Analyses `plan` (whose children are `children`) and wraps it. */
  static of(session: SparkSession, plan: LogicalPlan, children: readonly DataFrame[] = []): DataFrame {
    const resolved = withSessionConf(session.conf, () => analyzeNode(plan, children.map((c) => c.resolved)));
    return new DataFrame(session, plan, resolved);
  }

  /** The output schema. */
  get schema(): StructType {
    return this.resolved.schema;
  }

  /** Output column names, in order. */
  get columns(): string[] {
    return this.schema.fields.map((f) => f.name);
  }

  /** `[name, simpleString type]` pairs, as Spark's `dtypes`. */
  get dtypes(): [string, string][] {
    return this.schema.fields.map((f) => [f.name, simpleString(f.dataType)]);
  }

  /** True when the plan reads a streaming source. */
  get isStreaming(): boolean {
    return this.resolved.isStreaming;
  }

  /**
   * Projects columns or expressions.
   * @example df.select("data.*") ; df.select(col("a"), upper(col("b")).alias("B"))
   */
  select(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    return this.project(cols.flat().map(toExpr));
  }

  /**
   * Projects SQL expressions.
   * @example df.selectExpr("CAST(value AS STRING)", "upper(user_id) AS user")
   */
  selectExpr(...exprs: (string | readonly string[])[]): DataFrame {
    return this.project(exprs.flat().map((s) => parseNamedExpression(s)));
  }

  /** A projection, or, when it calls aggregate functions, a global aggregation (as Spark's analyzer). */
  private project(exprs: readonly Expr[]): DataFrame {
    const windowed = selectWithWindows(this.logicalPlan, exprs);
    if (windowed !== null) return new DataFrame(this.sparkSession, windowed, this.analyzed(windowed));
    const generated = selectWithGenerator(this.logicalPlan, exprs);
    if (generated !== null) return new DataFrame(this.sparkSession, generated, this.analyzed(generated));
    if (exprs.some(containsAggregateCall)) return this.derive({ kind: "aggregate", child: this.logicalPlan, groupBy: [], aggregates: exprs });
    return this.derive({ kind: "project", child: this.logicalPlan, exprs });
  }

  /**
   * Keeps rows where `condition` is true (null counts as false).
   * @example df.filter(col("event_id").isNotNull()) ; df.filter("amount > 10 AND currency = 'EUR'")
   */
  filter(condition: Column | string): DataFrame {
    const c = typeof condition === "string" ? parseExpression(condition) : condition.expr;
    return this.resolvingMissing((child) => ({ kind: "filter", child, condition: c }));
  }

  /**
   * A data-quality rule, as Databricks DLT's `@dlt.expect`: every row is checked, rows where
   * `condition` is not true (false or null) are counted as failed, and all rows go on. Each rule's
   * passed and failed counts per micro-batch appear in the progress (`dataQuality`, and
   * `observedMetrics.expectations` as `<name>.passed` / `<name>.failed`). Names are unique in a query.
   * @example df.expect("valid_amount", "amount >= 0")
   */
  expect(name: string, condition: Column | string): DataFrame {
    return this.expectations({ [name]: condition }, "warn");
  }

  /**
   * As {@link expect}, and rows failing the rule are dropped (DLT's `expect_or_drop`): the rows kept
   * are exactly those `filter(condition)` keeps, and the dropped ones are counted.
   * @example df.expectOrDrop("valid_id", col("event_id").isNotNull())
   */
  expectOrDrop(name: string, condition: Column | string): DataFrame {
    return this.expectations({ [name]: condition }, "drop");
  }

  /**
   * As {@link expect}, and the first row failing the rule stops the query with an
   * `ExpectationError` (code `SLUICE_EXPECTATION_FAILED`) naming the rule, the micro-batch and the
   * row (DLT's `expect_or_fail`). The batch is not committed, so a restart runs it again.
   */
  expectOrFail(name: string, condition: Column | string): DataFrame {
    return this.expectations({ [name]: condition }, "fail");
  }

  /**
   * As {@link expect}, and rows failing the rule leave the output for the query's quarantine table,
   * a Delta table named by `writeStream.option("quarantinePath", …)`, written exactly once per
   * micro-batch in step with the sink, with `_error` (every rule the row failed), `_batch_id` and
   * `_ingested_at` before the row's columns. Streaming queries only.
   * @example df.expectOrQuarantine("valid_amount", "amount >= 0")
   */
  expectOrQuarantine(name: string, condition: Column | string): DataFrame {
    return this.expectations({ [name]: condition }, "quarantine");
  }

  /** {@link expectOrQuarantine} for each rule: a row failing any of them is quarantined. */
  expectAllOrQuarantine(rules: Readonly<Record<string, Column | string>>): DataFrame {
    return this.expectations(rules, "quarantine");
  }

  /** {@link expect} for each rule of `rules` (name → condition), as DLT's `expect_all`. */
  expectAll(rules: Readonly<Record<string, Column | string>>): DataFrame {
    return this.expectations(rules, "warn");
  }

  /** {@link expectOrDrop} for each rule: a row failing any of them is dropped (DLT's `expect_all_or_drop`). */
  expectAllOrDrop(rules: Readonly<Record<string, Column | string>>): DataFrame {
    return this.expectations(rules, "drop");
  }

  /** {@link expectOrFail} for each rule (DLT's `expect_all_or_fail`). */
  expectAllOrFail(rules: Readonly<Record<string, Column | string>>): DataFrame {
    return this.expectations(rules, "fail");
  }

  /**
   * Spark's `observe`: aggregate `metrics` over the rows passing this point, which go on unchanged.
   * On a stream the metrics are computed per micro-batch and reported in its progress as
   * `observedMetrics[name]`; on a batch DataFrame pass an {@link Observation} and read it after an
   * action. Every metric is named by its alias and must aggregate (`count(lit(1)).alias("rows")`).
   * @throws AnalysisError for a metric that does not aggregate, a name used twice, an `Observation`
   *   on a stream or used twice.
   */
  observe(observation: string | Observation, ...metrics: Column[]): DataFrame {
    const name = typeof observation === "string" ? observation : observation.name;
    if (observation instanceof Observation) {
      if (this.isStreaming) throw new AnalysisError("observe: an Observation does not support streaming DataFrames; observe a stream by name and read progress.observedMetrics");
      if (observation.used) throw new AnalysisError(`observe: the Observation '${name}' is already used by a DataFrame; an Observation can be used once`);
    }
    const observed = this.derive({
      kind: "observe",
      child: this.logicalPlan,
      name,
      metrics: metrics.map((m) => m.expr),
      observation: observation instanceof Observation ? observation : null,
    });
    if (observation instanceof Observation) observation.used = true;
    return observed;
  }

  private expectations(rules: Readonly<Record<string, Column | string>>, action: ExpectationAction): DataFrame {
    const expectations: Expectation[] = Object.entries(rules).map(([name, c]) => ({
      name,
      condition: typeof c === "string" ? parseExpression(c) : c.expr,
      action,
    }));
    if (expectations.length === 0) return this;
    // Consecutive calls make one set of rules, as a DLT table's expectations are: every rule sees
    // every row that reached the first, whatever an earlier rule decided.
    const below = this.logicalPlan;
    const resolved = this.resolved;
    if (below.kind === "expect" && resolved.kind === "expect") {
      const merged: LogicalPlan = { kind: "expect", child: below.child, expectations: [...below.expectations, ...expectations] };
      return new DataFrame(this.sparkSession, merged, withSessionConf(this.sparkSession.conf, () => analyzeNode(merged, [resolved.child])));
    }
    return this.derive({ kind: "expect", child: below, expectations });
  }

  /**
   * Builds `make(this plan)`; when that fails to resolve a column and this DataFrame is a
   * projection whose input has it (`df.select("a").filter("b > 1")`), applies the operator below
   * the projection instead, as Spark's analyzer resolves missing references of a Filter or Sort.
   */
  private resolvingMissing(make: (child: LogicalPlan) => LogicalPlan): DataFrame {
    try {
      return this.derive(make(this.logicalPlan));
    } catch (e) {
      const p = this.logicalPlan;
      if (!(e instanceof AnalysisError) || p.kind !== "project") throw e;
      try {
        const plan: LogicalPlan = { kind: "project", child: make(p.child), exprs: p.exprs };
        return new DataFrame(this.sparkSession, plan, this.analyzed(plan));
      } catch {
        throw e;
      }
    }
  }

  /** Alias of {@link filter}. */
  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  /** Adds a column, or replaces the column of the same name in place (as Spark). */
  withColumn(name: string, column: Column): DataFrame {
    const lower = name.toLowerCase();
    let replaced = false;
    const exprs: Expr[] = this.columns.map((c) => {
      if (c.toLowerCase() === lower) {
        replaced = true;
        return node({ kind: "alias", child: column.expr, name });
      }
      return ref(c);
    });
    if (!replaced) exprs.push(node({ kind: "alias", child: column.expr, name }));
    // Through `project`, so a generator (`withColumn("w", explode(...))`) works as in Spark.
    return this.project(exprs);
  }

  /** Adds or replaces several columns at once. */
  withColumns(columns: Readonly<Record<string, Column>>): DataFrame {
    return Object.entries(columns).reduce<DataFrame>((df, [name, c]) => df.withColumn(name, c), this);
  }

  /**
   * Turns the `values` columns into rows (Spark's `unpivot` / `melt`): the `ids` columns, then the
   * column name in `variableColumnName` and its value in `valueColumnName` (the values' common type).
   * @example df.unpivot(["id"], ["q1", "q2"], "quarter", "sales")
   */
  unpivot(ids: string | readonly string[], values: string | readonly string[], variableColumnName: string, valueColumnName: string): DataFrame {
    const idList = typeof ids === "string" ? [ids] : ids;
    const valueList = typeof values === "string" ? [values] : values;
    if (valueList.length === 0) throw new AnalysisError("analysis: unpivot needs at least one value column");
    const args: Expr[] = [node({ kind: "literal", value: valueList.length, dataType: { typeName: "integer" } })];
    for (const v of valueList) args.push(node({ kind: "literal", value: v, dataType: { typeName: "string" } }), toExpr(v));
    const width = this.columns.length;
    const generated: LogicalPlan = { kind: "generate", child: this.logicalPlan, generator: "stack", args, outer: false, aliases: [variableColumnName, valueColumnName], qualifier: null };
    const plan: LogicalPlan = {
      kind: "project",
      child: generated,
      exprs: [...idList.map(toExpr), node({ kind: "ordinal", ordinal: width, name: variableColumnName }), node({ kind: "ordinal", ordinal: width + 1, name: valueColumnName })],
    };
    return new DataFrame(this.sparkSession, plan, this.analyzed(plan));
  }

  /** Same as {@link unpivot}. */
  melt(ids: string | readonly string[], values: string | readonly string[], variableColumnName: string, valueColumnName: string): DataFrame {
    return this.unpivot(ids, values, variableColumnName, valueColumnName);
  }

  /** Renames several columns (`{ old: "new" }`); names that are not columns are ignored. */
  withColumnsRenamed(renames: Readonly<Record<string, string>>): DataFrame {
    return Object.entries(renames).reduce<DataFrame>((df, [from, to]) => df.withColumnRenamed(from, to), this);
  }

  /** The same rows with the columns renamed, in order (`toDF("id", "name")`). */
  toDF(...names: string[]): DataFrame {
    if (names.length === 0) return this;
    if (names.length !== this.columns.length) {
      throw new AnalysisError(`analysis: toDF: ${names.length} names for ${this.columns.length} columns [${this.columns.join(", ")}]`);
    }
    return this.derive({ kind: "project", child: this.logicalPlan, exprs: names.map((n, i) => node({ kind: "alias", name: n, child: node({ kind: "ordinal", ordinal: i, name: this.columns[i] }) })) });
  }

  /** Null handling: `df.na.fill(0)`, `df.na.drop()`, `df.na.replace("N/A", null)`. */
  get na(): DataFrameNaFunctions {
    return new DataFrameNaFunctions(this);
  }

  /** Same as `na.fill`. */
  fillna(value: Parameters<DataFrameNaFunctions["fill"]>[0], subset?: string | readonly string[]): DataFrame {
    return this.na.fill(value, subset);
  }

  /** Same as `na.drop`. */
  dropna(how: "any" | "all" = "any", thresh?: number, subset?: string | readonly string[]): DataFrame {
    return this.na.drop(how, thresh, subset);
  }

  /** Same as `na.replace`. */
  replace(toReplace: Parameters<DataFrameNaFunctions["replace"]>[0], value?: Parameters<DataFrameNaFunctions["replace"]>[1], subset?: string | readonly string[]): DataFrame {
    return this.na.replace(toReplace, value, subset);
  }

  /**
   * A random sample: each row with probability `fraction` (Spark's `sample(fraction, seed)`, or
   * `sample(withReplacement, fraction, seed)`). The same seed over the same input gives the same rows.
   */
  sample(fraction: number, seed?: number): DataFrame;
  sample(withReplacement: boolean, fraction: number, seed?: number): DataFrame;
  sample(a: number | boolean, b?: number, c?: number): DataFrame {
    const withReplacement = typeof a === "boolean" ? a : false;
    const fraction = typeof a === "boolean" ? (b ?? NaN) : a;
    const seed = (typeof a === "boolean" ? c : b) ?? Math.floor(Math.random() * 2 ** 31);
    return this.derive({ kind: "sample", child: this.logicalPlan, fraction, withReplacement, seed });
  }

  /**
   * At most `numPartitions` partitions: lowers a `repartition(n)` below it (so a write makes fewer
   * files); otherwise the same DataFrame, since a file write already makes one file per partition
   * value (unless `maxRecordsPerFile` rolls it).
   */
  coalesce(numPartitions: number): DataFrame {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new AnalysisError(`analysis: coalesce: the number of partitions must be a positive integer, got ${numPartitions}`);
    return partitionsOf(this.resolved) > numPartitions ? this.derive({ kind: "repartition", child: this.logicalPlan, n: numPartitions }) : this;
  }

  /**
   * The same rows in `numPartitions` partitions: a batch write of it (with no `partitionBy`, or
   * through filters and projections) writes that many files of equal row counts, as Spark writes
   * one file per partition. Partitioning columns are accepted and do not change the rows.
   */
  repartition(numPartitions: number | ColumnLike, ...cols: ColumnLike[]): DataFrame {
    if (typeof numPartitions !== "number") return this;
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new AnalysisError(`analysis: repartition: the number of partitions must be a positive integer, got ${numPartitions}`);
    }
    void cols;
    return this.derive({ kind: "repartition", child: this.logicalPlan, n: numPartitions });
  }

  /** Renames a column; a no-op when `existing` is not a column (as Spark). */
  withColumnRenamed(existing: string, newName: string): DataFrame {
    const lower = existing.toLowerCase();
    if (!this.columns.some((c) => c.toLowerCase() === lower)) return this;
    const exprs = this.columns.map((c) => (c.toLowerCase() === lower ? node({ kind: "alias", child: ref(c), name: newName }) : ref(c)));
    return this.derive({ kind: "project", child: this.logicalPlan, exprs });
  }

  /**
   * Drops columns by name; names that are not columns are ignored (as Spark). A `col(...)`
   * reference may be qualified by an alias (`drop(col("s.id"))`).
   */
  drop(...cols: (string | Column)[]): DataFrame {
    const names = new Set(
      cols.map((c) => {
        if (typeof c === "string") return c.toLowerCase();
        const e = c.expr;
        if (e.kind !== "column") throw new AnalysisError("analysis: drop() takes column names or col(...) references");
        return (this.qualifiedColumnName(e.parts) ?? e.parts.join(".")).toLowerCase();
      }),
    );
    const keep = this.columns.filter((c) => !names.has(c.toLowerCase()));
    if (keep.length === this.columns.length) return this;
    return this.derive({ kind: "project", child: this.logicalPlan, exprs: keep.map(ref) });
  }

  /**
   * Removes duplicate rows, considering only the named columns when given: every Spark form is
   * accepted, `dropDuplicates()` (all columns), `dropDuplicates(["a", "b"])` (PySpark's list) and
   * `dropDuplicates("a", "b")` (Scala's varargs). On a stream, the keys seen are kept in the
   * checkpoint's state store across batches and restarts.
   * @throws AnalysisError naming the column when one is not in the schema, or when an argument is
   *   not a column name.
   * @example df.dropDuplicates() ; df.dropDuplicates(["event_id"]) ; df.dropDuplicates("user_id", "day")
   */
  dropDuplicates(subset?: readonly string[] | null): DataFrame;
  dropDuplicates(...cols: string[]): DataFrame;
  dropDuplicates(...args: readonly (string | readonly string[] | null | undefined)[]): DataFrame {
    return this.derive({ kind: "deduplicate", child: this.logicalPlan, keys: dropDuplicatesKeys("dropDuplicates", args) });
  }

  /** Alias of {@link dropDuplicates} (PySpark's `drop_duplicates`), with the same forms. */
  drop_duplicates(subset?: readonly string[] | null): DataFrame;
  drop_duplicates(...cols: string[]): DataFrame;
  drop_duplicates(...args: readonly (string | readonly string[] | null | undefined)[]): DataFrame {
    return this.derive({ kind: "deduplicate", child: this.logicalPlan, keys: dropDuplicatesKeys("drop_duplicates", args) });
  }

  /**
   * Spark 3.5's `dropDuplicatesWithinWatermark`: on a stream with a watermark, drops rows whose
   * key was seen within the watermark delay, even when their event times differ; a key is
   * forgotten once the watermark passes its first event time plus the delay, so the state stays
   * bounded. Takes the same forms as {@link dropDuplicates}.
   * @throws AnalysisError at `start()` when the stream has no watermark; on a batch DataFrame, when run.
   * @example events.withWatermark("ts", "1 hour").dropDuplicatesWithinWatermark(["event_id"])
   */
  dropDuplicatesWithinWatermark(subset?: readonly string[] | null): DataFrame;
  dropDuplicatesWithinWatermark(...cols: string[]): DataFrame;
  dropDuplicatesWithinWatermark(...args: readonly (string | readonly string[] | null | undefined)[]): DataFrame {
    const keys = dropDuplicatesKeys("dropDuplicatesWithinWatermark", args);
    return this.derive({ kind: "deduplicate", child: this.logicalPlan, keys, withinWatermark: true });
  }

  /** Alias of {@link dropDuplicatesWithinWatermark} (PySpark's `drop_duplicates_within_watermark`). */
  drop_duplicates_within_watermark(subset?: readonly string[] | null): DataFrame;
  drop_duplicates_within_watermark(...cols: string[]): DataFrame;
  drop_duplicates_within_watermark(...args: readonly (string | readonly string[] | null | undefined)[]): DataFrame {
    const keys = dropDuplicatesKeys("drop_duplicates_within_watermark", args);
    return this.derive({ kind: "deduplicate", child: this.logicalPlan, keys, withinWatermark: true });
  }

  /**
   * Declares `eventTime` (a timestamp column) the event time of these rows, and that rows may
   * arrive up to `delayThreshold` (an interval string; a month counts 31 days, as in Spark) after
   * the latest event time seen. The watermark (that maximum minus the delay, never decreasing)
   * lets aggregations emit final windows in append mode and lets stateful operators drop late rows
   * and evict state. On a batch DataFrame it has no effect.
   * @throws AnalysisError when the column is missing or not a timestamp; ConfigError when the delay is no interval or negative.
   * @example events.withWatermark("ts", "10 minutes").groupBy(window(col("ts"), "5 minutes")).count()
   */
  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    const delay = parseIntervalText(delayThreshold, "withWatermark");
    const delayMs = Math.trunc((delay.months * 31 * 86_400_000_000 + delay.micros) / 1000);
    if (delayMs < 0 || delay.micros < 0 || delay.months < 0) {
      throw new ConfigError(`withWatermark: delay threshold (${delayThreshold}) should not be negative`, { option: "delayThreshold" });
    }
    return this.derive({ kind: "watermark", child: this.logicalPlan, eventTime, delayMs, delayText: delayThreshold });
  }

  /** `dropDuplicates()` over every column. */
  distinct(): DataFrame {
    return this.dropDuplicates();
  }

  /**
   * Groups rows for aggregation.
   * @example df.groupBy("user_id").count() ; df.groupBy(col("user_id")).agg(sum("amount").alias("total"))
   */
  groupBy(...cols: (ColumnLike | readonly ColumnLike[])[]): GroupedData {
    return new GroupedData(this, cols.flat().map(toExpr));
  }

  /** Alias of {@link groupBy}. */
  groupby(...cols: (ColumnLike | readonly ColumnLike[])[]): GroupedData {
    return this.groupBy(...cols);
  }

  /** Aggregates over all rows: `df.agg(count("*"), max("ts"))`. */
  agg(...exprs: (Column | Readonly<Record<string, string>>)[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  /**
   * A reference to column `name` of this DataFrame (Scala's `df.col("x")`, PySpark's `df.x` /
   * `df["x"]`). Resolved by name where it is used; alias DataFrames (`df.alias("a")`) to tell the
   * sides of a self-join apart.
   * @throws AnalysisError when this DataFrame has no such column.
   */
  col(name: string): Column {
    const parts = parseAttributeName(name);
    if (!this.schema.fields.some((f) => f.name.toLowerCase() === parts[0].toLowerCase()) && this.qualifiedColumnName(parts) === null && !(parts.length === 1 && parts[0] === "*")) {
      throw new AnalysisError(`analysis: cannot resolve column '${name}' among [${this.columns.join(", ")}]${suggestion(name, this.columns)}`);
    }
    return col(name);
  }

  /**
   * Joins with `other`, as Spark's `Dataset.join`. `on` is a column name or a list of names (an
   * equi-join that outputs each name once, first: Spark's USING), or a boolean Column (a list of
   * Columns is their AND); omitted, every pair matches. `how`: inner (default), cross, outer/full,
   * left/left_outer, right/right_outer, semi/left_semi, anti/left_anti.
   *
   * Equality conjuncts between the two sides become hash keys; the rest of the condition is
   * evaluated on each key match. Write `df.alias("a")` and `other.alias("b")` to tell same-named
   * columns apart (`col("a.id") == col("b.id")`).
   *
   * A streaming DataFrame joins a static one (stream–static join): inner and cross with either side
   * streaming, left outer / semi / anti with the stream on the left, right outer with it on the
   * right. The static side is read again for every micro-batch. Stream–stream joins are refused at
   * `start()`.
   * @example orders.join(customers, "customer_id", "left")
   * @example a.alias("a").join(b.alias("b"), col("a.k").eqNullSafe(col("b.k")).and(col("a.t").lt(col("b.t"))))
   */
  join(other: DataFrame, on: string | readonly string[] | Column | readonly Column[] | null = null, how = "inner"): DataFrame {
    const joinType = joinTypeOf(how);
    if (joinType === null) {
      throw new AnalysisError(
        `analysis: join: unsupported join type '${how}'; supported: inner, cross, outer, full, fullouter, full_outer, left, leftouter, left_outer, right, rightouter, right_outer, semi, leftsemi, left_semi, anti, leftanti, left_anti`,
      );
    }
    let using: string[] | null = null;
    let condition: Expr | null = null;
    if (typeof on === "string") using = [on];
    else if (on instanceof Column) condition = on.expr;
    else if (on !== null && on.length > 0) {
      if (on.every((x): x is string => typeof x === "string")) using = [...on];
      else if (on.every((x): x is Column => x instanceof Column)) {
        condition = on.map((c) => c.expr).reduce(andExpr);
      } else {
        throw new AnalysisError("analysis: join: `on` must be a column name, a list of names, a Column or a list of Columns, not a mix");
      }
    }
    const plan: LogicalPlan = { kind: "join", left: this.logicalPlan, right: other.logicalPlan, joinType, condition, using, natural: false };
    return DataFrame.of(this.sparkSession, plan, [this, other]);
  }

  /** Every pair of rows of this DataFrame and `other` (Spark's `crossJoin`). */
  crossJoin(other: DataFrame): DataFrame {
    return this.join(other, null, "cross");
  }

  /** Rows of both inputs, matched by column position (as Spark's `union`; duplicates kept). */
  union(other: DataFrame): DataFrame {
    return DataFrame.of(this.sparkSession, { kind: "union", children: [this.logicalPlan, other.logicalPlan] }, [this, other]);
  }

  /** Alias of {@link union}. */
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  /** Union matching columns by name. */
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    const names = this.columns;
    const otherNames = new Map(other.columns.map((c) => [c.toLowerCase(), c]));
    const exprs: Expr[] = names.map((n) => {
      const o = otherNames.get(n.toLowerCase());
      if (o !== undefined) return ref(o);
      if (!allowMissingColumns) {
        throw new AnalysisError(`analysis: unionByName: column '${n}' is missing from the second input [${other.columns.join(", ")}]`);
      }
      const f = this.schema.fields.find((x) => x.name === n);
      return node({ kind: "alias", name: n, child: node({ kind: "cast", to: f?.dataType ?? this.schema.fields[0].dataType, child: node({ kind: "literal", value: null, dataType: { typeName: "null" } }) }) });
    });
    return this.union(other.select(...exprs.map((e) => new Column(e))));
  }

  /** Sorts rows (batch queries, or an aggregated stream in complete mode). */
  orderBy(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    const orders = cols.flat().map(toExpr);
    return this.resolvingMissing((child) => ({ kind: "sort", child, orders }));
  }

  /** Alias of {@link orderBy}. */
  sort(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    return this.orderBy(...cols);
  }

  /** The rows after the first `n` (batch DataFrames; Spark's `offset`). */
  offset(n: number): DataFrame {
    return this.derive({ kind: "offset", child: this.logicalPlan, n });
  }

  /** The first `n` rows. */
  limit(n: number): DataFrame {
    return this.derive({ kind: "limit", child: this.logicalPlan, n });
  }

  /**
   * Names this DataFrame as a relation (Spark's `Dataset.alias` / SubqueryAlias), so its columns
   * can be written `name.col`, and `name.*` selects them all. Same rows, same schema.
   *
   * Resolution, as Spark's analyzer: `x.y` is column `y` of the relation aliased `x` when one
   * exists; otherwise field `y` of a struct column `x` (so an alias shadows a struct column of the
   * same name; write `x.x.y` or use another alias to reach the field). Matching is case-insensitive
   * unless `spark.sql.caseSensitive`. The qualifier stays on the columns through `filter`, `where`,
   * `dropDuplicates`, `orderBy`, `limit`, `withColumn` (untouched columns) and projections of plain
   * column references; a computed or renamed column loses it. A new `alias` replaces the old one.
   * Works on streaming DataFrames too. `explain()` shows it as `SubqueryAlias name`.
   * `DeltaTable.merge` takes its source's alias from here.
   * @example
   * const s = updates.alias("s");
   * s.filter("s.amount > 0").select("s.*") ; s.select(col("s.id"), col("s.payload.kind"))
   */
  alias(name: string): DataFrame {
    return this.derive({ kind: "subqueryAlias", child: this.logicalPlan, alias: name });
  }

  /** Same as {@link alias} (Scala's `Dataset.as(alias)`). */
  as(name: string): DataFrame {
    return this.alias(name);
  }

  /** Registers this DataFrame as a temporary view for `spark.table(name)` and `spark.sql`. */
  createOrReplaceTempView(name: string): void {
    this.sparkSession.catalog.registerTempView(name, this);
  }

  /** As {@link createOrReplaceTempView}, but an AnalysisError when the view exists. */
  createTempView(name: string): void {
    if (this.sparkSession.catalog.hasView(name)) throw new AnalysisError(`analysis: temporary view '${name}' already exists`);
    this.sparkSession.catalog.registerTempView(name, this);
  }

  /** Registers a global temporary view, `global_temp.<name>` in SQL; shared by the process's sessions. */
  createOrReplaceGlobalTempView(name: string): void {
    this.sparkSession.catalog.registerGlobalTempView(name, this);
  }

  /** As {@link createOrReplaceGlobalTempView}, but an AnalysisError when the view exists. */
  createGlobalTempView(name: string): void {
    if (this.sparkSession.catalog.hasGlobalView(name)) throw new AnalysisError(`analysis: global temporary view '${name}' already exists`);
    this.sparkSession.catalog.registerGlobalTempView(name, this);
  }

  /** Prints the schema as Spark's tree (followed by an empty line, as Spark's `println` leaves). */
  printSchema(): void {
    process.stdout.write(`${treeString(this.schema)}\n`);
  }

  /** Prints the plan. With `extended`, also the analysed plan with types. */
  explain(extended = false): void {
    process.stdout.write(explainString(this.resolved, extended));
  }

  /** Runs the query and returns every row (batch DataFrames only). */
  async collect(): Promise<Row[]> {
    return (await this.collectBatches()).flatMap(batchToRows);
  }

  /**
   * Runs the query and returns the output chunks (columnar; batch DataFrames only). Like every
   * action, it first waits for the statements `spark.sql` started (INSERT, MERGE …).
   */
  async collectBatches(): Promise<Batch[]> {
    await this.sparkSession.commandsDone();
    if (this.cacheState?.batches != null) return [...this.cacheState.batches];
    const batches = await collectBatches(this.resolved, this.sparkSession.conf.parallelism());
    if (this.cacheState !== null) this.cacheState.batches = batches;
    return batches;
  }

  /** The first `n` rows. */
  async take(n: number): Promise<Row[]> {
    return this.limit(n).collect();
  }

  /** The first row (or null) when `n` is omitted, else the first `n` rows (Spark's `head`). */
  async head(): Promise<Row | null>;
  async head(n: number): Promise<Row[]>;
  async head(n?: number): Promise<Row | null | Row[]> {
    return n === undefined ? this.first() : this.take(n);
  }

  /**
   * count, mean, stddev, min and max of the numeric and string columns named (all when none), as a
   * DataFrame of strings with a `summary` column (computed when it is collected).
   */
  describe(...cols: (string | readonly string[])[]): DataFrame {
    return DataFrame.of(this.sparkSession, describeRelation(this, cols.flat()));
  }

  /** The statistics named (count, mean, stddev, min, max, percentiles like "75%"; default all eight), as `describe`. */
  summary(...stats: string[]): DataFrame {
    return DataFrame.of(this.sparkSession, summaryRelation(this, stats));
  }

  /**
   * The data files the query reads: each file source's listed files and each Delta table's files
   * at its current version (Spark's `inputFiles`, as URLs).
   */
  async inputFiles(): Promise<string[]> {
    return inputFilesOf(this.resolved);
  }

  /** Whether the query returns no row. */
  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  /** Each row as a JSON string, in a column `value` (Spark's `toJSON`). */
  toJSON(): DataFrame {
    return this.select(new Column(node({ kind: "alias", name: "value", child: node({ kind: "call", name: "to_json", distinct: false, args: [node({ kind: "call", name: "struct", distinct: false, args: this.columns.map((c, i) => node({ kind: "alias", name: c, child: node({ kind: "ordinal", ordinal: i, name: c }) })) })] }) })));
  }

  /**
   * Keeps this DataFrame's rows in memory after its first action, so later actions on it reuse them
   * (Spark's `cache`; `persist` takes a storage level and ignores it: memory is the only one).
   * DataFrames derived from it recompute from their own plan.
   */
  cache(): this {
    this.cacheState ??= { batches: null };
    return this;
  }

  /** Same as {@link cache}. */
  persist(_storageLevel?: unknown): this {
    return this.cache();
  }

  /** Forgets the cached rows. */
  unpersist(_blocking = false): this {
    this.cacheState = null;
    return this;
  }

  /** Whether {@link cache} was called. */
  get isCached(): boolean {
    return this.cacheState !== null;
  }

  /** The first row, or null. */
  async first(): Promise<Row | null> {
    const rows = await this.take(1);
    return rows.length === 0 ? null : rows[0];
  }

  /** Number of rows. */
  async count(): Promise<number> {
    await this.sparkSession.commandsDone();
    if (this.cacheState !== null) return (await this.collectBatches()).reduce((n, b) => n + b.numRows, 0);
    let n = 0;
    for await (const b of executeBatch(this.resolved, this.sparkSession.conf.parallelism())) n += b.numRows;
    return n;
  }

  /**
   * Prints the first `numRows` rows as Spark's table.
   * @example await df.show() ; await df.show(5, false)
   */
  async show(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    process.stdout.write(await this.showString({ numRows, truncate, vertical }));
  }

  /** The text `show()` prints. */
  async showString(options: ShowOptions = {}): Promise<string> {
    const n = options.numRows ?? 20;
    const batches = await this.limit(n + 1).collectBatches();
    return showString(this.schema, batches, { timeZone: this.sparkSession.conf.sessionTimeZone(), ...options, numRows: n });
  }

  /** Batch writer: `df.write.format("parquet").mode("append").save(path)`. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this);
  }

  /** Streaming writer: `df.writeStream.format("parquet").option(...).start()`. */
  get writeStream(): DataStreamWriter {
    if (!this.isStreaming) {
      throw new AnalysisError("analysis: 'writeStream' can be called only on a streaming DataFrame; use 'write' for batch DataFrames");
    }
    return new DataStreamWriter(this);
  }

  /** The name of the column `parts` denotes when its first part is an alias qualifying it (`s.id` → `id`). */
  private qualifiedColumnName(parts: readonly string[]): string | null {
    if (parts.length !== 2) return null;
    const [q, name] = parts.map((x) => x.toLowerCase());
    const i = this.schema.fields.findIndex((f, k) => f.name.toLowerCase() === name && this.resolved.qualifiers[k]?.toLowerCase() === q);
    return i < 0 ? null : this.schema.fields[i].name;
  }

  private derive(plan: LogicalPlan): DataFrame {
    return DataFrame.of(this.sparkSession, plan, [this]);
  }

  /** `plan` analysed in this session's time zone. */
  private analyzed(plan: LogicalPlan): ResolvedPlan {
    return withSessionConf(this.sparkSession.conf, () => analyzePlan(plan));
  }
}

/** The partition count `repartition(n)` gave these rows (through filters and projections), else 1. */
export function partitionsOf(plan: ResolvedPlan): number {
  let p = plan;
  while (p.kind === "project" || p.kind === "filter" || p.kind === "sample" || p.kind === "generate") p = p.child;
  return p.kind === "repartition" ? p.n : 1;
}

/**
 * The key columns of a `dropDuplicates` call from its arguments in any of Spark's forms: none (or
 * one `null`/`undefined`, PySpark's `subset=None`) means every column; one array is PySpark's list;
 * strings are Scala's varargs. A string is a column name, never split into characters.
 */
function dropDuplicatesKeys(method: string, args: readonly unknown[]): string[] | null {
  if (args.length === 0 || (args.length === 1 && (args[0] === undefined || args[0] === null))) return null;
  const names = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly unknown[]) : args;
  for (const n of names) {
    if (typeof n !== "string") {
      const got = Array.isArray(n) ? "a nested list" : n === null ? "null" : typeof n;
      throw new AnalysisError(
        `analysis: ${method} takes column names, as ${method}("a", "b") or ${method}(["a", "b"]); got ${got} in ${describeArgs(args)}`,
      );
    }
  }
  return [...(names as readonly string[])];
}

function describeArgs(args: readonly unknown[]): string {
  try {
    return JSON.stringify(args, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(args);
  } catch {
    return String(args);
  }
}

/** A column reference to an existing output column by exact name (no dot splitting). */
function ref(name: string): Expr {
  return node({ kind: "column", parts: [name] });
}

/** A Column or a column name as an expression. */
export function toExpr(c: ColumnLike): Expr {
  return typeof c === "string" ? col(c).expr : c.expr;
}
