/**
 * Delta table properties the writer honours (`metaData.configuration`), with the value syntax Spark
 * accepts: `delta.deletedFileRetentionDuration` as a calendar interval (`interval 1 week`) and
 * `delta.targetFileSize` as a byte size (`134217728`, `128mb`).
 */
import { ConfigError } from "../../errors.js";
import { byteSize } from "../../options.js";

/** The property that sets how long remove tombstones are kept in checkpoints. */
export const DELETED_FILE_RETENTION_PROPERTY = "delta.deletedFileRetentionDuration";

/** Delta's default `delta.deletedFileRetentionDuration`: one week. */
export const DEFAULT_DELETED_FILE_RETENTION_MS = 7 * 86_400_000;

/** The property that sets the target size of written data files. */
export const TARGET_FILE_SIZE_PROPERTY = "delta.targetFileSize";

/** The default target data file size: 128 MiB, as Delta's OPTIMIZE target. */
export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

const INTERVAL_UNITS: Readonly<Record<string, number>> = {
  microsecond: 0.001,
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

/**
 * Milliseconds of a Spark calendar interval string as Delta's interval properties take it:
 * `interval 1 week`, `interval 2 days 12 hours`, `7 days` (the `interval` keyword is optional, units
 * are singular or plural, case-insensitive). Months and years are refused, as Delta refuses them
 * for durations (their length varies).
 * @throws ConfigError naming `what` and the value when it does not parse or is negative.
 */
export function parseCalendarInterval(text: string, what: string): number {
  const bad = (why: string): never => {
    throw new ConfigError(`delta: ${what} ${why}, got '${text}' (expected e.g. 'interval 1 week' or 'interval 168 hours')`, { option: what });
  };
  const tokens = text.trim().toLowerCase().split(/\s+/);
  if (tokens[0] === "interval") tokens.shift();
  if (tokens.length === 0 || tokens[0] === "" || tokens.length % 2 !== 0) bad("is not an interval");
  let ms = 0;
  for (let i = 0; i < tokens.length; i += 2) {
    if (!/^[+-]?\d+(\.\d+)?$/.test(tokens[i])) bad(`has a bad number '${tokens[i]}'`);
    const unit = tokens[i + 1].replace(/s$/, "");
    if (unit === "month" || unit === "year") bad("cannot use months or years");
    const scale = INTERVAL_UNITS[unit];
    if (scale === undefined) bad(`has an unknown unit '${tokens[i + 1]}'`);
    ms += Number(tokens[i]) * scale;
  }
  if (ms < 0) bad("must not be negative");
  return Math.floor(ms);
}

/**
 * A table property holding a byte size, read as Spark's `byteStringAsBytes` (see `byteSize`).
 * @throws ConfigError naming `what` and the value when it does not parse or is not positive.
 */
export function parseByteSize(text: string, what: string): number {
  const n = byteSize(text);
  if (n === null) {
    throw new ConfigError(`delta: ${what} must be a positive size such as 134217728, 128mb or 1gb, got '${text}'`, { option: what });
  }
  return n;
}

/**
 * The tombstone retention of a table (`delta.deletedFileRetentionDuration`, default one week), in ms.
 * @throws ConfigError when the property is set but is not a valid interval.
 */
export function deletedFileRetentionMs(configuration: Readonly<Record<string, string>>): number {
  const raw = configuration[DELETED_FILE_RETENTION_PROPERTY];
  return raw === undefined ? DEFAULT_DELETED_FILE_RETENTION_MS : parseCalendarInterval(raw, DELETED_FILE_RETENTION_PROPERTY);
}

/**
 * The target data file size of a table (`delta.targetFileSize`), or undefined when it is not set.
 * @throws ConfigError when the property is set but is not a valid size.
 */
export function tableTargetFileSize(configuration: Readonly<Record<string, string>>): number | undefined {
  const raw = configuration[TARGET_FILE_SIZE_PROPERTY];
  return raw === undefined ? undefined : parseByteSize(raw, TARGET_FILE_SIZE_PROPERTY);
}
