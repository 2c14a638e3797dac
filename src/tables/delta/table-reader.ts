/**
 * Batch reading of a Delta table version: protocol check, then every live file read with the
 * Parquet reader, its columns matched by name to the table schema (missing columns read as nulls)
 * and partition columns filled from the file's partition values.
 */
import { SourceError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix, resolveLocation, toDisplayUrl } from "../../storage/resolve.js";
import { parquetSourceFromStorage, readParquet, readParquetSchema } from "../../formats/parquet/parquet-reader.js";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { nullVector } from "../../columnar/build.js";
import type { Vector } from "../../columnar/vector.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { checkReadable, unsupportedFeatureError } from "./protocol-check.js";
import { checkTimeZone, DEFAULT_PARTITION_TIME_ZONE, partitionVector } from "./partition-values.js";
import { loadSnapshot } from "./snapshot.js";
import type { DeltaFile, DeltaSnapshot } from "./snapshot.js";

/** Options of {@link readDeltaFile}. */
export interface ReadDeltaFileOptions {
  /**
   * The session time zone (Spark's `spark.sql.session.timeZone`) that timestamp partition values
   * written without a zone are read in: an IANA name (`America/Los_Angeles`), `UTC` or an offset
   * (`+08:00`). Spark writes such values as wall-clock times in the writer's session time zone, so
   * the reader must use the same zone to get the same instants. Default `UTC`.
   */
  readonly timeZone?: string;
}

/** Options of {@link readDeltaTable}. */
export interface ReadDeltaTableOptions extends ReadDeltaFileOptions {
  /** The version to read (time travel); the latest when absent. */
  readonly version?: number;
}

/** A table version read whole: the table schema and the batches of every live file. */
export interface DeltaTableContent {
  readonly schema: StructType;
  readonly version: number;
  readonly batches: Batch[];
}

/**
 * Reads the table rooted at `tableKey` in `storage` at a version (the latest by default). Every batch
 * has the table schema. Files are read in path order, row groups in file order.
 * @throws ConfigError when `options.timeZone` is not a time zone; AnalysisError when the table needs
 *   a reader feature sluice does not support (named in the message) or a file has a deletion vector;
 *   SourceError when a data file cannot be read or a column's type in a file differs from the table schema.
 */
export async function readDeltaTable(storage: Storage, tableKey: string, options: ReadDeltaTableOptions = {}): Promise<DeltaTableContent> {
  if (options.timeZone !== undefined) checkTimeZone(options.timeZone);
  const snapshot = await loadSnapshot(storage, tableKey, { version: options.version });
  checkReadable(snapshot.protocol, snapshot.metadata, toDisplayUrl(storage, tableKey));
  const batches: Batch[] = [];
  for (const file of snapshot.files) for (const b of await readDeltaFile(storage, tableKey, snapshot, file, options)) batches.push(b);
  return { schema: snapshot.metadata.schema, version: snapshot.version, batches };
}

/**
 * Reads one live file of a snapshot as batches with the table schema. Checks the snapshot is
 * readable first, so callers iterating files themselves get the same guarantees.
 * @throws ConfigError when `options.timeZone` is not a time zone; otherwise as {@link readDeltaTable}.
 */
export async function readDeltaFile(
  storage: Storage,
  tableKey: string,
  snapshot: DeltaSnapshot,
  file: DeltaFile,
  options: ReadDeltaFileOptions = {},
): Promise<Batch[]> {
  const timeZone = options.timeZone ?? DEFAULT_PARTITION_TIME_ZONE;
  if (options.timeZone !== undefined) checkTimeZone(options.timeZone);
  const tablePath = toDisplayUrl(storage, tableKey);
  checkReadable(snapshot.protocol, snapshot.metadata, tablePath);
  if (file.deletionVector !== undefined) throw unsupportedFeatureError(["deletionVectors"], tablePath);
  const { storage: fileStorage, key } = locateFile(storage, tableKey, file);
  const where = toDisplayUrl(fileStorage, key);
  const schema = snapshot.metadata.schema;
  const partitionColumns = new Set(snapshot.metadata.partitionColumns.map((c) => c.toLowerCase()));
  const source = await parquetSourceFromStorage(fileStorage, key);
  const fileSchema = await readParquetSchema(source, { path: where });
  const byLowerName = new Map(fileSchema.fields.map((f) => [f.name.toLowerCase(), f] as const));
  // For each table field: the file column it reads from, or null (partition column or missing).
  const sources = schema.fields.map((f) => (partitionColumns.has(f.name.toLowerCase()) ? undefined : byLowerName.get(f.name.toLowerCase())));
  const columns: string[] = [];
  for (const [i, s] of sources.entries()) {
    if (s === undefined) continue;
    if (!compatible(s.dataType, schema.fields[i].dataType)) {
      throw new SourceError(
        `delta reader: column '${schema.fields[i].name}' is ${describe(s.dataType)} in ${where} but ${describe(schema.fields[i].dataType)} in the table schema`,
        { path: where },
      );
    }
    columns.push(s.name);
  }
  const { batches } = await readParquet(source, { columns, path: where });
  const out: Batch[] = [];
  for (const b of batches) {
    let next = 0;
    const vectors: Vector[] = schema.fields.map((f, i) => {
      if (partitionColumns.has(f.name.toLowerCase())) {
        return partitionVector(f.dataType, partitionValue(file, f.name), b.numRows, f.name, timeZone);
      }
      if (sources[i] === undefined) return nullVector(f.dataType, b.numRows);
      return retype(b.columns[next++], f.dataType);
    });
    out.push(makeBatch(schema, vectors, b.numRows));
  }
  return out;
}

/**
 * The storage and key of a file: URIs with a scheme are resolved; absolute paths without one are on
 * the table's storage; relative paths are under the table root. `file.path` is already URI-decoded.
 */
function locateFile(storage: Storage, tableKey: string, file: DeltaFile): { storage: Storage; key: string } {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file.rawPath)) return resolveLocation(file.rawPath);
  if (file.path.startsWith("/")) return { storage, key: file.path.replace(/^\/+/, "") };
  return { storage, key: folderPrefix(tableKey) + file.path };
}

function partitionValue(file: DeltaFile, column: string): string | null {
  const v = file.partitionValues[column];
  if (v !== undefined) return v;
  const lower = column.toLowerCase();
  for (const [k, x] of Object.entries(file.partitionValues)) if (k.toLowerCase() === lower) return x;
  return null;
}

/** Same type ignoring nullability flags and the case of field names. */
function compatible(a: DataType, b: DataType): boolean {
  if (a.typeName !== b.typeName) return false;
  switch (a.typeName) {
    case "decimal":
      return b.typeName === "decimal" && a.precision === b.precision && a.scale === b.scale;
    case "array":
      return b.typeName === "array" && compatible(a.elementType, b.elementType);
    case "map":
      return b.typeName === "map" && compatible(a.keyType, b.keyType) && compatible(a.valueType, b.valueType);
    case "struct":
      return (
        b.typeName === "struct" &&
        a.fields.length === b.fields.length &&
        a.fields.every((f, i) => f.name.toLowerCase() === b.fields[i].name.toLowerCase() && compatible(f.dataType, b.fields[i].dataType))
      );
    default:
      return true;
  }
}

/** `v` relabelled with the table's (compatible) type, recursively, so batches carry the table schema. */
function retype(v: Vector, type: DataType): Vector {
  switch (v.kind) {
    case "struct":
      if (type.typeName !== "struct") break;
      return { ...v, type, children: v.children.map((c, i) => retype(c, type.fields[i].dataType)) };
    case "list":
      if (type.typeName !== "array") break;
      return { ...v, type, child: retype(v.child, type.elementType) };
    case "map":
      if (type.typeName !== "map") break;
      return { ...v, type, keys: retype(v.keys, type.keyType), items: retype(v.items, type.valueType) };
    case "decimal":
      if (type.typeName !== "decimal") break;
      return { ...v, type };
    default:
      return { ...v, type };
  }
  return v;
}

function describe(t: DataType): string {
  return t.typeName;
}
