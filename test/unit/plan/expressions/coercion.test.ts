import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ByteType,
  ShortType,
  IntegerType,
  LongType,
  FloatType,
  DoubleType,
  DecimalType,
  StringType,
  BooleanType,
  DateType,
  TimestampType,
  NullType,
  BinaryType,
  ArrayType,
  StructType,
  StructField,
} from "../../../../src/types/data-types.js";
import {
  canCast,
  findCommonTypeForComparison,
  findTightestCommonType,
  findWiderCommonType,
  findWiderTypeForTwo,
  implicitCastType,
  typeSql,
  typeString,
  decimalArithmeticType,
} from "../../../../src/plan/expressions/coercion.js";

test("tightest common type: numeric precedence, null, date/timestamp, decimals that fit", () => {
  assert.deepEqual(findTightestCommonType(ByteType(), ShortType()), ShortType());
  assert.deepEqual(findTightestCommonType(IntegerType(), LongType()), LongType());
  assert.deepEqual(findTightestCommonType(LongType(), FloatType()), FloatType());
  assert.deepEqual(findTightestCommonType(FloatType(), DoubleType()), DoubleType());
  assert.deepEqual(findTightestCommonType(NullType(), StringType()), StringType());
  assert.deepEqual(findTightestCommonType(DateType(), TimestampType()), TimestampType());
  assert.deepEqual(findTightestCommonType(IntegerType(), DecimalType(12, 2)), DecimalType(12, 2));
  assert.equal(findTightestCommonType(IntegerType(), DecimalType(5, 2)), null);
  assert.equal(findTightestCommonType(StringType(), IntegerType()), null);
});

test("wider type: decimal widening, decimal with double, promotion to string (not boolean/binary)", () => {
  assert.deepEqual(findWiderTypeForTwo(IntegerType(), DecimalType(5, 2)), DecimalType(12, 2));
  assert.deepEqual(findWiderTypeForTwo(DecimalType(10, 2), DecimalType(5, 4)), DecimalType(12, 4));
  assert.deepEqual(findWiderTypeForTwo(DecimalType(10, 2), DoubleType()), DoubleType());
  assert.deepEqual(findWiderTypeForTwo(StringType(), IntegerType()), StringType());
  assert.deepEqual(findWiderTypeForTwo(DateType(), StringType()), StringType());
  assert.equal(findWiderTypeForTwo(StringType(), BooleanType()), null);
  assert.equal(findWiderTypeForTwo(BinaryType(), StringType()), null);
  assert.deepEqual(findWiderCommonType([IntegerType(), NullType(), LongType()]), LongType());
  assert.deepEqual(findWiderCommonType([TimestampType(), IntegerType(), StringType()]), StringType());
  assert.deepEqual(findWiderTypeForTwo(ArrayType(IntegerType()), ArrayType(LongType())), ArrayType(LongType()));
  const s1 = StructType([StructField("a", IntegerType())]);
  const s2 = StructType([StructField("A", LongType())]);
  assert.deepEqual(findWiderTypeForTwo(s1, s2), StructType([StructField("a", LongType())]));
});

test("comparison type: the string side takes the other type; decimal vs string is double", () => {
  assert.deepEqual(findCommonTypeForComparison(StringType(), IntegerType()), IntegerType());
  assert.deepEqual(findCommonTypeForComparison(TimestampType(), StringType()), TimestampType());
  assert.deepEqual(findCommonTypeForComparison(StringType(), DateType()), DateType());
  assert.deepEqual(findCommonTypeForComparison(StringType(), BooleanType()), BooleanType());
  assert.deepEqual(findCommonTypeForComparison(DecimalType(10, 2), StringType()), DoubleType());
  assert.deepEqual(findCommonTypeForComparison(DateType(), TimestampType()), TimestampType());
  assert.equal(findCommonTypeForComparison(StringType(), StringType()), null);
  assert.equal(findCommonTypeForComparison(IntegerType(), LongType()), null);
});

test("implicit casts of function arguments", () => {
  assert.deepEqual(implicitCastType(LongType(), "string"), StringType());
  assert.deepEqual(implicitCastType(StringType(), "numeric"), DoubleType());
  assert.deepEqual(implicitCastType(StringType(), BinaryType()), BinaryType());
  assert.deepEqual(implicitCastType(StringType(), "timestamp"), TimestampType());
  assert.deepEqual(implicitCastType(NullType(), IntegerType()), IntegerType());
  assert.equal(implicitCastType(IntegerType(), BinaryType()), null);
  assert.equal(implicitCastType(ArrayType(IntegerType()), "string"), null);
  assert.equal(implicitCastType(IntegerType(), "boolean"), null);
});

test("explicit casts allowed in non-ANSI mode", () => {
  assert.ok(canCast(StringType(), IntegerType()));
  assert.ok(canCast(IntegerType(), TimestampType()));
  assert.ok(canCast(StructType([StructField("a", IntegerType())]), StringType()));
  assert.ok(!canCast(IntegerType(), DateType()));
  assert.ok(!canCast(StructType([]), IntegerType()));
  assert.ok(!canCast(BooleanType(), BinaryType()));
});

test("type spelling for SQL text and messages; decimal arithmetic result types", () => {
  assert.equal(typeSql(LongType()), "BIGINT");
  assert.equal(typeSql(StructType([StructField("a", ArrayType(IntegerType()))])), "STRUCT<a: ARRAY<INT>>");
  assert.equal(typeString(StructType([StructField("a", DecimalType(5, 2))])), "struct<a:decimal(5,2)>");
  assert.deepEqual(decimalArithmeticType("+", DecimalType(38, 10), DecimalType(38, 10)), DecimalType(38, 9));
  assert.deepEqual(decimalArithmeticType("*", DecimalType(38, 10), DecimalType(38, 10)), DecimalType(38, 6));
  assert.deepEqual(decimalArithmeticType("%", DecimalType(10, 2), DecimalType(5, 3)), DecimalType(5, 3));
});
