import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LocalStorage } from "../../../../src/storage/local.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { optimizeTable } from "../../../../src/tables/delta/optimize.js";
import { isHiddenPathSegment, vacuumTable } from "../../../../src/tables/delta/vacuum.js";
import { readHistory } from "../../../../src/tables/delta/history.js";
import { ConfigError } from "../../../../src/errors.js";
import { duckRows, liveAdds, logLines, normalize } from "./delta-table-helpers.js";
import { query } from "../../formats/parquet/duckdb.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-delta-vacuum-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage(dir, { fsync: false });

const SCHEMA = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("_p", StringType())]);
const COLS = ["id", "name", "_p"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function rows(from: number, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => ({ id: BigInt(from + k), name: `n${from + k}`, _p: "1" }));
}

function touch(path: string, ageMs: number): void {
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) writeFileSync(path, "x");
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(path, t, t);
}

/** A table (partitioned by `_p`) whose three appended files were compacted into one. */
async function compactedTable(table: string): Promise<{ removed: string[]; live: string[] }> {
  for (let i = 0; i < 3; i++) await appendToTable(storage, table, [batchFromRows(SCHEMA, rows(i * 10, 10))], { schema: SCHEMA, partitionBy: ["_p"] });
  const removed = [...liveAdds(join(dir, table)).keys()];
  await optimizeTable(storage, table);
  return { removed, live: [...liveAdds(join(dir, table)).keys()] };
}

test("vacuum: a retention below 168 hours is refused with Spark's message unless the check is off", async () => {
  await compactedTable("v0");
  await assert.rejects(
    vacuumTable(storage, "v0", { retentionHours: 0 }),
    (e: unknown) => e instanceof ConfigError && /spark\.databricks\.delta\.retentionDurationCheck\.enabled = false/.test(e.message) && /"168 hours"/.test(e.message),
  );
  await assert.rejects(vacuumTable(storage, "v0", { retentionHours: -1, retentionCheck: false }), ConfigError);
  const r = await vacuumTable(storage, "v0", { retentionHours: 0, retentionCheck: false, dryRun: true, now: Date.now() + 1000 });
  assert.equal(r.files.length, 3);
});

test("vacuum: deletes unreferenced old files only; live files, fresh tombstones, hidden and young files stay", async () => {
  const { removed, live } = await compactedTable("v1");
  const tableDir = join(dir, "v1");
  const rowsBefore = normalize(await duckRows(tableDir), COLS);
  // The compacted files are 10 days old on disk but were removed just now: their tombstones protect them.
  for (const p of removed) touch(join(tableDir, p), 10 * DAY);
  for (const p of live) touch(join(tableDir, p), 10 * DAY);
  touch(join(tableDir, "_p=1", "orphan-old.parquet"), 10 * DAY);
  touch(join(tableDir, "orphan-young.parquet"), HOUR);
  touch(join(tableDir, "_tmp", "hidden-in-folder.parquet"), 10 * DAY);
  touch(join(tableDir, ".hidden.crc"), 10 * DAY);
  touch(join(tableDir, "_p=1", ".part.crc"), 10 * DAY);
  const r = await vacuumTable(storage, "v1");
  assert.deepEqual(r.files, ["v1/_p=1/orphan-old.parquet"]);
  assert.equal(existsSync(join(tableDir, "_p=1", "orphan-old.parquet")), false);
  for (const p of [...removed, ...live, "orphan-young.parquet", "_tmp/hidden-in-folder.parquet", ".hidden.crc", "_p=1/.part.crc"]) {
    assert.ok(existsSync(join(tableDir, p)), `kept: ${p}`);
  }
  assert.ok(existsSync(join(tableDir, "_delta_log", "00000000000000000000.json")));
  // Eight days later the tombstones have expired: the compacted files go, the live file stays.
  const later = await vacuumTable(storage, "v1", { now: Date.now() + 8 * DAY });
  assert.deepEqual([...later.files].sort(), [...removed.map((p) => `v1/${p}`), "v1/orphan-young.parquet"].sort());
  for (const p of removed) assert.equal(existsSync(join(tableDir, p)), false);
  for (const p of live) assert.ok(existsSync(join(tableDir, p)));
  assert.deepEqual(normalize(await duckRows(tableDir), COLS), rowsBefore);
  // VACUUM START / END pairs in the log, visible in the history.
  const ops = logLines(tableDir)
    .filter((l) => l.action.commitInfo !== undefined)
    .map((l) => String(l.action.commitInfo.operation));
  assert.deepEqual(ops.slice(-4), ["VACUUM START", "VACUUM END", "VACUUM START", "VACUUM END"]);
  const [end, start] = await readHistory(storage, "v1", 2);
  assert.equal(start.operation, "VACUUM START");
  assert.deepEqual([start.operationMetrics.numFilesToDelete, start.operationParameters.retentionCheckEnabled, start.operationParameters.defaultRetentionMillis], ["4", "true", String(7 * DAY)]);
  assert.equal(end.operation, "VACUUM END");
  assert.deepEqual([end.operationMetrics.numDeletedFiles, end.operationParameters.status], ["4", "COMPLETED"]);
});

test("isHiddenPathSegment follows Delta's rule", () => {
  assert.equal(isHiddenPathSegment([], "_delta_log"), true);
  assert.equal(isHiddenPathSegment([], ".x"), true);
  assert.equal(isHiddenPathSegment(["_p"], "_p=1"), false);
  assert.equal(isHiddenPathSegment([], "_change_data"), false);
  assert.equal(isHiddenPathSegment([], "part-0.parquet"), false);
});

test("vacuum: a VACUUM START or END commit landing on a multiple of 10 writes the checkpoint, like every other commit", async () => {
  for (const [table, appends] of [["vc-start", 10], ["vc-end", 9]] as const) {
    for (let i = 0; i < appends; i++) await appendToTable(storage, table, [batchFromRows(SCHEMA, rows(i, 1))], { schema: SCHEMA, partitionBy: ["_p"] });
    const tableDir = join(dir, table);
    const orphan = join(tableDir, "_p=1", "orphan.parquet");
    touch(orphan, 10 * DAY);
    const dry = await vacuumTable(storage, table, { dryRun: true });
    assert.deepEqual(dry.files, [`${table}/_p=1/orphan.parquet`]);
    assert.ok(existsSync(orphan), "a dry run deletes nothing");
    const r = await vacuumTable(storage, table);
    assert.equal(existsSync(orphan), false);
    assert.ok(r.startVersion === 10 || r.endVersion === 10, `${table}: START ${r.startVersion}, END ${r.endVersion}`);
    const cp = join(tableDir, "_delta_log", `${String(10).padStart(20, "0")}.checkpoint.parquet`);
    assert.ok(existsSync(cp), `${table}: checkpoint 10 written`);
    const [count] = await query(`SELECT count(add)::INT AS adds FROM read_parquet('${cp}')`);
    assert.equal(count.adds, appends);
  }
});
