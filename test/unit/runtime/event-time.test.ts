/**
 * Event time through the public API, on the scenarios of Spark 3.5's own suites
 * (EventTimeWatermarkSuite, StreamingDeduplicationSuite): watermarks, windowed aggregation in
 * append and update mode, deduplication with a watermark and dropDuplicatesWithinWatermark, with
 * the no-data batches Spark runs when the watermark moves, the progress `eventTime` map, the
 * state metrics, and the watermark recorded in the checkpoint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, MemoryStream, AnalysisError, col, collect_list, collect_set, count, session_window, sum, when, window, window_time } from "../../../src/index.js";
import type { DataFrame, StreamingQuery } from "../../../src/index.js";
import { tempPath, uniqueName } from "../api/support.js";

const spark = SparkSession.builder.appName("event-time-test").getOrCreate();

/** A stream of `value` seconds since the epoch, with `eventTime` = that instant. */
function seconds(schema = "value INT"): { ms: MemoryStream; df: DataFrame } {
  const ms = new MemoryStream(schema, uniqueName("et"));
  const df = spark.readStream.format("memory").option("name", ms.name).load();
  return { ms, df: df.withColumn("eventTime", col("value").cast("timestamp")) };
}

/** Runs `df` into a memory sink and returns a function that adds rows and returns the new output. */
function harness(df: DataFrame, mode: "append" | "update", checkpoint?: string) {
  const name = uniqueName("out");
  let w = df.writeStream.format("memory").queryName(name).outputMode(mode);
  if (checkpoint !== undefined) w = w.option("checkpointLocation", checkpoint);
  const q = w.start();
  let seen = 0;
  return {
    q,
    async step(add: () => void): Promise<Record<string, unknown>[]> {
      add();
      await q.processAllAvailable();
      const rows = await spark.table(name).collect();
      const fresh = rows.slice(seen);
      seen = rows.length;
      return fresh.map((r) => ({ ...r }));
    },
  };
}

function lastState(q: StreamingQuery) {
  const p = q.lastProgress;
  assert.ok(p !== null);
  assert.equal(p.stateOperators.length, 1);
  return p.stateOperators[0];
}

const text = (r: Record<string, unknown>) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => text(a).localeCompare(text(b)));

test("append mode emits each window once the watermark passes its end, and drops late rows (EventTimeWatermarkSuite)", async () => {
  const { ms, df } = seconds();
  const agg = df
    .withWatermark("eventTime", "10 seconds")
    .groupBy(window(col("eventTime"), "5 seconds").alias("window"))
    .agg(count("*").alias("count"))
    .select(col("window.start").cast("long").alias("start"), col("count"));
  const h = harness(agg, "append");
  assert.deepEqual(await h.step(() => ms.addData([10, 11, 12, 13, 14, 15].map((value) => ({ value })))), []);
  assert.deepEqual(await h.step(() => ms.addData([{ value: 25 }])), [{ start: 10n, count: 5n }]);
  assert.equal(lastState(h.q).numRowsTotal, 2);
  assert.equal(lastState(h.q).numRowsDroppedByWatermark, 0);
  assert.deepEqual(await h.step(() => ms.addData([{ value: 10 }])), []);
  assert.equal(lastState(h.q).numRowsTotal, 2);
  assert.equal(lastState(h.q).numRowsDroppedByWatermark, 1);
  // Batches: data, no-data (wm 5), data, no-data (wm 15), data.
  assert.deepEqual(h.q.recentProgress.map((p) => [p.numInputRows, p.eventTime.watermark]), [
    [6, "1970-01-01T00:00:00.000Z"],
    [0, "1970-01-01T00:00:05.000Z"],
    [1, "1970-01-01T00:00:05.000Z"],
    [0, "1970-01-01T00:00:15.000Z"],
    [1, "1970-01-01T00:00:15.000Z"],
  ]);
  assert.deepEqual(h.q.recentProgress[0].eventTime, {
    avg: "1970-01-01T00:00:12.500Z",
    max: "1970-01-01T00:00:15.000Z",
    min: "1970-01-01T00:00:10.000Z",
    watermark: "1970-01-01T00:00:00.000Z",
  });
  await h.q.stop();
});

test("update mode emits changed windows, drops late rows and evicts passed windows (EventTimeWatermarkSuite)", async () => {
  const { ms, df } = seconds();
  const agg = df
    .withWatermark("eventTime", "10 seconds")
    .groupBy(window(col("eventTime"), "5 seconds").alias("window"))
    .agg(count("*").alias("count"))
    .select(col("window.start").cast("long").alias("start"), col("count"));
  const h = harness(agg, "update");
  assert.deepEqual(sorted(await h.step(() => ms.addData([10, 11, 12, 13, 14, 15].map((value) => ({ value }))))), [
    { start: 10n, count: 5n },
    { start: 15n, count: 1n },
  ]);
  assert.deepEqual(await h.step(() => ms.addData([{ value: 25 }])), [{ start: 25n, count: 1n }]);
  assert.equal(lastState(h.q).numRowsTotal, 2);
  assert.deepEqual(await h.step(() => ms.addData([10, 25, 26, 27].map((value) => ({ value })))), [{ start: 25n, count: 4n }]);
  assert.equal(lastState(h.q).numRowsTotal, 2);
  assert.deepEqual(await h.step(() => ms.addData([{ value: 25 }])), [{ start: 25n, count: 5n }]);
  assert.equal(lastState(h.q).numRowsTotal, 2);
  await h.q.stop();
});

test("sliding windows put a row in every window containing it; window_time is the end minus 1 µs", async () => {
  const rows = await spark
    .createDataFrame([{ t: "2024-01-01 00:07:00" }, { t: "2024-01-01 00:12:30" }, { t: null }], "t STRING")
    .select(col("t").cast("timestamp").alias("ts"))
    .groupBy(window(col("ts"), "10 minutes", "5 minutes"))
    .agg(count("*").alias("n"))
    .select(col("window.start").cast("string").alias("start"), col("window.end").cast("string").alias("end"), window_time(col("window")).cast("string").alias("wt"), col("n"))
    .orderBy("start")
    .collect();
  assert.deepEqual(rows.map((r) => ({ ...r })), [
    { start: "2024-01-01 00:00:00", end: "2024-01-01 00:10:00", wt: "2024-01-01 00:09:59.999999", n: 1n },
    { start: "2024-01-01 00:05:00", end: "2024-01-01 00:15:00", wt: "2024-01-01 00:14:59.999999", n: 2n },
    { start: "2024-01-01 00:10:00", end: "2024-01-01 00:20:00", wt: "2024-01-01 00:19:59.999999", n: 1n },
  ]);
});

test("window: start offsets, non-multiple slides, negative timestamps, schema and Spark's argument errors", async () => {
  const base = spark.createDataFrame([{ s: -7 }, { s: 3 }, { s: 14 }], "s INT").select(col("s").cast("timestamp").alias("ts"));
  const starts = async (w: ReturnType<typeof window>) =>
    (await base.select(w.alias("w"), col("ts")).select(col("w.start").cast("long").alias("a"), col("w.end").cast("long").alias("b"), col("ts").cast("long").alias("t")).collect()).map((r) => [r.t, r.a, r.b]);
  assert.deepEqual(await starts(window(col("ts"), "10 seconds")), [
    [-7n, -10n, 0n],
    [3n, 0n, 10n],
    [14n, 10n, 20n],
  ]);
  assert.deepEqual(await starts(window(col("ts"), "10 seconds", null, "2 seconds")), [
    [-7n, -8n, 2n],
    [3n, 2n, 12n],
    [14n, 12n, 22n],
  ]);
  // 10 s windows every 4 s: ceil(10/4) = 3 candidates, newest first, those not containing t dropped.
  assert.deepEqual(await starts(window(col("ts"), "10 seconds", "4 seconds")), [
    [-7n, -8n, 2n],
    [-7n, -12n, -2n],
    [-7n, -16n, -6n],
    [3n, 0n, 10n],
    [3n, -4n, 6n],
    [14n, 12n, 22n],
    [14n, 8n, 18n],
  ]);
  const schema = base.groupBy(window("ts", "1 minute")).count().schema;
  assert.deepEqual(JSON.parse(JSON.stringify(schema.fields[0])), {
    name: "window",
    dataType: { typeName: "struct", fields: [
      { name: "start", dataType: { typeName: "timestamp" }, nullable: true, metadata: {} },
      { name: "end", dataType: { typeName: "timestamp" }, nullable: true, metadata: {} },
    ] },
    nullable: false,
    metadata: {},
  });
  assert.throws(() => base.select(window("ts", "5 seconds", "10 seconds")), /slide duration \(10000000\) must be less than or equal to the windowDuration \(5000000\)/);
  assert.throws(() => base.select(window("ts", "5 seconds", "5 seconds", "5 seconds")), /absolute value of start time/);
  assert.throws(() => base.select(window("ts", "1 month")), /intervals greater than a month are not supported/);
  assert.throws(() => base.select(window("ts", "0 seconds")), /window duration \(0\) must be greater than 0/);
  assert.throws(() => base.select(window("ts", "1 minute"), window("ts", "2 minutes")), /multiple time\/session window expressions/);
  assert.throws(() => spark.createDataFrame([{ s: 1 }], "s INT").select(window("s", "1 minute")), /time column must be a timestamp, got int/);
});

test("window() in SQL over a temp view", async () => {
  spark
    .createDataFrame([{ t: "2024-01-01 00:01:00", k: "a" }, { t: "2024-01-01 00:02:00", k: "a" }, { t: "2024-01-01 00:11:00", k: "b" }], "t STRING, k STRING")
    .selectExpr("CAST(t AS TIMESTAMP) AS ts", "k")
    .createOrReplaceTempView("et_sql_events");
  const rows = await spark
    .sql("SELECT window.start AS s, k, count(*) AS n FROM et_sql_events GROUP BY window(ts, '10 minutes'), k ORDER BY s, k")
    .selectExpr("CAST(s AS STRING) AS s", "k", "n")
    .collect();
  assert.deepEqual(rows.map((r) => ({ ...r })), [
    { s: "2024-01-01 00:00:00", k: "a", n: 2n },
    { s: "2024-01-01 00:10:00", k: "b", n: 1n },
  ]);
});

test("dropDuplicates with a watermark on a key evicts keys and drops late rows (StreamingDeduplicationSuite)", async () => {
  const { ms, df } = seconds();
  const result = df.withWatermark("eventTime", "10 seconds").dropDuplicates().select(col("eventTime").cast("long").alias("t"));
  const h = harness(result, "append");
  const values = [1, 2, 3, 4, 5].flatMap(() => [10, 11, 12, 13, 14, 15]);
  assert.deepEqual((await h.step(() => ms.addData(values.map((value) => ({ value }))))).map((r) => r.t), [10n, 11n, 12n, 13n, 14n, 15n]);
  const first = h.q.recentProgress.find((p) => p.numInputRows === 30)?.stateOperators[0];
  assert.deepEqual(first?.customMetrics, { numDroppedDuplicateRows: 24 }, "bounded by the watermark: no warning");
  assert.deepEqual((await h.step(() => ms.addData([{ value: 25 }]))).map((r) => r.t), [25n]);
  assert.equal(lastState(h.q).numRowsTotal, 1);
  assert.deepEqual(await h.step(() => ms.addData([{ value: 10 }])), []);
  assert.deepEqual([lastState(h.q).numRowsTotal, lastState(h.q).numRowsUpdated, lastState(h.q).numRowsDroppedByWatermark], [1, 0, 1]);
  assert.deepEqual((await h.step(() => ms.addData([{ value: 45 }]))).map((r) => r.t), [45n]);
  assert.equal(lastState(h.q).numRowsTotal, 1);
  await h.q.stop();
});

test("dropDuplicatesWithinWatermark forgets a key at its first event time plus the delay (SPARK-42931)", async () => {
  const { ms, df } = seconds("k STRING, value INT");
  const result = df.withWatermark("eventTime", "2 seconds").dropDuplicatesWithinWatermark("k").select(col("k"), col("eventTime").cast("long").alias("t"));
  const h = harness(result, "append");
  const add = (...pairs: [string, number][]) => () => ms.addData(pairs.map(([k, value]) => ({ k, value })));
  assert.deepEqual(await h.step(add(["a", 17])), [{ k: "a", t: 17n }]);
  assert.equal(lastState(h.q).numRowsTotal, 1);
  assert.deepEqual(await h.step(add(["a", 16])), []);
  assert.deepEqual(await h.step(add(["a", 13])), []);
  assert.deepEqual([lastState(h.q).numRowsTotal, lastState(h.q).numRowsDroppedByWatermark], [1, 1]);
  assert.deepEqual(sorted(await h.step(add(["b", 22], ["c", 21]))), [{ k: "b", t: 22n }, { k: "c", t: 21n }]);
  assert.equal(lastState(h.q).numRowsTotal, 2);
  assert.deepEqual(await h.step(add(["a", 21])), [{ k: "a", t: 21n }]);
  assert.equal(lastState(h.q).numRowsTotal, 3);
  assert.deepEqual(await h.step(add(["d", 25])), [{ k: "d", t: 25n }]);
  assert.equal(lastState(h.q).numRowsTotal, 2);
  assert.equal(lastState(h.q).operatorName, "dedupeWithinWatermark");
  await h.q.stop();
});

test("a dropDuplicates that no watermark bounds says so in its progress", async () => {
  const { ms, df } = seconds();
  const h = harness(df.dropDuplicates(["value"]), "append");
  await h.step(() => ms.addData([{ value: 1 }, { value: 1 }]));
  assert.deepEqual(lastState(h.q).customMetrics, { numDroppedDuplicateRows: 1, stateGrowsWithoutBound: 1 });
  await h.q.stop();
});

test("streaming checks: append needs a watermarked grouping key; dropDuplicatesWithinWatermark needs a watermark", () => {
  const { df } = seconds();
  const noWatermark = df.groupBy(window(col("eventTime"), "5 seconds")).count();
  assert.throws(() => noWatermark.writeStream.format("memory").queryName(uniqueName("x")).outputMode("append").start(), AnalysisError);
  const notKey = df.withWatermark("eventTime", "1 second").groupBy(col("value")).count();
  assert.throws(() => notKey.writeStream.format("memory").queryName(uniqueName("x")).outputMode("append").start(), /without watermark/);
  assert.throws(() => df.dropDuplicatesWithinWatermark("value").writeStream.format("memory").queryName(uniqueName("x")).start(), /dropDuplicatesWithinWatermark is not supported on streaming DataFrames\/DataSets without watermark/);
  assert.throws(() => df.withWatermark("value", "1 second"), /must be a timestamp, got integer/);
  assert.throws(() => df.withWatermark("nope", "1 second"), /cannot resolve column 'nope'/);
  assert.throws(() => df.withWatermark("eventTime", "-1 second"), /should not be negative/);
});

test("the watermark is recorded in offsets/N and commits/N and restored after a restart", async () => {
  const checkpoint = tempPath("ck");
  const { ms, df } = seconds();
  const agg = () =>
    df.withWatermark("eventTime", "10 seconds").groupBy(window(col("eventTime"), "5 seconds")).agg(sum("value").alias("s")).select(col("window.start").cast("long").alias("start"), col("s"));
  const first = harness(agg(), "append", checkpoint);
  assert.deepEqual(await first.step(() => ms.addData([{ value: 10 }, { value: 30 }])), [{ start: 10n, s: 10n }]);
  await first.q.stop();
  const offsets = readFileSync(join(checkpoint, "offsets", "1"), "utf8").split("\n");
  assert.equal(JSON.parse(offsets[1]).batchWatermarkMs, 20000);
  assert.deepEqual(JSON.parse(readFileSync(join(checkpoint, "commits", "1"), "utf8").split("\n")[1]), { nextBatchWatermarkMs: 20000 });
  // After the restart a row at 12 s is late (window [10, 15) is gone); 22 s opens a new window.
  const second = harness(agg(), "append", checkpoint);
  assert.deepEqual(await second.step(() => ms.addData([{ value: 12 }, { value: 22 }, { value: 40 }])), [{ start: 20n, s: 22n }]);
  assert.equal(second.q.recentProgress[0].eventTime.watermark, "1970-01-01T00:00:20.000Z");
  await second.q.stop();
});

test("thousands of evicted windows: state stays bounded and every window's aggregates are exact", async () => {
  const { ms, df } = seconds("value INT, x DOUBLE");
  const agg = df
    .withWatermark("eventTime", "0 seconds")
    .groupBy(window(col("eventTime"), "1 second"))
    .agg(count("*").alias("n"), sum("x").alias("s"))
    .select(col("window.start").cast("long").alias("start"), col("n"), col("s"));
  const h = harness(agg, "append");
  const out: Record<string, unknown>[] = [];
  for (let b = 0; b < 10; b++) {
    const rows: { value: number; x: number }[] = [];
    for (let t = b * 400; t < (b + 1) * 400; t++) rows.push({ value: t, x: t / 2 }, { value: t, x: 1 });
    out.push(...(await h.step(() => ms.addData(rows))));
    assert.ok(lastState(h.q).numRowsTotal <= 1, `state rows ${lastState(h.q).numRowsTotal}`);
  }
  // The last window (3999) waits for the watermark to pass it.
  assert.equal(out.length, 3999);
  for (const r of out) {
    const t = Number(r.start);
    assert.deepEqual(r, { start: BigInt(t), n: 2n, s: t / 2 + 1 });
  }
  await h.q.stop();
});

test("session windows in append mode: sessions merge per key, close when the watermark passes, survive a restart", async () => {
  const checkpoint = tempPath("ck-sessions");
  const ms = new MemoryStream("value STRING, t INT", uniqueName("sess"));
  const query = () =>
    spark.readStream
      .format("memory")
      .option("name", ms.name)
      .load()
      .withColumn("eventTime", col("t").cast("timestamp"))
      .withWatermark("eventTime", "30 seconds")
      .selectExpr("explode(split(value, ' ')) AS sessionId", "eventTime")
      .groupBy(session_window(col("eventTime"), "10 seconds").alias("session"), col("sessionId"))
      .agg(count("*").alias("numEvents"))
      .selectExpr("sessionId", "CAST(session.start AS LONG) AS s", "CAST(session.end AS LONG) AS e", "numEvents");
  const add = (...rows: [string, number][]) => () => ms.addData(rows.map(([value, t]) => ({ value, t })));
  const line = (r: Record<string, unknown>) => `${String(r.sessionId)} ${String(r.s)}-${String(r.e)} ${String(r.numEvents)}`;
  const first = harness(query(), "append", checkpoint);
  assert.deepEqual(await first.step(add(["hello world spark streaming", 40], ["world hello structured streaming", 41])), []);
  assert.equal(lastState(first.q).numRowsTotal, 5);
  assert.deepEqual(await first.step(add(["spark streaming", 25])), []); // sessions before the others
  assert.deepEqual(await first.step(add(["spark streaming", 0])), []); // [0, 10) ends below the watermark 11: late
  assert.equal(lastState(first.q).numRowsDroppedByWatermark, 2);
  assert.deepEqual(await first.step(add(["hello apache spark", 60])), []); // watermark 30
  await first.q.stop();
  const second = harness(query(), "append", checkpoint);
  assert.deepEqual((await second.step(add(["x", 70]))).map(line).sort(), ["spark 25-35 1", "streaming 25-35 1"]); // watermark 40
  // [31, 41) is not late (41 > 40) and merges with hello's [40, 51).
  assert.deepEqual(await second.step(add(["hello", 31])), []);
  assert.deepEqual((await second.step(add(["y", 100]))).map(line).sort(), [
    "apache 60-70 1",
    "hello 31-51 3",
    "hello 60-70 1",
    "spark 40-50 1",
    "spark 60-70 1",
    "streaming 40-51 2",
    "structured 41-51 1",
    "world 40-51 2",
  ]);
  assert.equal(lastState(second.q).numRowsTotal, 2); // x [70, 80) and y [100, 110) stay open
  await second.q.stop();
});

test("session windows over a batch DataFrame, with a gap per row; update mode is refused on a stream", async () => {
  const df = spark.createDataFrame(
    [
      { u: "a", t: 0 },
      { u: "a", t: 4 },
      { u: "a", t: 20 },
      { u: "b", t: 0 },
      { u: "b", t: 20 },
      { u: "c", t: 5 },
      { u: null, t: 1 },
      { u: "a", t: null },
    ],
    "u STRING, t INT",
  );
  const gap = when(col("u").equalTo("b"), "30 seconds").when(col("u").equalTo("c"), "0 seconds").otherwise("5 seconds");
  const rows = await df
    .withColumn("ts", col("t").cast("timestamp"))
    .groupBy(col("u"), session_window(col("ts"), gap))
    .agg(count("*").alias("n"), sum("t").alias("st"))
    .selectExpr("u", "CAST(session_window.start AS LONG) AS s", "CAST(session_window.end AS LONG) AS e", "n", "st")
    .orderBy("u", "s")
    .collect();
  // a: 0 and 4 merge ([0, 9)); 20 alone. b: gap 30 merges both. c: gap 0 drops its row. The null time is dropped.
  assert.deepEqual(rows.map((r) => `${String(r.u)} ${String(r.s)}-${String(r.e)} ${String(r.n)} ${String(r.st)}`), [
    "null 1-6 1 1",
    "a 0-9 2 4",
    "a 20-25 1 20",
    "b 0-50 2 20",
  ]);
  const { df: stream } = seconds("u STRING, value INT");
  const sessions = stream.withWatermark("eventTime", "1 second").groupBy(session_window(col("eventTime"), "5 seconds"), col("u")).count();
  assert.throws(() => sessions.writeStream.format("memory").queryName(uniqueName("s")).outputMode("update").start(), /session windows are not supported in update output mode/);
  assert.throws(() => stream.select(session_window(col("eventTime"), "5 seconds")), /supported as a grouping expression/);
});

test("a restarted query whose stateful operators changed fails naming what changed; the same query resumes", async () => {
  const checkpoint = tempPath("ck-compat");
  const ms = new MemoryStream("k STRING, n INT, value INT", uniqueName("compat"));
  const load = () => spark.readStream.format("memory").option("name", ms.name).load();
  const run = async (df: DataFrame) => {
    const q = df.writeStream.format("memory").queryName(uniqueName("compat")).outputMode("update").option("checkpointLocation", checkpoint).start();
    ms.addData([{ k: "a", n: 1, value: 1 }]);
    try {
      await q.processAllAvailable();
    } finally {
      await q.stop();
    }
    return q;
  };
  await run(load().groupBy("k").agg(sum("n").alias("s")));
  const schema = JSON.parse(readFileSync(join(checkpoint, "state", "0", "_metadata", "schema.json"), "utf8"));
  assert.deepEqual(schema, { version: 1, operator: "aggregate", key: "string", value: "sum(int)" });
  await assert.rejects(run(load().groupBy("n").agg(sum("n").alias("s"))), /the state key was \[string\] and is now \[int\].*use a new checkpoint location/);
  await assert.rejects(run(load().groupBy("k").agg(sum("n").alias("s"), count("*").alias("c"))), /the state value was \[sum\(int\)\] and is now \[sum\(int\), count\(\*\)\]/);
  await assert.rejects(run(load().dropDuplicates(["k"])), /the operator was aggregate and is now dedupe/);
  // A renamed key of the same type is the same state, as Spark allows.
  await run(load().withColumnRenamed("k", "key").groupBy("key").agg(sum("n").alias("s")));
});

test("SQL over a watermarked streaming view: GROUP BY session_window and window, in append mode", async () => {
  const { ms, df } = seconds("u STRING, value INT");
  df.withWatermark("eventTime", "0 seconds").createOrReplaceTempView("et_sql_stream");
  const sessions = spark.sql(
    "SELECT u, CAST(session_window.start AS LONG) AS s, CAST(session_window.end AS LONG) AS e, count(*) AS n FROM et_sql_stream GROUP BY u, session_window(eventTime, '5 seconds')",
  );
  const windows = spark.sql("SELECT CAST(window.start AS LONG) AS s, count(*) AS n FROM et_sql_stream GROUP BY window(eventTime, '10 seconds')");
  assert.ok(sessions.isStreaming && windows.isStreaming);
  const hs = harness(sessions, "append");
  const hw = harness(windows, "append");
  const add = () => ms.addData([{ u: "a", value: 1 }, { u: "a", value: 4 }, { u: "b", value: 2 }, { u: "a", value: 30 }]);
  // Watermark 30 s after the batch: every session but a's last closes; windows [0, 10) closes.
  const s = await hs.step(add);
  const w = await hw.step(() => undefined);
  assert.deepEqual(sorted(s), [{ u: "a", s: 1n, e: 9n, n: 2n }, { u: "b", s: 2n, e: 7n, n: 1n }]);
  assert.deepEqual(w, [{ s: 0n, n: 3n }]);
  await hs.q.stop();
  await hw.q.stop();
});

test("two watermarked inputs: the query's watermark is the slower one's (multipleWatermarkPolicy min)", async () => {
  const a = seconds();
  const b = seconds();
  const both = a.df.withWatermark("eventTime", "0 seconds").union(b.df.withWatermark("eventTime", "0 seconds"));
  const agg = both.groupBy(window(col("eventTime"), "10 seconds")).count().select(col("window.start").cast("long").alias("s"), col("count"));
  const h = harness(agg, "append");
  assert.deepEqual(await h.step(() => a.ms.addData([{ value: 1 }, { value: 25 }])), [], "b has seen nothing: the watermark stays 0");
  assert.deepEqual(await h.step(() => b.ms.addData([{ value: 12 }])), [{ s: 0n, count: 1n }], "now min(25, 12) = 12 closes [0, 10)");
  assert.equal(h.q.lastProgress?.eventTime.watermark, "1970-01-01T00:00:12.000Z");
  await h.q.stop();
});

test("dropDuplicates keyed by a time window: the window's end is the event time (late rows dropped, keys evicted)", async () => {
  const { ms, df } = seconds("u STRING, value INT");
  const deduped = df
    .withWatermark("eventTime", "0 seconds")
    .select(window(col("eventTime"), "5 seconds").alias("w"), col("u"))
    .dropDuplicates("w", "u")
    .select(col("w.start").cast("long").alias("s"), col("u"));
  const h = harness(deduped, "append");
  assert.deepEqual(sorted(await h.step(() => ms.addData([{ u: "a", value: 1 }, { u: "a", value: 2 }, { u: "b", value: 7 }]))), [{ s: 0n, u: "a" }, { s: 5n, u: "b" }]);
  // Watermark 7 s: [0, 5) is evicted, and a row in it is late; [5, 10) is still remembered.
  assert.deepEqual(await h.step(() => ms.addData([{ u: "a", value: 3 }, { u: "b", value: 8 }])), []);
  assert.equal(h.q.recentProgress.find((p) => p.numInputRows === 2)?.stateOperators[0].numRowsDroppedByWatermark, 1);
  assert.equal(lastState(h.q).numRowsTotal, 1);
  await h.q.stop();
});

test("collect_list and collect_set in a windowed aggregation, across a restart", async () => {
  const checkpoint = tempPath("ck-collect");
  const ms = new MemoryStream("u STRING, page STRING, value INT", uniqueName("collect"));
  const query = () =>
    spark.readStream
      .format("memory")
      .option("name", ms.name)
      .load()
      .withColumn("eventTime", col("value").cast("timestamp"))
      .withWatermark("eventTime", "0 seconds")
      .groupBy(window(col("eventTime"), "10 seconds"), col("u"))
      .agg(collect_list("page").alias("pages"), collect_set("page").alias("distinctPages"))
      .select(col("u"), col("pages"), col("distinctPages"));
  const first = harness(query(), "append", checkpoint);
  assert.deepEqual(await first.step(() => ms.addData([{ u: "a", page: "home", value: 1 }, { u: "a", page: null, value: 2 }, { u: "a", page: "cart", value: 3 }])), []);
  await first.q.stop();
  const second = harness(query(), "append", checkpoint);
  const rows = await second.step(() => ms.addData([{ u: "a", page: "home", value: 4 }, { u: "b", page: "x", value: 30 }]));
  assert.deepEqual(rows, [{ u: "a", pages: ["home", "cart", "home"], distinctPages: ["home", "cart"] }]);
  await second.q.stop();
  const batch = await spark.createDataFrame([{ k: 1, v: 2.5 }, { k: 1, v: NaN }, { k: 1, v: NaN }, { k: 2, v: null }], "k INT, v DOUBLE").groupBy("k").agg(collect_set("v").alias("s"), collect_list("v").alias("l")).orderBy("k").collect();
  assert.deepEqual(batch.map((r) => ({ ...r })), [
    { k: 1, s: [2.5, NaN], l: [2.5, NaN, NaN] },
    { k: 2, s: [], l: [] },
  ]);
});

test("dropDuplicatesWithinWatermark over a long run: every event once, state bounded by the delay", async () => {
  const { ms, df } = seconds("id STRING, value INT");
  const h = harness(df.withWatermark("eventTime", "10 seconds").dropDuplicatesWithinWatermark("id").select(col("id")), "append");
  const out: string[] = [];
  let maxState = 0;
  try {
    // Batch b holds events b*5 … b*5+4 (one per second) and the redeliveries of batch b-1's events,
    // 5 s later: a duplicate with another timestamp, within the 10 s delay.
    for (let b = 0; b < 120; b++) {
      const rows: { id: string; value: number }[] = [];
      for (let k = 0; k < 5; k++) rows.push({ id: `e${b * 5 + k}`, value: b * 5 + k });
      if (b > 0) for (let k = 0; k < 5; k++) rows.push({ id: `e${(b - 1) * 5 + k}`, value: (b - 1) * 5 + k + 5 });
      out.push(...(await h.step(() => ms.addData(rows))).map((r) => String(r.id)));
      for (const p of h.q.recentProgress.slice(-2)) maxState = Math.max(maxState, p.stateOperators[0]?.numRowsTotal ?? 0);
    }
  } finally {
    await h.q.stop();
  }
  assert.equal(out.length, 600);
  assert.equal(new Set(out).size, 600, "each event once");
  // A key lives until the watermark (latest time - 10 s) reaches its time + 10 s: about 20 s of
  // events (5 a second, one second per event here) plus the batch in flight.
  assert.ok(maxState <= 30, `state rows peaked at ${maxState}: not bounded by the 10 s delay`);
});
