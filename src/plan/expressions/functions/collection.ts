/** Array, map and struct functions. */
import type { StructField as StructFieldT } from "../../../types/data-types.js";
import { ArrayType, IntegerType, StringType, StructField, StructType } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { BoundExpr } from "../bound.js";
import { implicitCastType, isAtomic, typeString } from "../coercion.js";
import type { FunctionDef, ResolveContext, ResolvedCall } from "./define.js";
import { anyNullable, argTypeError, constString, expectArg, widened } from "./define.js";

const S = StringType();

export const COLLECTION_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "struct",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      const fields: StructFieldT[] = ctx.args.map((a, i) => {
        const r = ctx.raw[i];
        const named = r.kind === "column" || r.kind === "alias";
        return StructField(named ? ctx.argNames[i] : `col${i + 1}`, a.dataType, a.nullable);
      });
      return { args: ctx.args, dataType: StructType(fields), nullable: false };
    },
  },
  {
    name: "named_struct",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      if (ctx.args.length % 2 !== 0) {
        throw new AnalysisError(`analysis: function named_struct expects an even number of arguments, got ${ctx.args.length}`);
      }
      const fields: StructFieldT[] = [];
      const values: BoundExpr[] = [];
      for (let i = 0; i < ctx.args.length; i += 2) {
        const name = constString(ctx, i, "a field name");
        fields.push(StructField(name, ctx.args[i + 1].dataType, ctx.args[i + 1].nullable));
        values.push(ctx.args[i + 1]);
      }
      return { args: values, dataType: StructType(fields), nullable: false };
    },
  },
  {
    name: "array",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      if (ctx.args.length === 0) return { args: [], dataType: ArrayType(S, false), nullable: false };
      const w = widened(ctx, ctx.args, true);
      return { args: w.args, dataType: ArrayType(w.type, anyNullable(ctx.args)), nullable: false };
    },
  },
  {
    name: "size",
    aliases: ["cardinality"],
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const x = ctx.args[0];
      if (x.dataType.typeName !== "array" && x.dataType.typeName !== "map" && x.dataType.typeName !== "null") {
        argTypeError(ctx.name, "an array or map", x.dataType);
      }
      return { args: [x], dataType: IntegerType(), nullable: false };
    },
  },
  {
    name: "element_at",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveItem(ctx, true),
  },
  {
    name: "get_item",
    minArgs: 2,
    maxArgs: 2,
    resolve: (ctx) => resolveItem(ctx, false),
  },
];

function resolveItem(ctx: ResolveContext, oneBased: boolean): ResolvedCall {
  const c = ctx.args[0];
  const t = c.dataType;
  if (t.typeName === "array") {
    const idx = expectArg(ctx, 1, IntegerType());
    return { args: [c, idx], dataType: t.elementType, nullable: true, options: { base: oneBased ? "1" : "0" } };
  }
  if (t.typeName === "map") {
    const key = ctx.args[1];
    const kt = implicitCastType(key.dataType, t.keyType);
    if (kt === null || !isAtomic(t.keyType)) argTypeError(ctx.name, `a ${typeString(t.keyType)} key`, key.dataType);
    return { args: [c, ctx.cast(key, t.keyType)], dataType: t.valueType, nullable: true };
  }
  return argTypeError(ctx.name, "an array or map", t);
}
