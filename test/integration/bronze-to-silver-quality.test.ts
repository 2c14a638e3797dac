/**
 * Acceptance test of the data-quality job as a user runs it (`sluice run
 * examples/bronze-to-silver-quality.ts`): Silver holds exactly the distinct valid events, the
 * quarantine table exactly the malformed and id-less lines, each with its reason; and a run killed
 * with SIGKILL at random moments, restarted until done, leaves both tables as a straight run does.
 * Both Delta tables are read with an independent log reader and DuckDB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import { readDeltaLog } from "../../bench/lib/delta-log.js";
import { duckdb, queryRows, readParquetSql } from "../support/duckdb.js";
import { runJobOk, runKilledUntilDone } from "../support/sluice-cli.js";

const JOB = "examples/bronze-to-silver-quality.ts";

interface Dirs {
  readonly landing: string;
  readonly silver: string;
  readonly quarantine: string;
  readonly checkpoint: string;
}

const dirs = (base: string, name: string, landing: string): Dirs => ({
  landing,
  silver: join(base, name, "silver"),
  quarantine: join(base, name, "quarantine"),
  checkpoint: join(base, name, "checkpoint"),
});

const jobEnv = (d: Dirs, extra: Record<string, string> = {}) => ({
  LANDING: d.landing,
  SILVER: d.silver,
  QUARANTINE: d.quarantine,
  CHECKPOINT: d.checkpoint,
  TRIGGER: "availableNow",
  ...extra,
});

/** `(SELECT … FROM the table's live files)`, read without sluice. */
async function table(dir: string, columns: string): Promise<string> {
  const { files } = await readDeltaLog(dir, await duckdb());
  return `(SELECT ${columns} FROM ${readParquetSql(files)})`;
}

async function count(sql: string): Promise<number> {
  return Number((await queryRows(sql))[0].n);
}

const SILVER_COLUMNS = "event_id, user_id, timestamp, event_type, payload";
const QUARANTINE_COLUMNS = "_error, _source, _corrupt_record, event_id, user_id, timestamp, event_type, payload";

test("bronze → silver with quality rules: exact tables, and the same after kill -9 and restarts", async (t) => {
  const base = mkdtempSync(join(tmpdir(), "sluice-b2s-quality-"));
  let ok = false;
  try {
    const landing = join(base, "landing");
    const truth = await writeBookingEvents(landing, { events: 12_000, files: 12, seed: 23 });
    assert.ok(truth.malformedLines > 0 && truth.missingIdLines > 0, "the landing zone has dirt");
    const straight = dirs(base, "straight", landing);
    await runJobOk(JOB, jobEnv(straight));
    assert.equal(await count(`SELECT count(*) AS n FROM ${await table(straight.silver, SILVER_COLUMNS)}`), truth.validDistinct);
    assert.equal(await count(`SELECT count(DISTINCT event_id) AS n FROM ${await table(straight.silver, SILVER_COLUMNS)}`), truth.validDistinct);
    const q = await table(straight.quarantine, QUARANTINE_COLUMNS);
    assert.equal(await count(`SELECT count(*) AS n FROM ${q}`), truth.malformedLines + truth.missingIdLines, "every bad line, once");
    assert.equal(await count(`SELECT count(*) AS n FROM ${q} WHERE _corrupt_record IS NOT NULL`), truth.malformedLines, "malformed lines keep their text");
    assert.equal(await count(`SELECT count(*) AS n FROM ${q} WHERE _source NOT LIKE 'file://%'`), 0, "each names its file");

    const killed = dirs(base, "killed", landing);
    const seed = Number(process.env.KILL_SEED ?? "5151");
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
    for (const [name, a, b] of [
      ["silver", await table(straight.silver, SILVER_COLUMNS), await table(killed.silver, SILVER_COLUMNS)],
      ["quarantine", await table(straight.quarantine, QUARANTINE_COLUMNS), await table(killed.quarantine, QUARANTINE_COLUMNS)],
    ] as const) {
      assert.equal(await count(`SELECT count(*) AS n FROM (${a} EXCEPT ALL ${b})`), 0, `${name}: straight-through rows missing after kills`);
      assert.equal(await count(`SELECT count(*) AS n FROM (${b} EXCEPT ALL ${a})`), 0, `${name}: rows after kills that a straight run does not have`);
    }
    ok = true;
  } finally {
    if (ok) rmSync(base, { recursive: true, force: true });
    else t.diagnostic(`work folder kept: ${base}`);
  }
});
