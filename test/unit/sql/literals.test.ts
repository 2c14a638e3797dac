import { test } from "node:test";
import assert from "node:assert/strict";
import { parseExpression } from "../../../src/sql/parser.js";
import { daysFromCivil, numericLiteral, timestampLiteral } from "../../../src/sql/literals.js";
import type { LiteralExpr } from "../../../src/sql/expression.js";
import { simpleString } from "../../../src/types/print-schema.js";
import { ParseError } from "../../../src/errors.js";

/** Parses `text` as an expression that must be a literal; returns [value, simpleString(type)]. */
function lit(text: string): [LiteralExpr["value"], string] {
  const e = parseExpression(text);
  assert.equal(e.kind, "literal", `${text} parsed as ${e.kind}`);
  const l = e as LiteralExpr;
  return [l.value, simpleString(l.dataType)];
}

function assertParseError(text: string, position: number, fragment: string): void {
  assert.throws(
    () => parseExpression(text),
    (e: unknown) => {
      assert.ok(e instanceof ParseError, String(e));
      assert.equal(e.context.position, position, e.message);
      assert.ok(e.message.includes(fragment), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(fragment)}`);
      return true;
    },
  );
}

test("integer literals are int, then bigint, then decimal, as Spark types them", () => {
  assert.deepEqual(lit("0"), [0, "int"]);
  assert.deepEqual(lit("2147483647"), [2147483647, "int"]);
  assert.deepEqual(lit("2147483648"), [2147483648n, "bigint"]);
  assert.deepEqual(lit("-2147483648"), [-2147483648, "int"]);
  assert.deepEqual(lit("-2147483649"), [-2147483649n, "bigint"]);
  assert.deepEqual(lit("9223372036854775807"), [9223372036854775807n, "bigint"]);
  assert.deepEqual(lit("-9223372036854775808"), [-9223372036854775808n, "bigint"]);
  assert.deepEqual(lit("9223372036854775808"), [9223372036854775808n, "decimal(19,0)"]);
  assert.deepEqual(lit("00012"), [12, "int"]);
  assertParseError("123456789012345678901234567890123456789", 0, "needs precision 39, more than the maximum 38");
});

test("negative numbers are single literals; other unary minus stays an operator", () => {
  assert.deepEqual(lit("-1"), [-1, "int"]);
  assert.deepEqual(lit("- 1"), [-1, "int"]);
  assert.deepEqual(lit("-1.50"), [-150n, "decimal(3,2)"]);
  assert.deepEqual(lit("-1e3"), [-1000, "double"]);
  assert.deepEqual(lit("-128Y"), [-128, "tinyint"]);
  const e = parseExpression("a - -1");
  assert.ok(e.kind === "binary" && e.op === "-" && e.right.kind === "literal" && e.right.value === -1);
  const u = parseExpression("-(1)");
  assert.ok(u.kind === "unary" && u.op === "-");
});

test("suffixes: L, S, Y, D, F, BD with range checks", () => {
  assert.deepEqual(lit("10L"), [10n, "bigint"]);
  assert.deepEqual(lit("10l"), [10n, "bigint"]);
  assert.deepEqual(lit("7S"), [7, "smallint"]);
  assert.deepEqual(lit("32767S"), [32767, "smallint"]);
  assert.deepEqual(lit("127Y"), [127, "tinyint"]);
  assert.deepEqual(lit("1D"), [1, "double"]);
  assert.deepEqual(lit("1.5d"), [1.5, "double"]);
  assert.deepEqual(lit("1e2D"), [100, "double"]);
  assert.deepEqual(lit("0.1F"), [Math.fround(0.1), "float"]);
  assert.deepEqual(lit("1.5BD"), [15n, "decimal(2,1)"]);
  assert.deepEqual(lit("10BD"), [10n, "decimal(2,0)"]);
  assert.deepEqual(lit("1e3BD"), [1000n, "decimal(4,0)"]);
  assert.deepEqual(lit("1.23e1BD"), [123n, "decimal(3,1)"]);
  assertParseError("128Y", 0, "numeric literal 128Y does not fit in range [-128, 127] for type tinyint");
  assertParseError("40000S", 0, "[-32768, 32767] for type smallint");
  assertParseError("9223372036854775808L", 0, "for type bigint");
  assertParseError("1.5L", 0, "invalid numeric literal '1.5L'");
  assertParseError("1e999D", 0, "out of range for type double");
  assertParseError("1e39F", 0, "out of range for type float");
  assertParseError("1e400", 0, "out of range for type double");
});

test("decimal literals keep their written precision and scale", () => {
  assert.deepEqual(lit("1.50"), [150n, "decimal(3,2)"]);
  assert.deepEqual(lit("0.5"), [5n, "decimal(1,1)"]);
  assert.deepEqual(lit(".5"), [5n, "decimal(1,1)"]);
  assert.deepEqual(lit("0.05"), [5n, "decimal(2,2)"]);
  assert.deepEqual(lit("0.0"), [0n, "decimal(1,1)"]);
  assert.deepEqual(lit("100."), [100n, "decimal(3,0)"]);
  assert.deepEqual(lit("123.456"), [123456n, "decimal(6,3)"]);
  assert.deepEqual(lit("1e3"), [1000, "double"]);
  assert.deepEqual(lit("1.5E-2"), [0.015, "double"]);
  assert.deepEqual(lit("1.e2"), [100, "double"]);
  assertParseError("1.5x", 0, "invalid number '1.5x'");
});

test("strings: both quotes, Spark's escapes and adjacent concatenation", () => {
  assert.deepEqual(lit("'abc'"), ["abc", "string"]);
  assert.deepEqual(lit('"abc"'), ["abc", "string"]);
  assert.deepEqual(lit("''"), ["", "string"]);
  assert.deepEqual(lit("'a' 'b'  \"c\""), ["abc", "string"]);
  assert.deepEqual(lit("'it\\'s'"), ["it's", "string"]);
  assert.deepEqual(lit('"say \\"hi\\""'), ['say "hi"', "string"]);
  assert.deepEqual(lit("'\"'"), ['"', "string"]);
  assert.deepEqual(lit("'a\\nb\\tc\\rd\\\\e'"), ["a\nb\tc\rd\\e", "string"]);
  assert.deepEqual(lit("'\\u00e9\\u4e2d'"), ["é中", "string"]);
  assert.deepEqual(lit("'\\U0001F600'"), ["😀", "string"]);
  assert.deepEqual(lit("'\\101\\0'"), ["A\u0000", "string"]);
  assert.deepEqual(lit("'\\Z\\b'"), ["\u001A\b", "string"]);
  assert.deepEqual(lit("'50\\%\\_'"), ["50\\%\\_", "string"], "kept escaped for LIKE, as Spark");
  assert.deepEqual(lit("'\\q'"), ["q", "string"]);
  assert.deepEqual(lit("'日本'"), ["日本", "string"]);
});

test("boolean and null literals", () => {
  assert.deepEqual(lit("TRUE"), [true, "boolean"]);
  assert.deepEqual(lit("false"), [false, "boolean"]);
  assert.deepEqual(lit("NULL"), [null, "void"]);
});

test("DATE literals are days since the epoch", () => {
  assert.deepEqual(lit("DATE '1970-01-01'"), [0, "date"]);
  assert.deepEqual(lit("DATE '2024-01-02'"), [19724, "date"]);
  assert.deepEqual(lit("date '1969-12-31'"), [-1, "date"]);
  assert.deepEqual(lit("DATE '2024-2-9'"), [19762, "date"]);
  assert.deepEqual(lit("DATE '2024'"), [19723, "date"]);
  assert.deepEqual(lit("DATE '2024-03'"), [19783, "date"]);
  assert.deepEqual(lit("DATE '2024-01-02T10:00'"), [19724, "date"]);
  assert.deepEqual(lit("DATE '0001-01-01'"), [-719162, "date"]);
  assertParseError("DATE '2023-02-29'", 5, "'2023-02-29' is not a valid DATE");
  assertParseError("DATE 'yesterday'", 5, "cannot parse 'yesterday' as a DATE");
});

test("TIMESTAMP literals are microseconds since the epoch; without a zone, read in UTC until analysis", () => {
  assert.deepEqual(lit("TIMESTAMP '1970-01-01 00:00:00'"), [0n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04:05.123'"), [BigInt(Date.UTC(2024, 0, 2, 3, 4, 5, 123)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02T03:04:05.123456'"), [BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n + 123456n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04:05.1234567'"), [BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n + 123456n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02'"), [BigInt(Date.UTC(2024, 0, 2)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04'"), [BigInt(Date.UTC(2024, 0, 2, 3, 4)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04:05Z'"), [BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04:05+02:00'"), [BigInt(Date.UTC(2024, 0, 2, 1, 4, 5)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04:05 -0130'"), [BigInt(Date.UTC(2024, 0, 2, 4, 34, 5)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04:05 UTC'"), [BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '1969-12-31 23:59:59.999999'"), [-1n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP_LTZ '1970-01-01 00:00:01'"), [1_000_000n, "timestamp"]);
  assertParseError("TIMESTAMP '2024-01-02 25:00:00'", 10, "is not a valid TIMESTAMP");
  assert.deepEqual(lit("TIMESTAMP '2024-01-02 03:04:05 Europe/Paris'"), [BigInt(Date.UTC(2024, 0, 2, 2, 4, 5)) * 1000n, "timestamp"]);
  assert.deepEqual(lit("TIMESTAMP '2024-07-02 03:04:05 America/Los_Angeles'"), [BigInt(Date.UTC(2024, 6, 2, 10, 4, 5)) * 1000n, "timestamp"]);
  assertParseError("TIMESTAMP '2024-01-02 03:04:05 Mars/Olympus'", 10, "'Mars/Olympus' in TIMESTAMP");
  assert.deepEqual(lit("TIMESTAMP_NTZ '2024-01-02 03:04:05'"), [BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n, "timestamp_ntz"]);
  assertParseError("TIMESTAMP_NTZ '2024-01-02 03:04:05 Europe/Paris'", 14, "names a time zone");
});

test("X'..' binary literals", () => {
  const [v, t] = lit("X'0AFF'");
  assert.equal(t, "binary");
  assert.deepEqual(v, new Uint8Array([0x0a, 0xff]));
  assert.deepEqual(lit("x'abc'")[0], new Uint8Array([0x0a, 0xbc]));
  assert.deepEqual(lit("X''")[0], new Uint8Array([]));
  assertParseError("X'0G'", 1, "'0G' is not a hexadecimal string");
});

test("numericLiteral and timestampLiteral report problems without throwing", () => {
  assert.deepEqual(numericLiteral("1", false), { ok: true, value: 1, dataType: { typeName: "integer" } });
  assert.equal(numericLiteral("300Y", false).ok, false);
  assert.equal(timestampLiteral("nope").ok, false);
  assert.equal(daysFromCivil(2000, 3, 1), 11017);
  assert.equal(daysFromCivil(1600, 2, 29), -135081);
});
