/**
 * The perf regression lane: the latest saved run of a workload against the previous run of the
 * same workload on the same machine (host, CPU model and count, Node major) with the same input size,
 * figure by figure.
 *
 *   node --import tsx bench/compare.ts [workload]     (default: bronze-to-silver; npm run bench:compare)
 *
 * For bronze-to-silver it compares each engine's median rows/s, CPU-seconds and peak RSS, and the
 * ratios to DuckDB; a change beyond 10 % is marked. Exit code 0 always: the machine is noisy, so
 * this informs a person, it does not gate CI.
 */
import { sameMachine, savedResults } from "./lib/saved-results.js";
import type { SavedResult } from "./lib/saved-results.js";

const workload = process.argv[2] ?? "bronze-to-silver";
const runs = savedResults(workload);
const latest = runs.at(-1);
if (latest === undefined) {
  console.log(`bench compare: no saved run of ${workload} in bench/out/ (run npm run bench first)`);
  process.exit(0);
}
// Same machine and the same size of input (a run with BENCH_EVENTS=100000 is not a baseline for 1 M).
const baseline = runs
  .slice(0, -1)
  .reverse()
  .find((r) => sameMachine(r.machineKey, latest.machineKey) && r.events === latest.events && r.rows === latest.rows && r.compression === latest.compression);
if (baseline === undefined) {
  console.log(`bench compare: ${workload} ${latest.savedAt} has no earlier run on this machine to compare with`);
  process.exit(0);
}

/** Numeric figures of a result worth comparing: `engine.median*` and top-level `ratio*` fields. */
function figures(r: SavedResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === "number" && k.startsWith("ratio")) out.set(k, v);
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const [f, x] of Object.entries(v as Record<string, unknown>)) {
        if (typeof x === "number" && f.startsWith("median")) out.set(`${k}.${f}`, x);
      }
    }
  }
  return out;
}

const before = figures(baseline);
const after = figures(latest);
console.log(`${workload}: ${latest.savedAt} against ${baseline.savedAt} (${latest.machineKey.host}, ${latest.machineKey.cpus} × ${latest.machineKey.cpuModel}, Node ${latest.machineKey.node})`);
const rows: string[][] = [["figure", "before", "after", "change"]];
for (const [k, a] of after) {
  const b = before.get(k);
  if (b === undefined) continue;
  const change = b === 0 ? 0 : (a - b) / b;
  const mark = Math.abs(change) > 0.1 ? " *" : "";
  rows.push([k, fmt(k, b), fmt(k, a), `${change >= 0 ? "+" : ""}${(change * 100).toFixed(1)} %${mark}`]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));

function fmt(key: string, x: number): string {
  if (key.endsWith("Bytes")) return `${(x / 2 ** 20).toFixed(0)} MiB`;
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (Math.abs(x) >= 1e3) return `${(x / 1e3).toFixed(0)}k`;
  return x.toFixed(3);
}
