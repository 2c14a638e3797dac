/**
 * The Kinesis source (`format("kinesis")`), with the option names of the Glue and Databricks
 * connectors and the offsets of the open-source connector they descend from (kinesis-sql):
 *
 * ```
 * {"metadata":{"streamName":"s","batchId":"4"},
 *  "shardId-000000000000":{"iteratorType":"AFTER_SEQUENCE_NUMBER","iteratorPosition":"4960…"},
 *  "shardId-000000000001":{"iteratorType":"SHARD_END","iteratorPosition":""}}
 * ```
 *
 * - **Planning reads.** Kinesis has no "latest offset" to ask for: `latestOffset` reads each
 *   readable shard from its position (up to `maxFetchRecordsPerShard` records or
 *   `maxFetchTimeInMs`) and the batch's end is the last sequence number read per shard. The
 *   records are kept for `read`, which re-reads them from Kinesis only after a restart, up to the
 *   recorded end, so a re-run batch holds the same records.
 * - **Resharding.** A shard is read only when its parents have been read to their end (Kinesis'
 *   ordering guarantee); a closed shard read to its end is `SHARD_END`; children start at
 *   `TRIM_HORIZON`.
 * - **Start.** `startingPosition` applies to a new query: `TRIM_HORIZON` (or `EARLIEST`), `LATEST`
 *   (kept as the query's start time, so a restart before the first commit reads the same records)
 *   or a timestamp (`AT_TIMESTAMP` with `startingTimestamp`, or an ISO 8601 value).
 * - **availableNow** reads the records that arrived before the query started.
 *
 * - **KPL.** A record aggregated by the Kinesis Producer Library becomes one row per user record
 *   (its partition key and data), all with the stored record's sequence number (`kpl.ts`).
 */
import { z } from "zod";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { BytesBuilder } from "../../columnar/build.js";
import { decodeUtf8, encodeUtf8 } from "../../columnar/utf8.js";
import { AlreadyExistsError, ConfigError, NotFoundError, SourceError } from "../../errors.js";
import { booleanOption, durationOption, positiveIntOption, validateOptions } from "../../options.js";
import type { OptionValues } from "../../options.js";
import type { Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/url.js";
import { BinaryType, StringType, StructField, StructType, TimestampType } from "../../types/data-types.js";
import type { Options, SourceConnector, SourceHints } from "../registry.js";
import type { OffsetJson, ReadLimit, SourceContext, StreamSource } from "../source.js";
import { KinesisStreamClient } from "./kinesis-client.js";
import type { KinesisRecord, ReadLimits, ShardInfo, ShardPosition } from "./kinesis-client.js";
import { deaggregate, looksAggregated } from "./kpl.js";

/** The Kinesis source schema (the Glue and Databricks connectors' columns). */
export const KINESIS_SCHEMA = StructType([
  StructField("partitionKey", StringType(), true),
  StructField("data", BinaryType(), true),
  StructField("stream", StringType(), true),
  StructField("shardId", StringType(), true),
  StructField("sequenceNumber", StringType(), true),
  StructField("approximateArrivalTimestamp", TimestampType(), true),
]);

const positionOption = z.string().transform((s, ctx) => {
  const u = s.trim().toUpperCase();
  if (u === "TRIM_HORIZON" || u === "EARLIEST") return { kind: "TRIM_HORIZON" } as const;
  if (u === "LATEST") return { kind: "LATEST" } as const;
  if (u === "AT_TIMESTAMP") return { kind: "AT_TIMESTAMP" } as const;
  const t = Date.parse(s.trim());
  if (Number.isNaN(t)) {
    ctx.addIssue({ code: "custom", message: "must be TRIM_HORIZON, EARLIEST, LATEST, AT_TIMESTAMP or an ISO 8601 timestamp" });
    return z.NEVER;
  }
  return { kind: "AT_TIMESTAMP", timestampMs: t } as const;
});

const kinesisShape = {
  streamName: z.string(),
  streamARN: z.string(),
  region: z.string(),
  endpointUrl: z.string(),
  /** Glue's default: LATEST. */
  startingPosition: positionOption.default({ kind: "LATEST" }),
  /** Milliseconds since the epoch, for `startingPosition` AT_TIMESTAMP. */
  startingTimestamp: positiveIntOption,
  maxFetchRecordsPerShard: positiveIntOption.default(100_000),
  maxFetchTimeInMs: positiveIntOption.default(1000),
  maxRecordPerRead: positiveIntOption.default(10_000),
  describeShardInterval: durationOption.default(1000),
  addIdleTimeBetweenReads: booleanOption.default(false),
  idleTimeBetweenReadsInMs: positiveIntOption.default(1000),
  awsAccessKeyId: z.string(),
  awsSecretKey: z.string(),
};

type KinesisOptions = OptionValues<typeof kinesisShape>;

function kinesisOptions(options: Options): KinesisOptions {
  const o = validateOptions("kinesis source", kinesisShape, options, { streamarn: "streamARN", endpoint: "endpointUrl", initialPosition: "startingPosition" });
  if ((o.streamName === undefined) === (o.streamARN === undefined)) {
    throw new ConfigError("kinesis source: set exactly one of 'streamName' and 'streamARN'", { option: "streamName" });
  }
  if (o.startingPosition.kind === "AT_TIMESTAMP" && !("timestampMs" in o.startingPosition) && o.startingTimestamp === undefined) {
    throw new ConfigError("kinesis source: startingPosition AT_TIMESTAMP needs 'startingTimestamp' (ms since the epoch), or give the timestamp itself as startingPosition", {
      option: "startingTimestamp",
    });
  }
  if ((o.awsAccessKeyId === undefined) !== (o.awsSecretKey === undefined)) {
    throw new ConfigError("kinesis source: set both 'awsAccessKeyId' and 'awsSecretKey', or neither (the default credential chain)", { option: "awsAccessKeyId" });
  }
  return o;
}

/** A shard's place in the offsets: kinesis-sql's `iteratorType` and `iteratorPosition`. */
type ShardOffset =
  | { readonly iteratorType: "TRIM_HORIZON"; readonly iteratorPosition: "" }
  | { readonly iteratorType: "AT_TIMESTAMP"; readonly iteratorPosition: string }
  | { readonly iteratorType: "AFTER_SEQUENCE_NUMBER"; readonly iteratorPosition: string }
  | { readonly iteratorType: "SHARD_END"; readonly iteratorPosition: "" };

type ShardOffsets = ReadonlyMap<string, ShardOffset>;

function offsetsToJson(stream: string, batchId: number, shards: ShardOffsets): string {
  const out: Record<string, unknown> = { metadata: { streamName: stream, batchId: String(batchId) } };
  for (const id of [...shards.keys()].sort()) out[id] = shards.get(id);
  return JSON.stringify(out);
}

function parseOffsets(text: string, where: string): { batchId: number; shards: Map<string, ShardOffset> } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new SourceError(`kinesis source: malformed offsets in ${where}: ${text.slice(0, 200)}`, { path: where });
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new SourceError(`kinesis source: malformed offsets in ${where}: ${text.slice(0, 200)}`, { path: where });
  const shards = new Map<string, ShardOffset>();
  let batchId = -1;
  for (const [k, x] of Object.entries(v)) {
    if (k === "metadata") {
      batchId = Number((x as { batchId?: unknown }).batchId ?? -1);
      continue;
    }
    const t = (x as { iteratorType?: unknown }).iteratorType;
    const p = (x as { iteratorPosition?: unknown }).iteratorPosition;
    if ((t !== "TRIM_HORIZON" && t !== "AT_TIMESTAMP" && t !== "AFTER_SEQUENCE_NUMBER" && t !== "SHARD_END") || typeof p !== "string") {
      throw new SourceError(`kinesis source: malformed offset of ${k} in ${where}: ${JSON.stringify(x)}`, { path: where });
    }
    shards.set(k, { iteratorType: t, iteratorPosition: p } as ShardOffset);
  }
  return { batchId, shards };
}

function positionOf(o: ShardOffset): ShardPosition {
  if (o.iteratorType === "AFTER_SEQUENCE_NUMBER") return { kind: "AFTER_SEQUENCE_NUMBER", sequenceNumber: o.iteratorPosition };
  if (o.iteratorType === "AT_TIMESTAMP") return { kind: "AT_TIMESTAMP", timestampMs: Number(o.iteratorPosition) };
  return { kind: "TRIM_HORIZON" };
}

/** Records read while planning a batch, kept for its `read`: by shard, from the start position's JSON. */
interface Planned {
  readonly from: string;
  readonly records: readonly KinesisRecord[];
}

class KinesisSource implements StreamSource {
  readonly schema = KINESIS_SCHEMA;
  readonly description: string;
  private client: KinesisStreamClient | null = null;
  private storage: Storage | null = null;
  private initialKey = "";
  private initial: Map<string, ShardOffset> | null = null;
  private shards: ShardInfo[] = [];
  private shardsListedAt = 0;
  private availableNowBefore: number | null = null;
  private planned = new Map<string, Planned>();
  private readonly stream: string;

  constructor(private readonly o: KinesisOptions) {
    this.stream = o.streamName ?? o.streamARN?.split("/").pop() ?? "";
    this.description = `KinesisSource[${this.stream}]`;
  }

  async open(ctx: SourceContext): Promise<void> {
    this.storage = ctx.storage;
    this.initialKey = `${ctx.metadataPrefix}0`;
    this.client = await KinesisStreamClient.open({
      streamName: this.o.streamName ?? null,
      streamARN: this.o.streamARN ?? null,
      region: this.o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      endpointUrl: this.o.endpointUrl ?? null,
      accessKeyId: this.o.awsAccessKeyId ?? null,
      secretKey: this.o.awsSecretKey ?? null,
    });
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNowBefore = Date.now();
  }

  async latestOffset(start: OffsetJson | null, limit: ReadLimit): Promise<OffsetJson | null> {
    const from = start === null ? { batchId: -1, shards: await this.initialOffsets() } : parseOffsets(start, "the offsets of the last batch");
    const shards = await this.currentShards();
    const next = new Map(from.shards);
    // Shards not known yet: children of a split or merge (after their parents), or shards of a
    // query that started before they existed. They are read from their start.
    for (const sh of shards) if (!next.has(sh.shardId)) next.set(sh.shardId, { iteratorType: "TRIM_HORIZON", iteratorPosition: "" });
    const client = this.clientOrFail();
    const deadline = Date.now() + this.o.maxFetchTimeInMs;
    this.planned = new Map();
    let moved = false;
    for (const sh of shards) {
      const at = next.get(sh.shardId);
      if (at === undefined || at.iteratorType === "SHARD_END" || !this.parentsDone(sh, next)) continue;
      const limits: ReadLimits = {
        maxRecords: limit.kind === "all" ? Number.MAX_SAFE_INTEGER : this.o.maxFetchRecordsPerShard,
        maxRecordsPerCall: this.o.maxRecordPerRead,
        deadlineMs: limit.kind === "all" ? Number.MAX_SAFE_INTEGER : deadline,
        arrivedBeforeMs: this.availableNowBefore,
        untilSequenceNumber: null,
        idleBetweenCallsMs: this.o.addIdleTimeBetweenReads ? this.o.idleTimeBetweenReadsInMs : 0,
      };
      const r = await client.read(sh, positionOf(at), limits);
      const last = r.records.at(-1);
      const end: ShardOffset | undefined = r.ended ? { iteratorType: "SHARD_END", iteratorPosition: "" } : last !== undefined ? { iteratorType: "AFTER_SEQUENCE_NUMBER", iteratorPosition: last.sequenceNumber } : undefined;
      if (end !== undefined) {
        next.set(sh.shardId, end);
        moved = true;
      }
      this.planned.set(sh.shardId, { from: JSON.stringify(at), records: r.records });
    }
    if (!moved && start !== null) return start;
    if (!moved && start === null) return null;
    return offsetsToJson(this.stream, from.batchId + 1, next);
  }

  async *read(start: OffsetJson | null, end: OffsetJson): AsyncIterable<Batch> {
    const from = start === null ? await this.initialOffsets() : parseOffsets(start, "the offsets of the previous batch").shards;
    const to = parseOffsets(end, "the offsets of this batch").shards;
    const client = this.clientOrFail();
    // The shard list is needed only to re-read a batch after a restart; listed then, once.
    let shards: Map<string, ShardInfo> | null = null;
    for (const [id, stop] of [...to].sort((a, b) => a[0].localeCompare(b[0]))) {
      const at = from.get(id) ?? { iteratorType: "TRIM_HORIZON", iteratorPosition: "" };
      if (JSON.stringify(at) === JSON.stringify(stop) || at.iteratorType === "SHARD_END") continue;
      const kept = this.planned.get(id);
      let records: readonly KinesisRecord[];
      if (kept !== undefined && kept.from === JSON.stringify(at)) {
        records = kept.records;
      } else {
        shards ??= new Map((await this.currentShards(true)).map((s) => [s.shardId, s]));
        const sh = shards.get(id);
        if (sh === undefined) throw new SourceError(`kinesis source: shard ${id} of stream ${this.stream} no longer exists (expired after resharding?); its records up to ${JSON.stringify(stop)} cannot be read again`);
        const until = stop.iteratorType === "AFTER_SEQUENCE_NUMBER" ? stop.iteratorPosition : null;
        records = (
          await client.read(sh, positionOf(at), {
            maxRecords: Number.MAX_SAFE_INTEGER,
            maxRecordsPerCall: this.o.maxRecordPerRead,
            deadlineMs: Number.MAX_SAFE_INTEGER,
            arrivedBeforeMs: null,
            untilSequenceNumber: until,
            idleBetweenCallsMs: 0,
          })
        ).records;
        if (until !== null && records.at(-1)?.sequenceNumber !== until) {
          throw new SourceError(`kinesis source: shard ${id} no longer holds the records up to sequence number ${until} that this batch planned (expired by the stream's retention?)`);
        }
      }
      if (records.length > 0) yield await this.toBatch(id, records);
    }
    this.planned = new Map();
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {
    this.client?.close();
    this.client = null;
  }

  /** The rows of `records`; a record aggregated by the KPL becomes one row per user record. */
  private async toBatch(shardId: string, stored: readonly KinesisRecord[]): Promise<Batch> {
    const records: KinesisRecord[] = [];
    for (const r of stored) {
      const users = looksAggregated(r.data) ? await deaggregate(r.data, `record ${r.sequenceNumber} of ${shardId}`) : null;
      if (users === null) records.push(r);
      else for (const u of users) records.push({ ...r, partitionKey: u.partitionKey, data: u.data });
    }
    const n = records.length;
    const keys = new BytesBuilder(n, n * 16);
    const data = new BytesBuilder(n, n * 256);
    const streamName = encodeUtf8(this.stream);
    const shardName = encodeUtf8(shardId);
    const stream = new BytesBuilder(n, n * streamName.length + 1);
    const shard = new BytesBuilder(n, n * shardName.length + 1);
    const seqs = new BytesBuilder(n, n * 56);
    const times = new BigInt64Array(n);
    records.forEach((r, i) => {
      keys.appendString(r.partitionKey);
      data.appendBytes(r.data, 0, r.data.length);
      stream.appendBytes(streamName, 0, streamName.length);
      shard.appendBytes(shardName, 0, shardName.length);
      seqs.appendString(r.sequenceNumber);
      times[i] = BigInt(r.approximateArrivalTimestamp) * 1000n;
    });
    return makeBatch(KINESIS_SCHEMA, [
      keys.finish(StringType()),
      data.finish(BinaryType()),
      stream.finish(StringType()),
      shard.finish(StringType()),
      seqs.finish(StringType()),
      { kind: "i64", type: TimestampType(), length: n, valid: null, values: times },
    ]);
  }

  /** Whether every parent of `sh` that still exists has been read to its end. */
  private parentsDone(sh: ShardInfo, offsets: ShardOffsets): boolean {
    const known = new Set(this.shards.map((s) => s.shardId));
    for (const p of [sh.parentShardId, sh.adjacentParentShardId]) {
      if (p === null || !known.has(p)) continue;
      if (offsets.get(p)?.iteratorType !== "SHARD_END") return false;
    }
    return true;
  }

  private async currentShards(force = false): Promise<ShardInfo[]> {
    if (force || this.shards.length === 0 || Date.now() - this.shardsListedAt >= this.o.describeShardInterval) {
      this.shards = await this.clientOrFail().listShards();
      this.shardsListedAt = Date.now();
    }
    return this.shards;
  }

  private clientOrFail(): KinesisStreamClient {
    if (this.client === null) throw new SourceError("kinesis source: used before open() or after stop()");
    return this.client;
  }

  /** Where the query started, kept in the source's checkpoint folder the first time. */
  private async initialOffsets(): Promise<Map<string, ShardOffset>> {
    if (this.initial !== null) return this.initial;
    const storage = this.storage;
    if (storage === null) throw new SourceError("kinesis source: used before open()");
    const where = toDisplayUrl(storage, this.initialKey);
    try {
      const bytes = await storage.get(this.initialKey);
      return (this.initial = parseOffsets(decodeUtf8(bytes, 0, bytes.length).replace(/^v1\n/, ""), where).shards);
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
    const p = this.o.startingPosition;
    const at: ShardOffset =
      p.kind === "TRIM_HORIZON"
        ? { iteratorType: "TRIM_HORIZON", iteratorPosition: "" }
        : { iteratorType: "AT_TIMESTAMP", iteratorPosition: String(p.kind === "LATEST" ? Date.now() : "timestampMs" in p ? p.timestampMs : (this.o.startingTimestamp ?? 0)) };
    const offsets = new Map<string, ShardOffset>();
    // Open shards start at the position; closed ones (the stream was resharded before) are done
    // for LATEST and a timestamp only if they closed before it, so they are read like the rest.
    for (const sh of await this.currentShards()) offsets.set(sh.shardId, at);
    try {
      await storage.put(this.initialKey, encodeUtf8(`v1\n${offsetsToJson(this.stream, -1, offsets)}`), { ifNotExists: true });
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
      const bytes = await storage.get(this.initialKey);
      return (this.initial = parseOffsets(decodeUtf8(bytes, 0, bytes.length).replace(/^v1\n/, ""), where).shards);
    }
    return (this.initial = offsets);
  }
}

/** The `kinesis` source connector. */
export const kinesisSourceConnector: SourceConnector = {
  staticSchema(options: Options, userSchema) {
    if (userSchema !== null) throw new ConfigError("kinesis source: does not take a user-specified schema; its schema is fixed (partitionKey, data, stream, shardId, sequenceNumber, approximateArrivalTimestamp)", { option: "schema" });
    kinesisOptions(options);
    return KINESIS_SCHEMA;
  },
  create(options: Options, hints: SourceHints) {
    if (!hints.streaming) throw new ConfigError("kinesis source: Kinesis can only be read as a stream (spark.readStream), as in Glue and Databricks", { option: "format" });
    return new KinesisSource(kinesisOptions(options));
  },
};
