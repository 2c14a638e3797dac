/**
 * Drives `golden-worker.ts` over a list of golden files in a child process, restarting it after a
 * file that stops answering (its pending query counts as failed with "timed out"), and tallies the
 * pass table: per file, and for the relational files the SQL issue names.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { SQL_TESTS, parseGolden } from "./golden-worker.js";

export interface QueryResult {
  readonly file: string;
  readonly index: number;
  readonly pass: boolean;
  readonly why: string;
}

/** The relational files of the SQL issue (spark.sql and the relational API). */
const RELATIONAL = [
  /^group-by/,
  /^grouping_set\./,
  /^having\./,
  /^group-analytics\./,
  /^order-by-/,
  /^limit\./,
  /^union\./,
  /^except\./,
  /^except-all\./,
  /^intersect-all\./,
  /^inline-table\./,
  /^inner-join\./,
  /^join-empty-relation\./,
  /^join-lateral\./,
  /^natural-join\./,
  /^using-join\./,
  /^outer-join\./,
  /^cross-join\./,
  /^cte/,
  /^window\./,
  /^subquery\//,
  /^pivot\./,
  /^unpivot\./,
  /^table-valued-functions\./,
  /^null-handling\./,
  /^columnresolution/,
  /^describe/,
  /^show-/,
];

export function isRelational(file: string): boolean {
  return RELATIONAL.some((r) => r.test(file));
}

/** The function and type files of the built-in functions issue (datetime-legacy excluded, as there). */
const FUNCTION_FILES = [
  /^string-functions\./,
  /^cast\./,
  /^json-functions\./,
  /^csv-functions\./,
  /^url-functions\./,
  /^date\./,
  /^timestamp\./,
  /^datetime-(?!legacy\.)/,
  /^interval\./,
  /^timestampNTZ\//,
  /^math\./,
  /^predicate-functions\./,
  /^array\./,
  /^map\./,
  /^higher-order-functions\./,
  /^regexp-functions\./,
  /^bitwise\./,
  /^try/,
  /^literals\./,
  /^operators\./,
  /^null-propagation\./,
  /^ceil-floor-with-scale-param\./,
  /^typeCoercion\/native\//,
];

/** Whether `file` is one of the function and type files. */
export function isFunctionFile(file: string): boolean {
  return FUNCTION_FILES.some((r) => r.test(file));
}

/** Every non-ANSI golden file, relative to `results/` (ANSI mode is not sluice's semantics). */
export function goldenFiles(): string[] {
  const root = join(SQL_TESTS, "results");
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== "ansi") walk(p);
      } else if (name.endsWith(".sql.out")) {
        out.push(relative(root, p));
      }
    }
  };
  walk(root);
  return out;
}

/** Runs `files`, giving each at most `fileTimeoutMs` of silence before moving past it. */
export async function runGolden(files: readonly string[], fileTimeoutMs = 20_000): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  let remaining = [...files];
  while (remaining.length > 0) {
    const stuck = await runBatch(remaining, fileTimeoutMs, results);
    if (stuck === null) break;
    const count = parseGolden(readFileSync(join(SQL_TESTS, "results", stuck.file), "utf8")).length;
    for (let i = stuck.index; i < count; i++) {
      if (!results.some((r) => r.file === stuck.file && r.index === i)) results.push({ file: stuck.file, index: i, pass: false, why: i === stuck.index ? "timed out" : "not run (an earlier query timed out)" });
    }
    remaining = remaining.slice(remaining.indexOf(stuck.file) + 1);
  }
  return results;
}

/** Runs the worker over `files`; resolves null when it finished, or the query it got stuck on. */
function runBatch(files: readonly string[], timeoutMs: number, results: QueryResult[]): Promise<{ file: string; index: number } | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "golden-worker.ts"), ...files], {
      stdio: ["ignore", "pipe", "ignore"],
      // SQLQueryTestSuite runs on a JVM whose default zone is Los Angeles (SET TIME ZONE LOCAL).
      env: { ...process.env, TZ: "America/Los_Angeles" },
    });
    let current: { file: string; index: number } | null = null;
    let buffer = "";
    let timer = setTimeout(onTimeout, timeoutMs);
    function onTimeout(): void {
      child.kill("SIGKILL");
    }
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const msg = JSON.parse(line) as { file: string; index: number; start?: boolean; pass?: boolean; why?: string };
        if (msg.start === true) {
          if (current === null || current.file !== msg.file) {
            clearTimeout(timer);
            timer = setTimeout(onTimeout, timeoutMs);
          }
          current = { file: msg.file, index: msg.index };
        } else {
          results.push({ file: msg.file, index: msg.index, pass: msg.pass === true, why: msg.why ?? "" });
          current = null;
        }
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (current !== null) resolve(current);
      else if (code === 0) resolve(null);
      else {
        // Crashed between queries: resume after the last file that reported.
        const last = results.length > 0 ? results[results.length - 1] : null;
        resolve(last === null ? { file: files[0], index: 0 } : { file: last.file, index: last.index + 1 });
      }
    });
  });
}

export interface PassRow {
  readonly file: string;
  readonly queries: number;
  readonly passed: number;
}

/** Per-file pass counts, in file order. */
export function passTable(results: readonly QueryResult[]): PassRow[] {
  const byFile = new Map<string, { queries: number; passed: number }>();
  for (const r of results) {
    const row = byFile.get(r.file) ?? { queries: 0, passed: 0 };
    row.queries++;
    if (r.pass) row.passed++;
    byFile.set(r.file, row);
  }
  return [...byFile.entries()].map(([file, r]) => ({ file, ...r }));
}

export function formatPassTable(rows: readonly PassRow[]): string {
  const width = Math.max(...rows.map((r) => r.file.length), 4);
  const lines = rows.map((r) => `${r.file.padEnd(width)}  ${String(r.passed).padStart(4)}/${String(r.queries).padEnd(4)} ${pct(r.passed, r.queries).padStart(6)}`);
  return [`${"file".padEnd(width)}  pass/total      %`, ...lines].join("\n");
}

export function totals(rows: readonly PassRow[]): { queries: number; passed: number; percent: string } {
  const queries = rows.reduce((n, r) => n + r.queries, 0);
  const passed = rows.reduce((n, r) => n + r.passed, 0);
  return { queries, passed, percent: pct(passed, queries) };
}

function pct(a: number, b: number): string {
  return b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`;
}
