/**
 * A select list with a generator item (`explode(a) AS x`; Spark allows one generator per SELECT)
 * becomes a `generate` node under a projection that puts the generator's columns where the item
 * stood, as Spark's analyzer rewrites it.
 */
import { AnalysisError } from "../errors.js";
import { exprChildren, node, type Expr } from "../sql/expression.js";
import type { LogicalPlan } from "./logical.js";
import { analyzePlan } from "./analyze.js";
import { generatorOf } from "./generators.js";

/**
 * The plan for `SELECT items FROM child` when an item is a generator; null when none is.
 * @throws AnalysisError for two generators, or a generator nested inside another expression.
 */
export function selectWithGenerator(child: LogicalPlan, items: readonly Expr[]): LogicalPlan | null {
  for (const e of items) {
    const nested = generatorCall(e) === null ? nestedGenerator(e) : null;
    if (nested !== null) throw new AnalysisError(`analysis: the generator ${nested}() must be a whole SELECT item, not nested in an expression`);
  }
  const at = items.findIndex((e) => generatorCall(e) !== null);
  if (at < 0) return null;
  if (items.some((e, i) => i !== at && generatorCall(e) !== null)) throw new AnalysisError("analysis: only one generator is allowed per SELECT clause");
  const item = items[at];
  const call = generatorCall(item) as { name: string; args: readonly Expr[] };
  const generate: LogicalPlan = {
    kind: "generate",
    child,
    generator: call.name,
    args: call.args,
    outer: false,
    aliases: item.kind === "alias" ? [item.name] : null,
    qualifier: null,
  };
  const resolved = analyzePlan(generate);
  const width = resolved.schema.fields.length;
  const childWidth = width - (resolved.kind === "generate" ? resolved.generator.fields.length : 0);
  const generated: Expr[] = [];
  for (let i = childWidth; i < width; i++) generated.push(node({ kind: "ordinal", ordinal: i, name: resolved.schema.fields[i].name }));
  return { kind: "project", child: generate, exprs: [...items.slice(0, at), ...generated, ...items.slice(at + 1)] };
}

/** The generator call an item is (possibly aliased), or null. */
export function generatorCall(e: Expr): { name: string; args: readonly Expr[] } | null {
  const inner = e.kind === "alias" ? e.child : e;
  if (inner.kind === "call" && generatorOf(inner.name) !== undefined) return { name: inner.name.toLowerCase(), args: inner.args };
  return null;
}

function nestedGenerator(e: Expr): string | null {
  if (e.kind === "call" && generatorOf(e.name) !== undefined) return e.name;
  for (const c of exprChildren(e)) {
    const n = nestedGenerator(c);
    if (n !== null) return n;
  }
  return null;
}
