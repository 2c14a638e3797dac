/**
 * The Kafka source's options, with Spark's names, defaults and checks (`KafkaSourceProvider`):
 * source options are validated by the shared validator; every `kafka.`-prefixed option is a client
 * setting passed through with the prefix removed (lower-cased, as Spark's case-insensitive map
 * gives them), except those Spark refuses because the source manages offsets and bytes itself.
 */
import { z } from "zod";
import { ConfigError } from "../../errors.js";
import { booleanOption, durationOption, enumOption, positiveIntOption, validateOptions } from "../../options.js";
import type { OptionValues } from "../../options.js";
import type { Options } from "../registry.js";
import { EARLIEST, LATEST, parseAssign, parsePartitionOffsets } from "./kafka-offsets.js";
import type { PartitionOffsets, TopicPartition } from "./kafka-offsets.js";

/** Which partitions the source reads: Spark's `ConsumerStrategy`. */
export type TopicSelection =
  | { readonly kind: "assign"; readonly partitions: readonly TopicPartition[] }
  | { readonly kind: "subscribe"; readonly topics: readonly string[] }
  | { readonly kind: "subscribePattern"; readonly pattern: RegExp; readonly source: string };

/** Where reading starts or ends: Spark's `KafkaOffsetRangeLimit`. */
export type OffsetRangeLimit =
  | { readonly kind: "earliest" }
  | { readonly kind: "latest" }
  /** Exact offsets per partition; -2 earliest, -1 latest. */
  | { readonly kind: "offsets"; readonly offsets: PartitionOffsets }
  /** The first offset at or after a timestamp, per partition. */
  | { readonly kind: "timestamps"; readonly timestamps: PartitionOffsets; readonly onNoMatch: "error" | "latest" }
  /** The first offset at or after one timestamp, in every partition. */
  | { readonly kind: "timestamp"; readonly timestamp: number; readonly onNoMatch: "error" | "latest" };

const longOption = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const t = typeof v === "number" ? String(v) : v.trim();
  const n = Number(t);
  if (!/^-?\d+$/.test(t) || !Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "must be a whole number" });
    return z.NEVER;
  }
  return n;
});

/** The source options other than `kafka.*` (names as Spark documents them). */
const kafkaSourceShape = {
  assign: z.string(),
  subscribe: z.string(),
  subscribePattern: z.string(),
  startingOffsets: z.string(),
  endingOffsets: z.string(),
  startingTimestamp: longOption,
  endingTimestamp: longOption,
  startingOffsetsByTimestamp: z.string(),
  endingOffsetsByTimestamp: z.string(),
  startingOffsetsByTimestampStrategy: enumOption(["error", "latest"] as const).default("error"),
  failOnDataLoss: booleanOption.default(true),
  maxOffsetsPerTrigger: positiveIntOption,
  minOffsetsPerTrigger: positiveIntOption,
  /** Spark's default, 15m. */
  maxTriggerDelay: durationOption.default(15 * 60_000),
  minPartitions: positiveIntOption,
  maxRecordsPerPartition: positiveIntOption,
  includeHeaders: booleanOption.default(false),
  groupIdPrefix: z.string().default("spark-kafka-source"),
  "fetchOffset.numRetries": positiveIntOption.default(3),
  "fetchOffset.retryIntervalMs": positiveIntOption.default(10),
  "kafkaConsumer.pollTimeoutMs": positiveIntOption.default(120_000),
};

/** The validated options of a Kafka source. */
export interface KafkaSourceOptions extends Omit<OptionValues<typeof kafkaSourceShape>, "assign" | "subscribe" | "subscribePattern"> {
  readonly selection: TopicSelection;
  /** Where a new query (or a batch read) starts; a query with a checkpoint resumes from it instead. */
  readonly starting: OffsetRangeLimit;
  /** Where a batch read ends (`latest` by default); streaming queries have none. */
  readonly ending: OffsetRangeLimit | null;
  /** Client settings: every `kafka.*` option without its prefix, lower-cased. */
  readonly kafkaParams: Readonly<Record<string, string>>;
}

/** Spark's message for `kafka.auto.offset.reset`, which the source replaces by `startingOffsets`. */
const AUTO_OFFSET_RESET =
  "Kafka option 'auto.offset.reset' is not supported. Instead set the source option 'startingOffsets' to 'earliest' or 'latest' to say where to start: " +
  "the query tracks which offsets it has read in its checkpoint, rather than relying on the consumer to do it, so no data is missed when new topics or partitions appear. " +
  "'startingOffsets' only applies when a new query starts; a restarted query always resumes where it left off.";

/** `kafka.*` settings Spark refuses, and why. */
const REFUSED_PARAMS: Readonly<Record<string, string>> = {
  "auto.offset.reset": AUTO_OFFSET_RESET,
  "key.deserializer":
    "Kafka option 'key.deserializer' is not supported as keys are read as bytes (the 'key' column is binary). Use DataFrame operations, e.g. CAST(key AS STRING), to deserialize the keys.",
  "value.deserializer":
    "Kafka option 'value.deserializer' is not supported as values are read as bytes (the 'value' column is binary). Use DataFrame operations, e.g. CAST(value AS STRING) and from_json, to deserialize the values.",
  "enable.auto.commit": "Kafka option 'enable.auto.commit' is not supported: the query's checkpoint is the record of what was read, not the consumer group's offsets.",
  "interceptor.classes": "Kafka option 'interceptor.classes' is not supported: interceptors could change the records the source reads.",
};

/**
 * Validates a Kafka source's options as Spark does for `readStream` (`streaming`) or `read`.
 * @throws ConfigError naming the option: unknown or malformed options, none or several of
 *   `assign`/`subscribe`/`subscribePattern`, no `kafka.bootstrap.servers`, a refused `kafka.*`
 *   setting, ending offsets on a stream, `latest` as a batch start or `earliest` as a batch end,
 *   `minOffsetsPerTrigger` above `maxOffsetsPerTrigger`.
 */
export function kafkaSourceOptions(options: Options, streaming: boolean): KafkaSourceOptions {
  const own: Record<string, string> = {};
  const kafkaParams: Record<string, string> = {};
  for (const [name, value] of Object.entries(options)) {
    if (name.toLowerCase().startsWith("kafka.")) kafkaParams[name.slice("kafka.".length).toLowerCase()] = value;
    else if (name.toLowerCase() !== "path") own[name] = value;
    else throw new ConfigError("kafka source: does not take a path; name the topics with 'subscribe', 'subscribePattern' or 'assign'", { option: "path" });
  }
  const o = validateOptions("kafka source", kafkaSourceShape, own);

  const strategies = (["assign", "subscribe", "subscribePattern"] as const).filter((k) => o[k] !== undefined);
  if (strategies.length !== 1) {
    const what = strategies.length === 0 ? "One of the following options must be specified" : `Only one of the following options can be specified (got ${strategies.join(", ")})`;
    throw new ConfigError(`kafka source: ${what}: assign, subscribe, subscribePattern`, { option: strategies[1] ?? "subscribe" });
  }
  const selection = topicSelection(o.assign, o.subscribe, o.subscribePattern);

  for (const [name, why] of Object.entries(REFUSED_PARAMS)) {
    if (name in kafkaParams) throw new ConfigError(`kafka source: ${why}`, { option: `kafka.${name}` });
  }
  if ((kafkaParams["bootstrap.servers"] ?? "").trim() === "") {
    throw new ConfigError("kafka source: option 'kafka.bootstrap.servers' must be specified for configuring the Kafka consumer", { option: "kafka.bootstrap.servers" });
  }
  if (o.minOffsetsPerTrigger !== undefined && o.maxOffsetsPerTrigger !== undefined && o.minOffsetsPerTrigger > o.maxOffsetsPerTrigger) {
    throw new ConfigError(`kafka source: minOffsetsPerTrigger (${o.minOffsetsPerTrigger}) is higher than maxOffsetsPerTrigger (${o.maxOffsetsPerTrigger})`, {
      option: "minOffsetsPerTrigger",
    });
  }

  // Spark's defaults: a stream starts at the latest offsets, a batch read at the earliest.
  const starting = rangeLimit(o.startingTimestamp, o.startingOffsetsByTimestamp, o.startingOffsets, "starting", o.startingOffsetsByTimestampStrategy, streaming ? "latest" : "earliest");
  let ending: OffsetRangeLimit | null = null;
  if (streaming) {
    for (const name of ["endingOffsets", "endingOffsetsByTimestamp", "endingTimestamp"] as const) {
      if (o[name] !== undefined) throw new ConfigError(`kafka source: option '${name}' is not valid in streaming queries`, { option: name });
    }
  } else {
    if (starting.kind === "latest") throw new ConfigError("kafka source: starting offset can't be latest for batch queries on Kafka", { option: "startingOffsets" });
    checkSpecial(starting, LATEST, "startingOffsets", "latest for batch queries");
    ending = rangeLimit(o.endingTimestamp, o.endingOffsetsByTimestamp, o.endingOffsets, "ending", o.startingOffsetsByTimestampStrategy, "latest");
    if (ending.kind === "earliest") throw new ConfigError("kafka source: ending offset can't be earliest for batch queries on Kafka", { option: "endingOffsets" });
    checkSpecial(ending, EARLIEST, "endingOffsets", "earliest for batch queries");
  }
  const { assign: _a, subscribe: _s, subscribePattern: _p, ...rest } = o;
  return { ...rest, selection, starting, ending, kafkaParams };
}

function topicSelection(assign: string | undefined, subscribe: string | undefined, pattern: string | undefined): TopicSelection {
  if (assign !== undefined) {
    if (!assign.trim().startsWith("{")) throw new ConfigError(`kafka source: no topic partitions to assign: option 'assign' is '${assign}'`, { option: "assign" });
    return { kind: "assign", partitions: parseAssign(assign) };
  }
  if (subscribe !== undefined) {
    const topics = subscribe.split(",").map((t) => t.trim()).filter((t) => t !== "");
    if (topics.length === 0) throw new ConfigError(`kafka source: no topics to subscribe to: option 'subscribe' is '${subscribe}'`, { option: "subscribe" });
    return { kind: "subscribe", topics };
  }
  const source = (pattern ?? "").trim();
  if (source === "") throw new ConfigError(`kafka source: the pattern to subscribe to is empty: option 'subscribePattern' is '${pattern ?? ""}'`, { option: "subscribePattern" });
  try {
    // Java's Pattern.matcher(topic).matches(): the whole topic name must match.
    return { kind: "subscribePattern", pattern: new RegExp(`^(?:${source})$`), source };
  } catch (e) {
    throw new ConfigError(`kafka source: option 'subscribePattern' is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`, { option: "subscribePattern" });
  }
}

/** Spark's precedence: one timestamp for all partitions, then timestamps per partition, then offsets. */
function rangeLimit(
  timestamp: number | undefined,
  byTimestamp: string | undefined,
  offsets: string | undefined,
  side: "starting" | "ending",
  onNoMatch: "error" | "latest",
  absent: "earliest" | "latest",
): OffsetRangeLimit {
  if (timestamp !== undefined) {
    if (timestamp < 0) throw new ConfigError(`kafka source: option '${side}Timestamp' must be a timestamp in ms since the epoch, got ${timestamp}`, { option: `${side}Timestamp` });
    return { kind: "timestamp", timestamp, onNoMatch };
  }
  if (byTimestamp !== undefined) {
    return { kind: "timestamps", timestamps: parsePartitionOffsets(byTimestamp.trim(), { option: `${side}OffsetsByTimestamp` }, 0), onNoMatch };
  }
  const text = offsets?.trim();
  if (text === undefined) return { kind: absent };
  if (text.toLowerCase() === "latest") return { kind: "latest" };
  if (text.toLowerCase() === "earliest") return { kind: "earliest" };
  return { kind: "offsets", offsets: parsePartitionOffsets(text, { option: `${side}Offsets` }) };
}

function checkSpecial(limit: OffsetRangeLimit, refused: number, option: string, what: string): void {
  if (limit.kind !== "offsets") return;
  for (const [topic, parts] of limit.offsets) {
    for (const [p, o] of parts) {
      if (o === refused) throw new ConfigError(`kafka source: ${option} for ${topic}-${p} can't be ${what} on Kafka`, { option });
    }
  }
}
