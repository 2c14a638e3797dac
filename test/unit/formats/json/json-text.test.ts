import { test } from "node:test";
import assert from "node:assert/strict";
import { quoteJsonString, formatJsonTimestamp } from "../../../../src/formats/json/json-text.js";
import { javaBigDecimalString, javaDoubleString, javaFloatString } from "../../../../src/columnar/java-text.js";
import { stringToDate, stringToTimestamp } from "../../../../src/formats/json/json-datetime.js";

test("Java number formats", () => {
  assert.equal(javaDoubleString(100), "100.0");
  assert.equal(javaDoubleString(1e-3), "0.001");
  assert.equal(javaDoubleString(12345678), "1.2345678E7");
  assert.equal(javaDoubleString(-2.5e-10), "-2.5E-10");
  assert.equal(javaFloatString(Math.fround(0.1)), "0.1");
  assert.equal(javaFloatString(Math.fround(3.4e38)), "3.4E38");
  assert.equal(javaBigDecimalString(-12345n, 2), "-123.45");
  assert.equal(javaBigDecimalString(5n, 3), "0.005");
  assert.equal(javaBigDecimalString(1n, 7), "1E-7");
  assert.equal(javaBigDecimalString(0n, 2), "0.00");
});

test("Jackson string escaping: writer vs UTF-8 generator", () => {
  assert.equal(quoteJsonString('a"\\\b\u001f/é😀'), '"a\\"\\\\\\b\\u001F/é😀"');
  assert.equal(quoteJsonString("😀", "utf8"), '"\\uD83D\\uDE00"');
});

test("Spark's lenient timestamp and date strings", () => {
  const ms = (s: string, z = "UTC") => {
    const us = stringToTimestamp(s, z);
    return us === null ? null : Number(us / 1000n);
  };
  assert.equal(ms("2024-01-02"), Date.UTC(2024, 0, 2));
  assert.equal(ms(" 2024-1-2 3:4:5.123456789 "), Date.UTC(2024, 0, 2, 3, 4, 5, 123));
  assert.equal(ms("2024-01-02T03:04:05Z"), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(ms("2024-01-02T03:04:05-0130"), Date.UTC(2024, 0, 2, 4, 34, 5));
  assert.equal(ms("2024-07-01 12:00:00", "Europe/Paris"), Date.UTC(2024, 6, 1, 10));
  assert.equal(ms("2024-07-01T12:00:00 UTC"), Date.UTC(2024, 6, 1, 12));
  assert.equal(ms("2024-02-30"), null);
  assert.equal(ms("24-01-02"), null);
  assert.equal(ms("2024-01-02T25:00"), null);
  assert.equal(stringToDate("2024-02-29T23:59"), 19782);
  assert.equal(stringToDate("2023-02-29"), null);
  assert.equal(stringToDate("42"), 42);
  assert.equal(formatJsonTimestamp(1704164645678000n, "UTC"), "2024-01-02T03:04:05.678Z");
  assert.equal(formatJsonTimestamp(1704164645678000n, "+05:30"), "2024-01-02T08:34:05.678+05:30");
  assert.equal(formatJsonTimestamp(-1n, "UTC"), "1969-12-31T23:59:59.999Z");
});
