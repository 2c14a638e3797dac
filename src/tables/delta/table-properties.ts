/**
 * Delta table properties sluice honours (`metaData.configuration`), with the value syntax Spark
 * accepts: durations (`delta.deletedFileRetentionDuration`, `delta.logRetentionDuration`,
 * `delta.checkpointRetentionDuration`) as calendar intervals (`interval 1 week`),
 * `delta.targetFileSize` as a byte size (`134217728`, `128mb`), counts and flags as Delta parses
 * them. {@link newTableProperties} decides the properties a new table is created with: writer
 * options named `delta.*` over the session's `spark.databricks.delta.properties.defaults.*`, as
 * Delta merges them.
 */
import { ConfigError, suggestion } from "../../errors.js";
import { byteSize } from "../../options.js";

/** The property that sets how long remove tombstones are kept in checkpoints. */
export const DELETED_FILE_RETENTION_PROPERTY = "delta.deletedFileRetentionDuration";

/** Delta's default `delta.deletedFileRetentionDuration`: one week. */
export const DEFAULT_DELETED_FILE_RETENTION_MS = 7 * 86_400_000;

/** The property that sets the target size of written data files. */
export const TARGET_FILE_SIZE_PROPERTY = "delta.targetFileSize";

/** The default target data file size: 128 MiB, as Delta's OPTIMIZE target. */
export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

/** The table property that sets the checkpoint interval. */
export const CHECKPOINT_INTERVAL_PROPERTY = "delta.checkpointInterval";

/** Delta's default `delta.checkpointInterval`: a checkpoint every 10 commits. */
export const DEFAULT_CHECKPOINT_INTERVAL = 10;

/** How long commits (and the checkpoints they need) are kept in the log before cleanup. */
export const LOG_RETENTION_PROPERTY = "delta.logRetentionDuration";

/** Delta's default `delta.logRetentionDuration`: `interval 30 days`. */
export const DEFAULT_LOG_RETENTION_MS = 30 * 86_400_000;

/** How long a checkpoint file is kept at least (the newest one is never deleted). */
export const CHECKPOINT_RETENTION_PROPERTY = "delta.checkpointRetentionDuration";

/** Delta's default `delta.checkpointRetentionDuration`: `interval 2 days`. */
export const DEFAULT_CHECKPOINT_RETENTION_MS = 2 * 86_400_000;

/** Whether expired log files and checkpoints are deleted after a checkpoint (default true). */
export const ENABLE_EXPIRED_LOG_CLEANUP_PROPERTY = "delta.enableExpiredLogCleanup";

/** The table property that makes a table append-only. */
export const APPEND_ONLY_PROPERTY = "delta.appendOnly";

/**
 * The session settings that give new tables a property: `<prefix><name>` sets `delta.<name>`
 * (`spark.databricks.delta.properties.defaults.logRetentionDuration` → `delta.logRetentionDuration`).
 */
export const SESSION_DEFAULTS_PREFIX = "spark.databricks.delta.properties.defaults.";

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

/**
 * The checkpoint interval of a table: `delta.checkpointInterval` from its configuration, else 10.
 * @throws ConfigError when the property is set but is not a positive integer.
 */
export function checkpointInterval(configuration: Readonly<Record<string, string>>): number {
  const raw = configuration[CHECKPOINT_INTERVAL_PROPERTY];
  return raw === undefined ? DEFAULT_CHECKPOINT_INTERVAL : parsePositiveInt(raw, CHECKPOINT_INTERVAL_PROPERTY);
}

/**
 * How long a table keeps its log (`delta.logRetentionDuration`, default 30 days), in ms.
 * @throws ConfigError when the property is set but is not a valid interval.
 */
export function logRetentionMs(configuration: Readonly<Record<string, string>>): number {
  const raw = configuration[LOG_RETENTION_PROPERTY];
  return raw === undefined ? DEFAULT_LOG_RETENTION_MS : parseCalendarInterval(raw, LOG_RETENTION_PROPERTY);
}

/**
 * How long a table keeps checkpoint files (`delta.checkpointRetentionDuration`, default 2 days), in ms.
 * @throws ConfigError when the property is set but is not a valid interval.
 */
export function checkpointRetentionMs(configuration: Readonly<Record<string, string>>): number {
  const raw = configuration[CHECKPOINT_RETENTION_PROPERTY];
  return raw === undefined ? DEFAULT_CHECKPOINT_RETENTION_MS : parseCalendarInterval(raw, CHECKPOINT_RETENTION_PROPERTY);
}

/**
 * Whether a table's expired log files are cleaned up (`delta.enableExpiredLogCleanup`, default true).
 * @throws ConfigError when the property is set but is not true or false.
 */
export function expiredLogCleanupEnabled(configuration: Readonly<Record<string, string>>): boolean {
  const raw = configuration[ENABLE_EXPIRED_LOG_CLEANUP_PROPERTY];
  return raw === undefined ? true : parseBoolean(raw, ENABLE_EXPIRED_LOG_CLEANUP_PROPERTY);
}

/** The properties a writer may give a new table, each with Delta's value check. */
const SETTABLE_PROPERTIES: Readonly<Record<string, (value: string, key: string) => unknown>> = {
  [APPEND_ONLY_PROPERTY]: parseBoolean,
  [CHECKPOINT_INTERVAL_PROPERTY]: parsePositiveInt,
  [CHECKPOINT_RETENTION_PROPERTY]: parseCalendarInterval,
  [DELETED_FILE_RETENTION_PROPERTY]: parseCalendarInterval,
  [ENABLE_EXPIRED_LOG_CLEANUP_PROPERTY]: parseBoolean,
  [LOG_RETENTION_PROPERTY]: parseCalendarInterval,
  [TARGET_FILE_SIZE_PROPERTY]: parseByteSize,
};

/**
 * Splits writer options into the table properties among them (names starting with `delta.`,
 * case-insensitive, as Delta takes them from `df.write.option(...)`) and the others.
 */
export function splitTableProperties(options: Readonly<Record<string, string>>): {
  readonly properties: Readonly<Record<string, string>>;
  readonly others: Readonly<Record<string, string>>;
} {
  const properties: Record<string, string> = {};
  const others: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) {
    if (k.toLowerCase().startsWith("delta.")) properties[k] = v;
    else others[k] = v;
  }
  return { properties, others };
}

/**
 * The configuration a new table is created with, as Delta's `mergeGlobalConfigs` builds it: every
 * session setting `spark.databricks.delta.properties.defaults.<name>` as `delta.<name>`, then the
 * writer's `delta.*` options over them. Names are matched case-insensitively and written in Delta's
 * spelling; values are checked as Delta checks them. Only properties sluice honours on a
 * reader 1 / writer 2 table are accepted.
 * @throws ConfigError naming the property (with a did-you-mean) when it is unknown or not
 *   supported, or naming the property and value when the value is malformed.
 */
export function newTableProperties(
  writerProperties: Readonly<Record<string, string>>,
  sessionConf: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  const known = Object.keys(SETTABLE_PROPERTIES);
  const add = (name: string, value: string, origin: string): void => {
    const key = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) {
      throw new ConfigError(
        `delta writer: table property '${name}' (${origin}) is not supported by sluice${suggestion(name, known)}; supported: ${known.join(", ")}`,
        { option: name },
      );
    }
    SETTABLE_PROPERTIES[key](value, key);
    out[key] = value;
  };
  for (const [k, v] of Object.entries(sessionConf)) {
    if (k.startsWith(SESSION_DEFAULTS_PREFIX)) add(`delta.${k.slice(SESSION_DEFAULTS_PREFIX.length)}`, v, `from the session setting ${k}`);
  }
  for (const [k, v] of Object.entries(writerProperties)) add(k, v, "a writer option");
  return out;
}

function parsePositiveInt(raw: string, what: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === "" || !Number.isInteger(n) || n <= 0) {
    throw new ConfigError(`delta: ${what} must be a positive integer, got '${raw}'`, { option: what });
  }
  return n;
}

function parseBoolean(raw: string, what: string): boolean {
  const l = raw.trim().toLowerCase();
  if (l === "true") return true;
  if (l === "false") return false;
  throw new ConfigError(`delta: ${what} must be true or false, got '${raw}'`, { option: what });
}
