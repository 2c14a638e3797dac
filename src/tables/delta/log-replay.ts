/**
 * Delta log replay: finding the log segment that reconstructs a version (newest complete classic
 * checkpoint at or before it plus the JSON commits after it) and reconciling its actions as
 * PROTOCOL.md "Action Reconciliation" says: the latest protocol and metaData win, the latest txn per
 * appId wins, and a file is live when its latest add/remove action (by path) is an add; when it is
 * a remove, the remove is kept as a tombstone.
 */
import { AnalysisError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/url.js";
import type { AddFile, DeltaAction, DeltaMetadataAction, DeltaProtocol, DeltaTxn, RemoveFile } from "./actions.js";

/** The files that reconstruct one version of a table. */
export interface LogSegment {
  /** The version reconstructed. */
  readonly version: number;
  /** The checkpoint the replay starts from, or `null` to replay from commit 0. */
  readonly checkpoint: { readonly version: number; readonly partKeys: readonly string[] } | null;
  /** JSON commits after the checkpoint (or the base), ascending, contiguous up to `version`. */
  readonly commits: readonly { readonly version: number; readonly key: string }[];
  /** True when replay starts from the caller's base snapshot (see `findLogSegment`'s `baseVersion`). */
  readonly fromBase: boolean;
}

/**
 * Lists `logPrefix` (the `_delta_log/` folder, ending in `/`) and picks the segment for `version`
 * (the latest when absent). The newest complete checkpoint at or before the version is used;
 * multi-part checkpoints count only when all their parts are listed. `hintVersion` (from
 * `_last_checkpoint`) is only a hint: the listing is authoritative (Storage.list has no start-after,
 * so the whole folder is listed anyway), and a hint naming a missing or incomplete checkpoint is ignored.
 * With `baseVersion` (the version of a snapshot the caller already holds), when it is at or before
 * the target and every commit after it is listed, the segment is those commits alone (`fromBase`).
 * @throws AnalysisError when the folder holds no commits, or the version does not exist or cannot be
 *   reconstructed (commits missing after the checkpoint).
 */
export async function findLogSegment(
  storage: Storage,
  logPrefix: string,
  version?: number,
  hintVersion?: number,
  baseVersion?: number,
): Promise<LogSegment> {
  const listing = await storage.list(logPrefix);
  const commits = new Map<number, string>();
  const checkpoints = new Map<number, { parts: Map<string, string[]> }>();
  for (const info of listing) {
    const name = info.path.slice(logPrefix.length);
    let m = COMMIT.exec(name);
    if (m !== null) {
      commits.set(Number(m[1]), info.path);
      continue;
    }
    m = SINGLE_CHECKPOINT.exec(name);
    if (m !== null) {
      addPart(checkpoints, Number(m[1]), "1", info.path);
      continue;
    }
    m = MULTI_CHECKPOINT.exec(name);
    if (m !== null) addPart(checkpoints, Number(m[1]), `m${Number(m[3])}`, info.path);
  }
  const tablePath = toDisplayUrl(storage, logPrefix);
  if (commits.size === 0 && checkpoints.size === 0) {
    throw new AnalysisError(`delta: no Delta table at ${tablePath} (no commits in the log)`, { path: tablePath });
  }
  const latest = Math.max(...commits.keys(), ...checkpoints.keys());
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new AnalysisError(`delta: version ${target} of the table at ${tablePath} does not exist; the latest is ${latest}`, {
      path: tablePath,
    });
  }
  if (baseVersion !== undefined && baseVersion <= target) {
    const fromBase: { version: number; key: string }[] = [];
    for (let v = baseVersion + 1; v <= target; v++) {
      const key = commits.get(v);
      if (key === undefined) break;
      fromBase.push({ version: v, key });
    }
    if (fromBase.length === target - baseVersion) return { version: target, checkpoint: null, commits: fromBase, fromBase: true };
  }
  const complete = new Map<number, readonly string[]>();
  for (const [v, cp] of checkpoints) {
    const parts = completeParts(cp.parts);
    if (parts !== null && v <= target) complete.set(v, parts);
  }
  let cpVersion: number | null = null;
  if (hintVersion !== undefined && complete.has(hintVersion)) cpVersion = hintVersion;
  for (const v of complete.keys()) if (cpVersion === null || v > cpVersion) cpVersion = v;
  const from = cpVersion === null ? 0 : cpVersion + 1;
  const segmentCommits: { version: number; key: string }[] = [];
  for (let v = from; v <= target; v++) {
    const key = commits.get(v);
    if (key === undefined) {
      throw new AnalysisError(
        `delta: cannot reconstruct version ${target} of the table at ${tablePath}: commit ${v} is missing${cpVersion === null ? " and no checkpoint precedes it" : ""}`,
        { path: tablePath },
      );
    }
    segmentCommits.push({ version: v, key });
  }
  const partKeys = cpVersion === null ? undefined : complete.get(cpVersion);
  return {
    version: target,
    checkpoint: cpVersion === null || partKeys === undefined ? null : { version: cpVersion, partKeys },
    commits: segmentCommits,
    fromBase: false,
  };
}

/** The reconciled state after replaying actions. */
export interface ReplayState {
  readonly protocol: DeltaProtocol | null;
  readonly metadata: DeltaMetadataAction | null;
  /** Live files, keyed by their path as written in the log. */
  readonly files: ReadonlyMap<string, AddFile>;
  /** Tombstones: files whose latest action is a `remove`, keyed like `files` (never in both). */
  readonly tombstones: ReadonlyMap<string, RemoveFile>;
  readonly txns: ReadonlyMap<string, DeltaTxn>;
}

/**
 * Accumulates actions applied in log order (checkpoint first, then commits ascending, each commit's
 * actions in file order) into the reconciled state.
 */
export class LogReplay {
  private protocol: DeltaProtocol | null = null;
  private metadata: DeltaMetadataAction | null = null;
  private readonly files = new Map<string, AddFile>();
  private readonly tombstones = new Map<string, RemoveFile>();
  private readonly txns = new Map<string, DeltaTxn>();

  /**
   * Starts from a reconciled state (a snapshot's, with files keyed as {@link canonicalPath} keys
   * them); actions applied after it override it as usual.
   */
  static from(state: ReplayState): LogReplay {
    const r = new LogReplay();
    r.protocol = state.protocol;
    r.metadata = state.metadata;
    for (const [k, v] of state.files) r.files.set(k, v);
    for (const [k, v] of state.tombstones) r.tombstones.set(k, v);
    for (const [k, v] of state.txns) r.txns.set(k, v);
    return r;
  }

  /** Applies one action; later actions override earlier ones. */
  apply(action: DeltaAction): void {
    switch (action.kind) {
      case "protocol":
        this.protocol = action.protocol;
        return;
      case "metaData":
        this.metadata = action.metadata;
        return;
      case "txn":
        this.txns.set(action.txn.appId, action.txn);
        return;
      case "add": {
        const key = canonicalPath(action.add.path);
        this.files.set(key, action.add);
        this.tombstones.delete(key);
        return;
      }
      case "remove": {
        const key = canonicalPath(action.remove.path);
        this.files.delete(key);
        this.tombstones.set(key, action.remove);
        return;
      }
    }
  }

  /** The state so far. */
  state(): ReplayState {
    return { protocol: this.protocol, metadata: this.metadata, files: this.files, tombstones: this.tombstones, txns: this.txns };
  }
}

/**
 * The key that identifies a file across add and remove actions: its path URI-decoded, with local
 * absolute forms unified (`file:/x`, `file:///x` and `/x` all become `/x`), so that writers encoding
 * the same path differently still match.
 */
export function canonicalPath(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  const m = /^file:\/*(\/.*)$/i.exec(decoded);
  if (m !== null) return m[1].replace(/^\/+/, "/");
  return decoded;
}

const COMMIT = /^(\d{20})\.json$/;
const SINGLE_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

function addPart(checkpoints: Map<number, { parts: Map<string, string[]> }>, version: number, set: string, key: string): void {
  let cp = checkpoints.get(version);
  if (cp === undefined) checkpoints.set(version, (cp = { parts: new Map() }));
  let keys = cp.parts.get(set);
  if (keys === undefined) cp.parts.set(set, (keys = []));
  keys.push(key);
}

/** The keys of a complete checkpoint (single file, or all parts of an M-part one), or `null`. */
function completeParts(parts: Map<string, string[]>): readonly string[] | null {
  const single = parts.get("1");
  if (single !== undefined) return single;
  for (const [set, keys] of parts) {
    // Listing is sorted, so the parts are in part order; a set is complete when it has all M parts.
    if (keys.length === Number(set.slice(1))) return keys;
  }
  return null;
}
