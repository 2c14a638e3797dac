/**
 * `foreachBatch(fn)`: each micro-batch's output handed to user code as a batch DataFrame with its
 * batch id; an exception fails the query as a SinkError (a SluiceError passes through unchanged).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream, SinkError, ConfigError, count, col } from "../../../src/index.js";
import { query } from "../formats/parquet/duckdb.js";
import { tempPath, uniqueName } from "./support.js";

const spark = SparkSession.builder.appName("foreach-batch-test").getOrCreate();

test("fn receives a batch DataFrame of the batch's rows and the batch id; it can write with df.write", async () => {
  const ms = new MemoryStream("id STRING, n INT", uniqueName("ms"));
  const out = tempPath("out");
  const calls: { batchId: number; streaming: boolean; columns: string[]; count: number }[] = [];
  const q = spark.readStream.format("memory").option("name", ms.name).load().withColumn("n2", col("n").multiply(2))
    .writeStream.option("checkpointLocation", tempPath("ck"))
    .foreachBatch(async (df, batchId) => {
      calls.push({ batchId, streaming: df.isStreaming, columns: df.columns, count: await df.count() });
      await df.filter(col("n").gt(0)).write.mode("append").parquet(out);
    })
    .start();
  ms.addData([
    { id: "a", n: 1 },
    { id: "b", n: 0 },
  ]);
  await q.processAllAvailable();
  ms.addData([{ id: "c", n: 3 }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual(calls, [
    { batchId: 0, streaming: false, columns: ["id", "n", "n2"], count: 2 },
    { batchId: 1, streaming: false, columns: ["id", "n", "n2"], count: 1 },
  ]);
  assert.deepEqual(await query(`SELECT id, n2 FROM read_parquet('${out}/*.parquet') ORDER BY id`), [
    { id: "a", n2: 2 },
    { id: "c", n2: 6 },
  ]);
  assert.equal(q.lastProgress?.sink.description, "ForeachBatchSink");
  assert.equal(q.lastProgress?.sink.numOutputRows, 1);
});

test("fn sees an aggregation's update/complete output", async () => {
  const ms = new MemoryStream("k STRING", uniqueName("ms"));
  const seen: string[] = [];
  const q = spark.readStream.format("memory").option("name", ms.name).load().groupBy("k").agg(count("*").alias("c"))
    .writeStream.outputMode("complete").option("checkpointLocation", tempPath("ck"))
    .foreachBatch(async (df, batchId) => {
      for (const r of await df.orderBy("k").collect()) seen.push(`${batchId}:${String(r.k)}=${String(r.c)}`);
    })
    .start();
  ms.addData([{ k: "a" }, { k: "b" }]);
  await q.processAllAvailable();
  ms.addData([{ k: "a" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual(seen, ["0:a=1", "0:b=1", "1:a=2", "1:b=1"]);
});

test("a plain exception becomes a SinkError naming the batch; a SluiceError is kept as is", async () => {
  const ms = new MemoryStream("k STRING", uniqueName("ms"));
  ms.addData([{ k: "a" }]);
  const df = spark.readStream.format("memory").option("name", ms.name).load();
  const q1 = df.writeStream.option("checkpointLocation", tempPath("ck")).foreachBatch(() => {
    throw new TypeError("bad thing");
  }).start();
  await assert.rejects(q1.awaitTermination(), (e: unknown) => e instanceof SinkError && e.message === "foreachBatch: the function failed on batch 0: bad thing" && e.context.batchId === 0);
  const q2 = df.writeStream.option("checkpointLocation", tempPath("ck")).foreachBatch(() => {
    throw new ConfigError("my config problem");
  }).start();
  await assert.rejects(q2.awaitTermination(), (e: unknown) => e instanceof ConfigError && e.message === "my config problem");
  // A non-Error thrown value is described too.
  const q3 = df.writeStream.option("checkpointLocation", tempPath("ck")).foreachBatch(async () => {
    await Promise.reject("just a string");
  }).start();
  await assert.rejects(q3.awaitTermination(), /failed on batch 0: just a string/);
});
