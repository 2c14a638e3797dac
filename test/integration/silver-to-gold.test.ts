/**
 * Acceptance test of the seed's two jobs on Delta, as a user runs them: `sluice run
 * examples/bronze-to-silver.ts` (SILVER_FORMAT=delta) then `sluice run examples/silver-to-gold.ts`,
 * in child processes, twice with new landing files in between, and again under kill -9.
 *
 * The tables are checked by an independent reader: the Delta log replayed from the protocol
 * (bench/lib/delta-log.ts, not sluice's Delta code) and DuckDB over the live Parquet files. Silver
 * must hold every valid event exactly once and show a txn for every batch; Gold must hold exact
 * per-user counts of Silver.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { idSetChecksum, writeBookingEvents } from "../../bench/lib/booking-events.js";
import type { BookingEventsTruth } from "../../bench/lib/booking-events.js";
import { readDeltaLog } from "../../bench/lib/delta-log.js";
import { queryRows, readParquetSql } from "../support/duckdb.js";
import { assertGoldCountsSilver } from "../support/silver-check.js";
import { runKilledUntilDone, runSluice } from "../support/sluice-cli.js";

const SILVER_JOB = "examples/bronze-to-silver.ts";
const GOLD_JOB = "examples/silver-to-gold.ts";

interface Lake {
  readonly landing: string;
  readonly silver: string;
  readonly gold: string;
  readonly silverCheckpoint: string;
  readonly goldCheckpoint: string;
}

function lake(base: string, landing = join(base, "landing")): Lake {
  return {
    landing,
    silver: join(base, "silver", "booking"),
    gold: join(base, "gold", "booking_summary"),
    silverCheckpoint: join(base, "_checkpoints", "bronze_to_silver"),
    goldCheckpoint: join(base, "_checkpoints", "silver_to_gold"),
  };
}

function silverEnv(l: Lake, maxFiles = "100"): Record<string, string> {
  return { LANDING: l.landing, SILVER: l.silver, CHECKPOINT: l.silverCheckpoint, SILVER_FORMAT: "delta", TRIGGER: "availableNow", MAX_FILES: maxFiles };
}

function goldEnv(l: Lake, maxFiles = "1000"): Record<string, string> {
  return { SILVER: l.silver, GOLD: l.gold, CHECKPOINT: l.goldCheckpoint, TRIGGER: "availableNow", MAX_FILES: maxFiles };
}

async function run(job: string, env: Record<string, string>): Promise<void> {
  const r = await runSluice(["run", job], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, `sluice run ${job} exited ${r.code} (signal ${r.signal}):\n${r.stderr}`);
}

const duck = await (await DuckDBInstance.create(":memory:")).connect();

/** Silver holds every distinct valid event of `truth` exactly once, and its log a txn per batch. */
async function assertSilver(l: Lake, truth: BookingEventsTruth): Promise<void> {
  const state = await readDeltaLog(l.silver, duck);
  assert.ok(state.files.length > 0, "Silver has live files");
  const rows = `(SELECT event_id FROM ${readParquetSql(state.files)})`;
  const t = (await queryRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM ${rows}`))[0];
  assert.equal(Number(t.n), truth.validDistinct, "rows in Silver");
  assert.equal(Number(t.d), truth.validDistinct, "distinct event ids in Silver");
  const ids = (await queryRows(`SELECT event_id FROM ${rows}`)).map((r) => String(r.event_id));
  assert.equal(idSetChecksum(ids), truth.idChecksum, "Silver's event ids are the valid events");

  // Every committed batch of the query shows up as exactly one Delta commit carrying its txn.
  const batchIds = readdirSync(join(l.silverCheckpoint, "commits"))
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const txnVersions: number[] = [];
  for (const v of state.commitVersions) {
    const text = readFileSync(join(l.silver, "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8");
    for (const line of text.split("\n")) {
      if (line.includes('"txn"')) txnVersions.push(Number((JSON.parse(line) as { txn: { version: number } }).txn.version));
    }
  }
  assert.deepEqual(txnVersions, batchIds, "one Delta commit with its txn per committed batch, in batch order");
  assert.equal(state.txns.size, 1, "one streaming writer (one appId) in Silver");
}

/** Gold holds, per user, the count of that user's rows in Silver. */
async function assertGold(l: Lake): Promise<void> {
  await assertGoldCountsSilver((await readDeltaLog(l.silver, duck)).files, (await readDeltaLog(l.gold, duck)).files);
}

test("silver → gold on Delta: two runs of both jobs with new landing files in between", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-s2g-"));
  try {
    const l = lake(base);
    const first = await writeBookingEvents(l.landing, { events: 8_000, files: 6, seed: 21, filePrefix: "first-" });
    await run(SILVER_JOB, silverEnv(l, "2"));
    await run(GOLD_JOB, goldEnv(l));
    await assertSilver(l, first);
    await assertGold(l);

    // A full re-delivery of the first events plus new ones.
    const second = await writeBookingEvents(l.landing, { events: 11_000, files: 3, seed: 21, filePrefix: "second-" });
    await run(SILVER_JOB, silverEnv(l, "2"));
    await run(GOLD_JOB, goldEnv(l, "2"));
    await assertSilver(l, second);
    await assertGold(l);

    // Nothing new: nothing changes.
    const goldVersion = (await readDeltaLog(l.gold, duck)).version;
    await run(SILVER_JOB, silverEnv(l));
    await run(GOLD_JOB, goldEnv(l));
    assert.equal((await readDeltaLog(l.gold, duck)).version, goldVersion, "an empty trigger adds no Gold commit");
    await assertSilver(l, second);
    await assertGold(l);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("silver → gold on Delta: kill -9 at random moments in both jobs, restarted until done", async (t) => {
  const base = mkdtempSync(join(tmpdir(), "sluice-s2g-kill-"));
  let ok = false;
  try {
    const l = lake(base);
    const truth = await writeBookingEvents(l.landing, { events: 9_000, files: 9, seed: 33 });
    const seed = Number(process.env.KILL_SEED ?? "777");
    const silverRuns = await runKilledUntilDone(["run", SILVER_JOB], {
      env: silverEnv(l, "1"),
      seed,
      kills: 3,
      checkpoint: l.silverCheckpoint,
      maxDelayMs: 60,
      timeoutMs: 120_000,
    });
    assert.equal(silverRuns.final.code, 0, `silver's final run failed (seed ${seed}):\n${silverRuns.final.stderr}`);
    const goldRuns = await runKilledUntilDone(["run", GOLD_JOB], {
      env: goldEnv(l, "1"),
      seed: seed + 1,
      kills: 3,
      checkpoint: l.goldCheckpoint,
      maxDelayMs: 60,
      timeoutMs: 120_000,
    });
    assert.equal(goldRuns.final.code, 0, `gold's final run failed (seed ${seed + 1}):\n${goldRuns.final.stderr}`);
    t.diagnostic(`silver: ${silverRuns.kills} kills (${silverRuns.midBatchKills} mid-batch); gold: ${goldRuns.kills} kills (${goldRuns.midBatchKills} mid-batch)`);
    await assertSilver(l, truth);
    await assertGold(l);
    ok = true;
  } finally {
    if (ok) rmSync(base, { recursive: true, force: true });
    else t.diagnostic(`work folder kept: ${base}`);
  }
});
