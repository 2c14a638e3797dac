/**
 * Acceptance test of the seed job as a user runs it: `sluice run examples/bronze-to-silver.ts` in
 * child processes with LANDING/SILVER/CHECKPOINT from the environment, over generated booking
 * events (duplicates, events without an id, malformed lines). The Silver table is read back with
 * DuckDB through the files listed in `_spark_metadata` only, and compared with the generator's
 * ground truth.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import type { BookingEventsTruth } from "../../bench/lib/booking-events.js";
import { queryRows, readParquetSql } from "../support/duckdb.js";
import { sinkBatchIds, visibleSinkFiles } from "../support/spark-metadata.js";
import { assertSilverFilesMatch } from "../support/silver-check.js";
import { runJobOk, runKilledUntilDone } from "../support/sluice-cli.js";

const JOB = "examples/bronze-to-silver.ts";
const COLUMNS = "event_id, user_id, timestamp, event_type, payload";

interface Dirs {
  readonly landing: string;
  readonly silver: string;
  readonly checkpoint: string;
}

function dirs(base: string, name: string, landing = join(base, "landing")): Dirs {
  return { landing, silver: join(base, name, "silver"), checkpoint: join(base, name, "checkpoint") };
}

function jobEnv(d: Dirs, extra: Record<string, string> = {}): Record<string, string> {
  return { LANDING: d.landing, SILVER: d.silver, CHECKPOINT: d.checkpoint, TRIGGER: "availableNow", ...extra };
}

async function runJob(d: Dirs, extra: Record<string, string> = {}): Promise<void> {
  await runJobOk(JOB, jobEnv(d, extra));
}

async function count(sql: string): Promise<number> {
  const rows = await queryRows(sql);
  return Number(rows[0].n);
}

/** Asserts the Silver folder at `silver` holds exactly the distinct valid events of `truth`, each once, through its `_spark_metadata` log. */
async function assertSilverMatches(silver: string, truth: BookingEventsTruth, expectedFile: string): Promise<void> {
  await assertSilverFilesMatch(await visibleSinkFiles(silver), truth, expectedFile);
}

test("bronze → silver: a second run over re-delivered and new files adds every new valid event exactly once", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-b2s-"));
  try {
    const d = dirs(base, "run");
    const first = await writeBookingEvents(d.landing, { events: 16_000, files: 8, seed: 7, filePrefix: "first-" });
    assert.ok(first.duplicateLines > 0 && first.missingIdLines > 0 && first.malformedLines > 0, "the landing zone has dirt");
    await runJob(d);
    await assertSilverMatches(d.silver, first, join(base, "expected-1.ndjson"));
    const batchesAfterFirst = (await sinkBatchIds(d.silver)).length;

    // Same seed, more events: the first 16,000 lines are the first run's lines again (a full
    // re-delivery, as a retrying producer does), followed by new events.
    const second = await writeBookingEvents(d.landing, { events: 20_000, files: 4, seed: 7, filePrefix: "second-" });
    const secondIds = new Set(second.validOrdinals);
    assert.ok(first.validOrdinals.every((o) => secondIds.has(o)), "the second delivery repeats every first-run event");
    assert.ok(second.validDistinct > first.validDistinct, "the second delivery has new events");
    await runJob(d);
    assert.ok((await sinkBatchIds(d.silver)).length > batchesAfterFirst, "the second run committed new batches");
    await assertSilverMatches(d.silver, second, join(base, "expected-2.ndjson"));

    // A third run with nothing new changes nothing.
    await runJob(d);
    await assertSilverMatches(d.silver, second, join(base, "expected-3.ndjson"));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("bronze → silver: kill -9 at random moments, restarted until done, gives the straight-through rows", async (t) => {
  const base = mkdtempSync(join(tmpdir(), "sluice-b2s-kill-"));
  let ok = false;
  try {
    const landing = join(base, "landing");
    const truth = await writeBookingEvents(landing, { events: 12_000, files: 12, seed: 11 });
    const straight = dirs(base, "straight", landing);
    await runJob(straight);
    await assertSilverMatches(straight.silver, truth, join(base, "expected.ndjson"));

    const killed = dirs(base, "killed", landing);
    const seed = Number(process.env.KILL_SEED ?? "4242");
    const report = await runKilledUntilDone(["run", JOB], {
      env: jobEnv(killed, { MAX_FILES: "1" }),
      seed,
      kills: 4,
      checkpoint: killed.checkpoint,
      maxDelayMs: 60,
      timeoutMs: 120_000,
    });
    t.diagnostic(`${report.kills} kills (${report.midBatchKills} mid-batch), ${report.runs} runs, seed ${seed}`);
    assert.equal(report.final.code, 0, `the final run failed (signal ${report.final.signal}, seed ${seed}):\n${report.final.stderr}`);
    assert.ok(report.kills >= 2, `only ${report.kills} runs were killed before the job finished (seed ${seed})`);

    const a = `(SELECT ${COLUMNS} FROM ${readParquetSql(await visibleSinkFiles(straight.silver))})`;
    const b = `(SELECT ${COLUMNS} FROM ${readParquetSql(await visibleSinkFiles(killed.silver))})`;
    assert.equal(await count(`SELECT count(*) AS n FROM ${b}`), truth.validDistinct, "rows after kills");
    assert.equal(await count(`SELECT count(*) AS n FROM (${a} EXCEPT ALL ${b})`), 0, "straight-through rows missing after kills");
    assert.equal(await count(`SELECT count(*) AS n FROM (${b} EXCEPT ALL ${a})`), 0, "rows after kills that a straight run does not have");
    await assertSilverMatches(killed.silver, truth, join(base, "expected-killed.ndjson"));
    ok = true;
  } finally {
    if (ok) rmSync(base, { recursive: true, force: true });
    else t.diagnostic(`work folder kept: ${base}`);
  }
});
