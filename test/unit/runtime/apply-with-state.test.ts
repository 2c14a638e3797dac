/**
 * `groupBy(…).applyWithState(…)` (Spark's flatMapGroupsWithState / applyInPandasWithState) through
 * the public API: Spark's structured sessionization example with an event-time timeout, a
 * processing-time timeout firing without new data, state across a restart, batch DataFrames, and
 * Spark's errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, MemoryStream, AnalysisError, col, explode, split } from "../../../src/index.js";
import type { GroupState } from "../../../src/index.js";
import { tempPath, uniqueName, sleep } from "../api/support.js";

const spark = SparkSession.builder.appName("apply-with-state-test").getOrCreate();

interface Session extends Record<string, unknown> {
  numEvents: bigint;
  startMs: bigint;
  endMs: bigint;
}

const GAP_MS = 10_000n;

/**
 * Spark's StructuredSessionization: words are session ids; a session lasts while its events come
 * less than 10 s apart; on timeout it is reported (expired) and forgotten.
 */
function sessionize(key: unknown[], rows: Record<string, unknown>[], state: GroupState<Session>): Record<string, unknown>[] {
  const id = String(key[0]);
  if (state.hasTimedOut) {
    const s = state.get();
    state.remove();
    return [{ id, durationMs: s.endMs - s.startMs, numEvents: s.numEvents, expired: true }];
  }
  const times = rows.map((r) => BigInt((r.eventTime as Date).getTime()));
  const start = times.reduce((a, b) => (a < b ? a : b));
  const end = times.reduce((a, b) => (a > b ? a : b)) + GAP_MS;
  const old = state.getOption();
  const next: Session = old === undefined ? { numEvents: BigInt(rows.length), startMs: start, endMs: end } : { numEvents: old.numEvents + BigInt(rows.length), startMs: old.startMs < start ? old.startMs : start, endMs: old.endMs > end ? old.endMs : end };
  state.update(next);
  state.setTimeoutTimestamp(Number(next.endMs));
  return [{ id, durationMs: next.endMs - next.startMs, numEvents: next.numEvents, expired: false }];
}

const OUTPUT = "id STRING, durationMs BIGINT, numEvents BIGINT, expired BOOLEAN";
const STATE = "numEvents BIGINT, startMs BIGINT, endMs BIGINT";

function lines(ms: MemoryStream) {
  return spark.readStream
    .format("memory")
    .option("name", ms.name)
    .load()
    .withColumn("eventTime", col("t").cast("timestamp"))
    .withWatermark("eventTime", "0 seconds")
    .select(explode(split(col("value"), " ")).alias("sessionId"), col("eventTime"));
}

test("sessionization with an event-time timeout: sessions update, expire when the watermark passes them, and survive a restart", async () => {
  const checkpoint = tempPath("ck-aws");
  const ms = new MemoryStream("value STRING, t INT", uniqueName("aws"));
  const start = () => {
    const name = uniqueName("sessions");
    const q = lines(ms)
      .groupBy("sessionId")
      .applyWithState(sessionize, OUTPUT, STATE, "update", "EventTimeTimeout")
      .writeStream.format("memory")
      .queryName(name)
      .outputMode("update")
      .option("checkpointLocation", checkpoint)
      .start();
    let seen = 0;
    return {
      q,
      async step(rows: [string, number][]): Promise<string[]> {
        ms.addData(rows.map(([value, t]) => ({ value, t })));
        await q.processAllAvailable();
        const all = await spark.table(name).collect();
        const fresh = all.slice(seen).map((r) => `${String(r.id)} ${String(r.numEvents)} ${String(r.durationMs)}${r.expired === true ? " expired" : ""}`);
        seen = all.length;
        return fresh.sort();
      },
    };
  };
  const a = start();
  assert.deepEqual(await a.step([["hello world", 1], ["hello", 5]]), ["hello 2 14000", "world 1 10000"]);
  // Watermark 5 s: nothing has expired (hello ends at 15 s, world at 11 s).
  assert.deepEqual(await a.step([["world", 9]]), ["world 2 18000"]);
  await a.q.stop();
  const b = start();
  // Watermark 9 s after the restart: an event at 16 s moves it to 16 s; hello (15 s) expires in the no-data batch.
  assert.deepEqual(await b.step([["spark", 16]]), ["hello 2 14000 expired", "spark 1 10000"]);
  assert.deepEqual(await b.step([["spark", 30]]), ["spark 2 24000", "world 2 18000 expired"]);
  const p = b.q.lastProgress;
  assert.equal(p?.stateOperators[0].operatorName, "flatMapGroupsWithState");
  assert.equal(p?.stateOperators[0].numRowsTotal, 1);
  await b.q.stop();
});

test("a processing-time timeout fires in a batch without new data once it is due", async () => {
  const ms = new MemoryStream("k STRING", uniqueName("ptt"));
  const name = uniqueName("ptt");
  const q = spark.readStream
    .format("memory")
    .option("name", ms.name)
    .load()
    .groupBy("k")
    .applyWithState(
      (key, rows, state: GroupState<{ n: bigint }>) => {
        if (state.hasTimedOut) {
          const n = state.get().n;
          state.remove();
          return [{ k: key[0], n, done: true }];
        }
        const n = (state.getOption()?.n ?? 0n) + BigInt(rows.length);
        state.update({ n });
        state.setTimeoutDuration("200 milliseconds");
        return [];
      },
      "k STRING, n BIGINT, done BOOLEAN",
      "n BIGINT",
      "append",
      "ProcessingTimeTimeout",
    )
    .writeStream.format("memory")
    .queryName(name)
    .outputMode("append")
    .start();
  ms.addData([{ k: "a" }, { k: "a" }, { k: "b" }]);
  await q.processAllAvailable();
  assert.deepEqual(await spark.table(name).collect(), []);
  ms.addData([{ k: "a" }]);
  await q.processAllAvailable();
  await sleep(400);
  await q.processAllAvailable();
  const rows = (await spark.table(name).collect()).map((r) => `${String(r.k)}=${String(r.n)}`).sort();
  assert.deepEqual(rows, ["a=3", "b=1"]);
  assert.equal(q.lastProgress?.numInputRows, 0, "the timeouts ran in a batch without new data");
  await q.stop();
});

test("over a batch DataFrame: one call per key with all its rows, no timeouts", async () => {
  const df = spark.createDataFrame([{ k: "x", v: 1 }, { k: "y", v: 2 }, { k: "x", v: 3 }], "k STRING, v INT");
  const calls: string[] = [];
  const out = await df
    .groupBy(col("k"))
    .applyWithState(
      (key, rows, state) => {
        calls.push(`${String(key[0])}:${rows.length}:${state.exists}`);
        return [{ k: key[0], total: rows.reduce((a, r) => a + Number(r.v), 0) }];
      },
      "k STRING, total INT",
      "total INT",
      "update",
    )
    .orderBy("k")
    .collect();
  assert.deepEqual(out.map((r) => ({ ...r })), [
    { k: "x", total: 4 },
    { k: "y", total: 2 },
  ]);
  assert.deepEqual(calls, ["x:2:false", "y:1:false"]);
});

test("Spark's errors: modes that do not fit, an event-time timeout without a watermark, misuse of GroupState", async () => {
  const ms = new MemoryStream("k STRING, t INT", uniqueName("err"));
  const df = spark.readStream.format("memory").option("name", ms.name).load();
  const update = df.groupBy("k").applyWithState(() => [], "k STRING", "n INT", "update");
  assert.throws(() => update.writeStream.format("memory").queryName(uniqueName("e")).outputMode("append").start(), /applyWithState in update mode is not supported with append output mode/);
  assert.throws(() => df.groupBy("k").applyWithState(() => [], "k STRING", "n INT", "update", "EventTimeTimeout"), AnalysisError);
  assert.throws(() => df.groupBy("k").applyWithState(() => [], "k STRING", "n INT", "sideways" as "update"), /outputMode must be append or update/);
  assert.throws(() => df.groupBy("k").applyWithState(() => [], "k STRING", "n INT", "update", "Hourly"), /timeoutConf must be/);
  const misuse = df.groupBy("k").applyWithState(
    (_key, _rows, state) => {
      state.setTimeoutDuration(1000);
      return [];
    },
    "k STRING",
    "n INT",
    "update",
  );
  const q = misuse.writeStream.format("memory").queryName(uniqueName("e")).outputMode("update").start();
  ms.addData([{ k: "a", t: 1 }]);
  await assert.rejects(q.processAllAvailable(), /the function failed for key \["a"\]: GroupState: cannot set timeout duration without enabling processing time timeout/);
});

test("keys the function keeps nothing for do not stay in state; fractional timeouts are truncated", async () => {
  const ms = new MemoryStream("k STRING", uniqueName("nostate"));
  const name = uniqueName("nostate");
  const q = spark.readStream
    .format("memory")
    .option("name", ms.name)
    .load()
    .groupBy("k")
    .applyWithState(
      (key, rows, state: GroupState<{ n: bigint }>) => {
        if (key[0] === "keep") {
          state.update({ n: BigInt(rows.length) });
          state.setTimeoutDuration(1500.5);
        }
        return [{ k: key[0] }];
      },
      "k STRING",
      "n BIGINT",
      "update",
      "ProcessingTimeTimeout",
    )
    .writeStream.format("memory")
    .queryName(name)
    .outputMode("update")
    .start();
  ms.addData([{ k: "keep" }, { k: "a" }, { k: "b" }]);
  await q.processAllAvailable();
  ms.addData([{ k: "c" }, { k: "d" }]);
  await q.processAllAvailable();
  assert.equal(q.lastProgress?.stateOperators[0].numRowsTotal, 1, "only the key with a state value");
  await q.stop();
  assert.equal(q.exception, null);
  const df = spark.readStream.format("memory").option("name", ms.name).load();
  const appendFn = df.groupBy("k").applyWithState(() => [], "k STRING", "n INT", "append");
  assert.throws(() => appendFn.writeStream.format("memory").queryName(uniqueName("e")).outputMode("update").start(), /applyWithState in append mode is not supported with update output mode/);
});
