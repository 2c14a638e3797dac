/**
 * `DataFrame.join`: every join type on names (USING), on Column conditions with equality keys and
 * residual predicates, null keys (`=` never matches null, `<=>` does), duplicate keys, non-equi
 * (nested-loop) conditions, output columns and nullability, and the stream–static join rules.
 */
import { test } from "node:test";
import { rm } from "node:fs/promises";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, MemoryStream, col, broadcast } from "../../../src/index.js";
import { tempPath } from "./support.js";
import type { DataFrame } from "../../../src/index.js";

const spark = SparkSession.builder.appName("dataframe-join-test").config("sluice.exec.workers", "0").getOrCreate();

function left(): DataFrame {
  return spark.createDataFrame(
    [
      { k: 1, a: "l1" },
      { k: 2, a: "l2" },
      { k: 2, a: "l2b" },
      { k: null, a: "lnull" },
      { k: 4, a: "l4" },
    ],
    "k INT, a STRING",
  );
}

function right(): DataFrame {
  return spark.createDataFrame(
    [
      { k: 2, b: "r2" },
      { k: 3, b: "r3" },
      { k: null, b: "rnull" },
      { k: 1, b: "r1" },
      { k: 1, b: "r1b" },
    ],
    "k INT, b STRING",
  );
}

type R = Record<string, unknown>;
const byJson = (rows: R[]) => rows.map((r) => JSON.stringify(r)).sort();

async function rowsOf(df: DataFrame): Promise<string[]> {
  return byJson(await df.collect());
}

test("join USING: inner, left, right, full, semi and anti output each key once, first", async () => {
  assert.deepEqual(await rowsOf(left().join(right(), "k")), byJson([
    { k: 1, a: "l1", b: "r1" },
    { k: 1, a: "l1", b: "r1b" },
    { k: 2, a: "l2", b: "r2" },
    { k: 2, a: "l2b", b: "r2" },
  ]));
  assert.deepEqual(await rowsOf(left().join(right(), ["k"], "left")), byJson([
    { k: 1, a: "l1", b: "r1" },
    { k: 1, a: "l1", b: "r1b" },
    { k: 2, a: "l2", b: "r2" },
    { k: 2, a: "l2b", b: "r2" },
    { k: null, a: "lnull", b: null },
    { k: 4, a: "l4", b: null },
  ]));
  // Right join keeps the right side's key.
  assert.deepEqual(await rowsOf(left().join(right(), "k", "right_outer")), byJson([
    { k: 1, a: "l1", b: "r1" },
    { k: 1, a: "l1", b: "r1b" },
    { k: 2, a: "l2", b: "r2" },
    { k: 2, a: "l2b", b: "r2" },
    { k: 3, a: null, b: "r3" },
    { k: null, a: null, b: "rnull" },
  ]));
  // Full join: the key is coalesce(left.k, right.k).
  const full = left().join(right(), "k", "full");
  assert.deepEqual(full.columns, ["k", "a", "b"]);
  assert.equal((await rowsOf(full)).length, 8);
  assert.deepEqual(await rowsOf(left().join(right(), "k", "semi")), byJson([{ k: 1, a: "l1" }, { k: 2, a: "l2" }, { k: 2, a: "l2b" }]));
  assert.deepEqual(await rowsOf(left().join(right(), "k", "left_anti")), byJson([{ k: null, a: "lnull" }, { k: 4, a: "l4" }]));
});

test("join on a Column: equality keys plus a residual; both sides' columns kept", async () => {
  const l = left().alias("l");
  const r = right().alias("r");
  const df = l.join(r, col("l.k").equalTo(col("r.k")).and(col("r.b").notEqual("r1b")), "inner");
  assert.deepEqual(df.columns, ["k", "a", "k", "b"]);
  assert.deepEqual((await df.select("l.k", "a", "b").collect()).map((x) => `${x.k}${x.a}${x.b}`).sort(), ["1l1r1", "2l2br2", "2l2r2"]);
  // A residual on a left outer join turns a failed match into a null-extended row, never drops it.
  const outer = l.join(r, col("l.k").equalTo(col("r.k")).and(col("r.b").equalTo("r1b")), "left");
  assert.deepEqual((await outer.select("a", "b").collect()).map((x) => `${x.a}:${x.b}`).sort(), ["l1:r1b", "l2:null", "l2b:null", "l4:null", "lnull:null"]);
});

test("join: <=> matches null keys; a non-equi condition runs as a nested loop", async () => {
  const l = left().alias("l");
  const r = right().alias("r");
  const ns = await l.join(r, col("l.k").eqNullSafe(col("r.k"))).select("a", "b").collect();
  assert.ok(ns.some((x) => x.a === "lnull" && x.b === "rnull"));
  const lt = await l.join(r, col("l.k").lt(col("r.k"))).select("a", "b").collect();
  assert.deepEqual(lt.map((x) => `${x.a}<${x.b}`).sort(), ["l1<r2", "l1<r3", "l2<r3", "l2b<r3"]);
  const cross = l.crossJoin(broadcast(r));
  assert.equal(await cross.count(), 25);
  assert.equal(cross.schema.fields.length, 4);
});

test("join: nullability of outer sides, unknown USING columns and join types are errors", () => {
  const df = left().join(right(), "k", "left");
  assert.equal(df.schema.fields[2].nullable, true);
  assert.throws(() => left().join(right(), "zz"), (e: unknown) => e instanceof AnalysisError && /USING column 'zz' cannot be resolved on the left side/.test(e.message));
  assert.throws(() => left().join(right(), "k", "sideways"), (e: unknown) => e instanceof AnalysisError && /unsupported join type 'sideways'/.test(e.message));
});

test("stream–static join: inner and left outer with the stream on the left run per micro-batch", async () => {
  const stream = new MemoryStream("k INT, a STRING", `join_stream_${process.pid}`);
  const dims = right();
  const q = spark.readStream.format("memory").option("name", stream.name).load().join(dims, "k", "left").writeStream.format("memory").queryName("joined_stream").outputMode("append").start();
  stream.addData([{ k: 1, a: "s1" }, { k: 9, a: "s9" }]);
  await q.processAllAvailable();
  stream.addData([{ k: 2, a: "s2" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.table("joined_stream").collect()).map((x) => `${x.k}${x.a}${x.b}`).sort(), ["1s1r1", "1s1r1b", "2s2r2", "9s9null"]);
  const bad = dims.join(spark.readStream.format("memory").option("name", stream.name).load(), "k", "left");
  assert.throws(() => bad.writeStream.format("memory").queryName("bad_join").start(), (e: unknown) => e instanceof AnalysisError && /left outer join with a streaming DataFrame on the right is not supported/.test(e.message));
});

test("stream–static join with a Delta dimension table sees a new version of it in the next batch", async () => {
  const dir = tempPath("dims");
  await spark.createDataFrame([{ k: 1, b: "v1" }], "k INT, b STRING").write.format("delta").save(dir);
  const stream = new MemoryStream("k INT, a STRING", `join_delta_${process.pid}`);
  const name = `joined_delta_${process.pid}`;
  const q = spark.readStream.format("memory").option("name", stream.name).load().join(spark.read.format("delta").load(dir), "k", "left").writeStream.format("memory").queryName(name).start();
  stream.addData([{ k: 1, a: "s1" }]);
  await q.processAllAvailable();
  stream.addData([{ k: 1, a: "s2" }]);
  await q.processAllAvailable();
  await spark.createDataFrame([{ k: 1, b: "v2" }], "k INT, b STRING").write.format("delta").mode("overwrite").save(dir);
  stream.addData([{ k: 1, a: "s3" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.table(name).collect()).map((x) => `${x.a}:${x.b}`).sort(), ["s1:v1", "s2:v1", "s3:v2"]);
});

test("stream–static join sees a Delta dimension table that was dropped and recreated", async () => {
  const dir = tempPath("dims-recreated");
  await spark.createDataFrame([{ k: 1, b: "v1" }], "k INT, b STRING").write.format("delta").save(dir);
  await spark.createDataFrame([{ k: 1, b: "v1" }], "k INT, b STRING").write.format("delta").mode("overwrite").save(dir);
  const stream = new MemoryStream("k INT, a STRING", `join_recreated_${process.pid}`);
  const name = `joined_recreated_${process.pid}`;
  const q = spark.readStream.format("memory").option("name", stream.name).load().join(spark.read.format("delta").load(dir), "k", "left").writeStream.format("memory").queryName(name).start();
  stream.addData([{ k: 1, a: "s1" }]);
  await q.processAllAvailable();
  await rm(dir, { recursive: true, force: true });
  await spark.createDataFrame([{ k: 1, b: "v2" }], "k INT, b STRING").write.format("delta").save(dir);
  stream.addData([{ k: 1, a: "s2" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.table(name).collect()).map((x) => `${x.a}:${x.b}`).sort(), ["s1:v1", "s2:v2"]);
});
