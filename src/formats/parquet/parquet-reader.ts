/**
 * Reading Parquet files into batches (one per row group), with Spark's type mapping (see
 * read-schema.ts). Pages are decoded by hyparquet; this module asks it for raw physical values
 * (logical annotations removed) and builds sluice vectors, so decimals stay exact, timestamps keep
 * microseconds and strings never become JavaScript strings.
 *
 * Codecs: uncompressed, snappy, gzip, zstd, brotli. LZ4 is not supported.
 */
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import type { AsyncBuffer, Compressors, FileMetaData, SchemaElement } from "hyparquet";
import { SourceError, suggestion } from "../../errors.js";
import type { Batch } from "../../columnar/batch.js";
import { makeBatch } from "../../columnar/batch.js";
import { BytesBuilder } from "../../columnar/build.js";
import { compactMask } from "../../columnar/vector.js";
import type { Vector } from "../../columnar/vector.js";
import { StructType } from "../../types/data-types.js";
import type { DecimalType } from "../../types/data-types.js";
import { loadCodec, zstdDecompress } from "../compression/codec.js";
import { readColumns } from "./read-schema.js";
import type { LeafDecode, ReadColumn, ReadNode } from "./read-schema.js";
import type { Storage } from "../../storage/storage.js";
import { toDisplayUrl } from "../../storage/url.js";

export type { FileMetaData } from "hyparquet";

/** Random access to a file's bytes (e.g. ranged GETs), so only the footer and needed columns are read. */
export interface ParquetSource {
  readonly byteLength: number;
  /** Bytes `[start, end)`. */
  read(start: number, end: number): Promise<Uint8Array>;
}

/** Options of {@link readParquet}. */
export interface ParquetReadOptions {
  /** Top-level columns to read, in this order; all when absent. Unknown names are a `SourceError`. */
  readonly columns?: readonly string[];
  /** Used in error messages. */
  readonly path?: string;
}

/** A file read whole: the Spark schema of the selected columns and one batch per row group. */
export interface ParquetReadResult {
  readonly schema: StructType;
  readonly batches: Batch[];
}

/** A {@link ParquetSource} over an object in a Storage, read with ranged gets. */
export async function parquetSourceFromStorage(storage: Storage, path: string): Promise<ParquetSource> {
  const info = await storage.head(path);
  if (info === null) throw new SourceError(`parquet reader: no file at ${toDisplayUrl(storage, path)}`, { path: toDisplayUrl(storage, path) });
  return { byteLength: info.size, read: (start, end) => storage.get(path, { start, end }) };
}

/** The footer metadata (hyparquet's `FileMetaData`: schema, row groups, statistics, key-value metadata). */
export async function readParquetMetadata(source: Uint8Array | ParquetSource, options: { path?: string } = {}): Promise<FileMetaData> {
  const file = asyncBuffer(source);
  try {
    return await parquetMetadataAsync(file);
  } catch (cause) {
    throw new SourceError(`parquet reader: cannot read the footer of ${options.path ?? "the file"}: ${message(cause)}`, { cause, path: options.path });
  }
}

/** The Spark schema of a Parquet file, mapped as Spark does. */
export async function readParquetSchema(source: Uint8Array | ParquetSource, options: { path?: string } = {}): Promise<StructType> {
  const md = await readParquetMetadata(source, options);
  return makeSchema(readColumns(parquetSchema(md)));
}

/** Reads a whole file: one batch per row group. */
export async function readParquet(source: Uint8Array | ParquetSource, options: ParquetReadOptions = {}): Promise<ParquetReadResult> {
  const batches: Batch[] = [];
  let schema: StructType | null = null;
  for await (const b of readParquetBatches(source, options)) {
    batches.push(b);
    schema = b.schema;
  }
  if (schema === null) {
    const md = await readParquetMetadata(source, options);
    schema = makeSchema(selectColumns(readColumns(parquetSchema(md)), options));
  }
  return { schema, batches };
}

/** Reads a file row group by row group, yielding one batch each (empty row groups are skipped). */
export async function* readParquetBatches(source: Uint8Array | ParquetSource, options: ParquetReadOptions = {}): AsyncGenerator<Batch> {
  const file = asyncBuffer(source);
  const md = await readParquetMetadata(source, options);
  const columns = selectColumns(readColumns(parquetSchema(md)), options);
  const schema = makeSchema(columns);
  if (md.row_groups.some((rg) => rg.columns.some((c) => c.meta_data?.codec === "ZSTD"))) await loadCodec("zstd");
  const raw: FileMetaData = { ...md, schema: md.schema.map(stripAnnotations) };
  let groupStart = 0;
  for (const rg of md.row_groups) {
    const rows = Number(rg.num_rows);
    const start = groupStart;
    groupStart += rows;
    if (rows === 0) continue;
    const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
    try {
      await parquetRead({
        file,
        metadata: raw,
        columns: columns.map((c) => c.field.name),
        rowStart: start,
        rowEnd: start + rows,
        utf8: false,
        compressors: COMPRESSORS,
        parsers: { timestampFromNanoseconds: int96Micros },
        onChunk: (c) => {
          let list = chunks.get(c.columnName);
          if (list === undefined) chunks.set(c.columnName, (list = []));
          list.push({ rowStart: c.rowStart, data: c.columnData as ArrayLike<unknown> });
        },
      });
    } catch (cause) {
      throw new SourceError(`parquet reader: cannot decode ${options.path ?? "the file"}: ${message(cause)}`, { cause, path: options.path });
    }
    const vectors = columns.map((c) => {
      const values = gather(chunks.get(c.field.name) ?? [], start, rows);
      return buildVector(c.node, values, `${c.field.name}`);
    });
    yield makeBatch(schema, vectors, rows);
  }
}

function makeSchema(columns: readonly ReadColumn[]): StructType {
  return StructType(columns.map((c) => c.field));
}

function selectColumns(all: ReadColumn[], options: ParquetReadOptions): ReadColumn[] {
  if (options.columns === undefined) return all;
  const byName = new Map(all.map((c) => [c.field.name, c]));
  return options.columns.map((name) => {
    const c = byName.get(name);
    if (c === undefined) {
      throw new SourceError(`parquet reader: no column '${name}' in ${options.path ?? "the file"}${suggestion(name, byName.keys())}`, { path: options.path });
    }
    return c;
  });
}

/** Removes logical annotations so hyparquet returns physical values and plain nested objects. */
function stripAnnotations(e: SchemaElement): SchemaElement {
  if (e.converted_type === undefined && e.logical_type === undefined) return e;
  const { converted_type: _c, logical_type: _l, ...rest } = e;
  return rest;
}

const COMPRESSORS: Compressors = {
  GZIP: (input) => toU8(gunzipSync(input)),
  ZSTD: (input, outputLength) => zstdDecompress(input, outputLength),
  BROTLI: (input) => toU8(brotliDecompressSync(input)),
};

function toU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** INT96 nanoseconds since the epoch → microseconds (floor). */
function int96Micros(nanos: bigint): bigint {
  const q = nanos / 1000n;
  return nanos % 1000n < 0n ? q - 1n : q;
}

function asyncBuffer(source: Uint8Array | ParquetSource): AsyncBuffer {
  if (source instanceof Uint8Array) {
    const bytes = source;
    return {
      byteLength: bytes.byteLength,
      slice: (start, end) => {
        const e = end ?? bytes.byteLength;
        return bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + e) as ArrayBuffer;
      },
    };
  }
  return {
    byteLength: source.byteLength,
    slice: async (start, end) => {
      const b = await source.read(start, end ?? source.byteLength);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Rows `[start, start + rows)` of a column from hyparquet's chunks (which may overlap the range). */
function gather(chunks: { rowStart: number; data: ArrayLike<unknown> }[], start: number, rows: number): unknown[] {
  const out = new Array<unknown>(rows).fill(null);
  for (const c of chunks) {
    const from = Math.max(start, c.rowStart);
    const to = Math.min(start + rows, c.rowStart + c.data.length);
    for (let r = from; r < to; r++) out[r - start] = c.data[r - c.rowStart];
  }
  return out;
}

function isNull(v: unknown): boolean {
  return v === null || v === undefined;
}

/** Builds a vector of `node`'s type from hyparquet's values (null/undefined are null). */
function buildVector(node: ReadNode, values: ArrayLike<unknown>, column: string): Vector {
  const n = values.length;
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) valid[i] = isNull(values[i]) ? 0 : 1;
  const mask = compactMask(valid, n);
  switch (node.kind) {
    case "leaf":
      return buildLeaf(node.type, node.decode, values, valid, mask, column);
    case "struct": {
      const children = node.fields.map((f) =>
        buildVector(f.node, pluck(values, valid, f.name), `${column}.${f.name}`),
      );
      return { kind: "struct", type: node.type, length: n, valid: mask, children };
    }
    case "list": {
      if (node.type.typeName !== "array") break;
      const offsets = new Int32Array(n + 1);
      const flat: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (valid[i] === 1) {
          const items = node.bare ? values[i] : field(values[i], node.repeated);
          if (Array.isArray(items)) {
            for (const it of items) flat.push(node.elementField === null ? it : field(it, node.elementField));
          }
        }
        offsets[i + 1] = flat.length;
      }
      return { kind: "list", type: node.type, length: n, valid: mask, offsets, child: buildVector(node.element, flat, `${column}.element`) };
    }
    case "map": {
      if (node.type.typeName !== "map") break;
      const offsets = new Int32Array(n + 1);
      const keys: unknown[] = [];
      const items: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (valid[i] === 1) {
          const entries = field(values[i], node.repeated);
          if (Array.isArray(entries)) {
            for (const kv of entries) {
              keys.push(field(kv, node.keyField));
              items.push(field(kv, node.valueField));
            }
          }
        }
        offsets[i + 1] = keys.length;
      }
      return {
        kind: "map",
        type: node.type,
        length: n,
        valid: mask,
        offsets,
        keys: buildVector(node.key, keys, `${column}.key`),
        items: buildVector(node.value, items, `${column}.value`),
      };
    }
  }
  throw new SourceError(`parquet reader: column '${column}' has an inconsistent nested type`);
}

function field(v: unknown, name: string): unknown {
  return v !== null && typeof v === "object" ? (v as Record<string, unknown>)[name] : undefined;
}

function pluck(values: ArrayLike<unknown>, valid: Uint8Array, name: string): unknown[] {
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = valid[i] === 1 ? field(values[i], name) : null;
  return out;
}

function buildLeaf(
  type: Vector["type"],
  decode: LeafDecode,
  values: ArrayLike<unknown>,
  valid: Uint8Array,
  mask: Uint8Array | null,
  column: string,
): Vector {
  const n = values.length;
  const bad = (i: number): SourceError =>
    new SourceError(`parquet reader: column '${column}' row ${i} holds ${typeof values[i]}, expected a ${decode} value`);
  switch (decode) {
    case "bytes": {
      const b = new BytesBuilder(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (valid[i] === 0) b.appendNull();
        else if (v instanceof Uint8Array) b.appendBytes(v, 0, v.length);
        else if (typeof v === "string") b.appendString(v);
        else throw bad(i);
      }
      return b.finish(type);
    }
    case "i32": {
      const kind = type.typeName === "short" ? "i16" : type.typeName === "byte" ? "i8" : "i32";
      const out = kind === "i16" ? new Int16Array(n) : kind === "i8" ? new Int8Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) if (valid[i] === 1) out[i] = Number(values[i]);
      if (out instanceof Int16Array) return { kind: "i16", type, length: n, valid: mask, values: out };
      if (out instanceof Int8Array) return { kind: "i8", type, length: n, valid: mask, values: out };
      return { kind: "i32", type, length: n, valid: mask, values: out };
    }
    case "u32toLong":
    case "i64":
    case "tsMillis":
    case "tsMicros":
    case "tsNanos":
    case "int96": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        if (valid[i] === 0) continue;
        const v = values[i];
        if (decode === "u32toLong") out[i] = BigInt(Number(v) >>> 0);
        else {
          if (typeof v !== "bigint") throw bad(i);
          out[i] = decode === "tsMillis" ? v * 1000n : decode === "tsNanos" ? floorDiv(v, 1000n) : v;
        }
      }
      return { kind: "i64", type, length: n, valid: mask, values: out };
    }
    case "f32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) if (valid[i] === 1) out[i] = Number(values[i]);
      return { kind: "f32", type, length: n, valid: mask, values: out };
    }
    case "f64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) if (valid[i] === 1) out[i] = Number(values[i]);
      return { kind: "f64", type, length: n, valid: mask, values: out };
    }
    case "bool": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (valid[i] === 1) out[i] = values[i] === true || values[i] === 1 ? 1 : 0;
      return { kind: "bool", type, length: n, valid: mask, values: out };
    }
    case "decimalInt":
    case "decimalBytes":
    case "u64toDecimal": {
      const out = new Array<bigint>(n).fill(0n);
      for (let i = 0; i < n; i++) {
        if (valid[i] === 0) continue;
        const v = values[i];
        if (v instanceof Uint8Array) out[i] = fromBigEndian(v);
        else if (typeof v === "bigint") out[i] = decode === "u64toDecimal" ? BigInt.asUintN(64, v) : v;
        else if (typeof v === "number") out[i] = BigInt(v);
        else throw bad(i);
      }
      return { kind: "decimal", type: type as DecimalType, length: n, valid: mask, values: out };
    }
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/** Big-endian two's complement bytes → bigint. */
function fromBigEndian(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let x = 0n;
  for (let i = 0; i < b.length; i++) x = (x << 8n) | BigInt(b[i]);
  return b[0] & 0x80 ? x - (1n << BigInt(8 * b.length)) : x;
}
