/**
 * The result of `groupBy(...)`: aggregate with `agg(...)` or a shortcut (`count()`, `sum(...)` …).
 * Output columns are the grouping columns, then one column per aggregate, named as Spark names them
 * (`count`, `sum(amount)`, `avg(amount)` …).
 */
import type { Expr } from "../sql/expression.js";
import { node } from "../sql/expression.js";
import { bindExpr } from "../plan/expressions/bind.js";
import type { GroupStateFunction, GroupStateTimeout } from "../state/group-state.js";
import type { StructType } from "../types/data-types.js";
import { parseDDL } from "../sql/ddl.js";
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

const TIMEOUTS: Readonly<Record<string, GroupStateTimeout>> = {
  notimeout: "NoTimeout",
  processingtimetimeout: "ProcessingTimeTimeout",
  eventtimetimeout: "EventTimeTimeout",
};

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
   * Arbitrary stateful processing per key, in the shape of Spark's `flatMapGroupsWithState` and
   * PySpark's `applyInPandasWithState`: for each key with rows in a micro-batch, `fn(key, rows,
   * state)` returns the rows to emit (objects of `outputSchema`) and may update the key's state (an
   * object of `stateSchema`) and set a timeout; a key whose timeout passes is called again with no
   * rows and `state.hasTimedOut`. `outputMode` is the function's (`append`: its rows are final;
   * `update`); `timeoutConf` is `NoTimeout`, `ProcessingTimeTimeout` or `EventTimeTimeout` (which
   * needs a watermark). This is how sessionization with custom rules is written.
   * @example df.groupBy("user").applyWithState((key, rows, state) => { … }, "user STRING, n BIGINT", "n BIGINT", "update", "ProcessingTimeTimeout")
   */
  applyWithState<S extends Record<string, unknown> = Record<string, unknown>>(
    fn: GroupStateFunction<S>,
    outputSchema: StructType | string,
    stateSchema: StructType | string,
    outputMode: "append" | "update" | "Append" | "Update",
    timeoutConf: string = "NoTimeout",
  ): DataFrame {
    if (this.pivotSpec !== null) throw new AnalysisError("analysis: applyWithState cannot follow pivot");
    if (typeof fn !== "function") throw new AnalysisError("analysis: applyWithState: fn must be a function (key, rows, state) => rows");
    const mode = String(outputMode).toLowerCase();
    if (mode !== "append" && mode !== "update") throw new AnalysisError(`analysis: applyWithState: outputMode must be append or update, got ${String(outputMode)}`);
    const timeout = TIMEOUTS[String(timeoutConf).toLowerCase().replace(/^groupstatetimeout\./, "")];
    if (timeout === undefined) throw new AnalysisError(`analysis: applyWithState: timeoutConf must be NoTimeout, ProcessingTimeTimeout or EventTimeTimeout, got ${String(timeoutConf)}`);
    const toSchema = (s: StructType | string, what: string): StructType => {
      if (typeof s !== "string") return s;
      try {
        return parseDDL(s);
      } catch (e) {
        throw new AnalysisError(`analysis: applyWithState: ${what} ${JSON.stringify(s)} is not a schema: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    return DataFrameClass.of(
      this.df.sparkSession,
      {
        kind: "applyWithState",
        child: this.df.logicalPlan,
        groupBy: this.keys,
        // `S` is the caller's word for the state schema's shape, which TypeScript cannot check:
        // states are built from, and written through, `stateSchema` (a mismatch fails there).
        fn: fn as unknown as GroupStateFunction,
        outputSchema: toSchema(outputSchema, "outputSchema"),
        stateSchema: toSchema(stateSchema, "stateSchema"),
        outputMode: mode,
        timeout,
      },
      [this.df],
    );
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
