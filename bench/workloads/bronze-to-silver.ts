/**
 * Bronze → Silver end to end: the seed Glue job (text landing zone → from_json → filter →
 * dropDuplicates → zstd Parquet with `_spark_metadata`) run by sluice through its public API with an
 * `availableNow` trigger, against DuckDB doing the same job in one `COPY` (threads=2 and threads=1).
 *
 * Each measured run is a fresh child process, so its peak RSS is that run's alone. Every output is
 * read back with DuckDB (sluice's through its `_spark_metadata` log only) and compared with the
 * generator's ground truth. Progress goes to stderr; one JSON object goes to stdout at the end.
 *
 * Run:  node --import tsx bench/workloads/bronze-to-silver.ts
 * Delta: `npm run bench:delta` runs the job into a Delta table (one batch, and ≈100k-row batches)
 * against DuckDB; the live files are found by an independent replay of the Delta log.
 * Env:  BENCH_EVENTS (default 1000000), BENCH_FILES (landing files, default 10), BENCH_RUNS (default 3), BENCH_ENGINES (default
 *       "sluice,sluiceWorkers,duckdb2,duckdb1"; also "sluiceExpect5", "sluiceDelta", "sluiceDelta100k", "sluiceIceberg", "sluiceIceberg100k"), BENCH_DIR (work folder, default a fresh one under the OS temp
 *       folder), BENCH_KEEP=1 (keep the work folder), BENCH_MAX_FILES_PER_TRIGGER (sluice's
 *       `maxFilesPerTrigger`; unset = one batch for the whole landing zone).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";
import { checkBookingEvents, writeBookingEvents, writeExpectedEvents } from "../lib/booking-events.js";
import type { BookingEventsTruth } from "../lib/booking-events.js";
import { sparkMetadataFiles } from "../lib/spark-metadata.js";
import { readDeltaLog } from "../lib/delta-log.js";
import { readIcebergTable } from "../lib/iceberg-table.js";
import { saveResult } from "../lib/saved-results.js";

/**
 * `sluice`: Parquet with `_spark_metadata`, one batch. `sluiceDelta`: the same job into a Delta
 * table, one batch. `sluiceDelta100k`: into Delta with `maxFilesPerTrigger=1` (≈100k-row batches at
 * the default 10 landing files per 1 M events), to measure the Delta log's share of batch time.
 * `sluiceIceberg` and `sluiceIceberg100k`: the same two into an Iceberg table (its commit's share
 * of batch time is `logMs`: planning against the metadata, manifests, list and metadata file).
 * `sluiceWorkers`: the Parquet job with `sluice.exec.workers` set to the machine's cores, so worker
 * threads parse and encode even where the default (0 on one or two cores) runs in one thread.
 * `sluiceExpect5`: the Parquet job with five expectations (the seed's filter becomes an
 * `expectOrDrop`, four more only count), for what data-quality rules cost next to `sluice`.
 */
/** The Parquet codec of every engine's output (`BENCH_COMPRESSION`: zstd, snappy, gzip or uncompressed). */
const COMPRESSION = (() => {
  const c = process.env.BENCH_COMPRESSION ?? "zstd";
  if (!["zstd", "snappy", "gzip", "uncompressed"].includes(c)) throw new RangeError(`bench: BENCH_COMPRESSION must be zstd, snappy, gzip or uncompressed, got ${c}`);
  return c;
})();

type Engine = "sluice" | "sluiceWorkers" | "sluiceExpect5" | "sluiceDelta" | "sluiceDelta100k" | "sluiceIceberg" | "sluiceIceberg100k" | "duckdb2" | "duckdb1";
const ENGINES: readonly Engine[] = ["sluice", "sluiceWorkers", "sluiceExpect5", "sluiceDelta", "sluiceDelta100k", "sluiceIceberg", "sluiceIceberg100k", "duckdb2", "duckdb1"];
/** Engines writing a table format, whose sink reports `logMs`. */
const TABLE_ENGINES: readonly Engine[] = ["sluiceDelta", "sluiceDelta100k", "sluiceIceberg", "sluiceIceberg100k"];
const DEFAULT_ENGINES: readonly Engine[] = ["sluice", "sluiceWorkers", "duckdb2", "duckdb1"];
const isSluice = (e: Engine): boolean => e.startsWith("sluice");

/** What a child process is asked to do (passed as one JSON argument). */
interface ChildTask {
  readonly engine: Engine;
  readonly landing: string;
  readonly out: string;
  readonly checkpoint: string;
  readonly maxFilesPerTrigger: number | null;
  readonly format: "parquet" | "delta" | "iceberg";
  /** `sluice.exec.workers`, or null for the session's default. */
  readonly workers: number | null;
}

/** One micro-batch of a sluice run, from its progress report. */
interface BatchReport {
  readonly rows: number;
  readonly triggerMs: number;
  readonly addBatchMs: number;
  readonly sinkMetrics: Readonly<Record<string, string>>;
}

/** What a child process reports on its last stdout line. */
interface ChildResult {
  readonly ok: boolean;
  readonly seconds: number;
  /** User + system CPU time of the whole process (all threads) over the timed section. */
  readonly cpuSeconds?: number;
  readonly peakRssBytes: number;
  readonly batches?: number;
  /** sluice: `durationMs` of the query's `recentProgress` reports, summed per phase. */
  readonly durationMs?: Record<string, number>;
  readonly perBatch?: readonly BatchReport[];
  readonly error?: string;
}

/** What reading one output back finds. */
interface Verification {
  readonly rows: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly extra: number;
  readonly nullIds: number;
  readonly mismatched: number;
  readonly files: number;
}

const SCHEMA_COLUMNS = "{event_id:'VARCHAR', user_id:'VARCHAR', timestamp:'BIGINT', event_type:'VARCHAR', payload:'VARCHAR'}";

if (process.argv[2] === "--child") {
  await child(JSON.parse(process.argv[3] ?? "{}") as ChildTask);
} else {
  await parent();
}

// ---------------------------------------------------------------------------------------------
// Parent: generate, run every engine RUNS times in fresh processes, verify, print JSON.

async function parent(): Promise<void> {
  const events = envInt("BENCH_EVENTS", 1_000_000);
  const runs = envInt("BENCH_RUNS", 3);
  const engines = (process.env.BENCH_ENGINES ?? DEFAULT_ENGINES.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter((s): s is Engine => (ENGINES as readonly string[]).includes(s));
  const work = process.env.BENCH_DIR ?? join(tmpdir(), `sluice-bench-b2s-${process.pid}`);
  const keep = process.env.BENCH_KEEP === "1";
  const landing = join(work, "landing");
  const expectedFile = join(work, "expected.ndjson");

  if (process.env.BENCH_FROM_SOURCE !== "1") {
    // Build dist/ so the measured engine is the one `npx sluice run` uses.
    const built = spawnSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url))], { stdio: "inherit" });
    if (built.status !== 0) throw new Error("bench: npm run build failed");
  }
  await mkdir(work, { recursive: true });
  await rm(landing, { recursive: true, force: true });
  log(`generating ${events} events into ${landing}`);
  const t0 = performance.now();
  const truth = await writeBookingEvents(landing, { events, files: envInt("BENCH_FILES", 10), seed: 42 });
  await writeExpectedEvents(truth, expectedFile);
  // The ground truth is checked by an independent classifier before anything is measured against it.
  await checkBookingEvents(truth);
  log(
    `generated ${(truth.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
      `${truth.validDistinct} distinct valid, ${truth.duplicateLines} duplicates, ${truth.missingIdLines} missing id, ${truth.malformedLines} malformed`,
  );

  const verifier = await (await DuckDBInstance.create(":memory:")).connect();
  await verifier.run(`CREATE TABLE expected AS SELECT * FROM read_ndjson('${sqlPath(expectedFile)}', columns=${SCHEMA_COLUMNS})`);

  const results = new Map<Engine, { child: ChildResult; check: Verification | null }[]>();
  for (const e of engines) results.set(e, []);
  for (let run = 1; run <= runs; run++) {
    // Engines interleave within a run so slow drift of the machine spreads over all of them.
    for (const engine of engines) {
      const dir = join(work, `${engine}-run${run}`);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const task: ChildTask = {
        engine,
        landing,
        out: isSluice(engine) ? join(dir, "silver") : join(dir, "silver.parquet"),
        checkpoint: join(dir, "checkpoint"),
        maxFilesPerTrigger:
          engine === "sluiceDelta100k" || engine === "sluiceIceberg100k" ? 1 : process.env.BENCH_MAX_FILES_PER_TRIGGER ? envInt("BENCH_MAX_FILES_PER_TRIGGER", 1) : null,
        format: engine.startsWith("sluiceDelta") ? "delta" : engine.startsWith("sluiceIceberg") ? "iceberg" : "parquet",
        workers: engine === "sluiceWorkers" ? cpus().length : null,
      };
      let r = await runChild(task);
      let check: Verification | null = null;
      if (r.ok) {
        try {
          const files =
            task.format === "delta"
              ? (await readDeltaLog(task.out, verifier)).files
              : task.format === "iceberg"
                ? [...readIcebergTable(task.out).files]
              : engine === "sluice" || engine === "sluiceWorkers" || engine === "sluiceExpect5"
                ? await sparkMetadataFiles(task.out)
                : [task.out];
          check = await verify(verifier, files, truth);
        } catch (e) {
          r = { ...r, ok: false, error: `verification: ${e instanceof Error ? e.message : String(e)}` };
        }
      }
      if (r.ok && check !== null) {
        log(
          `run ${run}/${runs} ${engine}: ${r.seconds.toFixed(2)} s (cpu ${(r.cpuSeconds ?? 0).toFixed(2)} s), ${fmtRate(events / r.seconds)} rows/s, ` +
            `peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB, rows ${check.rows}, lost ${check.lost}, ` +
            `duplicates ${check.duplicates}, extra ${check.extra}, mismatched ${check.mismatched}`,
        );
      } else {
        log(`run ${run}/${runs} ${engine}: FAILED: ${r.error ?? "unknown error"}`);
      }
      results.get(engine)?.push({ child: r, check });
      if (!keep) await rm(dir, { recursive: true, force: true });
    }
  }
  verifier.closeSync();
  if (!keep) {
    // A folder given in BENCH_DIR may hold other things: remove only what this script wrote.
    if (process.env.BENCH_DIR === undefined) await rm(work, { recursive: true, force: true });
    else {
      await rm(landing, { recursive: true, force: true });
      await rm(expectedFile, { force: true });
    }
  }

  const summary: Record<string, unknown> = {
    workload: "bronze-to-silver",
    events,
    validDistinct: truth.validDistinct,
    runs,
    landingBytes: truth.bytes,
    input: {
      duplicateLines: truth.duplicateLines,
      missingIdLines: truth.missingIdLines,
      malformedLines: truth.malformedLines,
      idChecksum: truth.idChecksum,
    },
    machine: { cpus: cpus().length, node: process.version },
    compression: COMPRESSION,
  };
  const medians = new Map<Engine, number>();
  for (const [engine, rs] of results) {
    const s = summarise(engine, rs, events);
    summary[engine] = s;
    if (typeof s.medianRowsPerSec === "number") medians.set(engine, s.medianRowsPerSec);
  }
  for (const e of TABLE_ENGINES) {
    const m = medians.get(e);
    const d = medians.get("duckdb2");
    if (m !== undefined && d !== undefined) summary[`ratio_${e}_vsDuckdb2`] = round(m / d, 3);
  }
  const sw = medians.get("sluiceWorkers");
  const sl = medians.get("sluice");
  const d2 = medians.get("duckdb2");
  const d1 = medians.get("duckdb1");
  summary.ratioVsDuckdb2 = sl !== undefined && d2 !== undefined ? round(sl / d2, 3) : null;
  summary.ratioVsDuckdb1 = sl !== undefined && d1 !== undefined ? round(sl / d1, 3) : null;
  summary.ratioWorkersVsDuckdb2 = sw !== undefined && d2 !== undefined ? round(sw / d2, 3) : null;
  process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
  // The perf regression lane: bench/compare.ts sets this run against the previous one here.
  log(`saved ${saveResult({ ...summary, workload: "bronze-to-silver" })}`);
}

/** Per-engine block of the output: per-run arrays, medians, and the worst verification over runs. */
function summarise(
  engine: Engine,
  rs: readonly { child: ChildResult; check: Verification | null }[],
  events: number,
): Record<string, unknown> & { medianRowsPerSec?: number } {
  const failed = rs.filter((r) => !r.child.ok);
  const okRuns = rs.filter((r) => r.child.ok);
  const out: Record<string, unknown> & { medianRowsPerSec?: number } = {};
  if (!isSluice(engine)) out.threads = engine === "duckdb2" ? 2 : 1;
  if (failed.length > 0) out.errors = failed.map((r) => r.child.error ?? "unknown error");
  if (okRuns.length === 0) return out;
  const seconds = okRuns.map((r) => round(r.child.seconds, 3));
  const rowsPerSec = okRuns.map((r) => Math.round(events / r.child.seconds));
  const rss = okRuns.map((r) => r.child.peakRssBytes);
  out.seconds = seconds;
  out.cpuSeconds = okRuns.map((r) => round(r.child.cpuSeconds ?? 0, 3));
  out.medianCpuSeconds = round(median(okRuns.map((r) => r.child.cpuSeconds ?? 0)), 3);
  out.rowsPerSec = rowsPerSec;
  out.medianRowsPerSec = Math.round(median(rowsPerSec));
  out.peakRssBytes = rss;
  out.medianPeakRssBytes = Math.round(median(rss));
  if (isSluice(engine)) {
    out.batches = okRuns.map((r) => r.child.batches ?? null);
    out.durationMs = okRuns.map((r) => r.child.durationMs ?? null);
  }
  if (TABLE_ENGINES.includes(engine)) {
    // The Delta log's share of each batch: the sink reports the time it spent on the log (snapshot
    // reads, the commit, checkpoints) as `logMs`; the rest of a batch is reading, parsing and
    // writing data files, which the Parquet sink does too.
    const shares = okRuns.flatMap((r) =>
      (r.child.perBatch ?? []).filter((b) => b.rows > 0 && b.sinkMetrics.logMs !== undefined).map((b) => Number(b.sinkMetrics.logMs) / b.triggerMs),
    );
    out.logShareOfBatch = shares.length === 0 ? null : { median: round(median(shares), 4), max: round(Math.max(...shares), 4), batches: shares.length };
    out.perBatch = okRuns.map((r) => r.child.perBatch ?? null);
  }
  const checks = okRuns.map((r) => r.check).filter((c): c is Verification => c !== null);
  const worst = (f: (c: Verification) => number): number => Math.max(...checks.map(f));
  out.rows = checks.map((c) => c.rows);
  out.outputFiles = checks.map((c) => c.files);
  out.lost = worst((c) => c.lost);
  out.duplicates = worst((c) => c.duplicates);
  out.extra = worst((c) => c.extra);
  out.nullIds = worst((c) => c.nullIds);
  out.mismatched = worst((c) => c.mismatched);
  return out;
}

/** Spawns one measured run and returns what it reports. */
function runChild(task: ChildTask): Promise<ChildResult> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolvePromise) => {
    const p = spawn(process.execPath, [...process.execArgv, script, "--child", JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    p.stdout.setEncoding("utf8");
    p.stdout.on("data", (d: string) => (stdout += d));
    p.on("close", (code, signal) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        const r = JSON.parse(last) as ChildResult;
        resolvePromise(r);
      } catch {
        resolvePromise({
          ok: false,
          seconds: 0,
          peakRssBytes: 0,
          error: `child exited with ${signal ?? code}; stdout: ${stdout.slice(-500)}`,
        });
      }
    });
  });
}

/** Reads an output back with DuckDB and compares it with the ground truth. */
async function verify(conn: DuckDBConnection, files: readonly string[], truth: BookingEventsTruth): Promise<Verification> {
  if (files.length === 0) {
    return { rows: 0, lost: truth.validDistinct, duplicates: 0, extra: 0, nullIds: 0, mismatched: 0, files: 0 };
  }
  const list = files.map((f) => `'${sqlPath(f)}'`).join(", ");
  await conn.run(`CREATE OR REPLACE TABLE output AS SELECT * FROM read_parquet([${list}])`);
  const one = async (sql: string): Promise<number> => {
    const rows = (await conn.runAndReadAll(sql)).getRows();
    return Number(rows[0][0]);
  };
  const rows = await one(`SELECT count(*) FROM output`);
  const nonNull = await one(`SELECT count(event_id) FROM output`);
  const distinct = await one(`SELECT count(DISTINCT event_id) FROM output`);
  const lost = await one(`SELECT count(*) FROM expected ANTI JOIN output USING (event_id)`);
  const extra = await one(`SELECT count(DISTINCT event_id) FROM output ANTI JOIN expected USING (event_id)`);
  // A row whose id is right but whose other fields differ from the landing zone (a parse bug).
  const mismatched = await one(
    `SELECT count(*) FROM output o JOIN expected e USING (event_id)
     WHERE o.user_id IS DISTINCT FROM e.user_id OR o.timestamp IS DISTINCT FROM e.timestamp
        OR o.event_type IS DISTINCT FROM e.event_type OR o.payload IS DISTINCT FROM e.payload`,
  );
  return { rows, lost, duplicates: nonNull - distinct, extra, nullIds: rows - nonNull, mismatched, files: files.length };
}

// ---------------------------------------------------------------------------------------------
// Child: one measured run of one engine.

async function child(task: ChildTask): Promise<void> {
  let result: ChildResult;
  try {
    result = isSluice(task.engine) ? await runSluice(task) : await runDuckdb(task, task.engine === "duckdb2" ? 2 : 1);
  } catch (e) {
    const err = e instanceof Error ? `${e.name}: ${e.message}${e.stack === undefined ? "" : "\n" + e.stack}` : String(e);
    result = { ok: false, seconds: 0, peakRssBytes: peakRss(), error: err };
  }
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exitCode = result.ok ? 0 : 1;
}

async function runSluice(task: ChildTask): Promise<ChildResult> {
  // Imported here so a DuckDB child never loads the engine (and a broken engine fails only its runs).
  // The bundle in dist/ is what `npx sluice run` executes (the script builds it first); with
  // BENCH_FROM_SOURCE=1 the TypeScript sources run instead (slower start of worker threads).
  const engine: typeof import("../../src/index.js") =
    process.env.BENCH_FROM_SOURCE === "1"
      ? await import("../../src/index.js")
      : ((await import(new URL("../../dist/index.js", import.meta.url).href)) as typeof import("../../src/index.js"));
  const { SparkSession, col, from_json, StructType, StructField, StringType, LongType } = engine;
  const spark = SparkSession.builder.appName("bronze_to_silver").getOrCreate();
  if (task.workers !== null) spark.conf.set("sluice.exec.workers", String(task.workers));
  const schema = StructType([
    StructField("event_id", StringType(), true),
    StructField("user_id", StringType(), true),
    StructField("timestamp", LongType(), true),
    StructField("event_type", StringType(), true),
    StructField("payload", StringType(), true),
  ]);
  let reader = spark.readStream.format("text");
  if (task.maxFilesPerTrigger !== null) reader = reader.option("maxFilesPerTrigger", task.maxFilesPerTrigger);
  const parsed = reader
    .load(task.landing)
    .selectExpr("CAST(value AS STRING)")
    .select(from_json(col("value"), schema).alias("data"))
    .select("data.*");
  // sluiceExpect5: the seed's filter as a drop rule, and four rules that count (the output is the same).
  const checked =
    task.engine === "sluiceExpect5"
      ? parsed.expectOrDrop("valid_id", col("event_id").isNotNull()).expectAll({
          has_user: "user_id IS NOT NULL",
          positive_time: col("timestamp").gt(0),
          known_type: "event_type IN ('booking_created', 'booking_modified', 'booking_cancelled', 'payment_captured', 'payment_failed', 'search_performed')",
          small_payload: "length(payload) < 10000",
        })
      : parsed.filter(col("event_id").isNotNull());
  const writer = checked
    .dropDuplicates(["event_id"])
    .writeStream.format(task.format)
    .option("compression", COMPRESSION)
    .option("checkpointLocation", task.checkpoint)
    .trigger({ availableNow: true });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const q = writer.start(task.out);
  await q.awaitTermination();
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  const durationMs: Record<string, number> = {};
  for (const p of q.recentProgress) {
    for (const [k, v] of Object.entries(p.durationMs)) durationMs[k] = (durationMs[k] ?? 0) + v;
  }
  const perBatch: BatchReport[] = q.recentProgress.map((p) => ({
    rows: p.numInputRows,
    triggerMs: p.durationMs.triggerExecution ?? 0,
    addBatchMs: p.durationMs.addBatch ?? 0,
    sinkMetrics: p.sink.metrics,
  }));
  return { ok: true, seconds, cpuSeconds, peakRssBytes: peakRss(), batches: q.recentProgress.length, durationMs, perBatch };
}

async function runDuckdb(task: ChildTask, threads: number): Promise<ChildResult> {
  const db = await DuckDBInstance.create(":memory:", { threads: String(threads) });
  const conn = await db.connect();
  const sql =
    `COPY (SELECT DISTINCT ON (event_id) * FROM read_ndjson('${sqlPath(task.landing)}/*', columns=${SCHEMA_COLUMNS}, ignore_errors=true) ` +
    `WHERE event_id IS NOT NULL) TO '${sqlPath(task.out)}' (FORMAT parquet, COMPRESSION ${COMPRESSION})`;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await conn.run(sql);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  conn.closeSync();
  db.closeSync();
  return { ok: true, seconds, cpuSeconds, peakRssBytes: peakRss() };
}

// ---------------------------------------------------------------------------------------------

/** User + system CPU seconds of this process (every thread, DuckDB's included) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Peak resident set size of this process, in bytes (`maxRSS` is in KiB on Linux and macOS). */
function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`bench: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function sqlPath(p: string): string {
  return p.replaceAll("'", "''");
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function fmtRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`;
}

function log(msg: string): void {
  process.stderr.write(`[bronze-to-silver] ${msg}\n`);
}
