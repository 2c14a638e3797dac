/**
 * The scalar function registry: for each SQL function name, how many arguments it takes, which
 * implicit casts its arguments get (Spark's `ImplicitTypeCasts` / `FunctionArgumentConversion`) and
 * its result type. The definitions live by category in `functions/`; the evaluator implements each
 * canonical name in `exec/eval/functions/`.
 *
 * Aggregate functions are not here: the binder handles them (see `AGGREGATE_FUNCTIONS`).
 */
import { InternalError } from "../../errors.js";
import { STATISTICAL_AGGREGATES } from "./aggregate-functions.js";
import type { FunctionDef } from "./functions/define.js";
import { COLLECTION_FUNCTIONS } from "./functions/collection.js";
import { CONDITIONAL_FUNCTIONS } from "./functions/conditional.js";
import { BITMAP_FUNCTIONS } from "./functions/bitmap.js";
import { XML_FUNCTIONS } from "./functions/xml.js";
import { CRYPTO_FUNCTIONS, cryptoCallSql } from "./functions/crypto.js";
import { CSV_FUNCTIONS } from "./functions/csv.js";
import { DATE_FUNCTIONS } from "./functions/date.js";
import { DATETIME_FUNCTIONS } from "./functions/datetime.js";
import { HASH_FUNCTIONS } from "./functions/hash.js";
import { HIGHER_ORDER_FUNCTIONS } from "./functions/higher-order.js";
import { INTERVAL_FUNCTIONS } from "./functions/interval.js";
import { JSON_FUNCTIONS } from "./functions/json.js";
import { MATH_FUNCTIONS } from "./functions/math.js";
import { MISC_FUNCTIONS } from "./functions/misc.js";
import { STRING_FUNCTIONS, stringCallSql } from "./functions/string.js";
import { mathCallSql } from "./functions/math.js";
import { miscCallSql } from "./functions/misc.js";
import { dateCallSql } from "./functions/date.js";
import type { Expr } from "../../sql/expression.js";

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
  ...STATISTICAL_AGGREGATES,
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
  ...CRYPTO_FUNCTIONS,
  ...BITMAP_FUNCTIONS,
  ...XML_FUNCTIONS,
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

/**
 * Spark's output name of a call of `lowerName` where it differs from `name(args)` (defaults it fills
 * in, canonical and upper-case pretty names); undefined otherwise. `argSql` is each argument's text.
 */
export function specialCallSql(lowerName: string, args: readonly Expr[], argSql: readonly string[]): string | undefined {
  return (
    mathCallSql(lowerName, argSql) ??
    miscCallSql(lowerName, args, argSql) ??
    dateCallSql(lowerName, argSql) ??
    stringCallSql(lowerName, argSql) ??
    cryptoCallSql(lowerName, argSql) ??
    otherCallSql(lowerName, args, argSql)
  );
}

/** Names of the collection, JSON/CSV and epoch-seconds calls. */
function otherCallSql(lowerName: string, args: readonly Expr[], argSql: readonly string[]): string | undefined {
  switch (lowerName) {
    case "unix_timestamp":
    case "to_unix_timestamp":
    case "from_unixtime":
      // The default pattern is part of the name.
      if (argSql.length === 1) return `${lowerName}(${argSql[0]}, yyyy-MM-dd HH:mm:ss)`;
      if (argSql.length === 0 && lowerName === "unix_timestamp") return "unix_timestamp(current_timestamp(), yyyy-MM-dd HH:mm:ss)";
      return undefined;
    case "sort_array":
      return argSql.length === 1 ? `sort_array(${argSql[0]}, true)` : undefined;
    case "str_to_map":
      return argSql.length < 3 ? `str_to_map(${[...argSql, ",", ":"].slice(0, 3).join(", ")})` : undefined;
    case "from_json": {
      // A map schema names the column after the map's entries, as Spark's JsonToStructs does.
      const schema = args[1];
      if (schema !== undefined && schema.kind === "literal" && typeof schema.value === "string" && /^\s*map\s*</i.test(schema.value)) return "entries";
      return `from_json(${argSql[0] ?? ""})`;
    }
    case "from_csv":
    case "to_csv":
    case "schema_of_json":
    case "schema_of_csv":
    case "to_json":
      return `${lowerName}(${argSql[0] ?? ""})`;
  }
  return undefined;
}
