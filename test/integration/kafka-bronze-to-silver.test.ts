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
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { idSetChecksum, writeBookingEvents, writeExpectedEvents } from "../../bench/lib/booking-events.js";
import type { BookingEventsTruth } from "../../bench/lib/booking-events.js";
import { readDeltaLog } from "../../bench/lib/delta-log.js";
import { duckdb, queryRows, readParquetSql, sqlString } from "../support/duckdb.js";
import { kafkaSkip, mockKafkaForFile } from "../support/kafka-broker.js";
import { runKilledUntilDone, runSluice } from "../support/sluice-cli.js";

const JOB = "examples/kafka-bronze-to-silver.ts";
const COLUMNS = "event_id, user_id, timestamp, event_type, payload";
const NDJSON_COLUMNS = "{event_id: 'VARCHAR', user_id: 'VARCHAR', timestamp: 'BIGINT', event_type: 'VARCHAR', payload: 'VARCHAR'}";

const base = mkdtempSync(join(tmpdir(), "sluice-kafka-b2s-"));
const broker = mockKafkaForFile(() => rmSync(base, { recursive: true, force: true }));

/** Produces every line of the landing files in `dir` (in file order) to `topic`. */
function produceLanding(topic: string, dir: string): void {
  for (const f of readdirSync(dir).sort()) {
    const lines = readFileSync(join(dir, f), "utf8").split("\n").filter((l) => l !== "");
    broker().produce(topic, lines);
  }
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
  const r = await runSluice(["run", JOB], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, `sluice run ${JOB} exited ${r.code} (signal ${r.signal}):\n${r.stderr}`);
}

async function count(sql: string): Promise<number> {
  return Number((await queryRows(sql))[0].n);
}

/** The live files of the Delta table at `silver`, by an independent replay of its log. */
async function liveFiles(silver: string): Promise<readonly string[]> {
  const state = await readDeltaLog(silver, await duckdb());
  assert.ok(state.files.length > 0, `no live files in ${silver}`);
  return state.files;
}

/** Asserts Silver holds exactly the distinct valid events of `truth`, each once, with their fields. */
async function assertSilverMatches(silver: string, truth: BookingEventsTruth, expectedFile: string): Promise<void> {
  await writeExpectedEvents(truth, expectedFile);
  const actual = `(SELECT ${COLUMNS} FROM ${readParquetSql(await liveFiles(silver))})`;
  const expected = `(SELECT ${COLUMNS} FROM read_ndjson(${sqlString(expectedFile)}, columns = ${NDJSON_COLUMNS}))`;
  const totals = (await queryRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM ${actual}`))[0];
  assert.equal(Number(totals.n), truth.validDistinct, "rows in Silver");
  assert.equal(Number(totals.d), truth.validDistinct, "distinct event ids in Silver");
  assert.equal(await count(`SELECT count(*) AS n FROM (${actual} EXCEPT ALL ${expected})`), 0, "rows in Silver that are not valid events");
  assert.equal(await count(`SELECT count(*) AS n FROM (${expected} EXCEPT ALL ${actual})`), 0, "valid events missing from Silver");
  const ids = (await queryRows(`SELECT event_id FROM ${actual}`)).map((r) => String(r.event_id));
  assert.equal(idSetChecksum(ids), truth.idChecksum);
}

test("kafka → silver (Delta): a second run after more events adds every new valid event exactly once", { skip: kafkaSkip }, async () => {
  const topic = "booking_events";
  const first = await writeBookingEvents(join(base, "landing-1"), { events: 8_000, files: 2, seed: 7 });
  assert.ok(first.duplicateLines > 0 && first.missingIdLines > 0 && first.malformedLines > 0, "the topic has dirt");
  produceLanding(topic, join(base, "landing-1"));
  const env = jobEnv(topic, "run");
  await runJob(env);
  await assertSilverMatches(env.SILVER, first, join(base, "expected-1.ndjson"));

  // The same seed with more events: its first 8,000 lines repeat the first delivery (a producer
  // retrying everything), then come new events. Only the new ones may appear.
  const second = await writeBookingEvents(join(base, "landing-2"), { events: 12_000, files: 2, seed: 7 });
  produceLanding(topic, join(base, "landing-2"));
  await runJob(env);
  await assertSilverMatches(env.SILVER, second, join(base, "expected-2.ndjson"));

  // Nothing new: nothing changes.
  await runJob(env);
  await assertSilverMatches(env.SILVER, second, join(base, "expected-3.ndjson"));
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
  await assertSilverMatches(env.SILVER, truth, join(base, "expected-killed.ndjson"));
});
