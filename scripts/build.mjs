#!/usr/bin/env node
// Builds dist/: the engine bundled into ES modules (shared chunks, so the CLI, the public entry and
// the worker threads share module instances), which starts much faster than transpiling src/ on
// every run. Dependencies stay external. Run by `npm run build` and on `npm ci` (prepare).
import { build } from "esbuild";
import { writeFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleOptions } from "./build-options.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
await build(bundleOptions(root, `${root}/dist`));
writeFileSync(`${root}/dist/BUILD_STAMP`, `${Date.now()}\n`);
