/**
 * The JSON data source's writer: one JSON object per row, each followed by `\n`, as Spark's JSON
 * sink writes (null fields omitted, a row of nulls is `{}`); see json-generator.ts for values.
 */
import type { Batch } from "../../columnar/batch.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { jsonRowText } from "./json-generator.js";
import type { JsonGeneratorOptions } from "./json-generator.js";

/** UTF-8 JSON lines for every row of `batch` (empty for an empty batch). */
export function writeJsonLines(batch: Batch, options: JsonGeneratorOptions = {}): Uint8Array {
  const names = batch.schema.fields.map((f) => f.name);
  const parts: string[] = [];
  for (let i = 0; i < batch.numRows; i++) parts.push(jsonRowText(names, batch.columns, i, options));
  return encodeUtf8(parts.length === 0 ? "" : `${parts.join("\n")}\n`);
}
