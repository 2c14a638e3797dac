/**
 * Appending batches to a Delta table in one commit, creating the table when it does not exist.
 * With a `txn` (the streaming sink's query id and batch id), the txn action goes in the same commit
 * and the append is skipped when the table already holds a txn for the appId at or past the
 * version: re-running a batch after a crash writes nothing twice.
 */
import type { Batch } from "../../columnar/batch.js";
import { AnalysisError, CommitConflictError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import type { StructType } from "../../types/data-types.js";
import { folderPrefix } from "../../storage/resolve.js";
import type { AddFile, DeltaAction, DeltaTxn } from "./actions.js";
import { newTableActions } from "./create-table.js";
import { writeDataFiles } from "./data-writer.js";
import { loadSnapshot } from "./snapshot.js";
import type { DeltaSnapshot } from "./snapshot.js";
import { commitActions, logPrefix } from "./transaction.js";

/** Options of {@link appendToTable}. */
export interface AppendOptions {
  /** The schema of every batch; must equal the table's (names and types) when the table exists. */
  readonly schema: StructType;
  /** Partition columns of a new table; when given for an existing table they must match its own. */
  readonly partitionBy?: readonly string[];
  /** The application transaction to record (and to skip the append when already recorded). */
  readonly txn?: { readonly appId: string; readonly version: number };
  /** Rows per data file at most; unlimited when absent. */
  readonly maxRecordsPerFile?: number;
  /** `commitInfo.operation`; `WRITE` by default (the streaming sink passes `STREAMING UPDATE`). */
  readonly operation?: string;
  /** `commitInfo.operationParameters`; Spark's WRITE parameters by default. */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
}

/** What {@link appendToTable} did. */
export interface AppendResult {
  /** The committed version, or null when the append was skipped. */
  readonly version: number | null;
  /** True when the table's txn for the appId was already at or past the requested version. */
  readonly skipped: boolean;
  /** The files added. */
  readonly files: readonly AddFile[];
  /** Rows added. */
  readonly numRows: number;
}

/** Attempts when a concurrent writer creates the table or commits our appId's txn first. */
const APPEND_ATTEMPTS = 5;

/**
 * Appends `batches` to the Delta table rooted at `tableKey`, creating it (protocol 1/2, the
 * schema, `partitionBy`) if it has no log. All files and the txn go in one commit.
 * @throws AnalysisError when the schema or partition columns differ from the existing table's;
 *   CommitConflictError when a concurrent commit conflicts (see `commitActions`).
 */
export async function appendToTable(
  storage: Storage,
  tableKey: string,
  batches: Iterable<Batch> | AsyncIterable<Batch>,
  options: AppendOptions,
): Promise<AppendResult> {
  const tablePath = `${storage.root}/${tableKey}`;
  let snapshot = await loadIfExists(storage, tableKey);
  if (isDone(snapshot, options.txn)) return { version: null, skipped: true, files: [], numRows: 0 };
  const partitionBy = snapshot === null ? (options.partitionBy ?? []) : snapshot.metadata.partitionColumns;
  if (snapshot !== null) checkCompatible(snapshot, options, tablePath);
  let numRows = 0;
  async function* counted(): AsyncGenerator<Batch> {
    for await (const b of batches) {
      numRows += b.numRows;
      yield b;
    }
  }
  const adds = await writeDataFiles(storage, tableKey, options.schema, partitionBy, counted(), { maxRecordsPerFile: options.maxRecordsPerFile });
  for (let attempt = 1; ; attempt++) {
    const actions: DeltaAction[] = snapshot === null ? newTableActions(options.schema, partitionBy, tablePath) : [];
    for (const add of adds) actions.push({ kind: "add", add });
    if (options.txn !== undefined) actions.push({ kind: "txn", txn: { appId: options.txn.appId, version: options.txn.version, lastUpdated: Date.now() } });
    try {
      const version = await commitActions(storage, tableKey, snapshot === null ? -1 : snapshot.version, actions, {
        operation: options.operation ?? "WRITE",
        operationParameters: options.operationParameters ?? { mode: "Append", partitionBy: JSON.stringify(partitionBy) },
        operationMetrics: { numFiles: adds.length, numOutputRows: numRows, numOutputBytes: adds.reduce((s, a) => s + a.size, 0) },
        isBlindAppend: true,
      });
      return { version, skipped: false, files: adds, numRows };
    } catch (e) {
      if (!(e instanceof CommitConflictError) || attempt >= APPEND_ATTEMPTS) throw e;
      // Someone created the table or committed our appId first: re-read and decide again.
      snapshot = await loadIfExists(storage, tableKey);
      if (isDone(snapshot, options.txn)) {
        for (const a of adds) await storage.delete(`${folderPrefix(tableKey)}${decodeURI(a.path)}`);
        return { version: null, skipped: true, files: [], numRows: 0 };
      }
      if (snapshot === null) throw e;
      checkCompatible(snapshot, { ...options, partitionBy }, tablePath);
    }
  }
}

/** The latest snapshot, or null when the table has no log yet. */
async function loadIfExists(storage: Storage, tableKey: string): Promise<DeltaSnapshot | null> {
  const entries = await storage.list(logPrefix(tableKey));
  if (!entries.some((e) => /\/\d{20}\.(json|checkpoint\.parquet|checkpoint\.\d+\.\d+\.parquet)$/.test(e.path))) return null;
  return loadSnapshot(storage, tableKey);
}

function isDone(snapshot: DeltaSnapshot | null, txn: AppendOptions["txn"]): boolean {
  if (snapshot === null || txn === undefined) return false;
  const t: DeltaTxn | undefined = snapshot.txns.get(txn.appId);
  return t !== undefined && t.version >= txn.version;
}

function checkCompatible(snapshot: DeltaSnapshot, options: AppendOptions, tablePath: string): void {
  const want = snapshot.metadata.schema.fields;
  const got = options.schema.fields;
  const describe = (fs: typeof want): string => fs.map((f) => `${f.name} ${f.dataType.typeName}`).join(", ");
  const same =
    want.length === got.length && want.every((f, i) => f.name === got[i].name && JSON.stringify(f.dataType) === JSON.stringify(got[i].dataType));
  if (!same) {
    throw new AnalysisError(`delta writer: the data's schema (${describe(got)}) differs from the table's (${describe(want)}) at ${tablePath}`, {
      path: tablePath,
    });
  }
  const pb = options.partitionBy;
  if (pb !== undefined && pb.join("\u0000") !== snapshot.metadata.partitionColumns.join("\u0000")) {
    throw new AnalysisError(
      `delta writer: partitionBy (${pb.join(", ")}) differs from the table's partition columns (${snapshot.metadata.partitionColumns.join(", ")}) at ${tablePath}`,
      { path: tablePath },
    );
  }
}
