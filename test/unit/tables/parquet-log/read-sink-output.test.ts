/**
 * Reading a streaming file sink's output folder through the public API: the files are exactly the
 * live entries of `_spark_metadata`, so orphans left by failed batches are never read, by batch
 * reads (`spark.read.parquet`) and streaming reads alike, for parquet, json and text.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, MemoryStream } from "../../../../src/index.js";
import type { Row } from "../../../../src/index.js";
import { writeParquet } from "../../../../src/formats/parquet/parquet-writer.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { toDDL } from "../../../../src/types/print-schema.js";
import { tempPath, uniqueName } from "../../api/support.js";

const spark = SparkSession.builder.appName("read-sink-output-test").getOrCreate();

const byId = (rows: Row[]) => rows.map((r) => `${String(r.id)}:${String(r.n)}`).sort();

/** Writes `rows` blocks through a `format` file sink into `out`, one micro-batch per block. */
async function sinkRows(format: "parquet" | "json", out: string, blocks: Record<string, unknown>[][]): Promise<void> {
  const ms = new MemoryStream("id STRING, n BIGINT", uniqueName("ms"));
  const q = spark.readStream
    .format("memory")
    .option("name", ms.name)
    .load()
    .writeStream.format(format)
    .option("path", out)
    .option("checkpointLocation", tempPath("ck"))
    .start();
  for (const b of blocks) {
    ms.addData(b);
    await q.processAllAvailable();
  }
  await q.stop();
  assert.equal(q.exception, null);
}

async function orphanParquet(path: string, ddl: string, rows: Record<string, unknown>[]): Promise<void> {
  const schema = toSchema(ddl);
  writeFileSync(path, await writeParquet(schema, [batchFromRows(schema, rows)]));
}

test("spark.read.parquet of a sink folder returns exactly the sink's rows; orphans are never read", async () => {
  const out = tempPath("silver");
  await sinkRows("parquet", out, [
    [
      { id: "a", n: 1n },
      { id: "b", n: 2n },
    ],
    [{ id: "c", n: 3n }],
  ]);
  // Orphans of failed batches: one sorting before every sink file, with another schema (so a
  // listing-based inference would pick it), and one with the sink's schema.
  await orphanParquet(join(out, "a-orphan.parquet"), "zzz INT", [{ zzz: 7 }]);
  await orphanParquet(join(out, "part-00000-orphan.c000.snappy.parquet"), "id STRING, n BIGINT", [{ id: "orphan", n: 99n }]);

  const df = spark.read.parquet(out);
  assert.equal(toDDL(df.schema), "id STRING,n BIGINT");
  assert.deepEqual(byId(await df.collect()), ["a:1", "b:2", "c:3"]);
  // With a user schema too.
  assert.deepEqual(byId(await spark.read.schema("n BIGINT, id STRING").parquet(out).collect()), ["a:1", "b:2", "c:3"]);
});

test("a streaming parquet read of a sink folder follows its log as it grows", async () => {
  const out = tempPath("silver");
  const input = new MemoryStream("id STRING, n BIGINT", uniqueName("ms"));
  const sink = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .writeStream.format("parquet")
    .option("path", out)
    .option("checkpointLocation", tempPath("ck"))
    .start();
  input.addData([{ id: "a", n: 1n }]);
  await sink.processAllAvailable();
  await orphanParquet(join(out, "part-00000-orphan-1.c000.snappy.parquet"), "id STRING, n BIGINT", [{ id: "orphan1", n: 98n }]);

  const seen: Row[] = [];
  const q = spark.readStream
    .format("parquet")
    .load(out)
    .writeStream.option("checkpointLocation", tempPath("ck"))
    .foreachBatch(async (df) => {
      seen.push(...(await df.collect()));
    })
    .start();
  await q.processAllAvailable();
  assert.deepEqual(byId(seen), ["a:1"]);

  // The sink writes on, and another orphan lands (in a sub-folder a listing would descend into).
  input.addData([{ id: "b", n: 2n }]);
  await sink.processAllAvailable();
  await sink.stop();
  mkdirSync(join(out, "k=1"), { recursive: true });
  await orphanParquet(join(out, "k=1", "orphan-2.parquet"), "id STRING, n BIGINT", [{ id: "orphan2", n: 97n }]);

  await q.processAllAvailable();
  await q.stop();
  assert.equal(q.exception, null);
  assert.equal(sink.exception, null);
  assert.deepEqual(byId(seen), ["a:1", "b:2"]);
});

test("json and text reads of a json sink folder honour its log too; a glob path does not (as in Spark)", async () => {
  const out = tempPath("bronze");
  await sinkRows("json", out, [[{ id: "a", n: 1n }], [{ id: "b", n: 2n }]]);
  writeFileSync(join(out, "part-00000-orphan.c000.json"), `{"id":"orphan","n":99}\n`);

  assert.deepEqual(byId(await spark.read.schema("id STRING, n BIGINT").json(out).collect()), ["a:1", "b:2"]);
  const lines = (await spark.read.text(out).collect()).map((r) => String(r.value)).sort();
  assert.deepEqual(lines, [`{"id":"a","n":1}`, `{"id":"b","n":2}`]);

  const seen: Row[] = [];
  const q = spark.readStream
    .schema("id STRING, n BIGINT")
    .json(out)
    .writeStream.option("checkpointLocation", tempPath("ck"))
    .foreachBatch(async (df) => {
      seen.push(...(await df.collect()));
    })
    .trigger({ availableNow: true })
    .start();
  await q.awaitTermination();
  assert.deepEqual(byId(seen), ["a:1", "b:2"]);

  // Spark consults `_spark_metadata` only for a plain folder path: a glob lists files.
  assert.deepEqual(byId(await spark.read.schema("id STRING, n BIGINT").json(join(out, "*.json")).collect()), ["a:1", "b:2", "orphan:99"]);
});
