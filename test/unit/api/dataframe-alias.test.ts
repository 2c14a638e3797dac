/**
 * `DataFrame.alias(name)`: qualified column references (`s.id`, `s.*`) resolved as Spark's
 * analyzer does (a qualified column wins over a struct field of the same spelling), qualifiers
 * surviving row-preserving operators and plain-column projections, errors with did-you-mean,
 * explain output, and aliases on streaming DataFrames.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, MemoryStream, col, upper } from "../../../src/index.js";
import type { DataFrame } from "../../../src/index.js";
import { captureStdout } from "./support.js";

const spark = SparkSession.builder.appName("dataframe-alias-test").config("sluice.exec.workers", "0").getOrCreate();

/** Columns `id`, `s` (a struct whose fields are `id` and `x`) and `name`. */
function rows(): DataFrame {
  return spark.createDataFrame(
    [
      { id: 1n, s: { id: 10n, x: "a" }, name: "ann" },
      { id: 2n, s: { id: 20n, x: "b" }, name: "bob" },
      { id: 3n, s: null, name: "cy" },
    ],
    "id BIGINT, s STRUCT<id: BIGINT, x: STRING>, name STRING",
  );
}

function analysisError(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof AnalysisError, `expected AnalysisError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  };
}

test("alias: qualified references resolve to the aliased relation's columns; schema and rows unchanged", async () => {
  const df = rows();
  const u = df.alias("u");
  assert.deepEqual(u.columns, df.columns);
  assert.deepEqual(await u.collect(), await df.collect());
  assert.deepEqual(await u.select(col("u.id"), "u.name").collect(), [
    { id: 1n, name: "ann" },
    { id: 2n, name: "bob" },
    { id: 3n, name: "cy" },
  ]);
  // Case-insensitive qualifier and name, nested fields after the column, SQL strings too.
  assert.deepEqual(await u.select(col("U.S.x")).collect(), [{ x: "a" }, { x: "b" }, { x: null }]);
  assert.deepEqual(await u.filter("u.id > 1").selectExpr("u.id + 1 AS next").collect(), [{ next: 3n }, { next: 4n }]);
  // Unqualified names still work, and `as` is the same as `alias`.
  assert.deepEqual(await df.as("u").filter(col("u.name").eqNullSafe("bob")).select("id").collect(), [{ id: 2n }]);
});

test("alias: a qualified column wins over a struct field with the same spelling (Spark's rule)", async () => {
  const df = rows();
  // Without an alias, `s.id` is field `id` of struct column `s`.
  assert.deepEqual(await df.select(col("s.id")).collect(), [{ id: 10n }, { id: 20n }, { id: null }]);
  // Aliased `s`, `s.id` is column `id` of the relation: no ambiguity error.
  const s = df.alias("s");
  assert.deepEqual(await s.select(col("s.id")).collect(), [{ id: 1n }, { id: 2n }, { id: 3n }]);
  // The struct is still reachable: qualified (`s.s.id`), or as a field when the relation has no
  // column of that name (`s.x`: the relation has no column `x`, struct `s` has).
  assert.deepEqual(await s.select(col("s.s.id")).collect(), [{ id: 10n }, { id: 20n }, { id: null }]);
  assert.deepEqual(await s.select(col("s.x")).collect(), [{ x: "a" }, { x: "b" }, { x: null }]);
});

test("alias: `s.*` expands the relation's columns; the struct form `data.*` is unchanged", async () => {
  const df = rows();
  const t = df.alias("t");
  assert.deepEqual(t.select("t.*").columns, ["id", "s", "name"]);
  assert.deepEqual(await t.select("t.*").collect(), await df.collect());
  assert.deepEqual(t.selectExpr("t.*").columns, ["id", "s", "name"]);
  // With no relation `s`, `s.*` expands the struct; aliased `s`, it expands the relation (as Spark).
  assert.deepEqual(df.select("s.*").columns, ["id", "x"]);
  assert.deepEqual(df.alias("s").select("s.*").columns, ["id", "s", "name"]);
  assert.deepEqual(await t.select("s.*").collect(), [{ id: 10n, x: "a" }, { id: 20n, x: "b" }, { id: null, x: null }]);
});

test("alias: qualifiers survive filter, dropDuplicates, orderBy, limit, withColumn and plain projections", async () => {
  const t = rows().alias("t");
  const kept = t.filter("t.id > 0").dropDuplicates(["name"]).orderBy(col("t.id").desc()).limit(2).withColumn("up", upper(col("t.name")));
  assert.deepEqual(await kept.select("t.id", "up").collect(), [
    { id: 3n, up: "CY" },
    { id: 2n, up: "BOB" },
  ]);
  // A projection keeps the qualifier of a plain column reference only.
  const p = t.select(col("t.id"), col("name").alias("who"), col("id").plus(1).alias("next"));
  assert.deepEqual(await p.select("t.id").collect(), [{ id: 1n }, { id: 2n }, { id: 3n }]);
  assert.throws(() => p.select("t.who"), analysisError(/cannot resolve column 't.who' among \[t.id, who, next\]/));
  assert.throws(() => p.select("t.next"), analysisError(/cannot resolve column 't.next'/));
  // A grouping column keeps it too; aggregates do not.
  const g = t.groupBy("t.name").count();
  assert.deepEqual(await g.filter("t.name = 'ann'").select("count").collect(), [{ count: 1n }]);
  // drop() takes a qualified reference.
  assert.deepEqual(t.drop(col("t.s")).columns, ["id", "name"]);
});

test("alias: a new alias replaces the old one; the old qualifier no longer resolves", async () => {
  const b = rows().alias("a").alias("b");
  assert.deepEqual(await b.select("b.id").collect(), [{ id: 1n }, { id: 2n }, { id: 3n }]);
  assert.throws(() => b.select("a.id"), analysisError(/cannot resolve column 'a.id' among \[b.id, b.s, b.name\]; did you mean 'b.id'\?/));
  assert.throws(() => rows().alias(""), analysisError(/alias must not be empty/));
});

test("alias: unknown qualifiers and columns fail at the call, with did-you-mean", () => {
  const t = rows().alias("events");
  assert.throws(() => t.select("evnts.id"), analysisError(/cannot resolve column 'evnts.id' among \[events.id, events.s, events.name\]; did you mean 'events.id'\?/));
  assert.throws(() => t.select("events.nme"), analysisError(/cannot resolve column 'events.nme'.*; did you mean 'events.name'\?/));
  assert.throws(() => t.filter("nme = 'x'"), analysisError(/cannot resolve column 'nme' among \[events.id, events.s, events.name\]; did you mean 'name'\?/));
  // A qualifier that is also a struct column: the field lookup's error (Spark's FIELD_NOT_FOUND).
  assert.throws(() => rows().alias("s").select("s.zz"), analysisError(/cannot resolve field 'zz' of struct 's' among \[id, x\]/));
});

test("alias: two columns with the same qualifier and name are ambiguous; the message shows qualified names", () => {
  const twice = rows().alias("t").select(col("t.id"), col("t.id"));
  assert.throws(() => twice.select("t.id"), analysisError(/column reference 't.id' is ambiguous/));
  assert.throws(() => twice.select("id"), analysisError(/column reference 'id' is ambiguous: it matches 2 columns \[t.id, t.id\]/));
});

test("alias: explain shows the SubqueryAlias; the extended form shows qualified output columns", async () => {
  const t = rows().alias("t").filter("t.id > 1");
  const plain = await captureStdout(() => t.explain());
  assert.match(plain, /^== Physical Plan ==\nFilter \(id > CAST\(1 AS bigint\)\)\n\+- SubqueryAlias t\n {3}\+- LocalRelation \[id, s, name\], 3 rows\n$/);
  const extended = await captureStdout(() => rows().alias("a").alias("b").explain(true));
  assert.match(extended, /SubqueryAlias b\n\+- SubqueryAlias a\n {3}\+- LocalRelation .*\[b\.id: bigint, b\.s: struct<id:bigint,x:string>, b\.name: string\]/);
});

test("alias on a streaming DataFrame: qualified filter and projection run batch by batch", async () => {
  const input = new MemoryStream("id BIGINT, name STRING", `alias_stream_${process.pid}`);
  const stream = spark.readStream.format("memory").option("name", input.name).load().alias("e");
  assert.equal(stream.isStreaming, true);
  const out = stream.filter("e.id % 2 = 1").select(col("e.id"), upper(col("e.name")).alias("name"));
  const name = `alias_sink_${process.pid}`;
  const q = out.writeStream.format("memory").queryName(name).start();
  try {
    input.addData([
      { id: 1n, name: "a" },
      { id: 2n, name: "b" },
    ]);
    await q.processAllAvailable();
    input.addData([{ id: 3n, name: "c" }]);
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  assert.equal(q.exception, null);
  assert.deepEqual(await spark.table(name).collect(), [
    { id: 1n, name: "A" },
    { id: 3n, name: "C" },
  ]);
});
