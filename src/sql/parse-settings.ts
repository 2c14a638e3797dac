/**
 * Session settings that change how SQL text parses, as Spark's parser reads them from `SQLConf`:
 * `spark.sql.legacy.interval.enabled` (interval literals are calendar intervals) and
 * `spark.sql.timestampType` (`TIMESTAMP_NTZ` makes `TIMESTAMP` in literals and types mean
 * TIMESTAMP_NTZ). Parsing is synchronous, so the settings are ambient: `spark.sql` sets them around
 * the statement it parses; parsing outside one (`expr(...)`) sees the defaults.
 */

export interface ParseSettings {
  readonly legacyIntervals: boolean;
  readonly timestampNtz: boolean;
}

const DEFAULTS: ParseSettings = { legacyIntervals: false, timestampNtz: false };
let current: ParseSettings = DEFAULTS;

/** The settings parsing now uses. */
export function parseSettings(): ParseSettings {
  return current;
}

/** Runs `fn` (which parses SQL) with `settings`. */
export function withParseSettings<T>(settings: ParseSettings, fn: () => T): T {
  const saved = current;
  current = settings;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/** The parse settings of a session configuration (`get` reads a key). */
export function parseSettingsOf(get: (key: string) => string | undefined): ParseSettings {
  return {
    legacyIntervals: (get("spark.sql.legacy.interval.enabled") ?? "").toLowerCase() === "true",
    timestampNtz: (get("spark.sql.timestampType") ?? "").toUpperCase() === "TIMESTAMP_NTZ",
  };
}
