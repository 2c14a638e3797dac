import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Checkpoint } from "../../../src/checkpoint/checkpoint.js";
import { MemoryStorage } from "../../../src/storage/memory.js";
import { CountingStorage } from "../../../src/storage/forwarding.js";
import type { StorageCallCounts } from "../../../src/storage/forwarding.js";
import { ConfigError, CorruptCheckpointError } from "../../../src/errors.js";
import type { Storage } from "../../../src/storage/storage.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = async (s: Storage, key: string): Promise<string> => new TextDecoder().decode(await s.get(key));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const conf = {
  "spark.sql.streaming.stateStore.providerClass": "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
  "spark.sql.streaming.multipleWatermarkPolicy": "min",
  "spark.sql.shuffle.partitions": "200",
};

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-ckpt-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("open creates metadata {\"id\":\"<uuid>\"} once; reopening keeps the id", async () => {
  const s = MemoryStorage.fresh("ckpt");
  const a = await Checkpoint.open({ storage: s, prefix: "q/" });
  assert.match(a.id, UUID);
  assert.equal(await text(s, "q/metadata"), `{"id":"${a.id}"}`);
  const b = await Checkpoint.open(`memory://${s.name}/q`);
  assert.equal(b.id, a.id);
  assert.equal(b.prefix, "q/");
  assert.equal(b.url, `memory://${s.name}/q/`);
});

test("two starters racing on an empty folder agree on one id", async () => {
  const s = MemoryStorage.fresh("ckpt");
  const opened = await Promise.all(Array.from({ length: 8 }, () => Checkpoint.open({ storage: s, prefix: "q/" })));
  assert.equal(new Set(opened.map((c) => c.id)).size, 1);
  assert.equal(await text(s, "q/metadata"), `{"id":"${opened[0].id}"}`);
});

test("a Spark-written metadata file is read as is", async () => {
  const s = MemoryStorage.fresh("ckpt");
  await s.put("metadata", enc('{"id":"3b4ff4a4-12ad-4cfc-8b0e-b1a6a3d0d1b4"}\n'));
  assert.equal((await Checkpoint.open({ storage: s, prefix: "" })).id, "3b4ff4a4-12ad-4cfc-8b0e-b1a6a3d0d1b4");
});

test("a damaged metadata file is a CorruptCheckpointError naming it", async () => {
  const s = MemoryStorage.fresh("ckpt");
  await s.put("q/metadata", enc('{"id":'));
  await assert.rejects(Checkpoint.open({ storage: s, prefix: "q/" }), (e: unknown) => e instanceof CorruptCheckpointError && e.message.includes(`${s.root}/q/metadata`));
  await s.put("q/metadata", enc("{}"));
  await assert.rejects(Checkpoint.open({ storage: s, prefix: "q/" }), /has no query id/);
  await assert.rejects(Checkpoint.open({ storage: s, prefix: "q" }), ConfigError);
});

test("offsets/<N> is byte for byte Spark's OffsetSeqLog format; a missing offset is '-'", async () => {
  const s = MemoryStorage.fresh("ckpt");
  const c = await Checkpoint.open({ storage: s, prefix: "" });
  const kafka = '{"booking_events":{"0":9223372036854775806,"1":456}}';
  assert.equal(await c.writeOffsets(0, { batchWatermarkMs: 0, batchTimestampMs: 1700000000123, conf }, [kafka, null, '{"logOffset":3}']), true);
  assert.equal(
    await text(s, "offsets/0"),
    "v1\n" +
      '{"batchWatermarkMs":0,"batchTimestampMs":1700000000123,"conf":{"spark.sql.streaming.stateStore.providerClass":"org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider","spark.sql.streaming.multipleWatermarkPolicy":"min","spark.sql.shuffle.partitions":"200"}}\n' +
      kafka +
      "\n-\n" +
      '{"logOffset":3}',
  );
  const back = await c.readOffsets(0);
  assert.deepEqual(back, { metadata: { batchWatermarkMs: 0, batchTimestampMs: 1700000000123, conf }, offsets: [kafka, null, '{"logOffset":3}'] });
  assert.equal(back?.offsets[0], kafka, "offsets stay text: 64-bit Kafka offsets keep every digit");
  assert.equal(await c.writeOffsets(0, { batchWatermarkMs: 5, batchTimestampMs: 1, conf: {} }, ["{}"]), false, "put-if-absent");
  assert.equal((await c.readOffsets(0))?.metadata?.batchTimestampMs, 1700000000123);
  await assert.rejects(c.writeOffsets(1, { batchWatermarkMs: 0, batchTimestampMs: 0, conf: {} }, ["{\n}"]), /not one line of JSON/);
  assert.equal(await c.readOffsets(7), null);
});

test("Spark-written offsets, including an old metadata line and an empty one, are read", async () => {
  const s = MemoryStorage.fresh("ckpt");
  const c = await Checkpoint.open({ storage: s, prefix: "" });
  await s.put("offsets/0", enc('v1\n{"batchWatermarkMs":0,"batchTimestampMs":1591621231223}\n{"t":{"0":1}}'));
  await s.put("offsets/1", enc("v1\n\n-"));
  assert.deepEqual(await c.readOffsets(0), { metadata: { batchWatermarkMs: 0, batchTimestampMs: 1591621231223, conf: {} }, offsets: ['{"t":{"0":1}}'] });
  assert.deepEqual(await c.readOffsets(1), { metadata: null, offsets: [null] });
  assert.deepEqual(await c.latestOffsets(), { batchId: 1, offsets: { metadata: null, offsets: [null] } });
  await s.put("offsets/2", enc("v1"));
  await assert.rejects(c.readOffsets(2), (e: unknown) => e instanceof CorruptCheckpointError && e.message.includes(`${s.root}/offsets/2`));
  await s.put("offsets/3", enc('v1\n{"batchWatermarkMs":"x"}'));
  await assert.rejects(c.readOffsets(3), /malformed offsets metadata at line 2 of memory:\/\/ckpt-\d+\/offsets\/3/);
  await s.put("offsets/4", enc('v2\n{}'));
  await assert.rejects(c.readOffsets(4), /unsupported log version v2 in memory:\/\/ckpt-\d+\/offsets\/4; it was written by a newer version/);
});

test("commits/<N> is v1 + {\"nextBatchWatermarkMs\":…}", async () => {
  const s = MemoryStorage.fresh("ckpt");
  const c = await Checkpoint.open({ storage: s, prefix: "q/" });
  assert.equal(await c.latestCommit(), null);
  assert.equal(await c.writeCommit(0), true);
  assert.equal(await text(s, "q/commits/0"), 'v1\n{"nextBatchWatermarkMs":0}');
  assert.equal(await c.writeCommit(1, 1700000000000), true);
  assert.equal(await text(s, "q/commits/1"), 'v1\n{"nextBatchWatermarkMs":1700000000000}');
  assert.equal(await c.writeCommit(1, 5), false);
  assert.deepEqual(await c.latestCommit(), { batchId: 1, commit: { nextBatchWatermarkMs: 1700000000000 } });
  // Spark's reader accepts a commit file with only the version line.
  await s.put("q/commits/2", enc("v1"));
  assert.deepEqual(await c.readCommit(2), { nextBatchWatermarkMs: 0 });
});

test("source and state folders follow Spark's layout", async () => {
  const c = await Checkpoint.open({ storage: MemoryStorage.fresh("ckpt"), prefix: "cp/" });
  assert.equal(c.sourcePrefix(0), "cp/sources/0/");
  assert.equal(c.statePrefix(3), "cp/state/3/");
  assert.throws(() => c.sourcePrefix(-1));
});

test("recover: a fresh checkpoint starts at batch 0", async () => {
  const c = await Checkpoint.open({ storage: MemoryStorage.fresh("ckpt"), prefix: "" });
  assert.deepEqual(await c.recover(), { nextBatchId: 0, rerun: null, lastCommitted: null, startOffsets: null, watermarkMs: 0 });
});

test("recover: after a committed batch N, plan N+1 from N's offsets and its commit's watermark", async () => {
  const c = await Checkpoint.open({ storage: MemoryStorage.fresh("ckpt"), prefix: "" });
  await c.writeOffsets(0, { batchWatermarkMs: 0, batchTimestampMs: 10, conf }, ['{"a":1}']);
  await c.writeCommit(0, 500);
  const plan = await c.recover();
  assert.equal(plan.nextBatchId, 1);
  assert.equal(plan.rerun, null);
  assert.deepEqual(plan.startOffsets?.offsets, ['{"a":1}']);
  assert.deepEqual(plan.lastCommitted, { batchId: 0, offsets: { metadata: { batchWatermarkMs: 0, batchTimestampMs: 10, conf }, offsets: ['{"a":1}'] }, commit: { nextBatchWatermarkMs: 500 } });
  assert.equal(plan.watermarkMs, 500);
});

test("crash simulation on disk: offsets/3 without commits/3 → re-run batch 3 with the same offsets", () =>
  withDir(async (dir) => {
    const location = join(dir, "checkpoints", "bronze_to_silver");
    const first = await Checkpoint.open(location);
    for (let b = 0; b <= 3; b++) {
      await first.writeOffsets(b, { batchWatermarkMs: b * 100, batchTimestampMs: 1000 + b, conf }, [`{"booking_events":{"0":${b * 10}}}`, null]);
      if (b < 3) await first.writeCommit(b, (b + 1) * 100);
    }
    // The process dies here: batch 3 was planned (offsets written) but never committed.
    assert.deepEqual((await readdir(join(location, "offsets"))).sort(), ["0", "1", "2", "3"]);
    assert.deepEqual((await readdir(join(location, "commits"))).sort(), ["0", "1", "2"]);
    assert.equal(await readFile(join(location, "offsets", "3"), "utf8"), `v1\n{"batchWatermarkMs":300,"batchTimestampMs":1003,"conf":${JSON.stringify(conf)}}\n{"booking_events":{"0":30}}\n-`);

    const restarted = await Checkpoint.open("file://" + location);
    assert.equal(restarted.id, first.id, "the query id survives the restart");
    const plan = await restarted.recover();
    assert.equal(plan.nextBatchId, 3);
    assert.deepEqual(plan.rerun, {
      batchId: 3,
      offsets: { metadata: { batchWatermarkMs: 300, batchTimestampMs: 1003, conf }, offsets: ['{"booking_events":{"0":30}}', null] },
    });
    assert.deepEqual(plan.startOffsets?.offsets, ['{"booking_events":{"0":20}}', null], "batch 3 starts where batch 2 ended");
    assert.equal(plan.lastCommitted?.batchId, 2);
    assert.equal(plan.watermarkMs, 300, "the re-run uses the watermark recorded for batch 3");
    // Planning batch 3 again cannot replace what was recorded.
    assert.equal(await restarted.writeOffsets(3, { batchWatermarkMs: 0, batchTimestampMs: 9, conf }, ['{"booking_events":{"0":99}}', null]), false);
    assert.deepEqual((await restarted.readOffsets(3))?.offsets, ['{"booking_events":{"0":30}}', null]);
    // The re-run completes: the next restart plans batch 4.
    await restarted.writeCommit(3, 400);
    const after = await (await Checkpoint.open(location)).recover();
    assert.equal(after.nextBatchId, 4);
    assert.equal(after.rerun, null);
    assert.equal(after.watermarkMs, 400);
  }));

test("recover: batch 0 planned but not committed is re-run from the beginning", async () => {
  const c = await Checkpoint.open({ storage: MemoryStorage.fresh("ckpt"), prefix: "" });
  await c.writeOffsets(0, { batchWatermarkMs: 0, batchTimestampMs: 1, conf: {} }, ['{"x":1}']);
  const plan = await c.recover();
  assert.equal(plan.nextBatchId, 0);
  assert.deepEqual(plan.rerun?.offsets.offsets, ['{"x":1}']);
  assert.equal(plan.startOffsets, null);
  assert.equal(plan.lastCommitted, null);
});

test("recover: inconsistent folders are CorruptCheckpointErrors", async () => {
  const s = MemoryStorage.fresh("ckpt");
  const c = await Checkpoint.open({ storage: s, prefix: "" });
  await c.writeCommit(0);
  await assert.rejects(c.recover(), /has commits\/0 but no offsets/);
  await c.writeOffsets(0, { batchWatermarkMs: 0, batchTimestampMs: 1, conf: {} }, ["{}"]);
  await c.writeCommit(1);
  await assert.rejects(c.recover(), /has commits\/1 but the newest offsets are offsets\/0/);
  const t = MemoryStorage.fresh("ckpt");
  const d = await Checkpoint.open({ storage: t, prefix: "" });
  await d.writeOffsets(5, { batchWatermarkMs: 0, batchTimestampMs: 1, conf: {} }, ["{}"]);
  await assert.rejects(d.recover(), (e: unknown) => e instanceof CorruptCheckpointError && /offsets\/4 is missing; it is needed to re-run batch 5/.test(e.message));
});

test("purge keeps the last minBatchesToRetain batches of offsets and commits", async () => {
  const s = MemoryStorage.fresh("ckpt");
  const c = await Checkpoint.open({ storage: s, prefix: "" });
  for (let b = 0; b < 12; b++) {
    await c.writeOffsets(b, { batchWatermarkMs: 0, batchTimestampMs: b, conf: {} }, [`{"o":${b}}`]);
    if (b < 11) await c.writeCommit(b);
  }
  await c.purge(11, 100);
  assert.equal((await c.offsets.listBatchIds()).length, 12, "nothing to purge yet");
  await c.purge(11, 5);
  // Spark: newest planned batch 11, purge(11 - 5) deletes ids < 6.
  assert.deepEqual(await c.offsets.listBatchIds(), [6, 7, 8, 9, 10, 11]);
  assert.deepEqual(await c.commits.listBatchIds(), [6, 7, 8, 9, 10]);
  const plan = await c.recover();
  assert.equal(plan.nextBatchId, 11);
  assert.deepEqual(plan.startOffsets?.offsets, ['{"o":10}']);
  await assert.rejects(c.purge(11, 0), ConfigError);
});

test("purging after every batch deletes by name: two deletes per batch, no listing", async () => {
  const counting = new CountingStorage(MemoryStorage.fresh("ckpt"));
  const c = await Checkpoint.open({ storage: counting, prefix: "" });
  const perBatch: StorageCallCounts[] = [];
  for (let b = 0; b < 40; b++) {
    await c.writeOffsets(b, { batchWatermarkMs: 0, batchTimestampMs: b, conf: {} }, [`{"o":${b}}`]);
    counting.reset();
    await c.purge(b, 10);
    perBatch.push(counting.reset());
    await c.writeCommit(b);
  }
  // The first purge (batch 11) lists both folders; every later one deletes one file from each.
  assert.deepEqual(perBatch.slice(0, 11).map((x) => x.list + x.delete), new Array<number>(11).fill(0));
  assert.equal(perBatch[11].list, 2);
  for (const x of perBatch.slice(12)) assert.deepEqual({ list: x.list, delete: x.delete }, { list: 0, delete: 2 });
  assert.deepEqual(await c.offsets.listBatchIds(), Array.from({ length: 11 }, (_, i) => 29 + i));
  assert.deepEqual(await c.commits.listBatchIds(), Array.from({ length: 11 }, (_, i) => 29 + i));
});

test("a checkpoint folder written by Spark on disk opens and recovers", () =>
  withDir(async (dir) => {
    await mkdir(join(dir, "offsets"));
    await mkdir(join(dir, "commits"));
    await mkdir(join(dir, "sources", "0"), { recursive: true });
    await writeFile(join(dir, "metadata"), '{"id":"8f2c1c1e-5b6a-4e1e-9e51-0b7a3c2d4e5f"}');
    await writeFile(join(dir, "offsets", "0"), `v1\n{"batchWatermarkMs":0,"batchTimestampMs":1591621231223,"conf":${JSON.stringify(conf)}}\n{"booking_events":{"2":0,"1":0,"0":0}}`);
    await writeFile(join(dir, "commits", "0"), 'v1\n{"nextBatchWatermarkMs":0}');
    await writeFile(join(dir, "offsets", "1"), `v1\n{"batchWatermarkMs":0,"batchTimestampMs":1591621291223,"conf":${JSON.stringify(conf)}}\n{"booking_events":{"2":17,"1":12,"0":20}}`);
    await writeFile(join(dir, "offsets", ".1.crc"), "crc");
    const c = await Checkpoint.open(dir);
    assert.equal(c.id, "8f2c1c1e-5b6a-4e1e-9e51-0b7a3c2d4e5f");
    const plan = await c.recover();
    assert.equal(plan.nextBatchId, 1);
    assert.deepEqual(plan.rerun?.offsets.offsets, ['{"booking_events":{"2":17,"1":12,"0":20}}']);
    assert.deepEqual(plan.startOffsets?.offsets, ['{"booking_events":{"2":0,"1":0,"0":0}}']);
  }));
