/**
 * Schema enforcement and mergeSchema: new columns are refused with a hint, or appended (nullable,
 * same table id, metaData in the same commit) with mergeSchema; missing columns are written as nulls;
 * type changes and case-only name differences are refused; nested struct fields evolve too; the
 * streaming sink honours the option. Tables are read back by log replay (`readDeltaTable`) and DuckDB.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchFromRows } from "../../../../src/columnar/build.js";
import { localFileSystem } from "../../../../src/storage/resolve.js";
import { IntegerType, LongType, StringType, StructField, StructType } from "../../../../src/types/data-types.js";
import { schemaToJson } from "../../../../src/types/json-schema.js";
import { appendToTable } from "../../../../src/tables/delta/append.js";
import { loadSnapshot } from "../../../../src/tables/delta/snapshot.js";
import { readDeltaTable } from "../../../../src/tables/delta/table-reader.js";
import { conformBatch, evolveSchema } from "../../../../src/tables/delta/schema-evolution.js";
import { AnalysisError } from "../../../../src/errors.js";
import { MemoryStream, SparkSession } from "../../../../src/index.js";
import { batchToRows } from "../../../../src/columnar/values.js";
import { readBack } from "./written-table.js";
import { query } from "../../formats/parquet/duckdb.js";

const base = mkdtempSync(join(tmpdir(), "sluice-delta-merge-schema-"));
after(() => rmSync(base, { recursive: true, force: true }));
const storage = localFileSystem();
const key = (name: string) => join(base, name).slice(1);

const V1 = StructType([StructField("id", LongType()), StructField("name", StringType())]);
const V2 = StructType([StructField("name", StringType()), StructField("id", LongType()), StructField("score", IntegerType())]);

function commitLines(table: string, version: number): Record<string, Record<string, unknown>>[] {
  const text = readFileSync(join(base, table, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8");
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

test("a new column without mergeSchema is refused naming it and suggesting the option; with it the schema evolves in the same commit", async () => {
  const t = "add-column";
  await appendToTable(storage, key(t), [batchFromRows(V1, [{ id: 1n, name: "a" }])], { schema: V1 });
  const v2rows = batchFromRows(V2, [{ name: "b", id: 2n, score: 7 }]);
  await assert.rejects(
    appendToTable(storage, key(t), [v2rows], { schema: V2 }),
    (e: unknown) =>
      e instanceof AnalysisError && /lacks: score int/.test(e.message) && e.message.includes('.option("mergeSchema", "true")'),
  );
  const id = (await readBack(join(base, t))).snapshot.metadata.id;
  const r = await appendToTable(storage, key(t), [v2rows], { schema: V2, mergeSchema: true });
  assert.equal(r.version, 1);
  const lines = commitLines(t, 1);
  const meta = lines.find((l) => l.metaData !== undefined)?.metaData;
  assert.ok(meta !== undefined, "metaData in the same commit as the add");
  assert.ok(lines.some((l) => l.add !== undefined));
  assert.equal(meta.id, id, "same table id");
  const merged = StructType([StructField("id", LongType()), StructField("name", StringType()), StructField("score", IntegerType(), true)]);
  assert.equal(meta.schemaString, schemaToJson(merged), "new column appended at the end, nullable; table column order kept");
  const back = await readBack(join(base, t));
  assert.deepEqual(back.snapshot.metadata.schema, merged);
  assert.deepEqual(back.rows, [JSON.stringify(["1", "a", null]), JSON.stringify(["2", "b", "7"])]);
  // DuckDB over all live files by name: the old file has no score column.
  const files = back.snapshot.files.map((f) => `'${join(base, t, f.path)}'`).join(", ");
  const duck = await query(`SELECT id::VARCHAR AS id, score FROM read_parquet([${files}], union_by_name = true) ORDER BY id`);
  assert.deepEqual(duck, [{ id: "1", score: null }, { id: "2", score: 7 }]);
});

test("data lacking table columns writes nulls (no mergeSchema needed); a non-nullable missing column is refused", async () => {
  const t = "missing";
  await appendToTable(storage, key(t), [batchFromRows(V2, [{ name: "a", id: 1n, score: 3 }])], { schema: V2 });
  const ONLY_ID = StructType([StructField("id", LongType())]);
  const r = await appendToTable(storage, key(t), [batchFromRows(ONLY_ID, [{ id: 2n }])], { schema: ONLY_ID });
  assert.equal(r.version, 1);
  assert.ok(!commitLines(t, 1).some((l) => l.metaData !== undefined), "no metaData when the schema is unchanged");
  const back = await readBack(join(base, t));
  assert.deepEqual(back.rows, [JSON.stringify(["a", "1", "3"]), JSON.stringify([null, "2", null])]);

  const STRICT = StructType([StructField("id", LongType(), false), StructField("v", StringType())]);
  assert.throws(
    () => evolveSchema(STRICT, StructType([StructField("v", StringType())]), { mergeSchema: true, tablePath: "t" }),
    (e: unknown) => e instanceof AnalysisError && /lacks the column 'id', which is not nullable/.test(e.message),
  );
});

test("type changes and case-only name differences are refused even with mergeSchema", async () => {
  const t = "refuse";
  await appendToTable(storage, key(t), [batchFromRows(V1, [{ id: 1n, name: "a" }])], { schema: V1 });
  const INT_ID = StructType([StructField("id", IntegerType()), StructField("name", StringType())]);
  await assert.rejects(
    appendToTable(storage, key(t), [batchFromRows(INT_ID, [{ id: 1, name: "a" }])], { schema: INT_ID, mergeSchema: true }),
    (e: unknown) => e instanceof AnalysisError && /column 'id' has type bigint in the table but int in the data/.test(e.message),
  );
  const UPPER = StructType([StructField("ID", LongType()), StructField("name", StringType())]);
  await assert.rejects(
    appendToTable(storage, key(t), [batchFromRows(UPPER, [{ ID: 1n, name: "a" }])], { schema: UPPER, mergeSchema: true }),
    (e: unknown) => e instanceof AnalysisError && /column 'ID' differs only in case from the table's column 'id'/.test(e.message),
  );
  assert.equal((await readBack(join(base, t))).snapshot.version, 0, "nothing committed");
});

test("nested struct fields are merged; rows lacking them read null", async () => {
  const t = "nested";
  const S1 = StructType([StructField("id", LongType()), StructField("s", StructType([StructField("a", LongType())]))]);
  const S2 = StructType([StructField("id", LongType()), StructField("s", StructType([StructField("b", StringType()), StructField("a", LongType())]))]);
  await appendToTable(storage, key(t), [batchFromRows(S1, [{ id: 1n, s: { a: 10n } }])], { schema: S1 });
  await assert.rejects(appendToTable(storage, key(t), [batchFromRows(S2, [{ id: 2n, s: { b: "x", a: 20n } }])], { schema: S2 }), /lacks: s\.b string/);
  await appendToTable(storage, key(t), [batchFromRows(S2, [{ id: 2n, s: { b: "x", a: 20n } }])], { schema: S2, mergeSchema: true });
  await appendToTable(storage, key(t), [batchFromRows(S1, [{ id: 3n, s: { a: 30n } }])], { schema: S1 });
  const snapshot = await loadSnapshot(storage, key(t));
  const merged = StructType([StructField("id", LongType()), StructField("s", StructType([StructField("a", LongType()), StructField("b", StringType())]))]);
  assert.deepEqual(snapshot.metadata.schema, merged);
  assert.equal(snapshot.files.length, 3);
  const rows: string[] = [];
  for (const f of snapshot.files) {
    for (const r of await query(`SELECT id::VARCHAR AS id, s FROM read_parquet('${join(base, t, f.path)}')`)) {
      const s = r.s as Record<string, unknown>;
      rows.push(JSON.stringify([r.id, String(s.a), s.b ?? null]));
    }
  }
  assert.deepEqual(rows.sort(), [JSON.stringify(["1", "10", null]), JSON.stringify(["2", "20", "x"]), JSON.stringify(["3", "30", null])]);
  // Log replay reads the first file (written before s.b existed) with s.b null, as DuckDB does.
  const replayed = (await readDeltaTable(storage, key(t))).batches.flatMap((b) => batchToRows(b));
  assert.deepEqual(
    replayed.map((r) => JSON.stringify([String(r.id), String((r.s as Record<string, unknown>).a), (r.s as Record<string, unknown>).b])).sort(),
    rows,
  );
  const third = snapshot.files.find((f) => f.stats?.includes('"3"') === true || f.stats?.includes(":3") === true);
  assert.ok(third !== undefined, "the file written after the merge holds id 3");
  const cols = await query(`SELECT name FROM parquet_schema('${join(base, t, third.path)}') WHERE name IN ('a', 'b') ORDER BY name`);
  assert.deepEqual(cols, [{ name: "a" }, { name: "b" }], "a batch lacking s.b is written with the merged struct (b null)");
  // conformBatch reorders nested fields by name and fills the missing ones.
  const c = conformBatch(batchFromRows(S2, [{ id: 9n, s: { b: "y", a: 90n } }]), merged);
  assert.deepEqual(batchToRows(c), [{ id: 9n, s: { a: 90n, b: "y" } }]);
});

test("the streaming sink honours mergeSchema: a query with an extra column evolves an existing table", async () => {
  const spark = SparkSession.builder.getOrCreate();
  const path = join(base, "stream");
  await appendToTable(storage, path.slice(1), [batchFromRows(V1, [{ id: 1n, name: "a" }])], { schema: V1 });
  const ms = new MemoryStream("id BIGINT, name STRING, score INT", `delta_merge_schema_${Date.now()}`);
  ms.addData([{ id: 2n, name: "b", score: 5 }]);
  const start = (merge: boolean) =>
    spark.readStream.format("memory").option("name", ms.name).load()
      .writeStream.format("delta").option("mergeSchema", String(merge)).option("checkpointLocation", join(base, merge ? "ck2" : "ck1"))
      .trigger({ availableNow: true }).start(path);
  const refused = start(false);
  await assert.rejects(refused.awaitTermination(), /lacks: score int.*mergeSchema/);
  const q = start(true);
  await q.awaitTermination();
  const back = await readBack(path);
  assert.deepEqual(back.snapshot.metadata.schema.fields.map((f) => f.name), ["id", "name", "score"]);
  assert.deepEqual(back.rows, [JSON.stringify(["1", "a", null]), JSON.stringify(["2", "b", "5"])]);
});
