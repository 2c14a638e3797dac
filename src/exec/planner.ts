/**
 * Physical planning: turns a resolved plan into a tree of operators. Sources become numbered
 * leaves (the runtime feeds each micro-batch's input to them); stateful operators get stable ids
 * in plan order, so a restarted query finds its state under the same `state/<id>/` folder.
 */
import type { ResolvedPlan, ResolvedSource } from "../plan/analyze.js";
import { firstEventTime, joinKeyTimeIndex, joinStateValueWatermarks } from "../plan/join-state-watermark.js";
import type { Batch } from "../columnar/batch.js";
import { StructType, StructField } from "../types/data-types.js";
import type { Operator } from "./operator.js";
import type { OutputMode } from "../plan/logical.js";
import type { StateLocation, StateStoreOptions } from "../state/state-store.js";
import { ProjectOperator } from "./project.js";
import { FilterOperator } from "./filter.js";
import { ExpectOperator } from "./expect.js";
import { enterInputFile, inputFileOf, tagInputFile } from "./eval/input-file.js";
import { ObserveOperator, aggregateInputs } from "./observe.js";
import { SortOperator } from "./sort.js";
import { LimitOperator, OffsetOperator } from "./limit.js";
import { DeduplicateOperator } from "./dedup.js";
import { HashAggregateOperator } from "./aggregate/hash-aggregate.js";
import { HashJoinOperator } from "./join/hash-join.js";
import { StreamStreamJoinOperator } from "./join/stream-stream-join.js";
import { GenerateOperator } from "./generate.js";
import { WindowOperator } from "./window.js";
import { SampleOperator } from "./sample.js";
import { EventTimeWatermarkOperator } from "./watermark.js";
import { SessionWindowOperator } from "./session-window.js";
import { ApplyWithStateOperator } from "./apply-with-state.js";
import type { BoundCall, BoundExpr } from "../plan/expressions/bound.js";
import { InternalError } from "../errors.js";
import { boundChildren, conjunction, mapBoundChildren, splitConjuncts } from "../plan/expressions/bound.js";

/**
 * A stateless fragment: projects and filters over one source leaf, which a worker thread can run
 * on its own over a partition of that source's input.
 */
export interface Fragment {
  readonly sourceIndex: number;
  readonly plan: ResolvedPlan;
  /** The output columns of `plan` the rest of the query reads (ascending ordinals), or null for all. */
  readonly required: readonly number[] | null;
}

export type PhysicalNode =
  | { readonly kind: "source"; readonly index: number; readonly fragment: Fragment }
  | { readonly kind: "local"; readonly batches: readonly Batch[] }
  | { readonly kind: "deferred"; readonly load: () => Promise<readonly Batch[]> }
  | { readonly kind: "operator"; readonly op: Operator; readonly child: PhysicalNode; readonly fragment: Fragment | null }
  | { readonly kind: "union"; readonly children: readonly PhysicalNode[] }
  | { readonly kind: "join"; readonly op: HashJoinOperator; readonly left: PhysicalNode; readonly right: PhysicalNode }
  /** A stream–stream join: both inputs of the micro-batch, then the operator's joinBatch. */
  | { readonly kind: "streamJoin"; readonly op: StreamStreamJoinOperator; readonly left: PhysicalNode; readonly right: PhysicalNode }
  /** A batch subplan inside a streaming query (the static side of a stream–static join), run whole each micro-batch. */
  | { readonly kind: "static"; readonly plan: ResolvedPlan };

/**
 * Runs a batch subplan of a streaming query to completion (the runtime's batch execution), so a
 * stream–static join sees the static side as it is when each micro-batch runs.
 */
export type StaticRunner = (plan: ResolvedPlan) => AsyncIterable<Batch>;

/**
 * Runs a fragment some other way (in worker threads) or falls back to `local`, which runs it in
 * this thread. Used by {@link executePhysical} at the topmost node of each fragment.
 */
export type FragmentRunner = (fragment: Fragment, local: () => AsyncIterable<Batch>) => AsyncIterable<Batch>;

/**
 * A source leaf with `filter`: the conjuncts of the filters the plan applies directly on top of it
 * (through projections, rewritten over the source's columns), or null. Every row the plan keeps
 * satisfies it, so a source may skip input it proves cannot match (`SourceHints.filter`); the
 * plan's filters still run.
 */
export interface PhysicalSource extends ResolvedSource {
  readonly filter: BoundExpr | null;
  /**
   * The source's columns the plan reads (ascending ordinals), or null for all: a source may
   * return the others as nulls without reading them (`SourceHints.columns`).
   */
  readonly columns: readonly number[] | null;
  /**
   * A text source whose `value` the plan reads only as this `from_json` call: the source parses
   * its lines in place and returns the call's result as its one column (`SourceHints.jsonValue`),
   * and `readSchema` says so. Null otherwise.
   */
  readonly jsonValue: BoundCall | null;
  /** The schema of the batches the source returns: `schema`, or `value` typed as `jsonValue`'s result. */
  readonly readSchema: StructType;
}

export interface PhysicalPlan {
  readonly root: PhysicalNode;
  /** Source leaves in index order. */
  readonly sources: readonly PhysicalSource[];
  /** Every operator, children before parents. */
  readonly operators: readonly Operator[];
}

export interface PlanningContext {
  readonly outputMode: OutputMode;
  /** Where stateful operator `id` keeps its state; null for batch queries (state in memory only). */
  readonly stateFor: (operatorId: number) => StateLocation | null;
  /** Snapshot and retention tuning of every state store (the store's defaults when absent). */
  readonly stateOptions?: Omit<StateStoreOptions, "operator">;
  /** The root's output columns its consumer reads (a fragment's, in a worker); absent or null: all. */
  readonly required?: readonly number[] | null;
}

/** Column ordinals a node's consumer reads; null means every column. */
type Need = ReadonlySet<number> | null;

export function planPhysical(plan: ResolvedPlan, ctx: PlanningContext): PhysicalPlan {
  const sources: PhysicalSource[] = [];
  const operators: Operator[] = [];
  let nextStateId = 0;

  // `need`: the columns of the node being wrapped that its consumer reads (the fragment's output).
  const wrap = (op: Operator, child: PhysicalNode, plan: ResolvedPlan | null = null, need: Need = null): PhysicalNode => {
    operators.push(op);
    const childFragment = child.kind === "source" || child.kind === "operator" ? child.fragment : null;
    const fragment = plan !== null && childFragment !== null ? { sourceIndex: childFragment.sourceIndex, plan, required: ordinals(need) } : null;
    return { kind: "operator", op, child, fragment };
  };

  // A source leaf, numbered in plan order; its fragment is the source alone, reading `read.columns`.
  const sourceLeaf = (plan: ResolvedSource, read: Omit<PhysicalSource, keyof ResolvedSource>): PhysicalNode => {
    sources.push({ ...plan, ...read });
    const index = sources.length - 1;
    return { kind: "source", index, fragment: { sourceIndex: index, plan, required: read.columns } };
  };

  // `above`: conjuncts over p's output that the filters directly above p (through projections) apply.
  // `need`: p's output columns read above it (null: all); a source is told which of its columns
  // nothing reads, and may return them as nulls. Operators still compute every column they output.
  const build = (p: ResolvedPlan, above: readonly BoundExpr[] = [], need: Need = null): PhysicalNode => {
    switch (p.kind) {
      case "source":
        return sourceLeaf(p, { filter: conjunction(above), columns: ordinals(need), jsonValue: null, readSchema: p.schema });
      case "localRelation":
        return { kind: "local", batches: p.batches };
      case "deferred":
        return { kind: "deferred", load: p.load };
      case "project": {
        const fused = fuseTextFromJson(p);
        if (fused !== null) {
          const below = above.map((c) => substituteRefs(c, fused.exprs)).filter(isHintable);
          const src = fused.source;
          const readSchema = StructType([StructField(src.schema.fields[0].name, fused.call.dataType, true)]);
          const leaf = sourceLeaf(src, { filter: conjunction(below), columns: [0], jsonValue: fused.call, readSchema });
          return wrap(new ProjectOperator(p.schema, fused.exprs), leaf, p, need);
        }
        const below: BoundExpr[] = [];
        for (const c of above) {
          const rewritten = substituteRefs(c, p.exprs);
          if (isHintable(rewritten)) below.push(rewritten);
        }
        const read = need === null ? p.exprs : p.exprs.filter((_, i) => need.has(i));
        return wrap(new ProjectOperator(p.schema, p.exprs), build(p.child, below, refsOf(read)), p, need);
      }
      case "filter": {
        const below = [...above];
        for (const c of splitConjuncts(p.condition)) if (isHintable(c)) below.push(c);
        return wrap(new FilterOperator(p.schema, p.condition), build(p.child, below, union(need, refsOf([p.condition]))), p, need);
      }
      case "observe":
        // Not part of a stateless fragment: the runtime reads its metrics in this thread; filters
        // above it stay above it, so the metrics see the rows as they arrive.
        return wrap(
          new ObserveOperator(p.schema, p.name, () => operatorChain(p.aggregate), p.observation),
          build(p.child, [], union(need, refsOf(aggregateInputs(p.aggregate)))),
        );
      case "expect":
        // Not part of a stateless fragment: the runtime reads its counts in this thread. Filters
        // above it stay above it, so every rule sees (and counts) the rows as they arrive.
        return wrap(new ExpectOperator(p.schema, p.expectations), build(p.child, [], union(need, refsOf(p.expectations.map((x) => x.condition)))));
      case "deduplicate": {
        const child = build(p.child, [], union(need, new Set([...p.keyOrdinals, ...(p.eventTime === null ? [] : [p.eventTime.ordinal])])));
        const operatorId = nextStateId++;
        return wrap(
          new DeduplicateOperator({
            inputSchema: p.child.schema,
            keyOrdinals: [...p.keyOrdinals],
            state: p.isStreaming ? ctx.stateFor(operatorId) : null,
            stateOptions: ctx.stateOptions,
            operatorId,
            eventTime: p.eventTime,
            eventTimeKey: p.eventTimeKey,
            withinWatermark: p.withinWatermark,
          }),
          child,
        );
      }
      case "applyWithState": {
        // The key columns first (named apart from the rows' columns), then the rows' columns.
        const refs = p.child.schema.fields.map((f, i): BoundExpr => ({ kind: "ref", ordinal: i, name: f.name, dataType: f.dataType, nullable: f.nullable }));
        const keyFields = p.groupExprs.map((g, i) => StructField(`#k${i}`, g.dataType, g.nullable));
        const inputSchema = StructType([...keyFields, ...p.child.schema.fields]);
        const child = build(p.child);
        const pre = wrap(new ProjectOperator(inputSchema, [...p.groupExprs, ...refs]), child);
        const operatorId = nextStateId++;
        return wrap(
          new ApplyWithStateOperator({
            inputSchema,
            keyCount: p.groupExprs.length,
            rowSchema: p.child.schema,
            outputSchema: p.schema,
            stateSchema: p.stateSchema,
            fn: p.fn,
            timeout: p.timeout,
            eventTimeOrdinal: p.eventTime === null ? null : p.groupExprs.length + p.eventTime.ordinal,
            state: p.isStreaming ? ctx.stateFor(operatorId) : null,
            operatorId,
            stateOptions: ctx.stateOptions,
          }),
          pre,
        );
      }
      case "watermark":
        // Not part of a stateless fragment: the runtime reads its event-time statistics in this thread.
        // A filter on the event time stays above: the watermark must see every row (Spark does not
        // push such predicates through EventTimeWatermark).
        return wrap(
          new EventTimeWatermarkOperator(p.schema, p.eventTime.ordinal, p.eventTime.delayMs),
          build(
            p.child,
            above.filter((c) => !refsOf([c]).has(p.eventTime.ordinal)),
            union(need, new Set([p.eventTime.ordinal])),
          ),
        );
      case "aggregate": {
        const inputs = [...p.groupExprs, ...p.aggregates.flatMap((a) => (a.call.filter === undefined ? a.call.args : [...a.call.args, a.call.filter]))];
        const child = build(p.child, [], refsOf(inputs));
        // Pre-project grouping keys and aggregate inputs into columns the aggregate reads by ordinal.
        const preExprs: BoundExpr[] = [...p.groupExprs];
        const preFields = p.groupNames.map((n, i) => StructField(n, p.groupExprs[i].dataType, p.groupExprs[i].nullable));
        const aggregates = p.aggregates.map((a, k) => {
          const arg = a.call.args[0];
          let inputOrdinal: number | null = null;
          if (arg !== undefined) {
            inputOrdinal = preExprs.length;
            preExprs.push(arg);
            preFields.push(StructField(`_arg${k}`, arg.dataType, arg.nullable));
          }
          let filterOrdinal: number | null = null;
          if (a.call.filter !== undefined) {
            filterOrdinal = preExprs.length;
            preExprs.push(a.call.filter);
            preFields.push(StructField(`_filter${k}`, a.call.filter.dataType, a.call.filter.nullable));
          }
          return {
            name: a.call.name,
            inputOrdinal,
            filterOrdinal,
            distinct: a.call.distinct,
            ignoreNulls: a.call.ignoreNulls,
            ...(a.call.params === undefined ? {} : { params: a.call.params }),
            resultType: a.call.dataType,
            outputName: a.name,
          };
        });
        const preSchema = StructType(preFields);
        let pre = wrap(new ProjectOperator(preSchema, preExprs), child);
        const mode = p.isStreaming ? ctx.outputMode : "complete";
        if (p.sessionWindow !== null) {
          // Sessions merge first; the aggregation then groups the rows of each released session.
          const sessionId = nextStateId++;
          const sessionOrdinal = p.sessionWindow;
          pre = wrap(
            new SessionWindowOperator({
              inputSchema: preSchema,
              sessionOrdinal,
              keyOrdinals: p.groupExprs.map((_, i) => i).filter((i) => i !== sessionOrdinal),
              outputMode: mode,
              watermarked: p.eventTimeKey !== null,
              state: p.isStreaming ? ctx.stateFor(sessionId) : null,
              operatorId: sessionId,
              stateOptions: ctx.stateOptions,
            }),
            pre,
          );
        }
        const perBatch = p.sessionWindow !== null;
        const operatorId = perBatch ? -1 : nextStateId++;
        const aggregate = wrap(
          new HashAggregateOperator({
            inputSchema: preSchema,
            groupingOrdinals: p.groupExprs.map((_, i) => i),
            groupingNames: [...p.groupNames],
            aggregates,
            outputMode: perBatch ? "complete" : mode,
            state: p.isStreaming && !perBatch ? ctx.stateFor(operatorId) : null,
            stateOptions: ctx.stateOptions,
            operatorId,
            eventTime: p.eventTimeKey === null || perBatch ? null : { index: p.eventTimeKey.index, window: p.eventTimeKey.window },
            perBatch,
          }),
          pre,
        );
        return p.post === null ? aggregate : wrap(new ProjectOperator(p.schema, p.post), aggregate);
      }
      case "union":
        return { kind: "union", children: p.children.map((c) => build(c, [], need)) };
      case "offset":
        return wrap(new OffsetOperator(p.schema, p.n), build(p.child, [], need));
      case "repartition":
        // One process: the rows pass as they are; a batch write reads `n` (see DataFrameWriter).
        return build(p.child, above, need);
      case "sample":
        return wrap(new SampleOperator(p.schema, p.fraction, p.withReplacement, p.seed), build(p.child, [], need));
      case "window":
        return wrap(new WindowOperator(p.schema, p.child.schema, p.functions), build(p.child));
      case "generate": {
        const width = p.child.schema.fields.length;
        const childNeed = need === null ? null : union(new Set([...need].filter((i) => i < width)), refsOf(p.generator.args));
        return wrap(new GenerateOperator(p.schema, p.generator), build(p.child, [], childNeed), p, need);
      }
      case "join": {
        const shape = {
          leftSchema: p.left.schema,
          rightSchema: p.right.schema,
          pairSchema: p.pairSchema,
          leftKeys: p.leftKeys,
          rightKeys: p.rightKeys,
          nullSafe: p.nullSafe,
          residual: p.residual,
        };
        if (p.left.isStreaming && p.right.isStreaming) {
          const operatorId = nextStateId++;
          const at = (side: string): StateLocation | null => {
            const loc = ctx.stateFor(operatorId);
            return loc === null ? null : { ...loc, prefix: `${loc.prefix}${side}/` };
          };
          const left = at("left");
          const right = at("right");
          const op = new StreamStreamJoinOperator({
            ...shape,
            joinType: p.joinType,
            state: left === null || right === null ? null : { left, right },
            operatorId,
            stateOptions: ctx.stateOptions,
            eventTime: { left: firstEventTime(p.left), right: firstEventTime(p.right) },
            keyTimeIndex: joinKeyTimeIndex(p.left, p.leftKeys, p.right, p.rightKeys),
            stateValueWatermark: joinStateValueWatermarks(p),
          });
          operators.push(op);
          const joined: PhysicalNode = { kind: "streamJoin", op, left: build(p.left), right: build(p.right) };
          return p.post === null ? joined : wrap(new ProjectOperator(p.schema, p.post), joined);
        }
        const side = (c: ResolvedPlan): PhysicalNode => (plan.isStreaming && !c.isStreaming ? { kind: "static", plan: c } : build(c));
        const left = side(p.left);
        const right = side(p.right);
        const op = new HashJoinOperator({ joinType: p.joinType, ...shape });
        operators.push(op);
        const joined: PhysicalNode = { kind: "join", op, left, right };
        return p.post === null ? joined : wrap(new ProjectOperator(p.schema, p.post), joined);
      }
      case "sort":
        return wrap(new SortOperator(p.schema, p.orders), build(p.child, [], union(need, refsOf(p.orders.map((o) => o.expr)))));
      case "limit": {
        const child = build(p.child, [], need);
        // An append-mode stream limits over the whole query (state); elsewhere per run or batch.
        if (p.isStreaming && ctx.outputMode === "append") {
          const operatorId = nextStateId++;
          return wrap(new LimitOperator(p.schema, p.n, { state: ctx.stateFor(operatorId), operatorId, stateOptions: ctx.stateOptions }), child);
        }
        return wrap(new LimitOperator(p.schema, p.n), child);
      }
    }
  };

  const root = build(plan, [], ctx.required === undefined || ctx.required === null ? null : new Set(ctx.required));
  return { root, sources, operators };
}

/**
 * Issue 15's fused scan: the seed's `readStream.format("text")` → `CAST(value AS STRING)` →
 * `from_json(value, schema)`. When the projection `p` reads a text source (through projections
 * that only pass columns on) and every use of `value` is the argument of one and the same
 * `from_json` call, returns the source, the call, and `p`'s expressions over the parsed column
 * (ordinal 0, typed as the call's result): the source then parses its lines where they lie in
 * the file's bytes instead of copying each into a `value` column for `from_json` to scan again.
 * Null when the plan does not have that shape; results are the same either way.
 */
export function fuseTextFromJson(p: ResolvedPlan & { readonly kind: "project" }): { source: ResolvedSource; call: BoundCall; exprs: BoundExpr[] } | null {
  let exprs: readonly BoundExpr[] = p.exprs;
  let child = p.child;
  while (child.kind === "project" && child.exprs.every((e) => e.kind === "ref")) {
    const over = child.exprs;
    exprs = exprs.map((e) => substituteRefs(e, over));
    child = child.child;
  }
  if (child.kind !== "source" || child.node.format !== "text" || child.schema.fields.length !== 1) return null;
  const source = child;
  // Fields of an object: the closure's assignments are visible to the type checker.
  const seen: { call: BoundCall | null; key: string; other: boolean } = { call: null, key: "", other: false };
  const isValue = (e: BoundExpr): boolean =>
    (e.kind === "ref" && e.ordinal === 0) || (e.kind === "cast" && e.dataType.typeName === "string" && e.child.kind === "ref" && e.child.ordinal === 0);
  const visit = (e: BoundExpr): void => {
    if (e.kind === "call" && e.fn.name === "from_json" && e.args.length === 1 && isValue(e.args[0])) {
      const k = JSON.stringify([e.fn.options, e.dataType]);
      if (seen.call === null) {
        seen.call = e;
        seen.key = k;
      } else if (k !== seen.key) seen.other = true;
      return;
    }
    if (e.kind === "ref") seen.other = true;
    for (const c of boundChildren(e)) visit(c);
  };
  for (const e of exprs) visit(e);
  const found = seen.call;
  if (found === null || seen.other) return null;
  const parsed: BoundExpr = { kind: "ref", ordinal: 0, name: source.schema.fields[0].name, dataType: found.dataType, nullable: true };
  const replace = (e: BoundExpr): BoundExpr => (e.kind === "call" && e.fn.name === "from_json" && e.args.length === 1 && isValue(e.args[0]) ? parsed : mapBoundChildren(e, replace));
  return { source, call: found, exprs: exprs.map(replace) };
}

/** The input columns `exprs` read. */
function refsOf(exprs: readonly BoundExpr[]): Set<number> {
  const out = new Set<number>();
  const walk = (e: BoundExpr): void => {
    if (e.kind === "ref") out.add(e.ordinal);
    else if (e.kind === "aggregate" && e.filter !== undefined) walk(e.filter);
    for (const c of boundChildren(e)) walk(c);
  };
  for (const e of exprs) walk(e);
  return out;
}

function union(need: Need, more: ReadonlySet<number>): Need {
  return need === null ? null : new Set([...need, ...more]);
}

function ordinals(need: Need): readonly number[] | null {
  return need === null ? null : [...need].sort((a, b) => a - b);
}

/**
 * Whether a conjunct may be handed to a source: it must give the same answer when a source
 * evaluates it (at another time than the batch), so no aggregates or clock-dependent calls.
 */
function isHintable(e: BoundExpr): boolean {
  if (e.kind === "aggregate") return false;
  if (e.kind === "call" && (e.fn.name === "current_timestamp" || e.fn.name === "current_date")) return false;
  return boundChildren(e).every(isHintable);
}

/** `e` (over a projection's output) with each `ref` replaced by the projection's expression. */
function substituteRefs(e: BoundExpr, exprs: readonly BoundExpr[]): BoundExpr {
  const walk = (x: BoundExpr): BoundExpr => (x.kind === "ref" ? exprs[x.ordinal] : mapBoundChildren(x, walk));
  return walk(e);
}

/**
 * The operators of a batch plan that is a chain over one local relation (an observe's metrics),
 * leaf first, freshly planned.
 */
function operatorChain(plan: ResolvedPlan): Operator[] {
  const chain: Operator[] = [];
  let node = planPhysical(plan, { outputMode: "complete", stateFor: () => null }).root;
  while (node.kind === "operator") {
    chain.unshift(node.op);
    node = node.child;
  }
  if (node.kind !== "local") throw new InternalError(`planner: an observe's metrics plan ends in ${node.kind}, expected a local relation`);
  return chain;
}

/**
 * Runs one micro-batch (or a whole batch query) through the operator tree: pulls chunks from the
 * source inputs, pushes them through each operator, and yields non-empty output chunks. Blocking
 * operators emit at `finish()` after their input is exhausted.
 */
export async function* executePhysical(
  node: PhysicalNode,
  inputs: readonly (() => AsyncIterable<Batch>)[],
  runFragment: FragmentRunner | null = null,
  runStatic: StaticRunner | null = null,
): AsyncGenerator<Batch> {
  if (runFragment !== null && (node.kind === "source" || node.kind === "operator") && node.fragment !== null) {
    // The topmost node of a stateless fragment: let the runner decide where it runs.
    for await (const b of runFragment(node.fragment, () => executePhysical(node, inputs, null, runStatic))) if (b.numRows > 0) yield b;
    return;
  }
  switch (node.kind) {
    case "static": {
      if (runStatic === null) throw new InternalError("planner: a static subplan needs a runner");
      for await (const b of runStatic(node.plan)) if (b.numRows > 0) yield b;
      return;
    }
    case "streamJoin": {
      const left: Batch[] = [];
      const right: Batch[] = [];
      for await (const b of executePhysical(node.left, inputs, runFragment, runStatic)) left.push(b);
      for await (const b of executePhysical(node.right, inputs, runFragment, runStatic)) right.push(b);
      for (const out of node.op.joinBatch(left, right)) if (out.numRows > 0) yield out;
      return;
    }
    case "join": {
      const op = node.op;
      for await (const b of executePhysical(node.right, inputs, runFragment, runStatic)) op.addBuild(b);
      op.endBuild();
      for await (const b of executePhysical(node.left, inputs, runFragment, runStatic)) {
        const file = inputFileOf(b);
        enterInputFile(file);
        const out = op.process(b);
        enterInputFile(undefined);
        if (out !== null && out.numRows > 0) yield tagInputFile(out, file);
      }
      for (const out of op.finish()) if (out.numRows > 0) yield out;
      return;
    }
    case "source":
      for await (const b of inputs[node.index]()) if (b.numRows > 0) yield b;
      return;
    case "local":
      for (const b of node.batches) if (b.numRows > 0) yield b;
      return;
    case "deferred":
      for (const b of await node.load()) if (b.numRows > 0) yield b;
      return;
    case "union":
      for (const c of node.children) yield* executePhysical(c, inputs, runFragment, runStatic);
      return;
    case "operator": {
      const op = node.op;
      for await (const b of executePhysical(node.child, inputs, runFragment, runStatic)) {
        // The chunk's file is current while the operator runs on it (input_file_name()).
        const file = inputFileOf(b);
        enterInputFile(file);
        const out = op.process(b);
        enterInputFile(undefined);
        if (out !== null && out.numRows > 0) yield tagInputFile(out, file);
      }
      if (op.finish !== undefined) {
        for (const out of op.finish()) if (out.numRows > 0) yield out;
      }
      return;
    }
  }
}

