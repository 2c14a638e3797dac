/**
 * Test helper for the Delta writers: a written table is read back twice, independently — by
 * replaying its log (`loadSnapshot` + `readDeltaTable`) and by DuckDB over exactly the live files the
 * snapshot lists (`read_parquet`, partition values from the log) — and both row sets must agree.
 * Rows are canonicalised to JSON arrays of strings in table-schema order, so integer widths and
 * bigint/string representations do not matter.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import type { DeltaSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { query } from "../../formats/parquet/duckdb.js";

/** What {@link readBack} found. */
export interface ReadBack {
  readonly snapshot: DeltaSnapshot;
  /** Canonical rows, sorted (equal for both readers). */
  readonly rows: string[];
}

/**
 * Reads the table in local folder `tableDir` both ways, asserts the readers agree and that every
 * live file exists, and returns the snapshot and the canonical rows.
 */
export async function readBack(tableDir: string): Promise<ReadBack> {
  const storage = localFileSystem();
  const key = tableDir.slice(1);
  const snapshot = await loadSnapshot(storage, key);
  const names = snapshot.metadata.schema.fields.map((f) => f.name);
  const replayed: string[] = [];
  for (const b of (await readDeltaTable(storage, key)).batches) for (const r of batchToRows(b)) replayed.push(canonical(r, names));
  const duck: string[] = [];
  for (const f of snapshot.files) {
    const file = join(tableDir, f.path);
    assert.ok(existsSync(file), `live file ${file} exists`);
    for (const r of await query(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}', hive_partitioning = false)`)) {
      duck.push(canonical({ ...r, ...f.partitionValues }, names));
    }
  }
  replayed.sort();
  duck.sort();
  assert.deepEqual(duck, replayed, "DuckDB over the live files reads what log replay reads");
  return { snapshot, rows: replayed };
}

/** One row as its canonical JSON: the values of `names` in order, primitives as strings, absent as null. */
export function canonical(row: Readonly<Record<string, unknown>>, names: readonly string[]): string {
  return JSON.stringify(names.map((n) => norm(row[n])));
}

function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(norm);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), norm(x)]));
  if (typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = norm(x);
    return o;
  }
  return String(v);
}
