/**
 * Higher-order functions: lambdas over arrays and maps (Spark 3.5's `higherOrderFunctions.scala`).
 * Each definition says which arguments are functions and which parameters their lambdas get
 * (`higherOrder`), then the result type from the bound lambdas (`resolve`). The binder binds the
 * lambdas (`../lambda.ts`); the evaluator runs them over whole element vectors
 * (`exec/eval/functions/higher-order-functions.ts`).
 *
 * Spark's `spark.sql.legacy.followThreeValuedLogicInArrayExists` is at its default (true):
 * `exists` is null when no element satisfies the predicate and it was null for some element.
 */
import type { ArrayType as ArrayTypeT, DataType, MapType as MapTypeT } from "../../../types/data-types.js";
import { ArrayType, BooleanType, IntegerType, MapType } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { Expr } from "../../../sql/expression.js";
import { lambdaExpr, node } from "../../../sql/expression.js";
import type { BoundExpr, BoundLambda } from "../bound.js";
import { equalsIgnoreNullability, findWiderTypeForTwo, typeSql } from "../coercion.js";
import type { FunctionDef, LambdaParam, ResolveContext, ResolvedCall } from "./define.js";

export const HIGHER_ORDER_FUNCTIONS: readonly FunctionDef[] = [
  arrayFunction("transform", { index: true, result: (arr, f) => ({ dataType: ArrayType(f.dataType, f.nullable), nullable: arr.nullable }) }),
  arrayFunction("filter", { index: true, predicate: true, result: (arr) => ({ dataType: arr.dataType, nullable: arr.nullable }) }),
  arrayFunction("exists", { predicate: true, result: (arr, f) => ({ dataType: BooleanType(), nullable: arr.nullable || f.nullable }) }),
  arrayFunction("forall", { predicate: true, result: (arr, f) => ({ dataType: BooleanType(), nullable: arr.nullable || f.nullable }) }),
  aggregateFunction("aggregate", ["reduce"]),
  arraySortFunction(),
  zipWithFunction(),
  mapFunction("map_filter", { predicate: true, result: (m) => ({ dataType: m.dataType, nullable: m.nullable }) }),
  mapFunction("transform_keys", {
    result: (m, f, t) => {
      if (containsMap(f.dataType)) {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.INVALID_MAP_KEY_TYPE] transform_keys: the key of a map cannot be/contain ${typeSql(f.dataType)}`);
      }
      return { dataType: MapType(f.dataType, t.valueType, t.valueContainsNull), nullable: m.nullable };
    },
  }),
  mapFunction("transform_values", { result: (m, f, t) => ({ dataType: MapType(t.keyType, f.dataType, f.nullable), nullable: m.nullable }) }),
  mapZipWithFunction(),
];

/**
 * The arguments Spark shows in a higher-order call's name: a function argument that is no lambda
 * wrapped in a hidden one, and omitted functions filled with their defaults (`array_sort`'s
 * comparator, `aggregate`'s identity finish). Null when `name` is no higher-order function.
 */
export function higherOrderSqlArgs(name: string, args: readonly Expr[]): Expr[] | null {
  const shape = SQL_SHAPES[name];
  if (shape === undefined) return null;
  const out = [...args];
  if (name === "array_sort" && out.length === 1) out.push(DEFAULT_COMPARATOR);
  if ((name === "aggregate" || name === "reduce") && out.length === 3) out.push(IDENTITY);
  for (const [pos, params] of shape) {
    const a = out[pos];
    if (a !== undefined && a.kind !== "lambda") out[pos] = node({ kind: "lambda", params: Array.from({ length: params }, (_, i) => `col${i}`), body: a });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Definitions

interface Resolved {
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** transform / filter / exists / forall: one array and one function of (element[, index]). */
function arrayFunction(
  name: string,
  opts: { index?: boolean; predicate?: boolean; result: (arr: BoundExpr, f: BoundLambda) => Resolved },
): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    higherOrder: {
      functionArgs: [1],
      lambdaParams(ctx, declared) {
        const t = arrayType(ctx, 0);
        const element: LambdaParam = { dataType: t.elementType, nullable: t.containsNull };
        // Spark passes the index only to a lambda that declares two parameters.
        const params = opts.index === true && declared[0] === 2 ? [element, { dataType: IntegerType(), nullable: false }] : [element];
        return { args: ctx.args, params: [params] };
      },
    },
    resolve(ctx) {
      const f = lambdaArg(ctx, 1);
      if (opts.predicate === true) expectBoolean(ctx, f, 2);
      return { args: ctx.args, ...opts.result(ctx.args[0], f) };
    },
  };
}

/** aggregate(array, zero, merge[, finish]): a left fold; the accumulator has zero's type. */
function aggregateFunction(name: string, aliases: readonly string[]): FunctionDef {
  return {
    name,
    aliases,
    minArgs: 3,
    maxArgs: 4,
    higherOrder: {
      functionArgs: [2, 3],
      lambdaParams(ctx) {
        const t = arrayType(ctx, 0);
        // As Spark: the accumulator may always be null (a merge may return null).
        const acc: LambdaParam = { dataType: ctx.args[1].dataType, nullable: true };
        return { args: ctx.args, params: [[acc, { dataType: t.elementType, nullable: t.containsNull }], [acc]] };
      },
    },
    resolve(ctx): ResolvedCall {
      const zero = ctx.args[1];
      const merge = lambdaArg(ctx, 2);
      if (!equalsStructurally(zero.dataType, merge.dataType)) {
        throw new AnalysisError(
          `analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ${ctx.name}: parameter 3 requires the "${typeSql(zero.dataType)}" type, however the merge function has the type "${typeSql(merge.dataType)}"`,
        );
      }
      const finish = ctx.args.length > 3 ? lambdaArg(ctx, 3) : null;
      const dataType = finish === null ? zero.dataType : finish.dataType;
      return { args: ctx.args, dataType, nullable: ctx.args[0].nullable || finish === null || finish.nullable };
    },
  };
}

/** array_sort(array[, comparator]): ascending with nulls last, or by an int comparator of (left, right). */
function arraySortFunction(): FunctionDef {
  return {
    name: "array_sort",
    minArgs: 1,
    maxArgs: 2,
    higherOrder: {
      functionArgs: [1],
      lambdaParams(ctx) {
        const t = arrayType(ctx, 0);
        const element: LambdaParam = { dataType: t.elementType, nullable: t.containsNull };
        return { args: ctx.args, params: [[element, element]] };
      },
    },
    resolve(ctx) {
      const arr = ctx.args[0];
      const t = arrayType(ctx, 0);
      if (ctx.args.length === 1) {
        if (!isOrderable(t.elementType)) {
          throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] array_sort does not support ordering on type ${typeSql(t.elementType)}`);
        }
      } else {
        const f = lambdaArg(ctx, 1);
        if (f.dataType.typeName !== "integer") {
          throw new AnalysisError(
            `analysis: [DATATYPE_MISMATCH.UNEXPECTED_RETURN_TYPE] array_sort: the comparator must return "INT", got "${typeSql(f.dataType)}"`,
          );
        }
      }
      return { args: ctx.args, dataType: arr.dataType, nullable: arr.nullable };
    },
  };
}

/** zip_with(left, right, (x, y) -> …): element-wise, the shorter array padded with nulls. */
function zipWithFunction(): FunctionDef {
  return {
    name: "zip_with",
    minArgs: 3,
    maxArgs: 3,
    higherOrder: {
      functionArgs: [2],
      lambdaParams(ctx) {
        const l = arrayType(ctx, 0);
        const r = arrayType(ctx, 1);
        return { args: ctx.args, params: [[{ dataType: l.elementType, nullable: true }, { dataType: r.elementType, nullable: true }]] };
      },
    },
    resolve(ctx) {
      const f = lambdaArg(ctx, 2);
      return { args: ctx.args, dataType: ArrayType(f.dataType, f.nullable), nullable: ctx.args[0].nullable || ctx.args[1].nullable };
    },
  };
}

/** map_filter / transform_keys / transform_values: one map and one function of (key, value). */
function mapFunction(name: string, opts: { predicate?: boolean; result: (m: BoundExpr, f: BoundLambda, t: MapTypeT) => Resolved }): FunctionDef {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    higherOrder: {
      functionArgs: [1],
      lambdaParams(ctx) {
        const t = mapType(ctx, 0);
        return { args: ctx.args, params: [[{ dataType: t.keyType, nullable: false }, { dataType: t.valueType, nullable: t.valueContainsNull }]] };
      },
    },
    resolve(ctx) {
      const f = lambdaArg(ctx, 1);
      if (opts.predicate === true) expectBoolean(ctx, f, 2);
      return { args: ctx.args, ...opts.result(ctx.args[0], f, mapType(ctx, 0)) };
    },
  };
}

/**
 * map_zip_with(left, right, (k, v1, v2) -> …): over the union of the keys (left's first). The key
 * types are widened to a common one when no cast can lose a key (Spark's `MapZipWithCoercion`).
 */
function mapZipWithFunction(): FunctionDef {
  return {
    name: "map_zip_with",
    minArgs: 3,
    maxArgs: 3,
    higherOrder: {
      functionArgs: [2],
      lambdaParams(ctx) {
        const l = mapType(ctx, 0);
        const r = mapType(ctx, 1);
        let args = ctx.args;
        let keyType = l.keyType;
        if (!equalsIgnoreNullability(l.keyType, r.keyType)) {
          const wide = findWiderTypeForTwo(l.keyType, r.keyType);
          if (wide === null || forceNullable(l.keyType, wide) || forceNullable(r.keyType, wide)) {
            throw new AnalysisError(
              `analysis: [DATATYPE_MISMATCH.MAP_ZIP_WITH_DIFF_TYPES] Input to the function \`map_zip_with\` should have been two maps with compatible key types, but the key types are ["${typeSql(l.keyType)}", "${typeSql(r.keyType)}"]`,
            );
          }
          keyType = wide;
          args = [ctx.cast(args[0], MapType(wide, l.valueType, l.valueContainsNull)), ctx.cast(args[1], MapType(wide, r.valueType, r.valueContainsNull)), args[2]];
        }
        if (!isOrderable(keyType)) {
          throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] map_zip_with does not support ordering on type ${typeSql(keyType)}`);
        }
        return { args, params: [[{ dataType: keyType, nullable: false }, { dataType: l.valueType, nullable: true }, { dataType: r.valueType, nullable: true }]] };
      },
    },
    resolve(ctx) {
      const f = lambdaArg(ctx, 2);
      const t = mapType(ctx, 0);
      return { args: ctx.args, dataType: MapType(t.keyType, f.dataType, f.nullable), nullable: ctx.args[0].nullable || ctx.args[1].nullable };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shared checks

function arrayType(ctx: ResolveContext, i: number): ArrayTypeT {
  const t = ctx.args[i].dataType;
  if (t.typeName === "array") return t;
  return inputTypeError(ctx, i, "ARRAY", t);
}

function mapType(ctx: ResolveContext, i: number): MapTypeT {
  const t = ctx.args[i].dataType;
  if (t.typeName === "map") return t;
  return inputTypeError(ctx, i, "MAP", t);
}

function inputTypeError(ctx: ResolveContext, i: number, required: string, got: DataType): never {
  throw new AnalysisError(
    `analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ${ctx.name}: parameter ${i + 1} requires the "${required}" type, however "${ctx.argNames[i] ?? ""}" has the type "${typeSql(got)}"`,
  );
}

function lambdaArg(ctx: ResolveContext, i: number): BoundLambda {
  const a = ctx.args[i];
  if (a.kind !== "lambda") throw new AnalysisError(`analysis: ${ctx.name} expects a function as argument ${i + 1}`);
  return a;
}

function expectBoolean(ctx: ResolveContext, f: BoundLambda, position: number): void {
  if (f.dataType.typeName === "boolean") return;
  throw new AnalysisError(
    `analysis: [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ${ctx.name}: parameter ${position} requires the "BOOLEAN" type, however the function returns "${typeSql(f.dataType)}"`,
  );
}

/** Spark's `DataType.equalsStructurally(a, b, ignoreNullability = true)`: field names do not matter. */
function equalsStructurally(a: DataType, b: DataType): boolean {
  if (a.typeName === "array" && b.typeName === "array") return equalsStructurally(a.elementType, b.elementType);
  if (a.typeName === "map" && b.typeName === "map") return equalsStructurally(a.keyType, b.keyType) && equalsStructurally(a.valueType, b.valueType);
  if (a.typeName === "struct" && b.typeName === "struct") {
    return a.fields.length === b.fields.length && a.fields.every((f, i) => equalsStructurally(f.dataType, b.fields[i].dataType));
  }
  return equalsIgnoreNullability(a, b);
}

/** Types Spark can order (maps cannot be compared). */
function isOrderable(t: DataType): boolean {
  return !containsMap(t);
}

function containsMap(t: DataType): boolean {
  if (t.typeName === "map") return true;
  if (t.typeName === "array") return containsMap(t.elementType);
  if (t.typeName === "struct") return t.fields.some((f) => containsMap(f.dataType));
  return false;
}

/** Spark's `Cast.forceNullable`: whether casting a non-null `from` to `to` can give null. */
function forceNullable(from: DataType, to: DataType): boolean {
  if (from.typeName === "null" || equalsIgnoreNullability(from, to)) return false;
  if (from.typeName === "string") return to.typeName !== "binary";
  if (to.typeName === "string") return false;
  if ((from.typeName === "float" || from.typeName === "double") && to.typeName === "timestamp") return true;
  if (to.typeName === "date") return from.typeName !== "timestamp";
  if (from.typeName === "date") return to.typeName !== "timestamp";
  if (to.typeName === "decimal") {
    if (from.typeName === "decimal") return !(to.precision - to.scale > from.precision - from.scale);
    const digits = INTEGRAL_DIGITS[from.typeName];
    // A decimal is "wider" than an integral type when it holds all its digits; never than a float.
    return digits === undefined || !(to.precision - to.scale >= digits);
  }
  return (from.typeName === "float" || from.typeName === "double" || from.typeName === "decimal") && INTEGRAL_DIGITS[to.typeName] !== undefined;
}

const INTEGRAL_DIGITS: Readonly<Record<string, number>> = { byte: 3, short: 5, integer: 10, long: 20, boolean: 1 };

// ---------------------------------------------------------------------------------------------
// Names

/** Function argument positions and the parameter count Spark gives a hidden lambda there. */
const SQL_SHAPES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  transform: [[1, 1]],
  filter: [[1, 1]],
  exists: [[1, 1]],
  forall: [[1, 1]],
  aggregate: [[2, 2], [3, 1]],
  reduce: [[2, 2], [3, 1]],
  array_sort: [[1, 2]],
  zip_with: [[2, 2]],
  map_filter: [[1, 2]],
  transform_keys: [[1, 2]],
  transform_values: [[1, 2]],
  map_zip_with: [[2, 3]],
};

const col = (name: string): Expr => node({ kind: "column", parts: [name] });
const int = (v: number): Expr => node({ kind: "literal", value: v, dataType: IntegerType() });
const ifExpr = (cond: Expr, then: Expr, otherwise: Expr): Expr => node({ kind: "call", name: "if", args: [cond, then, otherwise], distinct: false });
const isNull = (e: Expr): Expr => node({ kind: "isNull", child: e, negated: false });
const bin = (op: "and" | "<" | ">", l: Expr, r: Expr): Expr => node({ kind: "binary", op, left: l, right: r });

/** Spark's `ArraySort.defaultComparator` (only its name is shown; the evaluator sorts natively). */
const DEFAULT_COMPARATOR: Expr = lambdaExpr(
  ["left", "right"],
  ifExpr(
    bin("and", isNull(col("left")), isNull(col("right"))),
    int(0),
    ifExpr(isNull(col("left")), int(1), ifExpr(isNull(col("right")), int(-1), ifExpr(bin("<", col("left"), col("right")), int(-1), ifExpr(bin(">", col("left"), col("right")), int(1), int(0))))),
  ),
);

/** Spark's `LambdaFunction.identity`, aggregate's default finish. */
const IDENTITY: Expr = lambdaExpr(["id"], col("id"));
