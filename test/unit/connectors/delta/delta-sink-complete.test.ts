/**
 * The Delta sink in complete mode: each micro-batch's full aggregation result replaces the table in
 * one commit (removes + adds + txn), a batch re-run after a crash between the Delta commit and the
 * streaming checkpoint's commit is skipped, and the checkpoint written at version 10 carries the
 * tombstones of the replaced files. Tables are read back by log replay and by DuckDB.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStream, SparkSession } from "../../../../src/index.js";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { query } from "../../formats/parquet/duckdb.js";
import { readBack } from "../../tables/delta/written-table.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-complete-"));
after(() => rmSync(base, { recursive: true, force: true }));

function commitLines(table: string, version: number): Record<string, Record<string, unknown>>[] {
  const text = readFileSync(join(table, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8");
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

const counts = (m: Record<string, number>) => Object.entries(m).map(([w, n]) => JSON.stringify([w, String(n)])).sort();

test("complete mode: every batch replaces the table with the aggregation result in one commit", async () => {
  const table = join(base, "counts");
  const ms = new MemoryStream("word STRING", `delta_complete_${Date.now()}`);
  const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("word").count()
    .writeStream.format("delta").outputMode("complete").option("checkpointLocation", join(base, "ck-counts")).start(table);
  ms.addData([{ word: "a" }, { word: "b" }, { word: "a" }]);
  await q.processAllAvailable();
  let back = await readBack(table);
  assert.equal(back.snapshot.version, 0, "the first batch creates the table");
  assert.deepEqual(back.rows, counts({ a: 2, b: 1 }));
  const firstFiles = back.snapshot.files.map((f) => f.rawPath);

  ms.addData([{ word: "b" }, { word: "c" }]);
  await q.processAllAvailable();
  back = await readBack(table);
  assert.equal(back.snapshot.version, 1);
  assert.deepEqual(back.rows, counts({ a: 2, b: 2, c: 1 }));
  const lines = commitLines(table, 1);
  const info = lines[0].commitInfo;
  assert.equal(info.operation, "STREAMING UPDATE");
  assert.deepEqual(info.operationParameters, { outputMode: "Complete", queryId: q.id, epochId: "1" });
  assert.equal(info.isBlindAppend, false);
  const removed = lines.filter((l) => l.remove !== undefined).map((l) => l.remove);
  assert.deepEqual(removed.map((r) => r.path).sort(), firstFiles.sort(), "every previously live file is removed");
  for (const r of removed) {
    assert.equal(r.dataChange, true);
    assert.equal(r.extendedFileMetadata, true);
    assert.equal(typeof r.deletionTimestamp, "number");
    assert.equal(typeof r.size, "number");
  }
  assert.deepEqual(lines.find((l) => l.txn !== undefined)?.txn.version, 1);
  assert.deepEqual(back.snapshot.tombstones.map((t) => t.rawPath).sort(), firstFiles.sort());

  ms.addData([{ word: "a" }]);
  await q.processAllAvailable();
  await q.stop();
  back = await readBack(table);
  assert.deepEqual(back.rows, counts({ a: 3, b: 2, c: 1 }));
  assert.equal(back.snapshot.txns.get(q.id)?.version, 2);
  assert.equal(q.exception, null);
});

test("complete mode: a batch re-run after a crash between the Delta commit and commits/N is skipped", async () => {
  const table = join(base, "restart");
  const ck = join(base, "ck-restart");
  const ms = new MemoryStream("word STRING", `delta_complete_restart_${Date.now()}`);
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load().groupBy("word").count()
      .writeStream.format("delta").outputMode("complete").option("checkpointLocation", ck).trigger({ availableNow: true }).start(table);
  ms.addData([{ word: "x" }, { word: "y" }]);
  let q = start();
  await q.awaitTermination();
  ms.addData([{ word: "x" }]);
  q = start();
  await q.awaitTermination();
  assert.deepEqual((await readBack(table)).rows, counts({ x: 2, y: 1 }));
  assert.equal((await loadSnapshot(localFileSystem(), table.slice(1))).version, 1);

  rmSync(join(ck, "commits", "1"));
  q = start();
  await q.awaitTermination();
  assert.equal(q.exception, null);
  const back = await readBack(table);
  assert.equal(back.snapshot.version, 1, "the re-run batch 1 made no commit");
  assert.deepEqual(back.rows, counts({ x: 2, y: 1 }));
  assert.ok(existsSync(join(ck, "commits", "1")), "the re-run batch was committed to the streaming checkpoint");

  ms.addData([{ word: "y" }, { word: "z" }]);
  q = start();
  await q.awaitTermination();
  const next = await readBack(table);
  assert.equal(next.snapshot.version, 2);
  assert.deepEqual(next.rows, counts({ x: 2, y: 2, z: 1 }));
});

test("complete mode: the checkpoint at version 10 carries the tombstones and re-reads the same table", async () => {
  const table = join(base, "ckpt");
  const ms = new MemoryStream("word STRING", `delta_complete_ckpt_${Date.now()}`);
  const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("word").count()
    .writeStream.format("delta").outputMode("complete").partitionBy("word").option("checkpointLocation", join(base, "ck-ckpt")).start(table);
  const expected: Record<string, number> = {};
  for (let i = 0; i < 11; i++) {
    const word = `w${i % 3}`;
    expected[word] = (expected[word] ?? 0) + 1;
    ms.addData([{ word }]);
    await q.processAllAvailable();
  }
  await q.stop();
  const log = join(table, "_delta_log");
  const cp = join(log, "00000000000000000010.checkpoint.parquet");
  assert.ok(existsSync(cp));
  assert.equal(JSON.parse(readFileSync(join(log, "_last_checkpoint"), "utf8")).version, 10);
  const before = await readBack(table);
  assert.deepEqual(before.rows, counts(expected));
  assert.equal(before.snapshot.files.length, 3, "one file per partition (word)");
  // Every file ever replaced: 1 + 2 + 3 * 8 live files over versions 0..9.
  assert.equal(before.snapshot.tombstones.length, 1 + 2 + 3 * 8);
  const removes = await query(`SELECT remove.path AS p, remove.partitionValues['word'] AS w FROM read_parquet('${cp}') WHERE remove IS NOT NULL`);
  assert.deepEqual(removes.map((r) => r.p).sort(), before.snapshot.tombstones.map((t) => t.rawPath).sort(), "all tombstones are recent, so all are carried");
  assert.ok(removes.every((r) => typeof r.w === "string" && String(r.p).startsWith(`word=${String(r.w)}/`)));

  for (const f of readdirSync(log)) if (/^\d{20}\.json$/.test(f)) rmSync(join(log, f));
  const fromCheckpoint = await readBack(table);
  assert.equal(fromCheckpoint.snapshot.version, 10);
  assert.deepEqual(fromCheckpoint.rows, before.rows);
  assert.deepEqual(fromCheckpoint.snapshot.tombstones.map((t) => t.rawPath), before.snapshot.tombstones.map((t) => t.rawPath));
  assert.deepEqual(fromCheckpoint.snapshot.txns.get(q.id)?.version, 10);
});
