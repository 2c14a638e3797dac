/**
 * What watching a job costs (issue 14: under 3 % of Bronze → Silver throughput): the seed job as
 * `sluice run` (spawn to exit) over `BENCH_EVENTS` events in 10 files read one per batch, with
 * everything off (`--quiet`, log level warn) against everything on: per-batch progress lines,
 * `SLUICE_LOG_LEVEL=info`, `--metrics-port` scraped every second (Prometheus scrapes every 15 to 60 s), and `--ui` with one client
 * following its event stream. Runs interleave; medians of `BENCH_RUNS` (5).
 *
 * Run: node --import tsx bench/workloads/observability.ts    (the dist/ bundle, built first;
 * BENCH_EVENTS, BENCH_RUNS, BENCH_CLIENTS=0 for the servers without clients, BENCH_ON=a comma
 * list of progress,log,metrics,ui to turn on only those: all four by default)
 * Prints one JSON object and saves it in bench/out/.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeBookingEvents } from "../lib/booking-events.js";
import { saveResult } from "../lib/saved-results.js";
import { writeSeedJob } from "../lib/seed-job.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** `BENCH_CLIENTS=0`: no scraper and no dashboard client (the servers alone). */
const CLIENTS = process.env.BENCH_CLIENTS !== "0";
const ON = new Set((process.env.BENCH_ON ?? "progress,log,metrics,ui").split(",").map((s) => s.trim()));
const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/sluice.mjs");

if (spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" }).status !== 0) throw new Error("bench: build failed");
const dir = mkdtempSync(join(tmpdir(), "sluice-bench-obs-"));
const landing = join(dir, "landing");
await writeBookingEvents(landing, { events: EVENTS, files: 10 });
const job = writeSeedJob(join(dir, "job.ts"), { trigger: "{ availableNow: true }", timed: true });

/**
 * One `sluice run`: spawn to exit, and the query alone (start() to termination, as the job times
 * it), in ms; `on` turns every display, log and server on, with clients.
 */
async function run(on: boolean, i: number): Promise<{ processMs: number; queryMs: number }> {
  const out = join(dir, `${on ? "on" : "off"}-${i}`);
  const onArgs = [
    ...(ON.has("progress") ? ["--progress", "lines"] : ["--quiet"]),
    ...(ON.has("metrics") ? ["--metrics-port", "0"] : []),
    ...(ON.has("ui") ? ["--ui-port", "0"] : []),
  ];
  const args = on ? ["run", ...onArgs, job] : ["run", "--quiet", job];
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, LANDING: landing, SILVER: join(out, "silver"), CHECKPOINT: join(out, "ck"), SLUICE_LOG_LEVEL: on && ON.has("log") ? "info" : "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  let stderr = "";
  const clients: (() => void)[] = [];
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    const metrics = /metrics at (http:\/\/\S+)/.exec(s)?.[1];
    if (metrics !== undefined && CLIENTS) {
      const timer = setInterval(() => request(metrics, (res) => res.resume()).on("error", () => undefined).end(), 1000);
      clients.push(() => clearInterval(timer));
    }
    const ui = /dashboard at (http:\/\/\S+)/.exec(s)?.[1];
    if (ui !== undefined && CLIENTS) {
      const req = request(`${ui}api/events`, (res) => res.resume());
      req.on("error", () => undefined).end();
      clients.push(() => req.destroy());
    }
  });
  const code = await new Promise<number | null>((r) => child.on("close", r));
  const ms = performance.now() - t0;
  for (const stop of clients) stop();
  if (code !== 0) throw new Error(`bench: sluice run exited ${code}: ${stderr}`);
  if (on && ON.has("progress") && !/ batch 9: /.test(stderr)) throw new Error(`bench: the observed run did not report its batches: ${stderr.slice(0, 500)}`);
  rmSync(out, { recursive: true, force: true });
  const queryMs = Number(/QUERY_MS=([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(queryMs)) throw new Error(`bench: the job did not report its time: ${stdout}`);
  return { processMs: ms, queryMs };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

await run(false, -1); // warm-up: compile cache, file cache
const off: { processMs: number; queryMs: number }[] = [];
const on: { processMs: number; queryMs: number }[] = [];
for (let i = 0; i < RUNS; i++) {
  off.push(await run(false, i));
  on.push(await run(true, i));
}
const q = (xs: typeof off) => xs.map((x) => x.queryMs);
const p = (xs: typeof off) => xs.map((x) => x.processMs);
rmSync(dir, { recursive: true, force: true });
const summary = {
  workload: "observability",
  events: EVENTS,
  runs: RUNS,
  clients: CLIENTS,
  on: [...ON],
  node: process.version,
  queryOffMs: q(off).map(Math.round),
  queryOnMs: q(on).map(Math.round),
  processOffMs: p(off).map(Math.round),
  processOnMs: p(on).map(Math.round),
  /** The query's throughput with everything on over everything off (1 = free). */
  throughputRatio: Math.round((median(q(off)) / median(q(on))) * 1000) / 1000,
  /** The same for the whole process, start-up included (loading prom-client, pino, the servers). */
  processRatio: Math.round((median(p(off)) / median(p(on))) * 1000) / 1000,
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.stderr.write(`saved ${saveResult(summary)}\n`);
