/**
 * Encodes Parquet's FileMetaData (the footer) in the Thrift compact protocol.
 */
import { ThriftWriter, CT } from "./thrift-compact.js";
import type { LeafColumn, LogicalAnnotation, SchemaNode } from "./write-schema.js";

/** What the footer records about one written column chunk. */
export interface ChunkMeta {
  readonly leaf: LeafColumn;
  /** Absolute offset of the chunk's first page. */
  readonly fileOffset: number;
  readonly dataPageOffset: number;
  readonly dictionaryPageOffset: number | null;
  readonly encodings: readonly number[];
  readonly codecId: number;
  readonly numValues: number;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  readonly min: Uint8Array | null;
  readonly max: Uint8Array | null;
  readonly nullCount: number;
}

/** What the footer records about one row group. */
export interface RowGroupMeta {
  readonly columns: readonly ChunkMeta[];
  readonly numRows: number;
  readonly fileOffset: number;
  readonly totalByteSize: number;
  readonly totalCompressedSize: number;
}

/** The file-level fields of the footer. */
export interface FileMeta {
  readonly nodes: readonly SchemaNode[];
  readonly rowGroups: readonly RowGroupMeta[];
  readonly numRows: number;
  readonly keyValueMetadata: Readonly<Record<string, string>>;
  readonly createdBy: string;
  readonly numLeaves: number;
}

/** Thrift-encodes FileMetaData. */
export function encodeFooter(meta: FileMeta): Uint8Array {
  const w = new ThriftWriter();
  w.i32(1, 1);
  w.beginList(2, CT.STRUCT, meta.nodes.length);
  for (const n of meta.nodes) writeSchemaElement(w, n);
  w.i64(3, meta.numRows);
  w.beginList(4, CT.STRUCT, meta.rowGroups.length);
  meta.rowGroups.forEach((rg, ordinal) => writeRowGroup(w, rg, ordinal));
  const kv = Object.entries(meta.keyValueMetadata);
  if (kv.length > 0) {
    w.beginList(5, CT.STRUCT, kv.length);
    for (const [k, v] of kv) {
      w.beginListStruct();
      w.string(1, k);
      w.string(2, v);
      w.endStruct();
    }
  }
  w.string(6, meta.createdBy);
  // column_orders: TYPE_ORDER for every leaf, so readers trust min_value/max_value.
  w.beginList(7, CT.STRUCT, meta.numLeaves);
  for (let i = 0; i < meta.numLeaves; i++) {
    w.beginListStruct();
    w.beginStruct(1);
    w.endStruct();
    w.endStruct();
  }
  w.endStruct();
  return w.out.copy();
}

function writeSchemaElement(w: ThriftWriter, n: SchemaNode): void {
  w.beginListStruct();
  if (n.physical !== null) w.i32(1, n.physical);
  if (n.typeLength !== undefined) w.i32(2, n.typeLength);
  if (n.repetition !== null) w.i32(3, n.repetition);
  w.string(4, n.name);
  if (n.numChildren !== undefined) w.i32(5, n.numChildren);
  if (n.converted !== undefined) w.i32(6, n.converted);
  if (n.scale !== undefined) w.i32(7, n.scale);
  if (n.precision !== undefined) w.i32(8, n.precision);
  if (n.fieldId !== undefined) w.i32(9, n.fieldId);
  if (n.logical !== undefined) writeLogical(w, n.logical);
  w.endStruct();
}

function writeLogical(w: ThriftWriter, l: LogicalAnnotation): void {
  w.beginStruct(10);
  switch (l.kind) {
    case "STRING":
      emptyStruct(w, 1);
      break;
    case "MAP":
      emptyStruct(w, 2);
      break;
    case "LIST":
      emptyStruct(w, 3);
      break;
    case "DECIMAL":
      w.beginStruct(5);
      w.i32(1, l.scale);
      w.i32(2, l.precision);
      w.endStruct();
      break;
    case "DATE":
      emptyStruct(w, 6);
      break;
    case "TIMESTAMP_MICROS_UTC":
    case "TIMESTAMP_MICROS_LOCAL":
      w.beginStruct(8);
      w.bool(1, l.kind === "TIMESTAMP_MICROS_UTC");
      w.beginStruct(2);
      emptyStruct(w, 2); // TimeUnit.MICROS
      w.endStruct();
      w.endStruct();
      break;
    case "INTEGER":
      w.beginStruct(10);
      w.i8(1, l.bitWidth);
      w.bool(2, l.signed);
      w.endStruct();
      break;
  }
  w.endStruct();
}

function emptyStruct(w: ThriftWriter, id: number): void {
  w.beginStruct(id);
  w.endStruct();
}

function writeRowGroup(w: ThriftWriter, rg: RowGroupMeta, ordinal: number): void {
  w.beginListStruct();
  w.beginList(1, CT.STRUCT, rg.columns.length);
  for (const c of rg.columns) writeColumnChunk(w, c);
  w.i64(2, rg.totalByteSize);
  w.i64(3, rg.numRows);
  w.i64(5, rg.fileOffset);
  w.i64(6, rg.totalCompressedSize);
  w.i16(7, ordinal);
  w.endStruct();
}

function writeColumnChunk(w: ThriftWriter, c: ChunkMeta): void {
  w.beginListStruct();
  w.i64(2, c.fileOffset);
  w.beginStruct(3);
  w.i32(1, c.leaf.physical);
  w.beginList(2, CT.I32, c.encodings.length);
  for (const e of c.encodings) w.listI32(e);
  w.beginList(3, CT.BINARY, c.leaf.path.length);
  for (const p of c.leaf.path) w.listString(p);
  w.i32(4, c.codecId);
  w.i64(5, c.numValues);
  w.i64(6, c.uncompressedSize);
  w.i64(7, c.compressedSize);
  w.i64(9, c.dataPageOffset);
  if (c.dictionaryPageOffset !== null) w.i64(11, c.dictionaryPageOffset);
  w.beginStruct(12);
  w.i64(3, c.nullCount);
  if (c.max !== null) w.binary(5, c.max);
  if (c.min !== null) w.binary(6, c.min);
  w.endStruct();
  w.endStruct();
  w.endStruct();
}
