#!/usr/bin/env node
// Builds dist/: the engine bundled into ES modules (shared chunks, so the CLI, the public entry and
// the worker threads share module instances), which starts much faster than transpiling src/ on
// every run, and, with --types, the declarations consumers type-check against (dist/types, from
// tsconfig.build.json). Dependencies stay external. `npm ci` runs the bundle step (prepare);
// `npm run build`, `npm pack` and `npm publish` run both (prepack).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleOptions } from "./build-options.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const withTypes = process.argv.includes("--types");

// The bundle step leaves dist/types alone, so `prepare` after `prepack` keeps the declarations.
for (const name of safeList(`${root}/dist`)) {
  if (name !== "types" || withTypes) rmSync(`${root}/dist/${name}`, { recursive: true, force: true });
}
await build(bundleOptions(root, `${root}/dist`));
writeFileSync(`${root}/dist/BUILD_STAMP`, `${Date.now()}\n`);

if (withTypes) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", `${root}/tsconfig.build.json`], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error("build: tsc could not emit the declarations (dist/types)");
    process.exit(r.status ?? 1);
  }
}

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
