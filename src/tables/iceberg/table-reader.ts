/**
 * Reading an Iceberg table: pick the snapshot (current, by id, or as of a time), plan its scan
 * (manifest list → manifests → live data files, each with the delete files that apply to it),
 * and read each data file with the table's current schema.
 *
 * - **Paths.** Manifests hold absolute locations (`s3://bucket/warehouse/t/data/…`). A location
 *   under the table's own `location` is read under the folder the table was opened at, so a table
 *   copied or moved (the fixtures, a synced bucket) reads where it is; other locations are resolved
 *   as they are written.
 * - **Columns by field id.** A data file's columns are matched to the schema by their Parquet
 *   `field_id` (renamed columns keep theirs), by name in files written without ids; columns a
 *   file lacks (added later) read as null; promoted types (int → long, float → double, a wider
 *   decimal) are cast.
 * - **Deletes (v2).** A position delete file applies to data files whose data sequence number is
 *   at most its own; an equality delete file to those whose number is strictly lower, and, when its
 *   spec is partitioned, only in the same partition (spec "Scan Planning"). Null equals null in
 *   equality deletes.
 */
import { AnalysisError, InternalError, SourceError } from "../../errors.js";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { nullVector } from "../../columnar/build.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { takeBatch } from "../../columnar/ops.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import type { Vector } from "../../columnar/vector.js";
import { castVector } from "../../exec/eval/cast.js";
import { compareBytes } from "../../formats/parquet/statistics.js";
import { parquetSourceFromStorage, readParquetBatches, readParquetMetadata } from "../../formats/parquet/parquet-reader.js";
import type { FileMetaData } from "../../formats/parquet/parquet-reader.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix, resolveLocation } from "../../storage/resolve.js";
import { toDisplayUrl } from "../../storage/url.js";
import type { DataType } from "../../types/data-types.js";
import { simpleString } from "../../types/print-schema.js";
import { sameLong } from "./long-json.js";
import type { Long } from "./long-json.js";
import { DATA, DELETED, EQUALITY_DELETES, POSITION_DELETES, readManifest, readManifestList } from "./manifest.js";
import type { ManifestEntry, ManifestFile } from "./manifest.js";
import { currentSchema, loadCurrentMetadata, readMetadataFile, specById } from "./metadata.js";
import type { IcebergSchema, IcebergType, MetadataFile, Snapshot, TableMetadata } from "./metadata.js";
import { sparkSchemaOf, sparkTypeOf } from "./types.js";

/** Which snapshot to read: the current one when both are absent. */
export interface SnapshotSpec {
  readonly snapshotId?: Long | null;
  /** ms since the epoch: the snapshot current at that time. */
  readonly asOfTimestamp?: number | null;
}

/** The snapshot `spec` names, or null for a table without any. @throws AnalysisError when it does not exist. */
export function selectSnapshot(m: TableMetadata, spec: SnapshotSpec = {}): Snapshot | null {
  if (spec.snapshotId !== undefined && spec.snapshotId !== null) {
    const s = m.snapshots.find((x) => sameLong(x["snapshot-id"], spec.snapshotId));
    if (s === undefined) throw new AnalysisError(`iceberg: table ${m.location} has no snapshot ${String(spec.snapshotId)}`);
    return s;
  }
  if (spec.asOfTimestamp !== undefined && spec.asOfTimestamp !== null) {
    // The snapshot log is the history of the current branch; fall back to snapshot times.
    const log = Array.isArray(m.raw["snapshot-log"]) ? (m.raw["snapshot-log"] as { "timestamp-ms": number; "snapshot-id": Long }[]) : [];
    const entries = log.length > 0 ? log : m.snapshots.map((s) => ({ "timestamp-ms": s["timestamp-ms"], "snapshot-id": s["snapshot-id"] }));
    let found: Long | null = null;
    for (const e of entries) if (e["timestamp-ms"] <= spec.asOfTimestamp) found = e["snapshot-id"];
    if (found === null) {
      throw new AnalysisError(`iceberg: table ${m.location} has no snapshot at or before ${new Date(spec.asOfTimestamp).toISOString()}`);
    }
    return selectSnapshot(m, { snapshotId: found });
  }
  if (m.currentSnapshotId === null) return null;
  return selectSnapshot(m, { snapshotId: m.currentSnapshotId });
}

/**
 * The schema a read uses: the table's current schema, or for time travel (`spec` names a
 * snapshot) the schema that snapshot was written with, as Iceberg's Spark reads do.
 */
export function readSchema(m: TableMetadata, spec: SnapshotSpec, snapshot: Snapshot | null): IcebergSchema {
  const travel = (spec.snapshotId ?? null) !== null || (spec.asOfTimestamp ?? null) !== null;
  const id = travel ? snapshot?.["schema-id"] : undefined;
  return (id === undefined ? undefined : m.schemas.find((s) => s["schema-id"] === id)) ?? currentSchema(m);
}

/** An opened table: where it lives and its metadata. */
export interface IcebergTableRef {
  readonly storage: Storage;
  readonly tableKey: string;
  readonly current: MetadataFile;
}

/** Opens the table at `tableKey`, or at a given metadata file key. @throws NotFoundError when there is none. */
export async function openIcebergTable(storage: Storage, tableKey: string, metadataKey?: string): Promise<IcebergTableRef> {
  if (metadataKey !== undefined) {
    return { storage, tableKey, current: { key: metadataKey, version: 0, metadata: await readMetadataFile(storage, metadataKey) } };
  }
  return { storage, tableKey, current: await loadCurrentMetadata(storage, tableKey) };
}

/** The storage and key of an absolute location in the table's manifests (see the module comment). */
export function locate(table: { storage: Storage; tableKey: string }, location: string, m: TableMetadata): { storage: Storage; key: string } {
  const base = normaliseLocation(m.location).replace(/\/+$/, "");
  const path = normaliseLocation(location);
  if (path.startsWith(base + "/")) {
    const rest = path.slice(base.length + 1);
    return { storage: table.storage, key: folderPrefix(table.tableKey) + decodeIfFileUrl(rest, path) };
  }
  return resolveLocation(location);
}

/**
 * The location to record for `key`, a key under the table folder `tableKey`: the table's own
 * `location` joined with the key's path below the folder (percent-encoded for `file:` locations),
 * so every path of a table starts with its location wherever the table was opened
 * (the inverse of {@link locate}).
 */
export function locationOf(m: TableMetadata, tableKey: string, key: string): string {
  const prefix = folderPrefix(tableKey);
  if (!key.startsWith(prefix)) throw new InternalError(`iceberg: ${key} is not under the table folder ${tableKey}`);
  const rest = key.slice(prefix.length);
  const base = m.location.replace(/\/+$/, "");
  if (!normaliseLocation(base).startsWith("file:")) return `${base}/${rest}`;
  return `${base}/${rest.split("/").map((p) => encodeURIComponent(p).replace(/%3D/g, "=")).join("/")}`;
}

/** `s3a://` and `s3n://` name what `s3://` does; `file:/x` and `file:///x` the same file. */
function normaliseLocation(l: string): string {
  return l.replace(/^s3[an]:\/\//, "s3://").replace(/^file:\/(?!\/)/, "file:///").replace(/^file:\/\/(?!\/)/, "file:///");
}

function decodeIfFileUrl(rest: string, full: string): string {
  if (!full.startsWith("file:")) return rest;
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** One data file to read and the delete files that apply to it. */
export interface ScanTask {
  readonly data: ManifestEntry;
  readonly positionDeletes: readonly ManifestEntry[];
  readonly equalityDeletes: readonly ManifestEntry[];
}

/** The manifests of a snapshot (v2 manifest list, or v1's inline list). */
export async function snapshotManifests(table: IcebergTableRef, snapshot: Snapshot): Promise<ManifestFile[]> {
  const m = table.current.metadata;
  const list = snapshot["manifest-list"];
  if (list !== undefined) {
    const { storage, key } = locate(table, list, m);
    return readManifestList(await storage.get(key), toDisplayUrl(storage, key));
  }
  return (snapshot.manifests ?? []).map((p) => ({
    manifestPath: p,
    manifestLength: 0,
    partitionSpecId: 0,
    content: 0,
    sequenceNumber: 0,
    minSequenceNumber: 0,
    addedSnapshotId: snapshot["snapshot-id"],
    addedFilesCount: 0,
    existingFilesCount: 0,
    deletedFilesCount: 0,
    addedRowsCount: 0,
    existingRowsCount: 0,
    deletedRowsCount: 0,
  }));
}

/** The live entries (not DELETED) of every manifest of `snapshot`. */
export async function liveEntries(table: IcebergTableRef, snapshot: Snapshot, keep: (mf: ManifestFile) => boolean = () => true): Promise<ManifestEntry[]> {
  return (await manifestEntries(table, snapshot, keep)).filter((e) => e.status !== DELETED);
}

/** Every entry of the manifests of `snapshot` that `keep` accepts, DELETED ones included (they name files the snapshot removed). */
export async function manifestEntries(table: IcebergTableRef, snapshot: Snapshot, keep: (mf: ManifestFile) => boolean = () => true): Promise<ManifestEntry[]> {
  const manifests = (await snapshotManifests(table, snapshot)).filter(keep);
  return (await Promise.all(manifests.map((mf) => readManifestOf(table, mf)))).flat();
}

/** The entries of one manifest of the table. */
export async function readManifestOf(table: IcebergTableRef, mf: ManifestFile): Promise<ManifestEntry[]> {
  const { storage, key } = locate(table, mf.manifestPath, table.current.metadata);
  return readManifest(await storage.get(key), mf, toDisplayUrl(storage, key));
}

/** The current branch's snapshots, newest first, following parent links from the current one. */
export function* ancestors(m: TableMetadata): Generator<Snapshot> {
  const byId = new Map(m.snapshots.map((s) => [String(s["snapshot-id"]), s]));
  let id: Long | null = m.currentSnapshotId;
  while (id !== null) {
    const s = byId.get(String(id));
    if (s === undefined) return;
    yield s;
    id = s["parent-snapshot-id"] ?? null;
  }
}

/**
 * The scan of `snapshot`: its live data files in manifest order, each with its deletes; data
 * manifests `keepManifest` refuses (their partition summaries rule a filter out) are not read.
 * @throws SourceError for a data file that is not Parquet (ORC and Avro data files are refused by name).
 */
export async function planScan(table: IcebergTableRef, snapshot: Snapshot | null, keepManifest?: (mf: ManifestFile) => boolean): Promise<ScanTask[]> {
  if (snapshot === null) return [];
  // Delete manifests are always read: a skipped one could hide deletes of a data file read.
  const entries = await liveEntries(table, snapshot, keepManifest === undefined ? undefined : (mf) => mf.content !== 0 || keepManifest(mf));
  const m = table.current.metadata;
  const data = entries.filter((e) => e.file.content === DATA);
  const positions = entries.filter((e) => e.file.content === POSITION_DELETES);
  const equalities = entries.filter((e) => e.file.content === EQUALITY_DELETES);
  for (const e of [...data, ...positions, ...equalities]) {
    if (e.file.fileFormat !== "PARQUET") {
      throw new SourceError(`iceberg: ${e.file.filePath} is a ${e.file.fileFormat} file; sluice reads Parquet data and delete files only`, { path: e.file.filePath });
    }
  }
  return data.map((d) => ({
    data: d,
    positionDeletes: positions.filter((p) => p.sequenceNumber >= d.sequenceNumber && mayHoldPath(p, d.file.filePath)),
    equalityDeletes: equalities.filter((q) => q.sequenceNumber > d.sequenceNumber && (specById(m, q.specId).fields.length === 0 || samePartition(q, d))),
  }));
}

/** Whether a position delete file may name `path` (its `file_path` bounds, when present). */
function mayHoldPath(p: ManifestEntry, path: string): boolean {
  const lower = p.file.lowerBounds?.get(FILE_PATH_ID);
  const upper = p.file.upperBounds?.get(FILE_PATH_ID);
  if (lower === undefined || upper === undefined) return true;
  const bytes = new TextEncoder().encode(path);
  const head = Math.min(bytes.length, upper.length);
  return compareBytes(lower, 0, lower.length, bytes, 0, bytes.length) <= 0 && compareBytes(bytes, 0, head, upper, 0, upper.length) <= 0;
}

function samePartition(a: ManifestEntry, b: ManifestEntry): boolean {
  if (a.specId !== b.specId) return false;
  const keys = Object.keys(a.file.partition);
  return keys.every((k) => partitionKey(a.file.partition[k]) === partitionKey(b.file.partition[k]));
}

function partitionKey(v: unknown): string {
  return v instanceof Uint8Array ? Buffer.from(v).toString("hex") : typeof v === "bigint" ? v.toString() : JSON.stringify(v ?? null);
}

/** Field ids of the position delete file columns (spec "Position Delete Files"). */
export const FILE_PATH_ID = 2147483546;
export const POS_ID = 2147483545;

/** A node of a Parquet file's schema: its name, field id and children (groups). */
interface FileNode {
  readonly name: string;
  readonly fieldId: number | undefined;
  readonly children: readonly FileNode[];
}

/** The top-level columns of a file, each with its subtree. */
function fileTree(md: FileMetaData): FileNode[] {
  const schema = md.schema;
  let i = 1;
  const node = (): FileNode => {
    const el = schema[i++];
    const children: FileNode[] = [];
    for (let k = 0; k < (el.num_children ?? 0) && i < schema.length; k++) children.push(node());
    return { name: el.name, fieldId: el.field_id, children };
  };
  const out: FileNode[] = [];
  for (let k = 0; k < (schema[0].num_children ?? 0) && i < schema.length; k++) out.push(node());
  return out;
}

/** Whether any node of the file carries a field id (files written without ids match by name). */
function hasFieldIds(nodes: readonly FileNode[]): boolean {
  return nodes.some((n) => n.fieldId !== undefined || hasFieldIds(n.children));
}

/** The child of a file group that a table field reads: by id when the file has ids, else by name. */
function matchChild(children: readonly FileNode[], id: number, name: string, byId: boolean): number {
  return byId ? children.findIndex((c) => c.fieldId === id) : children.findIndex((c) => c.name === name);
}

/** Options of {@link readScanTask}. */
export interface ReadTaskOptions {
  /** Ordinals of the schema's top-level fields to read; the others come back null. Absent: all. */
  readonly columns?: readonly number[] | null;
}

/**
 * Reads one data file with `schema` (the table's), deletes applied, as batches (one per row
 * group, rows removed by deletes left out).
 * @throws SourceError when a column's type in the file cannot be read as the table's.
 */
export async function* readScanTask(table: IcebergTableRef, schema: IcebergSchema, task: ScanTask, options: ReadTaskOptions = {}): AsyncGenerator<Batch> {
  const m = table.current.metadata;
  const { storage, key } = locate(table, task.data.file.filePath, m);
  const where = toDisplayUrl(storage, key);
  const spark = sparkSchemaOf(schema);
  const source = await parquetSourceFromStorage(storage, key);
  const md = await readParquetMetadata(source, { path: where });
  const fileColumns = fileTree(md);
  const hasIds = hasFieldIds(fileColumns);
  const wanted = new Set(options.columns ?? spark.fields.map((_, i) => i));
  const equalityIds = new Set(task.equalityDeletes.flatMap((d) => d.file.equalityIds ?? []));
  // Which file column each table field reads, or null (not read, or not in the file).
  const sources = schema.fields.map((f, i) => {
    if (!wanted.has(i) && !equalityIds.has(f.id)) return null;
    const c = fileColumns[matchChild(fileColumns, f.id, f.name, hasIds)];
    return c ?? null;
  });
  const read = [...new Set(sources.filter((s): s is FileNode => s !== null).map((s) => s.name))];
  const deletedPositions = await positionDeletesFor(table, task);
  const equality = await equalityDeletesFor(table, schema, task);
  let position = 0;
  for await (const b of readParquetBatches(source, { columns: read, path: where })) {
    const byName = new Map(b.schema.fields.map((f, i) => [f.name, b.columns[i]]));
    const columns: Vector[] = spark.fields.map((f, i) => {
      const s = sources[i];
      const v = s === null ? undefined : byName.get(s.name);
      return v === undefined || s === null ? nullVector(f.dataType, b.numRows) : project(v, s, schema.fields[i].type, f.dataType, hasIds, f.name, where);
    });
    let batch = makeBatch(spark, columns, b.numRows);
    if (deletedPositions !== null || equality.length > 0) batch = applyDeletes(batch, position, deletedPositions, equality, schema);
    position += b.numRows;
    if (batch.numRows > 0) {
      // Columns read only to apply equality deletes are not part of the projection.
      if (options.columns !== undefined && options.columns !== null) {
        batch = makeBatch(spark, spark.fields.map((f, i) => (wanted.has(i) ? batch.columns[i] : nullVector(f.dataType, batch.numRows))), batch.numRows);
      }
      yield batch;
    }
  }
}

/**
 * `v` (read from the file column `node`) shaped as the table's `type`: struct fields matched by
 * id (by name in files without ids) at every level, inside lists and maps too; fields the file
 * lacks read as null; promoted primitives cast.
 */
function project(v: Vector, node: FileNode, ice: IcebergType, type: DataType, byId: boolean, column: string, where: string): Vector {
  if (typeof ice === "string") return conform(v, type, column, where);
  if (ice.type === "struct" && type.typeName === "struct" && v.kind === "struct") {
    const children = ice.fields.map((f, i) => {
      const k = matchChild(node.children, f.id, f.name, byId);
      const t = type.fields[i].dataType;
      return k < 0 || k >= v.children.length ? nullVector(t, v.length) : project(v.children[k], node.children[k], f.type, t, byId, `${column}.${f.name}`, where);
    });
    return { kind: "struct", type, length: v.length, valid: v.valid, children };
  }
  // LIST: <name> { repeated list { element } }; MAP: <name> { repeated key_value { key; value } }.
  // (A legacy two-level list's repeated node is the element itself.)
  const repeated = node.children[0];
  const inner = repeated?.children ?? [];
  if (ice.type === "list" && type.typeName === "array" && v.kind === "list" && repeated !== undefined) {
    const element = inner.length === 1 ? inner[0] : repeated;
    return { ...v, type, child: project(v.child, element, ice.element, type.elementType, byId, `${column}.element`, where) };
  }
  if (ice.type === "map" && type.typeName === "map" && v.kind === "map" && inner.length === 2) {
    return {
      ...v,
      type,
      keys: project(v.keys, inner[0], ice.key, type.keyType, byId, `${column}.key`, where),
      items: project(v.items, inner[1], ice.value, type.valueType, byId, `${column}.value`, where),
    };
  }
  throw new SourceError(`iceberg: column '${column}' is ${simpleString(v.type)} in ${where} but ${simpleString(type)} in the table schema`, { path: where });
}

/** `v` (as read from the file) with the table's primitive type: promoted types cast. */
function conform(v: Vector, to: DataType, column: string, where: string): Vector {
  const from = v.type;
  if (from.typeName === to.typeName && from.typeName !== "struct" && from.typeName !== "array" && from.typeName !== "map") {
    if (from.typeName === "decimal" && to.typeName === "decimal" && (from.precision !== to.precision || from.scale !== to.scale)) return castVector(v, to);
    return v.type === to ? v : ({ ...v, type: to } as Vector);
  }
  const promotion =
    (from.typeName === "integer" && to.typeName === "long") ||
    (from.typeName === "float" && to.typeName === "double") ||
    ((from.typeName === "short" || from.typeName === "byte") && (to.typeName === "integer" || to.typeName === "long")) ||
    (from.typeName === "binary" && to.typeName === "string");
  if (promotion) return castVector(v, to);
  if (from.typeName === to.typeName) return castVector(v, to);
  throw new SourceError(`iceberg: column '${column}' is ${simpleString(from)} in ${where} but ${simpleString(to)} in the table schema`, { path: where });
}

/** The row positions the task's position delete files remove from its data file, or null. */
async function positionDeletesFor(table: IcebergTableRef, task: ScanTask): Promise<Set<number> | null> {
  if (task.positionDeletes.length === 0) return null;
  const out = new Set<number>();
  const target = task.data.file.filePath;
  for (const d of task.positionDeletes) {
    const { storage, key } = locate(table, d.file.filePath, table.current.metadata);
    const where = toDisplayUrl(storage, key);
    const source = await parquetSourceFromStorage(storage, key);
    for await (const b of readParquetBatches(source, { columns: ["file_path", "pos"], path: where })) {
      const paths = b.columns[0];
      const pos = b.columns[1];
      if (paths.kind !== "bytes" || pos.kind !== "i64") throw new SourceError(`iceberg: ${where} is not a position delete file (file_path string, pos long)`, { path: where });
      for (let i = 0; i < b.numRows; i++) {
        if (decodeUtf8(paths.data, paths.offsets[i], paths.offsets[i + 1]) === target) out.add(Number(pos.values[i]));
      }
    }
  }
  return out;
}

/** One equality delete file read: the field ids it compares and the keys it deletes. */
interface EqualityDelete {
  readonly ids: readonly number[];
  readonly keys: ReadonlySet<string>;
}

async function equalityDeletesFor(table: IcebergTableRef, schema: IcebergSchema, task: ScanTask): Promise<EqualityDelete[]> {
  const out: EqualityDelete[] = [];
  for (const d of task.equalityDeletes) {
    const ids = d.file.equalityIds ?? [];
    if (ids.length === 0) continue;
    const fields = ids.map((id) => {
      const f = schema.fields.find((x) => x.id === id);
      if (f === undefined) throw new SourceError(`iceberg: equality delete file ${d.file.filePath} compares column id ${id}, which is not a top-level column of the schema`);
      return f;
    });
    const { storage, key } = locate(table, d.file.filePath, table.current.metadata);
    const where = toDisplayUrl(storage, key);
    const source = await parquetSourceFromStorage(storage, key);
    const md = await readParquetMetadata(source, { path: where });
    const cols = fileTree(md);
    const names = fields.map((f) => cols.find((c) => c.fieldId === f.id)?.name ?? f.name);
    const types = fields.map((f) => sparkTypeOf(f.type, f.name));
    const codec = new KeyCodec(types, "iceberg equality delete");
    const keys = new Set<string>();
    for await (const b of readParquetBatches(source, { columns: names, path: where })) {
      codec.bind(b.columns.map((c, i) => conform(c, types[i], names[i], where)));
      for (let i = 0; i < b.numRows; i++) keys.add(keyText(codec, i));
    }
    out.push({ ids, keys });
  }
  return out;
}

/** Row `row` of the codec's bound columns as a string key (for sets of keys, as equality deletes and merges keep). */
export function keyText(codec: KeyCodec, row: number): string {
  const n = codec.encode(row);
  return Buffer.from(codec.scratch.buffer, codec.scratch.byteOffset, n).toString("latin1");
}

function applyDeletes(batch: Batch, firstPosition: number, positions: Set<number> | null, equality: readonly EqualityDelete[], schema: IcebergSchema): Batch {
  const keep = new Int32Array(batch.numRows);
  let n = 0;
  const codecs = equality.map((e) => {
    const ordinals = e.ids.map((id) => schema.fields.findIndex((f) => f.id === id));
    const codec = new KeyCodec(
      ordinals.map((o) => batch.schema.fields[o].dataType),
      "iceberg equality delete",
    );
    codec.bind(ordinals.map((o) => batch.columns[o]));
    return codec;
  });
  for (let i = 0; i < batch.numRows; i++) {
    if (positions !== null && positions.has(firstPosition + i)) continue;
    let deleted = false;
    for (let k = 0; k < equality.length && !deleted; k++) deleted = equality[k].keys.has(keyText(codecs[k], i));
    if (!deleted) keep[n++] = i;
  }
  return n === batch.numRows ? batch : takeBatch(batch, keep.subarray(0, n));
}
