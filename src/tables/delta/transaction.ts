/**
 * Committing to a Delta log (PROTOCOL.md "Delta Log Entries"): one commit is one
 * `_delta_log/<20-digit version>.json` file, `commitInfo` first then one action per line, created
 * put-if-absent. A writer that loses the race re-reads the winning commits, checks them for logical
 * conflicts (Delta's `ConflictChecker` rules), and retries at the next version: no commit is ever
 * lost or overwritten. A "winning" commit carrying this attempt's own `commitInfo.txnId` is this
 * commit (a put-if-absent that succeeded but reported "already exists", as a retried conditional
 * PUT on an object store does), so it is never written twice.
 */
import { randomUUID } from "node:crypto";
import { AlreadyExistsError, CommitConflictError, NotFoundError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import { parseCommit } from "./actions.js";
import type { DeltaAction } from "./actions.js";
import { toDisplayUrl } from "../../storage/url.js";

/** How often a blind append retries after losing a put-if-absent race. */
export const MAX_COMMIT_ATTEMPTS = 100;

/** The engine named in `commitInfo.engineInfo`. */
export const ENGINE_INFO = "sluice/0.1.0";

/**
 * Delta's isolation levels. `Serializable`: a transaction that read the whole table conflicts with
 * every concurrent data add. `WriteSerializable` (Delta's default): concurrent blind appends do not
 * conflict with it (the append is ordered after it), other data adds do.
 */
export type IsolationLevel = "Serializable" | "WriteSerializable";

/** What a commit records in `commitInfo` and how conflicts are judged. */
export interface CommitOptions {
  /** Spark's operation name, e.g. `WRITE`, `STREAMING UPDATE`, `CREATE TABLE`. */
  readonly operation: string;
  /** Operation parameters; values are written as JSON strings, as Spark does. */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  /** Metrics (`numFiles`, `numOutputRows`, …); values are written as strings, as Spark does. */
  readonly operationMetrics?: Readonly<Record<string, number>>;
  /** True when the commit only adds files without reading the table: it never conflicts on data. */
  readonly isBlindAppend: boolean;
  /** Paths (as in the log) of the files the transaction read; a concurrent remove of one conflicts. */
  readonly readPaths?: ReadonlySet<string>;
  /**
   * True when the transaction depends on every file of the table (an overwrite replaces them all):
   * a concurrent commit that adds data (`add` with `dataChange`) conflicts, since its files would
   * otherwise outlive the overwrite (Serializable isolation).
   */
  readonly readWholeTable?: boolean;
  /**
   * How `readWholeTable` treats concurrent blind appends (see {@link IsolationLevel}); written to
   * `commitInfo.isolationLevel`. `Serializable` by default.
   */
  readonly isolationLevel?: IsolationLevel;
}

/** `_delta_log/` under a table root key. */
export function logPrefix(tableKey: string): string {
  return `${folderPrefix(tableKey)}_delta_log/`;
}

/** The key of commit `version`'s JSON file. */
export function commitKey(tableKey: string, version: number): string {
  return `${logPrefix(tableKey)}${String(version).padStart(20, "0")}.json`;
}

/**
 * Commits `actions` as the version after `readVersion` (-1 for a new table), retrying at later
 * versions while concurrent commits do not conflict. Returns the committed version.
 * @throws CommitConflictError naming the winning version when a concurrent commit changed the
 *   protocol, changed the metadata (unless this commit has no actions, e.g. VACUUM START/END),
 *   removed a file in `readPaths` (non-blind transactions) or a file this commit removes too, added
 *   data while `readWholeTable` is set (under `WriteSerializable` only from a commit that is not a
 *   blind append), committed a txn for one of our appIds, or created the table first; or after
 *   {@link MAX_COMMIT_ATTEMPTS} races.
 */
export async function commitActions(
  storage: Storage,
  tableKey: string,
  readVersion: number,
  actions: readonly DeltaAction[],
  options: CommitOptions,
): Promise<number> {
  const txnId = randomUUID();
  const appIds = new Set<string>();
  const removed = new Set<string>();
  for (const a of actions) {
    if (a.kind === "txn") appIds.add(a.txn.appId);
    if (a.kind === "remove") removed.add(a.remove.path);
  }
  const text = commitText(actions, options, readVersion, txnId);
  const ours: OwnCommit = { appIds, removed, hasActions: actions.length > 0 };
  let version = readVersion + 1;
  for (let attempt = 1; ; attempt++) {
    const key = commitKey(tableKey, version);
    try {
      await storage.put(key, encodeUtf8(text), { ifNotExists: true });
      return version;
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
    }
    // Lost the race: check every commit from `version` on, then try after the last one.
    for (;;) {
      const winner = await readCommitWithInfo(storage, tableKey, version);
      if (winner === null) break;
      // Our own put landed after all (its success was reported as "already exists").
      if (winner.txnId === txnId) return version;
      checkConflict(winner, version, readVersion, ours, options, toDisplayUrl(storage, tableKey));
      version++;
    }
    if (attempt >= MAX_COMMIT_ATTEMPTS) {
      throw new CommitConflictError(
        `delta commit: gave up after ${attempt} attempts at ${toDisplayUrl(storage, commitKey(tableKey, version))}: other writers keep committing first`,
        { path: toDisplayUrl(storage, tableKey) },
      );
    }
  }
}

/**
 * The actions of commit `version` (those replay reconciles), or null when it does not exist.
 * @throws SourceError for a malformed commit.
 */
export async function readCommit(storage: Storage, tableKey: string, version: number): Promise<DeltaAction[] | null> {
  return (await readCommitWithInfo(storage, tableKey, version))?.actions ?? null;
}

/** A commit's replayed actions plus the `commitInfo` fields conflict checking needs. */
interface CommitWithInfo {
  readonly actions: DeltaAction[];
  /** `commitInfo.txnId`, when written. */
  readonly txnId: string | undefined;
  /** `commitInfo.isBlindAppend`; a commit without it counts as not blind. */
  readonly isBlindAppend: boolean;
}

async function readCommitWithInfo(storage: Storage, tableKey: string, version: number): Promise<CommitWithInfo | null> {
  const key = commitKey(tableKey, version);
  let bytes: Uint8Array;
  try {
    bytes = await storage.get(key);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
  const { actions, commitInfo } = parseCommit(bytes, toDisplayUrl(storage, key));
  return {
    actions,
    txnId: typeof commitInfo?.txnId === "string" ? commitInfo.txnId : undefined,
    isBlindAppend: commitInfo?.isBlindAppend === true,
  };
}

/** One action as its log line's JSON object (`metaData` gains Spark's `format`). */
export function actionToJson(a: DeltaAction): Record<string, unknown> {
  switch (a.kind) {
    case "protocol":
      return { protocol: a.protocol };
    case "metaData": {
      const m = a.metadata;
      return {
        metaData: {
          id: m.id,
          format: { provider: "parquet", options: {} },
          schemaString: m.schemaString,
          partitionColumns: m.partitionColumns,
          configuration: m.configuration,
          createdTime: m.createdTime,
        },
      };
    }
    case "add":
      return { add: a.add };
    case "remove":
      return { remove: a.remove };
    case "txn":
      return { txn: a.txn };
  }
}

function commitText(actions: readonly DeltaAction[], o: CommitOptions, readVersion: number, txnId: string): string {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.operationParameters ?? {})) params[k] = typeof v === "string" ? v : JSON.stringify(v);
  const commitInfo: Record<string, unknown> = {
    timestamp: Date.now(),
    operation: o.operation,
    operationParameters: params,
  };
  if (readVersion >= 0) commitInfo.readVersion = readVersion;
  commitInfo.isolationLevel = o.isolationLevel ?? "Serializable";
  commitInfo.isBlindAppend = o.isBlindAppend;
  if (o.operationMetrics !== undefined) {
    const metrics: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.operationMetrics)) metrics[k] = String(v);
    commitInfo.operationMetrics = metrics;
  }
  commitInfo.engineInfo = ENGINE_INFO;
  commitInfo.txnId = txnId;
  const lines = [JSON.stringify({ commitInfo })];
  for (const a of actions) lines.push(JSON.stringify(actionToJson(a)));
  return `${lines.join("\n")}\n`;
}

/** What conflict checking needs to know of the commit being attempted. */
interface OwnCommit {
  /** The appIds of its txn actions. */
  readonly appIds: ReadonlySet<string>;
  /** The paths it removes. */
  readonly removed: ReadonlySet<string>;
  /** False for a commit of `commitInfo` only (VACUUM START/END). */
  readonly hasActions: boolean;
}

function checkConflict(winner: CommitWithInfo, version: number, readVersion: number, ours: OwnCommit, o: CommitOptions, tablePath: string): void {
  const fail = (why: string): never => {
    throw new CommitConflictError(`delta commit: concurrent commit ${version} ${why} at ${tablePath} (read version ${readVersion})`, {
      path: tablePath,
    });
  };
  if (readVersion < 0) fail("created the table first");
  // Under WriteSerializable a blind append is ordered after this transaction: its files do not matter.
  const addsMatter = o.readWholeTable === true && !(o.isolationLevel === "WriteSerializable" && winner.isBlindAppend);
  for (const a of winner.actions) {
    if (a.kind === "protocol") fail("changed the protocol");
    // A commit of commitInfo only depends on neither the schema nor the files.
    if (a.kind === "metaData" && ours.hasActions) fail("changed the table metadata");
    if (a.kind === "txn" && ours.appIds.has(a.txn.appId)) fail(`committed a txn for appId '${a.txn.appId}'`);
    if (a.kind === "remove" && ours.removed.has(a.remove.path)) fail(`also removed the file ${a.remove.path}`);
    if (a.kind === "remove" && !o.isBlindAppend && o.readPaths?.has(a.remove.path) === true) fail(`removed the file ${a.remove.path} this transaction read`);
    if (a.kind === "add" && a.add.dataChange && addsMatter) fail(`added the file ${a.add.path} while this transaction depends on the whole table`);
  }
}
