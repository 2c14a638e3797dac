import { test } from "node:test";
import assert from "node:assert/strict";
import {
  StructType,
  StructField,
  StringType,
  LongType,
  IntegerType,
  DoubleType,
  DecimalType,
  BinaryType,
  FloatType,
  ShortType,
} from "../../../../src/types/data-types.js";
import { bindExpr, bindPredicate, bindProjectList, outputName } from "../../../../src/plan/expressions/bind.js";
import type { BoundExpr } from "../../../../src/plan/expressions/bound.js";
import { parseExpression, parseNamedExpression } from "../../../../src/sql/parser.js";
import { AnalysisError } from "../../../../src/errors.js";

const EVENTS = StructType([
  StructField("event_id", StringType()),
  StructField("user_id", StringType()),
  StructField("timestamp", LongType()),
  StructField("amount", DecimalType(10, 2)),
  StructField("n", IntegerType()),
  StructField("data", StructType([StructField("x", IntegerType()), StructField("Y", StringType())])),
]);

const bind = (sql: string, options = {}) => bindExpr(parseExpression(sql), EVENTS, options);
const agg = (sql: string) => bindExpr(parseExpression(sql), EVENTS, { allowAggregates: true });
const analysisError = (re: RegExp | string) => (e: unknown) => {
  assert.ok(e instanceof AnalysisError, `expected AnalysisError, got ${String(e)}`);
  if (typeof re === "string") assert.equal(e.message, re);
  else assert.match(e.message, re);
  return true;
};

test("unknown column lists the candidates and suggests the closest", () => {
  const small = StructType([StructField("event_id", StringType()), StructField("user_id", StringType())]);
  assert.throws(
    () => bindExpr(parseExpression("evnt_id"), small),
    analysisError("analysis: cannot resolve column 'evnt_id' among [event_id, user_id]; did you mean 'event_id'?"),
  );
  assert.throws(() => bindExpr(parseExpression("zzzzzzzz"), small), analysisError("analysis: cannot resolve column 'zzzzzzzz' among [event_id, user_id]"));
  assert.throws(() => bind("data.z"), analysisError(/cannot resolve field 'z' of struct 'data' among \[x, Y\]/));
});

test("names resolve case-insensitively by default; ambiguity is an error", () => {
  const r = bind("EVENT_ID");
  assert.equal(r.kind, "ref");
  assert.equal(r.kind === "ref" ? r.ordinal : -1, 0);
  const y = bind("data.y");
  assert.equal(y.kind === "field" ? y.ordinal : -1, 1);
  assert.throws(() => bind("EVENT_ID", { caseSensitive: true }), analysisError(/cannot resolve column 'EVENT_ID'/));
  const dup = StructType([StructField("a", IntegerType()), StructField("A", IntegerType())]);
  assert.throws(() => bindExpr(parseExpression("a"), dup), analysisError(/ambiguous/));
  assert.equal((bindExpr(parseExpression("A"), dup, { caseSensitive: true }) as { ordinal: number }).ordinal, 1);
});

test("struct fields: data.x is a field of a nullable parent; a dotted column name resolves whole", () => {
  const x = bind("data.x");
  assert.equal(x.kind, "field");
  assert.deepEqual(x.dataType, IntegerType());
  const dotted = StructType([StructField("a.b", IntegerType())]);
  const r = bindExpr({ kind: "column", parts: ["a", "b"] }, dotted);
  assert.equal(r.kind, "ref");
});

test("unknown functions suggest a registered name; arity and type errors name the function", () => {
  assert.throws(() => bind("uper(event_id)"), analysisError("analysis: unknown function 'uper'; did you mean 'upper'?"));
  assert.throws(() => bind("substring(event_id)"), analysisError("analysis: function substring expects 2 to 3 arguments, got 1"));
  assert.throws(() => bind("upper(data)"), analysisError("analysis: function upper expects a string argument, got struct<x:int,Y:string>"));
  assert.throws(() => bind("lower(event_id, user_id)"), analysisError("analysis: function lower expects 1 argument, got 2"));
  // Spark casts any atomic value to string implicitly.
  const up = bind("upper(timestamp)");
  assert.equal(up.kind === "call" ? up.args[0].kind : "", "cast");
});

test("filter conditions must be boolean", () => {
  assert.equal(bindPredicate(parseExpression("event_id IS NOT NULL"), EVENTS).dataType.typeName, "boolean");
  assert.throws(() => bindPredicate(parseExpression("n + 1"), EVENTS), analysisError("analysis: filter expression '(n + 1)' of type int is not a boolean"));
  assert.throws(() => bind("n AND true"), analysisError(/requires a boolean operand, got int/));
});

test("aggregates are rejected outside agg(), and cannot nest", () => {
  assert.throws(() => bind("count(event_id)"), analysisError(/aggregate function 'count\(event_id\)' is not allowed here/));
  assert.throws(() => agg("sum(count(n))"), analysisError(/cannot be nested inside aggregate function sum/));
  assert.throws(() => agg("sum(data)"), analysisError("analysis: function sum expects a numeric argument, got struct<x:int,Y:string>"));
});

test("aggregate result types follow Spark", () => {
  const t = (sql: string) => {
    const b = agg(sql) as BoundExpr & { kind: "aggregate" };
    assert.equal(b.kind, "aggregate", sql);
    return b;
  };
  const star = t("count(*)");
  assert.deepEqual([star.name, star.args.length, star.dataType, star.nullable], ["count", 0, LongType(), false]);
  assert.deepEqual(t("count(event_id)").args.length, 1);
  const cd = t("count(DISTINCT user_id)");
  assert.deepEqual([cd.name, cd.distinct, cd.dataType], ["count_distinct", true, LongType()]);
  assert.deepEqual(t("approx_count_distinct(user_id)").dataType, LongType());
  assert.deepEqual(t("sum(n)").dataType, LongType());
  assert.deepEqual(t("sum(timestamp)").dataType, LongType());
  assert.deepEqual(t("sum(CAST(n AS DOUBLE))").dataType, DoubleType());
  assert.deepEqual(t("sum(amount)").dataType, DecimalType(20, 2));
  assert.deepEqual(t("avg(n)").dataType, DoubleType());
  assert.deepEqual(t("avg(amount)").dataType, DecimalType(14, 6));
  assert.deepEqual(t("avg(CAST(amount AS DECIMAL(37, 36)))").dataType, DecimalType(38, 38));
  assert.deepEqual(t("mean(n)").name, "avg");
  assert.deepEqual(t("min(event_id)").dataType, StringType());
  assert.deepEqual(t("max(amount)").dataType, DecimalType(10, 2));
  const first = t("first(event_id, true)");
  assert.deepEqual([first.name, first.ignoreNulls, first.args.length, first.dataType], ["first", true, 1, StringType()]);
  assert.equal(t("last(n)").ignoreNulls, false);
  assert.deepEqual(t("sum(user_id)").dataType, DoubleType(), "strings are summed as doubles");
  // Aggregates compose with scalar expressions.
  const ratio = agg("sum(n) / count(*)");
  assert.equal(ratio.kind, "binary");
  assert.deepEqual(ratio.dataType, DoubleType());
});

test("coercion: division, DIV, string arithmetic, IN lists, CASE and coalesce widening", () => {
  assert.deepEqual(bind("n / 2").dataType, DoubleType());
  assert.deepEqual(bind("n div 2").dataType, LongType());
  assert.deepEqual(bind("n + '1'").dataType, DoubleType());
  assert.deepEqual(bind("amount + n").dataType, DecimalType(13, 2));
  assert.deepEqual(bind("amount / n").dataType, DecimalType(21, 13));
  assert.deepEqual(bind("CASE WHEN n > 0 THEN n ELSE timestamp END").dataType, LongType());
  assert.deepEqual(bind("CASE WHEN n > 0 THEN n ELSE 'none' END").dataType, StringType());
  assert.deepEqual(bind("coalesce(n, 1.5D)").dataType, DoubleType());
  assert.deepEqual(bind("coalesce(n, amount)").dataType, DecimalType(12, 2));
  // Spark's InConversion: the wider common type with string promotion → compare as strings.
  const inStr = bind("n IN ('1', '2')");
  assert.equal(inStr.kind === "in" ? inStr.child.dataType.typeName : "", "string");
  const inNum = bind("n IN (1, 2L)");
  assert.equal(inNum.kind === "in" ? inNum.child.dataType.typeName : "", "long");
  // Comparison: string vs decimal compares as double; string vs int casts the string to int.
  const cmpDec = bind("amount = '1.5'");
  assert.equal(cmpDec.kind === "binary" ? cmpDec.left.dataType.typeName : "", "double");
  const cmpInt = bind("n = '1'");
  assert.equal(cmpInt.kind === "binary" ? cmpInt.right.dataType.typeName : "", "integer");
  assert.throws(() => bind("data = 1"), analysisError(/cannot compare struct<x:int,Y:string> with int/));
  assert.throws(() => bind("CAST(data AS INT)"), analysisError(/cannot cast struct<x:int,Y:string> to int/));
});

test("LIKE with a literal pattern is precompiled with a byte-level fast path when possible", () => {
  const l = bind("event_id LIKE 'abc%'");
  assert.equal(l.kind, "like");
  if (l.kind !== "like") return;
  assert.ok(l.compiled instanceof RegExp);
  assert.deepEqual(l.likeShape, { op: "startsWith", text: "abc" });
  const r = bind("event_id RLIKE '^a.c'");
  assert.equal(r.kind === "like" ? r.likeShape : undefined, null);
  assert.throws(() => bind("event_id LIKE 'a\\\\'"), analysisError(/ends with the escape character/));
});

test("bindProjectList expands * and data.* and names columns as Spark does", () => {
  const schema = StructType([
    StructField("value", BinaryType()),
    StructField("name", StringType()),
    StructField("a", IntegerType()),
    StructField("data", StructType([StructField("event_id", StringType()), StructField("n", ShortType())])),
  ]);
  const list = [
    "*",
    "data.*",
    "CAST(value AS STRING)",
    "a + 1",
    "upper(name)",
    "a AS renamed",
    "data.event_id",
    "from_json(CAST(value AS STRING), 'x INT')",
    "CAST(a + 1 AS STRING)",
    "a IS NOT NULL",
    "substr(name, 2)",
    "CASE WHEN a > 1 THEN 'x' ELSE 'y' END",
    "a != 1",
    "concat(name, '-', a)",
    "round(a)",
    "- a",
    "a IN (1, 2)",
    "1.5",
    "current_timestamp()",
    "a BETWEEN 1 AND 3",
    "name LIKE 'x%'",
  ].map(parseNamedExpression);
  const { exprs, names } = bindProjectList(list, schema);
  assert.deepEqual(names, [
    "value",
    "name",
    "a",
    "data",
    "event_id",
    "n",
    "value",
    "(a + 1)",
    "upper(name)",
    "renamed",
    "event_id",
    "from_json(CAST(value AS STRING))",
    "CAST((a + 1) AS STRING)",
    "(a IS NOT NULL)",
    "substr(name, 2, 2147483647)",
    "CASE WHEN (a > 1) THEN x ELSE y END",
    "(NOT (a = 1))",
    "concat(name, -, a)",
    "round(a, 0)",
    "(- a)",
    "(a IN (1, 2))",
    "1.5",
    "current_timestamp()",
    "((a >= 1) AND (a <= 3))",
    "name LIKE x%",
  ]);
  assert.equal(exprs.length, names.length);
  assert.equal(exprs[4].kind, "field");
  assert.deepEqual(exprs[6].dataType, StringType());
});

test("outputName and aggregate names", () => {
  assert.equal(outputName(parseExpression("count(*)")), "count(1)");
  assert.equal(outputName(parseExpression("count(DISTINCT a)")), "count(DISTINCT a)");
  assert.equal(outputName(parseNamedExpression("sum(a) AS total")), "total");
  assert.equal(outputName(parseExpression("avg(x)")), "avg(x)");
  assert.equal(outputName(parseExpression("array_agg(x)")), "collect_list(x)");
  assert.equal(outputName(parseExpression("ceil(x)")), "CEIL(x)");
  assert.equal(outputName(parseExpression("a[0]")), "a[0]");
  assert.equal(outputName(parseExpression("m['k']")), "m[k]");
  assert.equal(outputName(parseExpression("CAST(x AS BIGINT)")), "x");
  assert.equal(outputName(parseExpression("CAST(1 AS DOUBLE)")), "CAST(1 AS DOUBLE)");
  assert.equal(outputName(parseExpression("1.0D")), "1.0");
  assert.equal(outputName(parseExpression("true AND NULL")), "(true AND NULL)");
});

test("misplaced star, sort order and type arguments are analysis errors", () => {
  assert.throws(() => bindExpr({ kind: "star", qualifier: [] }, EVENTS), analysisError(/only allowed in a select list/));
  assert.throws(() => bindExpr({ kind: "sortOrder", child: { kind: "column", parts: ["n"] }, ascending: true, nullsFirst: true }, EVENTS), analysisError(/sort order/));
  assert.throws(() => bindProjectList([{ kind: "star", qualifier: ["n"] }], EVENTS), analysisError(/cannot expand 'n\.\*'/));
  assert.throws(() => bind("from_json(event_id, 'INT')"), analysisError(/from_json expects a struct, array or map schema, got int/));
});

test("float literals and comparisons keep float when tight", () => {
  const s = StructType([StructField("f", FloatType())]);
  assert.deepEqual(bindExpr(parseExpression("f + 1"), s).dataType, FloatType());
  assert.deepEqual(bindExpr(parseExpression("f + 1.5D"), s).dataType, DoubleType());
});

test("collectAggregates / replaceAggregates let the expression around aggregates be evaluated", async () => {
  const { collectAggregates, replaceAggregates } = await import("../../../../src/plan/expressions/bound.js");
  const b = agg("sum(n) / count(*) + 1");
  const aggs = collectAggregates(b);
  assert.deepEqual(aggs.map((a) => a.name), ["sum", "count"]);
  const replaced = replaceAggregates(b, (a, i) => ({ kind: "ref", ordinal: i, name: a.name, dataType: a.dataType, nullable: a.nullable }));
  assert.equal(JSON.stringify(replaced).includes('"aggregate"'), false);
  assert.deepEqual(replaced.dataType, DoubleType());
});
