/**
 * Checks of a Silver table written by the seed job, independent of sluice's readers: its data files
 * (a Delta table's live files from bench/lib/delta-log.ts's replay of the log, or a file sink's
 * from its `_spark_metadata` log) are read by DuckDB and compared with the booking-event
 * generator's ground truth.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { idSetChecksum, writeExpectedEvents } from "../../bench/lib/booking-events.js";
import type { BookingEventsTruth } from "../../bench/lib/booking-events.js";
import { readDeltaLog } from "../../bench/lib/delta-log.js";
import { duckdb, queryRows, readParquetSql, sqlString } from "./duckdb.js";

const COLUMNS = "event_id, user_id, timestamp, event_type, payload";
const NDJSON_COLUMNS = "{event_id: 'VARCHAR', user_id: 'VARCHAR', timestamp: 'BIGINT', event_type: 'VARCHAR', payload: 'VARCHAR'}";

async function count(sql: string): Promise<number> {
  return Number((await queryRows(sql))[0].n);
}

/** The live files of the Delta table at `silver`, by an independent replay of its log. */
export async function deltaLiveFiles(silver: string): Promise<readonly string[]> {
  const state = await readDeltaLog(silver, await duckdb());
  assert.ok(state.files.length > 0, `no live files in ${silver}`);
  return state.files;
}

/** Asserts the Delta table at `silver` holds exactly the distinct valid events of `truth`, each once, with their fields. */
export async function assertDeltaSilverMatches(silver: string, truth: BookingEventsTruth, expectedFile: string): Promise<void> {
  await assertSilverFilesMatch(await deltaLiveFiles(silver), truth, expectedFile);
}

/** Asserts the Parquet data `files` hold exactly the distinct valid events of `truth`, each once, with their fields. */
export async function assertSilverFilesMatch(files: readonly string[], truth: BookingEventsTruth, expectedFile: string): Promise<void> {
  assert.ok(files.length > 0, "Silver has no data files");
  await writeExpectedEvents(truth, expectedFile);
  const actual = `(SELECT ${COLUMNS} FROM ${readParquetSql(files)})`;
  const expected = `(SELECT ${COLUMNS} FROM read_ndjson(${sqlString(expectedFile)}, columns = ${NDJSON_COLUMNS}))`;
  const totals = (await queryRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d, count(event_id) AS ids FROM ${actual}`))[0];
  assert.equal(Number(totals.n), truth.validDistinct, "rows in Silver");
  assert.equal(Number(totals.d), truth.validDistinct, "distinct event ids in Silver");
  assert.equal(Number(totals.ids), truth.validDistinct, "rows with an event id");
  assert.equal(await count(`SELECT count(*) AS n FROM (${actual} EXCEPT ALL ${expected})`), 0, "rows in Silver that are not valid events");
  assert.equal(await count(`SELECT count(*) AS n FROM (${expected} EXCEPT ALL ${actual})`), 0, "valid events missing from Silver");
  const ids = (await queryRows(`SELECT event_id FROM ${actual}`)).map((r) => String(r.event_id));
  assert.equal(idSetChecksum(ids), truth.idChecksum);
}

/** The lines of the landing files in `dir`, file by file in name order (blank lines dropped). */
export function landingLines(dir: string): string[][] {
  return readdirSync(dir)
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8").split("\n").filter((l) => l !== ""));
}

/**
 * Asserts Gold's live files hold, per user, exactly the count of that user's rows in Silver's
 * live files (both ways, duplicates counted), and that Gold is not empty.
 */
export async function assertGoldCountsSilver(silverFiles: readonly string[], goldFiles: readonly string[]): Promise<void> {
  const s = `(SELECT user_id, count(*) AS count FROM ${readParquetSql(silverFiles)} GROUP BY user_id)`;
  const g = goldFiles.length === 0 ? "(SELECT NULL::VARCHAR AS user_id, 0::BIGINT AS count WHERE false)" : `(SELECT user_id, count FROM ${readParquetSql(goldFiles)})`;
  assert.equal(await count(`SELECT count(*) AS n FROM (${s} EXCEPT ALL ${g})`), 0, "per-user counts of Silver missing from Gold");
  assert.equal(await count(`SELECT count(*) AS n FROM (${g} EXCEPT ALL ${s})`), 0, "Gold rows that are not Silver's per-user counts");
  assert.ok((await count(`SELECT count(*) AS n FROM ${g}`)) > 0, "Gold has rows");
}
