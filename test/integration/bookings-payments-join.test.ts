/**
 * Acceptance of stream–stream joins, run as a user runs them: `sluice run
 * examples/bookings-payments-join.ts` joins a stream of bookings with a stream of payments within
 * an hour of event time (10-minute watermarks), one file of each per micro-batch, events out of
 * order and some late. The output, read back by DuckDB, must equal what DuckDB computes: every
 * booking/payment pair with the same id and the payment in [booking, booking + 1 h], among the
 * rows that are not late — a row is late when its time is at or below the previous batch's
 * watermark, the watermark being the lesser of the two streams' (max event time − 10 min) over
 * the batches before. (State cleanup cannot lose a pair of such rows: Spark's rule, which the
 * join follows.) That state does leave as the watermark moves is shown, with its row counts, by
 * `test/unit/runtime/stream-stream-join.test.ts`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { runSluice } from "../support/sluice-cli.js";
import { seededRandom } from "../support/prng.js";

const JOB = "examples/bookings-payments-join.ts";
const DELAY_MS = 10 * 60_000;
const base = mkdtempSync(join(tmpdir(), "sluice-join-"));
test.after(() => rmSync(base, { recursive: true, force: true }));
const duck = await (await DuckDBInstance.create(":memory:")).connect();

interface Booking {
  readonly booking_id: string;
  readonly hotel: string;
  readonly booking_time: number;
}
interface Payment {
  readonly payment_booking_id: string;
  readonly amount: number;
  readonly payment_time: number;
}

const START = Date.UTC(2024, 4, 1, 8);
const iso = (ms: number) => new Date(ms).toISOString();

/** `batches` batches: bookings 4 minutes apart in time per batch, a payment 0–80 minutes after (so some fall outside the hour), 5 % very late. */
function events(batches: number, perBatch: number, seed: number): { bookings: Booking[][]; payments: Payment[][] } {
  const rand = seededRandom(seed);
  const bookings: Booking[][] = [];
  const payments: Payment[][] = Array.from({ length: batches }, () => []);
  let id = 0;
  for (let b = 0; b < batches; b++) {
    const rows: Booking[] = [];
    for (let i = 0; i < perBatch; i++) {
      const late = rand() < 0.05 ? 40 * 60_000 : 0;
      const t = START + b * 4 * 60_000 + Math.floor(rand() * 4 * 60_000) - late;
      const bid = `b-${id++}`;
      rows.push({ booking_id: bid, hotel: `H-${Math.floor(rand() * 9)}`, booking_time: t });
      // The payment lands in this batch or one of the next three (out of order with its booking).
      const at = Math.min(batches - 1, b + Math.floor(rand() * 4) - (rand() < 0.2 ? 1 : 0));
      payments[Math.max(0, at)].push({ payment_booking_id: bid, amount: Math.round(rand() * 40000) / 100, payment_time: t + Math.floor(rand() * 80 * 60_000) });
    }
    bookings.push(rows);
  }
  return { bookings, payments };
}

function writeBatches(dir: string, batches: readonly object[][]): void {
  mkdirSync(dir, { recursive: true });
  batches.forEach((rows, b) => {
    const text = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k.endsWith("_time") ? iso(v as number) : v])))).join("\n");
    // Names sort in batch order; an empty batch still needs a file so the batches stay aligned.
    writeFileSync(join(dir, `part-${String(b).padStart(4, "0")}.json`), text.length === 0 ? "" : `${text}\n`);
  });
}

test("bookings ⋈ payments within an hour: exactly DuckDB's pairs among the rows that are not late", async (t) => {
  const { bookings, payments } = events(16, 60, 7);
  const dir = join(base, "run");
  writeBatches(join(dir, "bookings"), bookings);
  writeBatches(join(dir, "payments"), payments);
  const env = { BOOKINGS: join(dir, "bookings"), PAYMENTS: join(dir, "payments"), OUTPUT: join(dir, "out"), CHECKPOINT: join(dir, "ck"), TRIGGER: "availableNow", MAX_FILES: "1" };
  const r = await runSluice(["run", JOB], { env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);

  // The watermark each batch runs with, from the batches before it: per stream the max event time
  // minus the delay (0 until it has rows), the query's the lesser of the two, never decreasing.
  // A batch's late rows are judged by the previous batch's.
  const runsWith: number[] = [];
  let global = 0;
  let wb: number | null = null;
  let wp: number | null = null;
  for (let b = 0; b < bookings.length; b++) {
    runsWith.push(global);
    if (bookings[b].length > 0) wb = Math.max(wb ?? 0, Math.max(...bookings[b].map((x) => x.booking_time)) - DELAY_MS);
    if (payments[b].length > 0) wp = Math.max(wp ?? 0, Math.max(...payments[b].map((x) => x.payment_time)) - DELAY_MS);
    global = Math.max(global, Math.min(wb ?? 0, wp ?? 0));
  }
  const lateAt = runsWith.map((_, b) => (b === 0 ? 0 : runsWith[b - 1]));
  await duck.run("CREATE OR REPLACE TABLE bk (booking_id VARCHAR, hotel VARCHAR, bt BIGINT, batch INTEGER)");
  await duck.run("CREATE OR REPLACE TABLE pm (pid VARCHAR, amount DOUBLE, pt BIGINT, batch INTEGER)");
  let late = 0;
  for (let b = 0; b < bookings.length; b++) {
    for (const x of bookings[b]) {
      if (x.booking_time <= lateAt[b]) late++;
      else await duck.run(`INSERT INTO bk VALUES ('${x.booking_id}', '${x.hotel}', ${x.booking_time}, ${b})`);
    }
    for (const x of payments[b]) {
      if (x.payment_time <= lateAt[b]) late++;
      else await duck.run(`INSERT INTO pm VALUES ('${x.payment_booking_id}', ${x.amount}, ${x.payment_time}, ${b})`);
    }
  }
  const expected = (
    await duck.runAndReadAll("SELECT booking_id || ' ' || pt AS line FROM bk JOIN pm ON booking_id = pid AND pt // 1000 >= bt // 1000 AND pt // 1000 <= bt // 1000 + 3600 ORDER BY line")
  ).getRowObjectsJson().map((x) => String(x.line));
  const files = readdirSync(env.OUTPUT).filter((n) => n.endsWith(".json")).map((n) => `'${join(env.OUTPUT, n)}'`);
  const actual = (
    await duck.runAndReadAll(`SELECT booking_id || ' ' || epoch_ms(CAST(payment_time AS TIMESTAMP)) AS line FROM read_json([${files.join(", ")}], columns = {booking_id: 'VARCHAR', payment_time: 'VARCHAR'}) ORDER BY line`)
  ).getRowObjectsJson().map((x) => String(x.line));
  t.diagnostic(`${expected.length} pairs, ${late} late rows`);
  assert.ok(late > 5, `only ${late} late rows: the data does not exercise the watermark`);
  assert.ok(expected.length > 500, `only ${expected.length} pairs`);
  assert.deepEqual(actual, expected);
});
