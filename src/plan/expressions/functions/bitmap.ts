/**
 * Spark 3.5's bitmap functions for exact distinct counts over integers: `bitmap_bucket_number` and
 * `bitmap_bit_position` split a value into a bucket of 32,768 values and a bit within it, and
 * `bitmap_count` counts a bitmap's set bits. (The aggregates `bitmap_construct_agg` and
 * `bitmap_or_agg` are in `aggregate-functions.ts`.)
 */
import { LongType } from "../../../types/data-types.js";
import type { FunctionDef } from "./define.js";
import { argTypeError, simple } from "./define.js";

export const BITMAP_FUNCTIONS: readonly FunctionDef[] = [
  simple("bitmap_bucket_number", [LongType()], LongType()),
  simple("bitmap_bit_position", [LongType()], LongType()),
  {
    name: "bitmap_count",
    minArgs: 1,
    maxArgs: 1,
    resolve(ctx) {
      const b = ctx.args[0];
      // Spark requires a binary bitmap (no implicit cast from strings).
      if (b.dataType.typeName !== "binary") argTypeError(ctx.name, "a binary (bitmap)", b.dataType);
      return { args: [b], dataType: LongType(), nullable: b.nullable };
    },
  },
];
