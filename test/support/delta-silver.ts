/**
 * Checks of a Silver Delta table written by the seed job, independent of sluice's Delta code: the
 * live files come from bench/lib/delta-log.ts's replay of the log, the rows are read by DuckDB and
 * compared with the booking-event generator's ground truth.
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
async function liveFiles(silver: string): Promise<readonly string[]> {
  const state = await readDeltaLog(silver, await duckdb());
  assert.ok(state.files.length > 0, `no live files in ${silver}`);
  return state.files;
}

/** Asserts the Delta table at `silver` holds exactly the distinct valid events of `truth`, each once, with their fields. */
export async function assertDeltaSilverMatches(silver: string, truth: BookingEventsTruth, expectedFile: string): Promise<void> {
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

/** The lines of the landing files in `dir`, file by file in name order (blank lines dropped). */
export function landingLines(dir: string): string[][] {
  return readdirSync(dir)
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8").split("\n").filter((l) => l !== ""));
}
