/**
 * Opening a Delta table named on the command line: the location resolved as every `path` option
 * is, and a clear error when there is no Delta log there.
 */
import { AnalysisError } from "../errors.js";
import type { Storage } from "../storage/storage.js";
import { resolveLocation } from "../storage/resolve.js";
import { hasDeltaLog } from "../tables/delta/table-check.js";
import { loadSnapshot } from "../tables/delta/snapshot.js";
import type { DeltaSnapshot } from "../tables/delta/snapshot.js";
import { toDisplayUrl } from "../storage/url.js";

/** A Delta table location given on the command line. */
export interface DeltaLocation {
  readonly storage: Storage;
  /** The table root's key in `storage`. */
  readonly key: string;
  /** The table root as a URL (`file:///abs/path`), for messages and output. */
  readonly url: string;
}

/**
 * Resolves `path` (a local path, `file:` URL or `memory://` URL, as `resolveLocation` accepts) and
 * checks that it holds a Delta log.
 * @throws AnalysisError `<path> is not a Delta table (no _delta_log/ commits)` when it does not;
 *   ConfigError for an unsupported location.
 */
export async function openDeltaLocation(path: string): Promise<DeltaLocation> {
  const { storage, key } = resolveLocation(path);
  const url = toDisplayUrl(storage, key);
  if (!(await hasDeltaLog(storage, key))) {
    throw new AnalysisError(`${path} is not a Delta table (no commits in ${url}/_delta_log/)`, { path: url });
  }
  return { storage, key, url };
}

/** {@link openDeltaLocation} and the latest snapshot of the table. */
export async function openDeltaSnapshot(path: string): Promise<{ readonly location: DeltaLocation; readonly snapshot: DeltaSnapshot }> {
  const location = await openDeltaLocation(path);
  const snapshot = await loadSnapshot(location.storage, location.key);
  return { location, snapshot };
}
