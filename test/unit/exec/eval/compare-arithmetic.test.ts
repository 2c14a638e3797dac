import { test } from "node:test";
import assert from "node:assert/strict";
import {
  StructType,
  StructField,
  StringType,
  IntegerType,
  LongType,
  DoubleType,
  ShortType,
  ByteType,
  FloatType,
  DecimalType,
  TimestampType,
  DateType,
  BooleanType,
} from "../../../../src/types/data-types.js";
import { vectorFromValues } from "../../../../src/columnar/build.js";
import { compareVectors, compareScalar } from "../../../../src/exec/eval/compare.js";
import { readVector, values, evaluate } from "./helpers.js";
import { exprSql } from "../../../../src/plan/expressions/bind.js";
import { parseExpression } from "../../../../src/sql/parser.js";

test("strings compare by UTF-8 bytes, including non-ASCII", () => {
  const a = vectorFromValues(StringType(), ["a", "é", "z", "ab", "", "😀", null]);
  const b = vectorFromValues(StringType(), ["b", "z", "é", "a", "", "\uffff", "a"]);
  // 'é' (C3 A9) > 'z' (7A); U+1F600 (F0 ..) > U+FFFF (EF BF BF) in UTF-8 although UTF-16 order says otherwise.
  assert.deepEqual(readVector(compareVectors("<", a, b)), [true, false, true, false, false, false, null]);
  assert.deepEqual(readVector(compareVectors("=", a, b)), [false, false, false, false, true, false, null]);
  assert.deepEqual(readVector(compareVectors("<=>", a, vectorFromValues(StringType(), ["a", null, null, "ab", "", "😀", null]))), [
    true, false, false, true, true, true, true,
  ], "null <=> null is true, 'é' <=> null is false");
  assert.deepEqual(readVector(compareScalar(">=", a, "é", false)), [false, true, false, false, false, true, null]);
  assert.deepEqual(readVector(compareScalar(">", a, "é", true)), [true, false, true, true, true, false, null], "scalar on the left flips");
});

test("doubles: NaN = NaN is true and NaN sorts above everything", () => {
  const a = vectorFromValues(DoubleType(), [NaN, NaN, 1, Infinity, 0]);
  const b = vectorFromValues(DoubleType(), [NaN, Infinity, NaN, 1, -0]);
  assert.deepEqual(readVector(compareVectors("=", a, b)), [true, false, false, false, true]);
  assert.deepEqual(readVector(compareVectors(">", a, b)), [false, true, false, true, false]);
});

test("comparison coercion: string vs int casts the string to int (Spark's PromoteStrings)", () => {
  const schema = StructType([StructField("n", IntegerType()), StructField("s", StringType())]);
  const rows = [{ n: 1, s: "1.9" }, { n: 2, s: "x" }, { n: 10, s: "9" }];
  const r = evaluate("n = s", schema, rows);
  // '1.9' → 1 equals 1; 'x' → null; 9 ≠ 10 (numeric, not lexicographic).
  assert.deepEqual(r.values, [true, null, false]);
  assert.deepEqual(values("n > s", schema, rows), [false, null, true]);
  assert.equal(r.bound.kind === "binary" && r.bound.right.kind === "cast" ? r.bound.right.dataType.typeName : "", "integer");
});

test("comparison coercion: timestamp/date vs string literal, date vs timestamp", () => {
  const schema = StructType([StructField("ts", TimestampType()), StructField("d", DateType())]);
  const rows = [{ ts: new Date("2024-01-15T10:00:00Z"), d: "2024-01-15" }];
  assert.deepEqual(values("ts > '2024-01-15 09:59:59'", schema, rows), [true]);
  assert.deepEqual(values("ts = '2024-01-15T10:00:00Z'", schema, rows), [true]);
  assert.deepEqual(values("d = '2024-01-15'", schema, rows), [true]);
  assert.deepEqual(values("d < ts", schema, rows), [true]);
});

test("int arithmetic wraps on overflow; long arithmetic wraps at 64 bits", () => {
  const schema = StructType([StructField("i", IntegerType()), StructField("l", LongType())]);
  const rows = [{ i: 2147483647, l: 9223372036854775807n }, { i: -2147483648, l: -9223372036854775808n }];
  assert.deepEqual(values("i + 1", schema, rows), [-2147483648, -2147483647]);
  assert.deepEqual(values("i * 2", schema, rows), [-2, 0]);
  assert.deepEqual(values("-i", schema, rows), [-2147483647, -2147483648]);
  assert.deepEqual(values("l + 1", schema, rows), [-9223372036854775808n, -9223372036854775807n]);
  assert.deepEqual(values("l * 3", schema, rows), [9223372036854775805n, -9223372036854775808n]);
});

test("division: `/` is double, DIV is long, by zero is null; % follows the dividend's sign", () => {
  const schema = StructType([StructField("a", IntegerType()), StructField("b", IntegerType())]);
  const rows = [{ a: 7, b: 2 }, { a: -7, b: 2 }, { a: 1, b: 0 }, { a: null, b: 1 }];
  const div = evaluate("a / b", schema, rows);
  assert.equal(div.bound.dataType.typeName, "double");
  assert.deepEqual(div.values, [3.5, -3.5, null, null]);
  assert.deepEqual(values("a DIV b", schema, rows), [3n, -3n, null, null]);
  assert.deepEqual(values("a % b", schema, rows), [1, -1, null, null]);
  assert.deepEqual(values("1.0 / 0", schema, rows.slice(0, 1)), [null]);
  const d = StructType([StructField("x", DoubleType())]);
  assert.deepEqual(values("x / 0", d, [{ x: 1.5 }]), [null], "double division by zero is null too");
});

test("numeric widening: byte + short → short, int + long → long, int + double → double, float + long → float", () => {
  const schema = StructType([
    StructField("b", ByteType()),
    StructField("s", ShortType()),
    StructField("i", IntegerType()),
    StructField("l", LongType()),
    StructField("f", FloatType()),
    StructField("d", DoubleType()),
  ]);
  const rows = [{ b: 100, s: 1000, i: 5, l: 6n, f: 1.5, d: 0.25 }];
  const typeOf = (e: string) => evaluate(e, schema, rows).bound.dataType.typeName;
  assert.equal(typeOf("b + s"), "short");
  assert.equal(typeOf("i + l"), "long");
  assert.equal(typeOf("i + d"), "double");
  assert.equal(typeOf("f + l"), "float");
  assert.equal(typeOf("b + b"), "byte");
  assert.deepEqual(values("b + b", schema, rows), [-56], "byte arithmetic wraps");
  assert.deepEqual(values("i + l", schema, rows), [11n]);
  assert.deepEqual(values("'3' + i", schema, rows), [8], "string operands of arithmetic are doubles");
  assert.equal(typeOf("'3' + i"), "double");
});

test("decimal arithmetic follows Spark's result precision and scale", () => {
  const schema = StructType([StructField("p", DecimalType(10, 2)), StructField("q", DecimalType(5, 3)), StructField("i", IntegerType())]);
  const rows = [{ p: "12.34", q: "1.500", i: 3 }];
  const r = (e: string) => evaluate(e, schema, rows);
  assert.deepEqual(r("p + q").bound.dataType, DecimalType(12, 3));
  assert.deepEqual(r("p + q").values, ["13.840"]);
  assert.deepEqual(r("p * q").bound.dataType, DecimalType(16, 5));
  assert.deepEqual(r("p * q").values, ["18.51000"]);
  assert.deepEqual(r("p / q").bound.dataType, DecimalType(19, 8));
  assert.deepEqual(r("p / q").values, ["8.22666667"]);
  assert.deepEqual(r("p * i").values, ["37.02"]);
  assert.equal(r("p + 1.5e0").bound.dataType.typeName, "double", "decimal with double is double");
  assert.deepEqual(r("p > q").values, [true]);
});

test("bitwise operators and unary minus", () => {
  const schema = StructType([StructField("a", IntegerType())]);
  assert.deepEqual(values("a & 6", schema, [{ a: 5 }]), [4]);
  assert.deepEqual(values("a | 2", schema, [{ a: 5 }]), [7]);
  assert.deepEqual(values("a ^ 1", schema, [{ a: 5 }]), [4]);
  assert.deepEqual(values("~a", schema, [{ a: 5 }]), [-6]);
});

test("structs compare field by field: a null field sorts first and equals a null field; a null struct is null", () => {
  const t = StructType([StructField("a", IntegerType(), true), StructField("b", StringType(), true)]);
  const a = vectorFromValues(t, [{ a: 1, b: "x" }, { a: 1, b: null }, { a: 2, b: "a" }, { a: null, b: "z" }, null]);
  const b = vectorFromValues(t, [{ a: 1, b: "y" }, { a: 1, b: null }, { a: 1, b: "z" }, { a: 0, b: "a" }, { a: 1, b: "x" }]);
  assert.deepEqual(readVector(compareVectors("<", a, b)), [true, false, false, true, null]);
  assert.deepEqual(readVector(compareVectors("=", a, b)), [false, true, false, false, null]);
  assert.deepEqual(readVector(compareVectors("<=>", a, b)), [false, true, false, false, false]);
});

test("boolean = number compares the boolean as the number's type (Spark's BooleanEquality); function-style casts are named by their argument", () => {
  const S0 = StructType([StructField("b", BooleanType()), StructField("n", IntegerType()), StructField("d", DoubleType())]);
  const r = [{ b: true, n: 1, d: 1 }, { b: false, n: 1, d: 0 }, { b: null, n: 0, d: 2 }];
  assert.deepEqual(values("b = n", S0, r), [true, false, null]);
  assert.deepEqual(values("d = b", S0, r), [true, true, null]);
  assert.deepEqual(values("b <=> n", S0, r), [true, false, false]);
  assert.equal(exprSql(parseExpression("length(date('1996-09-10'))")), "length(1996-09-10)");
});
