/**
 * The batch DataFrame API as users call it through the package entry point: builders, schema
 * accessors, printSchema/explain output, actions, temp views, and analysis errors raised at the
 * builder call that introduced them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SparkSession,
  DataFrame,
  AnalysisError,
  ExecutionError,
  ParseError,
  col,
  lit,
  upper,
  sum,
  count,
  avg,
  max,
  min,
  desc,
  StructType,
  StructField,
  StringType,
  IntegerType,
  LongType,
  DoubleType,
} from "../../../src/index.js";
import { captureStdout } from "./support.js";

const spark = SparkSession.builder.appName("dataframe-test").getOrCreate();

function people(): DataFrame {
  return spark.createDataFrame(
    [
      { name: "ann", dept: "eng", age: 34, salary: 100.5 },
      { name: "bob", dept: "eng", age: 28, salary: 80 },
      { name: "cy", dept: "ops", age: null, salary: 60 },
      { name: "dee", dept: "ops", age: 41, salary: null },
      { name: "eve", dept: null, age: 25, salary: 70 },
    ],
    "name STRING, dept STRING, age INT, salary DOUBLE",
  );
}

test("createDataFrame takes a DDL string or a StructType; schema, columns and dtypes follow it", async () => {
  const df = people();
  assert.deepEqual(df.columns, ["name", "dept", "age", "salary"]);
  assert.deepEqual(df.dtypes, [
    ["name", "string"],
    ["dept", "string"],
    ["age", "int"],
    ["salary", "double"],
  ]);
  assert.equal(df.isStreaming, false);
  const schema = StructType([StructField("id", LongType(), false), StructField("label", StringType(), true)]);
  const df2 = spark.createDataFrame([{ id: 1n, label: "x" }], schema);
  assert.deepEqual(df2.schema, schema);
  assert.deepEqual(await df2.collect(), [{ id: 1n, label: "x" }]);
});

test("createDataFrame keeps timestamp microseconds from every input form", async () => {
  const forms = [
    { k: "bigint", ts: 1_714_564_800_123_456n },
    { k: "iso", ts: "2024-05-01T12:00:00.123456Z" },
    { k: "zone-less", ts: "2024-05-01 12:00:00.123456" },
    { k: "offset", ts: "2024-05-01T14:00:00.123456+02:00" },
    { k: "date", ts: new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 123)) },
  ];
  const df = spark.createDataFrame(forms, "k STRING, ts TIMESTAMP");
  const us = 1_714_564_800_123_456n;
  assert.deepEqual(await micros(df), [us, us, us, us, us - 456n]); // a Date holds milliseconds
  assert.deepEqual((await df.selectExpr("CAST(ts AS STRING) AS s").collect())[0], { s: "2024-05-01 12:00:00.123456" });
  // A zone-less string is a wall-clock time in the session time zone.
  spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles");
  try {
    const la = spark.createDataFrame([{ ts: "2024-05-01 05:00:00.000001" }], "ts TIMESTAMP");
    assert.deepEqual(await micros(la), [1_714_564_800_000_001n]);
  } finally {
    spark.conf.unset("spark.sql.session.timeZone");
  }
});

/** The stored microseconds of the `ts` column. */
async function micros(df: DataFrame): Promise<bigint[]> {
  const out: bigint[] = [];
  for (const b of await df.collectBatches()) {
    const v = b.columns[b.schema.fields.findIndex((f) => f.name === "ts")];
    assert.ok(v.kind === "i64");
    out.push(...v.values);
  }
  return out;
}

test("createDataFrame verifies the schema: an out-of-range or non-integral value is an error naming row, column and value", () => {
  const fails = (rows: Record<string, unknown>[], ddl: string, message: RegExp) =>
    assert.throws(() => spark.createDataFrame(rows, ddl), (e: unknown) => e instanceof ExecutionError && e.code === "SLUICE_EXECUTION" && message.test(e.message));
  fails([{ n: 1 }, { n: 2 ** 31 }], "n INT", /^createDataFrame: row 1, column 'n' \(int\): value 2147483648 is out of range \[-2147483648, 2147483647\]$/);
  fails([{ n: 40000 }], "n SMALLINT", /row 0, column 'n' \(smallint\): value 40000 is out of range/);
  fails([{ n: 200 }], "n TINYINT", /row 0, column 'n' \(tinyint\): value 200 is out of range/);
  fails([{ n: 2n ** 63n }], "n BIGINT", /row 0, column 'n' \(bigint\): value 9223372036854775808n is out of range/);
  fails([{ n: 2.5 }], "n BIGINT", /value 2.5 is not an integer/);
  fails([{ n: Number.NaN }], "n INT", /value NaN is not an integer/);
  fails([{ s: { n: [1, 2 ** 40] } }], "s STRUCT<n: ARRAY<INT>>", /row 0, column 's\.n\[1\]' \(int\): value 1099511627776 is out of range/);
});

test("printSchema prints Spark's tree", async () => {
  const out = await captureStdout(() => people().printSchema());
  assert.equal(
    out,
    "root\n |-- name: string (nullable = true)\n |-- dept: string (nullable = true)\n |-- age: integer (nullable = true)\n |-- salary: double (nullable = true)\n\n",
  );
});

test("select takes names, Columns, arrays of either, and expressions with aliases", async () => {
  const df = people();
  assert.deepEqual(await df.select("name", col("age")).limit(2).collect(), [
    { name: "ann", age: 34 },
    { name: "bob", age: 28 },
  ]);
  assert.deepEqual(await df.select(["name"]).limit(1).collect(), [{ name: "ann" }]);
  const r = df.select(upper(col("name")).alias("N"), col("age").plus(1).alias("next"));
  assert.deepEqual(r.columns, ["N", "next"]);
  assert.deepEqual(await r.limit(3).collect(), [
    { N: "ANN", next: 35 },
    { N: "BOB", next: 29 },
    { N: "CY", next: null },
  ]);
});

test("selectExpr parses SQL expressions, with Spark's output names", async () => {
  const df = people().selectExpr("name", "age * 2 AS double_age", "CAST(age AS STRING)", "upper(dept)");
  assert.deepEqual(df.columns, ["name", "double_age", "age", "upper(dept)"]);
  assert.deepEqual(df.dtypes[2], ["age", "string"]);
  assert.deepEqual(await df.limit(1).collect(), [{ name: "ann", double_age: 68, age: "34", "upper(dept)": "ENG" }]);
  assert.throws(() => people().selectExpr("age +"), ParseError);
});

test("filter and where take a Column or a SQL string; null conditions drop the row", async () => {
  const df = people();
  const names = async (d: DataFrame) => (await d.collect()).map((r) => r.name);
  assert.deepEqual(await names(df.filter(col("age").gt(30))), ["ann", "dee"]);
  assert.deepEqual(await names(df.where("age > 30")), ["ann", "dee"]);
  assert.deepEqual(await names(df.filter("dept = 'eng' AND salary >= 90")), ["ann"]);
  assert.deepEqual(await names(df.filter(col("dept").isNull())), ["eve"]);
  assert.deepEqual(await names(df.where(col("age").isNotNull().and(col("salary").isNotNull()))), ["ann", "bob", "eve"]);
  assert.deepEqual(await names(df.filter(lit(false))), []);
});

test("withColumn replaces a same-named column in place and appends a new one at the end", async () => {
  const df = people();
  const replaced = df.withColumn("age", col("age").plus(100));
  assert.deepEqual(replaced.columns, ["name", "dept", "age", "salary"]);
  assert.deepEqual((await replaced.first())?.age, 134);
  // Matching is case-insensitive, as in Spark; the new name's spelling wins.
  const ci = df.withColumn("AGE", lit(1));
  assert.deepEqual(ci.columns, ["name", "dept", "AGE", "salary"]);
  const appended = df.withColumn("bonus", col("salary").multiply(0.1));
  assert.deepEqual(appended.columns, ["name", "dept", "age", "salary", "bonus"]);
  assert.deepEqual(appended.dtypes[4], ["bonus", "double"]);
  const first = await appended.first();
  assert.ok(first !== null && typeof first.bonus === "number" && Math.abs(first.bonus - 10.05) < 1e-9);
});

test("withColumnRenamed renames in place and ignores unknown names; drop ignores unknown names", async () => {
  const df = people();
  assert.deepEqual(df.withColumnRenamed("dept", "team").columns, ["name", "team", "age", "salary"]);
  assert.equal(df.withColumnRenamed("nope", "x"), df);
  assert.deepEqual(df.drop("age", "salary").columns, ["name", "dept"]);
  assert.deepEqual(df.drop(col("name")).columns, ["dept", "age", "salary"]);
  assert.deepEqual(df.drop("nope").columns, df.columns);
});

test("dropDuplicates keeps the first row of each key; distinct considers every column", async () => {
  const df = spark.createDataFrame(
    [
      { k: "a", v: 1 },
      { k: "a", v: 1 },
      { k: "b", v: 2 },
      { k: "a", v: 3 },
      { k: null, v: 4 },
      { k: null, v: 5 },
    ],
    "k STRING, v INT",
  );
  assert.deepEqual(await df.dropDuplicates(["k"]).collect(), [
    { k: "a", v: 1 },
    { k: "b", v: 2 },
    { k: null, v: 4 },
  ]);
  assert.equal(await df.distinct().count(), 5);
  assert.equal(await df.dropDuplicates().count(), 5);
  assert.throws(() => df.dropDuplicates(["kk"]), (e: unknown) => e instanceof AnalysisError && /cannot resolve column 'kk'.*did you mean 'k'/.test(e.message));
});

test("dropDuplicates takes Spark's forms: none, a PySpark list, Scala varargs, one name (never split into characters)", async () => {
  const df = spark.createDataFrame(
    [
      { guid: "g1", day: "mon", n: 1 },
      { guid: "g1", day: "tue", n: 2 },
      { guid: "g2", day: "mon", n: 3 },
      { guid: "g1", day: "mon", n: 4 },
      { guid: "g1", day: "mon", n: 1 },
    ],
    "guid STRING, day STRING, n INT",
  );
  const ns = async (d: DataFrame) => (await d.collect()).map((r) => r.n);
  // One name: the column "guid", not the columns "g", "u", "i", "d".
  assert.deepEqual(await ns(df.dropDuplicates("guid")), [1, 3]);
  const plan = df.dropDuplicates("guid").resolved;
  assert.ok(plan.kind === "deduplicate");
  assert.deepEqual(plan.keyOrdinals, [0]);
  assert.deepEqual(await ns(df.dropDuplicates(["guid"])), [1, 3]);
  assert.deepEqual(await ns(df.dropDuplicates("guid", "day")), [1, 2, 3]);
  assert.deepEqual(await ns(df.dropDuplicates(["guid", "day"])), [1, 2, 3]);
  assert.deepEqual(await ns(df.drop_duplicates("guid", "day")), [1, 2, 3]);
  assert.deepEqual(await ns(df.drop_duplicates(["guid"])), [1, 3]);
  assert.deepEqual(await ns(df.dropDuplicates()), [1, 2, 3, 4]);
  assert.deepEqual(await ns(df.dropDuplicates(null)), [1, 2, 3, 4]); // PySpark's subset=None
  assert.deepEqual(await ns(df.distinct()), [1, 2, 3, 4]);
  // Unknown names fail at the call, naming the column, in every form.
  for (const bad of [() => df.dropDuplicates("guid", "dya"), () => df.dropDuplicates(["dya"]), () => df.dropDuplicates("dya")]) {
    assert.throws(bad, (e: unknown) => e instanceof AnalysisError && /dropDuplicates: cannot resolve column 'dya' among \[guid, day, n\]; did you mean 'day'/.test(e.message));
  }
  // What a JavaScript caller could pass that is not a column name.
  const loose = df.dropDuplicates as (...args: unknown[]) => DataFrame;
  assert.throws(() => loose.call(df, ["guid", 3]), (e: unknown) => e instanceof AnalysisError && /dropDuplicates takes column names.*got number/.test(e.message));
  assert.throws(() => loose.call(df, "guid", ["day"]), (e: unknown) => e instanceof AnalysisError && /got a nested list/.test(e.message));
});

test("groupBy().agg() and the shortcuts name their columns as Spark does", async () => {
  const df = people();
  const g = df.groupBy("dept").agg(sum("salary"), count("*"), avg("age"), max("age"), min("name").alias("first_name"));
  assert.deepEqual(g.columns, ["dept", "sum(salary)", "count(1)", "avg(age)", "max(age)", "first_name"]);
  assert.deepEqual(g.dtypes.slice(1, 3), [
    ["sum(salary)", "double"],
    ["count(1)", "bigint"],
  ]);
  const rows = await g.orderBy("dept").collect();
  assert.deepEqual(rows, [
    { dept: null, "sum(salary)": 70, "count(1)": 1n, "avg(age)": 25, "max(age)": 25, first_name: "eve" },
    { dept: "eng", "sum(salary)": 180.5, "count(1)": 2n, "avg(age)": 31, "max(age)": 34, first_name: "ann" },
    // avg and max skip nulls; sum of (60, null) is 60.
    { dept: "ops", "sum(salary)": 60, "count(1)": 2n, "avg(age)": 41, "max(age)": 41, first_name: "cy" },
  ]);
  assert.deepEqual(df.groupBy("dept").count().columns, ["dept", "count"]);
  assert.deepEqual(df.groupBy("dept").sum("age").columns, ["dept", "sum(age)"]);
  assert.deepEqual(df.groupBy("dept").avg("age").columns, ["dept", "avg(age)"]);
  assert.deepEqual(df.groupBy("dept").min("age").columns, ["dept", "min(age)"]);
  assert.deepEqual(df.groupBy("dept").max("age", "salary").columns, ["dept", "max(age)", "max(salary)"]);
  assert.deepEqual(df.groupBy("dept").agg({ age: "max", salary: "mean" }).columns, ["dept", "max(age)", "avg(salary)"]);
  const counts = await df.groupBy(col("dept")).count().orderBy(desc("count"), "dept").collect();
  assert.deepEqual(counts, [
    { dept: "eng", count: 2n },
    { dept: "ops", count: 2n },
    { dept: null, count: 1n },
  ]);
  // A global aggregate has one row, even over no input rows.
  assert.deepEqual(await df.agg(count("*").alias("n"), max("age").alias("oldest")).collect(), [{ n: 5n, oldest: 41 }]);
  assert.deepEqual(await df.filter(lit(false)).agg(count("*").alias("n")).collect(), [{ n: 0n }]);
});

test("groupBy rejects a non-aggregated column that is not grouped", () => {
  assert.throws(
    () => people().groupBy("dept").agg(col("name")),
    (e: unknown) => e instanceof AnalysisError && /'name' is neither present in the group by, nor is it an aggregate function/.test(e.message),
  );
});

test("union matches by position and keeps duplicates; unionByName matches by name", async () => {
  const a = spark.createDataFrame([{ x: 1, y: "a" }], "x INT, y STRING");
  const b = spark.createDataFrame([{ y: "b", x: 2 }], "y STRING, x INT");
  assert.deepEqual(await a.union(a).collect(), [
    { x: 1, y: "a" },
    { x: 1, y: "a" },
  ]);
  assert.deepEqual(await a.unionByName(b).collect(), [
    { x: 1, y: "a" },
    { x: 2, y: "b" },
  ]);
  assert.throws(() => a.union(b), (e: unknown) => e instanceof AnalysisError && /union/.test(e.message));
  assert.throws(() => a.union(a.select("x")), (e: unknown) => e instanceof AnalysisError && /same number of columns/.test(e.message));
  const c = spark.createDataFrame([{ x: 3 }], "x INT");
  assert.throws(() => a.unionByName(c), (e: unknown) => e instanceof AnalysisError && /'y' is missing/.test(e.message));
  assert.deepEqual(await a.unionByName(c, true).collect(), [
    { x: 1, y: "a" },
    { x: 3, y: null },
  ]);
});

test("orderBy sorts with Spark's null ordering (nulls first ascending, last descending); limit cuts", async () => {
  const df = people();
  const asc = (await df.orderBy("age").collect()).map((r) => r.name);
  assert.deepEqual(asc, ["cy", "eve", "bob", "ann", "dee"]);
  const dsc = (await df.orderBy(col("age").desc()).collect()).map((r) => r.name);
  assert.deepEqual(dsc, ["dee", "ann", "bob", "eve", "cy"]);
  const multi = (await df.sort(col("dept").asc_nulls_last(), col("salary").desc()).collect()).map((r) => r.name);
  assert.deepEqual(multi, ["ann", "bob", "cy", "dee", "eve"]);
  assert.deepEqual((await df.orderBy(col("age").desc()).limit(2).collect()).map((r) => r.name), ["dee", "ann"]);
  assert.equal(await df.limit(0).count(), 0);
  assert.throws(() => df.limit(-1), AnalysisError);
});

test("actions: count, take, first, collect", async () => {
  const df = people();
  assert.equal(await df.count(), 5);
  assert.deepEqual((await df.take(2)).map((r) => r.name), ["ann", "bob"]);
  assert.deepEqual(await df.select("name").first(), { name: "ann" });
  assert.equal(await df.filter("age > 100").first(), null);
  assert.equal((await df.collect()).length, 5);
});

test("createOrReplaceTempView registers a view for spark.table; replacing it changes what it returns", async () => {
  people().createOrReplaceTempView("people_view");
  assert.deepEqual((await spark.table("people_view").filter(col("age").gt(40)).collect()).map((r) => r.name), ["dee"]);
  // View names are case-insensitive, as in Spark.
  assert.equal(await spark.table("PEOPLE_VIEW").count(), 5);
  people().limit(1).createOrReplaceTempView("people_view");
  assert.equal(await spark.table("people_view").count(), 1);
  assert.throws(
    () => spark.table("peple_view"),
    (e: unknown) => e instanceof AnalysisError && /table or view not found: peple_view; did you mean 'people_view'/.test(e.message),
  );
});

test("an unknown column fails at the builder call, with a did-you-mean", () => {
  const df = people();
  const check = (f: () => unknown) =>
    assert.throws(f, (e: unknown) => e instanceof AnalysisError && /cannot resolve column 'salry' among \[name, dept, age, salary\]; did you mean 'salary'/.test(e.message));
  check(() => df.select("salry"));
  check(() => df.select(col("salry").plus(1)));
  check(() => df.filter(col("salry").gt(1)));
  check(() => df.where("salry > 1"));
  check(() => df.withColumn("x", col("salry")));
  check(() => df.groupBy("salry"));
  check(() => df.groupBy("dept").agg(sum("salry")));
  check(() => df.orderBy("salry"));
  check(() => df.selectExpr("salry + 1"));
});

test("a type mismatch fails at the builder call", () => {
  assert.throws(() => people().filter(col("name")), AnalysisError);
});

test("explain prints the plan tree; extended adds types", async () => {
  const df = people().filter(col("age").gt(30)).select("name", "age");
  const out = await captureStdout(() => df.explain());
  assert.equal(out, "== Physical Plan ==\nProject [name AS name, age AS age]\n+- Filter (age > 30)\n   +- LocalRelation [name, dept, age, salary], 5 rows\n");
  const ext = await captureStdout(() => people().groupBy("dept").count().explain(true));
  assert.match(ext, /^== Analyzed Logical Plan ==\n/);
  assert.match(ext, /Aggregate \[dept\], \[dept, count\] {2}\[dept: string, count: bigint\]\n/);
  assert.match(ext, /\+- LocalRelation \[name, dept, age, salary\], 5 rows {2}\[name: string, dept: string, age: int, salary: double\]\n$/);
});

test("nested data: struct columns, data.* expansion, field access", async () => {
  const schema = StructType([
    StructField("data", StructType([StructField("id", StringType()), StructField("n", IntegerType())])),
    StructField("w", DoubleType()),
  ]);
  const df = spark.createDataFrame([{ data: { id: "e1", n: 5 }, w: 1.5 }], schema);
  assert.deepEqual(df.select("data.*").columns, ["id", "n"]);
  assert.deepEqual(await df.select("data.*").collect(), [{ id: "e1", n: 5 }]);
  assert.deepEqual(await df.select(col("data.id")).collect(), [{ id: "e1" }]);
});

test("writeStream on a batch DataFrame is an AnalysisError", () => {
  assert.throws(() => people().writeStream, (e: unknown) => e instanceof AnalysisError && /'writeStream' can be called only on a streaming DataFrame/.test(e.message));
});
