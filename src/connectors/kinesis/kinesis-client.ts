/**
 * The Kinesis calls the source makes, on `@aws-sdk/client-kinesis` (an optional dependency,
 * imported on first use): list the shards, and read a shard from a position. HTTP/1.1 is forced
 * (the SDK's Kinesis client defaults to HTTP/2 for SubscribeToShard, which polling does not use and
 * which S3-compatible test servers such as moto do not speak).
 */
import { ConfigError, SourceError } from "../../errors.js";

/** A shard as ListShards describes it. */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId: string | null;
  readonly adjacentParentShardId: string | null;
  /** Set once the shard is closed (split or merged): its last sequence number. */
  readonly endingSequenceNumber: string | null;
}

/** Where reading a shard starts. */
export type ShardPosition =
  | { readonly kind: "TRIM_HORIZON" }
  | { readonly kind: "AT_TIMESTAMP"; readonly timestampMs: number }
  | { readonly kind: "AFTER_SEQUENCE_NUMBER"; readonly sequenceNumber: string };

/** One record read. */
export interface KinesisRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Milliseconds since the epoch. */
  readonly approximateArrivalTimestamp: number;
}

/** What reading a shard returned. */
export interface ShardRead {
  readonly records: readonly KinesisRecord[];
  /** The shard is closed and every record was returned (no next iterator). */
  readonly ended: boolean;
}

/** How long and how much one read of a shard may take. */
export interface ReadLimits {
  readonly maxRecords: number;
  readonly maxRecordsPerCall: number;
  readonly deadlineMs: number;
  /** Records arriving after this time (ms) are left for later (availableNow); null: no bound. */
  readonly arrivedBeforeMs: number | null;
  /** Stop after the record with this sequence number (a batch's recorded end); null: no bound. */
  readonly untilSequenceNumber: string | null;
  readonly idleBetweenCallsMs: number;
}

/** Connection settings. */
export interface KinesisSettings {
  readonly streamName: string | null;
  readonly streamARN: string | null;
  readonly region: string;
  readonly endpointUrl: string | null;
  readonly accessKeyId: string | null;
  readonly secretKey: string | null;
}

interface Sdk {
  KinesisClient: new (config: Record<string, unknown>) => { send(command: unknown): Promise<unknown>; destroy(): void };
  ListShardsCommand: new (input: Record<string, unknown>) => unknown;
  GetShardIteratorCommand: new (input: Record<string, unknown>) => unknown;
  GetRecordsCommand: new (input: Record<string, unknown>) => unknown;
}

interface HttpHandlerModule {
  NodeHttpHandler: new (options?: Record<string, unknown>) => unknown;
}

async function importOptional<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (e) {
    throw new ConfigError(`kinesis: the Kinesis connector needs the package ${name} (an optional dependency of sluice): npm install ${name}`, { cause: e });
  }
}

/** A client for one stream. */
export class KinesisStreamClient {
  private constructor(
    private readonly sdk: Sdk,
    private readonly client: { send(command: unknown): Promise<unknown>; destroy(): void },
    private readonly stream: Record<string, string>,
    readonly name: string,
  ) {}

  static async open(s: KinesisSettings): Promise<KinesisStreamClient> {
    const sdk = await importOptional<Sdk>("@aws-sdk/client-kinesis");
    const http = await importOptional<HttpHandlerModule>("@smithy/node-http-handler");
    const config: Record<string, unknown> = { region: s.region, requestHandler: new http.NodeHttpHandler() };
    if (s.endpointUrl !== null) config.endpoint = s.endpointUrl;
    if (s.accessKeyId !== null && s.secretKey !== null) config.credentials = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretKey };
    const stream: Record<string, string> = s.streamARN !== null ? { StreamARN: s.streamARN } : { StreamName: s.streamName ?? "" };
    const name = s.streamName ?? s.streamARN?.split("/").pop() ?? "";
    return new KinesisStreamClient(sdk, new sdk.KinesisClient(config), stream, name);
  }

  /** Every shard of the stream, open and closed (ListShards, all pages). */
  async listShards(): Promise<ShardInfo[]> {
    const out: ShardInfo[] = [];
    let token: string | undefined;
    do {
      const input: Record<string, unknown> = token === undefined ? { ...this.stream } : { NextToken: token };
      const r = (await this.call("ListShards", new this.sdk.ListShardsCommand(input))) as {
        Shards?: { ShardId?: string; ParentShardId?: string; AdjacentParentShardId?: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }[];
        NextToken?: string;
      };
      for (const sh of r.Shards ?? []) {
        if (sh.ShardId === undefined) continue;
        out.push({
          shardId: sh.ShardId,
          parentShardId: sh.ParentShardId ?? null,
          adjacentParentShardId: sh.AdjacentParentShardId ?? null,
          endingSequenceNumber: sh.SequenceNumberRange?.EndingSequenceNumber ?? null,
        });
      }
      token = r.NextToken;
    } while (token !== undefined);
    return out;
  }

  /**
   * Reads `shard` from `position` within `limits`. A closed shard (`endingSequenceNumber`) has
   * ended once its last record was returned, also where the server keeps handing out iterators.
   */
  async read(shard: ShardInfo, position: ShardPosition, limits: ReadLimits): Promise<ShardRead> {
    const input: Record<string, unknown> = { ...this.stream, ShardId: shard.shardId, ShardIteratorType: position.kind };
    if (position.kind === "AT_TIMESTAMP") input.Timestamp = new Date(position.timestampMs);
    if (position.kind === "AFTER_SEQUENCE_NUMBER") {
      if (shard.endingSequenceNumber !== null && BigInt(position.sequenceNumber) >= BigInt(shard.endingSequenceNumber)) return { records: [], ended: true };
      input.StartingSequenceNumber = position.sequenceNumber;
    }
    let iterator = ((await this.call("GetShardIterator", new this.sdk.GetShardIteratorCommand(input))) as { ShardIterator?: string }).ShardIterator ?? null;
    const records: KinesisRecord[] = [];
    const until = limits.untilSequenceNumber === null ? null : BigInt(limits.untilSequenceNumber);
    const end = shard.endingSequenceNumber === null ? null : BigInt(shard.endingSequenceNumber);
    while (iterator !== null && records.length < limits.maxRecords) {
      const r = (await this.call("GetRecords", new this.sdk.GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limits.maxRecordsPerCall, limits.maxRecords - records.length) }))) as {
        Records?: { SequenceNumber?: string; PartitionKey?: string; Data?: Uint8Array; ApproximateArrivalTimestamp?: Date }[];
        NextShardIterator?: string;
        MillisBehindLatest?: number;
      };
      let stop = false;
      for (const x of r.Records ?? []) {
        const arrived = x.ApproximateArrivalTimestamp?.getTime() ?? 0;
        if (limits.arrivedBeforeMs !== null && arrived > limits.arrivedBeforeMs) {
          stop = true;
          break;
        }
        const seq = x.SequenceNumber ?? "";
        records.push({ sequenceNumber: seq, partitionKey: x.PartitionKey ?? "", data: x.Data ?? new Uint8Array(0), approximateArrivalTimestamp: arrived });
        if ((until !== null && BigInt(seq) >= until) || records.length >= limits.maxRecords) {
          stop = true;
          break;
        }
      }
      iterator = r.NextShardIterator ?? null;
      const last = records.at(-1)?.sequenceNumber;
      if (end !== null && last !== undefined && BigInt(last) >= end) return { records, ended: true };
      if (stop || (r.Records ?? []).length === 0 || Date.now() >= limits.deadlineMs) break;
      if (limits.idleBetweenCallsMs > 0) await new Promise((res) => setTimeout(res, limits.idleBetweenCallsMs));
    }
    // No next iterator: the shard is closed and read to its end.
    return { records, ended: iterator === null };
  }

  close(): void {
    this.client.destroy();
  }

  private async call(what: string, command: unknown): Promise<unknown> {
    try {
      return await this.client.send(command);
    } catch (e) {
      const name = e instanceof Error ? e.name : "Error";
      throw new SourceError(`kinesis: ${what} on stream ${this.name} failed: ${name}: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        retryable: /Throughput|Throttl|LimitExceeded|ServiceUnavailable|InternalFailure/.test(name),
      });
    }
  }
}
