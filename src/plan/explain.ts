/**
 * `explain()`: the analysed plan as an indented tree, one operator per line, Spark-like. A
 * `df.alias(name)` shows as `SubqueryAlias name` above the aliased operator; the extended form
 * lists output columns with their qualifier (`s.id: bigint`).
 */
import type { ResolvedPlan } from "./analyze.js";
import { childrenOfResolved } from "./analyze.js";
import type { BoundExpr } from "./expressions/bound.js";
import { simpleString } from "../types/print-schema.js";

export function explainString(plan: ResolvedPlan, extended = false): string {
  const lines: string[] = [extended ? "== Analyzed Logical Plan ==" : "== Physical Plan =="];
  const indent = (depth: number): string => (depth === 0 ? "" : `${"   ".repeat(depth - 1)}+- `);
  const visit = (p: ResolvedPlan, depth: number) => {
    // `df.alias(name)` is recorded on the aliased node; shown as Spark's SubqueryAlias above it.
    let d = depth;
    for (let k = p.aliases.length - 1; k >= 0; k--) lines.push(`${indent(d++)}SubqueryAlias ${p.aliases[k]}`);
    let line = `${indent(d)}${describe(p)}`;
    if (extended) {
      const names = p.schema.fields.map((f, i) => {
        const q = p.qualifiers[i];
        return `${q === null ? "" : `${q}.`}${f.name}: ${simpleString(f.dataType)}`;
      });
      line += `  [${names.join(", ")}]`;
    }
    lines.push(line);
    for (const c of childrenOfResolved(p)) visit(c, d + 1);
  };
  visit(plan, 0);
  return lines.join("\n") + "\n";
}

function describe(p: ResolvedPlan): string {
  const exprs = (es: readonly BoundExpr[]) => es.map((e) => boundSql(e)).join(", ");
  switch (p.kind) {
    case "source":
      return `${p.isStreaming ? "StreamingRelation" : "Relation"} ${p.node.format}${p.node.path === null ? "" : ` [${p.node.path}]`} [${p.schema.fields.map((f) => f.name).join(", ")}]`;
    case "localRelation":
      return `LocalRelation [${p.schema.fields.map((f) => f.name).join(", ")}], ${p.batches.reduce((n, b) => n + b.numRows, 0)} rows`;
    case "project":
      return `Project [${p.exprs.map((e, i) => `${boundSql(e)} AS ${p.schema.fields[i].name}`).join(", ")}]`;
    case "filter":
      return `Filter ${boundSql(p.condition)}`;
    case "observe":
      return `CollectMetrics ${p.name}, [${p.aggregate.schema.fields.map((f) => f.name).join(", ")}]`;
    case "expect":
      return `Expect [${p.expectations.map((x) => `${x.name} ${x.action.toUpperCase()} ${boundSql(x.condition)}`).join(", ")}]`;
    case "deduplicate":
      return `${p.withinWatermark ? "DeduplicateWithinWatermark" : "Deduplicate"} [${p.keyOrdinals.map((i) => p.schema.fields[i].name).join(", ")}]${p.isStreaming ? " (stateful)" : ""}`;
    case "aggregate":
      return `Aggregate [${exprs(p.groupExprs)}], [${[...p.groupNames, ...p.aggregates.map((a) => a.name)].join(", ")}]${p.isStreaming ? " (stateful)" : ""}`;
    case "union":
      return "Union";
    case "sort":
      return `Sort [${p.orders.map((o) => `${boundSql(o.expr)} ${o.ascending ? "ASC" : "DESC"} NULLS ${o.nullsFirst ? "FIRST" : "LAST"}`).join(", ")}]`;
    case "limit":
      return `Limit ${p.n}`;
    case "deferred":
      return `Command ${p.description}`;
    case "offset":
      return `Offset ${p.n}`;
    case "repartition":
      return `Repartition ${p.n}`;
    case "applyWithState":
      return `FlatMapGroupsWithState [${exprs(p.groupExprs)}], ${p.funcOutputMode}, ${p.timeout}${p.isStreaming ? " (stateful)" : ""}`;
    case "watermark":
      return `EventTimeWatermark ${p.schema.fields[p.eventTime.ordinal].name}, ${p.delayText}`;
    case "sample":
      return `Sample ${p.fraction}, ${p.withReplacement ? "with" : "without"} replacement, seed ${p.seed}`;
    case "window":
      return `Window [${p.functions.map((f, i) => `${f.kind === "aggregate" && f.aggregate !== null ? boundSql(f.aggregate) : f.kind}(…) AS ${p.schema.fields[p.child.schema.fields.length + i].name}`).join(", ")}]`;
    case "generate":
      return `Generate ${p.generator.kind}${p.generator.outer ? " outer" : ""}(${p.generator.args.map(boundSql).join(", ")}), [${p.generator.fields.map((f) => f.name).join(", ")}]`;
    case "join": {
      const keys = p.leftKeys.map((k, i) => `${boundSql(k)} ${p.nullSafe[i] ? "<=>" : "="} ${boundSql(p.rightKeys[i])}`);
      const cond = [...keys, ...(p.residual === null ? [] : [boundSql(p.residual)])];
      return `Join ${p.joinType.replace("_", " ").toUpperCase()}${cond.length === 0 ? "" : `, ${cond.join(" AND ")}`}`;
    }
  }
}

/** A bound expression as SQL-like text, for plans. */
export function boundSql(e: BoundExpr): string {
  switch (e.kind) {
    case "ref":
      return e.name;
    case "field":
      return `${boundSql(e.child)}.${e.name}`;
    case "literal":
      return e.value === null ? "NULL" : typeof e.value === "string" ? `'${e.value}'` : e.value instanceof Uint8Array ? "X'..'" : String(e.value);
    case "cast":
      return `CAST(${boundSql(e.child)} AS ${simpleString(e.dataType)})`;
    case "unary":
      return e.op === "not" ? `(NOT ${boundSql(e.child)})` : e.op === "negate" ? `(- ${boundSql(e.child)})` : `(~ ${boundSql(e.child)})`;
    case "binary":
      return `(${boundSql(e.left)} ${e.op.toUpperCase()} ${boundSql(e.right)})`;
    case "isNull":
      return `(${boundSql(e.child)} IS ${e.negated ? "NOT " : ""}NULL)`;
    case "in":
      return `(${boundSql(e.child)} ${e.negated ? "NOT " : ""}IN (${e.list.map(boundSql).join(", ")}))`;
    case "like":
      return `(${boundSql(e.child)} ${e.negated ? "NOT " : ""}${e.regex ? "RLIKE" : "LIKE"} ${boundSql(e.pattern)})`;
    case "case":
      return `CASE ${e.branches.map((b) => `WHEN ${boundSql(b.when)} THEN ${boundSql(b.then)}`).join(" ")}${e.otherwise === null ? "" : ` ELSE ${boundSql(e.otherwise)}`} END`;
    case "call":
      return `${e.fn.prettyName}(${e.args.map(boundSql).join(", ")})`;
    case "aggregate":
      return `${e.name}(${e.distinct ? "DISTINCT " : ""}${e.args.length === 0 ? "1" : e.args.map(boundSql).join(", ")})`;
    case "lambda":
      return `lambdafunction(${[boundSql(e.body), ...e.params.map(boundSql)].join(", ")})`;
    case "lambdaVar":
      return `lambda ${e.name}#${e.id}`;
  }
}
