/**
 * The Kinesis source against moto's Kinesis (a real Kinesis API server): the connectors' row
 * schema, exactly-once over runs from the checkpoint, and resharding (a split between runs and
 * while a query runs), with records written through the AWS SDK as a producer would.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStreamCommand, KinesisClient, ListShardsCommand, PutRecordsCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SparkSession } from "../../src/index.js";
import type { DataFrame, StreamingQuery } from "../../src/index.js";
import { simpleString } from "../../src/types/print-schema.js";
import { aggregate } from "../support/kpl-aggregate.js";
import { MOTO_CREDENTIALS, motoForFile, motoSkip } from "../support/moto.js";

const spark = SparkSession.builder.appName("kinesis-source-test").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-kinesis-"));
const moto = motoForFile(() => rmSync(dir, { recursive: true, force: true }));

function kinesis(): KinesisClient {
  return new KinesisClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS, requestHandler: new NodeHttpHandler() });
}

async function createStream(name: string, shards: number): Promise<void> {
  await kinesis().send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
}

/** Puts `values` (partition keys spread them over the shards). */
async function put(stream: string, values: readonly string[]): Promise<void> {
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    const r = await kinesis().send(new PutRecordsCommand({ StreamName: stream, Records: chunk.map((v, k) => ({ PartitionKey: `pk-${i + k}`, Data: new TextEncoder().encode(v) })) }));
    assert.equal(r.FailedRecordCount ?? 0, 0);
  }
}

async function split(stream: string, shardId: string): Promise<void> {
  const shards = (await kinesis().send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  const sh = shards.find((s) => s.ShardId === shardId);
  const lo = BigInt(sh?.HashKeyRange?.StartingHashKey ?? "0");
  const hi = BigInt(sh?.HashKeyRange?.EndingHashKey ?? "0");
  await kinesis().send(new SplitShardCommand({ StreamName: stream, ShardToSplit: shardId, NewStartingHashKey: ((lo + hi) / 2n).toString() }));
}

function kinesisDf(stream: string, options: Record<string, string> = {}): DataFrame {
  return spark.readStream
    .format("kinesis")
    .options({ streamName: stream, region: "us-east-1", endpointUrl: moto(), awsAccessKeyId: MOTO_CREDENTIALS.accessKeyId, awsSecretKey: MOTO_CREDENTIALS.secretAccessKey, startingPosition: "TRIM_HORIZON", ...options })
    .load();
}

/** Runs to the end of what is there (availableNow); returns the values read, per batch. */
async function drain(df: DataFrame, checkpoint: string): Promise<{ values: string[]; q: StreamingQuery }> {
  const values: string[] = [];
  const q = df
    .selectExpr("CAST(data AS STRING) AS v")
    .writeStream.option("checkpointLocation", checkpoint)
    .trigger({ availableNow: true })
    .foreachBatch(async (b) => {
      for (const r of await b.collect()) values.push(String(r.v));
    })
    .start();
  await q.awaitTermination();
  return { values, q };
}

const range = (from: number, n: number, tag = "e") => Array.from({ length: n }, (_, i) => `${tag}-${from + i}`);

test("rows have the connectors' schema", { skip: motoSkip }, async () => {
  await createStream("schema_s", 1);
  await put("schema_s", ["hello"]);
  const df = kinesisDf("schema_s");
  assert.equal(simpleString(df.schema), "struct<partitionKey:string,data:binary,stream:string,shardId:string,sequenceNumber:string,approximateArrivalTimestamp:timestamp>");
  const rows: Record<string, unknown>[] = [];
  const q = df
    .selectExpr("partitionKey", "CAST(data AS STRING) AS v", "stream", "shardId", "sequenceNumber", "approximateArrivalTimestamp")
    .writeStream.option("checkpointLocation", join(dir, "ck-schema"))
    .trigger({ availableNow: true })
    .foreachBatch(async (b) => void rows.push(...(await b.collect())))
    .start();
  await q.awaitTermination();
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0].partitionKey, rows[0].v, rows[0].stream, rows[0].shardId], ["pk-0", "hello", "schema_s", "shardId-000000000000"]);
  assert.ok(typeof rows[0].sequenceNumber === "string" && rows[0].sequenceNumber !== "");
  const t = rows[0].approximateArrivalTimestamp;
  assert.ok(t instanceof Date && Math.abs(t.getTime() - Date.now()) < 60_000);
});

test("exactly once over runs: each run reads what arrived since the last, with a shard split in between", { skip: motoSkip }, async () => {
  const stream = "booking_s";
  await createStream(stream, 4);
  await put(stream, range(0, 400));
  const ck = join(dir, "ck-once");
  const first = await drain(kinesisDf(stream), ck);
  assert.equal(first.values.length, 400);
  assert.deepEqual(new Set(first.values), new Set(range(0, 400)));
  assert.equal((await drain(kinesisDf(stream), ck)).values.length, 0, "nothing new, nothing read");

  // Records before the split stay in the parent; records after go to its children.
  await put(stream, range(400, 100));
  await split(stream, "shardId-000000000000");
  await put(stream, range(500, 200));
  const second = await drain(kinesisDf(stream), ck);
  assert.equal(second.values.length, 300, `read ${second.values.length}`);
  assert.deepEqual(new Set(second.values), new Set(range(400, 300)));
});

test("maxFetchRecordsPerShard bounds a batch; a split while the query runs loses and repeats nothing", { skip: motoSkip }, async () => {
  const stream = "live_s";
  await createStream(stream, 2);
  await put(stream, range(0, 300, "a"));
  const seen: string[] = [];
  const sizes: number[] = [];
  const q = kinesisDf(stream, { maxFetchRecordsPerShard: "50", describeShardInterval: "100ms" })
    .selectExpr("CAST(data AS STRING) AS v")
    .writeStream.option("checkpointLocation", join(dir, "ck-live"))
    .trigger({ processingTime: "100 milliseconds" })
    .foreachBatch(async (b) => {
      const rows = await b.collect();
      sizes.push(rows.length);
      for (const r of rows) seen.push(String(r.v));
    })
    .start();
  try {
    await split(stream, "shardId-000000000001");
    await put(stream, range(300, 300, "a"));
    const deadline = Date.now() + 30_000;
    while (seen.length < 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen.length, 600, `read ${seen.length} of 600`);
    assert.deepEqual(new Set(seen), new Set(range(0, 600, "a")));
    for (const n of sizes) assert.ok(n <= 50 * 4, `a batch of ${n} (50 per shard, at most 4 readable shards)`);
  } finally {
    await q.stop();
  }
});

test("records aggregated by the KPL become one row per user record", { skip: motoSkip }, async () => {
  const stream = "kpl_s";
  await createStream(stream, 1);
  const packed = aggregate(["user-1", "user-2"], [
    { key: 0, data: "u1-a" },
    { key: 1, data: "u2-a" },
    { key: 0, data: "u1-b" },
  ]);
  await kinesis().send(new PutRecordsCommand({ StreamName: stream, Records: [{ PartitionKey: "plain", Data: new TextEncoder().encode("plain-1") }, { PartitionKey: "agg", Data: packed }, { PartitionKey: "plain", Data: new TextEncoder().encode("plain-2") }] }));
  const rows: string[] = [];
  const q = kinesisDf(stream)
    .selectExpr("partitionKey", "CAST(data AS STRING) AS v")
    .writeStream.option("checkpointLocation", join(dir, "ck-kpl"))
    .trigger({ availableNow: true })
    .foreachBatch(async (b) => void rows.push(...(await b.collect()).map((r) => `${String(r.partitionKey)}:${String(r.v)}`)))
    .start();
  await q.awaitTermination();
  assert.deepEqual(rows, ["plain:plain-1", "user-1:u1-a", "user-2:u2-a", "user-1:u1-b", "plain:plain-2"]);
});

test("options are checked at load()", { skip: motoSkip }, () => {
  assert.throws(() => spark.readStream.format("kinesis").option("region", "us-east-1").load(), /exactly one of 'streamName' and 'streamARN'/);
  assert.throws(() => kinesisDf("x", { startingPosition: "yesterday" }), /startingPosition.*TRIM_HORIZON/);
  assert.throws(() => kinesisDf("x", { maxFetchRecordsPerShard: "0" }), /maxFetchRecordsPerShard.*positive integer/);
});
