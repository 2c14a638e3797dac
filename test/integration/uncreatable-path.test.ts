/**
 * A job whose checkpoint or output folder cannot be created (here under Linux's /proc, where mkdir
 * of a new name fails with ENOENT although the parent exists) fails within seconds through
 * `sluice run`: exit 1 and one stderr line naming the path and the file system's reason. It used to
 * hang forever in Node's recursive mkdir.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSluice } from "../support/sluice-cli.js";

let work = "";

before(() => {
  work = mkdtempSync(join(tmpdir(), "sluice-uncreatable-"));
  mkdirSync(join(work, "landing"));
  writeFileSync(join(work, "landing", "e.txt"), "one line\n");
});

after(() => {
  rmSync(work, { recursive: true, force: true });
});

function jobFile(name: string, source: string, out: string, checkpoint: string): string {
  const file = join(work, `${name}.ts`);
  writeFileSync(
    file,
    `import { SparkSession } from "sluice";
const spark = SparkSession.builder.appName(${JSON.stringify(name)}).getOrCreate();
const q = ${source}
  .writeStream.format("parquet").option("path", ${JSON.stringify(out)})
  .option("checkpointLocation", ${JSON.stringify(checkpoint)}).trigger({ once: true }).start();
await q.awaitTermination();
`,
  );
  return file;
}

/** Runs the job, which must fail fast with one line naming `path` and ENOENT. */
async function failsFast(file: string, path: string): Promise<void> {
  const t0 = Date.now();
  // Killed after 30 s: a hang shows as a null exit code rather than a stuck test.
  const r = await runSluice(["run", file], { timeoutMs: 30_000 });
  const seconds = (Date.now() - t0) / 1000;
  assert.equal(r.code, 1, `exit code ${String(r.code)} (signal ${String(r.signal)}) after ${seconds.toFixed(1)} s; stderr:\n${r.stderr}`);
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^sluice: local storage: cannot create the folder of file:\/\/\//);
  assert.ok(lines[0].includes(path), `names ${path}: ${lines[0]}`);
  assert.match(lines[0], /ENOENT: no such file or directory, mkdir '\/proc\/[^']+' \(its parent folder exists but refuses new entries\) \[SLUICE_STORAGE\]$/);
}

describe("an output or checkpoint folder that cannot be created", { skip: !existsSync("/proc/self") && "needs Linux /proc", concurrency: 2 }, () => {
  test("rate → parquet with path and checkpointLocation under /proc: exit 1 within seconds", async () => {
    const cp = `/proc/sluice-cp-${process.pid}`;
    await failsFast(jobFile("rate-proc", `spark.readStream.format("rate").load()`, `/proc/sluice-out-${process.pid}`, cp), cp);
  });

  test("text → parquet with only the output path under /proc: the first batch fails", async () => {
    const out = `/proc/sluice-out-${process.pid}`;
    const source = `spark.readStream.format("text").load(${JSON.stringify(join(work, "landing"))})`;
    await failsFast(jobFile("text-proc-out", source, out, join(work, "cp")), out);
  });
});
