import { test } from "node:test";
import assert from "node:assert/strict";
import { StructType, StructField, StringType, LongType, BinaryType, IntegerType, DecimalType, DoubleType } from "../../../src/types/data-types.js";
import * as F from "../../../src/api/functions.js";
import { bindExpr, bindProjectList, bindPredicate, outputName } from "../../../src/plan/expressions/bind.js";
import { compileExpr } from "../../../src/exec/eval/compile.js";
import { batchFromRows } from "../../../src/columnar/build.js";
import { batchToRows } from "../../../src/columnar/values.js";
import { makeBatch } from "../../../src/columnar/batch.js";
import { parseNamedExpression } from "../../../src/sql/parser.js";
import { values } from "../exec/eval/helpers.js";

const { col, lit } = F;

test("the Glue walkthrough's parse → select data.* → filter, end to end", () => {
  const kafka = StructType([StructField("key", BinaryType()), StructField("value", BinaryType()), StructField("offset", LongType())]);
  const enc = (s: string) => new TextEncoder().encode(s);
  const input = batchFromRows(kafka, [
    { key: null, value: enc('{"event_id":"e1","user_id":"u1","timestamp":1700000000,"event_type":"click","payload":"{}"}'), offset: 0n },
    { key: null, value: enc('{"user_id":"u2"}'), offset: 1n },
    { key: null, value: enc("garbage"), offset: 2n },
  ]);
  const schema = StructType([
    StructField("event_id", StringType()),
    StructField("user_id", StringType()),
    StructField("timestamp", LongType()),
    StructField("event_type", StringType()),
    StructField("payload", StringType()),
  ]);
  // selectExpr("CAST(value AS STRING)")
  const p1 = bindProjectList([parseNamedExpression("CAST(value AS STRING)")], kafka);
  assert.deepEqual(p1.names, ["value"]);
  const s1 = StructType([StructField(p1.names[0], p1.exprs[0].dataType)]);
  const b1 = makeBatch(s1, p1.exprs.map((e) => compileExpr(e)(input)));
  // select(from_json(col("value"), schema).alias("data"))
  const p2 = bindProjectList([F.from_json(col("value"), schema).alias("data").expr], s1);
  assert.deepEqual(p2.names, ["data"]);
  const s2 = StructType([StructField("data", p2.exprs[0].dataType)]);
  const b2 = makeBatch(s2, p2.exprs.map((e) => compileExpr(e)(b1)));
  // select("data.*")
  const p3 = bindProjectList([col("data.*").expr], s2);
  assert.deepEqual(p3.names, ["event_id", "user_id", "timestamp", "event_type", "payload"]);
  const s3 = StructType(p3.names.map((n, i) => StructField(n, p3.exprs[i].dataType)));
  const b3 = makeBatch(s3, p3.exprs.map((e) => compileExpr(e)(b2)));
  // filter(col("event_id").isNotNull())
  const keep = compileExpr(bindPredicate(col("event_id").isNotNull().expr, s3))(b3);
  assert.deepEqual(batchToRows(b3).filter((_, i) => keep.kind === "bool" && keep.values[i] === 1), [
    { event_id: "e1", user_id: "u1", timestamp: 1700000000n, event_type: "click", payload: "{}" },
  ]);
  assert.equal(outputName(F.from_json(col("value"), schema).expr), "from_json(value)");
});

test("functions take column names or Columns and produce Spark's names", () => {
  const names = [
    F.upper("name"),
    F.lower(col("name")),
    F.count("*"),
    F.count("a"),
    F.countDistinct("a", "b"),
    F.approx_count_distinct("a"),
    F.sum("a"),
    F.avg("a"),
    F.mean("a"),
    F.min("a"),
    F.max("a"),
    F.first("a", true),
    F.last("a"),
    F.coalesce("a", lit(0)),
    F.concat_ws(",", "a", "b"),
    F.to_timestamp("t", "yyyy-MM-dd"),
    F.date_trunc("hour", "ts"),
    F.sha2("name", 256),
    F.round("x", 2),
    F.ceil("x"),
    F.current_timestamp(),
    F.to_json(F.struct("a", "b")),
    F.substring("name", 1, 3),
    F.regexp_extract("name", "(a)", 1),
    F.element_at("arr", 1),
    F.size("arr"),
    F.isnull("a"),
    F.get_json_object("payload", "$.a"),
    F.split("name", ","),
  ].map((c) => outputName(c.expr));
  assert.deepEqual(names, [
    "upper(name)",
    "lower(name)",
    "count(1)",
    "count(a)",
    "count(DISTINCT a, b)",
    "approx_count_distinct(a)",
    "sum(a)",
    "avg(a)",
    "avg(a)",
    "min(a)",
    "max(a)",
    "first(a, true)",
    "last(a)",
    "coalesce(a, 0)",
    "concat_ws(,, a, b)",
    "to_timestamp(t, yyyy-MM-dd)",
    "date_trunc(hour, ts)",
    "sha2(name, 256)",
    "round(x, 2)",
    "CEIL(x)",
    "current_timestamp()",
    "to_json(struct(a, b))",
    "substring(name, 1, 3)",
    "regexp_extract(name, (a), 1)",
    "element_at(arr, 1)",
    "size(arr)",
    "(a IS NULL)",
    "get_json_object(payload, $.a)",
    "split(name, ,, -1)",
  ]);
});

test("aggregate builders bind to BoundAggregate nodes", () => {
  const s = StructType([StructField("a", IntegerType()), StructField("d", DecimalType(10, 2)), StructField("u", StringType())]);
  const bind = (c: { expr: Parameters<typeof bindExpr>[0] }) => bindExpr(c.expr, s, { allowAggregates: true });
  const star = bind(F.count("*"));
  assert.deepEqual(star.kind === "aggregate" ? [star.name, star.args.length, star.dataType] : null, ["count", 0, LongType()]);
  const cd = bind(F.countDistinct("u"));
  assert.deepEqual(cd.kind === "aggregate" ? [cd.name, cd.distinct] : null, ["count_distinct", true]);
  const avg = bind(F.avg("d"));
  assert.deepEqual(avg.dataType, DecimalType(14, 6));
  assert.deepEqual(bind(F.mean("a")).dataType, DoubleType());
  const first = bind(F.first("u", true));
  assert.deepEqual(first.kind === "aggregate" ? [first.ignoreNulls, first.args.length] : null, [true, 1]);
});

test("scalar functions evaluate through the Column API", () => {
  const s = StructType([StructField("name", StringType()), StructField("n", IntegerType()), StructField("ts", StringType())]);
  const rows = [
    { name: "  Ada ", n: -3, ts: "2024-01-15 10:30:00" },
    { name: null, n: null, ts: "bad" },
  ];
  assert.deepEqual(values(F.upper(F.trim("name")), s, rows), ["ADA", null]);
  assert.deepEqual(values(F.length("name"), s, rows), [6, null]);
  assert.deepEqual(values(F.abs("n"), s, rows), [3, null]);
  assert.deepEqual(values(F.coalesce("n", lit(0)), s, rows), [-3, 0]);
  assert.deepEqual(values(F.concat(F.ltrim("name"), lit("!")), s, rows), ["Ada !", null]);
  assert.deepEqual(values(F.date_format(F.to_timestamp("ts"), "yyyy-MM-dd"), s, rows), ["2024-01-15", null]);
  assert.deepEqual(values(F.hour(F.to_timestamp("ts")), s, rows), [10, null]);
  assert.deepEqual(values(F.expr("n * 2 + 1"), s, rows), [-5, null]);
  assert.deepEqual(values(F.greatest("n", lit(0)), s, rows), [0, 0]);
  assert.deepEqual(values(F.from_json(lit('{"a":1}'), "a INT"), s, rows.slice(0, 1)), [{ a: 1 }]);
  assert.deepEqual(values(F.from_json(lit('{"a":01}'), "a INT", { allowNumericLeadingZeros: true }), s, rows.slice(0, 1)), [{ a: 1 }]);
  assert.deepEqual(values(F.to_json(F.struct("n", "name")), s, rows), ['{"n":-3,"name":"  Ada "}', "{}"]);
  assert.deepEqual(values(F.array("n", lit(1)), s, rows), [[-3, 1], [null, 1]]);
  assert.deepEqual(values(F.crc32("name"), s, rows).map((v) => typeof v), ["bigint", "object"]);
});

test("col parses back-quoted names and star forms", () => {
  assert.deepEqual(col("`a.b`.c").expr, { kind: "column", parts: ["a.b", "c"] });
  assert.deepEqual(col("*").expr, { kind: "star", qualifier: [] });
  assert.deepEqual(col("data.*").expr, { kind: "star", qualifier: ["data"] });
  assert.deepEqual(F.column("x").expr, col("x").expr);
  assert.equal(F.asc("a").toString(), "a ASC NULLS FIRST");
  assert.equal(F.desc("a").toString(), "a DESC NULLS LAST");
});
