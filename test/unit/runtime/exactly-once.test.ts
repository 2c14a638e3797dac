/**
 * The exactly-once protocol (DESIGN §5) seen from the outside: a failure in batch N leaves
 * `offsets/N` without `commits/N`; a restart re-runs N with identical input and the state as of
 * N-1; sinks skip batches they already committed; operator state survives restarts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, MemoryStream, count, sum, col } from "../../../src/index.js";
import type { Row } from "../../../src/index.js";
import { query } from "../formats/parquet/duckdb.js";
import { tempPath, uniqueName } from "../api/support.js";

const spark = SparkSession.builder.appName("exactly-once-test").getOrCreate();

const logFiles = (ck: string, log: "offsets" | "commits") =>
  existsSync(join(ck, log)) ? readdirSync(join(ck, log)).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b) : [];

test("a foreachBatch failure in batch N leaves offsets/N without commits/N; the restart re-runs N with the same rows and dedup state", async () => {
  const ms = new MemoryStream("id STRING, n INT", uniqueName("ms"));
  const ck = tempPath("ck");
  const seen: { batchId: number; rows: Row[] }[] = [];
  let failOn = -1;
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load().dropDuplicates(["id"])
      .writeStream.option("checkpointLocation", ck)
      .foreachBatch(async (df, batchId) => {
        const rows = await df.collect();
        if (batchId === failOn) {
          failOn = -1;
          throw new Error(`injected failure in batch ${batchId}`);
        }
        seen.push({ batchId, rows });
      })
      .start();

  let q = start();
  ms.addData([
    { id: "a", n: 1 },
    { id: "b", n: 1 },
  ]);
  await q.processAllAvailable();
  failOn = 1;
  ms.addData([
    { id: "a", n: 2 }, // a duplicate of batch 0's key
    { id: "c", n: 2 },
    { id: "c", n: 3 }, // a duplicate within the batch
  ]);
  await assert.rejects(q.awaitTermination(), /injected failure in batch 1/);
  assert.deepEqual(logFiles(ck, "offsets"), [0, 1]);
  assert.deepEqual(logFiles(ck, "commits"), [0]);
  const offsets1 = readFileSync(join(ck, "offsets", "1"), "utf8");

  // More data arrives while the query is down; the re-run of batch 1 must not include it.
  ms.addData([{ id: "d", n: 4 }]);
  q = start();
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  assert.equal(readFileSync(join(ck, "offsets", "1"), "utf8"), offsets1, "offsets/1 is reused, not rewritten");
  assert.deepEqual(logFiles(ck, "commits"), [0, 1, 2]);
  assert.deepEqual(
    seen.map((s) => [s.batchId, s.rows.map((r) => `${String(r.id)}${String(r.n)}`)]),
    [
      [0, ["a1", "b1"]],
      [1, ["c2"]],
      [2, ["d4"]],
    ],
  );
  // The first run of the restarted query re-ran batch 1 before planning batch 2.
  assert.deepEqual(q.recentProgress.map((p) => [p.batchId, p.numInputRows]), [
    [1, 3],
    [2, 1],
  ]);
});

test("a file sink failure in batch N leaves offsets/N without commits/N; after the cause is removed the restart writes N exactly once", async () => {
  const ms = new MemoryStream("k STRING, v INT", uniqueName("ms"));
  const ck = tempPath("ck");
  const out = tempPath("out");
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load()
      .writeStream.format("parquet").partitionBy("k").option("checkpointLocation", ck).start(out);
  let q = start();
  ms.addData([{ k: "a", v: 1 }]);
  await q.processAllAvailable();
  // A regular file where batch 1's partition folder must go makes the write fail.
  writeFileSync(join(out, "k=b"), "in the way");
  ms.addData([
    { k: "a", v: 2 },
    { k: "b", v: 3 },
  ]);
  await assert.rejects(q.awaitTermination(), /k=b/);
  assert.deepEqual(logFiles(ck, "offsets"), [0, 1]);
  assert.deepEqual(logFiles(ck, "commits"), [0]);
  assert.deepEqual(readdirSync(join(out, "_spark_metadata")).filter((f) => !f.startsWith(".")), ["0"]);

  rmSync(join(out, "k=b"));
  q = start();
  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  assert.deepEqual(logFiles(ck, "commits"), [0, 1]);
  // Read exactly the files the sink's log lists (what a log-honouring reader sees).
  const listed = ["0", "1"].flatMap((n) =>
    readFileSync(join(out, "_spark_metadata", n), "utf8").split("\n").slice(1).filter((l) => l !== "").map((l) => String(JSON.parse(l).path).replace(/^file:\/\//, "")),
  );
  const rows = await query(`SELECT k, v FROM read_parquet([${listed.map((p) => `'${p}'`).join(", ")}], hive_partitioning = true) ORDER BY v`);
  assert.deepEqual(rows, [
    { k: "a", v: 1 },
    { k: "a", v: 2 },
    { k: "b", v: 3 },
  ]);
});

test("the parquet sink skips a batch already in _spark_metadata; stateful operators still see its input", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const ck = tempPath("ck");
  const out = tempPath("out");
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load().dropDuplicates(["id"])
      .writeStream.format("parquet").option("checkpointLocation", ck).trigger({ availableNow: true }).start(out);
  ms.addData([{ id: "a" }, { id: "b" }, { id: "a" }]);
  let q = start();
  await q.awaitTermination();
  const files = () => readdirSync(out).filter((f) => f.endsWith(".parquet")).sort();
  const before = files();
  assert.equal(before.length, 1);
  // Simulate a crash after the sink committed batch 0 but before commits/0 was written.
  rmSync(join(ck, "commits", "0"));
  q = start();
  await q.awaitTermination();
  assert.deepEqual(q.recentProgress.map((p) => [p.batchId, p.numInputRows, p.sink.numOutputRows]), [[0, 3, 0]]);
  assert.deepEqual(files(), before, "no new data file for the skipped batch");
  assert.deepEqual(readdirSync(join(out, "_spark_metadata")).filter((f) => !f.startsWith(".")), ["0"]);
  assert.deepEqual(logFiles(ck, "commits"), [0]);
  // The dedup state of batch 0 was committed by the re-run: "a" and "b" stay duplicates.
  ms.addData([{ id: "a" }, { id: "c" }, { id: "b" }]);
  q = start();
  await q.awaitTermination();
  assert.deepEqual(q.recentProgress.map((p) => [p.batchId, p.numInputRows, p.sink.numOutputRows]), [[1, 3, 1]]);
  assert.deepEqual(await query(`SELECT id FROM read_parquet('${out}/*.parquet') ORDER BY id`), [{ id: "a" }, { id: "b" }, { id: "c" }]);
});

test("dropDuplicates state survives restarts: a key seen before the restart stays a duplicate", async () => {
  const ms = new MemoryStream("id STRING, n INT", uniqueName("ms"));
  const ck = tempPath("ck");
  const name = uniqueName("dedup");
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load().dropDuplicates(["id"])
      .writeStream.format("memory").queryName(name).option("checkpointLocation", ck).start();
  let q = start();
  ms.addData([
    { id: "a", n: 1 },
    { id: "b", n: 1 },
  ]);
  await q.processAllAvailable();
  await q.stop();
  ms.addData([
    { id: "b", n: 2 },
    { id: "c", n: 2 },
  ]);
  q = start();
  await q.processAllAvailable();
  ms.addData([
    { id: "a", n: 3 },
    { id: "d", n: 3 },
  ]);
  await q.processAllAvailable();
  await q.stop();
  // The memory sink keeps the rows of the same query (same checkpoint id) across restarts.
  assert.deepEqual((await spark.table(name).collect()).map((r) => `${String(r.id)}${String(r.n)}`), ["a1", "b1", "c2", "d3"]);
});

test("groupBy state survives restarts in update and complete modes", async () => {
  const ms = new MemoryStream("k STRING, v BIGINT", uniqueName("ms"));
  const agg = spark.readStream.format("memory").option("name", ms.name).load().groupBy("k").agg(sum("v").alias("total"), count("*").alias("n"));
  const ckU = tempPath("ckU");
  const ckC = tempPath("ckC");
  const upd = uniqueName("upd");
  const cmp = uniqueName("cmp");
  const startU = () => agg.writeStream.format("memory").queryName(upd).outputMode("update").option("checkpointLocation", ckU).start();
  const startC = () => agg.writeStream.format("memory").queryName(cmp).outputMode("complete").option("checkpointLocation", ckC).start();
  ms.addData([
    { k: "a", v: 1n },
    { k: "b", v: 2n },
  ]);
  for (const s of [startU, startC]) {
    const q = s();
    await q.processAllAvailable();
    await q.stop();
  }
  ms.addData([
    { k: "a", v: 10n },
    { k: "c", v: 5n },
  ]);
  for (const s of [startU, startC]) {
    const q = s();
    await q.processAllAvailable();
    await q.stop();
    assert.equal(q.exception, null);
  }
  // Update mode: each batch emits only the groups it changed, with totals over all batches.
  assert.deepEqual(await spark.table(upd).collect(), [
    { k: "a", total: 1n, n: 1n },
    { k: "b", total: 2n, n: 1n },
    { k: "a", total: 11n, n: 2n },
    { k: "c", total: 5n, n: 1n },
  ]);
  // Complete mode: the whole result table, replaced each batch.
  assert.deepEqual(await spark.table(cmp).orderBy("k").collect(), [
    { k: "a", total: 11n, n: 2n },
    { k: "b", total: 2n, n: 1n },
    { k: "c", total: 5n, n: 1n },
  ]);
});

test("a file source replays the same files for a re-run batch and never admits a file twice", async () => {
  const dir = tempPath("landing");
  mkdirSync(dir);
  writeFileSync(join(dir, "f0.json"), '{"id":"e0"}\n');
  writeFileSync(join(dir, "f1.json"), '{"id":"e1"}\n');
  const ck = tempPath("ck");
  const got: string[][] = [];
  let fail = true;
  const start = () =>
    spark.readStream.format("json").schema("id STRING").load(dir).filter(col("id").isNotNull())
      .writeStream.option("checkpointLocation", ck).trigger({ availableNow: true })
      .foreachBatch(async (df, batchId) => {
        const ids = (await df.collect()).map((r) => String(r.id)).sort();
        if (fail) {
          fail = false;
          throw new Error(`fail ${batchId}`);
        }
        got.push([String(batchId), ...ids]);
      })
      .start();
  await assert.rejects(start().awaitTermination(), /fail 0/);
  writeFileSync(join(dir, "f2.json"), '{"id":"e2"}\n');
  const q = start();
  await q.awaitTermination();
  assert.deepEqual(got, [
    ["0", "e0", "e1"],
    ["1", "e2"],
  ]);
});
