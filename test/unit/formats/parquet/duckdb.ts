/**
 * Test helper: DuckDB as the independent Parquet reader. Files are written to a temp folder so
 * DuckDB reads them from disk exactly as another engine would.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";

const dir = mkdtempSync(join(tmpdir(), "sluice-parquet-test-"));
// At exit, not in an after() hook: the fast lane (scripts/run-tests.mjs --fast) runs many test
// files in one process, where a hook would belong to the first file that imported this module.
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));

let conn: DuckDBConnection | null = null;
let counter = 0;

async function connection(): Promise<DuckDBConnection> {
  if (conn === null) conn = await (await DuckDBInstance.create(":memory:")).connect();
  return conn;
}

/** Writes `bytes` to a fresh temp file and returns its path. */
export function tempFile(bytes: Uint8Array, name = "f"): string {
  const path = join(dir, `${name}-${counter++}.parquet`);
  writeFileSync(path, bytes);
  return path;
}

/** A fresh temp file path (not created). */
export function tempPath(name = "f"): string {
  return join(dir, `${name}-${counter++}.parquet`);
}

/** Runs SQL and returns rows as JSON-compatible objects (BIGINT as strings, timestamps as text). */
export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const c = await connection();
  const r = await c.runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

/** Runs a statement. */
export async function run(sql: string): Promise<void> {
  const c = await connection();
  await c.run(sql);
}
