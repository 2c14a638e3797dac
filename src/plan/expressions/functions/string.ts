/** String functions. */
import { ArrayType, BinaryType, BooleanType, IntegerType, StringType } from "../../../types/data-types.js";
import type { FunctionDef } from "./define.js";
import { anyNullable, expectArg, simple } from "./define.js";

const S = StringType();

export const STRING_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "concat",
    minArgs: 0,
    maxArgs: Infinity,
    resolve(ctx) {
      const allBinary = ctx.args.length > 0 && ctx.args.every((a) => a.dataType.typeName === "binary");
      if (allBinary) return { args: ctx.args, dataType: BinaryType(), nullable: anyNullable(ctx.args) };
      const args = ctx.args.map((_, i) => expectArg(ctx, i, "string"));
      return { args, dataType: S, nullable: anyNullable(args) };
    },
  },
  {
    name: "concat_ws",
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      const args = ctx.args.map((a, i) =>
        i > 0 && a.dataType.typeName === "array" ? expectArg(ctx, i, ArrayType(S)) : expectArg(ctx, i, "string"),
      );
      return { args, dataType: S, nullable: args[0].nullable };
    },
  },
  simple("lower", ["string"], S, { aliases: ["lcase"] }),
  simple("upper", ["string"], S, { aliases: ["ucase"] }),
  simple("trim", ["string", "string"], S, { minArgs: 1 }),
  simple("ltrim", ["string", "string"], S, { minArgs: 1 }),
  simple("rtrim", ["string", "string"], S, { minArgs: 1 }),
  simple("length", ["stringOrBinary"], IntegerType(), { aliases: ["char_length", "character_length"] }),
  simple("substring", ["stringOrBinary", IntegerType(), IntegerType()], (a) => a[0].dataType, {
    minArgs: 2,
    aliases: ["substr"],
  }),
  simple("regexp_extract", ["string", "string", IntegerType()], S, { minArgs: 2 }),
  simple("regexp_replace", ["string", "string", "string", IntegerType()], S, { minArgs: 3 }),
  simple("split", ["string", "string", IntegerType()], ArrayType(S, false), { minArgs: 2 }),
  {
    name: "locate",
    aliases: ["position"],
    minArgs: 2,
    maxArgs: 3,
    resolve(ctx) {
      const args = ctx.args.map((_, i) => expectArg(ctx, i, i < 2 ? "string" : IntegerType()));
      return { args, dataType: IntegerType(), nullable: anyNullable(args) };
    },
  },
  simple("startswith", ["stringOrBinary", "stringOrBinary"], BooleanType()),
  simple("endswith", ["stringOrBinary", "stringOrBinary"], BooleanType()),
  simple("contains", ["stringOrBinary", "stringOrBinary"], BooleanType()),
];
