/**
 * State size against memory: `dropDuplicates(["event_id"])` over N distinct UUID-like keys (36
 * bytes), fed to `DeduplicateOperator` in micro-batches of BENCH_BATCH rows with its state
 * committed to local disk after each batch, as a streaming query runs it. Reports throughput and
 * the peak resident set size (sampled every 50 ms), next to the bytes the keys themselves take, so
 * the figure for 20 M keys (issue 12's target: peak RSS < 512 MB with the default memory budget,
 * throughput within 2x of all-in-memory) can be read against a baseline of the same run.
 *
 * Run: node --import tsx bench/workloads/state-memory.ts   (BENCH_KEYS, default 5 000 000; BENCH_BATCH, 500 000)
 * Prints one JSON object.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BytesBuilder } from "../../src/columnar/build.js";
import { makeBatch } from "../../src/columnar/batch.js";
import { StringType, StructField, StructType } from "../../src/types/data-types.js";
import { DeduplicateOperator } from "../../src/exec/dedup.js";
import { LocalStorage } from "../../src/storage/local.js";

const KEYS = Number(process.env.BENCH_KEYS ?? 5_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500_000);
const schema = StructType([StructField("event_id", StringType())]);
const dir = mkdtempSync(join(tmpdir(), "sluice-bench-state-"));

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const baseRss = process.memoryUsage().rss;

/** Key i as a UUID-like string: distinct for every i (its hex digits spell i). */
function key(i: number, out: BytesBuilder): void {
  const hex = i.toString(16).padStart(32, "0");
  out.appendString(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
}

const op = new DeduplicateOperator({
  inputSchema: schema,
  keyOrdinals: [0],
  state: { storage: new LocalStorage(dir, { fsync: false }), prefix: "ck/state/0/" },
  operatorId: 0,
});
const t0 = performance.now();
let emitted = 0;
let batchId = 0;
for (let at = 0; at < KEYS; at += BATCH, batchId++) {
  const n = Math.min(BATCH, KEYS - at);
  const b = new BytesBuilder(n, n * 36);
  for (let i = at; i < at + n; i++) key(i, b);
  await op.open({ batchId, watermarkMs: 0, lateEventsWatermarkMs: 0, batchTimestampMs: Date.now(), outputMode: "append" });
  const out = op.process(makeBatch(schema, [b.finish(StringType())], n));
  emitted += out?.numRows ?? 0;
  await op.commit();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const ms = performance.now() - t0;
clearInterval(sampler);
if (emitted !== KEYS) throw new Error(`dedup emitted ${emitted} of ${KEYS} distinct keys`);
const mib = (b: number) => Math.round(b / 1048576);
console.log(
  JSON.stringify(
    {
      workload: "state-memory",
      keys: KEYS,
      batch: BATCH,
      seconds: +(ms / 1000).toFixed(1),
      keysPerSecond: Math.round(KEYS / (ms / 1000)),
      peakRssMiB: mib(peakRss),
      rssAtStartMiB: mib(baseRss),
      keyBytesMiB: mib(KEYS * 37),
      stateRows: op.stateMetrics().numRowsTotal,
      node: process.version,
    },
    null,
    2,
  ),
);
rmSync(dir, { recursive: true, force: true });
