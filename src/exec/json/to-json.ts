/**
 * `to_json`: a struct, map or array column → a string column of JSON texts, as Spark's
 * `StructsToJson` (see formats/json/json-generator.ts for how each type is written). A null input
 * slot gives a null string. `writeJsonLines` (the JSON sink's encoder) is re-exported here.
 */
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { BytesBuilder } from "../../columnar/build.js";
import { StringType } from "../../types/data-types.js";
import { AnalysisError } from "../../errors.js";
import { jsonValueText } from "../../formats/json/json-generator.js";
import type { JsonGeneratorOptions } from "../../formats/json/json-generator.js";

export { writeJsonLines } from "../../formats/json/json-lines-writer.js";
export type { JsonGeneratorOptions } from "../../formats/json/json-generator.js";

/** One JSON text per slot of `input` (a struct, map or array vector); nulls stay null. */
export function toJson(input: Vector, options: JsonGeneratorOptions = {}): Vector {
  if (input.kind !== "struct" && input.kind !== "map" && input.kind !== "list") {
    throw new AnalysisError(`to_json: input must be a struct, map or array column, got ${input.type.typeName}`);
  }
  const n = input.length;
  const out = new BytesBuilder(n, n * 64);
  for (let i = 0; i < n; i++) {
    if (!isValid(input, i)) out.appendNull();
    else out.appendString(jsonValueText(input, i, options));
  }
  return out.finish(StringType());
}
