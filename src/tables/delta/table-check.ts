/**
 * Whether a location holds a Delta table, and Delta's error when it does not — shared by the
 * table operations (merge, optimize, vacuum, history) that must not create a table.
 */
import { AnalysisError } from "../../errors.js";
import type { ObjectInfo, Storage } from "../../storage/storage.js";
import { readLastCheckpoint } from "./checkpoint-reader.js";
import { commitFileName, versionPrefix } from "./log-replay.js";
import { logPrefix } from "./transaction.js";

/**
 * True when `tableKey` has a Delta log with at least one commit or checkpoint. Asks as little as it
 * can, never listing a long log whole: the files from the checkpoint `_last_checkpoint` names on,
 * else commit 0 by name; the whole folder only when neither is there (a log cleaned up without
 * `_last_checkpoint`, or no table).
 */
export async function hasDeltaLog(storage: Storage, tableKey: string): Promise<boolean> {
  const prefix = logPrefix(tableKey);
  const hint = await readLastCheckpoint(storage, prefix);
  if (hint !== null && (await storage.list(prefix, { startAfter: prefix + versionPrefix(hint.version) })).some(isLogFile)) return true;
  if ((await storage.head(prefix + commitFileName(0))) !== null) return true;
  return (await storage.list(prefix)).some(isLogFile);
}

/** Delta's error for a path without a table: "`<path>` is not a Delta table." */
export function notADeltaTable(tablePath: string): AnalysisError {
  return new AnalysisError(`delta: \`${tablePath}\` is not a Delta table.`, { path: tablePath });
}

function isLogFile(e: ObjectInfo): boolean {
  return /\/\d{20}\.(json|checkpoint\.parquet|checkpoint\.\d+\.\d+\.parquet)$/.test(e.path);
}
