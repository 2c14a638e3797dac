#!/usr/bin/env node
// Runs test files with Node's built-in runner (node --test), through tsx, which compiles the
// TypeScript sources.
//   node scripts/run-tests.mjs              every test under test/, each file in its own process
//                                           (npm test)
//   node scripts/run-tests.mjs --fast       the edit-loop lane (npm run test:fast): see FAST_ROOTS
//   node scripts/run-tests.mjs PATH...      the test files under these folders or files
// Node 20's --test does not expand globs, so the files are found here.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";

/**
 * The fast lane: every test file under FAST_ROOTS except those in FAST_EXCLUDE, which are the
 * suites over the shared conformance fixtures and the files that take more than about 3 s in the
 * lane (the lane prints each file's time). Integration and golden tests (child processes, whole
 * jobs) are not in it. A new unit test file joins the lane unless it is listed here.
 *
 * The lane runs its files in one process, one file after another, each as a suite (so a file's
 * hooks stay its own): loading the sources through tsx once instead of once per file is what makes
 * it fast (each process spends most of a second on that). `npm test` keeps one process per file.
 */
const FAST_ROOTS = ["test/unit", "test/contract"];
const FAST_EXCLUDE = new Set([
  // Conformance suites over ../shared/fixtures.
  "test/unit/tables/delta/dat.test.ts",
  "test/unit/connectors/delta/delta-source-dat.test.ts",
  "test/unit/tables/delta/kernel-golden.test.ts",
  "test/unit/tables/delta/checkpoint-writer.test.ts",
  // Slow: big files through writer threads, worker pools, many streaming runs, generated predicates.
  "test/unit/tables/delta/data-writer.test.ts",
  "test/unit/runtime/worker-pool.test.ts",
  "test/unit/connectors/delta/delta-source.test.ts",
  "test/unit/tables/delta/file-rolling.test.ts",
  "test/unit/tables/delta/data-skipping.test.ts",
  "test/unit/runtime/blocking-call.test.ts",
  "test/unit/formats/parquet/parquet-writer.test.ts",
]);

const argv = process.argv.slice(2);
const fast = argv.includes("--fast");
const paths = argv.filter((a) => a !== "--fast");
const roots = paths.length > 0 ? paths : fast ? FAST_ROOTS : ["test"];
const files = [];
function walk(p) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) walk(join(p, name));
  } else if (/\.test\.ts$/.test(p) && !(fast && FAST_EXCLUDE.has(p))) {
    files.push(p);
  }
}
for (const r of roots) walk(r);
if (files.length === 0) {
  console.error("run-tests: no test files found under " + roots.join(", "));
  process.exit(1);
}

// Tests are hermetic: the process zone (the session time zone's default, as the JVM's is Spark's)
// is UTC whatever the machine's; tests of other zones set spark.sql.session.timeZone.
const env = { ...process.env, SLUICE_TEST: "1", TZ: "UTC" };
let status;
if (fast) {
  const dir = mkdtempSync(join(tmpdir(), "sluice-test-fast-"));
  const entry = join(dir, "fast-lane.mjs");
  const imports = files.map((f) => `describe(${JSON.stringify(f)}, () => import(${JSON.stringify(pathToFileURL(resolve(f)).href)}));`);
  writeFileSync(entry, `import { describe } from "node:test";\n${imports.join("\n")}\n`);
  status = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", entry], { stdio: "inherit", env }).status;
  rmSync(dir, { recursive: true, force: true });
} else {
  status = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { stdio: "inherit", env }).status;
}
process.exit(status ?? 1);
