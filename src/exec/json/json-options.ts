/**
 * Options of `from_json` and the JSON source's record parser, named and defaulted as Spark's
 * JSON options. Names match case-insensitively; values may be typed (`true`) or, as in a Spark
 * option map, strings (`"true"`). Unknown names are a {@link ConfigError} with a did-you-mean.
 */
import { z } from "zod";
import { ConfigError, suggestion } from "../../errors.js";
import type { ScannerOptions } from "./json-scanner.js";

const bool = z.union([
  z.boolean(),
  z.string().transform((s, ctx) => {
    const l = s.trim().toLowerCase();
    if (l === "true") return true;
    if (l === "false") return false;
    ctx.addIssue({ code: "custom", message: "must be true or false" });
    return z.NEVER;
  }),
]);

const mode = z.string().transform((s, ctx) => {
  const u = s.trim().toUpperCase();
  if (u === "PERMISSIVE" || u === "FAILFAST" || u === "DROPMALFORMED") return u;
  ctx.addIssue({ code: "custom", message: "must be one of PERMISSIVE, FAILFAST, DROPMALFORMED" });
  return z.NEVER;
});

/** The option schema. */
export const jsonParseOptionsSchema = z.object({
  /** How malformed records are handled. Default PERMISSIVE. */
  mode: mode.optional(),
  /** The string field that receives a malformed record's text. Default `_corrupt_record`. */
  columnNameOfCorruptRecord: z.string().min(1).optional(),
  /** Accept `007` (Jackson's ALLOW_NUMERIC_LEADING_ZEROS). Default false. */
  allowNumericLeadingZeros: bool.optional(),
  /** Accept `'single-quoted'` strings and names. Default true, as in Spark. */
  allowSingleQuotes: bool.optional(),
  /** Accept `NaN`, `Infinity`, `-Infinity`, `+INF`, `-INF` tokens and strings for floating fields. Default true. */
  allowNonNumericNumbers: bool.optional(),
  /** Accept `\` before any character. Default false. */
  allowBackslashEscapingAnyCharacter: bool.optional(),
  /** Accept raw control characters inside strings. Default false. */
  allowUnquotedControlChars: bool.optional(),
  /** Session time zone for timestamps without an offset (Spark's `timeZone`). Default `UTC`. */
  timeZone: z.string().min(1).optional(),
});

/** Options of {@link fromJson} / {@link parseJsonLines} (see the schema for defaults). */
export type FromJsonOptions = z.input<typeof jsonParseOptionsSchema>;

/** How malformed records are handled. */
export type JsonParseMode = "PERMISSIVE" | "FAILFAST" | "DROPMALFORMED";

/** Options with every default applied. */
export interface ResolvedJsonOptions extends ScannerOptions {
  readonly mode: JsonParseMode;
  readonly columnNameOfCorruptRecord: string;
}

const NAMES = Object.keys(jsonParseOptionsSchema.shape);

/** Validates `options` and applies Spark's defaults. `subsystem` starts error messages. */
export function resolveJsonOptions(subsystem: string, options: FromJsonOptions | undefined): ResolvedJsonOptions {
  const canonical: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if (value === undefined) continue;
    const key = NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
    if (key === undefined) {
      throw new ConfigError(`${subsystem}: unknown option '${name}'${suggestion(name, NAMES)}`, { option: name });
    }
    canonical[key] = value;
  }
  const r = jsonParseOptionsSchema.safeParse(canonical);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = String(issue?.path[0] ?? "");
    throw new ConfigError(`${subsystem}: option '${name}' ${issue?.message ?? "is invalid"}, got ${JSON.stringify(canonical[name])}`, {
      option: name,
    });
  }
  const o = r.data;
  return Object.freeze({
    mode: (o.mode ?? "PERMISSIVE") as JsonParseMode,
    columnNameOfCorruptRecord: o.columnNameOfCorruptRecord ?? "_corrupt_record",
    allowNumericLeadingZeros: o.allowNumericLeadingZeros ?? false,
    allowSingleQuotes: o.allowSingleQuotes ?? true,
    allowNonNumericNumbers: o.allowNonNumericNumbers ?? true,
    allowBackslashEscapingAnyCharacter: o.allowBackslashEscapingAnyCharacter ?? false,
    allowUnquotedControlChars: o.allowUnquotedControlChars ?? false,
    timeZone: o.timeZone ?? "UTC",
  });
}
