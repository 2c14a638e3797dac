/**
 * Analysis of expressions: resolves names against an input schema, applies Spark 3.5's non-ANSI
 * implicit casts, checks argument counts and types, and produces the typed `BoundExpr` tree the
 * evaluator runs. Also names output columns the way Spark does (`(a + 1)`, `count(1)`, `upper(name)`).
 *
 * Known naming differences from Spark 3.5: `x BETWEEN a AND b` is named like its expansion
 * `((x >= a) AND (x <= b))`; `mean(x)` is named `avg(x)`; name parts are never back-quoted; the
 * `CAST(col AS T)` → `col` rule applies to column references and aliases only.
 * Not implemented (an analysis error instead): comparing array values, which Spark orders
 * element by element. (Maps are not comparable in Spark either.)
 */
import type { DataType, StructType, StructField } from "../../types/data-types.js";
import { GENERATOR_NAMES } from "./generator-names.js";
import { ArrayType, BooleanType, BinaryType, ByteType, DateType, DoubleType, FloatType, IntegerType, LongType, NullType, ShortType, StringType, TimestampType, DecimalType, isNumeric, isIntegral } from "../../types/data-types.js";
import { DayTimeIntervalType, YearMonthIntervalType, isAnsiInterval } from "../../types/data-types.js";
import { AnalysisError, InternalError, suggestion } from "../../errors.js";
import type { Expr, BinaryOp, FrameBound } from "../../sql/expression.js";
import type {
  AggregateName,
  BoundAggregate,
  BoundBinaryOp,
  BoundCast,
  BoundExpr,
  BoundLiteral,
  BoundLambdaVar,
} from "./bound.js";
import { bindHigherOrderArgs, lookupLambdaVar, misplacedLambda } from "./lambda.js";
import { higherOrderSqlArgs } from "./functions/higher-order.js";
import { ansiEnabled, sessionTimeZone } from "./session-zone.js";
import { bindIntervalArithmetic, bindIntervalExtract, bindIntervalMath, bindIntervalTry, bindIntervalNegate, checkIntervalComparison, intervalArithmeticName, intervalCallSql } from "./interval-arithmetic.js";
import { STATISTICAL_AGGREGATES, resolveStatisticalAggregate } from "./aggregate-functions.js";
import { timestampLiteral } from "../../sql/literals.js";
import {
  canCast,
  decimalArithmeticType,
  decimalForType,
  literalDecimal,
  equalsIgnoreNullability,
  findCommonTypeForComparison,
  findTightestCommonType,
  findWiderCommonType,
  findWiderTypeForTwo,
  isAtomic,
  typeSql,
  typeString,
} from "./coercion.js";
import { AGGREGATE_FUNCTIONS, BOOLEAN_AGGREGATES, functionNames, lookupFunction, specialCallSql } from "./function-registry.js";
import { javaRegExp, likeShape, likeToRegExp } from "./like-pattern.js";
import { formatLiteral } from "./literal-text.js";

/** Options of {@link bindExpr}. */
export interface BindOptions {
  /** Whether aggregate calls (`count`, `sum` …) may appear (in `agg(...)`); default false. */
  readonly allowAggregates?: boolean;
  /** Column-name matching; default false (case-insensitive), as Spark's `spark.sql.caseSensitive`. */
  readonly caseSensitive?: boolean;
  /**
   * Per input column (parallel to `input.fields`): the alias of the relation it belongs to
   * (`df.alias("s")`), or null. With qualifiers, `s.id` resolves as Spark's analyzer does: first
   * column `id` of the relation aliased `s`; only when no such column exists, field `id` of a
   * struct column `s` (a column wins over a field, no ambiguity error). `s.*` expands the columns
   * qualified `s` before a struct column `s`. Absent: no column is qualified.
   */
  readonly qualifiers?: readonly (string | null)[];
  /**
   * Per input column, whether it is hidden: the other side's key of a SQL USING / NATURAL join,
   * which only a qualified name (`t2.k`, `t2.*`) reaches, as Spark's hidden join attributes.
   */
  readonly hidden?: readonly boolean[];
}

/**
 * Resolves `e` against `input`. Throws `AnalysisError` for unknown or ambiguous columns (with a
 * did-you-mean), unknown functions, wrong argument counts or types, and misplaced aggregates.
 * A top-level alias is transparent here (use {@link bindProjectList} for names).
 */
export function bindExpr(e: Expr, input: StructType, options: BindOptions = {}): BoundExpr {
  return new Binder(input, options).bind(e, null);
}

/** Binds a filter condition: it must be boolean (a NULL literal is accepted as always-null). */
export function bindPredicate(e: Expr, input: StructType, options: BindOptions = {}): BoundExpr {
  const b = bindExpr(e, input, options);
  if (b.dataType.typeName === "boolean") return b;
  if (b.dataType.typeName === "null") return castTo(b, BooleanType());
  throw new AnalysisError(
    `analysis: filter expression '${exprSql(e)}' of type ${typeString(b.dataType)} is not a boolean`,
  );
}

/**
 * Binds a select list: expands `*`, `s.*` (every column of the relation aliased `s`) and `data.*`
 * (every field of struct column `data`), and names each output column as Spark does (alias;
 * column → its last name part; `CAST(col AS T)` → the column's name; otherwise Spark's pretty SQL
 * text). `qualifiers` are the output columns' qualifiers: a plain column reference (or a `*` /
 * `s.*` expansion) keeps its input column's qualifier, anything else (an alias, an expression, a
 * struct field) has none, as Spark's attributes.
 */
export function bindProjectList(
  exprs: readonly Expr[],
  input: StructType,
  options: BindOptions = {},
): { exprs: BoundExpr[]; names: string[]; qualifiers: (string | null)[]; hidden: boolean[] } {
  const binder = new Binder(input, options);
  const inputQualifiers = options.qualifiers;
  const isHidden = (i: number): boolean => options.hidden?.[i] === true;
  const hidden: boolean[] = [];
  const qualifierOf = (ordinal: number): string | null => inputQualifiers?.[ordinal] ?? null;
  const out: BoundExpr[] = [];
  const names: string[] = [];
  const qualifiers: (string | null)[] = [];
  for (const e of exprs) {
    if (e.kind === "star") {
      // `t.*`, or `db.t.*` (a relation qualified by its database) when `db` is no column.
      const last = e.qualifier[e.qualifier.length - 1];
      const dbQualified = e.qualifier.length > 1 && e.qualifier.length <= 3 && !input.fields.some((f) => f.name.toLowerCase() === e.qualifier[0].toLowerCase());
      const relation = e.qualifier.length === 1 || dbQualified ? binder.qualifiedOrdinals(last) : [];
      if (e.qualifier.length === 0 || relation.length > 0) {
        const ordinals = e.qualifier.length === 0 ? input.fields.flatMap((_, i) => (isHidden(i) ? [] : [i])) : relation;
        for (const i of ordinals) {
          const f = input.fields[i];
          out.push({ kind: "ref", ordinal: i, name: f.name, dataType: f.dataType, nullable: f.nullable });
          names.push(f.name);
          qualifiers.push(qualifierOf(i));
          hidden.push(false);
        }
      } else {
        const base = binder.bind({ kind: "column", parts: e.qualifier }, null);
        if (base.dataType.typeName !== "struct") {
          throw new AnalysisError(
            `analysis: cannot expand '${e.qualifier.join(".")}.*': '${e.qualifier.join(".")}' is ${typeString(base.dataType)}, not a struct`,
          );
        }
        const nullableParent = base.nullable;
        base.dataType.fields.forEach((f, i) => {
          out.push({ kind: "field", child: base, ordinal: i, name: f.name, dataType: f.dataType, nullable: f.nullable || nullableParent });
          names.push(f.name);
          qualifiers.push(null);
          hidden.push(false);
        });
      }
      continue;
    }
    const b = binder.bind(e, null);
    out.push(b);
    names.push(outputName(e));
    qualifiers.push((e.kind === "column" || e.kind === "ordinal") && b.kind === "ref" ? qualifierOf(b.ordinal) : null);
    // A positional pass-through (the SQL planner's) keeps a hidden column hidden.
    hidden.push(e.kind === "ordinal" && b.kind === "ref" && isHidden(b.ordinal));
  }
  return { exprs: out, names, qualifiers, hidden };
}

/** Spark's cast functions (`int(x)` is `CAST(x AS INT)`); their output name is their argument's. */
const CAST_FUNCTIONS: Readonly<Record<string, DataType>> = {
  boolean: BooleanType(),
  tinyint: ByteType(),
  smallint: ShortType(),
  int: IntegerType(),
  bigint: LongType(),
  float: FloatType(),
  double: DoubleType(),
  decimal: DecimalType(10, 0),
  date: DateType(),
  timestamp: TimestampType(),
  binary: BinaryType(),
  string: StringType(),
};

/** The output column name Spark gives an unresolved expression in a select list. */
export function outputName(e: Expr): string {
  switch (e.kind) {
    case "alias":
    case "ordinal":
      return e.name;
    case "column":
    case "lambdaVar":
      return e.parts[e.parts.length - 1];
    case "cast":
      if (e.child.kind === "column" || e.child.kind === "alias") return outputName(e.child);
      return exprSql(e);
    case "call":
      if (e.args.length === 1 && e.name.toLowerCase() in CAST_FUNCTIONS) return outputName(e.args[0]);
      // Spark names a time window's column `window`.
      if (e.name.toLowerCase() === "window" && e.args.length >= 2 && e.args.length <= 4) return "window";
      return exprSql(e);
    default:
      return exprSql(e);
  }
}

/** Spark's pretty SQL text of an expression (`(a + 1)`, `count(1)`, `CAST(x AS BIGINT)`). */
export function exprSql(e: Expr): string {
  switch (e.kind) {
    case "column":
      return e.parts.join(".");
    case "ordinal":
      return e.name;
    case "star":
      return e.qualifier.length === 0 ? "*" : `${e.qualifier.join(".")}.*`;
    case "literal":
      return formatLiteral(e);
    case "typeArg":
      return typeSql(e.dataType);
    case "alias":
      return `${exprSql(e.child)} AS ${e.name}`;
    case "cast": {
      // Spark's Cast.sql leaves out a cast to an array, map or struct (HiveQL had none).
      const to = e.to.typeName;
      if (to === "array" || to === "map" || to === "struct") return exprSql(e.child);
      return `${e.isTry === true ? "TRY_CAST" : "CAST"}(${exprSql(e.child)} AS ${typeSql(e.to)})`;
    }
    case "unary":
      switch (e.op) {
        case "-":
          return `(- ${exprSql(e.child)})`;
        case "+":
          return `(+ ${exprSql(e.child)})`;
        case "not":
          return `(NOT ${exprSql(e.child)})`;
        case "~":
          return `~${exprSql(e.child)}`;
      }
      break;
    case "binary":
      return intervalArithmeticName(e) ?? binarySql(e.op, exprSql(e.left), exprSql(e.right));
    case "isNull":
      return `(${exprSql(e.child)} IS ${e.negated ? "NOT " : ""}NULL)`;
    case "in": {
      const s = `(${exprSql(e.child)} IN (${e.list.map(exprSql).join(", ")}))`;
      return e.negated ? `(NOT ${s})` : s;
    }
    case "between": {
      const c = exprSql(e.child);
      const s = `((${c} >= ${exprSql(e.low)}) AND (${c} <= ${exprSql(e.high)}))`;
      return e.negated ? `(NOT ${s})` : s;
    }
    case "like": {
      const unlowered = (x: Expr): Expr => (x.kind === "call" && x.name === "lower" && x.args.length === 1 ? x.args[0] : x);
      const escape = e.escape === "\\" ? "" : e.caseInsensitive === true ? `, ${e.escape}` : ` ESCAPE '${e.escape}'`;
      const s = e.regex
        ? `RLIKE(${exprSql(e.child)}, ${exprSql(e.pattern)})`
        : e.caseInsensitive === true
          ? `ilike(${exprSql(unlowered(e.child))}, ${exprSql(unlowered(e.pattern))}${escape})`
          : `${exprSql(e.child)} LIKE ${exprSql(e.pattern)}${escape}`;
      return e.negated ? `(NOT ${s})` : s;
    }
    case "case": {
      // Spark's parser turns `CASE x WHEN v …` into `CASE WHEN (x = v) …`, and names it so.
      let s = "CASE";
      const operand = e.operand;
      for (const b of e.branches) s += ` WHEN ${operand === null ? exprSql(b.when) : `(${exprSql(operand)} = ${exprSql(b.when)})`} THEN ${exprSql(b.then)}`;
      if (e.otherwise !== null) s += ` ELSE ${exprSql(e.otherwise)}`;
      return `${s} END`;
    }
    case "call":
      return e.filter === undefined ? callSql(e.name, e.args, e.distinct) : `${callSql(e.name, e.args, e.distinct)} FILTER (WHERE ${exprSql(e.filter)})`;
    case "sortOrder":
      return `${exprSql(e.child)} ${e.ascending ? "ASC" : "DESC"} NULLS ${e.nullsFirst ? "FIRST" : "LAST"}`;
    case "window":
      return windowSql(e);
    case "lambda":
      // Spark's name of a resolved lambda: `lambdafunction(body, namedlambdavariable(), …)`.
      return `lambdafunction(${[exprSql(e.body), ...e.params.map(() => "namedlambdavariable()")].join(", ")})`;
    case "lambdaVar":
      return ["namedlambdavariable()", ...e.parts.slice(1)].join(".");
    case "subquery":
      if (e.type === "scalar") return "scalarsubquery()";
      if (e.type === "exists") return e.negated ? "(NOT exists())" : "exists()";
      return e.negated ? `(NOT (${exprSql(e.value ?? e)} IN (listquery())))` : `(${exprSql(e.value ?? e)} IN (listquery()))`;
  }
  return "?";
}

/** Functions whose frame Spark fixes to ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
const RANKING = new Set(["row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile"]);

/**
 * Spark's name for a window expression, with the frame it resolves to spelled out:
 * `sum(b) OVER (PARTITION BY a ORDER BY b ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`.
 */
function windowSql(e: Extract<Expr, { kind: "window" }>): string {
  const parts: string[] = [];
  const spec = e.spec;
  if (spec.partitionBy.length > 0) parts.push(`PARTITION BY ${spec.partitionBy.map(exprSql).join(", ")}`);
  if (spec.orderBy.length > 0) parts.push(`ORDER BY ${spec.orderBy.map(exprSql).join(", ")}`);
  const name = e.fn.kind === "call" ? e.fn.name : "";
  const bound = (b: FrameBound): string => {
    switch (b.kind) {
      case "unboundedPreceding":
        return "UNBOUNDED PRECEDING";
      case "unboundedFollowing":
        return "UNBOUNDED FOLLOWING";
      case "currentRow":
        return "CURRENT ROW";
      case "offset": {
        const v = b.value;
        if (v.kind === "unary" && v.op === "-") return `${exprSql(v.child)} PRECEDING`;
        if (v.kind === "literal" && typeof v.value === "number" && v.value < 0) return `${-v.value} PRECEDING`;
        return `${exprSql(v)} FOLLOWING`;
      }
    }
  };
  if (RANKING.has(name)) parts.push("ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW");
  else if ((name === "lag" || name === "lead") && e.fn.kind === "call") {
    const off = e.fn.args[1];
    const n = off !== undefined && off.kind === "literal" ? Number(off.value) : 1;
    const k = name === "lag" ? -n : n;
    parts.push(`ROWS BETWEEN ${k} FOLLOWING AND ${k} FOLLOWING`);
  } else if (spec.frame !== null) parts.push(`${spec.frame.type.toUpperCase()} BETWEEN ${bound(spec.frame.lower)} AND ${bound(spec.frame.upper)}`);
  else if (spec.orderBy.length > 0) parts.push("RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW");
  else parts.push("ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING");
  return `${exprSql(e.fn)} OVER (${parts.join(" ")})`;
}

function binarySql(op: BinaryOp, l: string, r: string): string {
  switch (op) {
    case "!=":
      return `(NOT (${l} = ${r}))`;
    case "||":
      return `concat(${l}, ${r})`;
    case "and":
      return `(${l} AND ${r})`;
    case "or":
      return `(${l} OR ${r})`;
    default:
      return `(${l} ${op} ${r})`;
  }
}

function callSql(name: string, written: readonly Expr[], distinct: boolean): string {
  const lower = name.toLowerCase();
  const args = higherOrderSqlArgs(lower, written) ?? written;
  const list = (xs: readonly Expr[]) => xs.map(exprSql).join(", ");
  // A function-style cast (`date(x)`, `int(x)`) is named by its argument, as Spark names casts it
  // did not get from CAST syntax.
  if (args.length === 1 && lower in CAST_FUNCTIONS) return exprSql(args[0]);
  if (!distinct) {
    const special = specialCallSql(lower, args, args.map(exprSql));
    if (special !== undefined) return special;
  }
  const interval = intervalCallSql(lower, args.map(exprSql));
  if (interval !== undefined) return interval;
  switch (lower) {
    case "percentile_cont":
    case "percentile_disc":
      // Parsed from `f(p) WITHIN GROUP (ORDER BY v [DESC])` as f(v, p, descending).
      if (args.length === 3 && args[2].kind === "literal") {
        return `${lower}(${distinct ? "DISTINCT " : ""}${exprSql(args[1])}) WITHIN GROUP (ORDER BY ${exprSql(args[0])}${args[2].value === true ? " DESC" : ""})`;
      }
      break;
    case "percentile":
      // Spark names the default frequency.
      if (args.length === 2) return `percentile(${distinct ? "DISTINCT " : ""}${list(args)}, 1)`;
      break;
    case "count":
      if (args.length === 1 && args[0].kind === "star") return "count(1)";
      break;
    case "countdistinct":
    case "count_distinct":
      return `count(DISTINCT ${list(args)})`;
    case "isnull":
      return `(${list(args)} IS NULL)`;
    case "isnotnull":
      return `(${list(args)} IS NOT NULL)`;
    case "get_item":
      if (args.length === 2) return `${exprSql(args[0])}[${exprSql(args[1])}]`;
      break;
    case "get_field":
      if (args.length === 2) return `${exprSql(args[0])}.${exprSql(args[1])}`;
      break;
    case "if":
      if (args.length === 3) return `(IF(${list(args)}))`;
      break;
    case "mean":
      return `avg(${distinct ? "DISTINCT " : ""}${list(args)})`;
    case "array_agg":
      // Registered in Spark 3.5 as a plain second name of CollectList, so named by it.
      return `collect_list(${distinct ? "DISTINCT " : ""}${list(args)})`;
  }
  return `${lower}(${distinct ? "DISTINCT " : ""}${list(args)})`;
}

// ---------------------------------------------------------------------------------------------

function lit(value: BoundLiteral["value"], dataType: DataType): BoundLiteral {
  return { kind: "literal", value, dataType, nullable: value === null };
}

/** Wraps `e` in a cast to `t` unless it already has that type; a NULL literal is retyped. */
export function castTo(e: BoundExpr, t: DataType): BoundExpr {
  if (equalsIgnoreNullability(e.dataType, t)) return e;
  if (e.kind === "literal" && e.value === null) return lit(null, t);
  const cast: BoundCast = { kind: "cast", child: e, dataType: t, nullable: e.nullable || castCanFail(e.dataType, t) };
  return isZoneAwareCast(e.dataType, t) ? { ...cast, timeZone: sessionTimeZone() } : cast;
}

/** Whether a cast from `from` to `to` reads or writes wall-clock times (Spark's `Cast.needsTimeZone`). */
function isZoneAwareCast(from: DataType, to: DataType): boolean {
  if (from.typeName === "timestamp" || to.typeName === "timestamp") return true;
  if (from.typeName === "array" && to.typeName === "array") return isZoneAwareCast(from.elementType, to.elementType);
  if (from.typeName === "map" && to.typeName === "map") return isZoneAwareCast(from.keyType, to.keyType) || isZoneAwareCast(from.valueType, to.valueType);
  if (from.typeName === "struct" && to.typeName === "struct") return from.fields.some((f, i) => i < to.fields.length && isZoneAwareCast(f.dataType, to.fields[i].dataType));
  return (from.typeName === "struct" || from.typeName === "array" || from.typeName === "map") && to.typeName === "string";
}

/** Whether a non-ANSI cast from `from` to `to` can produce null for a non-null input. */
function castCanFail(from: DataType, to: DataType): boolean {
  if (to.typeName === "string" || (to.typeName === "boolean" && from.typeName !== "string")) return false;
  if (from.typeName === "string") return true;
  if (to.typeName === "decimal") return true;
  if (from.typeName === "date" && isNumeric(to)) return true;
  return false;
}

const ARITHMETIC = new Set<BinaryOp>(["+", "-", "*", "/", "%", "div"]);
const COMPARISON = new Set<BinaryOp>(["=", "<=>", "<", "<=", ">", ">="]);
const BITWISE = new Set<BinaryOp>(["&", "|", "^"]);

class Binder {
  private readonly input: StructType;
  private readonly caseSensitive: boolean;
  private readonly allowAggregates: boolean;
  /** Per input column, its qualifier or null; null when no column is qualified. */
  private readonly qualifiers: readonly (string | null)[] | null;
  private readonly hidden: readonly boolean[] | null;
  /** Parameters of the lambdas being bound, innermost last. */
  private readonly lambdaScopes: (readonly BoundLambdaVar[])[] = [];

  constructor(input: StructType, options: BindOptions) {
    this.input = input;
    this.caseSensitive = options.caseSensitive ?? false;
    this.allowAggregates = options.allowAggregates ?? false;
    const q = options.qualifiers;
    this.qualifiers = q !== undefined && q.some((x) => x !== null) ? q : null;
    this.hidden = options.hidden !== undefined && options.hidden.some((h) => h) ? options.hidden : null;
    if (this.qualifiers !== null && this.qualifiers.length !== input.fields.length) {
      throw new InternalError(`analysis: ${this.qualifiers.length} qualifiers for ${input.fields.length} input columns`);
    }
  }

  /** Ordinals of the input columns qualified by `qualifier` (the relation aliased so), in order. */
  qualifiedOrdinals(qualifier: string): number[] {
    const out: number[] = [];
    const q = this.qualifiers;
    if (q === null) return out;
    for (let i = 0; i < q.length; i++) {
      const x = q[i];
      if (x !== null && this.matches(x, qualifier)) out.push(i);
    }
    return out;
  }

  /** The input columns as a user may write them: `s.id` when qualified, else `id`. */
  private displayNames(): string[] {
    const q = this.qualifiers;
    return this.input.fields.map((f, i) => {
      const x = q === null ? null : q[i];
      return x === null ? f.name : `${x}.${f.name}`;
    });
  }

  /** `inAggregate`: the enclosing aggregate call's name, when binding its arguments. */
  bind(e: Expr, inAggregate: string | null): BoundExpr {
    switch (e.kind) {
      case "column":
        return this.resolveColumn(e.parts);
      case "lambdaVar": {
        // A lambda parameter, else (no enclosing lambda has it) a column, as Spark's ResolveLambdaVariables.
        const v = lookupLambdaVar(this.lambdaScopes, e.parts[0], (a, b) => this.matches(a, b));
        if (v === undefined) return this.resolveColumn(e.parts);
        let cur: BoundExpr = v;
        for (let k = 1; k < e.parts.length; k++) cur = this.extractField(cur, e.parts[k], e.parts.slice(0, k).join("."));
        return cur;
      }
      case "lambda":
        throw misplacedLambda(null);
      case "ordinal": {
        const f = this.input.fields[e.ordinal];
        if (f === undefined) throw new InternalError(`analysis: column ordinal ${e.ordinal} is beyond the ${this.input.fields.length} input columns`);
        return { kind: "ref", ordinal: e.ordinal, name: f.name, dataType: f.dataType, nullable: f.nullable };
      }
      case "star":
        throw new AnalysisError(`analysis: '${exprSql(e)}' is only allowed in a select list or count(*)`);
      case "literal":
        return e.zonelessText === undefined ? lit(e.value, e.dataType) : this.bindZonelessTimestamp(e.zonelessText);
      case "typeArg":
        throw new AnalysisError(`analysis: a data type (${typeSql(e.dataType)}) is only allowed as a function's schema argument`);
      case "alias":
        return this.bind(e.child, inAggregate);
      case "cast": {
        const child = this.bind(e.child, inAggregate);
        if (!canCast(child.dataType, e.to)) {
          throw new AnalysisError(`analysis: cannot cast ${typeString(child.dataType)} to ${typeString(e.to)} in '${exprSql(e)}'`);
        }
        const cast = castTo(child, e.to);
        return e.isTry === true && cast.kind === "cast" ? { ...cast, isTry: true, nullable: true } : cast;
      }
      case "unary":
        return this.bindUnary(e.op, this.bind(e.child, inAggregate), e);
      case "binary":
        return this.bindBinary(e.op, this.bind(e.left, inAggregate), this.bind(e.right, inAggregate), e);
      case "isNull": {
        const child = this.bind(e.child, inAggregate);
        return { kind: "isNull", child, negated: e.negated, dataType: BooleanType(), nullable: false };
      }
      case "in":
        return this.bindIn(
          this.bind(e.child, inAggregate),
          e.list.map((x) => this.bind(x, inAggregate)),
          e.negated,
          e,
        );
      case "between": {
        const c = this.bind(e.child, inAggregate);
        const ge = this.bindBinary(">=", c, this.bind(e.low, inAggregate), e);
        const le = this.bindBinary("<=", c, this.bind(e.high, inAggregate), e);
        const both = this.bindBinary("and", ge, le, e);
        return e.negated ? this.bindUnary("not", both, e) : both;
      }
      case "like":
        return this.bindLike(e.child, e.pattern, e.regex, e.negated, e.escape, inAggregate, e);
      case "case":
        return this.bindCase(e, inAggregate);
      case "call":
        return this.bindCall(e.name, e.args, e.distinct, inAggregate, e);
      case "sortOrder":
        throw new AnalysisError(`analysis: a sort order ('${exprSql(e)}') is only allowed in orderBy/sort`);
      case "window":
        throw new AnalysisError(`analysis: the window function '${exprSql(e)}' is only allowed in a select list, withColumn or a SQL SELECT`);
      case "subquery":
        throw new AnalysisError(`analysis: this ${e.type} subquery is not supported here; spark.sql supports subqueries in WHERE, HAVING, a join's ON and the select list`);
    }
  }

  private matches(a: string, b: string): boolean {
    return this.caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
  }

  private resolveColumn(parts: readonly string[]): BoundExpr {
    // `db.t.col` / `spark_catalog.db.t.col`: a table qualified by its database (relations are
    // qualified by their table name alone).
    for (let skip = 1; skip <= 2 && parts.length > skip + 1 && this.qualifiers !== null; skip++) {
      const rest = parts.slice(skip);
      const direct = this.qualifiedOrdinals(parts[0]).some((i) => this.matches(this.input.fields[i].name, parts[1]));
      if (!direct && this.qualifiedOrdinals(rest[0]).some((i) => this.matches(this.input.fields[i].name, rest[1])) && !this.input.fields.some((f) => this.matches(f.name, parts[0]))) {
        return this.resolveColumn(rest);
      }
    }
    const fields = this.input.fields;
    const first = parts[0];
    // Spark's AttributeSeq.resolve: `x.y…` is first column `y` of the relation aliased `x`; only
    // when no such column exists is it read as field `y` of a column `x` (a column wins over a field).
    if (parts.length > 1 && this.qualifiers !== null) {
      const qualified = this.qualifiedOrdinals(first).filter((i) => this.matches(fields[i].name, parts[1]));
      if (qualified.length > 1) {
        throw new AnalysisError(
          `analysis: column reference '${first}.${parts[1]}' is ambiguous: it matches ${qualified.length} columns of the relation aliased '${first}'`,
        );
      }
      if (qualified.length === 1) {
        const i = qualified[0];
        const f = fields[i];
        let cur: BoundExpr = { kind: "ref", ordinal: i, name: f.name, dataType: f.dataType, nullable: f.nullable };
        for (let k = 2; k < parts.length; k++) cur = this.extractField(cur, parts[k], parts.slice(0, k).join("."));
        return cur;
      }
    }
    const hits: number[] = [];
    fields.forEach((f, i) => {
      if (this.matches(f.name, first) && this.hidden?.[i] !== true) hits.push(i);
    });
    // A top-level column whose name contains a dot, written without backticks (`a.b` for column "a.b").
    if (hits.length === 0 && parts.length > 1) {
      const joined = parts.join(".");
      const whole = fields.findIndex((f) => this.matches(f.name, joined));
      if (whole >= 0) {
        const f = fields[whole];
        return { kind: "ref", ordinal: whole, name: f.name, dataType: f.dataType, nullable: f.nullable };
      }
    }
    const shown = parts.join(".");
    if (hits.length === 0) {
      const names = this.displayNames();
      // Did-you-mean over the names as written (`s.id`) and, for a mistyped qualifier's column, bare.
      const candidates = this.qualifiers === null ? names : [...names, ...fields.map((f) => f.name)];
      throw new AnalysisError(
        `analysis: cannot resolve column '${shown}' among [${names.join(", ")}]${suggestion(shown, candidates)}`,
      );
    }
    if (hits.length > 1) {
      const names = this.displayNames();
      throw new AnalysisError(`analysis: column reference '${first}' is ambiguous: it matches ${hits.length} columns [${hits.map((i) => names[i]).join(", ")}]`);
    }
    const f = fields[hits[0]];
    let cur: BoundExpr = { kind: "ref", ordinal: hits[0], name: f.name, dataType: f.dataType, nullable: f.nullable };
    for (let k = 1; k < parts.length; k++) cur = this.extractField(cur, parts[k], parts.slice(0, k).join("."));
    return cur;
  }

  /** `base.name` on a struct (field) or map (key lookup). */
  private extractField(base: BoundExpr, name: string, baseText: string): BoundExpr {
    const t = base.dataType;
    if (t.typeName === "struct") {
      const hits: number[] = [];
      t.fields.forEach((f: StructField, i: number) => {
        if (this.matches(f.name, name)) hits.push(i);
      });
      if (hits.length === 0) {
        const names = t.fields.map((f) => f.name);
        throw new AnalysisError(
          `analysis: cannot resolve field '${name}' of struct '${baseText}' among [${names.join(", ")}]${suggestion(name, names)}`,
        );
      }
      if (hits.length > 1) throw new AnalysisError(`analysis: field reference '${baseText}.${name}' is ambiguous`);
      const f = t.fields[hits[0]];
      return { kind: "field", child: base, ordinal: hits[0], name: f.name, dataType: f.dataType, nullable: f.nullable || base.nullable };
    }
    if (t.typeName === "map") {
      return this.finishCall("get_item", [base, lit(name, StringType())], [{ kind: "column", parts: [baseText] }, { kind: "literal", value: name, dataType: StringType() }], [baseText, name]);
    }
    throw new AnalysisError(`analysis: cannot extract field '${name}' from '${baseText}' of type ${typeString(t)}; it is not a struct`);
  }

  private bindUnary(op: "-" | "+" | "not" | "~", child: BoundExpr, src: Expr): BoundExpr {
    switch (op) {
      case "+": {
        // Spark's UnaryPositive: numbers and intervals pass through, strings are read as doubles.
        if (child.dataType.typeName === "string" || child.dataType.typeName === "null") return castTo(child, DoubleType());
        if (!isNumeric(child.dataType) && !child.dataType.typeName.includes("interval")) this.typeMismatch(src, "a numeric or interval", child.dataType);
        return child;
      }
      case "-": {
        const interval = bindIntervalNegate(child);
        if (interval !== undefined) return interval;
        let c = child;
        if (c.dataType.typeName === "string" || c.dataType.typeName === "null") c = castTo(c, DoubleType());
        if (!isNumeric(c.dataType)) this.typeMismatch(src, "a numeric", c.dataType);
        return { kind: "unary", op: "negate", child: c, dataType: c.dataType, nullable: c.nullable };
      }
      case "not": {
        const c = this.asBoolean(child, src);
        return { kind: "unary", op: "not", child: c, dataType: BooleanType(), nullable: c.nullable };
      }
      case "~": {
        const c = child.dataType.typeName === "null" ? castTo(child, LongType()) : child;
        if (!isIntegral(c.dataType)) this.typeMismatch(src, "an integral", c.dataType);
        return { kind: "unary", op: "bitnot", child: c, dataType: c.dataType, nullable: c.nullable };
      }
    }
  }

  private asBoolean(e: BoundExpr, src: Expr): BoundExpr {
    if (e.dataType.typeName === "boolean") return e;
    if (e.dataType.typeName === "null") return castTo(e, BooleanType());
    return this.typeMismatch(src, "a boolean", e.dataType);
  }

  private typeMismatch(src: Expr, expected: string, got: DataType): never {
    throw new AnalysisError(`analysis: '${exprSql(src)}' requires ${expected} operand, got ${typeString(got)}`);
  }

  private bindBinary(op: BinaryOp, left: BoundExpr, right: BoundExpr, src: Expr): BoundExpr {
    if (op === "!=") return this.bindUnary("not", this.bindBinary("=", left, right, src), src);
    if (op === "||") return this.finishCall("concat", [left, right], [], ["", ""]);
    if (op === "and" || op === "or") {
      const l = this.asBoolean(left, src);
      const r = this.asBoolean(right, src);
      return { kind: "binary", op, left: l, right: r, dataType: BooleanType(), nullable: l.nullable || r.nullable };
    }
    if (ARITHMETIC.has(op)) return this.bindArithmetic(op as "+" | "-" | "*" | "/" | "%" | "div", left, right, src);
    if (COMPARISON.has(op)) {
      // Spark's BooleanEquality: `bool = number` and `<=>` compare the boolean cast to the number's type.
      if ((op === "=" || op === "<=>") && (left.dataType.typeName === "boolean") !== (right.dataType.typeName === "boolean")) {
        const number = left.dataType.typeName === "boolean" ? right : left;
        if (isNumeric(number.dataType)) {
          const l = castTo(left, number.dataType);
          const r = castTo(right, number.dataType);
          return { kind: "binary", op, left: l, right: r, dataType: BooleanType(), nullable: op === "<=>" ? false : l.nullable || r.nullable };
        }
      }
      checkIntervalComparison(left.dataType, right.dataType, op, exprSql(src));
      const t = this.comparisonType(left.dataType, right.dataType, src);
      const l = castTo(left, t);
      const r = castTo(right, t);
      return { kind: "binary", op: op as BoundBinaryOp, left: l, right: r, dataType: BooleanType(), nullable: op === "<=>" ? false : l.nullable || r.nullable };
    }
    if (BITWISE.has(op)) {
      const t = findTightestCommonType(left.dataType, right.dataType);
      if (t === null || !(isIntegral(t) || t.typeName === "null")) {
        this.typeMismatch(src, "integral", t === null || isIntegral(left.dataType) ? right.dataType : left.dataType);
      }
      const tt = t.typeName === "null" ? LongType() : t;
      const l = castTo(left, tt);
      const r = castTo(right, tt);
      return { kind: "binary", op: op as BoundBinaryOp, left: l, right: r, dataType: tt, nullable: l.nullable || r.nullable };
    }
    throw new AnalysisError(`analysis: unsupported operator '${op}' in '${exprSql(src)}'`);
  }

  private comparisonType(a: DataType, b: DataType, src: Expr): DataType {
    if (equalsIgnoreNullability(a, b)) {
      if (!isComparable(a)) this.typeMismatch(src, "comparable (atomic)", a);
      return a.typeName === "null" ? StringType() : a;
    }
    let t = findCommonTypeForComparison(a, b) ?? findTightestCommonType(a, b);
    if (t === null && isNumeric(a) && isNumeric(b)) t = findWiderTypeForTwo(a, b);
    if (t === null || !isAtomic(t)) {
      throw new AnalysisError(
        `analysis: cannot compare ${typeString(a)} with ${typeString(b)} in '${exprSql(src)}'`,
      );
    }
    return t;
  }

  private bindArithmetic(op: "+" | "-" | "*" | "/" | "%" | "div", left: BoundExpr, right: BoundExpr, src: Expr): BoundExpr {
    const text = src.kind === "binary" ? { node: src, whole: exprSql(src), left: exprSql(src.left), right: exprSql(src.right) } : { node: src, whole: exprSql(src), left: "", right: "" };
    // Spark's AnsiTypeCoercion (spark.sql.ansi.enabled): a string beside a timestamp in a
    // subtraction is read as that timestamp type; without ANSI it is a type mismatch.
    if (op === "-" && ansiEnabled()) {
      const isTs = (t: DataType) => t.typeName === "timestamp" || t.typeName === "timestamp_ntz";
      if (left.dataType.typeName === "string" && isTs(right.dataType)) left = castTo(left, right.dataType);
      else if (right.dataType.typeName === "string" && isTs(left.dataType)) right = castTo(right, left.dataType);
    }
    const datetime = bindIntervalArithmetic(op, left, right, castTo, text);
    if (datetime !== undefined) return datetime;
    // Spark's PromoteStrings: a string operand of arithmetic is read as double; NULL as the other side.
    let l = left.dataType.typeName === "string" ? castTo(left, DoubleType()) : left;
    let r = right.dataType.typeName === "string" ? castTo(right, DoubleType()) : right;
    if (l.dataType.typeName === "null") l = castTo(l, r.dataType.typeName === "null" ? DoubleType() : r.dataType);
    if (r.dataType.typeName === "null") r = castTo(r, l.dataType);
    for (const x of [l, r]) {
      if (!isNumeric(x.dataType)) this.typeMismatch(src, "numeric", x.dataType);
    }
    const lt = l.dataType;
    const rt = r.dataType;
    const nullable = l.nullable || r.nullable || op === "/" || op === "%" || op === "div";
    const anyDecimal = lt.typeName === "decimal" || rt.typeName === "decimal";
    const anyFloating = ["float", "double"].includes(lt.typeName) || ["float", "double"].includes(rt.typeName);
    if (anyDecimal && !anyFloating) {
      // An integral literal beside a decimal is read with the fewest digits that hold it
      // (DecimalPrecision with spark.sql.legacy.literal.pickMinimumPrecision, on by default).
      // Only a literal as written: Spark sees CAST(1 AS TINYINT) as a cast, not a literal.
      const written = (e: Expr | undefined) => e !== undefined && e.kind === "literal";
      const rawLeft = src.kind === "binary" ? src.left : undefined;
      const rawRight = src.kind === "binary" ? src.right : undefined;
      const dl = written(rawLeft) && rt.typeName === "decimal" ? (literalDecimal(l) ?? decimalForType(lt)) : decimalForType(lt);
      const dr = written(rawRight) && lt.typeName === "decimal" ? (literalDecimal(r) ?? decimalForType(rt)) : decimalForType(rt);
      if (dl === null || dr === null) throw new AnalysisError(`analysis: cannot apply '${op}' in '${exprSql(src)}'`);
      const cl = castTo(l, dl);
      const cr = castTo(r, dr);
      if (op === "div") return { kind: "binary", op, left: cl, right: cr, dataType: LongType(), nullable };
      return { kind: "binary", op, left: cl, right: cr, dataType: decimalArithmeticType(op, dl, dr), nullable };
    }
    if (op === "/") {
      const cl = castTo(l, DoubleType());
      const cr = castTo(r, DoubleType());
      return { kind: "binary", op, left: cl, right: cr, dataType: DoubleType(), nullable };
    }
    if (op === "div") {
      const cl = castTo(l, LongType());
      const cr = castTo(r, LongType());
      return { kind: "binary", op, left: cl, right: cr, dataType: LongType(), nullable };
    }
    const t = anyDecimal ? DoubleType() : findTightestCommonType(lt, rt);
    if (t === null) throw new AnalysisError(`analysis: cannot apply '${op}' to ${typeString(lt)} and ${typeString(rt)}`);
    const cl = castTo(l, t);
    const cr = castTo(r, t);
    return { kind: "binary", op, left: cl, right: cr, dataType: t, nullable };
  }

  private bindIn(child: BoundExpr, list: BoundExpr[], negated: boolean, src: Expr): BoundExpr {
    let c = child;
    let items = list;
    if (items.some((x) => !equalsIgnoreNullability(x.dataType, c.dataType))) {
      const t = findWiderCommonType([c.dataType, ...items.map((x) => x.dataType)]);
      if (t === null) {
        throw new AnalysisError(
          `analysis: '${exprSql(src)}' compares ${typeString(c.dataType)} with a list of (${items.map((x) => typeString(x.dataType)).join(", ")})`,
        );
      }
      c = castTo(c, t);
      items = items.map((x) => castTo(x, t));
    }
    if (!isAtomic(c.dataType)) this.typeMismatch(src, "an atomic", c.dataType);
    return {
      kind: "in",
      child: c,
      list: items,
      negated,
      dataType: BooleanType(),
      nullable: c.nullable || items.some((x) => x.nullable),
    };
  }

  private bindLike(
    childExpr: Expr,
    patternExpr: Expr,
    regex: boolean,
    negated: boolean,
    escape: string,
    inAggregate: string | null,
    src: Expr,
  ): BoundExpr {
    const child = this.toStringArg(this.bind(childExpr, inAggregate), src);
    const pattern = this.toStringArg(this.bind(patternExpr, inAggregate), src);
    let compiled: RegExp | null = null;
    let shape = null;
    if (pattern.kind === "literal" && typeof pattern.value === "string") {
      if (regex) compiled = javaRegExp(pattern.value);
      else {
        compiled = likeToRegExp(pattern.value, escape);
        shape = likeShape(pattern.value, escape);
      }
    }
    const like: BoundExpr = {
      kind: "like",
      child,
      pattern,
      regex,
      negated: false,
      escape,
      compiled,
      likeShape: shape,
      dataType: BooleanType(),
      nullable: child.nullable || pattern.nullable,
    };
    return negated ? { kind: "unary", op: "not", child: like, dataType: BooleanType(), nullable: like.nullable } : like;
  }

  private toStringArg(e: BoundExpr, src: Expr): BoundExpr {
    if (e.dataType.typeName === "string") return e;
    if (isAtomic(e.dataType)) return castTo(e, StringType());
    return this.typeMismatch(src, "a string", e.dataType);
  }

  private bindCase(e: Extract<Expr, { kind: "case" }>, inAggregate: string | null): BoundExpr {
    const operand = e.operand === null ? null : this.bind(e.operand, inAggregate);
    const conds = e.branches.map((b) => {
      const w = this.bind(b.when, inAggregate);
      return operand === null ? this.asBoolean(w, b.when) : this.bindBinary("=", operand, w, e);
    });
    const thens = e.branches.map((b) => this.bind(b.then, inAggregate));
    const otherwise = e.otherwise === null ? null : this.bind(e.otherwise, inAggregate);
    const types = [...thens, ...(otherwise === null ? [] : [otherwise])].map((x) => x.dataType);
    const t = findWiderCommonType(types);
    if (t === null) {
      throw new AnalysisError(`analysis: CASE branches have no common type (${types.map(typeString).join(", ")}) in '${exprSql(e)}'`);
    }
    const branches = conds.map((when, i) => ({ when, then: castTo(thens[i], t) }));
    const other = otherwise === null ? null : castTo(otherwise, t);
    return {
      kind: "case",
      branches,
      otherwise: other,
      dataType: t,
      nullable: other === null || other.nullable || branches.some((b) => b.then.nullable),
    };
  }

  private bindCall(name: string, rawArgs: readonly Expr[], distinct: boolean, inAggregate: string | null, src: Expr): BoundExpr {
    const lower = name.toLowerCase();
    const aggName = AGGREGATE_FUNCTIONS[lower];
    if (aggName !== undefined) {
      const agg = this.bindAggregate(aggName, lower, rawArgs, distinct, inAggregate, src);
      if (BOOLEAN_AGGREGATES.has(lower) && agg.args.length === 1 && agg.args[0].dataType.typeName !== "boolean") {
        throw new AnalysisError(`analysis: ${lower} needs a boolean argument, got ${typeString(agg.args[0].dataType)} in '${exprSql(src)}'`);
      }
      if (src.kind !== "call" || src.filter === undefined) return agg;
      const filter = this.bind(src.filter, lower);
      if (filter.dataType.typeName !== "boolean") throw new AnalysisError(`analysis: the FILTER clause of '${exprSql(src)}' must be boolean, got ${typeString(filter.dataType)}`);
      return { ...agg, filter };
    }
    if (src.kind === "call" && src.filter !== undefined) throw new AnalysisError(`analysis: FILTER (WHERE …) is only allowed on aggregate functions, got '${exprSql(src)}'`);
    const castType = CAST_FUNCTIONS[lower];
    if (castType !== undefined) {
      if (rawArgs.length !== 1) this.arityError(lower, 1, 1, rawArgs.length);
      const child = this.bind(rawArgs[0], inAggregate);
      if (!canCast(child.dataType, castType)) throw new AnalysisError(`analysis: cannot cast ${typeString(child.dataType)} to ${typeString(castType)} in '${exprSql(src)}'`);
      return castTo(child, castType);
    }
    if (lower === "isnull" || lower === "isnotnull") {
      if (rawArgs.length !== 1) this.arityError(lower, 1, 1, rawArgs.length);
      const child = this.bind(rawArgs[0], inAggregate);
      return { kind: "isNull", child, negated: lower === "isnotnull", dataType: BooleanType(), nullable: false };
    }
    if (lower === "not") {
      if (rawArgs.length !== 1) this.arityError(lower, 1, 1, rawArgs.length);
      return this.bindUnary("not", this.bind(rawArgs[0], inAggregate), src);
    }
    if (lower === "get_field" || (lower === "get_item" && rawArgs.length === 2)) {
      const base = this.bind(rawArgs[0], inAggregate);
      const key = rawArgs[1];
      if (base.dataType.typeName === "struct" || lower === "get_field") {
        if (key.kind !== "literal" || typeof key.value !== "string") {
          throw new AnalysisError(`analysis: field name of '${exprSql(src)}' must be a string literal`);
        }
        return this.extractField(base, key.value, exprSql(rawArgs[0]));
      }
    }
    if (lower === "abs" || lower === "signum" || lower === "sign" || lower === "width_bucket") {
      // abs/signum/width_bucket of ANSI intervals (the math functions take numbers).
      const interval = bindIntervalMath(lower, rawArgs.map((a) => this.bind(a, inAggregate)), castTo);
      if (interval !== undefined) return interval;
    }
    if (lower.startsWith("try_") && rawArgs.length === 2) {
      // try_add … of intervals (the math functions take numbers and dates).
      const [l, r] = rawArgs.map((a) => this.bind(a, inAggregate));
      const interval = bindIntervalTry(lower, l, r, castTo, { node: {}, whole: exprSql(src), left: exprSql(rawArgs[0]), right: exprSql(rawArgs[1]) });
      if (interval !== undefined) return interval;
    }
    if ((lower === "extract" || lower === "date_part" || lower === "datepart") && rawArgs.length === 2) {
      // extract/date_part of an interval (the datetime functions take dates and timestamps).
      const source = this.bind(rawArgs[1], inAggregate);
      const interval = bindIntervalExtract(rawArgs[0], source);
      if (interval !== undefined) return interval;
    }
    const def = lookupFunction(lower);
    if (def === undefined && lower in GENERATOR_NAMES) {
      throw new AnalysisError(`analysis: the generator ${lower}() must be a whole select item (or a LATERAL VIEW), not part of '${exprSql(src)}'`);
    }
    if (def === undefined) {
      throw new AnalysisError(`analysis: unknown function '${lower}'${suggestion(lower, functionNames())}`);
    }
    if (distinct) throw new AnalysisError(`analysis: DISTINCT is only allowed in aggregate functions, got '${exprSql(src)}'`);
    if (rawArgs.length < def.minArgs || rawArgs.length > def.maxArgs) this.arityError(lower, def.minArgs, def.maxArgs, rawArgs.length);
    if (def.higherOrder !== undefined) {
      const binder = {
        bindWith: (x: Expr, vars: readonly BoundLambdaVar[]): BoundExpr => {
          if (vars.length === 0) return this.bind(x, inAggregate);
          this.lambdaScopes.push(vars);
          try {
            return this.bind(x, inAggregate);
          } finally {
            this.lambdaScopes.pop();
          }
        },
        sameName: (a: string, b: string) => this.matches(a, b),
      };
      const argNames = rawArgs.map(outputName);
      return this.finishCall(lower, bindHigherOrderArgs({ ...def, higherOrder: def.higherOrder }, lower, rawArgs, argNames, binder, { cast: castTo, sql: exprSql }), rawArgs, argNames);
    }
    if (rawArgs.some((a) => a.kind === "lambda")) throw misplacedLambda(lower);
    const constant = new Set(def.constantArgs ?? []);
    const args = rawArgs.map((a, i) => (constant.has(i) ? lit(null, NullType()) : this.bind(a, inAggregate)));
    return this.finishCall(lower, args, rawArgs, rawArgs.map(outputName));
  }

  private finishCall(name: string, args: BoundExpr[], raw: readonly Expr[], argNames: readonly string[]): BoundExpr {
    const def = lookupFunction(name);
    if (def === undefined) throw new AnalysisError(`analysis: unknown function '${name}'${suggestion(name, functionNames())}`);
    const resolved = def.resolve({ name, args, raw, argNames, cast: castTo, sql: exprSql });
    const options = def.timeZoneAware === true ? { timeZone: sessionTimeZone(), ...resolved.options } : resolved.options;
    return {
      kind: "call",
      fn: { name: def.name, prettyName: name, options: Object.freeze({ ...(options ?? {}) }) },
      args: resolved.args,
      dataType: resolved.dataType,
      nullable: resolved.nullable,
    };
  }

  /** `TIMESTAMP '…'` without a zone: a wall-clock time in the session time zone. */
  private bindZonelessTimestamp(text: string): BoundLiteral {
    const r = timestampLiteral(text, sessionTimeZone());
    if (!r.ok) throw new AnalysisError(`analysis: ${r.problem}`);
    return lit(r.value, r.dataType);
  }

  private arityError(name: string, min: number, max: number, got: number): never {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new AnalysisError(`analysis: function ${name} expects ${want} argument${want === "1" ? "" : "s"}, got ${got}`);
  }

  private bindAggregate(
    canonical: string,
    written: string,
    rawArgs: readonly Expr[],
    distinct: boolean,
    inAggregate: string | null,
    src: Expr,
  ): BoundAggregate {
    if (inAggregate !== null) {
      throw new AnalysisError(
        `analysis: aggregate function '${exprSql(src)}' cannot be nested inside aggregate function ${inAggregate}; aggregate arguments must not contain aggregates`,
      );
    }
    if (!this.allowAggregates) {
      throw new AnalysisError(
        `analysis: aggregate function '${exprSql(src)}' is not allowed here; use it in groupBy(...).agg(...) or select on an aggregation`,
      );
    }
    if (written in STATISTICAL_AGGREGATES) {
      if (distinct) throw new AnalysisError(`analysis: DISTINCT is not supported in ${written} yet, got '${exprSql(src)}'`);
      const bound = rawArgs.map((a) => this.bind(a, written));
      // try_sum/try_avg of an interval are sum/avg of it (interval sums already fail loudly on overflow).
      if ((canonical === "try_sum" || canonical === "try_avg") && bound.length === 1 && bound[0].dataType.typeName.includes("interval")) {
        const agg = this.bindAggregate(canonical === "try_sum" ? "sum" : "avg", written.slice(4), rawArgs, distinct, inAggregate, src);
        return { ...agg, params: { nullOnOverflow: "true" } };
      }
      const s = resolveStatisticalAggregate(canonical, written, bound, { cast: castTo });
      return { kind: "aggregate", name: s.name, args: s.args, distinct: false, dataType: s.dataType, nullable: s.nullable, ignoreNulls: false, ...(s.params === undefined ? {} : { params: s.params }) };
    }
    let name = canonical as AggregateName;
    let isDistinct = distinct;
    if (name === "count_distinct") isDistinct = true;
    if (name === "count" && distinct) name = "count_distinct";
    // collect_list(DISTINCT x) keeps each value once: collect_set.
    if (name === "collect_list" && distinct) name = "collect_set";
    const isStar = rawArgs.length === 1 && rawArgs[0].kind === "star";
    if (isStar && name !== "count") throw new AnalysisError(`analysis: '*' is only allowed in count(*), got '${exprSql(src)}'`);
    let ignoreNulls = false;
    let argExprs = isStar ? [] : rawArgs;
    if ((name === "first" || name === "last") && argExprs.length === 2) {
      const flag = argExprs[1];
      if (flag.kind !== "literal" || typeof flag.value !== "boolean") {
        throw new AnalysisError(`analysis: the second argument of ${written} must be a boolean literal (ignoreNulls)`);
      }
      ignoreNulls = flag.value;
      argExprs = argExprs.slice(0, 1);
    }
    let params: Record<string, string> | undefined;
    if (name === "approx_count_distinct" && argExprs.length === 2) {
      // approx_count_distinct(x, relativeSD): a constant maximum relative standard deviation.
      const rsd = this.bind(argExprs[1], written);
      const v = rsd.kind === "literal" ? (typeof rsd.value === "bigint" ? (rsd.dataType.typeName === "decimal" ? Number(rsd.value) / 10 ** rsd.dataType.scale : Number(rsd.value)) : rsd.value) : null;
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
        throw new AnalysisError(`analysis: the second argument of ${written} must be a positive number literal (relativeSD), got '${exprSql(argExprs[1])}'`);
      }
      if (Math.ceil((2 * Math.log(1.106 / v)) / Math.log(2)) < 4) throw new AnalysisError(`analysis: ${written}: HLL++ requires at least 4 bits for addressing. Use a lower error, at most 39%.`);
      params = { relativeSD: String(v) };
      argExprs = argExprs.slice(0, 1);
    }
    const args = argExprs.map((a) => this.bind(a, written));
    const want = name === "count_distinct" ? [1, Infinity] : name === "count" ? [isStar ? 0 : 1, Infinity] : [1, 1];
    if (args.length < want[0] || args.length > want[1]) this.arityError(written, want[0], want[1], args.length);
    const agg = (dataType: DataType, nullable: boolean, a: BoundExpr[] = args): BoundAggregate => ({
      kind: "aggregate",
      name,
      args: a,
      distinct: isDistinct,
      dataType,
      nullable,
      ignoreNulls,
      ...(params === undefined ? {} : { params }),
    });
    switch (name) {
      case "count":
      case "count_distinct":
      case "approx_count_distinct":
        return agg(LongType(), false);
      case "sum":
      case "avg": {
        let a = args[0];
        // Spark's TypeCoercion: strings and nulls become doubles, and so do (Hive's legacy) timestamps,
        // as seconds since the epoch; TIMESTAMP_NTZ is refused.
        const from = a.dataType.typeName;
        if (from === "string" || from === "null" || from === "timestamp") a = castTo(a, DoubleType());
        const t = a.dataType;
        // Spark: sum keeps an ANSI interval's type; avg gives INTERVAL YEAR TO MONTH / DAY TO SECOND.
        if (isAnsiInterval(t)) return agg(name === "sum" ? t : t.typeName === "yearmonthinterval" ? YearMonthIntervalType() : DayTimeIntervalType(), true, [a]);
        if (!isNumeric(t)) throw new AnalysisError(`analysis: function ${written} expects a numeric argument, got ${typeString(t)}`);
        if (t.typeName === "decimal") {
          const dt = name === "sum"
            ? DecimalType(Math.min(38, t.precision + 10), t.scale)
            : DecimalType(Math.min(38, t.precision + 4), Math.min(38, t.scale + 4));
          return agg(dt, true, [a]);
        }
        if (name === "avg") return agg(DoubleType(), true, [a]);
        return agg(isIntegral(t) ? LongType() : DoubleType(), true, [a]);
      }
      case "min":
      case "max":
        if (!isAtomic(args[0].dataType)) {
          throw new AnalysisError(`analysis: function ${written} expects an orderable argument, got ${typeString(args[0].dataType)}`);
        }
        return agg(args[0].dataType, true);
      case "first":
      case "last":
        return agg(args[0].dataType, true);
      case "collect_list":
      case "collect_set": {
        const t = args[0].dataType;
        if (containsMap(t)) throw new AnalysisError(`analysis: function ${written} cannot take map type data, got ${typeString(t)}`);
        return agg(ArrayType(t, false), false);
      }
      default:
        throw new InternalError(`analysis: aggregate ${written} is typed by aggregate-functions.ts`);
    }
  }
}

function containsMap(t: DataType): boolean {
  if (t.typeName === "map") return true;
  if (t.typeName === "array") return containsMap(t.elementType);
  if (t.typeName === "struct") return t.fields.some((f) => containsMap(f.dataType));
  return false;
}

/** Types `=`, `<=>` and `<` compare: atomic ones, and structs of them (field by field, as Spark's ordering). */
function isComparable(t: DataType): boolean {
  return isAtomic(t) || (t.typeName === "struct" && t.fields.every((f) => isComparable(f.dataType)));
}
