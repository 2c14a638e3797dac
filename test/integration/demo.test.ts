/**
 * `sluice demo` as a user runs it, twice on one temp lake: Silver must hold every valid event of
 * the Bronze files exactly once (checked against the files themselves, parsed here), and Gold's
 * counts must equal a per-user count of Silver. Silver and Gold are read by DuckDB through the
 * live files of their Delta logs (replayed by loadSnapshot).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage } from "../../src/storage/local.js";
import { loadSnapshot } from "../../src/tables/delta/snapshot.js";
import { queryRows, readParquetSql } from "../support/duckdb.js";
import { runSluice } from "../support/sluice-cli.js";
import { kafkaSkip, mockKafkaForFile } from "../support/kafka-broker.js";

const broker = mockKafkaForFile();

/** The live data files of the Delta table at `dir`. */
async function liveFiles(dir: string): Promise<string[]> {
  const snap = await loadSnapshot(new LocalStorage(dir, { fsync: false }), "");
  return snap.files.map((f) => join(dir, f.path));
}

/** The distinct valid events of the Bronze folder (a JSON object with a string event_id), parsed independently. */
function bronzeEvents(dir: string): Map<string, Record<string, unknown>> {
  const events = new Map<string, Record<string, unknown>>();
  for (const name of readdirSync(dir).sort()) {
    for (const line of readFileSync(join(dir, name), "latin1").split("\n")) {
      if (line === "") continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof v !== "object" || v === null || Array.isArray(v)) continue;
      const o = v as Record<string, unknown>;
      if (typeof o.event_id === "string" && !events.has(o.event_id)) events.set(o.event_id, o);
    }
  }
  return events;
}

async function checkLake(lake: string): Promise<{ silverRows: number; users: number }> {
  const events = bronzeEvents(join(lake, "bronze", "booking"));
  const silver = readParquetSql(await liveFiles(join(lake, "silver", "booking")));
  const gold = readParquetSql(await liveFiles(join(lake, "gold", "booking_summary")));

  const totals = (await queryRows(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM ${silver}`))[0];
  assert.equal(Number(totals.n), events.size, "Silver rows = distinct valid events in Bronze");
  assert.equal(Number(totals.d), events.size, "no event twice in Silver");
  const silverRows = await queryRows(`SELECT event_id, user_id, timestamp, event_type, payload FROM ${silver}`);
  for (const r of silverRows) {
    const e = events.get(String(r.event_id));
    assert.ok(e !== undefined, `Silver has ${String(r.event_id)}, which is no valid Bronze event`);
    assert.deepEqual({ ...r, timestamp: Number(r.timestamp) }, e);
  }

  const perUser = `(SELECT user_id, count(*) AS count FROM ${silver} GROUP BY user_id)`;
  const goldRows = `(SELECT user_id, count FROM ${gold})`;
  const diff = await queryRows(`SELECT count(*) AS n FROM ((${perUser} EXCEPT ALL ${goldRows}) UNION ALL (${goldRows} EXCEPT ALL ${perUser}))`);
  assert.equal(Number(diff[0].n), 0, "Gold = count per user of Silver");
  const users = await queryRows(`SELECT count(*) AS n, sum(count) AS s FROM ${gold}`);
  assert.equal(Number(users[0].s), events.size, "Gold counts every Silver row once");
  return { silverRows: events.size, users: Number(users[0].n) };
}

test("sluice demo twice on one lake: Silver holds each valid event once, Gold counts Silver per user", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-demo-"));
  try {
    const lake = join(base, "lake");
    const first = await runSluice(["demo", "--lake", lake, "--events", "3000"], { timeoutMs: 120_000 });
    assert.equal(first.code, 0, `demo run 1 exited ${first.code}:\n${first.stderr}`);
    assert.match(first.stdout, /\(run 1\)/);
    assert.match(first.stdout, /wrote 3,000 events/);
    assert.match(first.stdout, /Top 10 users by events/);
    assert.match(first.stdout, /\|\s*user_id\|count\|/);
    assert.match(first.stdout, /sluice query '.*delta\.`.*silver\/booking`/);
    const one = await checkLake(lake);
    assert.ok(one.silverRows > 2_500 && one.silverRows < 3_000, `about 93% of 3,000 lines are distinct valid events, got ${one.silverRows}`);

    const second = await runSluice(["demo", "--lake", lake, "--events", "2000"], { timeoutMs: 120_000 });
    assert.equal(second.code, 0, `demo run 2 exited ${second.code}:\n${second.stderr}`);
    assert.match(second.stdout, /\(run 2\)/);
    const two = await checkLake(lake);
    const added = two.silverRows - one.silverRows;
    assert.ok(added > 1_700 && added < 2_000, `run 2 adds its own new events, got ${added}`);
    assert.match(second.stdout, new RegExp(`appended ${added.toLocaleString("en-US")} rows`));
    assert.match(second.stdout, new RegExp(`has ${two.silverRows.toLocaleString("en-US")} rows`));
    assert.equal(readdirSync(join(lake, "bronze", "booking")).filter((n) => n.startsWith("booking-r0002-")).length, 1, "run 2 wrote new files");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("sluice demo --kafka: Bronze goes through a Kafka topic, and Silver still holds each valid event once", { skip: kafkaSkip }, async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-demo-kafka-"));
  try {
    const lake = join(base, "lake");
    const args = ["demo", "--lake", lake, "--kafka", broker().bootstrap, "--topic", "demo_events"];
    const first = await runSluice([...args, "--events", "3000"], { timeoutMs: 120_000 });
    assert.equal(first.code, 0, `demo run 1 exited ${first.code}:\n${first.stderr}`);
    assert.match(first.stdout, /produced 3,000 messages to topic demo_events/);
    const one = await checkLake(lake);
    const second = await runSluice([...args, "--events", "2000"], { timeoutMs: 120_000 });
    assert.equal(second.code, 0, `demo run 2 exited ${second.code}:\n${second.stderr}`);
    const two = await checkLake(lake);
    const added = two.silverRows - one.silverRows;
    assert.ok(added > 1_700 && added < 2_000, `run 2 adds its own new events from the topic, got ${added}`);
    assert.equal(broker().consume("demo_events").length, 5000, "every generated line was produced once");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
