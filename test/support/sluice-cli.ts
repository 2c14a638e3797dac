/**
 * Runs the `sluice` command as a user does (`node bin/sluice.mjs …`, what `npx sluice` executes) in
 * child processes, and kills runs with SIGKILL at seeded random moments.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "./prng.js";

/** The repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** The `sluice` executable. */
export const SLUICE_BIN = join(REPO_ROOT, "bin", "sluice.mjs");

/** How a run ended. */
export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Extra environment variables (added to this process's environment). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kill the run (SIGKILL) and fail after this long (default 60 s). */
  readonly timeoutMs?: number;
}

/** A started `sluice` process. */
export interface SluiceProcess {
  /** Resolves when the process has exited. */
  readonly done: Promise<RunResult>;
  /** Sends SIGKILL. */
  kill(): void;
  /** Sends SIGTERM (sluice stops its queries gracefully). */
  terminate(): void;
}

/** Starts `node bin/sluice.mjs ...args`. */
export function startSluice(args: readonly string[], options: RunOptions = {}): SluiceProcess {
  const child = spawn(process.execPath, [SLUICE_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (s: string) => (stdout += s));
  child.stderr.on("data", (s: string) => (stderr += s));
  const timeout = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const done = new Promise<RunResult>((resolveDone, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timeout);
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return {
    done,
    kill() {
      child.kill("SIGKILL");
    },
    terminate() {
      child.kill("SIGTERM");
    },
  };
}

/** Runs `node bin/sluice.mjs ...args` to completion. */
export function runSluice(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return startSluice(args, options).done;
}

/** Lists the batch files (`"0"`, `"1"`, …) of a checkpoint's `offsets/` or `commits/` folder. */
export interface CheckpointProbe {
  batches(folder: "offsets" | "commits"): Promise<string[]>;
}

/** What {@link runKilledUntilDone} did. */
export interface KillReport {
  /** Runs ended by SIGKILL. */
  readonly kills: number;
  /** Kills that left a batch with `offsets/N` but no `commits/N` (a batch interrupted mid-flight). */
  readonly midBatchKills: number;
  /** Processes started in total (kills + the final run). */
  readonly runs: number;
  /** The run that finished. */
  readonly final: RunResult;
}

export interface KillOptions extends RunOptions {
  /** Seed of the kill moments. */
  readonly seed: number;
  /** How many times to kill (each kill ends one process; runs continue from the checkpoint). */
  readonly kills: number;
  /**
   * The query's checkpoint: a local folder, or a probe listing a remote one's batch files. Kill
   * moments are chosen by watching its `offsets/` and `commits/`.
   */
  readonly checkpoint: string | CheckpointProbe;
  /** How often the checkpoint is polled (default 3 ms). */
  readonly pollMs?: number;
  /** Upper bound of the random delay after the chosen checkpoint event (default 25 ms). */
  readonly maxDelayMs?: number;
}

/**
 * Runs `sluice ...args` and kills it with SIGKILL at `kills` seeded random moments, restarting
 * from the same checkpoint each time, then runs it once more to completion. A kill moment is a
 * random 0–`maxDelayMs` ms after either the next batch starts (a new `offsets/N`) or one more
 * batch commits (new `commits/N`), as seen by polling the checkpoint. A run that finishes
 * before its kill moment ends the kill phase early.
 */
export async function runKilledUntilDone(args: readonly string[], options: KillOptions): Promise<KillReport> {
  const rand = seededRandom(options.seed);
  const local = options.checkpoint;
  const probe: CheckpointProbe = typeof local === "string" ? { batches: async (folder) => batchFiles(join(local, folder)) } : local;
  let kills = 0;
  let midBatchKills = 0;
  let runs = 0;
  for (let i = 0; i < options.kills; i++) {
    const p = startSluice(args, options);
    runs++;
    const after = Math.floor(rand() * 2);
    const delay = Math.floor(rand() * (options.maxDelayMs ?? 25));
    let exited = false;
    void p.done.then(() => (exited = true));
    const offsets0 = (await probe.batches("offsets")).length;
    const commits0 = (await probe.batches("commits")).length;
    const reached = async (): Promise<boolean> =>
      after === 0 ? (await probe.batches("offsets")).length > offsets0 : (await probe.batches("commits")).length >= commits0 + after;
    while (!exited && !(await reached())) await sleep(options.pollMs ?? 3);
    if (!exited) await sleep(delay);
    p.kill();
    const r = await p.done;
    if (r.signal !== "SIGKILL") {
      if (r.code !== 0) throw new Error(`sluice ${args.join(" ")} failed (exit ${r.code}, signal ${r.signal}) before kill ${i + 1}:\n${r.stderr}`);
      return { kills, midBatchKills, runs, final: r };
    }
    kills++;
    const commits = new Set(await probe.batches("commits"));
    if ((await probe.batches("offsets")).some((o) => !commits.has(o))) midBatchKills++;
  }
  const final = await runSluice(args, options);
  runs++;
  return { kills, midBatchKills, runs, final };
}

/** True when the checkpoint has an `offsets/N` without `commits/N`. */
export function hasUncommittedBatch(checkpoint: string): boolean {
  const commits = new Set(batchFiles(join(checkpoint, "commits")));
  return batchFiles(join(checkpoint, "offsets")).some((o) => !commits.has(o));
}

function batchFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^\d+$/.test(n)) : [];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs the job file `job` with `sluice run` and asserts it exits 0 (its stderr in the message otherwise). */
export async function runJobOk(job: string, env: Readonly<Record<string, string>>, timeoutMs = 120_000): Promise<void> {
  const r = await runSluice(["run", job], { env, timeoutMs });
  if (r.code !== 0) throw new Error(`sluice run ${job} exited ${r.code} (signal ${r.signal}):\n${r.stderr}`);
}
