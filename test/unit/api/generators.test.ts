/**
 * Generators: explode / posexplode / inline / stack (and `_outer` forms) as select items, with
 * withColumn, in SQL SELECT lists, LATERAL VIEW [OUTER] and as table-valued functions; errors for
 * misplaced or repeated generators; a streaming word count.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, MemoryStream, col, explode, explode_outer, posexplode, split, stack, lit, inline } from "../../../src/index.js";

const spark = SparkSession.builder.appName("generators-test").config("sluice.exec.workers", "0").getOrCreate();
const lines = () => spark.createDataFrame([{ id: 1, value: "a b a" }, { id: 2, value: "" }, { id: 3, value: null }], "id INT, value STRING");

test("explode of split: one row per word, null input gives none; explode_outer keeps it as nulls", async () => {
  const words = lines().select(col("id"), explode(split(col("value"), " ")).alias("word"));
  assert.deepEqual(words.columns, ["id", "word"]);
  assert.deepEqual((await words.collect()).map((r) => `${r.id}:${r.word}`), ["1:a", "1:b", "1:a", "2:"]);
  const outer = lines().select(col("id"), explode_outer(split(col("value"), " ")));
  assert.deepEqual((await outer.collect()).map((r) => `${r.id}:${r.col}`), ["1:a", "1:b", "1:a", "2:", "3:null"]);
  const pos = lines().withColumn("w", explode(split(col("value"), " ")));
  assert.deepEqual(pos.columns, ["id", "value", "w"]);
  const p = await lines().select(posexplode(split(col("value"), " "))).collect();
  assert.deepEqual(p.map((r) => `${r.pos}${r.col}`), ["0a", "1b", "2a", "0"]);
});

test("stack and inline produce Spark's column names and types", async () => {
  const s = spark.range(1).select(stack(2, lit("x"), lit(1n), lit("y"), lit(2n)));
  assert.deepEqual(s.dtypes, [["col0", "string"], ["col1", "bigint"]]);
  assert.deepEqual((await s.collect()).map((r) => `${r.col0}${r.col1}`), ["x1", "y2"]);
  // Spark's Stack does not widen a column (int beside bigint): only NULLs take the column's type.
  assert.throws(() => spark.range(1).select(stack(2, lit("x"), lit(1), lit("y"), lit(2n))), /STACK_COLUMN_DIFF_TYPES/);
  const i = spark.sql("SELECT inline(array(struct(1 AS a, 'p' AS b), struct(2 AS a, 'q' AS b)))");
  assert.deepEqual(i.columns, ["a", "b"]);
  assert.deepEqual(await i.collect(), [{ a: 1, b: "p" }, { a: 2, b: "q" }]);
  const viaApi = await spark.sql("SELECT array(struct(1 AS a, 'p' AS b)) AS s").select(inline(col("s"))).collect();
  assert.deepEqual(viaApi, [{ a: 1, b: "p" }]);
});

test("SQL: LATERAL VIEW [OUTER], generator table-valued functions and column aliases", async () => {
  const r = await spark.sql("SELECT v, w FROM (SELECT 'p q' AS v) t LATERAL VIEW explode(split(v, ' ')) x AS w").collect();
  assert.deepEqual(r.map((x) => `${x.v}/${x.w}`), ["p q/p", "p q/q"]);
  const o = await spark.sql("SELECT id, e FROM (SELECT 1 AS id, array() AS a) LATERAL VIEW OUTER explode(a) t AS e").collect();
  assert.deepEqual(o, [{ id: 1, e: null }]);
  const q = await spark.sql("SELECT x.n FROM (SELECT 1) LATERAL VIEW explode(array(5, 6)) x AS n WHERE x.n > 5").collect();
  assert.deepEqual(q, [{ n: 6 }]);
  assert.deepEqual(await spark.sql("SELECT * FROM explode(array(10, 20)) AS t(n)").collect(), [{ n: 10 }, { n: 20 }]);
});

test("generators must be whole select items, one per select", () => {
  const err = (re: RegExp) => (e: unknown) => e instanceof AnalysisError && re.test(e.message);
  assert.throws(() => lines().select(explode(split(col("value"), " ")), explode(split(col("value"), ","))), err(/only one generator/));
  assert.throws(() => lines().select(explode(split(col("value"), " ")).isNull()), err(/must be a whole SELECT item/));
  assert.throws(() => lines().filter(explode(split(col("value"), " ")).isNotNull()), err(/generator explode\(\) must be a whole select item/));
  assert.throws(() => spark.range(1).select(explode(col("id"))), err(/explode expects an array or a map, got bigint/));
});

test("streaming word count with explode over a memory stream", async () => {
  const input = new MemoryStream("value STRING", `gen_lines_${process.pid}`);
  const words = spark.readStream.format("memory").option("name", input.name).load().select(explode(split(col("value"), " ")).alias("word"));
  const q = words.groupBy("word").count().writeStream.format("memory").queryName(`gen_counts_${process.pid}`).outputMode("complete").start();
  input.addData([{ value: "to be or not to be" }]);
  await q.processAllAvailable();
  input.addData([{ value: "to see" }]);
  await q.processAllAvailable();
  await q.stop();
  const counts = Object.fromEntries((await spark.table(`gen_counts_${process.pid}`).collect()).map((r) => [r.word, r.count]));
  assert.deepEqual(counts, { to: 3n, be: 2n, or: 1n, not: 1n, see: 1n });
});

test("json_tuple: one row of top-level values as text, nulls for missing keys or malformed JSON", async () => {
  const r = spark.sql(`SELECT json_tuple('{"a":1, "b":"x", "c":{"d":[1,2]}, "e.f":true}', 'a', 'b', 'c', 'e.f', 'z')`);
  assert.deepEqual(r.columns, ["c0", "c1", "c2", "c3", "c4"]);
  assert.deepEqual(Object.values((await r.collect())[0]), ["1", "x", '{"d":[1,2]}', "true", null]);
  assert.deepEqual(Object.values((await spark.sql("SELECT json_tuple('not json', 'a')").collect())[0]), [null]);
  const lateral = spark.sql(`SELECT s, j.x, j.y FROM VALUES ('{"a":5,"b":6}'), (NULL) t(s) LATERAL VIEW json_tuple(s, 'a', 'b') j AS x, y`);
  assert.deepEqual((await lateral.collect()).map((row) => `${row.x}/${row.y}`), ["5/6", "null/null"]);
  assert.throws(() => spark.sql("SELECT json_tuple(1, 'a')"), /NON_STRING_TYPE/);
});
