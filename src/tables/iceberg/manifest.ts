/**
 * Manifests and manifest lists (Avro), in the spec's v2 schemas with field ids, and their v1
 * forms when read. Entries are normalised: sequence numbers are inherited as the spec says (an
 * ADDED entry with a null sequence number takes its manifest's; v1 entries are 0), and v1's
 * field names (`added_files_count` …) read as v2's.
 */
import { SourceError } from "../../errors.js";
import type { AvroSchema, AvroValue } from "./avro.js";
import { readAvroFile, writeAvroFile } from "./avro.js";
import type { Long } from "./long-json.js";
import { stringifyLongJson } from "./long-json.js";
import type { IcebergSchema, IcebergType, PartitionSpec } from "./metadata.js";
import { decimalRequiredBytes, partitionResultType } from "./transforms.js";

/** Manifest entry status. */
export const EXISTING = 0;
export const ADDED = 1;
export const DELETED = 2;

/** Content of a data file entry. */
export const DATA = 0;
export const POSITION_DELETES = 1;
export const EQUALITY_DELETES = 2;

/** One file of a manifest, normalised. */
export interface ManifestEntry {
  readonly status: number;
  readonly snapshotId: Long | null;
  /** The data sequence number (inherited when the entry had none). */
  readonly sequenceNumber: number;
  readonly fileSequenceNumber: number;
  readonly specId: number;
  readonly file: DataFileInfo;
}

export interface DataFileInfo {
  /** {@link DATA}, {@link POSITION_DELETES} or {@link EQUALITY_DELETES}. */
  readonly content: number;
  readonly filePath: string;
  /** Upper case, as written: `PARQUET`, `AVRO`, `ORC`. */
  readonly fileFormat: string;
  /** Partition values by partition field name, as Avro decoded them (date: days, timestamp: µs …). */
  readonly partition: Readonly<Record<string, AvroValue>>;
  readonly recordCount: number;
  readonly fileSizeInBytes: number;
  readonly columnSizes?: ReadonlyMap<number, number>;
  readonly valueCounts?: ReadonlyMap<number, number>;
  readonly nullValueCounts?: ReadonlyMap<number, number>;
  readonly nanValueCounts?: ReadonlyMap<number, number>;
  readonly lowerBounds?: ReadonlyMap<number, Uint8Array>;
  readonly upperBounds?: ReadonlyMap<number, Uint8Array>;
  readonly splitOffsets?: readonly number[];
  readonly equalityIds?: readonly number[];
  readonly sortOrderId?: number;
}

/** One manifest of a manifest list, normalised. */
export interface ManifestFile {
  readonly manifestPath: string;
  readonly manifestLength: number;
  readonly partitionSpecId: number;
  /** 0 = data, 1 = deletes. */
  readonly content: number;
  readonly sequenceNumber: number;
  readonly minSequenceNumber: number;
  readonly addedSnapshotId: Long;
  readonly addedFilesCount: number;
  readonly existingFilesCount: number;
  readonly deletedFilesCount: number;
  readonly addedRowsCount: number;
  readonly existingRowsCount: number;
  readonly deletedRowsCount: number;
  readonly partitions?: readonly FieldSummary[];
}

export interface FieldSummary {
  readonly containsNull: boolean;
  readonly containsNan?: boolean;
  readonly lowerBound?: Uint8Array;
  readonly upperBound?: Uint8Array;
}

type AvroRecord = { readonly [key: string]: AvroValue };

function num(v: AvroValue | undefined, what: string, where: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  throw new SourceError(`iceberg: ${where}: '${what}' is missing or not a number`, { path: where });
}

function optNum(v: AvroValue | undefined): number | undefined {
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined;
}

function long(v: AvroValue | undefined): Long | null {
  return typeof v === "number" || typeof v === "bigint" ? v : null;
}

function str(v: AvroValue | undefined, what: string, where: string): string {
  if (typeof v === "string") return v;
  throw new SourceError(`iceberg: ${where}: '${what}' is missing or not a string`, { path: where });
}

function record(v: AvroValue | undefined): AvroRecord | null {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array) ? v : null;
}

/** Iceberg's int-keyed maps are Avro arrays of `{key, value}` records. */
function intMap<T>(v: AvroValue | undefined, value: (x: AvroValue) => T | undefined): Map<number, T> | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = new Map<number, T>();
  for (const e of v) {
    const r = record(e);
    if (r === null || typeof r.key !== "number") continue;
    const x = value(r.value);
    if (x !== undefined) out.set(r.key, x);
  }
  return out;
}

function bytes(v: AvroValue | undefined): Uint8Array | undefined {
  return v instanceof Uint8Array ? v : undefined;
}

/**
 * Reads a manifest list. `bytes` is the file; `where` names it in errors.
 * @throws SourceError when it is not a manifest list.
 */
export async function readManifestList(data: Uint8Array, where: string): Promise<ManifestFile[]> {
  const file = await readAvroFile(data, where);
  return file.records.map((r) => {
    const partitions = Array.isArray(r.partitions)
      ? r.partitions.map((p): FieldSummary => {
          const s = record(p) ?? {};
          return {
            containsNull: s.contains_null === true,
            ...(typeof s.contains_nan === "boolean" ? { containsNan: s.contains_nan } : {}),
            ...(bytes(s.lower_bound) === undefined ? {} : { lowerBound: bytes(s.lower_bound) }),
            ...(bytes(s.upper_bound) === undefined ? {} : { upperBound: bytes(s.upper_bound) }),
          };
        })
      : undefined;
    return {
      manifestPath: str(r.manifest_path, "manifest_path", where),
      manifestLength: num(r.manifest_length, "manifest_length", where),
      partitionSpecId: num(r.partition_spec_id, "partition_spec_id", where),
      content: optNum(r.content) ?? 0,
      sequenceNumber: optNum(r.sequence_number) ?? 0,
      minSequenceNumber: optNum(r.min_sequence_number) ?? 0,
      addedSnapshotId: long(r.added_snapshot_id) ?? 0,
      addedFilesCount: optNum(r.added_data_files_count ?? r.added_files_count) ?? 0,
      existingFilesCount: optNum(r.existing_data_files_count ?? r.existing_files_count) ?? 0,
      deletedFilesCount: optNum(r.deleted_data_files_count ?? r.deleted_files_count) ?? 0,
      addedRowsCount: optNum(r.added_rows_count) ?? 0,
      existingRowsCount: optNum(r.existing_rows_count) ?? 0,
      deletedRowsCount: optNum(r.deleted_rows_count) ?? 0,
      ...(partitions === undefined ? {} : { partitions }),
    };
  });
}

/**
 * Reads the entries of a manifest, inheriting sequence numbers from `manifest` (its list entry).
 * @throws SourceError when it is not a manifest.
 */
export async function readManifest(data: Uint8Array, manifest: ManifestFile, where: string): Promise<ManifestEntry[]> {
  const file = await readAvroFile(data, where);
  const specId = Number(file.metadata["partition-spec-id"] ?? manifest.partitionSpecId);
  return file.records.map((r) => {
    const status = num(r.status, "status", where);
    const f = record(r.data_file);
    if (f === null) throw new SourceError(`iceberg: ${where}: an entry has no 'data_file'`, { path: where });
    // Inheritance (spec "Sequence Number Inheritance"): only ADDED entries may leave it null.
    const seq = optNum(r.sequence_number) ?? (status === ADDED ? manifest.sequenceNumber : 0);
    const fileSeq = optNum(r.file_sequence_number) ?? (status === ADDED ? manifest.sequenceNumber : seq);
    const partition = record(f.partition) ?? {};
    const info: DataFileInfo = {
      content: optNum(f.content) ?? 0,
      filePath: str(f.file_path, "file_path", where),
      fileFormat: str(f.file_format, "file_format", where).toUpperCase(),
      partition,
      recordCount: num(f.record_count, "record_count", where),
      fileSizeInBytes: num(f.file_size_in_bytes, "file_size_in_bytes", where),
      columnSizes: intMap(f.column_sizes, optNum),
      valueCounts: intMap(f.value_counts, optNum),
      nullValueCounts: intMap(f.null_value_counts, optNum),
      nanValueCounts: intMap(f.nan_value_counts, optNum),
      lowerBounds: intMap(f.lower_bounds, bytes),
      upperBounds: intMap(f.upper_bounds, bytes),
      ...(Array.isArray(f.split_offsets) ? { splitOffsets: f.split_offsets.map((x) => optNum(x) ?? 0) } : {}),
      ...(Array.isArray(f.equality_ids) ? { equalityIds: f.equality_ids.map((x) => optNum(x) ?? 0) } : {}),
      ...(optNum(f.sort_order_id) === undefined ? {} : { sortOrderId: optNum(f.sort_order_id) }),
    };
    return { status, snapshotId: long(r.snapshot_id) ?? manifest.addedSnapshotId, sequenceNumber: seq, fileSequenceNumber: fileSeq, specId, file: info };
  });
}

// ---------------------------------------------------------------------------------------------
// Writing (v2)

function optional(type: AvroSchema): AvroSchema {
  return ["null", type];
}

function intMapSchema(keyId: number, valueId: number, value: AvroSchema): AvroSchema {
  return {
    type: "array",
    logicalType: "map",
    items: {
      type: "record",
      name: `k${keyId}_v${valueId}`,
      fields: [
        { name: "key", type: "int", "field-id": keyId },
        { name: "value", type: value, "field-id": valueId },
      ],
    },
  };
}

/** The Avro schema of an Iceberg primitive, as Iceberg's `AvroSchemaUtil` writes partition values. */
function avroPrimitive(t: IcebergType): AvroSchema {
  if (typeof t !== "string") throw new SourceError(`iceberg: a partition value cannot be a ${t.type}`);
  const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  if (decimal !== null) {
    const precision = Number(decimal[1]);
    return { type: "fixed", name: `decimal_${precision}_${decimal[2]}`, size: decimalRequiredBytes(precision), logicalType: "decimal", precision, scale: Number(decimal[2]) };
  }
  const fixed = /^fixed\[(\d+)\]$/.exec(t);
  if (fixed !== null) return { type: "fixed", name: `fixed_${fixed[1]}`, size: Number(fixed[1]) };
  switch (t) {
    case "date":
      return { type: "int", logicalType: "date" };
    case "timestamp":
      return { type: "long", logicalType: "timestamp-micros", "adjust-to-utc": false };
    case "timestamptz":
      return { type: "long", logicalType: "timestamp-micros", "adjust-to-utc": true };
    case "uuid":
      return { type: "fixed", name: "uuid_fixed", size: 16, logicalType: "uuid" };
    case "binary":
      return "bytes";
    default:
      return t;
  }
}

/** The `r102` partition record of `spec` over `schema`. */
function partitionSchema(spec: PartitionSpec, schema: IcebergSchema): AvroSchema {
  return {
    type: "record",
    name: "r102",
    fields: spec.fields.map((f) => ({
      name: f.name,
      type: optional(avroPrimitive(partitionResultType(f, schema))),
      default: null,
      "field-id": f["field-id"],
    })),
  };
}

/** The v2 `manifest_entry` schema for `spec`. */
export function manifestEntrySchema(spec: PartitionSpec, schema: IcebergSchema): AvroSchema {
  const field = (name: string, id: number, type: AvroSchema, doc?: string, opt = false) => ({
    name,
    type: opt ? optional(type) : type,
    ...(opt ? { default: null } : {}),
    ...(doc === undefined ? {} : { doc }),
    "field-id": id,
  });
  return {
    type: "record",
    name: "manifest_entry",
    fields: [
      field("status", 0, "int"),
      field("snapshot_id", 1, "long", undefined, true),
      field("sequence_number", 3, "long", undefined, true),
      field("file_sequence_number", 4, "long", undefined, true),
      field("data_file", 2, {
        type: "record",
        name: "r2",
        fields: [
          field("content", 134, "int", "Contents of the file: 0=data, 1=position deletes, 2=equality deletes"),
          field("file_path", 100, "string", "Location URI with FS scheme"),
          field("file_format", 101, "string", "File format name: avro, orc, or parquet"),
          field("partition", 102, partitionSchema(spec, schema), "Partition data tuple, schema based on the partition spec"),
          field("record_count", 103, "long", "Number of records in the file"),
          field("file_size_in_bytes", 104, "long", "Total file size in bytes"),
          field("column_sizes", 108, intMapSchema(117, 118, "long"), "Map of column id to total size on disk", true),
          field("value_counts", 109, intMapSchema(119, 120, "long"), "Map of column id to total count, including null and NaN", true),
          field("null_value_counts", 110, intMapSchema(121, 122, "long"), "Map of column id to null value count", true),
          field("nan_value_counts", 137, intMapSchema(138, 139, "long"), "Map of column id to number of NaN values in the column", true),
          field("lower_bounds", 125, intMapSchema(126, 127, "bytes"), "Map of column id to lower bound", true),
          field("upper_bounds", 128, intMapSchema(129, 130, "bytes"), "Map of column id to upper bound", true),
          field("key_metadata", 131, "bytes", "Encryption key metadata blob", true),
          field("split_offsets", 132, { type: "array", items: "long", "element-id": 133 }, "Splittable offsets", true),
          field("equality_ids", 135, { type: "array", items: "int", "element-id": 136 }, "Equality comparison field IDs", true),
          field("sort_order_id", 140, "int", "Sort order ID", true),
        ],
      }),
    ],
  };
}

/** The v2 `manifest_file` schema of manifest lists. */
export const MANIFEST_FILE_SCHEMA: AvroSchema = {
  type: "record",
  name: "manifest_file",
  fields: [
    { name: "manifest_path", type: "string", doc: "Location URI with FS scheme", "field-id": 500 },
    { name: "manifest_length", type: "long", doc: "Total file size in bytes", "field-id": 501 },
    { name: "partition_spec_id", type: "int", doc: "Spec ID used to write", "field-id": 502 },
    { name: "content", type: "int", doc: "Contents of the manifest: 0=data, 1=deletes", "field-id": 517 },
    { name: "sequence_number", type: "long", doc: "Sequence number when the manifest was added", "field-id": 515 },
    { name: "min_sequence_number", type: "long", doc: "Lowest sequence number in the manifest", "field-id": 516 },
    { name: "added_snapshot_id", type: "long", doc: "Snapshot ID that added the manifest", "field-id": 503 },
    { name: "added_data_files_count", type: "int", doc: "Added entry count", "field-id": 504 },
    { name: "existing_data_files_count", type: "int", doc: "Existing entry count", "field-id": 505 },
    { name: "deleted_data_files_count", type: "int", doc: "Deleted entry count", "field-id": 506 },
    { name: "added_rows_count", type: "long", doc: "Added rows count", "field-id": 512 },
    { name: "existing_rows_count", type: "long", doc: "Existing rows count", "field-id": 513 },
    { name: "deleted_rows_count", type: "long", doc: "Deleted rows count", "field-id": 514 },
    {
      name: "partitions",
      type: [
        "null",
        {
          type: "array",
          "element-id": 508,
          items: {
            type: "record",
            name: "r508",
            fields: [
              { name: "contains_null", type: "boolean", doc: "True if any file has a null partition value", "field-id": 509 },
              { name: "contains_nan", type: ["null", "boolean"], default: null, doc: "True if any file has a nan partition value", "field-id": 518 },
              { name: "lower_bound", type: ["null", "bytes"], default: null, doc: "Partition lower bound for all files", "field-id": 510 },
              { name: "upper_bound", type: ["null", "bytes"], default: null, doc: "Partition upper bound for all files", "field-id": 511 },
            ],
          },
        },
      ],
      default: null,
      doc: "Summary for each partition",
      "field-id": 507,
    },
  ],
};

/** An entry to write: explicit sequence numbers only where the spec requires them (EXISTING, DELETED). */
export interface EntryToWrite {
  readonly status: number;
  readonly snapshotId: Long;
  /** null: inherited from the manifest (ADDED entries of this commit). */
  readonly sequenceNumber: number | null;
  readonly fileSequenceNumber: number | null;
  readonly file: DataFileInfo;
}

function mapRecords<T>(m: ReadonlyMap<number, T> | undefined, f: (v: T) => unknown): unknown {
  if (m === undefined) return null;
  return [...m].sort((a, b) => a[0] - b[0]).map(([key, value]) => ({ key, value: f(value) }));
}

/**
 * Encodes a v2 manifest of `entries` (all of `spec`), with the header metadata the spec requires
 * (`schema`, `schema-id`, `partition-spec`, `partition-spec-id`, `format-version`, `content`).
 */
export async function writeManifest(entries: readonly EntryToWrite[], spec: PartitionSpec, schema: IcebergSchema, content: "data" | "deletes"): Promise<Uint8Array> {
  const records = entries.map((e) => ({
    status: e.status,
    snapshot_id: e.snapshotId,
    sequence_number: e.sequenceNumber,
    file_sequence_number: e.fileSequenceNumber,
    data_file: {
      content: e.file.content,
      file_path: e.file.filePath,
      file_format: e.file.fileFormat,
      partition: Object.fromEntries(spec.fields.map((f) => [f.name, e.file.partition[f.name] ?? null])),
      record_count: e.file.recordCount,
      file_size_in_bytes: e.file.fileSizeInBytes,
      column_sizes: mapRecords(e.file.columnSizes, (v) => v),
      value_counts: mapRecords(e.file.valueCounts, (v) => v),
      null_value_counts: mapRecords(e.file.nullValueCounts, (v) => v),
      nan_value_counts: mapRecords(e.file.nanValueCounts, (v) => v),
      lower_bounds: mapRecords(e.file.lowerBounds, (v) => Buffer.from(v)),
      upper_bounds: mapRecords(e.file.upperBounds, (v) => Buffer.from(v)),
      key_metadata: null,
      split_offsets: e.file.splitOffsets ?? null,
      equality_ids: e.file.equalityIds ?? null,
      sort_order_id: e.file.sortOrderId ?? null,
    },
  }));
  return writeAvroFile(manifestEntrySchema(spec, schema), records, {
    metadata: {
      schema: stringifyLongJson(schema),
      "schema-id": String(schema["schema-id"]),
      "partition-spec": stringifyLongJson(spec.fields),
      "partition-spec-id": String(spec["spec-id"]),
      "format-version": "2",
      content,
    },
  });
}

/** Encodes a v2 manifest list. */
export async function writeManifestList(manifests: readonly ManifestFile[], snapshotId: Long, parentId: Long | null, sequenceNumber: number): Promise<Uint8Array> {
  const records = manifests.map((m) => ({
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    content: m.content,
    sequence_number: m.sequenceNumber,
    min_sequence_number: m.minSequenceNumber,
    added_snapshot_id: m.addedSnapshotId,
    added_data_files_count: m.addedFilesCount,
    existing_data_files_count: m.existingFilesCount,
    deleted_data_files_count: m.deletedFilesCount,
    added_rows_count: m.addedRowsCount,
    existing_rows_count: m.existingRowsCount,
    deleted_rows_count: m.deletedRowsCount,
    partitions:
      m.partitions?.map((p) => ({
        contains_null: p.containsNull,
        contains_nan: p.containsNan ?? null,
        lower_bound: p.lowerBound === undefined ? null : Buffer.from(p.lowerBound),
        upper_bound: p.upperBound === undefined ? null : Buffer.from(p.upperBound),
      })) ?? null,
  }));
  return writeAvroFile(MANIFEST_FILE_SCHEMA, records, {
    metadata: {
      "snapshot-id": String(snapshotId),
      "parent-snapshot-id": parentId === null ? "null" : String(parentId),
      "sequence-number": String(sequenceNumber),
      "format-version": "2",
    },
  });
}
