import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, MemoryStream, col, from_json, SourceError } from "../../../src/index.js";
import type { DataFrame } from "../../../src/index.js";

const SCHEMA = "event_id STRING, user_id STRING, n BIGINT";

function landing(files: number, linesPerFile: number): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-parallel-"));
  for (let f = 0; f < files; f++) {
    const lines: string[] = [];
    for (let i = 0; i < linesPerFile; i++) {
      const id = f * linesPerFile + i;
      lines.push(i % 97 === 5 ? `{"event_id":"e${id}", broken` : JSON.stringify({ event_id: `e${id % 1500}`, user_id: `u${id % 7}`, n: id }));
    }
    writeFileSync(join(dir, `part-${String(f).padStart(3, "0")}.json`), lines.join("\n") + "\n");
  }
  return dir;
}

function pipeline(spark: SparkSession, dir: string): DataFrame {
  return spark.read
    .format("text")
    .load(dir)
    .select(from_json(col("value"), SCHEMA).alias("d"))
    .select("d.*")
    .filter(col("event_id").isNotNull())
    .filter("n % 3 <> 1");
}

test("worker threads give exactly the in-thread result, in the same order", async () => {
  const dir = landing(6, 700);
  const spark = SparkSession.builder.getOrCreate();
  spark.conf.set("sluice.exec.workers", 0);
  const local = await pipeline(spark, dir).collect();
  spark.conf.set("sluice.exec.workers", 2);
  spark.conf.set("sluice.exec.parallelMinBytes", 0);
  try {
    const parallel = await pipeline(spark, dir).collect();
    assert.ok(local.length > 2000, `expected rows, got ${local.length}`);
    assert.deepEqual(parallel, local);
  } finally {
    spark.conf.unset("sluice.exec.workers");
    spark.conf.unset("sluice.exec.parallelMinBytes");
  }
});

test("a streaming query with workers deduplicates exactly as without", async () => {
  const dir = landing(5, 600);
  const spark = SparkSession.builder.getOrCreate();
  const run = async (workers: number) => {
    spark.conf.set("sluice.exec.workers", workers);
    spark.conf.set("sluice.exec.parallelMinBytes", 0);
    const name = `parallel_dedup_${workers}`;
    const q = spark.readStream
      .format("text")
      .load(dir)
      .select(from_json(col("value"), SCHEMA).alias("d"))
      .select("d.*")
      .filter(col("event_id").isNotNull())
      .dropDuplicates(["event_id"])
      .writeStream.format("memory")
      .queryName(name)
      .trigger({ availableNow: true })
      .start();
    await q.awaitTermination();
    assert.equal(q.lastProgress?.numInputRows, 3000, "input rows are counted in the workers");
    return spark.table(name).collect();
  };
  try {
    const a = await run(0);
    const b = await run(2);
    assert.equal(a.length, 1500);
    assert.deepEqual(b, a);
  } finally {
    spark.conf.unset("sluice.exec.workers");
    spark.conf.unset("sluice.exec.parallelMinBytes");
  }
});

test("an error in a worker fails the query with the source's error naming the file", async () => {
  const dir = landing(3, 50);
  writeFileSync(join(dir, "part-999.json.gz"), gzipSync(Buffer.from('{"event_id":"x"}\n')).subarray(0, 12));
  const spark = SparkSession.builder.getOrCreate();
  spark.conf.set("sluice.exec.workers", 2);
  spark.conf.set("sluice.exec.parallelMinBytes", 0);
  try {
    await assert.rejects(pipeline(spark, dir).collect(), (e: unknown) => {
      assert.ok(e instanceof SourceError, `expected SourceError, got ${String(e)}`);
      assert.match(e.message, /part-999\.json\.gz/);
      return true;
    });
  } finally {
    spark.conf.unset("sluice.exec.workers");
    spark.conf.unset("sluice.exec.parallelMinBytes");
  }
});

test("the parquet sink encodes big files in the writer thread, with the same content", async () => {
  const spark = SparkSession.builder.getOrCreate();
  const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: `k${i}`, n: i % 3 === 0 ? null : i }));
  const run = async (workers: number) => {
    spark.conf.set("sluice.exec.workers", workers);
    const base = mkdtempSync(join(tmpdir(), "sluice-writer-thread-"));
    const ms = new MemoryStream("id STRING, n INT", `writer_thread_${workers}_${Date.now()}`);
    ms.addData(rows);
    const q = spark.readStream.format("memory").option("name", ms.name).load()
      .writeStream.format("parquet").option("compression", "zstd").option("checkpointLocation", join(base, "ck"))
      .trigger({ availableNow: true }).start(join(base, "out"));
    await q.awaitTermination();
    return spark.read.parquet(join(base, "out")).orderBy("id").collect();
  };
  try {
    const inThread = await run(0);
    const threaded = await run(2);
    assert.equal(threaded.length, 40_000);
    assert.deepEqual(threaded, inThread);
  } finally {
    spark.conf.unset("sluice.exec.workers");
  }
});
