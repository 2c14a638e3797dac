/**
 * `spark.sql`: queries over temp views (aggregation with HAVING and ORDER BY on aggregates and
 * positions, joins with aliases and CTEs, VALUES, GROUPING SETS / ROLLUP / CUBE with grouping(),
 * set operations with type widening, DISTINCT, hidden sort keys), the session statements (CREATE
 * TEMP VIEW, DROP VIEW, SET), streaming temp views, spark.range, and errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, AnalysisError, ParseError, MemoryStream } from "../../../src/index.js";

const spark = SparkSession.builder.appName("sql-test").config("sluice.exec.workers", "0").getOrCreate();
spark
  .createDataFrame(
    [
      { k: "a", v: 1 },
      { k: "b", v: 2 },
      { k: "a", v: 3 },
      { k: null, v: 4 },
    ],
    "k STRING, v INT",
  )
  .createOrReplaceTempView("t");

async function rows(sql: string): Promise<string[]> {
  return (await spark.sql(sql).collect()).map((r) => Object.values(r).map((v) => (v === null ? "NULL" : String(v))).join(","));
}

test("sql: aggregation with HAVING, ORDER BY an aggregate alias, a position and a hidden key", async () => {
  const df = spark.sql("SELECT k, sum(v) AS s, count(*) FROM t GROUP BY k ORDER BY s DESC, k");
  assert.deepEqual(df.columns, ["k", "s", "count(1)"]);
  assert.deepEqual(await rows("SELECT k, sum(v) AS s, count(*) FROM t GROUP BY k ORDER BY s DESC, k NULLS LAST"), ["a,4,2", "NULL,4,1", "b,2,1"]);
  assert.deepEqual(await rows("SELECT k, sum(v) FROM t GROUP BY 1 HAVING sum(v) > 2 ORDER BY 1"), ["NULL,4", "a,4"]);
  assert.deepEqual(await rows("SELECT k FROM t GROUP BY k HAVING max(v) >= 2 ORDER BY min(v)"), ["a", "b", "NULL"]);
  assert.deepEqual(await rows("SELECT v * 2 AS d FROM t WHERE v > 1 ORDER BY v DESC LIMIT 2"), ["8", "6"]);
  assert.deepEqual(await rows("SELECT k AS key, count(1) FROM t GROUP BY key ORDER BY key NULLS LAST"), ["a,2", "b,1", "NULL,1"]);
  assert.deepEqual(await rows("SELECT DISTINCT k FROM t ORDER BY k NULLS LAST"), ["a", "b", "NULL"]);
});

test("sql: joins with aliases, CTEs, comma joins, USING and NATURAL", async () => {
  assert.deepEqual(await rows("WITH c AS (SELECT k, v FROM t WHERE v < 4) SELECT a.k, b.v FROM c a JOIN c b ON a.k = b.k ORDER BY a.k, b.v"), ["a,1", "a,1", "a,3", "a,3", "b,2"]);
  assert.deepEqual(await rows("SELECT count(*) FROM t t1, t t2"), ["16"]);
  assert.deepEqual(await rows("SELECT k, x.v AS xv, y.v AS yv FROM t x JOIN t y USING (k) WHERE x.v < y.v"), ["a,1,3"]);
  assert.deepEqual(await rows("SELECT * FROM (SELECT k, v AS w FROM t) NATURAL LEFT JOIN (SELECT k, 10 AS z FROM t WHERE k = 'b') ORDER BY w"), ["a,1,NULL", "b,2,10", "a,3,NULL", "NULL,4,NULL"]);
  assert.deepEqual(await rows("SELECT k FROM t LEFT ANTI JOIN (SELECT 'a' AS k) s USING (k) ORDER BY v"), ["b", "NULL"]);
});

test("sql: VALUES, GROUPING SETS / ROLLUP / CUBE with grouping(), set operations and range", async () => {
  const values = spark.sql("SELECT * FROM VALUES (1, 'x'), (2L, 'y') AS vv(a, b)");
  assert.deepEqual(values.dtypes, [["a", "bigint"], ["b", "string"]]);
  assert.deepEqual(await rows("SELECT k, grouping(k), sum(v) FROM t GROUP BY k WITH ROLLUP ORDER BY 2, 1 NULLS FIRST"), ["NULL,0,4", "a,0,4", "b,0,2", "NULL,1,10"]);
  assert.deepEqual(await rows("SELECT k, v > 2 AS big, count(*) FROM t GROUP BY GROUPING SETS ((k), (v > 2), ()) ORDER BY 1, 2, 3"), [
    "NULL,NULL,1",
    "NULL,NULL,4",
    "NULL,false,2",
    "NULL,true,2",
    "a,NULL,2",
    "b,NULL,1",
  ]);
  assert.equal((await rows("SELECT k, v, count(*) FROM t GROUP BY CUBE(k, v)")).length, 1 + 3 + 4 + 4);
  assert.deepEqual(await rows("SELECT 1 AS x UNION SELECT 1 UNION ALL SELECT 2"), ["1", "2"]);
  const widened = spark.sql("SELECT 1 AS x UNION ALL SELECT 2L");
  assert.deepEqual(widened.dtypes, [["x", "bigint"]]);
  assert.deepEqual(await rows("SELECT k FROM t INTERSECT SELECT 'a'"), ["a"]);
  assert.deepEqual(await rows("SELECT id FROM range(3) EXCEPT SELECT 1 ORDER BY id"), ["0", "2"]);
  assert.deepEqual(await rows("SELECT * FROM range(1, 10, 4)"), ["1", "5", "9"]);
  assert.deepEqual((await spark.range(3).collect()).map((r) => r.id), [0n, 1n, 2n]);
});

test("spark.table and SQL resolve views the same way, before the Glue catalog when it is configured", async () => {
  spark.sql("CREATE OR REPLACE GLOBAL TEMP VIEW gv_glue (n) AS SELECT 8");
  spark.sql("CREATE OR REPLACE TEMP VIEW tv_glue AS SELECT 9 AS n");
  spark.conf.set("sluice.catalog", "glue");
  try {
    for (const name of ["global_temp.gv_glue", "tv_glue"]) {
      const viaTable = (await spark.table(name).collect()).map((r) => String(r.n));
      assert.deepEqual(viaTable, await rows(`SELECT n FROM ${name}`), name);
    }
    assert.deepEqual((await spark.table("global_temp.gv_glue").collect()).map((r) => r.n), [8]);
  } finally {
    spark.conf.unset("sluice.catalog");
  }
});

test("sql: CREATE TEMP VIEW, DROP VIEW and SET; errors name the problem", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW big AS SELECT * FROM t WHERE v > 2");
  assert.deepEqual(await rows("SELECT v FROM big ORDER BY v"), ["3", "4"]);
  assert.throws(() => spark.sql("CREATE TEMP VIEW big AS SELECT 1"), AnalysisError);
  spark.sql("CREATE GLOBAL TEMP VIEW gv (n) AS SELECT 7");
  assert.deepEqual(await rows("SELECT n FROM global_temp.gv"), ["7"]);
  spark.sql("DROP VIEW big");
  assert.throws(() => spark.sql("SELECT * FROM big"), (e: unknown) => e instanceof AnalysisError && /table or view not found: big/.test(e.message));
  assert.deepEqual(await rows("SET sluice.test.key = 'x y'"), ["sluice.test.key,x y"]);
  assert.equal(spark.conf.get("sluice.test.key"), "x y");
  assert.throws(() => spark.sql("SELECT k FROM t WHERE"), (e: unknown) => e instanceof ParseError && /position 21/.test(e.message));
  assert.throws(() => spark.sql("SELECT k, sum(v) FROM t GROUP BY v"), (e: unknown) => e instanceof AnalysisError && /neither present in the group by/.test(e.message));
});

test("sql over a streaming temp view is a streaming query", async () => {
  const input = new MemoryStream("word STRING", `sql_words_${process.pid}`);
  spark.readStream.format("memory").option("name", input.name).load().createOrReplaceTempView("words");
  const counts = spark.sql("SELECT word, count(*) AS n FROM words GROUP BY word");
  assert.equal(counts.isStreaming, true);
  const q = counts.writeStream.format("memory").queryName(`sql_counts_${process.pid}`).outputMode("complete").start();
  input.addData([{ word: "a" }, { word: "b" }, { word: "a" }]);
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await spark.table(`sql_counts_${process.pid}`).collect()).map((r) => `${r.word}=${r.n}`).sort(), ["a=2", "b=1"]);
});

test("sql: aggregate FILTER, cast functions, INTERSECT ALL / EXCEPT ALL and ORDER BY ALL", async () => {
  assert.deepEqual(await rows("SELECT count(*) FILTER (WHERE v > 1), sum(v) FILTER (WHERE k = 'a') FROM t"), ["3,4"]);
  assert.deepEqual(spark.sql("SELECT count(*) FILTER (WHERE v > 1) FROM t").columns, ["count(1) FILTER (WHERE (v > 1))"]);
  const casts = spark.sql("SELECT float(v), int('7'), string(v) FROM t WHERE v = 1");
  assert.deepEqual(casts.dtypes, [["v", "float"], ["7", "int"], ["v", "string"]]);
  assert.deepEqual(await rows("SELECT * FROM VALUES (1), (1), (1), (2) AS a(x) INTERSECT ALL SELECT * FROM VALUES (1), (1), (3) AS b(x)"), ["1", "1"]);
  assert.deepEqual((await rows("SELECT * FROM VALUES (1), (1), (1), (2) AS a(x) EXCEPT ALL SELECT * FROM VALUES (1), (3) AS b(x)")).sort(), ["1", "1", "2"]);
  assert.deepEqual(await rows("SELECT k, v FROM t ORDER BY ALL DESC NULLS LAST"), ["b,2", "a,3", "a,1", "NULL,4"]);
});

test("sql: IN / EXISTS / scalar subqueries, correlated and not, in WHERE and SELECT", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW s1 AS SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, 'c'), (NULL, 'n') AS s1(a, s)");
  spark.sql("CREATE OR REPLACE TEMP VIEW s2 AS SELECT * FROM VALUES (1, 10), (1, 11), (3, 30), (5, 50) AS s2(a, v)");
  assert.deepEqual(await rows("SELECT s FROM s1 WHERE a IN (SELECT a FROM s2) ORDER BY a"), ["a", "c"]);
  // NOT IN is null-aware: the NULL row is not kept.
  assert.deepEqual(await rows("SELECT s FROM s1 WHERE a NOT IN (SELECT a FROM s2)"), ["b"]);
  assert.deepEqual(await rows("SELECT s FROM s1 WHERE a NOT IN (SELECT a FROM s2 UNION ALL SELECT NULL)"), []);
  assert.deepEqual(await rows("SELECT s FROM s1 WHERE EXISTS (SELECT * FROM s2 WHERE s2.a = s1.a) ORDER BY a"), ["a", "c"]);
  assert.deepEqual(await rows("SELECT s FROM s1 WHERE NOT EXISTS (SELECT * FROM s2 WHERE s2.a = s1.a AND s2.v > 10) ORDER BY a"), ["n", "b"]);
  // A correlated count is 0, not null, where nothing matches (Spark's count-bug handling).
  assert.deepEqual(await rows("SELECT a, (SELECT max(v) FROM s2 WHERE s2.a = s1.a) AS mx, (SELECT count(*) FROM s2 WHERE s2.a = s1.a) AS c FROM s1 ORDER BY a"), [
    "NULL,NULL,0",
    "1,11,2",
    "2,NULL,0",
    "3,30,1",
  ]);
  assert.deepEqual(await rows("SELECT s FROM s1 WHERE a > (SELECT avg(a) FROM s2) ORDER BY a"), ["c"]);
  assert.deepEqual(await rows("SELECT a, EXISTS (SELECT 1 FROM s2 WHERE s2.a = s1.a) AS e FROM s1 WHERE a IS NOT NULL ORDER BY a"), ["1,true", "2,false", "3,true"]);
  assert.deepEqual(spark.sql("SELECT (SELECT 1)").columns, ["scalarsubquery()"]);
  assert.throws(() => spark.sql("SELECT (SELECT a, v FROM s2) FROM s1"), (e: unknown) => e instanceof AnalysisError && /must return one column/.test(e.message));
});

test("sql: PIVOT, UNPIVOT, OFFSET and the boolean aggregates", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW sales AS SELECT * FROM VALUES ('dotNET', 2012, 10000), ('Java', 2012, 20000), ('dotNET', 2012, 5000), ('dotNET', 2013, 48000), ('Java', 2013, 30000) AS sales(course, year, earnings)");
  const p = spark.sql("SELECT * FROM sales PIVOT (sum(earnings) FOR course IN ('dotNET', 'Java')) ORDER BY year");
  assert.deepEqual(p.columns, ["year", "dotNET", "Java"]);
  assert.deepEqual(await rows("SELECT * FROM sales PIVOT (sum(earnings) FOR course IN ('dotNET', 'Java')) ORDER BY year"), ["2012,15000,20000", "2013,48000,30000"]);
  assert.deepEqual(spark.sql("SELECT * FROM sales PIVOT (sum(earnings) AS s, avg(earnings) AS a FOR course IN ('dotNET' AS d, 'Java'))").columns, ["year", "d_s", "d_a", "Java_s", "Java_a"]);
  spark.sql("CREATE OR REPLACE TEMP VIEW quarters AS SELECT * FROM VALUES (1, 10, NULL), (2, 30, 40) AS quarters(id, q1, q2)");
  assert.deepEqual(await rows("SELECT * FROM quarters UNPIVOT (sales FOR quarter IN (q1, q2 AS second)) ORDER BY id, quarter"), ["1,q1,10", "2,q1,30", "2,second,40"]);
  assert.deepEqual(await rows("SELECT * FROM quarters UNPIVOT INCLUDE NULLS (sales FOR quarter IN (q1, q2)) ORDER BY id, quarter"), ["1,q1,10", "1,q2,NULL", "2,q1,30", "2,q2,40"]);
  assert.deepEqual(await rows("SELECT id FROM range(10) ORDER BY id LIMIT 3 OFFSET 4"), ["4", "5", "6"]);
  assert.deepEqual(await rows("SELECT every(v > 0), any(v > 3), bool_or(v > 10) FROM t"), ["true,true,false"]);
  assert.throws(() => spark.sql("SELECT every(v) FROM t"), (e: unknown) => e instanceof AnalysisError && /every needs a boolean argument/.test(e.message));
});

test("sql: LATERAL subqueries that name the columns to their left", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW l1 AS SELECT * FROM VALUES (0, 1), (1, 2) AS l1(c1, c2)");
  spark.sql("CREATE OR REPLACE TEMP VIEW l2 AS SELECT * FROM VALUES (0, 2), (0, 3) AS l2(c1, c2)");
  assert.deepEqual(await rows("SELECT * FROM l1, LATERAL (SELECT c1 + c2 AS s) ORDER BY c1"), ["0,1,1", "1,2,3"]);
  assert.deepEqual(await rows("SELECT l1.c1, x.c2 FROM l1, LATERAL (SELECT c2 FROM l2 WHERE l1.c1 = l2.c1) x ORDER BY 2"), ["0,2", "0,3"]);
  assert.deepEqual(await rows("SELECT * FROM l1 LEFT JOIN LATERAL (SELECT c1 * 10 AS t) ON t > 5 ORDER BY c1"), ["0,1,NULL", "1,2,10"]);
  assert.throws(() => spark.sql("SELECT * FROM l1, LATERAL (SELECT rand(0) FROM l2)"), (e: unknown) => e instanceof AnalysisError && /NON_DETERMINISTIC_LATERAL_SUBQUERIES/.test(e.message));
});

test("sql: IN and NOT IN subqueries in a JOIN's ON condition, for every join type", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW s1 AS SELECT * FROM VALUES (1), (3), (5), (9) AS s1(id)");
  spark.sql("CREATE OR REPLACE TEMP VIEW s2 AS SELECT * FROM VALUES (1), (3), (4), (9) AS s2(id)");
  spark.sql("CREATE OR REPLACE TEMP VIEW s3 AS SELECT * FROM VALUES (3), (4), (9) AS s3(id)");
  assert.deepEqual(await rows("SELECT s1.id FROM s1 JOIN s2 ON s1.id = s2.id AND s1.id IN (SELECT id FROM s3) ORDER BY 1"), ["3", "9"]);
  assert.deepEqual(await rows("SELECT s1.id AS a, s2.id AS b FROM s1 LEFT JOIN s2 ON s1.id = s2.id AND s1.id NOT IN (SELECT id FROM s3) ORDER BY 1"), ["1,1", "3,NULL", "5,NULL", "9,NULL"]);
  assert.deepEqual(await rows("SELECT s1.id AS a, s2.id AS b FROM s1 RIGHT JOIN s2 ON s1.id = s2.id AND s2.id IN (SELECT 9) ORDER BY 2"), ["NULL,1", "NULL,3", "NULL,4", "9,9"]);
  assert.deepEqual(await rows("SELECT * FROM s1 LEFT ANTI JOIN s2 ON s1.id = s2.id AND s1.id IN (SELECT id FROM s3) ORDER BY 1"), ["1", "5"]);
});

test("sql: LATERAL generators (explode, posexplode, inline …) over the relations to their left", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW l3 AS SELECT * FROM VALUES (0, array(0, 1)), (1, array(2)), (2, array()), (null, array(4)) AS l3(c1, c2)");
  assert.deepEqual(await rows("SELECT c1, v FROM l3, LATERAL explode(c2) t(v) ORDER BY v"), ["0,0", "0,1", "1,2", "NULL,4"]);
  assert.deepEqual(await rows("SELECT c1, pos, v FROM l3 JOIN LATERAL posexplode(c2) t(pos, v) ON l3.c1 = v ORDER BY v"), ["0,0,0"]);
  assert.deepEqual(await rows("SELECT c1, v FROM l3 LEFT JOIN LATERAL explode(c2) t(v) ORDER BY c1 NULLS LAST, v"), ["0,0", "0,1", "1,2", "2,NULL", "NULL,4"]);
  assert.deepEqual(await rows("SELECT c1, col FROM l3 JOIN LATERAL (SELECT explode_outer(c2)) ORDER BY c1 NULLS LAST, col"), ["0,0", "0,1", "1,2", "2,NULL", "NULL,4"]);
  assert.deepEqual(await rows("SELECT t.* FROM l1, LATERAL inline(array(struct(c1, c2))) t(x, y) ORDER BY x"), ["0,1", "1,2"]);
  assert.deepEqual(await rows("SELECT count(*) FROM l1, LATERAL range(3)"), ["6"]);
  assert.throws(() => spark.sql("SELECT * FROM l3 LEFT JOIN LATERAL explode(c2) t(v) ON v > 0"), (e: unknown) => e instanceof AnalysisError && /with an ON condition is not supported/.test(e.message));
});

test("sql: correlated subqueries with GROUP BY / HAVING, and subqueries in an aggregate query", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW g1 AS SELECT * FROM VALUES (1, 'x'), (2, 'y'), (3, 'z') AS g1(a, s)");
  spark.sql("CREATE OR REPLACE TEMP VIEW g2 AS SELECT * FROM VALUES (1, 10), (1, 20), (2, 5), (3, 1), (3, 2) AS g2(a, v)");
  assert.deepEqual(await rows("SELECT s FROM g1 WHERE EXISTS (SELECT a FROM g2 WHERE g2.a = g1.a GROUP BY a HAVING sum(v) > 4) ORDER BY s"), ["x", "y"]);
  assert.deepEqual(await rows("SELECT s FROM g1 WHERE a IN (SELECT max(a) FROM g2 WHERE g2.a = g1.a GROUP BY v > 1) ORDER BY s"), ["x", "y", "z"]);
  assert.deepEqual(await rows("SELECT count(*), (SELECT count(*) FROM g2) AS total, count(*) FILTER (WHERE a IN (SELECT a FROM g2 WHERE v > 9)) AS big FROM g1"), ["3,5,1"]);
});

test("sql: Hive's GROUP BY … GROUPING SETS, nested grouping sets, grouping__id, VALUES with an alias", async () => {
  assert.deepEqual(await rows("SELECT k, v > 2 AS big, count(*) FROM t GROUP BY k, v > 2 GROUPING SETS (k, ()) ORDER BY 1 NULLS FIRST, 3"), ["NULL,NULL,1", "NULL,NULL,4", "a,NULL,2", "b,NULL,1"]);
  assert.equal((await rows("SELECT k, count(*) FROM t GROUP BY GROUPING SETS (ROLLUP(k), ())")).length, 3 + 1 + 1);
  assert.deepEqual(await rows("SELECT k, grouping__id FROM t GROUP BY k WITH ROLLUP ORDER BY 2, 1 NULLS FIRST"), ["NULL,0", "a,0", "b,0", "NULL,1"]);
  spark.sql("CREATE OR REPLACE TEMP VIEW vv AS VALUES (1, 'a'), (2, 'b') tbl(c1, c2)");
  assert.deepEqual(spark.table("vv").columns, ["c1", "c2"]);
});

test("sql: USING / NATURAL joins keep each side's key reachable by its qualifier", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW u1 AS SELECT * FROM VALUES ('a', 1), ('b', 2) AS u1(k, v1)");
  spark.sql("CREATE OR REPLACE TEMP VIEW u2 AS SELECT * FROM VALUES ('a', 10), ('c', 30) AS u2(k, v2)");
  assert.deepEqual(spark.sql("SELECT * FROM u1 JOIN u2 USING (k)").columns, ["k", "v1", "v2"]);
  assert.deepEqual(await rows("SELECT u1.k AS lk, u2.k AS rk, v2 FROM u1 LEFT JOIN u2 USING (k) ORDER BY lk"), ["a,a,10", "b,NULL,NULL"]);
  assert.deepEqual(spark.sql("SELECT u1.*, u2.* FROM u1 NATURAL JOIN u2").columns, ["k", "v1", "k", "v2"]);
  assert.deepEqual(await rows("SELECT k, u1.k AS lk, u2.k AS rk FROM u1 FULL JOIN u2 USING (k) ORDER BY k"), ["a,a,a", "b,b,NULL", "c,NULL,c"]);
  // The DataFrame API's join on names has no hidden columns.
  assert.deepEqual(spark.table("u1").join(spark.table("u2"), "k").columns, ["k", "v1", "v2"]);
  // A chain of NATURAL joins reads the visible output of the one before: one k, not the hidden one.
  spark.sql("CREATE OR REPLACE TEMP VIEW u3 AS SELECT * FROM VALUES ('a', 100), ('b', 200) AS u3(k, v3)");
  assert.deepEqual(spark.sql("SELECT * FROM u1 NATURAL JOIN u2 NATURAL JOIN u3").columns, ["k", "v1", "v2", "v3"]);
  assert.deepEqual(await rows("SELECT *, u2.k AS rk FROM u1 NATURAL JOIN u2 NATURAL JOIN u3"), ["a,1,10,100,a"]);
  assert.deepEqual(await rows("SELECT k, v3 FROM u1 NATURAL LEFT JOIN u2 JOIN u3 USING (k) ORDER BY k"), ["a,100", "b,200"]);
});

test("sql: a nested WITH redefining an outer CTE follows spark.sql.legacy.ctePrecedencePolicy", async () => {
  const q = "WITH t AS (SELECT 1 AS x), t2 AS (WITH t AS (SELECT 2 AS x) SELECT * FROM t) SELECT * FROM t2";
  assert.throws(() => spark.sql(q), (e: unknown) => e instanceof AnalysisError && /ambiguous in nested CTE/.test(e.message));
  spark.conf.set("spark.sql.legacy.ctePrecedencePolicy", "CORRECTED");
  assert.deepEqual(await rows(q), ["2"]);
  spark.conf.set("spark.sql.legacy.ctePrecedencePolicy", "LEGACY");
  assert.deepEqual(await rows(q), ["1"]);
  spark.conf.unset("spark.sql.legacy.ctePrecedencePolicy");
  // A WITH in a FROM subquery of the main query may shadow freely.
  assert.deepEqual(await rows("WITH t AS (SELECT 1 AS x) SELECT * FROM (WITH t AS (SELECT 2 AS x) SELECT * FROM t)"), ["2"]);
});

test("sql: columns qualified by database and table (db.t.col, db.t.*)", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW qq AS SELECT 1 AS i1, 2 AS i2");
  assert.deepEqual(await rows("SELECT default.qq.i1, spark_catalog.default.qq.i2 FROM qq"), ["1,2"]);
  assert.deepEqual(spark.sql("SELECT default.qq.* FROM qq").columns, ["i1", "i2"]);
});

test("sql: timestamp_seconds is seconds since the epoch as a timestamp", async () => {
  const [r] = await spark.sql("SELECT timestamp_seconds(1501545600) AS t, timestamp_seconds(NULL) AS n").collect();
  assert.deepEqual(r.t, new Date(Date.UTC(2017, 7, 1)));
  assert.equal(r.n, null);
  assert.throws(() => spark.sql("SELECT timestamp_seconds('x')"), AnalysisError);
});

test("sql: EXPLAIN returns the query's plan as one row", async () => {
  const [r] = await spark.sql("EXPLAIN SELECT k, count(*) FROM t WHERE v > 1 GROUP BY k").collect();
  assert.match(String(r.plan), /== Physical Plan ==[\s\S]*Aggregate[\s\S]*Filter/);
  const [x] = await spark.sql("EXPLAIN EXTENDED SELECT 1").collect();
  assert.match(String(x.plan), /== Analyzed Logical Plan ==/);
});

test("sql: spark.sql.groupByAliases, groupByOrdinal and orderByOrdinal turn alias and position lookups off", async () => {
  spark.sql("CREATE OR REPLACE TEMP VIEW gd AS SELECT * FROM VALUES (1, 10), (1, 20), (2, 30) AS gd(a, b)");
  assert.deepEqual(await rows("SELECT a AS k, sum(b) FROM gd GROUP BY k ORDER BY 1"), ["1,30", "2,30"]);
  try {
    spark.sql("SET spark.sql.groupByAliases=false");
    assert.throws(() => spark.sql("SELECT a AS k, sum(b) FROM gd GROUP BY k"), (e: unknown) => e instanceof AnalysisError && /cannot resolve column 'k'/.test(e.message));
    assert.throws(() => spark.sql("SELECT sum(b) FROM gd GROUP BY 3"), (e: unknown) => e instanceof AnalysisError && /position 3 is not in the select list/.test(e.message));
    spark.sql("SET spark.sql.groupByOrdinal=false");
    // GROUP BY 3 is now the constant 3: one group.
    assert.deepEqual(await rows("SELECT sum(b) FROM gd GROUP BY 3"), ["60"]);
    spark.sql("SET spark.sql.orderByOrdinal=false");
    assert.deepEqual((await rows("SELECT a FROM gd ORDER BY 0")).length, 3);
  } finally {
    for (const k of ["spark.sql.groupByAliases", "spark.sql.groupByOrdinal", "spark.sql.orderByOrdinal"]) spark.conf.unset(k);
  }
});

test("sql: a cast to an array, map or struct is left out of the column name, as Spark's Cast.sql does", () => {
  assert.deepEqual(spark.sql("SELECT array_append(CAST(NULL AS ARRAY<STRING>), 'a'), CAST(1 AS STRING), TRY_CAST('2' AS INT), CAST(map(1, 2) AS MAP<INT, BIGINT>)").columns, [
    "array_append(NULL, a)",
    "CAST(1 AS STRING)",
    "TRY_CAST(2 AS INT)",
    "map(1, 2)",
  ]);
});

test("sql: an integer literal beside a decimal is read with the fewest digits that hold it, a cast one is not", () => {
  const types = (q: string) => spark.sql(q).schema.fields.map((f) => JSON.stringify(f.dataType));
  const dec = (p: number, s: number) => JSON.stringify({ typeName: "decimal", precision: p, scale: s });
  // col is decimal(3,1). decimal(3,1) / decimal(1,0): scale max(6, 1 + 1 + 1) = 6, precision
  // 3 - 1 + 0 + 6 = 8; decimal(1,0) / decimal(3,1): scale max(6, 0 + 3 + 1) = 6, precision
  // 1 - 0 + 1 + 6 = 8; decimal(3,1) * decimal(3,0): precision 3 + 3 + 1 = 7 (Spark's DecimalPrecision).
  assert.deepEqual(types("SELECT col / 0, 0 / col, col * 100 FROM VALUES (10.0) AS tab(col)"), [dec(8, 6), dec(8, 6), dec(7, 1)]);
  // Written as a cast, the literal is an int: decimal(10,0).
  assert.deepEqual(types("SELECT col / CAST(0 AS INT) FROM VALUES (10.0) AS tab(col)"), [dec(14, 12)]);
  assert.deepEqual(types("SELECT try_sum(col / 0) FROM VALUES (10.0) AS tab(col)"), [dec(18, 6)]);
});

test("sql: with spark.sql.ansi.enabled, datetime constructors and parsers raise where they would give null", async () => {
  const ansi = new SparkSession("sql-ansi-test", { "sluice.exec.workers": "0", "spark.sql.ansi.enabled": "true", "spark.sql.session.timeZone": "UTC" });
  const one = async (s: SparkSession, q: string) => Object.values((await s.sql(q).collect())[0])[0];
  for (const q of [
    "SELECT make_timestamp(2021, 7, 11, 6, 30, 60.007)",
    "SELECT make_timestamp(1, 1, 1, 1, 1, 61)",
    "SELECT to_timestamp('2019-10-06 10:11:12.1234567PST', 'yyyy-MM-dd HH:mm:ss.SSSSSS[zzz]')",
    "SELECT to_timestamp('not a time')",
    "SELECT to_date('2019-13-45')",
    "SELECT unix_timestamp('nope', 'yyyy-MM-dd')",
  ]) {
    await assert.rejects(ansi.sql(q).collect(), /CANNOT_PARSE_TIMESTAMP|DATETIME_FIELD_OUT_OF_BOUNDS|CAST_INVALID_INPUT/, q);
    assert.equal(await one(spark, q), null, `without ANSI: ${q}`);
  }
  assert.equal(await one(ansi, "SELECT try_to_timestamp('nope', 'yyyy-MM-dd')"), null, "try_ keeps its null");
  assert.equal((await one(ansi, "SELECT make_timestamp(2021, 7, 11, 6, 30, 60)") as Date).toISOString(), "2021-07-11T06:31:00.000Z", "60 s is the next minute");
  // A string beside a timestamp in a subtraction is read as a timestamp (AnsiTypeCoercion).
  assert.equal(await one(ansi, "SELECT timestamp_ntz'2011-11-11 11:11:11' - '2011-11-11 11:11:10'"), 1_000_000n, "one second, in µs");
  assert.throws(() => spark.sql("SELECT timestamp_ntz'2011-11-11 11:11:11' - '2011-11-11 11:11:10'"), AnalysisError, "a type mismatch without ANSI");
});

test("sql: Spark's refusals of duplicate CTE names, an empty set inside ROLLUP / CUBE and a non-deterministic inline table value", () => {
  assert.throws(() => spark.sql("WITH c AS (SELECT 1), C AS (SELECT 2) SELECT * FROM c"), (e: unknown) => e instanceof ParseError && /CTE definition can't have duplicate names: 'C'/.test(e.message));
  for (const kind of ["ROLLUP", "CUBE"]) {
    assert.throws(
      () => spark.sql(`SELECT a, count(*) FROM VALUES (1), (2) AS t(a) GROUP BY ${kind}(a, ())`),
      (e: unknown) => e instanceof ParseError && new RegExp(`Empty set in ${kind} grouping sets is not supported`).test(e.message),
    );
  }
  // GROUPING SETS takes the empty set.
  assert.deepEqual(spark.sql("SELECT a, count(*) FROM VALUES (1), (2) AS t(a) GROUP BY GROUPING SETS ((a), ())").columns, ["a", "count(1)"]);
  assert.throws(() => spark.sql("SELECT * FROM VALUES ('one', rand(5)), ('two', 3.0D) AS data(a, b)"), (e: unknown) => e instanceof AnalysisError && /CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE.*rand\(5\)/.test(e.message));
  const sales = "SELECT * FROM VALUES ('dotNET', 2012, 10000), ('Java', 2013, 20000) AS s(course, year, earnings)";
  assert.throws(() => spark.sql(`SELECT * FROM (${sales}) PIVOT (sum(earnings) FOR year IN (course, 2013))`), (e: unknown) => e instanceof AnalysisError && /NON_LITERAL_PIVOT_VALUES.*course/.test(e.message));
  assert.throws(() => spark.sql(`SELECT * FROM json_tuple('{"a": 1}', null)`), (e: unknown) => e instanceof AnalysisError && /NON_STRING_TYPE/.test(e.message));
  assert.throws(() => spark.sql("SELECT * FROM stack(2, 1, '1.1', 'a', 2, 2.2, 'b')"), (e: unknown) => e instanceof AnalysisError && /STACK_COLUMN_DIFF_TYPES/.test(e.message));
  // NULLs take their column's type.
  assert.deepEqual(spark.sql("SELECT * FROM stack(2, 1, 'a', NULL, NULL)").schema.fields.map((f) => f.dataType.typeName), ["integer", "string"]);
});
