#!/usr/bin/env node
// The `sluice` command. Registers TypeScript support (tsx, for job files) and a resolver that maps
// the bare specifier "sluice" to this installation, so a job file anywhere on disk can
// `import … from "sluice"` and get the very sluice that runs it. Runs the prebuilt bundle in dist/
// when it is up to date with src/ (fast start), else the TypeScript sources directly.
import { register } from "node:module";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { register as registerTsx } from "tsx/esm/api";

const root = fileURLToPath(new URL("..", import.meta.url));
const useDist = distIsFresh();
// TypeScript support is needed for the sources (when dist/ is stale) and for TypeScript jobs.
const [command, file] = process.argv.slice(2).filter((a) => a !== "--verbose");
if (!useDist || (command === "run" && /\.[mc]?tsx?$/.test(file ?? ""))) registerTsx();
const entry = new URL(useDist ? "../dist/index.js" : "../src/index.ts", import.meta.url).href;
register("./resolve-sluice.mjs", import.meta.url, { data: { entry } });
const { main } = await import(new URL(useDist ? "../dist/cli-main.js" : "../src/cli/main.ts", import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));

/** dist/ exists and was built after the newest file under src/ changed. */
function distIsFresh() {
  const stamp = join(root, "dist", "BUILD_STAMP");
  if (!existsSync(stamp) || process.env.SLUICE_FROM_SOURCE === "1") return false;
  const built = Number(readFileSync(stamp, "utf8"));
  const newest = (dir) => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }
    return t;
  };
  return existsSync(join(root, "src")) ? newest(join(root, "src")) <= built : true;
}
