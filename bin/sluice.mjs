#!/usr/bin/env node
// The `sluice` command. Runs the prebuilt bundle in dist/ when it is up to date with src/ (always,
// in an installed package), else the TypeScript sources through tsx (a devDependency: this
// repository only). For `sluice run`, a resolve hook maps the bare specifier "sluice" to this
// installation, so a job file anywhere on disk can `import … from "sluice"` and get the very
// sluice that runs it.
//
// TypeScript job files (`sluice run job.ts`) run with Node's own type stripping where Node strips
// types by default (22.18+, 23.6+, 24). On 22.6–22.17, where stripping exists behind a flag, the
// command starts itself again with --experimental-strip-types: the flag is read at process start
// and cannot be turned on from inside, and restarting keeps one rule for every Node 22.15+
// (stripping, not a second loader) at the cost of one more process start (~40 ms), only on those
// versions. Elsewhere (Node 20) tsx loads them when it is installed.
import * as nodeModule from "node:module";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// V8's code cache on disk (Node 22.1+; os.tmpdir()/node-compile-cache, or $NODE_COMPILE_CACHE):
// later starts skip compiling the engine's ~1.5 MB of JavaScript, in this thread and, through the
// variable, in the worker threads. NODE_DISABLE_COMPILE_CACHE=1 turns it off; where it cannot be
// enabled (a read-only temp dir) Node returns a status and sluice starts as before.
const compileCache = nodeModule.enableCompileCache?.();
if (compileCache?.directory !== undefined && process.env.NODE_COMPILE_CACHE === undefined) process.env.NODE_COMPILE_CACHE = compileCache.directory;

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const useDist = distIsFresh();
const [command, file] = commandAndFile(args);
const typeScriptJob = command === "run" && /\.[mc]?tsx?$/.test(file ?? "");
const how = !useDist ? "tsx" : typeScriptJob ? typeScriptSupport(file ?? "") : "none";

if (how === "respawn") {
  await respawnWithTypeStripping();
} else if (how === "missing") {
  const why = (file ?? "").endsWith(".tsx")
    ? "Node.js's type stripping does not handle .tsx files. Install the tsx loader in your project (npm i -D tsx)."
    : `Node.js ${process.version} cannot run TypeScript by itself. Install the tsx loader in your project (npm i -D tsx) or use Node.js 22.18 or later, which strips types natively.`;
  process.stderr.write(`sluice run: ${file} is TypeScript. ${why}\n`);
  process.exitCode = 2;
} else if (how !== "tsx" || (await registerTsx())) {
  // Only job files import "sluice"; the hooks run in a thread of their own, so the other commands
  // start faster without them.
  if (command === "run") {
    const entry = new URL(useDist ? "../dist/index.js" : "../src/index.ts", import.meta.url).href;
    const glueEntry = new URL(useDist ? "../dist/glue.js" : "../src/glue/index.ts", import.meta.url).href;
    // With tsx, its load hook compiles TypeScript given as "module"; with native stripping a .ts
    // file must be "module-typescript" for Node to strip it.
    const typeScriptFormat = how === "native" ? "module-typescript" : "module";
    const data = { entry, glueEntry, typeScriptFormat };
    // tsx's own hooks live in the hooks thread (register); where Node can, ours run in this one.
    if (how !== "tsx" && typeof nodeModule.registerHooks === "function") {
      const { sluiceHooks } = await import("./resolve-sluice.mjs");
      nodeModule.registerHooks(sluiceHooks(data));
    } else {
      nodeModule.register("./resolve-sluice.mjs", import.meta.url, { data });
    }
  }
  const { main } = await import(new URL(useDist ? "../dist/cli-main.js" : "../src/cli/main.ts", import.meta.url).href);
  process.exitCode = await main(args);
}

/**
 * How this Node runs the TypeScript job `path`: "native" (types stripped by default), "respawn"
 * (stripping behind --experimental-strip-types), "tsx" (a loader), or "missing".
 * `.tsx` files need a loader: Node's stripping does not handle JSX.
 */
function typeScriptSupport(path) {
  if (!path.endsWith(".tsx")) {
    if (process.features.typescript) return "native";
    if (process.allowedNodeEnvironmentFlags.has("--experimental-strip-types") && !process.execArgv.includes("--no-experimental-strip-types")) return "respawn";
  }
  return canResolve("tsx/esm/api") ? "tsx" : "missing";
}

/**
 * Registers tsx's loader hooks (in this repository's source mode tsx is a devDependency); false,
 * with the reason printed, when tsx cannot be loaded.
 */
async function registerTsx() {
  try {
    const { register: registerTsxHooks } = await import("tsx/esm/api");
    registerTsxHooks();
    return true;
  } catch (e) {
    const why = useDist ? "" : " (sluice runs from its TypeScript sources here, as dist/ is missing or older than src/: run npm install, or npm run build)";
    process.stderr.write(`sluice: cannot load tsx${why}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
    return false;
  }
}

function canResolve(specifier) {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Runs this command again with type stripping on; exits as the child did. */
function respawnWithTypeStripping() {
  const flags = ["--experimental-strip-types", "--disable-warning=ExperimentalWarning"];
  const child = spawn(process.execPath, [...process.execArgv, ...flags, fileURLToPath(import.meta.url), ...args], { stdio: "inherit" });
  // Ctrl-C sends SIGINT to the whole foreground process group, so the child has it already: this
  // process only ignores it (passing it on would be a second SIGINT, which makes sluice stop at
  // once instead of after the batch in flight). SIGTERM and SIGHUP usually name this process
  // alone (a process manager, kill PID), so they are passed on.
  const ignore = () => undefined;
  const forward = (signal) => child.kill(signal);
  const signals = ["SIGTERM", "SIGHUP"];
  process.on("SIGINT", ignore);
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      process.off("SIGINT", ignore);
      for (const s of signals) process.off(s, forward);
      if (signal !== null) process.kill(process.pid, signal);
      else process.exitCode = code ?? 1;
      resolve();
    });
  });
}

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

/** The command and, for `sluice run`, the job file: the first argument that is not an option (`--conf`, `--progress`, `--metrics-port`, `--metrics-host` and `--ui-port` take a value). */
function commandAndFile(argv) {
  const rest = argv.filter((a) => a !== "--verbose");
  const command = rest[0];
  for (let i = 1; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--") break;
    if (a === "--conf" || a === "--progress" || a === "--metrics-port" || a === "--metrics-host" || a === "--ui-port") {
      i++;
      continue;
    }
    if (a.startsWith("--")) continue;
    return [command, a];
  }
  return [command, undefined];
}
