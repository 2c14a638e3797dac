/**
 * Window functions through `Window` / `Column.over` and SQL `OVER`: ranking functions with peers,
 * lag / lead with defaults, running, whole-partition, sliding ROWS and value RANGE frames,
 * nth_value, the latest-row-per-key idiom, named windows, and Spark's errors (unordered ranking,
 * streams, misplaced window expressions).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, MemoryStream, Window, col, row_number, rank, dense_rank, lag, lead, sum, ntile, percent_rank, cume_dist, count, avg, nth_value } from "../../../src/index.js";

const spark = SparkSession.builder.appName("window-test").config("sluice.exec.workers", "0").getOrCreate();
const df = () =>
  spark.createDataFrame(
    [
      { k: "a", ts: 1, v: 10 },
      { k: "a", ts: 2, v: 20 },
      { k: "a", ts: 2, v: 25 },
      { k: "a", ts: 3, v: null },
      { k: "b", ts: 5, v: 1 },
      { k: null, ts: 1, v: 7 },
    ],
    "k STRING, ts INT, v INT",
  );

type R = Record<string, unknown>;
const pick = (rows: R[], ...cols: string[]) => rows.filter((r) => r.k === "a").map((r) => cols.map((c) => String(r[c])).join(","));

test("ranking functions, lag/lead and ntile follow Spark, with peers sharing ranks", async () => {
  const w = Window.partitionBy("k").orderBy("ts");
  const rows = await df()
    .select("k", "ts", "v", row_number().over(w).alias("rn"), rank().over(w).alias("rk"), dense_rank().over(w).alias("dr"), ntile(2).over(w).alias("nt"),
      percent_rank().over(w).alias("pr"), cume_dist().over(w).alias("cd"), lag("v").over(w).alias("lag"), lead("v", 1, -1).over(w).alias("lead"))
    .collect();
  assert.deepEqual(pick(rows, "rn", "rk", "dr", "nt"), ["1,1,1,1", "2,2,2,1", "3,2,2,2", "4,4,3,2"]);
  assert.deepEqual(pick(rows, "pr", "cd"), ["0,0.25", `${1 / 3},0.75`, `${1 / 3},0.75`, "1,1"]);
  assert.deepEqual(pick(rows, "lag", "lead"), ["null,20", "10,25", "20,null", "25,-1"]);
  assert.deepEqual(df().select(row_number().over(w)).columns, ["row_number() OVER (PARTITION BY k ORDER BY ts ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"]);
});

test("aggregates over running, whole-partition, ROWS and RANGE frames; nth_value", async () => {
  const w = Window.partitionBy("k").orderBy("ts");
  const rows = await df()
    .select("k", "ts", sum("v").over(w).alias("run"), sum("v").over(Window.partitionBy("k")).alias("tot"),
      avg("v").over(w.rowsBetween(-1, 1)).alias("mov"), count("*").over(w.rangeBetween(-1, Window.currentRow)).alias("rc"),
      nth_value("v", 2).over(w.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)).alias("nv"))
    .collect();
  assert.deepEqual(pick(rows, "run", "tot"), ["10,55", "55,55", "55,55", "55,55"]);
  assert.deepEqual(pick(rows, "mov", "rc", "nv"), ["15,1,20", `${55 / 3},3,20`, "22.5,3,20", "25,3,20"]);
});

test("latest row per key: row_number over a descending window, filtered", async () => {
  const latest = df().withColumn("rn", row_number().over(Window.partitionBy("k").orderBy(col("ts").desc(), col("v").desc()))).filter("rn = 1").drop("rn");
  assert.deepEqual((await latest.collect()).map((r) => `${r.k}:${r.ts}`).sort(), ["a:3", "b:5", "null:1"]);
});

test("SQL OVER with frames and named windows", async () => {
  df().createOrReplaceTempView("wt");
  const rows = await spark.sql("SELECT k, ts, sum(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s, first(v) OVER w AS f, rank() OVER (w) AS r FROM wt WINDOW w AS (PARTITION BY k ORDER BY ts) ORDER BY k NULLS LAST, ts, s").collect();
  assert.deepEqual(rows.map((r) => `${r.k}:${r.s}:${r.f}:${r.r}`), ["a:10:10:1", "a:30:10:2", "a:45:10:2", "a:25:10:4", "b:1:1:1", "null:7:7:1"]);
});

test("RANGE frames over dates and timestamps take interval offsets; year-month ones move on the calendar", async () => {
  const t = spark.createDataFrame(
    [
      { k: "a", d: "2020-01-31", t: "2020-01-31 10:00:00" },
      { k: "a", d: "2020-02-29", t: "2020-02-29 10:00:00" },
      { k: "a", d: "2020-03-01", t: "2020-03-01 09:00:00" },
      { k: "a", d: "2020-04-30", t: "2020-03-02 11:00:00" },
    ],
    "k STRING, d STRING, t STRING",
  ).selectExpr("k", "CAST(d AS DATE) AS d", "CAST(t AS TIMESTAMP) AS t", "CAST(t AS TIMESTAMP_NTZ) AS n");
  t.createOrReplaceTempView("wr");
  const counts = async (order: string, frame: string) =>
    (await spark.sql(`SELECT d, t, n, count(*) OVER (ORDER BY ${order} RANGE BETWEEN ${frame}) AS c FROM wr ORDER BY ${order}`).collect()).map((r) => Number(r.c));
  // One month after Jan 31 is Feb 29 (clamped), so the first frame ends there.
  assert.deepEqual(await counts("d", "CURRENT ROW AND INTERVAL '1' MONTH FOLLOWING"), [2, 2, 1, 1]);
  assert.deepEqual(await counts("d DESC", "CURRENT ROW AND INTERVAL '1' MONTH FOLLOWING"), [1, 2, 2, 1]);
  assert.deepEqual(await counts("t", "CURRENT ROW AND INTERVAL '1 00:00' DAY TO MINUTE FOLLOWING"), [1, 2, 1, 1]);
  assert.deepEqual(await counts("t", "INTERVAL 23 HOURS PRECEDING AND CURRENT ROW"), [1, 1, 2, 1]);
  assert.deepEqual(await counts("n", "CURRENT ROW AND INTERVAL '0-1' YEAR TO MONTH FOLLOWING"), [2, 3, 2, 1]);
  await assert.rejects(async () => counts("t", "CURRENT ROW AND 1 FOLLOWING"), (e: unknown) => e instanceof AnalysisError && /RANGE_FRAME_INVALID_TYPE/.test(e.message));
  // ROWS offsets are INT: a literal past 2^31 - 1 is a BIGINT, refused as Spark does.
  await assert.rejects(async () => spark.sql("SELECT sum(1) OVER (ORDER BY d ROWS BETWEEN CURRENT ROW AND 2147483648 FOLLOWING) FROM wr").collect(), (e: unknown) => e instanceof AnalysisError && /SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE/.test(e.message));
  // avg and sum of a TIMESTAMP read it as seconds since the epoch (Spark's Hive-era coercion).
  const [a] = await spark.sql("SELECT avg(t) AS a FROM wr WHERE d < DATE '2020-02-01'").collect();
  assert.equal(a.a, Date.parse("2020-01-31T10:00:00Z") / 1000);
});

test("ORDER BY a column the select list dropped works beside window functions, as Spark resolves it", async () => {
  df().createOrReplaceTempView("wd");
  const rows = await spark.sql("SELECT k, row_number() OVER (PARTITION BY k ORDER BY v) AS r FROM wd WHERE v IS NOT NULL ORDER BY v DESC").collect();
  assert.deepEqual(rows.map((r) => `${r.k}:${r.r}`), ["a:3", "a:2", "a:1", "null:1", "b:1"]);
  assert.deepEqual(Object.keys(rows[0]), ["k", "r"]);
});

test("window errors: unordered ranking, streams, misplaced window expressions", async () => {
  const err = (re: RegExp) => (e: unknown) => e instanceof AnalysisError && re.test(e.message);
  assert.throws(() => df().select(row_number().over(Window.partitionBy("k"))), err(/requires the window to be ordered/));
  assert.throws(() => df().filter(row_number().over(Window.orderBy("ts")).equalTo(1)), err(/only allowed in a select list/));
  const input = new MemoryStream("k STRING, ts INT", `win_stream_${process.pid}`);
  const stream = spark.readStream.format("memory").option("name", input.name).load().withColumn("rn", row_number().over(Window.partitionBy("k").orderBy("ts")));
  assert.throws(() => stream.writeStream.format("memory").queryName(`win_sink_${process.pid}`).start(), err(/non-time-based windows are not supported on streaming/));
});

test("IGNORE NULLS on lag, lead and nth_value skips null values", async () => {
  spark.createDataFrame([{ i: 1, v: 1 }, { i: 2, v: null }, { i: 3, v: 3 }, { i: 4, v: null }, { i: 5, v: 5 }], "i INT, v INT").createOrReplaceTempView("gaps");
  const rows = await spark.sql("SELECT i, lag(v) IGNORE NULLS OVER w AS lg, lead(v, 1) IGNORE NULLS OVER w AS ld, nth_value(v, 2) IGNORE NULLS OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS nv FROM gaps WINDOW w AS (ORDER BY i) ORDER BY i").collect();
  assert.deepEqual(rows.map((r) => `${r.lg}/${r.ld}/${r.nv}`), ["null/3/3", "1/3/3", "1/5/3", "3/5/3", "3/null/3"]);
});
