/**
 * Acceptance test of the seed job reading Kinesis, as a user runs it: `sluice run
 * examples/kinesis-bronze-to-silver.ts` in child processes, settings from the environment and
 * credentials from the standard AWS chain, against moto's Kinesis with a 4-shard stream of booking
 * events (duplicates, events without an id, malformed lines). Silver (Delta) is read back by an
 * independent replay of its log and DuckDB and compared with the generator's truth: over two runs
 * with a shard split between them, and after kill -9 at random moments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStreamCommand, KinesisClient, ListShardsCommand, PutRecordsCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import { assertDeltaSilverMatches, landingLines } from "../support/silver-check.js";
import { MOTO_CREDENTIALS, motoForFile, motoSkip } from "../support/moto.js";
import { runJobOk, runKilledUntilDone } from "../support/sluice-cli.js";

const JOB = "examples/kinesis-bronze-to-silver.ts";
const base = mkdtempSync(join(tmpdir(), "sluice-kinesis-b2s-"));
const moto = motoForFile(() => rmSync(base, { recursive: true, force: true }));

function kinesis(): KinesisClient {
  return new KinesisClient({ region: "us-east-1", endpoint: moto(), credentials: MOTO_CREDENTIALS, requestHandler: new NodeHttpHandler() });
}

/** Puts every line of the landing files in `dir` into `stream`, in order, spread over its shards by partition key. */
async function putLanding(stream: string, dir: string): Promise<void> {
  const lines = landingLines(dir).flat();
  for (let i = 0; i < lines.length; i += 500) {
    const chunk = lines.slice(i, i + 500);
    const r = await kinesis().send(new PutRecordsCommand({ StreamName: stream, Records: chunk.map((v, k) => ({ PartitionKey: `user-${(i + k) % 97}`, Data: new TextEncoder().encode(v) })) }));
    assert.equal(r.FailedRecordCount ?? 0, 0);
  }
}

function jobEnv(stream: string, name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    STREAM: stream,
    REGION: "us-east-1",
    ENDPOINT_URL: moto(),
    STARTING_POSITION: "TRIM_HORIZON",
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    SILVER: join(base, name, "silver"),
    CHECKPOINT: join(base, name, "checkpoint"),
    TRIGGER: "availableNow",
    ...extra,
  };
}

async function runJob(env: Record<string, string>): Promise<void> {
  await runJobOk(JOB, env);
}

test("kinesis → silver (Delta): exact over two runs with a shard split between them", { skip: motoSkip }, async () => {
  const stream = "booking_events";
  await kinesis().send(new CreateStreamCommand({ StreamName: stream, ShardCount: 4 }));
  const first = await writeBookingEvents(join(base, "landing-1"), { events: 6_000, files: 2, seed: 7 });
  await putLanding(stream, join(base, "landing-1"));
  const env = jobEnv(stream, "run");
  await runJob(env);
  await assertDeltaSilverMatches(env.SILVER, first, join(base, "expected-1.ndjson"));

  // Split a shard, then deliver everything again plus new events: only the new ones may appear.
  const shard = ((await kinesis().send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [])[1];
  const lo = BigInt(shard.HashKeyRange?.StartingHashKey ?? "0");
  const hi = BigInt(shard.HashKeyRange?.EndingHashKey ?? "0");
  await kinesis().send(new SplitShardCommand({ StreamName: stream, ShardToSplit: shard.ShardId, NewStartingHashKey: ((lo + hi) / 2n).toString() }));
  const second = await writeBookingEvents(join(base, "landing-2"), { events: 9_000, files: 2, seed: 7 });
  await putLanding(stream, join(base, "landing-2"));
  await runJob(env);
  await assertDeltaSilverMatches(env.SILVER, second, join(base, "expected-2.ndjson"));
});

test("kinesis → silver (Delta): kill -9 at random moments, restarted until done, gives every valid event once", { skip: motoSkip }, async (t) => {
  const stream = "booking_events_kill";
  await kinesis().send(new CreateStreamCommand({ StreamName: stream, ShardCount: 4 }));
  const truth = await writeBookingEvents(join(base, "landing-kill"), { events: 6_000, files: 3, seed: 11 });
  await putLanding(stream, join(base, "landing-kill"));
  const env = jobEnv(stream, "killed", { MAX_RECORDS: "200" });
  const seed = Number(process.env.KILL_SEED ?? "4242");
  const report = await runKilledUntilDone(["run", JOB], { env, seed, kills: 4, checkpoint: env.CHECKPOINT, maxDelayMs: 60, timeoutMs: 120_000 });
  t.diagnostic(`${report.kills} kills (${report.midBatchKills} mid-batch), ${report.runs} runs, seed ${seed}`);
  assert.equal(report.final.code, 0, `the final run failed (signal ${report.final.signal}, seed ${seed}):\n${report.final.stderr}`);
  assert.ok(report.kills >= 2, `only ${report.kills} runs were killed before the job finished (seed ${seed})`);
  await assertDeltaSilverMatches(env.SILVER, truth, join(base, "expected-killed.ndjson"));
});
