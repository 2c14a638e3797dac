/**
 * The Kafka source against a real Kafka-protocol broker (librdkafka's mock cluster in kcat), with
 * kcat as the independent producer: Spark's row schema, earliest/latest starts, exactly-once over
 * restarts from the checkpoint, maxOffsetsPerTrigger, batch reads with ending offsets, every
 * compression codec producers use, and failOnDataLoss.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, col, from_json } from "../../src/index.js";
import type { DataFrame, StreamingQuery } from "../../src/index.js";
import { simpleString } from "../../src/types/print-schema.js";
import { kafkaSkip, mockKafkaForFile } from "../support/kafka-broker.js";
import { runSluice } from "../support/sluice-cli.js";

const spark = SparkSession.builder.appName("kafka-source-test").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-"));

const broker = mockKafkaForFile(() => rmSync(dir, { recursive: true, force: true }));

/** A streaming (or, with `batch`, a batch) Kafka DataFrame on the test cluster with `options`. */
function kafkaDf(options: Record<string, string>, batch = false): DataFrame {
  const reader = batch ? spark.read : spark.readStream;
  return reader.format("kafka").option("kafka.bootstrap.servers", broker().bootstrap).options(options).load();
}

/** Runs `df` to the end of what is there (availableNow) with `checkpoint`, handing each batch to `each`; returns the query. */
async function drain(df: DataFrame, checkpoint: string, each: (batch: DataFrame) => Promise<void> = async () => undefined): Promise<StreamingQuery> {
  const q = df.writeStream.option("checkpointLocation", checkpoint).trigger({ availableNow: true }).foreachBatch(each).start();
  await q.awaitTermination();
  return q;
}

function events(from: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ event_id: `e-${from + i}`, user_id: `u-${(from + i) % 7}`, amount: from + i }));
}

/** Runs the stream to the end of what is there now (availableNow) and returns every batch's event ids. */
async function runOnce(topic: string, checkpoint: string, extra: Record<string, string> = {}): Promise<string[][]> {
  const batches: string[][] = [];
  const ids = kafkaDf({ subscribe: topic, startingOffsets: "earliest", ...extra })
    .selectExpr("CAST(value AS STRING) AS value", "partition", "offset")
    .select(from_json(col("value"), "event_id STRING, user_id STRING, amount BIGINT").alias("e"))
    .select("e.event_id");
  await drain(ids, checkpoint, async (df) => {
    batches.push((await df.collect()).map((r) => String(r.event_id)));
  });
  return batches;
}

test("rows have Spark's schema; CAST(value AS STRING) gives the message", { skip: kafkaSkip }, async () => {
  broker().produce("schema_t", ["hello", "world"], { keys: ["k1", "k2"], partition: 2 });
  const df = kafkaDf({ subscribe: "schema_t" }, true);
  assert.equal(
    simpleString(df.schema),
    "struct<key:binary,value:binary,topic:string,partition:int,offset:bigint,timestamp:timestamp,timestampType:int>",
  );
  const rows = await df.selectExpr("CAST(key AS STRING) AS k", "CAST(value AS STRING) AS v", "topic", "partition", "offset", "timestampType", "timestamp").collect();
  assert.deepEqual(
    rows.map((r) => [r.k, r.v, r.topic, r.partition, r.offset, r.timestampType]),
    [
      ["k1", "hello", "schema_t", 2, 0n, 0],
      ["k2", "world", "schema_t", 2, 1n, 0],
    ],
  );
  const ts = rows[0].timestamp;
  assert.ok(ts instanceof Date && Math.abs(ts.getTime() - Date.now()) < 60_000, `timestamp ${String(ts)}`);
});

test("exactly once from the checkpoint: a second run reads only what was produced since", { skip: kafkaSkip }, async () => {
  const topic = "booking_events";
  const ck = join(dir, "ck-once");
  broker().produce(topic, events(0, 1000), { keys: events(0, 1000).map((_, i) => `k${i}`) });
  const first = (await runOnce(topic, ck)).flat();
  assert.equal(first.length, 1000);
  assert.equal(new Set(first).size, 1000);
  const again = await runOnce(topic, ck);
  assert.equal(again.flat().length, 0, "nothing new, nothing read");
  broker().produce(topic, events(1000, 500), { keys: events(1000, 500).map((_, i) => `k${i}`) });
  const second = (await runOnce(topic, ck)).flat();
  assert.deepEqual(new Set(second), new Set(events(1000, 500).map((e) => String((JSON.parse(e) as { event_id: string }).event_id))));
});

test("startingOffsets applies to a new query only; latest skips what is there", { skip: kafkaSkip }, async () => {
  const topic = "latest_t";
  broker().produce(topic, events(0, 50));
  const ck = join(dir, "ck-latest");
  assert.equal((await runOnce(topic, ck, { startingOffsets: "latest" })).flat().length, 0);
  broker().produce(topic, events(50, 20));
  // The same checkpoint with another startingOffsets resumes where it was: only the 20 new ones.
  assert.equal((await runOnce(topic, ck, { startingOffsets: "earliest" })).flat().length, 20);
});

test("maxOffsetsPerTrigger bounds each batch; availableNow still reads everything", { skip: kafkaSkip }, async () => {
  const topic = "limited_t";
  broker().produce(topic, events(0, 1000), { keys: events(0, 1000).map((_, i) => `key-${i}`) });
  const batches = await runOnce(topic, join(dir, "ck-limit"), { maxOffsetsPerTrigger: "300" });
  assert.ok(batches.length >= 4, `${batches.length} batches`);
  // A partition's share below 1 is rounded up: at most one extra record per partition (4).
  for (const b of batches) assert.ok(b.length <= 304, `batch of ${b.length}`);
  assert.equal(new Set(batches.flat()).size, 1000);
});

test("subscribePattern picks up a topic that appears later, from its earliest offset", { skip: kafkaSkip }, async () => {
  const ck = join(dir, "ck-pattern");
  broker().produce("pat_a", events(0, 30));
  const pattern = { subscribePattern: "pat_.*" };
  const first = await runPattern(ck, pattern);
  assert.equal(first.length, 30);
  broker().produce("pat_b", events(100, 40));
  broker().produce("pat_a", events(30, 5));
  broker().produce("other_b", events(500, 9));
  const second = await runPattern(ck, pattern);
  assert.equal(second.length, 45, "5 more of pat_a and all 40 of the new pat_b; other_b does not match");
});

/** Like runOnce, over a pattern (no `subscribe`). */
async function runPattern(checkpoint: string, options: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  await drain(kafkaDf({ startingOffsets: "earliest", ...options }).selectExpr("CAST(value AS STRING) AS v"), checkpoint, async (df) => {
    for (const r of await df.collect()) ids.push(String(r.v));
  });
  return ids;
}

test("batch reads: startingOffsets/endingOffsets JSON, -2 for earliest", { skip: kafkaSkip }, async () => {
  broker().produce("range_t", events(0, 10), { partition: 0 });
  const rows = await kafkaDf({ assign: '{"range_t":[0]}', startingOffsets: '{"range_t":{"0":3}}', endingOffsets: '{"range_t":{"0":7}}' }, true)
    .select("offset")
    .collect();
  assert.deepEqual(rows.map((r) => r.offset), [3n, 4n, 5n, 6n]);
  const all = await kafkaDf({ assign: '{"range_t":[0]}', startingOffsets: '{"range_t":{"0":-2}}' }, true).count();
  assert.equal(all, 10);
});

test("compressed topics: gzip, snappy, lz4 and zstd batches read back", { skip: kafkaSkip }, async () => {
  for (const codec of ["gzip", "snappy", "lz4", "zstd"] as const) {
    const topic = `codec_${codec}`;
    broker().produce(topic, events(0, 200), { compression: codec });
    const df = kafkaDf({ subscribe: topic }, true);
    const values = (await df.selectExpr("CAST(value AS STRING) AS v").collect()).map((r) => String(r.v)).sort();
    assert.deepEqual(values, events(0, 200).sort(), codec);
  }
});

test("options Spark refuses fail at load() with the option's name", { skip: kafkaSkip }, () => {
  assert.throws(
    () => kafkaDf({ subscribe: "t", "kafka.auto.offset.reset": "earliest" }),
    /auto\.offset\.reset.*startingOffsets/s,
  );
});

test("live: a processingTime query keeps up with a producer, and maxOffsetsPerTrigger bounds every batch", { skip: kafkaSkip }, async () => {
  const topic = "live_t";
  const sizes: number[] = [];
  let seen = 0;
  const q = kafkaDf({ subscribe: topic, startingOffsets: "earliest", maxOffsetsPerTrigger: "400" })
    .writeStream.option("checkpointLocation", join(dir, "ck-live"))
    .trigger({ processingTime: "100 milliseconds" })
    .foreachBatch(async (df) => {
      const n = await df.count();
      sizes.push(n);
      seen += n;
    })
    .start();
  try {
    // 12 rounds of 250 messages, 150 ms apart, while the query runs.
    for (let round = 0; round < 12; round++) {
      broker().produce(topic, events(round * 250, 250), { keys: events(round * 250, 250).map((_, i) => `k${round}-${i}`) });
      await new Promise((r) => setTimeout(r, 150));
    }
    const deadline = Date.now() + 20_000;
    while (seen < 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen, 3000, `read ${seen} of 3000 within 20 s of the last message`);
    assert.ok(sizes.filter((n) => n > 0).length >= 8, `batches: ${sizes.join(",")}`);
    for (const n of sizes) assert.ok(n <= 404, `a batch of ${n} rows (maxOffsetsPerTrigger 400)`);
  } finally {
    await q.stop();
  }
});

test("progress: start, end and latest offsets in Spark's JSON, and the offsets-behind-latest metrics", { skip: kafkaSkip }, async () => {
  const topic = "progress_t";
  broker().produce(topic, events(0, 1000), { keys: events(0, 1000).map((_, i) => `p${i}`) });
  const q = await drain(kafkaDf({ subscribe: topic, startingOffsets: "earliest", maxOffsetsPerTrigger: "100" }), join(dir, "ck-progress"));
  const total = (o: unknown) => Object.values((o as Record<string, Record<string, number>> | null)?.[topic] ?? {}).reduce((a, b) => a + b, 0);
  const [first, second] = q.recentProgress.map((p) => p.sources[0]);
  assert.equal(first.startOffset, null, "Spark reports no start offset for a query's first batch");
  assert.ok(total(first.endOffset) >= 100 && total(first.endOffset) <= 104, JSON.stringify(first.endOffset));
  assert.equal(total(first.latestOffset), 1000, "latestOffset is what was available, before the rate limit");
  assert.deepEqual(second.startOffset, first.endOffset);
  assert.equal(first.numInputRows, total(first.endOffset));
  const m = first.metrics;
  assert.equal(Number(m.maxOffsetsBehindLatest) + Number(m.minOffsetsBehindLatest) > 0, true, JSON.stringify(m));
  assert.equal(Number(m.avgOffsetsBehindLatest) * 4, 1000 - total(first.endOffset));
});

test("failOnDataLoss: offsets deleted by retention fail the query by default, or are skipped and counted", { skip: kafkaSkip }, async () => {
  const topic = "retention_t";
  // The mock keeps about 5 MiB per partition: 8 MiB into partition 0 deletes its oldest records.
  const big = Array.from({ length: 16_000 }, (_, i) => `${i}:${"x".repeat(512)}`);
  broker().produce(topic, big.slice(0, 4000), { partition: 0 });
  broker().produce(topic, big.slice(4000), { partition: 0 });
  const fromZero = { assign: `{"${topic}":[0]}`, startingOffsets: `{"${topic}":{"0":0}}` };
  const read = (failOnDataLoss: string) => kafkaDf({ ...fromZero, failOnDataLoss }, true).selectExpr("offset").collect();
  await assert.rejects(read("true"), (e: unknown) => e instanceof Error && /offsets 0 to \d+ of retention_t-0 cannot be read.*failOnDataLoss/s.test(e.message));
  const rows = await read("false");
  const offsets = rows.map((r) => Number(r.offset));
  assert.ok(offsets.length > 0 && offsets.length < 16_000, `${offsets.length} records survive retention`);
  assert.equal(offsets[offsets.length - 1], 15_999);
  assert.equal(offsets[0], 16_000 - offsets.length, "what is left is read without a gap");
  // A stream counts what it skipped in its progress.
  const q = await drain(kafkaDf({ ...fromZero, failOnDataLoss: "false" }), join(dir, "ck-loss"));
  const last = q.recentProgress.at(-1)?.sources[0];
  assert.equal(Number(last?.metrics.numOffsetsLost), 16_000 - offsets.length);
  assert.equal(q.recentProgress.reduce((n, p) => n + p.numInputRows, 0), offsets.length);
});

test("sluice checkpoint import-spark: a query resumes where the Spark query's last committed batch ended", { skip: kafkaSkip }, async () => {
  const topic = "import_t";
  for (let p = 0; p < 4; p++) broker().produce(topic, events(p * 100, 100), { partition: p });
  // A Spark checkpoint in Spark's layout: batch 1 committed at offset 60 of each partition,
  // batch 2 planned up to 80 but never committed, operator state present.
  const spark3 = join(dir, "spark-ck");
  const offsetsAt = (n: number) => JSON.stringify({ [topic]: { "0": n, "1": n, "2": n, "3": n } });
  const meta = (ts: number) => JSON.stringify({ batchWatermarkMs: 0, batchTimestampMs: ts, conf: { "spark.sql.shuffle.partitions": "200" } });
  mkdirSync(join(spark3, "offsets"), { recursive: true });
  mkdirSync(join(spark3, "commits"), { recursive: true });
  mkdirSync(join(spark3, "sources", "0"), { recursive: true });
  mkdirSync(join(spark3, "state", "0", "0"), { recursive: true });
  writeFileSync(join(spark3, "metadata"), '{"id":"9a3e2b1c-4d5e-4f60-8a71-92b3c4d5e6f7"}\n');
  writeFileSync(join(spark3, "sources", "0", "0"), `\u0000v1\n${offsetsAt(0)}`);
  writeFileSync(join(spark3, "offsets", "0"), `v1\n${meta(1_700_000_000_000)}\n${offsetsAt(30)}`);
  writeFileSync(join(spark3, "commits", "0"), 'v1\n{"nextBatchWatermarkMs":0}');
  writeFileSync(join(spark3, "offsets", "1"), `v1\n${meta(1_700_000_060_000)}\n${offsetsAt(60)}`);
  writeFileSync(join(spark3, "commits", "1"), 'v1\n{"nextBatchWatermarkMs":0}');
  writeFileSync(join(spark3, "offsets", "2"), `v1\n${meta(1_700_000_120_000)}\n${offsetsAt(80)}`);
  writeFileSync(join(spark3, "state", "0", "0", "2.delta"), new Uint8Array([0, 1, 2]));

  const ck = join(dir, "imported-ck");
  const r = await runSluice(["checkpoint", "import-spark", spark3, ck]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported batch 1 .*query id 9a3e2b1c-4d5e-4f60-8a71-92b3c4d5e6f7/);
  assert.match(r.stdout, /resumes with batch 2/);
  assert.match(r.stdout, /state .* not imported/);

  const seen: { p: number; o: number }[] = [];
  const q = await drain(kafkaDf({ subscribe: topic, startingOffsets: "earliest" }).dropDuplicates(["partition", "offset"]), ck, async (df) => {
    for (const row of await df.select("partition", "offset").collect()) seen.push({ p: Number(row.partition), o: Number(row.offset) });
  });
  assert.equal(q.recentProgress[0]?.batchId, 2, "the first sluice batch is the Spark query's next one");
  assert.equal(seen.length, 4 * 40, "offsets 60..99 of each partition, nothing before");
  assert.ok(seen.every((x) => x.o >= 60 && x.o < 100));
  assert.equal(q.id, "9a3e2b1c-4d5e-4f60-8a71-92b3c4d5e6f7");

  const again = await runSluice(["checkpoint", "import-spark", spark3, ck]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /is not empty/);
});

test("readProgress: the batch in flight reports the offsets fetched of all it reads", { skip: kafkaSkip }, async () => {
  const topic = "read_progress_t";
  broker().produce(topic, events(0, 4000), { keys: events(0, 4000).map((_, i) => `r${i}`) });
  const q = kafkaDf({ subscribe: topic, startingOffsets: "earliest" })
    .writeStream.option("checkpointLocation", join(dir, "ck-read-progress"))
    .trigger({ availableNow: true })
    .foreachBatch(async () => undefined)
    .start();
  // Sample the query's progress between the reads' fetches until it ends.
  const seen: { done: number; total: number; unit: string }[] = [];
  let running = true;
  const sample = (): void => {
    const p = q.batchProgress;
    if (p !== null) seen.push({ done: p.done, total: p.total, unit: p.unit });
    if (running) setImmediate(sample);
  };
  sample();
  await q.awaitTermination();
  running = false;
  assert.ok(seen.length > 0, "the read was in flight at some sample");
  for (const p of seen) {
    assert.equal(p.unit, "offsets");
    assert.equal(p.total, 4000);
    assert.ok(p.done >= 0 && p.done <= 4000, JSON.stringify(p));
  }
  assert.ok(seen.some((p) => p.done > 0 && p.done < 4000), `progress moved: ${JSON.stringify(seen.slice(0, 5))}`);
  assert.equal(q.batchProgress, null);
});
