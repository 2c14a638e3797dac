/**
 * Acceptance of event time, run as a user runs it: `sluice run examples/silver-to-gold-windowed.ts`
 * over a Silver Delta table of booking events that arrive out of order, some of them very late,
 * one Delta commit per micro-batch (`maxFilesPerTrigger` 1). Gold is read back by an independent
 * reader (the Delta log replayed by `bench/lib/delta-log.ts`, DuckDB over its live files) and
 * compared with what DuckDB computes over the same events when it applies Spark's lateness rule
 * batch by batch:
 * - the watermark a batch runs with is the max event time of the batches before it minus 5
 *   minutes (never decreasing); a group whose window ends at or below the previous batch's
 *   watermark is late and its rows are dropped;
 * - bookings per type per 10-minute window (append): every window that ends at or below the final
 *   watermark, with the rows that were not late;
 * - revenue per type over 1-hour windows every 15 minutes (update, merged into Delta): every
 *   window that received a row in time, with the sum of those rows;
 * - sessions per user with a 30-minute gap (append): a row whose own session [t, t + 30 min) ends
 *   at or below the previous batch's watermark is late; the others join their user's open rows,
 *   which DuckDB groups into sessions (a row within 30 minutes of the session's latest end joins
 *   it) after each batch, writing out and forgetting the sessions that end at or below the
 *   batch's watermark.
 * Runs: straight through; in one big batch; and killed with SIGKILL at random moments, restarted
 * until done. Each run ends with a far-future event, so the last windows close, as a test of
 * Spark's watermark would.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { SparkSession } from "../../src/index.js";
import { readDeltaLog } from "../../bench/lib/delta-log.js";
import { runKilledUntilDone, runSluice } from "../support/sluice-cli.js";
import { seededRandom } from "../support/prng.js";

const JOB = "examples/silver-to-gold-windowed.ts";
const DELAY_MS = 5 * 60_000;
const base = mkdtempSync(join(tmpdir(), "sluice-event-time-"));
test.after(() => rmSync(base, { recursive: true, force: true }));
const duck = await (await DuckDBInstance.create(":memory:")).connect();
const spark = SparkSession.builder.appName("event-time-gold-test").getOrCreate();

interface Event {
  readonly event_id: string;
  readonly user_id: string;
  readonly timestamp: number;
  readonly event_type: string;
  readonly payload: string;
}

const TYPES = ["booking_created", "booking_cancelled", "payment_received"];
const START = Date.UTC(2024, 4, 1, 10, 0, 0);

/** `batches` batches of events: time moves 6 minutes a batch, ±8 minutes of disorder, 5 % very late. */
function bookingEvents(batches: number, perBatch: number, seed: number): Event[][] {
  const rand = seededRandom(seed);
  let id = 0;
  const out: Event[][] = [];
  for (let b = 0; b < batches; b++) {
    const rows: Event[] = [];
    for (let i = 0; i < perBatch; i++) {
      const late = rand() < 0.05 ? 25 * 60_000 + Math.floor(rand() * 20 * 60_000) : 0;
      const timestamp = START + b * 6 * 60_000 + Math.floor((rand() * 16 - 8) * 60_000) - late;
      const price = Math.round(rand() * 50000) / 100;
      rows.push({ event_id: `e-${id++}`, user_id: `u-${Math.floor(rand() * 40)}`, timestamp, event_type: TYPES[Math.floor(rand() * TYPES.length)], payload: JSON.stringify({ hotel: "H-1", price }) });
    }
    out.push(rows);
  }
  return out;
}

/** One event a day after `after`: its batch moves the watermark past every window before it. */
function flushEvent(after: number, n: number): Event[] {
  return [{ event_id: `flush-${n}`, user_id: "u-0", timestamp: after + 86_400_000 * n, event_type: "flush", payload: '{"price":0}' }];
}

const SCHEMA = "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING";

async function appendSilver(table: string, rows: readonly Event[]): Promise<void> {
  await spark.createDataFrame(rows.map((r) => ({ ...r })), SCHEMA).write.format("delta").mode("append").save(table);
}

/**
 * What Gold must hold, computed by DuckDB over `batches` (the events of each micro-batch, in
 * order) with the watermark rule of the file doc.
 */
async function expectedGold(name: string, batches: readonly (readonly Event[])[]): Promise<{ counts: string[]; revenue: string[]; sessions: string[]; lateRows: number }> {
  const file = join(base, `${name}-expected.ndjson`);
  writeFileSync(file, batches.flatMap((rows, b) => rows.map((r) => JSON.stringify({ ...r, batch: b }))).join("\n") + "\n");
  await duck.run(`CREATE OR REPLACE TABLE ev AS SELECT * FROM read_json('${file}', columns = {event_id: 'VARCHAR', user_id: 'VARCHAR', timestamp: 'BIGINT', event_type: 'VARCHAR', payload: 'VARCHAR', batch: 'INTEGER'})`);
  const maxima = (await duck.runAndReadAll("SELECT batch, max(timestamp) AS m FROM ev GROUP BY batch ORDER BY batch")).getRowObjectsJson();
  // Watermark each batch runs with (from the batches before it) and the one before it (late rows).
  const runsWith: number[] = [];
  let wm = 0;
  for (let b = 0; b < batches.length; b++) {
    runsWith.push(wm);
    const m = maxima.find((x) => Number(x.batch) === b);
    if (m !== undefined) wm = Math.max(wm, Number(m.m) - DELAY_MS);
  }
  const finalWm = wm;
  await duck.run("CREATE OR REPLACE TABLE wm (batch INTEGER, late BIGINT)");
  for (let b = 0; b < batches.length; b++) await duck.run(`INSERT INTO wm VALUES (${b}, ${b === 0 ? 0 : runsWith[b - 1]})`);
  const fmt = (ms: string) => `strftime(make_timestamp(${ms} * 1000), '%Y-%m-%d %H:%M:%S')`;
  const counts = await duck.runAndReadAll(`
    WITH w AS (SELECT event_type, timestamp - ((timestamp % 600000) + 600000) % 600000 AS ws, batch FROM ev)
    SELECT ${fmt("ws")} || ' ' || event_type || ' ' || count(*) AS line FROM w JOIN wm USING (batch)
    WHERE ws + 600000 > wm.late GROUP BY ws, event_type HAVING ws + 600000 <= ${finalWm} ORDER BY line`);
  const revenue = await duck.runAndReadAll(`
    WITH w AS (
      SELECT event_type, batch, CAST(json_extract_string(payload, '$.price') AS DOUBLE) AS price,
             timestamp - ((timestamp % 900000) + 900000) % 900000 - k * 900000 AS ws
      FROM ev CROSS JOIN range(4) r(k))
    SELECT ${fmt("ws")} || ' ' || event_type || ' ' || round(sum(price), 2) AS line FROM w JOIN wm USING (batch)
    WHERE ws + 3600000 > wm.late AND event_type <> 'flush' GROUP BY ws, event_type ORDER BY line`);
  // Sessions, batch by batch: the open rows of every user, grouped into sessions after each batch.
  const GAP = 30 * 60_000;
  await duck.run("CREATE OR REPLACE TABLE open_rows (user_id VARCHAR, ts BIGINT, e BIGINT)");
  await duck.run("CREATE OR REPLACE TABLE sessions_out (user_id VARCHAR, s BIGINT, e BIGINT, n BIGINT)");
  const closeSessions = async (watermark: number) => {
    await duck.run(`CREATE OR REPLACE TABLE grouped AS
      SELECT user_id, ts, e, sum(fresh) OVER (PARTITION BY user_id ORDER BY ts, e ROWS UNBOUNDED PRECEDING) AS sid FROM (
        SELECT *, CASE WHEN ts <= max(e) OVER (PARTITION BY user_id ORDER BY ts, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS fresh FROM open_rows)`);
    await duck.run(`CREATE OR REPLACE TABLE closed AS SELECT user_id, sid, min(ts) AS s, max(e) AS e, count(*) AS n FROM grouped GROUP BY user_id, sid HAVING max(e) <= ${watermark}`);
    await duck.run("INSERT INTO sessions_out SELECT user_id, s, e, n FROM closed");
    await duck.run("CREATE OR REPLACE TABLE open_rows AS SELECT g.user_id, g.ts, g.e FROM grouped g ANTI JOIN closed c ON g.user_id = c.user_id AND g.sid = c.sid");
  };
  for (let b = 0; b < batches.length; b++) {
    const late = b === 0 ? 0 : runsWith[b - 1];
    await duck.run(`INSERT INTO open_rows SELECT user_id, timestamp, timestamp + ${GAP} FROM ev WHERE batch = ${b} AND timestamp + ${GAP} > ${late}`);
    await closeSessions(runsWith[b]);
  }
  await closeSessions(finalWm);
  const sessions = await duck.runAndReadAll(`SELECT ${fmt("s")} || ' ' || ${fmt("e")} || ' ' || user_id || ' ' || n AS line FROM sessions_out ORDER BY line`);
  const late = await duck.runAndReadAll(`SELECT count(*) AS n FROM ev JOIN wm USING (batch) WHERE timestamp - ((timestamp % 600000) + 600000) % 600000 + 600000 <= wm.late`);
  return {
    counts: counts.getRowObjectsJson().map((r) => String(r.line)).filter((l) => !l.includes(" flush ")),
    revenue: revenue.getRowObjectsJson().map((r) => String(r.line)),
    sessions: sessions.getRowObjectsJson().map((r) => String(r.line)),
    lateRows: Number(late.getRowObjectsJson()[0].n),
  };
}

/** Gold as an independent reader sees it: the Delta logs replayed, DuckDB over the live files. */
async function actualGold(gold: string): Promise<{ counts: string[]; revenue: string[]; sessions: string[] }> {
  const read = async (table: string, line: string, filter: string) => {
    const state = await readDeltaLog(join(gold, table), duck);
    const files = state.files.map((f) => `'${f}'`).join(", ");
    const rows = await duck.runAndReadAll(`SELECT ${line} AS line FROM read_parquet([${files}]) WHERE ${filter} ORDER BY line`);
    return rows.getRowObjectsJson().map((r) => String(r.line));
  };
  const utc = (c: string) => `strftime(${c} AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S')`;
  return {
    counts: await read("bookings_per_type", `${utc('"window"."start"')} || ' ' || event_type || ' ' || count`, "event_type <> 'flush'"),
    revenue: await read("revenue", `${utc('"window"."start"')} || ' ' || event_type || ' ' || round(revenue, 2)`, "event_type <> 'flush'"),
    sessions: await read("user_sessions", `${utc("session_window.start")} || ' ' || ${utc("session_window.end")} || ' ' || user_id || ' ' || events`, "true"),
  };
}

function jobEnv(name: string, maxFiles: string): { SILVER: string; GOLD: string; CHECKPOINTS: string; TRIGGER: string; MAX_FILES: string } {
  return { SILVER: join(base, name, "silver"), GOLD: join(base, name, "gold"), CHECKPOINTS: join(base, name, "ck"), TRIGGER: "availableNow", MAX_FILES: maxFiles };
}

async function prepare(name: string, events: Event[][], maxFiles = "1"): Promise<ReturnType<typeof jobEnv>> {
  mkdirSync(join(base, name), { recursive: true });
  const env = jobEnv(name, maxFiles);
  for (const rows of events) await appendSilver(env.SILVER, rows);
  return env;
}

const events = bookingEvents(14, 120, 42);
const lastTime = Math.max(...events.flat().map((e) => e.timestamp));
const withFlush = [...events, flushEvent(lastTime, 1)];

test("windowed Gold over late, out-of-order events equals DuckDB's batch-by-batch emulation of the watermark", async (t) => {
  const env = await prepare("straight", withFlush);
  const r = await runSluice(["run", JOB], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  await appendSilver(env.SILVER, flushEvent(lastTime, 2));
  const again = await runSluice(["run", JOB], { env, timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr);
  const expected = await expectedGold("straight", [...withFlush, flushEvent(lastTime, 2)]);
  assert.ok(expected.counts.length > 25 && expected.revenue.length > 25, `${expected.counts.length} windows`);
  assert.ok(expected.lateRows > 20, `only ${expected.lateRows} late rows: the data does not exercise the watermark`);
  assert.ok(expected.sessions.length >= 40, `only ${expected.sessions.length} sessions`);
  t.diagnostic(`expected: ${expected.counts.length} windows, ${expected.revenue.length} revenue windows, ${expected.sessions.length} sessions, ${expected.lateRows} late rows`);
  const actual = await actualGold(env.GOLD);
  assert.deepEqual(actual.counts, expected.counts);
  assert.deepEqual(actual.revenue, expected.revenue);
  assert.deepEqual(actual.sessions, expected.sessions);
});

test("the same events in one big batch: nothing is late, and Gold again matches the emulation", async () => {
  const env = await prepare("one-batch", withFlush, "1000");
  const r = await runSluice(["run", JOB], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  await appendSilver(env.SILVER, flushEvent(lastTime, 2));
  const again = await runSluice(["run", JOB], { env, timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr);
  const expected = await expectedGold("one-batch", [withFlush.flat(), flushEvent(lastTime, 2)]);
  assert.equal(expected.lateRows, 0);
  const actual = await actualGold(env.GOLD);
  assert.deepEqual(actual.counts, expected.counts);
  assert.deepEqual(actual.revenue, expected.revenue);
  assert.deepEqual(actual.sessions, expected.sessions);
});

test("kill -9 at random moments, restarted until done: Gold is exactly the emulation's", async (t) => {
  const env = await prepare("killed", withFlush);
  const seed = Number(process.env.SLUICE_TEST_SEED ?? Date.now() % 100_000);
  const report = await runKilledUntilDone(["run", JOB], { env, seed, kills: 4, checkpoint: join(env.CHECKPOINTS, "bookings_per_type"), maxDelayMs: 80, timeoutMs: 120_000 });
  t.diagnostic(`${report.kills} kills (${report.midBatchKills} mid-batch), ${report.runs} runs, seed ${seed}`);
  assert.equal(report.final.code, 0, report.final.stderr);
  assert.ok(report.kills >= 2, `only ${report.kills} runs were killed before the job finished (seed ${seed})`);
  await appendSilver(env.SILVER, flushEvent(lastTime, 2));
  const again = await runSluice(["run", JOB], { env, timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr);
  const expected = await expectedGold("killed", [...withFlush, flushEvent(lastTime, 2)]);
  const actual = await actualGold(env.GOLD);
  assert.deepEqual(actual.counts, expected.counts);
  assert.deepEqual(actual.revenue, expected.revenue);
  assert.deepEqual(actual.sessions, expected.sessions);
});
