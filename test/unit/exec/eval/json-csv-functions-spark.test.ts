/**
 * Spark 3.5's JSON and CSV functions, checked against Spark's documented examples and the outputs
 * of its golden files (json-functions.sql.out, csv-functions.sql.out).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StructType, StructField, StringType } from "../../../../src/types/data-types.js";
import { values } from "./helpers.js";

const S = StructType([StructField("s", StringType())]);
const rows = (...ss: (string | null)[]) => ss.map((s) => ({ s }));
const one = (expr: string): unknown => values(expr, S, rows("x"))[0];

function raises(expr: string, pattern: RegExp): void {
  assert.throws(() => values(expr, S, rows("x")), pattern);
}

test("json_array_length: elements of the outermost array, null for anything else", () => {
  const r = rows("[]", "[1,2,3]", "[[1,2],[5,6,7]]", '[{"a":123},{"b":"hello"}]', '[1,2,3,[33,44],{"key":[2,3,4]}]', '{"key":"not a json array"}', "[1,2,3,4,5", "", null, "  [1] trailing");
  assert.deepEqual(values("json_array_length(s)", S, r), [0, 3, 2, 2, 5, null, null, null, null, 1]);
  assert.equal(one("json_array_length(null)"), null);
  raises("json_array_length(2)", /DATATYPE_MISMATCH\.UNEXPECTED_INPUT_TYPE.*"STRING".*"INT"/);
});

test("json_object_keys: keys of the outermost object in order, null for anything else", () => {
  const r = rows("{}", '{"key": 1}', '{"key": "value", "key2": 2}', '{"k1": [1, 2, {"key": 5}], "k2": {"key2": [1, 2]}}', "{[1,2]}", '{"key": 45, "random_string"}', "[1, 2, 3]", "", null);
  assert.deepEqual(values("json_object_keys(s)", S, r), [[], ["key"], ["key", "key2"], ["k1", "k2"], null, null, null, null, null]);
  raises("json_object_keys(200)", /UNEXPECTED_INPUT_TYPE/);
});

test("get_json_object: Spark's JSON paths, strings unquoted, numbers re-printed as Jackson does", () => {
  const doc = '{"a":"b","n":1.50e1,"arr":[{"b":1},{"b":2}],"o":{"x":"y\\n"},"z":null}';
  const r = rows(doc);
  const at = (path: string) => values(`get_json_object(s, '${path}')`, S, r)[0];
  assert.equal(at("$.a"), "b");
  assert.equal(at("$[\\'a\\']"), "b");
  assert.equal(at("$.n"), "15.0");
  assert.equal(at("$.arr[1].b"), "2");
  assert.equal(at("$.arr[*].b"), "[1,2]");
  assert.equal(at("$.arr[0]"), '{"b":1}');
  assert.equal(at("$.o"), '{"x":"y\\n"}');
  assert.equal(at("$.z"), null);
  assert.equal(at("$.missing"), null);
  assert.equal(at("a"), null, "a path must start with $");
  assert.equal(values("get_json_object(s, '$.a')", S, rows("{'a':'single'}", "{bad", null))[0], "single");
  assert.deepEqual(values("get_json_object(s, '$.a')", S, rows("{'a':'single'}", "{bad", null)).slice(1), [null, null]);
});

test("schema_of_json: Spark's DDL, options, and a constant argument", () => {
  assert.equal(one(`schema_of_json('{"c1":0, "c2":[1]}')`), "STRUCT<c1: BIGINT, c2: ARRAY<BIGINT>>");
  assert.equal(one(`schema_of_json('[{"col":0}]')`), "ARRAY<STRUCT<col: BIGINT>>");
  assert.equal(one(`schema_of_json('{"c1":1}', map('primitivesAsString', 'true'))`), "STRUCT<c1: STRING>");
  assert.equal(
    one(`schema_of_json('{"c1":01, "c2":0.1}', map('allowNumericLeadingZeros', 'true', 'prefersDecimal', 'true'))`),
    "STRUCT<c1: BIGINT, c2: DECIMAL(1,1)>",
  );
  raises("schema_of_json(null)", /DATATYPE_MISMATCH\.UNEXPECTED_NULL/);
  raises("schema_of_json(s)", /DATATYPE_MISMATCH\.NON_FOLDABLE_INPUT/);
});

test("from_json: struct, map and array schemas, and schema_of_json as the schema", () => {
  assert.deepEqual(one(`from_json('{"a":1, "b":2}', 'map<string, int>')`), new Map([["a", 1], ["b", 2]]));
  assert.deepEqual(one(`from_json('[1, 2, null]', 'array<int>')`), [1, 2, null]);
  assert.equal(one(`from_json('[1, "2", 3]', 'array<int>')`), null);
  assert.deepEqual(one(`from_json('{"a": 1}', 'array<struct<a:int>>')`), [{ a: 1 }]);
  assert.equal(one(`from_json('[{"a": 1}, 2]', 'array<map<string,int>>')`), null);
  assert.deepEqual(one(`from_json('{"c1":[1, 2, 3]}', schema_of_json('{"c1":[0]}'))`), { c1: [1n, 2n, 3n] });
  raises(`from_json('{"a":1}', 1)`, /INVALID_SCHEMA\.NON_STRING_LITERAL/);
  raises(`from_json('{"a":1}', 'a INT', named_struct('mode', 'PERMISSIVE'))`, /INVALID_OPTIONS\.NON_MAP_FUNCTION/);
  raises(`from_json('{"a":1}', 'a INT', map('mode', 1))`, /INVALID_OPTIONS\.NON_STRING_TYPE.*MAP<STRING, INT>/);
});

test("from_json: dateFormat and timestampFormat", () => {
  const v = one(
    `from_json('{"d": "12/15 2012", "t": "12/15 2012 15:15:15"}', 'd date, t timestamp', map('dateFormat', 'MM/dd yyyy', 'timestampFormat', 'MM/dd yyyy HH:mm:ss', 'timeZone', 'UTC'))`,
  ) as { d: Date; t: Date };
  assert.equal(v.d.toISOString(), "2012-12-15T00:00:00.000Z");
  assert.equal(v.t.toISOString(), "2012-12-15T15:15:15.000Z");
  assert.deepEqual(one(`from_json('{"d": "15-12"}', 'd date', map('dateFormat', 'MM-dd'))`), { d: null }, "text the pattern rejects is null");
  raises(`from_json('{"d": "02-29"}', 'd date', map('dateFormat', 'MM-dd'))`, /INCONSISTENT_BEHAVIOR_CROSS_VERSION/);
});

test("to_json: maps with struct keys, arrays of maps, timestampFormat, option errors", () => {
  assert.equal(one("to_json(map(named_struct('a', 1, 'b', 2), named_struct('a', 1, 'b', 2)))"), '{"[1,2]":{"a":1,"b":2}}');
  assert.equal(one("to_json(array(map('a',1), map('b',2)))"), '[{"a":1},{"b":2}]');
  assert.equal(one("to_json(map('a', named_struct('b', 1)))"), '{"a":{"b":1}}');
  assert.equal(one("to_json(named_struct('time', timestamp'2015-08-26 00:00:00'), map('timestampFormat', 'dd/MM/yyyy'))"), '{"time":"26/08/2015"}');
  raises("to_json(named_struct('a', 1, 'b', 2), named_struct('mode', 'PERMISSIVE'))", /INVALID_OPTIONS\.NON_MAP_FUNCTION/);
  raises("to_json(named_struct('a', 1), map('bogus', 'x'))", /to_json: unknown option 'bogus'/);
});

test("from_csv: records, timestampFormat, malformed cells and bad schemas", () => {
  assert.deepEqual(one("from_csv('1, 0.8', 'a INT, b DOUBLE')"), { a: 1, b: 0.8 });
  assert.deepEqual(values("from_csv(s, 'a INT, b STRING')", S, rows("1,abc", "x,y", "", null)), [{ a: 1, b: "abc" }, { a: null, b: "y" }, { a: null, b: null }, null]);
  const t = one("from_csv('26/08/2015', 'time Timestamp', map('timestampFormat', 'dd/MM/yyyy'))") as { time: Date };
  assert.equal(t.time.toISOString(), "2015-08-26T00:00:00.000Z");
  assert.deepEqual(one("from_csv('1,abc', schema_of_csv('1,abc'))"), { _c0: 1, _c1: "abc" });
  raises("from_csv('1', 'Array<int>')", /INVALID_SCHEMA\.NON_STRUCT_TYPE.*"ARRAY<INT>"/);
  raises("from_csv('1', 1)", /INVALID_SCHEMA\.NON_STRING_LITERAL/);
});

test("from_csv: zone-less timestamps are read in the timeZone option, with java.time's DST rules", () => {
  const at = (expr: string) => (one(expr) as { t: Date }).t.toISOString();
  assert.equal(at("from_csv('26/08/2015', 't Timestamp', map('timestampFormat', 'dd/MM/yyyy', 'timeZone', 'America/Los_Angeles'))"), "2015-08-26T07:00:00.000Z");
  // 02:30 does not exist on 2019-03-10 in Los Angeles: java.time moves it forward by the gap.
  assert.equal(at("from_csv('2019-03-10 02:30:00', 't Timestamp', map('timeZone', 'America/Los_Angeles'))"), "2019-03-10T10:30:00.000Z");
  // An offset in the text wins over the option.
  assert.equal(at("from_csv('2015-08-26 10:00:00+02:00', 't Timestamp', map('timeZone', 'America/Los_Angeles'))"), "2015-08-26T08:00:00.000Z");
  raises("from_csv('1', 't Timestamp', map('timeZone', 'Mars/Olympus'))", /option 'timeZone' is not a time zone/);
});

test("to_csv and schema_of_csv", () => {
  assert.equal(one("to_csv(named_struct('a', 1, 'b', 2))"), "1,2");
  assert.equal(one("to_csv(named_struct('time', timestamp'2015-08-26 00:00:00'), map('timestampFormat', 'dd/MM/yyyy'))"), "26/08/2015");
  assert.equal(one("to_csv(named_struct('a', 'x,y', 'b', 'l1\\nl2', 'c', cast(null as int), 'd', ''))"), '"x,y","l1\nl2",,""');
  assert.equal(one("to_csv(named_struct('a', 1, 'b', 2), map('sep', '|'))"), "1|2");
  assert.equal(one("schema_of_csv('1,abc')"), "STRUCT<_c0: INT, _c1: STRING>");
  assert.equal(one("schema_of_csv('1|abc', map('delimiter', '|'))"), "STRUCT<_c0: INT, _c1: STRING>");
  assert.equal(one("schema_of_csv('12345678901,1.5,2020-01-01,true,')"), "STRUCT<_c0: BIGINT, _c1: DOUBLE, _c2: DATE, _c3: BOOLEAN, _c4: STRING>");
  raises("schema_of_csv(null)", /UNEXPECTED_NULL/);
  raises("schema_of_csv(s)", /NON_FOLDABLE_INPUT/);
});

test("Column builders: json_array_length, json_object_keys, from_csv/to_csv, schema_of_* with options", async () => {
  const { SparkSession } = await import("../../../../src/index.js");
  const F = await import("../../../../src/api/functions.js");
  const spark = new SparkSession("json-csv-api", { "sluice.exec.workers": "0" });
  const df = spark.createDataFrame([{ j: '{"a":[1,2]}', c: "1|x" }], "j STRING, c STRING");
  const rows = await df
    .select(
      F.json_array_length(F.get_json_object("j", "$.a")).alias("n"),
      F.json_object_keys("j").alias("k"),
      F.from_csv("c", F.schema_of_csv("1|x", { delimiter: "|" }), { sep: "|" }).alias("r"),
      F.to_csv(F.struct("c", "j"), { sep: ";" }).alias("t"),
      F.schema_of_json('{"a":1}', { primitivesAsString: true }).alias("s"),
    )
    .collect();
  assert.deepEqual(rows, [{ n: 2, k: ["a"], r: { _c0: 1, _c1: "x" }, t: '1|x;"{\\"a\\":[1,2]}"', s: "STRUCT<a: STRING>" }]);
});

test("from_json / to_json: pattern timestamps are wall-clock times in the timeZone option", () => {
  const v = one(`from_json('{"t":"26/08/2015 10"}', 't timestamp', map('timestampFormat', 'dd/MM/yyyy HH', 'timeZone', 'America/Los_Angeles'))`) as { t: Date };
  assert.equal(v.t.toISOString(), "2015-08-26T17:00:00.000Z");
  const back = `to_json(from_json('{"t":"26/08/2015 10"}', 't timestamp', map('timestampFormat', 'dd/MM/yyyy HH', 'timeZone', 'Asia/Tokyo')), map('timestampFormat', 'dd/MM/yyyy HH', 'timeZone', 'Asia/Tokyo'))`;
  assert.equal(one(back), '{"t":"26/08/2015 10"}');
});

test("to_json / to_csv write timestamps in the session time zone", async () => {
  const { SparkSession } = await import("../../../../src/index.js");
  const spark = new SparkSession("json-csv-zone", { "sluice.exec.workers": "0", "spark.sql.session.timeZone": "America/Los_Angeles" });
  const rows = await spark
    .sql("SELECT to_csv(named_struct('t', timestamp'2015-08-26 00:00:00')) AS c, to_json(named_struct('t', timestamp'2015-08-26 00:00:00')) AS j")
    .collect();
  assert.deepEqual(rows, [{ c: "2015-08-26T00:00:00.000-07:00", j: '{"t":"2015-08-26T00:00:00.000-07:00"}' }]);
});
