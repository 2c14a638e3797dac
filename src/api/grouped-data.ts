/**
 * The result of `groupBy(...)`: aggregate with `agg(...)` or a shortcut (`count()`, `sum(...)` …).
 * Output columns are the grouping columns, then one column per aggregate, named as Spark names them
 * (`count`, `sum(amount)`, `avg(amount)` …).
 */
import type { Expr } from "../sql/expression.js";
import { node } from "../sql/expression.js";
import { bindExpr } from "../plan/expressions/bind.js";
import { bindTimeWindow, containsTimeWindow, isTimeWindowCall } from "../plan/time-window.js";
import { AnalysisError } from "../errors.js";
import { pivotValueAggregates } from "../plan/sql-planner.js";
import { lit } from "./functions.js";
import { Column } from "./column.js";
import type { DataFrame } from "./dataframe.js";
import { DataFrame as DataFrameClass } from "./dataframe.js";

/** A pivot column and its values (`groupBy(…).pivot("course", ["dotNET", "Java"])`). */
interface PivotSpec {
  readonly column: Expr;
  readonly values: readonly unknown[];
}

export class GroupedData {
  private readonly df: DataFrame;
  private readonly keys: readonly Expr[];
  private readonly pivotSpec: PivotSpec | null;

  /** @internal Created by `DataFrame.groupBy`. */
  constructor(df: DataFrame, keys: readonly Expr[], pivotSpec: PivotSpec | null = null) {
    this.df = df;
    this.keys = keys;
    this.pivotSpec = pivotSpec;
    // Resolve the keys now, so an unknown grouping column fails at `groupBy(...)` as in Spark. A
    // time window is resolved with the aggregation, which computes its column below it.
    const scope = { allowAggregates: true, qualifiers: df.resolved.qualifiers };
    for (const k of keys) {
      const w = isTimeWindowCall(k) ? k : null;
      if (w !== null) bindTimeWindow(w, (e) => bindExpr(e, df.schema, scope));
      else if (!containsTimeWindow(k)) bindExpr(k, df.schema, scope);
    }
  }

  /**
   * Computes aggregates per group.
   * @example df.groupBy("user_id").agg(count("*").alias("n"), max("timestamp"))
   * @example df.groupBy("user_id").agg({ amount: "sum", timestamp: "max" })
   */
  agg(...exprs: (Column | Readonly<Record<string, string>>)[]): DataFrame {
    let aggregates: Expr[] = [];
    for (const e of exprs) {
      if (e instanceof Column) aggregates.push(e.expr);
      else for (const [column, fn] of Object.entries(e)) aggregates.push(call(fn.toLowerCase() === "mean" ? "avg" : fn.toLowerCase(), column));
    }
    if (this.pivotSpec !== null) aggregates = pivotAggregates(this.pivotSpec, aggregates);
    return DataFrameClass.of(this.df.sparkSession, { kind: "aggregate", child: this.df.logicalPlan, groupBy: this.keys, aggregates }, [this.df]);
  }

  /**
   * Pivots `column`: each of `values` becomes a column per aggregate, aggregating the group's rows
   * with that value (named by the value; `<value>_<aggregate>` with several aggregates), as Spark's
   * `pivot`. Spark can list the distinct values itself; sluice needs them given (building a
   * DataFrame runs no query).
   * @example df.groupBy("year").pivot("course", ["dotNET", "Java"]).sum("earnings")
   */
  pivot(column: string | Column, values?: readonly unknown[]): GroupedData {
    if (values === undefined || values.length === 0) {
      throw new AnalysisError("analysis: pivot: pass the pivot values, as pivot(column, [v1, v2, …]); sluice does not list them with a query while building the DataFrame");
    }
    return new GroupedData(this.df, this.keys, { column: typeof column === "string" ? node({ kind: "column", parts: [column] }) : column.expr, values });
  }

  /** Rows per group, in a column named `count`. */
  count(): DataFrame {
    const countStar: Expr = node({ kind: "call", name: "count", args: [node({ kind: "star", qualifier: [] })], distinct: false });
    return this.agg(new Column(node({ kind: "alias", child: countStar, name: "count" })));
  }

  /** `sum(c)` per group for each named column. */
  sum(...cols: string[]): DataFrame {
    return this.simple("sum", cols);
  }

  /** `avg(c)` per group for each named column. */
  avg(...cols: string[]): DataFrame {
    return this.simple("avg", cols);
  }

  /** Alias of {@link avg}. */
  mean(...cols: string[]): DataFrame {
    return this.simple("avg", cols);
  }

  /** `min(c)` per group for each named column. */
  min(...cols: string[]): DataFrame {
    return this.simple("min", cols);
  }

  /** `max(c)` per group for each named column. */
  max(...cols: string[]): DataFrame {
    return this.simple("max", cols);
  }

  private simple(fn: string, cols: readonly string[]): DataFrame {
    return this.agg(...cols.map((c) => new Column(call(fn, c))));
  }
}

/** Each aggregate once per pivot value, over the rows with that value (an aggregate FILTER). */
function pivotAggregates(p: PivotSpec, aggregates: readonly Expr[]): Expr[] {
  const out: Expr[] = [];
  for (const v of p.values) {
    const cond: Expr = node({ kind: "binary", op: "<=>", left: p.column, right: lit(v as string).expr });
    out.push(...pivotValueAggregates(aggregates, cond, String(v)));
  }
  return out;
}

function call(name: string, column: string): Expr {
  const arg: Expr = column === "*" ? node({ kind: "star", qualifier: [] }) : node({ kind: "column", parts: [column] });
  return node({ kind: "call", name, args: [arg], distinct: false });
}
