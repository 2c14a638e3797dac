/**
 * The commit history of a Delta table for readers: which commit files exist, their timestamps (for
 * `timestampAsOf` and `startingTimestamp`), and the actions of one commit in file order.
 *
 * A commit's timestamp is its file's modification time, made strictly increasing over the listed
 * commits as Delta's `DeltaHistoryManager` does (a commit not later than its predecessor counts as
 * one millisecond after it). In-commit timestamps (`delta.enableInCommitTimestamps`) are not read.
 */
import { AnalysisError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { parseCommit } from "./actions.js";
import type { DeltaAction } from "./actions.js";
import { toDisplayUrl } from "../../storage/url.js";
import { commitFileName } from "./log-replay.js";

/** One commit file of the log. */
export interface CommitFile {
  readonly version: number;
  /** Its key in the storage. */
  readonly key: string;
  /** Monotonized commit timestamp, ms since the epoch. */
  readonly timestamp: number;
}

/** The commit files and checkpoints of a table's log. */
export interface CommitListing {
  /** Commit files, ascending by version (possibly with a gap before a checkpoint after cleanup). */
  readonly commits: readonly CommitFile[];
  /** The latest version (commit or checkpoint), or -1 when the log is empty. */
  readonly latest: number;
}

/** The `_delta_log/` prefix of the table rooted at `tableKey`. */
export function deltaLogPrefix(tableKey: string): string {
  return `${folderPrefix(tableKey)}_delta_log/`;
}

/** Options of {@link listCommits}. */
export interface ListCommitsOptions {
  /**
   * List only versions from this one on (with `startAfter`, so the cost is what is listed, not the
   * log's history). Timestamps are then made increasing over the listed commits only, so use the
   * whole listing for timestamp lookups.
   */
  readonly fromVersion?: number;
}

/**
 * Lists the log of the table at `tableKey`: commit files with their timestamps and the latest
 * version (of those listed).
 */
export async function listCommits(storage: Storage, tableKey: string, options: ListCommitsOptions = {}): Promise<CommitListing> {
  const prefix = deltaLogPrefix(tableKey);
  const commits: CommitFile[] = [];
  let latest = -1;
  let previous = -Infinity;
  const from = options.fromVersion ?? 0;
  for (const info of await storage.list(prefix, from > 0 ? { startAfter: prefix + commitFileName(from - 1) } : {})) {
    const name = info.path.slice(prefix.length);
    const m = /^(\d{20})\.(json|checkpoint\.parquet|checkpoint\.\d{10}\.\d{10}\.parquet)$/.exec(name);
    if (m === null) continue;
    const version = Number(m[1]);
    if (version > latest) latest = version;
    if (m[2] !== "json") continue;
    const timestamp = Math.max(info.modificationTime, previous + 1);
    previous = timestamp;
    commits.push({ version, key: info.path, timestamp });
  }
  return { commits, latest };
}

/**
 * Time travel by timestamp (`timestampAsOf`): the latest version committed at or before `ts`.
 * @throws AnalysisError (Delta's wording) when `ts` is after the latest commit or before the earliest.
 */
export function versionAsOfTimestamp(listing: CommitListing, ts: number, tablePath: string): number {
  const { commits } = listing;
  if (commits.length === 0) throw new AnalysisError(`delta: no commits to time travel in the table at ${tablePath}`, { path: tablePath });
  const last = commits[commits.length - 1];
  if (ts > last.timestamp) {
    throw new AnalysisError(
      `delta: the provided timestamp (${formatMs(ts)}) is after the latest version available to this table (${formatMs(last.timestamp)}); ` +
        `please use a timestamp before or at ${formatMs(last.timestamp)} (table at ${tablePath})`,
      { path: tablePath },
    );
  }
  if (ts < commits[0].timestamp) {
    throw new AnalysisError(
      `delta: the provided timestamp (${formatMs(ts)}) is before the earliest version available to this table (${formatMs(commits[0].timestamp)}); ` +
        `please use a timestamp after ${formatMs(commits[0].timestamp)} (table at ${tablePath})`,
      { path: tablePath },
    );
  }
  let found = commits[0].version;
  for (const c of commits) if (c.timestamp <= ts) found = c.version;
  return found;
}

/**
 * Streaming `startingTimestamp` (Delta's `getStartingVersionFromTimestamp`): the first version
 * committed at or after `ts` (the earliest commit when `ts` precedes them all).
 * @throws AnalysisError when `ts` is after the latest commit.
 */
export function firstVersionAtOrAfter(listing: CommitListing, ts: number, tablePath: string): number {
  const { commits } = listing;
  for (const c of commits) if (c.timestamp >= ts) return c.version;
  const last = commits.at(-1);
  throw new AnalysisError(
    `delta source: the provided timestamp (${formatMs(ts)}) is after the latest version available to this table` +
      (last === undefined ? "" : ` (${formatMs(last.timestamp)}); please use a timestamp before or at ${formatMs(last.timestamp)}`) +
      ` (table at ${tablePath})`,
    { path: tablePath },
  );
}

/**
 * The actions of one commit file, in file order (commitInfo and other actions replay ignores are
 * left out).
 * @throws SourceError naming the file and line for malformed JSON or actions.
 */
export async function readCommitActions(storage: Storage, key: string): Promise<DeltaAction[]> {
  return parseCommit(await storage.get(key), toDisplayUrl(storage, key)).actions;
}

/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC. */
export function formatMs(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}
