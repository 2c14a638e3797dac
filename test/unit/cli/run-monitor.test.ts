/**
 * `sluice run`'s progress display (issue 14): the per-batch line, the live block and the summary,
 * from real progress reports of a query run through a session, in each mode.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { SparkSession, MemoryStream, col } from "../../../src/index.js";
import { RunMonitor, batchLine, progressBar, statusBlock, summary } from "../../../src/cli/run-monitor.js";
import type { ProgressMode } from "../../../src/cli/run-monitor.js";
import type { StreamingQueryProgress } from "../../../src/runtime/progress.js";

/** Runs a 3-batch dedup query with a monitor in `mode` attached; returns what it wrote. */
async function runWith(mode: ProgressMode): Promise<{ out: string; err: string; progress: StreamingQueryProgress[] }> {
  const spark = SparkSession.builder.appName("run-monitor").getOrCreate();
  let out = "";
  let err = "";
  const terminal = new PassThrough() as unknown as NodeJS.WriteStream;
  const monitor = await RunMonitor.create(mode, { out: (s) => (out += s), err: (s) => (err += s), terminal });
  monitor.attach(spark);
  const input = new MemoryStream("id STRING", `monitor_input_${mode}_${Date.now()}`);
  const q = spark.readStream
    .format("memory")
    .option("name", input.name)
    .load()
    .dropDuplicates(["id"])
    .filter(col("id").isNotNull())
    .writeStream.format("memory")
    .queryName(`monitor_${mode}`)
    .option("checkpointLocation", mkdtempSync(join(tmpdir(), "sluice-monitor-")))
    .start();
  for (const rows of [[{ id: "a" }, { id: "b" }], [{ id: "a" }, { id: "c" }], [{ id: "d" }]]) {
    input.addData(rows);
    await q.processAllAvailable();
  }
  await q.stop();
  monitor.finish();
  spark.streams.removeListener(monitor);
  return { out, err, progress: q.recentProgress.filter((p) => p.numInputRows > 0) };
}

test("lines: one line per batch with rows, rate and state, then a summary", async () => {
  const { out, err, progress } = await runWith("lines");
  assert.equal(out, "");
  const lines = err.trimEnd().split("\n");
  assert.equal(progress.length, 3);
  for (const [i, p] of progress.entries()) {
    assert.equal(lines[i], batchLine(p));
    assert.match(lines[i], new RegExp(`^sluice: monitor_lines \\[[0-9a-f]{8}\\] batch ${p.batchId}: ${p.numInputRows} rows in, ${p.sink.numOutputRows} out in \\d+ ms`));
  }
  assert.match(lines[1], /2 rows in, 1 out .*state 3 rows/);
  assert.match(lines.at(-1) ?? "", /^sluice: monitor_lines \[[0-9a-f]{8}\]: 3 batches, 5 rows in, 4 out in .*; output: MemorySink/);
});

test("json: each progress as one JSON line on stdout, in Spark's shape; no summary", async () => {
  const { out, err, progress } = await runWith("json");
  assert.equal(err, "");
  const parsed = out
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as StreamingQueryProgress)
    .filter((p) => p.numInputRows > 0);
  assert.deepEqual(parsed, JSON.parse(JSON.stringify(progress)));
  assert.ok(parsed.every((p) => typeof p.durationMs.triggerExecution === "number" && Array.isArray(p.sources)));
});

test("quiet writes nothing", async () => {
  const { out, err } = await runWith("quiet");
  assert.equal(out + err, "");
});

test("the live block shows the query's figures; the summary names failures", () => {
  const p = {
    id: "0123456789abcdef",
    runId: "r",
    name: "silver",
    timestamp: "2026-12-07T00:00:00.000Z",
    batchId: 7,
    batchDuration: 1500,
    numInputRows: 120_000,
    inputRowsPerSecond: 40_000,
    processedRowsPerSecond: 80_000,
    durationMs: { triggerExecution: 1500 },
    eventTime: { watermark: "2026-12-06T23:50:00.000Z" },
    stateOperators: [{ numRowsTotal: 1_000_000 }],
    sources: [{ metrics: { numFilesOutstanding: "3", numBytesOutstanding: String(5 * 2 ** 20) } }],
    sink: { description: "DeltaSink[s3://lake/silver]", numOutputRows: 110_000, metrics: {} },
    observedMetrics: {},
  } as unknown as StreamingQueryProgress;
  const view = {
    id: p.id,
    name: p.name,
    startedMs: 0,
    last: p,
    rowsIn: 840_000,
    rowsOut: 800_000,
    lastCommitMs: 10_000,
    inFlightSinceMs: 11_000,
    endedMs: null,
    error: null,
    query: { triggerDescription: "ProcessingTime(60000 ms)", batchProgress: { done: 4, total: 10, unit: "files" as const, batchStartedMs: 11_000 } },
  };
  assert.equal(
    statusBlock(view, 12_500),
    [
      "▶ silver [01234567]  batch 7  trigger ProcessingTime(60000 ms)",
      "  input 40k rows/s  processed 80k rows/s  rows in 840,000  out 800,000",
      "  backlog 3 files (5.0 MiB)  state 1,000,000 rows  watermark 2026-12-06T23:50:00.000Z",
      // 4 of 10 files in 1.5 s: the other 6 take 2.25 s more at that pace.
      "  [██████████░░░░░░░░░░░░░░]  40%  4 of 10 files  ETA 2.3 s",
      "  last commit 2.5 s ago  batch in flight 1.5 s",
    ].join("\n"),
  );
  assert.match(batchLine(p), /batch 7: 120,000 rows in, 110,000 out in 1\.5 s \(80k rows\/s\), state 1,000,000 rows, watermark 2026-12-06T23:50:00\.000Z, backlog 3 files \(5\.0 MiB\)$/);
  assert.equal(
    summary([{ ...view, batches: 8, endedMs: 65_000, error: "boom" }], 70_000),
    "sluice: silver [01234567]: 8 batches, 840,000 rows in, 800,000 out in 1 min 5 s; output: DeltaSink[s3://lake/silver]; failed: boom\n",
  );
});

test("the progress bar: partial files, no ETA before anything is done, none without a size", () => {
  assert.equal(progressBar({ done: 0, total: 3, unit: "files", batchStartedMs: 0 }, 500), "[░░░░░░░░░░░░░░░░░░░░░░░░]   0%  0 of 3 files");
  assert.equal(progressBar({ done: 1.5, total: 3, unit: "files", batchStartedMs: 0 }, 3000), "[████████████░░░░░░░░░░░░]  50%  1.5 of 3 files  ETA 3.0 s");
  assert.equal(progressBar(null, 0), null);
});
