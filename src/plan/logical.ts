/**
 * The logical plan: frozen nodes with a `kind` discriminant, built by the DataFrame API and never
 * mutated. Analysis (`analyze.ts`) resolves each node against its child's output schema.
 */
import type { Batch } from "../columnar/batch.js";
import type { StructType } from "../types/data-types.js";
import type { Expr } from "../sql/expression.js";
import type { GroupStateFunction, GroupStateTimeout } from "../state/group-state.js";

/**
 * How a streaming query's result reaches its sink (Spark's `outputMode`): `append` emits only new
 * rows, `update` the rows that changed in the batch, `complete` the whole result every batch.
 */
export type OutputMode = "append" | "update" | "complete";

/** A table-like input: a streaming or batch source named by format and options. */
export interface SourceNode {
  readonly kind: "source";
  readonly format: string;
  readonly options: Readonly<Record<string, string>>;
  /** The user's `.schema(...)`, when given. */
  readonly userSchema: StructType | null;
  /** The source's output schema, resolved once by `load()` (`runtime/source-schema.ts`). */
  readonly schema: StructType;
  readonly isStreaming: boolean;
  /** Path given to `load(path)`, if any (also present as option `path`). */
  readonly path: string | null;
}

/** Rows held in memory (createDataFrame, the DataFrame handed to foreachBatch, collected views). */
export interface LocalRelationNode {
  readonly kind: "localRelation";
  readonly schema: StructType;
  readonly batches: readonly Batch[];
  readonly isStreaming: false;
}

export interface ProjectNode {
  readonly kind: "project";
  readonly child: LogicalPlan;
  readonly exprs: readonly Expr[];
}

export interface FilterNode {
  readonly kind: "filter";
  readonly child: LogicalPlan;
  readonly condition: Expr;
}

/**
 * What a row that fails an expectation does: stays and is counted (`warn`), is dropped and counted
 * (`drop`), stops the query (`fail`): Databricks DLT's three actions; or leaves the output for the
 * query's quarantine table (`quarantine`, with `writeStream.option("quarantinePath", …)`).
 */
export type ExpectationAction = "warn" | "drop" | "fail" | "quarantine";

/** A named data-quality rule: rows where `condition` is not true (false or null) fail it. */
export interface Expectation {
  readonly name: string;
  readonly condition: Expr;
  readonly action: ExpectationAction;
}

/** `df.expect(…)` and its variants: rules checked on every row, counted per batch. */
export interface ExpectNode {
  readonly kind: "expect";
  readonly child: LogicalPlan;
  readonly expectations: readonly Expectation[];
}

/** Receives the metrics a batch query's `observe` computed (the API's `Observation`). */
export interface ObservationSink {
  readonly name: string;
  deliver(metrics: Readonly<Record<string, unknown>>): void;
}

/**
 * `df.observe(name, …metrics)`: aggregate `metrics` over the rows passing through, per micro-batch
 * (or once for a batch query), reported under `name`; the rows go on unchanged.
 */
export interface ObserveNode {
  readonly kind: "observe";
  readonly child: LogicalPlan;
  readonly name: string;
  readonly metrics: readonly Expr[];
  /** The batch query's `Observation`, when one was given. */
  readonly observation: ObservationSink | null;
}

/**
 * `dropDuplicates(keys)`; `keys` null means every column. `withinWatermark` is Spark 3.5's
 * `dropDuplicatesWithinWatermark(keys)`: on a stream, a key is remembered only until the watermark
 * passes its first event time plus the watermark delay.
 */
export interface DeduplicateNode {
  readonly kind: "deduplicate";
  readonly child: LogicalPlan;
  readonly keys: readonly string[] | null;
  readonly withinWatermark?: boolean;
}

/**
 * `groupBy(keys).applyWithState(fn, …)`: arbitrary stateful processing per key (Spark's
 * `flatMapGroupsWithState`); the output is what `fn` returns, in `outputSchema`.
 */
export interface ApplyWithStateNode {
  readonly kind: "applyWithState";
  readonly child: LogicalPlan;
  readonly groupBy: readonly Expr[];
  readonly fn: GroupStateFunction;
  readonly outputSchema: StructType;
  readonly stateSchema: StructType;
  /** The function's output mode: `append` (rows are final) or `update`. */
  readonly outputMode: "append" | "update";
  readonly timeout: GroupStateTimeout;
}

/**
 * `withWatermark(eventTime, delay)`: declares `eventTime` (a timestamp column) the event time of
 * the rows below, and that rows may arrive up to `delayMs` later than the latest event time seen.
 * The rows pass unchanged; stateful operators above drop late rows and evict state by it.
 */
export interface EventTimeWatermarkNode {
  readonly kind: "watermark";
  readonly child: LogicalPlan;
  readonly eventTime: string;
  readonly delayMs: number;
  /** The delay as the user wrote it, for explain. */
  readonly delayText: string;
}

export interface AggregateNode {
  readonly kind: "aggregate";
  readonly child: LogicalPlan;
  readonly groupBy: readonly Expr[];
  readonly aggregates: readonly Expr[];
}

export interface UnionNode {
  readonly kind: "union";
  readonly children: readonly LogicalPlan[];
}

export interface SortNode {
  readonly kind: "sort";
  readonly child: LogicalPlan;
  readonly orders: readonly Expr[];
}

/** `OFFSET n` / `df.offset(n)`: skips the first `n` rows. */
export interface OffsetNode {
  readonly kind: "offset";
  readonly child: LogicalPlan;
  readonly n: number;
}

export interface LimitNode {
  readonly kind: "limit";
  readonly child: LogicalPlan;
  readonly n: number;
}

/**
 * `df.alias(name)`: names the child's output as a relation, so `name.col` and `name.*` refer to
 * its columns (Spark's SubqueryAlias). Analysis does not keep a node for it: it qualifies the
 * child's resolved output (see `ResolvedPlan.qualifiers`), which leaves execution untouched.
 */
export interface SubqueryAliasNode {
  readonly kind: "subqueryAlias";
  readonly child: LogicalPlan;
  readonly alias: string;
  /** Only these output columns take the alias (a LATERAL subquery's, beside its left side's); all when absent. */
  readonly columns?: readonly number[];
}

/**
 * Spark's join types, normalized. `left_semi` keeps left rows that have a match, `left_anti` those
 * that have none (both output left columns only); `cross` is an inner join without a condition.
 */
export type JoinType = "inner" | "cross" | "left" | "right" | "full" | "left_semi" | "left_anti";

/**
 * A join of two relations. `using` (USING / a list of names / NATURAL resolved to the common
 * columns) joins on equal columns of those names and outputs each once, first; otherwise
 * `condition` (null: every pair) decides which pairs match.
 */
export interface JoinNode {
  readonly kind: "join";
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly joinType: JoinType;
  readonly condition: Expr | null;
  /** Column names to join on (USING), or null. */
  readonly using: readonly string[] | null;
  /** NATURAL: join on every column name both sides have (resolved by analysis). */
  readonly natural: boolean;
  /** USING / NATURAL in SQL: keep the other side's keys as hidden columns (`t2.k` still resolves). */
  readonly hiddenKeys?: boolean;
}

/**
 * A generator (`explode`, `posexplode`, `inline`, `stack` and `_outer` forms) applied to each row
 * of `child`: the output is the child's columns followed by the generator's (renamed by
 * `aliases` when given), qualified by `qualifier` (LATERAL VIEW's table alias) when not null.
 */
export interface GenerateNode {
  readonly kind: "generate";
  readonly child: LogicalPlan;
  /** Generator name (lower case) and its unresolved arguments. */
  readonly generator: string;
  readonly args: readonly Expr[];
  /** LATERAL VIEW OUTER: an `_outer` generator whatever its name. */
  readonly outer: boolean;
  readonly aliases: readonly string[] | null;
  readonly qualifier: string | null;
}

/**
 * Window functions over `child`: the output is the child's columns followed by one column per
 * expression of `exprs` (each `alias(window expression, name)`). Built by `plan/window.ts`.
 */
export interface WindowNode {
  readonly kind: "window";
  readonly child: LogicalPlan;
  readonly exprs: readonly Expr[];
}

/**
 * Rows a command produces when it has run (`spark.sql("INSERT …")`, DESCRIBE, SHOW): the session
 * starts the command at once; executing this node awaits it and yields its result rows.
 */
export interface DeferredRelationNode {
  readonly kind: "deferred";
  readonly schema: StructType;
  readonly load: () => Promise<readonly Batch[]>;
  /** What the command is, for explain (`InsertIntoTable t`). */
  readonly description: string;
  readonly isStreaming: false;
}

/** `df.sample(…)`: each row kept with probability `fraction` (or Poisson-many times with replacement). */
export interface SampleNode {
  readonly kind: "sample";
  readonly child: LogicalPlan;
  readonly fraction: number;
  readonly withReplacement: boolean;
  readonly seed: number;
}

/**
 * `df.repartition(n)`: the same rows; a batch write of it makes `n` files (see
 * `DataFrameWriter.save`), as Spark writes one file per partition.
 */
export interface RepartitionNode {
  readonly kind: "repartition";
  readonly child: LogicalPlan;
  readonly n: number;
}

export type LogicalPlan =
  | ApplyWithStateNode
  | EventTimeWatermarkNode
  | RepartitionNode
  | OffsetNode
  | SampleNode
  | DeferredRelationNode
  | WindowNode
  | GenerateNode
  | JoinNode
  | SourceNode
  | LocalRelationNode
  | ProjectNode
  | FilterNode
  | ExpectNode
  | ObserveNode
  | DeduplicateNode
  | AggregateNode
  | UnionNode
  | SortNode
  | LimitNode
  | SubqueryAliasNode;

/**
 * The join type Spark names `how` (case-insensitive, `_` optional): inner, cross, outer/full/
 * fullouter/full_outer, left/leftouter/left_outer, right/rightouter/right_outer,
 * semi/leftsemi/left_semi, anti/leftanti/left_anti; null when `how` is none of them.
 */
export function joinTypeOf(how: string): JoinType | null {
  switch (how.toLowerCase().replace(/_/g, "")) {
    case "inner":
      return "inner";
    case "cross":
      return "cross";
    case "outer":
    case "full":
    case "fullouter":
      return "full";
    case "left":
    case "leftouter":
      return "left";
    case "right":
    case "rightouter":
      return "right";
    case "semi":
    case "leftsemi":
      return "left_semi";
    case "anti":
    case "leftanti":
      return "left_anti";
    default:
      return null;
  }
}

/** Children of a node, in order. */
export function childrenOf(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case "source":
    case "localRelation":
    case "deferred":
      return [];
    case "union":
      return p.children;
    case "join":
      return [p.left, p.right];
    default:
      return [p.child];
  }
}
