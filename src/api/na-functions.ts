/**
 * `df.na` (Spark's DataFrameNaFunctions) and its DataFrame shortcuts `fillna`, `dropna`,
 * `replace`: null and value handling as projections and filters the planner runs like any other.
 *
 * As Spark: `fill(value)` fills only the columns whose type matches the value (numbers fill numeric
 * columns, cast to the column's type; strings fill string columns; booleans boolean columns); a
 * per-column record fills each named column; `drop(how)` drops rows with any (or all) nulls among
 * the columns, or fewer than `thresh` non-null values; `replace` swaps exact values in the columns
 * whose type matches.
 */
import { AnalysisError } from "../errors.js";
import { node, type Expr, type LiteralExpr } from "../sql/expression.js";
import { BooleanType, DoubleType, LongType, StringType, isNumeric, type DataType } from "../types/data-types.js";
import type { DataFrame } from "./dataframe.js";
import { Column } from "./column.js";

type FillValue = number | bigint | string | boolean;

export class DataFrameNaFunctions {
  /** @internal */
  constructor(private readonly df: DataFrame) {}

  /**
   * Replaces nulls: `fill(0)`, `fill("n/a", ["city"])`, `fill({ age: 0, city: "?" })`.
   * @throws AnalysisError when a named column does not exist.
   */
  fill(value: FillValue | Readonly<Record<string, FillValue>>, subset?: string | readonly string[]): DataFrame {
    const fields = this.df.schema.fields;
    const perColumn = typeof value === "object" ? new Map(Object.entries(value).map(([k, v]) => [this.column(k), v])) : null;
    const names = subset === undefined ? null : new Set((typeof subset === "string" ? [subset] : subset).map((c) => this.column(c)));
    const exprs = fields.map((f): Expr => {
      const v = perColumn !== null ? perColumn.get(f.name) : names === null || names.has(f.name) ? (value as FillValue) : undefined;
      const ref = node({ kind: "column", parts: [f.name] });
      if (v === undefined || !fillable(f.dataType, v, perColumn !== null)) return ref;
      const lit = node({ kind: "cast", to: f.dataType, child: literalOf(v) });
      return node({ kind: "alias", name: f.name, child: node({ kind: "call", name: "coalesce", distinct: false, args: [ref, lit] }) });
    });
    return this.df.select(...exprs.map((e) => new Column(e)));
  }

  /**
   * Drops rows with nulls: `how` "any" (default) or "all"; `thresh` keeps rows with at least that
   * many non-null values (and wins over `how`); `subset` limits the columns considered.
   */
  drop(how: "any" | "all" = "any", thresh?: number, subset?: string | readonly string[]): DataFrame {
    if (how !== "any" && how !== "all") throw new AnalysisError(`analysis: na.drop: how must be "any" or "all", got ${JSON.stringify(how)}`);
    const cols = subset === undefined ? this.df.columns : (typeof subset === "string" ? [subset] : subset).map((c) => this.column(c));
    if (cols.length === 0) return this.df;
    const notNull = cols.map((c): Expr => node({ kind: "isNull", negated: true, child: node({ kind: "column", parts: [c] }) }));
    const need = thresh ?? (how === "any" ? cols.length : 1);
    // Count non-null columns: sum of CASE WHEN c IS NOT NULL THEN 1 ELSE 0 END.
    const one = (e: Expr): Expr => node({ kind: "case", operand: null, branches: [{ when: e, then: literalOf(1) }], otherwise: literalOf(0) });
    const count = notNull.map(one).reduce((a, b) => node({ kind: "binary", op: "+", left: a, right: b }));
    return this.df.filter(new Column(node({ kind: "binary", op: ">=", left: count, right: literalOf(need) })));
  }

  /**
   * Replaces values: `replace(0, 100)`, `replace({ "N/A": null, "?": "unknown" })`, in every
   * column whose type matches (or the `subset`).
   */
  replace(toReplace: FillValue | Readonly<Record<string, FillValue | null>>, value?: FillValue | null, subset?: string | readonly string[]): DataFrame {
    const pairs: [FillValue, FillValue | null][] =
      typeof toReplace === "object" ? Object.entries(toReplace).map(([k, v]) => [k, v]) : [[toReplace, value === undefined ? null : value]];
    const names = subset === undefined ? null : new Set((typeof subset === "string" ? [subset] : subset).map((c) => this.column(c)));
    const exprs = this.df.schema.fields.map((f): Expr => {
      const ref = node({ kind: "column", parts: [f.name] });
      if (names !== null && !names.has(f.name)) return ref;
      const applicable = pairs.filter(([from]) => fillable(f.dataType, typeof toReplace === "object" && isNumeric(f.dataType) ? Number(from) : from, false));
      if (applicable.length === 0) return ref;
      const branches = applicable.map(([from, to]) => ({
        when: node({ kind: "binary", op: "=", left: ref, right: node({ kind: "cast", to: f.dataType, child: literalOf(isNumeric(f.dataType) ? Number(from) : from) }) }),
        then: node({ kind: "cast", to: f.dataType, child: to === null ? nullOf() : literalOf(to) }) as Expr,
      }));
      return node({ kind: "alias", name: f.name, child: node({ kind: "case", operand: null, branches, otherwise: ref }) });
    });
    return this.df.select(...exprs.map((e) => new Column(e)));
  }

  private column(name: string): string {
    const f = this.df.schema.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (f === undefined) throw new AnalysisError(`analysis: na: cannot resolve column '${name}' among [${this.df.columns.join(", ")}]`);
    return f.name;
  }
}

/** Whether `v` may fill or match a column of type `t` (Spark's type rules for na functions). */
function fillable(t: DataType, v: FillValue, explicit: boolean): boolean {
  if (typeof v === "number" || typeof v === "bigint") return isNumeric(t);
  if (typeof v === "boolean") return t.typeName === "boolean";
  return t.typeName === "string" || (explicit && t.typeName !== "binary");
}

function literalOf(v: FillValue): LiteralExpr {
  if (typeof v === "boolean") return node({ kind: "literal", value: v, dataType: BooleanType() });
  if (typeof v === "bigint") return node({ kind: "literal", value: v, dataType: LongType() });
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? node({ kind: "literal", value: BigInt(v), dataType: LongType() }) : node({ kind: "literal", value: v, dataType: DoubleType() });
  return node({ kind: "literal", value: v, dataType: StringType() });
}

function nullOf(): LiteralExpr {
  return node({ kind: "literal", value: null, dataType: { typeName: "null" } as DataType });
}
