/**
 * DuckDB as the independent reader of sluice's Parquet output.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";

let shared: Promise<DuckDBConnection> | null = null;

/** A process-wide in-memory DuckDB connection (one thread: tests share a 2-core machine). */
export function duckdb(): Promise<DuckDBConnection> {
  shared ??= DuckDBInstance.create(":memory:", { threads: "1" }).then((db) => db.connect());
  return shared;
}

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** `read_parquet([...])` over exactly these files (no globbing, so unlisted files stay invisible). */
export function readParquetSql(files: readonly string[]): string {
  return `read_parquet([${files.map(sqlString).join(", ")}])`;
}

/** Every row of the Parquet `files` (empty when there are none), as DuckDB's JS values. */
export async function readParquetRows(files: readonly string[]): Promise<Record<string, unknown>[]> {
  if (files.length === 0) return [];
  const conn = await duckdb();
  const r = await conn.runAndReadAll(`SELECT * FROM ${readParquetSql(files)}`);
  return r.getRowObjectsJS();
}

/** Runs `sql` and returns its rows as DuckDB's JS values. */
export async function queryRows(sql: string): Promise<Record<string, unknown>[]> {
  const conn = await duckdb();
  return (await conn.runAndReadAll(sql)).getRowObjectsJS();
}
