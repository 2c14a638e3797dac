/**
 * A file source as a query gets it: the schema resolved as `load()` resolves it (in this thread:
 * `resolveSchema` is async here), then a fresh instance created with it.
 */
import { createFileSource, resolveFileSourceSchema } from "../../src/connectors/file/create-file-source.js";
import type { FileFormat } from "../../src/connectors/file/options.js";
import type { StreamSource } from "../../src/connectors/source.js";
import type { StructType } from "../../src/types/data-types.js";

/** `columns`: the schema's fields the query reads (`SourceHints.columns`), all by default. */
export async function fileSource(format: FileFormat, options: Record<string, string>, userSchema: StructType | null, streaming = true, columns: readonly number[] | null = null): Promise<StreamSource> {
  const schema = await resolveFileSourceSchema(format, options, userSchema);
  return createFileSource(format, options, { streaming, schema, columns });
}
