/**
 * What `sluice run examples/bronze-to-silver.ts` shows as a user runs it (issue 14): a live status
 * block redrawn in place on a terminal (a pty from util-linux's `script`, sized with `stty`), one
 * line per batch off a terminal, JSON progress with `--progress json`, nothing with `--quiet`,
 * and a summary at the end. The job's own results are the same in every mode.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import { runSluice, REPO_ROOT, SLUICE_BIN } from "../support/sluice-cli.js";

const JOB = "examples/bronze-to-silver.ts";
const base = mkdtempSync(join(tmpdir(), "sluice-progress-"));
const landing = join(base, "landing");
await writeBookingEvents(landing, { events: 3000, files: 3 });

/** Env of one run: its own Silver folder and checkpoint, one file per batch, availableNow. */
function env(name: string): Record<string, string> {
  return { LANDING: landing, SILVER: join(base, name, "silver"), CHECKPOINT: join(base, name, "ck"), MAX_FILES: "1", TRIGGER: "availableNow" };
}

const SUMMARY = /sluice: query [0-9a-f]{8}: 3 batches, 3,000 rows in, [\d,]+ out in [\d.]+ m?s; output: FileSink\[file:\/\/.*silver\]/;

test("off a terminal: one line per batch and a summary, on stderr", async () => {
  const r = await runSluice(["run", JOB], { env: env("lines") });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 4, r.stderr);
  for (const [i, l] of lines.slice(0, 3).entries()) assert.match(l, new RegExp(`^sluice: query [0-9a-f]{8} batch ${i}: 1,000 rows in, [\\d,]+ out in \\d+ m?s \\(.* rows/s\\), state [\\d,]+ rows`));
  assert.match(lines[3], SUMMARY);
});

test("--progress json: Spark's progress objects on stdout; --quiet: nothing", async () => {
  const json = await runSluice(["run", "--progress", "json", JOB], { env: env("json") });
  assert.equal(json.code, 0, json.stderr);
  const batches = json.stdout
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as { batchId: number; numInputRows: number; sink: { description: string } });
  assert.deepEqual(
    batches.map((b) => [b.batchId, b.numInputRows]),
    [
      [0, 1000],
      [1, 1000],
      [2, 1000],
    ],
  );
  assert.equal(json.stderr, "");
  const quiet = await runSluice(["run", "--quiet", JOB], { env: env("quiet") });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stdout + quiet.stderr, "");
  assert.ok(readdirSync(join(base, "quiet", "silver")).some((f) => f.endsWith(".parquet")), "the job still ran");
  const bad = await runSluice(["run", "--progress", "loud", JOB], { env: env("bad") });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--progress takes live, lines, json or quiet, got "loud"/);
});

test("on a terminal: a live block per query, redrawn in place, then the summary", async () => {
  // util-linux's script gives the command a pty; stty gives it a size (a bare pty has none).
  const cmd = `stty rows 40 cols 150; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(SLUICE_BIN)} run ${JOB}`;
  const child = spawn("script", ["-qec", cmd, "/dev/null"], { cwd: REPO_ROOT, env: { ...process.env, ...env("live") }, stdio: ["ignore", "pipe", "pipe"] });
  let screen = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (screen += s));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, screen);
  // Redrawn: log-update erases the previous block (ESC[2K ESC[1A) before drawing the next one.
  assert.ok(screen.includes("\u001b[2K\u001b[1A"), "the block is erased and redrawn");
  assert.match(screen, /▶ query [0-9a-f]{8} {2}batch \d {2}trigger AvailableNow/);
  assert.match(screen, /input [\d.]+k? rows\/s {2}processed [\d.]+k? rows\/s {2}rows in [\d,]+ {2}out [\d,]+/);
  assert.match(screen, /backlog \d+ files \([\d.]+ K?i?B\) {2}state [\d,]+ rows {2}watermark -/);
  assert.match(screen, /last commit [\d.]+ m?s ago/);
  assert.match(screen.replaceAll("\r", ""), SUMMARY);
});
