/**
 * Spark 3.5 string functions: expected values are Spark's documented examples and the outputs of
 * its SQL golden files (string-functions, regexp-functions, mask-functions, url-functions,
 * try-string-functions, postgreSQL/strings, postgreSQL/text).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StructType, StructField, StringType, IntegerType } from "../../../../src/types/data-types.js";
import { values } from "./helpers.js";
import type { Column } from "../../../../src/api/column.js";
import { ilike, like, lit, regexp, rlike } from "../../../../src/api/functions.js";

const S = StructType([StructField("s", StringType()), StructField("n", IntegerType())]);
const one = [{ s: "x", n: 1 }];
/** The single value of a constant expression. */
const v = (sql: string): unknown => values(sql, S, one)[0];
const hexOf = (x: unknown): string => Buffer.from(x as Uint8Array).toString("hex").toUpperCase();

test("pads: lpad/rpad on characters and bytes, with Spark's defaults", () => {
  assert.equal(v("lpad('hi', 5, '??')"), "???hi");
  assert.equal(v("lpad('hi', 1, '??')"), "h");
  assert.equal(v("lpad('hi', 5)"), "   hi");
  assert.equal(v("rpad('hi', 5, '??')"), "hi???");
  assert.equal(v("lpad('hi', 'invalid_length')"), null);
  assert.equal(v("hex(lpad(unhex('aabb'), 5))"), "000000AABB");
  assert.equal(v("hex(rpad(unhex('aa'), 5, unhex('1f2e')))"), "AA1F2E1F2E");
  assert.equal(v("hex(lpad(unhex('aabbcc'), 6, unhex('')))"), "AABBCC");
  assert.equal(v("lpad(x'57', 5, 'abc')"), "abcaW");
});

test("hex/unhex/base64 and to_binary / try_to_binary", () => {
  assert.equal(v("hex(17)"), "11");
  assert.equal(v("hex(-1)"), "FFFFFFFFFFFFFFFF");
  assert.equal(v("hex('Spark SQL')"), "537061726B2053514C");
  assert.equal(hexOf(v("unhex('123')")), "0123");
  assert.equal(v("unhex('GG')"), null);
  assert.equal(v("base64('Spark SQL')"), "U3BhcmsgU1FM");
  assert.equal(Buffer.from(v("unbase64('U3BhcmsgU1FM')") as Uint8Array).toString(), "Spark SQL");
  assert.equal(Buffer.from(v("to_binary('737472696E67')") as Uint8Array).toString(), "string");
  assert.equal(hexOf(v("to_binary(' ab cd ', 'base64')")), "69B71D");
  assert.throws(() => v("to_binary('GG')"), /try_to_binary/);
  assert.equal(v("try_to_binary('GG')"), null);
  assert.equal(v("try_to_binary('a', 'base64')"), null);
  assert.equal(v("try_to_binary('abc', 'invalidFormat')"), null);
  assert.throws(() => v("to_binary('abc', 'invalidFormat')"), /format/);
  assert.equal(Buffer.from(v("to_binary('abc', concat('utf', '-8'))") as Uint8Array).toString(), "abc");
});

test("encode/decode, and decode's CASE form", () => {
  assert.equal(v("decode(encode('abc', 'utf-8'), 'utf-8')"), "abc");
  assert.equal(hexOf(v("encode('ab', 'UTF-16BE')")), "00610062");
  assert.equal(v("decode(2, 1, 'Southlake', 2, 'San Francisco', 3, 'New Jersey', 4, 'Seattle', 'Non domestic')"), "San Francisco");
  assert.equal(v("decode(6, 1, 'Southlake', 2, 'San Francisco', 3, 'New Jersey', 4, 'Seattle', 'Non domestic')"), "Non domestic");
  assert.equal(v("decode(6, 1, 'Southlake', 2, 'San Francisco')"), null);
  assert.equal(v("decode(null, 6, 'Spark', NULL, 'SQL', 4, 'rocks')"), "SQL");
});

test("regexp_extract_all / regexp_count / regexp_substr / regexp_instr", () => {
  assert.deepEqual(v("regexp_extract_all('1a 2b 14m', '(\\\\d+)([a-z]+)', 2)"), ["a", "b", "m"]);
  assert.deepEqual(v("regexp_extract_all('1a 2b 14m', '(\\\\d+)?', 1)"), ["1", "", "", "2", "", "", "14", "", ""]);
  assert.throws(() => v("regexp_extract_all('1a 2b 14m', '\\\\d+')"), /group/);
  assert.throws(() => v("regexp_extract('1a 2b 14m', '(\\\\d+)', -1)"), /group/);
  assert.equal(v("regexp_count('1a 2b 14m', '\\\\d+')"), 3);
  assert.equal(v("regexp_count('the fox', '(?i)FOX')"), 1);
  assert.equal(v("regexp_substr('1a 2b 14m', '\\\\d{2}(a|b|m)')"), "14m");
  assert.equal(v("regexp_substr('1a 2b 14m', '\\\\d+ ')"), null);
  assert.equal(v("regexp_instr('1a 2b 14m', '\\\\d{2}(a|b|m)')"), 7);
  assert.equal(v("regexp_instr('abc', 'x')"), 0);
  assert.equal(v("regexp_like('1a 2b 14m', '\\\\d+b')"), true);
  assert.equal(v("regexp_like('1a 2b 14m', '[a-z]+b')"), false);
});

test("like / ilike / rlike / regexp as functions (through the Column API: the SQL parser reads them as operators)", () => {
  const f = (c: Column): unknown => values(c, S, one)[0];
  assert.equal(f(like(lit("Spark"), lit("S_a%"))), true);
  assert.equal(f(like(lit("Spark"), lit("s%"))), false);
  assert.equal(f(ilike(lit("ЀЁЂѺΏỀ"), lit("ѐёђѻώề"))), true);
  assert.equal(f(ilike(lit("a€AA"), lit("_€_a"))), true);
  assert.equal(f(rlike(lit("1a 2b 14m"), lit("\\d+b"))), true);
  assert.equal(f(regexp(lit("1a 2b 14m"), lit("[a-z]+b"))), false);
  assert.equal(f(like(lit(null), lit("a"))), null);
});

test("split_part, left/right, substring_index, instr, find_in_set, replace, translate", () => {
  assert.equal(v("split_part('11.12.13', '.', 2)"), "12");
  assert.equal(v("split_part('11.12.13', '.', -1)"), "13");
  assert.equal(v("split_part('11.12.13', '', 1)"), "11.12.13");
  assert.equal(v("split_part('11.12.13', '.', 5)"), "");
  assert.throws(() => v("split_part('11.12.13', '.', 0)"), /index 0/);
  assert.deepEqual(["left('abcd', 2)", "left('abcd', 5)", "left('abcd', -2)", "right('abcd', 2)", "right('abcd', 0)"].map(v), ["ab", "abcd", "", "cd", ""]);
  assert.equal(v("substring_index('www.apache.org', '.', 2)"), "www.apache");
  assert.equal(v("substring_index('www.apache.org', '.', -2)"), "apache.org");
  assert.equal(v("instr('SparkSQL', 'SQL')"), 6);
  assert.equal(v("find_in_set('ab', 'abc,b,ab,c,def')"), 3);
  assert.equal(v("replace('abc', 'b', '123')"), "a123c");
  assert.equal(v("replace('abc', 'b')"), "ac");
  assert.equal(v("translate('AaBbCc', 'abc', '123')"), "A1B2C3");
  assert.equal(v("btrim('xyxtrimyyx', 'xy')"), "trim");
});

test("character functions: ascii, chr, initcap, repeat, space, reverse, soundex, levenshtein, luhn_check", () => {
  assert.equal(v("ascii('222')"), 50);
  assert.equal(v("ascii('')"), 0);
  assert.equal(v("chr(65)"), "A");
  assert.equal(v("char(321)"), "A");
  assert.equal(v("chr(-1)"), "");
  assert.equal(v("initcap('sPark sql')"), "Spark Sql");
  assert.equal(v("repeat('123', 2)"), "123123");
  assert.equal(v("concat(space(2), '1')"), "  1");
  assert.equal(v("reverse('Spark SQL')"), "LQS krapS");
  assert.deepEqual(v("reverse(array(2, 1, 4, 3))"), [3, 4, 1, 2]);
  assert.deepEqual(v("concat(array(1, 2), array(3))"), [1, 2, 3]);
  assert.equal(v("soundex('Miller')"), "M460");
  assert.equal(v("levenshtein('kitten', 'sitting')"), 3);
  assert.equal(v("levenshtein('kitten', 'sitting', 2)"), -1);
  assert.equal(v("luhn_check('4111111111111111')"), true);
  assert.equal(v("luhn_check('4111111 111111111')"), false);
  assert.equal(v("luhn_check(6011111111111117)"), true);
  assert.equal(v("bit_length('Spark SQL')"), 72);
  assert.equal(v("octet_length('Spark SQL')"), 9);
  assert.equal(v("len('Spark SQL ')"), 10);
  assert.equal(v("elt(1, 'scala', 'java')"), "scala");
  assert.equal(v("elt(3, 'scala', 'java')"), null);
  assert.equal(v("overlay('Spark SQL', 'ANSI ', 7, 0)"), "Spark ANSI SQL");
  assert.equal(v("overlay('Spark SQL', 'tructured', 2, 4)"), "Structured SQL");
});

test("mask", () => {
  assert.equal(v("mask('AbCD123-@$#')"), "XxXXnnn-@$#");
  assert.equal(v("mask('AbCD123-@$#', 'Q', 'q', 'd', 'o')"), "QqQQdddoooo");
  assert.equal(v("mask('AbCD123-@$#', NULL, 'q', 'd', 'o')"), "AqCDdddoooo");
  assert.throws(() => v("mask('AbCD123-@$#', 'Qa')"), /single character/);
});

test("URLs: parse_url, url_encode, url_decode", () => {
  const url = "'http://userinfo@spark.apache.org/path?query=1#Ref'";
  const parts = ["HOST", "PATH", "QUERY", "REF", "PROTOCOL", "FILE", "AUTHORITY", "USERINFO"].map((p) => v(`parse_url(${url}, '${p}')`));
  assert.deepEqual(parts, ["spark.apache.org", "/path", "query=1", "Ref", "http", "/path?query=1", "userinfo@spark.apache.org", "userinfo"]);
  assert.equal(v("parse_url('http://spark.apache.org/path?query=1', 'QUERY', 'query')"), "1");
  assert.equal(v("url_encode('https://spark.apache.org')"), "https%3A%2F%2Fspark.apache.org");
  assert.equal(v("url_decode('https%3A%2F%2Fspark.apache.org')"), "https://spark.apache.org");
  assert.throws(() => v("url_decode('http%3A%2F%2spark.apache.org')"), /url_decode/);
});

test("format_string / printf (Java's Formatter)", () => {
  assert.equal(v("format_string('Hello World %d %s', 100, 'days')"), "Hello World 100 days");
  assert.equal(v("format_string('Hello %x', 20)"), "Hello 14");
  assert.equal(v("format_string('%1$s %3$s', 1, 2, 3)"), "1 3");
  assert.equal(v("format_string('Hello %s %1$s %s', 'World', 'Hello again')"), "Hello World World Hello again");
  assert.equal(v("format_string('>>%-10s<<', NULL)"), ">>null      <<");
  assert.equal(v("printf('%.2f|%05d|%,d', 1.005D, 42, 1234567)"), "1.01|00042|1,234,567");
  assert.throws(() => v("format_string('Hello %s %s', 'World')"), /MissingFormatArgument/);
});

test("format_number, to_number, to_char", () => {
  assert.equal(v("format_number(12332.123456, 4)"), "12,332.1235");
  assert.equal(v("format_number(12332.123456, '##################.###')"), "12332.123");
  assert.equal(v("format_number(0.125D, 2)"), "0.12");
  assert.equal(v("format_number(1, -1)"), null);
  assert.equal(String(v("to_number('454', '000')")), "454");
  assert.equal(String(v("to_number('$78.12', '$00.00')")), "78.12");
  assert.equal(String(v("to_number('12,454.8-', '00,000.9MI')")), "-12454.8");
  assert.equal(String(v("to_number('<00,454.8>', '00,000.9PR')")), "-454.8");
  assert.equal(String(v("to_number('0.00001-', '9.999999S')")), "-0.000010");
  assert.equal(String(v("to_number('34,50', '999,99')")), "3450");
  assert.throws(() => v("to_number('-34,338,492', '99G999G999')"), /try_to_number/);
  assert.throws(() => v("to_number('123,000', '999G')"), /grouping separator/);
  assert.throws(() => v("to_number('5', '$9')"), /try_to_number/);
  assert.equal(v("try_to_number('5', '$9')"), null);
  assert.equal(v("to_char(454, '999')"), "454");
  assert.equal(v("to_char(454.00, '000D00')"), "454.00");
  assert.equal(v("to_char(12454, '99G999')"), "12,454");
  assert.equal(v("to_char(78.12, '$99.99')"), "$78.12");
  assert.equal(v("to_char(-12454.8, '99G999D9S')"), "12,454.8-");
});
