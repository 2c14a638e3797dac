/**
 * The data-quality step over Kafka: a topic of valid booking events mixed with kinds of bad input
 * (what kcat can carry as one message per line), read with Spark's Kafka options, parsed with the
 * corrupt-record column and checked by quarantine rules: Silver holds exactly the valid events,
 * each once; the quarantine table exactly the bad messages, each with its reason and its text.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, col, from_json } from "../../src/index.js";
import { kafkaSkip, mockKafkaForFile } from "../support/kafka-broker.js";

const base = mkdtempSync(join(tmpdir(), "sluice-kafka-quality-"));
const broker = mockKafkaForFile(() => rmSync(base, { recursive: true, force: true }));

const BAD: readonly string[] = [
  '{"event_id":"evt-x1",',
  '{"event_id":"evt-2","timestamp":"abc"}',
  '{"event_id":"evt-3","timestamp":99999999999999999999}',
  "[1,2]",
  "null",
  "42",
  '"text"',
  "true",
  "   ", // whitespace only (kcat sends no message for an empty line)
  '{"event_id":"dup","event_id":"dup2"}',
  '\uFEFF{"event_id":"evt-4"}',
  "{'event_id':'single'}",
  '{"event_id":"evt-5" /* comment */}',
  '{event_id:"evt-6"}',
  '{"event_id":"evt-7","timestamp":007}',
  '{"event_id":"evt-8\there"}',
  '{"a":1}{"b":2}',
  "[".repeat(100_000) + "]".repeat(100_000),
];

test("kafka → silver with quarantine rules: exactly the valid events, exactly the bad messages", { skip: kafkaSkip }, async () => {
  const valid = Array.from({ length: 120 }, (_, i) => `{"event_id":"evt-${1000 + (i % 100)}","timestamp":${i}}`);
  broker().produce("dirty_events", [...valid.slice(0, 60), ...BAD, ...valid.slice(60)]);
  const spark = SparkSession.builder.appName("kafka-quality-test").getOrCreate();
  const q = spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", broker().bootstrap)
    .option("subscribe", "dirty_events")
    .option("startingOffsets", "earliest")
    .load()
    .selectExpr("CAST(value AS STRING)")
    .select(from_json(col("value"), "event_id STRING, timestamp BIGINT, _corrupt_record STRING").alias("d"))
    .select("d.*")
    .expectAllOrQuarantine({ parsed: col("_corrupt_record").isNull(), valid_id: "event_id RLIKE '^evt-[0-9]+$'" })
    .drop("_corrupt_record")
    .dropDuplicates(["event_id"])
    .writeStream.format("delta")
    .option("checkpointLocation", join(base, "checkpoint"))
    .option("quarantinePath", join(base, "quarantine"))
    .trigger({ availableNow: true })
    .start(join(base, "silver"));
  await q.awaitTermination();
  const silver = await spark.read.format("delta").load(join(base, "silver")).collect();
  assert.deepEqual(
    silver.map((r) => r.event_id).sort(),
    Array.from({ length: 100 }, (_, i) => `evt-${1000 + i}`),
  );
  const quarantined = await spark.read.format("delta").load(join(base, "quarantine")).select("_error", "_corrupt_record").collect();
  assert.equal(quarantined.length, BAD.length, "every bad message, and only those");
  const texts = new Set(quarantined.map((r) => r._corrupt_record));
  for (const t of ['{"event_id":"evt-x1",', "[1,2]", '{event_id:"evt-6"}', "[".repeat(100_000) + "]".repeat(100_000)]) assert.ok(texts.has(t), t.slice(0, 40));
  const total = valid.length + BAD.length;
  for (const rule of q.lastProgress?.dataQuality?.expectations ?? []) assert.equal(rule.passedRecords + rule.failedRecords, total, rule.name);
});
