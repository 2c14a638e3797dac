/**
 * Spark 3.5 (non-ANSI) type coercion: the widening rules analysis uses to make operands agree
 * (`TypeCoercion` / `DecimalPrecision` in Spark), the implicit casts function arguments get, which
 * explicit casts are allowed, and how types are spelled in SQL text and error messages.
 */
import type { DataType, DecimalType as DecimalTypeT, StructField as StructFieldT } from "../../types/data-types.js";
import type { BoundExpr } from "./bound.js";
import {
  ArrayType,
  DecimalType,
  DoubleType,
  LongType,
  MapType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  TimestampNTZType,
  DateType,
  MAX_DECIMAL_PRECISION,
  ansiIntervalTypeName,
  DayTimeIntervalType,
  YearMonthIntervalType,
  isAnsiInterval,
  isIntegral,
  isNumeric,
} from "../../types/data-types.js";

/** Byte < short < int < long < float < double, Spark's `numericPrecedence`. */
const NUMERIC_PRECEDENCE = ["byte", "short", "integer", "long", "float", "double"] as const;

/** True for types whose values are a single scalar (not struct/array/map). */
export function isAtomic(t: DataType): boolean {
  return t.typeName !== "struct" && t.typeName !== "array" && t.typeName !== "map";
}

/** Equality of two types ignoring nullability flags of nested types. */
export function equalsIgnoreNullability(a: DataType, b: DataType): boolean {
  if (a.typeName !== b.typeName) return false;
  if (a.typeName === "decimal" && b.typeName === "decimal") return a.precision === b.precision && a.scale === b.scale;
  if (isAnsiInterval(a) && isAnsiInterval(b)) return a.startField === b.startField && a.endField === b.endField;
  if (a.typeName === "array" && b.typeName === "array") return equalsIgnoreNullability(a.elementType, b.elementType);
  if (a.typeName === "map" && b.typeName === "map") {
    return equalsIgnoreNullability(a.keyType, b.keyType) && equalsIgnoreNullability(a.valueType, b.valueType);
  }
  if (a.typeName === "struct" && b.typeName === "struct") {
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((f, i) => f.name === b.fields[i].name && equalsIgnoreNullability(f.dataType, b.fields[i].dataType))
    );
  }
  return true;
}

/**
 * An integral literal's smallest decimal (`DecimalType.fromLiteral`: 0 is decimal(1,0)), as
 * DecimalPrecision reads a literal beside a decimal (`literalPickMinimumPrecision`); null for
 * anything else.
 */
export function literalDecimal(e: BoundExpr): DecimalTypeT | null {
  if (e.kind !== "literal" || !isIntegral(e.dataType) || (typeof e.value !== "number" && typeof e.value !== "bigint")) return null;
  const digits = (e.value < 0 ? -BigInt(e.value) : BigInt(e.value)).toString().length;
  return DecimalType(digits, 0);
}

/** The decimal type that holds every value of an integral or floating type (`DecimalType.forType`). */
export function decimalForType(t: DataType): DecimalTypeT | null {
  switch (t.typeName) {
    case "byte":
      return DecimalType(3, 0);
    case "short":
      return DecimalType(5, 0);
    case "integer":
      return DecimalType(10, 0);
    case "long":
      return DecimalType(20, 0);
    case "float":
      return DecimalType(14, 7);
    case "double":
      return DecimalType(30, 15);
    case "decimal":
      return t;
    default:
      return null;
  }
}

/** `DecimalType.bounded`: precision and scale capped at 38. */
export function boundedDecimal(precision: number, scale: number): DecimalTypeT {
  const p = Math.min(precision, MAX_DECIMAL_PRECISION);
  return DecimalType(Math.max(1, p), Math.min(scale, p));
}

/** `DecimalType.adjustPrecisionScale` with `allowPrecisionLoss = true` (Spark's default). */
export function adjustDecimal(precision: number, scale: number): DecimalTypeT {
  if (precision <= MAX_DECIMAL_PRECISION) return DecimalType(Math.max(1, precision), scale);
  const intDigits = precision - scale;
  const minScale = Math.min(scale, 6);
  const adjustedScale = Math.max(MAX_DECIMAL_PRECISION - intDigits, minScale);
  return DecimalType(MAX_DECIMAL_PRECISION, adjustedScale);
}

function decimalIsWiderThan(d: DecimalTypeT, t: DataType): boolean {
  const o = decimalForType(t);
  if (o === null) return false;
  return d.precision - d.scale >= o.precision - o.scale && d.scale >= o.scale;
}

/** Spark's `findTightestCommonType`: widening without precision loss, or null. */
export function findTightestCommonType(a: DataType, b: DataType): DataType | null {
  if (equalsIgnoreNullability(a, b)) return a;
  if (a.typeName === "null") return b;
  if (b.typeName === "null") return a;
  if (isIntegral(a) && b.typeName === "decimal" && decimalIsWiderThan(b, a)) return b;
  if (a.typeName === "decimal" && isIntegral(b) && decimalIsWiderThan(a, b)) return a;
  const ia = NUMERIC_PRECEDENCE.indexOf(a.typeName as (typeof NUMERIC_PRECEDENCE)[number]);
  const ib = NUMERIC_PRECEDENCE.indexOf(b.typeName as (typeof NUMERIC_PRECEDENCE)[number]);
  if (ia >= 0 && ib >= 0) return ia >= ib ? a : b;
  if ((a.typeName === "timestamp" && b.typeName === "date") || (a.typeName === "date" && b.typeName === "timestamp")) {
    return TimestampType();
  }
  const ntz = widerNtzType(a, b);
  if (ntz !== null) return ntz;
  // Spark: two year-month (or two day-time) intervals widen to the span of both field ranges.
  if (a.typeName === "yearmonthinterval" && b.typeName === "yearmonthinterval") {
    return YearMonthIntervalType(Math.min(a.startField, b.startField), Math.max(a.endField, b.endField));
  }
  if (a.typeName === "daytimeinterval" && b.typeName === "daytimeinterval") {
    return DayTimeIntervalType(Math.min(a.startField, b.startField), Math.max(a.endField, b.endField));
  }
  return findTypeForComplex(a, b, findTightestCommonType);
}

/** Spark's `findWiderTypeForDecimal`: decimal with a number, losing precision when needed. */
function findWiderTypeForDecimal(a: DataType, b: DataType): DataType | null {
  if (a.typeName === "decimal" && b.typeName === "decimal") return widerDecimal(a, b);
  if (a.typeName === "decimal" && isIntegral(b)) return widerDecimal(a, decimalForType(b) ?? a);
  if (isIntegral(a) && b.typeName === "decimal") return widerDecimal(decimalForType(a) ?? b, b);
  if (a.typeName === "decimal" && (b.typeName === "float" || b.typeName === "double")) return DoubleType();
  if ((a.typeName === "float" || a.typeName === "double") && b.typeName === "decimal") return DoubleType();
  return null;
}

/** `DecimalPrecision.widerDecimalType`. */
export function widerDecimal(a: DecimalTypeT, b: DecimalTypeT): DecimalTypeT {
  const scale = Math.max(a.scale, b.scale);
  const range = Math.max(a.precision - a.scale, b.precision - b.scale);
  return boundedDecimal(range + scale, scale);
}

function stringPromotion(a: DataType, b: DataType): DataType | null {
  if (a.typeName === "string" && isAtomic(b) && b.typeName !== "binary" && b.typeName !== "boolean") return StringType();
  if (b.typeName === "string" && isAtomic(a) && a.typeName !== "binary" && a.typeName !== "boolean") return StringType();
  return null;
}

function findTypeForComplex(a: DataType, b: DataType, widen: (x: DataType, y: DataType) => DataType | null): DataType | null {
  if (a.typeName === "array" && b.typeName === "array") {
    const e = widen(a.elementType, b.elementType);
    return e === null ? null : ArrayType(e, a.containsNull || b.containsNull);
  }
  if (a.typeName === "map" && b.typeName === "map") {
    const k = widen(a.keyType, b.keyType);
    const v = widen(a.valueType, b.valueType);
    return k === null || v === null ? null : MapType(k, v, a.valueContainsNull || b.valueContainsNull);
  }
  if (a.typeName === "struct" && b.typeName === "struct") {
    if (a.fields.length !== b.fields.length) return null;
    const fields: StructFieldT[] = [];
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i];
      const fb = b.fields[i];
      if (fa.name.toLowerCase() !== fb.name.toLowerCase()) return null;
      const t = widen(fa.dataType, fb.dataType);
      if (t === null) return null;
      fields.push(StructField(fa.name, t, fa.nullable || fb.nullable));
    }
    return StructType(fields);
  }
  return null;
}

/** Spark's `findWiderTypeForTwo`: tightest, then decimal widening, then promotion to string. */
export function findWiderTypeForTwo(a: DataType, b: DataType): DataType | null {
  return findTightestCommonType(a, b) ?? findWiderTypeForDecimal(a, b) ?? stringPromotion(a, b) ?? findTypeForComplex(a, b, findWiderTypeForTwo);
}

/** `findWiderTypeWithoutStringPromotionForTwo` (greatest/least). */
export function findWiderTypeWithoutStringPromotion(types: readonly DataType[]): DataType | null {
  let acc: DataType | null = { typeName: "null" };
  for (const t of types) {
    if (acc === null) return null;
    acc = findTightestCommonType(acc, t) ?? findWiderTypeForDecimal(acc, t) ?? findTypeForComplex(acc, t, findWiderTypeForTwo);
  }
  return acc;
}

/** Spark's `findWiderCommonType` (CASE, COALESCE, IN lists, array()): string types fold first. */
export function findWiderCommonType(types: readonly DataType[]): DataType | null {
  const hasString = (t: DataType): boolean => t.typeName === "string" || (t.typeName === "array" && hasString(t.elementType));
  const strings: DataType[] = [];
  const others: DataType[] = [];
  for (const t of types) {
    if (hasString(t)) {
      if (!strings.some((s) => equalsIgnoreNullability(s, t))) strings.push(t);
    } else others.push(t);
  }
  let acc: DataType | null = { typeName: "null" };
  for (const t of [...strings, ...others]) {
    if (acc === null) return null;
    acc = findWiderTypeForTwo(acc, t);
  }
  return acc;
}

/**
 * Spark's `findCommonTypeForBinaryComparison` for `=`, `<` …: the string side takes the other
 * side's type (date, timestamp, number, boolean), except string vs decimal which compares as double.
 * Returns null when no such rule applies (the caller then tries ordinary widening).
 */
export function findCommonTypeForComparison(a: DataType, b: DataType): DataType | null {
  const as = a.typeName === "string";
  const bs = b.typeName === "string";
  if (as && bs) return null;
  if ((as && b.typeName === "null") || (bs && a.typeName === "null")) return StringType();
  if ((a.typeName === "timestamp" && b.typeName === "date") || (a.typeName === "date" && b.typeName === "timestamp")) {
    return TimestampType();
  }
  const ntz = widerNtzType(a, b);
  if (ntz !== null) return ntz;
  if ((as && b.typeName === "decimal") || (bs && a.typeName === "decimal")) return DoubleType();
  if (as && isAtomic(b)) return b;
  if (bs && isAtomic(a)) return a;
  return null;
}

function isDatetime(t: DataType): boolean {
  return t.typeName === "date" || t.typeName === "timestamp" || t.typeName === "timestamp_ntz";
}

/** Spark's `findWiderDateTimeType` with TIMESTAMP_NTZ: date and ntz widen to ntz, ntz and timestamp to timestamp. */
function widerNtzType(a: DataType, b: DataType): DataType | null {
  const pair = (x: string, y: string) => (a.typeName === x && b.typeName === y) || (a.typeName === y && b.typeName === x);
  if (pair("timestamp_ntz", "date")) return TimestampNTZType();
  if (pair("timestamp_ntz", "timestamp")) return TimestampType();
  return null;
}

/** What a function argument accepts, as Spark's `AbstractDataType` for implicit casts. */
export type ExpectedType =
  | DataType
  | "any"
  | "numeric"
  | "integral"
  | "string"
  | "stringOrBinary"
  | "timestamp"
  | "date"
  | "boolean";

/**
 * Spark's `ImplicitTypeCasts.implicitCast`: the type `inType` should be cast to so a function
 * expecting `expected` accepts it, `inType` itself when no cast is needed, or null when Spark would
 * report a type mismatch.
 */
export function implicitCastType(inType: DataType, expected: ExpectedType): DataType | null {
  if (expected === "any") return inType;
  if (typeof expected !== "string") {
    if (equalsIgnoreNullability(inType, expected)) return inType;
    if (inType.typeName === "null") return expected;
    if (isNumeric(inType) && isNumeric(expected)) return expected;
    if (inType.typeName === "string" && isAtomic(expected) && expected.typeName !== "boolean") return expected;
    if (inType.typeName === "date" && expected.typeName === "timestamp") return expected;
    if (inType.typeName === "timestamp" && expected.typeName === "date") return expected;
    if (isDatetime(inType) && isDatetime(expected)) return expected;
    if (expected.typeName === "string" && isAtomic(inType)) return expected;
    if (inType.typeName === "array" && expected.typeName === "array") {
      const e = implicitCastType(inType.elementType, expected.elementType);
      return e === null ? null : ArrayType(e, true);
    }
    return null;
  }
  switch (expected) {
    case "numeric":
      if (isNumeric(inType)) return inType;
      if (inType.typeName === "null" || inType.typeName === "string") return DoubleType();
      return null;
    case "integral":
      if (isIntegral(inType)) return inType;
      if (isNumeric(inType) || inType.typeName === "null" || inType.typeName === "string") return LongType();
      return null;
    case "string":
      if (inType.typeName === "string") return inType;
      if (inType.typeName === "null" || isAtomic(inType)) return StringType();
      return null;
    case "stringOrBinary":
      if (inType.typeName === "string" || inType.typeName === "binary") return inType;
      if (inType.typeName === "null" || isAtomic(inType)) return StringType();
      return null;
    case "timestamp":
      if (inType.typeName === "timestamp") return inType;
      // A TIMESTAMP_NTZ reads as the session zone's instant of its wall-clock time.
      if (inType.typeName === "null" || inType.typeName === "string" || inType.typeName === "date" || inType.typeName === "timestamp_ntz") return TimestampType();
      return null;
    case "date":
      if (inType.typeName === "date") return inType;
      if (inType.typeName === "null" || inType.typeName === "string" || inType.typeName === "timestamp" || inType.typeName === "timestamp_ntz") return DateType();
      return null;
    case "boolean":
      if (inType.typeName === "boolean") return inType;
      if (inType.typeName === "null") return { typeName: "boolean" };
      return null;
  }
}

/**
 * Spark's (non-ANSI) `Cast.canCast`: whether an explicit `CAST(x AS to)` is allowed. Values that
 * do not convert at run time become null; a `false` here is an analysis error.
 */
export function canCast(from: DataType, to: DataType): boolean {
  if (equalsIgnoreNullability(from, to)) return true;
  if (from.typeName === "null") return true;
  const interval = canCastInterval(from, to);
  if (interval !== undefined) return interval;
  if (to.typeName === "string") return isAtomic(from) || from.typeName === "array" || from.typeName === "map" || from.typeName === "struct";
  if (to.typeName === "binary") return from.typeName === "string" || isIntegral(from);
  if (to.typeName === "boolean") return from.typeName === "string" || isNumeric(from) || from.typeName === "timestamp" || from.typeName === "date";
  if (to.typeName === "timestamp") return from.typeName === "string" || from.typeName === "boolean" || from.typeName === "date" || from.typeName === "timestamp_ntz" || isNumeric(from);
  if (to.typeName === "date") return from.typeName === "string" || from.typeName === "timestamp" || from.typeName === "timestamp_ntz";
  if (to.typeName === "timestamp_ntz") return from.typeName === "string" || from.typeName === "date" || from.typeName === "timestamp";
  if (isNumeric(to)) {
    return from.typeName === "string" || from.typeName === "boolean" || from.typeName === "timestamp" || from.typeName === "date" || isNumeric(from);
  }
  if (from.typeName === "array" && to.typeName === "array") return canCast(from.elementType, to.elementType);
  if (from.typeName === "map" && to.typeName === "map") return canCast(from.keyType, to.keyType) && canCast(from.valueType, to.valueType);
  if (from.typeName === "struct" && to.typeName === "struct") {
    return from.fields.length === to.fields.length && from.fields.every((f, i) => canCast(f.dataType, to.fields[i].dataType));
  }
  return false;
}

/**
 * Spark's `Cast.canCast` where either side is an interval (undefined otherwise): strings to any
 * interval and any interval to strings; year-month to year-month and day-time to day-time;
 * integral and decimal to and from the ANSI intervals.
 */
function canCastInterval(from: DataType, to: DataType): boolean | undefined {
  const fromInterval = from.typeName === "interval" || isAnsiInterval(from);
  const toInterval = to.typeName === "interval" || isAnsiInterval(to);
  if (!fromInterval && !toInterval) return undefined;
  if (to.typeName === "string" || from.typeName === "string") return true;
  if (from.typeName === "yearmonthinterval" || from.typeName === "daytimeinterval") {
    if (to.typeName === from.typeName) return true;
    return isIntegral(to) || to.typeName === "decimal";
  }
  if (isAnsiInterval(to)) return isIntegral(from) || from.typeName === "decimal";
  return false;
}

/** Spark's `DataType.sql`: `BIGINT`, `DECIMAL(10,2)`, `ARRAY<INT>`, `STRUCT<a: INT>` (names and CAST text). */
export function typeSql(t: DataType): string {
  switch (t.typeName) {
    case "string":
      return "STRING";
    case "long":
      return "BIGINT";
    case "integer":
      return "INT";
    case "short":
      return "SMALLINT";
    case "byte":
      return "TINYINT";
    case "double":
      return "DOUBLE";
    case "float":
      return "FLOAT";
    case "boolean":
      return "BOOLEAN";
    case "binary":
      return "BINARY";
    case "timestamp":
      return "TIMESTAMP";
    case "timestamp_ntz":
      return "TIMESTAMP_NTZ";
    case "date":
      return "DATE";
    case "null":
      return "VOID";
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
    case "interval":
      return "INTERVAL";
    case "yearmonthinterval":
    case "daytimeinterval":
      return ansiIntervalTypeName(t).toUpperCase();
    case "array":
      return `ARRAY<${typeSql(t.elementType)}>`;
    case "map":
      return `MAP<${typeSql(t.keyType)}, ${typeSql(t.valueType)}>`;
    case "struct":
      return `STRUCT<${t.fields.map((f) => `${f.name}: ${typeSql(f.dataType)}`).join(", ")}>`;
  }
}

/** Spark's `DataType.simpleString`: `bigint`, `int`, `decimal(10,2)`, `struct<a:int>` (error messages). */
export function typeString(t: DataType): string {
  switch (t.typeName) {
    case "long":
      return "bigint";
    case "integer":
      return "int";
    case "short":
      return "smallint";
    case "byte":
      return "tinyint";
    case "null":
      return "void";
    case "decimal":
      return `decimal(${t.precision},${t.scale})`;
    case "array":
      return `array<${typeString(t.elementType)}>`;
    case "map":
      return `map<${typeString(t.keyType)},${typeString(t.valueType)}>`;
    case "struct":
      return `struct<${t.fields.map((f) => `${f.name}:${typeString(f.dataType)}`).join(",")}>`;
    case "yearmonthinterval":
    case "daytimeinterval":
      return ansiIntervalTypeName(t);
    default:
      return t.typeName;
  }
}

/** Result type of decimal `+ - * / %` per Spark's `DecimalPrecision` (precision loss allowed). */
export function decimalArithmeticType(op: "+" | "-" | "*" | "/" | "%", a: DecimalTypeT, b: DecimalTypeT): DecimalTypeT {
  const { precision: p1, scale: s1 } = a;
  const { precision: p2, scale: s2 } = b;
  switch (op) {
    case "+":
    case "-": {
      const scale = Math.max(s1, s2);
      return adjustDecimal(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case "*":
      return adjustDecimal(p1 + p2 + 1, s1 + s2);
    case "/": {
      const scale = Math.max(6, s1 + p2 + 1);
      return adjustDecimal(p1 - s1 + s2 + scale, scale);
    }
    case "%": {
      const scale = Math.max(s1, s2);
      return adjustDecimal(Math.min(p1 - s1, p2 - s2) + scale, scale);
    }
  }
}

