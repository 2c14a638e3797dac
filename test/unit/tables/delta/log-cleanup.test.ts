/**
 * Delta log cleanup after a checkpoint: what goes (whole spans before the newest checkpoint, older
 * than the retention cutoffs), what stays (the newest checkpoint and everything every retained
 * version needs), the table properties that steer it, and what a long-lived writer lists.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStorage } from "../../../../src/storage/memory.js";
import { CountingStorage } from "../../../../src/storage/forwarding.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { LongType, StructField, StructType } from "../../../../src/types/data-types.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { writeCheckpoint } from "../../../../src/tables/delta/checkpoint-writer.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { cleanUpExpiredLogs, cutoffTruncation, DeltaLogFiles } from "../../../../src/tables/delta/log-cleanup.js";
import { checkpointAfterCommit } from "../../../../src/tables/delta/post-commit.js";
import { AnalysisError, ConfigError } from "../../../../src/errors.js";

const schema = StructType([StructField("id", LongType())]);
const LOG = "t/_delta_log/";
const DAY = 86_400_000;

/** A table of `commits` appends with a checkpoint every 10 versions, created with `properties`. */
async function table(commits: number, properties: Record<string, string> = {}, storage = MemoryStorage.fresh("cleanup")): Promise<MemoryStorage> {
  for (let i = 0; i < commits; i++) {
    const r = await appendToTable(storage, "t", [batchFromRows(schema, [{ id: BigInt(i) }])], { schema, tableProperties: properties });
    if (r.version !== null && r.version > 0 && r.version % 10 === 0) await writeCheckpoint(storage, "t", await loadSnapshot(storage, "t"));
  }
  return storage;
}

const names = async (s: MemoryStorage): Promise<string[]> => (await s.list(LOG)).map((o) => o.path.slice(LOG.length)).filter((n) => /^\d{20}\./.test(n));
const versionsOf = (files: string[], ext: string): number[] => files.filter((n) => n.endsWith(ext)).map((n) => Number(n.slice(0, 20)));

test("every span before the newest checkpoint older than the cutoff goes; what remains rebuilds every retained version", async () => {
  const s = await table(35);
  const snap = await loadSnapshot(s, "t");
  const conf = snap.metadata.configuration;
  // Now: the files are younger than 30 days, nothing goes.
  assert.equal(await cleanUpExpiredLogs(s, "t", 30, conf, snap.metadata.id), 0);
  assert.equal((await names(s)).length, 35 + 3);
  // 31 days later: spans [0, 9], [10, 19] and [20, 29] go; checkpoint 30 and the commits from 30 stay.
  assert.equal(await cleanUpExpiredLogs(s, "t", 30, conf, snap.metadata.id, { now: Date.now() + 31 * DAY }), 30 + 2);
  const left = await names(s);
  assert.deepEqual(versionsOf(left, ".checkpoint.parquet"), [30]);
  assert.deepEqual(versionsOf(left, ".json"), [30, 31, 32, 33, 34]);
  assert.equal((await loadSnapshot(s, "t")).files.length, 35);
  assert.equal((await loadSnapshot(s, "t", { version: 30 })).files.length, 31);
  await assert.rejects(
    loadSnapshot(s, "t", { version: 12 }),
    (e: unknown) => e instanceof AnalysisError && /cannot load version 12 .*the oldest available version is 30 \(available versions: \[30, 34\]\)/.test(e.message),
  );
});

test("the newest checkpoint's span stays even when everything is old; a younger span stops cleanup", async () => {
  const s = await table(25);
  const snap = await loadSnapshot(s, "t");
  // Cleaning up after checkpoint 10 only: versions up to 9 may go, checkpoint 10 and 20 stay.
  assert.equal(await cleanUpExpiredLogs(s, "t", 10, snap.metadata.configuration, snap.metadata.id, { now: Date.now() + 31 * DAY }), 10);
  assert.deepEqual(versionsOf(await names(s), ".checkpoint.parquet"), [10, 20]);
  assert.equal(versionsOf(await names(s), ".json")[0], 10);
});

test("delta.enableExpiredLogCleanup false keeps everything; delta.checkpointRetentionDuration keeps younger checkpoints", async () => {
  const off = await table(25, { "delta.enableExpiredLogCleanup": "false" });
  const offSnap = await loadSnapshot(off, "t");
  assert.equal(await cleanUpExpiredLogs(off, "t", 20, offSnap.metadata.configuration, offSnap.metadata.id, { now: Date.now() + 365 * DAY }), 0);
  const kept = await table(25, { "delta.logRetentionDuration": "interval 1 day", "delta.checkpointRetentionDuration": "interval 10 days" });
  const snap = await loadSnapshot(kept, "t");
  // 3 days later: the log retention (1 day) has passed, the checkpoint retention (10 days) has not:
  // the first span (no checkpoint) goes, the span starting at checkpoint 10 stays.
  assert.equal(await cleanUpExpiredLogs(kept, "t", 20, snap.metadata.configuration, snap.metadata.id, { now: Date.now() + 3 * DAY }), 10);
  assert.deepEqual(versionsOf(await names(kept), ".checkpoint.parquet"), [10, 20]);
});

test("cutoffs are truncated to the UTC day, as Delta's; the session setting picks a finer truncation", async () => {
  const s = await table(21, { "delta.logRetentionDuration": "interval 0 seconds", "delta.checkpointRetentionDuration": "interval 0 seconds" });
  const snap = await loadSnapshot(s, "t");
  const ago = (await s.list(LOG)).reduce((m, o) => Math.max(m, o.modificationTime), 0) + 1;
  // Truncated to the day the cutoff is today's midnight: files written today stay.
  const nextDayStart = Math.ceil(ago / DAY) * DAY;
  if (nextDayStart - ago > 1000) assert.equal(await cleanUpExpiredLogs(s, "t", 20, snap.metadata.configuration, snap.metadata.id, { now: ago }), 0);
  assert.equal(await cleanUpExpiredLogs(s, "t", 20, snap.metadata.configuration, snap.metadata.id, { now: ago, cutoffTruncation: "none" }), 10 + 1 + 10);
  assert.equal(cutoffTruncation({}), "day");
  assert.equal(cutoffTruncation({ "sluice.delta.logCleanup.cutoffTruncation": "None" }), "none");
  assert.throws(() => cutoffTruncation({ "sluice.delta.logCleanup.cutoffTruncation": "week" }), ConfigError);
});

test("a writer that keeps its DeltaLogFiles lists the log once, then only what is new", async () => {
  const counting = new CountingStorage(MemoryStorage.fresh("cleanup-incremental"));
  const files = new DeltaLogFiles();
  const properties = { "delta.logRetentionDuration": "interval 0 seconds", "delta.checkpointRetentionDuration": "interval 0 seconds" };
  const listed: number[] = [];
  let base = null;
  for (let i = 0; i < 200; i++) {
    const r = await appendToTable(counting, "t", [batchFromRows(schema, [{ id: BigInt(i) }])], { schema, tableProperties: properties, base });
    base = r.snapshot;
    counting.reset();
    const error = await checkpointAfterCommit(counting, "t", r.version ?? -1, r.configuration ?? {}, base, { logFiles: files, cutoffTruncation: "none" });
    assert.equal(error, null);
    if ((r.version ?? 0) % 10 === 0 && (r.version ?? 0) > 0) listed.push(counting.counts.listedEntries);
  }
  // Each checkpoint: the segment after the base (2 commits, _last_checkpoint) and the log files
  // written since the previous cleanup; never the log's history, which cleanup keeps short anyway.
  assert.ok(Math.max(...listed.slice(1)) <= 20, `entries listed per checkpoint: ${listed.join(", ")}`);
  assert.equal(Math.max(...listed.slice(2)), Math.min(...listed.slice(2)), `flat: ${listed.join(", ")}`);
  const left = (await counting.list(LOG)).map((o) => o.path.slice(LOG.length)).filter((n) => /^\d{20}\./.test(n));
  // Retention 0: what is left starts at checkpoint 190, followed by every commit since. Delta's
  // time adjustment (a file no later than a lower version's counts as 1 ms after it) pushes the
  // times of files written faster than one per millisecond ahead of the clock, so a span or two
  // before may still count as unexpired at the last cleanup (seen in CI: 170).
  const oldest = versionsOf(left, ".checkpoint.parquet")[0];
  assert.ok(oldest === 190 || oldest === 180 || oldest === 170, `left: ${left.join(", ")}`);
  assert.ok(left[0].startsWith(`${String(oldest).padStart(20, "0")}.checkpoint`), `left: ${left.join(", ")}`);
  assert.deepEqual(versionsOf(left, ".json"), Array.from({ length: 200 - oldest }, (_, k) => oldest + k));
  assert.equal((await loadSnapshot(counting, "t")).files.length, 200);
  // The writer's cache holds what the log holds, no more (its length follows the span left above).
  assert.ok(files.size <= left.length + 2, `cached: ${String(files.size)}, left: ${String(left.length)}, oldest: ${String(oldest)}`);
});
