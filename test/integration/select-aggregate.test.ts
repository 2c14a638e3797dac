/**
 * In Spark, `select`/`selectExpr` with aggregate functions and no groupBy is a global aggregation
 * (the analyzer's GlobalAggregates rule turns the Project into an Aggregate): `df.select(count("*"))`,
 * `df.selectExpr("count(*) AS n", "sum(amount)")`, batch and streaming (complete mode).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStream, SparkSession, col, count, sum } from "../../src/index.js";

test("select(count('*')) on a batch DataFrame is a global aggregate", async () => {
  const spark = SparkSession.builder.getOrCreate();
  const df = spark.createDataFrame([{ a: "x", n: 1 }, { a: "y", n: 2 }], "a STRING, n INT");
  assert.deepStrictEqual(await df.select(count("*")).collect(), [{ "count(1)": 2n }]);
  assert.deepStrictEqual(await df.select(sum(col("n")).alias("s")).collect(), [{ s: 3n }]);
  assert.deepStrictEqual(await df.selectExpr("count(*) AS c", "sum(n)").collect(), [{ c: 2n, "sum(n)": 3n }]);
});

test("selectExpr('count(*) AS n') on a stream runs in complete mode", async () => {
  const spark = SparkSession.builder.getOrCreate();
  const stream = new MemoryStream("a STRING");
  const df = spark.readStream.format("memory").option("name", stream.name).load().selectExpr("count(*) AS n");
  const q = df.writeStream.format("memory").queryName("select_aggregate_pending").outputMode("complete").start();
  stream.addData([{ a: "x" }, { a: "y" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepStrictEqual(await spark.table("select_aggregate_pending").collect(), [{ n: 2n }]);
});
