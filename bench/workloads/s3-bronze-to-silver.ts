/**
 * Bronze → Silver on S3 against the same job on local disk, in the same run.
 *
 * 1. Throughput. The seed job (`examples/bronze-to-silver.ts`'s query: text → from_json → filter →
 *    dropDuplicates → Delta) over the booking events of the file benchmark's generator, in files of
 *    100k lines read one per trigger (100k-row batches), `availableNow`:
 *    - `local`: landing, Silver and checkpoint in a temporary folder;
 *    - `s3`: the same on moto's S3 server on loopback (landing uploaded first), every path `s3://`.
 *    Each measured run is a fresh child process; runs interleave; figures are medians. Both the
 *    query alone (start() to termination) and the whole process (spawn to exit, what a user waits
 *    for) are timed.
 * 2. Requests per batch as history grows. A query of many one-file batches
 *    (`useIncrementalListing`, Delta Silver, checkpoint on S3): the S3 requests of each trigger,
 *    by operation, early in the run and late in it.
 *
 * The query runs the dist/ bundle (built first), as `npx sluice run` does.
 *
 *   node --import tsx bench/workloads/s3-bronze-to-silver.ts [events] [runs] [historyBatches]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBookingEvents } from "../lib/booking-events.js";
import { MOTO_CREDENTIALS, startMoto } from "../lib/moto-server.js";
import { makeBucket, uploadDir } from "../lib/s3-objects.js";

const LINES_PER_FILE = 100_000;
const SCHEMA = "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING";

interface QueryResult {
  readonly rows: number;
  readonly inputRows: number;
  readonly batches: number;
  readonly querySeconds: number;
  readonly cpuSeconds: number;
}

interface RunResult extends QueryResult {
  readonly processSeconds: number;
}

interface BatchRequests {
  readonly batchId: number;
  readonly requests: number;
  readonly byKind: Record<string, number>;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const entry = new URL("../../dist/index.js", import.meta.url).href;

if (process.argv[2] === "--child") {
  const [mode, landing, silver, checkpoint] = process.argv.slice(3);
  const r = mode === "history" ? await history(landing, silver, checkpoint) : await runQuery(landing, silver, checkpoint);
  process.stdout.write(JSON.stringify(r) + "\n");
  process.exit(0);
} else {
  await parent();
}

async function parent(): Promise<void> {
  const build = spawnSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url))], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("the build failed");
  const events = Number(process.argv[2] ?? 500_000);
  const runs = Number(process.argv[3] ?? 3);
  const historyBatches = Number(process.argv[4] ?? 300);
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-s3-"));
  const moto = await startMoto();
  try {
    const landing = join(dir, "landing");
    const truth = await writeBookingEvents(landing, { events, files: Math.ceil(events / LINES_PER_FILE), seed: 42 });
    await makeBucket(moto.endpoint, "bench");
    await uploadDir(moto.endpoint, "bench", "landing", landing);
    process.stderr.write(`[s3-bronze-to-silver] ${String(events)} events in ${String(Math.ceil(events / LINES_PER_FILE))} files; ${String(truth.validDistinct)} distinct valid\n`);
    const env = { AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1" };
    const results: Record<"local" | "s3", RunResult[]> = { local: [], s3: [] };
    for (let run = 1; run <= runs; run++) {
      for (const mode of ["local", "s3"] as const) {
        const paths =
          mode === "local"
            ? [landing, join(dir, `silver-${String(run)}`), join(dir, `checkpoint-${String(run)}`)]
            : ["s3://bench/landing", `s3://bench/silver-${String(run)}`, `s3://bench/checkpoint-${String(run)}`];
        const r = await child<QueryResult>(["query", ...paths], env);
        if (r.result.rows !== truth.validDistinct) throw new Error(`${mode}: ${String(r.result.rows)} rows in Silver, expected ${String(truth.validDistinct)}`);
        results[mode].push({ ...r.result, processSeconds: r.seconds });
        process.stderr.write(
          `run ${String(run)} ${mode}: ${String(r.result.inputRows)} rows in ${String(r.result.batches)} batches, query ${r.result.querySeconds.toFixed(2)} s (${String(Math.round(r.result.inputRows / r.result.querySeconds))}/s), process ${r.seconds.toFixed(2)} s, cpu ${r.result.cpuSeconds.toFixed(2)} s\n`,
        );
        if (mode === "local") for (const p of paths.slice(1)) rmSync(p, { recursive: true, force: true });
      }
    }
    const rate = (m: "local" | "s3", f: (r: RunResult) => number): number => median(results[m].map((r) => r.inputRows / f(r)));
    const queryRatio = rate("s3", (r) => r.querySeconds) / rate("local", (r) => r.querySeconds);
    const processRatio = rate("s3", (r) => r.processSeconds) / rate("local", (r) => r.processSeconds);

    // Requests per batch as history grows: one tiny file per batch, in Firehose-like hour folders.
    const small = join(dir, "small");
    mkdirSync(small);
    for (let i = 0; i < historyBatches; i++) {
      const line = JSON.stringify({ event_id: `e${String(i)}`, user_id: `u${String(i % 13)}`, timestamp: 1_700_000_000 + i, event_type: "click", payload: "x" });
      writeFileSync(join(small, `2026-12-06-${String(Math.floor(i / 60)).padStart(2, "0")}-${String(i % 60).padStart(2, "0")}.json`), line + "\n");
    }
    await uploadDir(moto.endpoint, "bench", "small", small);
    const h = await child<BatchRequests[]>(["history", "-", "s3://bench/small-silver", "s3://bench/small-checkpoint"], env);
    const perBatch = h.result;
    const window = Math.min(20, Math.floor(perBatch.length / 4));
    const early = perBatch.slice(2, 2 + window);
    const late = perBatch.slice(-window);
    const kinds = (xs: readonly BatchRequests[]): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const k of new Set(xs.flatMap((x) => Object.keys(x.byKind)))) out[k] = median(xs.map((x) => x.byKind[k] ?? 0));
      return out;
    };
    const summary = {
      events,
      linesPerBatch: LINES_PER_FILE,
      validDistinct: truth.validDistinct,
      runs,
      node: process.version,
      localRowsPerSec: Math.round(rate("local", (r) => r.querySeconds)),
      s3RowsPerSec: Math.round(rate("s3", (r) => r.querySeconds)),
      queryRatio: Math.round(queryRatio * 100) / 100,
      localProcessSeconds: median(results.local.map((r) => r.processSeconds)),
      s3ProcessSeconds: median(results.s3.map((r) => r.processSeconds)),
      processRatio: Math.round(processRatio * 100) / 100,
      localCpuSeconds: median(results.local.map((r) => r.cpuSeconds)),
      s3CpuSeconds: median(results.s3.map((r) => r.cpuSeconds)),
      history: {
        batches: perBatch.length,
        earlyBatches: `${String(early[0]?.batchId)}–${String(early[early.length - 1]?.batchId)}`,
        earlyRequestsPerBatch: median(early.map((x) => x.requests)),
        earlyByKind: kinds(early),
        lateBatches: `${String(late[0]?.batchId)}–${String(late[late.length - 1]?.batchId)}`,
        lateRequestsPerBatch: median(late.map((x) => x.requests)),
        lateByKind: kinds(late),
        maxRequestsPerBatch: Math.max(...perBatch.map((x) => x.requests)),
      },
      runsDetail: results,
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function child<T>(args: readonly string[], env: Record<string, string>): Promise<{ result: T; seconds: number }> {
  const script = fileURLToPath(import.meta.url);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, script, "--child", ...args], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
    let stdout = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    p.on("close", (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) reject(new Error(`child ${args[0] ?? ""} exited ${String(code)}`));
      else resolve({ result: JSON.parse(stdout.trim().split("\n").pop() ?? "null") as T, seconds });
    });
  });
}

/** The seed query through the public API: one 100k-line file per trigger into Delta, availableNow. */
async function runQuery(landing: string, silver: string, checkpoint: string): Promise<QueryResult> {
  const { SparkSession, col, from_json } = (await import(entry)) as typeof import("../../src/index.js");
  const spark = SparkSession.builder.appName("bronze_to_silver").getOrCreate();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const q = spark.readStream
    .format("text")
    .option("maxFilesPerTrigger", "1")
    .load(landing)
    .selectExpr("CAST(value AS STRING)")
    .select(from_json(col("value"), SCHEMA).alias("data"))
    .select("data.*")
    .filter(col("event_id").isNotNull())
    .dropDuplicates(["event_id"])
    .writeStream.format("delta")
    .option("checkpointLocation", checkpoint)
    .trigger({ availableNow: true })
    .start(silver);
  await q.awaitTermination();
  const querySeconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  const inputRows = q.recentProgress.reduce((n, p) => n + p.numInputRows, 0);
  const rows = await spark.read.format("delta").load(silver).count();
  return { rows, inputRows, batches: q.recentProgress.length, querySeconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

/**
 * Many one-file batches: the S3 requests of each trigger, from the bucket's storage's own counters
 * (attempts by operation). Runs the TypeScript sources, so the counters are those of the storage
 * the query uses.
 */
async function history(_unused: string, silver: string, checkpoint: string): Promise<BatchRequests[]> {
  const { SparkSession, col, from_json } = await import("../../src/index.js");
  const { resolveLocation } = await import("../../src/storage/resolve.js");
  const { S3Storage } = await import("../../src/storage/s3/s3-storage.js");
  const spark = SparkSession.builder.appName("history").config("spark.sql.streaming.numRecentProgressUpdates", "10").getOrCreate();
  const storage = resolveLocation("s3://bench/").storage;
  if (!(storage instanceof S3Storage)) throw new Error("s3://bench is not an S3Storage");
  const snapshot = (): Record<string, number> => ({ ...storage.requests });
  const out: BatchRequests[] = [];
  let last = snapshot();
  spark.streams.addListener({
    onQueryProgress: ({ progress }) => {
      const now = snapshot();
      const byKind: Record<string, number> = {};
      let requests = 0;
      for (const [k, v] of Object.entries(now)) {
        const d = v - (last[k] ?? 0);
        if (d > 0) byKind[k] = d;
        if (k !== "retries") requests += d;
      }
      out.push({ batchId: progress.batchId, requests, byKind });
      last = now;
    },
  });
  const q = spark.readStream
    .format("text")
    .option("maxFilesPerTrigger", "1")
    .option("useIncrementalListing", "true")
    .load("s3://bench/small")
    .select(from_json(col("value"), SCHEMA).alias("data"))
    .select("data.*")
    .dropDuplicates(["event_id"])
    .writeStream.format("delta")
    .option("checkpointLocation", checkpoint)
    .trigger({ availableNow: true })
    .start(silver);
  await q.awaitTermination();
  return out;
}
