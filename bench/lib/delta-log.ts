/**
 * An independent reader of a Delta table's log, written from the protocol (not with sluice's own
 * Delta code) so that benchmarks and tests can check what sluice writes: the newest classic
 * checkpoint is read by DuckDB, the JSON commits after it by hand, and actions are reconciled as
 * PROTOCOL.md says (add/remove by path, the latest txn per appId, the latest metaData).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";

/** A table's state at its latest version as this reader sees it. */
export interface DeltaLogState {
  readonly version: number;
  /** Absolute local paths of the live data files, sorted. */
  readonly files: readonly string[];
  /** Partition values of each live file, by absolute path. */
  readonly partitionValues: ReadonlyMap<string, Readonly<Record<string, string | null>>>;
  /** Latest txn version per appId. */
  readonly txns: ReadonlyMap<string, number>;
  /** The latest metaData's schemaString and partition columns. */
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  /** The version of the checkpoint replay started from, or null. */
  readonly checkpointVersion: number | null;
  /** Every commit version present as JSON (in order). */
  readonly commitVersions: readonly number[];
}

/**
 * Replays the log of the local table at `tableDir`. `duck` reads the checkpoint's Parquet.
 * Throws when the log is missing, a version is missing between the checkpoint and the latest
 * commit, or a line is not JSON.
 */
export async function readDeltaLog(tableDir: string, duck: DuckDBConnection): Promise<DeltaLogState> {
  const logDir = join(tableDir, "_delta_log");
  const names = await readdir(logDir);
  const commits = names.flatMap((n) => (/^\d{20}\.json$/.test(n) ? [Number(n.slice(0, 20))] : [])).sort((a, b) => a - b);
  const checkpoints = names.flatMap((n) => (/^\d{20}\.checkpoint\.parquet$/.test(n) ? [Number(n.slice(0, 20))] : [])).sort((a, b) => a - b);
  if (commits.length === 0 && checkpoints.length === 0) throw new Error(`delta-log: no commits in ${logDir}`);
  const latest = Math.max(commits.at(-1) ?? -1, checkpoints.at(-1) ?? -1);
  const cp = checkpoints.length > 0 ? (checkpoints.at(-1) ?? null) : null;

  const live = new Map<string, Record<string, string | null>>();
  const txns = new Map<string, number>();
  let schemaString = "";
  let partitionColumns: string[] = [];
  const absolute = (p: string): string => (/^[a-z]+:/.test(p) ? new URL(p).pathname : join(tableDir, decodeURIComponent(p)));

  if (cp !== null) {
    const file = join(logDir, `${String(cp).padStart(20, "0")}.checkpoint.parquet`).replaceAll("'", "''");
    const rows = async (sql: string): Promise<unknown[][]> => (await duck.runAndReadAll(sql)).getRowsJS() as unknown[][];
    for (const [path, pv] of await rows(`SELECT add.path, to_json(add.partitionValues) FROM read_parquet('${file}') WHERE add IS NOT NULL`)) {
      live.set(absolute(String(path)), mapFromJson(pv));
    }
    for (const [appId, version] of await rows(`SELECT txn.appId, txn.version FROM read_parquet('${file}') WHERE txn IS NOT NULL`)) {
      txns.set(String(appId), Number(version));
    }
    for (const [s, pc] of await rows(`SELECT metaData.schemaString, to_json(metaData.partitionColumns) FROM read_parquet('${file}') WHERE metaData IS NOT NULL`)) {
      schemaString = String(s);
      partitionColumns = JSON.parse(String(pc)) as string[];
    }
  }
  const after = commits.filter((v) => cp === null || v > cp);
  const first = cp === null ? 0 : cp + 1;
  for (let v = first, i = 0; v <= latest; v++, i++) {
    if (after[i] !== v) throw new Error(`delta-log: version ${v} is missing in ${logDir}`);
    const text = await readFile(join(logDir, `${String(v).padStart(20, "0")}.json`), "utf8");
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const a = JSON.parse(line) as Record<string, Record<string, unknown> | undefined>;
      if (a.add !== undefined) live.set(absolute(String(a.add.path)), (a.add.partitionValues ?? {}) as Record<string, string | null>);
      else if (a.remove !== undefined) live.delete(absolute(String(a.remove.path)));
      else if (a.txn !== undefined) txns.set(String(a.txn.appId), Number(a.txn.version));
      else if (a.metaData !== undefined) {
        schemaString = String(a.metaData.schemaString);
        partitionColumns = (a.metaData.partitionColumns ?? []) as string[];
      }
    }
  }
  return {
    version: latest,
    files: [...live.keys()].sort(),
    partitionValues: live,
    txns,
    schemaString,
    partitionColumns,
    checkpointVersion: cp,
    commitVersions: commits,
  };
}

function mapFromJson(v: unknown): Record<string, string | null> {
  if (v === null || v === undefined) return {};
  const parsed: unknown = JSON.parse(String(v));
  // DuckDB renders a Parquet MAP as a JSON object, or as [{key, value}] for some versions.
  if (Array.isArray(parsed)) {
    const out: Record<string, string | null> = {};
    for (const e of parsed as { key: string; value: string | null }[]) out[e.key] = e.value;
    return out;
  }
  return parsed as Record<string, string | null>;
}
