/** Hash and digest functions. */
import type { DataType } from "../../../types/data-types.js";
import { BinaryType, IntegerType, LongType, StringType } from "../../../types/data-types.js";
import type { FunctionDef } from "./define.js";
import { argTypeError, expectArg, simple } from "./define.js";

const S = StringType();

export const HASH_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "sha2",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const x = expectArg(ctx, 0, BinaryType());
      const bits = expectArg(ctx, 1, IntegerType());
      return { args: [x, bits], dataType: S, nullable: true };
    },
  },
  simple("md5", [BinaryType()], S),
  simple("sha1", [BinaryType()], S, { aliases: ["sha"] }),
  simple("crc32", [BinaryType()], LongType()),
  hashDef("hash", IntegerType()),
  hashDef("xxhash64", LongType()),
];

/** hash / xxhash64: any number of non-map arguments, never null. */
function hashDef(name: string, dataType: DataType): FunctionDef {
  return {
    name,
    minArgs: 1,
    maxArgs: Infinity,
    resolve(ctx) {
      for (const a of ctx.args) {
        if (a.dataType.typeName === "map") argTypeError(ctx.name, "a non-map", a.dataType);
      }
      return { args: ctx.args, dataType, nullable: false };
    },
  };
}
