/**
 * The Delta sink in update mode: each micro-batch's changed aggregation rows are merged into the
 * table by the grouping columns (one MERGE commit with the txn), so the table always equals the
 * full aggregation; files without a changed row are left alone; a re-run batch is skipped; a query
 * without aggregation appends; an aggregation without its grouping columns in the output is refused.
 * Tables are read back by log replay and by DuckDB (readBack).
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, MemoryStream, SparkSession, sum, col } from "../../../../src/index.js";
import { readBack } from "../../tables/delta/written-table.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-update-"));
after(() => rmSync(base, { recursive: true, force: true }));

function commitLines(table: string, version: number): Record<string, Record<string, unknown>>[] {
  const text = readFileSync(join(table, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8");
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

const rows = (m: Record<string, number>) => Object.entries(m).map(([k, n]) => JSON.stringify([k, String(n)])).sort();

test("update mode: changed groups are merged by key, the table equals the full aggregation after every batch", async () => {
  const table = join(base, "totals");
  const ms = new MemoryStream("user STRING, amount BIGINT", `delta_update_${Date.now()}`);
  const q = spark.readStream.format("memory").option("name", ms.name).load()
    .groupBy("user").agg(sum("amount").alias("total"))
    .writeStream.format("delta").outputMode("update").option("checkpointLocation", join(base, "ck-totals")).start(table);
  ms.addData([{ user: "a", amount: 1n }, { user: "b", amount: 2n }]);
  await q.processAllAvailable();
  ms.addData([{ user: "c", amount: 5n }]);
  await q.processAllAvailable();
  let back = await readBack(table);
  assert.deepEqual(back.rows, rows({ a: 1, b: 2, c: 5 }));
  const untouched = back.snapshot.files.map((f) => f.rawPath);

  // Only group "a" changes, plus a new group "d": the file holding "c" (batch 1's) has no changed
  // row and must survive; the file holding a and b is rewritten.
  ms.addData([{ user: "a", amount: 10n }, { user: "d", amount: 4n }]);
  await q.processAllAvailable();
  back = await readBack(table);
  assert.deepEqual(back.rows, rows({ a: 11, b: 2, c: 5, d: 4 }));
  const v = back.snapshot.version;
  const lines = commitLines(table, v);
  assert.equal(lines[0].commitInfo.operation, "STREAMING UPDATE");
  assert.deepEqual(lines[0].commitInfo.operationParameters, { outputMode: "Update", queryId: q.id, epochId: "2" });
  assert.equal(lines.find((l) => l.txn !== undefined)?.txn.version, 2);
  const removed = lines.filter((l) => l.remove !== undefined).map((l) => String(l.remove.path));
  assert.equal(removed.length, 1, "only the file with the changed group is rewritten");
  const kept = untouched.filter((p) => !removed.includes(p));
  assert.equal(kept.length, 1);
  assert.ok(back.snapshot.files.some((f) => f.rawPath === kept[0]), "the file of the unchanged group is still live");
  assert.equal(q.lastProgress?.sink.metrics.version, String(v));
  await q.stop();
  assert.equal(q.exception, null);
});

test("update mode: a batch re-run after a crash before commits/N is skipped by the txn", async () => {
  const table = join(base, "restart");
  const ck = join(base, "ck-restart");
  const ms = new MemoryStream("user STRING, amount BIGINT", `delta_update_restart_${Date.now()}`);
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load()
      .groupBy("user").agg(sum("amount").alias("total"))
      .writeStream.format("delta").outputMode("update").option("checkpointLocation", ck).trigger({ availableNow: true }).start(table);
  ms.addData([{ user: "x", amount: 1n }]);
  let q = start();
  await q.awaitTermination();
  ms.addData([{ user: "x", amount: 2n }, { user: "y", amount: 3n }]);
  q = start();
  await q.awaitTermination();
  const before = await readBack(table);
  assert.deepEqual(before.rows, rows({ x: 3, y: 3 }));
  // Simulate a crash after the Delta commit of batch 1 but before the checkpoint's commits/1.
  rmSync(join(ck, "commits", "1"));
  q = start();
  await q.awaitTermination();
  const after1 = await readBack(table);
  assert.equal(after1.snapshot.version, before.snapshot.version, "the re-run batch adds no commit");
  assert.deepEqual(after1.rows, rows({ x: 3, y: 3 }));
});

test("update mode without aggregation appends; without the grouping columns it is refused at start()", async () => {
  const ms = new MemoryStream("user STRING, amount BIGINT", `delta_update_plain_${Date.now()}`);
  const df = spark.readStream.format("memory").option("name", ms.name).load();
  const table = join(base, "plain");
  const q = df.filter(col("amount").gt(0)).writeStream.format("delta").outputMode("update").option("checkpointLocation", join(base, "ck-plain")).start(table);
  ms.addData([{ user: "a", amount: 1n }, { user: "a", amount: 1n }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await readBack(table)).rows, [JSON.stringify(["a", "1"]), JSON.stringify(["a", "1"])]);

  assert.throws(
    () =>
      df.groupBy("user").agg(sum("amount").alias("total")).select("total")
        .writeStream.format("delta").outputMode("update").option("checkpointLocation", join(base, "ck-nokey")).start(join(base, "nokey")),
    (e: unknown) => e instanceof ConfigError && /update output mode merges rows by the aggregation's grouping columns/.test(e.message),
  );
});
