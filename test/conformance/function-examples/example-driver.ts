/**
 * Drives `example-worker.ts` over function names in child processes (the names split between
 * them), restarting a child past a function whose example stops answering or that crashes (the
 * example counts as failed, the function's later examples as not run), and tallies the pass table
 * per function group.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { loadCorpus } from "./example-worker.js";

export interface ExampleResult {
  readonly name: string;
  readonly group: string;
  /** 0-based position among the name's examples. */
  readonly index: number;
  readonly query: string;
  readonly pass: boolean;
  readonly why: string;
}

/** Every function name with examples to check, in name order. */
export function exampleNames(): string[] {
  const { functions } = loadCorpus();
  return Object.keys(functions).filter((n) => functions[n].examples.length > 0);
}

/**
 * Runs the examples of `names` in `children` child processes, giving each example at most
 * `exampleTimeoutMs` before moving past it. Results come in name order.
 */
export async function runExamples(names: readonly string[], exampleTimeoutMs = 10_000, children = 2): Promise<ExampleResult[]> {
  const shares: string[][] = Array.from({ length: Math.max(1, children) }, () => []);
  names.forEach((n, i) => shares[i % shares.length].push(n));
  const results = (await Promise.all(shares.map((s) => runShare(s, exampleTimeoutMs)))).flat();
  const order = new Map(names.map((n, i) => [n, i]));
  return results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0) || a.index - b.index);
}

async function runShare(names: readonly string[], timeoutMs: number): Promise<ExampleResult[]> {
  const { functions } = loadCorpus();
  const results: ExampleResult[] = [];
  const record = (name: string, index: number, pass: boolean, why: string): void => {
    const entry = functions[name];
    results.push({ name, group: entry.group, index, query: entry.examples[index].query, pass, why });
  };
  let remaining = [...names];
  while (remaining.length > 0) {
    const stop = await runBatch(remaining, timeoutMs, record);
    if (stop === null) break;
    // The child stopped inside `stop.name`: its unreported examples fail, and the next child starts after it.
    const count = functions[stop.name].examples.length;
    for (let i = 0; i < count; i++) {
      if (results.some((r) => r.name === stop.name && r.index === i)) continue;
      record(stop.name, i, false, i === stop.index ? stop.why : `not run (example ${stop.index + 1} ${stop.why === "timed out" ? "timed out" : "crashed the worker"})`);
    }
    remaining = remaining.slice(remaining.indexOf(stop.name) + 1);
  }
  return results;
}

/** Runs one child over `names`; resolves null when it finished, else where and why it stopped. */
function runBatch(
  names: readonly string[],
  timeoutMs: number,
  record: (name: string, index: number, pass: boolean, why: string) => void,
): Promise<{ name: string; index: number; why: string } | null> {
  const { functions } = loadCorpus();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "example-worker.ts"), ...names], { stdio: ["ignore", "pipe", "ignore"] });
    let current: { name: string; index: number } | null = null;
    let last: { name: string; index: number } | null = null;
    let timedOut = false;
    let buffer = "";
    let timer = setTimeout(onTimeout, timeoutMs);
    function onTimeout(): void {
      timedOut = true;
      child.kill("SIGKILL");
    }
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const msg = JSON.parse(line) as { name: string; index: number; start?: boolean; pass?: boolean; why?: string };
        clearTimeout(timer);
        timer = setTimeout(onTimeout, timeoutMs);
        if (msg.start === true) {
          current = { name: msg.name, index: msg.index };
        } else {
          record(msg.name, msg.index, msg.pass === true, msg.why ?? "");
          last = { name: msg.name, index: msg.index };
          current = null;
        }
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const why = timedOut ? "timed out" : `the worker exited (${signal ?? `code ${code}`})`;
      if (current !== null) resolve({ ...current, why });
      else if (code === 0) resolve(null);
      else if (last === null) resolve({ name: names[0], index: 0, why });
      else if (last.index + 1 < functions[last.name].examples.length) resolve({ name: last.name, index: last.index + 1, why });
      else {
        // Crashed between functions: the next one is charged with it.
        const next = names[names.indexOf(last.name) + 1];
        resolve(next === undefined ? null : { name: next, index: 0, why });
      }
    });
  });
}

export interface GroupRow {
  readonly group: string;
  /** Function names with examples in the group, and those whose examples all pass. */
  readonly functions: number;
  readonly functionsPassed: number;
  readonly examples: number;
  readonly passed: number;
}

/** Pass counts per function group, in group name order. */
export function groupTable(results: readonly ExampleResult[]): GroupRow[] {
  const groups = new Map<string, { names: Map<string, boolean>; examples: number; passed: number }>();
  for (const r of results) {
    const g = groups.get(r.group) ?? { names: new Map<string, boolean>(), examples: 0, passed: 0 };
    g.examples++;
    if (r.pass) g.passed++;
    g.names.set(r.name, (g.names.get(r.name) ?? true) && r.pass);
    groups.set(r.group, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, g]) => ({ group, functions: g.names.size, functionsPassed: [...g.names.values()].filter(Boolean).length, examples: g.examples, passed: g.passed }));
}

export function totals(rows: readonly GroupRow[]): GroupRow & { percent: string } {
  const sum = (f: (r: GroupRow) => number): number => rows.reduce((n, r) => n + f(r), 0);
  const t = { group: "all", functions: sum((r) => r.functions), functionsPassed: sum((r) => r.functionsPassed), examples: sum((r) => r.examples), passed: sum((r) => r.passed) };
  return { ...t, percent: pct(t.passed, t.examples) };
}

export function formatGroupTable(rows: readonly GroupRow[]): string {
  const all = totals(rows);
  const width = Math.max(...rows.map((r) => r.group.length), 5);
  const line = (r: GroupRow): string =>
    `${r.group.padEnd(width)}  ${`${r.passed}/${r.examples}`.padStart(9)} ${pct(r.passed, r.examples).padStart(6)}   ${`${r.functionsPassed}/${r.functions}`.padStart(7)}`;
  return [`${"group".padEnd(width)}   examples      %   all-pass functions`, ...rows.map(line), line(all)].join("\n");
}

/**
 * Spark's function names that sluice rejected as unknown in any example (an example can name
 * another function than its own), in name order. A name whose every example fails earlier (in the
 * parser) is not found this way.
 */
export function unknownFunctions(results: readonly ExampleResult[]): string[] {
  const { functions } = loadCorpus();
  const out = new Set<string>();
  for (const r of results) {
    const m = /unknown function '([^']+)'/.exec(r.why);
    if (!r.pass && m !== null && m[1] in functions) out.add(m[1]);
  }
  return [...out].sort();
}

function pct(a: number, b: number): string {
  return b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`;
}
