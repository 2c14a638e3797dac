/**
 * `sluice run --metrics-port` (issue 14): while the seed job runs, `GET /metrics` serves
 * Prometheus metrics whose values are the ones in the job's progress JSON (`--progress json`),
 * and clients that misbehave (a reset connection, a wrong path) do not disturb the job.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import { writeSeedJob } from "../../bench/lib/seed-job.js";
import { REPO_ROOT, SLUICE_BIN } from "../support/sluice-cli.js";

interface Progress {
  readonly id: string;
  readonly batchId: number;
  readonly numInputRows: number;
  readonly processedRowsPerSecond: number;
  readonly durationMs: Record<string, number>;
  readonly stateOperators: readonly { readonly numRowsTotal: number }[];
  readonly sink: { readonly numOutputRows: number };
}

/** The value of the sample `name{labels}` in Prometheus text, or NaN. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return Number.NaN;
}

test("metrics during a run match its progress JSON; bad clients change nothing", { timeout: 120_000 }, async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-metrics-"));
  const landing = join(base, "landing");
  await writeBookingEvents(landing, { events: 3000, files: 3 });
  // The seed query with a short processingTime trigger: it keeps running (idle) after the three
  // files, until SIGTERM.
  const job = writeSeedJob(join(base, "job.ts"), { trigger: `{ processingTime: "100 milliseconds" }` });
  const child = spawn(process.execPath, [SLUICE_BIN, "run", "--progress", "json", "--metrics-port", "0", job], {
    cwd: REPO_ROOT,
    env: { ...process.env, LANDING: landing, SILVER: join(base, "silver"), CHECKPOINT: join(base, "ck") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  try {
    const progress = (): Progress[] =>
      stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Progress)
        .filter((p) => p.numInputRows > 0);
    const deadline = Date.now() + 60_000;
    while (progress().length < 3 || !/metrics at /.test(stderr)) {
      if (Date.now() > deadline) throw new Error(`no progress: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(stderr)?.[1] ?? "";
    // Misbehaving clients first: a connection reset mid-request, a wrong path.
    const port = Number(new URL(url).port);
    await new Promise<void>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.write("GET /metrics HTTP/1.1\r\nHost: x\r\n");
        s.resetAndDestroy();
        resolve();
      });
      s.on("error", () => resolve());
    });
    assert.equal((await fetch(url.replace("/metrics", "/nope"))).status, 404);

    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await res.text();
    const batches = progress();
    const last = batches[batches.length - 1];
    const q = { query_id: last.id };
    assert.equal(sample(text, "sluice_streaming_batches_total", q), 3);
    assert.equal(sample(text, "sluice_streaming_input_rows_total", q), batches.reduce((n, b) => n + b.numInputRows, 0));
    assert.equal(sample(text, "sluice_streaming_output_rows_total", q), batches.reduce((n, b) => n + b.sink.numOutputRows, 0));
    assert.equal(sample(text, "sluice_streaming_last_batch_id", q), last.batchId);
    assert.equal(sample(text, "sluice_streaming_processed_rows_per_second", q), last.processedRowsPerSecond);
    assert.equal(sample(text, "sluice_streaming_latency_milliseconds", q), last.durationMs.triggerExecution);
    assert.equal(sample(text, "sluice_streaming_batch_phase_milliseconds", { ...q, phase: "addBatch" }), last.durationMs.addBatch);
    assert.equal(sample(text, "sluice_streaming_state_rows", q), last.stateOperators[0].numRowsTotal);
    assert.equal(sample(text, "sluice_streaming_source_backlog", { ...q, unit: "files" }), 0);
    assert.equal(sample(text, "sluice_streaming_query_active", q), 1);
    assert.ok(sample(text, "sluice_process_resident_memory_bytes") > 0, "process metrics");
    // Every metric the sample Grafana dashboard charts is served.
    const dashboard = readFileSync(join(REPO_ROOT, "docs", "grafana-dashboard.json"), "utf8");
    for (const name of new Set(dashboard.match(/sluice_[a-z_]+/g) ?? [])) {
      if (name === "sluice_streaming") continue;
      assert.match(text, new RegExp(`^# TYPE ${name} `, "m"), `the dashboard's ${name} is served`);
    }
  } finally {
    child.kill("SIGTERM");
  }
  assert.equal(await exited, 0, stderr);
});

test("a bad --metrics-port, or one in use, is a usage error naming it", async () => {
  const { createServer } = await import("node:net");
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const port = (busy.address() as import("node:net").AddressInfo).port;
  try {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const c = spawn(process.execPath, [SLUICE_BIN, "run", ...args, "examples/quickstart.ts"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        c.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
        c.on("close", (code) => resolve({ code, stderr }));
      });
    const bad = await run(["--metrics-port", "http"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--metrics-port takes a port number from 0 to 65535, got "http"/);
    const inUse = await run(["--metrics-port", String(port)]);
    assert.equal(inUse.code, 2);
    assert.match(inUse.stderr, new RegExp(`--metrics-port: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
  } finally {
    busy.close();
  }
});
