/**
 * A Delta table's history (DESCRIBE HISTORY): the `commitInfo` of each commit still in the log,
 * newest first. Commits whose JSON file was cleaned up (only a checkpoint left) are not listed, as
 * in Delta.
 */
import { SourceError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { BooleanType, LongType, MapType, StringType, StructField, StructType, TimestampType } from "../../types/data-types.js";
import { hasDeltaLog, notADeltaTable } from "./table-check.js";
import { listCommits } from "./commit-history.js";
import { toDisplayUrl } from "../../storage/url.js";

/** One commit of the history: the `commitInfo` fields Delta's DESCRIBE HISTORY shows. */
export interface HistoryEntry {
  readonly version: number;
  /**
   * When the commit was made (ms since the epoch): `commitInfo.inCommitTimestamp` when present, else
   * the commit file's modification time made strictly increasing over the log, as Delta's history
   * and time travel use (not `commitInfo.timestamp`).
   */
  readonly timestamp: number;
  /** `commitInfo.timestamp` (the writer's clock), when written. */
  readonly commitTimestamp: number | null;
  readonly userId: string | null;
  readonly userName: string | null;
  /** `WRITE`, `MERGE`, `OPTIMIZE`, `STREAMING UPDATE` …; null when the commit has no commitInfo. */
  readonly operation: string | null;
  /** Values as written: JSON-encoded strings for non-string parameters, as Spark writes them. */
  readonly operationParameters: Readonly<Record<string, string>>;
  readonly clusterId: string | null;
  readonly readVersion: number | null;
  readonly isolationLevel: string | null;
  readonly isBlindAppend: boolean | null;
  /** Values as strings, as Spark writes them. */
  readonly operationMetrics: Readonly<Record<string, string>>;
  readonly userMetadata: string | null;
  readonly engineInfo: string | null;
}

/** The DataFrame schema of `DeltaTable.history()`: Spark's columns without `job` and `notebook`. */
export const HISTORY_SCHEMA = StructType([
  StructField("version", LongType()),
  StructField("timestamp", TimestampType()),
  StructField("userId", StringType()),
  StructField("userName", StringType()),
  StructField("operation", StringType()),
  StructField("operationParameters", MapType(StringType(), StringType())),
  StructField("clusterId", StringType()),
  StructField("readVersion", LongType()),
  StructField("isolationLevel", StringType()),
  StructField("isBlindAppend", BooleanType()),
  StructField("operationMetrics", MapType(StringType(), StringType())),
  StructField("userMetadata", StringType()),
  StructField("engineInfo", StringType()),
]);

/**
 * The history of the table at `tableKey`, newest commit first, at most `limit` entries (all when
 * absent). Reads one commit file per entry, from the newest down, so a small limit reads little.
 * @throws AnalysisError ("`<path>` is not a Delta table.") when there is no log; SourceError for a
 *   commit line that is not JSON. A missing or odd commitInfo gives null fields.
 */
export async function readHistory(storage: Storage, tableKey: string, limit?: number): Promise<HistoryEntry[]> {
  const tablePath = toDisplayUrl(storage, tableKey);
  if (!(await hasDeltaLog(storage, tableKey))) throw notADeltaTable(tablePath);
  // Newest first; timestamps monotonized as time travel sees them.
  const commits = [...(await listCommits(storage, tableKey)).commits].reverse();
  const n = limit === undefined ? commits.length : Math.max(0, Math.min(commits.length, Math.floor(limit)));
  const out: HistoryEntry[] = [];
  for (const c of commits.slice(0, n)) {
    const bytes = await storage.get(c.key);
    out.push(entryOf(c.version, c.timestamp, findCommitInfo(decodeUtf8(bytes, 0, bytes.length), toDisplayUrl(storage, c.key))));
  }
  return out;
}

/** History entries as rows of {@link HISTORY_SCHEMA} (maps as `Map`s, the timestamp as a Date). */
export function historyRows(entries: readonly HistoryEntry[]): Record<string, unknown>[] {
  return entries.map((e) => ({
    version: BigInt(e.version),
    timestamp: new Date(e.timestamp),
    userId: e.userId,
    userName: e.userName,
    operation: e.operation,
    operationParameters: new Map(Object.entries(e.operationParameters)),
    clusterId: e.clusterId,
    readVersion: e.readVersion === null ? null : BigInt(e.readVersion),
    isolationLevel: e.isolationLevel,
    isBlindAppend: e.isBlindAppend,
    operationMetrics: new Map(Object.entries(e.operationMetrics)),
    userMetadata: e.userMetadata,
    engineInfo: e.engineInfo,
  }));
}

function findCommitInfo(text: string, where: string): Record<string, unknown> | null {
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new SourceError(`delta history: invalid JSON at ${where} line ${line}`, { cause, path: where });
    }
    if (isObject(value) && isObject(value.commitInfo)) return value.commitInfo;
  }
  return null;
}

function entryOf(version: number, fileTimestamp: number, ci: Record<string, unknown> | null): HistoryEntry {
  const c = ci ?? {};
  const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const strings = (v: unknown): Record<string, string> => {
    const out: Record<string, string> = {};
    if (isObject(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = typeof x === "string" ? x : JSON.stringify(x);
    return out;
  };
  return {
    version,
    timestamp: num(c.inCommitTimestamp) ?? fileTimestamp,
    commitTimestamp: num(c.timestamp),
    userId: str(c.userId),
    userName: str(c.userName),
    operation: str(c.operation),
    operationParameters: strings(c.operationParameters),
    clusterId: str(c.clusterId),
    readVersion: num(c.readVersion),
    isolationLevel: str(c.isolationLevel),
    isBlindAppend: typeof c.isBlindAppend === "boolean" ? c.isBlindAppend : null,
    operationMetrics: strings(c.operationMetrics),
    userMetadata: str(c.userMetadata),
    engineInfo: str(c.engineInfo),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
