/**
 * The Kafka sink (`writeStream.format("kafka")`, `df.write.format("kafka")`), as Spark's
 * `KafkaWriter`: each row becomes a record from its `value` column (string or binary, required)
 * and the optional `key` (string or binary), `topic` (string), `partition` (int) and `headers`
 * (`array<struct<key: string, value: binary>>`) columns; the `topic` option, when set, overrides
 * the `topic` column.
 *
 * **At least once**, like Spark's: a batch whose records were sent but whose commit did not reach
 * the checkpoint (a crash in between) is sent again when the query restarts. Readers that need
 * exactly-once deduplicate, e.g. by a key in the record.
 */
import type { Batch } from "../../columnar/batch.js";
import { valueAt } from "../../columnar/values.js";
import type { Vector } from "../../columnar/vector.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { AnalysisError, ConfigError, SinkError } from "../../errors.js";
import type { StructType } from "../../types/data-types.js";
import type { BatchWrite, Options, SinkConnector, SinkContext } from "../registry.js";
import type { SinkBatch, StreamSink } from "../sink.js";
import type { KafkaClientConfig, KafkaProducer, ProducedRecord } from "./kafka-client.js";
import { openPlatformaticProducer } from "./platformatic-client.js";

/** Records sent per producer call (each call waits for its acks). */
const SEND_CHUNK = 10_000;

/** Makes the producer a sink writes with; a test may pass another implementation. */
export type KafkaProducerFactory = (config: KafkaClientConfig) => Promise<KafkaProducer>;

/** The sink's validated settings. */
interface KafkaSinkSettings {
  readonly topic: string | null;
  readonly kafkaParams: Readonly<Record<string, string>>;
  /** Column ordinals in the query's schema. */
  readonly columns: { readonly value: number; readonly key: number; readonly topic: number; readonly partition: number; readonly headers: number };
}

/**
 * Validates the options and the query's schema as Spark's `KafkaWriter.validateQuery` does.
 * @throws ConfigError for options, AnalysisError for columns, each naming what is wrong.
 */
function sinkSettings(options: Options, schema: StructType): KafkaSinkSettings {
  const kafkaParams: Record<string, string> = {};
  let topic: string | null = null;
  for (const [name, value] of Object.entries(options)) {
    const lower = name.toLowerCase();
    if (lower.startsWith("kafka.")) kafkaParams[lower.slice("kafka.".length)] = value;
    else if (lower === "topic") topic = value;
    else if (lower === "checkpointlocation" || lower === "path") continue;
    else throw new ConfigError(`kafka sink: unknown option '${name}' (it takes 'topic' and kafka.* client settings)`, { option: name });
  }
  for (const k of ["key.serializer", "value.serializer"]) {
    if (k in kafkaParams) {
      throw new ConfigError(
        `kafka sink: Kafka option '${k}' is not supported as ${k.startsWith("key") ? "keys" : "values"} are written as bytes (a string column is written as its UTF-8 bytes). Use DataFrame operations to serialize them, e.g. to_json.`,
        { option: `kafka.${k}` },
      );
    }
  }
  if ((kafkaParams["bootstrap.servers"] ?? "").trim() === "") {
    throw new ConfigError("kafka sink: option 'kafka.bootstrap.servers' must be specified for configuring the Kafka producer", { option: "kafka.bootstrap.servers" });
  }
  const names = schema.fields.map((f) => f.name.toLowerCase());
  const find = (name: string, types: readonly string[], what: string): number => {
    const i = names.indexOf(name);
    if (i < 0) return -1;
    const t = schema.fields[i].dataType;
    const typeName = t.typeName === "array" ? `array<${t.elementType.typeName === "struct" ? t.elementType.fields.map((f) => `${f.name}:${f.dataType.typeName}`).join(",") : t.elementType.typeName}>` : t.typeName;
    if (!types.includes(typeName)) throw new AnalysisError(`kafka sink: the ${name} attribute type must be ${what}, got ${typeName}`);
    return i;
  };
  const value = find("value", ["string", "binary"], "a string or binary");
  if (value < 0) throw new AnalysisError(`kafka sink: required attribute 'value' not found in [${schema.fields.map((f) => f.name).join(", ")}]`);
  const columns = {
    value,
    key: find("key", ["string", "binary"], "a string or binary"),
    topic: find("topic", ["string"], "a string"),
    partition: find("partition", ["integer"], "an int"),
    headers: find("headers", ["array<key:string,value:binary>"], "array<struct<key:string,value:binary>>"),
  };
  if (topic === null && columns.topic < 0) {
    throw new AnalysisError("kafka sink: topic option required when no 'topic' attribute is present. Use the topic option for setting a topic.");
  }
  return { topic, kafkaParams, columns };
}

/** Sends `batches`' rows; returns how many. */
async function produceRows(producer: KafkaProducer, s: KafkaSinkSettings, batches: AsyncIterable<Batch>): Promise<number> {
  let sent = 0;
  let pending: ProducedRecord[] = [];
  for await (const b of batches) {
    const c = s.columns;
    const col = (i: number): Vector | null => (i < 0 ? null : b.columns[i]);
    const value = col(c.value);
    const key = col(c.key);
    const topicCol = col(c.topic);
    const partition = col(c.partition);
    const headers = col(c.headers);
    for (let r = 0; r < b.numRows; r++) {
      const topic = s.topic ?? bytesText(topicCol, r);
      if (topic === null) throw new SinkError(`kafka sink: row ${sent + pending.length} has a null topic and no 'topic' option is set`, { row: sent + pending.length });
      const p = partition === null ? null : valueAt(partition, r);
      pending.push({
        topic,
        ...(typeof p === "number" ? { partition: p } : {}),
        key: bytesAt(key, r),
        value: bytesAt(value, r),
        headers: headersAt(headers, r),
      });
      if (pending.length >= SEND_CHUNK) {
        await producer.send(pending);
        sent += pending.length;
        pending = [];
      }
    }
  }
  await producer.send(pending);
  return sent + pending.length;
}

function bytesAt(v: Vector | null, r: number): Uint8Array | null {
  if (v === null || v.kind !== "bytes" || (v.valid !== null && v.valid[r] === 0)) return null;
  return v.data.subarray(v.offsets[r], v.offsets[r + 1]);
}

function bytesText(v: Vector | null, r: number): string | null {
  const b = bytesAt(v, r);
  return b === null ? null : new TextDecoder().decode(b);
}

function headersAt(v: Vector | null, r: number): (readonly [string, Uint8Array | null])[] {
  if (v === null) return [];
  const list = valueAt(v, r);
  if (!Array.isArray(list)) return [];
  return list.flatMap((h: unknown) => {
    if (h === null || typeof h !== "object") return [];
    const { key, value } = h as { key?: unknown; value?: unknown };
    if (typeof key !== "string") return [];
    return [[key, value instanceof Uint8Array ? value : typeof value === "string" ? encodeUtf8(value) : null] as const];
  });
}

class KafkaSink implements StreamSink {
  readonly description: string;
  private producer: KafkaProducer | null = null;

  constructor(
    private readonly settings: KafkaSinkSettings,
    private readonly newProducer: KafkaProducerFactory,
    private readonly clientId: string,
  ) {
    this.description = `KafkaSink[${settings.topic ?? "topic column"}]`;
  }

  async addBatch(batch: SinkBatch): Promise<{ numOutputRows: number }> {
    this.producer ??= await this.newProducer({ params: this.settings.kafkaParams, clientId: this.clientId });
    return { numOutputRows: await produceRows(this.producer, this.settings, batch.data) };
  }

  async stop(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    await p?.close();
  }
}

/** The `kafka` sink connector; `newProducer` is the client library (tests may pass another). */
export function kafkaSinkConnector(newProducer: KafkaProducerFactory = openPlatformaticProducer): SinkConnector {
  return {
    outputModes: ["append", "update", "complete"],
    validate(ctx: SinkContext) {
      sinkSettings(ctx.options, ctx.schema);
    },
    create(ctx: SinkContext) {
      return new KafkaSink(sinkSettings(ctx.options, ctx.schema), newProducer, `sluice-producer-${ctx.queryId}`);
    },
    async writeBatch(write: BatchWrite) {
      if (write.mode === "overwrite" || write.mode === "ignore") {
        throw new ConfigError(`kafka sink: save mode '${write.mode}' is not allowed: a topic can only be appended to (use mode("append"))`, { option: "mode" });
      }
      const settings = sinkSettings(write.options, write.schema);
      const producer = await newProducer({ params: settings.kafkaParams, clientId: "sluice-producer" });
      try {
        await produceRows(producer, settings, write.data());
      } finally {
        await producer.close();
      }
    },
  };
}
