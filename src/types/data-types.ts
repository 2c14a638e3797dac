/**
 * Spark SQL data types, callable without `new` (`StringType()`, `StructType([...])`).
 *
 * A data type is an immutable value with a `typeName` discriminant equal to Spark's JSON type name
 * (`"string"`, `"long"`, `"decimal"`, `"struct"` …). Types built in code keep their field names and
 * kinds in the TypeScript type, so `RowOf<typeof schema>` is the row shape a query produces.
 */
import { AnalysisError } from "../errors.js";

export type AtomicTypeName =
  | "string"
  | "long"
  | "integer"
  | "short"
  | "byte"
  | "double"
  | "float"
  | "boolean"
  | "binary"
  | "timestamp"
  | "date"
  | "null";

export interface AtomicType<N extends AtomicTypeName = AtomicTypeName> {
  readonly typeName: N;
}

export interface DecimalType {
  readonly typeName: "decimal";
  readonly precision: number;
  readonly scale: number;
}

export interface ArrayType<E extends DataType = DataType> {
  readonly typeName: "array";
  readonly elementType: E;
  readonly containsNull: boolean;
}

export interface MapType<K extends DataType = DataType, V extends DataType = DataType> {
  readonly typeName: "map";
  readonly keyType: K;
  readonly valueType: V;
  readonly valueContainsNull: boolean;
}

/** Field metadata as in Spark's JSON schema (`"metadata": {}`). */
export type FieldMetadata = Readonly<Record<string, unknown>>;

export interface StructField<N extends string = string, T extends DataType = DataType> {
  readonly name: N;
  readonly dataType: T;
  readonly nullable: boolean;
  readonly metadata: FieldMetadata;
}

export interface StructType<F extends readonly StructField[] = readonly StructField[]> {
  readonly typeName: "struct";
  readonly fields: F;
}

export type DataType = AtomicType | DecimalType | ArrayType | MapType | StructType;

export type StringType = AtomicType<"string">;
export type LongType = AtomicType<"long">;
export type IntegerType = AtomicType<"integer">;
export type ShortType = AtomicType<"short">;
export type ByteType = AtomicType<"byte">;
export type DoubleType = AtomicType<"double">;
export type FloatType = AtomicType<"float">;
export type BooleanType = AtomicType<"boolean">;
export type BinaryType = AtomicType<"binary">;
export type TimestampType = AtomicType<"timestamp">;
export type DateType = AtomicType<"date">;
export type NullType = AtomicType<"null">;

function atomic<N extends AtomicTypeName>(typeName: N): AtomicType<N> {
  return Object.freeze({ typeName });
}

const STRING = atomic("string");
const LONG = atomic("long");
const INTEGER = atomic("integer");
const SHORT = atomic("short");
const BYTE = atomic("byte");
const DOUBLE = atomic("double");
const FLOAT = atomic("float");
const BOOLEAN = atomic("boolean");
const BINARY = atomic("binary");
const TIMESTAMP = atomic("timestamp");
const DATE = atomic("date");
const NULL = atomic("null");

export const StringType = (): StringType => STRING;
export const LongType = (): LongType => LONG;
export const IntegerType = (): IntegerType => INTEGER;
export const ShortType = (): ShortType => SHORT;
export const ByteType = (): ByteType => BYTE;
export const DoubleType = (): DoubleType => DOUBLE;
export const FloatType = (): FloatType => FLOAT;
export const BooleanType = (): BooleanType => BOOLEAN;
export const BinaryType = (): BinaryType => BINARY;
export const TimestampType = (): TimestampType => TIMESTAMP;
export const DateType = (): DateType => DATE;
export const NullType = (): NullType => NULL;

/** Spark's maximum decimal precision. */
export const MAX_DECIMAL_PRECISION = 38;

/** `DecimalType(precision = 10, scale = 0)`, as Spark's defaults. */
export function DecimalType(precision = 10, scale = 0): DecimalType {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    throw new AnalysisError(`types: decimal precision must be 1..38, got ${precision}`);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new AnalysisError(`types: decimal scale must be 0..precision (${precision}), got ${scale}`);
  }
  return Object.freeze({ typeName: "decimal", precision, scale });
}

export function ArrayType<E extends DataType>(elementType: E, containsNull = true): ArrayType<E> {
  return Object.freeze({ typeName: "array", elementType, containsNull });
}

export function MapType<K extends DataType, V extends DataType>(
  keyType: K,
  valueType: V,
  valueContainsNull = true,
): MapType<K, V> {
  return Object.freeze({ typeName: "map", keyType, valueType, valueContainsNull });
}

export function StructField<N extends string, T extends DataType>(
  name: N,
  dataType: T,
  nullable = true,
  metadata: FieldMetadata = {},
): StructField<N, T> {
  return Object.freeze({ name, dataType, nullable, metadata: Object.freeze({ ...metadata }) });
}

/** `StructType([StructField(...), ...])`. Duplicate field names are allowed, as in Spark. */
export function StructType<const F extends readonly StructField[]>(fields: F = [] as unknown as F): StructType<F> {
  return Object.freeze({ typeName: "struct", fields: Object.freeze([...fields]) as unknown as F });
}

export function isStruct(t: DataType): t is StructType {
  return t.typeName === "struct";
}

/** Integral types: byte, short, integer, long. */
export function isIntegral(t: DataType): boolean {
  return t.typeName === "byte" || t.typeName === "short" || t.typeName === "integer" || t.typeName === "long";
}

/** Numeric types: integral, float, double, decimal. */
export function isNumeric(t: DataType): boolean {
  return isIntegral(t) || t.typeName === "float" || t.typeName === "double" || t.typeName === "decimal";
}

/** Structural equality of two types, including nullability flags and field names. */
export function sameType(a: DataType, b: DataType): boolean {
  if (a.typeName !== b.typeName) return false;
  switch (a.typeName) {
    case "decimal": {
      const d = b as DecimalType;
      return a.precision === d.precision && a.scale === d.scale;
    }
    case "array": {
      const o = b as ArrayType;
      return a.containsNull === o.containsNull && sameType(a.elementType, o.elementType);
    }
    case "map": {
      const o = b as MapType;
      return a.valueContainsNull === o.valueContainsNull && sameType(a.keyType, o.keyType) && sameType(a.valueType, o.valueType);
    }
    case "struct": {
      const o = b as StructType;
      if (a.fields.length !== o.fields.length) return false;
      return a.fields.every((f, i) => {
        const g = o.fields[i];
        return f.name === g.name && f.nullable === g.nullable && sameType(f.dataType, g.dataType);
      });
    }
    default:
      return true;
  }
}

/** The TypeScript value a Spark type reads as in a collected Row. */
export type ValueOf<T extends DataType> = T extends AtomicType<infer N>
  ? N extends "string"
    ? string
    : N extends "long"
      ? bigint
      : N extends "integer" | "short" | "byte" | "double" | "float"
        ? number
        : N extends "boolean"
          ? boolean
          : N extends "binary"
            ? Uint8Array
            : N extends "date" | "timestamp"
              ? Date
              : null
  : T extends DecimalType
    ? string
    : T extends ArrayType<infer E>
      ? Array<ValueOf<E> | null>
      : T extends MapType<infer K, infer V>
        ? Map<ValueOf<K>, ValueOf<V> | null>
        : T extends StructType<infer F>
          ? RowOfFields<F>
          : unknown;

type RowOfFields<F extends readonly StructField[]> = {
  [K in F[number] as K["name"]]: ValueOf<K["dataType"]> | null;
};

/** The row shape of a struct type built in code: `RowOf<typeof schema>`. */
export type RowOf<S extends StructType> = S extends StructType<infer F> ? RowOfFields<F> : Record<string, unknown>;
