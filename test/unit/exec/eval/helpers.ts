/** Test helpers: bind and evaluate an expression over rows, reading results back as JS values. */
import type { StructType } from "../../../../src/types/data-types.js";
import type { Expr } from "../../../../src/sql/expression.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { valueAt } from "../../../../src/columnar/values.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import { bindExpr } from "../../../../src/plan/expressions/bind.js";
import type { BoundExpr } from "../../../../src/plan/expressions/bound.js";
import { compileExpr } from "../../../../src/exec/eval/compile.js";
import { parseExpression } from "../../../../src/sql/parser.js";
import { Column } from "../../../../src/api/column.js";

export function readVector(v: Vector): unknown[] {
  return Array.from({ length: v.length }, (_, i) => valueAt(v, i));
}

/** Evaluates `e` (SQL text, Column or Expr) over `rows` of `schema`; returns the result values and the bound tree. */
export function evaluate(
  e: string | Column | Expr,
  schema: StructType,
  rows: readonly Record<string, unknown>[],
  batchTimestampMs = 0,
): { values: unknown[]; bound: BoundExpr; vector: Vector } {
  const ex = typeof e === "string" ? parseExpression(e) : e instanceof Column ? e.expr : e;
  const bound = bindExpr(ex, schema);
  const vector = compileExpr(bound)(batchFromRows(schema, rows), { batchTimestampMs });
  return { values: readVector(vector), bound, vector };
}

/** Evaluates `e` over `rows` and returns the values only. */
export function values(e: string | Column | Expr, schema: StructType, rows: readonly Record<string, unknown>[]): unknown[] {
  return evaluate(e, schema, rows).values;
}
