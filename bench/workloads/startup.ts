/**
 * Start-up: what a user waits for before sluice does anything.
 *
 * - `version`: `sluice --version`, spawn to exit;
 * - `firstCommit`: a one-file job (the seed's text → from_json → filter → dropDuplicates →
 *   Parquet, 1,000 events, availableNow) run as `node bin/sluice.mjs run job.ts`: the time from
 *   process start to batch 0's commit (the job's first `onQueryProgress`, which the engine
 *   emits after `commits/0` is written, read as `performance.now()`, whose origin is the
 *   process's start), and spawn to exit;
 * - `cold`: the same job with an empty compile cache (the first run after an install or an upgrade).
 *
 * Baseline: bare `node -e 0`, same Node, interleaved. Each Node is measured: the machine's, and
 * Node 24 when one is found (`BENCH_NODE24`, else /opt/node24 as `.ci/run` installs it).
 * Medians of `BENCH_RUNS` (10) runs after one warm-up run.
 *
 * Run: node --import tsx bench/workloads/startup.ts      (the dist/ bundle, built first if stale)
 * Prints one JSON object.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { saveResult } from "../lib/saved-results.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const EVENTS = 1000;
const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/sluice.mjs");

const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
if (build.status !== 0) throw new Error("bench startup: the dist/ build failed");

const dir = mkdtempSync(join(tmpdir(), "sluice-bench-startup-"));
const landing = join(dir, "landing");
mkdirSync(landing);
const lines: string[] = [];
for (let i = 0; i < EVENTS; i++) {
  lines.push(JSON.stringify({ event_id: `e-${i % 950}`, user_id: `u-${i % 37}`, timestamp: 1714521600000 + i, event_type: "view", payload: "{}" }));
}
writeFileSync(join(landing, "part-0.json"), `${lines.join("\n")}\n`);

const job = join(dir, "job.ts");
writeFileSync(
  job,
  `import { SparkSession, col, from_json } from "sluice";
import type { StreamingQueryListener } from "sluice";

const spark = SparkSession.builder.appName("startup").getOrCreate();
let reported = false;
const listener: StreamingQueryListener = {
  onQueryProgress: () => {
    if (reported) return;
    reported = true;
    process.stderr.write(\`FIRST_COMMIT_MS=\${performance.now()}\\n\`);
  },
};
spark.streams.addListener(listener);
const schema = "event_id STRING, user_id STRING, timestamp BIGINT, event_type STRING, payload STRING";
const q = spark.readStream.format("text").load(process.env.LANDING ?? "")
  .selectExpr("CAST(value AS STRING)")
  .select(from_json(col("value"), schema).alias("data"))
  .select("data.*")
  .filter(col("event_id").isNotNull())
  .dropDuplicates(["event_id"])
  .writeStream.format("parquet")
  .option("path", process.env.SILVER ?? "")
  .option("checkpointLocation", process.env.CHECKPOINT ?? "")
  .trigger({ availableNow: true })
  .start();
await q.awaitTermination();
`,
);

interface Timed {
  readonly wallMs: number;
  readonly firstCommitMs?: number;
}

function timed(node: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Timed {
  const t0 = performance.now();
  const r = spawnSync(node, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench startup: ${node} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const m = /FIRST_COMMIT_MS=([\d.]+)/.exec(r.stderr);
  return m === null ? { wallMs } : { wallMs, firstCommitMs: Number(m[1]) };
}

let run = 0;
function runJob(node: string, env: NodeJS.ProcessEnv = {}): Timed {
  const out = join(dir, `out-${run++}`);
  const t = timed(node, [bin, "run", job], { LANDING: landing, SILVER: join(out, "silver"), CHECKPOINT: join(out, "ck"), ...env });
  if (t.firstCommitMs === undefined) throw new Error("bench startup: the job reported no progress");
  rmSync(out, { recursive: true, force: true });
  return t;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x: number) => Math.round(x * 10) / 10;

function measure(node: string) {
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  runJob(node); // warm-up: fills the compile cache and the OS file cache
  const bare: number[] = [];
  const versionMs: number[] = [];
  const commitMs: number[] = [];
  const exitMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(timed(node, ["-e", "0"]).wallMs);
    versionMs.push(timed(node, [bin, "--version"]).wallMs);
    const t = runJob(node);
    commitMs.push(t.firstCommitMs ?? NaN);
    exitMs.push(t.wallMs);
  }
  const cold: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const cache = join(dir, `cache-${i}`);
    cold.push(runJob(node, { NODE_COMPILE_CACHE: cache }).firstCommitMs ?? NaN);
  }
  return {
    node: version,
    bareNodeMs: round(median(bare)),
    versionMs: round(median(versionMs)),
    firstCommitMs: round(median(commitMs)),
    exitMs: round(median(exitMs)),
    coldFirstCommitMs: round(median(cold)),
    samples: { versionMs: versionMs.map(round), firstCommitMs: commitMs.map(round), exitMs: exitMs.map(round) },
  };
}

const node24 = process.env.BENCH_NODE24 ?? "/opt/node24/node_modules/.bin/node";
const nodes = [process.execPath];
if (existsSync(node24) && !process.version.startsWith("v24.")) nodes.push(node24);

const results = nodes.map(measure);
rmSync(dir, { recursive: true, force: true });
const summary = { workload: "startup", events: EVENTS, runs: RUNS, results };
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.stderr.write(`saved ${saveResult(summary)}\n`);
