/**
 * The Kafka source when the cluster misbehaves, on librdkafka's mock cluster driven through its
 * mock API (test/support/faulty-kafka.ts): request errors injected into Fetch, ListOffsets and
 * Metadata, and a broker taken down mid-run. Each case ends in recovery or in a clear failure, and
 * after restarts from the checkpoint the Delta output holds every record exactly once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../src/index.js";
import type { StreamingQuery } from "../../src/index.js";
import { faultSkip, faultyKafkaForFile } from "../support/faulty-kafka.js";

const spark = SparkSession.builder.appName("kafka-faults-test").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-faults-"));
const cluster = faultyKafkaForFile(() => rmSync(dir, { recursive: true, force: true }));

/** Kafka error codes and API keys used below (the Kafka protocol's numbering). */
const FETCH = 1;
const LIST_OFFSETS = 2;
const NOT_LEADER_OR_FOLLOWER = 6;
const LEADER_NOT_AVAILABLE = 5;
/** librdkafka's RD_KAFKA_RESP_ERR__TRANSPORT: the mock broker drops the connection. */
const DISCONNECT = -195;

const values = (tag: string, from: number, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${from + i}`);

/** Starts the topic → Delta query; availableNow unless `processingTime` is given. */
function start(topic: string, name: string, trigger: { availableNow: true } | { processingTime: string } = { availableNow: true }): StreamingQuery {
  return spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", cluster().bootstrap)
    .option("subscribe", topic)
    .option("startingOffsets", "earliest")
    .option("maxOffsetsPerTrigger", "250")
    .load()
    .selectExpr("CAST(value AS STRING) AS v", "partition", "offset")
    .writeStream.format("delta")
    .option("checkpointLocation", join(dir, name, "checkpoint"))
    .trigger(trigger)
    .start(join(dir, name, "out"));
}

/** Runs availableNow queries until one finishes; returns the failures seen on the way. */
async function runUntilDone(topic: string, name: string, attempts = 10): Promise<Error[]> {
  const failures: Error[] = [];
  for (let i = 0; i < attempts; i++) {
    try {
      await start(topic, name).awaitTermination();
      return failures;
    } catch (e) {
      failures.push(e instanceof Error ? e : new Error(String(e)));
    }
  }
  assert.fail(`still failing after ${attempts} runs: ${failures.map((f) => f.message).join(" | ")}`);
}

async function assertExactlyOnce(name: string, expected: readonly string[]): Promise<void> {
  const rows = await spark.read.format("delta").load(join(dir, name, "out")).select("v").collect();
  const got = rows.map((r) => String(r.v));
  assert.equal(got.length, expected.length, "rows in the table");
  assert.deepEqual(new Set(got), new Set(expected));
}

test("injected Fetch errors (leader moved, dropped connections) are recovered from in the same run", { skip: faultSkip }, async () => {
  const topic = "fetch_faults";
  await cluster().topic(topic, 4);
  const all = values("f", 0, 1000);
  cluster().produce(topic, all, { keys: all });
  await cluster().failNext(FETCH, NOT_LEADER_OR_FOLLOWER, 3);
  await cluster().failNext(FETCH, DISCONNECT, 2);
  const failures = await runUntilDone(topic, "fetch");
  assert.deepEqual(
    failures.map((f) => f.message),
    [],
    "a moved leader is found again and a dropped connection is retried, without failing the query",
  );
  await assertExactlyOnce("fetch", all);
});

test("ListOffsets errors are retried; beyond the retries the query fails clearly and restarts from the checkpoint are exact", { skip: faultSkip }, async () => {
  const topic = "offsets_faults";
  await cluster().topic(topic, 4);
  const all = values("o", 0, 1000);
  cluster().produce(topic, all, { keys: all });
  // More failing requests than one run retries (5 attempts per request, each retried by the
  // library): the first runs fail, each consuming some of them, until the cluster answers again.
  await cluster().failNext(LIST_OFFSETS, LEADER_NOT_AVAILABLE, 100);
  const failures = await runUntilDone(topic, "offsets", 30);
  assert.ok(failures.length > 0, "100 failing ListOffsets requests exhaust the retries of a run at least once");
  for (const f of failures) assert.match(f.message, /kafka: listing the (latest|earliest) offset of offsets_faults-\d failed after 5 attempts/, `a failure says what failed: ${f.message}`);
  await assertExactlyOnce("offsets", all);
});

test("a broker taken down mid-run: the query recovers or fails clearly; once it is back, nothing is lost or duplicated", { skip: faultSkip }, async (t) => {
  const topic = "broker_down";
  await cluster().topic(topic, 6);
  const first = values("d", 0, 3000);
  cluster().produce(topic, first, { keys: first });
  const q = start(topic, "down", { processingTime: "50 milliseconds" });
  // Let a few batches commit, then take broker 1 (the leader of some partitions) away.
  const deadline = Date.now() + 20_000;
  while (q.recentProgress.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await cluster().down(1);
  const outcome = await Promise.race([
    q.awaitTermination().then(
      () => "stopped",
      (e: unknown) => `failed: ${e instanceof Error ? e.message : String(e)}`,
    ),
    new Promise<string>((r) => setTimeout(() => r("running"), 8_000)),
  ]);
  t.diagnostic(`with broker 1 down: ${outcome}`);
  if (outcome.startsWith("failed")) assert.match(outcome, /kafka|connect|broker|ECONNREFUSED|timed? ?out/i, outcome);
  if (outcome === "running") await q.stop();
  await cluster().up(1);
  const more = values("d", 3000, 500);
  cluster().produce(topic, more, { keys: more });
  await runUntilDone(topic, "down");
  await assertExactlyOnce("down", [...first, ...more]);
});
