/**
 * Test helpers for the DeltaTable operations: an independent replay of the JSON log (no sluice
 * code) and DuckDB reading the live Parquet files it names.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { query } from "../../formats/parquet/duckdb.js";

export interface LoggedAdd {
  readonly path: string;
  readonly partitionValues: Record<string, string | null>;
  readonly size: number;
  readonly dataChange: boolean;
  readonly stats?: string;
}

/** Every action line of every JSON commit, in version order. */
export function logLines(tableDir: string): { version: number; action: Record<string, Record<string, unknown>> }[] {
  const logDir = join(tableDir, "_delta_log");
  const out: { version: number; action: Record<string, Record<string, unknown>> }[] = [];
  for (const f of readdirSync(logDir).filter((n) => /^\d{20}\.json$/.test(n)).sort()) {
    for (const line of readFileSync(join(logDir, f), "utf8").split("\n")) {
      if (line !== "") out.push({ version: Number(f.slice(0, 20)), action: JSON.parse(line) as Record<string, Record<string, unknown>> });
    }
  }
  return out;
}

/** The commit's actions of one version. */
export function commitOf(tableDir: string, version: number): Record<string, Record<string, unknown>>[] {
  return logLines(tableDir)
    .filter((l) => l.version === version)
    .map((l) => l.action);
}

/** The log replayed by hand: live `add` actions by decoded path. */
export function liveAdds(tableDir: string): Map<string, LoggedAdd> {
  const live = new Map<string, LoggedAdd>();
  for (const { action } of logLines(tableDir)) {
    if (action.add !== undefined) live.set(decodeURIComponent(String(action.add.path)), action.add as unknown as LoggedAdd);
    if (action.remove !== undefined) live.delete(decodeURIComponent(String(action.remove.path)));
  }
  return live;
}

/** Rows DuckDB reads from the live files, partition columns taken from the log. */
export async function duckRows(tableDir: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const [path, a] of liveAdds(tableDir)) {
    const file = join(tableDir, path);
    assert.ok(existsSync(file), `live file missing: ${file}`);
    for (const r of await query(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}', hive_partitioning = false)`)) out.push({ ...r, ...a.partitionValues });
  }
  return out;
}

/** Rows as sorted JSON strings of the given columns (values as strings, null kept). */
export function normalize(rows: readonly Record<string, unknown>[], columns: readonly string[]): string[] {
  return rows.map((r) => JSON.stringify(columns.map((c) => (r[c] === null || r[c] === undefined ? null : String(r[c]))))).sort();
}
