import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  ArrayType,
  BinaryType,
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  TimestampNTZType,
} from "../../../../src/types/data-types.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import {
  readParquet,
  readParquetBatches,
  readParquetMetadata,
  readParquetSchema,
} from "../../../../src/formats/parquet/parquet-reader.js";
import type { ParquetSource } from "../../../../src/formats/parquet/parquet-reader.js";
import { ByteSink } from "../../../../src/formats/parquet/byte-sink.js";
import { ThriftWriter } from "../../../../src/formats/parquet/thrift-compact.js";
import { encodeRleHybrid } from "../../../../src/formats/parquet/rle.js";
import { encodeFooter } from "../../../../src/formats/parquet/footer.js";
import type { SchemaNode, LeafColumn } from "../../../../src/formats/parquet/write-schema.js";
import { ConvertedType, PhysicalType, Repetition } from "../../../../src/formats/parquet/constants.js";
import { SourceError } from "../../../../src/errors.js";
import { run, tempPath } from "./duckdb.js";

async function duckdbFile(select: string, options = "COMPRESSION zstd"): Promise<Uint8Array> {
  const path = tempPath("duck");
  await run(`COPY (${select}) TO '${path}' (FORMAT parquet, ${options})`);
  return new Uint8Array(readFileSync(path));
}

test("reads every primitive type DuckDB writes, with Spark's type mapping (zstd)", async () => {
  const bytes = await duckdbFile(`
    SELECT * FROM (VALUES
      (1::TINYINT, 2::SMALLINT, 3::INTEGER, 4::BIGINT, 1.5::FLOAT, 2.25::DOUBLE, true, 'héllo', '\\xAA\\x00'::BLOB,
       DATE '2024-02-29', TIMESTAMPTZ '2024-01-01 12:34:56.789012+00', '2024-01-01 00:00:01.5'::TIMESTAMP_MS,
       12.3::DECIMAL(4,1), -123456789012.34::DECIMAL(15,2), 1234567890123456789012345.12345::DECIMAL(30,5),
       200::UTINYINT, 60000::USMALLINT, 4000000000::UINTEGER, 18446744073709551615::UBIGINT),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
    ) t(ti, si, i, bi, f, d, bo, s, bl, dt, ts, tms, d1, d2, d3, u8, u16, u32, u64)`);
  const schema = await readParquetSchema(bytes);
  assert.deepEqual(
    schema,
    StructType([
      StructField("ti", ByteType()),
      StructField("si", ShortType()),
      StructField("i", IntegerType()),
      StructField("bi", LongType()),
      StructField("f", FloatType()),
      StructField("d", DoubleType()),
      StructField("bo", BooleanType()),
      StructField("s", StringType()),
      StructField("bl", BinaryType()),
      StructField("dt", DateType()),
      StructField("ts", TimestampType()),
      // A TIMESTAMP not adjusted to UTC is TIMESTAMP_NTZ (Spark's parquet.inferTimestampNTZ).
      StructField("tms", TimestampNTZType()),
      StructField("d1", DecimalType(4, 1)),
      StructField("d2", DecimalType(15, 2)),
      StructField("d3", DecimalType(30, 5)),
      StructField("u8", ShortType()),
      StructField("u16", IntegerType()),
      StructField("u32", LongType()),
      StructField("u64", DecimalType(20, 0)),
    ]),
  );
  const { batches } = await readParquet(bytes);
  const rows = batches.flatMap(batchToRows);
  assert.deepEqual(rows[0], {
    ti: 1,
    si: 2,
    i: 3,
    bi: 4n,
    f: 1.5,
    d: 2.25,
    bo: true,
    s: "héllo",
    bl: new Uint8Array([0xaa, 0]),
    dt: new Date("2024-02-29T00:00:00Z"),
    ts: new Date("2024-01-01T12:34:56.789Z"),
    tms: new Date("2024-01-01T00:00:01.500Z"),
    d1: "12.3",
    d2: "-123456789012.34",
    d3: "1234567890123456789012345.12345",
    u8: 200,
    u16: 60000,
    u32: 4000000000n,
    u64: "18446744073709551615",
  });
  assert.ok(Object.values(rows[1]).every((v) => v === null));
  // Microseconds survive (the Date view above drops them).
  const ts = batches[0].columns[10];
  assert.equal(ts.kind === "i64" ? ts.values[0] : null, 1_704_112_496_789_012n);
});

test("reads DuckDB's nested lists, structs and maps, several row groups, and a column subset", async () => {
  const bytes = await duckdbFile(
    `SELECT i, [i, NULL, i * 2] AS l, {'a': i, 'b': 'x' || i} AS st, MAP {'k' || i: i::BIGINT} AS m,
            CASE WHEN i % 3 = 0 THEN NULL ELSE [{'p': [1.5, NULL]}] END AS nested
     FROM range(0, 2500) t(i)`,
    "COMPRESSION snappy, ROW_GROUP_SIZE 1000",
  );
  const md = await readParquetMetadata(bytes);
  assert.ok(md.row_groups.length >= 2, "several row groups");
  const { schema, batches } = await readParquet(bytes);
  assert.equal(batches.length, md.row_groups.length);
  assert.deepEqual(schema.fields.map((f) => [f.name, f.dataType.typeName]), [
    ["i", "long"],
    ["l", "array"],
    ["st", "struct"],
    ["m", "map"],
    ["nested", "array"],
  ]);
  const rows = batches.flatMap(batchToRows);
  assert.equal(rows.length, 2500);
  assert.deepEqual(rows[1234], {
    i: 1234n,
    l: [1234n, null, 2468n],
    st: { a: 1234n, b: "x1234" },
    m: new Map([["k1234", 1234n]]),
    nested: [{ p: ["1.5", null] }],
  });
  assert.equal(rows[1233].nested, null);
  const subset = await readParquet(bytes, { columns: ["st", "i"] });
  assert.deepEqual(subset.schema.fields.map((f) => f.name), ["st", "i"]);
  assert.deepEqual(batchToRows(subset.batches[0])[2], { st: { a: 2n, b: "x2" }, i: 2n });
  await assert.rejects(readParquet(bytes, { columns: ["stt"], path: "f.parquet" }), (e: unknown) => {
    return e instanceof SourceError && /no column 'stt' in f\.parquet; did you mean 'st'\?/.test(e.message);
  });
});

test("reads through a range source, fetching only parts of the file", async () => {
  const bytes = await duckdbFile("SELECT i, 'v' || i AS s FROM range(0, 50000) t(i)");
  const reads: [number, number][] = [];
  const source: ParquetSource = {
    byteLength: bytes.length,
    read: async (start, end) => {
      reads.push([start, end]);
      return bytes.subarray(start, end);
    },
  };
  let rows = 0;
  for await (const b of readParquetBatches(source, { columns: ["s"] })) rows += b.numRows;
  assert.equal(rows, 50000);
  const fetched = reads.reduce((s, [a, b]) => s + (b - a), 0);
  assert.ok(fetched < bytes.length * 2, `fetched ${fetched} of ${bytes.length}`);
});

// ---- hand-built files for layouts other writers produce (Spark/Hive INT96, legacy 2-level lists) ----

interface RawColumn {
  readonly leaf: LeafColumn;
  readonly numValues: number;
  readonly body: Uint8Array;
}

function leaf(path: string[], physical: LeafColumn["physical"]): LeafColumn {
  return { path, dotted: path.join("."), type: LongType(), physical, typeLength: 0, maxDef: 0, maxRep: 0, topField: 0, topNullable: true, steps: [] };
}

function levels(values: number[], width: number): Uint8Array {
  const s = new ByteSink();
  s.int32(0);
  encodeRleHybrid(s, Uint8Array.from(values), 0, values.length, width);
  s.patchInt32(0, s.length - 4);
  return s.copy();
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One row group, one uncompressed PLAIN data page per column. */
function rawParquet(nodes: SchemaNode[], numRows: number, columns: RawColumn[]): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([0x50, 0x41, 0x52, 0x31])];
  let offset = 4;
  const chunks = columns.map((c) => {
    const h = new ThriftWriter();
    h.i32(1, 0);
    h.i32(2, c.body.length);
    h.i32(3, c.body.length);
    h.beginStruct(5);
    h.i32(1, c.numValues);
    h.i32(2, 0);
    h.i32(3, 3);
    h.i32(4, 3);
    h.endStruct();
    h.endStruct();
    const header = h.out.copy();
    const start = offset;
    parts.push(header, c.body);
    offset += header.length + c.body.length;
    return {
      leaf: c.leaf,
      fileOffset: start,
      dataPageOffset: start,
      dictionaryPageOffset: null,
      encodings: [0, 3],
      codecId: 0,
      numValues: c.numValues,
      uncompressedSize: offset - start,
      compressedSize: offset - start,
      min: null,
      max: null,
      nullCount: 0,
    };
  });
  const footer = encodeFooter({
    nodes,
    rowGroups: [{ columns: chunks, numRows, fileOffset: 4, totalByteSize: offset - 4, totalCompressedSize: offset - 4 }],
    numRows,
    keyValueMetadata: {},
    createdBy: "test version 1 (build t)",
    numLeaves: columns.length,
  });
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setInt32(0, footer.length, true);
  tail.set([0x50, 0x41, 0x52, 0x31], 4);
  return concatBytes([...parts, footer, tail]);
}

test("reads INT96 timestamps (Spark's default) as microseconds", async () => {
  const int96 = (iso: string, extraNanos: bigint): Uint8Array => {
    const ms = Date.parse(iso);
    const day = Math.floor(ms / 86_400_000);
    const nanosOfDay = BigInt(ms - day * 86_400_000) * 1_000_000n + extraNanos;
    const b = new Uint8Array(12);
    const v = new DataView(b.buffer);
    v.setBigInt64(0, nanosOfDay, true);
    v.setInt32(8, day + 2_440_588, true);
    return b;
  };
  const body = concatBytes([levels([1, 0, 1], 1), int96("2024-03-01T10:20:30.123Z", 456_789n), int96("1969-12-31T23:59:59.999Z", 0n)]);
  const bytes = rawParquet(
    [
      { name: "schema", repetition: null, physical: null, numChildren: 1 },
      { name: "ts", repetition: Repetition.OPTIONAL, physical: PhysicalType.INT96 },
    ],
    3,
    [{ leaf: leaf(["ts"], PhysicalType.INT96), numValues: 3, body }],
  );
  const { schema, batches } = await readParquet(bytes);
  assert.deepEqual(schema, StructType([StructField("ts", TimestampType())]));
  const v = batches[0].columns[0];
  assert.equal(v.kind, "i64");
  if (v.kind !== "i64") return;
  assert.deepEqual([...v.values], [1_709_288_430_123_456n, 0n, -1_000n]);
  assert.deepEqual(v.valid, Uint8Array.from([1, 0, 1]));
});

test("reads legacy 2-level lists (repeated primitive and repeated group) as Spark does", async () => {
  // optional group nums (LIST) { repeated int32 array; }
  // optional group pts (LIST) { repeated group array { required int32 x; optional binary y (UTF8); } }
  // rows: [1, 2] / null / [] / [3]
  const reps = levels([0, 1, 0, 0, 0], 1);
  const defs = levels([2, 2, 0, 1, 2], 2);
  const int32s = (xs: number[]) => {
    const s = new ByteSink();
    for (const x of xs) s.int32(x);
    return s.copy();
  };
  const strings = (xs: string[]) => {
    const s = new ByteSink();
    for (const x of xs) {
      const b = new TextEncoder().encode(x);
      s.int32(b.length);
      s.append(b);
    }
    return s.copy();
  };
  const bytes = rawParquet(
    [
      { name: "schema", repetition: null, physical: null, numChildren: 2 },
      { name: "nums", repetition: Repetition.OPTIONAL, physical: null, numChildren: 1, converted: ConvertedType.LIST },
      { name: "array", repetition: Repetition.REPEATED, physical: PhysicalType.INT32 },
      { name: "pts", repetition: Repetition.OPTIONAL, physical: null, numChildren: 1, converted: ConvertedType.LIST },
      { name: "array", repetition: Repetition.REPEATED, physical: null, numChildren: 2 },
      { name: "x", repetition: Repetition.REQUIRED, physical: PhysicalType.INT32 },
      { name: "y", repetition: Repetition.OPTIONAL, physical: PhysicalType.BYTE_ARRAY, converted: ConvertedType.UTF8 },
    ],
    4,
    [
      { leaf: leaf(["nums", "array"], PhysicalType.INT32), numValues: 5, body: concatBytes([reps, defs, int32s([1, 2, 3])]) },
      { leaf: leaf(["pts", "array", "x"], PhysicalType.INT32), numValues: 5, body: concatBytes([reps, defs, int32s([10, 20, 30])]) },
      {
        leaf: leaf(["pts", "array", "y"], PhysicalType.BYTE_ARRAY),
        numValues: 5,
        body: concatBytes([reps, levels([3, 2, 0, 1, 3], 2), strings(["a", "c"])]),
      },
    ],
  );
  const { schema, batches } = await readParquet(bytes);
  assert.deepEqual(
    schema,
    StructType([
      StructField("nums", ArrayType(IntegerType(), false)),
      StructField("pts", ArrayType(StructType([StructField("x", IntegerType(), false), StructField("y", StringType())]), false)),
    ]),
  );
  assert.deepEqual(batchToRows(batches[0]), [
    { nums: [1, 2], pts: [{ x: 10, y: "a" }, { x: 20, y: null }] },
    { nums: null, pts: null },
    { nums: [], pts: [] },
    { nums: [3], pts: [{ x: 30, y: "c" }] },
  ]);
});

test("maps legacy MAP_KEY_VALUE maps and rejects TIME columns with the column name", async () => {
  const bytes = await duckdbFile(`SELECT TIME '10:00:00' AS t`);
  await assert.rejects(readParquetSchema(bytes), (e: unknown) => e instanceof SourceError && /column 't' has type TIME/.test(e.message));
  const mapSchema = await readParquetSchema(
    rawParquet(
      [
        { name: "schema", repetition: null, physical: null, numChildren: 1 },
        { name: "m", repetition: Repetition.OPTIONAL, physical: null, numChildren: 1, converted: ConvertedType.MAP },
        { name: "map", repetition: Repetition.REPEATED, physical: null, numChildren: 2, converted: ConvertedType.MAP_KEY_VALUE },
        { name: "key", repetition: Repetition.REQUIRED, physical: PhysicalType.BYTE_ARRAY, converted: ConvertedType.UTF8 },
        { name: "value", repetition: Repetition.REQUIRED, physical: PhysicalType.INT64 },
      ],
      0,
      [],
    ),
  );
  assert.deepEqual(mapSchema, StructType([StructField("m", MapType(StringType(), LongType(), false))]));
});
