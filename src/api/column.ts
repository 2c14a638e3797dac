/**
 * `Column`: an immutable builder around an unresolved expression (`expr`). Methods mirror
 * PySpark's `Column` and return new columns; nothing is resolved or evaluated until the
 * DataFrame that uses it is analysed.
 *
 * Plain JavaScript operands become literals: a number is an IntegerType literal when it is a
 * 32-bit integer and a DoubleType literal otherwise; bigint → LongType; string → StringType;
 * boolean → BooleanType; Date → TimestampType; Uint8Array → BinaryType; null/undefined → NULL.
 */
import type { DataType } from "../types/data-types.js";
import {
  BinaryType,
  BooleanType,
  DoubleType,
  IntegerType,
  LongType,
  NullType,
  StringType,
  TimestampType,
} from "../types/data-types.js";
import { AnalysisError } from "../errors.js";
import { andExpr, node } from "../sql/expression.js";
import type { BinaryOp, Expr, LiteralExpr, WindowSpec as WindowSpecAst } from "../sql/expression.js";
import { exprSql } from "../plan/expressions/bind.js";
import { parseDataType } from "../sql/ddl.js";

/** A value a Column method accepts as an operand: another Column or a plain value (a literal). */
export type ColumnOrValue = Column | null | undefined | boolean | number | bigint | string | Date | Uint8Array;

/** The literal expression of a plain JavaScript value (see the module comment for the mapping). */
export function literalExpr(v: Exclude<ColumnOrValue, Column> | readonly unknown[]): Expr {
  if (v === null || v === undefined) return node<LiteralExpr>({ kind: "literal", value: null, dataType: NullType() });
  if (typeof v === "boolean") return node<LiteralExpr>({ kind: "literal", value: v, dataType: BooleanType() });
  if (typeof v === "bigint") return node<LiteralExpr>({ kind: "literal", value: BigInt.asIntN(64, v), dataType: LongType() });
  if (typeof v === "number") {
    const isInt = Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0);
    return node<LiteralExpr>({ kind: "literal", value: v, dataType: isInt ? IntegerType() : DoubleType() });
  }
  if (typeof v === "string") return node<LiteralExpr>({ kind: "literal", value: v, dataType: StringType() });
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw new AnalysisError("column: invalid Date used as a literal");
    return node<LiteralExpr>({ kind: "literal", value: BigInt(ms) * 1000n, dataType: TimestampType() });
  }
  if (v instanceof Uint8Array) return node<LiteralExpr>({ kind: "literal", value: v, dataType: BinaryType() });
  if (Array.isArray(v)) {
    return node({ kind: "call", name: "array", args: v.map((x) => toExpr(x as ColumnOrValue)), distinct: false });
  }
  throw new AnalysisError(`column: unsupported literal value of type ${typeof v}`);
}

/** The expression of an operand: a Column's own expression, or a literal. */
export function toExpr(v: ColumnOrValue): Expr {
  return v instanceof Column ? v.expr : literalExpr(v);
}

function bin(op: BinaryOp, left: Expr, right: ColumnOrValue): Column {
  return new Column(node({ kind: "binary", op, left, right: toExpr(right) }));
}

function fn(name: string, ...args: Expr[]): Column {
  return new Column(node({ kind: "call", name, args, distinct: false }));
}

/** A column expression. Build one with `col("a")`, `lit(1)`, `expr("a + 1")` or the functions module. */
export class Column {
  /** The unresolved expression this column stands for. */
  readonly expr: Expr;

  constructor(expr: Expr) {
    this.expr = expr;
  }

  /**
   * This window function or aggregate over a window.
   * @example row_number().over(Window.partitionBy("k").orderBy(col("ts").desc()))
   */
  over(window: { readonly spec: WindowSpecAst }): Column {
    return new Column(node({ kind: "window", fn: this.expr, spec: window.spec }));
  }

  /** Names the column. @example col("a").plus(1).alias("a1") */
  alias(name: string): Column {
    return new Column(node({ kind: "alias", child: this.expr, name }));
  }

  /** Same as {@link alias}. @example col("a").as("b") */
  as(name: string): Column {
    return this.alias(name);
  }

  /** Same as {@link alias}. @example col("a").name("b") */
  name(name: string): Column {
    return this.alias(name);
  }

  /** Casts to a type (a DataType or a type string such as `"bigint"`). @example col("value").cast("string") */
  cast(to: DataType | string): Column {
    const t = typeof to === "string" ? parseDataType(to) : to;
    return new Column(node({ kind: "cast", child: this.expr, to: t }));
  }

  /** Same as {@link cast}. @example col("n").astype(LongType()) */
  astype(to: DataType | string): Column {
    return this.cast(to);
  }

  /** True where the value is null. @example col("event_id").isNull() */
  isNull(): Column {
    return new Column(node({ kind: "isNull", child: this.expr, negated: false }));
  }

  /** True where the value is not null. @example df.filter(col("event_id").isNotNull()) */
  isNotNull(): Column {
    return new Column(node({ kind: "isNull", child: this.expr, negated: true }));
  }

  /** Membership in a list of values (arrays are flattened, as PySpark). @example col("t").isin("a", "b") */
  isin(...values: (ColumnOrValue | readonly ColumnOrValue[])[]): Column {
    const flat: ColumnOrValue[] = [];
    for (const v of values) {
      if (Array.isArray(v)) flat.push(...(v as readonly ColumnOrValue[]));
      else flat.push(v as ColumnOrValue);
    }
    return new Column(node({ kind: "in", child: this.expr, list: flat.map(toExpr), negated: false }));
  }

  /** SQL LIKE (`%` any run, `_` one character, `\` escapes). @example col("name").like("Al%") */
  like(pattern: string | Column): Column {
    return new Column(node({ kind: "like", child: this.expr, pattern: toExpr(pattern), negated: false, regex: false, escape: "\\" }));
  }

  /** Regular-expression search (Java syntax; a match anywhere). @example col("s").rlike("^[0-9]+$") */
  rlike(pattern: string | Column): Column {
    return new Column(node({ kind: "like", child: this.expr, pattern: toExpr(pattern), negated: false, regex: true, escape: "\\" }));
  }

  /** `lower <= x AND x <= upper`. @example col("n").between(1, 10) */
  between(lower: ColumnOrValue, upper: ColumnOrValue): Column {
    return new Column(node({ kind: "between", child: this.expr, low: toExpr(lower), high: toExpr(upper), negated: false }));
  }

  /** String prefix test. @example col("s").startswith("ab") */
  startswith(other: string | Column): Column {
    return fn("startswith", this.expr, toExpr(other));
  }

  /** String suffix test. @example col("s").endswith(".json") */
  endswith(other: string | Column): Column {
    return fn("endswith", this.expr, toExpr(other));
  }

  /** Substring test. @example col("s").contains("error") */
  contains(other: ColumnOrValue): Column {
    return fn("contains", this.expr, toExpr(other));
  }

  /** `substring(x, startPos, length)` (1-based). @example col("s").substr(1, 3) */
  substr(startPos: number | Column, length: number | Column): Column {
    return fn("substring", this.expr, toExpr(startPos), toExpr(length));
  }

  /** A struct field by name. @example col("data").getField("event_id") */
  getField(name: string): Column {
    return fn("get_field", this.expr, literalExpr(name));
  }

  /** An array element (0-based) or a map value by key. @example col("arr").getItem(0) */
  getItem(key: ColumnOrValue): Column {
    return fn("get_item", this.expr, toExpr(key));
  }

  /** Null-safe equality (`<=>`): null <=> null is true. @example col("a").eqNullSafe(col("b")) */
  eqNullSafe(other: ColumnOrValue): Column {
    return bin("<=>", this.expr, other);
  }

  /** `x + other`. @example col("a").plus(1) */
  plus(other: ColumnOrValue): Column {
    return bin("+", this.expr, other);
  }

  /** `x - other`. @example col("a").minus(col("b")) */
  minus(other: ColumnOrValue): Column {
    return bin("-", this.expr, other);
  }

  /** `x * other`. @example col("price").multiply(2) */
  multiply(other: ColumnOrValue): Column {
    return bin("*", this.expr, other);
  }

  /** `x / other` (a double, or a decimal; null when dividing by zero). @example col("a").divide(2) */
  divide(other: ColumnOrValue): Column {
    return bin("/", this.expr, other);
  }

  /** `x % other` (null when dividing by zero). @example col("a").mod(7) */
  mod(other: ColumnOrValue): Column {
    return bin("%", this.expr, other);
  }

  /** `x = other`. @example col("event_type").eq("booking") */
  eq(other: ColumnOrValue): Column {
    return bin("=", this.expr, other);
  }

  /** Same as {@link eq}. @example col("a").equalTo(1) */
  equalTo(other: ColumnOrValue): Column {
    return this.eq(other);
  }

  /** `x != other`. @example col("a").notEqual(0) */
  notEqual(other: ColumnOrValue): Column {
    return bin("!=", this.expr, other);
  }

  /** Same as {@link notEqual}. @example col("a").ne(0) */
  ne(other: ColumnOrValue): Column {
    return this.notEqual(other);
  }

  /** `x > other`. @example col("n").gt(10) */
  gt(other: ColumnOrValue): Column {
    return bin(">", this.expr, other);
  }

  /** `x < other`. @example col("n").lt(10) */
  lt(other: ColumnOrValue): Column {
    return bin("<", this.expr, other);
  }

  /** `x >= other`. @example col("n").geq(10) */
  geq(other: ColumnOrValue): Column {
    return bin(">=", this.expr, other);
  }

  /** `x <= other`. @example col("n").leq(10) */
  leq(other: ColumnOrValue): Column {
    return bin("<=", this.expr, other);
  }

  /** Same as {@link geq}. @example col("n").ge(10) */
  ge(other: ColumnOrValue): Column {
    return this.geq(other);
  }

  /** Same as {@link leq}. @example col("n").le(10) */
  le(other: ColumnOrValue): Column {
    return this.leq(other);
  }

  /** Logical AND of this and every argument (three-valued). @example col("a").gt(1).and(col("b").lt(2)) */
  and(...others: ColumnOrValue[]): Column {
    let e = this.expr;
    for (const o of others) e = andExpr(e, toExpr(o));
    return new Column(e);
  }

  /** Logical OR of this and every argument (three-valued). @example col("a").isNull().or(col("a").eq(0)) */
  or(...others: ColumnOrValue[]): Column {
    let e = this.expr;
    for (const o of others) e = node({ kind: "binary", op: "or", left: e, right: toExpr(o) });
    return new Column(e);
  }

  /** Logical NOT (PySpark's `~col`). @example col("flag").not() */
  not(): Column {
    return new Column(node({ kind: "unary", op: "not", child: this.expr }));
  }

  /** Bitwise AND. @example col("flags").bitwiseAND(4) */
  bitwiseAND(other: ColumnOrValue): Column {
    return bin("&", this.expr, other);
  }

  /** Bitwise OR. @example col("flags").bitwiseOR(4) */
  bitwiseOR(other: ColumnOrValue): Column {
    return bin("|", this.expr, other);
  }

  /** Bitwise XOR. @example col("flags").bitwiseXOR(4) */
  bitwiseXOR(other: ColumnOrValue): Column {
    return bin("^", this.expr, other);
  }

  /**
   * Adds a branch to a column made by `when(...)`.
   * @example when(col("n").gt(0), "pos").when(col("n").lt(0), "neg").otherwise("zero")
   */
  when(condition: Column, value: ColumnOrValue): Column {
    const e = this.expr;
    if (e.kind !== "case" || e.operand !== null || e.otherwise !== null) {
      throw new AnalysisError("column: when() can only be applied on a Column previously generated by when() (and before otherwise())");
    }
    return new Column(node({ ...e, branches: [...e.branches, { when: condition.expr, then: toExpr(value) }] }));
  }

  /** The value when no `when` branch matched. @example when(col("n").gt(0), 1).otherwise(0) */
  otherwise(value: ColumnOrValue): Column {
    const e = this.expr;
    if (e.kind !== "case" || e.operand !== null || e.otherwise !== null) {
      throw new AnalysisError("column: otherwise() can only be applied once on a Column previously generated by when()");
    }
    return new Column(node({ ...e, otherwise: toExpr(value) }));
  }

  /** Ascending sort key, nulls first. @example df.orderBy(col("ts").asc()) */
  asc(): Column {
    return this.sort(true, true);
  }

  /** Ascending, nulls first. @example col("ts").asc_nulls_first() */
  asc_nulls_first(): Column {
    return this.sort(true, true);
  }

  /** Ascending, nulls last. @example col("ts").asc_nulls_last() */
  asc_nulls_last(): Column {
    return this.sort(true, false);
  }

  /** Descending sort key, nulls last. @example df.orderBy(col("count").desc()) */
  desc(): Column {
    return this.sort(false, false);
  }

  /** Descending, nulls first. @example col("ts").desc_nulls_first() */
  desc_nulls_first(): Column {
    return this.sort(false, true);
  }

  /** Descending, nulls last. @example col("ts").desc_nulls_last() */
  desc_nulls_last(): Column {
    return this.sort(false, false);
  }

  private sort(ascending: boolean, nullsFirst: boolean): Column {
    const child = this.expr.kind === "sortOrder" ? this.expr.child : this.expr;
    return new Column(node({ kind: "sortOrder", child, ascending, nullsFirst }));
  }

  /** Spark's SQL text of the expression, e.g. `(a + 1)`. */
  toString(): string {
    return exprSql(this.expr);
  }
}

