import { test } from "node:test";
import assert from "node:assert/strict";
import {
  StringType,
  IntegerType,
  LongType,
  DoubleType,
  FloatType,
  BooleanType,
  TimestampType,
  DateType,
  DecimalType,
  ShortType,
  ByteType,
  BinaryType,
  StructType,
  StructField,
} from "../../../../src/types/data-types.js";
import { vectorFromValues } from "../../../../src/columnar/build.js";
import { castVector } from "../../../../src/exec/eval/cast.js";
import { readVector, values } from "./helpers.js";

const cast = (type: Parameters<typeof vectorFromValues>[0], input: unknown[], to: Parameters<typeof castVector>[1]) =>
  readVector(castVector(vectorFromValues(type, input), to));

test("string → int: failures are null, fractions truncate, spaces are trimmed", () => {
  assert.deepEqual(cast(StringType(), ["42", "abc", "1.9", " 7 ", "-3", "", null, "2147483648", "1e3", ".", "+5", "-1.5"], IntegerType()), [
    42, null, 1, 7, -3, null, null, null, null, null, 5, -1,
  ]);
});

test("string → long handles the full range and rejects overflow", () => {
  assert.deepEqual(cast(StringType(), ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "123456789012345678"], LongType()), [
    9223372036854775807n,
    -9223372036854775808n,
    null,
    123456789012345678n,
  ]);
});

test("string → short/byte check their ranges", () => {
  assert.deepEqual(cast(StringType(), ["32767", "32768", "-129", "12"], ShortType()), [32767, null, -129, 12]);
  assert.deepEqual(cast(StringType(), ["127", "128", "-128"], ByteType()), [127, null, -128]);
});

test("string → double accepts Java number syntax and Spark's special values", () => {
  assert.deepEqual(cast(StringType(), ["1.5", "1e3", " -2 ", "NaN", "Infinity", "-inf", "x", "1.5d", ".5"], DoubleType()), [
    1.5, 1000, -2, NaN, Infinity, -Infinity, null, 1.5, 0.5,
  ]);
});

test("string → boolean accepts t/true/y/yes/1 and f/false/n/no/0, case-insensitively", () => {
  assert.deepEqual(cast(StringType(), ["t", "TRUE", "y", "Yes", "1", "f", "False", "N", "no", "0", "maybe", "2"], BooleanType()), [
    true, true, true, true, true, false, false, false, false, false, null, null,
  ]);
});

test("string → timestamp parses Spark's formats (UTC), failures are null", () => {
  const out = cast(StringType(), ["2024-01-15 10:30:00", "2024-01-15T10:30:00.123456Z", "2024-01-15", "2024-01", "2024-01-15T10:30:00+02:00", "2024-13-01", "garbage", "2024-02-30"], TimestampType());
  assert.deepEqual(out.map((d) => (d instanceof Date ? d.toISOString() : d)), [
    "2024-01-15T10:30:00.000Z",
    "2024-01-15T10:30:00.123Z",
    "2024-01-15T00:00:00.000Z",
    "2024-01-01T00:00:00.000Z",
    "2024-01-15T08:30:00.000Z",
    null,
    null,
    null,
  ]);
  // Microseconds are kept.
  const v = castVector(vectorFromValues(StringType(), ["1970-01-01 00:00:00.000001"]), TimestampType());
  assert.equal(v.kind === "i64" ? v.values[0] : undefined, 1n);
});

test("string → date takes the date part and ignores the time", () => {
  const out = cast(StringType(), ["2024-03-05", "2024-3-5", "2024-03-05T10:00:00", "2024-03-05 junk", "2024/03/05"], DateType());
  assert.deepEqual(out.map((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d)), ["2024-03-05", "2024-03-05", "2024-03-05", "2024-03-05", null]);
});

test("numbers → string use Java's formatting", () => {
  assert.deepEqual(cast(DoubleType(), [1, 1.5, 1e20, 1e-4, 0.001, -0, NaN, 1234567.0, 12345678.9], StringType()), [
    "1.0", "1.5", "1.0E20", "1.0E-4", "0.001", "-0.0", "NaN", "1234567.0", "1.23456789E7",
  ]);
  assert.deepEqual(cast(FloatType(), [0.1, 1.5], StringType()), ["0.1", "1.5"]);
  assert.deepEqual(cast(LongType(), [-5n, 9223372036854775807n], StringType()), ["-5", "9223372036854775807"]);
  assert.deepEqual(cast(BooleanType(), [true, false, null], StringType()), ["true", "false", null]);
  assert.deepEqual(cast(DecimalType(10, 2), ["12.5", "-0.05"], StringType()), ["12.50", "-0.05"]);
});

test("timestamps and dates → string", () => {
  assert.deepEqual(cast(TimestampType(), [1_705_314_600_000_000n, 1_705_314_600_120_000n, -1n], StringType()), [
    "2024-01-15 10:30:00",
    "2024-01-15 10:30:00.12",
    "1969-12-31 23:59:59.999999",
  ]);
  assert.deepEqual(cast(DateType(), [0, 19737, -1], StringType()), ["1970-01-01", "2024-01-15", "1969-12-31"]);
});

test("integral narrowing wraps; floating → integral truncates and saturates", () => {
  assert.deepEqual(cast(LongType(), [4294967297n, -1n, 2147483648n], IntegerType()), [1, -1, -2147483648]);
  assert.deepEqual(cast(IntegerType(), [300, -129], ByteType()), [44, 127]);
  assert.deepEqual(cast(DoubleType(), [1.9, -1.9, NaN, 1e20, -1e20], IntegerType()), [1, -1, 0, 2147483647, -2147483648]);
  assert.deepEqual(cast(DoubleType(), [1e30, -2.5], LongType()), [9223372036854775807n, -2n]);
});

test("boolean ↔ numbers, timestamp ↔ long/double, date ↔ timestamp", () => {
  assert.deepEqual(cast(BooleanType(), [true, false], IntegerType()), [1, 0]);
  assert.deepEqual(cast(IntegerType(), [0, 5, -1], BooleanType()), [false, true, true]);
  assert.deepEqual(cast(TimestampType(), [1_500_000n, -1n], LongType()), [1n, -1n]);
  assert.deepEqual(cast(TimestampType(), [1_500_000n], DoubleType()), [1.5]);
  assert.deepEqual(cast(LongType(), [2n], TimestampType()).map((d) => (d as Date).toISOString()), ["1970-01-01T00:00:02.000Z"]);
  assert.deepEqual(cast(DateType(), [1], TimestampType()).map((d) => (d as Date).toISOString()), ["1970-01-02T00:00:00.000Z"]);
  assert.deepEqual(cast(TimestampType(), [-1n], DateType()).map((d) => (d as Date).toISOString()), ["1969-12-31T00:00:00.000Z"]);
  assert.deepEqual(cast(DateType(), [1], IntegerType()), [null], "date → int is null in Spark 3 non-ANSI");
});

test("decimals round half up and overflow to null", () => {
  assert.deepEqual(cast(StringType(), ["1.005", "-1.005", "123456789.1", "abc", "1e2"], DecimalType(5, 2)), ["1.01", "-1.01", null, null, "100.00"]);
  assert.deepEqual(cast(DoubleType(), [0.125, 2.675], DecimalType(5, 2)), ["0.13", "2.68"]);
  assert.deepEqual(cast(DecimalType(10, 3), ["1.2345", "-9.9995"], DecimalType(10, 2)), ["1.23", "-10.00"]);
  assert.deepEqual(cast(DecimalType(10, 2), ["12.99", "-12.99"], IntegerType()), [12, -12]);
  assert.deepEqual(cast(IntegerType(), [123456], DecimalType(5, 2)), [null]);
});

test("binary → string shares the bytes; struct casts field by field", () => {
  const bin = vectorFromValues(BinaryType(), [new TextEncoder().encode("héllo"), null]);
  const s = castVector(bin, StringType());
  assert.deepEqual(readVector(s), ["héllo", null]);
  assert.equal(s.kind === "bytes" && bin.kind === "bytes" ? s.data : null, bin.kind === "bytes" ? bin.data : undefined, "no copy");
  const st = StructType([StructField("a", StringType())]);
  const to = StructType([StructField("a", IntegerType())]);
  assert.deepEqual(cast(st, [{ a: "1" }, { a: "x" }, null], to), [{ a: 1 }, { a: null }, null]);
});

test("CAST in SQL: CAST('abc' AS INT) is null, CAST('1.9' AS INT) is 1", () => {
  const schema = StructType([StructField("s", StringType())]);
  assert.deepEqual(values("CAST('abc' AS INT)", schema, [{ s: "" }]), [null]);
  assert.deepEqual(values("CAST('1.9' AS INT)", schema, [{ s: "" }]), [1]);
  assert.deepEqual(values("CAST(s AS BIGINT)", schema, [{ s: "12" }, { s: "x" }, { s: null }]), [12n, null, null]);
});

test("TRY_CAST is the ANSI cast with null on failure: no loose integer parsing, no wrapping", () => {
  const S1 = StructType([StructField("s", StringType()), StructField("l", LongType()), StructField("d", DoubleType())]);
  const r = [{ s: "1.23", l: 3_000_000_000n, d: 1e20 }, { s: " 42 ", l: 7n, d: -4.5 }, { s: "x", l: -1n, d: Number.NaN }];
  assert.deepEqual(values("TRY_CAST(s AS INT)", S1, r), [null, 42, null]);
  assert.deepEqual(values("CAST(s AS INT)", S1, r), [1, 42, null]);
  assert.deepEqual(values("TRY_CAST(l AS INT)", S1, r), [null, 7, -1]);
  assert.deepEqual(values("TRY_CAST(d AS BIGINT)", S1, r), [null, -4n, null]);
  assert.deepEqual(values("TRY_CAST(s AS DOUBLE)", S1, r), [1.23, 42, null]);
});
