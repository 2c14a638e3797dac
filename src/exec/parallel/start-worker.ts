/**
 * Starting a worker thread the same way everywhere (fragment workers, the Parquet writer thread,
 * the blocking-call worker): the worker inherits the process's Node flags except those that would
 * make it load or run something else (loaders, `--require`, `-e`/`-p` scripts), and when Node
 * refuses a flag for workers (`--max-old-space-size`, `--title` … give
 * ERR_WORKER_INVALID_EXEC_ARGV) it starts with no flags rather than failing.
 */
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
 * Starts `url` in a worker thread with `options` and the inheritable flags. A TypeScript bootstrap
 * (`*-boot.mjs`, which installs its own loader) gets them too. Errors other than refused flags
 * propagate.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  try {
    return new Worker(url, { ...options, execArgv: inheritableExecArgv() });
  } catch (e) {
    if (!(e instanceof Error && (e as { code?: unknown }).code === "ERR_WORKER_INVALID_EXEC_ARGV")) throw e;
    return new Worker(url, { ...options, execArgv: [] });
  }
}
