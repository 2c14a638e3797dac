/**
 * Spark's session settings that bound a streaming query's logs, read from the session's
 * configuration (`spark.conf`) with Spark's names, defaults and value syntax:
 *
 * | Setting | Default | What it bounds |
 * |---|---|---|
 * | `spark.sql.streaming.minBatchesToRetain` | 100 | `offsets/`, `commits/`, state versions, compactible logs |
 * | `spark.sql.streaming.stateStore.minDeltasForSnapshot` | 10 | deltas between state snapshots |
 * | `spark.sql.streaming.fileSource.log.deletion` | true | delete expired file source log files |
 * | `spark.sql.streaming.fileSource.log.compactInterval` | 10 | file source log compaction |
 * | `spark.sql.streaming.fileSource.log.cleanupDelay` | 10m | age before an expired file is deleted |
 * | `spark.sql.streaming.fileSink.log.deletion` | true | delete expired `_spark_metadata` files |
 * | `spark.sql.streaming.fileSink.log.compactInterval` | 10 | `_spark_metadata` compaction |
 * | `spark.sql.streaming.fileSink.log.cleanupDelay` | 10m | age before an expired file is deleted |
 *
 * Durations are Spark time strings (`10m`, `30s`, `500ms`; a bare number is milliseconds).
 */
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { booleanOption, durationOption, positiveIntOption } from "../options.js";

/** How a compactible metadata log (`CompactibleLog`) is compacted and cleaned up. */
export interface CompactibleLogSettings {
  /** Batches per compaction. */
  readonly compactInterval: number;
  /** Whether files no reader needs any more are deleted. */
  readonly deletion: boolean;
  /** How old an expired file must be before it is deleted, in ms. */
  readonly cleanupDelayMs: number;
  /** Batches whose files are kept (see `CompactibleLog`). */
  readonly minBatchesToRetain: number;
}

/** The retention settings of one streaming query. */
export interface StreamingRetention {
  /** `spark.sql.streaming.minBatchesToRetain`. */
  readonly minBatchesToRetain: number;
  /** `spark.sql.streaming.stateStore.minDeltasForSnapshot`. */
  readonly minDeltasForSnapshot: number;
  /** `spark.sql.streaming.fileSource.log.*`: the file source's seen-files log (`sources/<i>/`). */
  readonly fileSourceLog: CompactibleLogSettings;
  /** `spark.sql.streaming.fileSink.log.*`: the file sink's `_spark_metadata` log. */
  readonly fileSinkLog: CompactibleLogSettings;
}

/** The setting keys this module reads. */
export const RETENTION_SETTINGS = {
  minBatchesToRetain: "spark.sql.streaming.minBatchesToRetain",
  minDeltasForSnapshot: "spark.sql.streaming.stateStore.minDeltasForSnapshot",
  fileSourceLogDeletion: "spark.sql.streaming.fileSource.log.deletion",
  fileSourceLogCompactInterval: "spark.sql.streaming.fileSource.log.compactInterval",
  fileSourceLogCleanupDelay: "spark.sql.streaming.fileSource.log.cleanupDelay",
  fileSinkLogDeletion: "spark.sql.streaming.fileSink.log.deletion",
  fileSinkLogCompactInterval: "spark.sql.streaming.fileSink.log.compactInterval",
  fileSinkLogCleanupDelay: "spark.sql.streaming.fileSink.log.cleanupDelay",
} as const;

/** Spark's defaults for every setting above. */
export const DEFAULT_RETENTION: StreamingRetention = Object.freeze({
  minBatchesToRetain: 100,
  minDeltasForSnapshot: 10,
  fileSourceLog: Object.freeze({ compactInterval: 10, deletion: true, cleanupDelayMs: 600_000, minBatchesToRetain: 100 }),
  fileSinkLog: Object.freeze({ compactInterval: 10, deletion: true, cleanupDelayMs: 600_000, minBatchesToRetain: 100 }),
});

/**
 * The retention settings in `conf` (the session's settings), Spark's defaults where unset.
 * @throws ConfigError naming the setting and the value when one is malformed (a count that is not
 *   a positive integer, a flag that is not true/false, a duration Spark would not parse).
 */
export function streamingRetention(conf: Readonly<Record<string, string>>): StreamingRetention {
  const k = RETENTION_SETTINGS;
  const minBatchesToRetain = setting(conf, k.minBatchesToRetain, positiveIntOption, DEFAULT_RETENTION.minBatchesToRetain);
  const log = (deletion: string, interval: string, delay: string, defaults: CompactibleLogSettings): CompactibleLogSettings => ({
    compactInterval: setting(conf, interval, positiveIntOption, defaults.compactInterval),
    deletion: setting(conf, deletion, booleanOption, defaults.deletion),
    cleanupDelayMs: setting(conf, delay, durationOption, defaults.cleanupDelayMs),
    minBatchesToRetain,
  });
  return {
    minBatchesToRetain,
    minDeltasForSnapshot: setting(conf, k.minDeltasForSnapshot, positiveIntOption, DEFAULT_RETENTION.minDeltasForSnapshot),
    fileSourceLog: log(k.fileSourceLogDeletion, k.fileSourceLogCompactInterval, k.fileSourceLogCleanupDelay, DEFAULT_RETENTION.fileSourceLog),
    fileSinkLog: log(k.fileSinkLogDeletion, k.fileSinkLogCompactInterval, k.fileSinkLogCleanupDelay, DEFAULT_RETENTION.fileSinkLog),
  };
}

function setting<T>(conf: Readonly<Record<string, string>>, key: string, schema: z.ZodType<T, unknown>, fallback: T): T {
  const raw = conf[key];
  if (raw === undefined) return fallback;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const why = parsed.error.issues[0]?.message ?? "is malformed";
  throw new ConfigError(`session: setting '${key}' ${why}, got ${JSON.stringify(raw)}`, { option: key });
}
