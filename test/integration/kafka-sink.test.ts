/**
 * The Kafka sink against librdkafka's mock cluster (kcat), read back by kcat as the independent
 * consumer: a stream's rows as records (key, value, the topic option), a batch write with topic,
 * partition and headers columns, and Spark's checks of the written columns and save modes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStream, SparkSession } from "../../src/index.js";
import { AnalysisError, ConfigError } from "../../src/errors.js";
import { kafkaSkip, mockKafkaForFile } from "../support/kafka-broker.js";

const spark = SparkSession.builder.appName("kafka-sink-test").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-sink-"));

const broker = mockKafkaForFile(() => rmSync(dir, { recursive: true, force: true }));

test("writeStream.format('kafka'): each row is a record with its key and value, in the topic option's topic", { skip: kafkaSkip }, async () => {
  const ms = new MemoryStream("id INT, name STRING", `kafka-sink-${Date.now()}`);
  const q = spark.readStream
    .format("memory")
    .option("name", ms.name)
    .load()
    .selectExpr("CAST(id AS STRING) AS key", "concat('{\"id\":', CAST(id AS STRING), ',\"name\":\"', name, '\"}') AS value")
    .writeStream.format("kafka")
    .option("kafka.bootstrap.servers", broker().bootstrap)
    .option("topic", "sink_stream")
    .option("checkpointLocation", join(dir, "ck-stream"))
    .start();
  ms.addData(Array.from({ length: 300 }, (_, i) => ({ id: i, name: `n${i}` })));
  await q.processAllAvailable();
  ms.addData([{ id: 300, name: "last" }]);
  await q.processAllAvailable();
  await q.stop();
  const records = broker().consume("sink_stream");
  assert.equal(records.length, 301);
  const byKey = new Map(records.map((r) => [r.key, r.value]));
  assert.equal(byKey.size, 301);
  assert.equal(byKey.get("7"), '{"id":7,"name":"n7"}');
  assert.equal(byKey.get("300"), '{"id":300,"name":"last"}');
  // The default partitioner spreads keys: the same key always lands in the same partition.
  assert.ok(new Set(records.map((r) => r.partition)).size > 1, "records are spread over partitions by key");
});

test("df.write.format('kafka'): topic, partition and headers columns; the topic option overrides the column", { skip: kafkaSkip }, async () => {
  const df = spark.createDataFrame(
    [
      { topic: "sink_batch_a", partition: 3, value: "v1", headers: [{ key: "source", value: new TextEncoder().encode("sluice") }] },
      { topic: "sink_batch_b", partition: 1, value: "v2", headers: null },
      { topic: "sink_batch_a", partition: 3, value: "v3", headers: null },
    ],
    "topic STRING, partition INT, value STRING, headers ARRAY<STRUCT<key: STRING, value: BINARY>>",
  );
  await df.write.format("kafka").option("kafka.bootstrap.servers", broker().bootstrap).save();
  const a = broker().consume("sink_batch_a");
  assert.deepEqual(a.map((r) => [r.partition, r.value]), [
    [3, "v1"],
    [3, "v3"],
  ]);
  assert.equal(a[0].headers, "source=sluice");
  assert.deepEqual(broker().consume("sink_batch_b").map((r) => [r.partition, r.value]), [[1, "v2"]]);
  await df.select("value").write.format("kafka").option("kafka.bootstrap.servers", broker().bootstrap).option("topic", "sink_batch_override").mode("append").save();
  assert.deepEqual(broker().consume("sink_batch_override").map((r) => r.value).sort(), ["v1", "v2", "v3"]);
});

test("what the sink writes reads back through the Kafka source", { skip: kafkaSkip }, async () => {
  const rows = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `value-${i}` }));
  await spark.createDataFrame(rows, "key STRING, value STRING").write.format("kafka").option("kafka.bootstrap.servers", broker().bootstrap).option("topic", "sink_roundtrip").save();
  const back = await spark.read
    .format("kafka")
    .option("kafka.bootstrap.servers", broker().bootstrap)
    .option("subscribe", "sink_roundtrip")
    .load()
    .selectExpr("CAST(key AS STRING) AS key", "CAST(value AS STRING) AS value")
    .collect();
  assert.deepEqual(back.map((r) => `${String(r.key)}=${String(r.value)}`).sort(), rows.map((r) => `${r.key}=${r.value}`).sort());
});

test("Spark's checks: a value column, a topic, no serializers, append or errorifexists only", { skip: kafkaSkip }, async () => {
  const servers = { "kafka.bootstrap.servers": broker().bootstrap };
  const noValue = spark.createDataFrame([{ v: "x" }], "v STRING");
  await assert.rejects(noValue.write.format("kafka").options({ ...servers, topic: "t" }).save(), (e: unknown) => e instanceof AnalysisError && /required attribute 'value' not found/.test(e.message));
  const intValue = spark.createDataFrame([{ value: 1 }], "value INT");
  await assert.rejects(intValue.write.format("kafka").options({ ...servers, topic: "t" }).save(), (e: unknown) => e instanceof AnalysisError && /value attribute type must be a string or binary/.test(e.message));
  const ok = spark.createDataFrame([{ value: "x" }], "value STRING");
  await assert.rejects(ok.write.format("kafka").options(servers).save(), (e: unknown) => e instanceof AnalysisError && /topic option required/.test(e.message));
  await assert.rejects(ok.write.format("kafka").options({ ...servers, topic: "t" }).mode("overwrite").save(), (e: unknown) => e instanceof ConfigError && e.context.option === "mode");
  await assert.rejects(
    ok.write.format("kafka").options({ ...servers, topic: "t", "kafka.value.serializer": "x" }).save(),
    (e: unknown) => e instanceof ConfigError && e.context.option === "kafka.value.serializer",
  );
});
