/**
 * Batch reading of a Delta table version: protocol check, then every live file read with the
 * Parquet reader, its columns matched by name to the table schema and partition columns filled
 * from the file's partition values. As in Delta, a file written before the schema evolved reads
 * with the current schema: columns and nested struct fields (also inside arrays and maps) are
 * matched by name at every level, those the file lacks read as nulls, and file fields the table
 * does not have are ignored.
 */
import { InternalError, SourceError } from "../../errors.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix, resolveLocation, toDisplayUrl } from "../../storage/resolve.js";
import { parquetSourceFromStorage, readParquet, readParquetSchema } from "../../formats/parquet/parquet-reader.js";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { nullVector } from "../../columnar/build.js";
import type { Vector } from "../../columnar/vector.js";
import type { ArrayType, DataType, MapType, StructField, StructType } from "../../types/data-types.js";
import { simpleString } from "../../types/print-schema.js";
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
  /** Lower-case names of the columns to read; the others come back as nulls. Absent: all. */
  readonly columns?: ReadonlySet<string>;
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
 *   SourceError when a data file cannot be read or a column's type in a file conflicts with the table
 *   schema (a different atomic type or kind at some column path; missing and extra struct fields are
 *   not conflicts), naming the column path (`s.b`, `tags.element`, `m.value.x`), both types and the file.
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
  // For each table field: how to build it from the file column it reads, or null (partition
  // column, or a column the file lacks: written before it was added to the table).
  const plans: (ColumnPlan | null)[] = [];
  const columns: string[] = [];
  for (const f of schema.fields) {
    const skip = partitionColumns.has(f.name.toLowerCase()) || (options.columns !== undefined && !options.columns.has(f.name.toLowerCase()));
    const s = skip ? undefined : matchField(fileSchema.fields, f.name, f.name, where);
    if (s === undefined) {
      plans.push(null);
      continue;
    }
    plans.push(planColumn(s.dataType, f.dataType, f.name, where));
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
      const plan = plans[i];
      if (plan === null) return nullVector(f.dataType, b.numRows);
      return project(b.columns[next++], plan);
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

/**
 * How a table column is built from the file column it is read from (computed once per file, applied
 * to every batch). Struct fields are matched by name at every level, as Delta (Spark's Parquet
 * reader) does, so a file written before a field was added (`mergeSchema`) reads it as null and
 * fields the table no longer has are ignored.
 */
type ColumnPlan =
  /** Same shape: the vector is relabelled with the table's type. */
  | { readonly kind: "same"; readonly type: DataType }
  /** `sources[i]`: the file child table field i reads from, or -1 (null). */
  | { readonly kind: "struct"; readonly type: StructType; readonly sources: readonly number[]; readonly children: readonly (ColumnPlan | null)[] }
  | { readonly kind: "array"; readonly type: ArrayType; readonly element: ColumnPlan }
  | { readonly kind: "map"; readonly type: MapType; readonly key: ColumnPlan; readonly value: ColumnPlan };

/**
 * The file field that table field `name` reads from: the field of that exact name, else the one
 * equal ignoring case (Spark's default `spark.sql.caseSensitive=false`), else undefined.
 * @throws SourceError when several file fields match ignoring case and none exactly.
 */
function matchField(fields: readonly StructField[], name: string, path: string, where: string): StructField | undefined {
  const exact = fields.find((f) => f.name === name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  const found = fields.filter((f) => f.name.toLowerCase() === lower);
  if (found.length > 1) {
    throw new SourceError(
      `delta reader: column '${path}' matches several fields of ${where} ignoring case (${found.map((f) => f.name).join(", ")})`,
      { path: where },
    );
  }
  return found[0];
}

/**
 * The plan reading a column of type `file` as `table`. `path` names the column for messages
 * (`s.b`, `items.element.x`, `m.value.y`).
 * @throws SourceError naming the column path, both types and the file when they conflict (a
 *   different atomic type, decimal precision or scale, or kind).
 */
function planColumn(file: DataType, table: DataType, path: string, where: string): ColumnPlan {
  if (table.typeName === "struct" && file.typeName === "struct") {
    const sources: number[] = [];
    const children: (ColumnPlan | null)[] = [];
    let same = table.fields.length === file.fields.length;
    for (const [i, f] of table.fields.entries()) {
      const fieldPath = `${path}.${f.name}`;
      const s = matchField(file.fields, f.name, fieldPath, where);
      const index = s === undefined ? -1 : file.fields.indexOf(s);
      const child = s === undefined ? null : planColumn(s.dataType, f.dataType, fieldPath, where);
      if (index !== i || child === null || child.kind !== "same") same = false;
      sources.push(index);
      children.push(child);
    }
    return same ? { kind: "same", type: table } : { kind: "struct", type: table, sources, children };
  }
  if (table.typeName === "array" && file.typeName === "array") {
    const element = planColumn(file.elementType, table.elementType, `${path}.element`, where);
    return element.kind === "same" ? { kind: "same", type: table } : { kind: "array", type: table, element };
  }
  if (table.typeName === "map" && file.typeName === "map") {
    const key = planColumn(file.keyType, table.keyType, `${path}.key`, where);
    const value = planColumn(file.valueType, table.valueType, `${path}.value`, where);
    return key.kind === "same" && value.kind === "same" ? { kind: "same", type: table } : { kind: "map", type: table, key, value };
  }
  const sameAtomic =
    file.typeName === table.typeName &&
    !(file.typeName === "decimal" && table.typeName === "decimal" && (file.precision !== table.precision || file.scale !== table.scale));
  // Complex kinds reaching here differ from the table's (struct vs array …): a conflict too.
  if (!sameAtomic || isComplex(table)) {
    throw new SourceError(
      `delta reader: column '${path}' is ${simpleString(file)} in ${where} but ${simpleString(table)} in the table schema`,
      { path: where },
    );
  }
  return { kind: "same", type: table };
}

function isComplex(t: DataType): boolean {
  return t.typeName === "struct" || t.typeName === "array" || t.typeName === "map";
}

/** `v` (read from the file) shaped as `plan` says, so batches carry the table schema. Per column, not per row. */
function project(v: Vector, plan: ColumnPlan): Vector {
  switch (plan.kind) {
    case "same":
      return retype(v, plan.type);
    case "struct": {
      if (v.kind !== "struct") break;
      const children = plan.type.fields.map((f, i) => {
        const s = plan.sources[i];
        const child = plan.children[i];
        return s < 0 || child === null ? nullVector(f.dataType, v.length) : project(v.children[s], child);
      });
      return { kind: "struct", type: plan.type, length: v.length, valid: v.valid, children };
    }
    case "array":
      if (v.kind !== "list") break;
      return { ...v, type: plan.type, child: project(v.child, plan.element) };
    case "map":
      if (v.kind !== "map") break;
      return { ...v, type: plan.type, keys: project(v.keys, plan.key), items: project(v.items, plan.value) };
  }
  throw new InternalError(`delta reader: a ${v.kind} vector was read for a ${plan.kind} column`);
}

/** `v` relabelled with the table's type (same shape, field names may differ in case), recursively. */
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
