/**
 * A Delta snapshot: the reconciled state of a table at one version (protocol, metadata with the
 * parsed schema, live files, remove tombstones and app transactions), loaded by replaying its log.
 */
import { AnalysisError, SourceError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix, toDisplayUrl } from "../../storage/resolve.js";
import { isStruct } from "../../types/data-types.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { schemaFromJson } from "../../types/json-schema.js";
import { parseCommit } from "./actions.js";
import type { AddFile, DeltaAction, DeltaMetadataAction, DeltaProtocol, DeltaTxn, RemoveFile } from "./actions.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { canonicalPath, findLogSegment, LogReplay } from "./log-replay.js";
import { unsupportedFeatureError, unsupportedReaderFeatures } from "./protocol-check.js";

export type { AddFile, DeltaProtocol, DeltaTxn, RemoveFile } from "./actions.js";

/** The table metadata of a snapshot, with the schema parsed. */
export interface DeltaMetadata {
  readonly id: string;
  readonly schema: StructType;
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number;
}

/** A live file of a snapshot; `path` is decoded from the log's URI encoding. */
export interface DeltaFile extends AddFile {
  /** The path as written in the log (URI-encoded). */
  readonly rawPath: string;
}

/**
 * A remove tombstone of a snapshot: a file removed at or before the snapshot's version and not
 * added again since; `path` is decoded from the log's URI encoding. A checkpoint's tombstones are
 * only those its writer kept (unexpired at the time), so older ones may be missing.
 */
export interface DeltaTombstone extends RemoveFile {
  /** The path as written in the log (URI-encoded). */
  readonly rawPath: string;
}

/** The state of a table at one version. */
export interface DeltaSnapshot {
  readonly version: number;
  readonly protocol: DeltaProtocol;
  readonly metadata: DeltaMetadata;
  /** Live files, sorted by path. */
  readonly files: readonly DeltaFile[];
  /** Remove tombstones (expired ones included; see `writeCheckpoint` for retention), sorted by path. */
  readonly tombstones: readonly DeltaTombstone[];
  /** Latest txn per appId. */
  readonly txns: ReadonlyMap<string, DeltaTxn>;
}

/** Options of {@link loadSnapshot}. */
export interface LoadSnapshotOptions {
  /** The version to load (time travel); the latest when absent. */
  readonly version?: number;
  /**
   * A snapshot of the same table the caller already holds (e.g. a streaming sink's previous one):
   * when it is at or before the version and every commit after it is still in the log, only those
   * commits are read and applied to it, instead of the checkpoint and the commits after it.
   * Otherwise (log cleaned up, newer than the version) the snapshot is loaded in full.
   */
  readonly base?: DeltaSnapshot;
}

/**
 * Loads the snapshot of the table whose root is `tableKey` in `storage`: finds the log segment
 * (`findLogSegment`: from the base, or from the checkpoint `_last_checkpoint` names, listing only
 * the log files from there on), reads that checkpoint and the JSON commits after it, and
 * reconciles their actions. Does not check that sluice can read the table's data (see
 * `checkReadable`).
 * @throws AnalysisError when there is no table or the version cannot be reconstructed;
 *   SourceError for a malformed log; ParseError for a malformed schemaString.
 */
export async function loadSnapshot(storage: Storage, tableKey: string, options: LoadSnapshotOptions = {}): Promise<DeltaSnapshot> {
  const snapshot = await loadSnapshotIfExists(storage, tableKey, options);
  if (snapshot === null) {
    const tablePath = toDisplayUrl(storage, `${folderPrefix(tableKey)}_delta_log/`);
    throw new AnalysisError(`delta: no Delta table at ${tablePath} (no commits in the log)`, { path: tablePath });
  }
  return snapshot;
}

/**
 * {@link loadSnapshot}, or null when the table's `_delta_log/` holds no commit or checkpoint (no
 * table yet). With a `base`, the table is known to exist and only the log after it is listed.
 */
export async function loadSnapshotIfExists(storage: Storage, tableKey: string, options: LoadSnapshotOptions = {}): Promise<DeltaSnapshot | null> {
  const logPrefix = `${folderPrefix(tableKey)}_delta_log/`;
  const base = options.base;
  const segment = await findLogSegment(storage, logPrefix, { version: options.version, baseVersion: base?.version });
  if (segment === null) return null;
  const tablePath = toDisplayUrl(storage, tableKey);
  if (segment.fromBase && base !== undefined) {
    const actions: DeltaAction[] = [];
    for (const commit of segment.commits) {
      for (const a of parseCommit(await storage.get(commit.key), toDisplayUrl(storage, commit.key)).actions) actions.push(a);
    }
    return applyActions(base, segment.version, actions, tablePath);
  }
  const replay = new LogReplay();
  if (segment.checkpoint !== null) for (const a of await readCheckpoint(storage, segment.checkpoint.partKeys)) replay.apply(a);
  for (const commit of segment.commits) {
    for (const a of parseCommit(await storage.get(commit.key), toDisplayUrl(storage, commit.key)).actions) replay.apply(a);
  }
  const state = replay.state();
  if (state.protocol === null || state.metadata === null) {
    throw new SourceError(`delta log: version ${segment.version} of the table at ${tablePath} has no ${state.protocol === null ? "protocol" : "metaData"} action`, {
      path: tablePath,
    });
  }
  const files: DeltaFile[] = [];
  for (const [path, add] of state.files) files.push({ ...add, path, rawPath: add.path });
  files.sort(byPath);
  const tombstones: DeltaTombstone[] = [];
  for (const [path, remove] of state.tombstones) tombstones.push({ ...remove, path, rawPath: remove.path });
  tombstones.sort(byPath);
  return {
    version: segment.version,
    protocol: state.protocol,
    metadata: withSchema(state.protocol, state.metadata, tablePath),
    files,
    tombstones,
    txns: state.txns,
  };
}

/**
 * `base` with `actions` (the commits after it, in log order) applied, reconciled as replay does
 * (later actions win; a file's latest add/remove decides). The work is the actions' count times a
 * binary search and an array copy of the base's files, not a rebuild of every file's entry, so a
 * writer holding a snapshot of a large table pays for what changed.
 */
function applyActions(base: DeltaSnapshot, version: number, actions: readonly DeltaAction[], tablePath: string): DeltaSnapshot {
  let protocol = base.protocol;
  let metadataAction: DeltaMetadataAction | null = null;
  let files: DeltaFile[] | null = null;
  let tombstones: DeltaTombstone[] | null = null;
  let txns: Map<string, DeltaTxn> | null = null;
  for (const a of actions) {
    switch (a.kind) {
      case "protocol":
        protocol = a.protocol;
        break;
      case "metaData":
        metadataAction = a.metadata;
        break;
      case "txn":
        (txns ??= new Map(base.txns)).set(a.txn.appId, a.txn);
        break;
      case "add": {
        const path = canonicalPath(a.add.path);
        removeByPath((tombstones ??= base.tombstones.slice()), path);
        putByPath((files ??= base.files.slice()), { ...a.add, path, rawPath: a.add.path });
        break;
      }
      case "remove": {
        const path = canonicalPath(a.remove.path);
        removeByPath((files ??= base.files.slice()), path);
        putByPath((tombstones ??= base.tombstones.slice()), { ...a.remove, path, rawPath: a.remove.path });
        break;
      }
    }
  }
  return {
    version,
    protocol,
    metadata: metadataAction === null ? base.metadata : withSchema(protocol, metadataAction, tablePath),
    files: files ?? base.files,
    tombstones: tombstones ?? base.tombstones,
    txns: txns ?? base.txns,
  };
}

/** The metadata with its schema parsed. @throws as {@link loadSnapshot} for an unreadable schema. */
function withSchema(protocol: DeltaProtocol, metadata: DeltaMetadataAction, tablePath: string): DeltaMetadata {
  let schema: DataType;
  try {
    schema = schemaFromJson(metadata.schemaString);
  } catch (cause) {
    // A type sluice lacks (e.g. timestamp_ntz) comes with a reader feature: name the feature.
    const missing = unsupportedReaderFeatures(protocol, metadata);
    if (missing.length === 0) throw cause;
    throw unsupportedFeatureError(missing, tablePath, cause);
  }
  if (!isStruct(schema)) throw new AnalysisError(`delta: schemaString of the table at ${tablePath} is not a struct`, { path: tablePath });
  return { ...metadata, schema };
}

/** Inserts `item` into `sorted` (by path), replacing the entry with the same path. */
function putByPath<T extends { readonly path: string }>(sorted: T[], item: T): void {
  const i = lowerBound(sorted, item.path);
  if (i < sorted.length && sorted[i].path === item.path) sorted[i] = item;
  else sorted.splice(i, 0, item);
}

/** Removes the entry with `path` from `sorted` (by path), if any. */
function removeByPath(sorted: { readonly path: string }[], path: string): void {
  const i = lowerBound(sorted, path);
  if (i < sorted.length && sorted[i].path === path) sorted.splice(i, 1);
}

/** The first index whose path is not before `path` (the order of {@link byPath}). */
function lowerBound(sorted: readonly { readonly path: string }[], path: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].path < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
