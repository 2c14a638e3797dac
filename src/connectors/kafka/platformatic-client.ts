/**
 * {@link KafkaClient} on `@platformatic/kafka` (chosen on measurements, docs/kafka.md): its public
 * `metadata`, `listOffsets` and `fetch` calls read exact offset ranges without joining a consumer
 * group, and it decodes gzip, snappy, lz4 and zstd without native code.
 *
 * The package is an optional dependency that needs Node ≥ 22.22 or ≥ 24.6; it is imported on first
 * use, and its absence (or an older Node) is a ConfigError saying so. Its types are not imported:
 * the few shapes used are declared below, so sluice type-checks where the package is not installed.
 *
 * Offsets are listed one partition per request: a single request for several partitions would be
 * fewer round trips, but the librdkafka mock cluster the tests run against mis-encodes multi-
 * partition ListOffsets replies (v4+), and the requests run concurrently anyway.
 */
import { ConfigError, SourceError } from "../../errors.js";
import { log } from "../../log.js";
import type { FetchResult, KafkaClient, KafkaClientConfig, KafkaProducer, KafkaRecord, ProducedRecord } from "./kafka-client.js";
import { offsetOf, offsetsFrom, partitionsOf } from "./kafka-offsets.js";
import type { PartitionOffsets, TopicPartition } from "./kafka-offsets.js";

/** The package, as sluice uses it (a structural subset of its declarations). */
interface PlatformaticKafka {
  Consumer: new (options: Record<string, unknown>) => PlatformaticConsumer;
  Admin: new (options: Record<string, unknown>) => PlatformaticAdmin;
  Producer: new (options: Record<string, unknown>) => PlatformaticProducer;
}

interface PlatformaticProducer {
  send(options: { messages: { topic: string; partition?: number; key?: Buffer; value?: Buffer; headers?: Map<Buffer, Buffer> }[] }): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}

interface PlatformaticConsumer {
  metadata(options: { topics: string[]; forceUpdate?: boolean }): Promise<{ topics: Map<string, { id: string; partitionsCount: number; partitions: { leader: number }[] }> }>;
  listOffsets(options: { topics: string[]; partitions?: Record<string, number[]>; timestamp?: bigint }): Promise<Map<string, bigint[]>>;
  listOffsetsWithTimestamps(options: { topics: string[]; partitions?: Record<string, number[]>; timestamp?: bigint }): Promise<Map<string, Map<number, { offset: bigint; timestamp: bigint }>>>;
  fetch(options: {
    node: number;
    maxWaitTime?: number;
    maxBytes?: number;
    topics: { topicId: string; partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number; lastFetchedEpoch: number }[] }[];
  }): Promise<{ responses: { partitions: FetchedPartition[] }[] }>;
  close(force?: boolean): Promise<void>;
}

interface PlatformaticAdmin {
  listTopics(options?: { includeInternals?: boolean }): Promise<string[]>;
  close(): Promise<void>;
}

interface FetchedPartition {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  records?: FetchedBatch[] | null;
}

interface FetchedBatch {
  firstOffset: bigint;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  records: { timestampDelta: bigint; offsetDelta: number; key: Uint8Array | null; value: Uint8Array | null; headers: [Uint8Array | null, Uint8Array | null][] }[];
}

const PACKAGE = "@platformatic/kafka";
/** Kafka's OFFSET_OUT_OF_RANGE error code. */
const OFFSET_OUT_OF_RANGE = 1;

/** The partition of a fetch reply the library rejected for its error code, if the error carries one. */
function repliedPartition(e: unknown): FetchedPartition | undefined {
  const direct = (e as { response?: { responses?: { partitions?: FetchedPartition[] }[] } }).response?.responses?.[0]?.partitions?.[0];
  if (direct !== undefined) return direct;
  const inner = (e as { errors?: unknown }).errors;
  return Array.isArray(inner) ? inner.map(repliedPartition).find((p) => p !== undefined) : undefined;
}
/** Record batch attributes: bit 3 is the timestamp type (LogAppendTime), bit 5 marks a control batch. */
const LOG_APPEND_TIME = 0x08;
const CONTROL_BATCH = 0x20;

/** Whether this Node.js is one the client library runs on: 22.22+ or 24.6+ (its `engines`). */
export function nodeSupportsKafkaClient(version = process.versions.node): boolean {
  const [major, minor] = version.split(".").map(Number);
  return !(major < 22 || (major === 22 && minor < 22) || (major === 24 && minor < 6));
}

let loaded: Promise<PlatformaticKafka> | null = null;

function load(): Promise<PlatformaticKafka> {
  loaded ??= (async () => {
    if (!nodeSupportsKafkaClient()) {
      throw new ConfigError(`kafka: the Kafka connector needs Node.js 22.22+ or 24.6+ (its client, ${PACKAGE}, requires it); this is Node.js ${process.versions.node}`);
    }
    try {
      const name: string = PACKAGE;
      return (await import(name)) as PlatformaticKafka;
    } catch (e) {
      throw new ConfigError(`kafka: the Kafka connector needs the package ${PACKAGE} (an optional dependency of sluice): npm install ${PACKAGE}`, { cause: e });
    }
  })();
  loaded.catch(() => (loaded = null));
  return loaded;
}

/** Opens a client; the first call to a cluster happens on first use. */
export async function openPlatformaticClient(config: KafkaClientConfig): Promise<KafkaClient> {
  const lib = await load();
  const options = clientOptions(config);
  return new PlatformaticClient(new lib.Consumer({ ...options, groupId: `${config.clientId}-offsets` }), () => new lib.Admin(options));
}

/**
 * Opens a producer (acks from all in-sync replicas, Kafka's default since 3.0). Records are sent
 * as given; the library's default partitioner picks a partition by key when none is set.
 */
export async function openPlatformaticProducer(config: KafkaClientConfig): Promise<KafkaProducer> {
  const lib = await load();
  const p = config.params;
  const acks = p.acks === undefined || p.acks === "all" ? -1 : Number(p.acks);
  if (![-1, 0, 1].includes(acks)) throw new ConfigError(`kafka: option 'kafka.acks' must be all, -1, 0 or 1, got ${JSON.stringify(p.acks)}`, { option: "kafka.acks" });
  const compression = (p["compression.type"] ?? "none").toLowerCase();
  if (!["none", "gzip", "snappy", "lz4", "zstd"].includes(compression)) {
    throw new ConfigError(`kafka: option 'kafka.compression.type' must be none, gzip, snappy, lz4 or zstd, got ${JSON.stringify(p["compression.type"])}`, { option: "kafka.compression.type" });
  }
  const producer = new lib.Producer({ ...clientOptions(config, ["acks", "compression.type"]), acks, ...(compression === "none" ? {} : { compression }) });
  const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return {
    async send(records: readonly ProducedRecord[]): Promise<void> {
      if (records.length === 0) return;
      await producer.send({
        messages: records.map((r) => ({
          topic: r.topic,
          ...(r.partition === undefined ? {} : { partition: r.partition }),
          ...(r.key === null ? {} : { key: buf(r.key) }),
          ...(r.value === null ? {} : { value: buf(r.value) }),
          ...(r.headers.length === 0 ? {} : { headers: new Map(r.headers.map(([k, v]) => [Buffer.from(k, "utf8"), v === null ? Buffer.alloc(0) : buf(v)])) }),
        })),
      });
    },
    close: () => producer.close(),
  };
}

/** The library's options from Kafka's consumer settings (`kafka.*` without the prefix). */
function clientOptions(config: KafkaClientConfig, handledElsewhere: readonly string[] = []): Record<string, unknown> {
  const p = config.params;
  const used = new Set<string>(["bootstrap.servers", ...handledElsewhere]);
  const get = (k: string): string | undefined => {
    used.add(k);
    return p[k];
  };
  const options: Record<string, unknown> = {
    clientId: get("client.id") ?? config.clientId,
    bootstrapBrokers: (p["bootstrap.servers"] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
    // One quick retry in the library (it refreshes metadata on a moved leader); the requests the
    // source makes are retried again with backoff (`withRetries`), then the query fails and a
    // restart resumes from its checkpoint.
    retries: 1,
  };
  const ms = (k: string, target: string) => {
    const v = get(k);
    if (v === undefined) return;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`kafka: option 'kafka.${k}' must be a positive number of milliseconds, got ${JSON.stringify(v)}`, { option: `kafka.${k}` });
    options[target] = n;
  };
  ms("request.timeout.ms", "requestTimeout");
  ms("socket.connection.setup.timeout.ms", "connectTimeout");
  const protocol = (get("security.protocol") ?? "PLAINTEXT").toUpperCase();
  if (!["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].includes(protocol)) {
    throw new ConfigError(`kafka: option 'kafka.security.protocol' must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got ${JSON.stringify(p["security.protocol"])}`, {
      option: "kafka.security.protocol",
    });
  }
  // TLS with the system's certificate authorities (MSK's brokers present Amazon-trusted certificates).
  if (protocol.endsWith("SSL")) options.tls = {};
  if (protocol.startsWith("SASL")) {
    options.sasl = saslOptions(get("sasl.mechanism") ?? "GSSAPI", get("sasl.jaas.config"), [get("sasl.login.callback.handler.class"), get("sasl.client.callback.handler.class")], options.bootstrapBrokers as string[]);
  }
  const ignored = Object.keys(p).filter((k) => !used.has(k));
  if (ignored.length > 0) {
    log.warn("kafka.ignored-settings", `kafka: ignoring client settings with no effect on sluice's client: ${ignored.map((k) => `kafka.${k}`).join(", ")}`, { settings: ignored.map((k) => `kafka.${k}`) });
  }
  return options;
}

/**
 * The library's SASL settings from Kafka's: PLAIN and SCRAM with the JAAS config's username and
 * password; OAUTHBEARER with the token provider set by {@link setKafkaTokenProvider}; and Amazon
 * MSK's IAM authentication, as Spark jobs configure it (`AWS_MSK_IAM`, or OAUTHBEARER with the
 * aws-msk-iam-auth callback handler), with tokens signed by `aws-msk-iam-sasl-signer-js` from the
 * standard AWS credential chain. Exported for tests.
 */
export function saslOptions(mechanism: string, jaas: string | undefined, handlers: readonly (string | undefined)[], brokers: readonly string[]): Record<string, unknown> {
  const m = mechanism.toUpperCase();
  if (m === "PLAIN" || m === "SCRAM-SHA-256" || m === "SCRAM-SHA-512") {
    const field = (name: string) => (jaas === undefined ? undefined : new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas)?.[1]?.replace(/\\(.)/g, "$1"));
    const username = field("username");
    const password = field("password");
    if (username === undefined || password === undefined) {
      throw new ConfigError(
        `kafka: SASL ${m} needs a username and a password in 'kafka.sasl.jaas.config', e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`,
        { option: "kafka.sasl.jaas.config" },
      );
    }
    return { mechanism: m, username, password };
  }
  const mskIam = m === "AWS_MSK_IAM" || handlers.some((h) => h !== undefined && /software\.amazon\.msk\.auth\.iam\./.test(h));
  if (mskIam) {
    const region = mskRegion(brokers);
    return { mechanism: "OAUTHBEARER", token: () => mskToken(region) };
  }
  if (m === "OAUTHBEARER") {
    const provider = tokenProvider;
    if (provider === null) {
      throw new ConfigError(
        "kafka: SASL OAUTHBEARER needs a token: register one with setKafkaTokenProvider(() => token) before the query starts, or, for Amazon MSK, set kafka.sasl.mechanism to AWS_MSK_IAM",
        { option: "kafka.sasl.mechanism" },
      );
    }
    const bootstrapServers = brokers.join(",");
    return { mechanism: "OAUTHBEARER", token: () => provider({ bootstrapServers }) };
  }
  throw new ConfigError(`kafka: SASL mechanism ${JSON.stringify(mechanism)} is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER and AWS_MSK_IAM are)`, { option: "kafka.sasl.mechanism" });
}

/** Returns an OAUTHBEARER token for a cluster, e.g. from an identity provider. */
export type KafkaTokenProvider = (context: { readonly bootstrapServers: string }) => string | Promise<string>;

let tokenProvider: KafkaTokenProvider | null = null;

/**
 * Sets the token provider Kafka clients use with `kafka.sasl.mechanism` OAUTHBEARER (Spark's
 * `sasl.login.callback.handler.class`); it is called whenever a connection authenticates. Null
 * removes it.
 */
export function setKafkaTokenProvider(provider: KafkaTokenProvider | null): void {
  tokenProvider = provider;
}

/** The region of an MSK cluster: AWS_REGION / AWS_DEFAULT_REGION, else from its broker names (`….kafka.eu-west-1.amazonaws.com`). */
function mskRegion(brokers: readonly string[]): string {
  const fromEnv = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  for (const b of brokers) {
    const m = /\.kafka(?:-serverless)?\.([a-z0-9-]+)\.amazonaws\.com/.exec(b);
    if (m !== null) return m[1];
  }
  throw new ConfigError("kafka: MSK IAM authentication needs the cluster's region: set AWS_REGION (the broker names do not say it)", { option: "kafka.sasl.mechanism" });
}

/** An MSK IAM token (a signed request, valid 15 minutes) from the standard AWS credential chain. */
async function mskToken(region: string): Promise<string> {
  const name: string = "aws-msk-iam-sasl-signer-js";
  let signer: { generateAuthToken(o: { region: string }): Promise<{ token: string }> };
  try {
    signer = (await import(name)) as typeof signer;
  } catch (e) {
    throw new ConfigError(`kafka: MSK IAM authentication needs the package ${name} (an optional dependency of sluice): npm install ${name}`, { cause: e });
  }
  return (await signer.generateAuthToken({ region })).token;
}

/** Attempts of a request that failed (a broker down, a moved leader, a dropped connection). */
const ATTEMPTS = 5;
/** Backoff before the second attempt; doubled after each failure. */
const FIRST_BACKOFF_MS = 100;

/** An error's message with the messages it wraps (the library's MultipleErrors, AggregateError). */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const inner = (e as { errors?: unknown }).errors;
  const parts = Array.isArray(inner) ? [...new Set(inner.map(describe))] : [];
  return parts.length === 0 ? e.message : `${e.message} (${parts.join("; ")})`;
}

/**
 * Runs `request` until it succeeds, up to {@link ATTEMPTS} times with exponential backoff,
 * calling `recover` (a metadata refresh) between attempts; then fails with a SourceError that
 * says what was asked and why it failed. The query fails with it and, restarted, resumes from its
 * checkpoint.
 */
async function withRetries<T>(what: string, request: () => Promise<T>, recover: () => void = () => undefined): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
    try {
      return await request();
    } catch (e) {
      if (e instanceof SourceError && !e.retryable) throw e;
      last = e;
      recover();
    }
  }
  throw new SourceError(`kafka: ${what} failed after ${ATTEMPTS} attempts: ${describe(last)}`, { cause: last, retryable: true });
}

class PlatformaticClient implements KafkaClient {
  private admin: PlatformaticAdmin | null = null;
  /** Topic ids and partition leaders, refreshed when a fetch finds a leader moved. */
  private readonly topicMeta = new Map<string, { id: string; leaders: number[] }>();

  constructor(
    private readonly consumer: PlatformaticConsumer,
    private readonly newAdmin: () => PlatformaticAdmin,
  ) {}

  async partitionsWhere(select: (topic: string) => boolean): Promise<TopicPartition[]> {
    const present = (await this.topics()).filter(select);
    await this.refresh(present);
    const out: TopicPartition[] = [];
    for (const topic of present) {
      const meta = this.topicMeta.get(topic);
      for (let partition = 0; partition < (meta?.leaders.length ?? 0); partition++) out.push({ topic, partition });
    }
    return out;
  }

  private async topics(): Promise<string[]> {
    this.admin ??= this.newAdmin();
    const admin = this.admin;
    return (await withRetries("listing the cluster's topics", () => admin.listTopics({ includeInternals: false }))).filter((t) => !t.startsWith("__"));
  }

  async listOffsets(partitions: readonly TopicPartition[], at: "earliest" | "latest"): Promise<PartitionOffsets> {
    const entries = await Promise.all(
      partitions.map(async (tp): Promise<[TopicPartition, number]> => {
        const r = await withRetries(`listing the ${at} offset of ${tp.topic}-${tp.partition}`, () =>
          this.consumer.listOffsets({ topics: [tp.topic], partitions: { [tp.topic]: [tp.partition] }, timestamp: at === "earliest" ? -2n : -1n }),
        );
        const o = r.get(tp.topic)?.[tp.partition];
        if (o === undefined) throw new SourceError(`kafka: the broker did not list the ${at} offset of ${tp.topic}-${tp.partition}`);
        return [tp, Number(o)];
      }),
    );
    return offsetsFrom(entries);
  }

  async offsetsForTimes(timestamps: PartitionOffsets): Promise<PartitionOffsets> {
    const entries = await Promise.all(
      partitionsOf(timestamps).map(async (tp): Promise<[TopicPartition, number]> => {
        const ts = offsetOf(timestamps, tp) ?? 0;
        const r = await withRetries(`listing the offset at timestamp ${ts} of ${tp.topic}-${tp.partition}`, () =>
          this.consumer.listOffsetsWithTimestamps({ topics: [tp.topic], partitions: { [tp.topic]: [tp.partition] }, timestamp: BigInt(ts) }),
        );
        const o = r.get(tp.topic)?.get(tp.partition)?.offset;
        return [tp, o === undefined ? -1 : Number(o)];
      }),
    );
    return offsetsFrom(entries);
  }

  async fetch(tp: TopicPartition, offset: number, maxBytes: number): Promise<FetchResult> {
    const part = await withRetries(
      `fetching ${tp.topic}-${tp.partition} at offset ${offset}`,
      async () => {
        let meta = this.topicMeta.get(tp.topic);
        if (meta === undefined || meta.leaders[tp.partition] === undefined) {
          await this.refresh([tp.topic]);
          meta = this.topicMeta.get(tp.topic);
        }
        const leader = meta?.leaders[tp.partition];
        if (meta === undefined || leader === undefined) throw new SourceError(`kafka: ${tp.topic}-${tp.partition} does not exist (any more)`, { retryable: false });
        const p = await this.consumer
          .fetch({
            node: leader,
            maxWaitTime: 10,
            maxBytes,
            topics: [{ topicId: meta.id, partitions: [{ partition: tp.partition, fetchOffset: BigInt(offset), partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
          })
          .then(
            (res) => res.responses[0]?.partitions[0],
            // The library rejects a reply whose partition has an error code; OFFSET_OUT_OF_RANGE's
            // reply still holds the log's bounds, for the source to decide about data loss.
            (e: unknown) => {
              const replied = repliedPartition(e);
              if (replied === undefined || replied.errorCode !== OFFSET_OUT_OF_RANGE) throw e;
              return replied;
            },
          );
        if (p === undefined) throw new SourceError(`kafka: the broker answered a fetch of ${tp.topic}-${tp.partition} with no partition`);
        if (p.errorCode !== 0 && p.errorCode !== OFFSET_OUT_OF_RANGE) throw new SourceError(`kafka: fetching ${tp.topic}-${tp.partition} returned Kafka error code ${p.errorCode}`, { offset });
        return p;
      },
      // A moved leader or a lost broker: ask the cluster again who leads the partition.
      () => this.topicMeta.delete(tp.topic),
    );
    return decode(part, offset);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumer.close(true), this.admin?.close()]);
  }

  private async refresh(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const md = await withRetries(`reading the metadata of ${topics.join(", ")}`, () => this.consumer.metadata({ topics: [...topics], forceUpdate: true }));
    for (const t of topics) {
      const m = md.topics.get(t);
      if (m !== undefined) this.topicMeta.set(t, { id: m.id, leaders: m.partitions.map((x) => x.leader) });
    }
  }
}

const utf8 = new TextDecoder();

function decode(part: FetchedPartition, from: number): FetchResult {
  const records: KafkaRecord[] = [];
  let next = from;
  for (const b of part.records ?? []) {
    const first = Number(b.firstOffset);
    next = Math.max(next, first + b.lastOffsetDelta + 1);
    if ((b.attributes & CONTROL_BATCH) !== 0) continue;
    const logAppend = (b.attributes & LOG_APPEND_TIME) !== 0;
    for (const r of b.records) {
      const offset = first + r.offsetDelta;
      if (offset < from) continue;
      records.push({
        offset,
        timestamp: Number(logAppend ? b.maxTimestamp : b.firstTimestamp + r.timestampDelta),
        timestampType: logAppend ? 1 : 0,
        key: r.key,
        value: r.value,
        headers: r.headers.map(([k, v]) => [k === null ? "" : utf8.decode(k), v] as const),
      });
    }
  }
  return { records, nextOffset: next, logStartOffset: Number(part.logStartOffset), highWatermark: Number(part.highWatermark) };
}
