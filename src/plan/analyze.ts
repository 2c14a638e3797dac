/**
 * Analysis: resolves a logical plan node against its children's output before any data flows.
 * Every DataFrame builder call analyses its new node at once, so an unknown column or a type
 * mismatch fails at the call that introduced it, as in Spark.
 *
 * `checkStreamingQuery` adds the rules Spark's UnsupportedOperationChecker applies at `start()`.
 */
import { AnalysisError, suggestion } from "../errors.js";
import { joinKeyTimeIndex, joinStateValueWatermarks, unmatchedOutputSides } from "./join-state-watermark.js";
import type { StructType, DataType, StructField as Field } from "../types/data-types.js";
import { IntegerType, StructField, StructType as Struct } from "../types/data-types.js";
import type { Batch } from "../columnar/batch.js";
import type { Expr } from "../sql/expression.js";
import type { LogicalPlan, SourceNode } from "./logical.js";
import type { GroupStateFunction, GroupStateTimeout } from "../state/group-state.js";
import { childrenOf } from "./logical.js";
import type { BoundExpr, BoundAggregate } from "./expressions/bound.js";
import { bindExpr, bindPredicate, bindProjectList, outputName } from "./expressions/bind.js";
import { boundChildren, containsAggregate, mapBoundChildren } from "./expressions/bound.js";
import type { ExpectationAction, ObservationSink, OutputMode } from "./logical.js";
import { analyzeJoin, type ResolvedJoinParts } from "./analyze-join.js";
import { bindGenerator, type BoundGenerator } from "./generators.js";
import { bindWindowFunction, type BoundWindowFunction } from "./window.js";
import { bindTimeWindow, containsSessionWindow, findSessionWindow, findTimeWindow, isSessionWindowCall, overlappingWindows, replaceSessionWindow, replaceTimeWindow, SESSION_WINDOW_COLUMN, sessionWindowFilter, TIME_WINDOW_COLUMN, timeWindowExpr, timeWindowFilter, timeWindowType } from "./time-window.js";

interface ResolvedBase {
  readonly schema: StructType;
  readonly isStreaming: boolean;
  /**
   * Per output column (parallel to `schema.fields`): the alias of the relation it belongs to, or
   * null. `df.alias("s")` qualifies every output column with `s`; filter, dropDuplicates, sort,
   * limit and union (its first input's) pass qualifiers through; a projection or aggregation keeps
   * them only for plain column references (and `*` / `s.*`), as Spark's attributes. Names bind
   * through them: `s.id` is column `id` qualified `s` before it is field `id` of a struct `s`.
   */
  readonly qualifiers: readonly (string | null)[];
  /** Per output column, whether only a qualified name reaches it (see `BindOptions.hidden`); absent: none. */
  readonly hidden?: readonly boolean[];
  /** The `df.alias(name)` calls applied to exactly this node's output, innermost first (explain shows them). */
  readonly aliases: readonly string[];
  /**
   * Per output column, the watermark delay in ms when the column is an event time that
   * `withWatermark` declared (Spark's `spark.watermarkDelayMs` attribute metadata), else null;
   * absent: no such column. Plain column references, grouping columns and a time window over an
   * event time carry it; a new `withWatermark` replaces it.
   */
  readonly eventTimeDelays?: readonly (number | null)[];
}

export interface ResolvedSource extends ResolvedBase {
  readonly kind: "source";
  readonly node: SourceNode;
}
export interface ResolvedLocal extends ResolvedBase {
  readonly kind: "localRelation";
  readonly batches: readonly Batch[];
}
export interface ResolvedProject extends ResolvedBase {
  readonly kind: "project";
  readonly child: ResolvedPlan;
  readonly exprs: readonly BoundExpr[];
}
export interface ResolvedFilter extends ResolvedBase {
  readonly kind: "filter";
  readonly child: ResolvedPlan;
  readonly condition: BoundExpr;
}
/** A bound expectation; `text` names its condition in metrics and errors (Spark's column name for it). */
export interface ResolvedExpectation {
  readonly name: string;
  readonly condition: BoundExpr;
  readonly action: ExpectationAction;
  readonly text: string;
}
export interface ResolvedExpect extends ResolvedBase {
  readonly kind: "expect";
  readonly child: ResolvedPlan;
  readonly expectations: readonly ResolvedExpectation[];
}
/**
 * `observe`: `aggregate` is a global aggregation of the metrics over a placeholder relation with
 * the child's schema; execution feeds it the rows that pass (`exec/observe.ts`).
 */
export interface ResolvedObserve extends ResolvedBase {
  readonly kind: "observe";
  readonly child: ResolvedPlan;
  readonly name: string;
  readonly aggregate: ResolvedAggregate;
  readonly observation: ObservationSink | null;
}
export interface ResolvedDeduplicate extends ResolvedBase {
  readonly kind: "deduplicate";
  readonly child: ResolvedPlan;
  readonly keyOrdinals: readonly number[];
  /** `dropDuplicatesWithinWatermark`: a key is kept until the watermark passes its event time plus the delay. */
  readonly withinWatermark: boolean;
  /** The input's event-time column (late rows are dropped by it), or null without a watermark. */
  readonly eventTime: EventTimeColumn | null;
  /** Index into `keyOrdinals` of the event-time key (keys expire by it), or null. */
  readonly eventTimeKey: number | null;
}

/** A column `withWatermark` declared an event time: its ordinal and the watermark delay. */
export interface EventTimeColumn {
  readonly ordinal: number;
  readonly delayMs: number;
}

/** `applyWithState`: the function's rows per key (see `exec/apply-with-state.ts`). */
export interface ResolvedApplyWithState extends ResolvedBase {
  readonly kind: "applyWithState";
  readonly child: ResolvedPlan;
  readonly groupExprs: readonly BoundExpr[];
  readonly fn: GroupStateFunction;
  readonly stateSchema: StructType;
  readonly funcOutputMode: "append" | "update";
  readonly timeout: GroupStateTimeout;
  /** The input's watermarked event time, or null. */
  readonly eventTime: EventTimeColumn | null;
}

/** `withWatermark`: rows pass unchanged; the runtime tracks the column's maximum. */
export interface ResolvedWatermark extends ResolvedBase {
  readonly kind: "watermark";
  readonly child: ResolvedPlan;
  readonly eventTime: EventTimeColumn;
  readonly delayText: string;
}
/**
 * An aggregation. Execution: project `[...groupExprs, ...aggregate inputs]`, hash-aggregate, then
 * (only when an output expression wraps aggregates, e.g. `sum(a) / count(a)`) project `post`.
 */
export interface ResolvedAggregate extends ResolvedBase {
  readonly kind: "aggregate";
  readonly child: ResolvedPlan;
  readonly groupExprs: readonly BoundExpr[];
  readonly groupNames: readonly string[];
  /** Distinct aggregate calls, each computed once. */
  readonly aggregates: readonly { readonly call: BoundAggregate; readonly name: string }[];
  /** Output expressions over the aggregate operator's output, when not the identity. */
  readonly post: readonly BoundExpr[] | null;
  /**
   * The first grouping expression that is an event time (a watermarked column, or a time window
   * over one: then its `end` is the event time), by index into `groupExprs`; null when none.
   * Late rows are dropped and groups evicted by it.
   */
  readonly eventTimeKey: { readonly index: number; readonly delayMs: number; readonly window: boolean } | null;
  /**
   * The grouping expression that is a session window (index into `groupExprs`), or null. Its input
   * column holds each row's own session `[ts, ts + gap)`; execution merges overlapping sessions
   * per key of the other grouping expressions before aggregating (`exec/session-window.ts`).
   */
  readonly sessionWindow: number | null;
}
export interface ResolvedUnion extends ResolvedBase {
  readonly kind: "union";
  readonly children: readonly ResolvedPlan[];
}
export interface ResolvedSort extends ResolvedBase {
  readonly kind: "sort";
  readonly child: ResolvedPlan;
  readonly orders: readonly { readonly expr: BoundExpr; readonly ascending: boolean; readonly nullsFirst: boolean }[];
}
export interface ResolvedLimit extends ResolvedBase {
  readonly kind: "limit";
  readonly child: ResolvedPlan;
  readonly n: number;
}

/** A join (see `analyze-join.ts` for keys, residual and output). */
export interface ResolvedJoin extends ResolvedBase, Omit<ResolvedJoinParts, "schema" | "qualifiers"> {
  readonly kind: "join";
  readonly left: ResolvedPlan;
  readonly right: ResolvedPlan;
}

/** A generator over each row: output = child columns ++ generator columns. */
export interface ResolvedGenerate extends ResolvedBase {
  readonly kind: "generate";
  readonly child: ResolvedPlan;
  readonly generator: BoundGenerator;
}

/** Window functions: output = child columns ++ one column per function. */
export interface ResolvedWindow extends ResolvedBase {
  readonly kind: "window";
  readonly child: ResolvedPlan;
  readonly functions: readonly BoundWindowFunction[];
}

export interface ResolvedDeferred extends ResolvedBase {
  readonly kind: "deferred";
  readonly load: () => Promise<readonly Batch[]>;
  readonly description: string;
}

export interface ResolvedSample extends ResolvedBase {
  readonly kind: "sample";
  readonly child: ResolvedPlan;
  readonly fraction: number;
  readonly withReplacement: boolean;
  readonly seed: number;
}

export interface ResolvedOffset extends ResolvedBase {
  readonly kind: "offset";
  readonly child: ResolvedPlan;
  readonly n: number;
}

export interface ResolvedRepartition extends ResolvedBase {
  readonly kind: "repartition";
  readonly child: ResolvedPlan;
  readonly n: number;
}

export type ResolvedPlan =
  | ResolvedApplyWithState
  | ResolvedWatermark
  | ResolvedRepartition
  | ResolvedOffset
  | ResolvedSample
  | ResolvedDeferred
  | ResolvedWindow
  | ResolvedGenerate
  | ResolvedJoin
  | ResolvedSource
  | ResolvedLocal
  | ResolvedProject
  | ResolvedFilter
  | ResolvedExpect
  | ResolvedObserve
  | ResolvedDeduplicate
  | ResolvedAggregate
  | ResolvedUnion
  | ResolvedSort
  | ResolvedLimit;

/** Resolves a whole logical plan, children first (`spark.sql`'s plans are built before analysis). */
export function analyzePlan(plan: LogicalPlan): ResolvedPlan {
  return analyzeNode(plan, childrenOf(plan).map(analyzePlan));
}

/** Resolves `plan` whose children are already resolved (`children` in `childrenOf` order). */
export function analyzeNode(plan: LogicalPlan, children: readonly ResolvedPlan[]): ResolvedPlan {
  switch (plan.kind) {
    case "source": {
      const schema = plan.schema;
      return freeze({ kind: "source", node: plan, schema, isStreaming: plan.isStreaming, ...unqualified(schema) });
    }
    case "localRelation":
      return freeze({ kind: "localRelation", schema: plan.schema, batches: plan.batches, isStreaming: false, ...unqualified(plan.schema) });
    case "repartition":
      return freeze({ kind: "repartition", child: children[0], n: plan.n, ...passThrough(children[0]) });
    case "applyWithState": {
      const child = children[0];
      const groupExprs = plan.groupBy.map((g) => bindExpr(g, child.schema, scopeOf(child)));
      const data = child.eventTimeDelays?.findIndex((d) => d !== null) ?? -1;
      const eventTime = data < 0 ? null : { ordinal: data, delayMs: child.eventTimeDelays?.[data] ?? 0 };
      if (plan.timeout === "EventTimeTimeout" && child.isStreaming && eventTime === null) {
        throw new AnalysisError(
          "analysis: applyWithState: watermark must be specified in the query using withWatermark() for using event-time timeout; event-time timeout is not supported without a watermark",
        );
      }
      return freeze({
        kind: "applyWithState",
        child,
        groupExprs,
        fn: plan.fn,
        stateSchema: plan.stateSchema,
        funcOutputMode: plan.outputMode,
        timeout: plan.timeout,
        eventTime,
        schema: plan.outputSchema,
        isStreaming: child.isStreaming,
        ...unqualified(plan.outputSchema),
      });
    }
    case "watermark": {
      const child = children[0];
      const ordinal = topLevelOrdinal(child, plan.eventTime, "withWatermark");
      const t = child.schema.fields[ordinal].dataType;
      if (t.typeName !== "timestamp") {
        throw new AnalysisError(`analysis: withWatermark: event time column '${plan.eventTime}' must be a timestamp, got ${t.typeName}`);
      }
      if (!(plan.delayMs >= 0)) throw new AnalysisError(`analysis: withWatermark: the delay threshold (${plan.delayText}) must not be negative`);
      const delays = child.schema.fields.map((_, i) => (i === ordinal ? plan.delayMs : null));
      return freeze({ kind: "watermark", child, eventTime: { ordinal, delayMs: plan.delayMs }, delayText: plan.delayText, ...passThrough(child), eventTimeDelays: delays });
    }
    case "offset": {
      const child = children[0];
      if (!Number.isInteger(plan.n) || plan.n < 0) throw new AnalysisError(`analysis: offset must be a non-negative integer, got ${plan.n}`);
      return freeze({ kind: "offset", child, n: plan.n, ...passThrough(child) });
    }
    case "sample": {
      const child = children[0];
      if (!(plan.fraction >= 0) || (!plan.withReplacement && plan.fraction > 1)) {
        throw new AnalysisError(`analysis: sample: fraction must be in [0, 1] without replacement (≥ 0 with), got ${plan.fraction}`);
      }
      return freeze({ kind: "sample", child, fraction: plan.fraction, withReplacement: plan.withReplacement, seed: plan.seed, ...passThrough(child) });
    }
    case "deferred":
      return freeze({ kind: "deferred", schema: plan.schema, load: plan.load, description: plan.description, isStreaming: false, ...unqualified(plan.schema) });
    case "subqueryAlias": {
      const child = children[0];
      if (plan.alias.length === 0) throw new AnalysisError("analysis: alias: the alias must not be empty");
      // Spark's SubqueryAlias re-qualifies every column of its child (replacing earlier aliases).
      const only = plan.columns;
      return freeze({ ...child, qualifiers: child.qualifiers.map((q, i) => (only === undefined || only.includes(i) ? plan.alias : q)), aliases: [...child.aliases, plan.alias] });
    }
    case "project": {
      if (plan.exprs.some(containsSessionWindow)) {
        throw new AnalysisError("analysis: session_window(…) is supported as a grouping expression of an aggregation (groupBy(session_window(ts, gap), …) or GROUP BY session_window(ts, gap))");
      }
      const windowed = withTimeWindow(plan.exprs, children[0]);
      const child = windowed.child;
      const { exprs, names, qualifiers, hidden } = bindProjectList(windowed.exprs, child.schema, scopeOf(child));
      // A column passed through (even renamed) keeps its metadata, such as its comment, as Spark's attributes do.
      const schema = Struct(exprs.map((e, i) => StructField(names[i], e.dataType, e.nullable, e.kind === "ref" ? child.schema.fields[e.ordinal]?.metadata : undefined)));
      const delays = exprs.map((e) => (e.kind === "ref" ? delayOf(child, e.ordinal) : null));
      return freeze({ kind: "project", child, exprs, schema, isStreaming: child.isStreaming, qualifiers, aliases: [], ...(hidden.some((h) => h) ? { hidden } : {}), ...delaysField(delays) });
    }
    case "filter": {
      const child = children[0];
      const condition = bindPredicate(plan.condition, child.schema, scopeOf(child));
      return freeze({ kind: "filter", child, condition, ...passThrough(child) });
    }
    case "expect": {
      const child = children[0];
      if (observationNames(child).includes(EXPECTATIONS_METRICS)) {
        throw new AnalysisError(`expect: observed metrics named '${EXPECTATIONS_METRICS}' are below; that name holds the expectations' counts`);
      }
      const taken = new Set(expectationNames(child));
      const expectations = plan.expectations.map((x) => {
        if (x.name.trim() === "") throw new AnalysisError("expect: an expectation needs a non-empty name");
        if (taken.has(x.name)) throw new AnalysisError(`expect: the expectation name '${x.name}' is used twice in this query; names identify their metrics`);
        taken.add(x.name);
        const condition = bindPredicate(x.condition, child.schema, scopeOf(child));
        if (containsAggregate(condition)) throw new AnalysisError(`expect: expectation '${x.name}' cannot use an aggregate function; it is checked row by row`);
        return { name: x.name, condition, action: x.action, text: outputName(x.condition) };
      });
      return freeze({ kind: "expect", child, expectations, ...passThrough(child) });
    }
    case "observe": {
      const child = children[0];
      if (plan.name.trim() === "") throw new AnalysisError("observe: the observed metrics need a non-empty name");
      if (plan.metrics.length === 0) throw new AnalysisError(`observe: '${plan.name}' needs at least one metric`);
      if (observationNames(child).includes(plan.name)) throw new AnalysisError(`observe: multiple definitions of observed metrics named '${plan.name}'`);
      if (plan.name === EXPECTATIONS_METRICS && expectationNames(child).length > 0) {
        throw new AnalysisError(`observe: the name '${EXPECTATIONS_METRICS}' holds the counts of this query's expectations; choose another`);
      }
      // The metrics aggregate a placeholder with the child's columns (and names), so they bind as
      // an aggregation over the child would, without a second copy of the child's plan.
      const placeholder: ResolvedPlan = freeze({ kind: "localRelation", batches: [], ...passThrough(child), isStreaming: false });
      const aggregate = analyzeAggregate([], plan.metrics, placeholder);
      if (aggregate.aggregates.length === 0) {
        throw new AnalysisError(`observe: the metrics of '${plan.name}' hold no aggregate function; observed metrics aggregate the rows (e.g. count(lit(1)), max(col))`);
      }
      return freeze({ kind: "observe", child, name: plan.name, aggregate, observation: plan.observation, ...passThrough(child) });
    }
    case "deduplicate": {
      const child = children[0];
      const method = plan.withinWatermark === true ? "dropDuplicatesWithinWatermark" : "dropDuplicates";
      const keyOrdinals = plan.keys === null ? child.schema.fields.map((_, i) => i) : plan.keys.map((k) => topLevelOrdinal(child, k, method));
      const data = child.eventTimeDelays?.findIndex((d) => d !== null) ?? -1;
      const eventTime = data < 0 ? null : { ordinal: data, delayMs: child.eventTimeDelays?.[data] ?? 0 };
      const key = keyOrdinals.findIndex((o) => delayOf(child, o) !== null);
      return freeze({ kind: "deduplicate", child, keyOrdinals, withinWatermark: plan.withinWatermark === true, eventTime, eventTimeKey: key < 0 ? null : key, ...passThrough(child) });
    }
    case "window": {
      const child = children[0];
      const functions = plan.exprs.map((e) => {
        const w = e.kind === "alias" ? e.child : e;
        if (w.kind !== "window") throw new AnalysisError(`analysis: '${outputName(e)}' is not a window expression`);
        return bindWindowFunction(w, child.schema, child.qualifiers);
      });
      const schema = Struct([...child.schema.fields, ...functions.map((f, i) => StructField(outputName(plan.exprs[i]), f.dataType, f.nullable))]);
      const qualifiers = [...child.qualifiers, ...functions.map(() => null)];
      return freeze({ kind: "window", child, functions, schema, isStreaming: child.isStreaming, qualifiers, aliases: [], ...extendHidden(child, functions.length), ...extendDelays(child, functions.length) });
    }
    case "generate": {
      const child = children[0];
      const args = plan.args.map((a) => bindExpr(a, child.schema, scopeOf(child)));
      for (const a of args) if (containsAggregate(a)) throw new AnalysisError(`analysis: aggregate functions are not allowed in ${plan.generator}()`);
      const generator = bindGenerator(plan.generator, args, plan.aliases, plan.outer);
      const schema = Struct([...child.schema.fields, ...generator.fields]);
      const qualifiers = [...child.qualifiers, ...generator.fields.map(() => plan.qualifier)];
      return freeze({ kind: "generate", child, generator, schema, isStreaming: child.isStreaming, qualifiers, aliases: [], ...extendHidden(child, generator.fields.length), ...extendDelays(child, generator.fields.length) });
    }
    case "join": {
      const [left, right] = children;
      const parts = analyzeJoin(plan, left, right);
      const pair = [...delaysOf(left), ...delaysOf(right)];
      const delays = parts.post === null ? pair.slice(0, parts.schema.fields.length) : parts.post.map((e) => (e.kind === "ref" ? (pair[e.ordinal] ?? null) : null));
      return freeze({ kind: "join", left, right, ...parts, isStreaming: left.isStreaming || right.isStreaming, aliases: [], ...delaysField(delays) });
    }
    case "aggregate":
      return analyzeAggregate(plan.groupBy, plan.aggregates, children[0]);
    case "union": {
      const [first, ...rest] = children;
      for (const [i, c] of rest.entries()) {
        if (c.schema.fields.length !== first.schema.fields.length) {
          throw new AnalysisError(
            `analysis: union can only be performed on inputs with the same number of columns, but the first has ${first.schema.fields.length} and input ${i + 2} has ${c.schema.fields.length}`,
          );
        }
        c.schema.fields.forEach((f, k) => {
          const g = first.schema.fields[k];
          if (!compatible(f.dataType, g.dataType)) {
            throw new AnalysisError(
              `analysis: union: column ${k + 1} ('${g.name}') is ${g.dataType.typeName} in the first input but ${f.dataType.typeName} in input ${i + 2}`,
            );
          }
        });
      }
      // Spark keeps the first input's names; a column is nullable if it is in any input.
      const schema = Struct(
        first.schema.fields.map((f, k) => StructField(f.name, f.dataType, children.some((c) => c.schema.fields[k].nullable))),
      );
      return freeze({ kind: "union", children, schema, isStreaming: children.some((c) => c.isStreaming), qualifiers: first.qualifiers, aliases: [], ...(first.hidden === undefined ? {} : { hidden: first.hidden }), ...delaysField(delaysOf(first)) });
    }
    case "sort": {
      const child = children[0];
      const orders = plan.orders.map((o) => {
        if (o.kind === "sortOrder") {
          return { expr: bindExpr(o.child, child.schema, scopeOf(child)), ascending: o.ascending, nullsFirst: o.nullsFirst };
        }
        return { expr: bindExpr(o, child.schema, scopeOf(child)), ascending: true, nullsFirst: true };
      });
      return freeze({ kind: "sort", child, orders, ...passThrough(child) });
    }
    case "limit": {
      const child = children[0];
      if (!Number.isInteger(plan.n) || plan.n < 0) {
        throw new AnalysisError(`analysis: limit must be a non-negative integer, got ${plan.n}`);
      }
      return freeze({ kind: "limit", child, n: plan.n, ...passThrough(child) });
    }
  }
}

function analyzeAggregate(groupByIn: readonly Expr[], aggExprsIn: readonly Expr[], input: ResolvedPlan): ResolvedAggregate {
  const sessions = withSessionWindow([...groupByIn, ...aggExprsIn], groupByIn.length, input);
  const windowed = sessions ?? withTimeWindow([...groupByIn, ...aggExprsIn], input);
  const child = windowed.child;
  const groupBy = windowed.exprs.slice(0, groupByIn.length);
  const aggExprs = windowed.exprs.slice(groupByIn.length);
  const scope = scopeOf(child);
  const groupExprs = groupBy.map((g) => bindExpr(g, child.schema, scope));
  for (const [i, g] of groupExprs.entries()) {
    if (containsAggregate(g)) {
      throw new AnalysisError(`analysis: aggregate functions are not allowed in GROUP BY: ${outputName(groupBy[i])}`);
    }
  }
  const groupNames = groupBy.map((g) => outputName(g));
  const aggregates: { call: BoundAggregate; name: string }[] = [];
  const bound = aggExprs.map((e) => bindExpr(e, child.schema, { ...scope, allowAggregates: true }));
  const outNames = aggExprs.map((e) => outputName(e));
  let identity = true;
  bound.forEach((b, i) => {
    const top = stripAlias(b);
    if (top.kind === "aggregate") {
      aggregates.push({ call: top, name: outNames[i] });
      return;
    }
    identity = false;
    if (!containsAggregate(b)) {
      // Spark: outside aggregate calls, columns may only be read through grouping expressions
      // (`a + 1` when grouped by `a` or by `a + 1`; constants stand alone).
      if (!coveredByGroups(b, groupExprs)) {
        throw new AnalysisError(
          `analysis: expression '${outNames[i]}' is neither present in the group by, nor is it an aggregate function; add it to groupBy or wrap it in first()`,
        );
      }
    }
    collectAggregates(b, (a) => {
      if (!aggregates.some((x) => sameBound(x.call, a))) aggregates.push({ call: a, name: `_agg${aggregates.length}` });
    });
  });
  const groupDelays = groupExprs.map((g) => (g.kind === "ref" ? delayOf(child, g.ordinal) : null));
  const sessionIndex = sessions === null ? -1 : groupExprs.findIndex((g) => g.kind === "ref" && g.ordinal === sessions.ordinal);
  if (sessions !== null && sessionIndex < 0) throw new AnalysisError("analysis: session_window must be a grouping expression of its own (groupBy(session_window(ts, gap), …))");
  const sessionWindow = sessionIndex < 0 ? null : sessionIndex;
  const keyIndex = groupDelays.findIndex((d) => d !== null);
  const eventTimeKey = keyIndex < 0 ? null : { index: keyIndex, delayMs: groupDelays[keyIndex] ?? 0, window: groupExprs[keyIndex].dataType.typeName === "struct" };
  const fields: Field[] = [
    ...groupExprs.map((g, i) => StructField(groupNames[i], g.dataType, g.nullable, refMetadata(g, child))),
    ...aggregates.map((a) => StructField(a.name, a.call.dataType, a.call.nullable)),
  ];
  const aggSchema = Struct(fields);
  // Grouping columns written as plain column references keep their qualifier (Spark's attributes).
  const groupQualifiers = groupExprs.map((g, i) => (groupBy[i].kind === "column" && g.kind === "ref" ? (child.qualifiers[g.ordinal] ?? null) : null));
  if (identity) {
    const qualifiers = [...groupQualifiers, ...aggregates.map(() => null)];
    const delays = [...groupDelays, ...aggregates.map(() => null)];
    return freeze({ kind: "aggregate", child, groupExprs, groupNames, aggregates, post: null, eventTimeKey, sessionWindow, schema: aggSchema, isStreaming: child.isStreaming, qualifiers, aliases: [], ...delaysField(delays) });
  }
  // Output expressions over the aggregate's output: grouping columns pass through, then each
  // aggregate call is replaced by a reference to its column.
  const g = groupExprs.length;
  const toOutput = (b: BoundExpr): BoundExpr => {
    if (b.kind === "aggregate") {
      const k = aggregates.findIndex((a) => sameBound(a.call, b));
      return { kind: "ref", ordinal: g + k, name: aggregates[k].name, dataType: b.dataType, nullable: b.nullable };
    }
    const gi = groupExprs.findIndex((x) => sameBound(x, b));
    if (gi >= 0) return { kind: "ref", ordinal: gi, name: groupNames[gi], dataType: b.dataType, nullable: b.nullable };
    if (b.kind === "ref") {
      throw new AnalysisError(
        `analysis: column '${b.name}' is neither present in the group by, nor is it an aggregate function; add it to groupBy or wrap it in first()`,
      );
    }
    return mapBoundChildren(b, toOutput);
  };
  const post = [...groupExprs.map((x, i): BoundExpr => ({ kind: "ref", ordinal: i, name: groupNames[i], dataType: x.dataType, nullable: x.nullable })), ...bound.map(toOutput)];
  const schema = Struct([
    ...groupExprs.map((x, i) => StructField(groupNames[i], x.dataType, x.nullable, refMetadata(x, child))),
    ...bound.map((b, i) => StructField(outNames[i], b.dataType, b.nullable, refMetadata(stripAlias(b), child))),
  ]);
  const qualifiers = [...groupQualifiers, ...bound.map(() => null)];
  const delays = post.map((e) => (e.kind === "ref" && e.ordinal < g ? groupDelays[e.ordinal] : null));
  return freeze({ kind: "aggregate", child, groupExprs, groupNames, aggregates, post, eventTimeKey, sessionWindow, schema, isStreaming: child.isStreaming, qualifiers, aliases: [], ...delaysField(delays) });
}

/** The metadata (a comment, say) of the child column `e` reads as is, as Spark's attributes carry it. */
function refMetadata(e: BoundExpr, child: ResolvedPlan): Field["metadata"] | undefined {
  return e.kind === "ref" ? child.schema.fields[e.ordinal]?.metadata : undefined;
}

/** Binding options that let names resolve through `p`'s output qualifiers. */
export function scopeOf(p: ResolvedPlan): { readonly qualifiers: readonly (string | null)[]; readonly hidden?: readonly boolean[] } {
  return p.hidden === undefined ? { qualifiers: p.qualifiers } : { qualifiers: p.qualifiers, hidden: p.hidden };
}

/** The hidden flags of `child`'s columns followed by `n` visible ones, when `child` has any hidden. */
function extendHidden(child: ResolvedPlan, n: number): { hidden?: readonly boolean[] } {
  return child.hidden === undefined ? {} : { hidden: [...child.hidden, ...Array.from({ length: n }, () => false)] };
}

/** The output of an operator that passes its child's rows' columns through unchanged. */
/** The `observedMetrics` name that holds a query's expectation counts. */
export const EXPECTATIONS_METRICS = "expectations";

/** The names of the observed metrics in `plan` and below it. */
export function observationNames(plan: ResolvedPlan): string[] {
  const own = plan.kind === "observe" ? [plan.name] : [];
  return [...own, ...childrenOfResolved(plan).flatMap(observationNames)];
}

/** The names of the expectations in `plan` and below it. */
export function expectationNames(plan: ResolvedPlan): string[] {
  const own = plan.kind === "expect" ? plan.expectations.map((x) => x.name) : [];
  return [...own, ...childrenOfResolved(plan).flatMap(expectationNames)];
}

function passThrough(child: ResolvedPlan): Pick<ResolvedBase, "schema" | "isStreaming" | "qualifiers" | "aliases" | "hidden" | "eventTimeDelays"> {
  return {
    schema: child.schema,
    isStreaming: child.isStreaming,
    qualifiers: child.qualifiers,
    aliases: [],
    ...(child.hidden === undefined ? {} : { hidden: child.hidden }),
    ...(child.eventTimeDelays === undefined ? {} : { eventTimeDelays: child.eventTimeDelays }),
  };
}

/** The watermark delay of `p`'s output column `ordinal`, or null when it is no event time. */
export function delayOf(p: ResolvedPlan, ordinal: number): number | null {
  return p.eventTimeDelays?.[ordinal] ?? null;
}

/** Every output column's watermark delay (null where none). */
function delaysOf(p: ResolvedPlan): (number | null)[] {
  return p.schema.fields.map((_, i) => delayOf(p, i));
}

/** `{ eventTimeDelays }` when some column has a delay, else nothing. */
function delaysField(delays: readonly (number | null)[]): { eventTimeDelays?: readonly (number | null)[] } {
  return delays.some((d) => d !== null) ? { eventTimeDelays: delays } : {};
}

/** The delays of `child`'s columns followed by `n` columns without one. */
function extendDelays(child: ResolvedPlan, n: number): { eventTimeDelays?: readonly (number | null)[] } {
  return child.eventTimeDelays === undefined ? {} : { eventTimeDelays: [...child.eventTimeDelays, ...Array.from({ length: n }, () => null)] };
}

/** The ordinal of top-level column `name` (case-insensitive) in `p`'s output. @throws AnalysisError naming it. */
function topLevelOrdinal(p: ResolvedPlan, name: string, method: string): number {
  const names = p.schema.fields.map((f) => f.name);
  const i = names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new AnalysisError(`analysis: ${method}: cannot resolve column '${name}' among [${names.join(", ")}]${suggestion(name, names)}`);
  return i;
}

/**
 * Spark's SessionWindowing, first half: when an aggregation's grouping (the first `groupCount` of
 * `exprs`) calls `session_window(ts, gap)`, `child` gains a hidden `session_window` column with
 * each row's own session `[ts, ts + gap)`, rows without one (a null time, a gap not positive) are
 * dropped, and the calls read the column. The merging is the aggregation's (see `sessionWindow`).
 */
function withSessionWindow(exprs: readonly Expr[], groupCount: number, child: ResolvedPlan): { readonly exprs: readonly Expr[]; readonly child: ResolvedPlan; readonly ordinal: number } | null {
  const call = findSessionWindow(exprs);
  if (call === null) return null;
  if (!exprs.slice(0, groupCount).some((e) => isSessionWindowCall(e) || (e.kind === "alias" && isSessionWindowCall(e.child)))) {
    throw new AnalysisError("analysis: session_window must be a grouping expression of its own (groupBy(session_window(ts, gap), …))");
  }
  const bound = bindExpr(call, child.schema, scopeOf(child));
  const ordinal = child.schema.fields.length;
  const ts = bound.kind === "call" ? bound.args[0] : null;
  const delay = ts !== null && ts.kind === "ref" ? delayOf(child, ts.ordinal) : null;
  const refs = child.schema.fields.map((f, i): BoundExpr => ({ kind: "ref", ordinal: i, name: f.name, dataType: f.dataType, nullable: f.nullable }));
  const projected = freeze({
    kind: "project",
    child,
    exprs: [...refs, bound],
    schema: Struct([...child.schema.fields, StructField(SESSION_WINDOW_COLUMN, timeWindowType(), false)]),
    isStreaming: child.isStreaming,
    qualifiers: [...child.qualifiers, null],
    aliases: [],
    hidden: [...(child.hidden ?? child.schema.fields.map(() => false)), true],
    ...delaysField([...delaysOf(child), delay]),
  });
  const filtered = freeze({ kind: "filter", child: projected, condition: sessionWindowFilter(ordinal), ...passThrough(projected) });
  return { exprs: replaceSessionWindow(exprs, ordinal), child: filtered, ordinal };
}

/**
 * Spark's TimeWindowing: when `exprs` call `window(…)`, `child` gains a hidden `window` column
 * (see `plan/time-window.ts`) — through a projection for a tumbling window, through a `stack`
 * generator (one row per overlapping window) for a sliding one — and the calls read it.
 */
function withTimeWindow(exprs: readonly Expr[], child: ResolvedPlan): { readonly exprs: readonly Expr[]; readonly child: ResolvedPlan } {
  const call = findTimeWindow(exprs);
  if (call === null) return { exprs, child };
  const spec = bindTimeWindow(call, (e) => bindExpr(e, child.schema, scopeOf(child)));
  const ordinal = child.schema.fields.length;
  const windowField = StructField(TIME_WINDOW_COLUMN, timeWindowType(), false);
  const delay = spec.timeColumn.kind === "ref" ? delayOf(child, spec.timeColumn.ordinal) : null;
  const out = {
    schema: Struct([...child.schema.fields, windowField]),
    isStreaming: child.isStreaming,
    qualifiers: [...child.qualifiers, null],
    aliases: [],
    hidden: [...(child.hidden ?? child.schema.fields.map(() => false)), true],
    ...delaysField([...delaysOf(child), delay]),
  };
  const n = overlappingWindows(spec);
  let expanded: ResolvedPlan;
  if (n === 1) {
    const filtered = freeze({ kind: "filter", child, condition: timeWindowFilter(spec, ordinal), ...passThrough(child) });
    const refs = child.schema.fields.map((f, i): BoundExpr => ({ kind: "ref", ordinal: i, name: f.name, dataType: f.dataType, nullable: f.nullable }));
    expanded = freeze({ kind: "project", child: filtered, exprs: [...refs, timeWindowExpr(spec, 0)], ...out });
  } else {
    const count: BoundExpr = { kind: "literal", value: n, dataType: IntegerType(), nullable: false };
    const windows = Array.from({ length: n }, (_, i) => timeWindowExpr(spec, i));
    const generator = { ...bindGenerator("stack", [count, ...windows], [TIME_WINDOW_COLUMN]), fields: [windowField] };
    const generated = freeze({ kind: "generate", child, generator, ...out });
    expanded = freeze({ kind: "filter", child: generated, condition: timeWindowFilter(spec, ordinal), ...passThrough(generated) });
  }
  return { exprs: replaceTimeWindow(exprs, ordinal), child: expanded };
}

function unqualified(schema: StructType): Pick<ResolvedBase, "qualifiers" | "aliases"> {
  return { qualifiers: schema.fields.map(() => null), aliases: [] };
}

/** Rebuilds `e` with `f` applied to each direct child. */
function stripAlias(b: BoundExpr): BoundExpr {
  return b;
}

/** Whether `b` reads input columns only through grouping expressions (Spark's checkValidAggregateExpression). */
function coveredByGroups(b: BoundExpr, groupExprs: readonly BoundExpr[]): boolean {
  if (groupExprs.some((g) => sameBound(g, b))) return true;
  if (b.kind === "ref" || b.kind === "aggregate") return b.kind === "aggregate";
  return boundChildren(b).every((c) => coveredByGroups(c, groupExprs));
}

function collectAggregates(b: BoundExpr, visit: (a: BoundAggregate) => void): void {
  if (b.kind === "aggregate") {
    visit(b);
    return;
  }
  for (const c of boundChildren(b)) collectAggregates(c, visit);
}

function sameBound(a: BoundExpr, b: BoundExpr): boolean {
  return JSON.stringify(a, replacer) === JSON.stringify(b, replacer);
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return undefined;
  if (value instanceof RegExp) return value.source;
  return value;
}

function compatible(a: DataType, b: DataType): boolean {
  return a.typeName === b.typeName || a.typeName === "null" || b.typeName === "null";
}

function freeze<T extends ResolvedPlan>(p: T): T {
  return Object.freeze(p);
}

/** Does the plan contain a streaming aggregation? */
export function hasAggregate(p: ResolvedPlan): boolean {
  if (p.kind === "aggregate" && p.isStreaming) return true;
  return childrenOfResolved(p).some(hasAggregate);
}

export function childrenOfResolved(p: ResolvedPlan): readonly ResolvedPlan[] {
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

/**
 * Spark's UnsupportedOperationChecker for streaming queries, run at `start()`:
 * complete mode needs an aggregation; append mode needs an aggregation's grouping to include a
 * watermarked event time (or a window over one); dropDuplicatesWithinWatermark needs a watermark; sorting needs an aggregation in complete mode; at most one streaming aggregation;
 * `limit` only in complete mode.
 */
export function checkStreamingQuery(plan: ResolvedPlan, mode: OutputMode): void {
  if (!plan.isStreaming) {
    throw new AnalysisError("analysis: writeStream can only be called on a streaming DataFrame; use write for batch DataFrames");
  }
  const aggregates = countNodes(plan, (p) => p.kind === "aggregate" && p.isStreaming);
  if (aggregates > 1) {
    throw new AnalysisError("analysis: multiple streaming aggregations are not supported with streaming DataFrames");
  }
  if (mode === "complete" && aggregates === 0) {
    throw new AnalysisError(
      "analysis: complete output mode not supported when there are no streaming aggregations on streaming DataFrames",
    );
  }
  walk(plan, (p) => {
    if (p.kind === "join" && p.left.isStreaming && p.right.isStreaming && mode !== "append") {
      throw new AnalysisError(`analysis: join between two streaming DataFrames is not supported in ${mode} output mode, only in append output mode`);
    }
    if (mode === "append" && p.kind === "aggregate" && p.isStreaming && p.eventTimeKey === null) {
      throw new AnalysisError(
        "analysis: append output mode not supported when there are streaming aggregations on streaming DataFrames without watermark; group by a watermarked event time or a window() over it, or use update or complete",
      );
    }
    if (mode === "update" && p.kind === "aggregate" && p.isStreaming && p.sessionWindow !== null) {
      throw new AnalysisError("analysis: session windows are not supported in update output mode on streaming DataFrames; use append (with a watermark) or complete");
    }
    if (p.kind === "applyWithState" && p.isStreaming) {
      // Spark's rules for flatMapGroupsWithState: the function's mode must fit the query's.
      if (p.funcOutputMode === "update" && mode !== "update") {
        throw new AnalysisError(`analysis: applyWithState in update mode is not supported with ${mode} output mode on a streaming DataFrame; use outputMode("update")`);
      }
      if (p.funcOutputMode === "append" && mode === "update" && !hasAggregate(plan)) {
        throw new AnalysisError("analysis: applyWithState in append mode is not supported with update output mode on a streaming DataFrame without an aggregation; use outputMode(\"append\")");
      }
      if (p.funcOutputMode === "append" && mode === "complete") {
        throw new AnalysisError("analysis: applyWithState in append mode is not supported with complete output mode on a streaming DataFrame");
      }
      if (hasAggregate(p.child)) throw new AnalysisError("analysis: applyWithState after a streaming aggregation is not supported");
    }
    if (p.kind === "deduplicate" && p.isStreaming && p.withinWatermark && p.eventTime === null) {
      throw new AnalysisError("analysis: dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark; call withWatermark first");
    }
    if (p.kind === "join") checkStreamingJoin(p);
    if (p.kind === "window" && p.isStreaming) {
      throw new AnalysisError("analysis: non-time-based windows are not supported on streaming DataFrames/Datasets; use them inside foreachBatch, or window() over event time");
    }
    if (p.kind === "sort" && p.isStreaming && !(mode === "complete" && hasAggregate(p.child))) {
      throw new AnalysisError(
        "analysis: sorting is not supported on streaming DataFrames, unless it is on an aggregated DataFrame in complete output mode",
      );
    }
    if (p.kind === "offset" && p.isStreaming) throw new AnalysisError("analysis: offset is not supported on streaming DataFrames/Datasets");
    if (p.kind === "limit" && p.isStreaming && mode === "update") {
      throw new AnalysisError("analysis: limits are not supported on streaming DataFrames/Datasets in update output mode");
    }
    if (p.kind === "deduplicate" && p.isStreaming && hasAggregate(p.child) && mode !== "complete") {
      throw new AnalysisError("analysis: dropDuplicates after a streaming aggregation is not supported");
    }
  });
}

function walk(p: ResolvedPlan, visit: (p: ResolvedPlan) => void): void {
  visit(p);
  for (const c of childrenOfResolved(p)) walk(c, visit);
}

function countNodes(p: ResolvedPlan, pred: (p: ResolvedPlan) => boolean): number {
  let n = 0;
  walk(p, (x) => {
    if (pred(x)) n++;
  });
  return n;
}

/**
 * Stream–static joins as Spark allows them: inner and cross joins with either side streaming; left
 * outer, semi and anti joins with the stream on the left; right outer with the stream on the
 * right. Stream–stream joins: inner, left/right/full outer and left semi, on equality keys (the
 * stream-stream join operator checks, at start, that the outer side's state is bounded).
 */
function checkStreamingJoin(p: ResolvedJoin): void {
  const ls = p.left.isStreaming;
  const rs = p.right.isStreaming;
  if (ls && rs) {
    if (p.joinType === "left_anti") {
      throw new AnalysisError("analysis: stream-stream left anti joins are not supported; use a left outer join and keep the rows whose right side is null");
    }
    // A side whose unmatched rows are output must leave the state by the watermark: by an
    // event-time join key, or by a time-range condition on its event-time column.
    const keyTime = joinKeyTimeIndex(p.left, p.leftKeys, p.right, p.rightKeys) !== null;
    const byValue = joinStateValueWatermarks(p);
    const jt = p.joinType;
    const outer = unmatchedOutputSides(jt);
    for (const [needed, side] of [[outer.left, "left"], [outer.right, "right"]] as const) {
      if (needed && !keyTime && byValue[side] === null) {
        const what = jt === "left_semi" ? "LeftSemi" : jt === "full" ? "FullOuter" : jt === "left" ? "LeftOuter" : "RightOuter";
        throw new AnalysisError(
          `analysis: Stream-stream ${what} join between two streaming DataFrames is not supported without a watermark in the join keys, or a watermark on the ${side} side and a time-range condition on it (e.g. r.ts BETWEEN l.ts AND l.ts + INTERVAL 1 HOUR)`,
        );
      }
    }
    if (p.leftKeys.length === 0) {
      throw new AnalysisError("analysis: a stream-stream join needs at least one equality condition between the two sides (e.g. l.id = r.id)");
    }
    return;
  }
  const bad =
    (rs && (p.joinType === "left" || p.joinType === "left_semi" || p.joinType === "left_anti")) ||
    (ls && p.joinType === "right") ||
    ((ls || rs) && p.joinType === "full");
  if (bad) {
    const side = p.joinType === "full" ? "" : rs ? " on the right" : " on the left";
    throw new AnalysisError(`analysis: ${p.joinType.replace("_", " ")} outer join with a streaming DataFrame${side} is not supported`.replace("semi outer", "semi").replace("anti outer", "anti"));
  }
}
