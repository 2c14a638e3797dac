/**
 * Acceptance test of the seed job reading Kafka, as a user runs it: `sluice run
 * examples/kafka-bronze-to-silver.ts` in child processes, settings from the environment, against
 * librdkafka's mock cluster (kcat), with booking events (duplicates, events without an id,
 * malformed lines) produced by kcat. Silver is a Delta table, read back by an independent replay
 * of its log (bench/lib/delta-log.ts) and DuckDB, and compared with the generator's ground truth:
 * after a first run, after more events and a second run, and after kill -9 at random moments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import { assertDeltaSilverMatches, landingLines } from "../support/silver-check.js";
import { kafkaSkip, mockKafkaForFile } from "../support/kafka-broker.js";
import { runJobOk, runKilledUntilDone } from "../support/sluice-cli.js";

const JOB = "examples/kafka-bronze-to-silver.ts";

const base = mkdtempSync(join(tmpdir(), "sluice-kafka-b2s-"));
const broker = mockKafkaForFile(() => rmSync(base, { recursive: true, force: true }));

/** Produces every line of the landing files in `dir` (in file order) to `topic`. */
function produceLanding(topic: string, dir: string): void {
  for (const lines of landingLines(dir)) broker().produce(topic, lines);
}

function jobEnv(topic: string, name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BOOTSTRAP: broker().bootstrap,
    TOPIC: topic,
    STARTING_OFFSETS: "earliest",
    SILVER: join(base, name, "silver"),
    CHECKPOINT: join(base, name, "checkpoint"),
    TRIGGER: "availableNow",
    ...extra,
  };
}

async function runJob(env: Record<string, string>): Promise<void> {
  await runJobOk(JOB, env);
}

test("kafka → silver (Delta): a second run after more events adds every new valid event exactly once", { skip: kafkaSkip }, async () => {
  const topic = "booking_events";
  const first = await writeBookingEvents(join(base, "landing-1"), { events: 8_000, files: 2, seed: 7 });
  assert.ok(first.duplicateLines > 0 && first.missingIdLines > 0 && first.malformedLines > 0, "the topic has dirt");
  produceLanding(topic, join(base, "landing-1"));
  const env = jobEnv(topic, "run");
  await runJob(env);
  await assertDeltaSilverMatches(env.SILVER, first, join(base, "expected-1.ndjson"));

  // The same seed with more events: its first 8,000 lines repeat the first delivery (a producer
  // retrying everything), then come new events. Only the new ones may appear.
  const second = await writeBookingEvents(join(base, "landing-2"), { events: 12_000, files: 2, seed: 7 });
  produceLanding(topic, join(base, "landing-2"));
  await runJob(env);
  await assertDeltaSilverMatches(env.SILVER, second, join(base, "expected-2.ndjson"));

  // Nothing new: nothing changes.
  await runJob(env);
  await assertDeltaSilverMatches(env.SILVER, second, join(base, "expected-3.ndjson"));
});

test("kafka → silver (Delta): kill -9 at random moments, restarted until done, gives every valid event once", { skip: kafkaSkip }, async (t) => {
  const topic = "booking_events_kill";
  const truth = await writeBookingEvents(join(base, "landing-kill"), { events: 10_000, files: 4, seed: 11 });
  produceLanding(topic, join(base, "landing-kill"));
  const env = jobEnv(topic, "killed", { MAX_OFFSETS: "800" });
  const seed = Number(process.env.KILL_SEED ?? "4242");
  const report = await runKilledUntilDone(["run", JOB], { env, seed, kills: 4, checkpoint: env.CHECKPOINT, maxDelayMs: 60, timeoutMs: 120_000 });
  t.diagnostic(`${report.kills} kills (${report.midBatchKills} mid-batch), ${report.runs} runs, seed ${seed}`);
  assert.equal(report.final.code, 0, `the final run failed (signal ${report.final.signal}, seed ${seed}):\n${report.final.stderr}`);
  assert.ok(report.kills >= 2, `only ${report.kills} runs were killed before the job finished (seed ${seed})`);
  await assertDeltaSilverMatches(env.SILVER, truth, join(base, "expected-killed.ndjson"));
});
