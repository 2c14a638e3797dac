/**
 * Options of the delta source (`spark.read/readStream.format("delta")`), with Delta's names
 * (`DeltaOptions`): validated once, unknown names refused with a did-you-mean, cross-field rules
 * reported in the user's terms.
 */
import { z } from "zod";
import { ConfigError } from "../../errors.js";
import { booleanOption, byteSizeOption, onlyDefault, positiveIntOption, validateOptions } from "../../options.js";
import { parseTimestamp } from "../../exec/eval/datetime.js";

/** A non-negative integer (a table version). */
const versionOption = z.string().transform((s, ctx) => {
  const t = s.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "must be a non-negative integer (a table version)" });
    return z.NEVER;
  }
  return n;
});

/** `latest` or a table version. */
const startingVersionOption = z.string().transform((s, ctx): number | "latest" => {
  const t = s.trim();
  if (t.toLowerCase() === "latest") return "latest";
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "must be 'latest' or a non-negative integer (a table version)" });
    return z.NEVER;
  }
  return n;
});

/** A timestamp as Spark casts a string to one (session zone UTC): milliseconds since the epoch. */
export const timestampOption = z.string().transform((s, ctx) => {
  const us = parseTimestamp(s);
  if (us === null) {
    ctx.addIssue({ code: "custom", message: "must be a timestamp such as 2024-01-01, 2024-01-01 10:00:00 or 2024-01-01T10:00:00Z" });
    return z.NEVER;
  }
  // Floor to the millisecond: commit timestamps are milliseconds.
  return Number(us / 1000n) - (us % 1000n < 0n ? 1 : 0);
});

/** A regular expression (Java syntax is close enough for the patterns used on file paths). */
const regexOption = z.string().transform((s, ctx) => {
  try {
    return new RegExp(s);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a valid regular expression" });
    return z.NEVER;
  }
});

const SHAPE = {
  path: z.string(),
  versionAsOf: versionOption,
  timestampAsOf: timestampOption,
  startingVersion: startingVersionOption,
  startingTimestamp: timestampOption,
  maxFilesPerTrigger: positiveIntOption,
  maxBytesPerTrigger: byteSizeOption,
  ignoreDeletes: booleanOption,
  ignoreChanges: booleanOption,
  ignoreFileDeletion: booleanOption,
  skipChangeCommits: booleanOption,
  excludeRegex: regexOption,
  failOnDataLoss: onlyDefault("true", "a missing commit file always fails the query"),
  readChangeFeed: onlyDefault("false", "the change data feed is not supported"),
};

/** Delta's default `maxFilesPerTrigger` (`DeltaOptions.MAX_FILES_PER_TRIGGER_OPTION_DEFAULT`). */
export const DEFAULT_MAX_FILES_PER_TRIGGER = 1000;

/** The delta source's options, validated. */
export interface DeltaSourceOptions {
  readonly path: string;
  /** Batch time travel: the version to read. */
  readonly versionAsOf: number | null;
  /** Batch time travel: the latest version committed at or before this time (ms since the epoch). */
  readonly timestampAsOf: number | null;
  /** Streaming: read changes from this version (`latest`: from the next commit) instead of a snapshot. */
  readonly startingVersion: number | "latest" | null;
  /** Streaming: read changes from the first version committed at or after this time (ms). */
  readonly startingTimestamp: number | null;
  /** Files per micro-batch; null when unset (then 1000, unless only `maxBytesPerTrigger` is set). */
  readonly maxFilesPerTrigger: number | null;
  /** Soft byte cap per micro-batch (at least one file is admitted). */
  readonly maxBytesPerTrigger: number | null;
  /** Commits that only remove files (dataChange) are skipped instead of failing the query. */
  readonly ignoreDeletes: boolean;
  /** Commits that rewrite files are read (their adds, which may repeat rows) instead of failing. */
  readonly ignoreChanges: boolean;
  /** Commits that remove files (dataChange) are skipped whole, adds included. */
  readonly skipChangeCommits: boolean;
  /** Files whose path matches are not read. */
  readonly excludeRegex: RegExp | null;
}

/**
 * Validates `raw` (names case-insensitive). `path` is required.
 * @throws ConfigError naming the option and value: unknown option (with a did-you-mean), bad value,
 *   missing path, both `startingVersion` and `startingTimestamp`, both `versionAsOf` and `timestampAsOf`.
 */
export function resolveDeltaSourceOptions(raw: Readonly<Record<string, string>>): DeltaSourceOptions {
  const o = validateOptions("delta source", SHAPE, raw);
  if (o.path === undefined || o.path.trim() === "") {
    throw new ConfigError("delta source: 'path' is not specified; pass it to load(path) or .option('path', ...)", { option: "path" });
  }
  if (o.startingVersion !== undefined && o.startingTimestamp !== undefined) {
    throw new ConfigError("delta source: please either provide 'startingVersion' or 'startingTimestamp', not both", { option: "startingTimestamp" });
  }
  if (o.versionAsOf !== undefined && o.timestampAsOf !== undefined) {
    throw new ConfigError("delta source: cannot specify both 'versionAsOf' and 'timestampAsOf'", { option: "timestampAsOf" });
  }
  const ignoreFileDeletion = o.ignoreFileDeletion ?? false;
  return {
    path: o.path,
    versionAsOf: o.versionAsOf ?? null,
    timestampAsOf: o.timestampAsOf ?? null,
    startingVersion: o.startingVersion ?? null,
    startingTimestamp: o.startingTimestamp ?? null,
    maxFilesPerTrigger: o.maxFilesPerTrigger ?? null,
    maxBytesPerTrigger: o.maxBytesPerTrigger ?? null,
    // Delta's deprecated ignoreFileDeletion allows both deletes and changes.
    ignoreDeletes: (o.ignoreDeletes ?? false) || ignoreFileDeletion,
    ignoreChanges: (o.ignoreChanges ?? false) || ignoreFileDeletion,
    skipChangeCommits: o.skipChangeCommits ?? false,
    excludeRegex: o.excludeRegex ?? null,
  };
}
