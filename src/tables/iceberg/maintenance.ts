/**
 * Inspecting and maintaining Iceberg tables, as Iceberg's Spark procedures and metadata tables
 * do: the table's detail, its `history` and `snapshots` tables, `expire_snapshots`,
 * `remove_orphan_files` and `rewrite_data_files`.
 *
 * - **expire-snapshots** drops snapshots older than a time (never the current one, and never
 *   the `retainLast` newest) from a new metadata version, then deletes the files only they
 *   reached: manifest lists, manifests, data and delete files no kept snapshot reads.
 * - **remove-orphan-files** deletes files under the table's folder that no metadata version still
 *   listed reaches (data of failed or killed writes), older than a time (3 days by default, as
 *   Iceberg: a write in flight may not be committed yet).
 * - **rewrite-data-files** compacts: in each partition with several data files (or delete files
 *   to apply), the live rows are read (deletes applied) and written as new files of the target
 *   size, committed as one `replace` snapshot that fails rather than lose a concurrent change to
 *   those files.
 */
import { AnalysisError } from "../../errors.js";
import type { Batch } from "../../columnar/batch.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { toDisplayUrl } from "../../storage/url.js";
import { writeDataFiles } from "../files/data-file-writer.js";
import { hadoopCatalog } from "./catalog-ops.js";
import type { IcebergCatalogOps } from "./catalog-ops.js";
import { sameLong, stringifyLongJson } from "./long-json.js";
import type { Long } from "./long-json.js";
import { DATA } from "./manifest.js";
import type { ManifestEntry } from "./manifest.js";
import { currentSchema, specById } from "./metadata.js";
import type { MetadataFile, Snapshot, TableMetadata } from "./metadata.js";
import { ancestors, liveEntries, locate, locationOf, manifestEntries, planScan, readScanTask, selectSnapshot, snapshotManifests } from "./table-reader.js";
import type { IcebergTableRef } from "./table-reader.js";
import { commitIcebergWrite, planIcebergWrite } from "./table-writer.js";
import { sparkSchemaOf } from "./types.js";
import type { StructType } from "../../types/data-types.js";

/** Opens the table through `catalog`. @throws AnalysisError when there is none. */
async function open(storage: Storage, tableKey: string, catalog: IcebergCatalogOps): Promise<IcebergTableRef> {
  const current = await catalog.load(storage, tableKey);
  if (current === null) throw new AnalysisError(`iceberg: no Iceberg table at ${toDisplayUrl(storage, tableKey)}`);
  return { storage, tableKey, current };
}

/** What `describe` prints. */
export interface IcebergTableDetail {
  readonly format: "iceberg";
  readonly formatVersion: number;
  readonly id: string;
  readonly location: string;
  readonly metadataFile: string;
  readonly currentSnapshotId: string | null;
  readonly lastSequenceNumber: number;
  readonly lastUpdated: string;
  readonly partitionSpec: readonly string[];
  readonly numFiles: number;
  readonly numDeleteFiles: number;
  readonly sizeInBytes: number;
  readonly numRecords: number;
  readonly numSnapshots: number;
  readonly properties: Readonly<Record<string, string>>;
  readonly schema: StructType;
}

/** The detail of the table's current state (its live files counted from the manifests). */
export async function icebergTableDetail(storage: Storage, tableKey: string, catalog: IcebergCatalogOps = hadoopCatalog): Promise<IcebergTableDetail> {
  const t = await open(storage, tableKey, catalog);
  const m = t.current.metadata;
  const snapshot = selectSnapshot(m);
  const live = snapshot === null ? [] : await liveEntries(t, snapshot);
  const data = live.filter((e) => e.file.content === DATA);
  const spec = specById(m, m.defaultSpecId);
  const schema = currentSchema(m);
  return {
    format: "iceberg",
    formatVersion: m.formatVersion,
    id: m.tableUuid,
    location: m.location,
    metadataFile: toDisplayUrl(storage, t.current.key),
    currentSnapshotId: m.currentSnapshotId === null ? null : String(m.currentSnapshotId),
    lastSequenceNumber: m.lastSequenceNumber,
    lastUpdated: new Date(m.lastUpdatedMs).toISOString(),
    partitionSpec: spec.fields.map((f) => `${f.name}: ${f.transform}(${schema.fields.find((x) => x.id === f["source-id"])?.name ?? f["source-id"]})`),
    numFiles: data.length,
    numDeleteFiles: live.length - data.length,
    sizeInBytes: data.reduce((n, e) => n + e.file.fileSizeInBytes, 0),
    numRecords: data.reduce((n, e) => n + e.file.recordCount, 0),
    numSnapshots: m.snapshots.length,
    properties: m.properties,
    schema: sparkSchemaOf(schema),
  };
}

/** A row of Iceberg's `history` metadata table. */
export interface HistoryRow {
  readonly madeCurrentAt: string;
  readonly snapshotId: string;
  readonly parentId: string | null;
  readonly isCurrentAncestor: boolean;
}

/** The table's `history`: the snapshot log, oldest first. */
export function icebergHistory(m: TableMetadata): HistoryRow[] {
  const log = Array.isArray(m.raw["snapshot-log"]) ? (m.raw["snapshot-log"] as { "timestamp-ms": number; "snapshot-id": Long }[]) : [];
  const current = new Set([...ancestors(m)].map((s) => String(s["snapshot-id"])));
  return log.map((e) => {
    const s = m.snapshots.find((x) => sameLong(x["snapshot-id"], e["snapshot-id"]));
    const parent = s?.["parent-snapshot-id"] ?? null;
    return {
      madeCurrentAt: new Date(e["timestamp-ms"]).toISOString(),
      snapshotId: String(e["snapshot-id"]),
      parentId: parent === null ? null : String(parent),
      isCurrentAncestor: current.has(String(e["snapshot-id"])),
    };
  });
}

/** A row of Iceberg's `snapshots` metadata table. */
export interface SnapshotRow {
  readonly committedAt: string;
  readonly snapshotId: string;
  readonly parentId: string | null;
  readonly operation: string;
  readonly manifestList: string;
  readonly summary: Readonly<Record<string, string>>;
}

/** The table's `snapshots`, oldest first. */
export function icebergSnapshots(m: TableMetadata): SnapshotRow[] {
  return m.snapshots.map((s) => ({
    committedAt: new Date(s["timestamp-ms"]).toISOString(),
    snapshotId: String(s["snapshot-id"]),
    parentId: s["parent-snapshot-id"] === undefined || s["parent-snapshot-id"] === null ? null : String(s["parent-snapshot-id"]),
    operation: s.summary?.operation ?? "",
    manifestList: s["manifest-list"] ?? "",
    summary: Object.fromEntries(Object.entries(s.summary ?? {}).filter(([k]) => k !== "operation")),
  }));
}

/** Options of {@link expireSnapshots}. */
export interface ExpireOptions {
  /** Snapshots committed before this time (ms) expire; default: 5 days ago (Iceberg's `history.expire.max-snapshot-age-ms`). */
  readonly olderThanMs?: number;
  /** The newest snapshots kept whatever their age; default 1. */
  readonly retainLast?: number;
  readonly dryRun?: boolean;
  readonly catalog?: IcebergCatalogOps;
}

/** What {@link expireSnapshots} did (or, dry, would do). */
export interface ExpireResult {
  readonly expired: readonly string[];
  /** Keys of the files deleted (or to delete). */
  readonly files: readonly string[];
  readonly version: number | null;
}

const FIVE_DAYS_MS = 5 * 24 * 3600 * 1000;

/** Expires snapshots (see the module comment). */
export async function expireSnapshots(storage: Storage, tableKey: string, options: ExpireOptions = {}): Promise<ExpireResult> {
  const catalog = options.catalog ?? hadoopCatalog;
  const t = await open(storage, tableKey, catalog);
  const m = t.current.metadata;
  const cutoff = options.olderThanMs ?? Date.now() - FIVE_DAYS_MS;
  const retainLast = Math.max(1, options.retainLast ?? 1);
  const ancestry = [...ancestors(m)];
  const protectedIds = new Set(ancestry.slice(0, retainLast).map((s) => String(s["snapshot-id"])));
  if (m.currentSnapshotId !== null) protectedIds.add(String(m.currentSnapshotId));
  for (const ref of Object.values((m.raw.refs ?? {}) as Record<string, { "snapshot-id": Long }>)) protectedIds.add(String(ref["snapshot-id"]));
  const expired = m.snapshots.filter((s) => s["timestamp-ms"] < cutoff && !protectedIds.has(String(s["snapshot-id"])));
  if (expired.length === 0) return { expired: [], files: [], version: null };
  const kept = m.snapshots.filter((s) => !expired.includes(s));
  // A kept snapshot needs its live files; a DELETED entry names a file it no longer reads.
  const reach = async (snapshots: readonly Snapshot[], live: boolean): Promise<Set<string>> => {
    const out = new Set<string>();
    for (const s of snapshots) {
      if (s["manifest-list"] !== undefined) out.add(locate(t, s["manifest-list"], m).key);
      for (const mf of await snapshotManifests(t, s)) out.add(locate(t, mf.manifestPath, m).key);
      for (const e of live ? await liveEntries(t, s) : await manifestEntries(t, s)) out.add(locate(t, e.file.filePath, m).key);
    }
    return out;
  };
  const keep = await reach(kept, true);
  const files = [...(await reach(expired, false))].filter((k) => !keep.has(k)).sort();
  if (options.dryRun === true) return { expired: expired.map((s) => String(s["snapshot-id"])), files, version: null };
  const raw: Record<string, unknown> = { ...m.raw };
  raw.snapshots = kept;
  const ids = new Set(kept.map((s) => String(s["snapshot-id"])));
  if (Array.isArray(raw["snapshot-log"])) raw["snapshot-log"] = (raw["snapshot-log"] as { "snapshot-id": Long }[]).filter((e) => ids.has(String(e["snapshot-id"])));
  const version = await commitMetadata(storage, tableKey, catalog, t.current, raw);
  for (const f of files) await storage.delete(f).catch(() => undefined);
  return { expired: expired.map((s) => String(s["snapshot-id"])), files, version };
}

/** Writes `raw` as the metadata version after `base` through the catalog (a metadata-only change). */
async function commitMetadata(storage: Storage, tableKey: string, catalog: IcebergCatalogOps, base: MetadataFile, raw: Record<string, unknown>): Promise<number> {
  const now = Math.max(Date.now(), base.metadata.lastUpdatedMs + 1);
  raw["last-updated-ms"] = now;
  const log = Array.isArray(raw["metadata-log"]) ? (raw["metadata-log"] as unknown[]) : [];
  raw["metadata-log"] = [...log, { "timestamp-ms": base.metadata.lastUpdatedMs, "metadata-file": locationOf(base.metadata, tableKey, base.key) }];
  const r = await catalog.commit(storage, tableKey, base, { text: stringifyLongJson(raw, 2), metadata: { ...base.metadata, raw, lastUpdatedMs: now } });
  if (r === null) throw new AnalysisError(`iceberg: ${toDisplayUrl(storage, tableKey)} changed while expiring snapshots; run it again`);
  return r.version;
}

/** Options of {@link removeOrphanFiles}. */
export interface OrphanOptions {
  /** Only files last modified before this time (ms); default: 3 days ago. */
  readonly olderThanMs?: number;
  readonly dryRun?: boolean;
  readonly catalog?: IcebergCatalogOps;
}

/** Removes orphan files (see the module comment). Returns the keys deleted (or to delete) and their bytes. */
export async function removeOrphanFiles(storage: Storage, tableKey: string, options: OrphanOptions = {}): Promise<{ files: string[]; bytes: number }> {
  const t = await open(storage, tableKey, options.catalog ?? hadoopCatalog);
  const m = t.current.metadata;
  const cutoff = options.olderThanMs ?? Date.now() - 3 * 24 * 3600 * 1000;
  const reachable = new Set<string>([t.current.key, `${folderPrefix(tableKey)}metadata/version-hint.text`]);
  for (const e of Array.isArray(m.raw["metadata-log"]) ? (m.raw["metadata-log"] as { "metadata-file": string }[]) : []) {
    const k = locate(t, e["metadata-file"], m);
    if (k.storage === storage) reachable.add(k.key);
  }
  for (const s of m.snapshots) {
    if (s["manifest-list"] !== undefined) reachable.add(locate(t, s["manifest-list"], m).key);
    for (const mf of await snapshotManifests(t, s)) reachable.add(locate(t, mf.manifestPath, m).key);
    for (const e of await manifestEntries(t, s)) reachable.add(locate(t, e.file.filePath, m).key);
  }
  const orphans = (await storage.list(folderPrefix(tableKey))).filter((o) => !reachable.has(o.path) && o.modificationTime < cutoff && !isMetadataVersion(o.path));
  if (options.dryRun !== true) for (const o of orphans) await storage.delete(o.path);
  return { files: orphans.map((o) => o.path), bytes: orphans.reduce((n, o) => n + o.size, 0) };
}

/** Metadata files of versions are history, not orphans (expire-snapshots' metadata log keeps what it keeps). */
function isMetadataVersion(key: string): boolean {
  return /\/metadata\/[^/]+\.metadata\.json$/.test(key);
}

/** What {@link rewriteDataFiles} did. */
export interface RewriteResult {
  readonly rewrittenFiles: number;
  readonly rewrittenDeleteFiles: number;
  readonly addedFiles: number;
  readonly version: number | null;
}

/** Compacts the table's data files (see the module comment). */
export async function rewriteDataFiles(
  storage: Storage,
  tableKey: string,
  options: { readonly targetFileSize?: number; readonly catalog?: IcebergCatalogOps } = {},
): Promise<RewriteResult> {
  const catalog = options.catalog ?? hadoopCatalog;
  const t = await open(storage, tableKey, catalog);
  const m = t.current.metadata;
  const snapshot = selectSnapshot(m);
  const tasks = await planScan(t, snapshot);
  const groups = new Map<string, typeof tasks>();
  for (const task of tasks) {
    const k = `${task.data.specId}/${stringifyLongJson(Object.entries(task.data.file.partition).map(([n, v]) => [n, v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v]))}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [task]);
    else g.push(task);
  }
  const chosen = [...groups.values()].filter((g) => g.length > 1 || g.some((x) => x.positionDeletes.length + x.equalityDeletes.length > 0) || g[0].data.specId !== m.defaultSpecId).flat();
  if (chosen.length === 0) return { rewrittenFiles: 0, rewrittenDeleteFiles: 0, addedFiles: 0, version: null };
  const schema = currentSchema(m);
  const plan = await planIcebergWrite(storage, tableKey, sparkSchemaOf(schema), { catalog, ...(options.targetFileSize === undefined ? {} : { targetFileSize: options.targetFileSize }) });
  async function* rows(): AsyncGenerator<Batch> {
    for (const task of chosen) yield* readScanTask(t, schema, task);
  }
  const files = await writeDataFiles(storage, plan.dataKey, plan.writeSchema, plan.layout, plan.conform(rows()));
  // Delete files serve only the rewritten data files once every file they could apply to is rewritten.
  const chosenPaths = new Set(chosen.map((x) => x.data.file.filePath));
  const deletes = new Map<string, ManifestEntry>();
  for (const task of chosen) for (const d of [...task.positionDeletes, ...task.equalityDeletes]) deletes.set(d.file.filePath, d);
  const stillNeeded = new Set(tasks.filter((x) => !chosenPaths.has(x.data.file.filePath)).flatMap((x) => [...x.positionDeletes, ...x.equalityDeletes].map((d) => d.file.filePath)));
  const removedDeletes = [...deletes.keys()].filter((p) => !stillNeeded.has(p));
  const r = await commitIcebergWrite(plan, { files, operation: "replace", remove: new Set([...chosenPaths, ...removedDeletes]) });
  return { rewrittenFiles: chosen.length, rewrittenDeleteFiles: removedDeletes.length, addedFiles: files.length, version: r.version };
}
