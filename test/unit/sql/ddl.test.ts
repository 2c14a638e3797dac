import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDataType, parseDDL, toSchema, toDataType } from "../../../src/sql/ddl.js";
import {
  ArrayType,
  BinaryType,
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  NullType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  sameType,
  type DataType,
} from "../../../src/types/data-types.js";
import { ParseError } from "../../../src/errors.js";

function assertType(actual: DataType, expected: DataType): void {
  assert.ok(sameType(actual, expected), `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Asserts `fn` throws a ParseError at `position` whose message contains every fragment. */
function assertParseError(fn: () => unknown, position: number | undefined, ...fragments: string[]): ParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    assert.equal(e.code, "SLUICE_PARSE");
    if (position !== undefined) assert.equal(e.context.position, position, e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return e;
  }
  assert.fail("expected a ParseError");
}

test("parseDataType reads every primitive name and synonym, case-insensitively", () => {
  const cases: [string, DataType][] = [
    ["string", StringType()],
    ["STRING", StringType()],
    ["varchar(10)", StringType()],
    ["CHAR(3)", StringType()],
    ["character(3)", StringType()],
    ["bigint", LongType()],
    ["Long", LongType()],
    ["int", IntegerType()],
    ["integer", IntegerType()],
    ["smallint", ShortType()],
    ["short", ShortType()],
    ["tinyint", ByteType()],
    ["byte", ByteType()],
    ["double", DoubleType()],
    ["float", FloatType()],
    ["real", FloatType()],
    ["boolean", BooleanType()],
    ["binary", BinaryType()],
    ["timestamp", TimestampType()],
    ["timestamp_ltz", TimestampType()],
    ["date", DateType()],
    ["void", NullType()],
    ["decimal", DecimalType(10, 0)],
    ["decimal(5)", DecimalType(5, 0)],
    ["DECIMAL(10, 2)", DecimalType(10, 2)],
    ["dec(38,18)", DecimalType(38, 18)],
    ["numeric(4,4)", DecimalType(4, 4)],
  ];
  for (const [text, t] of cases) assertType(parseDataType(text), t);
  assert.equal(parseDataType("  int  "), IntegerType(), "atomic types are the shared singletons");
});

test("parseDataType reads nested array, map and struct types", () => {
  assertType(parseDataType("array<int>"), ArrayType(IntegerType(), true));
  assertType(parseDataType("ARRAY<ARRAY<STRING>>"), ArrayType(ArrayType(StringType())));
  assertType(parseDataType("map<string, array<bigint>>"), MapType(StringType(), ArrayType(LongType())));
  assertType(parseDataType("struct<>"), StructType([]));
  assertType(parseDataType("struct< >"), StructType([]));
  const t = parseDataType("struct<a: int, b string NOT NULL COMMENT 'the b', `c d`:map<int,struct<x:double>>>");
  assertType(
    t,
    StructType([
      StructField("a", IntegerType()),
      StructField("b", StringType(), false),
      StructField("c d", MapType(IntegerType(), StructType([StructField("x", DoubleType())]))),
    ]),
  );
  assert.ok(t.typeName === "struct");
  assert.deepEqual(t.fields[1].metadata, { comment: "the b" });
  assert.deepEqual(t.fields[0].metadata, {});
});

test("parseDataType accepts keywords and odd names as struct field names", () => {
  const t = parseDataType("struct<timestamp: timestamp, date date, `a``b`: int, end: string, 1st: int>");
  assert.ok(t.typeName === "struct");
  assert.deepEqual(
    t.fields.map((f) => f.name),
    ["timestamp", "date", "a`b", "end", "1st"],
  );
});

test("parseDDL reads a column list with NOT NULL and COMMENT", () => {
  const s = parseDDL("event_id STRING, ts BIGINT NOT NULL, data STRUCT<a: INT>, note string COMMENT 'it\\'s' ' ok'");
  assertType(
    s,
    StructType([
      StructField("event_id", StringType()),
      StructField("ts", LongType(), false),
      StructField("data", StructType([StructField("a", IntegerType())])),
      StructField("note", StringType()),
    ]),
  );
  assert.deepEqual(s.fields[3].metadata, { comment: "it's ok" });
  assert.ok(Object.isFrozen(s) && Object.isFrozen(s.fields));
});

test("parseDDL accepts a bare struct<...>, back-quoted names, colons and COMMENT before NOT NULL", () => {
  assertType(parseDDL("struct<a:int,b:string>"), StructType([StructField("a", IntegerType()), StructField("b", StringType())]));
  const s = parseDDL("`my col` int COMMENT 'c' NOT NULL, x: double");
  assert.equal(s.fields[0].name, "my col");
  assert.equal(s.fields[0].nullable, false);
  assert.deepEqual(s.fields[0].metadata, { comment: "c" });
  assertType(s.fields[1].dataType, DoubleType());
  // Kafka's column names are keywords and must still work.
  assert.deepEqual(
    parseDDL("key BINARY, value BINARY, topic STRING, partition INT, offset BIGINT, timestamp TIMESTAMP, timestampType INT").fields.map((f) => f.name),
    ["key", "value", "topic", "partition", "offset", "timestamp", "timestampType"],
  );
});

test("unknown type names are ParseErrors at the type, with a did-you-mean", () => {
  const e = assertParseError(
    () => parseDDL("event_id STRNG"),
    9,
    `ddl: expected a type at position 9 in "event_id STRNG": unknown type 'STRNG'; did you mean 'STRING'?`,
  );
  const lines = e.message.split("\n");
  assert.equal(lines[1], "  event_id STRNG");
  assert.equal(lines[2], "           ^");
  assertParseError(() => parseDataType("bigitn"), 0, "unknown type 'bigitn'; did you mean 'bigint'?");
  assertParseError(() => parseDataType("array<strin>"), 6, "unknown type 'strin'");
  assertParseError(() => parseDataType("frobnicate"), 0, "unknown type 'frobnicate'");
});

test("syntax errors name the problem and position", () => {
  assertParseError(() => parseDataType("array<int"), 9, "expected '>' to close ARRAY<, found end of input");
  assertParseError(() => parseDataType("map<int>"), 7, "expected ','");
  assertParseError(() => parseDataType("struct<a int"), 12, "to close STRUCT<");
  assertParseError(() => parseDataType("int int"), 4, "unexpected 'int'");
  assertParseError(() => parseDDL("a int,"), 6, "expected a column name");
  assertParseError(() => parseDDL("a int b string"), 6, "expected ',' or end of schema");
  assertParseError(() => parseDDL(""), 0, "empty");
  assertParseError(() => parseDDL("a"), 1, "expected a type");
  assertParseError(() => parseDDL("a int DEFAULT 1"), 6, "DEFAULT");
  assertParseError(() => parseDDL("a int COMMENT 3"), 14, "expected a quoted comment");
});

test("type parameters are validated", () => {
  assertParseError(() => parseDataType("decimal(39,0)"), 0, "precision must be 1..38, got 39");
  assertParseError(() => parseDataType("decimal(5,6)"), 0, "scale must be 0..precision (5), got 6");
  assertParseError(() => parseDataType("decimal(1,2,3)"), 0, "at most 2 parameters");
  assertParseError(() => parseDataType("varchar"), 0, "VARCHAR needs a length");
  assertParseError(() => parseDataType("int(3)"), 0, "takes no parameters");
  assertParseError(() => parseDataType("decimal(a)"), 8, "expected an integer type parameter");
});

test("types sluice does not support are named", () => {
  assertParseError(() => parseDataType("geography"), 0, "unsupported type", "'geography'");
  assertParseError(() => parseDDL("a GEOMETRY"), 2, "'GEOMETRY' is not supported");
  assertParseError(() => parseDataType("variant"), 0, "not supported");
  assertParseError(() => parseDataType("string collate UTF8_LCASE"), 7, "collated strings");
});

test("toSchema accepts a StructType, DDL or JSON schema text", () => {
  const s = StructType([StructField("a", LongType())]);
  assert.equal(toSchema(s), s);
  assertType(toSchema("a BIGINT"), s);
  assertType(toSchema('  {"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{}}]}'), s);
  assertParseError(() => toSchema('{"type":"array","elementType":"long","containsNull":true}'), undefined, "expected a struct schema");
  assertParseError(() => toSchema("{not json"), undefined, "json schema: invalid JSON");
});

test("toDataType reads a type, a field list or JSON", () => {
  assertType(toDataType("array<string>"), ArrayType(StringType()));
  assertType(toDataType("int"), IntegerType());
  assertType(toDataType("a INT, b STRING"), StructType([StructField("a", IntegerType()), StructField("b", StringType())]));
  assertType(toDataType('{"type":"map","keyType":"string","valueType":"long","valueContainsNull":false}'), MapType(StringType(), LongType(), false));
  assertParseError(() => toDataType("a INT, b STRNG"), 9, "unknown type 'STRNG'");
  assertParseError(() => toDataType("strng"), 0, "unknown type 'strng'; did you mean 'string'?");
  const t = LongType();
  assert.equal(toDataType(t), t);
});

test("toDataType reports the error of the reading that got further", () => {
  assertParseError(() => toDataType("map<string, strin>"), 12, "unknown type 'strin'");
  assertParseError(() => toDataType("id int, ts STRNG"), 11, "unknown type 'STRNG'");
});
