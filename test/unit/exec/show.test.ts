/**
 * `df.show()` prints Spark's exact `Dataset.showString` table: right-aligned cells when truncating,
 * left-aligned without, minimum width 3, NULL for nulls, cells cut at 20 characters ending in
 * "...", and "only showing top N rows" when more rows exist.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SparkSession, col } from "../../../src/index.js";
import { captureStdout } from "../api/support.js";

const spark = SparkSession.builder.appName("show-test").getOrCreate();

const df = spark.createDataFrame(
  [
    { id: "a", n: 1, s: "hello", d: 1.5, b: true },
    { id: "b", n: 22, s: null, d: 1e10, b: false },
    { id: "c", n: -3, s: "a very long string that exceeds twenty chars", d: 0.5, b: null },
  ],
  "id STRING, n INT, s STRING, d DOUBLE, b BOOLEAN",
);

test("show() prints the whole table, right-aligned, NULL for nulls, long cells truncated at 20 characters", async () => {
  const out = await captureStdout(() => df.show());
  assert.equal(
    out,
    [
      "+---+---+--------------------+------+-----+",
      "| id|  n|                   s|     d|    b|",
      "+---+---+--------------------+------+-----+",
      "|  a|  1|               hello|   1.5| true|",
      "|  b| 22|                NULL|1.0E10|false|",
      "|  c| -3|a very long strin...|   0.5| NULL|",
      "+---+---+--------------------+------+-----+",
      "",
    ].join("\n"),
  );
});

test("show(n) prints n rows and says only showing top n rows (singular for 1)", async () => {
  const two = await captureStdout(() => df.select("id", "n").show(2));
  assert.equal(two, "+---+---+\n| id|  n|\n+---+---+\n|  a|  1|\n|  b| 22|\n+---+---+\nonly showing top 2 rows\n");
  const one = await captureStdout(() => df.select("id").show(1));
  assert.equal(one, "+---+\n| id|\n+---+\n|  a|\n+---+\nonly showing top 1 row\n");
  // Exactly n rows: no footer.
  const three = await captureStdout(() => df.select("id").show(3));
  assert.equal(three, "+---+\n| id|\n+---+\n|  a|\n|  b|\n|  c|\n+---+\n");
});

test("show(n, false) does not truncate and left-aligns", async () => {
  const out = await captureStdout(() => df.select("id", "s").show(20, false));
  assert.equal(
    out,
    [
      "+---+--------------------------------------------+",
      "|id |s                                           |",
      "+---+--------------------------------------------+",
      "|a  |hello                                       |",
      "|b  |NULL                                        |",
      "|c  |a very long string that exceeds twenty chars|",
      "+---+--------------------------------------------+",
      "",
    ].join("\n"),
  );
});

test("show(n, k) truncates at k characters; k < 4 cuts without an ellipsis", async () => {
  const out = await captureStdout(() => df.select("s").filter(col("s").isNotNull()).show(20, 8));
  assert.equal(out, "+--------+\n|       s|\n+--------+\n|   hello|\n|a ver...|\n+--------+\n");
  const short = await captureStdout(() => df.select("s").filter(col("s").isNotNull()).show(20, 3));
  assert.equal(short, "+---+\n|  s|\n+---+\n|hel|\n|a v|\n+---+\n");
});

test("header names are truncated like cells; an empty DataFrame prints only the header", async () => {
  const wide = spark.createDataFrame([{ a_really_long_column_name_here: 1 }], "a_really_long_column_name_here INT");
  assert.equal(
    await captureStdout(() => wide.show()),
    "+--------------------+\n|a_really_long_col...|\n+--------------------+\n|                   1|\n+--------------------+\n",
  );
  const empty = spark.createDataFrame([], "x INT, yy STRING");
  assert.equal(await captureStdout(() => empty.show()), "+---+---+\n|  x| yy|\n+---+---+\n+---+---+\n");
});

test("vertical show prints one block per row", async () => {
  const out = await captureStdout(() => df.select("id", "n").show(1, true, true));
  assert.equal(out, "-RECORD 0--\n id  | a   \n n   | 1   \nonly showing top 1 row\n");
  const named = await captureStdout(() => df.select("id", "s").show(2, false, true));
  assert.equal(named, "-RECORD 0----\n id  | a     \n s   | hello \n-RECORD 1----\n id  | b     \n s   | NULL  \nonly showing top 2 rows\n");
  assert.equal(await captureStdout(() => df.filter("n > 100").show(20, true, true)), "(0 rows)\n");
});

test("showString returns the text without printing; nested values render as Spark renders them", async () => {
  const nested = spark.createDataFrame([{ st: { x: 1, y: "q" }, arr: [1, 2, null], m: new Map([["k", 1]]) }], "st STRUCT<x: INT, y: STRING>, arr ARRAY<INT>, m MAP<STRING, INT>");
  const text = await nested.showString();
  assert.equal(text, "+------+------------+--------+\n|    st|         arr|       m|\n+------+------------+--------+\n|{1, q}|[1, 2, NULL]|{k -> 1}|\n+------+------------+--------+\n");
});
