/**
 * Saved benchmark results: each run of a workload that calls {@link saveResult} leaves its JSON in
 * `bench/out/<workload>-<UTC time>.json` with the machine it ran on, so `bench/compare.ts` can set
 * a run against the previous one of the same workload on the same machine.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where results are saved: `bench/out/` (git-ignored). */
export const OUT_DIR = fileURLToPath(new URL("../out/", import.meta.url));

/** What identifies a machine for comparisons: runs on different machines or Node majors never compare. */
export interface MachineKey {
  readonly host: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly node: string;
}

export function machineKey(): MachineKey {
  const list = cpus();
  return { host: hostname(), cpuModel: list[0]?.model ?? "unknown", cpus: list.length, node: process.version };
}

/** True when two runs may be compared: same host, CPU and Node major version. */
export function sameMachine(a: MachineKey, b: MachineKey): boolean {
  return a.host === b.host && a.cpuModel === b.cpuModel && a.cpus === b.cpus && a.node.split(".")[0] === b.node.split(".")[0];
}

/** A saved result: the workload's JSON plus `savedAt` and `machineKey`. */
export interface SavedResult {
  readonly workload: string;
  readonly savedAt: string;
  readonly machineKey: MachineKey;
  readonly [field: string]: unknown;
}

/** Writes `result` (which must name its `workload`) to `bench/out/`; returns the file's path. */
export function saveResult(result: { readonly workload: string } & Record<string, unknown>, dir: string = OUT_DIR): string {
  const savedAt = new Date().toISOString();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.workload}-${savedAt.replaceAll(":", "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ ...result, savedAt, machineKey: machineKey() }, null, 2)}\n`);
  return file;
}

/** The saved results of `workload` in `dir`, oldest first. Files that are not results are skipped. */
export function savedResults(workload: string, dir: string = OUT_DIR): SavedResult[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: SavedResult[] = [];
  for (const name of names) {
    if (!name.startsWith(`${workload}-`) || !name.endsWith(".json")) continue;
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(join(dir, name), "utf8"));
    } catch {
      continue;
    }
    if (isSaved(v) && v.workload === workload) out.push(v);
  }
  return out.sort((a, b) => a.savedAt.localeCompare(b.savedAt));
}

function isSaved(v: unknown): v is SavedResult {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.workload === "string" && typeof r.savedAt === "string" && typeof r.machineKey === "object" && r.machineKey !== null;
}
