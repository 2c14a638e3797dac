/**
 * The file source's entry points for the connector registry: validate options and the schema when
 * the query is defined, and create a fresh {@link FileStreamSource} per query run.
 */
import { StringType, StructField, StructType } from "../../types/data-types.js";
import { ConfigError } from "../../errors.js";
import { checkCsvSchema } from "../../formats/csv/parse-csv.js";
import type { StreamSource } from "../source.js";
import type { SourceConnector } from "../registry.js";
import { resolveFileSourceOptions } from "./options.js";
import type { FileFormat } from "./options.js";
import { resolveSourceLocation } from "./listing.js";
import { globToRegExp } from "./listing.js";
import { FileStreamSource } from "./file-stream-source.js";
import { existsSync } from "node:fs";
import { LocalStorage } from "../../storage/local.js";
import { asNullable, inferParquetSchema } from "./parquet-schema-inference.js";

/** The text source's schema: one string column `value`. */
export const TEXT_SCHEMA = StructType([StructField("value", StringType(), true)]);

/**
 * Validates `options` and `userSchema` for `format` and returns the schema of the batches the
 * source will produce. Throws {@link ConfigError}: unknown option (with did-you-mean), bad value
 * (naming option and value), missing path, or a missing schema for json/csv (Structured Streaming
 * does not infer schemas).
 *
 * parquet: the user's schema, else the schema inferred from the files (see
 * `parquet-schema-inference.ts`: local paths only, read synchronously; Spark infers only for batch
 * reads, but a connector cannot tell them apart, so streaming reads infer too); every field nullable.
 */
export function describeFileSource(format: FileFormat, options: Readonly<Record<string, string>>, userSchema: StructType | null): StructType {
  const { file, format: fmt } = resolveFileSourceOptions(format, options);
  // A missing schema for json/csv is reported first (it is the user's first mistake to fix).
  if (!((format === "json" || format === "csv") && userSchema === null)) checkPathExists(format, file.path);
  return describeSchema(format, file, fmt, userSchema);
}

function describeSchema(
  format: FileFormat,
  file: ReturnType<typeof resolveFileSourceOptions>["file"],
  fmt: ReturnType<typeof resolveFileSourceOptions>["format"],
  userSchema: StructType | null,
): StructType {
  if (file.pathGlobFilter !== null) globToRegExp(file.pathGlobFilter, "pathGlobFilter");
  if (format === "text") {
    if (userSchema === null) return TEXT_SCHEMA;
    const f = userSchema.fields;
    if (f.length !== 1 || f[0].dataType.typeName !== "string") {
      throw new ConfigError(`text source: the schema must be a single string column, got (${f.map((x) => `${x.name} ${x.dataType.typeName}`).join(", ")})`);
    }
    return userSchema;
  }
  if (format === "parquet") {
    if (userSchema === null) return inferParquetSchema(resolveSourceLocation(file.path), file);
    return StructType(userSchema.fields.map((f) => StructField(f.name, asNullable(f.dataType), true, f.metadata)));
  }
  if (userSchema === null) {
    throw new ConfigError(`${format} source: a schema is required for streaming file sources; pass .schema(...)`);
  }
  if (fmt.format === "csv") checkCsvSchema(userSchema, fmt.csv);
  if (fmt.format === "json") {
    const name = fmt.reader.columnNameOfCorruptRecord ?? "_corrupt_record";
    const c = userSchema.fields.find((x) => x.name === name);
    if (c !== undefined && (c.dataType.typeName !== "string" || !c.nullable)) {
      throw new ConfigError(`json source: the corrupt record field '${name}' must be a nullable string, got ${c.dataType.typeName}`);
    }
  }
  return userSchema;
}

/**
 * A new streaming file source for `format` (`text`, `json`, `csv`, `parquet`) with Spark's option names
 * (`path`, `maxFilesPerTrigger`, `maxBytesPerTrigger`, `latestFirst`, `fileNameOnly`,
 * `pathGlobFilter`, `recursiveFileLookup`, `maxFileAge`, `cleanSource` = off, plus the format's
 * options). Validation as {@link describeFileSource}; the path is resolved here (no I/O, except
 * parquet schema inference).
 */
export function createFileSource(format: FileFormat, options: Record<string, string>, userSchema: StructType | null): StreamSource {
  const schema = describeFileSource(format, options, userSchema);
  const { file, format: formatOptions } = resolveFileSourceOptions(format, options);
  return new FileStreamSource({ format, schema, file, formatOptions, location: resolveSourceLocation(file.path) });
}

/** The registry entry for one file format. */
export function fileSourceConnector(format: FileFormat): SourceConnector {
  return {
    describe: (options, userSchema) => describeFileSource(format, options, userSchema),
    create: (options, userSchema) => createFileSource(format, { ...options }, userSchema),
  };
}

/**
 * Spark fails at `load()` when a (non-glob) source path does not exist, rather than waiting
 * forever on a misspelt folder; so do we, for local paths. Other storages are checked when listed.
 */
function checkPathExists(format: FileFormat, path: string): void {
  const loc = resolveSourceLocation(path);
  if (loc.patterns.length > 0 || loc.key === "" || !(loc.storage instanceof LocalStorage)) return;
  if (!existsSync(loc.storage.pathOf(loc.key))) {
    throw new ConfigError(`${format} source: path does not exist: ${path}`, { option: "path", path });
  }
}
