/**
 * `observe` (Spark's CollectMetrics): metrics over the rows passing a point, per micro-batch on a
 * stream (in the progress) and through an `Observation` on a batch query; the rows go on unchanged.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, MemoryStream, Observation, avg, col, count, lit, max, sum } from "../../../src/index.js";
import { tempPath, uniqueName } from "./support.js";

const spark = SparkSession.builder.appName("observe-test").getOrCreate();
const rows = [
  { id: "a", amount: 10 },
  { id: "b", amount: null },
  { id: "c", amount: -4 },
];
const df = spark.createDataFrame(rows, "id STRING, amount INT");

test("a batch observation holds its metrics once an action ran the DataFrame; the rows are unchanged", async () => {
  const seen = new Observation("seen");
  const observed = df.observe(seen, count(lit(1)).alias("rows"), max("amount").alias("top"), sum(col("amount").lt(0).cast("int")).alias("negative"));
  assert.deepEqual(await observed.collect(), rows);
  assert.deepEqual(await seen.get(), { rows: 3, top: 10, negative: 1 });
  // Metrics see the rows at their point in the plan: after a filter, before a limit.
  const after = new Observation();
  assert.equal(await df.filter("amount IS NOT NULL").observe(after, count(lit(1)).alias("n"), avg("amount").alias("mean")).limit(5).count(), 2);
  assert.deepEqual(await after.get(), { n: 2, mean: 3 });
});

test("observe refuses metrics that do not aggregate, reused names and reused or streaming Observations", () => {
  assert.throws(() => df.observe("m", col("amount")), AnalysisError);
  assert.throws(() => df.observe("m", lit(1).alias("one")), (e: unknown) => e instanceof AnalysisError && /no aggregate function/.test(e.message));
  assert.throws(() => df.observe("m"), (e: unknown) => e instanceof AnalysisError && /at least one metric/.test(e.message));
  assert.throws(() => df.observe("m", count(lit(1))).observe("m", max("amount")), (e: unknown) => e instanceof AnalysisError && /multiple definitions/.test(e.message));
  const once = new Observation("once");
  df.observe(once, count(lit(1)));
  assert.throws(() => df.observe(once, count(lit(1))), (e: unknown) => e instanceof AnalysisError && /can be used once/.test(e.message));
  const stream = spark.readStream.format("memory").option("name", new MemoryStream("id STRING", uniqueName("ms-obs-refuse")).name).load();
  assert.throws(() => stream.observe(new Observation(), count(lit(1))), (e: unknown) => e instanceof AnalysisError && /streaming/.test(e.message));
  assert.throws(() => df.expect("r", "amount > 0").observe("expectations", count(lit(1))), AnalysisError);
});

test("a stream's progress carries each micro-batch's own observed metrics, next to the expectations'", async () => {
  const input = new MemoryStream("id STRING, amount INT", uniqueName("ms-observe"));
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .observe("landing", count(lit(1)).alias("rows"), max("amount").alias("top"))
    .expectOrDrop("positive", "amount > 0")
    .writeStream.format("memory")
    .queryName(uniqueName("observed"))
    .option("checkpointLocation", tempPath("observe-checkpoint"))
    .start();
  try {
    input.addData(rows);
    await q.processAllAvailable();
    assert.deepEqual(q.lastProgress?.observedMetrics, {
      landing: { rows: 3, top: 10 },
      expectations: { "positive.passed": 1, "positive.failed": 2 },
    });
    input.addData([{ id: "d", amount: 2 }]);
    await q.processAllAvailable();
    assert.deepEqual(q.lastProgress?.observedMetrics, { landing: { rows: 1, top: 2 }, expectations: { "positive.passed": 1, "positive.failed": 0 } });
  } finally {
    await q.stop();
  }
});
