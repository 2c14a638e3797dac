/**
 * Loading what a Delta reader needs to know before reading: the snapshot at the version asked
 * for, by version or timestamp, with Spark's errors.
 */
import { AnalysisError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/resolve.js";
import { checkReadable } from "./protocol-check.js";
import { loadSnapshot } from "./snapshot.js";
import type { DeltaSnapshot } from "./snapshot.js";
import { listCommits, versionAsOfTimestamp } from "./commit-history.js";

/** Which version of a table to load. */
export interface TableVersionSpec {
  readonly versionAsOf: number | null;
  /** ms since the epoch. */
  readonly timestampAsOf: number | null;
}

/**
 * The snapshot of the table at `tableKey` (the user's `path` for messages) at the version `spec`
 * asks for (the latest by default), checked readable by sluice.
 * @throws AnalysisError: `` delta: `<path>` is not a Delta table `` when there is no log; a version
 *   that does not exist; a timestamp outside the table's commits; a reader feature sluice lacks.
 */
export async function loadTableSnapshot(storage: Storage, tableKey: string, path: string, spec: TableVersionSpec): Promise<DeltaSnapshot> {
  const tablePath = toDisplayUrl(storage, tableKey);
  const listing = await listCommits(storage, tableKey);
  if (listing.latest < 0) throw new AnalysisError(`delta: \`${path}\` is not a Delta table`, { path });
  let version: number | undefined;
  if (spec.versionAsOf !== null) version = spec.versionAsOf;
  else if (spec.timestampAsOf !== null) version = versionAsOfTimestamp(listing, spec.timestampAsOf, tablePath);
  const snapshot = await loadSnapshot(storage, tableKey, version === undefined ? {} : { version });
  checkReadable(snapshot.protocol, snapshot.metadata, tablePath);
  return snapshot;
}
