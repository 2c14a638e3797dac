/**
 * Long run: the bounded-logs acceptance as a benchmark. Many micro-batches (one tiny landing file
 * each, `maxFilesPerTrigger` 1, `availableNow`) run through JSON → `dropDuplicates` into a Delta
 * table and into the Parquet file sink, on local storage counted by a `CountingStorage`
 * (`bench/lib/long-run.ts`). The baseline is the same run's own early batches: what a batch costs
 * at the end of the run is compared with what it cost after batch 100, once every retention was in
 * force, so a cost that grows with history shows as a ratio above 1.
 *
 * Run:  node --import tsx bench/workloads/long-run.ts
 * Env:  BENCH_BATCHES (default 2000), BENCH_SINKS (default "delta,parquet"), BENCH_FSYNC (default 1;
 *       0 turns fsync off), BENCH_DELTA_RETENTION_SECONDS (delta.logRetentionDuration and
 *       checkpointRetentionDuration of the table, default 2), BENCH_DIR (work folder, default a fresh
 *       one under the OS temp folder), BENCH_KEEP=1 (keep it).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { meanOver, medianOver, runLongRun } from "../lib/long-run.js";
import type { BatchCost, LongRunResult, LongRunSink } from "../lib/long-run.js";

const batches = Number(process.env.BENCH_BATCHES ?? "2000");
const sinks = (process.env.BENCH_SINKS ?? "delta,parquet").split(",").map((s) => s.trim()) as LongRunSink[];
const fsync = process.env.BENCH_FSYNC !== "0";
const retention = Number(process.env.BENCH_DELTA_RETENTION_SECONDS ?? "2");
if (!Number.isInteger(batches) || batches < 400) throw new Error(`long-run: BENCH_BATCHES must be an integer of at least 400, got ${process.env.BENCH_BATCHES}`);
for (const s of sinks) if (s !== "delta" && s !== "parquet") throw new Error(`long-run: unknown sink '${s}' in BENCH_SINKS (delta, parquet)`);

/** A 100-batch window's figures: per-batch means of the counts, median and quartile of the time. */
function window(r: LongRunResult, from: number): Record<string, number> {
  const to = from + 100;
  const mean = (pick: (b: BatchCost) => number) => Number(meanOver(r.batches, from, to, pick).toFixed(2));
  return {
    from,
    to,
    calls: mean((b) => b.calls),
    get: mean((b) => b.counts.get),
    head: mean((b) => b.counts.head),
    list: mean((b) => b.counts.list),
    put: mean((b) => b.counts.put + b.counts.createWriter),
    delete: mean((b) => b.counts.delete),
    listedLogEntries: mean((b) => b.listedLogEntries),
    listedLandingEntries: mean((b) => b.listedLandingEntries),
    triggerMsMedian: medianOver(r.batches, from, to, (b) => b.triggerMs),
    triggerMsMean: mean((b) => b.triggerMs),
  };
}

const ratio = (late: number, early: number): number => Number((early === 0 ? (late === 0 ? 1 : Infinity) : late / early).toFixed(3));

const dir = process.env.BENCH_DIR ?? (await mkdtemp(join(tmpdir(), "sluice-long-run-")));
const results: Record<string, unknown> = {};
try {
  for (const sink of sinks) {
    process.stderr.write(`long-run: ${batches} batches into ${sink} (fsync ${fsync ? "on" : "off"})…\n`);
    const r = await runLongRun({ sink, batches, dir, fsync, deltaRetentionSeconds: retention });
    const early = window(r, 100);
    const late = window(r, batches - 100);
    results[sink] = {
      seconds: Number(r.seconds.toFixed(1)),
      folders: r.folders,
      batch0: { calls: r.batches[0].calls, listedLandingEntries: r.batches[0].listedLandingEntries },
      early,
      late,
      ratios: {
        calls: ratio(late.calls, early.calls),
        listedLogEntries: ratio(late.listedLogEntries, early.listedLogEntries),
        triggerMsMedian: ratio(late.triggerMsMedian, early.triggerMsMedian),
      },
      maxListedLogEntriesLate: Math.max(...r.batches.filter((b) => b.batchId >= batches - 100).map((b) => b.listedLogEntries)),
    };
  }
} finally {
  if (process.env.BENCH_KEEP !== "1" && process.env.BENCH_DIR === undefined) await rm(dir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify({ workload: "long-run", batches, fsync, deltaRetentionSeconds: retention, results }, null, 2) + "\n");
