/**
 * Reads a golden query's output back, following the capture convention of `golden-runner.ts`:
 * append mode → the Parquet files listed in `_spark_metadata`, read with DuckDB; complete mode →
 * the rows of the highest `batch-<id>.json` (in query order when the query is `ordered`); update mode → every batch's rows merged in batch-id
 * order by the query's `keys`, the later row winning.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalRows } from "./canonical.js";
import type { CanonicalRow } from "./canonical.js";
import { readParquetRows } from "./duckdb.js";
import type { GoldenQuery } from "./golden-runner.js";
import { visibleSinkFiles } from "./spark-metadata.js";

/** The output of a golden query's runs at `out`, canonical and sorted (see the module comment). */
export async function readGoldenOutput(query: GoldenQuery, out: string): Promise<CanonicalRow[]> {
  if (query.outputMode === "append") return canonicalRows(await readParquetRows(await visibleSinkFiles(out)));
  const batches = readdirSync(out)
    .map((name) => /^batch-(\d+)\.json$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: Number(m[1]), file: join(out, m[0]) }))
    .sort((a, b) => a.id - b.id);
  const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as CanonicalRow[];
  if (query.outputMode === "complete") {
    if (batches.length === 0) return [];
    const last = read(batches[batches.length - 1].file);
    return query.ordered === true ? last : canonicalRows(last);
  }
  const keys = query.keys;
  if (keys === undefined || keys.length === 0) throw new Error("golden: an update-mode query must export keys");
  const merged = new Map<string, CanonicalRow>();
  for (const b of batches) for (const row of read(b.file)) merged.set(JSON.stringify(keys.map((k) => row[k])), row);
  return canonicalRows([...merged.values()]);
}
