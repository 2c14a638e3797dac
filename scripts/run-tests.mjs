#!/usr/bin/env node
// Runs every test file under test/ (or the folders/files given) with Node's built-in runner via tsx.
// Node 20's --test does not expand globs, so the files are found here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["test"];
const files = [];
function walk(p) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) walk(join(p, name));
  } else if (/\.test\.ts$/.test(p)) {
    files.push(p);
  }
}
for (const r of roots) walk(r);
if (files.length === 0) {
  console.error("run-tests: no test files found under " + roots.join(", "));
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env: { ...process.env, SLUICE_TEST: "1" },
});
process.exit(r.status ?? 1);
