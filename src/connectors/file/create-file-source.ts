/**
 * The file source's entry points for the connector registry: validate options and the schema
 * when the query is defined, resolve what needs storage (the path exists; a parquet schema
 * inferred from the files) once at `load()`, and create a fresh {@link FileStreamSource} per run.
 */
import { StringType, StructField, StructType } from "../../types/data-types.js";
import { ConfigError } from "../../errors.js";
import { checkCsvSchema } from "../../formats/csv/parse-csv.js";
import type { StreamSource } from "../source.js";
import type { SourceConnector, SourceHints } from "../registry.js";
import { resolveFileSourceOptions } from "./options.js";
import type { FileFormat } from "./options.js";
import { resolveSourceLocation, globToRegExp } from "./listing.js";
import type { SourceLocation } from "./listing.js";
import { FileStreamSource } from "./file-stream-source.js";
import { asNullable, inferParquetSchema } from "./parquet-schema-inference.js";

/** The text source's schema: one string column `value`. */
export const TEXT_SCHEMA = StructType([StructField("value", StringType(), true)]);

/** The registry entry for one file format (`text`, `json`, `csv`, `parquet`). */
export function fileSourceConnector(format: FileFormat): SourceConnector {
  return {
    staticSchema: (options, userSchema) => {
      checkFileSource(format, options, userSchema);
      // Spark checks at load() that the path exists. Local and memory storages answer here; a
      // remote one, and parquet schema inference, go through resolveSchema's blocking call.
      if (format === "parquet" && userSchema === null) return null;
      const { file } = resolveFileSourceOptions(format, options);
      const loc = resolveSourceLocation(file.path);
      if (loc.patterns.length === 0 && loc.key !== "") {
        if (loc.storage.existsNow === undefined) return null;
        if (!loc.storage.existsNow(loc.key)) throw pathMissing(format, file.path);
      }
      return declaredSchema(format, userSchema);
    },
    resolveSchema: (options, userSchema) => resolveFileSourceSchema(format, options, userSchema),
    create: (options, hints) => createFileSource(format, options, hints),
  };
}

/**
 * Validates `options` and `userSchema` for `format` without I/O. Throws {@link ConfigError}: unknown
 * option (with did-you-mean), bad value (naming option and value), missing path, or a missing schema
 * for json/csv (Structured Streaming does not infer schemas).
 */
export function checkFileSource(format: FileFormat, options: Readonly<Record<string, string>>, userSchema: StructType | null): void {
  const { file, format: fmt } = resolveFileSourceOptions(format, options);
  resolveSourceLocation(file.path);
  if (file.pathGlobFilter !== undefined) globToRegExp(file.pathGlobFilter, "pathGlobFilter");
  if (format === "text" && userSchema !== null) {
    const f = userSchema.fields;
    if (f.length !== 1 || f[0].dataType.typeName !== "string") {
      throw new ConfigError(`text source: the schema must be a single string column, got (${f.map((x) => `${x.name} ${x.dataType.typeName}`).join(", ")})`);
    }
  }
  if ((format === "json" || format === "csv") && userSchema === null) {
    throw schemaRequired(format);
  }
  if (fmt.format === "csv" && userSchema !== null) checkCsvSchema(userSchema, fmt.csv);
  if (fmt.format === "json" && userSchema !== null) {
    const name = fmt.reader.columnNameOfCorruptRecord ?? "_corrupt_record";
    const c = userSchema.fields.find((x) => x.name === name);
    if (c !== undefined && (c.dataType.typeName !== "string" || !c.nullable)) {
      throw new ConfigError(`json source: the corrupt record field '${name}' must be a nullable string, got ${c.dataType.typeName}`);
    }
  }
}

/**
 * The schema of the batches a `format` source produces, checked against storage: the path must
 * exist (unless it is a glob, as in Spark), and a parquet source without `.schema(...)` infers it
 * from the files (see `parquet-schema-inference.ts`; Spark infers only for batch reads, but sluice
 * infers for streaming reads too). Every parquet field is nullable, as Spark makes file-source
 * schemas. Throws as {@link checkFileSource}, ConfigError for a missing path, AnalysisError when
 * there is no file to infer from.
 */
export async function resolveFileSourceSchema(format: FileFormat, options: Readonly<Record<string, string>>, userSchema: StructType | null): Promise<StructType> {
  checkFileSource(format, options, userSchema);
  const { file } = resolveFileSourceOptions(format, options);
  const loc = resolveSourceLocation(file.path);
  await checkPathExists(format, loc, file.path);
  if (format === "parquet" && userSchema === null) return inferParquetSchema(loc, file);
  return declaredSchema(format, userSchema);
}

/**
 * The error for a json or csv source without a schema. Structured Streaming never infers one; a
 * batch read in Spark would, which sluice does not do yet.
 */
function schemaRequired(format: FileFormat): ConfigError {
  return new ConfigError(`${format} source: a schema is required; pass .schema(...) (streaming file sources never infer one, and sluice does not infer one for batch reads yet)`, {
    option: "schema",
  });
}

/** The schema of a `format` source given `userSchema` (not null for json/csv, as checkFileSource ensures). */
function declaredSchema(format: FileFormat, userSchema: StructType | null): StructType {
  if (format === "text") return userSchema ?? TEXT_SCHEMA;
  if (userSchema === null) throw schemaRequired(format);
  if (format === "parquet") return StructType(userSchema.fields.map((f) => StructField(f.name, asNullable(f.dataType), true, f.metadata)));
  return userSchema;
}

function pathMissing(format: FileFormat, path: string): ConfigError {
  return new ConfigError(`${format} source: path does not exist: ${path}`, { option: "path", path });
}

/**
 * JSON and CSV read zone-less timestamps in their `timeZone` option, which defaults to the
 * session's time zone as in Spark (`JSONOptions`/`CSVOptions` take `SQLConf.sessionLocalTimeZone`).
 */
function withSessionZone(format: FileFormat, options: Readonly<Record<string, string>>, zone: string | undefined): Readonly<Record<string, string>> {
  if (zone === undefined || (format !== "json" && format !== "csv")) return options;
  if (Object.keys(options).some((k) => k.toLowerCase() === "timezone")) return options;
  return { ...options, timeZone: zone };
}

/**
 * A new streaming file source for `format` with Spark's option names (`path`,
 * `maxFilesPerTrigger`, `maxBytesPerTrigger`, `latestFirst`, `fileNameOnly`, `pathGlobFilter`,
 * `recursiveFileLookup`, `maxFileAge`, `cleanSource` = off, plus the format's options), reading
 * with `hints.schema`. No I/O.
 */
export function createFileSource(format: FileFormat, options: Readonly<Record<string, string>>, hints: SourceHints): StreamSource {
  const { file, format: formatOptions } = resolveFileSourceOptions(format, withSessionZone(format, options, hints.timeZone));
  const columns = hints.columns ?? null;
  return new FileStreamSource({ format, schema: hints.schema, file, formatOptions, location: resolveSourceLocation(file.path), columns, jsonValue: hints.jsonValue ?? null });
}

/**
 * Spark fails at `load()` when a (non-glob) source path does not exist, rather than waiting forever
 * on a misspelt folder; so do we. A path exists when it names an object or a folder
 * (`Storage.exists`).
 */
async function checkPathExists(format: FileFormat, loc: SourceLocation, path: string): Promise<void> {
  if (loc.patterns.length > 0 || loc.key === "") return;
  if (!(await loc.storage.exists(loc.key))) throw pathMissing(format, path);
}
