import { test } from "node:test";
import assert from "node:assert/strict";
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
  NullType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
} from "../../../../src/types/data-types.js";
import { batchFromRows, vectorFromValues } from "../../../../src/columnar/build.js";
import { makeBatch } from "../../../../src/columnar/batch.js";
import type { Vector } from "../../../../src/columnar/vector.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { DictionaryHints, ParquetWriter, writeParquet } from "../../../../src/formats/parquet/parquet-writer.js";
import { readParquet, readParquetMetadata } from "../../../../src/formats/parquet/parquet-reader.js";
import { toSchema } from "../../../../src/sql/ddl.js";
import { ConfigError, SinkError } from "../../../../src/errors.js";
import { query, tempFile } from "./duckdb.js";

const CODECS = ["snappy", "zstd", "gzip", "uncompressed"] as const;

const primitives = StructType([
  StructField("s", StringType()),
  StructField("l", LongType()),
  StructField("i", IntegerType()),
  StructField("sh", ShortType()),
  StructField("b", ByteType()),
  StructField("f", FloatType()),
  StructField("d", DoubleType()),
  StructField("bo", BooleanType()),
  StructField("bin", BinaryType()),
  StructField("ts", TimestampType()),
  StructField("dt", DateType()),
  StructField("dec9", DecimalType(9, 2)),
  StructField("dec18", DecimalType(18, 4)),
  StructField("dec38", DecimalType(38, 10)),
  StructField("req", LongType(), false),
]);

function primitiveRows(n: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < n; k++) {
    rows.push({
      s: k % 3 === 0 ? null : `str-${k % 7}-é`,
      l: k % 4 === 0 ? null : BigInt(k) * 1_000_000_000_000n - 5n,
      i: k % 5 === 1 ? null : k * 1000 - 7,
      sh: k % 6 === 2 ? null : (k % 300) - 150,
      b: k % 7 === 3 ? null : (k % 200) - 100,
      f: k % 8 === 4 ? null : k / 4,
      d: k % 9 === 5 ? null : k * 1.5 - 3,
      bo: k % 10 === 6 ? null : k % 2 === 0,
      bin: k % 11 === 7 ? null : new Uint8Array([k & 0xff, 255, 0]),
      ts: k % 12 === 8 ? null : BigInt(Date.UTC(2024, 0, 1)) * 1000n + BigInt(k) * 1_000_001n,
      dt: k % 13 === 9 ? null : 19000 + k,
      dec9: k % 14 === 10 ? null : `${k}.25`,
      dec18: k % 15 === 11 ? null : `-${k}.1234`,
      dec38: k % 16 === 12 ? null : `${k + 1}2345678901234567890.0000000001`,
      req: BigInt(k),
    });
  }
  return rows;
}

test("every primitive type with nulls round-trips through DuckDB and our reader, in every codec", async () => {
  const rows = primitiveRows(50);
  const batch = batchFromRows(primitives, rows);
  const expected = batchToRows(batch);
  for (const compression of CODECS) {
    const bytes = await writeParquet(primitives, [batch], { compression });
    const path = tempFile(bytes, compression);
    const meta = await query(`SELECT DISTINCT compression FROM parquet_metadata('${path}')`);
    assert.deepEqual(meta, [{ compression: compression.toUpperCase() }], compression);
    const duck = await query(
      `SELECT s, l::VARCHAR AS l, i, sh, b, f, d, bo, hex(bin) AS bin, epoch_us(ts)::VARCHAR AS ts, dt::VARCHAR AS dt,
              dec9::VARCHAR AS dec9, dec18::VARCHAR AS dec18, dec38::VARCHAR AS dec38, req::VARCHAR AS req
       FROM read_parquet('${path}')`,
    );
    assert.equal(duck.length, rows.length);
    duck.forEach((r, k) => {
      const e = rows[k];
      const msg = `${compression} row ${k}`;
      assert.equal(r.s, e.s, msg);
      assert.equal(r.l, e.l === null ? null : String(e.l), msg);
      assert.equal(r.i, e.i, msg);
      assert.equal(r.sh, e.sh, msg);
      assert.equal(r.b, e.b, msg);
      assert.equal(r.f, e.f, msg);
      assert.equal(r.d, e.d, msg);
      assert.equal(r.bo, e.bo, msg);
      assert.equal(r.bin, e.bin === null ? null : Buffer.from(e.bin as Uint8Array).toString("hex").toUpperCase(), msg);
      assert.equal(r.ts, e.ts === null ? null : String(e.ts), msg);
      assert.equal(r.dt, e.dt === null ? null : new Date((e.dt as number) * 86_400_000).toISOString().slice(0, 10), msg);
      assert.equal(r.dec9, e.dec9, msg);
      assert.equal(r.dec18, e.dec18, msg);
      assert.equal(r.dec38, e.dec38, msg);
      assert.equal(r.req, String(e.req), msg);
    });
    const back = await readParquet(bytes);
    assert.deepEqual(back.schema, primitives);
    assert.deepEqual(back.batches.flatMap(batchToRows), expected, `our reader, ${compression}`);
  }
});

test("the Parquet schema carries Spark's physical and logical types", async () => {
  const path = tempFile(await writeParquet(primitives, [batchFromRows(primitives, primitiveRows(3))]));
  const rows = await query(`SELECT name, type, repetition_type AS rep, converted_type AS ct, type_length AS len, precision, scale
                            FROM parquet_schema('${path}') WHERE name <> 'spark_schema'`);
  const byName = new Map(rows.map((r) => [r.name, r]));
  const expect: Record<string, [string, string | null]> = {
    s: ["BYTE_ARRAY", "UTF8"],
    l: ["INT64", null],
    i: ["INT32", null],
    sh: ["INT32", "INT_16"],
    b: ["INT32", "INT_8"],
    f: ["FLOAT", null],
    d: ["DOUBLE", null],
    bo: ["BOOLEAN", null],
    bin: ["BYTE_ARRAY", null],
    ts: ["INT64", "TIMESTAMP_MICROS"],
    dt: ["INT32", "DATE"],
    dec9: ["INT32", "DECIMAL"],
    dec18: ["INT64", "DECIMAL"],
    dec38: ["FIXED_LEN_BYTE_ARRAY", "DECIMAL"],
  };
  for (const [name, [type, ct]] of Object.entries(expect)) {
    const r = byName.get(name);
    assert.ok(r, name);
    assert.equal(r.type, type, name);
    assert.equal(r.ct, ct, name);
    assert.equal(r.rep, "OPTIONAL", name);
  }
  assert.equal(byName.get("req")?.rep, "REQUIRED");
  assert.equal(byName.get("dec38")?.len, "16");
  assert.equal(byName.get("dec38")?.precision, "38");
  const types = await query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`);
  assert.deepEqual(
    types.map((t) => `${t.column_name} ${t.column_type}`),
    [
      "s VARCHAR",
      "l BIGINT",
      "i INTEGER",
      "sh SMALLINT",
      "b TINYINT",
      "f FLOAT",
      "d DOUBLE",
      "bo BOOLEAN",
      "bin BLOB",
      "ts TIMESTAMP WITH TIME ZONE",
      "dt DATE",
      "dec9 DECIMAL(9,2)",
      "dec18 DECIMAL(18,4)",
      "dec38 DECIMAL(38,10)",
      "req BIGINT",
    ],
  );
});

test("column statistics: byte-order min/max, nulls, all-null columns, floats", async () => {
  const schema = StructType([
    StructField("s", StringType()),
    StructField("n", LongType()),
    StructField("allnull", StringType()),
    StructField("d", DoubleType()),
    StructField("ts", TimestampType()),
    StructField("dec", DecimalType(5, 2)),
  ]);
  // Byte order: "B" (0x42) < "a" (0x61) < "z" < "é" (0xC3 0xA9); "" is smallest.
  const rows = [
    { s: "a", n: -5n, allnull: null, d: Number.NaN, ts: 1_500_001n, dec: "-1.50" },
    { s: null, n: 7n, allnull: null, d: -0.5, ts: null, dec: null },
    { s: "é", n: null, allnull: null, d: 2.5, ts: -2_000_500n, dec: "3.25" },
    { s: "B", n: 9_007_199_254_740_993n, allnull: null, d: null, ts: 0n, dec: "0.01" },
    { s: "", n: -9_007_199_254_740_993n, allnull: null, d: 1, ts: 42n, dec: "-0.02" },
    { s: "zz", n: 0n, allnull: null, d: 0, ts: 5n, dec: "1" },
  ];
  const w = new ParquetWriter(schema);
  w.write(batchFromRows(schema, rows));
  const bytes = w.finish();
  const path = tempFile(bytes);
  const meta = await query(
    `SELECT path_in_schema AS p, stats_min_value AS min, stats_max_value AS max, stats_null_count AS nulls FROM parquet_metadata('${path}')`,
  );
  const m = new Map(meta.map((r) => [r.p, r]));
  assert.deepEqual(m.get("s"), { p: "s", min: "", max: "é", nulls: "1" });
  assert.deepEqual(m.get("n"), { p: "n", min: "-9007199254740993", max: "9007199254740993", nulls: "1" });
  assert.deepEqual(m.get("allnull"), { p: "allnull", min: null, max: null, nulls: "6" });
  assert.deepEqual(m.get("d"), { p: "d", min: "-0.5", max: "2.5", nulls: "1" });
  assert.deepEqual(m.get("dec"), { p: "dec", min: "-1.50", max: "3.25", nulls: "1" });
  // DuckDB prunes row groups with these statistics: the answers must still be right
  // (DuckDB orders NaN above every number, so row 0 matches d > 2.4).
  const pruned = await query(
    `SELECT count(*)::INT AS c FROM read_parquet('${path}') WHERE s > 'y' OR n < -9007199254740992 OR d > 2.4`,
  );
  assert.deepEqual(pruned, [{ c: 4 }]);
  assert.deepEqual(await query(`SELECT count(*)::INT AS c FROM read_parquet('${path}') WHERE s > 'é'`), [{ c: 0 }]);

  const stats = w.columnStats();
  assert.deepEqual(
    stats.map((s) => [s.path.join("."), s.nullCount, s.valueCount]),
    [
      ["s", 1, 5],
      ["n", 1, 5],
      ["allnull", 6, 0],
      ["d", 1, 5],
      ["ts", 1, 5],
      ["dec", 1, 5],
    ],
  );
  assert.equal(stats[0].min, "");
  assert.equal(stats[0].max, "é");
  assert.equal(stats[1].min, -9_007_199_254_740_993n);
  assert.equal(stats[1].max, 9_007_199_254_740_993n);
  assert.equal(stats[2].min, null);
  assert.equal(stats[2].max, null);
  assert.equal(stats[3].min, -0.5, "NaN is not a min or max");
  assert.equal(stats[3].max, 2.5);
  // Timestamps are widened to whole milliseconds: -2000.5 ms floors, 1500.001 ms ceils.
  assert.deepEqual(stats[4].min, new Date(-2001));
  assert.deepEqual(stats[4].max, new Date(1501));
  assert.equal(stats[5].min, "-1.50");
  assert.equal(stats[5].max, "3.25");
});

test("dictionary encoding for repetitive strings, PLAIN for distinct ones, and the size fallback", async () => {
  const schema = StructType([StructField("low", StringType()), StructField("uniq", StringType()), StructField("grow", StringType())]);
  const n = 60_000;
  const low: (string | null)[] = [];
  const uniq: string[] = [];
  const grow: string[] = [];
  for (let i = 0; i < n; i++) {
    low.push(i % 17 === 0 ? null : `type-${i % 5}`);
    uniq.push(`id-${i * 7919}`);
    // 30% repeats so the dictionary pays off at first, then outgrows dictionaryPageSize.
    grow.push(i % 10 < 3 ? "same" : `grow-${i}`);
  }
  const batch = makeBatch(schema, [
    vectorFromValues(StringType(), low),
    vectorFromValues(StringType(), uniq),
    vectorFromValues(StringType(), grow),
  ]);
  const bytes = await writeParquet(schema, [batch], { dictionaryPageSize: 64 * 1024, pageRowLimit: 5_000 });
  const path = tempFile(bytes);
  const meta = await query(`SELECT path_in_schema AS p, encodings AS e, dictionary_page_offset IS NOT NULL AS dict FROM parquet_metadata('${path}')`);
  const m = new Map(meta.map((r) => [r.p, r]));
  assert.deepEqual(m.get("low"), { p: "low", e: "PLAIN_DICTIONARY, RLE", dict: true });
  assert.deepEqual(m.get("uniq"), { p: "uniq", e: "PLAIN, RLE", dict: false });
  assert.deepEqual(m.get("grow"), { p: "grow", e: "PLAIN, PLAIN_DICTIONARY, RLE", dict: true });
  const agg = await query(
    `SELECT count(low)::INT AS low, count(DISTINCT low)::INT AS dl, count(DISTINCT uniq)::INT AS du, count(DISTINCT grow)::INT AS dg,
            min(uniq) AS minu, max(grow) AS maxg, sum(CASE WHEN grow = 'same' THEN 1 ELSE 0 END)::INT AS same
     FROM read_parquet('${path}')`,
  );
  const sorted = [...uniq].sort();
  assert.deepEqual(agg, [
    { low: n - Math.ceil(n / 17), dl: 5, du: n, dg: n * 0.7 + 1, minu: sorted[0], maxg: "same", same: n * 0.3 },
  ]);
  const back = await readParquet(bytes);
  const rows = back.batches.flatMap(batchToRows);
  assert.equal(rows.length, n);
  for (let i = 0; i < n; i += 997) assert.deepEqual(rows[i], { low: low[i], uniq: uniq[i], grow: grow[i] });
});

test("an empty file and an empty batch are valid Parquet", async () => {
  const schema = StructType([StructField("a", StringType()), StructField("b", LongType())]);
  const w = await ParquetWriter.create(schema, { compression: "zstd" });
  w.write(batchFromRows(schema, []));
  const bytes = w.finish();
  const path = tempFile(bytes);
  assert.deepEqual(await query(`SELECT count(*)::INT AS c FROM read_parquet('${path}')`), [{ c: 0 }]);
  const cols = await query(`SELECT column_name AS n, column_type AS t FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`);
  assert.deepEqual(cols, [
    { n: "a", t: "VARCHAR" },
    { n: "b", t: "BIGINT" },
  ]);
  const back = await readParquet(bytes);
  assert.deepEqual(back.schema, schema);
  assert.equal(back.batches.length, 0);
});

test("100k rows over several row groups and pages; streaming chunks equal the whole file", async () => {
  const schema = StructType([
    StructField("id", LongType(), false),
    StructField("user", StringType()),
    StructField("amount", DoubleType()),
    StructField("flag", BooleanType()),
  ]);
  const n = 100_000;
  const batches = [];
  for (let start = 0; start < n; start += 7_000) {
    const rows = [];
    for (let i = start; i < Math.min(n, start + 7_000); i++) {
      rows.push({ id: BigInt(i), user: i % 13 === 0 ? null : `u${i % 1000}`, amount: i % 11 === 0 ? null : i / 100, flag: i % 3 === 0 });
    }
    batches.push(batchFromRows(schema, rows));
  }
  for (const compression of CODECS) {
    const w = await ParquetWriter.create(schema, { compression, rowGroupRows: 30_000, pageRowLimit: 4_000 });
    const streamed: Uint8Array[] = [];
    for (const b of batches) {
      w.write(b);
      streamed.push(...w.takeChunks());
    }
    assert.equal(w.numRowGroups, 3, "row groups close as they fill");
    streamed.push(w.finish());
    const total = streamed.reduce((s, c) => s + c.length, 0);
    assert.equal(total, w.bytesWritten);
    const bytes = Buffer.concat(streamed);
    const path = tempFile(bytes, compression);
    const groups = await query(`SELECT row_group_id AS g, row_group_num_rows::INT AS n FROM parquet_metadata('${path}') WHERE path_in_schema = 'id'`);
    assert.deepEqual(groups.map((g) => g.n), [30_000, 30_000, 30_000, 10_000]);
    const agg = await query(
      `SELECT count(*)::INT AS c, sum(id)::VARCHAR AS s, count(user)::INT AS cu, count(DISTINCT user)::INT AS du,
              round(sum(amount), 2)::VARCHAR AS a, sum(flag::INT)::INT AS f, min(id)::INT AS mn, max(id)::INT AS mx
       FROM read_parquet('${path}')`,
    );
    let sumAmount = 0;
    for (let i = 0; i < n; i++) if (i % 11 !== 0) sumAmount += i;
    assert.deepEqual(agg, [
      {
        c: n,
        s: String((n * (n - 1)) / 2),
        cu: n - Math.ceil(n / 13),
        du: 1000,
        a: (sumAmount / 100).toFixed(2),
        f: Math.ceil(n / 3),
        mn: 0,
        mx: n - 1,
      },
    ]);
    const back = await readParquet(new Uint8Array(bytes));
    assert.equal(back.batches.length, 4);
    const rows = back.batches.flatMap(batchToRows);
    assert.deepEqual(rows[12_346], { id: 12_346n, user: "u346", amount: 123.46, flag: false });
    assert.deepEqual(rows[99_999], { id: 99_999n, user: "u999", amount: 999.99, flag: true });
  }
});

test("nested struct, array (3-level LIST) and map (MAP key_value) columns", async () => {
  const schema = StructType([
    StructField("id", IntegerType(), false),
    StructField("st", StructType([StructField("x", IntegerType()), StructField("y", StringType()), StructField("z", StructType([StructField("q", LongType())]))])),
    StructField("arr", ArrayType(StringType())),
    StructField("ints", ArrayType(IntegerType(), false), false),
    StructField("m", MapType(StringType(), LongType())),
    StructField("aos", ArrayType(StructType([StructField("a", IntegerType()), StructField("b", ArrayType(DoubleType()))]))),
    StructField("mol", MapType(IntegerType(), ArrayType(StringType()))),
  ]);
  const rows = [
    { id: 0, st: { x: 1, y: "a", z: { q: 5n } }, arr: ["p", null, "q"], ints: [1, 2, 3], m: new Map([["k", 1n], ["n", null]]), aos: [{ a: 1, b: [0.5, null] }, null, { a: null, b: null }], mol: new Map([[1, ["x"]], [2, null], [3, []]]) },
    { id: 1, st: null, arr: null, ints: [], m: null, aos: null, mol: null },
    { id: 2, st: { x: null, y: null, z: null }, arr: [], ints: [4], m: new Map(), aos: [], mol: new Map() },
    { id: 3, st: { x: 4, y: "é", z: { q: null } }, arr: [null], ints: [5, 6], m: new Map([["a", -1n]]), aos: [{ a: 2, b: [] }], mol: new Map([[-7, [null, "y"]]]) },
  ];
  const batch = batchFromRows(schema, rows);
  for (const compression of ["snappy", "zstd"] as const) {
    const bytes = await writeParquet(schema, [batch], { compression });
    const path = tempFile(bytes, "nested");
    const duck = await query(`SELECT id, st, arr, ints, map_entries(m) AS m, aos, map_entries(mol) AS mol FROM read_parquet('${path}') ORDER BY id`);
    assert.deepEqual(duck[0], {
      id: 0,
      st: { x: 1, y: "a", z: { q: "5" } },
      arr: ["p", null, "q"],
      ints: [1, 2, 3],
      m: [{ key: "k", value: "1" }, { key: "n", value: null }],
      aos: [{ a: 1, b: [0.5, null] }, null, { a: null, b: null }],
      mol: [{ key: 1, value: ["x"] }, { key: 2, value: null }, { key: 3, value: [] }],
    });
    assert.deepEqual(duck[1], { id: 1, st: null, arr: null, ints: [], m: null, aos: null, mol: null });
    assert.deepEqual(duck[2], { id: 2, st: { x: null, y: null, z: null }, arr: [], ints: [4], m: [], aos: [], mol: [] });
    assert.deepEqual(duck[3], {
      id: 3,
      st: { x: 4, y: "é", z: { q: null } },
      arr: [null],
      ints: [5, 6],
      m: [{ key: "a", value: "-1" }],
      aos: [{ a: 2, b: [] }],
      mol: [{ key: -7, value: [null, "y"] }],
    });
    const schemaRows = await query(`SELECT name, repetition_type AS r, converted_type AS c FROM parquet_schema('${path}')`);
    const names = schemaRows.map((r) => String(r.name));
    const at = (name: string) => schemaRows.slice(names.indexOf(name), names.indexOf(name) + 4).map((r) => `${r.name} ${r.r} ${r.c}`);
    assert.deepEqual(at("arr"), ["arr OPTIONAL LIST", "list REPEATED null", "element OPTIONAL UTF8", "ints REQUIRED LIST"]);
    assert.deepEqual(at("ints").slice(1, 3), ["list REPEATED null", "element REQUIRED null"]);
    assert.deepEqual(at("m"), ["m OPTIONAL MAP", "key_value REPEATED null", "key REQUIRED UTF8", "value OPTIONAL null"]);
    const back = await readParquet(bytes);
    assert.deepEqual(back.schema, schema);
    assert.deepEqual(back.batches.flatMap(batchToRows), batchToRows(batch));
  }
});

test("nested columns report per-leaf statistics", () => {
  const schema = StructType([StructField("st", StructType([StructField("x", IntegerType()), StructField("tags", ArrayType(StringType()))]))]);
  const w = new ParquetWriter(schema);
  w.write(batchFromRows(schema, [{ st: { x: 3, tags: ["b", "a"] } }, { st: null }, { st: { x: -1, tags: [] } }]));
  const stats = w.columnStats();
  assert.deepEqual(
    stats.map((s) => ({ path: s.path.join("."), nulls: s.nullCount, min: s.min, max: s.max })),
    [
      { path: "st.x", nulls: 1, min: -1, max: 3 },
      { path: "st.tags.list.element", nulls: 2, min: "a", max: "b" },
    ],
  );
});

test("key-value metadata and created_by are written", async () => {
  const schema = StructType([StructField("a", IntegerType())]);
  const sparkSchema = JSON.stringify({ type: "struct", fields: [{ name: "a", type: "integer", nullable: true, metadata: {} }] });
  const bytes = await writeParquet(schema, [batchFromRows(schema, [{ a: 1 }])], {
    keyValueMetadata: { "org.apache.spark.sql.parquet.row.metadata": sparkSchema },
    createdBy: "test version 1.0 (build x)",
  });
  const path = tempFile(bytes);
  const kv = await query(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${path}')`);
  assert.deepEqual(kv, [{ k: "org.apache.spark.sql.parquet.row.metadata", v: sparkSchema }]);
  const created = await query(`SELECT created_by FROM parquet_file_metadata('${path}')`);
  assert.deepEqual(created, [{ created_by: "test version 1.0 (build x)" }]);
});

test("errors name the offending column or option", () => {
  const schema = StructType([StructField("id", LongType(), false)]);
  const w = new ParquetWriter(schema);
  assert.throws(
    () => w.write(makeBatch(schema, [vectorFromValues(LongType(), [1n, null])])),
    (e: unknown) => e instanceof SinkError && /'id' is not nullable/.test(e.message),
  );
  assert.throws(
    () => new ParquetWriter(StructType([StructField("v", NullType())])),
    (e: unknown) => e instanceof SinkError && /column 'v' has type void/.test(e.message),
  );
  assert.throws(
    () => new ParquetWriter(schema, { compresion: "zstd" } as never),
    (e: unknown) => e instanceof ConfigError && /unknown option 'compresion'; did you mean 'compression'\?/.test(e.message),
  );
  assert.throws(
    () => new ParquetWriter(schema, { compression: "lz4" } as never),
    (e: unknown) => e instanceof ConfigError && /option 'compression'/.test(e.message) && /"lz4"/.test(e.message),
  );
  const other = StructType([StructField("x", StringType())]);
  assert.throws(
    () => w.write(batchFromRows(other, [{ x: "a" }])),
    (e: unknown) => e instanceof SinkError && /'x' string, the file expects 'id' long/.test(e.message),
  );
  w.finish();
  assert.throws(() => w.finish(), SinkError);
});

test("row groups also close at rowGroupSize bytes; decimals that overflow their precision are rejected", async () => {
  const schema = StructType([StructField("s", StringType()), StructField("d", DecimalType(5, 2))]);
  const rows = Array.from({ length: 50_000 }, (_, i) => ({ s: `value-${i}-${"x".repeat(i % 40)}`, d: `${i % 1000}.5` }));
  const w = new ParquetWriter(schema, { rowGroupSize: 256 * 1024, dictionary: false });
  w.write(batchFromRows(schema, rows));
  assert.ok(w.numRowGroups >= 3, `closed ${w.numRowGroups} row groups by size`);
  const path = tempFile(w.finish());
  const agg = await query(`SELECT count(*)::INT AS c, count(DISTINCT s)::INT AS ds, sum(d)::VARCHAR AS sd FROM read_parquet('${path}')`);
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += (i % 1000) + 0.5;
  assert.deepEqual(agg, [{ c: 50_000, ds: 50_000, sd: sum.toFixed(2) }]);

  const bad = new ParquetWriter(schema);
  assert.throws(
    () => bad.write(makeBatch(schema, [vectorFromValues(StringType(), ["a"]), vectorFromValues(DecimalType(5, 2), [123456n])])),
    (e: unknown) => e instanceof SinkError && /'d' holds unscaled decimal 123456, which does not fit decimal\(5,2\)/.test(e.message),
  );
});

test("high-cardinality strings give up the dictionary within the first page; 5k-distinct ones keep it; stats stay exact", async () => {
  const schema = StructType([StructField("id", StringType()), StructField("user", StringType()), StructField("kind", StringType())]);
  const n = 50_000;
  const id: (string | null)[] = [];
  const user: string[] = [];
  const kind: string[] = [];
  let x = 12345;
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    id.push(i % 13 === 0 ? null : `evt-${(i * 2654435761) >>> 0}`);
    user.push(`u${Math.floor(rand() * 5_000)}`);
    kind.push(["view", "search", "login"][Math.floor(rand() * 3)]);
  }
  const half = n / 2;
  const batches = [0, half].map((s) =>
    makeBatch(schema, [
      vectorFromValues(StringType(), id.slice(s, s + half)),
      vectorFromValues(StringType(), user.slice(s, s + half)),
      vectorFromValues(StringType(), kind.slice(s, s + half)),
    ]),
  );
  const w = new ParquetWriter(schema, { compression: "zstd" });
  for (const b of batches) w.write(b);
  const stats = w.columnStats();
  const bytes = w.finish();
  const path = tempFile(bytes);
  const meta = await query(
    `SELECT path_in_schema AS p, encodings AS e, dictionary_page_offset IS NOT NULL AS dict, stats_min_value AS mn, stats_max_value AS mx, stats_null_count::INT AS nulls FROM parquet_metadata('${path}')`,
  );
  const m = new Map(meta.map((r) => [r.p, r]));
  const present = id.filter((v): v is string => v !== null);
  const sortedIds = [...present].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const sortedUsers = [...user].sort();
  assert.deepEqual(m.get("id"), { p: "id", e: "PLAIN, RLE", dict: false, mn: sortedIds[0], mx: sortedIds[sortedIds.length - 1], nulls: n - present.length });
  assert.deepEqual(m.get("user"), { p: "user", e: "PLAIN_DICTIONARY, RLE", dict: true, mn: sortedUsers[0], mx: sortedUsers[n - 1], nulls: 0 });
  assert.deepEqual(m.get("kind"), { p: "kind", e: "PLAIN_DICTIONARY, RLE", dict: true, mn: "login", mx: "view", nulls: 0 });
  assert.equal(stats[0].min, sortedIds[0]);
  assert.equal(stats[0].max, sortedIds[sortedIds.length - 1]);
  assert.equal(stats[1].min, sortedUsers[0]);
  const back = await query(`SELECT count(DISTINCT id)::INT AS di, count(DISTINCT "user")::INT AS du, count(*)::INT AS n FROM read_parquet('${path}')`);
  assert.deepEqual(back, [{ di: present.length, du: new Set(user).size, n }]);
  const rows = (await readParquet(bytes)).batches.flatMap(batchToRows);
  for (let i = 0; i < n; i += 777) assert.deepEqual(rows[i], { id: id[i], user: user[i], kind: kind[i] });
});

test("endPages: files written in turn share page buffers, each keeps its own rows, pages and dictionary", async () => {
  const schema = StructType([StructField("k", StringType()), StructField("v", LongType()), StructField("nested", ArrayType(IntegerType()))]);
  const writers = [0, 1, 2].map(() => new ParquetWriter(schema, { pageRowLimit: 10_000 }));
  const expected: Record<string, unknown>[][] = [[], [], []];
  // Three rounds, each writer taking its turn and going idle: the buffers one writer gives back
  // are the next one's, so any row left behind in a shared buffer would show up in another file.
  for (let round = 0; round < 3; round++) {
    writers.forEach((w, f) => {
      const rows = Array.from({ length: 700 + 100 * f }, (_, i) => ({
        k: f === 2 ? `unique-${round}-${i}` : `key-${f}-${i % 4}`,
        v: i % 9 === 0 ? null : BigInt(f * 1_000_000 + round * 1000 + i),
        nested: i % 5 === 0 ? null : [f, round, i],
      }));
      expected[f].push(...rows);
      w.write(batchFromRows(schema, rows));
      w.endPages();
    });
  }
  for (const [f, w] of writers.entries()) {
    const bytes = w.finish();
    const back = await readParquet(bytes);
    assert.deepEqual(back.batches.flatMap(batchToRows), expected[f], `file ${f}`);
    const path = tempFile(bytes, `idle-${f}`);
    const pages = await query(`SELECT path_in_schema AS p, encodings AS e, num_values::INT AS n FROM parquet_metadata('${path}') ORDER BY p`);
    // Each writer's dictionary spans its idle periods (one dictionary per chunk), unless it does not pay off.
    const k = pages.find((r) => r.p === "k");
    assert.equal(k?.e, f === 2 ? "PLAIN, RLE" : "PLAIN_DICTIONARY, RLE", `file ${f}`);
    assert.equal(k?.n, expected[f].length);
  }
});

test("dictionary hints: after two files drop a column's dictionary, the write's next files start it PLAIN", async () => {
  const schema = StructType([StructField("id", StringType()), StructField("kind", StringType())]);
  const hints = new DictionaryHints();
  const fileRows = (f: number) =>
    Array.from({ length: 3000 }, (_, i) => ({ id: `evt-${f}-${i}`, kind: ["view", "search", "login"][(i * 7 + f) % 3] }));
  const meta = async (f: number, w: ParquetWriter) => {
    const bytes = w.finish();
    assert.deepEqual((await readParquet(bytes)).batches.flatMap(batchToRows), fileRows(f), `file ${f} reads back`);
    const path = tempFile(bytes, `hints-${f}`);
    const rows = await query(`SELECT path_in_schema AS p, encodings AS e, stats_min_value AS mn, stats_max_value AS mx FROM parquet_metadata('${path}') ORDER BY p`);
    return rows;
  };
  const files = [];
  for (let f = 0; f < 4; f++) {
    const w = new ParquetWriter(schema, {}, hints);
    w.write(batchFromRows(schema, fileRows(f)));
    files.push(await meta(f, w));
    assert.equal(hints.skip("id"), f >= 1, `after file ${f}`);
  }
  // Every file PLAIN-encodes the key column (the first two after probing, the rest without) and
  // keeps the dictionary of the repetitive one; statistics are the same either way.
  for (const [f, m] of files.entries()) {
    const sorted = fileRows(f).map((r) => r.id).sort();
    assert.deepEqual(m, [
      { p: "id", e: "PLAIN, RLE", mn: sorted[0], mx: sorted[sorted.length - 1] },
      { p: "kind", e: "PLAIN_DICTIONARY, RLE", mn: "login", mx: "view" },
    ], `file ${f}`);
  }
  assert.equal(hints.skip("id"), true);
  assert.equal(hints.skip("kind"), false);
  // A column that kept its dictionary in one file is never skipped, whatever others dropped.
  const mixed = new DictionaryHints();
  mixed.keep("c");
  mixed.drop("c");
  mixed.drop("c");
  assert.equal(mixed.skip("c"), false);
});

test("STRING values that are not UTF-8 are written with U+FFFD; BINARY values stay byte for byte", async () => {
  const schema = StructType([StructField("s", StringType()), StructField("b", BinaryType())]);
  const bad = Uint8Array.from([0x61, 0xff, 0xfe, 0x62]);
  const strings: Vector = {
    kind: "bytes",
    type: StringType(),
    length: 3,
    valid: Uint8Array.from([1, 0, 1]),
    offsets: Int32Array.from([0, 2, 2, 6]),
    data: Uint8Array.from([0x6f, 0x6b, ...bad]),
  };
  const batch = makeBatch(schema, [strings, vectorFromValues(BinaryType(), [bad, null, bad])], 3);
  const bytes = await writeParquet(schema, [batch]);
  const path = tempFile(bytes, "not-utf8");
  const rows = await query(`SELECT s, hex(b) AS b FROM read_parquet('${path}')`);
  assert.deepEqual(rows, [
    { s: "ok", b: "61FFFE62" },
    { s: null, b: null },
    { s: "a\ufffd\ufffdb", b: "61FFFE62" },
  ]);
});

test("fieldIds gives schema nodes their field_id by dotted Parquet path; groups without one have none", async () => {
  const schema = toSchema("id BIGINT, tags ARRAY<STRING>, m MAP<STRING, INT>, s STRUCT<a: INT, b: STRING>");
  const b = batchFromRows(schema, [{ id: 1n, tags: ["x"], m: new Map([["k", 1]]), s: { a: 1, b: "q" } }]);
  const fieldIds = { id: 1, tags: 2, "tags.list.element": 5, m: 3, "m.key_value.key": 6, "m.key_value.value": 7, s: 4, "s.a": 8, "s.b": 9 };
  const bytes = await writeParquet(schema, [b], { fieldIds });
  const md = await readParquetMetadata(bytes);
  assert.deepEqual(
    md.schema.map((e) => [e.name, e.field_id]),
    [["spark_schema", undefined], ["id", 1], ["tags", 2], ["list", undefined], ["element", 5], ["m", 3], ["key_value", undefined], ["key", 6], ["value", 7], ["s", 4], ["a", 8], ["b", 9]],
  );
  // Readers that ignore ids read the same values.
  assert.deepEqual(batchToRows((await readParquet(bytes)).batches[0]), batchToRows(b));
});
