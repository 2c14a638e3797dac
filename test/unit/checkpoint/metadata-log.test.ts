import { test } from "node:test";
import assert from "node:assert/strict";
import { CompactibleLog, MAX_PURGE_BY_NAME, MetadataLog, isCompactionBatch } from "../../../src/checkpoint/metadata-log.js";
import { CountingStorage } from "../../../src/storage/forwarding.js";
import type { StorageCallCounts } from "../../../src/storage/forwarding.js";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { CorruptCheckpointError, ErrorCodes } from "../../../src/errors.js";
import type { Storage } from "../../../src/storage/storage.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = async (s: Storage, key: string): Promise<string> => new TextDecoder().decode(await s.get(key));

interface FileEntry {
  path: string;
  size: number;
  action: string;
}
const file = (path: string, action = "add"): FileEntry => ({ path, size: 1, action });

test("a batch file is v1 then one JSON line per entry, no trailing newline", async () => {
  const s = MemoryStorage.fresh("mlog");
  const log = new MetadataLog<{ path: string; timestamp: number; batchId: number }>(s, "sources/0/");
  assert.equal(await log.add(0, [{ path: "file:///in/a.json", timestamp: 1, batchId: 0 }, { path: "file:///in/b.json", timestamp: 2, batchId: 0 }]), true);
  assert.equal(
    await text(s, "sources/0/0"),
    'v1\n{"path":"file:///in/a.json","timestamp":1,"batchId":0}\n{"path":"file:///in/b.json","timestamp":2,"batchId":0}',
  );
  await log.add(1, []);
  assert.equal(await text(s, "sources/0/1"), "v1");
  assert.deepEqual(await log.get(1), []);
});

test("add is put-if-absent: an existing batch is left alone and add returns false", async () => {
  const s = MemoryStorage.fresh("mlog");
  const log = new MetadataLog<number>(s, "l/");
  assert.equal(await log.add(3, [1]), true);
  assert.equal(await log.add(3, [2]), false);
  assert.deepEqual(await log.get(3), [1]);
  const racers = await Promise.all([log.add(4, [10]), log.add(4, [20]), log.add(4, [30])]);
  assert.equal(racers.filter((x) => x).length, 1);
});

test("get, getLatest, listBatchIds and purge", async () => {
  const s = MemoryStorage.fresh("mlog");
  const log = new MetadataLog<string>(s, "offsets/");
  assert.equal(await log.getLatest(), null);
  assert.equal(await log.get(0), null);
  for (const id of [0, 1, 2, 10, 9]) await log.add(id, [`b${id}`]);
  // Not batch files: ignored.
  await s.put("offsets/.sluice-tmp-x", enc("v1"));
  await s.put("offsets/007", enc("v1"));
  await s.put("offsets/3.crc", enc("x"));
  await s.put("offsets/sub/4", enc("v1"));
  await s.put("offsetsX/11", enc("v1"));
  assert.deepEqual(await log.listBatchIds(), [0, 1, 2, 9, 10], "numeric order, not string order");
  assert.deepEqual(await log.getLatest(), { batchId: 10, entries: ["b10"] });
  await log.purge(9);
  assert.deepEqual(await log.listBatchIds(), [9, 10]);
  assert.equal(await s.head("offsets/3.crc") !== null, true, "purge leaves non-batch files");
});

test("purge lists the folder once, then deletes the ids it passes by name (Spark's lastPurgedBatchId)", async () => {
  const counting = new CountingStorage(MemoryStorage.fresh("mlog"));
  const log = new MetadataLog<string>(counting, "offsets/");
  for (let id = 0; id < 20; id++) await log.add(id, [`b${id}`]);
  counting.reset();
  await log.purge(5);
  assert.deepEqual({ list: counting.counts.list, delete: counting.counts.delete }, { list: 1, delete: 5 });
  counting.reset();
  await log.purge(6);
  await log.purge(8);
  await log.purge(8);
  assert.deepEqual({ list: counting.counts.list, delete: counting.counts.delete }, { list: 0, delete: 3 });
  assert.deepEqual(await log.listBatchIds(), Array.from({ length: 12 }, (_, i) => 8 + i));
  // A jump of more than MAX_PURGE_BY_NAME ids lists again instead of deleting ids that may not exist.
  counting.reset();
  await log.purge(8 + MAX_PURGE_BY_NAME + 1);
  assert.equal(counting.counts.list, 1);
  assert.deepEqual(await log.listBatchIds(), Array.from({ length: 8 }, (_, i) => 12 + i));
});

test("a newer log version is rejected with the documented message", async () => {
  const s = MemoryStorage.fresh("mlog");
  await s.put("c/5", enc('v2\n{"nextBatchWatermarkMs":0}'));
  const log = new MetadataLog<unknown>(s, "c/");
  const err = await log.get(5).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof CorruptCheckpointError, String(err));
  assert.equal(err.code, ErrorCodes.CORRUPT_CHECKPOINT);
  assert.equal(err.message, `checkpoint: unsupported log version v2 in ${s.root}/c/5; it was written by a newer version`);
  // A reader that supports v2 reads v1 and v2 files.
  await s.put("c/4", enc("v1\n1"));
  const v2 = new MetadataLog<unknown>(s, "c/", { version: 2 });
  assert.deepEqual(await v2.get(5), [{ nextBatchWatermarkMs: 0 }]);
  assert.deepEqual(await v2.get(4), [1]);
});

test("empty, truncated and malformed files are CorruptCheckpointErrors naming the file", async () => {
  const s = MemoryStorage.fresh("mlog");
  const log = new MetadataLog<unknown>(s, "c/");
  const cases: Array<[string, RegExp]> = [
    ["", /empty \(truncated\?\) at memory:\/\/mlog-\d+\/c\/0$/],
    ["v", /malformed log file memory:\/\/mlog-\d+\/c\/0: expected a version line like v1/],
    ["{\"a\":1}", /expected a version line/],
    ['v1\n{"nextBatchWat', /malformed entry at line 2 of memory:\/\/mlog-\d+\/c\/0/],
  ];
  for (const [content, message] of cases) {
    await s.put("c/0", enc(content));
    await assert.rejects(log.get(0), (e: unknown) => e instanceof CorruptCheckpointError && message.test(e.message), JSON.stringify(content));
  }
});

test("trailing newline and CRLF line ends are tolerated on read, as Spark's line reader does", async () => {
  const s = MemoryStorage.fresh("mlog");
  await s.put("c/0", enc('v1\r\n{"a":1}\r\n{"a":2}\n'));
  assert.deepEqual(await new MetadataLog<unknown>(s, "c/").get(0), [{ a: 1 }, { a: 2 }]);
});

test("compaction: every 10th batch is <N>.compact with everything so far", async () => {
  const s = MemoryStorage.fresh("clog");
  const log = new CompactibleLog<FileEntry>(s, "_spark_metadata/", { retainOldFiles: true });
  assert.equal(isCompactionBatch(9, 10), true);
  assert.equal(isCompactionBatch(10, 10), false);
  for (let b = 0; b < 12; b++) assert.equal(await log.add(b, [file(`p${b}`)]), true);
  const keys = (await s.list("_spark_metadata/")).map((o) => o.path.slice("_spark_metadata/".length));
  assert.deepEqual(keys, ["0", "1", "10", "11", "2", "3", "4", "5", "6", "7", "8", "9.compact"]);
  const compact = await text(s, "_spark_metadata/9.compact");
  assert.equal(compact.split("\n").length, 11);
  assert.equal(compact.split("\n")[0], "v1");
  assert.equal(compact.split("\n")[10], '{"path":"p9","size":1,"action":"add"}');
  assert.equal((await log.get(9))?.length, 10, "get of a compact batch is the whole compacted content");
  assert.deepEqual(await log.get(10), [file("p10")]);
  assert.deepEqual(await log.listBatchIds(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual((await log.getLatest())?.batchId, 11);
  assert.deepEqual(
    (await log.allEntries()).map((e) => e.path),
    Array.from({ length: 12 }, (_, i) => `p${i}`),
  );
  assert.equal(await log.add(9, [file("again")]), false, "an existing compact batch is left alone");
});

test("allEntries reads the latest compact file plus later deltas, without the deleted entries", async () => {
  const s = MemoryStorage.fresh("clog");
  const log = new CompactibleLog<FileEntry>(s, "m/", { compactInterval: 3, isDeletedEntry: (e) => e.action === "delete" });
  await log.add(0, [file("a")]);
  await log.add(1, [file("b"), file("x", "delete")]);
  await log.add(2, [file("c")]); // compact: a, b, c (the delete marker is dropped)
  assert.equal(await text(s, "m/2.compact"), 'v1\n{"path":"a","size":1,"action":"add"}\n{"path":"b","size":1,"action":"add"}\n{"path":"c","size":1,"action":"add"}');
  await log.add(3, [file("d"), file("y", "delete")]);
  // Reading must not need the files before the compact one.
  await s.delete("m/0");
  await s.delete("m/1");
  assert.deepEqual((await log.allEntries()).map((e) => e.path), ["a", "b", "c", "d"]);
});

test("a missing delta during compaction or reading is a CorruptCheckpointError", async () => {
  const s = MemoryStorage.fresh("clog");
  const log = new CompactibleLog<FileEntry>(s, "m/", { compactInterval: 3 });
  await log.add(0, [file("a")]);
  await log.add(1, [file("b")]);
  await s.delete("m/0");
  await assert.rejects(log.allEntries(), /metadata log: batch 0 is missing in memory:\/\/clog-\d+\/m\//);
  await assert.rejects(log.add(2, [file("c")]), CorruptCheckpointError);
  assert.equal(await s.head("m/2.compact"), null);
});

test("old files are deleted after compaction beyond minBatchesToRetain, as Spark does", async () => {
  const s = MemoryStorage.fresh("clog");
  const log = new CompactibleLog<FileEntry>(s, "m/", { compactInterval: 3, minBatchesToRetain: 4, cleanupDelayMs: 0 });
  for (let b = 0; b < 9; b++) await log.add(b, [file(`p${b}`)]);
  // After batch 8: minBatchId = 8 + 1 - 4 = 5, the compaction before it is 2: files before 2 go.
  assert.deepEqual(await log.listBatchIds(), [2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual((await log.allEntries()).map((e) => e.path), Array.from({ length: 9 }, (_, i) => `p${i}`));
  const delayed = new CompactibleLog<FileEntry>(MemoryStorage.fresh("clog"), "m/", { compactInterval: 3, minBatchesToRetain: 4 });
  for (let b = 0; b < 9; b++) await delayed.add(b, [file(`p${b}`)]);
  assert.equal((await delayed.listBatchIds()).length, 9, "files younger than the cleanup delay stay");
});

test("a writer lists its log once, then adds, compacts and deletes expired files by name", async () => {
  const counting = new CountingStorage(MemoryStorage.fresh("clog"));
  const log = new CompactibleLog<FileEntry>(counting, "m/", { compactInterval: 5, minBatchesToRetain: 7, cleanupDelayMs: 0 });
  const perBatch: StorageCallCounts[] = [];
  for (let b = 0; b < 200; b++) {
    counting.reset();
    await log.add(b, [file(`p${b}`)]);
    perBatch.push(counting.reset());
    assert.equal(await log.latestBatchId(), b);
  }
  assert.equal(perBatch.reduce((n, c) => n + c.list, 0), 1, "one listing, for the interval, at the first add");
  assert.equal(counting.counts.list, 0, "latestBatchId does not list");
  // Steady state: a cycle of 5 batches costs the same at the start and at the end of the run.
  const cycle = (from: number) => perBatch.slice(from, from + 5).reduce((n, c) => n + c.get + c.head + c.put + c.delete, 0);
  assert.equal(cycle(20), cycle(195));
  // After batch 199: minBatchId 193, its compaction batch 189: files from 189 on are kept.
  assert.deepEqual(await log.listBatchIds(), Array.from({ length: 11 }, (_, i) => 189 + i));
  assert.equal((await log.allEntries()).length, 200);
});

test("the compact interval is derived from existing compact files", async () => {
  const s = MemoryStorage.fresh("clog");
  const writer = new CompactibleLog<FileEntry>(s, "m/", { compactInterval: 5, retainOldFiles: true });
  for (let b = 0; b < 7; b++) await writer.add(b, [file(`p${b}`)]);
  assert.ok(await s.head("m/4.compact"));
  // Restarted with another default: one compact file at 4 → interval 5 (4 + 1 <= 10).
  const reader = new CompactibleLog<FileEntry>(s, "m/", { compactInterval: 10, retainOldFiles: true });
  assert.equal(await reader.compactInterval(), 5);
  await reader.add(7, [file("p7")]);
  await reader.add(8, [file("p8")]);
  await reader.add(9, [file("p9")]);
  assert.ok(await s.head("m/9.compact"));
  assert.equal((await reader.allEntries()).length, 10);
  // Two compact files: their distance.
  assert.equal(await new CompactibleLog<FileEntry>(s, "m/", { compactInterval: 2 }).compactInterval(), 5);
  // One compact file at 11 with default 5: the smallest divisor of 12 that is >= 5 → 6 (Spark's example).
  const t = MemoryStorage.fresh("clog");
  await t.put("m/11.compact", enc("v1"));
  assert.equal(await new CompactibleLog<FileEntry>(t, "m/", { compactInterval: 5 }).compactInterval(), 6);
});

test("compactLogs replaces isDeletedEntry, e.g. to drop what a delete entry cancels", async () => {
  const s = MemoryStorage.fresh("clog");
  const log = new CompactibleLog<FileEntry>(s, "m/", {
    compactInterval: 2,
    compactLogs: (entries) => {
      const deleted = new Set(entries.filter((e) => e.action === "delete").map((e) => e.path));
      return entries.filter((e) => !deleted.has(e.path));
    },
  });
  await log.add(0, [file("a"), file("b")]);
  await log.add(1, [file("a", "delete")]);
  assert.deepEqual((await log.get(1))?.map((e) => e.path), ["b"]);
});

test("allEntries survives a writer compacting and deleting old files while it reads", async () => {
  const inner = MemoryStorage.fresh("clog");
  const writer = new CompactibleLog<FileEntry>(inner, "m/", { compactInterval: 3, retainOldFiles: true });
  for (let b = 0; b < 5; b++) await writer.add(b, [file(`p${b}`)]);
  let interfered = false;
  // The storage behaves normally, except that just before the reader fetches m/3 another writer
  // finishes batch 5 (a compaction) and removes everything older, as a real concurrent sink would.
  const racy: Storage = {
    root: inner.root,
    head: (p) => inner.head(p),
    exists: (p) => inner.exists(p),
    list: (p) => inner.list(p),
    put: (p, d, o) => inner.put(p, d, o),
    createWriter: (p) => inner.createWriter(p),
    delete: (p) => inner.delete(p),
    get: async (p, r) => {
      if (p === "m/3" && !interfered) {
        interfered = true;
        await writer.add(5, [file("p5")]);
        for (const k of ["m/0", "m/1", "m/2.compact", "m/3", "m/4"]) await inner.delete(k);
      }
      return inner.get(p, r);
    },
  };
  const reader = new CompactibleLog<FileEntry>(racy, "m/", { compactInterval: 3 });
  assert.deepEqual((await reader.allEntries()).map((e) => e.path), ["p0", "p1", "p2", "p3", "p4", "p5"]);
  assert.equal(interfered, true);
});
