/**
 * The Kafka source (`format("kafka")`), with Spark's semantics (`KafkaMicroBatchStream`):
 *
 * - **Offsets.** A batch's end offsets are Spark's JSON (`{"topic":{"0":123}}`, one past the last
 *   record read), written to the checkpoint before its data is read; a restarted query re-reads
 *   exactly the range of a batch that did not commit. The consumer group is never used to track
 *   progress.
 * - **Start.** `startingOffsets` (or a timestamp) applies to a new query only: the offsets it
 *   resolves to are kept in the source's checkpoint folder (`sources/N/0`, Spark's
 *   `KafkaSourceInitialOffsetWriter` format), so a query that fails before its first commit
 *   restarts from the same place.
 * - **New partitions** (and topics matching `subscribe`/`subscribePattern`) are read from their
 *   earliest offset, in the batch after they appear.
 * - **Rate limits.** `maxOffsetsPerTrigger` is split across partitions by backlog;
 *   `minOffsetsPerTrigger` delays a batch until enough records are waiting or `maxTriggerDelay`
 *   passed. `availableNow` reads what was there when the query started, in rate-limited batches.
 * - **Data loss.** Offsets deleted by retention before they were read fail the query with
 *   `failOnDataLoss` (the default), or are skipped with a warning and counted in the progress
 *   (`numOffsetsLost`) with `failOnDataLoss=false`.
 * - **Batch reads** (`spark.read`) read `startingOffsets` (default earliest) to `endingOffsets`
 *   (default latest).
 */
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { BytesBuilder, vectorFromValues } from "../../columnar/build.js";
import { decodeUtf8, encodeUtf8 } from "../../columnar/utf8.js";
import type { Vector } from "../../columnar/vector.js";
import { AlreadyExistsError, ConfigError, NotFoundError, SourceError } from "../../errors.js";
import { log } from "../../log.js";
import type { Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/url.js";
import { ArrayType, BinaryType, IntegerType, LongType, StringType, StructField, StructType, TimestampType } from "../../types/data-types.js";
import type { SourceConnector, Options, SourceHints } from "../registry.js";
import type { OffsetJson, ReadLimit, ReadProgress, SourceContext, StreamSource } from "../source.js";
import type { FetchResult, KafkaClient, KafkaClientConfig, KafkaRecord } from "./kafka-client.js";
import { EARLIEST, LATEST, offsetOf, offsetsFrom, offsetsToJson, parsePartitionOffsets, partitionsOf, rateLimit, tpName } from "./kafka-offsets.js";
import type { PartitionOffsets, TopicPartition } from "./kafka-offsets.js";
import { kafkaSourceOptions } from "./kafka-options.js";
import type { KafkaSourceOptions, OffsetRangeLimit } from "./kafka-options.js";
import { openPlatformaticClient } from "./platformatic-client.js";

/** Spark's Kafka source schema. */
export const KAFKA_SCHEMA = StructType([
  StructField("key", BinaryType(), true),
  StructField("value", BinaryType(), true),
  StructField("topic", StringType(), true),
  StructField("partition", IntegerType(), true),
  StructField("offset", LongType(), true),
  StructField("timestamp", TimestampType(), true),
  StructField("timestampType", IntegerType(), true),
]);

const HEADERS_TYPE = ArrayType(StructType([StructField("key", StringType(), true), StructField("value", BinaryType(), true)]), true);

/** The schema with `includeHeaders`. */
export const KAFKA_SCHEMA_WITH_HEADERS = StructType([...KAFKA_SCHEMA.fields, StructField("headers", HEADERS_TYPE, true)]);

/** Rows per batch the source yields. */
const CHUNK_ROWS = 65_536;
/** Bytes asked for per fetch of one partition. */
const FETCH_MAX_BYTES = 4 * 1024 * 1024;

/** Spark's instruction when data was lost (`INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_TRUE`, reworded for sluice). */
const DATA_LOSS_FAIL =
  "Some data may have been lost because they are not available in Kafka any more; either the data was aged out by Kafka or the topic may have been deleted before all the data in the topic was processed. " +
  "If you don't want your streaming query to fail on such cases, set the source option 'failOnDataLoss' to 'false'.";

/** Makes the client a source talks to; a test may pass another implementation of the interface. */
export type KafkaClientFactory = (config: KafkaClientConfig) => Promise<KafkaClient>;

/** A fetch in flight: of range `i`, from offset `at`. */
interface PendingFetch {
  readonly i: number;
  readonly at: number;
  readonly result: Promise<FetchResult>;
}

/** Records `[from, to)` of one partition. */
interface OffsetRange {
  readonly tp: TopicPartition;
  readonly from: number;
  readonly to: number;
}

class KafkaSource implements StreamSource {
  readonly schema;
  readonly description: string;
  private client: KafkaClient | null = null;
  private storage: Storage | null = null;
  private initialKey = "";
  private initial: PartitionOffsets | null = null;
  private availableNowEnd: PartitionOffsets | null = null;
  private lastTriggerMs = Date.now();
  private lost = 0;
  /** The `read` in flight: offsets fetched so far and in all (see readProgress). */
  private inFlight: { done: number; total: number } | null = null;
  private behind: number[] = [];
  /** The latest offsets of the last `latestOffset` call, as JSON (Spark's `reportLatestOffset`). */
  private latestSeen: string | null = null;

  constructor(
    private readonly o: KafkaSourceOptions,
    private readonly streaming: boolean,
    private readonly newClient: KafkaClientFactory,
  ) {
    this.schema = o.includeHeaders ? KAFKA_SCHEMA_WITH_HEADERS : KAFKA_SCHEMA;
    const s = o.selection;
    this.description =
      s.kind === "assign"
        ? `KafkaV2[Assign[${s.partitions.map(tpName).join(", ")}]]`
        : s.kind === "subscribe"
          ? `KafkaV2[Subscribe[${s.topics.join(",")}]]`
          : `KafkaV2[SubscribePattern[${s.source}]]`;
  }

  async open(ctx: SourceContext): Promise<void> {
    this.storage = ctx.storage;
    this.initialKey = `${ctx.metadataPrefix}0`;
    const groupId = this.o.kafkaParams["group.id"];
    this.client = await this.newClient({ params: this.o.kafkaParams, clientId: groupId ?? `${this.o.groupIdPrefix}-${crypto.randomUUID()}` });
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNowEnd = this.streaming ? await this.latestOf(await this.currentPartitions()) : await this.endingOffsets();
  }

  async latestOffset(start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null> {
    const from = start === null ? await this.initialOffsets() : parsePartitionOffsets(start, { file: "the offsets of the last batch" }, 0);
    const latest = this.availableNowEnd ?? (this.streaming ? await this.latestOf(await this.currentPartitions()) : await this.endingOffsets());
    // Partitions that appeared since `from` start at their earliest offset.
    const fresh = partitionsOf(latest).filter((tp) => offsetOf(from, tp) === undefined);
    const newStart = fresh.length === 0 ? new Map() : await this.clientOrFail().listOffsets(fresh, "earliest");
    // Partitions that disappeared keep their offsets (nothing more can be read from them).
    const until = offsetsFrom([...partitionsOf(from).map((tp): [TopicPartition, number] => [tp, offsetOf(latest, tp) ?? offsetOf(from, tp) ?? 0]), ...fresh.map((tp): [TopicPartition, number] => [tp, offsetOf(latest, tp) ?? 0])]);
    let end = until;
    if (limit.kind !== "all") {
      const backlog = partitionsOf(until).reduce((n, tp) => n + Math.max(0, (offsetOf(until, tp) ?? 0) - (offsetOf(from, tp) ?? offsetOf(newStart, tp) ?? 0)), 0);
      if (this.o.minOffsetsPerTrigger !== undefined && limit.kind === "default" && backlog < this.o.minOffsetsPerTrigger && Date.now() - this.lastTriggerMs < this.o.maxTriggerDelay) {
        end = from;
      } else if (this.o.maxOffsetsPerTrigger !== undefined) {
        end = rateLimit(this.o.maxOffsetsPerTrigger, from, until, newStart);
      }
    }
    this.behind = partitionsOf(latest).map((tp) => (offsetOf(latest, tp) ?? 0) - (offsetOf(end, tp) ?? 0));
    this.latestSeen = offsetsToJson(latest);
    const json = offsetsToJson(end);
    if (json === (start ?? offsetsToJson(from))) return start;
    this.lastTriggerMs = Date.now();
    return json;
  }

  async *read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch> {
    // Reading runs in the query's thread: reading partitions in worker threads (Spark's tasks) was
    // measured slower here (400k records: 3.5 s and 5.7 CPU-s against 2.6 s and 3.3 CPU-s;
    // bench/workloads/kafka-to-silver.ts), so the source does not offer input partitions yet.
    const client = this.clientOrFail();
    const ranges = await this.ranges(start, end);
    const rows = new RowBuilder(this.o.includeHeaders);
    // One fetch ahead: the next request is in flight while this one's records become rows.
    const request = (i: number, at: number): PendingFetch => {
      const result = client.fetch(ranges[i].tp, at, FETCH_MAX_BYTES);
      result.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      return { i, at, result };
    };
    const after = (i: number, at: number): PendingFetch | null => (at < ranges[i].to ? request(i, at) : i + 1 < ranges.length ? request(i + 1, ranges[i + 1].from) : null);
    let pending = ranges.length === 0 ? null : request(0, ranges[0].from);
    // Offsets of the ranges before range i, for readProgress.
    const offsetsBefore: number[] = [];
    let total = 0;
    for (const r of ranges) {
      offsetsBefore.push(total);
      total += r.to - r.from;
    }
    this.inFlight = total > 0 ? { done: 0, total } : null;
    try {
      while (pending !== null) {
        const { i, at } = pending;
        if (this.inFlight !== null) this.inFlight.done = offsetsBefore[i] + (at - ranges[i].from);
        const { tp, to: stop } = ranges[i];
        const f = await pending.result;
        if (at < f.logStartOffset) {
          this.dataLoss(tp, at, Math.min(stop, f.logStartOffset), "the offsets were deleted by retention");
          pending = after(i, Math.min(stop, f.logStartOffset));
          continue;
        }
        if (f.records.length === 0 && f.nextOffset <= at) {
          if (at >= f.highWatermark) {
            this.dataLoss(tp, at, stop, `the partition ends at ${f.highWatermark} (was the topic deleted and created again?)`);
            pending = after(i, stop);
          } else {
            pending = request(i, at); // the broker had nothing ready for this fetch yet
          }
          continue;
        }
        pending = after(i, Math.min(stop, Math.max(f.nextOffset, at + 1)));
        rows.startPartition(tp);
        for (const rec of f.records) {
          if (rec.offset >= stop) break;
          rows.add(rec);
          if (rows.length >= CHUNK_ROWS) {
            yield rows.take(this.schema);
            rows.startPartition(tp);
          }
        }
      }
      if (rows.length > 0) yield rows.take(this.schema);
    } finally {
      this.inFlight = null;
    }
  }

  /** Offsets of the `read` in flight fetched so far, of all it reads. */
  readProgress(): ReadProgress | null {
    return this.inFlight === null ? null : { done: this.inFlight.done, total: this.inFlight.total, unit: "offsets" };
  }

  /**
   * The ranges `(start, end]` covers, per partition with records, in partition order. Partitions
   * new since `start` begin at their earliest offset.
   */
  private async ranges(start: OffsetJson | null, end: OffsetJson): Promise<OffsetRange[]> {
    const from = start === null ? await this.initialOffsets() : parsePartitionOffsets(start, { file: "the offsets of the previous batch" }, 0);
    const to = parsePartitionOffsets(end, { file: "the offsets of this batch" }, 0);
    const all = partitionsOf(to);
    const fresh = all.filter((tp) => offsetOf(from, tp) === undefined);
    const c = this.clientOrFail();
    const earliest = fresh.length === 0 ? new Map() : await c.listOffsets(fresh, "earliest");
    const out: OffsetRange[] = [];
    for (const tp of all) {
      const stop = offsetOf(to, tp) ?? 0;
      const at = offsetOf(from, tp) ?? offsetOf(earliest, tp) ?? 0;
      if (at < stop) out.push({ tp, from: at, to: stop });
    }
    return out;
  }

  reportLatestOffset(): OffsetJson | null {
    return this.latestSeen;
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.close();
  }

  /**
   * `numOffsetsLost` (offsets skipped as lost with failOnDataLoss=false, since the query started)
   * and Spark's `minOffsetsBehindLatest`, `maxOffsetsBehindLatest`, `avgOffsetsBehindLatest` as of
   * the last planned batch.
   */
  metrics(): Record<string, string> {
    const b = this.behind;
    const out: Record<string, string> = { numOffsetsLost: String(this.lost) };
    if (b.length > 0) {
      out.minOffsetsBehindLatest = String(Math.min(...b));
      out.maxOffsetsBehindLatest = String(Math.max(...b));
      out.avgOffsetsBehindLatest = String(b.reduce((s, x) => s + x, 0) / b.length);
    }
    return out;
  }

  private clientOrFail(): KafkaClient {
    if (this.client === null) throw new SourceError("kafka source: used before open() or after stop()");
    return this.client;
  }

  private dataLoss(tp: TopicPartition, from: number, to: number, why: string): void {
    const what = `kafka source: offsets ${from} to ${to - 1} of ${tpName(tp)} cannot be read: ${why}.`;
    if (this.o.failOnDataLoss) throw new SourceError(`${what} ${DATA_LOSS_FAIL}`, { offset: from });
    this.lost += to - from;
    log.warn("kafka.data-loss", `${what} Skipping them (failOnDataLoss is false).`, { topic: tp.topic, partition: tp.partition, fromOffset: from, toOffset: to - 1 });
  }

  /** The partitions the source reads now. */
  private async currentPartitions(): Promise<TopicPartition[]> {
    const s = this.o.selection;
    const c = this.clientOrFail();
    if (s.kind === "assign") return [...s.partitions];
    if (s.kind === "subscribe") {
      const wanted = new Set(s.topics);
      return c.partitionsWhere((t) => wanted.has(t));
    }
    return c.partitionsWhere((t) => s.pattern.test(t));
  }

  private latestOf(partitions: readonly TopicPartition[]): Promise<PartitionOffsets> {
    return this.clientOrFail().listOffsets(partitions, "latest");
  }

  /** A batch read's end: `endingOffsets` (default latest) resolved against the current partitions. */
  private async endingOffsets(): Promise<PartitionOffsets> {
    return this.resolve(this.o.ending ?? { kind: "latest" }, await this.currentPartitions(), "endingOffsets");
  }

  /**
   * Where the query started: kept in the source's checkpoint folder the first time, read from it
   * after (a query that never committed a batch restarts from the same offsets).
   */
  private async initialOffsets(): Promise<PartitionOffsets> {
    if (this.initial !== null) return this.initial;
    const storage = this.storage;
    if (storage === null) throw new SourceError("kafka source: used before open()");
    if (this.streaming) {
      try {
        const bytes = await storage.get(this.initialKey);
        return (this.initial = parseInitialOffsets(bytes, toDisplayUrl(storage, this.initialKey)));
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
    const offsets = await this.resolve(this.o.starting, await this.currentPartitions(), "startingOffsets");
    if (this.streaming) {
      try {
        await storage.put(this.initialKey, initialOffsetsBytes(offsets), { ifNotExists: true });
      } catch (e) {
        if (!(e instanceof AlreadyExistsError)) throw e;
        // Another run wrote it first: its offsets win.
        return (this.initial = parseInitialOffsets(await storage.get(this.initialKey), toDisplayUrl(storage, this.initialKey)));
      }
    }
    return (this.initial = offsets);
  }

  /** Offsets for `limit` on `partitions` (Spark's `KafkaOffsetReader.fetchPartitionOffsets`). */
  private async resolve(limit: OffsetRangeLimit, partitions: readonly TopicPartition[], option: string): Promise<PartitionOffsets> {
    const c = this.clientOrFail();
    switch (limit.kind) {
      case "earliest":
      case "latest":
        return c.listOffsets(partitions, limit.kind);
      case "offsets": {
        const given = partitionsOf(limit.offsets);
        const names = new Set(partitions.map(tpName));
        const missing = partitions.filter((tp) => offsetOf(limit.offsets, tp) === undefined);
        const unknown = given.filter((tp) => !names.has(tpName(tp)));
        if (missing.length > 0 || unknown.length > 0) {
          throw new ConfigError(
            `kafka source: '${option}' must give an offset for every partition read, and only those: ` +
              `${missing.length > 0 ? `missing ${missing.map(tpName).join(", ")}` : ""}${missing.length > 0 && unknown.length > 0 ? "; " : ""}${unknown.length > 0 ? `not read ${unknown.map(tpName).join(", ")}` : ""}`,
            { option },
          );
        }
        const earliest = given.some((tp) => offsetOf(limit.offsets, tp) === EARLIEST) ? await c.listOffsets(given, "earliest") : new Map();
        const latest = given.some((tp) => offsetOf(limit.offsets, tp) === LATEST) ? await c.listOffsets(given, "latest") : new Map();
        return offsetsFrom(
          given.map((tp): [TopicPartition, number] => {
            const o = offsetOf(limit.offsets, tp) ?? 0;
            return [tp, o === EARLIEST ? (offsetOf(earliest, tp) ?? 0) : o === LATEST ? (offsetOf(latest, tp) ?? 0) : o];
          }),
        );
      }
      case "timestamp":
      case "timestamps": {
        const wanted =
          limit.kind === "timestamp" ? offsetsFrom(partitions.map((tp): [TopicPartition, number] => [tp, limit.timestamp])) : limit.timestamps;
        const found = await c.offsetsForTimes(wanted);
        const none = partitionsOf(found).filter((tp) => offsetOf(found, tp) === -1);
        if (none.length > 0 && limit.onNoMatch === "error") {
          throw new SourceError(
            `kafka source: no record at or after the timestamp in ${option === "startingOffsets" ? "startingTimestamp/startingOffsetsByTimestamp" : "endingTimestamp/endingOffsetsByTimestamp"} for ${none.map(tpName).join(", ")}; set startingOffsetsByTimestampStrategy to 'latest' to start those partitions at their latest offset`,
          );
        }
        const latest = none.length > 0 ? await c.listOffsets(none, "latest") : new Map();
        return offsetsFrom(partitionsOf(found).map((tp): [TopicPartition, number] => [tp, offsetOf(found, tp) === -1 ? (offsetOf(latest, tp) ?? 0) : (offsetOf(found, tp) ?? 0)]));
      }
    }
  }
}

/** Spark's `KafkaSourceInitialOffsetWriter` file: a zero byte, `v1`, a newline, the offset JSON. */
function initialOffsetsBytes(offsets: PartitionOffsets): Uint8Array {
  const text = encodeUtf8(`v1\n${offsetsToJson(offsets)}`);
  const out = new Uint8Array(text.length + 1);
  out.set(text, 1);
  return out;
}

function parseInitialOffsets(bytes: Uint8Array, where: string): PartitionOffsets {
  const text = decodeUtf8(bytes, bytes[0] === 0 ? 1 : 0, bytes.length);
  const json = text.startsWith("v") ? text.slice(text.indexOf("\n") + 1) : text;
  if (text.startsWith("v") && !text.startsWith("v1\n")) throw new SourceError(`kafka source: ${where} has an unsupported version ${JSON.stringify(text.slice(0, text.indexOf("\n")))}`, { path: where });
  return parsePartitionOffsets(json, { file: where }, 0);
}

/** Columns of the rows read, built record by record into growable typed arrays. */
class RowBuilder {
  private keys = new BytesBuilder(4096, 4096 * 16);
  private values = new BytesBuilder(4096, 4096 * 256);
  private topics = new BytesBuilder(4096, 4096 * 16);
  private partitions = new Int32Array(4096);
  private offsets = new Float64Array(4096);
  private timestamps = new Float64Array(4096);
  private types = new Int32Array(4096);
  private headers: unknown[] = [];
  private n = 0;
  private topic: Uint8Array = new Uint8Array(0);
  private partition = 0;

  constructor(private readonly withHeaders: boolean) {}

  get length(): number {
    return this.n;
  }

  /** The partition the next records come from. */
  startPartition(tp: TopicPartition): void {
    this.topic = encodeUtf8(tp.topic);
    this.partition = tp.partition;
  }

  add(r: KafkaRecord): void {
    if (r.key === null) this.keys.appendNull();
    else this.keys.appendBytes(r.key, 0, r.key.length);
    if (r.value === null) this.values.appendNull();
    else this.values.appendBytes(r.value, 0, r.value.length);
    this.topics.appendBytes(this.topic, 0, this.topic.length);
    const i = this.n++;
    if (i === this.partitions.length) this.grow();
    this.partitions[i] = this.partition;
    this.offsets[i] = r.offset;
    this.timestamps[i] = r.timestamp;
    this.types[i] = r.timestampType;
    if (this.withHeaders) this.headers.push(r.headers.length === 0 ? null : r.headers.map(([key, value]) => ({ key, value })));
  }

  take(schema: StructType): Batch {
    const n = this.n;
    const offsets = new BigInt64Array(n);
    const timestamps = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      offsets[i] = BigInt(this.offsets[i]);
      timestamps[i] = BigInt(this.timestamps[i]) * 1000n;
    }
    const columns: Vector[] = [
      this.keys.finish(BinaryType()),
      this.values.finish(BinaryType()),
      this.topics.finish(StringType()),
      { kind: "i32", type: IntegerType(), length: n, valid: null, values: this.partitions.slice(0, n) },
      { kind: "i64", type: LongType(), length: n, valid: null, values: offsets },
      { kind: "i64", type: TimestampType(), length: n, valid: null, values: timestamps },
      { kind: "i32", type: IntegerType(), length: n, valid: null, values: this.types.slice(0, n) },
    ];
    if (this.withHeaders) columns.push(vectorFromValues(HEADERS_TYPE, this.headers));
    const batch = makeBatch(schema, columns, n);
    this.keys = new BytesBuilder(4096, 4096 * 16);
    this.values = new BytesBuilder(4096, 4096 * 256);
    this.topics = new BytesBuilder(4096, 4096 * 16);
    this.headers = [];
    this.n = 0;
    return batch;
  }

  private grow(): void {
    const size = this.partitions.length * 2;
    const grown = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.partitions = grown(this.partitions, (k) => new Int32Array(k));
    this.offsets = grown(this.offsets, (k) => new Float64Array(k));
    this.timestamps = grown(this.timestamps, (k) => new Float64Array(k));
    this.types = grown(this.types, (k) => new Int32Array(k));
  }
}

/** The `kafka` source connector; `newClient` is the client library (tests may pass another). */
export function kafkaSourceConnector(newClient: KafkaClientFactory = openPlatformaticClient): SourceConnector {
  return {
    staticSchema(options: Options, userSchema, ctx) {
      if (userSchema !== null) throw new ConfigError("kafka source: does not take a user-specified schema; its schema is fixed (key, value, topic, partition, offset, timestamp, timestampType)", { option: "schema" });
      return kafkaSourceOptions(options, ctx.streaming).includeHeaders ? KAFKA_SCHEMA_WITH_HEADERS : KAFKA_SCHEMA;
    },
    create(options: Options, hints: SourceHints) {
      return new KafkaSource(kafkaSourceOptions(options, hints.streaming), hints.streaming, newClient);
    },
  };
}
