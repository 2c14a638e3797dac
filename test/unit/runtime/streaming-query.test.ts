/**
 * The streaming query lifecycle through the public API: status and progress reports in Spark's
 * shapes, id/runId across restarts, processAllAvailable, stop, awaitTermination, failures,
 * `spark.streams` (active/get/listeners/awaitAnyTermination) and the four triggers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, MemoryStream, SinkError, AnalysisError, ConfigError, count, col } from "../../../src/index.js";
import type { StreamingQueryListener, StreamingQueryProgress } from "../../../src/index.js";
import { tempPath, uniqueName, sleep, waitFor } from "../api/support.js";

const spark = SparkSession.builder.appName("streaming-query-test").getOrCreate();

function memoryInput(schema = "id STRING, n INT"): MemoryStream {
  return new MemoryStream(schema, uniqueName("ms"));
}

function load(ms: MemoryStream) {
  return spark.readStream.format("memory").option("name", ms.name).load();
}

test("processAllAvailable processes data added between calls; progress has Spark's StreamingQueryProgress shape", async () => {
  const ms = memoryInput();
  const name = uniqueName("progress");
  const q = load(ms).filter(col("n").gt(0)).writeStream.format("memory").queryName(name).start();
  assert.equal(q.name, name);
  assert.equal(q.isActive, true);
  ms.addData([
    { id: "a", n: 1 },
    { id: "b", n: 0 },
  ]);
  await q.processAllAvailable();
  assert.deepEqual(await spark.table(name).collect(), [{ id: "a", n: 1 }]);
  ms.addData([{ id: "c", n: 2 }]);
  ms.addData([{ id: "d", n: 3 }]);
  await q.processAllAvailable();
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.id), ["a", "c", "d"]);
  await q.processAllAvailable(); // nothing new: resolves at the next idle check

  const p = q.lastProgress;
  assert.ok(p !== null);
  assert.deepEqual(Object.keys(p).sort(), [
    "batchDuration",
    "batchId",
    "durationMs",
    "eventTime",
    "id",
    "inputRowsPerSecond",
    "name",
    "numInputRows",
    "observedMetrics",
    "processedRowsPerSecond",
    "runId",
    "sink",
    "sources",
    "stateOperators",
    "timestamp",
  ]);
  assert.equal(p.id, q.id);
  assert.equal(p.runId, q.runId);
  assert.equal(p.name, name);
  assert.equal(p.batchId, 1);
  assert.equal(p.numInputRows, 2);
  assert.match(p.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(p.batchDuration >= 0 && p.processedRowsPerSecond >= 0 && p.inputRowsPerSecond >= 0);
  for (const k of ["addBatch", "commitOffsets", "latestOffset", "queryPlanning", "triggerExecution", "walCommit"]) {
    assert.equal(typeof p.durationMs[k], "number", k);
  }
  assert.deepEqual(p.stateOperators, []);
  assert.equal(p.sources.length, 1);
  assert.deepEqual(
    { ...p.sources[0], inputRowsPerSecond: 0, processedRowsPerSecond: 0 },
    { description: `MemoryStream[${ms.name}]`, startOffset: 1, endOffset: 3, latestOffset: 3, numInputRows: 2, inputRowsPerSecond: 0, processedRowsPerSecond: 0, metrics: {} },
  );
  assert.deepEqual(p.sink, { description: `MemorySink[${name}]`, numOutputRows: 2, metrics: {} });
  assert.deepEqual(q.recentProgress.map((x) => x.batchId), [0, 1]);
  // Progress is plain JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  assert.deepEqual(q.status, { message: "Waiting for data to arrive", isDataAvailable: false, isTriggerActive: false });

  await q.stop();
  assert.equal(q.isActive, false);
  assert.deepEqual(q.status, { message: "Stopped", isDataAvailable: false, isTriggerActive: false });
  assert.equal(q.exception, null);
  assert.equal(await q.awaitTermination(), true);
  await q.processAllAvailable(); // a stopped query has nothing to wait for
});

test("a stateful query reports its state operators", async () => {
  const ms = memoryInput();
  const q = load(ms).dropDuplicates(["id"]).groupBy("id").agg(count("*").alias("c"))
    .writeStream.format("memory").queryName(uniqueName("state")).outputMode("update").start();
  ms.addData([
    { id: "a", n: 1 },
    { id: "a", n: 2 },
    { id: "b", n: 3 },
  ]);
  await q.processAllAvailable();
  await q.stop();
  const ops = q.lastProgress?.stateOperators ?? [];
  assert.deepEqual(ops.map((o) => o.operatorName), ["dedupe", "stateStoreSave"]);
  assert.deepEqual(ops.map((o) => o.numRowsTotal), [2, 2]);
  for (const o of ops) {
    for (const k of ["numRowsUpdated", "numRowsRemoved", "numRowsDroppedByWatermark", "memoryUsedBytes", "commitTimeMs", "numShufflePartitions", "numStateStoreInstances"] as const) {
      assert.equal(typeof o[k], "number", k);
    }
  }
});

test("id is stable across restarts with the same checkpoint; runId is new on every start", async () => {
  const ms = memoryInput();
  const ck = tempPath("ck");
  const start = () => load(ms).writeStream.format("console").option("checkpointLocation", ck).option("numRows", 1).start();
  const silence = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const q1 = start();
    await q1.started;
    await q1.stop();
    const q2 = start();
    await q2.started;
    await q2.stop();
    assert.equal(q1.id, q2.id);
    assert.notEqual(q1.runId, q2.runId);
    const other = load(ms).writeStream.format("console").option("checkpointLocation", tempPath("ck")).start();
    await other.started;
    await other.stop();
    assert.notEqual(other.id, q1.id);
  } finally {
    process.stdout.write = silence;
  }
});

test("awaitTermination(timeout) takes seconds: false after the timeout while running, true once stopped", async () => {
  const ms = memoryInput();
  const q = load(ms).writeStream.format("memory").queryName(uniqueName("await")).start();
  // Seconds, as PySpark: 0.3 waits about 300 ms (not 0.3 ms) before reporting "still running".
  const t0 = performance.now();
  assert.equal(await q.awaitTermination(0.3), false);
  assert.ok(performance.now() - t0 >= 250, `awaitTermination(0.3) returned after ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(await q.awaitTermination(0), false);
  setTimeout(() => void q.stop(), 20);
  const t1 = performance.now();
  assert.equal(await q.awaitTermination(30), true);
  assert.ok(performance.now() - t1 < 10_000, "resolves when the query ends, not when the timeout passes");
  assert.equal(await q.awaitTermination(0), true);
});

test("awaitTermination and awaitAnyTermination refuse a timeout that is not a non-negative number of seconds", async () => {
  const ms = memoryInput();
  const q = load(ms).writeStream.format("memory").queryName(uniqueName("badTimeout")).start();
  try {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "10"]) {
      const refused = (e: unknown) => e instanceof ConfigError && /awaitTermination timeout must be a non-negative number of seconds, got/.test(e.message);
      await assert.rejects(q.awaitTermination(bad as number), refused);
      await assert.rejects(spark.streams.awaitAnyTermination(bad as number), (e: unknown) => e instanceof ConfigError && /awaitAnyTermination timeout/.test(e.message));
    }
  } finally {
    await q.stop();
  }
});

test("a throwing foreachBatch function fails the query: exception set, awaitTermination and processAllAvailable reject", async () => {
  const ms = memoryInput();
  const calls: number[] = [];
  const q = load(ms)
    .writeStream.option("checkpointLocation", tempPath("ck"))
    .foreachBatch(async (df, batchId) => {
      calls.push(batchId);
      if ((await df.count()) > 1) throw new Error("too many rows");
    })
    .start();
  ms.addData([{ id: "a", n: 1 }]);
  await q.processAllAvailable();
  ms.addData([
    { id: "b", n: 1 },
    { id: "c", n: 1 },
  ]);
  await assert.rejects(q.processAllAvailable(), (e: unknown) => e instanceof SinkError && /foreachBatch: the function failed on batch 1: too many rows/.test(e.message));
  await assert.rejects(q.awaitTermination(), SinkError);
  await assert.rejects(q.awaitTermination(10), SinkError); // failed: rejects at once, timeout or not
  assert.equal(q.isActive, false);
  assert.ok(q.exception instanceof SinkError);
  assert.equal(q.exception.code, "SLUICE_SINK");
  assert.ok(q.exception.cause instanceof Error);
  assert.deepEqual(calls, [0, 1]);
});

test("spark.streams: active, get, listeners (started/progress/idle/terminated), awaitAnyTermination", async () => {
  const events: string[] = [];
  const progress: StreamingQueryProgress[] = [];
  const listener: StreamingQueryListener = {
    onQueryStarted: (e) => events.push(`started:${e.name}:${e.id === "" ? "noid" : "id"}`),
    onQueryProgress: (e) => {
      progress.push(e.progress);
      events.push(`progress:${e.progress.batchId}`);
    },
    onQueryIdle: () => {
      if (events[events.length - 1] !== "idle") events.push("idle");
    },
    onQueryTerminated: (e) => events.push(`terminated:${e.exception ?? "ok"}`),
  };
  spark.streams.addListener(listener);
  spark.streams.resetTerminated();
  try {
    const ms = memoryInput();
    const name = uniqueName("listened");
    const q = load(ms).writeStream.format("memory").queryName(name).start();
    assert.ok(spark.streams.active.includes(q));
    await q.started;
    assert.equal(spark.streams.get(q.id), q);
    assert.equal(spark.streams.get("00000000-0000-0000-0000-000000000000"), null);
    ms.addData([{ id: "a", n: 1 }]);
    await q.processAllAvailable();
    const t0 = performance.now();
    assert.equal(await spark.streams.awaitAnyTermination(0.2), false);
    assert.ok(performance.now() - t0 >= 150, "awaitAnyTermination(0.2) waits about 200 ms");
    setTimeout(() => void q.stop(), 10);
    assert.equal(await spark.streams.awaitAnyTermination(), true);
    assert.ok(!spark.streams.active.includes(q));
    assert.equal(spark.streams.get(q.id), null);
    assert.deepEqual(events.slice(0, 1), [`started:${name}:id`]);
    assert.ok(events.includes("progress:0"));
    assert.ok(events.indexOf("idle") > events.indexOf("progress:0"));
    assert.equal(events[events.length - 1], "terminated:ok");
    assert.equal(progress[0].id, q.id);
    assert.equal(progress[0].numInputRows, 1);

    // A failed query: awaitAnyTermination rejects with its error; the listener hears the message.
    spark.streams.resetTerminated();
    const ms2 = memoryInput();
    const bad = load(ms2).writeStream.option("checkpointLocation", tempPath("ck")).foreachBatch(() => {
      throw new Error("nope");
    }).start();
    ms2.addData([{ id: "x", n: 1 }]);
    await assert.rejects(spark.streams.awaitAnyTermination(), SinkError);
    assert.equal(bad.isActive, false);
    assert.match(events[events.length - 1], /^terminated:foreachBatch: the function failed on batch 0: nope$/);
  } finally {
    spark.streams.removeListener(listener);
    spark.streams.resetTerminated();
  }
});

test("a listener that throws does not break the query", async () => {
  const listener: StreamingQueryListener = {
    onQueryProgress: () => {
      throw new Error("listener bug");
    },
  };
  spark.streams.addListener(listener);
  const errWrite = process.stderr.write;
  let stderr = "";
  process.stderr.write = ((s: string) => {
    stderr += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    const ms = memoryInput();
    const name = uniqueName("robust");
    const q = load(ms).writeStream.format("memory").queryName(name).start();
    ms.addData([{ id: "a", n: 1 }]);
    await q.processAllAvailable();
    await q.stop();
    assert.equal(q.exception, null);
    assert.equal((await spark.table(name).collect()).length, 1);
    assert.match(stderr, /a listener threw: listener bug/);
  } finally {
    process.stderr.write = errWrite;
    spark.streams.removeListener(listener);
  }
});

test("two queries on one checkpoint: the second is refused while the first runs", async () => {
  const ms = memoryInput();
  const ck = tempPath("ck");
  const start = (name: string) => load(ms).writeStream.format("memory").queryName(name).option("checkpointLocation", ck).start();
  const first = start(uniqueName("first"));
  await first.started;
  const second = start(uniqueName("second"));
  await assert.rejects(second.awaitTermination(), (e: unknown) => e instanceof AnalysisError && /same checkpoint location/.test(e.message));
  assert.equal(first.isActive, true);
  ms.addData([{ id: "a", n: 1 }]);
  await first.processAllAvailable();
  await first.stop();
  assert.equal(first.exception, null);
  spark.streams.resetTerminated();
});

test("trigger once runs one batch of everything available, then stops", async () => {
  const ms = memoryInput();
  ms.addData([{ id: "a", n: 1 }]);
  ms.addData([{ id: "b", n: 2 }]);
  const name = uniqueName("once");
  const q = load(ms).writeStream.format("memory").queryName(name).trigger({ once: true }).start();
  assert.equal(await q.awaitTermination(30), true);
  assert.deepEqual(q.recentProgress.map((p) => [p.batchId, p.numInputRows]), [[0, 2]]);
  assert.equal((await spark.table(name).collect()).length, 2);
  // With nothing new, a once trigger ends without a batch.
  const empty = memoryInput();
  const q2 = load(empty).writeStream.format("memory").queryName(uniqueName("once")).trigger({ once: true }).start();
  await q2.awaitTermination();
  assert.equal(q2.recentProgress.length, 0);
});

test("trigger availableNow processes what exists at start in several batches (maxFilesPerTrigger), then stops", async () => {
  const dir = tempPath("landing");
  mkdirSync(dir);
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.json`), `{"id":"e${i}","n":${i}}\n`);
  const name = uniqueName("availableNow");
  const q = spark.readStream.format("json").schema("id STRING, n INT").option("maxFilesPerTrigger", 2).load(dir)
    .writeStream.format("memory").queryName(name).option("checkpointLocation", tempPath("ck")).trigger({ availableNow: true }).start();
  await q.awaitTermination();
  assert.equal(q.exception, null);
  assert.deepEqual(q.recentProgress.map((p) => [p.batchId, p.numInputRows]), [
    [0, 2],
    [1, 2],
    [2, 1],
  ]);
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.id).sort(), ["e0", "e1", "e2", "e3", "e4"]);
});

test("trigger processingTime starts batches on interval boundaries", async () => {
  const ms = memoryInput();
  const interval = 100;
  const q = load(ms).writeStream.format("memory").queryName(uniqueName("pt")).trigger({ processingTime: `${interval} milliseconds` }).start();
  for (let i = 0; i < 4; i++) {
    ms.addData([{ id: String(i), n: i }]);
    await sleep(interval / 2);
  }
  await waitFor(() => q.recentProgress.length >= 3, 5000, "three batches");
  await q.stop();
  const starts = q.recentProgress.map((p) => Date.parse(p.timestamp));
  // The first batch starts at once; later ones on interval boundaries (timers may fire late under
  // load), never two in one interval, although data arrived twice per interval.
  for (const t of starts.slice(1)) assert.ok(t % interval < 50, `batch started ${t % interval} ms after a boundary`);
  const slots = starts.map((t) => Math.floor(t / interval));
  for (let i = 1; i < slots.length; i++) assert.ok(slots[i] > slots[i - 1], `two batches in one interval: ${starts.join(", ")}`);
});

test("the default trigger runs a batch as soon as data arrives", async () => {
  const ms = memoryInput();
  const name = uniqueName("default");
  const q = load(ms).writeStream.format("memory").queryName(name).start();
  ms.addData([{ id: "a", n: 1 }]);
  await waitFor(() => (q.lastProgress?.batchId ?? -1) >= 0, 2000, "batch 0");
  ms.addData([{ id: "b", n: 1 }]);
  await waitFor(() => (q.lastProgress?.batchId ?? -1) >= 1, 2000, "batch 1");
  await q.stop();
  assert.deepEqual((await spark.table(name).collect()).map((r) => r.id), ["a", "b"]);
});

test("spark.stop() stops every active query", async () => {
  const session = SparkSession.builder.getOrCreate();
  const ms = memoryInput();
  const q1 = load(ms).writeStream.format("memory").queryName(uniqueName("s1")).start();
  const q2 = load(ms).writeStream.format("memory").queryName(uniqueName("s2")).start();
  await session.stop();
  assert.equal(q1.isActive, false);
  assert.equal(q2.isActive, false);
  assert.deepEqual(session.streams.active, []);
});
