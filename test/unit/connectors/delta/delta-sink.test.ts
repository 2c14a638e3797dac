import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, MemoryStream } from "../../../../src/index.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { resolveLocation } from "../../../../src/storage/resolve.js";
import { readBack } from "../../tables/delta/written-table.js";

const spark = SparkSession.builder.getOrCreate();

async function tableRows(path: string): Promise<string[]> {
  const { storage, key } = resolveLocation(path);
  const t = await readDeltaTable(storage, key);
  return t.batches.flatMap(batchToRows).map((r) => String(r.id)).sort();
}

test("a stream appends to Delta exactly once: files and txn in one commit, a re-run batch is skipped", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-delta-sink-"));
  const ms = new MemoryStream("id STRING, n INT", `delta_sink_${Date.now()}`);
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load().dropDuplicates(["id"])
      .writeStream.format("delta").option("checkpointLocation", join(base, "ck")).trigger({ availableNow: true })
      .start(join(base, "silver"));
  ms.addData([{ id: "a", n: 1 }, { id: "b", n: 2 }, { id: "a", n: 3 }]);
  let q = start();
  await q.awaitTermination();
  assert.deepEqual(await tableRows(join(base, "silver")), ["a", "b"]);
  const { storage, key } = resolveLocation(join(base, "silver"));
  const snap = await loadSnapshot(storage, key);
  assert.equal(snap.version, 0);
  assert.deepEqual(snap.protocol.minReaderVersion, 1);
  assert.equal(snap.txns.get(q.id)?.version, 0, "txn {appId: query id, version: batch id} is in the commit");
  const commit = readFileSync(join(base, "silver", "_delta_log", "00000000000000000000.json"), "utf8");
  assert.match(commit, /"operation":"STREAMING UPDATE"/);

  // A crash after the Delta commit but before commits/0: the re-run must not append again.
  rmSync(join(base, "ck", "commits", "0"));
  q = start();
  await q.awaitTermination();
  assert.deepEqual(await tableRows(join(base, "silver")), ["a", "b"]);
  assert.equal((await loadSnapshot(storage, key)).version, 0, "no new commit for the skipped batch");

  // The dedup state of the re-run batch was committed: "a" stays a duplicate.
  ms.addData([{ id: "a", n: 4 }, { id: "c", n: 5 }]);
  q = start();
  await q.awaitTermination();
  assert.deepEqual(await tableRows(join(base, "silver")), ["a", "b", "c"]);
  assert.equal(q.exception, null);
});

test("the Delta sink writes a Parquet checkpoint at version 10 and the table still reads", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-delta-ckpt-"));
  const ms = new MemoryStream("id STRING", `delta_ckpt_${Date.now()}`);
  const q = spark.readStream.format("memory").option("name", ms.name).load()
    .writeStream.format("delta").option("checkpointLocation", join(base, "ck")).start(join(base, "t"));
  for (let i = 0; i < 11; i++) {
    ms.addData([{ id: `k${i}` }]);
    await q.processAllAvailable();
  }
  await q.stop();
  assert.ok(existsSync(join(base, "t", "_delta_log", "00000000000000000010.checkpoint.parquet")));
  assert.equal(JSON.parse(readFileSync(join(base, "t", "_delta_log", "_last_checkpoint"), "utf8")).version, 10);
  assert.equal((await tableRows(join(base, "t"))).length, 11);
});

test("with worker threads the Delta sink encodes big files in its writer thread: same files' stats and rows as without", async () => {
  const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: `k${i}`, n: i % 3 === 0 ? null : i }));
  const run = async (workers: number) => {
    spark.conf.set("sluice.exec.workers", workers);
    const base = mkdtempSync(join(tmpdir(), "sluice-delta-sink-thread-"));
    const ms = new MemoryStream("id STRING, n INT", `delta_sink_thread_${workers}_${Date.now()}`);
    ms.addData(rows);
    const q = spark.readStream.format("memory").option("name", ms.name).load()
      .writeStream.format("delta").option("compression", "zstd").option("maxRecordsPerFile", 25_000)
      .option("checkpointLocation", join(base, "ck")).trigger({ availableNow: true }).start(join(base, "t"));
    await q.awaitTermination();
    const { storage, key } = resolveLocation(join(base, "t"));
    const snap = await loadSnapshot(storage, key);
    const stats = [...snap.files.values()].map((f) => f.stats ?? "").sort();
    const table = await readDeltaTable(storage, key);
    const ids = table.batches.flatMap(batchToRows).map((r) => `${String(r.id)}:${String(r.n)}`).sort();
    return { stats, ids };
  };
  try {
    const here = await run(0);
    const threaded = await run(2);
    assert.equal(threaded.ids.length, 40_000);
    assert.equal(threaded.stats.length, 2);
    assert.deepEqual(threaded, here);
  } finally {
    spark.conf.unset("sluice.exec.workers");
  }
});

test("after each checkpoint the Delta sink deletes expired log files; the table reads back both ways", async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-delta-cleanup-"));
  const ms = new MemoryStream("id STRING", `delta_cleanup_${Date.now()}`);
  spark.conf.set("sluice.delta.logCleanup.cutoffTruncation", "none");
  try {
    const q = spark.readStream.format("memory").option("name", ms.name).load()
      .writeStream.format("delta").option("checkpointLocation", join(base, "ck"))
      .option("delta.logRetentionDuration", "interval 0 seconds").option("delta.checkpointRetentionDuration", "interval 0 seconds")
      .start(join(base, "t"));
    for (let i = 0; i < 35; i++) {
      ms.addData([{ id: `k${i}` }]);
      await q.processAllAvailable();
    }
    await q.stop();
    assert.equal(q.exception, null);
    assert.equal(q.lastProgress?.sink.metrics.checkpointError, undefined);
  } finally {
    spark.conf.unset("sluice.delta.logCleanup.cutoffTruncation");
  }
  // After the checkpoint at 30 everything before it went (before 20 at least, should the last
  // span have been written within the millisecond of the cleanup); commits 31..34 followed.
  const log = readdirSync(join(base, "t", "_delta_log")).filter((n) => /^\d{20}\./.test(n)).sort();
  const oldest = Number(log[0].slice(0, 20));
  assert.ok((oldest === 30 || oldest === 20) && log[0].endsWith(".checkpoint.parquet"), `log: ${log.join(", ")}`);
  const commits = log.filter((n) => n.endsWith(".json")).map((n) => Number(n.slice(0, 20)));
  assert.deepEqual(commits, Array.from({ length: 35 - oldest }, (_, k) => oldest + k));
  const { rows } = await readBack(join(base, "t"));
  assert.equal(rows.length, 35);
});
