/**
 * Options of `from_json` and the JSON source's record parser, named and defaulted as Spark's
 * JSON options (the defaults are in the shape). Names match case-insensitively; values may be
 * typed (`true`) or, as in a Spark option map, strings (`"true"`). Unknown names are a
 * {@link ConfigError} with a did-you-mean.
 */
import { z } from "zod";
import { booleanOption, enumOption, validateOptions } from "../../options.js";
import type { OptionInput, OptionValues } from "../../options.js";

/** The option set; {@link JsonOptions} is inferred from it. */
export const jsonParseOptionShape = {
  /** How malformed records are handled. */
  mode: enumOption(["PERMISSIVE", "FAILFAST", "DROPMALFORMED"] as const).default("PERMISSIVE"),
  /** The string field that receives a malformed record's text. */
  columnNameOfCorruptRecord: z.string().min(1, { message: "must not be empty" }).default("_corrupt_record"),
  /** Accept `007` (Jackson's ALLOW_NUMERIC_LEADING_ZEROS). */
  allowNumericLeadingZeros: booleanOption.default(false),
  /** Accept `'single-quoted'` strings and names (true in Spark). */
  allowSingleQuotes: booleanOption.default(true),
  /** Accept `NaN`, `Infinity`, `-Infinity`, `+INF`, `-INF` tokens and strings for floating fields. */
  allowNonNumericNumbers: booleanOption.default(true),
  /** Accept `\` before any character. */
  allowBackslashEscapingAnyCharacter: booleanOption.default(false),
  /** Accept raw control characters inside strings. */
  allowUnquotedControlChars: booleanOption.default(false),
  /** Session time zone for timestamps without an offset (Spark's `timeZone`). */
  timeZone: z.string().min(1, { message: "must not be empty" }).default("UTC"),
};

/** Options of {@link fromJson} / {@link parseJsonLines}, as callers pass them. */
export type FromJsonOptions = OptionInput<typeof jsonParseOptionShape>;

/** How malformed records are handled. */
export type JsonParseMode = JsonOptions["mode"];

/** Options with every default applied. */
export type JsonOptions = OptionValues<typeof jsonParseOptionShape>;

/** Validates `options` and applies Spark's defaults. `subsystem` starts error messages. */
export function resolveJsonOptions(subsystem: string, options: FromJsonOptions | undefined): JsonOptions {
  return validateOptions(subsystem, jsonParseOptionShape, options ?? {});
}
