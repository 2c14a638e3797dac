/**
 * Golden queries: every folder here with a `query.ts` is a test. Each query runs three ways, and
 * all three outputs must equal `expected.json` (and each other):
 * 1. straight through: all input present, one run with an availableNow trigger, in this process;
 * 2. checkpointed every batch: input step k lands, a new query over the same checkpoint runs
 *    availableNow to completion and stops, then step k+1 lands …;
 * 3. killed and restored: `sluice run` child processes over all input with maxFilesPerTrigger 1,
 *    killed with SIGKILL at seeded random moments and restarted until one finishes.
 * Folder layout, query contract and output capture: README.md here and test/support/golden-runner.ts.
 * Set GOLDEN_SEED to change the kill moments, GOLDEN_ONLY=name to run one folder, GOLDEN_KEEP=1 to keep work folders.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadGoldenQuery, runGolden } from "../support/golden-runner.js";
import { readGoldenOutput } from "../support/golden-output.js";
import type { GoldenRun } from "../support/golden-runner.js";
import type { CanonicalRow } from "../support/canonical.js";
import { rowLines } from "../support/canonical.js";
import { inputSteps, stageAll, stageStep } from "../support/golden-input.js";
import { runKilledUntilDone } from "../support/sluice-cli.js";
import type { KillReport } from "../support/sluice-cli.js";

const ROOT = dirname(fileURLToPath(import.meta.url));
const RUNNER = join(ROOT, "..", "support", "golden-runner.ts");
const KILLS = 2;
const BASE_SEED = Number(process.env.GOLDEN_SEED ?? "20240601");

const cases = readdirSync(ROOT)
  .filter((name) => existsSync(join(ROOT, name, "query.ts")))
  .filter((name) => process.env.GOLDEN_ONLY === undefined || process.env.GOLDEN_ONLY === name)
  .sort();

describe("golden queries", { concurrency: 2 }, () => {
  test("the golden folder holds queries", () => {
    assert.ok(cases.length >= 1, `no golden query folders under ${ROOT}`);
  });

  for (const name of cases) {
    test(name, async (t) => {
      const caseDir = join(ROOT, name);
      const queryFile = join(caseDir, "query.ts");
      const query = await loadGoldenQuery(queryFile);
      const expected = JSON.parse(readFileSync(join(caseDir, "expected.json"), "utf8")) as CanonicalRow[];
      const steps = inputSteps(caseDir);
      assert.ok(steps.length >= 1, `${name}: no input/<k>/ folders`);
      const work = mkdtempSync(join(tmpdir(), `sluice-golden-${name}-`));
      let ok = false;
      try {
        const way = (w: string): GoldenRun => ({
          queryFile,
          input: join(work, w, "landing"),
          out: join(work, w, "out"),
          checkpoint: join(work, w, "checkpoint"),
        });

        let straight: CanonicalRow[] = [];
        await t.test("straight through", async () => {
          const run = way("straight");
          stageAll(caseDir, run.input);
          await runGolden(run);
          straight = await readGoldenOutput(query, run.out);
          assert.deepStrictEqual(rowLines(straight), rowLines(expected));
        });

        await t.test("checkpointed every batch", async () => {
          const run = way("stepwise");
          for (let k = 0; k < steps.length; k++) {
            stageStep(caseDir, run.input, k);
            await runGolden(run);
          }
          const out = await readGoldenOutput(query, run.out);
          assert.deepStrictEqual(rowLines(out), rowLines(straight), "differs from the straight-through output");
          assert.deepStrictEqual(rowLines(out), rowLines(expected));
        });

        await t.test("killed and restored", async () => {
          const run: GoldenRun = { ...way("killed"), maxFilesPerTrigger: 1 };
          stageAll(caseDir, run.input);
          const job = join(work, "killed-job.ts");
          writeFileSync(
            job,
            `import { runGolden } from ${JSON.stringify(pathToFileURL(RUNNER).href)};\n` +
              `await runGolden(${JSON.stringify(run)});\n`,
          );
          // A run can finish before its first kill moment on a fast machine (tiny inputs): then start
          // over with fresh output and checkpoint and shorter delays, so some run is always killed.
          let report: KillReport | null = null;
          let seed = 0;
          for (let attempt = 0; attempt < 3 && (report === null || report.kills === 0); attempt++) {
            rmSync(run.out, { recursive: true, force: true });
            rmSync(run.checkpoint, { recursive: true, force: true });
            seed = (BASE_SEED ^ hashName(name)) + attempt;
            report = await runKilledUntilDone(["run", job], {
              seed,
              kills: KILLS,
              checkpoint: run.checkpoint,
              maxDelayMs: [25, 5, 0][attempt],
              timeoutMs: 60_000,
            });
          }
          assert.ok(report !== null);
          assert.equal(report.final.code, 0, `final run failed (exit ${report.final.code}, signal ${report.final.signal}, seed ${seed}):\n${report.final.stderr}`);
          t.diagnostic(`${name}: ${report.kills} kills (${report.midBatchKills} mid-batch), ${report.runs} runs, seed ${seed}`);
          assert.ok(report.kills >= 1, `no run was killed (seed ${seed}); the test proved nothing`);
          const out = await readGoldenOutput(query, run.out);
          const where = `after ${report.kills} kills (${report.midBatchKills} mid-batch), seed ${seed}, work ${work}`;
          assert.deepStrictEqual(rowLines(out), rowLines(straight), `differs from the straight-through output ${where}`);
          assert.deepStrictEqual(rowLines(out), rowLines(expected), where);
        });
        ok = true;
      } finally {
        if (ok && process.env.GOLDEN_KEEP !== "1") rmSync(work, { recursive: true, force: true });
        else t.diagnostic(`work folder kept: ${work}`);
      }
    });
  }
});

function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
