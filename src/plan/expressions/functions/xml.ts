/**
 * Spark's XPath functions over XML text (Hive's UDFXPath family): `xpath` (the values of the
 * matched nodes), `xpath_string`, `xpath_boolean`, and the numeric forms `xpath_number`/
 * `xpath_double`, `xpath_float`, `xpath_int`, `xpath_long`, `xpath_short`. The path must be a
 * constant string, as in Spark.
 */
import type { DataType } from "../../../types/data-types.js";
import { ArrayType, BooleanType, DoubleType, FloatType, IntegerType, LongType, ShortType, StringType } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import type { FunctionDef } from "./define.js";
import { expectArg } from "./define.js";

function xpathDef(name: string, dataType: DataType, aliases?: readonly string[]): FunctionDef {
  return {
    name,
    ...(aliases === undefined ? {} : { aliases }),
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const xml = expectArg(ctx, 0, "string");
      const path = expectArg(ctx, 1, "string");
      if (path.kind !== "literal" && !(path.kind === "cast" && path.child.kind === "literal")) {
        throw new AnalysisError(`analysis: [DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] function ${ctx.name}: the path must be a constant string, got '${ctx.sql(ctx.raw[1])}'`);
      }
      return { args: [xml, path], dataType, nullable: true };
    },
  };
}

export const XML_FUNCTIONS: readonly FunctionDef[] = [
  xpathDef("xpath", ArrayType(StringType(), true)),
  xpathDef("xpath_string", StringType()),
  xpathDef("xpath_boolean", BooleanType()),
  xpathDef("xpath_double", DoubleType(), ["xpath_number"]),
  xpathDef("xpath_float", FloatType()),
  xpathDef("xpath_int", IntegerType()),
  xpathDef("xpath_long", LongType()),
  xpathDef("xpath_short", ShortType()),
];
