/**
 * What a write does to a Delta table's metadata, decided before any data file is written: the table
 * schema the files are written with, the partition columns, and the `protocol`/`metaData` actions
 * the commit must carry (a new table, an evolved schema with `mergeSchema`, or a replaced schema
 * with `overwriteSchema`). Shared by appends ({@link appendToTable}) and overwrites
 * ({@link overwriteTable}).
 */
import type { Batch } from "../../columnar/batch.js";
import { AnalysisError } from "../../errors.js";
import { ArrayType, MapType, StructField, StructType, type DataType } from "../../types/data-types.js";
import { schemaToJson } from "../../types/json-schema.js";
import type { DeltaAction } from "./actions.js";
import { newTableActions } from "./create-table.js";
import { conformBatch, evolveSchema } from "./schema-evolution.js";
import type { SchemaContract } from "./schema-evolution.js";
import { takeBatch } from "../../columnar/ops.js";
import type { DeltaSnapshot } from "./snapshot.js";
import { DEFAULT_TARGET_FILE_SIZE, tableTargetFileSize } from "./table-properties.js";
import { checkWritable } from "./writer-protocol.js";

/** The table-shaping options of a write. */
export interface WritePlanOptions {
  /** The schema of the data written. */
  readonly schema: StructType;
  /**
   * Keep the schema's NOT NULL columns in a new (or replaced) table's schema (SQL's CREATE TABLE).
   * Otherwise every column becomes nullable, as Delta does for tables a DataFrame write creates
   * (`schema.asNullable`), so later writes may leave columns out.
   */
  readonly keepNullability?: boolean;
  /** Partition columns: those of a new table; for an existing one they must match (unless `overwriteSchema`). */
  readonly partitionBy?: readonly string[];
  /** Add the data's new columns (and nested fields) to the table schema (Delta's `mergeSchema`). */
  readonly mergeSchema?: boolean;
  /** What to do with new columns without `mergeSchema` (see `SchemaContract`); `freeze` when absent. */
  readonly schemaContract?: SchemaContract;
  /**
   * Replace the table's schema and partitioning with the data's (Delta's `overwriteSchema`); only
   * overwrites may set it. Without `partitionBy` the table keeps its partition columns when the new
   * schema still has them all, else it becomes unpartitioned.
   */
  readonly overwriteSchema?: boolean;
  /** True for an overwrite: the write removes every live file (refused on `delta.appendOnly` tables). */
  readonly replacesData?: boolean;
  /** The properties of a new table (see `newTableProperties`); ignored when the table exists, as in Delta. */
  readonly tableProperties?: Readonly<Record<string, string>>;
}

/** The decided shape of a write. */
export interface WritePlan {
  /** The snapshot the write is based on, or null for a new table. */
  readonly snapshot: DeltaSnapshot | null;
  /** The table schema after the commit; data files are written with it (see {@link conformBatch}). */
  readonly schema: StructType;
  /** The table's partition columns after the commit. */
  readonly partitionBy: readonly string[];
  /** Actions to commit before the file actions: protocol + metaData (new table), metaData (changed), or none. */
  readonly metadataActions: readonly DeltaAction[];
  /** The table configuration after the commit. */
  readonly configuration: Readonly<Record<string, string>>;
  /** Columns of the data a discard contract leaves out, and whether rows with values in them are dropped; null when none. */
  readonly discard: Discard | null;
}

/** What a discard contract leaves out of a write (see {@link conformed}). */
export interface Discard {
  /** The data's columns the table lacks (dotted paths; nested ones are always dropped as values). */
  readonly columns: readonly string[];
  /** `discard_row`: drop each row with a value in a new top-level column. */
  readonly rows: boolean;
}

/**
 * Decides the shape of writing data of `options.schema` over `snapshot` (null: a new table).
 * @throws AnalysisError when sluice cannot write the table (see `checkWritable`), the data does not
 *   fit the table (see `evolveSchema`), or `partitionBy` differs from the table's without
 *   `overwriteSchema`, or a partition column is invalid.
 */
export function planWrite(snapshot: DeltaSnapshot | null, options: WritePlanOptions, tablePath: string): WritePlan {
  if (snapshot !== null) {
    checkWritable(snapshot.protocol, snapshot.metadata, tablePath, { dataChange: true, removesData: options.replacesData === true && snapshot.files.length > 0 });
  }
  const tableSchema = options.keepNullability === true ? options.schema : asNullable(options.schema);
  if (snapshot === null) {
    const partitionBy = options.partitionBy ?? [];
    const configuration = options.tableProperties ?? {};
    return { snapshot, schema: tableSchema, partitionBy, metadataActions: newTableActions(tableSchema, partitionBy, tablePath, configuration), configuration, discard: null };
  }
  const meta = snapshot.metadata;
  const base = { snapshot, configuration: meta.configuration, discard: null };
  if (options.overwriteSchema === true) {
    const keep = meta.partitionColumns.every((c) => options.schema.fields.some((f) => f.name === c));
    const partitionBy = options.partitionBy ?? (keep ? meta.partitionColumns : []);
    // Validates the partition columns against the new schema; only the metaData's shape is reused.
    newTableActions(tableSchema, partitionBy, tablePath);
    const schemaString = schemaToJson(tableSchema);
    const changed = schemaString !== meta.schemaString || !sameColumns(partitionBy, meta.partitionColumns);
    return {
      ...base,
      schema: tableSchema,
      partitionBy,
      metadataActions: changed ? [metadataAction(snapshot, schemaString, partitionBy)] : [],
    };
  }
  const pb = options.partitionBy;
  if (pb !== undefined && !sameColumns(pb, meta.partitionColumns)) {
    throw new AnalysisError(
      `delta writer: partitionBy (${pb.join(", ")}) differs from the table's partition columns (${meta.partitionColumns.join(", ")}) at ${tablePath}` +
        `; overwrite with .option("overwriteSchema", "true") to change the partitioning`,
      { path: tablePath },
    );
  }
  const evolved = evolveSchema(meta.schema, options.schema, {
    mergeSchema: options.mergeSchema === true,
    tablePath,
    ...(options.schemaContract === undefined ? {} : { contract: options.schemaContract }),
  });
  return {
    ...base,
    discard: evolved.discarded.length === 0 ? null : { columns: evolved.discarded, rows: options.schemaContract === "discard_row" },
    schema: evolved.schema,
    partitionBy: meta.partitionColumns,
    metadataActions: evolved.changed ? [metadataAction(snapshot, schemaToJson(evolved.schema), meta.partitionColumns)] : [],
  };
}

/** `t` with every field, element and map value nullable (Spark's `asNullable`). */
export function asNullable(t: StructType): StructType {
  return StructType(t.fields.map((f) => StructField(f.name, nullableType(f.dataType), true, f.metadata)));
}

function nullableType(t: DataType): DataType {
  switch (t.typeName) {
    case "struct":
      return asNullable(t);
    case "array":
      return ArrayType(nullableType(t.elementType), true);
    case "map":
      return MapType(nullableType(t.keyType), nullableType(t.valueType), true);
    default:
      return t;
  }
}

/** True when two plans write files of the same layout (same schema JSON and partition columns). */
export function sameFileLayout(a: WritePlan, b: WritePlan): boolean {
  return schemaToJson(a.schema) === schemaToJson(b.schema) && sameColumns(a.partitionBy, b.partitionBy);
}

/** Rows written, and what a discard contract left out. */
export interface ConformCount {
  rows: number;
  discardedRows?: number;
  discardedValues?: number;
}

/**
 * `batches` conformed to the plan's schema (columns by name, missing ones as nulls), counting rows
 * into `count.rows`. With `discard`, rows with a value in a new top-level column are dropped
 * (`discard_row`, counted in `count.discardedRows`) or those values left out (`discard_value`,
 * counted in `count.discardedValues`).
 */
export async function* conformed(
  batches: Iterable<Batch> | AsyncIterable<Batch>,
  schema: StructType,
  count: ConformCount,
  discard: Discard | null = null,
): AsyncGenerator<Batch> {
  const topLevel = discard === null ? [] : discard.columns.filter((c) => !c.includes("."));
  for await (const input of batches) {
    let b = input;
    if (discard !== null && topLevel.length > 0) {
      const ordinals = topLevel.map((c) => b.schema.fields.findIndex((f) => f.name === c)).filter((i) => i >= 0);
      const hasValue = new Uint8Array(b.numRows);
      let rowsWithValues = 0;
      let values = 0;
      for (const o of ordinals) {
        const v = b.columns[o];
        for (let i = 0; i < b.numRows; i++) {
          if (v.kind === "null" || (v.valid !== null && v.valid[i] === 0)) continue;
          values++;
          if (hasValue[i] === 0) rowsWithValues++;
          hasValue[i] = 1;
        }
      }
      if (discard.rows && rowsWithValues > 0) {
        const keep = new Int32Array(b.numRows - rowsWithValues);
        let k = 0;
        for (let i = 0; i < b.numRows; i++) if (hasValue[i] === 0) keep[k++] = i;
        b = takeBatch(b, keep);
        count.discardedRows = (count.discardedRows ?? 0) + rowsWithValues;
      } else if (!discard.rows) {
        count.discardedValues = (count.discardedValues ?? 0) + values;
      }
    }
    count.rows += b.numRows;
    if (b.numRows > 0) yield conformBatch(b, schema);
  }
}

/** The target data file size of a write: the option, else the table's `delta.targetFileSize`, else 128 MiB. */
export function targetFileSizeOf(option: number | undefined, configuration: Readonly<Record<string, string>>): number {
  return option ?? tableTargetFileSize(configuration) ?? DEFAULT_TARGET_FILE_SIZE;
}

/** True when `snapshot` holds a txn for `txn.appId` at or past `txn.version` (the write already happened). */
export function txnCovered(snapshot: DeltaSnapshot | null, txn: { readonly appId: string; readonly version: number } | undefined): boolean {
  if (snapshot === null || txn === undefined) return false;
  const t = snapshot.txns.get(txn.appId);
  return t !== undefined && t.version >= txn.version;
}

function metadataAction(snapshot: DeltaSnapshot, schemaString: string, partitionColumns: readonly string[]): DeltaAction {
  const m = snapshot.metadata;
  return {
    kind: "metaData",
    metadata: { id: m.id, schemaString, partitionColumns: [...partitionColumns], configuration: m.configuration, createdTime: m.createdTime },
  };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}
