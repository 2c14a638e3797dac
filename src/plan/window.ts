/**
 * Window functions: analysis of `fn(…) OVER (PARTITION BY … ORDER BY … frame)` into the
 * {@link BoundWindowFunction}s a `window` plan node computes, and the rewrite of a select list that
 * holds window expressions into `window` + `project` (as Spark's ExtractWindowExpressions).
 *
 * Functions: the ranking functions row_number, rank, dense_rank, percent_rank, cume_dist, ntile
 * (they need ORDER BY and ignore the frame), lag / lead (an offset within the partition, with a
 * default), nth_value, and every aggregate over the frame (count, sum, avg, min, max, first, last
 * and their spellings). Frames as Spark: without ORDER BY the whole partition; with ORDER BY and
 * no frame, RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (the current row's peers included).
 */
import { AnalysisError } from "../errors.js";
import { DoubleType, IntegerType, StructType, type DataType } from "../types/data-types.js";
import { node, exprChildren, mapExprChildren, type Expr, type FrameBound, type WindowExpr, type WindowSpec } from "../sql/expression.js";
import type { BoundAggregate, BoundExpr } from "./expressions/bound.js";
import { containsAggregate } from "./expressions/bound.js";
import { bindExpr, castTo, exprSql, outputName } from "./expressions/bind.js";
import { sessionTimeZone } from "./expressions/session-zone.js";
import { AGGREGATE_FUNCTIONS } from "./expressions/function-registry.js";
import type { LogicalPlan } from "./logical.js";
import { analyzePlan } from "./analyze.js";

export type WindowFunctionKind = "row_number" | "rank" | "dense_rank" | "percent_rank" | "cume_dist" | "ntile" | "lag" | "lead" | "nth_value" | "aggregate";

/** A frame in resolved form: offsets relative to the current row (ROWS) or its order value (RANGE). */
export interface BoundFrame {
  readonly type: "rows" | "range";
  /** -Infinity: UNBOUNDED PRECEDING; 0 with `currentRow`: CURRENT ROW (its peers, for RANGE). */
  readonly lower: number;
  /** +Infinity: UNBOUNDED FOLLOWING. */
  readonly upper: number;
  /**
   * RANGE offsets given as year-month intervals: `lower`/`upper` count months, added to the order
   * value on the calendar (dates by day, timestamps as wall-clock times in `zone`), as Spark adds
   * them. Absent: offsets are in the order value's own unit (numbers, days, or microseconds).
   */
  readonly months?: { readonly zone: string };
}

export interface BoundSortKey {
  readonly expr: BoundExpr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

export interface BoundWindowFunction {
  readonly kind: WindowFunctionKind;
  /** lag/lead: value, default; nth_value: value; ntile: none (see `n`). */
  readonly args: readonly BoundExpr[];
  /** The aggregate computed over the frame, for kind "aggregate". */
  readonly aggregate: BoundAggregate | null;
  /** ntile's bucket count, lag/lead's offset, nth_value's position. */
  readonly n: number;
  /** nth_value(…, ignoreNulls). */
  readonly ignoreNulls: boolean;
  readonly partitionBy: readonly BoundExpr[];
  readonly orderBy: readonly BoundSortKey[];
  readonly frame: BoundFrame;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

const RANKING = new Set(["row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile"]);

/** Resolves one window expression against the window node's input. */
export function bindWindowFunction(e: WindowExpr, input: StructType, qualifiers: readonly (string | null)[]): BoundWindowFunction {
  const scope = { qualifiers };
  const bind = (x: Expr): BoundExpr => bindExpr(x, input, scope);
  const spec = e.spec;
  if (spec.name !== null) throw new AnalysisError(`analysis: window '${spec.name}' is not defined (define it in the query's WINDOW clause)`);
  const partitionBy = spec.partitionBy.map(bind);
  const orderBy = spec.orderBy.map((o): BoundSortKey =>
    o.kind === "sortOrder" ? { expr: bind(o.child), ascending: o.ascending, nullsFirst: o.nullsFirst } : { expr: bind(o), ascending: true, nullsFirst: true },
  );
  for (const k of [...partitionBy, ...orderBy.map((o) => o.expr)]) {
    if (containsAggregate(k)) throw new AnalysisError(`analysis: aggregate functions are not allowed in a window's PARTITION BY or ORDER BY: ${exprSql(e)}`);
  }
  if (e.fn.kind !== "call") throw new AnalysisError(`analysis: '${exprSql(e.fn)}' is not a window function`);
  const name = e.fn.name.toLowerCase();
  const args = e.fn.args;
  const base = { partitionBy, orderBy, ignoreNulls: false };
  const needsOrder = (): void => {
    if (orderBy.length === 0) throw new AnalysisError(`analysis: window function ${name}() requires the window to be ordered: add ORDER BY to its OVER clause`);
  };
  const rowsToCurrent: BoundFrame = { type: "rows", lower: -Infinity, upper: 0 };
  if (RANKING.has(name)) {
    needsOrder();
    if (spec.frame !== null && !(spec.frame.lower.kind === "unboundedPreceding" && spec.frame.upper.kind === "currentRow" && spec.frame.type === "rows")) {
      throw new AnalysisError(`analysis: window function ${name}() cannot have a window frame other than ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`);
    }
    let n = 0;
    if (name === "ntile") {
      if (args.length !== 1) throw new AnalysisError(`analysis: ntile takes exactly one argument (the number of buckets), got ${args.length}`);
      n = constantNumber(args[0], "ntile's bucket count");
      if (!Number.isInteger(n) || n <= 0) throw new AnalysisError(`analysis: ntile's bucket count must be a positive integer, got ${n}`);
    } else if (args.length !== 0) {
      throw new AnalysisError(`analysis: ${name}() takes no arguments, got ${args.length}`);
    }
    const double = name === "percent_rank" || name === "cume_dist";
    return { ...base, kind: name as WindowFunctionKind, args: [], aggregate: null, n, frame: rowsToCurrent, dataType: double ? DoubleType() : IntegerType(), nullable: false };
  }
  if (name === "lag" || name === "lead") {
    needsOrder();
    if (args.length < 1 || args.length > 4) throw new AnalysisError(`analysis: ${name} takes 1 to 3 arguments, got ${args.length}`);
    const value = bind(args[0]);
    const n = args.length > 1 ? constantNumber(args[1], `${name}'s offset`) : 1;
    if (!Number.isInteger(n)) throw new AnalysisError(`analysis: ${name}'s offset must be an integer, got ${n}`);
    const dflt = args.length > 2 && !(args[2].kind === "literal" && args[2].value === null) ? bind(args[2]) : null;
    const ignoreNulls = args.length > 3 && constantBoolean(args[3]);
    const fixedDefault = dflt === null ? { kind: "literal" as const, value: null, dataType: value.dataType, nullable: true } : dflt.dataType.typeName === value.dataType.typeName ? dflt : castTo(dflt, value.dataType);
    return { ...base, kind: name, args: [value, fixedDefault], aggregate: null, n, ignoreNulls, frame: rowsToCurrent, dataType: value.dataType, nullable: true };
  }
  const frame = boundFrame(spec, orderBy);
  if (name === "nth_value") {
    if (args.length < 2 || args.length > 3) throw new AnalysisError(`analysis: nth_value takes 2 or 3 arguments, got ${args.length}`);
    const value = bind(args[0]);
    const n = constantNumber(args[1], "nth_value's position");
    if (!Number.isInteger(n) || n <= 0) throw new AnalysisError(`analysis: nth_value's position must be a positive integer, got ${n}`);
    const ignoreNulls = args.length > 2 && constantBoolean(args[2]);
    return { ...base, kind: "nth_value", args: [value], aggregate: null, n, ignoreNulls, frame, dataType: value.dataType, nullable: true };
  }
  if (!(name in AGGREGATE_FUNCTIONS)) {
    throw new AnalysisError(`analysis: ${name} is not a window function nor an aggregate function, so it cannot be used with OVER`);
  }
  const agg = bindExpr(e.fn, input, { ...scope, allowAggregates: true });
  if (agg.kind !== "aggregate") throw new AnalysisError(`analysis: '${exprSql(e.fn)}' over a window must be a single aggregate call`);
  if (agg.filter !== undefined) throw new AnalysisError(`analysis: FILTER (WHERE …) on an aggregate over a window is not supported: ${exprSql(e)}`);
  if (agg.distinct || agg.name === "count_distinct") {
    throw new AnalysisError(`analysis: DISTINCT aggregates over a window are not supported yet: ${exprSql(e)}`);
  }
  // Spark's CheckAnalysis: median and percentile_cont/disc take the whole partition, unordered.
  const whole = spec.frame === null ? orderBy.length === 0 : spec.frame.type === "rows" && spec.frame.lower.kind === "unboundedPreceding" && spec.frame.upper.kind === "unboundedFollowing";
  if (ORDERED_SET_AGGREGATES.has(name) && (orderBy.length > 0 || !whole)) {
    throw new AnalysisError(`analysis: [INVALID_WINDOW_SPEC_FOR_AGGREGATION_FUNC] Cannot specify ORDER BY or a window frame for ${exprSql(e.fn)}`);
  }
  return { ...base, kind: "aggregate", args: [], aggregate: agg, n: 0, frame, dataType: agg.dataType, nullable: agg.nullable };
}

/** Aggregates over a whole window partition only (Spark's `SupportsOrderingWithinGroup`). */
const ORDERED_SET_AGGREGATES = new Set(["median", "percentile_cont", "percentile_disc"]);

/** The frame a spec resolves to (Spark's defaults when it gives none). */
function boundFrame(spec: WindowSpec, orderBy: readonly BoundSortKey[]): BoundFrame {
  const f = spec.frame;
  if (f === null) return orderBy.length > 0 ? { type: "range", lower: -Infinity, upper: 0 } : { type: "rows", lower: -Infinity, upper: Infinity };
  const offsetTypes = new Set<string>();
  const value = (b: FrameBound, side: string): number => {
    switch (b.kind) {
      case "unboundedPreceding":
        return -Infinity;
      case "unboundedFollowing":
        return Infinity;
      case "currentRow":
        return 0;
      case "offset": {
        const o = constantOffset(b.value, `the frame's ${side} bound`);
        offsetTypes.add(o.type);
        return o.value;
      }
    }
  };
  const lower = value(f.lower, "lower");
  const upper = value(f.upper, "upper");
  if (f.lower.kind === "unboundedFollowing") throw new AnalysisError("analysis: a window frame cannot start at UNBOUNDED FOLLOWING");
  if (f.upper.kind === "unboundedPreceding") throw new AnalysisError("analysis: a window frame cannot end at UNBOUNDED PRECEDING");
  if (lower > upper) throw new AnalysisError(`analysis: the window frame's lower bound (${lower}) is above its upper bound (${upper})`);
  const intervals = [...offsetTypes].filter(isIntervalType);
  if (f.type === "rows" && intervals.length > 0) throw new AnalysisError("analysis: a ROWS frame's offsets must be integers, not intervals");
  // Spark's SpecifiedWindowFrame: ROWS offsets are INT (a literal past 2^31 - 1 is a BIGINT).
  const notInt = f.type === "rows" ? [...offsetTypes].find((t) => t !== "integer" && t !== "short" && t !== "byte") : undefined;
  if (notInt !== undefined) {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE] a ROWS frame's offsets must be of type "INT", got "${notInt.toUpperCase()}"`);
  }
  let months: BoundFrame["months"];
  if (f.type === "range" && (Number.isFinite(lower) && lower !== 0 || Number.isFinite(upper) && upper !== 0)) {
    if (orderBy.length !== 1) throw new AnalysisError("analysis: a RANGE frame with offsets needs exactly one ORDER BY expression");
    const t = orderBy[0].expr.dataType.typeName;
    months = rangeOffsetUnit(t, offsetTypes);
  }
  if (f.type === "rows" && (!Number.isInteger(lower) && Number.isFinite(lower) || !Number.isInteger(upper) && Number.isFinite(upper))) {
    throw new AnalysisError("analysis: a ROWS frame's offsets must be integers");
  }
  return months === undefined ? { type: f.type, lower, upper } : { type: f.type, lower, upper, months };
}

function isIntervalType(t: string): boolean {
  return t === "daytimeinterval" || t === "yearmonthinterval";
}

/**
 * Which offsets a RANGE frame over an ORDER BY value of type `t` takes, as Spark's
 * `SpecifiedWindowFrame` type check allows them: numbers over numbers and dates (days); day-time
 * intervals (microseconds) and year-month intervals (calendar months) over timestamps; year-month
 * intervals over dates. One kind of interval per frame. Returns the month rule when offsets count
 * months.
 */
function rangeOffsetUnit(t: string, offsetTypes: ReadonlySet<string>): BoundFrame["months"] {
  const numericKey = ["byte", "short", "integer", "long", "float", "double", "decimal"].includes(t);
  const kinds = [...offsetTypes];
  const ym = kinds.includes("yearmonthinterval");
  const dt = kinds.includes("daytimeinterval");
  const numbers = kinds.some((k) => !isIntervalType(k));
  const refuse = (): never => {
    throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE] a RANGE frame over ${t} cannot take offsets of type ${kinds.join(" and ")}`);
  };
  if (numericKey) return numbers && !ym && !dt ? undefined : refuse();
  if (t === "date") {
    if (numbers && !ym && !dt) return undefined;
    return ym && !dt && !numbers ? { zone: "UTC" } : refuse();
  }
  if (t === "timestamp" || t === "timestamp_ntz") {
    if (dt && !ym && !numbers) return undefined;
    // Wall-clock months: a TIMESTAMP moves in the session zone, a TIMESTAMP_NTZ on its own clock.
    if (ym && !dt && !numbers) return { zone: t === "timestamp" ? sessionTimeZone() : "UTC" };
    return refuse();
  }
  throw new AnalysisError(`analysis: a RANGE frame with offsets needs a numeric, date or timestamp ORDER BY expression, got ${t}`);
}

function constantNumber(e: Expr, what: string): number {
  const o = constantOffset(e, what);
  if (isIntervalType(o.type)) throw new AnalysisError(`analysis: ${what} must be a constant number, got ${outputName(e)}`);
  return o.value;
}

/** A frame offset's value (numbers as they are, day-time intervals in µs, year-month intervals in months) and type name. */
function constantOffset(e: Expr, what: string): { value: number; type: string } {
  const b = bindExpr(e, StructType([]));
  const v = literalValue(b);
  if (typeof v === "number" || typeof v === "bigint") return { value: Number(v), type: b.dataType.typeName };
  throw new AnalysisError(`analysis: ${what} must be a constant number or interval, got ${outputName(e)}`);
}

function constantBoolean(e: Expr): boolean {
  const v = literalValue(bindExpr(e, StructType([])));
  if (typeof v !== "boolean") throw new AnalysisError(`analysis: expected a constant boolean, got ${outputName(e)}`);
  return v;
}

function literalValue(b: BoundExpr): unknown {
  if (b.kind === "literal") return b.value;
  if (b.kind === "unary" && b.op === "negate") {
    const v = literalValue(b.child);
    return typeof v === "number" ? -v : typeof v === "bigint" ? -v : undefined;
  }
  if (b.kind === "cast") return literalValue(b.child);
  if (b.kind === "call" && b.fn.name === "$interval_negate" && b.args.length === 1) {
    const v = literalValue(b.args[0]);
    return typeof v === "number" ? -v : typeof v === "bigint" ? -v : undefined;
  }
  return undefined;
}

/** Whether `e` holds a window expression anywhere. */
export function containsWindow(e: Expr): boolean {
  return e.kind === "window" || exprChildren(e).some(containsWindow);
}

/**
 * `SELECT items FROM child` when items hold window expressions: a `window` node computing each
 * distinct one as a hidden column `#w<i>`, under a projection of the items with each window
 * expression replaced by its column (keeping the item's name); null when no item has one.
 * `named` are the query's WINDOW clause definitions.
 */
export function selectWithWindows(child: LogicalPlan, items: readonly Expr[], named: ReadonlyMap<string, WindowSpec> = new Map()): LogicalPlan | null {
  if (!items.some(containsWindow)) return null;
  const windows: WindowExpr[] = [];
  const keys: string[] = [];
  const replace = (e: Expr): Expr => {
    if (e.kind === "window") {
      const w = resolveNamed(e, named);
      const key = JSON.stringify(w, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
      let i = keys.indexOf(key);
      if (i < 0) {
        keys.push(key);
        windows.push(w);
        i = windows.length - 1;
      }
      return node({ kind: "column", parts: [`#w${i}`] });
    }
    return mapExprChildren(e, replace);
  };
  // `*` means the child's columns, not the hidden window columns beside them.
  const resolvedChild = analyzePlan(child);
  const childFields = resolvedChild.schema.fields;
  const projected = items.flatMap((it): Expr[] => {
    if (it.kind === "star" && it.qualifier.length === 0) return childFields.flatMap((f, i) => (resolvedChild.hidden?.[i] === true ? [] : [node({ kind: "ordinal", ordinal: i, name: f.name })]));
    if (!containsWindow(it)) return [it];
    const name = outputName(it.kind === "alias" ? it : resolveNamedIn(it, named));
    const body = replace(it.kind === "alias" ? it.child : it);
    return [node({ kind: "alias", child: body, name })];
  });
  const exprs = windows.map((w, i): Expr => node({ kind: "alias", child: w, name: `#w${i}` }));
  return { kind: "project", child: { kind: "window", child, exprs }, exprs: [...projected] };
}

function resolveNamedIn(e: Expr, named: ReadonlyMap<string, WindowSpec>): Expr {
  if (e.kind === "window") return resolveNamed(e, named);
  return mapExprChildren(e, (c) => resolveNamedIn(c, named));
}

/** `OVER w` / `OVER (w ORDER BY …)`: the named spec refined by the expression's own clauses. */
function resolveNamed(e: WindowExpr, named: ReadonlyMap<string, WindowSpec>): WindowExpr {
  if (e.spec.name === null) return e;
  const base = named.get(e.spec.name.toLowerCase());
  if (base === undefined) throw new AnalysisError(`analysis: window '${e.spec.name}' is not defined in the WINDOW clause`);
  const resolvedBase = base.name === null ? base : resolveNamed({ kind: "window", fn: e.fn, spec: base }, named).spec;
  const spec: WindowSpec = {
    partitionBy: e.spec.partitionBy.length > 0 ? e.spec.partitionBy : resolvedBase.partitionBy,
    orderBy: e.spec.orderBy.length > 0 ? e.spec.orderBy : resolvedBase.orderBy,
    frame: e.spec.frame ?? resolvedBase.frame,
    name: null,
  };
  return node({ kind: "window", fn: e.fn, spec });
}
