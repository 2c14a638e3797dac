/**
 * Spark's CSV read options: the schema users' option maps are validated against, and the resolved
 * {@link CsvOptions} the parser consumes. Defaults are Spark's.
 */
import { z } from "zod";
import { ConfigError } from "../../errors.js";
import {
  booleanOption,
  enumOption,
  encodingOption,
  lineSepOption,
  onlyDefault,
  positiveIntOption,
  validateOptions,
} from "../text/options.js";
import { compileDatetimePattern } from "./datetime.js";
import type { DatetimePattern } from "./datetime.js";
import { UTC, zoneRules } from "../../columnar/time-zone.js";
import type { ZoneRules } from "../../columnar/time-zone.js";

/** How malformed records are handled (Spark's `mode`). */
export type ParseMode = "PERMISSIVE" | "DROPMALFORMED" | "FAILFAST";

/** A single character option: Spark allows the empty string for "none" on some (`quote`). */
const charOption = z.string().refine((s) => [...s].length <= 1, { message: "must be a single character" });

/** Spark's `sep`: may be several characters; `\t` and `\u0001`-style escapes are understood. */
const sepOption = z.string().transform((s, ctx) => {
  const v = unescapeSeparator(s);
  if (v.length === 0) {
    ctx.addIssue({ code: "custom", message: "must not be empty" });
    return z.NEVER;
  }
  return v;
});

/** The option schema of the CSV reader. */
export const csvOptionShape = {
  sep: sepOption,
  quote: charOption,
  escape: charOption,
  charToEscapeQuoteEscaping: charOption,
  comment: charOption,
  header: booleanOption,
  enforceSchema: booleanOption,
  nullValue: z.string(),
  emptyValue: z.string(),
  nanValue: z.string(),
  positiveInf: z.string(),
  negativeInf: z.string(),
  ignoreLeadingWhiteSpace: booleanOption,
  ignoreTrailingWhiteSpace: booleanOption,
  mode: enumOption(["PERMISSIVE", "DROPMALFORMED", "FAILFAST"] as const),
  columnNameOfCorruptRecord: z.string().min(1, { message: "must not be empty" }),
  dateFormat: z.string().min(1, { message: "must not be empty" }),
  timestampFormat: z.string().min(1, { message: "must not be empty" }),
  enableDateTimeParsingFallback: booleanOption,
  multiLine: onlyDefault("false", "records spanning lines are not read yet"),
  lineSep: lineSepOption,
  encoding: encodingOption,
  maxColumns: positiveIntOption,
  maxCharsPerColumn: onlyDefault("-1", "cells are not length-limited"),
  inferSchema: onlyDefault("false", "streaming sources need a schema"),
  unescapedQuoteHandling: onlyDefault("STOP_AT_DELIMITER", "other strategies are not implemented"),
  locale: onlyDefault("en-US", "numbers and dates are read in en-US"),
  samplingRatio: z.string(),
  preferDate: booleanOption,
  timeZone: z.string().min(1, { message: "must not be empty" }),
};

/** Alternative spellings Spark accepts. */
export const csvOptionAliases = { delimiter: "sep", charset: "encoding" } as const;

/** Resolved CSV options. */
export interface CsvOptions {
  readonly sep: string;
  /** `""` disables quoting (Spark: `quote` set to the empty string → `\u0000`). */
  readonly quote: string;
  readonly escape: string;
  readonly charToEscapeQuoteEscaping: string;
  readonly comment: string;
  readonly header: boolean;
  readonly enforceSchema: boolean;
  readonly nullValue: string;
  readonly emptyValue: string;
  readonly nanValue: string;
  readonly positiveInf: string;
  readonly negativeInf: string;
  readonly ignoreLeadingWhiteSpace: boolean;
  readonly ignoreTrailingWhiteSpace: boolean;
  readonly mode: ParseMode;
  readonly columnNameOfCorruptRecord: string;
  /** Compiled `dateFormat`, or null for Spark's lenient default. */
  readonly dateFormat: DatetimePattern | null;
  /** Compiled `timestampFormat`, or null for Spark's lenient default. */
  readonly timestampFormat: DatetimePattern | null;
  /** Whether a value that does not match a user format is retried with the lenient parser. */
  readonly dateTimeFallback: boolean;
  /** The zone of timestamp texts that name none: the `timeZone` option (the session's, where a caller passes it), else UTC. */
  readonly zone: ZoneRules;
  readonly lineSep: string | null;
  readonly maxColumns: number;
}

/** Spark's defaults. */
export const defaultCsvOptions: CsvOptions = Object.freeze({
  sep: ",",
  quote: '"',
  escape: "\\",
  charToEscapeQuoteEscaping: "",
  comment: "",
  header: false,
  enforceSchema: true,
  nullValue: "",
  emptyValue: "",
  nanValue: "NaN",
  positiveInf: "Inf",
  negativeInf: "-Inf",
  ignoreLeadingWhiteSpace: false,
  ignoreTrailingWhiteSpace: false,
  mode: "PERMISSIVE",
  columnNameOfCorruptRecord: "_corrupt_record",
  dateFormat: null,
  timestampFormat: null,
  dateTimeFallback: true,
  zone: UTC,
  lineSep: null,
  maxColumns: 20480,
});

/**
 * Validates the CSV options in `raw` (names case-insensitive) and resolves them over Spark's
 * defaults. Throws {@link ConfigError} for unknown options or bad values. Quote, escape and comment
 * characters must be ASCII (the parser scans bytes).
 */
export function resolveCsvOptions(raw: Readonly<Record<string, string>>, subsystem = "csv source"): CsvOptions {
  const o = validateOptions(subsystem, csvOptionShape, raw, csvOptionAliases);
  for (const name of ["quote", "escape", "comment", "charToEscapeQuoteEscaping"] as const) {
    const v = o[name];
    if (v !== undefined && v.length === 1 && v.charCodeAt(0) > 127) {
      throw new ConfigError(`${subsystem}: option '${name}' must be an ASCII character, got ${JSON.stringify(v)}`, { option: name });
    }
  }
  const d = defaultCsvOptions;
  const userFormats = o.dateFormat !== undefined || o.timestampFormat !== undefined;
  return Object.freeze({
    sep: o.sep ?? d.sep,
    quote: o.quote ?? d.quote,
    escape: o.escape ?? d.escape,
    charToEscapeQuoteEscaping: o.charToEscapeQuoteEscaping ?? d.charToEscapeQuoteEscaping,
    comment: o.comment ?? d.comment,
    header: o.header ?? d.header,
    enforceSchema: o.enforceSchema ?? d.enforceSchema,
    nullValue: o.nullValue ?? d.nullValue,
    emptyValue: o.emptyValue ?? d.emptyValue,
    nanValue: o.nanValue ?? d.nanValue,
    positiveInf: o.positiveInf ?? d.positiveInf,
    negativeInf: o.negativeInf ?? d.negativeInf,
    ignoreLeadingWhiteSpace: o.ignoreLeadingWhiteSpace ?? d.ignoreLeadingWhiteSpace,
    ignoreTrailingWhiteSpace: o.ignoreTrailingWhiteSpace ?? d.ignoreTrailingWhiteSpace,
    mode: o.mode ?? d.mode,
    columnNameOfCorruptRecord: o.columnNameOfCorruptRecord ?? d.columnNameOfCorruptRecord,
    dateFormat: o.dateFormat === undefined ? null : compileDatetimePattern(o.dateFormat, "dateFormat"),
    timestampFormat: o.timestampFormat === undefined ? null : compileDatetimePattern(o.timestampFormat, "timestampFormat"),
    // Spark falls back to the lenient parsers only when no format was given, unless told otherwise.
    dateTimeFallback: o.enableDateTimeParsingFallback ?? !userFormats,
    zone: o.timeZone === undefined ? d.zone : csvZone(o.timeZone, subsystem),
    lineSep: o.lineSep ?? null,
    maxColumns: o.maxColumns ?? d.maxColumns,
  });
}

/** The rules of the `timeZone` option: an IANA region, an offset or a short id, as Spark's `DateTimeUtils.getZoneId` reads them. */
function csvZone(id: string, subsystem: string): ZoneRules {
  const rules = zoneRules(id);
  if (rules === null) throw new ConfigError(`${subsystem}: option 'timeZone' is not a time zone: ${JSON.stringify(id)}`, { option: "timeZone" });
  return rules;
}

/** Spark's `CSVExprUtils.toDelimiterStr`: `\t` → tab, `\u0001` → U+0001, `\\` → backslash. */
function unescapeSeparator(s: string): string {
  return s.replace(/\\(t|r|n|b|f|"|'|\\|u[0-9a-fA-F]{4})/g, (_m, e: string) => {
    switch (e[0]) {
      case "t":
        return "\t";
      case "r":
        return "\r";
      case "n":
        return "\n";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "u":
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return e;
    }
  });
}
