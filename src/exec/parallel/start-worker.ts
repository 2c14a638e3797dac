/**
 * Starting a worker thread the same way everywhere: the worker inherits the process's Node flags except those that would
 * make it load or run something else (loaders, `--require`, `-e`/`-p` scripts), and when Node
 * refuses a flag for workers (`--max-old-space-size`, `--title` … give
 * ERR_WORKER_INVALID_EXEC_ARGV) it starts with no flags rather than failing.
 */
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { WorkerOptions } from "node:worker_threads";

const FLAGS_WITH_VALUE = new Set(["--import", "--loader", "--experimental-loader", "--require", "-r", "-e", "--eval", "-p", "--print"]);
const FLAG_WITH_INLINE_VALUE = /^--(import|loader|experimental-loader|require|eval|print|input-type)(=|$)/;

/** The process's `execArgv` minus loaders, preloads and inline scripts. */
export function inheritableExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (FLAGS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (FLAG_WITH_INLINE_VALUE.test(a)) continue;
    out.push(a);
  }
  return out;
}

/**
 * The URL of the worker entry module `name` next to the module at `base` (pass `import.meta.url`):
 * `<name>.ts` when sluice runs from its TypeScript sources, `<name>.js` in the bundle (whose
 * entries sit flat in `dist/`, named after their source files).
 */
export function workerEntry(base: string, name: string): URL {
  const fromSources = new URL(base).pathname.endsWith(".ts");
  return new URL(`./${name}${fromSources ? ".ts" : ".js"}`, base);
}

/**
 * Starts the entry module `url` in a worker thread with `options` and the inheritable flags. A
 * TypeScript entry is started through `worker-boot.mjs`, which installs the TypeScript loader in
 * the new thread first (Node 20 does not apply `--import` hooks to a worker's entry), with the
 * entry's URL in `workerData.sluiceEntry`. Errors other than refused flags propagate.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  const typescript = url.pathname.endsWith(".ts");
  const target = typescript ? new URL("./worker-boot.mjs", import.meta.url) : url;
  const withData: WorkerOptions = typescript ? { ...options, workerData: { ...asRecord(options.workerData), sluiceEntry: url.href } } : options;
  const cache = withData.env === undefined ? compileCacheDir() : undefined;
  const opts: WorkerOptions = cache === undefined ? withData : { ...withData, env: { ...process.env, NODE_COMPILE_CACHE: cache } };
  try {
    return new Worker(target, { ...opts, execArgv: inheritableExecArgv() });
  } catch (e) {
    if (!(e instanceof Error && (e as { code?: unknown }).code === "ERR_WORKER_INVALID_EXEC_ARGV")) throw e;
    return new Worker(target, { ...opts, execArgv: [] });
  }
}

/**
 * Where the worker threads keep V8's code cache: the folder this process uses, or Node's default
 * (`os.tmpdir()/node-compile-cache`, as `sluice run` enables it) where Node has a compile cache
 * (22.1+); undefined on Node 20 or with NODE_DISABLE_COMPILE_CACHE. A warm cache saves each
 * worker ~70 ms of CPU compiling the engine's bundle, every query start.
 */
function compileCacheDir(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE !== undefined) return undefined;
  const set = process.env.NODE_COMPILE_CACHE;
  if (set !== undefined && set !== "") return set;
  const node = nodeModule as { getCompileCacheDir?: () => string | undefined; enableCompileCache?: unknown };
  if (typeof node.enableCompileCache !== "function") return undefined;
  return node.getCompileCacheDir?.() ?? join(tmpdir(), "node-compile-cache");
}

function asRecord(data: unknown): Record<string, unknown> {
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
}
