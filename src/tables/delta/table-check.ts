/**
 * Whether a location holds a Delta table, and Delta's error when it does not — shared by the
 * table operations (merge, optimize, vacuum, history) that must not create a table.
 */
import { AnalysisError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { logPrefix } from "./transaction.js";

/** True when `tableKey` has a Delta log with at least one commit or checkpoint. */
export async function hasDeltaLog(storage: Storage, tableKey: string): Promise<boolean> {
  const entries = await storage.list(logPrefix(tableKey));
  return entries.some((e) => /\/\d{20}\.(json|checkpoint\.parquet|checkpoint\.\d+\.\d+\.parquet)$/.test(e.path));
}

/** Delta's error for a path without a table: "`<path>` is not a Delta table." */
export function notADeltaTable(tablePath: string): AnalysisError {
  return new AnalysisError(`delta: \`${tablePath}\` is not a Delta table.`, { path: tablePath });
}
