/**
 * The scalar function registry: for each SQL function name, how many arguments it takes, which
 * implicit casts its arguments get (Spark's `ImplicitTypeCasts` / `FunctionArgumentConversion`) and
 * its result type. The definitions live by category in `functions/`; the evaluator implements each
 * canonical name in `exec/eval/functions/`.
 *
 * Aggregate functions are not here: the binder handles them (see `AGGREGATE_FUNCTIONS`).
 */
import { InternalError } from "../../errors.js";
import type { FunctionDef } from "./functions/define.js";
import { COLLECTION_FUNCTIONS } from "./functions/collection.js";
import { CONDITIONAL_FUNCTIONS } from "./functions/conditional.js";
import { CSV_FUNCTIONS } from "./functions/csv.js";
import { DATE_FUNCTIONS } from "./functions/date.js";
import { DATETIME_FUNCTIONS } from "./functions/datetime.js";
import { HASH_FUNCTIONS } from "./functions/hash.js";
import { HIGHER_ORDER_FUNCTIONS } from "./functions/higher-order.js";
import { INTERVAL_FUNCTIONS } from "./functions/interval.js";
import { JSON_FUNCTIONS } from "./functions/json.js";
import { MATH_FUNCTIONS } from "./functions/math.js";
import { MISC_FUNCTIONS } from "./functions/misc.js";
import { STRING_FUNCTIONS } from "./functions/string.js";

export type { FunctionDef, ResolveContext, ResolvedCall } from "./functions/define.js";
export { argTypeError } from "./functions/define.js";

/** Aggregate function names the binder accepts (spelling → canonical). */
export const AGGREGATE_FUNCTIONS: Readonly<Record<string, string>> = Object.freeze({
  count: "count",
  sum: "sum",
  avg: "avg",
  mean: "avg",
  min: "min",
  max: "max",
  first: "first",
  first_value: "first",
  any_value: "first",
  last: "last",
  last_value: "last",
  count_distinct: "count_distinct",
  countdistinct: "count_distinct",
  approx_count_distinct: "approx_count_distinct",
  collect_list: "collect_list",
  array_agg: "collect_list",
  collect_set: "collect_set",
  // Boolean aggregates: false < true, so "all true" is the minimum and "any true" the maximum.
  every: "min",
  bool_and: "min",
  some: "max",
  any: "max",
  bool_or: "max",
});

/** The boolean aggregates (their argument must be boolean). */
export const BOOLEAN_AGGREGATES: ReadonlySet<string> = new Set(["every", "bool_and", "some", "any", "bool_or"]);

const REGISTRY = new Map<string, FunctionDef>();
for (const d of [
  ...CONDITIONAL_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...CSV_FUNCTIONS,
  ...HASH_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...JSON_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...HIGHER_ORDER_FUNCTIONS,
  ...MISC_FUNCTIONS,
  ...INTERVAL_FUNCTIONS,
]) {
  for (const name of [d.name, ...(d.aliases ?? [])]) {
    if (REGISTRY.has(name)) throw new InternalError(`functions: '${name}' is defined twice`);
    REGISTRY.set(name, d);
  }
}

/** Looks a scalar function up by name (case-insensitive), or undefined. */
export function lookupFunction(name: string): FunctionDef | undefined {
  return REGISTRY.get(name.toLowerCase());
}

/** Every callable function name (scalar and aggregate), for did-you-mean suggestions. */
export function functionNames(): string[] {
  return [...REGISTRY.keys(), ...Object.keys(AGGREGATE_FUNCTIONS)];
}
