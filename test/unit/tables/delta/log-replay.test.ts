/**
 * Finding a log segment without listing the whole `_delta_log/`: from `_last_checkpoint` (validated
 * against the listing: a stale, missing, wrong or malformed hint falls back correctly), from a base
 * snapshot, and `hasDeltaLog`; what each costs in listed entries on a long log.
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
import { hasDeltaLog } from "../../../../src/tables/delta/table-check.js";
import { findLogSegment } from "../../../../src/tables/delta/log-replay.js";
import { AnalysisError } from "../../../../src/errors.js";

const schema = StructType([StructField("id", LongType())]);
const LOG = "t/_delta_log/";
const enc = new TextEncoder();

/** A table of `commits` appends with a checkpoint every 10 versions, as the sink writes it. */
async function longTable(commits: number): Promise<MemoryStorage> {
  const storage = MemoryStorage.fresh("long-log");
  for (let i = 0; i < commits; i++) {
    const r = await appendToTable(storage, "t", [batchFromRows(schema, [{ id: BigInt(i) }])], { schema });
    if (r.version !== null && r.version > 0 && r.version % 10 === 0) await writeCheckpoint(storage, "t", await loadSnapshot(storage, "t"));
  }
  return storage;
}

test("the latest snapshot lists only the log from the checkpoint _last_checkpoint names", async () => {
  const counting = new CountingStorage(await longTable(205), true);
  const snap = await loadSnapshot(counting, "t");
  assert.equal(snap.version, 204);
  assert.equal(snap.files.length, 205);
  // Listed: checkpoint 200, commits 200..204, _last_checkpoint.
  assert.deepEqual({ list: counting.counts.list, listed: counting.counts.listedEntries }, { list: 1, listed: 7 });
  counting.reset();
  assert.equal(await hasDeltaLog(counting, "t"), true);
  assert.ok(counting.counts.listedEntries <= 7);
});

test("a stale, missing, malformed or wrong _last_checkpoint still gives the right snapshot", async () => {
  const storage = await longTable(35);
  const truth = await loadSnapshot(storage, "t");
  const ids = (s: { files: readonly { path: string }[] }) => s.files.map((f) => f.path);
  // Stale: names checkpoint 10 while 30 exists: the listing from 10 finds 30.
  await storage.put(`${LOG}_last_checkpoint`, enc.encode(JSON.stringify({ version: 10, size: 1 })));
  const counting = new CountingStorage(storage);
  assert.deepEqual(ids(await loadSnapshot(counting, "t")), ids(truth));
  assert.equal(counting.counts.list, 1);
  // Missing checkpoint: names 40, which does not exist: falls back to the whole folder.
  await storage.put(`${LOG}_last_checkpoint`, enc.encode(JSON.stringify({ version: 40, size: 1 })));
  assert.deepEqual(ids(await loadSnapshot(storage, "t")), ids(truth));
  // The checkpoint it names was deleted (and nothing newer is complete): the whole folder again.
  await storage.put(`${LOG}_last_checkpoint`, enc.encode(JSON.stringify({ version: 30, size: 1 })));
  await storage.delete(`${LOG}00000000000000000030.checkpoint.parquet`);
  assert.deepEqual(ids(await loadSnapshot(storage, "t")), ids(truth));
  // An incomplete multi-part checkpoint is no checkpoint.
  await storage.put(`${LOG}_last_checkpoint`, enc.encode(JSON.stringify({ version: 30, size: 1, parts: 2 })));
  await storage.put(`${LOG}00000000000000000030.checkpoint.0000000001.0000000002.parquet`, enc.encode("not parquet"));
  assert.deepEqual(ids(await loadSnapshot(storage, "t")), ids(truth));
  // Malformed: ignored.
  for (const text of ["{", "[]", '{"version":"30"}', '{"version":-1}', '{"version":1.5}']) {
    await storage.put(`${LOG}_last_checkpoint`, enc.encode(text));
    assert.deepEqual(ids(await loadSnapshot(storage, "t")), ids(truth), text);
  }
  // Time travel before the hint lists the whole folder and uses the checkpoint at 20.
  const at25 = await findLogSegment(storage, LOG, { version: 25 });
  assert.equal(at25?.checkpoint?.version, 20);
  assert.deepEqual(at25?.commits.map((c) => c.version), [21, 22, 23, 24, 25]);
});

test("from a base snapshot only what sorts after its commit is listed", async () => {
  const storage = await longTable(100);
  const base = await loadSnapshot(storage, "t");
  await appendToTable(storage, "t", [batchFromRows(schema, [{ id: 1000n }])], { schema });
  await appendToTable(storage, "t", [batchFromRows(schema, [{ id: 1001n }])], { schema });
  const counting = new CountingStorage(storage);
  const next = await loadSnapshot(counting, "t", { base });
  assert.equal(next.version, 101);
  assert.equal(next.files.length, 102);
  // Commits 100 and 101, _last_checkpoint.
  assert.deepEqual({ list: counting.counts.list, listed: counting.counts.listedEntries, get: counting.counts.get }, { list: 1, listed: 3, get: 2 });
});

test("no table: findLogSegment gives null, loadSnapshot an AnalysisError, hasDeltaLog false", async () => {
  const storage = MemoryStorage.fresh("no-table");
  assert.equal(await findLogSegment(storage, LOG), null);
  await assert.rejects(loadSnapshot(storage, "t"), (e: unknown) => e instanceof AnalysisError && /no Delta table at memory:\/\/no-table-\d+\/t\/_delta_log\//.test(e.message));
  assert.equal(await hasDeltaLog(storage, "t"), false);
  await storage.put(`${LOG}_last_checkpoint`, enc.encode(JSON.stringify({ version: 3, size: 1 })));
  assert.equal(await hasDeltaLog(storage, "t"), false, "a lone _last_checkpoint is no table");
});
