import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  StructType,
  StructField,
  StringType,
  IntegerType,
  LongType,
  DoubleType,
  TimestampType,
  DateType,
  ArrayType,
  MapType,
} from "../../../../src/types/data-types.js";
import { values, evaluate } from "./helpers.js";
import { bindExpr } from "../../../../src/plan/expressions/bind.js";
import { parseExpression } from "../../../../src/sql/parser.js";
import { kernelNames } from "../../../../src/exec/eval/functions/kernels.js";
import { lookupFunction } from "../../../../src/plan/expressions/function-registry.js";

const iso = (xs: unknown[]) => xs.map((x) => (x instanceof Date ? x.toISOString() : x));
const ONE = StructType([StructField("s", StringType()), StructField("ts", TimestampType()), StructField("d", DateType())]);
const one = [{ s: "x", ts: new Date("2024-03-15T13:45:30.250Z"), d: "2024-03-15" }];

test("every kernel has a registry entry and vice versa", () => {
  for (const name of kernelNames()) assert.ok(lookupFunction(name), `registry lacks ${name}`);
});

test("to_timestamp / to_date: default formats and Spark patterns; failures are null", () => {
  const r = [
    { s: "2024-01-15 10:30:00", ts: null, d: null },
    { s: "15/01/2024 10:30", ts: null, d: null },
    { s: "not a date", ts: null, d: null },
  ];
  assert.deepEqual(iso(values("to_timestamp(s)", ONE, r)), ["2024-01-15T10:30:00.000Z", null, null]);
  assert.deepEqual(iso(values("to_timestamp(s, 'dd/MM/yyyy HH:mm')", ONE, r)), [null, "2024-01-15T10:30:00.000Z", null]);
  assert.deepEqual(iso(values("to_date(s)", ONE, r)), ["2024-01-15T00:00:00.000Z", null, null]);
  assert.deepEqual(iso(values("to_date(s, 'dd/MM/yyyy HH:mm')", ONE, r)), [null, "2024-01-15T00:00:00.000Z", null]);
  assert.deepEqual(iso(values("to_timestamp('2024-01-15T10:30:00.123', \"yyyy-MM-dd'T'HH:mm:ss.SSS\")", ONE, one)), ["2024-01-15T10:30:00.123Z"]);
  // Trailing text fails the new parser; Spark 3.5 raises because its legacy parser would read the prefix.
  assert.throws(() => values("to_timestamp('2024-01-15 10:30', 'yyyy-MM-dd')", ONE, one), /PARSE_DATETIME_BY_NEW_PARSER|INCONSISTENT_BEHAVIOR_CROSS_VERSION/);
  assert.deepEqual(iso(values("to_timestamp('2024-01-15 10:30', 'yyyy-MM-dd HH:mm:ss')", ONE, one)), [null], "a text too short for the pattern is null");
  const l = StructType([StructField("e", LongType())]);
  assert.deepEqual(iso(values("to_timestamp(e)", l, [{ e: 1_700_000_000n }])), ["2023-11-14T22:13:20.000Z"], "numbers are seconds");
});

test("current_timestamp / current_date come from the batch context", () => {
  const ms = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
  const r = evaluate("current_timestamp()", ONE, one, ms);
  assert.deepEqual(iso(r.values), ["2024-05-01T12:00:00.123Z"]);
  assert.deepEqual(iso(evaluate("current_date()", ONE, one, ms).values), ["2024-05-01T00:00:00.000Z"]);
  assert.deepEqual(evaluate("unix_timestamp()", ONE, one, ms).values, [1714564800n]);
  assert.equal(r.bound.nullable, false);
});

test("date_trunc units, date_format patterns, field extractors", () => {
  const cases: [string, string][] = [
    ["year", "2024-01-01T00:00:00.000Z"],
    ["month", "2024-03-01T00:00:00.000Z"],
    ["week", "2024-03-11T00:00:00.000Z"],
    ["day", "2024-03-15T00:00:00.000Z"],
    ["hour", "2024-03-15T13:00:00.000Z"],
    ["minute", "2024-03-15T13:45:00.000Z"],
    ["second", "2024-03-15T13:45:30.000Z"],
    ["QUARTER", "2024-01-01T00:00:00.000Z"],
  ];
  for (const [unit, want] of cases) assert.deepEqual(iso(values(`date_trunc('${unit}', ts)`, ONE, one)), [want], unit);
  assert.deepEqual(values("date_trunc('fortnight', ts)", ONE, one), [null]);
  assert.deepEqual(values("date_format(ts, 'yyyy-MM-dd HH:mm:ss.SSS')", ONE, one), ["2024-03-15 13:45:30.250"]);
  assert.deepEqual(values("date_format(ts, \"EEE, d MMM yyyy h:mm a\")", ONE, one), ["Fri, 15 Mar 2024 1:45 PM"]);
  assert.deepEqual(values("date_format(d, 'yyyy/MM/dd')", ONE, one), ["2024/03/15"]);
  assert.deepEqual(values("year(ts)", ONE, one), [2024]);
  assert.deepEqual(values("month(d)", ONE, one), [3]);
  assert.deepEqual(values("dayofmonth(ts)", ONE, one), [15]);
  assert.deepEqual(values("hour(ts)", ONE, one), [13]);
  assert.deepEqual(values("minute(ts)", ONE, one), [45]);
  assert.deepEqual(values("year('2020-02-29')", ONE, one), [2020], "strings are cast to dates");
});

test("unix_timestamp and from_unixtime", () => {
  assert.deepEqual(values("unix_timestamp(ts)", ONE, one), [1710510330n]);
  assert.deepEqual(values("unix_timestamp('2024-01-01 00:00:00')", ONE, one), [1704067200n]);
  assert.deepEqual(values("unix_timestamp('01/01/2024', 'dd/MM/yyyy')", ONE, one), [1704067200n]);
  assert.deepEqual(values("unix_timestamp('bad')", ONE, one), [null]);
  assert.deepEqual(values("from_unixtime(0)", ONE, one), ["1970-01-01 00:00:00"]);
  assert.deepEqual(values("from_unixtime(1704067200, 'yyyy-MM-dd')", ONE, one), ["2024-01-01"]);
});

test("md5 / sha1 / sha2 / crc32 match node:crypto and zlib's CRC-32", () => {
  const r = [{ s: "héllo", ts: null, d: null }, { s: null, ts: null, d: null }];
  const hex = (alg: string) => createHash(alg).update("héllo").digest("hex");
  assert.deepEqual(values("md5(s)", ONE, r), [hex("md5"), null]);
  assert.deepEqual(values("sha1(s)", ONE, r), [hex("sha1"), null]);
  assert.deepEqual(values("sha2(s, 256)", ONE, r), [hex("sha256"), null]);
  assert.deepEqual(values("sha2(s, 0)", ONE, r), [hex("sha256"), null]);
  assert.deepEqual(values("sha2(s, 512)", ONE, r), [hex("sha512"), null]);
  assert.deepEqual(values("sha2(s, 384)", ONE, r), [hex("sha384"), null]);
  assert.deepEqual(values("sha2(s, 224)", ONE, r), [hex("sha224"), null]);
  assert.deepEqual(values("sha2(s, 100)", ONE, r), [null, null], "unsupported bit lengths are null");
  assert.deepEqual(values("crc32('The quick brown fox jumps over the lazy dog')", ONE, one), [0x414fa339n]);
  assert.throws(() => values("md5(123)", ONE, one), /function md5 expects a binary argument, got int/, "Spark has no implicit int → binary cast");
  assert.deepEqual(values("md5(CAST(123 AS STRING))", ONE, one), [createHash("md5").update("123").digest("hex")]);
});

test("hash() matches Spark's Murmur3 values", () => {
  // From Spark's documentation: SELECT hash('Spark', array(123), 2) → -1321691492.
  assert.deepEqual(values("hash('Spark', array(123), 2)", ONE, one), [-1321691492]);
  assert.deepEqual(values("hash(NULL)", ONE, one), [42], "nulls leave the seed unchanged");
  const l = StructType([StructField("x", LongType()), StructField("i", IntegerType()), StructField("f", DoubleType())]);
  const r = evaluate("hash(x, i, f)", l, [{ x: 1n, i: 1, f: 0 }, { x: 1n, i: 1, f: -0 }]);
  assert.equal(r.values[0], r.values[1], "-0.0 hashes as 0.0");
  assert.equal(r.bound.nullable, false);
});

test("abs / round (HALF_UP) / floor / ceil / greatest / least / nvl / if / nullif", () => {
  const t = StructType([StructField("x", DoubleType()), StructField("i", IntegerType()), StructField("j", IntegerType())]);
  const r = [
    { x: 2.5, i: -3, j: 7 },
    { x: -2.5, i: null, j: 1 },
    { x: 0.125, i: 4, j: null },
  ];
  assert.deepEqual(values("abs(i)", t, r), [3, null, 4]);
  assert.deepEqual(values("round(x)", t, r), [3, -3, 0]);
  assert.deepEqual(values("round(x, 2)", t, r), [2.5, -2.5, 0.13]);
  assert.deepEqual(values("round(i, -1)", t, r), [0, null, 0]);
  assert.deepEqual(values("round(j, -1)", t, r), [10, 0, null]);
  assert.deepEqual(values("floor(x)", t, r), [2n, -3n, 0n]);
  assert.deepEqual(values("ceil(x)", t, r), [3n, -2n, 1n]);
  assert.deepEqual(values("greatest(i, j)", t, r), [7, 1, 4], "nulls are skipped");
  assert.deepEqual(values("least(i, j, 0)", t, r), [-3, 0, 0]);
  assert.deepEqual(values("nvl(i, -1)", t, r), [-3, -1, 4]);
  assert.deepEqual(values("ifnull(j, 0)", t, r), [7, 1, 0]);
  assert.deepEqual(values("if(i > 0, 'pos', 'neg')", t, r), ["neg", "neg", "pos"], "a null condition takes the else branch");
  assert.deepEqual(values("nullif(j, 7)", t, r), [null, 1, null]);
  assert.deepEqual(values("coalesce(i, j, 99)", t, r), [-3, 1, 4]);
  assert.deepEqual(values("isnull(i)", t, r), [false, true, false]);
  assert.deepEqual(values("isnotnull(i)", t, r), [true, false, true]);
});

test("get_json_object evaluates a JSONPath subset", () => {
  const r = [
    { s: '{"a":{"b":[10,{"c":"x"}]},"n":null,"t":"str","o":{"k":1}}', ts: null, d: null },
    { s: "not json", ts: null, d: null },
    { s: null, ts: null, d: null },
  ];
  assert.deepEqual(values("get_json_object(s, '$.a.b[0]')", ONE, r), ["10", null, null]);
  assert.deepEqual(values("get_json_object(s, '$.a.b[1].c')", ONE, r), ["x", null, null]);
  assert.deepEqual(values("get_json_object(s, \"$['t']\")", ONE, r), ["str", null, null]);
  assert.deepEqual(values("get_json_object(s, '$.o')", ONE, r), ['{"k":1}', null, null]);
  assert.deepEqual(values("get_json_object(s, '$.n')", ONE, r), [null, null, null]);
  assert.deepEqual(values("get_json_object(s, '$.missing')", ONE, r), [null, null, null]);
  assert.deepEqual(values("get_json_object(s, 'a')", ONE, r), [null, null, null], "paths must start with $");
});

test("from_json with a DDL schema and to_json round trip", () => {
  const r = [
    { s: '{"event_id":"e1","n":5}', ts: null, d: null },
    { s: "{bad", ts: null, d: null },
    { s: null, ts: null, d: null },
  ];
  const parsed = evaluate("from_json(s, 'event_id STRING, n BIGINT')", ONE, r);
  assert.deepEqual(parsed.bound.dataType, StructType([StructField("event_id", StringType()), StructField("n", LongType())]));
  assert.deepEqual(parsed.values, [{ event_id: "e1", n: 5n }, { event_id: null, n: null }, null]);
  assert.deepEqual(values("from_json(s, 'event_id STRING, n BIGINT').event_id", ONE, r), ["e1", null, null]);
  assert.deepEqual(values("to_json(from_json(s, 'event_id STRING, n BIGINT'))", ONE, r), ['{"event_id":"e1","n":5}', "{}", null]);
  assert.throws(
    () => evaluate("from_json(s, 'event_id STRING', map('mode', 'FAILFAST'))", ONE, r),
    (e: Error) => e.name === "ExecutionError",
  );
});

test("struct / named_struct / array / size / element_at / get_item", () => {
  const t = StructType([
    StructField("a", IntegerType()),
    StructField("s", StringType()),
    StructField("arr", ArrayType(IntegerType())),
    StructField("m", MapType(StringType(), IntegerType())),
  ]);
  const r = [
    { a: 1, s: "x", arr: [10, 20, 30], m: { k: 1, j: 2 } },
    { a: null, s: "y", arr: null, m: null },
  ];
  const st = evaluate("struct(a, s, a + 1)", t, r);
  assert.deepEqual(
    st.bound.dataType.typeName === "struct" ? st.bound.dataType.fields.map((f) => f.name) : [],
    ["a", "s", "col3"],
  );
  assert.deepEqual(st.values, [{ a: 1, s: "x", col3: 2 }, { a: null, s: "y", col3: null }]);
  assert.deepEqual(values("named_struct('x', a, 'y', s)", t, r), [{ x: 1, y: "x" }, { x: null, y: "y" }]);
  assert.deepEqual(values("array(a, 5)", t, r), [[1, 5], [null, 5]]);
  assert.deepEqual(values("size(arr)", t, r), [3, -1]);
  assert.deepEqual(values("cardinality(m)", t, r), [2, -1]);
  assert.deepEqual(values("element_at(arr, 1)", t, r), [10, null]);
  assert.deepEqual(values("element_at(arr, -1)", t, r), [30, null]);
  assert.deepEqual(values("element_at(arr, 4)", t, r), [null, null]);
  assert.deepEqual(values("arr[0]", t, r), [10, null]);
  assert.deepEqual(values("arr[5]", t, r), [null, null]);
  assert.deepEqual(values("m['j']", t, r), [2, null]);
  assert.deepEqual(values("element_at(m, 'zz')", t, r), [null, null]);
  assert.deepEqual(values("struct(a, s).s", t, r), ["x", "y"]);
  assert.throws(() => evaluate("element_at(arr, 0)", t, r), /start at 1/);
});

test("EXTRACT / date_part, locate / POSITION, any_value", () => {
  assert.deepEqual(values("EXTRACT(YEAR FROM ts)", ONE, one), [2024]);
  assert.deepEqual(values("extract(MONTH FROM d)", ONE, one), [3]);
  assert.deepEqual(values("date_part('hour', ts)", ONE, one), [13]);
  assert.deepEqual(values("extract(MINS FROM ts)", ONE, one), [45]);
  assert.deepEqual(values("locate('b', 'abcb')", ONE, one), [2]);
  assert.deepEqual(values("locate('b', 'abcb', 3)", ONE, one), [4]);
  assert.deepEqual(values("POSITION('é' IN 'aéé')", ONE, one), [2]);
  assert.deepEqual(values("locate('z', 'abc')", ONE, one), [0]);
  const b = bindExpr(parseExpression("any_value(s)"), ONE, { allowAggregates: true });
  assert.equal(b.kind === "aggregate" ? b.name : "", "first");
});
