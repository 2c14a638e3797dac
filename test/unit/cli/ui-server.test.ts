/**
 * The dashboard's model (`sluice run --ui`): what `/api/state` and the event stream carry comes
 * from the queries themselves, so a stopped query keeps its trigger, plan and recent batches.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, MemoryStream } from "../../../src/index.js";
import { DashboardState } from "../../../src/cli/ui-server.js";

test("the dashboard's state follows a query through its batches and after it stops", async () => {
  const spark = SparkSession.builder.getOrCreate();
  const state = new DashboardState();
  state.attach(spark);
  const events: string[] = [];
  const unsubscribe = state.subscribe((event) => events.push(event));
  const input = new MemoryStream("id STRING", `ui_state_${Date.now()}`);
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .writeStream.format("memory")
    .queryName(`ui_state_q_${Date.now()}`)
    .option("checkpointLocation", mkdtempSync(join(tmpdir(), "sluice-ui-state-")))
    .start();
  for (const id of ["a", "b"]) {
    input.addData([{ id }]);
    await q.processAllAvailable();
  }
  const running = state.snapshot().find((s) => s.id === q.id);
  assert.equal(running?.active, true);
  assert.deepEqual(
    running?.progress.filter((p) => p.numInputRows > 0).map((p) => p.batchId),
    [0, 1],
  );
  await q.stop();
  unsubscribe();
  spark.streams.removeListener(state);
  const stopped = state.snapshot().find((s) => s.id === q.id);
  assert.equal(stopped?.active, false);
  assert.equal(stopped?.exception, null);
  assert.equal(stopped?.trigger, "ProcessingTime(0 ms)");
  assert.match(stopped?.plan ?? "", /outputMode: append/, "the plan stays once the query stopped");
  assert.equal(stopped?.progress.length, q.recentProgress.length);
  assert.deepEqual(events.filter((e) => e === "query").length, 2, "started and stopped");
  assert.ok(events.filter((e) => e === "progress").length >= 2);
});
