/**
 * Reading Delta tables whose schema evolved (`mergeSchema`): files written before a column or a
 * nested field (in a struct, an array's element struct, a map's value struct) was added read it as
 * null; file fields the table does not have are ignored; a real type conflict fails naming the
 * column path, both types and the file. Each table is read with `readDeltaTable`, with
 * `spark.read.format("delta").load(p)`, and by DuckDB over the live files (`union_by_name`).
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, SourceError } from "../../../../src/index.js";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { writeParquet } from "../../../../src/formats/parquet/parquet-writer.js";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { ArrayType, IntegerType, LongType, MapType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { schemaToJson } from "../../../../src/types/json-schema.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { canonical } from "./written-table.js";
import { query } from "../../formats/parquet/duckdb.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-evolution-read-"));
after(() => rmSync(base, { recursive: true, force: true }));
const storage = localFileSystem();

/**
 * The table at `dir` read three ways; asserts they agree and returns the canonical rows, sorted.
 * DuckDB reads only the live files the log lists, unified by name (nested fields too).
 */
async function readThreeWays(dir: string): Promise<string[]> {
  const key = dir.slice(1);
  const snapshot = await loadSnapshot(storage, key);
  const names = snapshot.metadata.schema.fields.map((f) => f.name);
  const replayed: string[] = [];
  for (const b of (await readDeltaTable(storage, key)).batches) {
    assert.deepEqual(b.schema, snapshot.metadata.schema, "every batch has the table schema");
    for (const r of batchToRows(b)) replayed.push(canonical(r, names));
  }
  const viaSpark: string[] = [];
  for (const b of await spark.read.format("delta").load(dir).collectBatches()) for (const r of batchToRows(b)) viaSpark.push(canonical(r, names));
  const files = snapshot.files.map((f) => `'${join(dir, f.path)}'`).join(", ");
  const duck: string[] = [];
  for (const r of await query(`SELECT * FROM read_parquet([${files}], union_by_name = true)`)) duck.push(canonical(duckRow(r), names));
  for (const rows of [replayed, viaSpark, duck]) rows.sort();
  assert.deepEqual(viaSpark, replayed, "spark.read.format('delta') reads what readDeltaTable reads");
  assert.deepEqual(duck, replayed, "DuckDB over the live files reads what readDeltaTable reads");
  return replayed;
}

/** DuckDB's JSON rows give maps as `[{key, value}]`; turned into objects like `canonical` makes of a Map. */
function duckRow(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = k === "m" && Array.isArray(v) ? new Map(v.map((e: { key: unknown; value: unknown }) => [e.key, e.value])) : v;
  return out;
}

const j = (...values: unknown[]): string => JSON.stringify(values);

test("a struct field added with mergeSchema reads null from older files, at every nesting level", async () => {
  const dir = join(base, "nested");
  const inner1 = StructType([StructField("x", LongType())]);
  const inner2 = StructType([StructField("y", StringType()), StructField("x", LongType())]);
  const V1 = StructType([
    StructField("id", LongType()),
    StructField("s", StructType([StructField("a", LongType()), StructField("t", inner1)])),
    StructField("items", ArrayType(inner1)),
    StructField("m", MapType(StringType(), inner1)),
  ]);
  // Every nested struct gains a field (the inner one two levels down), and a top-level column appears.
  const V2 = StructType([
    StructField("id", LongType()),
    StructField("s", StructType([StructField("b", StringType()), StructField("a", LongType()), StructField("t", inner2)])),
    StructField("items", ArrayType(inner2)),
    StructField("m", MapType(StringType(), inner2)),
    StructField("score", IntegerType()),
  ]);
  await appendToTable(storage, dir.slice(1), [batchFromRows(V1, [
    { id: 1n, s: { a: 10n, t: { x: 11n } }, items: [{ x: 12n }, null], m: new Map([["k", { x: 13n }]]) },
    { id: 2n, s: null, items: null, m: null },
  ])], { schema: V1 });
  await appendToTable(storage, dir.slice(1), [batchFromRows(V2, [
    { id: 3n, s: { b: "B", a: 30n, t: { y: "Y", x: 31n } }, items: [{ y: "y", x: 32n }], m: new Map([["k", { y: "v", x: 33n }]]), score: 7 },
  ])], { schema: V2, mergeSchema: true });

  const snapshot = await loadSnapshot(storage, dir.slice(1));
  const merged = snapshot.metadata.schema;
  assert.equal(
    schemaToJson(merged),
    schemaToJson(StructType([
      StructField("id", LongType()),
      StructField("s", StructType([StructField("a", LongType()), StructField("t", StructType([StructField("x", LongType()), StructField("y", StringType())])), StructField("b", StringType())])),
      StructField("items", ArrayType(StructType([StructField("x", LongType()), StructField("y", StringType())]))),
      StructField("m", MapType(StringType(), StructType([StructField("x", LongType()), StructField("y", StringType())]))),
      StructField("score", IntegerType()),
    ])),
  );
  assert.deepEqual(await readThreeWays(dir), [
    j("1", { a: "10", t: { x: "11", y: null }, b: null }, [{ x: "12", y: null }, null], { k: { x: "13", y: null } }, null),
    j("2", null, null, null, null),
    j("3", { a: "30", t: { x: "31", y: "Y" }, b: "B" }, [{ x: "32", y: "y" }], { k: { x: "33", y: "v" } }, "7"),
  ]);
});

/** A table at `dir` whose log (written by hand) declares `tableSchema` and lists one file of `fileSchema` rows. */
async function handWritten(dir: string, tableSchema: StructType, fileSchema: StructType, rows: Record<string, unknown>[]): Promise<void> {
  mkdirSync(join(dir, "_delta_log"), { recursive: true });
  const bytes = await writeParquet(fileSchema, [batchFromRows(fileSchema, rows)]);
  writeFileSync(join(dir, "part-0.parquet"), bytes);
  const actions = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: "t", format: { provider: "parquet", options: {} }, schemaString: schemaToJson(tableSchema), partitionColumns: [], configuration: {} } },
    { add: { path: "part-0.parquet", partitionValues: {}, size: bytes.length, modificationTime: 0, dataChange: true } },
  ];
  writeFileSync(join(dir, "_delta_log", "00000000000000000000.json"), actions.map((a) => JSON.stringify(a)).join("\n") + "\n");
}

test("file fields the table schema lacks are ignored, fields are matched by name (not position) and ignoring case", async () => {
  const dir = join(base, "extra");
  const table = StructType([StructField("id", LongType()), StructField("s", StructType([StructField("a", LongType()), StructField("b", StringType())]))]);
  const file = StructType([
    StructField("gone", StringType()),
    StructField("S", StructType([StructField("old", IntegerType()), StructField("B", StringType()), StructField("a", LongType())])),
    StructField("id", LongType()),
  ]);
  await handWritten(dir, table, file, [{ gone: "g", S: { old: 1, B: "bee", a: 5n }, id: 1n }, { gone: null, S: null, id: 2n }]);
  const key = dir.slice(1);
  const rows = (await readDeltaTable(storage, key)).batches.flatMap((b) => batchToRows(b));
  assert.deepEqual(rows, [{ id: 1n, s: { a: 5n, b: "bee" } }, { id: 2n, s: null }]);
  const viaSpark = (await spark.read.format("delta").load(dir).collectBatches()).flatMap((b) => batchToRows(b));
  assert.deepEqual(viaSpark, rows);
  // DuckDB, by name with its own case-insensitive matching, projecting the table's fields.
  const duck = await query(`SELECT id::VARCHAR AS id, S.a::VARCHAR AS a, S.B AS b FROM read_parquet('${join(dir, "part-0.parquet")}') ORDER BY id`);
  assert.deepEqual(duck, [{ id: "1", a: "5", b: "bee" }, { id: "2", a: null, b: null }]);
});

test("a real type conflict fails naming the column path, both types and the file; so does an ambiguous name", async () => {
  const cases: { name: string; table: StructType; file: StructType; row: Record<string, unknown>; message: RegExp }[] = [
    {
      name: "conflict-struct",
      table: StructType([StructField("s", StructType([StructField("a", LongType())]))]),
      file: StructType([StructField("s", StructType([StructField("a", StringType())]))]),
      row: { s: { a: "x" } },
      message: /^delta reader: column 's\.a' is string in file:\/\/\/.*conflict-struct\/part-0\.parquet but bigint in the table schema$/,
    },
    {
      name: "conflict-element",
      table: StructType([StructField("items", ArrayType(StructType([StructField("x", IntegerType())])))]),
      file: StructType([StructField("items", ArrayType(StructType([StructField("x", LongType())])))]),
      row: { items: [{ x: 1n }] },
      message: /column 'items\.element\.x' is bigint in .* but int in the table schema$/,
    },
    {
      name: "conflict-map",
      table: StructType([StructField("m", MapType(StringType(), StructType([StructField("p", StringType())])))]),
      file: StructType([StructField("m", MapType(StringType(), StringType()))]),
      row: { m: new Map([["k", "v"]]) },
      message: /column 'm\.value' is string in .* but struct<p:string> in the table schema$/,
    },
    {
      name: "conflict-kind",
      table: StructType([StructField("s", StructType([StructField("a", LongType())]))]),
      file: StructType([StructField("s", ArrayType(LongType()))]),
      row: { s: [1n] },
      message: /column 's' is array<bigint> in .* but struct<a:bigint> in the table schema$/,
    },
    {
      name: "ambiguous",
      table: StructType([StructField("s", StructType([StructField("Ab", LongType())]))]),
      file: StructType([StructField("s", StructType([StructField("AB", LongType()), StructField("ab", LongType())]))]),
      row: { s: { AB: 1n, ab: 2n } },
      message: /column 's\.Ab' matches several fields of .*ambiguous\/part-0\.parquet ignoring case \(AB, ab\)$/,
    },
  ];
  for (const c of cases) {
    const dir = join(base, c.name);
    await handWritten(dir, c.table, c.file, [c.row]);
    const check = (e: unknown): boolean => {
      assert.ok(e instanceof SourceError, c.name);
      assert.match(e.message, c.message);
      return true;
    };
    await assert.rejects(readDeltaTable(storage, dir.slice(1)), check);
    await assert.rejects(spark.read.format("delta").load(dir).collect(), check);
  }
});
