/**
 * `df.write`: Parquet and JSON output with every save mode, read back by DuckDB (an independent
 * reader), plus batch reads of file folders with `spark.read`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession, AnalysisError, ConfigError, MemoryStream, col } from "../../../src/index.js";
import { query } from "../formats/parquet/duckdb.js";
import { tempPath, uniqueName } from "./support.js";

const spark = SparkSession.builder.appName("writer-test").getOrCreate();

const df = spark.createDataFrame(
  [
    { id: "a", n: 1n, score: 1.5 },
    { id: "b", n: null, score: 2.25 },
    { id: "c", n: 3n, score: null },
  ],
  "id STRING, n BIGINT, score DOUBLE",
);

const dataFiles = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext));

test("parquet: default mode writes once, then errorifexists refuses; DuckDB reads the rows", async () => {
  const out = tempPath("pq");
  await df.write.parquet(out);
  assert.ok(existsSync(join(out, "_SUCCESS")));
  assert.equal(dataFiles(out, ".snappy.parquet").length, 1);
  assert.deepEqual(await query(`SELECT id, n, score FROM read_parquet('${out}/*.parquet') ORDER BY id`), [
    { id: "a", n: "1", score: 1.5 },
    { id: "b", n: null, score: 2.25 },
    { id: "c", n: "3", score: null },
  ]);
  await assert.rejects(df.write.parquet(out), (e: unknown) => e instanceof AnalysisError && /already exists/.test(e.message));
  await assert.rejects(df.write.mode("error").parquet(out), AnalysisError);
});

test("parquet: append adds files, ignore does nothing, overwrite replaces everything", async () => {
  const out = tempPath("modes");
  await df.write.format("parquet").mode("append").save(out); // append to a missing path creates it
  await df.filter(col("id").eq("a")).write.mode("append").parquet(out);
  assert.deepEqual(await query(`SELECT count(*) AS c FROM read_parquet('${out}/*.parquet')`), [{ c: "4" }]);
  await df.write.mode("ignore").parquet(out);
  assert.deepEqual(await query(`SELECT count(*) AS c FROM read_parquet('${out}/*.parquet')`), [{ c: "4" }]);
  await df.filter(col("id").eq("c")).write.mode("overwrite").parquet(out);
  assert.equal(dataFiles(out, ".parquet").length, 1);
  assert.deepEqual(await query(`SELECT id, n FROM read_parquet('${out}/*.parquet')`), [{ id: "c", n: "3" }]);
  // ignore into a new path writes.
  const fresh = tempPath("ignore");
  await df.write.mode("ignore").parquet(fresh);
  assert.deepEqual(await query(`SELECT count(*) AS c FROM read_parquet('${fresh}/*.parquet')`), [{ c: "3" }]);
});

test("parquet files carry Spark's row metadata and compression options are honoured", async () => {
  const out = tempPath("gz");
  await df.write.option("compression", "gzip").parquet(out);
  assert.equal(dataFiles(out, ".gz.parquet").length, 1);
  const meta = await query(`SELECT decode(key) AS k FROM parquet_kv_metadata('${out}/*.parquet')`);
  assert.ok(meta.some((m) => m.k === "org.apache.spark.sql.parquet.row.metadata"));
  const codecs = await query(`SELECT DISTINCT compression FROM parquet_metadata('${out}/*.parquet')`);
  assert.deepEqual(codecs, [{ compression: "GZIP" }]);
});

test("partitionBy writes Hive-style folders without the partition column in the files", async () => {
  const out = tempPath("part");
  await df.write.partitionBy("id").parquet(out);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith("id=")).sort(), ["id=a", "id=b", "id=c"]);
  const rows = await query(`SELECT id, n FROM read_parquet('${out}/*/*.parquet', hive_partitioning = true) ORDER BY id`);
  assert.deepEqual(rows, [
    { id: "a", n: "1" },
    { id: "b", n: null },
    { id: "c", n: "3" },
  ]);
});

test("json: one object per line, nulls omitted, modes as for parquet", async () => {
  const out = tempPath("json");
  await df.write.format("json").save(out);
  assert.equal(dataFiles(out, ".json").length, 1);
  assert.deepEqual(await query(`SELECT id, n, score FROM read_json_auto('${out}/*.json') ORDER BY id`), [
    { id: "a", n: "1", score: 1.5 },
    { id: "b", n: null, score: 2.25 },
    { id: "c", n: "3", score: null },
  ]);
  await assert.rejects(df.write.json(out), AnalysisError);
  await df.write.mode("append").json(out);
  assert.deepEqual(await query(`SELECT count(*) AS c FROM read_json_auto('${out}/*.json')`), [{ c: "6" }]);
  await df.limit(1).write.mode("overwrite").json(out);
  assert.deepEqual(await query(`SELECT id FROM read_json_auto('${out}/*.json')`), [{ id: "a" }]);
});

test("bad save modes, formats and options are ConfigErrors naming the value", async () => {
  assert.throws(() => df.write.mode("replace"), (e: unknown) => e instanceof ConfigError && /unknown save mode 'replace'/.test(e.message));
  await assert.rejects(df.write.format("avro").save(tempPath("x")), (e: unknown) => e instanceof ConfigError && /avro/.test(e.message));
  await assert.rejects(df.write.option("compresion", "gzip").parquet(tempPath("x")), (e: unknown) => e instanceof ConfigError && /did you mean 'compression'/.test(e.message));
  await assert.rejects(df.write.partitionBy("nope").parquet(tempPath("x")), (e: unknown) => e instanceof AnalysisError && /'nope'/.test(e.message));
});

test("a batch write into a streaming sink's folder (with _spark_metadata) is refused", async () => {
  const input = new MemoryStream("id STRING, n BIGINT, score DOUBLE", uniqueName("ms"));
  const out = tempPath("sink");
  input.addData([{ id: "s", n: 1n, score: 0 }]);
  const q = spark.readStream.format("memory").option("name", input.name).load().writeStream.format("parquet")
    .option("checkpointLocation", tempPath("ck")).trigger({ availableNow: true }).start(out);
  await q.awaitTermination();
  await assert.rejects(df.write.mode("append").parquet(out), (e: unknown) => e instanceof AnalysisError && /_spark_metadata/.test(e.message));
});

test("spark.read reads a folder of JSON or text files once, as a batch DataFrame", async () => {
  const dir = tempPath("landing");
  mkdirSync(dir);
  writeFileSync(join(dir, "a.json"), '{"x":1,"y":"p"}\n{"x":2}\n');
  writeFileSync(join(dir, "b.json"), '{"x":3,"y":"q"}\n');
  const j = spark.read.schema("x INT, y STRING").json(dir);
  assert.equal(j.isStreaming, false);
  assert.deepEqual(await j.orderBy("x").collect(), [
    { x: 1, y: "p" },
    { x: 2, y: null },
    { x: 3, y: "q" },
  ]);
  assert.equal(await spark.read.format("text").load(dir).count(), 3);
});
