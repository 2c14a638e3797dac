/**
 * Options of the streaming file source (Spark's `FileStreamOptions`) plus each format's own options,
 * validated once when the query is defined. Names are case-insensitive, as in Spark.
 */
import { z } from "zod";
import { ConfigError } from "../../errors.js";
import {
  booleanOption,
  durationOption,
  encodingOption,
  enumOption,
  lineSepOption,
  onlyDefault,
  positiveIntOption,
  validateOptions,
} from "../../formats/text/options.js";
import { byteSizeOption } from "../../options.js";
import type { OptionShape, OptionValues } from "../../options.js";
import { csvOptionAliases, csvOptionShape, resolveCsvOptions } from "../../formats/csv/options.js";
import type { CsvOptions } from "../../formats/csv/options.js";

/** The formats the file source reads. */
export type FileFormat = "text" | "json" | "csv" | "parquet";

const notInStreaming = z.string().refine(() => false, { message: "is not allowed in streaming file sources (as in Spark)" });

/** Options every format shares: where files are and which to admit per batch. */
export const fileSourceOptionShape = {
  path: z.string().refine((s) => s.trim() !== "", { message: "must not be empty" }),
  maxFilesPerTrigger: positiveIntOption,
  maxBytesPerTrigger: positiveIntOption,
  latestFirst: booleanOption.default(false),
  fileNameOnly: booleanOption.default(false),
  pathGlobFilter: z.string().refine((s) => s !== "", { message: "must not be empty" }),
  recursiveFileLookup: booleanOption.default(false),
  /** Spark's `maxFileAge` in ms (default 7 days), relative to the newest file seen. */
  maxFileAge: durationOption.default(7 * 24 * 3600 * 1000),
  cleanSource: enumOption(["archive", "delete", "off"] as const).refine((v) => v === "off", {
    message: "is not supported yet (only \"off\"; files are never moved or deleted)",
  }),
  sourceArchiveDir: z.string().refine(() => false, { message: "is not supported yet (cleanSource 'archive' is not implemented)" }),
  ignoreCorruptFiles: booleanOption.default(false),
  ignoreMissingFiles: booleanOption.default(false),
  /**
   * Longest record (line) read whole, in bytes (default 16 MiB): a longer one is cut to its first
   * 4 KiB, which no longer parses (it reaches the corrupt-record column), and counted in the
   * progress (`numRecordsTooLarge`); the rest of it is never held in memory.
   */
  maxRecordBytes: byteSizeOption.default(16 * 1024 * 1024),
  /**
   * Lists only keys after the greatest key admitted so far (S3's StartAfter) instead of the whole
   * folder, and admits files in key order: for landing zones whose keys sort by arrival time, as
   * Firehose's `yyyy/MM/dd/HH/` prefixes do (Auto Loader's `cloudFiles.useIncrementalListing`).
   */
  useIncrementalListing: booleanOption.default(false),
  /** With incremental listing: list the whole folder again at most this often, for late keys (ms). */
  backfillInterval: durationOption,
  modifiedBefore: notInStreaming,
  modifiedAfter: notInStreaming,
};

const textOptionShape = {
  wholetext: onlyDefault("false", "each line is a record"),
  lineSep: lineSepOption,
  encoding: encodingOption,
};

/** Parquet options: Spark's `mergeSchema` at its default only (no other parquet option is read). */
const parquetOptionShape = {
  mergeSchema: onlyDefault("false", "the schema comes from the user or from the first file"),
};

/**
 * JSON options: those the engine's JSON reader honours (validated here for messages in the user's
 * terms, then handed to it), plus Spark's other JSON options accepted at their defaults only.
 */
const jsonOptionShape = {
  mode: enumOption(["PERMISSIVE", "DROPMALFORMED", "FAILFAST"] as const),
  columnNameOfCorruptRecord: z.string().min(1, { message: "must not be empty" }),
  allowNumericLeadingZeros: booleanOption,
  allowSingleQuotes: booleanOption,
  allowNonNumericNumbers: booleanOption,
  allowBackslashEscapingAnyCharacter: booleanOption,
  allowUnquotedControlChars: booleanOption,
  timeZone: z.string().min(1, { message: "must not be empty" }),
  multiLine: onlyDefault("false", "records spanning lines are not read yet"),
  lineSep: lineSepOption,
  encoding: encodingOption,
  primitivesAsString: onlyDefault("false", "not implemented"),
  prefersDecimal: onlyDefault("false", "not implemented"),
  allowComments: onlyDefault("false", "not implemented"),
  allowUnquotedFieldNames: onlyDefault("false", "not implemented"),
  dropFieldIfAllNull: onlyDefault("false", "not implemented"),
  dateFormat: onlyDefault("yyyy-MM-dd", "JSON dates use Spark's default format"),
  timestampFormat: onlyDefault("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]", "JSON timestamps use Spark's default format"),
  locale: onlyDefault("en-US", "not implemented"),
  samplingRatio: z.string(),
};

/** The JSON options passed through to the engine's JSON reader. */
const JSON_READER_OPTIONS = [
  "mode",
  "columnNameOfCorruptRecord",
  "allowNumericLeadingZeros",
  "allowSingleQuotes",
  "allowNonNumericNumbers",
  "allowBackslashEscapingAnyCharacter",
  "allowUnquotedControlChars",
  "timeZone",
] as const;

/** Resolved file-source options (format options resolved separately); `path` is required. */
export type FileSourceOptions = OptionValues<typeof fileSourceOptionShape> & { readonly path: string };

/** Resolved per-format reading options. */
export type FormatOptions =
  | { readonly format: "text"; readonly lineSep: string | null }
  | {
      readonly format: "json";
      readonly lineSep: string | null;
      /** Options for `parseJsonLines` (canonical names, the user's string values). */
      readonly reader: Readonly<Record<string, string>>;
    }
  | { readonly format: "csv"; readonly lineSep: string | null; readonly csv: CsvOptions }
  | { readonly format: "parquet"; readonly lineSep: null };

/** The options of the `format` reader itself (the file source's own come on top). */
function formatOptionShape(format: FileFormat): OptionShape {
  return format === "text" ? textOptionShape : format === "json" ? jsonOptionShape : format === "parquet" ? parquetOptionShape : csvOptionShape;
}

/**
 * Whether the `format` source takes the option `name` (case-insensitive; CSV's aliases too). For
 * the options stored with a catalog table (`CREATE TABLE … OPTIONS (…)`): they reach its source
 * as in Spark, whose sources ignore the names they do not know, where options given to a read
 * directly are checked whole.
 */
export function isFileSourceOption(format: FileFormat, name: string): boolean {
  const names = [...Object.keys(formatOptionShape(format)), ...Object.keys(fileSourceOptionShape), ...(format === "csv" ? Object.keys(csvOptionAliases) : [])];
  const n = name.toLowerCase();
  return names.some((k) => k.toLowerCase() === n);
}

/**
 * Validates `raw` for `format`: unknown names are a {@link ConfigError} with a did-you-mean, bad
 * values name the option and value, and Spark's cross-option rules apply (`maxFilesPerTrigger` and
 * `maxBytesPerTrigger` are exclusive). `path` may come from `load(path)` instead of the options.
 */
export function resolveFileSourceOptions(
  format: FileFormat,
  raw: Readonly<Record<string, string>>,
): { file: FileSourceOptions; format: FormatOptions } {
  const subsystem = `${format} source`;
  const formatShape = formatOptionShape(format);
  const aliases: Record<string, string> = format === "csv" ? { ...csvOptionAliases } : {};
  const shape = { ...formatShape, ...fileSourceOptionShape };
  // Every name and value is checked against the whole option set; the file options are then read
  // typed from their own shape.
  const o = validateOptions(subsystem, shape, raw, aliases as Record<string, keyof typeof shape & string>);
  const fileNames = new Set(Object.keys(fileSourceOptionShape).map((k) => k.toLowerCase()));
  const f = validateOptions(subsystem, fileSourceOptionShape, Object.fromEntries(Object.entries(raw).filter(([k]) => fileNames.has(k.toLowerCase()))));
  const path = f.path;
  if (path === undefined) {
    throw new ConfigError(`${subsystem}: a path is required; pass it to load(path) or as option 'path'`, { option: "path" });
  }
  if (f.maxFilesPerTrigger !== undefined && f.maxBytesPerTrigger !== undefined) {
    throw new ConfigError(`${subsystem}: options 'maxFilesPerTrigger' and 'maxBytesPerTrigger' can't be both set at the same time`, {
      option: "maxBytesPerTrigger",
    });
  }
  if (f.useIncrementalListing && f.latestFirst) {
    throw new ConfigError(`${subsystem}: option 'latestFirst' cannot be used with 'useIncrementalListing', which admits files in key order`, {
      option: "latestFirst",
    });
  }
  if (f.backfillInterval !== undefined && !f.useIncrementalListing) {
    throw new ConfigError(`${subsystem}: option 'backfillInterval' only applies with 'useIncrementalListing' set to true`, { option: "backfillInterval" });
  }
  const file: FileSourceOptions = Object.freeze({ ...f, path });
  if (format === "parquet") return { file, format: { format, lineSep: null } };
  const lineSep = "lineSep" in o && typeof o.lineSep === "string" ? o.lineSep : null;
  if (format === "text") return { file, format: { format, lineSep } };
  if (format === "json") {
    const reader: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      const name = JSON_READER_OPTIONS.find((n) => n.toLowerCase() === k.toLowerCase());
      if (name !== undefined) reader[name] = v;
    }
    return { file, format: { format, lineSep, reader } };
  }
  // The CSV reader resolves its own options from the CSV subset (already validated above).
  const csvNames = new Set([...Object.keys(csvOptionShape), ...Object.keys(csvOptionAliases)].map((k) => k.toLowerCase()));
  const csvRaw: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (csvNames.has(k.toLowerCase())) csvRaw[k] = v;
  return { file, format: { format, lineSep, csv: resolveCsvOptions(csvRaw, subsystem) } };
}
