/** JSON functions. */
import { StringType } from "../../../types/data-types.js";
import { AnalysisError } from "../../../errors.js";
import { typeString } from "../coercion.js";
import type { FunctionDef } from "./define.js";
import { argTypeError, expectArg, isComplexJsonTarget, optionsArg, schemaArg } from "./define.js";

const S = StringType();

export const JSON_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "get_json_object",
    minArgs: 2,
    maxArgs: 2,
    resolve(ctx) {
      const json = expectArg(ctx, 0, "string");
      const path = expectArg(ctx, 1, "string");
      return { args: [json, path], dataType: S, nullable: true };
    },
  },
  {
    name: "from_json",
    minArgs: 2,
    maxArgs: 3,
    constantArgs: [1, 2],
    resolve(ctx) {
      const json = expectArg(ctx, 0, "string");
      const schema = schemaArg(ctx, 1);
      if (!isComplexJsonTarget(schema)) {
        throw new AnalysisError(`analysis: function from_json expects a struct, array or map schema, got ${typeString(schema)}`);
      }
      return { args: [json], dataType: schema, nullable: true, options: optionsArg(ctx, 2) };
    },
  },
  {
    name: "to_json",
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    resolve(ctx) {
      const x = ctx.args[0];
      if (!isComplexJsonTarget(x.dataType)) argTypeError(ctx.name, "a struct, array or map", x.dataType);
      return { args: [x], dataType: S, nullable: x.nullable, options: optionsArg(ctx, 1) };
    },
  },
];
