/**
 * Miscellaneous functions: typeof, uuid, assertions and raised errors, null-safe equality, and
 * session, version and partition information. Session values are sluice's single-catalog answers:
 * catalog `spark_catalog`, database `default`, partition 0.
 */
import type { Expr } from "../../../sql/expression.js";
import { BooleanType, IntegerType, LongType, NullType, StringType } from "../../../types/data-types.js";
import { typeString } from "../coercion.js";
import type { FunctionDef } from "./define.js";
import { expectArg, widened } from "./define.js";

const S = StringType();

/** A function of no arguments returning a constant string, never null. */
function constantString(name: string, value: () => string, aliases?: readonly string[]): FunctionDef {
  return { name, aliases, minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: S, nullable: false, options: { value: value() } }) };
}

/** The version `version()` reports: the Spark release whose semantics sluice follows. */
export const SPARK_VERSION = "3.5.0";

export const MISC_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "typeof",
    minArgs: 1,
    maxArgs: 1,
    resolve: (ctx) => ({ args: [], dataType: S, nullable: false, options: { value: typeString(ctx.args[0].dataType) } }),
  },
  { name: "uuid", minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: S, nullable: false }) },
  {
    name: "assert_true",
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const cond = expectArg(ctx, 0, "boolean");
      const message = ctx.args.length > 1 ? expectArg(ctx, 1, S) : null;
      const fallback = `'${sparkToString(ctx.raw[0])}' is not true!`;
      return { args: message === null ? [cond] : [cond, message], dataType: NullType(), nullable: true, options: { message: fallback } };
    },
  },
  {
    name: "raise_error",
    minArgs: 1,
    maxArgs: 1,
    resolve: (ctx) => ({ args: [expectArg(ctx, 0, S)], dataType: NullType(), nullable: true }),
  },
  {
    name: "equal_null",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: BooleanType(), nullable: false };
    },
  },
  constantString("current_database", () => "default", ["current_schema"]),
  constantString("current_catalog", () => "spark_catalog"),
  constantString("current_user", currentUser, ["user"]),
  constantString("version", () => `${SPARK_VERSION} sluice`),
  { name: "spark_partition_id", minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: IntegerType(), nullable: false }) },
  { name: "monotonically_increasing_id", minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: LongType(), nullable: false }) },
  // The file of the rows being read (exec/eval/input-file.ts): "" and -1 where no file source feeds them.
  { name: "input_file_name", minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: S, nullable: false }) },
  { name: "input_file_block_start", minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: LongType(), nullable: false }) },
  { name: "input_file_block_length", minArgs: 0, maxArgs: 0, resolve: () => ({ args: [], dataType: LongType(), nullable: false }) },
];

/** The operating-system user running the engine, as Spark's `current_user()` without a session user. */
function currentUser(): string {
  return process.env.USER ?? process.env.USERNAME ?? "unknown";
}

/** Cast spellings as functions (`boolean(x)`, `int(x)`), which Spark prints as casts. */
const CAST_FUNCTIONS: ReadonlySet<string> = new Set([
  "boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "decimal", "string", "binary", "date", "timestamp",
]);

/** Spark's `Expression.toString` of an unresolved argument, for assert_true's default message. */
export function sparkToString(e: Expr): string {
  switch (e.kind) {
    case "literal":
      return e.value === null ? "null" : e.value instanceof Uint8Array ? `[${[...e.value].join(",")}]` : String(e.value);
    case "cast":
      return `cast(${sparkToString(e.child)} as ${typeString(e.to)})`;
    case "column":
      return e.parts.join(".");
    case "alias":
      return `${sparkToString(e.child)} AS ${e.name}`;
    case "unary":
      return e.op === "not" ? `NOT ${sparkToString(e.child)}` : `${e.op}${sparkToString(e.child)}`;
    case "binary":
      return `(${sparkToString(e.left)} ${e.op} ${sparkToString(e.right)})`;
    case "isNull":
      return `${e.negated ? "isnotnull" : "isnull"}(${sparkToString(e.child)})`;
    case "call":
      if (CAST_FUNCTIONS.has(e.name) && e.args.length === 1) return `cast(${sparkToString(e.args[0])} as ${e.name === "int" ? "int" : e.name})`;
      return `${e.name}(${e.args.map(sparkToString).join(", ")})`;
    default:
      return e.kind;
  }
}

/**
 * Spark's output-column name of a misc call whose name differs from `name(args)`, given the raw
 * arguments and their texts; undefined for the default. For the binder's `callSql`.
 */
export function miscCallSql(lowerName: string, args: readonly Expr[], argSql: readonly string[]): string | undefined {
  if (lowerName === "assert_true" && args.length === 1) return `assert_true(${argSql[0]}, '${sparkToString(args[0])}' is not true!)`;
  if (lowerName === "current_schema") return "current_database()";
  return undefined;
}
