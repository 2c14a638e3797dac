/**
 * Unresolved expressions: the tree that `col(...)`, `expr("...")`, `selectExpr` and string filters
 * build. Names are not yet bound to columns and types are not yet known; analysis
 * (`plan/expressions/bind.ts`) turns an `Expr` into a typed `BoundExpr` against an input schema.
 *
 * Every node is a frozen plain object with a `kind` discriminant.
 */
import type { DataType } from "../types/data-types.js";
import type { QueryAst } from "./query-ast.js";

/** Literal payloads, by type: see {@link LiteralExpr}. */
export type LiteralValue = null | boolean | number | bigint | string | Uint8Array;

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "div"
  | "="
  | "<=>"
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "and"
  | "or"
  | "||"
  | "&"
  | "|"
  | "^";

export type UnaryOp = "-" | "+" | "not" | "~";

/** A column reference: `a`, `a.b` (struct field), `` `a.b` `` (one name with a dot). */
export interface ColumnExpr {
  readonly kind: "column";
  readonly parts: readonly string[];
}

/** `*` (qualifier empty) or `data.*`. */
export interface StarExpr {
  readonly kind: "star";
  readonly qualifier: readonly string[];
}

/**
 * A typed literal. Values by type: string → string; boolean → boolean; integer/short/byte/float/
 * double → number; long → bigint; decimal → bigint (unscaled, scale from the type);
 * timestamp → bigint (µs since epoch); date → number (days since epoch); binary → Uint8Array;
 * null → null (any type; NullType for an untyped NULL).
 */
export interface LiteralExpr {
  readonly kind: "literal";
  readonly value: LiteralValue;
  readonly dataType: DataType;
  /**
   * The text of a `TIMESTAMP '…'` literal that names no zone: its instant depends on the session
   * time zone, so analysis re-reads it (`value` holds the instant in UTC).
   */
  readonly zonelessText?: string;
}

/** A data type passed as an argument (from_json's schema, given as a StructType or DDL). */
export interface TypeArgExpr {
  readonly kind: "typeArg";
  readonly dataType: DataType;
}

export interface AliasExpr {
  readonly kind: "alias";
  readonly child: Expr;
  readonly name: string;
}

export interface CastExpr {
  readonly kind: "cast";
  readonly child: Expr;
  readonly to: DataType;
  /** Written `TRY_CAST` (the same non-ANSI cast; only its name differs). */
  readonly isTry?: boolean;
}

export interface UnaryExpr {
  readonly kind: "unary";
  readonly op: UnaryOp;
  readonly child: Expr;
}

export interface BinaryExpr {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `x IS NULL` / `x IS NOT NULL`. */
export interface IsNullExpr {
  readonly kind: "isNull";
  readonly child: Expr;
  readonly negated: boolean;
}

/** `x [NOT] IN (a, b, ...)`. */
export interface InExpr {
  readonly kind: "in";
  readonly child: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
}

/** `x [NOT] BETWEEN low AND high`. */
export interface BetweenExpr {
  readonly kind: "between";
  readonly child: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
}

/** `x [NOT] LIKE pattern [ESCAPE 'c']` (regex = false) or `x [NOT] RLIKE pattern` (regex = true). */
export interface LikeExpr {
  readonly kind: "like";
  readonly child: Expr;
  readonly pattern: Expr;
  readonly negated: boolean;
  readonly regex: boolean;
  readonly escape: string;
  /** Written `ILIKE`: `child` and `pattern` are wrapped in `lower(…)`; named `ilike(a, b)`. */
  readonly caseInsensitive?: boolean;
}

/** `CASE [operand] WHEN .. THEN .. [ELSE ..] END` and `when(...).otherwise(...)`. */
export interface CaseExpr {
  readonly kind: "case";
  readonly operand: Expr | null;
  readonly branches: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr | null;
}

/** A function call; `name` is lower-case. `count(*)` has a single `star` argument. */
export interface CallExpr {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  /** An aggregate's `FILTER (WHERE cond)`: only rows where it is true are aggregated. */
  readonly filter?: Expr;
  /** Written as `f(p) WITHIN GROUP (ORDER BY v [DESC])`; `args` are `[v, p, descending]`. */
  readonly withinGroup?: boolean;
}

/** A sort key: `col("a").desc()`, `a DESC NULLS LAST`. */
export interface SortOrderExpr {
  readonly kind: "sortOrder";
  readonly child: Expr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * The input column at `ordinal`, whatever its name (the SQL planner's positional references, e.g.
 * to drop hidden sort columns). `name` is its output name.
 */
export interface OrdinalExpr {
  readonly kind: "ordinal";
  readonly ordinal: number;
  readonly name: string;
}

/** A frame boundary: UNBOUNDED PRECEDING/FOLLOWING, CURRENT ROW, or an offset (negative = preceding). */
export type FrameBound =
  | { readonly kind: "unboundedPreceding" }
  | { readonly kind: "unboundedFollowing" }
  | { readonly kind: "currentRow" }
  | { readonly kind: "offset"; readonly value: Expr };

/** `ROWS|RANGE BETWEEN lower AND upper`. */
export interface WindowFrame {
  readonly type: "rows" | "range";
  readonly lower: FrameBound;
  readonly upper: FrameBound;
}

/** `PARTITION BY … ORDER BY … frame`, or a reference to a named window (SQL's WINDOW clause). */
export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortOrderExpr[];
  readonly frame: WindowFrame | null;
  /** `OVER w` / `OVER (w ORDER BY …)`: the named window this spec refines, resolved by the SQL planner. */
  readonly name: string | null;
}

/** `fn(args) OVER (spec)`: a window function or an aggregate over a window. */
export interface WindowExpr {
  readonly kind: "window";
  readonly fn: Expr;
  readonly spec: WindowSpec;
}

/**
 * A subquery in an expression (parsed by `spark.sql` only): `(SELECT …)` (scalar),
 * `[NOT] EXISTS (SELECT …)`, `x [NOT] IN (SELECT …)`. The SQL planner rewrites each into a join
 * (`plan/subqueries.ts`); binding one anywhere else is an error.
 */
export interface SubqueryExpr {
  readonly kind: "subquery";
  readonly type: "scalar" | "exists" | "in";
  readonly query: QueryAst;
  /** IN's left side; null otherwise. */
  readonly value: Expr | null;
  readonly negated: boolean;
}

/**
 * `x -> body` / `(x, y) -> body`: a function argument of a higher-order function (`transform`,
 * `aggregate` …). In `body`, a name whose first part is a parameter is a {@link LambdaVarExpr}.
 */
export interface LambdaExpr {
  readonly kind: "lambda";
  readonly params: readonly string[];
  readonly body: Expr;
}

/**
 * A lambda parameter used in a lambda's body (Spark's `UnresolvedNamedLambdaVariable`): `x`, or
 * `acc.sum` (field `sum` of parameter `acc`). It resolves to the innermost enclosing lambda's
 * parameter of that name, else as a column (as Spark's `ResolveLambdaVariables`).
 */
export interface LambdaVarExpr {
  readonly kind: "lambdaVar";
  readonly parts: readonly string[];
}

export type Expr =
  | LambdaExpr
  | LambdaVarExpr
  | SubqueryExpr
  | WindowExpr
  | OrdinalExpr
  | ColumnExpr
  | StarExpr
  | LiteralExpr
  | TypeArgExpr
  | AliasExpr
  | CastExpr
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | InExpr
  | BetweenExpr
  | LikeExpr
  | CaseExpr
  | CallExpr
  | SortOrderExpr;

export type ExprKind = Expr["kind"];

/** Freezes and returns a node (helper for builders and the parser). */
export function node<E extends Expr>(e: E): E {
  return Object.freeze(e);
}

/**
 * `params -> body`: the body's references whose first name part is a parameter (case-insensitive)
 * become lambda variables, as Spark's parser turns a lambda body's attributes into lambda variables.
 */
export function lambdaExpr(params: readonly string[], body: Expr): LambdaExpr {
  const names = new Set(params.map((p) => p.toLowerCase()));
  const walk = (e: Expr): Expr => {
    if (e.kind === "column" && names.has(e.parts[0].toLowerCase())) return node({ kind: "lambdaVar", parts: e.parts });
    return mapExprChildren(e, walk);
  };
  return node({ kind: "lambda", params, body: walk(body) });
}

/** `left AND right`; `conds.reduce(andExpr)` joins a non-empty list of conditions. */
export function andExpr(left: Expr, right: Expr): Expr {
  return node({ kind: "binary", op: "and", left, right });
}

/**
 * `e` rebuilt with `f` applied to each direct child expression (leaves are returned as they are).
 * Nodes are re-frozen; `e` itself is never changed.
 */
export function mapExprChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case "ordinal":
    case "column":
    case "lambdaVar":
    case "star":
    case "literal":
    case "typeArg":
      return e;
    case "subquery":
      return e.value === null ? e : node({ ...e, value: f(e.value) });
    case "lambda":
      return node({ ...e, body: f(e.body) });
    case "alias":
    case "cast":
    case "unary":
    case "isNull":
    case "sortOrder":
      return node({ ...e, child: f(e.child) });
    case "binary":
      return node({ ...e, left: f(e.left), right: f(e.right) });
    case "in":
      return node({ ...e, child: f(e.child), list: e.list.map(f) });
    case "between":
      return node({ ...e, child: f(e.child), low: f(e.low), high: f(e.high) });
    case "like":
      return node({ ...e, child: f(e.child), pattern: f(e.pattern) });
    case "case":
      return node({
        ...e,
        operand: e.operand === null ? null : f(e.operand),
        branches: e.branches.map((b) => ({ when: f(b.when), then: f(b.then) })),
        otherwise: e.otherwise === null ? null : f(e.otherwise),
      });
    case "call":
      return node({ ...e, args: e.args.map(f), ...(e.filter === undefined ? {} : { filter: f(e.filter) }) });
    case "window":
      return node({
        ...e,
        fn: f(e.fn),
        spec: {
          ...e.spec,
          partitionBy: e.spec.partitionBy.map(f),
          orderBy: e.spec.orderBy.map((o) => f(o) as SortOrderExpr),
          frame: e.spec.frame === null ? null : { ...e.spec.frame, lower: mapBound(e.spec.frame.lower, f), upper: mapBound(e.spec.frame.upper, f) },
        },
      });
  }
}

function mapBound(b: FrameBound, f: (c: Expr) => Expr): FrameBound {
  return b.kind === "offset" ? { kind: "offset", value: f(b.value) } : b;
}

/** The direct children of `e`, in order. */
export function exprChildren(e: Expr): readonly Expr[] {
  const out: Expr[] = [];
  mapExprChildren(e, (c) => {
    out.push(c);
    return c;
  });
  return out;
}
