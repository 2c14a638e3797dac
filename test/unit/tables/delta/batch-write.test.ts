/**
 * `df.write.format("delta")`: the four save modes, overwriteSchema, mergeSchema, partitionBy,
 * option validation and no `_SUCCESS` marker. Tables are read back by log replay and DuckDB, and
 * through `spark.read.format("delta")`.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnalysisError, ConfigError, SparkSession } from "../../../../src/index.js";
import { readBack } from "./written-table.js";
import { query } from "../../formats/parquet/duckdb.js";

const spark = SparkSession.builder.getOrCreate();
const base = mkdtempSync(join(tmpdir(), "sluice-delta-batch-write-"));
after(() => rmSync(base, { recursive: true, force: true }));

function commitInfo(table: string, version: number): Record<string, unknown> {
  const first = readFileSync(join(table, "_delta_log", `${String(version).padStart(20, "0")}.json`), "utf8").split("\n")[0];
  return (JSON.parse(first) as { commitInfo: Record<string, unknown> }).commitInfo;
}

const people = (rows: [string, number][]) => spark.createDataFrame(rows.map(([name, age]) => ({ name, age })), "name STRING, age INT");
const rowsOf = (rows: [string, number][]) => rows.map(([n, a]) => JSON.stringify([n, String(a)])).sort();

test("errorifexists creates the table, then refuses; append adds; ignore leaves it; no _SUCCESS", async () => {
  const t = join(base, "modes");
  await people([["ann", 30], ["bob", 40]]).write.format("delta").save(t);
  let back = await readBack(t);
  assert.equal(back.snapshot.version, 0);
  assert.deepEqual(back.rows, rowsOf([["ann", 30], ["bob", 40]]));
  assert.equal(commitInfo(t, 0).operation, "WRITE");
  assert.deepEqual(commitInfo(t, 0).operationParameters, { mode: "ErrorIfExists", partitionBy: "[]" });
  assert.ok(!existsSync(join(t, "_SUCCESS")), "Delta writes no _SUCCESS marker");

  await assert.rejects(
    people([["cy", 1]]).write.format("delta").save(t),
    (e: unknown) => e instanceof AnalysisError && e.message.includes(`Table file://${t} already exists`),
  );
  await people([["cy", 50]]).write.format("delta").mode("append").save(t);
  assert.deepEqual(commitInfo(t, 1).operationParameters, { mode: "Append", partitionBy: "[]" });
  await people([["dan", 60]]).write.format("delta").mode("ignore").save(t);
  back = await readBack(t);
  assert.equal(back.snapshot.version, 1, "ignore commits nothing on an existing table");
  assert.deepEqual(back.rows, rowsOf([["ann", 30], ["bob", 40], ["cy", 50]]));
  const viaSpark = await spark.read.format("delta").load(t).collect();
  assert.equal(viaSpark.length, 3);
  // ignore on a missing table writes it.
  await people([["eve", 70]]).write.format("delta").mode("ignore").save(join(base, "ignored-new"));
  assert.deepEqual((await readBack(join(base, "ignored-new"))).rows, rowsOf([["eve", 70]]));
});

test("overwrite replaces all rows in one commit; overwriteSchema changes schema and partitioning", async () => {
  const t = join(base, "over");
  await people([["ann", 30], ["bob", 40]]).write.format("delta").partitionBy("age").save(t);
  await people([["zed", 99]]).write.format("delta").mode("overwrite").save(t);
  let back = await readBack(t);
  assert.equal(back.snapshot.version, 1);
  assert.deepEqual(back.rows, rowsOf([["zed", 99]]));
  assert.deepEqual(back.snapshot.metadata.partitionColumns, ["age"]);
  assert.equal(back.snapshot.tombstones.length, 2);
  assert.deepEqual(commitInfo(t, 1).operationParameters, { mode: "Overwrite", partitionBy: "[]" });

  const other = spark.createDataFrame([{ name: "x", city: "paris" }], "name STRING, city STRING");
  await assert.rejects(other.write.format("delta").mode("overwrite").save(t), (e: unknown) => e instanceof AnalysisError && /city string.*mergeSchema/.test(e.message));
  await other.write.format("delta").mode("overwrite").option("overwriteSchema", "true").partitionBy("city").save(t);
  back = await readBack(t);
  assert.deepEqual(back.snapshot.metadata.schema.fields.map((f) => f.name), ["name", "city"]);
  assert.deepEqual(back.snapshot.metadata.partitionColumns, ["city"]);
  assert.deepEqual(back.rows, [JSON.stringify(["x", "paris"])]);
});

test("mergeSchema on append adds the new column; partitionBy must match an existing table's", async () => {
  const t = join(base, "merge");
  await people([["ann", 30]]).write.format("delta").save(t);
  const wider = spark.createDataFrame([{ age: 41, name: "bob", city: "rome" }], "age INT, name STRING, city STRING");
  await assert.rejects(wider.write.format("delta").mode("append").save(t), /lacks: city string/);
  await wider.write.format("delta").mode("append").option("mergeSchema", "true").save(t);
  const back = await readBack(t);
  assert.deepEqual(back.rows, [JSON.stringify(["ann", "30", null]), JSON.stringify(["bob", "41", "rome"])]);
  await assert.rejects(people([["x", 1]]).write.format("delta").mode("append").partitionBy("name").save(t), /partitionBy \(name\) differs/);
});

test("unknown options are ConfigErrors with a did-you-mean; options validate their values", async () => {
  const t = join(base, "opts");
  await assert.rejects(
    people([["a", 1]]).write.format("delta").option("mergeSchemas", "true").save(t),
    (e: unknown) => e instanceof ConfigError && /unknown option 'mergeSchemas'/.test(e.message) && /mergeSchema/.test(e.message),
  );
  await assert.rejects(people([["a", 1]]).write.format("delta").option("targetFileSize", "big").save(t), ConfigError);
  await assert.rejects(people([["a", 1]]).write.format("delta").option("maxRecordsPerFile", "0").save(t), ConfigError);
  await assert.rejects(people([["a", 1]]).write.format("delta").save(), (e: unknown) => e instanceof ConfigError && /'path' is not specified/.test(e.message));
  assert.ok(!existsSync(t));
  await people([["a", 1], ["b", 2], ["c", 3]]).write.format("delta").option("MAXRECORDSPERFILE", "1").option("path", t).save();
  const back = await readBack(t);
  assert.equal(back.snapshot.files.length, 3, "maxRecordsPerFile (case-insensitive name) rolls files");
});

test("a checkpoint that cannot be written does not fail the committed write (a retry would append twice)", async () => {
  const t = join(base, "checkpoint-fails");
  for (let i = 0; i < 10; i++) await people([[`p${i}`, i]]).write.format("delta").mode("append").save(t);
  // Something occupies the checkpoint's name, so writing checkpoint 10 fails.
  mkdirSync(join(t, "_delta_log", `${String(10).padStart(20, "0")}.checkpoint.parquet`));
  await people([["late", 10]]).write.format("delta").mode("append").save(t);
  const back = await readBack(t);
  assert.equal(back.snapshot.version, 10);
  assert.equal(back.rows.length, 11);
});

test("option compression picks the data files' Parquet codec and Spark's file-name infix", async () => {
  for (const [codec, infix, duck] of [["zstd", ".c000.zstd.parquet", "ZSTD"], ["none", ".c000.parquet", "UNCOMPRESSED"], ["snappy", ".c000.snappy.parquet", "SNAPPY"]] as const) {
    const t = join(base, `codec-${codec}`);
    await people([["ann", 30]]).write.format("delta").option("compression", codec).save(t);
    const back = await readBack(t);
    assert.deepEqual(back.rows, rowsOf([["ann", 30]]));
    const [file] = back.snapshot.files;
    assert.ok(file.path.endsWith(infix), `${codec}: ${file.path}`);
    const codecs = await query(`SELECT DISTINCT compression FROM parquet_metadata('${join(t, file.path).replaceAll("'", "''")}')`);
    assert.deepEqual(codecs, [{ compression: duck }], codec);
  }
  await assert.rejects(
    people([["x", 1]]).write.format("delta").option("compression", "lz4").save(join(base, "codec-bad")),
    (e: unknown) => e instanceof ConfigError && /compression/.test(e.message),
  );
});
