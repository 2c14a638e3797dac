/**
 * Building blocks of the functions module: a column argument to an unresolved expression, and an
 * unresolved function call. The category files beside this one (and `../functions.ts`) build every
 * public function from them.
 */
import { node } from "../../sql/expression.js";
import type { Expr } from "../../sql/expression.js";
import { parseAttributeName } from "../../sql/parser.js";
import { Column } from "../column.js";

/** A column argument: a Column, or a column name. */
export type ColumnName = Column | string;

/** The column named `name` (`"a"`, `"data.event_id"`, `"*"`, `"data.*"`), as `col` documents. */
export function columnByName(name: string): Column {
  if (name === "*") return new Column(node({ kind: "star", qualifier: [] }));
  if (name.endsWith(".*")) return new Column(node({ kind: "star", qualifier: parseAttributeName(name.slice(0, -2)) }));
  return new Column(node({ kind: "column", parts: parseAttributeName(name) }));
}

/** The expression of a column argument: a name is a column reference, never a literal. */
export function colExpr(c: ColumnName): Expr {
  return typeof c === "string" ? columnByName(c).expr : c.expr;
}

/** An unresolved call of the SQL function `name`. */
export function call(name: string, args: readonly Expr[], distinct = false): Column {
  return new Column(node({ kind: "call", name, args, distinct }));
}

/** A call of `name` on one column argument. */
export function fn1(name: string, c: ColumnName): Column {
  return call(name, [colExpr(c)]);
}
