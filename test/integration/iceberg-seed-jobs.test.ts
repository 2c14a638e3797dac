/**
 * Acceptance test of the seed's two jobs with Silver and Gold in Iceberg, as a user runs them:
 * `sluice run examples/bronze-to-silver.ts` (SILVER_FORMAT=iceberg) then `sluice run
 * examples/silver-to-gold.ts` (SILVER_FORMAT=GOLD_FORMAT=iceberg), in child processes, twice with
 * new landing files in between, and again under kill -9; then two queries appending to one table
 * at once.
 *
 * Tables are checked by an independent reader (bench/lib/iceberg-table.ts: metadata JSON and
 * python3-avro over the manifests) and DuckDB over the live data files. Silver must hold every
 * valid event exactly once, with one snapshot per committed batch carrying its batch id; Gold
 * must hold exact per-user counts of Silver.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { idSetChecksum, writeBookingEvents } from "../../bench/lib/booking-events.js";
import type { BookingEventsTruth } from "../../bench/lib/booking-events.js";
import { queryRows, readParquetSql } from "../support/duckdb.js";
import { readIcebergTable } from "../../bench/lib/iceberg-table.js";
import { assertGoldCountsSilver } from "../support/silver-check.js";
import { runKilledUntilDone, runSluice } from "../support/sluice-cli.js";
import { MemoryStream, SparkSession } from "../../src/index.js";

const SILVER_JOB = "examples/bronze-to-silver.ts";
const GOLD_JOB = "examples/silver-to-gold.ts";

interface Lake {
  readonly landing: string;
  readonly silver: string;
  readonly gold: string;
  readonly silverCheckpoint: string;
  readonly goldCheckpoint: string;
}

function lake(base: string): Lake {
  return {
    landing: join(base, "landing"),
    silver: join(base, "silver", "booking"),
    gold: join(base, "gold", "booking_summary"),
    silverCheckpoint: join(base, "_checkpoints", "bronze_to_silver"),
    goldCheckpoint: join(base, "_checkpoints", "silver_to_gold"),
  };
}

function silverEnv(l: Lake, maxFiles = "100"): Record<string, string> {
  return { LANDING: l.landing, SILVER: l.silver, CHECKPOINT: l.silverCheckpoint, SILVER_FORMAT: "iceberg", TRIGGER: "availableNow", MAX_FILES: maxFiles };
}

function goldEnv(l: Lake, maxFiles = "1000"): Record<string, string> {
  return { SILVER: l.silver, GOLD: l.gold, CHECKPOINT: l.goldCheckpoint, SILVER_FORMAT: "iceberg", GOLD_FORMAT: "iceberg", TRIGGER: "availableNow", MAX_FILES: maxFiles };
}

async function run(job: string, env: Record<string, string>): Promise<void> {
  const r = await runSluice(["run", job], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, `sluice run ${job} exited ${r.code} (signal ${r.signal}):\n${r.stderr}`);
}

/** Silver holds every distinct valid event exactly once, and one snapshot per committed batch. */
async function assertSilver(l: Lake, truth: BookingEventsTruth): Promise<void> {
  const state = readIcebergTable(l.silver);
  assert.ok(state.files.length > 0, "Silver has live files");
  const rows = `(SELECT event_id FROM ${readParquetSql(state.files)})`;
  const t = (await queryRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM ${rows}`))[0];
  assert.equal(Number(t.n), truth.validDistinct, "rows in Silver");
  assert.equal(Number(t.d), truth.validDistinct, "distinct event ids in Silver");
  const ids = (await queryRows(`SELECT event_id FROM ${rows}`)).map((r) => String(r.event_id));
  assert.equal(idSetChecksum(ids), truth.idChecksum, "Silver's event ids are the valid events");
  // Batches that wrote rows are snapshots carrying their batch id, once each, in order.
  const batchIds = readdirSync(join(l.silverCheckpoint, "commits")).filter((n) => /^\d+$/.test(n)).map(Number);
  const epochs = state.snapshots.map((s) => Number(s.summary["spark.sql.streaming.epochId"]));
  assert.deepEqual(epochs, [...new Set(epochs)].sort((a, b) => a - b), "one snapshot per batch, in batch order");
  assert.ok(epochs.every((e) => batchIds.includes(e)), "every snapshot is a committed batch");
  assert.equal(new Set(state.snapshots.map((s) => s.summary["spark.sql.streaming.queryId"])).size, 1, "one streaming writer in Silver");
}

/** Gold holds, per user, the count of that user's rows in Silver, written by overwrite snapshots. */
async function assertGold(l: Lake): Promise<void> {
  const gold = readIcebergTable(l.gold);
  await assertGoldCountsSilver(readIcebergTable(l.silver).files, gold.files);
  assert.ok(gold.snapshots.every((x) => x.summary.operation === "overwrite"), "complete mode writes overwrite snapshots");
}

test("silver → gold on Iceberg: two runs of both jobs with new landing files in between", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-ice-s2g-"));
  try {
    const l = lake(base);
    const first = await writeBookingEvents(l.landing, { events: 8_000, files: 6, seed: 21, filePrefix: "first-" });
    await run(SILVER_JOB, silverEnv(l, "2"));
    await run(GOLD_JOB, goldEnv(l));
    await assertSilver(l, first);
    await assertGold(l);

    const second = await writeBookingEvents(l.landing, { events: 11_000, files: 3, seed: 21, filePrefix: "second-" });
    await run(SILVER_JOB, silverEnv(l, "2"));
    await run(GOLD_JOB, goldEnv(l, "2"));
    await assertSilver(l, second);
    await assertGold(l);

    // Nothing new: nothing changes.
    const goldVersion = readIcebergTable(l.gold).version;
    await run(SILVER_JOB, silverEnv(l));
    await run(GOLD_JOB, goldEnv(l));
    assert.equal(readIcebergTable(l.gold).version, goldVersion, "an empty trigger adds no Gold snapshot");
    await assertSilver(l, second);
    await assertGold(l);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("silver → gold on Iceberg: kill -9 at random moments in both jobs, restarted until done", async (t) => {
  const base = mkdtempSync(join(tmpdir(), "sluice-ice-s2g-kill-"));
  let ok = false;
  try {
    const l = lake(base);
    const truth = await writeBookingEvents(l.landing, { events: 9_000, files: 9, seed: 33 });
    const seed = Number(process.env.KILL_SEED ?? "777");
    const silverRuns = await runKilledUntilDone(["run", SILVER_JOB], { env: silverEnv(l, "1"), seed, kills: 3, checkpoint: l.silverCheckpoint, maxDelayMs: 60, timeoutMs: 120_000 });
    assert.equal(silverRuns.final.code, 0, `silver's final run failed (seed ${seed}):\n${silverRuns.final.stderr}`);
    const goldRuns = await runKilledUntilDone(["run", GOLD_JOB], { env: goldEnv(l, "1"), seed: seed + 1, kills: 3, checkpoint: l.goldCheckpoint, maxDelayMs: 60, timeoutMs: 120_000 });
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

test("two queries appending to one Iceberg table at once lose no commit", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-ice-concurrent-"));
  try {
    const spark = SparkSession.builder.getOrCreate();
    const table = join(base, "t");
    const streams = [0, 1].map((k) => new MemoryStream("id BIGINT, writer INT", `ice_concurrent_${k}_${process.pid}`));
    const queries = streams.map((ms, k) =>
      spark.readStream.format("memory").option("name", ms.name).load()
        .writeStream.format("iceberg").option("path", table).option("checkpointLocation", join(base, `ck${k}`)).start(),
    );
    const rounds = 12;
    for (let r = 0; r < rounds; r++) {
      streams.forEach((ms, k) => ms.addData(Array.from({ length: 5 }, (_, i) => ({ id: BigInt(k * 100_000 + r * 10 + i), writer: k }))));
      await Promise.all(queries.map((q) => q.processAllAvailable()));
    }
    await Promise.all(queries.map((q) => q.stop()));
    for (const q of queries) assert.equal(q.exception, null);
    const state = readIcebergTable(table);
    const t = (await queryRows(`SELECT count(*) AS n, count(DISTINCT id) AS d FROM ${readParquetSql(state.files)}`))[0];
    assert.equal(Number(t.n), 2 * rounds * 5, "every row of both writers");
    assert.equal(Number(t.d), 2 * rounds * 5);
    assert.equal(state.snapshots.length, 2 * rounds, "one snapshot per batch of each writer");
    assert.equal(new Set(state.snapshots.map((s) => s["sequence-number"])).size, 2 * rounds, "distinct sequence numbers");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
