/**
 * The relational DataFrame methods Spark jobs use beyond select/filter/groupBy: na functions,
 * sample, toDF, withColumnsRenamed, describe/summary, head/isEmpty/toJSON, cache, inputFiles,
 * coalesce/repartition, and filters or sorts on a column the preceding select dropped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, col } from "../../../src/index.js";
import { tempPath } from "./support.js";

const spark = SparkSession.builder.appName("dataframe-relational-test").config("sluice.exec.workers", "0").getOrCreate();
const people = () =>
  spark.createDataFrame(
    [
      { name: "ann", age: 30, city: "Oslo", score: 1.5 },
      { name: "bob", age: null, city: null, score: 2.5 },
      { name: null, age: 25, city: "N/A", score: null },
    ],
    "name STRING, age INT, city STRING, score DOUBLE",
  );

test("na.fill / fillna fill nulls of matching types; na.drop / dropna; na.replace", async () => {
  assert.deepEqual(await people().na.fill(0).select("age", "score").collect(), [
    { age: 30, score: 1.5 },
    { age: 0, score: 2.5 },
    { age: 25, score: 0 },
  ]);
  assert.deepEqual((await people().fillna("?").collect()).map((r) => `${r.name}/${r.city}`), ["ann/Oslo", "bob/?", "?/N/A"]);
  assert.deepEqual((await people().fillna({ age: -1, city: "none" }).collect()).map((r) => `${r.age}/${r.city}`), ["30/Oslo", "-1/none", "25/N/A"]);
  assert.equal(await people().na.drop().count(), 1);
  assert.equal(await people().dropna("all", undefined, ["age", "city"]).count(), 2);
  assert.equal(await people().dropna("any", 3).count(), 1);
  assert.deepEqual((await people().na.replace("N/A", null, "city").collect()).map((r) => r.city), ["Oslo", null, null]);
  assert.throws(() => people().na.fill(0, ["nope"]), AnalysisError);
});

test("sample is reproducible with a seed and near its fraction", async () => {
  const df = spark.range(10000);
  const a = await df.sample(0.1, 7).count();
  const b = await df.sample(0.1, 7).count();
  assert.equal(a, b);
  assert.ok(a > 800 && a < 1200, `sampled ${a} of 10000 at 0.1`);
  const withReplacement = await df.sample(true, 2.0, 3).count();
  assert.ok(withReplacement > 18000 && withReplacement < 22000, `sampled ${withReplacement} with replacement at 2.0`);
  assert.throws(() => df.sample(1.5, 1), /fraction must be in \[0, 1\]/);
});

test("toDF, withColumnsRenamed, head, isEmpty, toJSON, cache, coalesce", async () => {
  const df = people().select("name", "age").toDF("n", "a");
  assert.deepEqual(df.columns, ["n", "a"]);
  assert.deepEqual(people().withColumnsRenamed({ name: "who", city: "where" }).columns, ["who", "age", "where", "score"]);
  assert.deepEqual(await people().select("name").head(), { name: "ann" });
  assert.deepEqual(await people().select("name").head(2), [{ name: "ann" }, { name: "bob" }]);
  assert.equal(await people().filter("age > 100").isEmpty(), true);
  assert.deepEqual((await people().select("name", "age").toJSON().collect())[0], { value: '{"name":"ann","age":30}' });
  const cached = people().cache();
  assert.equal(cached.isCached, true);
  assert.equal(await cached.count(), 3);
  assert.deepEqual(await cached.collect(), await people().collect());
  assert.equal(people().coalesce(1).repartition(4, "city").columns.length, 4);
  assert.deepEqual(await people().repartition(3).collect(), await people().collect());
});

test("describe and summary compute Spark's statistics as strings", async () => {
  const d = await people().describe("age", "city").collect();
  assert.deepEqual(d.map((r) => [r.summary, r.age, r.city]), [
    ["count", "2", "2"],
    ["mean", "27.5", null],
    ["stddev", "3.5355339059327378", null],
    ["min", "25", "N/A"],
    ["max", "30", "Oslo"],
  ]);
  const s = await spark.range(1, 101).summary("count", "50%", "max").collect();
  assert.deepEqual(s.map((r) => `${r.summary}=${r.id}`), ["count=100", "50%=50", "max=100"]);
});

test("a filter or sort on a column the select dropped resolves below the select", async () => {
  const df = people().select("name").filter("age > 26");
  assert.deepEqual(await df.collect(), [{ name: "ann" }]);
  assert.deepEqual(await people().select("name").orderBy(col("age").desc_nulls_last()).collect(), [{ name: "ann" }, { name: null }, { name: "bob" }]);
  assert.throws(() => people().select("name").filter("nope > 1"), AnalysisError);
});

test("inputFiles lists a file source's data files", async () => {
  const dir = tempPath("input-files");
  await people().write.format("parquet").partitionBy("city").save(dir);
  const files = await spark.read.parquet(dir).inputFiles();
  assert.ok(files.length >= 2 && files.every((f) => f.startsWith("file://") && f.endsWith(".parquet")), JSON.stringify(files));
});

test("groupBy().pivot(), unpivot/melt and offset", async () => {
  const sales = spark.createDataFrame(
    [
      { course: "dotNET", year: 2012, earnings: 10000 },
      { course: "Java", year: 2012, earnings: 20000 },
      { course: "dotNET", year: 2013, earnings: 48000 },
    ],
    "course STRING, year INT, earnings INT",
  );
  const p = sales.groupBy("year").pivot("course", ["dotNET", "Java"]).sum("earnings").orderBy("year");
  assert.deepEqual(p.columns, ["year", "dotNET", "Java"]);
  assert.deepEqual(await p.collect(), [
    { year: 2012, dotNET: 10000n, Java: 20000n },
    { year: 2013, dotNET: 48000n, Java: null },
  ]);
  assert.throws(() => sales.groupBy("year").pivot("course"), /pass the pivot values/);
  const wide = spark.createDataFrame([{ id: 1, q1: 10, q2: 20 }], "id INT, q1 INT, q2 INT");
  assert.deepEqual(await wide.unpivot("id", ["q1", "q2"], "quarter", "sales").collect(), [
    { id: 1, quarter: "q1", sales: 10 },
    { id: 1, quarter: "q2", sales: 20 },
  ]);
  assert.deepEqual(await spark.range(5).offset(3).collect(), [{ id: 3n }, { id: 4n }]);
});

test("repartition(n) before a batch write makes n files of equal rows", async () => {
  const dir = tempPath("repartitioned");
  await spark.range(100).repartition(4).filter("id >= 0").write.parquet(dir);
  const files = await spark.read.parquet(dir).inputFiles();
  assert.equal(files.length, 4);
  assert.equal(await spark.read.parquet(dir).count(), 100);
  const delta = tempPath("repartitioned-delta");
  await spark.range(10).repartition(2).write.format("delta").save(delta);
  assert.equal((await spark.read.format("delta").load(delta).inputFiles()).length, 2);
  const single = tempPath("coalesced");
  await spark.range(100).repartition(4).coalesce(1).write.parquet(single);
  assert.equal((await spark.read.parquet(single).inputFiles()).length, 1, "coalesce(1) lowers the partition count");
});
