/**
 * The memory sink: a query's output as a table for `spark.table(queryName)`. Append and update add
 * rows, complete replaces them; a batch id already applied is skipped; the same query restarted
 * (same checkpoint id) keeps its rows, while a different query with the same name starts empty.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream, count, col } from "../../../../src/index.js";
import { memorySinkConnector, memorySinkTable } from "../../../../src/connectors/memory/memory-sink.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { tempPath, uniqueName } from "../../api/support.js";

const spark = SparkSession.builder.appName("memory-sink-test").getOrCreate();

test("append mode accumulates rows across batches", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const name = uniqueName("append");
  const q = spark.readStream.format("memory").option("name", ms.name).load().writeStream.format("memory").queryName(name).start();
  ms.addData([{ id: "a" }]);
  await q.processAllAvailable();
  ms.addData([{ id: "b" }, { id: "c" }]);
  await q.processAllAvailable();
  await q.stop();
  const table = spark.table(name);
  assert.equal(table.isStreaming, false);
  assert.deepEqual(table.columns, ["id"]);
  assert.deepEqual((await table.collect()).map((r) => r.id), ["a", "b", "c"]);
  // The table is a batch DataFrame: it can be queried further.
  assert.equal(await table.filter(col("id").ne("a")).count(), 2);
});

test("complete mode replaces the table with each batch's full result", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const name = uniqueName("complete");
  const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("id").agg(count("*").alias("n"))
    .writeStream.format("memory").queryName(name).outputMode("complete").start();
  ms.addData([{ id: "a" }, { id: "b" }]);
  await q.processAllAvailable();
  assert.equal(await spark.table(name).count(), 2);
  ms.addData([{ id: "a" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual(await spark.table(name).orderBy("id").collect(), [
    { id: "a", n: 2n },
    { id: "b", n: 1n },
  ]);
});

test("a new query with the same name starts an empty table; a restart of the same query keeps its rows", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const name = uniqueName("reuse");
  const ck = tempPath("ck");
  const df = spark.readStream.format("memory").option("name", ms.name).load();
  ms.addData([{ id: "a" }]);
  let q = df.writeStream.format("memory").queryName(name).option("checkpointLocation", ck).start();
  await q.processAllAvailable();
  await q.stop();
  ms.addData([{ id: "b" }]);
  q = df.writeStream.format("memory").queryName(name).option("checkpointLocation", ck).start();
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.id), ["a", "b"]);
  // A fresh query (new checkpoint, new id) with the same name reads everything again from the start.
  q = df.writeStream.format("memory").queryName(name).start();
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.id), ["a", "b"]);
  assert.deepEqual(q.recentProgress.map((p) => p.sink.numOutputRows), [2]);
});

test("a batch id already applied is skipped (a re-run after a failure adds nothing twice)", async () => {
  const schema = toSchema("x INT");
  const name = uniqueName("skip");
  const ctx = { options: {}, schema, outputMode: "append" as const, partitionBy: [], queryName: name, queryId: "q-1" };
  const sink = memorySinkConnector.create(ctx);
  async function* data(...xs: number[]) {
    yield batchFromRows(schema, xs.map((x) => ({ x })));
  }
  assert.deepEqual(await sink.addBatch({ batchId: 0, schema, outputMode: "append", data: data(1, 2) }), { numOutputRows: 2 });
  assert.deepEqual(await sink.addBatch({ batchId: 0, schema, outputMode: "append", data: data(1, 2) }), { numOutputRows: 0 });
  assert.deepEqual(await sink.addBatch({ batchId: 1, schema, outputMode: "append", data: data(3) }), { numOutputRows: 1 });
  assert.equal(memorySinkTable(name)?.lastBatchId, 1);
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.x), [1, 2, 3]);
  // The same query id restarting keeps the table; another id resets it.
  const again = memorySinkConnector.create(ctx);
  assert.deepEqual(await again.addBatch({ batchId: 1, schema, outputMode: "append", data: data(3) }), { numOutputRows: 0 });
  assert.equal(await spark.table(name).count(), 3);
  memorySinkConnector.create({ ...ctx, queryId: "q-2" });
  assert.equal(await spark.table(name).count(), 0);
});

test("memory sink table names are case-insensitive and unknown names fail with a suggestion", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const name = uniqueName("CaseName");
  ms.addData([{ id: "a" }]);
  const q = spark.readStream.format("memory").option("name", ms.name).load().writeStream.format("memory").queryName(name).trigger({ once: true }).start();
  await q.awaitTermination();
  assert.equal(await spark.table(name.toLowerCase()).count(), 1);
  assert.throws(() => spark.table(`${name}x`), /table or view not found/);
});
