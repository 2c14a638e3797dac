/**
 * Writing Iceberg tables (format v2): a write is planned against the table's current metadata (or
 * creates the table), its rows go through the shared data-file writer as Parquet files with
 * Iceberg field ids and column metrics, and one commit makes them a snapshot.
 *
 * - **Partitioning.** `partitionBy` entries of a new table are columns (identity) or Spark's
 *   transform calls: `bucket(N, col)`, `truncate(W, col)`, `years(col)`, `months(col)`,
 *   `days(col)`, `hours(col)`. The transformed values are added to each batch as hidden columns
 *   the data-file writer splits by (and does not store); source columns stay in the files, as
 *   Iceberg requires. An existing table keeps its own spec.
 * - **Metrics.** Per column id: `value_counts` (nulls included), `null_value_counts`, and
 *   `lower_bounds`/`upper_bounds` in the spec's single-value binary form for primitive columns
 *   outside lists and maps; strings and binary truncated to 16 characters or bytes (Iceberg's
 *   default `truncate(16)`), an upper bound rounded up so it still bounds the values.
 * - **Commit.** Manifest, manifest list, then the next metadata file, made current atomically by
 *   the table's catalog (`catalog-ops.ts`: put-if-absent `v<N>.metadata.json` for file-system
 *   tables, a `metadata_location` swap in Glue). A writer that loses re-reads the table, checks
 *   its batch is still not there and the schema still fits, and tries again. A snapshot's summary records the
 *   streaming query id and batch (`spark.sql.streaming.queryId` / `epochId`, as Iceberg's Spark
 *   sink does), so a batch already committed is skipped.
 */
import { randomUUID } from "node:crypto";
import { AnalysisError, CommitConflictError } from "../../errors.js";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { nullVector } from "../../columnar/build.js";
import { encodeUtf8 } from "../../columnar/utf8.js";
import type { Vector } from "../../columnar/vector.js";
import { castVector } from "../../exec/eval/cast.js";
import type { ColumnStats } from "../../formats/parquet/parquet-writer.js";
import type { Storage } from "../../storage/storage.js";
import { folderPrefix } from "../../storage/resolve.js";
import { fileUrlOf, toDisplayUrl } from "../../storage/url.js";
import { StructField, StructType as Struct } from "../../types/data-types.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { simpleString } from "../../types/print-schema.js";
import type { DataFile, DataFileCodec, DataFileLayout, FileStatsCollector } from "../files/data-file-writer.js";
import { sameLong, stringifyLongJson } from "./long-json.js";
import type { Long } from "./long-json.js";
import { ADDED, DATA, DELETED, writeManifest, writeManifestList } from "./manifest.js";
import type { DataFileInfo, EntryToWrite, FieldSummary, ManifestEntry, ManifestFile } from "./manifest.js";
import type { AvroValue } from "./avro.js";
import { FIRST_PARTITION_FIELD_ID, currentSchema, parseTableMetadata, specById } from "./metadata.js";
import { hadoopCatalog } from "./catalog-ops.js";
import type { IcebergCatalogOps } from "./catalog-ops.js";
import type { IcebergSchema, MetadataFile, PartitionField, PartitionSpec, Snapshot, TableMetadata } from "./metadata.js";
import { ancestors, keyText, liveEntries, locationOf, planScan, readManifestOf, readScanTask, snapshotManifests } from "./table-reader.js";
import { compareBytes } from "../../formats/parquet/statistics.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { takeBatch } from "../../columnar/ops.js";
import { writeDataFiles } from "../files/data-file-writer.js";
import { applyTransform, decimalBytes, unscaledFromText, humanString, parseTransform, partitionAvroValue, partitionResultType, transformedSparkType } from "./transforms.js";
import type { Transform } from "./transforms.js";
import { assignType, fieldsById, icebergSchemaOf, parquetFieldIds, sparkSchemaOf, sparkTypeOf } from "./types.js";

/**
 * What a writer knows of the table after its own last commit: the metadata it wrote and the
 * manifests of its snapshot, so the next write need not read them again while no other writer
 * has committed since.
 */
export interface KnownState {
  readonly file: MetadataFile;
  readonly manifests: readonly ManifestFile[];
}

/** Snapshot summary keys Iceberg's Spark streaming sink writes. */
export const QUERY_ID_PROPERTY = "spark.sql.streaming.queryId";
export const EPOCH_ID_PROPERTY = "spark.sql.streaming.epochId";

/** Options of a write. */
export interface IcebergWriteOptions {
  /** Add the data's columns the table lacks to its schema (Spark's `mergeSchema`); else they are an error. */
  readonly mergeSchema?: boolean;
  /** The table's catalog; file-system tables ({@link hadoopCatalog}) when absent. */
  readonly catalog?: IcebergCatalogOps;
  /** Partitioning of a new table (see the module comment); ignored for an existing table. */
  readonly partitionBy?: readonly string[];
  /** Properties of a new table. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Parquet codec; default: the table's `write.parquet.compression-codec`, else zstd (Iceberg's default). */
  readonly compression?: DataFileCodec;
  readonly maxRecordsPerFile?: number;
  /** Default: the table's `write.target-file-size-bytes`, else 512 MiB (Iceberg's). */
  readonly targetFileSize?: number;
}

/** Per-file metrics, keyed by column id. */
export interface IcebergFileMetrics {
  readonly valueCounts: Map<number, number>;
  readonly nullValueCounts: Map<number, number>;
  readonly lowerBounds: Map<number, Uint8Array>;
  readonly upperBounds: Map<number, Uint8Array>;
}

/** A write planned against one metadata version (or a new table). */
export interface IcebergWritePlan {
  readonly storage: Storage;
  readonly tableKey: string;
  /** The metadata the write started from; null when it creates the table. */
  readonly base: MetadataFile | null;
  /** The metadata the commit builds on (the base, or the new table's). */
  readonly metadata: TableMetadata;
  /** The schema the files are written with (the table's, or the evolved one). */
  readonly schema: IcebergSchema;
  /** The id of the table's current schema when the write was planned (a commit checks it is still current). */
  readonly baseSchemaId: number;
  /** With mergeSchema, the new schema the commit makes current; null when the table's is kept. */
  readonly evolvedSchema: IcebergSchema | null;
  readonly spec: PartitionSpec;
  /** The Spark schema of the table (what data files hold). */
  readonly sparkSchema: StructType;
  /** The schema of the conformed batches: the table's, then the hidden partition columns. */
  readonly writeSchema: StructType;
  readonly layout: DataFileLayout<IcebergFileMetrics>;
  /** The data files go under this key (`<table>/data`). */
  readonly dataKey: string;
  readonly catalog: IcebergCatalogOps;
  /** The manifests of the base's current snapshot, when the writer knows them (see {@link KnownState}). */
  readonly baseManifests: readonly ManifestFile[] | null;
  /** Input batches reshaped to the table schema, plus the hidden partition columns. */
  conform(data: AsyncIterable<Batch>): AsyncIterable<Batch>;
}

/** The name of a hidden partition column. */
const hiddenColumn = (i: number): string => `__iceberg_partition_${i}`;

const SPARK_TRANSFORM = /^\s*(bucket|truncate|years|months|days|hours|year|month|day|hour)\s*\(\s*(?:(\d+)\s*,\s*)?([^()]+?)\s*\)\s*$/i;

/** A new table's partition spec from `partitionBy` entries. @throws AnalysisError for an unknown column or transform. */
export function specOf(partitionBy: readonly string[], schema: IcebergSchema): PartitionSpec {
  const fields: PartitionField[] = partitionBy.map((entry, i) => {
    const m = SPARK_TRANSFORM.exec(entry);
    const column = (m === null ? entry : m[3]).trim().replace(/^`(.*)`$/, "$1");
    const source = schema.fields.find((f) => f.name === column) ?? schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    if (source === undefined) {
      throw new AnalysisError(`iceberg: partition column '${column}' is not in the schema (${schema.fields.map((f) => f.name).join(", ")})`);
    }
    let transform = "identity";
    let name = source.name;
    if (m !== null) {
      const fn = m[1].toLowerCase().replace(/s$/, "");
      if ((fn === "bucket" || fn === "truncate") && m[2] === undefined) throw new AnalysisError(`iceberg: ${fn}(N, column) needs a number: '${entry}'`);
      transform = fn === "bucket" ? `bucket[${m[2]}]` : fn === "truncate" ? `truncate[${m[2]}]` : fn;
      name = `${source.name}_${fn === "truncate" ? "trunc" : fn}`;
    }
    const field: PartitionField = { "source-id": source.id, "field-id": FIRST_PARTITION_FIELD_ID + i, name, transform };
    // Refuses a transform the column's type does not take, before any data is written.
    partitionResultType(field, schema);
    return field;
  });
  return { "spec-id": 0, fields };
}

/** The metadata of a new, empty table at `location`. */
function newTableMetadata(location: string, schema: StructType, options: IcebergWriteOptions): TableMetadata {
  const { schema: iceSchema, lastColumnId } = icebergSchemaOf(schema);
  const spec = specOf(options.partitionBy ?? [], iceSchema);
  const raw = {
    "format-version": 2,
    "table-uuid": randomUUID(),
    location,
    "last-sequence-number": 0,
    "last-updated-ms": Date.now(),
    "last-column-id": lastColumnId,
    "current-schema-id": 0,
    schemas: [iceSchema],
    "default-spec-id": 0,
    "partition-specs": [spec],
    "last-partition-id": spec.fields.length === 0 ? FIRST_PARTITION_FIELD_ID - 1 : FIRST_PARTITION_FIELD_ID + spec.fields.length - 1,
    "default-sort-order-id": 0,
    "sort-orders": [{ "order-id": 0, fields: [] }],
    properties: { "write.parquet.compression-codec": "zstd", ...options.properties },
    "current-snapshot-id": -1,
    refs: {},
    snapshots: [],
    statistics: [],
    "snapshot-log": [],
    "metadata-log": [],
  };
  return parseTableMetadata(stringifyLongJson(raw), location);
}

/**
 * Plans a write of data with `schema` into the table at `tableKey` (creating it when absent).
 * @throws AnalysisError when the data does not fit the table (a column it has not, a type it
 *   cannot take), or the table is format v1 (sluice writes v2 only).
 */
export async function planIcebergWrite(
  storage: Storage,
  tableKey: string,
  schema: StructType,
  options: IcebergWriteOptions = {},
  known: KnownState | null = null,
): Promise<IcebergWritePlan> {
  const catalog = options.catalog ?? hadoopCatalog;
  // While what this writer committed last is still current, it need not be read and parsed again.
  const base = known !== null && (await catalog.isCurrent(storage, tableKey, known.file)) ? known.file : await catalog.load(storage, tableKey);
  const where = toDisplayUrl(storage, tableKey);
  const metadata = base?.metadata ?? newTableMetadata(fileUrlOf(storage, tableKey), schema, options);
  if (metadata.formatVersion !== 2) {
    throw new AnalysisError(`iceberg: ${where} is a format v1 table; sluice writes format v2 (upgrade it with the table property format-version=2)`);
  }
  const baseSchema = currentSchema(metadata);
  // mergeSchema: columns of the data the table lacks are added (new ids, a new schema version).
  const evolved = options.mergeSchema === true && base !== null ? addedColumns(baseSchema, schema, metadata) : null;
  const iceSchema = evolved ?? baseSchema;
  const spec = specById(metadata, metadata.defaultSpecId);
  const sparkSchema = sparkSchemaOf(iceSchema);
  const inputs = matchColumns(schema, sparkSchema, where);
  const transforms = spec.fields.map((f) => {
    const t = parseTransform(f.transform);
    const ordinal = iceSchema.fields.findIndex((x) => x.id === f["source-id"]);
    if (ordinal < 0) throw new AnalysisError(`iceberg: partition field '${f.name}' of ${where} is not on a top-level column; sluice cannot write it`);
    return { field: f, transform: t, ordinal, resultType: transformedSparkType(t, sparkSchema.fields[ordinal].dataType) };
  });
  const props = metadata.properties;
  const codecProp = (props["write.parquet.compression-codec"] ?? "zstd").toLowerCase();
  const compression: DataFileCodec = options.compression ?? (codecProp === "uncompressed" || codecProp === "snappy" || codecProp === "gzip" ? codecProp : "zstd");
  const fieldIds = parquetFieldIds(iceSchema);
  const targetProp = Number(props["write.target-file-size-bytes"]);
  const layout: DataFileLayout<IcebergFileMetrics> = {
    format: "parquet",
    compression,
    partitionBy: transforms.map((_, i) => hiddenColumn(i)),
    partitionFolderNames: spec.fields.map((f) => f.name),
    keepEmptyPartitionValues: true,
    nullPartitionFolder: "null",
    partitionValue: (column, row, i) => humanString(transforms[i].transform, transforms[i].resultType, column, row),
    maxRecordsPerFile: options.maxRecordsPerFile,
    targetFileSize: options.targetFileSize ?? (Number.isFinite(targetProp) && targetProp > 0 ? targetProp : 512 * 1024 * 1024),
    parquetFieldIds: fieldIds,
    stats: () => new MetricsCollector(fieldIds),
  };
  return {
    storage,
    tableKey,
    base,
    metadata,
    schema: iceSchema,
    baseSchemaId: baseSchema["schema-id"],
    evolvedSchema: evolved,
    spec,
    sparkSchema,
    writeSchema: Struct([...sparkSchema.fields, ...transforms.map((t, i) => StructField(hiddenColumn(i), t.resultType, true))]),
    layout,
    dataKey: `${folderPrefix(tableKey)}data`,
    catalog,
    baseManifests: known !== null && base === known.file ? known.manifests : null,
    conform: (data) => conformed(data, sparkSchema, inputs, transforms),
  };
}

/**
 * `base` with the data's top-level columns it lacks appended as optional fields (ids from the
 * table's `last-column-id` on, nested ones too), as a new schema; null when nothing is new.
 */
function addedColumns(base: IcebergSchema, data: StructType, m: TableMetadata): IcebergSchema | null {
  const have = new Set(base.fields.map((f) => f.name.toLowerCase()));
  const fresh = data.fields.filter((f) => !have.has(f.name.toLowerCase()));
  if (fresh.length === 0) return null;
  const ids = { next: m.lastColumnId + 1 };
  const own = fresh.map(() => ids.next++);
  const fields = fresh.map((f, i) => ({ id: own[i], name: f.name, required: false, type: assignType(f.dataType, ids, f.name) }));
  const schemaId = Math.max(...m.schemas.map((s) => s["schema-id"])) + 1;
  return { ...base, "schema-id": schemaId, fields: [...base.fields, ...fields] };
}

/** `m` with `schema` added and current (and `last-column-id` raised to its highest id). */
function withSchema(m: TableMetadata, schema: IcebergSchema): TableMetadata {
  const lastColumnId = Math.max(m.lastColumnId, ...[...fieldsById(schema).keys()]);
  const raw: Record<string, unknown> = { ...m.raw, schemas: [...m.schemas, schema], "current-schema-id": schema["schema-id"], "last-column-id": lastColumnId };
  return { ...m, raw, schemas: [...m.schemas, schema], currentSchemaId: schema["schema-id"], lastColumnId };
}

/** For each table column, the ordinal of the input column it takes (by name, case-insensitively) or -1. */
function matchColumns(input: StructType, table: StructType, where: string): number[] {
  for (const f of input.fields) {
    if (!table.fields.some((t) => t.name.toLowerCase() === f.name.toLowerCase())) {
      throw new AnalysisError(
        `iceberg: column '${f.name}' is not in the schema of ${where} (${table.fields.map((t) => t.name).join(", ")}); write with option mergeSchema=true to add it`,
      );
    }
  }
  return table.fields.map((t) => {
    const exact = input.fields.findIndex((f) => f.name === t.name);
    const i = exact >= 0 ? exact : input.fields.findIndex((f) => f.name.toLowerCase() === t.name.toLowerCase());
    if (i >= 0) checkWritable(input.fields[i].dataType, t.dataType, t.name, where);
    else if (!t.nullable) throw new AnalysisError(`iceberg: required column '${t.name}' of ${where} is missing from the data`);
    return i;
  });
}

/** Whether a value of type `from` may be written into a column of type `to` (the same type, or one of Iceberg's safe promotions). */
function checkWritable(from: DataType, to: DataType, column: string, where: string): void {
  const ok =
    from.typeName === to.typeName
      ? from.typeName !== "decimal" || to.typeName !== "decimal" || (from.scale === to.scale && from.precision <= to.precision)
      : (to.typeName === "long" && (from.typeName === "integer" || from.typeName === "short" || from.typeName === "byte")) ||
        (to.typeName === "integer" && (from.typeName === "short" || from.typeName === "byte")) ||
        (to.typeName === "double" && from.typeName === "float") ||
        from.typeName === "null";
  if (!ok) throw new AnalysisError(`iceberg: cannot write ${simpleString(from)} data into column '${column}' of type ${simpleString(to)} (${where})`);
}

interface PlannedTransform {
  readonly field: PartitionField;
  readonly transform: Transform;
  /** The table column it reads. */
  readonly ordinal: number;
  readonly resultType: DataType;
}

async function* conformed(data: AsyncIterable<Batch>, table: StructType, inputs: readonly number[], transforms: readonly PlannedTransform[]): AsyncGenerator<Batch> {
  const withHidden = Struct([...table.fields, ...transforms.map((t, i) => StructField(hiddenColumn(i), t.resultType, true))]);
  const identity = transforms.length === 0 && inputs.every((k, i) => k === i);
  for await (const b of data) {
    // Columns already in the table's order and types, nothing to add: the batch as it is.
    if (identity && b.columns.length === table.fields.length && b.columns.every((v, i) => sameKind(v.type, table.fields[i].dataType))) {
      yield b;
      continue;
    }
    const columns: Vector[] = table.fields.map((f, i) => {
      const k = inputs[i];
      if (k < 0) return nullVector(f.dataType, b.numRows);
      const v = b.columns[k];
      // The same vector object: a relabelled copy would change its shape and slow the encoder's
      // hot loops (~10% of a 100k-row batch), and only nullability could differ.
      return sameKind(v.type, f.dataType) ? v : castVector(v, f.dataType);
    });
    for (const t of transforms) columns.push(applyTransform(t.transform, columns[t.ordinal], table.fields[t.ordinal].dataType, table.fields[t.ordinal].name));
    yield makeBatch(withHidden, columns, b.numRows);
  }
}

/** Same atomic type (nested types are relabelled only when their names and shapes match: cast otherwise). */
function sameKind(a: DataType, b: DataType): boolean {
  if (a.typeName !== b.typeName) return false;
  if (a.typeName === "decimal" && b.typeName === "decimal") return a.precision === b.precision && a.scale === b.scale;
  return a.typeName !== "struct" && a.typeName !== "array" && a.typeName !== "map";
}

/** Iceberg's default bound truncation, `truncate(16)`. */
const TRUNCATE = 16;

/** Collects a file's Iceberg metrics from the Parquet writer's column statistics. */
class MetricsCollector implements FileStatsCollector<IcebergFileMetrics> {
  constructor(private readonly fieldIds: Readonly<Record<string, number>>) {}

  add(_batch: Batch): void {}

  finish(columnStats: readonly ColumnStats[]): IcebergFileMetrics {
    const m: IcebergFileMetrics = { valueCounts: new Map(), nullValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map() };
    for (const c of columnStats) {
      const id = this.fieldIds[c.path.join(".")];
      if (id === undefined) continue;
      m.valueCounts.set(id, c.valueCount + c.nullCount);
      m.nullValueCounts.set(id, c.nullCount);
      // Bounds of values inside lists and maps are not kept (as Iceberg's Parquet metrics).
      if (c.path.includes("list") || c.path.includes("key_value")) continue;
      const lower = boundBytes(c.type, c.min, false);
      const upper = boundBytes(c.type, c.max, true);
      if (lower !== null) m.lowerBounds.set(id, lower);
      if (upper !== null) m.upperBounds.set(id, upper);
    }
    return m;
  }
}

function fixedBytes(n: number, f: (d: DataView) => void): Uint8Array {
  const out = new Uint8Array(n);
  f(new DataView(out.buffer));
  return out;
}

/**
 * A bound in Iceberg's single-value serialisation, from the JavaScript value the Parquet stats
 * give (`statToJs`): null when there is none, or an upper bound cannot be truncated.
 */
export function boundBytes(type: DataType, v: unknown, upper: boolean): Uint8Array | null {
  if (v === null || v === undefined) return null;
  switch (type.typeName) {
    case "boolean":
      return Uint8Array.of(v === true ? 1 : 0);
    case "byte":
    case "short":
    case "integer":
      return typeof v === "number" ? fixedBytes(4, (d) => d.setInt32(0, v, true)) : null;
    case "date":
      return v instanceof Date ? fixedBytes(4, (d) => d.setInt32(0, Math.floor(v.getTime() / 86_400_000), true)) : null;
    case "long":
      return typeof v === "bigint" || typeof v === "number" ? fixedBytes(8, (d) => d.setBigInt64(0, BigInt(v), true)) : null;
    case "timestamp":
    case "timestamp_ntz":
      // Millisecond stats (min floored, max rounded up) still bound the microsecond values.
      return v instanceof Date ? fixedBytes(8, (d) => d.setBigInt64(0, BigInt(v.getTime()) * 1000n, true)) : null;
    case "float":
      return typeof v === "number" ? fixedBytes(4, (d) => d.setFloat32(0, v, true)) : null;
    case "double":
      return typeof v === "number" ? fixedBytes(8, (d) => d.setFloat64(0, v, true)) : null;
    case "decimal":
      return typeof v === "string" ? decimalBytes(unscaledFromText(v, type.scale)) : null;
    case "string":
      return typeof v === "string" ? truncatedString(v, upper) : null;
    case "binary":
      return v instanceof Uint8Array ? truncatedBinary(v, upper) : null;
    default:
      return null;
  }
}

/** A string bound cut to 16 code points; an upper bound's last kept code point is incremented. */
function truncatedString(v: string, upper: boolean): Uint8Array | null {
  const chars = [...v];
  if (chars.length <= TRUNCATE) return encodeUtf8(v);
  const prefix = chars.slice(0, TRUNCATE);
  if (!upper) return encodeUtf8(prefix.join(""));
  for (let i = prefix.length - 1; i >= 0; i--) {
    let next = (prefix[i].codePointAt(0) ?? 0) + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return encodeUtf8(prefix.slice(0, i).join("") + String.fromCodePoint(next));
  }
  return null;
}

function truncatedBinary(v: Uint8Array, upper: boolean): Uint8Array | null {
  if (v.length <= TRUNCATE) return v;
  const prefix = Uint8Array.from(v.subarray(0, TRUNCATE));
  if (!upper) return prefix;
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i]++;
      return out;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Commits

/** What a commit adds, and (overwrite) whether it replaces every live file. */
export interface CommitRequest {
  readonly files: readonly DataFile<IcebergFileMetrics>[];
  /**
   * `append`; `overwrite`: every file live before is removed in the same snapshot; `replace`
   * (compaction): the files of `remove` are, which must all still be live (else the commit fails
   * with CommitConflictError: another writer removed or rewrote them).
   */
  readonly operation: "append" | "overwrite" | "replace";
  /**
   * The paths (as the manifests hold them) of the files the new files replace: for `replace`, and
   * for an `overwrite` of part of the table (absent: the whole table). Every one must still be
   * live (else CommitConflictError).
   */
  readonly remove?: ReadonlySet<string>;
  /** The streaming query and batch, recorded in the summary for exactly-once. */
  readonly streaming?: { readonly queryId: string; readonly batchId: number };
}

/** What a commit did. */
export interface CommitResult {
  /** The metadata version written, or null when the batch was already in the table. */
  readonly version: number | null;
  readonly snapshotId: Long | null;
  /** Commit attempts (1 without conflicts). */
  readonly attempts: number;
  /** The table as this commit left it, for the writer's next write; null when nothing was committed. */
  readonly state: KnownState | null;
}

/** How many times a commit re-reads the table and retries after losing a race. */
const MAX_ATTEMPTS = 20;

/** The last batch of `queryId` in the current branch's history, or -1 (Iceberg's Spark sink's check). */
export function lastCommittedBatch(m: TableMetadata, queryId: string): number {
  for (const s of ancestors(m)) {
    if (s.summary?.[QUERY_ID_PROPERTY] === queryId) {
      const epoch = Number(s.summary[EPOCH_ID_PROPERTY]);
      return Number.isSafeInteger(epoch) ? epoch : -1;
    }
  }
  return -1;
}

/**
 * Commits the plan's written files as one snapshot, retrying after concurrent commits.
 * @throws CommitConflictError after {@link MAX_ATTEMPTS} lost races; AnalysisError when the
 *   table's schema or spec changed under the write.
 */
export async function commitIcebergWrite(plan: IcebergWritePlan, request: CommitRequest): Promise<CommitResult> {
  const { storage, tableKey } = plan;
  const metaDir = `${folderPrefix(tableKey)}metadata/`;
  const snapshotId = randomSnapshotId();
  const commitId = randomUUID();
  const files: DataFileInfo[] = request.files.map((f) => dataFileInfo(plan, f));
  // The data manifest does not depend on the parent snapshot: written once, kept across retries
  // (its ADDED entries inherit the sequence number the manifest list gives it).
  let added: ManifestFile | null = null;
  let base = plan.base;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const m0 = base?.metadata ?? plan.metadata;
    const m = plan.evolvedSchema === null || base === null ? m0 : withSchema(m0, plan.evolvedSchema);
    if (base !== null) {
      if (request.streaming !== undefined && lastCommittedBatch(m, request.streaming.queryId) >= request.streaming.batchId) {
        return { version: null, snapshotId: null, attempts: attempt, state: null };
      }
      checkStillFits(plan, m0);
    }
    const sequenceNumber = m.lastSequenceNumber + 1;
    const parent = m.currentSnapshotId;
    const parentSnapshot = parent === null ? null : (m.snapshots.find((s) => sameLong(s["snapshot-id"], parent)) ?? null);
    const table = { storage, tableKey, current: { key: base?.key ?? "", version: base?.version ?? 0, metadata: m } };
    const previous =
      parentSnapshot === null ? [] : base === plan.base && plan.baseManifests !== null ? plan.baseManifests : await snapshotManifests(table, parentSnapshot);
    // Appends, and overwrites that replace no file, carry the parent's manifests over unread.
    const rewrites = request.operation !== "append" && request.remove?.size !== 0;
    const live = rewrites && parentSnapshot !== null ? await liveEntries(table, parentSnapshot) : [];
    const removed = request.remove === undefined ? (request.operation === "overwrite" ? live : []) : live.filter((e) => request.remove?.has(e.file.filePath) === true);
    if (request.remove !== undefined && removed.length !== request.remove.size) {
      throw new CommitConflictError(`iceberg: files to replace in ${toDisplayUrl(storage, tableKey)} were removed or rewritten by another commit; run the rewrite again`);
    }
    // Manifests and the list are written concurrently: none is visible before the metadata file.
    const puts: Promise<void>[] = [];
    const listKey = `${metaDir}snap-${String(snapshotId)}-${attempt}-${commitId}.avro`;
    const manifests: ManifestFile[] = [];
    try {
      if (added === null && files.length > 0) {
        const entries: EntryToWrite[] = files.map((file) => ({ status: ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, file }));
        added = await putManifest(storage, `${metaDir}${commitId}-m0.avro`, entries, plan.spec, plan, "data", snapshotId, sequenceNumber, puts);
      }
      if (added !== null) manifests.push({ ...added, sequenceNumber, minSequenceNumber: sequenceNumber });
      if (!rewrites) manifests.push(...(await mergedManifests(table, previous, m, plan, snapshotId, sequenceNumber, `${metaDir}${commitId}-${attempt}-merged.avro`, puts)));
      else manifests.push(...(await rewrittenManifests(storage, `${metaDir}${commitId}-${attempt}`, live, new Set(removed), m, plan, snapshotId, sequenceNumber, puts)));
      puts.push(writeManifestList(manifests, snapshotId, parent, sequenceNumber).then((bytes) => storage.put(listKey, bytes)));
    } catch (e) {
      // No write is left unobserved when encoding fails.
      await Promise.allSettled(puts);
      throw e;
    }
    await Promise.all(puts);
    const now = Math.max(Date.now(), m.lastUpdatedMs + 1);
    const snapshot: Snapshot = {
      "sequence-number": sequenceNumber,
      "snapshot-id": snapshotId,
      ...(parent === null ? {} : { "parent-snapshot-id": parent }),
      "timestamp-ms": now,
      summary: snapshotSummary(request, files, removed, rewrites ? live : null, parentSnapshot),
      "manifest-list": locationOf(m, tableKey, listKey),
      "schema-id": plan.schema["schema-id"],
    };
    const raw = nextMetadata(m, base === null ? null : locationOf(m, tableKey, base.key), snapshot, now);
    const metadata: TableMetadata = { ...m, raw, lastSequenceNumber: sequenceNumber, lastUpdatedMs: now, currentSnapshotId: snapshotId, snapshots: [...m.snapshots, snapshot] };
    const committed = await plan.catalog.commit(storage, tableKey, base, { text: stringifyLongJson(raw, 2), metadata });
    if (committed === null) {
      base = await plan.catalog.load(storage, tableKey);
      continue;
    }
    const { key, version } = committed;
    return { version, snapshotId, attempts: attempt, state: { file: { key, version, metadata }, manifests } };
  }
  throw new CommitConflictError(`iceberg: gave up committing to ${toDisplayUrl(storage, tableKey)} after ${MAX_ATTEMPTS} concurrent commits won the race`);
}

/** Iceberg's defaults: `commit.manifest-merge.enabled` and `commit.manifest.min-count-to-merge`. */
const MERGE_MIN_COUNT = 100;

/**
 * The manifests an append carries over from its parent: as they are, unless the table holds at
 * least `commit.manifest.min-count-to-merge` (100) data manifests of the write's spec and
 * `commit.manifest-merge.enabled` is not false; then those are merged into one manifest of
 * EXISTING entries (their snapshot and sequence numbers kept, DELETED entries dropped), as
 * Iceberg's merging append does, so a long-running stream does not leave readers one manifest
 * per batch to open.
 */
async function mergedManifests(
  table: { storage: Storage; tableKey: string; current: MetadataFile },
  previous: readonly ManifestFile[],
  m: TableMetadata,
  plan: IcebergWritePlan,
  snapshotId: Long,
  sequenceNumber: number,
  key: string,
  puts: Promise<void>[],
): Promise<ManifestFile[]> {
  const props = m.properties;
  const minCount = Number(props["commit.manifest.min-count-to-merge"] ?? MERGE_MIN_COUNT);
  // A manifest of only DELETED entries (an overwrite's record of what it removed) is not carried on.
  const carried = previous.filter((mf) => mf.addedFilesCount + mf.existingFilesCount > 0 || mf.deletedFilesCount === 0);
  const mergeable = carried.filter((mf) => mf.content === 0 && mf.partitionSpecId === plan.spec["spec-id"]);
  if (props["commit.manifest-merge.enabled"] === "false" || !(minCount > 0) || mergeable.length + 1 < minCount) return carried;
  const entries: EntryToWrite[] = [];
  for (const mf of mergeable) {
    for (const e of await readManifestOf(table, mf)) {
      if (e.status === DELETED) continue;
      entries.push({ status: 0, snapshotId: e.snapshotId ?? mf.addedSnapshotId, sequenceNumber: e.sequenceNumber, fileSequenceNumber: e.fileSequenceNumber, file: e.file });
    }
  }
  const merged = await putManifest(table.storage, key, entries, plan.spec, plan, "data", snapshotId, sequenceNumber, puts);
  return [merged, ...carried.filter((mf) => !mergeable.includes(mf))];
}

/** A positive id below 2^53 (any positive long is valid; this one survives every JSON reader). */
function randomSnapshotId(): number {
  return Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1;
}

/** The table's schema or default spec changed under the write: its files may not fit. */
function checkStillFits(plan: IcebergWritePlan, m: TableMetadata): void {
  const schema = currentSchema(m);
  const spec = specById(m, m.defaultSpecId);
  // Ids alone do not do when the write planned a new table another writer then created: its
  // schema 0 may number the columns differently. Compare what the files were written against.
  const planned = plan.evolvedSchema === null ? plan.schema : null;
  const sameFields = planned === null || stringifyLongJson(schema.fields) === stringifyLongJson(planned.fields);
  const sameSpec = stringifyLongJson(spec.fields) === stringifyLongJson(plan.spec.fields);
  if (schema["schema-id"] !== plan.baseSchemaId || spec["spec-id"] !== plan.spec["spec-id"] || !sameFields || !sameSpec) {
    throw new AnalysisError(`iceberg: the schema or partition spec of ${toDisplayUrl(plan.storage, plan.tableKey)} changed while writing; run the write again`);
  }
}

function dataFileInfo(plan: IcebergWritePlan, f: DataFile<IcebergFileMetrics>): DataFileInfo {
  const partition: Record<string, AvroValue> = {};
  plan.spec.fields.forEach((field) => {
    const text = f.partitionValues[field.name] ?? null;
    partition[field.name] = partitionAvroValue(text, partitionResultType(field, plan.schema), parseTransform(field.transform)) as AvroValue;
  });
  const m = f.stats;
  return {
    content: DATA,
    filePath: locationOf(plan.metadata, plan.tableKey, f.key),
    fileFormat: "PARQUET",
    partition,
    recordCount: f.numRows,
    fileSizeInBytes: f.size,
    ...(m === undefined ? {} : { valueCounts: m.valueCounts, nullValueCounts: m.nullValueCounts, lowerBounds: m.lowerBounds, upperBounds: m.upperBounds }),
    sortOrderId: 0,
  };
}

/** Encodes a manifest, starts writing it (the write joins `puts`) and returns its manifest-list entry. */
async function putManifest(
  storage: Storage,
  key: string,
  entries: readonly EntryToWrite[],
  spec: PartitionSpec,
  plan: IcebergWritePlan,
  content: "data" | "deletes",
  snapshotId: Long,
  sequenceNumber: number,
  puts: Promise<void>[],
): Promise<ManifestFile> {
  const bytes = await writeManifest(entries, spec, plan.schema, content);
  puts.push(storage.put(key, bytes));
  const having = (status: number) => entries.filter((e) => e.status === status);
  const rows = (es: readonly EntryToWrite[]) => es.reduce((n, e) => n + e.file.recordCount, 0);
  return {
    manifestPath: locationOf(plan.metadata, plan.tableKey, key),
    manifestLength: bytes.length,
    partitionSpecId: spec["spec-id"],
    content: content === "data" ? 0 : 1,
    sequenceNumber,
    minSequenceNumber: Math.min(sequenceNumber, ...entries.map((e) => e.sequenceNumber ?? sequenceNumber)),
    addedSnapshotId: snapshotId,
    addedFilesCount: having(ADDED).length,
    existingFilesCount: having(0).length,
    deletedFilesCount: having(DELETED).length,
    addedRowsCount: rows(having(ADDED)),
    existingRowsCount: rows(having(0)),
    deletedRowsCount: rows(having(DELETED)),
    partitions: partitionSummaries(entries, spec, plan.schema),
  };
}

/** Per partition field: whether a file has a null value, and the lowest and highest value. */
function partitionSummaries(entries: readonly EntryToWrite[], spec: PartitionSpec, schema: IcebergSchema): FieldSummary[] {
  return spec.fields.map((field) => {
    const type = sparkTypeOf(partitionResultType(field, schema), field.name);
    let containsNull = false;
    let lo: { v: AvroValue; b: Uint8Array } | null = null;
    let hi: { v: AvroValue; b: Uint8Array } | null = null;
    for (const e of entries) {
      const v = e.file.partition[field.name];
      if (v === null || v === undefined) {
        containsNull = true;
        continue;
      }
      const b = partitionBound(type, v);
      if (b === null) continue;
      if (lo === null || comparePartition(v, lo.v) < 0) lo = { v, b };
      if (hi === null || comparePartition(v, hi.v) > 0) hi = { v, b };
    }
    return { containsNull, containsNan: false, ...(lo === null ? {} : { lowerBound: lo.b }), ...(hi === null ? {} : { upperBound: hi.b }) };
  });
}

/** A partition value (as a manifest holds it) in the single-value binary form. */
function partitionBound(type: DataType, v: AvroValue): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  switch (type.typeName) {
    case "integer":
    case "date":
      return typeof v === "number" ? fixedBytes(4, (d) => d.setInt32(0, v, true)) : null;
    case "long":
    case "timestamp":
    case "timestamp_ntz":
      return typeof v === "number" || typeof v === "bigint" ? fixedBytes(8, (d) => d.setBigInt64(0, BigInt(v), true)) : null;
    case "float":
      return typeof v === "number" ? fixedBytes(4, (d) => d.setFloat32(0, v, true)) : null;
    case "double":
      return typeof v === "number" ? fixedBytes(8, (d) => d.setFloat64(0, v, true)) : null;
    case "boolean":
      return Uint8Array.of(v === true ? 1 : 0);
    case "string":
      return typeof v === "string" ? encodeUtf8(v) : null;
    default:
      return null;
  }
}

function comparePartition(a: AvroValue, b: AvroValue): number {
  if (typeof a === "string" && typeof b === "string") {
    const x = encodeUtf8(a);
    const y = encodeUtf8(b);
    return compareBytes(x, 0, x.length, y, 0, y.length);
  }
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return 0;
}

/**
 * For an overwrite or a replace: the table's live files (`live`) in new manifests (data and delete
 * files apart, one per spec), those of `removed` as DELETED, the others as EXISTING, each with its
 * sequence numbers.
 */
async function rewrittenManifests(
  storage: Storage,
  keyPrefix: string,
  previous: readonly ManifestEntry[],
  removed: ReadonlySet<ManifestEntry>,
  m: TableMetadata,
  plan: IcebergWritePlan,
  snapshotId: Long,
  sequenceNumber: number,
  puts: Promise<void>[],
): Promise<ManifestFile[]> {
  const groups = new Map<string, ManifestEntry[]>();
  for (const e of previous) {
    const k = `${e.specId}/${e.file.content === DATA ? "data" : "deletes"}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [e]);
    else g.push(e);
  }
  const out: ManifestFile[] = [];
  let n = 1;
  for (const [k, entries] of groups) {
    const toWrite: EntryToWrite[] = entries.map((e) => ({
      status: removed.has(e) ? DELETED : 0,
      snapshotId: removed.has(e) ? snapshotId : (e.snapshotId ?? snapshotId),
      sequenceNumber: e.sequenceNumber,
      fileSequenceNumber: e.fileSequenceNumber,
      file: e.file,
    }));
    out.push(await putManifest(storage, `${keyPrefix}-m${n++}.avro`, toWrite, specById(m, entries[0].specId), plan, k.endsWith("/data") ? "data" : "deletes", snapshotId, sequenceNumber, puts));
  }
  return out;
}

function snapshotSummary(
  request: CommitRequest,
  files: readonly DataFileInfo[],
  removed: readonly ManifestEntry[],
  live: readonly ManifestEntry[] | null,
  parent: Snapshot | null,
): Record<string, string> {
  const p = parent?.summary ?? {};
  const total = (k: string): number => Number(p[k] ?? 0) || 0;
  const addedRecords = files.reduce((n, f) => n + f.recordCount, 0);
  const addedSize = files.reduce((n, f) => n + f.fileSizeInBytes, 0);
  const removedData = removed.filter((e) => e.file.content === DATA);
  const removedDeletes = removed.filter((e) => e.file.content !== DATA);
  const partitions = new Set(files.map((f) => stringifyLongJson(Object.entries(f.partition).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v]))));
  const overwrite = live !== null;
  const s: Record<string, string> = {
    operation: request.operation,
    ...(request.streaming === undefined ? {} : { [QUERY_ID_PROPERTY]: request.streaming.queryId, [EPOCH_ID_PROPERTY]: String(request.streaming.batchId) }),
    "added-data-files": String(files.length),
    "added-records": String(addedRecords),
    "added-files-size": String(addedSize),
    "changed-partition-count": String(partitions.size),
  };
  if (overwrite) {
    s["deleted-data-files"] = String(removedData.length);
    s["deleted-records"] = String(removedData.reduce((n, e) => n + e.file.recordCount, 0));
    s["removed-files-size"] = String(removed.reduce((n, e) => n + e.file.fileSizeInBytes, 0));
    if (removedDeletes.length > 0) s["removed-delete-files"] = String(removedDeletes.length);
  }
  if (overwrite) {
    // The totals of what stays live (the whole table was read for the rewrite).
    const kept = (live ?? []).filter((e) => !removed.includes(e));
    const keptData = kept.filter((e) => e.file.content === DATA);
    const keptDeletes = kept.filter((e) => e.file.content !== DATA);
    s["total-records"] = String(keptData.reduce((n, e) => n + e.file.recordCount, 0) + addedRecords);
    s["total-files-size"] = String(kept.reduce((n, e) => n + e.file.fileSizeInBytes, 0) + addedSize);
    s["total-data-files"] = String(keptData.length + files.length);
    s["total-delete-files"] = String(keptDeletes.length);
    s["total-position-deletes"] = String(keptDeletes.filter((e) => e.file.content === 1).reduce((n, e) => n + e.file.recordCount, 0));
    s["total-equality-deletes"] = String(keptDeletes.filter((e) => e.file.content === 2).reduce((n, e) => n + e.file.recordCount, 0));
  } else {
    s["total-records"] = String(total("total-records") + addedRecords);
    s["total-files-size"] = String(total("total-files-size") + addedSize);
    s["total-data-files"] = String(total("total-data-files") + files.length);
    s["total-delete-files"] = String(total("total-delete-files"));
    s["total-position-deletes"] = String(total("total-position-deletes"));
    s["total-equality-deletes"] = String(total("total-equality-deletes"));
  }
  s["engine-name"] = "sluice";
  return s;
}

/** The next metadata document: `m`'s, with `snapshot` added and made current on `main`. */
function nextMetadata(m: TableMetadata, previousFile: string | null, snapshot: Snapshot, now: number): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...m.raw };
  const log = (k: string): unknown[] => (Array.isArray(raw[k]) ? (raw[k] as unknown[]) : []);
  raw["last-sequence-number"] = snapshot["sequence-number"];
  raw["last-updated-ms"] = now;
  raw["current-snapshot-id"] = snapshot["snapshot-id"];
  raw.snapshots = [...m.snapshots, snapshot];
  raw.refs = { ...(typeof raw.refs === "object" && raw.refs !== null ? raw.refs : {}), main: { "snapshot-id": snapshot["snapshot-id"], type: "branch" } };
  raw["snapshot-log"] = [...log("snapshot-log"), { "timestamp-ms": now, "snapshot-id": snapshot["snapshot-id"] }];
  if (previousFile !== null) {
    const keep = Number(m.properties["write.metadata.previous-versions-max"] ?? 100) || 100;
    raw["metadata-log"] = [...log("metadata-log"), { "timestamp-ms": m.lastUpdatedMs, "metadata-file": previousFile }].slice(-keep);
  }
  return raw;
}

/**
 * Upserts `data` into the table by `keyColumns`, copy-on-write: the data files holding a row whose
 * key is in `data` are rewritten without those rows, and `data`'s rows are added, in one
 * `overwrite` snapshot (what a streaming aggregation's update mode needs: each batch holds the
 * changed groups). Keys compare null-safely. Creates the table when there is none. Every live
 * file is read to find the keys (Gold tables are small; pruning by key bounds is not done).
 * @throws CommitConflictError when a concurrent commit removed a file being rewritten.
 */
export async function upsertIcebergByKey(
  storage: Storage,
  tableKey: string,
  data: AsyncIterable<Batch>,
  schema: StructType,
  keyColumns: readonly string[],
  options: IcebergWriteOptions & { readonly streaming?: { readonly queryId: string; readonly batchId: number } },
): Promise<{ result: CommitResult; numRows: number }> {
  const batches: Batch[] = [];
  for await (const b of data) if (b.numRows > 0) batches.push(b);
  const plan = await planIcebergWrite(storage, tableKey, schema, options);
  if (options.streaming !== undefined && plan.base !== null && lastCommittedBatch(plan.base.metadata, options.streaming.queryId) >= options.streaming.batchId) {
    return { result: { version: null, snapshotId: null, attempts: 1, state: null }, numRows: 0 };
  }
  const numRows = batches.reduce((n, b) => n + b.numRows, 0);
  const keyOf = (s: StructType, name: string): number => {
    const i = s.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    if (i < 0) throw new AnalysisError(`iceberg: merge key column '${name}' is not in (${s.fields.map((f) => f.name).join(", ")})`);
    return i;
  };
  const incomingKeys = new Set<string>();
  if (batches.length > 0) {
    const ordinals = keyColumns.map((k) => keyOf(batches[0].schema, k));
    const codec = new KeyCodec(ordinals.map((o) => batches[0].schema.fields[o].dataType), "iceberg merge");
    for (const b of batches) {
      codec.bind(ordinals.map((o) => b.columns[o]));
      for (let i = 0; i < b.numRows; i++) incomingKeys.add(keyText(codec, i));
    }
  }
  // The live files holding an incoming key, and what stays of them.
  const kept: Batch[] = [];
  const remove = new Set<string>();
  if (plan.base !== null && incomingKeys.size > 0) {
    const table = { storage, tableKey, current: plan.base };
    const snapshot = plan.base.metadata.currentSnapshotId === null ? null : (plan.base.metadata.snapshots.find((s) => sameLong(s["snapshot-id"], plan.base?.metadata.currentSnapshotId)) ?? null);
    const ordinals = keyColumns.map((k) => keyOf(plan.sparkSchema, k));
    const codec = new KeyCodec(ordinals.map((o) => plan.sparkSchema.fields[o].dataType), "iceberg merge");
    for (const task of await planScan(table, snapshot)) {
      const rows: Batch[] = [];
      let hit = false;
      for await (const b of readScanTask(table, plan.schema, task)) {
        codec.bind(ordinals.map((o) => b.columns[o]));
        const keep = new Int32Array(b.numRows);
        let n = 0;
        for (let i = 0; i < b.numRows; i++) if (!incomingKeys.has(keyText(codec, i))) keep[n++] = i;
        if (n < b.numRows) hit = true;
        rows.push(n === b.numRows ? b : takeBatch(b, keep.subarray(0, n)));
      }
      if (hit) {
        remove.add(task.data.file.filePath);
        kept.push(...rows.filter((b) => b.numRows > 0));
      }
    }
  }
  async function* all(): AsyncGenerator<Batch> {
    yield* kept;
    yield* batches;
  }
  const files = await writeDataFiles(storage, plan.dataKey, plan.writeSchema, plan.layout, plan.conform(all()));
  const result = await commitIcebergWrite(plan, { files, operation: "overwrite", remove, ...(options.streaming === undefined ? {} : { streaming: options.streaming }) });
  return { result, numRows };
}


/**
 * Creates an empty table (its first metadata version, no snapshot) at `tableKey` unless one is
 * there, as `CREATE TABLE … USING iceberg` does. Columns keep their nullability.
 * @returns whether it created the table.
 */
export async function createIcebergTable(storage: Storage, tableKey: string, schema: StructType, options: IcebergWriteOptions = {}): Promise<boolean> {
  const catalog = options.catalog ?? hadoopCatalog;
  if ((await catalog.load(storage, tableKey)) !== null) return false;
  const metadata = newTableMetadata(fileUrlOf(storage, tableKey), schema, options);
  return (await catalog.commit(storage, tableKey, null, { text: stringifyLongJson(metadata.raw, 2), metadata })) !== null;
}
