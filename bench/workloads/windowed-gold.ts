/**
 * The Gold step over event time: a 10-minute tumbling count per event type with a 5-minute
 * watermark (append mode), over Silver booking events stored as zstd Parquet files (as the Silver
 * job writes them), against DuckDB running the same GROUP BY over the same files, same process,
 * interleaved. Both answers are checked equal (sluice emits the windows the final watermark has
 * passed, so DuckDB's result is restricted to those).
 *
 * Timed for sluice:
 * - `query`: the streaming query alone, `start()` to termination (availableNow, memory sink);
 * - `process`: a whole `sluice run JOB.ts` (the dist bundle), spawn to exit, the same query
 *   writing Gold to Delta — what a user waits for.
 *
 * Run: node --import tsx bench/workloads/windowed-gold.ts   (BENCH_ROWS, BENCH_FILES, BENCH_RUNS,
 * BENCH_WORKERS: sluice.exec.workers)
 * Prints one JSON object.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { SparkSession, col, window } from "../../src/index.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const FILES = Number(process.env.BENCH_FILES ?? 8);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const START_MS = Date.UTC(2024, 4, 1);

const dir = mkdtempSync(join(tmpdir(), "sluice-bench-gold-"));
const silver = join(dir, "silver");
const db = await DuckDBInstance.create(":memory:");
const duck = await db.connect();

// Silver: events 10 ms apart with up to 2 minutes of disorder (nothing late under a 5-minute
// watermark), 6 event types, in FILES zstd Parquet files written by DuckDB.
await duck.run(`SET threads = 2`);
await duck.run(`CREATE TABLE ev AS SELECT 'e-' || i AS event_id, 'u-' || (i * 7919 % 5000) AS user_id,
  ${START_MS} + i * 10 - (i * 104729 % 120000) AS timestamp,
  'type_' || (i % 6) AS event_type, '{"price":' || (i % 500) || '}' AS payload, i * ${FILES} // ${ROWS} AS f
  FROM range(${ROWS}) t(i)`);
await duck.run(`COPY ev TO '${silver}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (f), FILENAME_PATTERN 'part-{i}')`);
await duck.run("DROP TABLE ev");
const files = readdirSync(silver, { recursive: true, encoding: "utf8" }).filter((n) => n.endsWith(".parquet")).map((n) => join(silver, n));
const SCHEMA = "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const spark = SparkSession.builder.appName("bench-windowed-gold").getOrCreate();
// BENCH_WORKERS sets sluice.exec.workers for both sluice runs (default: the session's default).
const WORKERS = process.env.BENCH_WORKERS;
if (WORKERS !== undefined) spark.conf.set("sluice.exec.workers", WORKERS);

/** The windowed count through sluice's streaming query; returns `start end type count` lines. */
async function sluiceQuery(): Promise<{ ms: number; lines: string[] }> {
  const name = `gold_${Math.random().toString(36).slice(2)}`;
  const t0 = performance.now();
  const q = spark.readStream
    .format("parquet")
    .schema(SCHEMA)
    .load(silver)
    .withColumn("event_time", col("timestamp").divide(1000).cast("timestamp"))
    .withWatermark("event_time", "5 minutes")
    .groupBy(window("event_time", "10 minutes"), col("event_type"))
    .count()
    .writeStream.format("memory")
    .queryName(name)
    .outputMode("append")
    .option("checkpointLocation", join(dir, `ck-${name}`))
    .trigger({ availableNow: true })
    .start();
  await q.awaitTermination();
  const ms = performance.now() - t0;
  const rows = await spark.sql(`SELECT CAST(window.start AS STRING) AS s, event_type, count FROM ${name}`).collect();
  return { ms, lines: rows.map((r) => `${String(r.s)} ${String(r.event_type)} ${String(r.count)}`).sort() };
}

/** The same aggregation in DuckDB over the same files, limited to windows the watermark passed. */
async function duckQuery(threads: number, watermarkMs: number): Promise<{ ms: number; lines: string[] }> {
  await duck.run(`SET threads = ${threads}`);
  const t0 = performance.now();
  const r = await duck.runAndReadAll(`
    SELECT strftime(make_timestamp(ws * 1000), '%Y-%m-%d %H:%M:%S') || ' ' || event_type || ' ' || count(*) AS line
    FROM (SELECT event_type, timestamp - ((timestamp % 600000) + 600000) % 600000 AS ws FROM read_parquet([${files.map((f) => `'${f}'`).join(", ")}]))
    GROUP BY ws, event_type HAVING ws + 600000 <= ${watermarkMs}`);
  const ms = performance.now() - t0;
  return { ms, lines: r.getRowObjectsJson().map((x) => String(x.line)).sort() };
}

/** A whole `sluice run` of the same query writing Gold to Delta, spawn to exit. */
function sluiceProcess(): number {
  const job = join(dir, "gold-job.mjs");
  writeFileSync(
    job,
    `import { SparkSession, col, window } from "sluice";
const spark = SparkSession.builder.getOrCreate();
const q = spark.readStream.format("parquet").schema(${JSON.stringify(SCHEMA)}).load(process.env.SILVER)
  .withColumn("event_time", col("timestamp").divide(1000).cast("timestamp"))
  .withWatermark("event_time", "5 minutes")
  .groupBy(window("event_time", "10 minutes"), col("event_type")).count()
  .writeStream.format("delta").option("path", process.env.GOLD).option("checkpointLocation", process.env.CK)
  .outputMode("append").trigger({ availableNow: true }).start();
await q.awaitTermination();
`,
  );
  const out = join(dir, `gold-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const conf = WORKERS === undefined ? [] : ["--conf", `sluice.exec.workers=${WORKERS}`];
  const r = spawnSync(process.execPath, [resolve("bin/sluice.mjs"), "run", ...conf, job], { env: { ...process.env, SILVER: silver, GOLD: out, CK: `${out}-ck` }, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`sluice run failed: ${r.stderr}`);
  return ms;
}

const maxTs = Number((await duck.runAndReadAll(`SELECT max(timestamp) AS m FROM read_parquet([${files.map((f) => `'${f}'`).join(", ")}])`)).getRowObjectsJson()[0].m);
const watermarkMs = maxTs - 5 * 60_000;
const times = { sluiceQuery: [] as number[], sluiceProcess: [] as number[], duck2: [] as number[], duck1: [] as number[] };
let checked = 0;
for (let run = 0; run < RUNS; run++) {
  const s = await sluiceQuery();
  const d2 = await duckQuery(2, watermarkMs);
  const d1 = await duckQuery(1, watermarkMs);
  if (JSON.stringify(s.lines) !== JSON.stringify(d2.lines) || JSON.stringify(d1.lines) !== JSON.stringify(d2.lines)) {
    throw new Error(`results differ: sluice ${s.lines.length} windows, duckdb ${d2.lines.length}; first sluice ${s.lines[0]}, duckdb ${d2.lines[0]}`);
  }
  checked = s.lines.length;
  times.sluiceQuery.push(s.ms);
  times.duck2.push(d2.ms);
  times.duck1.push(d1.ms);
  times.sluiceProcess.push(sluiceProcess());
  process.stderr.write(`run ${run + 1}/${RUNS}: sluice ${s.ms.toFixed(0)} ms, process ${times.sluiceProcess[run].toFixed(0)} ms, duckdb(2) ${d2.ms.toFixed(0)} ms\n`);
}
const rate = (ms: number) => Math.round(ROWS / (ms / 1000));
const m = { sluiceQuery: median(times.sluiceQuery), sluiceProcess: median(times.sluiceProcess), duck2: median(times.duck2), duck1: median(times.duck1) };
console.log(
  JSON.stringify(
    {
      workload: "windowed-gold",
      rows: ROWS,
      files: files.length,
      runs: RUNS,
      windowsChecked: checked,
      medianMs: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v)])),
      rowsPerSecond: { sluiceQuery: rate(m.sluiceQuery), sluiceProcess: rate(m.sluiceProcess), duckdb2: rate(m.duck2), duckdb1: rate(m.duck1) },
      ratioToDuckdb2: { query: +(m.duck2 / m.sluiceQuery).toFixed(2), process: +(m.duck2 / m.sluiceProcess).toFixed(2) },
      node: process.version,
    },
    null,
    2,
  ),
);
rmSync(dir, { recursive: true, force: true });
