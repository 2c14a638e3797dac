/**
 * What partitioning costs a write: 500k booking events written with `df.write` as Parquet (a plain
 * folder, the file sink's writer) and as a Delta table, once unpartitioned (the baseline) and once
 * `partitionBy("region")`, a column of 28 values spread over every batch. Runs interleave the four
 * cases; each figure is the median of the runs, wall time and process CPU time (every thread,
 * the writer thread included). Only the public API is used, so the same script measures any
 * version of sluice. It runs the dist/ bundle (built first), as `npx sluice run` does, or the
 * TypeScript sources with BENCH_FROM_SOURCE=1. Prints JSON with the partitioned/unpartitioned
 * ratios.
 *
 *   node --import tsx bench/workloads/partitioned-write.ts [rows] [runs]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { xorshift } from "../lib/xorshift.js";

const ROWS = Number(process.argv[2] ?? 500_000);
const RUNS = Number(process.argv[3] ?? 5);
const REGIONS = 28;
const EVENT_TYPES = ["booking_created", "booking_paid", "booking_cancelled", "search", "view", "cart_add", "login", "logout"];


function rows(n: number): Record<string, unknown>[] {
  const r = xorshift(42);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      event_id: `evt-${i.toString(36).padStart(8, "0")}`,
      user_id: `user-${Math.floor(r() * 50_000)}`,
      ts: BigInt(1_700_000_000_000 + i * 37),
      event_type: EVENT_TYPES[Math.floor(r() * EVENT_TYPES.length)],
      payload: JSON.stringify({ amount: Math.round(r() * 100_000) / 100, currency: "EUR", items: Math.floor(r() * 5) + 1 }),
      region: `region-${String(Math.floor(r() * REGIONS)).padStart(2, "0")}`,
    });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fromSource = process.env.BENCH_FROM_SOURCE === "1";
if (!fromSource) {
  const build = spawnSync(process.execPath, [new URL("../../scripts/build.mjs", import.meta.url).pathname], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const { SparkSession } = fromSource
  ? await import("../../src/index.js")
  : ((await import(new URL("../../dist/index.js", import.meta.url).href)) as typeof import("../../src/index.js"));
const spark = SparkSession.builder.appName("partitioned-write").getOrCreate();
const df = spark.createDataFrame(rows(ROWS), "event_id STRING, user_id STRING, ts BIGINT, event_type STRING, payload STRING, region STRING");
await df.count(); // materialize once, outside the timings
const dir = mkdtempSync(join(tmpdir(), "sluice-bench-partitioned-"));

const cases = [
  { name: "parquet", format: "parquet", partitioned: false },
  { name: "parquetPartitioned", format: "parquet", partitioned: true },
  { name: "delta", format: "delta", partitioned: false },
  { name: "deltaPartitioned", format: "delta", partitioned: true },
] as const;
const times = new Map<string, { wall: number[]; cpu: number[] }>(cases.map((c) => [c.name, { wall: [], cpu: [] }]));

try {
  for (let run = 0; run <= RUNS; run++) {
    for (const c of cases) {
      const out = join(dir, `${c.name}-${run}`);
      const writer = df.write.format(c.format).mode("overwrite");
      if (c.partitioned) writer.partitionBy("region");
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await writer.save(out);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      rmSync(out, { recursive: true, force: true });
      if (run === 0) continue; // warm-up
      const t = times.get(c.name);
      t?.wall.push(wall);
      t?.cpu.push((cpu.user + cpu.system) / 1000);
      process.stderr.write(`run ${run} ${c.name}: ${wall.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu\n`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const result: Record<string, unknown> = { rows: ROWS, regions: REGIONS, runs: RUNS, node: process.version, engine: fromSource ? "sources" : "dist" };
for (const [name, t] of times) result[name] = { wallMs: Math.round(median(t.wall)), cpuMs: Math.round(median(t.cpu)), wallRuns: t.wall.map(Math.round) };
const ratio = (a: string, b: string, k: "wall" | "cpu") => {
  const x = times.get(a);
  const y = times.get(b);
  return x === undefined || y === undefined ? null : Math.round((median(x[k]) / median(y[k])) * 100) / 100;
};
result.ratios = {
  parquetWall: ratio("parquetPartitioned", "parquet", "wall"),
  parquetCpu: ratio("parquetPartitioned", "parquet", "cpu"),
  deltaWall: ratio("deltaPartitioned", "delta", "wall"),
  deltaCpu: ratio("deltaPartitioned", "delta", "cpu"),
};
console.log(JSON.stringify(result, null, 2));
