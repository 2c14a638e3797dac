/** Math functions. */
import type { DataType } from "../../../types/data-types.js";
import { BooleanType, DecimalType, DoubleType, LongType, isIntegral } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { FunctionDef, ResolveContext, ResolvedCall } from "./define.js";
import { expectArg, simple } from "./define.js";


export const MATH_FUNCTIONS: readonly FunctionDef[] = [
  simple("abs", ["numeric"], (a) => a[0].dataType),
  {
    name: "round",
    minArgs: 1,
    maxArgs: 2,
    resolve(ctx) {
      const x = expectArg(ctx, 0, "numeric");
      const scale = ctx.raw.length > 1 ? ctx.raw[1] : null;
      let s = 0;
      if (scale !== null) {
        if (scale.kind !== "literal" || typeof scale.value !== "number" || !Number.isInteger(scale.value)) {
          throw new AnalysisError(`analysis: function round expects an integer literal scale, got ${ctx.argNames[1]}`);
        }
        s = scale.value;
      }
      let dataType: DataType = x.dataType;
      if (x.dataType.typeName === "decimal") {
        const { precision: p, scale: sc } = x.dataType;
        const newScale = Math.max(0, Math.min(s, sc));
        dataType = DecimalType(Math.min(38, p - sc + newScale + 1), newScale);
      }
      return { args: [x], dataType, nullable: x.nullable, options: { scale: String(s) } };
    },
  },
  {
    name: "floor",
    minArgs: 1,
    maxArgs: 1,
    resolve: resolveFloorCeil,
  },
  {
    name: "ceil",
    aliases: ["ceiling"],
    minArgs: 1,
    maxArgs: 1,
    resolve: resolveFloorCeil,
  },
  simple("isnan", [DoubleType()], BooleanType(), { neverNull: true }),
];

function resolveFloorCeil(ctx: ResolveContext): ResolvedCall {
  const x = expectArg(ctx, 0, "numeric");
  const t = x.dataType;
  let dataType: DataType = LongType();
  if (t.typeName === "decimal") dataType = DecimalType(Math.min(38, t.precision - t.scale + 1), 0);
  const arg = isIntegral(t) ? ctx.cast(x, LongType()) : t.typeName === "float" ? ctx.cast(x, DoubleType()) : x;
  return { args: [arg], dataType, nullable: x.nullable };
}
