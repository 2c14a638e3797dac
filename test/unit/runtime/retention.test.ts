/**
 * Checkpoint retention as a running query applies it: `spark.sql.streaming.minBatchesToRetain`
 * bounds `offsets/`, `commits/` and the state store's versions batch by batch, and a query
 * restarted from the bounded checkpoint still recovers its state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, MemoryStream, ConfigError } from "../../../src/index.js";
import { streamingRetention, DEFAULT_RETENTION } from "../../../src/checkpoint/retention.js";
import { tempPath, uniqueName } from "../api/support.js";

const spark = SparkSession.builder.appName("retention-test").getOrCreate();

const batchIds = (dir: string): number[] =>
  readdirSync(dir)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);

test("minBatchesToRetain bounds offsets/, commits/ and state versions while the query runs; a restart recovers", async () => {
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  const ck = tempPath("ck");
  const table = uniqueName("dedup");
  spark.conf.set("spark.sql.streaming.minBatchesToRetain", 5);
  spark.conf.set("spark.sql.streaming.stateStore.minDeltasForSnapshot", 3);
  const start = () =>
    spark.readStream.format("memory").option("name", ms.name).load().dropDuplicates(["id"])
      .writeStream.format("memory").queryName(table).option("checkpointLocation", ck).start();
  try {
    const q = start();
    for (let b = 0; b < 30; b++) {
      ms.addData([{ id: `k${b}` }, { id: `k${Math.max(0, b - 1)}` }]);
      await q.processAllAvailable();
      const offsets = batchIds(join(ck, "offsets"));
      assert.ok(offsets.length <= 6, `batch ${b}: offsets/ holds ${offsets.length} files`);
      assert.ok(batchIds(join(ck, "commits")).length <= 6);
    }
    await q.stop();
    assert.deepEqual(batchIds(join(ck, "offsets")), [24, 25, 26, 27, 28, 29]);
    assert.deepEqual(batchIds(join(ck, "commits")), [24, 25, 26, 27, 28, 29]);
    // State: batch 29 committed version 30. Version 30 - 5 = 25 needs snapshot 24 and deltas 25..;
    // everything older is gone (snapshots every 3 versions: 3, 6, …, 30).
    const state = readdirSync(join(ck, "state", "0", "0")).sort((a, b) => parseInt(a) - parseInt(b));
    assert.ok(state.length <= 10, `state folder holds ${state.join(", ")}`);
    assert.ok(state.every((f) => parseInt(f) >= 24), `state folder holds ${state.join(", ")}`);

    const again = start();
    ms.addData([{ id: "k3" }, { id: "k29" }, { id: "new" }]);
    await again.processAllAvailable();
    await again.stop();
    const ids = (await spark.table(table).collect()).map((r) => String(r.id));
    assert.deepEqual(ids.filter((id) => id === "new" || id === "k3" || id === "k29").sort(), ["k29", "k3", "new"], "k3 and k29 were seen before the restart");
  } finally {
    spark.conf.unset("spark.sql.streaming.minBatchesToRetain");
    spark.conf.unset("spark.sql.streaming.stateStore.minDeltasForSnapshot");
  }
});

test("retention settings use Spark's names, defaults and value syntax; a malformed one fails start()", () => {
  assert.deepEqual(streamingRetention({}), DEFAULT_RETENTION);
  const r = streamingRetention({
    "spark.sql.streaming.minBatchesToRetain": "7",
    "spark.sql.streaming.fileSink.log.cleanupDelay": "30s",
    "spark.sql.streaming.fileSink.log.deletion": "FALSE",
    "spark.sql.streaming.fileSource.log.compactInterval": "4",
  });
  assert.equal(r.minBatchesToRetain, 7);
  assert.deepEqual(r.fileSinkLog, { compactInterval: 10, deletion: false, cleanupDelayMs: 30_000, minBatchesToRetain: 7 });
  assert.deepEqual(r.fileSourceLog, { compactInterval: 4, deletion: true, cleanupDelayMs: 600_000, minBatchesToRetain: 7 });
  assert.throws(
    () => streamingRetention({ "spark.sql.streaming.minBatchesToRetain": "0" }),
    (e: unknown) => e instanceof ConfigError && e.message === `session: setting 'spark.sql.streaming.minBatchesToRetain' must be a positive integer, got "0"`,
  );
  const ms = new MemoryStream("id STRING", uniqueName("ms"));
  spark.conf.set("spark.sql.streaming.fileSink.log.cleanupDelay", "soon");
  try {
    assert.throws(
      () => spark.readStream.format("memory").option("name", ms.name).load().writeStream.format("memory").queryName(uniqueName("t")).start(),
      /setting 'spark\.sql\.streaming\.fileSink\.log\.cleanupDelay' must be a duration such as 7d, 12h, 30m, 10s or 500ms, got "soon"/,
    );
  } finally {
    spark.conf.unset("spark.sql.streaming.fileSink.log.cleanupDelay");
  }
});
