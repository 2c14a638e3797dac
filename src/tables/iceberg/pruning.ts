/**
 * Iceberg file pruning: keeping the data files of a scan that may hold a row matching a filter,
 * from each file's column metrics (lower/upper bounds and null counts by field id).
 *
 * The metrics are put in the form Delta's statistics take and judged by Delta's data skipping
 * (`delta/data-skipping.ts`), so both formats prune by one set of rules: AND conjuncts, ranges,
 * nulls, order-preserving casts; nothing that is not understood ever drops a file. What is
 * carried over, per column with an id in the file's metrics:
 * - `nullCount` from `null_value_counts`, `numRecords` from `record_count`;
 * - bounds of ints, longs (exact), dates, floats and doubles (Delta's rules distrust float and
 *   double maxima), decimals, booleans, strings (Iceberg truncates to 16 characters: a truncated
 *   lower bound is a prefix, an upper one was rounded up, so both still bound the column) and
 *   zoned timestamps (written to the millisecond, min floored and max rounded up). Binary and
 *   zone-less timestamps are not used.
 * Partition values are not consulted: an Iceberg data file also holds its partition source
 * columns, whose bounds cover them.
 */
import { formatDate } from "../../columnar/datetime-text.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { formatDecimal } from "../../columnar/values.js";
import type { BoundExpr } from "../../plan/expressions/bound.js";
import type { DataType, StructType } from "../../types/data-types.js";
import { pruneFiles } from "../delta/data-skipping.js";
import type { DeltaFile, DeltaMetadata } from "../delta/snapshot.js";
import type { ManifestEntry, ManifestFile } from "./manifest.js";
import type { IcebergSchema, IcebergType, TableMetadata } from "./metadata.js";
import { unscaledFromBytes } from "./transforms.js";
import { sparkSchemaOf, sparkTypeOf } from "./types.js";

/** A column with metrics: its id, its path of names, its Spark type. */
interface MetricColumn {
  readonly id: number;
  readonly path: readonly string[];
  readonly type: DataType;
}

/** The primitive columns of the schema, nested struct fields included (not inside lists or maps). */
function metricColumns(schema: IcebergSchema): MetricColumn[] {
  const out: MetricColumn[] = [];
  const walk = (fields: readonly { id: number; name: string; type: IcebergType }[], path: readonly string[]): void => {
    for (const f of fields) {
      const here = [...path, f.name];
      if (typeof f.type === "string") out.push({ id: f.id, path: here, type: sparkTypeOf(f.type, here.join(".")) });
      else if (f.type.type === "struct") walk(f.type.fields, here);
    }
  };
  walk(schema.fields, []);
  return out;
}

/** The bound as a Delta stats JSON value, or undefined when it is not used. */
function boundJson(type: DataType, b: Uint8Array, upper: boolean): unknown {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (type.typeName) {
    case "integer":
      return b.length === 4 ? view.getInt32(0, true) : undefined;
    case "long":
      // Delta's parser reads long stats exactly; a bigint is written as its digits below.
      return b.length === 8 ? view.getBigInt64(0, true) : undefined;
    case "date":
      return b.length === 4 ? formatDate(view.getInt32(0, true)) : undefined;
    case "float":
      return b.length === 4 ? view.getFloat32(0, true) : undefined;
    case "double":
      return b.length === 8 ? view.getFloat64(0, true) : undefined;
    case "boolean":
      return b.length === 1 ? b[0] !== 0 : undefined;
    case "string":
      return decodeUtf8(b, 0, b.length);
    case "decimal":
      return b.length === 0 || b.length > 16 ? undefined : formatDecimal(unscaledFromBytes(b), type.scale);
    case "timestamp": {
      if (b.length !== 8) return undefined;
      const us = view.getBigInt64(0, true);
      let ms = us / 1000n;
      if (us % 1000n !== 0n && (us < 0n) !== upper) ms += upper ? 1n : -1n;
      return new Date(Number(ms)).toISOString();
    }
    default:
      return undefined;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let o = target;
  for (const p of path.slice(0, -1)) {
    const next = o[p];
    if (typeof next === "object" && next !== null) o = next as Record<string, unknown>;
    else {
      const fresh: Record<string, unknown> = {};
      o[p] = fresh;
      o = fresh;
    }
  }
  o[path[path.length - 1]] = value;
}

/** The file's metrics as Delta's stats JSON text. */
function statsOf(e: ManifestEntry, columns: readonly MetricColumn[]): string {
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, unknown> = {};
  const f = e.file;
  for (const c of columns) {
    const nulls = f.nullValueCounts?.get(c.id);
    if (nulls !== undefined) setPath(nullCount, c.path, nulls);
    const lo = f.lowerBounds?.get(c.id);
    const hi = f.upperBounds?.get(c.id);
    const min = lo === undefined ? undefined : boundJson(c.type, lo, false);
    const max = hi === undefined ? undefined : boundJson(c.type, hi, true);
    if (min !== undefined) setPath(minValues, c.path, min);
    if (max !== undefined) setPath(maxValues, c.path, max);
  }
  return JSON.stringify({ numRecords: f.recordCount, minValues, maxValues, nullCount }, (_k, v: unknown) => (typeof v === "bigint" ? `\u0000${v.toString()}` : v)).replace(
    /"\\u0000(-?\d+)"/g,
    "$1",
  );
}

/**
 * The entries of `entries` (data files read with `schema`) that may hold a row for which `filter`
 * is true, in their order. `filter` is bound against `schema`'s Spark form.
 */
export function pruneEntries(entries: readonly ManifestEntry[], schema: IcebergSchema, filter: BoundExpr): ManifestEntry[] {
  const spark: StructType = sparkSchemaOf(schema);
  const columns = metricColumns(schema);
  const files: DeltaFile[] = entries.map((e, i) => ({
    path: String(i),
    rawPath: String(i),
    partitionValues: {},
    size: e.file.fileSizeInBytes,
    modificationTime: 0,
    dataChange: true,
    stats: statsOf(e, columns),
  }));
  const metadata: DeltaMetadata = { id: "", schema: spark, schemaString: "", partitionColumns: [], configuration: {} };
  return pruneFiles(files, metadata, filter).map((f) => entries[Number(f.path)]);
}

/**
 * A test of data manifests against `filter` from their partition summaries: for each identity
 * partition field, the summary's bounds and null flag stand for the source column's range over
 * the manifest's files, judged as {@link pruneEntries} judges one file. Other transforms, and
 * manifests of other specs or without summaries, are kept.
 */
export function manifestFilter(m: TableMetadata, schema: IcebergSchema, filter: BoundExpr): (mf: ManifestFile) => boolean {
  return (mf) => {
    if (mf.partitions === undefined) return true;
    const spec = m.specs.find((x) => x["spec-id"] === mf.partitionSpecId);
    if (spec === undefined || spec.fields.length !== mf.partitions.length) return true;
    const lower = new Map<number, Uint8Array>();
    const upper = new Map<number, Uint8Array>();
    const nulls = new Map<number, number>();
    const rows = mf.addedRowsCount + mf.existingRowsCount;
    spec.fields.forEach((f, i) => {
      if (f.transform !== "identity") return;
      const sum = mf.partitions?.[i];
      if (sum === undefined) return;
      if (sum.lowerBound !== undefined) lower.set(f["source-id"], sum.lowerBound);
      if (sum.upperBound !== undefined) upper.set(f["source-id"], sum.upperBound);
      // No null in any file: a null count of 0. Nulls and no bounds: every value is null (any
      // other value would have bounded it), when the manifest's row count is known.
      if (!sum.containsNull) nulls.set(f["source-id"], 0);
      else if (sum.lowerBound === undefined && sum.upperBound === undefined && sum.containsNan !== true && rows > 0) nulls.set(f["source-id"], rows);
    });
    if (lower.size === 0 && upper.size === 0 && nulls.size === 0) return true;
    const entry: ManifestEntry = {
      status: 0,
      snapshotId: mf.addedSnapshotId,
      sequenceNumber: mf.sequenceNumber,
      fileSequenceNumber: mf.sequenceNumber,
      specId: mf.partitionSpecId,
      file: { content: 0, filePath: mf.manifestPath, fileFormat: "PARQUET", partition: {}, recordCount: Math.max(rows, 1), fileSizeInBytes: mf.manifestLength, lowerBounds: lower, upperBounds: upper, nullValueCounts: nulls },
    };
    return pruneEntries([entry], schema, filter).length > 0;
  };
}
