/**
 * Delta log replay: finding the log segment that reconstructs a version (newest complete classic
 * checkpoint at or before it plus the JSON commits after it) and reconciling its actions as
 * PROTOCOL.md "Action Reconciliation" says: the latest protocol and metaData win, the latest txn per
 * appId wins, and a file is live when its latest add/remove action (by path) is an add; when it is
 * a remove, the remove is kept as a tombstone.
 */
import { AnalysisError } from "../../errors.js";
import type { ObjectInfo, Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/url.js";
import type { AddFile, DeltaAction, DeltaMetadataAction, DeltaProtocol, DeltaTxn, RemoveFile } from "./actions.js";
import { readLastCheckpoint } from "./checkpoint-reader.js";

/** The files that reconstruct one version of a table. */
export interface LogSegment {
  /** The version reconstructed. */
  readonly version: number;
  /** The checkpoint the replay starts from, or `null` to replay from commit 0. */
  readonly checkpoint: { readonly version: number; readonly partKeys: readonly string[] } | null;
  /** JSON commits after the checkpoint (or the base), ascending, contiguous up to `version`. */
  readonly commits: readonly { readonly version: number; readonly key: string }[];
  /** True when replay starts from the caller's base snapshot (see {@link FindLogSegmentOptions.baseVersion}). */
  readonly fromBase: boolean;
}

/** Options of {@link findLogSegment}. */
export interface FindLogSegmentOptions {
  /** The version to reconstruct; the latest when absent. */
  readonly version?: number;
  /**
   * The version of a snapshot the caller already holds: when it is at or before the target and
   * every commit after it is in the log, the segment is those commits alone (`fromBase`), found by
   * listing only what sorts after the base's commit.
   */
  readonly baseVersion?: number;
}

/**
 * Picks the segment that reconstructs `options.version` (the latest when absent) from the
 * `_delta_log/` folder at `logPrefix` (ending in `/`), listing as little of it as it can, as
 * PROTOCOL.md's "Last Checkpoint File" suggests:
 * - from the caller's base snapshot: only the keys after the base's commit;
 * - else from `_last_checkpoint` (a hint), when the target is not older than it: only the keys
 *   from the hinted version on. The newest complete checkpoint at or before the target found there
 *   is used (a newer one than the hint, if the hint is stale);
 * - else, or when that listing holds no usable checkpoint (missing, incomplete: a stale or wrong
 *   hint) or no contiguous commits: the whole folder, as Delta falls back to listing from 0.
 * Multi-part checkpoints count only when all their parts are listed.
 * @returns null when the folder holds no commit or checkpoint (no table).
 * @throws AnalysisError when the version does not exist, was removed by log cleanup (naming the
 *   oldest version still available), or cannot be reconstructed (commits missing after a checkpoint).
 */
export async function findLogSegment(storage: Storage, logPrefix: string, options: FindLogSegmentOptions = {}): Promise<LogSegment | null> {
  const target = options.version;
  const base = options.baseVersion;
  if (base !== undefined && (target === undefined || target >= base)) {
    const after = parseLogListing(await storage.list(logPrefix, { startAfter: logPrefix + commitFileName(base) }), logPrefix);
    const latest = Math.max(base, after.latest);
    const to = target ?? latest;
    if (to <= latest) {
      const commits = contiguousCommits(after, base + 1, to);
      if (commits !== null) return { version: to, checkpoint: null, commits, fromBase: true };
    }
  }
  const hint = await readLastCheckpoint(storage, logPrefix);
  if (hint !== null && (target === undefined || target >= hint.version)) {
    const from = parseLogListing(await storage.list(logPrefix, { startAfter: logPrefix + versionPrefix(hint.version) }), logPrefix);
    const segment = segmentOf(from, target, hint.version);
    if (segment !== null) return segment;
  }
  const all = parseLogListing(await storage.list(logPrefix), logPrefix);
  if (all.commits.size === 0 && all.checkpoints.size === 0) return null;
  const tablePath = toDisplayUrl(storage, logPrefix);
  const to = target ?? all.latest;
  if (!Number.isInteger(to) || to < 0 || to > all.latest) {
    throw new AnalysisError(`delta: version ${to} of the table at ${tablePath} does not exist; the latest is ${all.latest}`, { path: tablePath });
  }
  const segment = segmentOf(all, to, 0);
  if (segment !== null) return segment;
  const oldest = oldestAvailableVersion(all);
  if (oldest !== null && to < oldest) {
    throw new AnalysisError(
      `delta: cannot load version ${to} of the table at ${tablePath}: its log files were removed by log cleanup ` +
        `(delta.logRetentionDuration); the oldest available version is ${oldest} (available versions: [${oldest}, ${all.latest}])`,
      { path: tablePath },
    );
  }
  const cp = newestCompleteCheckpoint(all, to);
  let missing = cp === null ? 0 : cp.version + 1;
  while (all.commits.has(missing)) missing++;
  throw new AnalysisError(
    `delta: cannot reconstruct version ${to} of the table at ${tablePath}: commit ${missing} is missing${cp === null ? " and no checkpoint precedes it" : ""}`,
    { path: tablePath },
  );
}

/**
 * The oldest version the listed log can reconstruct: 0 when commit 0 is there, else the oldest
 * complete checkpoint (log cleanup leaves a checkpoint first), else null.
 */
function oldestAvailableVersion(log: LogListing): number | null {
  if (log.commits.has(0)) return 0;
  let oldest: number | null = null;
  for (const [v, cp] of log.checkpoints) if (completeParts(cp) !== null && (oldest === null || v < oldest)) oldest = v;
  return oldest;
}

/**
 * The segment for `target` (the listing's latest when undefined) in `log`, using the newest
 * complete checkpoint at or before it that is at least `minCheckpoint` (0: none needed), or null
 * when there is none or the commits after it are not contiguous up to the target.
 */
function segmentOf(log: LogListing, target: number | undefined, minCheckpoint: number): LogSegment | null {
  const to = target ?? log.latest;
  if (to < 0 || to > log.latest) return null;
  const cp = newestCompleteCheckpoint(log, to);
  if (cp === null ? minCheckpoint > 0 : cp.version < minCheckpoint) return null;
  const commits = contiguousCommits(log, cp === null ? 0 : cp.version + 1, to);
  if (commits === null) return null;
  return { version: to, checkpoint: cp, commits, fromBase: false };
}

function newestCompleteCheckpoint(log: LogListing, atOrBefore: number): { version: number; partKeys: readonly string[] } | null {
  let best: { version: number; partKeys: readonly string[] } | null = null;
  for (const [v, cp] of log.checkpoints) {
    if (v > atOrBefore || (best !== null && v < best.version)) continue;
    const parts = completeParts(cp);
    if (parts !== null) best = { version: v, partKeys: parts };
  }
  return best;
}

/** The commits `from..to` of `log` when all are listed (an empty list when `from > to`), else null. */
function contiguousCommits(log: LogListing, from: number, to: number): { version: number; key: string }[] | null {
  const out: { version: number; key: string }[] = [];
  for (let v = from; v <= to; v++) {
    const key = log.commits.get(v);
    if (key === undefined) return null;
    out.push({ version: v, key });
  }
  return out;
}

/** The commits and checkpoints of a listing of `_delta_log/`. */
export interface LogListing {
  /** Commit keys by version. */
  readonly commits: ReadonlyMap<number, string>;
  /** Checkpoint part keys by version, grouped by part set (`"1"` single file, `m<M>` M parts). */
  readonly checkpoints: ReadonlyMap<number, { readonly parts: ReadonlyMap<string, readonly string[]> }>;
  /** The newest version listed (commit or checkpoint), or -1. */
  readonly latest: number;
}

/** Sorts the log files of a listing of the `_delta_log/` folder `logPrefix` into commits and checkpoints. */
export function parseLogListing(listing: readonly ObjectInfo[], logPrefix: string): LogListing {
  const commits = new Map<number, string>();
  const checkpoints = new Map<number, { parts: Map<string, string[]> }>();
  let latest = -1;
  for (const info of listing) {
    const name = info.path.slice(logPrefix.length);
    let m = COMMIT.exec(name);
    if (m !== null) {
      commits.set(Number(m[1]), info.path);
      latest = Math.max(latest, Number(m[1]));
      continue;
    }
    m = SINGLE_CHECKPOINT.exec(name);
    if (m !== null) {
      addPart(checkpoints, Number(m[1]), "1", info.path);
      latest = Math.max(latest, Number(m[1]));
      continue;
    }
    m = MULTI_CHECKPOINT.exec(name);
    if (m !== null) {
      addPart(checkpoints, Number(m[1]), `m${Number(m[3])}`, info.path);
      latest = Math.max(latest, Number(m[1]));
    }
  }
  return { commits, checkpoints, latest };
}

/** A version's 20-digit zero-padded name prefix, which sorts before every file of that version. */
export function versionPrefix(version: number): string {
  return String(version).padStart(20, "0");
}

/**
 * The name of commit `version`'s file. It sorts after every other file of its version
 * (`.checkpoint…`, `.crc`, `.<v>.compacted.json`), so a listing that starts after it starts at
 * the next version.
 */
export function commitFileName(version: number): string {
  return `${versionPrefix(version)}.json`;
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
function completeParts(cp: { readonly parts: ReadonlyMap<string, readonly string[]> }): readonly string[] | null {
  const parts = cp.parts;
  const single = parts.get("1");
  if (single !== undefined) return single;
  for (const [set, keys] of parts) {
    // Listing is sorted, so the parts are in part order; a set is complete when it has all M parts.
    if (keys.length === Number(set.slice(1))) return keys;
  }
  return null;
}
