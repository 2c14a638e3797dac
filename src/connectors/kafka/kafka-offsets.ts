/**
 * Kafka offsets as Spark writes and reads them (`JsonUtils` of spark-sql-kafka-0-10):
 *
 * - per-partition offsets: `{"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}`, in options
 *   (`startingOffsets`, `endingOffsets`, where -2 means earliest and -1 latest) and in the
 *   checkpoint's `offsets/<N>` files (exact offsets only);
 * - per-partition timestamps: the same shape with epoch milliseconds (`startingOffsetsByTimestamp`);
 * - partitions to assign: `{"topicA":[0,1],"topicB":[2,4]}` (`assign`).
 *
 * Offsets are JavaScript numbers: Kafka's are 64-bit, but a partition would need 2^53 records
 * before one stopped being exact, and every value parsed here is checked to be a safe integer.
 * Written JSON lists topics and partitions in order (Spark sorts them "for more determinism").
 */
import { ConfigError, SourceError } from "../../errors.js";

/** Spark's `KafkaOffsetRangeLimit.EARLIEST`, in offset JSON. */
export const EARLIEST = -2;
/** Spark's `KafkaOffsetRangeLimit.LATEST`, in offset JSON. */
export const LATEST = -1;

/** A topic partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Offsets (or timestamps) by topic, then by partition. */
export type PartitionOffsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** `topic-partition`, Kafka's own spelling of a topic partition (`TopicPartition.toString`). */
export function tpName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** The topic partitions of `offsets`, by topic then partition. */
export function partitionsOf(offsets: PartitionOffsets): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const topic of [...offsets.keys()].sort()) {
    const parts = offsets.get(topic);
    if (parts === undefined) continue;
    for (const partition of [...parts.keys()].sort((a, b) => a - b)) out.push({ topic, partition });
  }
  return out;
}

/** The offset of `tp` in `offsets`, or undefined. */
export function offsetOf(offsets: PartitionOffsets, tp: TopicPartition): number | undefined {
  return offsets.get(tp.topic)?.get(tp.partition);
}

/** Builds offsets from `[tp, offset]` pairs. */
export function offsetsFrom(entries: Iterable<readonly [TopicPartition, number]>): PartitionOffsets {
  const out = new Map<string, Map<number, number>>();
  for (const [tp, offset] of entries) {
    let parts = out.get(tp.topic);
    if (parts === undefined) out.set(tp.topic, (parts = new Map()));
    parts.set(tp.partition, offset);
  }
  return out;
}

/** Spark's offset JSON of `offsets`: `{"t":{"0":23,"1":40}}`, topics and partitions in order. */
export function offsetsToJson(offsets: PartitionOffsets): string {
  const topics: string[] = [];
  for (const topic of [...offsets.keys()].sort()) {
    const parts = offsets.get(topic);
    if (parts === undefined) continue;
    const entries = [...parts.entries()].sort((a, b) => a[0] - b[0]).map(([p, o]) => `"${p}":${o}`);
    topics.push(`${JSON.stringify(topic)}:{${entries.join(",")}}`);
  }
  return `{${topics.join(",")}}`;
}

/** Where offset JSON came from, for errors: an option (ConfigError) or a checkpoint file (SourceError). */
export type OffsetsOrigin = { readonly option: string } | { readonly file: string };

/**
 * Parses Spark's per-partition JSON (offsets or timestamps). Every value must be a safe integer;
 * `min` is the smallest allowed (-2 for offsets in options, 0 for checkpointed offsets and for
 * timestamps).
 * @throws ConfigError (option) or SourceError (file) with Spark's example of the format.
 */
export function parsePartitionOffsets(text: string, origin: OffsetsOrigin, min = EARLIEST): PartitionOffsets {
  const fail = (why: string): never => {
    const message = `kafka: ${why}; expected e.g. {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}, got ${text}`;
    if ("option" in origin) throw new ConfigError(`${message} (option '${origin.option}')`, { option: origin.option });
    throw new SourceError(`${message} (in ${origin.file})`, { path: origin.file });
  };
  const out = new Map<string, Map<number, number>>();
  for (const [topic, parts] of topicEntries(text, fail)) {
    if (parts === null || typeof parts !== "object" || Array.isArray(parts)) return fail(`topic '${topic}' does not map partitions to offsets`);
    const m = new Map<number, number>();
    for (const [p, o] of Object.entries(parts as Record<string, unknown>)) {
      const partition = Number(p);
      if (!/^\d+$/.test(p) || !Number.isSafeInteger(partition)) return fail(`'${p}' of topic '${topic}' is not a partition number`);
      if (typeof o !== "number" || !Number.isSafeInteger(o) || o < min) {
        return fail(`the value for ${topic}-${p} must be an integer${min === 0 ? " ≥ 0" : " ≥ -2 (-2 = earliest, -1 = latest)"}`);
      }
      m.set(partition, o);
    }
    out.set(topic, m);
  }
  return out;
}

/**
 * Parses `assign`'s JSON, `{"topicA":[0,1],"topicB":[2,4]}`, into topic partitions.
 * @throws ConfigError naming the option.
 */
export function parseAssign(text: string): TopicPartition[] {
  const fail = (why: string): never => {
    throw new ConfigError(`kafka: option 'assign' ${why}; expected e.g. {"topicA":[0,1],"topicB":[2,4]}, got ${text}`, { option: "assign" });
  };
  const out: TopicPartition[] = [];
  for (const [topic, parts] of topicEntries(text, (why) => fail(`is ${why}`))) {
    if (!Array.isArray(parts)) return fail(`maps topic '${topic}' to something other than a list of partitions`);
    for (const p of parts as unknown[]) {
      if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 0) return fail(`lists ${JSON.stringify(p)} for topic '${topic}', not a partition number`);
      out.push({ topic, partition: p });
    }
  }
  if (out.length === 0) fail("names no topic partition");
  return out;
}

/** The entries of a JSON object keyed by topic; `fail` gets what is wrong and throws. */
function topicEntries(text: string, fail: (why: string) => never): [string, unknown][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("not JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return fail("not a JSON object of topics");
  return Object.entries(parsed);
}

/**
 * Caps the next batch's end offsets at `limit` records in all, split across partitions in
 * proportion to their backlog, as Spark's `KafkaMicroBatchStream.rateLimit`: a partition gets
 * `limit * backlog / total` records, rounded down, or up to 1 when that is below 1 so that small
 * partitions are never starved; never past its `until`. Partitions with no backlog (or unknown in
 * `from`, whose start `newStart` gives) keep `until`.
 */
export function rateLimit(limit: number, from: PartitionOffsets, until: PartitionOffsets, newStart: PartitionOffsets = new Map()): PartitionOffsets {
  const sizes = new Map<string, number>();
  let total = 0;
  for (const tp of partitionsOf(until)) {
    const end = offsetOf(until, tp) ?? 0;
    const begin = offsetOf(from, tp) ?? offsetOf(newStart, tp);
    if (begin === undefined) continue;
    const size = end - begin;
    if (size > 0) {
      sizes.set(tpName(tp), size);
      total += size;
    }
  }
  if (total < 1) return until;
  const out: [TopicPartition, number][] = [];
  for (const tp of partitionsOf(until)) {
    const end = offsetOf(until, tp) ?? 0;
    const size = sizes.get(tpName(tp));
    if (size === undefined) {
      out.push([tp, end]);
      continue;
    }
    const begin = offsetOf(from, tp) ?? offsetOf(newStart, tp) ?? 0;
    const prorate = limit * (size / total);
    const share = prorate < 1 ? Math.ceil(prorate) : Math.floor(prorate);
    out.push([tp, Math.min(end, begin + share)]);
  }
  return offsetsFrom(out);
}
