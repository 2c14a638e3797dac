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
import { sessionSetting } from "./expressions/session-zone.js";
import { andExpr, node, mapExprChildren, exprChildren, type Expr, type SortOrderExpr, type LiteralExpr } from "../sql/expression.js";
import type { CommonTableExpr, GroupByAst, QueryAst, QueryBody, RelationAst, SelectAst, SqlJoinType, ValuesAst } from "../sql/query-ast.js";
import { ByteType, LongType, StringType, StructType, type DataType } from "../types/data-types.js";
import { makeBatch } from "../columnar/batch.js";
import type { LogicalPlan } from "./logical.js";
import { analyzePlan, scopeOf, type ResolvedPlan } from "./analyze.js";
import { bindExpr, exprSql, outputName } from "./expressions/bind.js";
import type { BoundExpr } from "./expressions/bound.js";
import { boundChildren } from "./expressions/bound.js";
import { AGGREGATE_FUNCTIONS } from "./expressions/function-registry.js";
import { findWiderCommonType } from "./expressions/coercion.js";
import { rangeRelation } from "./range.js";
import { generatorOf, REPLICATE_ROWS } from "./generators.js";
import { generatorCall, selectWithGenerator } from "./select-generator.js";
import { containsWindow, selectWithWindows } from "./window.js";
import { isSessionWindowCall, isTimeWindowCall, SESSION_WINDOW_COLUMN, TIME_WINDOW_COLUMN } from "./time-window.js";

/** Where `spark.sql` finds tables and views by name. */
export interface SqlCatalog {
  /** The plan of the table or view `name` (one or more parts). @throws AnalysisError when unknown. */
  relation(name: readonly string[]): LogicalPlan;
  /** A session setting the planner honours (`spark.sql.legacy.parser.havingWithoutGroupByAsWhere`). */
  conf?(key: string): string | undefined;
}

/** Plans a parsed query. @throws AnalysisError for unknown names and unsupported constructs. */
export function planQuery(query: QueryAst, catalog: SqlCatalog): LogicalPlan {
  return new SqlPlanner(catalog).query(query, new Map());
}

type Ctes = ReadonlyMap<string, LogicalPlan>;

/** What a subquery's join needs from it (see `decorrelate`). */
type DecorrelateMode = "none" | "value" | "scalar" | "exists" | "existsValue";

/** A subquery planned for a join with its outer query (see `decorrelate`). */
interface Decorrelated {
  readonly plan: LogicalPlan;
  /** The join condition: the WHERE conjuncts that name outer columns. */
  readonly correlated: Expr[];
  /** The position of its first value column in `plan`'s output. */
  readonly valueAt: number;
  /** The position of its EXISTS flag column in `plan`'s output. */
  readonly flagAt: number;
  /** How many value columns it returns. */
  readonly width: number;
  /** A scalar `count(…)` subquery: a key with no rows must read 0, not null (Spark's count bug). */
  readonly countBug: boolean;
}

class SqlPlanner {
  constructor(private readonly catalog: SqlCatalog) {}

  /** > 0 while planning a CTE's body or a subquery expression (where nested WITHs conflict). */
  private nested = 0;

  query(q: QueryAst, outer: Ctes): LogicalPlan {
    const ctes = new Map(outer);
    const policy = (this.catalog.conf?.("spark.sql.legacy.ctePrecedencePolicy") ?? "EXCEPTION").toUpperCase();
    for (const c of q.ctes) {
      const name = c.name.toLowerCase();
      if (this.nested > 0 && outer.has(name)) {
        // Spark's spark.sql.legacy.ctePrecedencePolicy: EXCEPTION (default) refuses a nested WITH
        // that redefines an outer name; LEGACY keeps the outer one; CORRECTED the inner one.
        if (policy === "EXCEPTION") {
          throw new AnalysisError(`analysis: name \`${c.name}\` is ambiguous in nested CTE; set spark.sql.legacy.ctePrecedencePolicy to CORRECTED (the inner definition wins) or LEGACY (the outer one wins)`);
        }
        if (policy === "LEGACY") continue;
      }
      ctes.set(name, this.cte(c, ctes));
    }
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
    // Spark applies OFFSET before LIMIT: rows offset … offset + limit.
    if (q.offset !== null) plan = { kind: "offset", child: plan, n: constantInt(q.offset, "OFFSET") };
    if (q.limit !== null) plan = { kind: "limit", child: plan, n: constantInt(q.limit, "LIMIT") };
    return plan;
  }

  private cte(c: CommonTableExpr, ctes: Ctes): LogicalPlan {
    this.nested++;
    let plan: LogicalPlan;
    try {
      plan = this.query(c.query, ctes);
    } finally {
      this.nested--;
    }
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
    const cond = Array.from({ length: n }, (_, i): Expr => node({ kind: "binary", op: "<=>", left: ordinal(i, `l${i}`), right: ordinal(n + i, `r${i}`) })).reduce(andExpr);
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
    // Spark's ResolveInlineTables: an inline table's values are evaluated once, at analysis, so
    // each must be foldable; a non-deterministic call is not.
    for (const row of v.rows) {
      const bad = row.find(isNondeterministic);
      if (bad !== undefined) {
        throw new AnalysisError(`analysis: [INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE] Cannot evaluate the expression "${exprSql(bad)}" in inline table definition`);
      }
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
        if (r.right.kind === "subquery" && r.right.lateral === true) return this.lateralJoin(this.relation(r.left, ctes), r.right, r.joinType, r.condition, r.using !== null || r.natural, ctes);
        // LATERAL before a table function that is not a generator (`LATERAL range(3)`) changes nothing.
        if (r.right.kind === "function" && r.right.lateral === true && generatorOf(r.right.name) !== undefined) {
          return lateralGenerator(this.relation(r.left, ctes), r.right, r.joinType, r.condition, r.using !== null || r.natural);
        }
        if (r.condition !== null && containsSubquery(r.condition)) return this.joinOnSubqueries(this.relation(r.left, ctes), this.relation(r.right, ctes), r.joinType, r.condition, ctes);
        return {
          kind: "join",
          left: this.relation(r.left, ctes),
          right: this.relation(r.right, ctes),
          joinType: r.joinType,
          condition: r.condition,
          using: r.using,
          natural: r.natural,
          hiddenKeys: r.using !== null || r.natural,
        };
      case "function": {
        let plan = this.tableFunction(r.name, r.args);
        if (r.columnAliases !== null) plan = renameColumns(plan, r.columnAliases, r.name);
        return r.alias === null ? plan : { kind: "subqueryAlias", child: plan, alias: r.alias };
      }
      case "pivot": {
        const plan = this.pivot(this.relation(r.child, ctes), r);
        return r.alias === null ? plan : { kind: "subqueryAlias", child: plan, alias: r.alias };
      }
      case "unpivot": {
        const plan = unpivot(this.relation(r.child, ctes), r);
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

  /**
   * PIVOT as Spark plans it: group by every input column the aggregates and pivot columns do not
   * read, and compute each aggregate once per pivot value over the rows with that value (an
   * aggregate FILTER). Columns are named by the value (its alias, else its text), suffixed with
   * `_<aggregate>` when there are several aggregates.
   */
  private pivot(child: LogicalPlan, r: Extract<RelationAst, { kind: "pivot" }>): LogicalPlan {
    const input = analyzePlan(child);
    const used = new Set<number>();
    const collect = (b: BoundExpr): void => {
      if (b.kind === "ref") used.add(b.ordinal);
      for (const c of boundChildren(b)) collect(c);
      if (b.kind === "aggregate" && b.filter !== undefined) collect(b.filter);
    };
    for (const e of [...r.aggregates, ...r.columns]) collect(bindExpr(e, input.schema, { ...scopeOf(input), allowAggregates: true }));
    const groups = input.schema.fields.flatMap((f, i) => (used.has(i) ? [] : [ordinal(i, f.name)]));
    const aggregates: Expr[] = [];
    for (const v of r.values) {
      if (v.exprs.length !== r.columns.length) throw new AnalysisError(`analysis: PIVOT: a value gives ${v.exprs.length} items for ${r.columns.length} pivot columns`);
      // Spark's NON_LITERAL_PIVOT_VALUES: a pivot value is a constant, never a column.
      const nonLiteral = v.exprs.find(readsColumns);
      if (nonLiteral !== undefined) throw new AnalysisError(`analysis: [NON_LITERAL_PIVOT_VALUES] Literal expressions required for pivot values, found "${exprSql(nonLiteral)}"`);
      const cond = r.columns.map((c, k): Expr => node({ kind: "binary", op: "<=>", left: c, right: v.exprs[k] })).reduce(andExpr);
      const valueName = v.alias ?? (v.exprs.length === 1 ? outputName(v.exprs[0]) : `{${v.exprs.map(outputName).join(", ")}}`);
      aggregates.push(...pivotValueAggregates(r.aggregates, cond, valueName));
    }
    return { kind: "aggregate", child, groupBy: groups, aggregates };
  }

  /**
   * `left JOIN LATERAL (SELECT items [FROM rel] [WHERE cond]) [ON on]`: the subquery's FROM joined
   * to `left` on its WHERE (which may name `left`'s columns), then its items computed over each
   * pair — Spark's decorrelation of a lateral subquery without aggregation. For a left join, the
   * items of a left row that matched nothing are null (a marker column tells). A subquery that
   * does not reference `left` is an ordinary join.
   */
  private lateralJoin(left: LogicalPlan, sub: Extract<RelationAst, { kind: "subquery" }>, joinType: SqlJoinType, on: Expr | null, usingOrNatural: boolean, ctes: Ctes): LogicalPlan {
    const q = sub.query;
    const sel = q.body.kind === "select" && q.ctes.length === 0 && q.orderBy.length === 0 && q.limit === null && q.offset === null ? q.body : null;
    // Spark's CheckAnalysis: a lateral subquery (and its join condition) must be deterministic, as
    // it is run per row of the left side.
    if (q.body.kind === "select" && [...q.body.items, ...(q.body.where === null ? [] : [q.body.where])].some(isNondeterministic)) {
      throw new AnalysisError("analysis: [UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.NON_DETERMINISTIC_LATERAL_SUBQUERIES] Non-deterministic lateral subqueries are not supported when joining with outer relations that produce more than one row");
    }
    if (on !== null && isNondeterministic(on)) {
      throw new AnalysisError("analysis: [UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.LATERAL_JOIN_CONDITION_NON_DETERMINISTIC] Lateral join condition cannot be non-deterministic");
    }
    const uncorrelated = ((): LogicalPlan | null => {
      try {
        const plan = this.relation({ ...sub, lateral: false }, ctes);
        analyzePlan(plan);
        return plan;
      } catch (e) {
        if (!(e instanceof AnalysisError) || sel === null) throw e;
        return null;
      }
    })();
    if (uncorrelated !== null) {
      return { kind: "join", left, right: uncorrelated, joinType, condition: on, using: null, natural: false };
    }
    const s = sel as SelectAst;
    // `LATERAL (SELECT explode(c) [AS x])`: the generator over `left`, as `LATERAL explode(c) t(x)`.
    const only = s.items.length === 1 ? s.items[0] : null;
    const call = only === null ? null : generatorCall(only);
    if (call !== null && only !== null && s.from === null && s.where === null && s.groupBy === null && s.having === null && !s.distinct) {
      const aliases = sub.columnAliases ?? (only.kind === "alias" ? [only.name] : null);
      return lateralGenerator(left, { kind: "function", name: call.name, args: call.args, alias: sub.alias, columnAliases: aliases, lateral: true }, joinType, on, usingOrNatural);
    }
    if (usingOrNatural) throw new AnalysisError("analysis: USING and NATURAL joins with a correlated LATERAL subquery are not supported");
    if (s.groupBy !== null || s.having !== null || s.distinct || s.windows.length > 0 || s.items.some(containsAggregateCall) || s.items.some(containsWindow)) {
      throw new AnalysisError("analysis: correlated LATERAL subqueries with aggregation, DISTINCT or windows are not supported yet");
    }
    const leftR = analyzePlan(left);
    const nl = leftR.schema.fields.length;
    const inner = s.from === null ? oneRow() : this.relation(s.from, ctes);
    const innerR = analyzePlan(inner);
    const ni = innerR.schema.fields.length;
    const marked: LogicalPlan = { kind: "project", child: inner, exprs: [...innerR.schema.fields.map((f, i) => ordinal(i, f.name)), alias(literal(true, { typeName: "boolean" } as DataType), "#m")] };
    const pair = (e: Expr): Expr => innerRefsToPair(e, innerR, nl);
    const items: { expr: Expr; name: string }[] = [];
    for (const it of s.items) {
      if (it.kind === "star") {
        const q0 = it.qualifier;
        const innerCols = innerR.schema.fields.flatMap((f, i) => (q0.length === 0 || (q0.length === 1 && innerR.qualifiers[i]?.toLowerCase() === q0[0].toLowerCase()) ? [i] : []));
        if (innerCols.length > 0 || s.from !== null) {
          for (const i of innerCols) items.push({ expr: ordinal(nl + i, innerR.schema.fields[i].name), name: innerR.schema.fields[i].name });
        } else {
          for (const [i, f] of leftR.schema.fields.entries()) if (q0.length === 0 || leftR.qualifiers[i]?.toLowerCase() === q0[0].toLowerCase()) items.push({ expr: ordinal(i, f.name), name: f.name });
        }
        continue;
      }
      items.push({ expr: pair(it.kind === "alias" ? it.child : it), name: outputName(it) });
    }
    const names = sub.columnAliases ?? items.map((i) => i.name);
    if (names.length !== items.length) throw new AnalysisError(`analysis: the LATERAL subquery has ${items.length} columns but ${names.length} column aliases were given`);
    const outer = joinType === "left" || joinType === "full";
    const valueOf = (e: Expr): Expr => (outer ? node({ kind: "case", operand: null, branches: [{ when: ordinal(nl + ni, "#m"), then: e }], otherwise: null }) : e);
    // ON may name the subquery's columns: they are its items, computed over the pair.
    const onPair = on === null ? null : substituteNames(on, names, items.map((i) => i.expr), sub.alias);
    const where = s.where === null ? null : pair(s.where);
    const conds = [where, onPair].filter((c): c is Expr => c !== null);
    const condition = conds.length === 0 ? null : conds.reduce(andExpr);
    const jt = joinType === "cross" ? "inner" : joinType;
    const joined: LogicalPlan = { kind: "join", left, right: marked, joinType: jt, condition, using: null, natural: false };
    const plan: LogicalPlan = {
      kind: "project",
      child: joined,
      exprs: [...leftR.schema.fields.map((f, i) => ordinal(i, f.name)), ...items.map((it, k) => alias(valueOf(it.expr), names[k]))],
    };
    // The subquery's alias qualifies its own columns only.
    return sub.alias === null ? plan : { kind: "subqueryAlias", child: plan, alias: sub.alias, columns: items.map((_, k) => nl + k) };
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

  // --- subqueries ---------------------------------------------------------------------------

  /**
   * `input` filtered by `cond`, its subqueries rewritten into joins (Spark's RewritePredicateSubquery
   * and correlated scalar subquery rewrite): a top-level `[NOT] EXISTS` / `x [NOT] IN (…)` conjunct
   * is a semi (anti) join; any other subquery adds its value as a hidden column through a left join,
   * dropped after the filter. NOT IN is null-aware: a null on either side keeps no row.
   */
  private filtered(input: LogicalPlan, cond: Expr, ctes: Ctes): LogicalPlan {
    if (!containsSubquery(cond)) return { kind: "filter", child: input, condition: cond };
    const fields = analyzePlan(input).schema.fields;
    let plan = input;
    const rest: Expr[] = [];
    for (const c of exprConjuncts(cond)) {
      const top = c.kind === "unary" && c.op === "not" && c.child.kind === "subquery" && c.child.type !== "scalar" ? { sub: c.child, negate: true } : c.kind === "subquery" && c.type !== "scalar" ? { sub: c, negate: false } : null;
      if (top !== null) {
        plan = this.semiJoin(plan, top.sub, top.sub.negated !== top.negate, ctes);
        continue;
      }
      const attached = this.attachSubqueries(plan, c, ctes);
      plan = attached.plan;
      rest.push(attached.expr);
    }
    if (rest.length > 0) plan = { kind: "filter", child: plan, condition: rest.reduce(andExpr) };
    return { kind: "project", child: plan, exprs: fields.map((f, i) => ordinal(i, f.name)) };
  }

  /**
   * A join whose ON condition holds subqueries (`JOIN s2 ON s1.id = s2.id AND s1.id IN (SELECT …)`):
   * each conjunct's subqueries are computed as hidden columns of the side whose columns they read
   * (left first, else right), as Spark's optimizer pushes them below the join; the join then
   * compares those columns, and a projection drops them.
   */
  private joinOnSubqueries(left: LogicalPlan, right: LogicalPlan, joinType: SqlJoinType, cond: Expr, ctes: Ctes): LogicalPlan {
    const nl = analyzePlan(left).schema.fields.length;
    const nr = analyzePlan(right).schema.fields.length;
    let l = left;
    let r = right;
    const conjuncts: Expr[] = [];
    const onRight: Expr[] = [];
    for (const c of exprConjuncts(cond)) {
      if (!containsSubquery(c)) {
        conjuncts.push(c);
        continue;
      }
      try {
        const a = this.attachSubqueries(l, c, ctes);
        l = a.plan;
        conjuncts.push(a.expr);
      } catch (e) {
        if (!(e instanceof AnalysisError)) throw e;
        const a = this.attachSubqueries(r, c, ctes);
        r = a.plan;
        onRight.push(a.expr);
      }
    }
    const kl = analyzePlan(l).schema.fields.length - nl;
    // A right-side conjunct's hidden columns are numbered within the right input; in the pair they follow the left's.
    const shift = (e: Expr): Expr => (e.kind === "ordinal" ? node({ ...e, ordinal: e.ordinal + nl + kl }) : mapExprChildren(e, shift));
    const condition = [...conjuncts, ...onRight.map(shift)].reduce(andExpr);
    const joined: LogicalPlan = { kind: "join", left: l, right: r, joinType, condition, using: null, natural: false };
    if (joinType === "left_semi" || joinType === "left_anti") {
      return { kind: "project", child: joined, exprs: Array.from({ length: nl }, (_, i) => ordinal(i, analyzePlan(left).schema.fields[i].name)) };
    }
    const out = analyzePlan(joined).schema.fields;
    const keep = [...Array.from({ length: nl }, (_, i) => i), ...Array.from({ length: nr }, (_, i) => nl + kl + i)];
    return { kind: "project", child: joined, exprs: keep.map((i) => ordinal(i, out[i].name)) };
  }

  /** A semi (or anti) join of `outer` with an EXISTS or IN subquery. */
  private semiJoin(outer: LogicalPlan, sub: Extract<Expr, { kind: "subquery" }>, anti: boolean, ctes: Ctes): LogicalPlan {
    const nl = analyzePlan(outer).schema.fields.length;
    const d = this.decorrelate(outer, sub.query, ctes, sub.type === "in" ? "value" : "none");
    const conds = [...d.correlated];
    if (sub.type === "in" && sub.value !== null) {
      const values = sub.value.kind === "call" && sub.value.name === "struct" && d.width > 1 ? sub.value.args.map((a) => (a.kind === "alias" ? a.child : a)) : [sub.value];
      if (values.length !== d.width) throw new AnalysisError(`analysis: IN compares ${values.length} value${values.length === 1 ? "" : "s"} with a subquery of ${d.width} column${d.width === 1 ? "" : "s"}`);
      const eq = values.map((v, i): Expr => node({ kind: "binary", op: "=", left: v, right: ordinal(nl + d.valueAt + i, `#v${i}`) })).reduce(andExpr);
      // NOT IN keeps a row only when it is unequal to every value, none of them null (three-valued logic).
      conds.push(anti ? node({ kind: "binary", op: "or", left: eq, right: node({ kind: "isNull", child: eq, negated: false }) }) : eq);
    }
    const condition = conds.length === 0 ? null : conds.reduce(andExpr);
    return { kind: "join", left: outer, right: d.plan, joinType: anti ? "left_anti" : "left_semi", condition, using: null, natural: false };
  }

  /** `e` with every subquery replaced by a hidden column of `plan` that a left join adds. */
  private attachSubqueries(plan: LogicalPlan, e: Expr, ctes: Ctes, aggregated = false): { plan: LogicalPlan; expr: Expr } {
    let current = plan;
    // In an aggregate query a subquery's value outside aggregate calls is the same for every row
    // of a group (it reads no input column, or only grouping ones): first() takes it.
    let inAggregate = false;
    const walk = (x: Expr): Expr => {
      if (x.kind === "call" && aggregated && isAggregateName(x.name) && !inAggregate) {
        inAggregate = true;
        try {
          return mapExprChildren(x, walk);
        } finally {
          inAggregate = false;
        }
      }
      if (x.kind !== "subquery") return mapExprChildren(x, walk);
      const value = attach(x);
      return aggregated && !inAggregate ? call("first", [value]) : value;
    };
    const attach = (x: Extract<Expr, { kind: "subquery" }>): Expr => {
      const nl = analyzePlan(current).schema.fields.length;
      if (x.type === "scalar") {
        const d = this.decorrelate(current, x.query, ctes, "scalar");
        if (d.width !== 1) throw new AnalysisError(`analysis: a scalar subquery must return one column, this one returns ${d.width}`);
        current = join(current, d.plan, "left", d.correlated);
        const v = ordinal(nl + d.valueAt, "scalarsubquery()");
        return d.countBug ? call("coalesce", [v, literal(0n, LongType())]) : v;
      }
      // EXISTS / IN inside another expression: whether a matching row exists, as a column.
      const d = this.decorrelate(current, x.query, ctes, x.type === "in" ? "existsValue" : "exists");
      const conds = [...d.correlated];
      if (x.type === "in" && x.value !== null) conds.push(node({ kind: "binary", op: "=", left: x.value, right: ordinal(nl + d.valueAt, "#v") }));
      current = join(current, d.plan, "left", conds);
      const bool = (v: boolean | null): Expr => node({ kind: "literal", value: v, dataType: { typeName: v === null ? "null" : "boolean" } as DataType });
      let found = call("coalesce", [ordinal(nl + d.flagAt, "#e"), bool(false)]);
      if (x.type === "in" && x.value !== null && d.correlated.length === 0) {
        // Three-valued IN: no match is NULL (not false) when the value is NULL or the subquery
        // returned a NULL, unless it returned no row at all.
        const statsAt = analyzePlan(current).schema.fields.length;
        const sub = this.query(x.query, ctes);
        const first = analyzePlan(sub).schema.fields[0];
        const stats: LogicalPlan = {
          kind: "aggregate",
          child: sub,
          groupBy: [],
          aggregates: [
            alias(call("count", [literal(1, { typeName: "integer" } as DataType)]), "#n"),
            alias(node({ kind: "call", name: "count", args: [literal(1, { typeName: "integer" } as DataType)], distinct: false, filter: node({ kind: "isNull", negated: false, child: ordinal(0, first.name) }) }), "#nulls"),
          ],
        };
        current = join(current, stats, "left", []);
        const zero = literal(0n, LongType());
        found = node({
          kind: "case",
          operand: null,
          branches: [
            { when: found, then: bool(true) },
            { when: node({ kind: "binary", op: "=", left: ordinal(statsAt, "#n"), right: zero }), then: bool(false) },
            { when: node({ kind: "binary", op: "or", left: node({ kind: "isNull", negated: false, child: x.value }), right: node({ kind: "binary", op: ">", left: ordinal(statsAt + 1, "#nulls"), right: zero }) }), then: bool(null) },
          ],
          otherwise: bool(false),
        });
      }
      return x.negated ? node({ kind: "unary", op: "not", child: found }) : found;
    };
    const expr = walk(e);
    return { plan: current, expr };
  }

  /**
   * Plans a subquery for a join with `outer`. Uncorrelated, it is planned as it is. Correlated (its
   * WHERE has conjuncts naming outer columns), those conjuncts become the join condition and the
   * rest is planned over the subquery's FROM. Every output column is renamed to a hidden name, so
   * nothing it returns shadows an outer column.
   * `mode`: what the join needs from it — "none" (EXISTS / IN as semi joins: its rows, value at
   * `valueAt` for IN), "value" (same), "scalar" (one value per correlation key, aggregated), "exists"
   * / "existsValue" (a flag per key, or per key and value).
   */
  private decorrelate(
    outer: LogicalPlan,
    q: QueryAst,
    ctes: Ctes,
    mode: DecorrelateMode,
  ): Decorrelated {
    this.nested++;
    try {
      return this.decorrelateNested(outer, q, ctes, mode);
    } finally {
      this.nested--;
    }
  }

  private decorrelateNested(
    outer: LogicalPlan,
    q: QueryAst,
    ctes: Ctes,
    mode: DecorrelateMode,
  ): Decorrelated {
    const outerResolved = analyzePlan(outer);
    const nl = outerResolved.schema.fields.length;
    const sel = q.body.kind === "select" && q.ctes.length === 0 && q.orderBy.length === 0 && q.limit === null ? q.body : null;
    const correlated: { conjunct: Expr; outerSide: Expr | null; innerSide: Expr | null }[] = [];
    let innerFrom: LogicalPlan | null = null;
    const local: Expr[] = [];
    if (sel !== null && sel.from !== null && sel.where !== null) {
      innerFrom = this.relation(sel.from, ctes);
      const inner = analyzePlan(innerFrom);
      for (const c of exprConjuncts(sel.where)) {
        if (containsSubquery(c) || bindsIn(c, inner)) local.push(c);
        else correlated.push({ conjunct: c, ...equalitySides(c, inner) });
      }
    }
    const hidden = (plan: LogicalPlan, prefix: string): LogicalPlan => ({
      kind: "project",
      child: plan,
      exprs: analyzePlan(plan).schema.fields.map((f, i) => alias(ordinal(i, f.name), `${prefix}${i}`)),
    });
    if (correlated.length === 0 || innerFrom === null || sel === null) {
      // Uncorrelated.
      const plan = this.query(q, ctes);
      const width = analyzePlan(plan).schema.fields.length;
      if (mode === "exists") {
        const flag: LogicalPlan = { kind: "aggregate", child: plan, groupBy: [], aggregates: [alias(node({ kind: "binary", op: ">", left: call("count", [literal(1, { typeName: "integer" } as DataType)]), right: literal(0n, LongType()) }), "#e0")] };
        return { plan: flag, correlated: [], valueAt: 0, flagAt: 0, width, countBug: false };
      }
      if (mode === "existsValue") {
        const distinct: LogicalPlan = { kind: "aggregate", child: hidden(plan, "#q"), groupBy: [column("#q0")], aggregates: [alias(literal(true, { typeName: "boolean" } as DataType), "#e0")] };
        return { plan: distinct, correlated: [], valueAt: 0, flagAt: 1, width, countBug: false };
      }
      return { plan: hidden(plan, "#q"), correlated: [], valueAt: 0, flagAt: 0, width, countBug: mode === "scalar" && isCountItem(q) };
    }
    if (sel.groupBy !== null || sel.having !== null) {
      // Aggregated per group: the inner sides of the correlation join the grouping columns (so
      // the correlation can be checked above the aggregate), as Spark pulls correlated
      // predicates up through an Aggregate.
      if (correlated.some((c) => c.innerSide === null)) {
        throw new AnalysisError("analysis: a correlated subquery with GROUP BY or HAVING may only correlate through equalities (outer = inner) in its WHERE");
      }
      if (sel.groupBy !== null && sel.groupBy.sets !== null) throw new AnalysisError("analysis: correlated subqueries with GROUPING SETS are not supported");
      const innerSides = correlated.map((c) => c.innerSide as Expr);
      const values = mode === "value" || mode === "scalar" ? sel.items.map((it, i) => alias(it.kind === "alias" ? it.child : it, `#v${i}`)) : [];
      const existsValue = mode === "existsValue" ? [alias(sel.items[0].kind === "alias" ? sel.items[0].child : sel.items[0], "#v0")] : [];
      const synthetic: SelectAst = {
        ...sel,
        where: local.length === 0 ? null : local.reduce(andExpr),
        items: [...values, ...existsValue, ...innerSides.map((e, j) => alias(e, `#k${j}`))],
        groupBy: { exprs: [...(sel.groupBy?.exprs ?? []), ...innerSides], sets: null, all: sel.groupBy?.all === true },
      };
      let plan = this.select(synthetic, [], ctes);
      const width = values.length + existsValue.length;
      const conds = correlated.map((c, j) => node({ kind: "binary", op: "=", left: c.outerSide as Expr, right: ordinal(nl + width + j, `#k${j}`) }) as Expr);
      if (mode === "exists" || mode === "existsValue") {
        // One flag per key (and value), so the left join keeps the outer row count.
        const keyCols = [...existsValue.map((_, i) => ordinal(i, `#v${i}`)), ...innerSides.map((_, j) => ordinal(width + j, `#k${j}`))];
        plan = { kind: "aggregate", child: plan, groupBy: keyCols, aggregates: [alias(literal(true, { typeName: "boolean" } as DataType), "#e0")] };
        const flagAt = keyCols.length;
        return { plan, correlated: conds, valueAt: 0, flagAt, width: Math.max(1, existsValue.length), countBug: false };
      }
      return { plan, correlated: conds, valueAt: 0, flagAt: 0, width: values.length, countBug: mode === "scalar" && isCountItem(q) };
    }
    const innerResolved = analyzePlan(innerFrom);
    let filteredInner: LogicalPlan = local.length === 0 ? innerFrom : this.filtered(innerFrom, local.reduce(andExpr), ctes);
    const items = sel.items;
    if (mode === "none" || mode === "value") {
      // Semi/anti join: the inner rows (hidden names), then IN's value(s).
      const innerWidth = innerResolved.schema.fields.length;
      const values = mode === "value" ? items : [];
      const plan: LogicalPlan = {
        kind: "project",
        child: filteredInner,
        exprs: [...innerResolved.schema.fields.map((f, i) => alias(ordinal(i, f.name), `#q${i}`)), ...values.map((v, i) => alias(v, `#v${i}`))],
      };
      const conds = correlated.map((c) => innerRefsToPair(c.conjunct, innerResolved, nl));
      return { plan, correlated: conds, valueAt: innerWidth, flagAt: 0, width: values.length, countBug: false };
    }
    // Scalar / existence: one row per correlation key, so the left join keeps the outer rows' count.
    if (correlated.some((c) => c.innerSide === null)) {
      throw new AnalysisError("analysis: a correlated scalar subquery may only correlate through equalities (outer = inner) in its WHERE");
    }
    const keys = correlated.map((c, j) => alias(c.innerSide as Expr, `#k${j}`));
    const valueItems: Expr[] = mode === "scalar" ? items.map((it, i) => alias(it, `#s${i}`)) : [alias(literal(true, { typeName: "boolean" } as DataType), "#e0")];
    if (mode === "existsValue") keys.push(alias(items[0], `#k${keys.length}`));
    const aggregates = mode === "scalar" && !items.some(containsAggregateCall) ? null : valueItems;
    filteredInner = aggregates === null
      ? { kind: "project", child: filteredInner, exprs: [...keys, ...valueItems] }
      : { kind: "aggregate", child: filteredInner, groupBy: keys, aggregates };
    const conds: Expr[] = correlated.map((c, j) => node({ kind: "binary", op: "=", left: c.outerSide as Expr, right: ordinal(nl + j, `#k${j}`) }));
    const width = mode === "scalar" ? items.length : 1;
    if (mode === "existsValue") return { plan: filteredInner, correlated: conds, valueAt: correlated.length, flagAt: keys.length, width, countBug: false };
    return { plan: filteredInner, correlated: conds, valueAt: keys.length, flagAt: keys.length, width, countBug: mode === "scalar" && isCountItem(q) };
  }

  // --- SELECT -------------------------------------------------------------------------------

  private select(selIn: SelectAst, orderBy: readonly SortOrderExpr[], ctes: Ctes): LogicalPlan {
    let sel = selIn;
    let input: LogicalPlan = sel.from === null ? oneRow() : this.relation(sel.from, ctes);
    if (sel.where !== null) {
      if (containsAggregateCall(sel.where)) throw new AnalysisError("analysis: aggregate functions are not allowed in WHERE; use HAVING");
      input = this.filtered(input, sel.where, ctes);
    }
    let items = sel.items;
    // Spark 3.x: HAVING without GROUP BY is a global aggregate, unless the legacy setting reads it as WHERE.
    const havingAsWhere = sel.groupBy === null && this.catalog.conf?.("spark.sql.legacy.parser.havingWithoutGroupByAsWhere")?.toLowerCase() === "true";
    const aggregateQuery = sel.groupBy !== null || items.some(containsAggregateCall) || (sel.having !== null && !havingAsWhere);
    if (items.some(containsSubquery) && aggregateQuery) {
      // Subqueries in an aggregate query's select list join in before the aggregation.
      items = items.map((it) => {
        if (!containsSubquery(it)) return it;
        const attached = this.attachSubqueries(input, it.kind === "alias" ? it.child : it, ctes, true);
        input = attached.plan;
        return alias(attached.expr, outputName(it));
      });
      sel = { ...sel, items };
    }
    if (items.some(containsSubquery) && !aggregateQuery) {
      // Subqueries in the select list: their values join in as hidden columns first.
      const before = analyzePlan(input);
      const fields = before.schema.fields;
      const rewritten: Expr[] = [];
      for (const it of items) {
        if (it.kind === "star" && it.qualifier.length === 0) {
          rewritten.push(...fields.flatMap((f, i) => (before.hidden?.[i] === true ? [] : [ordinal(i, f.name)])));
          continue;
        }
        if (!containsSubquery(it)) {
          rewritten.push(it);
          continue;
        }
        const attached = this.attachSubqueries(input, it.kind === "alias" ? it.child : it, ctes);
        input = attached.plan;
        rewritten.push(alias(attached.expr, outputName(it)));
      }
      items = rewritten;
      sel = { ...sel, items };
    }
    const resolvedInput = analyzePlan(input);
    if (aggregateQuery) return this.aggregateSelect(sel, orderBy, input, resolvedInput, ctes);
    if (sel.having !== null) {
      if (containsAggregateCall(sel.having)) throw new AnalysisError("analysis: aggregate functions are not allowed in a HAVING read as WHERE (spark.sql.legacy.parser.havingWithoutGroupByAsWhere)");
      input = this.filtered(input, sel.having, ctes);
    }
    const named = new Map(sel.windows.map((w) => [w.name.toLowerCase(), w.spec]));
    const windowed = selectWithWindows(input, sel.items, named);
    if (windowed !== null) {
      const plan: LogicalPlan = sel.distinct ? { kind: "deduplicate", child: windowed, keys: null } : windowed;
      if (orderBy.length === 0) return plan;
      const out = analyzePlan(plan);
      const onOutput = orderBy.map((o) => orderOnOutput(o, out));
      if (sel.distinct || windowed.kind !== "project" || onOutput.every((o) => o !== null)) return sortByOutput(plan, orderBy);
      // ORDER BY a column the select list dropped: as Spark's ResolveMissingReferences, the key is
      // computed from the window node's input beside the select list and dropped after the sort.
      const width = out.schema.fields.length;
      const withKeys: LogicalPlan = { kind: "project", child: windowed.child, exprs: [...windowed.exprs, ...orderBy.map((o, k) => alias(o.child, `#o${k}`))] };
      const orders = orderBy.map((o, k) => onOutput[k] ?? node({ ...o, child: ordinal(width + k, `#o${k}`) }));
      return { kind: "project", child: { kind: "sort", child: withKeys, orders }, exprs: out.schema.fields.map((f, i) => ordinal(i, f.name)) };
    }
    let plan: LogicalPlan = selectWithGenerator(input, sel.items) ?? { kind: "project", child: input, exprs: sel.items };
    if (sel.distinct) plan = { kind: "deduplicate", child: plan, keys: null };
    if (orderBy.length === 0) return plan;
    const out = analyzePlan(plan);
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

  private aggregateSelect(sel: SelectAst, orderBy: readonly SortOrderExpr[], input: LogicalPlan, resolvedInput: ResolvedPlan, ctes: Ctes): LogicalPlan {
    const items = sel.items;
    if (items.some(containsWindow)) throw new AnalysisError("analysis: window functions over an aggregation (in an aggregate query's SELECT) are not supported yet; aggregate in a subquery first");
    for (const it of items) if (it.kind === "star") throw new AnalysisError("analysis: '*' is not allowed in the select list of an aggregate query");
    const inputNames = new Set(resolvedInput.schema.fields.map((f) => f.name.toLowerCase()));
    const groupExprs = groupingExpressions(sel.groupBy, items, inputNames);
    const keyOf = (e: Expr): string => boundKey(e, resolvedInput);
    const groupKeys = groupExprs.map(keyOf);
    const groupTypes = groupExprs.map((g) => bindExpr(g, resolvedInput.schema, scopeOf(resolvedInput)).dataType);
    const sets = sel.groupBy?.sets ?? [groupExprs.map((_, i) => i)];
    const hasSets = sel.groupBy !== null && sel.groupBy.sets !== null;
    const names = items.map((it) => outputName(it));

    // Rewrites over the aggregate's output: grouping expressions → #g<i>; grouping()/grouping_id()
    // → constants of the set; aggregate calls stay (they read the input).
    const rewrite = (e: Expr, set: readonly number[]): Expr => {
      if (e.kind === "column" && e.parts.length === 1 && e.parts[0].toLowerCase() === "grouping__id" && !inputNames.has("grouping__id")) {
        // Hive's virtual column: grouping_id() over every grouping expression.
        return groupingCall(node({ kind: "call", name: "grouping_id", args: [], distinct: false }), set, groupKeys, keyOf);
      }
      const k = groupKeys.indexOf(keyOf(e));
      if (k >= 0 && !containsAggregateCall(e)) return isSessionWindowCall(groupExprs[k]) ? groupExprs[k] : column(`#g${k}`);
      const w = windowReference(e);
      if (w !== null) return w;
      if (e.kind === "call" && (e.name === "grouping" || e.name === "grouping_id")) return groupingCall(e, set, groupKeys, keyOf, hasSets);
      if (e.kind === "call" && isAggregateName(e.name)) return e;
      return mapExprChildren(e, (c) => rewrite(c, set));
    };
    // `window` / `window.start` (and `session_window…`) name a grouping window's column, as in
    // Spark's example `SELECT window.start, count(*) FROM t GROUP BY window(ts, '5 minutes')`.
    const windowKey = groupExprs.findIndex(isTimeWindowCall);
    const sessionKey = groupExprs.findIndex(isSessionWindowCall);
    const windowReference = (e: Expr): Expr | null => {
      if (e.kind !== "column") return null;
      const name = e.parts[0].toLowerCase();
      const k = name === TIME_WINDOW_COLUMN ? windowKey : name === SESSION_WINDOW_COLUMN ? sessionKey : -1;
      if (k < 0 || inputNames.has(name)) return null;
      if (k !== sessionKey) return node({ kind: "column", parts: [`#g${k}`, ...e.parts.slice(1)] });
      // A session window is a call in the aggregation's grouping (see below): read its fields off it.
      return e.parts.slice(1).reduce<Expr>((base, field) => node({ kind: "call", name: "get_field", args: [base, stringLiteral(field)], distinct: false }), groupExprs[k]);
    };
    const stripped = items.map((it) => (it.kind === "alias" ? it.child : it));
    const extras: Expr[] = [];
    // HAVING / ORDER BY: select aliases and aggregate calls → the aggregate's output columns.
    const overOutput = (e: Expr, set: readonly number[]): Expr => {
      if (e.kind === "column" && e.parts.length === 1 && e.parts[0].toLowerCase() === "grouping__id" && !inputNames.has("grouping__id")) {
        return groupingCall(node({ kind: "call", name: "grouping_id", args: [], distinct: false }), set, groupKeys, keyOf);
      }
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
      if (e.kind === "call" && (e.name === "grouping" || e.name === "grouping_id")) return groupingCall(e, set, groupKeys, keyOf, hasSets);
      return mapExprChildren(e, (c) => overOutput(c, set));
    };
    const orderKeys = orderBy.map((o) => o.child);
    const perSet = sets.map((set) => {
      const having = sel.having === null ? null : overOutput(sel.having, set);
      const orders = orderKeys.map((o) => {
        const pos = positional(o, items.length, "spark.sql.orderByOrdinal");
        return pos !== null ? column(`#s${pos}`) : overOutput(o, set);
      });
      // A session window is merged by the aggregation itself, so it stays a call in its grouping.
      const session = (i: number): boolean => isSessionWindowCall(groupExprs[i]) && set.includes(i);
      const pre: LogicalPlan = {
        kind: "project",
        child: input,
        exprs: [
          node({ kind: "star", qualifier: [] }),
          ...groupExprs.flatMap((g, i) => (session(i) ? [] : [alias(set.includes(i) ? g : node({ kind: "cast", to: groupTypes[i], child: nullLiteral() }), `#g${i}`)])),
        ],
      };
      const aggregates = [...stripped.map((s, j) => alias(rewrite(s, set), `#s${j}`)), ...extras.map((x, k) => alias(rewrite(x, set), `#x${k}`))];
      const groupBy = groupExprs.map((g, i) => (session(i) ? alias(g, `#g${i}`) : column(`#g${i}`)));
      let plan: LogicalPlan = { kind: "aggregate", child: pre, groupBy, aggregates };
      if (having !== null) plan = this.filtered(plan, having, ctes);
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

/** Spark's non-deterministic functions (`Nondeterministic` expressions) anywhere in `e`. */
const NONDETERMINISTIC = new Set(["rand", "random", "randn", "uuid", "shuffle", "monotonically_increasing_id", "spark_partition_id", "input_file_name", "input_file_block_start", "input_file_block_length"]);

/** Whether `e` reads a column (a pivot value must not). */
function readsColumns(e: Expr): boolean {
  return e.kind === "column" || exprChildren(e).some(readsColumns);
}

function isNondeterministic(e: Expr): boolean {
  if (e.kind === "call" && NONDETERMINISTIC.has(e.name.toLowerCase())) return true;
  return exprChildren(e).some(isNondeterministic);
}

/**
 * `left [, | [INNER|CROSS|LEFT] JOIN] LATERAL gen(args) [alias(cols)] [ON cond]`: the generator
 * run over each row of `left` (its arguments name `left`'s columns), as a LATERAL VIEW is; ON
 * filters the pairs. A LEFT join keeps a row its generator gives nothing for, with nulls (an
 * outer generator); with an ON condition as well, Spark's join semantics would need the rows
 * the condition rejects, which a generator cannot tell, so that form is refused.
 */
function lateralGenerator(left: LogicalPlan, fn: Extract<RelationAst, { kind: "function" }>, joinType: SqlJoinType, on: Expr | null, usingOrNatural: boolean): LogicalPlan {
  const gen = generatorOf(fn.name);
  if (gen === undefined) throw new AnalysisError(`analysis: LATERAL ${fn.name}(…) is not a generator; LATERAL takes a subquery or explode, posexplode, inline, stack, json_tuple …`);
  if (usingOrNatural) throw new AnalysisError("analysis: USING and NATURAL joins with a LATERAL table function are not supported");
  if (joinType !== "inner" && joinType !== "cross" && joinType !== "left") {
    throw new AnalysisError(`analysis: ${joinType.toUpperCase()} JOIN LATERAL ${fn.name}(…) is not supported; use an inner or a left join`);
  }
  if (joinType === "left" && on !== null) {
    throw new AnalysisError(`analysis: LEFT JOIN LATERAL ${fn.name}(…) with an ON condition is not supported yet; filter the generated rows in a LATERAL subquery instead`);
  }
  const generated: LogicalPlan = {
    kind: "generate",
    child: left,
    generator: fn.name,
    args: fn.args,
    outer: gen.outer || joinType === "left",
    aliases: fn.columnAliases,
    qualifier: fn.alias,
  };
  return on === null ? generated : { kind: "filter", child: generated, condition: on };
}

/** `e` with bare names (or `alias.name`) of a lateral subquery's columns replaced by their expressions. */
function substituteNames(e: Expr, names: readonly string[], exprs: readonly Expr[], qualifier: string | null): Expr {
  if (e.kind === "column") {
    const p = e.parts;
    const name = p.length === 1 ? p[0] : p.length === 2 && qualifier !== null && p[0].toLowerCase() === qualifier.toLowerCase() ? p[1] : null;
    const i = name === null ? -1 : names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (i >= 0) return exprs[i];
    return e;
  }
  return mapExprChildren(e, (c) => substituteNames(c, names, exprs, qualifier));
}

/**
 * PIVOT's aggregates for one pivot value, in SQL and in `groupBy().pivot()`: each aggregate over
 * the rows where `cond` holds, named `valueName` when there is one aggregate, else
 * `valueName_aggregateName`.
 */
export function pivotValueAggregates(aggregates: readonly Expr[], cond: Expr, valueName: string): Expr[] {
  return aggregates.map((a) => {
    const body = a.kind === "alias" ? a.child : a;
    const name = aggregates.length === 1 ? valueName : `${valueName}_${a.kind === "alias" ? a.name : outputName(body)}`;
    return alias(withAggregateFilter(body, cond), name);
  });
}

/** `e` with `cond` added to the FILTER of every aggregate call in it; names may come in any case (`agg({ x: "SUM" })`). */
function withAggregateFilter(e: Expr, cond: Expr): Expr {
  if (e.kind === "call" && isAggregateName(e.name.toLowerCase())) {
    const filter = e.filter === undefined ? cond : andExpr(e.filter, cond);
    return node({ ...e, filter });
  }
  return mapExprChildren(e, (c) => withAggregateFilter(c, cond));
}

/**
 * UNPIVOT as Spark plans it: the columns not unpivoted, then one row per IN entry with its name
 * (alias, else the column names joined by `_`) and its value(s), through `stack`; rows whose values
 * are all null are dropped unless INCLUDE NULLS.
 */
function unpivot(child: LogicalPlan, r: Extract<RelationAst, { kind: "unpivot" }>): LogicalPlan {
  const input = analyzePlan(child);
  const k = r.valueColumns.length;
  const used = new Set<number>();
  const args: Expr[] = [literal(r.columns.length, { typeName: "integer" } as DataType)];
  for (const entry of r.columns) {
    if (entry.names.length !== k) throw new AnalysisError(`analysis: UNPIVOT: an IN entry has ${entry.names.length} columns for ${k} value columns`);
    const name = entry.alias ?? entry.names.map((n) => n[n.length - 1]).join("_");
    args.push(node({ kind: "literal", value: name, dataType: { typeName: "string" } as DataType }));
    for (const parts of entry.names) {
      const b = bindExpr(node({ kind: "column", parts }), input.schema, scopeOf(input));
      if (b.kind === "ref") used.add(b.ordinal);
      args.push(node({ kind: "column", parts }));
    }
  }
  const width = input.schema.fields.length;
  const generated: LogicalPlan = { kind: "generate", child, generator: "stack", args, outer: false, aliases: [r.nameColumn, ...r.valueColumns], qualifier: null };
  let plan: LogicalPlan = {
    kind: "project",
    child: generated,
    exprs: [...input.schema.fields.flatMap((f, i) => (used.has(i) ? [] : [ordinal(i, f.name)])), ...[r.nameColumn, ...r.valueColumns].map((n, j) => ordinal(width + j, n))],
  };
  if (!r.includeNulls) {
    const anyValue = r.valueColumns.map((c): Expr => node({ kind: "isNull", negated: true, child: node({ kind: "column", parts: [c] }) })).reduce((a, b) => node({ kind: "binary", op: "or", left: a, right: b }));
    plan = { kind: "filter", child: plan, condition: anyValue };
  }
  return plan;
}

/** GROUP BY's expressions: ordinals and select aliases resolved; `GROUP BY ALL` → the non-aggregate items. */
function groupingExpressions(groupBy: GroupByAst | null, items: readonly Expr[], inputNames: ReadonlySet<string>): Expr[] {
  if (groupBy === null) return [];
  const strip = (e: Expr): Expr => (e.kind === "alias" ? e.child : e);
  if (groupBy.all) return items.filter((e) => !containsAggregateCall(e)).map(strip);
  return groupBy.exprs.map((g) => {
    const pos = positional(g, items.length, "spark.sql.groupByOrdinal");
    if (pos !== null) {
      if (containsAggregateCall(items[pos])) throw new AnalysisError(`analysis: GROUP BY position ${pos + 1} refers to an aggregate function (${outputName(items[pos])})`);
      return strip(items[pos]);
    }
    // spark.sql.groupByAliases (on by default): a name that is no input column may be a select alias.
    const byAlias = sessionSetting("spark.sql.groupByAliases")?.trim().toLowerCase() !== "false";
    if (byAlias && g.kind === "column" && g.parts.length === 1 && !inputNames.has(g.parts[0].toLowerCase())) {
      const hit = items.find((it) => it.kind === "alias" && it.name.toLowerCase() === g.parts[0].toLowerCase());
      if (hit !== undefined) return strip(hit);
    }
    if (containsAggregateCall(g)) throw new AnalysisError(`analysis: aggregate functions are not allowed in GROUP BY: ${outputName(g)}`);
    return g;
  });
}

/** `grouping(col)` (1 when col is aggregated away in this set) and `grouping_id(cols…)` (the bits). */
function groupingCall(e: Extract<Expr, { kind: "call" }>, set: readonly number[], groupKeys: readonly string[], keyOf: (e: Expr) => string, sets = true): Expr {
  if (!sets) throw new AnalysisError(`analysis: ${e.name}() can only be used with GROUPING SETS, CUBE or ROLLUP`);
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
  const pos = positional(o.child, out.schema.fields.length, "spark.sql.orderByOrdinal");
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
function positional(e: Expr, width: number, setting: "spark.sql.groupByOrdinal" | "spark.sql.orderByOrdinal"): number | null {
  if (e.kind !== "literal" || (e.dataType.typeName !== "integer" && e.dataType.typeName !== "long")) return null;
  // With the setting off (Spark's default is on), an integer is a constant like any other.
  if (sessionSetting(setting)?.trim().toLowerCase() === "false") return null;
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

/** A constant integer argument (LIMIT, range): a literal, possibly negated, cast or combined by + - * /. */
function constantInt(e: Expr, what: string): number {
  if (e.kind === "binary" && (e.op === "+" || e.op === "-" || e.op === "*" || e.op === "div")) {
    const l = constantInt(e.left, what);
    const r = constantInt(e.right, what);
    return e.op === "+" ? l + r : e.op === "-" ? l - r : e.op === "*" ? l * r : Math.trunc(l / r);
  }
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

function literal(value: number | bigint | boolean, dataType: DataType): LiteralExpr {
  return node({ kind: "literal", value, dataType });
}

function nullLiteral(): LiteralExpr {
  return node({ kind: "literal", value: null, dataType: { typeName: "null" } as DataType });
}

/** The conjuncts of `e` (split at top-level AND). */
function exprConjuncts(e: Expr, out: Expr[] = []): Expr[] {
  if (e.kind === "binary" && e.op === "and") {
    exprConjuncts(e.left, out);
    exprConjuncts(e.right, out);
  } else {
    out.push(e);
  }
  return out;
}

/** Whether `e` holds a subquery anywhere. */
function containsSubquery(e: Expr): boolean {
  return e.kind === "subquery" || exprChildren(e).some(containsSubquery);
}

/** Whether `e` resolves against `p`'s output alone. */
function bindsIn(e: Expr, p: ResolvedPlan): boolean {
  try {
    bindExpr(e, p.schema, scopeOf(p));
    return true;
  } catch (err) {
    if (err instanceof AnalysisError) return false;
    throw err;
  }
}

/** For a correlated `a = b`: the side that reads outer columns and the side that reads inner ones. */
function equalitySides(c: Expr, inner: ResolvedPlan): { outerSide: Expr | null; innerSide: Expr | null } {
  if (c.kind !== "binary" || (c.op !== "=" && c.op !== "<=>")) return { outerSide: null, innerSide: null };
  if (bindsIn(c.right, inner) && !bindsIn(c.left, inner)) return { outerSide: c.left, innerSide: c.right };
  if (bindsIn(c.left, inner) && !bindsIn(c.right, inner)) return { outerSide: c.right, innerSide: c.left };
  return { outerSide: null, innerSide: null };
}

/**
 * A correlated conjunct over the pair (outer columns, then the subquery's hidden columns): each
 * column that resolves in the subquery becomes a positional reference into its side (inner names
 * win, as Spark resolves them), the rest stay names of the outer query.
 */
function innerRefsToPair(e: Expr, inner: ResolvedPlan, nl: number): Expr {
  if (e.kind === "column") {
    try {
      const b = bindExpr(e, inner.schema, scopeOf(inner));
      if (b.kind === "ref") return ordinal(nl + b.ordinal, b.name);
      if (b.kind === "field") {
        // A struct field: rebuild the access over the positional root.
        const path: string[] = [];
        let x: BoundExpr = b;
        while (x.kind === "field") {
          path.unshift(x.name);
          x = x.child;
        }
        if (x.kind === "ref") {
          const root = x;
          return path.reduce<Expr>((acc, f) => call("get_field", [acc, node({ kind: "literal", value: f, dataType: { typeName: "string" } as DataType })]), ordinal(nl + root.ordinal, root.name));
        }
      }
    } catch (err) {
      if (!(err instanceof AnalysisError)) throw err;
    }
    return e;
  }
  return mapExprChildren(e, (c) => innerRefsToPair(c, inner, nl));
}

function join(left: LogicalPlan, right: LogicalPlan, joinType: "left", conds: readonly Expr[]): LogicalPlan {
  const condition = conds.length === 0 ? null : conds.reduce(andExpr);
  return { kind: "join", left, right, joinType, condition, using: null, natural: false };
}

/** Whether a scalar subquery's value is a bare count (Spark's "count bug": no rows gives 0, not null). */
function isCountItem(q: QueryAst): boolean {
  if (q.body.kind !== "select" || q.body.items.length !== 1) return false;
  const it = q.body.items[0];
  const e = it.kind === "alias" ? it.child : it;
  return e.kind === "call" && (e.name === "count" || e.name === "count_if");
}

/** A string literal expression. */
function stringLiteral(value: string): Expr {
  return node({ kind: "literal", value, dataType: StringType() });
}
