/**
 * The key of an update-mode result: which output columns identify a row that a later batch may
 * emit again with new values. A sink that merges (Delta's update mode) upserts by these columns.
 */
import type { ResolvedPlan } from "./analyze.js";

/**
 * What identifies the rows `plan` emits in update mode:
 * - `{ kind: "keys", columns }`: the plan ends in a streaming aggregation and every grouping column
 *   reaches the output unchanged (possibly renamed); `columns` are their output names, in grouping
 *   order. A row with the same key values replaces the earlier one.
 * - `{ kind: "appendOnly" }`: no aggregation, so no row is ever emitted twice (update behaves as append).
 * - `{ kind: "unknown", reason }`: an aggregation whose grouping columns do not all reach the output
 *   (dropped or computed over), so rows cannot be matched to earlier ones.
 */
export type UpdateKeys =
  | { readonly kind: "keys"; readonly columns: readonly string[] }
  | { readonly kind: "appendOnly" }
  | { readonly kind: "unknown"; readonly reason: string };

/** Finds the update key of `plan` (see {@link UpdateKeys}). */
export function updateKeys(plan: ResolvedPlan): UpdateKeys {
  const r = keyOrdinals(plan);
  if (r === "appendOnly") return { kind: "appendOnly" };
  if (typeof r === "string") return { kind: "unknown", reason: r };
  const names = plan.schema.fields.map((f) => f.name);
  const columns: string[] = [];
  for (let k = 0; k < r.groupCount; k++) {
    const ordinal = r.ordinals.indexOf(k);
    if (ordinal < 0) return { kind: "unknown", reason: `grouping column ${k + 1} is not in the output` };
    columns.push(names[ordinal]);
  }
  return { kind: "keys", columns };
}

/** Per output column, the grouping-key index it carries (or -1), and how many keys there are. */
interface KeyMap {
  readonly ordinals: readonly number[];
  readonly groupCount: number;
}

function keyOrdinals(plan: ResolvedPlan): KeyMap | "appendOnly" | string {
  switch (plan.kind) {
    case "aggregate": {
      const g = plan.groupExprs.length;
      if (plan.post === null) return { ordinals: plan.schema.fields.map((_, i) => (i < g ? i : -1)), groupCount: g };
      return { ordinals: plan.post.map((e) => (e.kind === "ref" && e.ordinal < g ? e.ordinal : -1)), groupCount: g };
    }
    case "project": {
      const child = keyOrdinals(plan.child);
      if (typeof child === "string") return child;
      return { ordinals: plan.exprs.map((e) => (e.kind === "ref" ? (child.ordinals[e.ordinal] ?? -1) : -1)), groupCount: child.groupCount };
    }
    case "filter":
    case "expect":
    case "observe":
    case "sort":
    case "limit":
    case "offset":
    case "repartition":
    case "watermark":
    case "sample":
      return keyOrdinals(plan.child);
    case "generate":
      return keyOrdinals(plan.child) === "appendOnly" ? "appendOnly" : "a generator after an aggregation has no single key";
    case "window":
      return "a window function has no single key";
    case "applyWithState":
      return "applyWithState's output has no key to merge by";
    case "union":
      return plan.children.some((c) => keyOrdinals(c) !== "appendOnly") ? "a union over an aggregation has no single key" : "appendOnly";
    case "deduplicate":
      return keyOrdinals(plan.child) === "appendOnly" ? "appendOnly" : "deduplication after an aggregation has no single key";
    case "source":
    case "localRelation":
    case "deferred":
      return "appendOnly";
    case "join":
      // A stream–static join of an append-only stream is append-only; joins after aggregations are refused earlier.
      return keyOrdinals(plan.left) === "appendOnly" && keyOrdinals(plan.right) === "appendOnly" ? "appendOnly" : "a join over an aggregation has no single key";
  }
}
