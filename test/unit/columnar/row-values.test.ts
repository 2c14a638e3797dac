/**
 * Rows handed over by code, checked against the schema as PySpark's verifySchema checks them:
 * every out-of-range, non-integral or wrongly typed value is refused naming row, column and value;
 * what is accepted is stored exactly (timestamps to the microsecond).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { batchFromCheckedRows } from "../../../src/columnar/row-values.js";
import type { RowValueOptions } from "../../../src/columnar/row-values.js";
import { ExecutionError } from "../../../src/errors.js";
import { toSchema } from "../../../src/sql/ddl.js";
import { stringToDate, stringToTimestamp } from "../../../src/formats/json/json-datetime.js";
import type { Vector } from "../../../src/columnar/vector.js";

const options: RowValueOptions = {
  subsystem: "createDataFrame",
  parseTimestamp: (t) => stringToTimestamp(t, "UTC"),
  parseDate: stringToDate,
};

function column(ddl: string, values: readonly unknown[]): Vector {
  return batchFromCheckedRows(toSchema(ddl), values.map((v) => ({ c: v })), options).columns[0];
}

function decimals(v: Vector): readonly bigint[] {
  assert.ok(v.kind === "decimal");
  return v.values;
}

function refused(ddl: string, value: unknown, message: RegExp): void {
  assert.throws(
    () => column(ddl, [null, value]),
    (e: unknown) => {
      assert.ok(e instanceof ExecutionError, String(e));
      assert.match(e.message, message);
      assert.match(e.message, /^createDataFrame: row 1, column 'c[.[' ]/);
      assert.equal(e.context.row, 1);
      return true;
    },
  );
}

test("integral types keep their range: out-of-range, fractional, NaN and non-numbers are refused", () => {
  assert.deepEqual([...(column("c INT", [2147483647, -2147483648, 7n]) as { values: Int32Array }).values], [2147483647, -2147483648, 7]);
  refused("c INT", 2 ** 31, /\(int\): value 2147483648 is out of range \[-2147483648, 2147483647\]/);
  refused("c INT", -(2 ** 31) - 1, /value -2147483649 is out of range/);
  refused("c INT", 2n ** 31n, /value 2147483648n is out of range/);
  refused("c INT", 1.5, /value 1.5 is not an integer/);
  refused("c INT", Number.NaN, /value NaN is not an integer/);
  refused("c INT", "12", /value "12" is not an integral number/);
  refused("c SMALLINT", 32768, /\(smallint\): value 32768 is out of range \[-32768, 32767\]/);
  refused("c TINYINT", -129, /\(tinyint\): value -129 is out of range \[-128, 127\]/);
  refused("c BIGINT", 2n ** 63n, /\(bigint\): value 9223372036854775808n is out of range \[-9223372036854775808, 9223372036854775807\]/);
  refused("c BIGINT", 2 ** 64, /value 18446744073709552000 is out of range/);
  refused("c BIGINT", "1e3", /value "1e3" is not an integer/);
  refused("c BIGINT", 0.5, /is not an integer/);
  const longs = column("c BIGINT", [2n ** 63n - 1n, -(2n ** 63n), 42, "-17"]) as { values: BigInt64Array };
  assert.deepEqual([...longs.values], [2n ** 63n - 1n, -(2n ** 63n), 42n, -17n]);
});

test("timestamps keep microseconds from bigint, ISO string, Date and fractional milliseconds", () => {
  const us = 1_714_564_800_123_456n; // 2024-05-01T12:00:00.123456Z
  const ts = column("c TIMESTAMP", [us, "2024-05-01T12:00:00.123456Z", "2024-05-01 12:00:00.123456", "2024-05-01 14:00:00.123456+02:00", new Date(1_714_564_800_123), 1_714_564_800_123.456]) as {
    values: BigInt64Array;
  };
  assert.deepEqual([...ts.values], [us, us, us, us, us - 456n, us]);
  refused("c TIMESTAMP", "not a time", /\(timestamp\): value "not a time" is not a timestamp/);
  refused("c TIMESTAMP", new Date(Number.NaN), /value Date\(Invalid\) is an invalid Date/);
  refused("c TIMESTAMP", Number.POSITIVE_INFINITY, /is not a finite number of milliseconds/);
  refused("c TIMESTAMP", true, /value true is not a Date, a bigint of microseconds/);
});

test("dates, decimals, booleans, doubles, strings and binary take their kinds of value", () => {
  assert.deepEqual([...(column("c DATE", ["2024-05-01", new Date(Date.UTC(2024, 4, 1)), 19844]) as { values: Int32Array }).values], [19844, 19844, 19844]);
  refused("c DATE", 1.5, /\(date\): value 1.5 is not a whole number of days/);
  refused("c DATE", "yesterday", /is not a date/);
  assert.deepEqual(decimals(column("c DECIMAL(5,2)", ["123.45", 1.5, 12345n])), [12345n, 150n, 12345n]);
  refused("c DECIMAL(5,2)", "1234.5", /\(decimal\(5,2\)\): value "1234.5" does not fit: at most 3 digits before the point/);
  refused("c DECIMAL(5,2)", 100000n, /has more than 5 digits/);
  refused("c DECIMAL(5,2)", "abc", /is not a decimal number/);
  refused("c BOOLEAN", 1, /\(boolean\): value 1 is not true or false/);
  refused("c DOUBLE", "1.5", /\(double\): value "1.5" is not a number/);
  assert.ok(Number.isNaN((column("c DOUBLE", [Number.NaN]) as { values: Float64Array }).values[0]));
  refused("c STRING", { a: 1 }, /\(string\): value an object \(Object\) is not a string/);
  refused("c BINARY", 5, /is not a Uint8Array or a string/);
});

test("nested values are checked with their path; non-nullable fields refuse null", () => {
  refused("c STRUCT<a: INT, b: ARRAY<SMALLINT>>", { a: 1, b: [1, 2, 70000] }, /column 'c\.b\[2\]' \(smallint\): value 70000 is out of range/);
  refused("c MAP<STRING, INT>", new Map([["k", 2 ** 40]]), /column 'c\['k'\]' \(int\): value 1099511627776 is out of range/);
  refused("c MAP<STRING, INT>", { k: 1.25 }, /column 'c\['k'\]' \(int\): value 1.25 is not an integer/);
  refused("c ARRAY<INT>", "not an array", /\(array<int>\): value "not an array" is not an array/);
  assert.throws(
    () => batchFromCheckedRows(toSchema("c INT NOT NULL"), [{ c: 1 }, {}], options),
    /createDataFrame: row 1, column 'c' \(int\): value undefined is null, but the field is not nullable/,
  );
  assert.throws(
    () => batchFromCheckedRows(toSchema("c INT"), [{ c: 1 }, [1]], options),
    /createDataFrame: row 1 must be an object keyed by field name, got an array of 1/,
  );
});
