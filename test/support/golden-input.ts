/**
 * Input of a golden query: `input/<k>/<rel>` files arrive in order k = 0, 1, 2 …; staging copies
 * them to `<landing>/<rel>` with modification times that order them by k, then by path (the file
 * source admits files oldest first), so every run sees the same arrival order.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync, utimesSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** Modification time of the first staged file, in seconds (fixed: runs must not depend on the clock). */
const BASE_MTIME_S = 1_700_000_000;

/** The arrival steps of a golden case: for each k (ascending), its files relative to `input/<k>/`, sorted. */
export function inputSteps(caseDir: string): string[][] {
  const root = join(caseDir, "input");
  const ks = readdirSync(root)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  return ks.map((k) => listFiles(join(root, String(k))).map((f) => relative(join(root, String(k)), f)).sort());
}

/** Copies the files of step `k` into `landing`, with modification times after those of every earlier step. */
export function stageStep(caseDir: string, landing: string, k: number): void {
  const from = join(caseDir, "input", String(k));
  const files = listFiles(from)
    .map((f) => relative(from, f))
    .sort();
  files.forEach((rel, j) => {
    const to = join(landing, rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(from, rel), to);
    const t = BASE_MTIME_S + k * 100 + j;
    utimesSync(to, t, t);
  });
}

/** Stages every step of the case. */
export function stageAll(caseDir: string, landing: string): void {
  for (let k = 0; k < inputSteps(caseDir).length; k++) stageStep(caseDir, landing, k);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
