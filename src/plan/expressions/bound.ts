/**
 * Bound (resolved, typed) expressions: the output of analysis (`bind.ts`) and the input of the
 * vectorized evaluator (`exec/eval`). Column names are resolved to ordinals of the input schema,
 * implicit casts are explicit `cast` nodes, and every node carries its result `dataType` and
 * whether it can be null.
 *
 * Invariants the evaluator relies on:
 * - both operands of a comparison, bitwise or non-decimal arithmetic `binary` node have the same
 *   data type; decimal arithmetic has two decimal operands (precision/scale may differ) and the
 *   node's type is Spark's result decimal; `/` has double or decimal operands; `div` has long or
 *   decimal operands and a long result;
 * - `and`/`or`/`not` operands are boolean; the `in` list has the child's type;
 * - every `case` branch value and `otherwise` has the node's type;
 * - arguments of `call` nodes are already cast to what the function's kernel expects.
 */
import type { DataType } from "../../types/data-types.js";
import type { LiteralValue } from "../../sql/expression.js";

/** Reference to a top-level input column by position. `name` is for display only. */
export interface BoundRef {
  readonly kind: "ref";
  readonly ordinal: number;
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** Field `ordinal` of a struct-typed child (`data.event_id`). Null when the struct is null. */
export interface BoundField {
  readonly kind: "field";
  readonly child: BoundExpr;
  readonly ordinal: number;
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** A constant; `value` follows the encoding of `LiteralExpr` for `dataType`. */
export interface BoundLiteral {
  readonly kind: "literal";
  readonly value: LiteralValue;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/**
 * A non-ANSI cast: values that cannot be converted become null. `timeZone` is the session time
 * zone bound at analysis when the cast reads or writes wall-clock times (to or from timestamps).
 */
export interface BoundCast {
  readonly kind: "cast";
  readonly child: BoundExpr;
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly timeZone?: string;
  /** TRY_CAST: the ANSI cast with null where it would fail (see `tryCastVector`). */
  readonly isTry?: boolean;
}

/** `negate` (-x), `not` (boolean NOT), `bitnot` (~x). */
export type BoundUnaryOp = "negate" | "not" | "bitnot";

export interface BoundUnary {
  readonly kind: "unary";
  readonly op: BoundUnaryOp;
  readonly child: BoundExpr;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** Arithmetic, comparison, logical and bitwise operators (`!=` is bound as `not(=)`). */
export type BoundBinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "div"
  | "="
  | "<=>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "and"
  | "or"
  | "&"
  | "|"
  | "^";

export interface BoundBinary {
  readonly kind: "binary";
  readonly op: BoundBinaryOp;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** `child IS [NOT] NULL`: never null itself. */
export interface BoundIsNull {
  readonly kind: "isNull";
  readonly child: BoundExpr;
  readonly negated: boolean;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** `child [NOT] IN (list)` with SQL null semantics (no match and a null in the list → null). */
export interface BoundIn {
  readonly kind: "in";
  readonly child: BoundExpr;
  readonly list: readonly BoundExpr[];
  readonly negated: boolean;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/**
 * `child [NOT] LIKE pattern` / `RLIKE`. When the pattern is a literal, `compiled` holds the
 * regular expression (LIKE patterns anchored, RLIKE unanchored find semantics) and `likeShape`
 * a byte-level fast path for LIKE patterns that are a plain prefix, suffix, substring or equality.
 */
export interface BoundLike {
  readonly kind: "like";
  readonly child: BoundExpr;
  readonly pattern: BoundExpr;
  readonly regex: boolean;
  readonly negated: boolean;
  readonly escape: string;
  readonly compiled: RegExp | null;
  readonly likeShape: LikeShape | null;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** A LIKE pattern with no wildcard other than a leading and/or trailing `%`. */
export interface LikeShape {
  readonly op: "equals" | "startsWith" | "endsWith" | "contains";
  readonly text: string;
}

/** Searched CASE (a simple `CASE x WHEN v` is bound as `x = v` conditions). */
export interface BoundCase {
  readonly kind: "case";
  readonly branches: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
  readonly otherwise: BoundExpr | null;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/**
 * A scalar function resolved by the function registry. `name` is canonical (aliases resolved:
 * `substr` → `substring`, `ifnull` → `nvl`); `options` are constant settings resolved at analysis
 * (from_json's JSON options).
 */
export interface ScalarFunction {
  readonly name: string;
  /** The name the user wrote, used for output column names. */
  readonly prettyName: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface BoundCall {
  readonly kind: "call";
  readonly fn: ScalarFunction;
  readonly args: readonly BoundExpr[];
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** Aggregate function names the aggregate operator implements. */
export type AggregateName =
  | "count"
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "first"
  | "last"
  | "count_distinct"
  | "approx_count_distinct"
  | "collect_list"
  | "collect_set"
  | "stddev_samp"
  | "stddev_pop"
  | "var_samp"
  | "var_pop"
  | "skewness"
  | "kurtosis"
  | "covar_pop"
  | "covar_samp"
  | "corr"
  | "regr_sxx"
  | "regr_syy"
  | "regr_sxy"
  | "regr_r2"
  | "regr_slope"
  | "regr_intercept"
  | "max_by"
  | "min_by"
  | "bit_and"
  | "bit_or"
  | "bit_xor"
  | "percentile"
  | "percentile_approx"
  | "mode"
  | "histogram_numeric"
  | "bitmap_construct_agg"
  | "bitmap_or_agg"
  | "count_min_sketch";

/**
 * An aggregate call. `args` are aggregate-free bound expressions (`count(*)` has none);
 * `ignoreNulls` is first/last's flag (false elsewhere). Result types follow Spark: count* → long
 * non-null; sum → long / double / decimal(p+10, s); avg → double / decimal(p+4, s+4);
 * min/max/first/last → the input type.
 */
export interface BoundAggregate {
  readonly kind: "aggregate";
  readonly name: AggregateName;
  readonly args: BoundExpr[];
  readonly distinct: boolean;
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly ignoreNulls: boolean;
  /** `FILTER (WHERE cond)`: a boolean over the aggregate's input; only rows where it is true count. */
  readonly filter?: BoundExpr;
  /** Constant arguments the accumulator needs (percentile's `percentages`, `accuracy`, `frequency`). */
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * A lambda parameter (Spark's `NamedLambdaVariable`): the value the enclosing higher-order function
 * gives parameter `id` of its lambda. Ids are unique within a bound tree.
 */
export interface BoundLambdaVar {
  readonly kind: "lambdaVar";
  readonly id: number;
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/**
 * A function argument of a higher-order function (Spark's `LambdaFunction`): `body` over the
 * parameters `params` and the input columns. Its type is the body's. Only a `call` of a
 * higher-order function has lambda arguments; the evaluator runs the body over whole vectors of
 * elements (`exec/eval/functions/higher-order-functions.ts`).
 */
export interface BoundLambda {
  readonly kind: "lambda";
  readonly params: readonly BoundLambdaVar[];
  readonly body: BoundExpr;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

export type BoundExpr =
  | BoundLambda
  | BoundLambdaVar
  | BoundRef
  | BoundField
  | BoundLiteral
  | BoundCast
  | BoundUnary
  | BoundBinary
  | BoundIsNull
  | BoundIn
  | BoundLike
  | BoundCase
  | BoundCall
  | BoundAggregate;

export type BoundExprKind = BoundExpr["kind"];

/** The direct children of a bound node, in evaluation order. */
export function boundChildren(e: BoundExpr): readonly BoundExpr[] {
  switch (e.kind) {
    case "ref":
    case "literal":
    case "lambdaVar":
      return [];
    case "lambda":
      return [e.body];
    case "field":
    case "cast":
    case "unary":
    case "isNull":
      return [e.child];
    case "binary":
      return [e.left, e.right];
    case "in":
      return [e.child, ...e.list];
    case "like":
      return [e.child, e.pattern];
    case "case": {
      const out: BoundExpr[] = [];
      for (const b of e.branches) out.push(b.when, b.then);
      if (e.otherwise !== null) out.push(e.otherwise);
      return out;
    }
    case "call":
    case "aggregate":
      return e.args;
  }
}

/** True when `e` contains an aggregate call anywhere. */
export function containsAggregate(e: BoundExpr): boolean {
  if (e.kind === "aggregate") return true;
  return boundChildren(e).some(containsAggregate);
}

/** Every aggregate call in `e`, outermost first, left to right (aggregates never nest). */
export function collectAggregates(e: BoundExpr, out: BoundAggregate[] = []): BoundAggregate[] {
  if (e.kind === "aggregate") out.push(e);
  else for (const c of boundChildren(e)) collectAggregates(c, out);
  return out;
}

/**
 * Rebuilds `e` with each aggregate call replaced by `replace(agg, index)` (index in
 * {@link collectAggregates} order), e.g. by a `ref` to the aggregate operator's output column, so
 * the expression around the aggregates (`sum(a) / count(*)`) can be compiled and evaluated.
 */
export function replaceAggregates(e: BoundExpr, replace: (agg: BoundAggregate, index: number) => BoundExpr): BoundExpr {
  let next = 0;
  const walk = (x: BoundExpr): BoundExpr => (x.kind === "aggregate" ? replace(x, next++) : mapBoundChildren(x, walk));
  return walk(e);
}

/**
 * `e` rebuilt with `f` applied to each direct child expression (leaves, `ref` and `literal`, are
 * returned as they are). Children are visited in {@link boundChildren} order.
 */
export function mapBoundChildren(e: BoundExpr, f: (c: BoundExpr) => BoundExpr): BoundExpr {
  switch (e.kind) {
    case "ref":
    case "literal":
    case "lambdaVar":
      return e;
    case "lambda":
      return { ...e, body: f(e.body) };
    case "field":
    case "cast":
    case "unary":
    case "isNull":
      return { ...e, child: f(e.child) };
    case "binary":
      return { ...e, left: f(e.left), right: f(e.right) };
    case "in":
      return { ...e, child: f(e.child), list: e.list.map(f) };
    case "like":
      return { ...e, child: f(e.child), pattern: f(e.pattern) };
    case "case":
      return { ...e, branches: e.branches.map((b) => ({ when: f(b.when), then: f(b.then) })), otherwise: e.otherwise === null ? null : f(e.otherwise) };
    case "call":
    case "aggregate":
      return { ...e, args: e.args.map(f) };
  }
}

/** The conjuncts of `e`: its operands split at every top-level AND. */
export function splitConjuncts(e: BoundExpr, out: BoundExpr[] = []): BoundExpr[] {
  if (e.kind === "binary" && e.op === "and") {
    splitConjuncts(e.left, out);
    splitConjuncts(e.right, out);
  } else {
    out.push(e);
  }
  return out;
}

/** The AND of `conjuncts`, or null for none. */
export function conjunction(conjuncts: readonly BoundExpr[]): BoundExpr | null {
  if (conjuncts.length === 0) return null;
  return conjuncts.reduce((l, r) => ({ kind: "binary", op: "and", left: l, right: r, dataType: l.dataType, nullable: l.nullable || r.nullable }));
}
