/**
 * `histogram_numeric` (Spark's HistogramNumeric over NumericHistogram). Expected bins are worked by
 * hand from Spark's algorithm: java.util.Random(31183) draws 0.10748527202486546,
 * 0.893630159548549, 0.1375869077362396 first, and a tie between equally close pairs moves to the
 * later pair when the draw is <= 1/(number of tied pairs seen so far).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, col, expr, histogram_numeric } from "../../../../src/index.js";
import { NumericHistogram } from "../../../../src/exec/aggregate/histogram.js";
import { JavaRandom } from "../../../../src/exec/aggregate/java-random.js";
import { restartedAggregation } from "./support.js";

const spark = new SparkSession("histogram-numeric", { "sluice.exec.workers": "0" });

async function value(sql: string): Promise<unknown> {
  const rows = await spark.sql(sql).collect();
  return Object.values(rows[0] as Record<string, unknown>)[0];
}

function bins(h: NumericHistogram): [number, number][] {
  return h.x.map((x, i) => [x, h.y[i]]);
}

test("JavaRandom is java.util.Random", () => {
  const r = new JavaRandom(42);
  assert.deepEqual([r.nextDouble(), r.nextDouble()], [0.7275636800328681, 0.6832234717598454]);
  const s = new JavaRandom(31183);
  assert.deepEqual([s.nextDouble(), s.nextDouble(), s.nextDouble()], [0.10748527202486546, 0.893630159548549, 0.1375869077362396]);
});

test("add merges the closest bins, breaking ties with Spark's draws", () => {
  const h = new NumericHistogram(3);
  // 0,1,2,10: diffs 1,1,8; the tie at (1,2) draws 0.107 <= 1/2, so 1 and 2 merge into 1.5.
  // +11: (10,11) is closest, 10.5. +3: diffs 1.5,1.5,7.5; the tie draws 0.894 > 1/2, so (0,1.5)
  // merge: 0 * 1/3 + 1.5/3 * 2 = 1.
  for (const v of [0, 1, 2, 10]) h.add(v);
  assert.deepEqual(bins(h), [[0, 1], [1.5, 2], [10, 1]]);
  h.add(11);
  h.add(3);
  assert.deepEqual(bins(h), [[1, 3], [3, 1], [10.5, 2]]);
  // An exact x only raises that bin's height.
  h.add(3);
  assert.deepEqual(bins(h), [[1, 3], [3, 2], [10.5, 2]]);
});

test("merge sorts both histograms' bins together, then trims", () => {
  const a = new NumericHistogram(3);
  const b = new NumericHistogram(3);
  for (const v of [0, 4, 8]) a.add(v);
  for (const v of [1, 5, 9]) b.add(v);
  // 0,1,4,5,8,9: ties at (4,5) (draw 0.107 <= 1/2: taken) and (8,9) (0.894 > 1/3: not);
  // then 0,1,4.5,8,9: tie at (8,9) (0.138 <= 1/2: taken); then (0,1).
  a.merge(b);
  assert.deepEqual(bins(a), [[0.5, 2], [4.5, 2], [8.5, 2]]);
  const empty = new NumericHistogram(3);
  empty.merge(a);
  assert.deepEqual(bins(empty), bins(a));
});

test("histogram_numeric in SQL: Spark's example, merged bins, the input's type, nulls and empty input", async () => {
  assert.deepEqual(await value("SELECT histogram_numeric(col, 5) FROM VALUES (0), (1), (2), (10) AS tab(col)"), [
    { x: 0, y: 1 },
    { x: 1, y: 1 },
    { x: 2, y: 1 },
    { x: 10, y: 1 },
  ]);
  const merged = "VALUES (0), (1), (null), (2), (10), (11), (3) AS tab(col)";
  // x keeps the int type: 10.5 truncates to 10.
  assert.deepEqual(await value(`SELECT histogram_numeric(col, 3) FROM ${merged}`), [
    { x: 1, y: 3 },
    { x: 3, y: 1 },
    { x: 10, y: 2 },
  ]);
  assert.deepEqual(await value(`SELECT histogram_numeric(CAST(col AS DOUBLE), 3) FROM ${merged}`), [
    { x: 1, y: 3 },
    { x: 3, y: 1 },
    { x: 10.5, y: 2 },
  ]);
  assert.deepEqual(await value(`SELECT histogram_numeric(CAST(col AS BIGINT), 3) FROM ${merged}`), [
    { x: 1n, y: 3 },
    { x: 3n, y: 1 },
    { x: 10n, y: 2 },
  ]);
  assert.equal(await value("SELECT typeof(histogram_numeric(col, 2)) FROM VALUES (date'2024-01-01') AS tab(col)"), "array<struct<x:date,y:double>>");
  assert.equal(await value("SELECT typeof(histogram_numeric(col, 2)) FROM VALUES (1.5) AS tab(col)"), "array<struct<x:decimal(2,1),y:double>>");
  assert.equal(await value("SELECT histogram_numeric(col, 2) FROM VALUES (1), (null) AS tab(col) WHERE col IS NULL"), null);
  assert.equal(await value("SELECT histogram_numeric(col, 2) FROM VALUES (1) AS tab(col) WHERE col > 5"), null);
});

test("histogram_numeric refuses a non-constant, null or too small nb and non-numeric input", async () => {
  await assert.rejects(value("SELECT histogram_numeric(col, 1) FROM VALUES (0) AS tab(col)"), /VALUE_OUT_OF_RANGE.*\[2, 2147483647\] \(current value = 1\)/);
  await assert.rejects(value("SELECT histogram_numeric(col, col) FROM VALUES (0) AS tab(col)"), /NON_FOLDABLE_INPUT/);
  await assert.rejects(value("SELECT histogram_numeric(col, null) FROM VALUES (0) AS tab(col)"), /UNEXPECTED_NULL/);
  await assert.rejects(value("SELECT histogram_numeric(col, 3) FROM VALUES (true) AS tab(col)"), /UNEXPECTED_INPUT_TYPE/);
  await assert.rejects(value("SELECT histogram_numeric(col) FROM VALUES (0) AS tab(col)"), /WRONG_NUM_ARGS/);
});

test("histogram_numeric groups, and keeps its bins across micro-batches and a restart", async () => {
  const df = spark.sql("SELECT * FROM VALUES ('a', 0), ('a', 1), ('a', 2), ('a', 10), ('b', 7) AS t(k, v)");
  const rows = await df.groupBy("k").agg(histogram_numeric("v", 3).alias("h")).orderBy(col("k")).collect();
  assert.deepEqual(rows.map((r) => [r.k, r.h]), [
    ["a", [{ x: 0, y: 1 }, { x: 1, y: 2 }, { x: 10, y: 1 }]],
    ["b", [{ x: 7, y: 1 }]],
  ]);

  const runs = restartedAggregation(spark, "k STRING, v DOUBLE", () => [expr("histogram_numeric(v, 3)").alias("h")], "histogram");
  const run = async (data: { k: string; v: number }[]) => (await runs(data)).map((r) => [r.k, r.h]);
  await run([{ k: "a", v: 0 }, { k: "a", v: 1 }, { k: "a", v: 2 }, { k: "a", v: 10 }]);
  // Restored with bins 0, 1.5 (height 2), 10 and the generator after one draw: +11 merges (10,11),
  // +3 ties (0,1.5) with (1.5,3) and draws 0.894 > 1/2, so (0,1.5) merge into 1.
  const after = await run([{ k: "a", v: 11 }, { k: "a", v: 3 }, { k: "b", v: 8 }]);
  assert.deepEqual(after, [
    ["a", [{ x: 1, y: 3 }, { x: 3, y: 1 }, { x: 10.5, y: 2 }]],
    ["b", [{ x: 8, y: 1 }]],
  ]);
});
