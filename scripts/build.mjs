#!/usr/bin/env node
// Builds dist/: the engine bundled into ES modules (shared chunks, so the CLI, the public entry and
// the worker threads share module instances), which starts much faster than transpiling src/ on
// every run. Dependencies stay external. Run by `npm run build` and on `npm ci` (prepare).
import { build } from "esbuild";
import { writeFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    index: "src/index.ts",
    "cli-main": "src/cli/main.ts",
    "worker-main": "src/exec/parallel/worker-main.ts",
    "blocking-call-worker": "src/runtime/blocking-call-worker.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  chunkNames: "chunk-[hash]",
});
writeFileSync(`${root}/dist/BUILD_STAMP`, `${Date.now()}\n`);
