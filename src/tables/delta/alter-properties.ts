/**
 * ALTER TABLE … SET / UNSET TBLPROPERTIES on a Delta table: one commit whose `metaData` action
 * carries the table's configuration with the changes (Delta's `SET TBLPROPERTIES` operation).
 * Only the `delta.*` properties sluice knows may be set (`newTableProperties`' list), as for a new
 * table; unknown ones are refused with the list.
 */
import { AnalysisError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { loadSnapshot } from "./snapshot.js";
import { hasDeltaLog, notADeltaTable } from "./table-check.js";
import { newTableProperties } from "./table-properties.js";
import { commitActions } from "./transaction.js";
import { checkWritable } from "./writer-protocol.js";

/**
 * Sets `set` and removes `unset` from the table's configuration; returns the committed version.
 * @throws AnalysisError when there is no table or an unset key is absent (unless `ifExists`);
 *   ConfigError for a property sluice does not support.
 */
export async function alterTableProperties(
  storage: Storage,
  tableKey: string,
  path: string,
  set: Readonly<Record<string, string>>,
  unset: readonly string[],
  ifExists: boolean,
): Promise<number> {
  if (!(await hasDeltaLog(storage, tableKey))) throw notADeltaTable(path);
  const snapshot = await loadSnapshot(storage, tableKey);
  checkWritable(snapshot.protocol, snapshot.metadata, path, { dataChange: false, removesData: false });
  const configuration: Record<string, string> = { ...snapshot.metadata.configuration, ...newTableProperties(set, {}) };
  for (const k of unset) {
    if (!(k in configuration) && !ifExists) throw new AnalysisError(`delta: table ${path} has no property '${k}'`);
    delete configuration[k];
  }
  const m = snapshot.metadata;
  return commitActions(
    storage,
    tableKey,
    snapshot.version,
    [{ kind: "metaData", metadata: { id: m.id, schemaString: m.schemaString, partitionColumns: [...m.partitionColumns], configuration, createdTime: m.createdTime } }],
    {
      operation: unset.length > 0 ? "UNSET TBLPROPERTIES" : "SET TBLPROPERTIES",
      operationParameters: unset.length > 0 ? { propKeys: JSON.stringify(unset), ifExists } : { properties: JSON.stringify(set) },
      isBlindAppend: false,
    },
  );
}
