/**
 * Turns a parsed SQL query (`sql/query-ast.ts`) into a logical plan, resolving table names through
 * a {@link SqlCatalog} (the session's temp views and tables) and common table expressions.
 *
 * How SQL clauses map onto the plan nodes the DataFrame API also builds, following Spark's
 * analyzer:
 * - FROM → the relations (each named relation qualified by its alias, or its name); comma lists
 *   are cross joins; WHERE → filter.
 * - An aggregate query (GROUP BY, or aggregate calls in SELECT / HAVING) first projects each
 *   grouping expression into a hidden column `#g<i>`, then aggregates by those columns with every
 *   SELECT item (`#s<j>`) and every extra aggregate HAVING or ORDER BY needs (`#x<k>`); HAVING is
 *   a filter over that output, and a final projection keeps the SELECT items under their names.
 *   Grouping expressions inside SELECT / HAVING / ORDER BY are matched by their resolved form (so
 *   `t.a` and `a` are one column), never inside aggregate calls. GROUPING SETS, ROLLUP and CUBE
 *   run one aggregation per set (the absent grouping columns null, `grouping()` and
 *   `grouping_id()` constant per set) and union them, as Spark's Expand does.
 * - GROUP BY / ORDER BY with an integer literal refer to a SELECT item by position; GROUP BY a
 *   name that is no input column but a SELECT alias groups by that item (Spark's defaults).
 * - ORDER BY binds to the SELECT output when it can; otherwise its keys are computed as hidden
 *   columns beside the output and dropped after the sort.
 * - UNION / INTERSECT / EXCEPT widen column types as Spark does; DISTINCT variants deduplicate;
 *   INTERSECT and EXCEPT are null-safe semi / anti joins on every column.
 * - VALUES: one row per projection of a one-row relation, each column cast to the rows' wider
 *   type, unioned.
 */
import { AnalysisError } from "../errors.js";
import { node, mapExprChildren, exprChildren, type Expr, type SortOrderExpr, type LiteralExpr } from "../sql/expression.js";
import type { CommonTableExpr, GroupByAst, QueryAst, QueryBody, RelationAst, SelectAst, ValuesAst } from "../sql/query-ast.js";
import { ByteType, LongType, StructType, type DataType } from "../types/data-types.js";
import { makeBatch } from "../columnar/batch.js";
import type { LogicalPlan } from "./logical.js";
import { analyzePlan, scopeOf, type ResolvedPlan } from "./analyze.js";
import { bindExpr, outputName } from "./expressions/bind.js";
import { AGGREGATE_FUNCTIONS } from "./expressions/function-registry.js";
import { findWiderCommonType } from "./expressions/coercion.js";
import { rangeRelation } from "./range.js";
import { generatorOf, REPLICATE_ROWS } from "./generators.js";
import { generatorCall, selectWithGenerator } from "./select-generator.js";
import { containsWindow, selectWithWindows } from "./window.js";

/** Where `spark.sql` finds tables and views by name. */
export interface SqlCatalog {
  /** The plan of the table or view `name` (one or more parts). @throws AnalysisError when unknown. */
  relation(name: readonly string[]): LogicalPlan;
}

/** Plans a parsed query. @throws AnalysisError for unknown names and unsupported constructs. */
export function planQuery(query: QueryAst, catalog: SqlCatalog): LogicalPlan {
  return new SqlPlanner(catalog).query(query, new Map());
}

type Ctes = ReadonlyMap<string, LogicalPlan>;

class SqlPlanner {
  constructor(private readonly catalog: SqlCatalog) {}

  query(q: QueryAst, outer: Ctes): LogicalPlan {
    const ctes = new Map(outer);
    for (const c of q.ctes) ctes.set(c.name.toLowerCase(), this.cte(c, ctes));
    let plan: LogicalPlan;
    const byAll = orderByAll(q.orderBy);
    if (q.body.kind === "select" && byAll === null) {
      plan = this.select(q.body, q.orderBy, ctes);
    } else {
      plan = q.body.kind === "select" ? this.select(q.body, [], ctes) : this.body(q.body, ctes);
      if (byAll !== null && !analyzePlan(plan).schema.fields.some((f) => f.name.toLowerCase() === "all")) {
        // ORDER BY ALL: every output column, in order, with the one direction given.
        const width = analyzePlan(plan).schema.fields.length;
        plan = { kind: "sort", child: plan, orders: Array.from({ length: width }, (_, i) => node({ ...byAll, child: ordinal(i, `#${i}`) })) };
      } else if (q.orderBy.length > 0) {
        plan = sortByOutput(plan, q.orderBy);
      }
    }
    if (q.offset !== null) throw new AnalysisError("analysis: OFFSET is not supported yet");
    if (q.limit !== null) plan = { kind: "limit", child: plan, n: constantInt(q.limit, "LIMIT") };
    return plan;
  }

  private cte(c: CommonTableExpr, ctes: Ctes): LogicalPlan {
    let plan = this.query(c.query, ctes);
    if (c.columns !== null) plan = renameColumns(plan, c.columns, c.name);
    return { kind: "subqueryAlias", child: plan, alias: c.name };
  }

  private body(b: QueryBody, ctes: Ctes): LogicalPlan {
    switch (b.kind) {
      case "select":
        return this.select(b, [], ctes);
      case "query":
        return this.query(b, ctes);
      case "values":
        return this.values(b, null);
      case "tableBody":
        return this.relation(b.relation, ctes);
      case "setOp":
        return this.setOp(b.op, b.all, this.body(b.left, ctes), this.body(b.right, ctes));
    }
  }

  private setOp(op: "union" | "intersect" | "except", all: boolean, l: LogicalPlan, r: LogicalPlan): LogicalPlan {
    const [left, right] = widenToCommon([l, r], op.toUpperCase());
    if (op === "union") {
      const u: LogicalPlan = { kind: "union", children: [left, right] };
      return all ? u : { kind: "deduplicate", child: u, keys: null };
    }
    const n = analyzePlan(left).schema.fields.length;
    if (all) return setOpAll(op, left, right, n);
    const cond = Array.from({ length: n }, (_, i): Expr => node({ kind: "binary", op: "<=>", left: ordinal(i, `l${i}`), right: ordinal(n + i, `r${i}`) })).reduce((a, b) => node({ kind: "binary", op: "and", left: a, right: b }));
    const joined: LogicalPlan = { kind: "join", left, right, joinType: op === "intersect" ? "left_semi" : "left_anti", condition: cond, using: null, natural: false };
    return { kind: "deduplicate", child: joined, keys: null };
  }

  private values(v: ValuesAst, columnAliases: readonly string[] | null): LogicalPlan {
    const width = v.rows[0].length;
    for (const [i, row] of v.rows.entries()) {
      if (row.length !== width) throw new AnalysisError(`analysis: VALUES rows must have the same number of values; row 1 has ${width} and row ${i + 1} has ${row.length}`);
    }
    if (columnAliases !== null && columnAliases.length !== width) {
      throw new AnalysisError(`analysis: VALUES has ${width} columns but ${columnAliases.length} column aliases were given`);
    }
    const names = columnAliases ?? Array.from({ length: width }, (_, i) => `col${i + 1}`);
    const rows: LogicalPlan[] = v.rows.map((row) => ({ kind: "project", child: oneRow(), exprs: row.map((e, i) => alias(e, names[i])) }));
    return unionAll(widenToCommon(rows, "VALUES"));
  }

  // --- relations ----------------------------------------------------------------------------

  private relation(r: RelationAst, ctes: Ctes): LogicalPlan {
    switch (r.kind) {
      case "table": {
        const cte = r.name.length === 1 ? ctes.get(r.name[0].toLowerCase()) : undefined;
        let plan = cte ?? this.catalog.relation(r.name);
        if (r.columnAliases !== null) plan = renameColumns(plan, r.columnAliases, r.name.join("."));
        return { kind: "subqueryAlias", child: plan, alias: r.alias ?? r.name[r.name.length - 1] };
      }
      case "subquery": {
        let plan = this.query(r.query, ctes);
        if (r.columnAliases !== null) plan = renameColumns(plan, r.columnAliases, r.alias ?? "subquery");
        return r.alias === null ? plan : { kind: "subqueryAlias", child: plan, alias: r.alias };
      }
      case "valuesRelation": {
        const plan = this.values(r.values, r.columnAliases);
        return r.alias === null ? plan : { kind: "subqueryAlias", child: plan, alias: r.alias };
      }
      case "join":
        return {
          kind: "join",
          left: this.relation(r.left, ctes),
          right: this.relation(r.right, ctes),
          joinType: r.joinType,
          condition: r.condition,
          using: r.using,
          natural: r.natural,
        };
      case "function": {
        let plan = this.tableFunction(r.name, r.args);
        if (r.columnAliases !== null) plan = renameColumns(plan, r.columnAliases, r.name);
        return r.alias === null ? plan : { kind: "subqueryAlias", child: plan, alias: r.alias };
      }
      case "lateralView": {
        const call = generatorCall(r.generator);
        if (call === null) throw new AnalysisError(`analysis: LATERAL VIEW needs a generator (explode, posexplode, inline, stack …), got ${outputName(r.generator)}`);
        return {
          kind: "generate",
          child: this.relation(r.child, ctes),
          generator: call.name,
          args: call.args,
          outer: r.outer,
          aliases: r.columns.length > 0 ? r.columns : null,
          qualifier: r.alias,
        };
      }
    }
  }

  private tableFunction(name: string, args: readonly Expr[]): LogicalPlan {
    if (name === "range") {
      const nums = args.map((a) => constantInt(a, "range"));
      if (nums.length === 1) return rangeRelation(0, nums[0], 1);
      if (nums.length === 2) return rangeRelation(nums[0], nums[1], 1);
      if (nums.length === 3 || nums.length === 4) return rangeRelation(nums[0], nums[1], nums[2]);
      throw new AnalysisError(`analysis: range takes 1 to 4 arguments, got ${nums.length}`);
    }
    if (generatorOf(name) !== undefined) {
      return { kind: "generate", child: oneRow(), generator: name, args, outer: false, aliases: null, qualifier: null };
    }
    throw new AnalysisError(`analysis: unknown table-valued function '${name}'; supported: range, explode, explode_outer, posexplode, posexplode_outer, inline, inline_outer, stack`);
  }

  // --- SELECT -------------------------------------------------------------------------------

  private select(sel: SelectAst, orderBy: readonly SortOrderExpr[], ctes: Ctes): LogicalPlan {
    let input: LogicalPlan = sel.from === null ? oneRow() : this.relation(sel.from, ctes);
    if (sel.where !== null) {
      if (containsAggregateCall(sel.where)) throw new AnalysisError("analysis: aggregate functions are not allowed in WHERE; use HAVING");
      input = { kind: "filter", child: input, condition: sel.where };
    }
    const resolvedInput = analyzePlan(input);
    const aggregated = sel.groupBy !== null || sel.items.some(containsAggregateCall) || (sel.having !== null && containsAggregateCall(sel.having));
    if (aggregated) return this.aggregateSelect(sel, orderBy, input, resolvedInput);
    // HAVING without grouping or aggregates filters rows, as Spark 3.5 does.
    if (sel.having !== null) input = { kind: "filter", child: input, condition: sel.having };
    const named = new Map(sel.windows.map((w) => [w.name.toLowerCase(), w.spec]));
    const windowed = selectWithWindows(input, sel.items, named);
    if (windowed !== null) {
      let plan: LogicalPlan = sel.distinct ? { kind: "deduplicate", child: windowed, keys: null } : windowed;
      if (orderBy.length > 0) plan = sortByOutput(plan, orderBy);
      return plan;
    }
    let plan: LogicalPlan = selectWithGenerator(input, sel.items) ?? { kind: "project", child: input, exprs: sel.items };
    if (sel.distinct) plan = { kind: "deduplicate", child: plan, keys: null };
    if (orderBy.length === 0) return plan;
    const out = analyzePlan(plan);
    const items = sel.items;
    const onOutput = orderBy.map((o) => orderOnOutput(o, out));
    if (onOutput.every((o): o is SortOrderExpr => o !== null)) return { kind: "sort", child: plan, orders: onOutput };
    if (sel.distinct) throw new AnalysisError("analysis: ORDER BY of a SELECT DISTINCT must use columns of the select list");
    // Sort keys over the input, computed beside the output and dropped after the sort.
    const inputNames = new Set(resolvedInput.schema.fields.map((f) => f.name.toLowerCase()));
    const hidden = orderBy.map((o, k) => alias(substituteAliases(o.child, items, inputNames), `#o${k}`));
    const width = out.schema.fields.length;
    const withKeys: LogicalPlan = { kind: "project", child: input, exprs: [...items, ...hidden] };
    const sorted: LogicalPlan = { kind: "sort", child: withKeys, orders: orderBy.map((o, k) => node({ ...o, child: ordinal(width + k, `#o${k}`) })) };
    return { kind: "project", child: sorted, exprs: out.schema.fields.map((f, i) => ordinal(i, f.name)) };
  }

  private aggregateSelect(sel: SelectAst, orderBy: readonly SortOrderExpr[], input: LogicalPlan, resolvedInput: ResolvedPlan): LogicalPlan {
    const items = sel.items;
    if (items.some(containsWindow)) throw new AnalysisError("analysis: window functions over an aggregation (in an aggregate query's SELECT) are not supported yet; aggregate in a subquery first");
    for (const it of items) if (it.kind === "star") throw new AnalysisError("analysis: '*' is not allowed in the select list of an aggregate query");
    const inputNames = new Set(resolvedInput.schema.fields.map((f) => f.name.toLowerCase()));
    const groupExprs = groupingExpressions(sel.groupBy, items, inputNames);
    const keyOf = (e: Expr): string => boundKey(e, resolvedInput);
    const groupKeys = groupExprs.map(keyOf);
    const groupTypes = groupExprs.map((g) => bindExpr(g, resolvedInput.schema, scopeOf(resolvedInput)).dataType);
    const sets = sel.groupBy?.sets ?? [groupExprs.map((_, i) => i)];
    const names = items.map((it) => outputName(it));

    // Rewrites over the aggregate's output: grouping expressions → #g<i>; grouping()/grouping_id()
    // → constants of the set; aggregate calls stay (they read the input).
    const rewrite = (e: Expr, set: readonly number[]): Expr => {
      const k = groupKeys.indexOf(keyOf(e));
      if (k >= 0 && !containsAggregateCall(e)) return column(`#g${k}`);
      if (e.kind === "call" && (e.name === "grouping" || e.name === "grouping_id")) return groupingCall(e, set, groupKeys, keyOf);
      if (e.kind === "call" && isAggregateName(e.name)) return e;
      return mapExprChildren(e, (c) => rewrite(c, set));
    };
    const stripped = items.map((it) => (it.kind === "alias" ? it.child : it));
    const extras: Expr[] = [];
    // HAVING / ORDER BY: select aliases and aggregate calls → the aggregate's output columns.
    const overOutput = (e: Expr, set: readonly number[]): Expr => {
      if (e.kind === "column" && e.parts.length === 1 && !inputNames.has(e.parts[0].toLowerCase())) {
        const j = names.findIndex((n) => n.toLowerCase() === e.parts[0].toLowerCase());
        if (j >= 0) return column(`#s${j}`);
      }
      if (e.kind === "call" && isAggregateName(e.name)) {
        const j = stripped.findIndex((s) => keyOf(rewrite(s, set)) === keyOf(e) || exprText(s) === exprText(e));
        if (j >= 0) return column(`#s${j}`);
        let x = extras.findIndex((s) => exprText(s) === exprText(e));
        if (x < 0) {
          extras.push(e);
          x = extras.length - 1;
        }
        return column(`#x${x}`);
      }
      const k = groupKeys.indexOf(keyOf(e));
      if (k >= 0) return column(`#g${k}`);
      if (e.kind === "call" && (e.name === "grouping" || e.name === "grouping_id")) return groupingCall(e, set, groupKeys, keyOf);
      return mapExprChildren(e, (c) => overOutput(c, set));
    };
    const orderKeys = orderBy.map((o) => o.child);
    const perSet = sets.map((set) => {
      const having = sel.having === null ? null : overOutput(sel.having, set);
      const orders = orderKeys.map((o) => {
        const pos = positional(o, items.length);
        return pos !== null ? column(`#s${pos}`) : overOutput(o, set);
      });
      const pre: LogicalPlan = {
        kind: "project",
        child: input,
        exprs: [
          node({ kind: "star", qualifier: [] }),
          ...groupExprs.map((g, i) => alias(set.includes(i) ? g : node({ kind: "cast", to: groupTypes[i], child: nullLiteral() }), `#g${i}`)),
        ],
      };
      const aggregates = [...stripped.map((s, j) => alias(rewrite(s, set), `#s${j}`)), ...extras.map((x, k) => alias(rewrite(x, set), `#x${k}`))];
      let plan: LogicalPlan = { kind: "aggregate", child: pre, groupBy: groupExprs.map((_, i) => column(`#g${i}`)), aggregates };
      if (having !== null) plan = { kind: "filter", child: plan, condition: having };
      return {
        kind: "project",
        child: plan,
        exprs: [...items.map((_, j) => alias(column(`#s${j}`), names[j])), ...orders.map((o, k) => alias(o, `#o${k}`))],
      } satisfies LogicalPlan as LogicalPlan;
    });
    let plan = perSet.length === 1 ? perSet[0] : unionAll(widenToCommon(perSet, "GROUPING SETS"));
    const width = items.length;
    if (orderBy.length > 0) plan = { kind: "sort", child: plan, orders: orderBy.map((o, k) => node({ ...o, child: ordinal(width + k, `#o${k}`) })) };
    plan = { kind: "project", child: plan, exprs: names.map((n, i) => ordinal(i, n)) };
    if (sel.distinct) plan = { kind: "deduplicate", child: plan, keys: null };
    return plan;
  }
}

/**
 * INTERSECT ALL / EXCEPT ALL as Spark rewrites them: tag each side's rows, group by every column
 * counting each side's rows, keep the groups the operation keeps, and replicate each group's row
 * min(left, right) times (INTERSECT ALL) or left - right times (EXCEPT ALL).
 */
function setOpAll(op: "intersect" | "except", left: LogicalPlan, right: LogicalPlan, n: number): LogicalPlan {
  const names = analyzePlan(left).schema.fields.map((f) => f.name);
  const cols = names.map((nm, i) => ordinal(i, nm));
  const tag = (plan: LogicalPlan, l: number, r: number): LogicalPlan => ({
    kind: "project",
    child: plan,
    exprs: [...cols.map((c, i) => alias(c, `#c${i}`)), alias(literal(BigInt(l), LongType()), "#l"), alias(literal(BigInt(r), LongType()), "#r")],
  });
  const grouped: LogicalPlan = {
    kind: "aggregate",
    child: { kind: "union", children: [tag(left, 1, 0), tag(right, 0, 1)] },
    groupBy: names.map((_, i) => column(`#c${i}`)),
    aggregates: [alias(call("sum", [column("#l")]), "#nl"), alias(call("sum", [column("#r")]), "#nr")],
  };
  const times: Expr =
    op === "intersect"
      ? node({ kind: "case", operand: null, branches: [{ when: node({ kind: "binary", op: "<", left: column("#nl"), right: column("#nr") }), then: column("#nl") }], otherwise: column("#nr") })
      : node({ kind: "binary", op: "-", left: column("#nl"), right: column("#nr") });
  const generated: LogicalPlan = { kind: "generate", child: grouped, generator: REPLICATE_ROWS, args: [times], outer: false, aliases: null, qualifier: null };
  void n;
  return { kind: "project", child: generated, exprs: names.map((nm, i) => alias(column(`#c${i}`), nm)) };
}

function call(name: string, args: readonly Expr[]): Expr {
  return node({ kind: "call", name, args, distinct: false });
}

/** GROUP BY's expressions: ordinals and select aliases resolved; `GROUP BY ALL` → the non-aggregate items. */
function groupingExpressions(groupBy: GroupByAst | null, items: readonly Expr[], inputNames: ReadonlySet<string>): Expr[] {
  if (groupBy === null) return [];
  const strip = (e: Expr): Expr => (e.kind === "alias" ? e.child : e);
  if (groupBy.all) return items.filter((e) => !containsAggregateCall(e)).map(strip);
  return groupBy.exprs.map((g) => {
    const pos = positional(g, items.length);
    if (pos !== null) {
      if (containsAggregateCall(items[pos])) throw new AnalysisError(`analysis: GROUP BY position ${pos + 1} refers to an aggregate function (${outputName(items[pos])})`);
      return strip(items[pos]);
    }
    if (g.kind === "column" && g.parts.length === 1 && !inputNames.has(g.parts[0].toLowerCase())) {
      const hit = items.find((it) => it.kind === "alias" && it.name.toLowerCase() === g.parts[0].toLowerCase());
      if (hit !== undefined) return strip(hit);
    }
    if (containsAggregateCall(g)) throw new AnalysisError(`analysis: aggregate functions are not allowed in GROUP BY: ${outputName(g)}`);
    return g;
  });
}

/** `grouping(col)` (1 when col is aggregated away in this set) and `grouping_id(cols…)` (the bits). */
function groupingCall(e: Extract<Expr, { kind: "call" }>, set: readonly number[], groupKeys: readonly string[], keyOf: (e: Expr) => string): Expr {
  const args = e.name === "grouping_id" && e.args.length === 0 ? groupKeys.map((_, i) => i) : e.args.map((a) => {
    const k = groupKeys.indexOf(keyOf(a));
    if (k < 0) throw new AnalysisError(`analysis: ${e.name}() argument ${outputName(a)} is not a grouping column`);
    return k;
  });
  if (e.name === "grouping") {
    if (args.length !== 1) throw new AnalysisError("analysis: grouping() takes exactly one grouping column");
    return literal(set.includes(args[0]) ? 0 : 1, ByteType());
  }
  let bits = 0n;
  for (const k of args) bits = (bits << 1n) | (set.includes(k) ? 0n : 1n);
  return literal(bits, LongType());
}

/** `ORDER BY ALL [ASC|DESC] [NULLS …]`: the sort order to apply to every column, else null. */
function orderByAll(orderBy: readonly SortOrderExpr[]): SortOrderExpr | null {
  if (orderBy.length !== 1) return null;
  const o = orderBy[0];
  return o.child.kind === "column" && o.child.parts.length === 1 && o.child.parts[0].toLowerCase() === "all" ? o : null;
}

/** An ORDER BY key resolved against a query's output: a position, or an expression that binds; else null. */
function orderOnOutput(o: SortOrderExpr, out: ResolvedPlan): SortOrderExpr | null {
  const pos = positional(o.child, out.schema.fields.length);
  if (pos !== null) return node({ ...o, child: ordinal(pos, out.schema.fields[pos].name) });
  try {
    bindExpr(o.child, out.schema, scopeOf(out));
    return o;
  } catch (e) {
    if (e instanceof AnalysisError) return null;
    throw e;
  }
}

function sortByOutput(plan: LogicalPlan, orderBy: readonly SortOrderExpr[]): LogicalPlan {
  const out = analyzePlan(plan);
  const orders = orderBy.map((o) => {
    const r = orderOnOutput(o, out);
    if (r === null) bindExpr(o.child, out.schema, scopeOf(out));
    return r ?? o;
  });
  return { kind: "sort", child: plan, orders };
}

/** An integer literal used as a position (GROUP BY 1, ORDER BY 2): its 0-based index, else null. */
function positional(e: Expr, width: number): number | null {
  if (e.kind !== "literal" || (e.dataType.typeName !== "integer" && e.dataType.typeName !== "long")) return null;
  const n = Number(e.value);
  if (!Number.isInteger(n) || n < 1 || n > width) {
    throw new AnalysisError(`analysis: position ${n} is not in the select list (valid range is [1, ${width}])`);
  }
  return n - 1;
}

/** Replaces a bare name that is a SELECT alias (and no input column) by the aliased expression. */
function substituteAliases(e: Expr, items: readonly Expr[], inputNames: ReadonlySet<string>): Expr {
  if (e.kind === "column" && e.parts.length === 1 && !inputNames.has(e.parts[0].toLowerCase())) {
    const hit = items.find((it) => it.kind === "alias" && it.name.toLowerCase() === e.parts[0].toLowerCase());
    if (hit !== undefined && hit.kind === "alias") return hit.child;
  }
  return mapExprChildren(e, (c) => substituteAliases(c, items, inputNames));
}

/** Casts each input's columns to the inputs' wider common types (Spark's set-operation coercion). */
function widenToCommon(plans: readonly LogicalPlan[], what: string): LogicalPlan[] {
  const resolved = plans.map(analyzePlan);
  const width = resolved[0].schema.fields.length;
  for (const [i, r] of resolved.entries()) {
    if (r.schema.fields.length !== width) {
      throw new AnalysisError(`analysis: ${what} can only be performed on inputs with the same number of columns, but the first has ${width} and input ${i + 1} has ${r.schema.fields.length}`);
    }
  }
  const types: DataType[] = [];
  for (let c = 0; c < width; c++) {
    const t = findWiderCommonType(resolved.map((r) => r.schema.fields[c].dataType));
    if (t === null) {
      throw new AnalysisError(`analysis: ${what}: column ${c + 1} has incompatible types ${resolved.map((r) => r.schema.fields[c].dataType.typeName).join(", ")}`);
    }
    types.push(t);
  }
  return plans.map((p, i) => {
    const fields = resolved[i].schema.fields;
    if (fields.every((f, c) => sameTypeName(f.dataType, types[c]))) return p;
    return { kind: "project", child: p, exprs: fields.map((f, c) => (sameTypeName(f.dataType, types[c]) ? ordinal(c, f.name) : alias(node({ kind: "cast", to: types[c], child: ordinal(c, f.name) }), f.name))) };
  });
}

function sameTypeName(a: DataType, b: DataType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function unionAll(plans: readonly LogicalPlan[]): LogicalPlan {
  return plans.length === 1 ? plans[0] : { kind: "union", children: plans };
}

function renameColumns(plan: LogicalPlan, names: readonly string[], what: string): LogicalPlan {
  const fields = analyzePlan(plan).schema.fields;
  if (fields.length !== names.length) {
    throw new AnalysisError(`analysis: ${what} has ${fields.length} columns but ${names.length} column aliases were given`);
  }
  return { kind: "project", child: plan, exprs: names.map((n, i) => alias(ordinal(i, fields[i].name), n)) };
}

/** A relation of one row and no columns (`SELECT 1`, the rows of VALUES). */
function oneRow(): LogicalPlan {
  const schema = StructType([]);
  return { kind: "localRelation", schema, batches: [makeBatch(schema, [], 1)], isStreaming: false };
}

/** A constant integer argument (LIMIT, range): a literal, possibly negated or cast. */
function constantInt(e: Expr, what: string): number {
  const b = bindExpr(e, StructType([]));
  if (b.kind === "literal" && (typeof b.value === "number" || typeof b.value === "bigint")) return Number(b.value);
  if (b.kind === "unary" && b.op === "negate" && b.child.kind === "literal" && b.child.value !== null) return -Number(b.child.value);
  if (b.kind === "cast" && b.child.kind === "literal" && b.child.value !== null && !Number.isNaN(Number(b.child.value))) return Math.trunc(Number(b.child.value));
  throw new AnalysisError(`analysis: ${what} takes a constant integer, got ${outputName(e)}`);
}

/** A key that is equal for two expressions resolving to the same thing (`t.a` and `a`). */
function boundKey(e: Expr, input: ResolvedPlan): string {
  try {
    return JSON.stringify(bindExpr(e, input.schema, { ...scopeOf(input), allowAggregates: true }), keyReplacer);
  } catch {
    return exprText(e);
  }
}

function exprText(e: Expr): string {
  return JSON.stringify(e, (k: string, v: unknown) => (k === "parts" && Array.isArray(v) ? v.map((x) => String(x).toLowerCase()) : keyReplacer(k, v)));
}

function keyReplacer(_k: string, v: unknown): unknown {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return undefined;
  if (v instanceof RegExp) return v.source;
  return v;
}

/** Whether `e` calls an aggregate function outside any window. */
export function containsAggregateCall(e: Expr): boolean {
  // `sum(x) OVER (…)` is a window function; only aggregates inside it (`sum(sum(x)) OVER ()`) count.
  if (e.kind === "window") return exprChildren(e).some((c) => c !== e.fn && containsAggregateCall(c)) || (e.fn.kind === "call" && e.fn.args.some(containsAggregateCall));
  if (e.kind === "call" && isAggregateName(e.name)) return true;
  return exprChildren(e).some(containsAggregateCall);
}

function isAggregateName(name: string): boolean {
  return name in AGGREGATE_FUNCTIONS;
}

function column(name: string): Expr {
  return node({ kind: "column", parts: [name] });
}

function ordinal(i: number, name: string): Expr {
  return node({ kind: "ordinal", ordinal: i, name });
}

function alias(e: Expr, name: string): Expr {
  return node({ kind: "alias", child: e.kind === "alias" ? e.child : e, name });
}

function literal(value: number | bigint, dataType: DataType): LiteralExpr {
  return node({ kind: "literal", value, dataType });
}

function nullLiteral(): LiteralExpr {
  return node({ kind: "literal", value: null, dataType: { typeName: "null" } as DataType });
}
