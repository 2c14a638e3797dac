/**
 * `sluice run --ui` in a real browser (issue 14): headless Chromium from Debian, driven by
 * playwright-core (no browser download), opens the dashboard while a query runs more than 20
 * batches; the page is live (rows arrive over Server-Sent Events after it loaded), all five charts
 * draw, the plan, sources and sink are shown, nothing is fetched from another origin, and
 * misbehaving clients do not disturb the job. Screenshots are kept in `test-artifacts/`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { writeBookingEvents } from "../../bench/lib/booking-events.js";
import { writeSeedJob } from "../../bench/lib/seed-job.js";
import { REPO_ROOT, SLUICE_BIN } from "../support/sluice-cli.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(REPO_ROOT, "test-artifacts");
// CI installs Debian's chromium (.ci/run); elsewhere the test says what is missing.
const skip = !existsSync(CHROMIUM) && process.env.CI !== "true" ? `needs ${CHROMIUM} (apt-get install chromium)` : false;

test("the dashboard charts a running query live in headless Chromium", { skip, timeout: 180_000 }, async () => {
  const base = mkdtempSync(join(tmpdir(), "sluice-ui-"));
  const landing = join(base, "landing");
  await writeBookingEvents(landing, { events: 25 * 400, files: 25 });
  const job = writeSeedJob(join(base, "job.ts"), { trigger: `{ processingTime: "250 milliseconds" }`, queryName: "bronze_to_silver", watermark: true });
  const child = spawn(process.execPath, [SLUICE_BIN, "run", "--ui", "--ui-port", "0", job], {
    cwd: REPO_ROOT,
    env: { ...process.env, LANDING: landing, SILVER: join(base, "silver"), CHECKPOINT: join(base, "ck") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const deadline = Date.now() + 60_000;
    while (!/dashboard at (http:\/\/\S+)/.test(stderr) || !/ batch 1:/.test(stderr)) {
      if (Date.now() > deadline) throw new Error(`no dashboard: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /dashboard at (http:\/\/\S+)/.exec(stderr)?.[1] ?? "";
    const origin = new URL(url).origin;

    // A client that stops reading its event stream, and one that sends garbage.
    const port = Number(new URL(url).port);
    const idle = connect(port, "127.0.0.1", () => idle.write("GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n"));
    idle.pause();
    idle.on("error", () => undefined);
    const garbage = connect(port, "127.0.0.1", () => garbage.end("\u0000\u0001 not http\r\n\r\n"));
    garbage.on("error", () => undefined);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
    page.on("request", (r) => !r.url().startsWith(origin) && problems.push(`request to ${r.url()}`));
    await page.goto(url);
    await page.locator('[data-testid="batch-row"]').first().waitFor();
    const atLoad = await page.locator('[data-testid="batch-row"]').count();
    assert.ok(atLoad < 20, `the page opened early (${atLoad} batches)`);
    await page.screenshot({ path: join(mkdirSyncP(ARTIFACTS), "dashboard-early.png") });
    // Live: the rows that arrive after loading come over the event stream.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="batch-row"]').length >= 21, undefined, { timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="connection"]').textContent(), "live");
    assert.match((await page.locator('[data-testid="title"]').textContent()) ?? "", /bronze_to_silver/);
    assert.match((await page.locator('[data-testid="sources"]').textContent()) ?? "", /FileStreamSource\[file:\/\//);
    assert.match((await page.locator('[data-testid="sink"]').textContent()) ?? "", /FileSink\[file:\/\//);
    assert.match((await page.locator('[data-testid="plan"]').textContent()) ?? "", /outputMode: append/);
    // Every chart holds the batches and has drawn them: count painted pixels of its plot canvas.
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid^="chart-"]')].map((el) => {
        const canvas = el.querySelector("canvas");
        const ctx = canvas?.getContext("2d");
        const pixels = canvas !== null && canvas !== undefined && ctx !== null && ctx !== undefined ? ctx.getImageData(0, 0, canvas.width, canvas.height).data : new Uint8ClampedArray();
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
        return { key: el.dataset.testid, painted };
      }),
    );
    assert.deepEqual(
      charts.map((c) => c.key),
      ["chart-rates", "chart-rows", "chart-duration", "chart-state", "chart-watermark"],
    );
    for (const c of charts) assert.ok(c.painted > 500, `${c.key} drew its series (${c.painted} pixels)`);
    const batches = await page.evaluate(() => [...document.querySelectorAll('[data-testid="batch-row"] td:first-child')].map((td) => Number(td.textContent)));
    assert.ok(Math.max(...batches) >= 20, `batches up to ${Math.max(...batches)}`);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
    assert.deepEqual(problems, []);
    idle.destroy();
  } finally {
    await browser.close();
    child.kill("SIGTERM");
  }
  assert.equal(await exited, 0, stderr);
});

function mkdirSyncP(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
