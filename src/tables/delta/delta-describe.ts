/**
 * Loading what a Delta reader needs to know before reading (the snapshot at the version asked
 * for, by version or timestamp), with Spark's errors; and the task that lets the synchronous
 * `describe` of the delta source do it in the blocking-call worker (`runtime/blocking-call.ts`).
 */
import { AnalysisError, InternalError, NotFoundError } from "../../errors.js";
import type { ByteRange, ObjectInfo, ObjectWriter, Storage } from "../../storage/storage.js";
import { resolveLocation, toDisplayUrl } from "../../storage/resolve.js";
import { MemoryStorage } from "../../storage/memory.js";
import { compareUtf8 } from "../../storage/keys.js";
import { schemaToJson } from "../../types/json-schema.js";
import { checkReadable } from "./protocol-check.js";
import { loadSnapshot } from "./snapshot.js";
import type { DeltaSnapshot } from "./snapshot.js";
import { deltaLogPrefix, listCommits, versionAsOfTimestamp } from "./commit-history.js";

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

/** A request of {@link describeDeltaTableTask}. */
export interface DeltaDescribeRequest extends TableVersionSpec {
  readonly path: string;
  /**
   * For a `memory://` table (invisible from another thread): the objects of its `_delta_log/`,
   * copied by the caller with {@link memoryLogObjects}. Null for every other storage.
   */
  readonly memoryLog: readonly CopiedObject[] | null;
}

/** An object copied across threads. */
export interface CopiedObject {
  readonly key: string;
  readonly data: Uint8Array;
  readonly modificationTime: number;
}

/** What `describe` learns about a table. */
export interface DeltaDescribeResult {
  /** The table schema as Spark JSON. */
  readonly schemaJson: string;
  readonly tableId: string;
  readonly version: number;
  readonly partitionColumns: readonly string[];
}

/** The blocking-call task: loads the snapshot `req` names and returns its schema and identity. */
export async function describeDeltaTableTask(req: DeltaDescribeRequest): Promise<DeltaDescribeResult> {
  const loc = resolveLocation(req.path);
  const storage = req.memoryLog === null ? loc.storage : new CopiedStorage(loc.storage.root, req.memoryLog);
  const snapshot = await loadTableSnapshot(storage, loc.key, req.path, req);
  return {
    schemaJson: schemaToJson(snapshot.metadata.schema),
    tableId: snapshot.metadata.id,
    version: snapshot.version,
    partitionColumns: [...snapshot.metadata.partitionColumns],
  };
}

/**
 * The objects of the `_delta_log/` of the table at `tableKey` in an in-process memory storage,
 * copied synchronously (`MemoryStorage.snapshotPrefixSync`) so another thread can replay the log.
 */
export function memoryLogObjects(storage: MemoryStorage, tableKey: string): CopiedObject[] {
  return storage.snapshotPrefixSync(deltaLogPrefix(tableKey)).map((o) => ({ key: o.path, data: o.data, modificationTime: o.modificationTime }));
}

/** True when `storage` lives in this thread's memory only. */
export function isInProcessStorage(storage: Storage): storage is MemoryStorage {
  return storage instanceof MemoryStorage;
}

/** A read-only storage over copied objects, under the original root (so messages name it). */
class CopiedStorage implements Storage {
  private readonly objects: Map<string, CopiedObject>;

  constructor(
    readonly root: string,
    objects: readonly CopiedObject[],
  ) {
    this.objects = new Map(objects.map((o) => [o.key, o]));
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    const o = this.objects.get(path);
    if (o === undefined) throw new NotFoundError(`memory storage: no object at ${toDisplayUrl(this, path)}`, { path: toDisplayUrl(this, path) });
    return range === undefined ? o.data : o.data.slice(range.start, Math.min(range.end, o.data.length));
  }

  async head(path: string): Promise<ObjectInfo | null> {
    const o = this.objects.get(path);
    return o === undefined ? null : { path, size: o.data.length, modificationTime: o.modificationTime };
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    for (const o of this.objects.values()) if (o.key.startsWith(prefix)) out.push({ path: o.key, size: o.data.length, modificationTime: o.modificationTime });
    return out.sort((a, b) => compareUtf8(a.path, b.path));
  }

  async put(path: string): Promise<void> {
    throw new InternalError(`delta: the copied log of ${this.root} is read-only (put ${path})`);
  }

  createWriter(path: string): ObjectWriter {
    throw new InternalError(`delta: the copied log of ${this.root} is read-only (write ${path})`);
  }

  async delete(path: string): Promise<void> {
    throw new InternalError(`delta: the copied log of ${this.root} is read-only (delete ${path})`);
  }
}
