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
  | "timestamp_ntz"
  | "date"
  | "null"
  | "interval";

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

/**
 * Spark's ANSI `YearMonthIntervalType(startField, endField)`: a whole number of months, stored as
 * i32. Fields: 0 = YEAR, 1 = MONTH ({@link YM_YEAR}, {@link YM_MONTH}); start <= end.
 */
export interface YearMonthIntervalType {
  readonly typeName: "yearmonthinterval";
  readonly startField: number;
  readonly endField: number;
}

/**
 * Spark's ANSI `DayTimeIntervalType(startField, endField)`: an exact duration in microseconds,
 * stored as i64. Fields: 0 = DAY, 1 = HOUR, 2 = MINUTE, 3 = SECOND; start <= end.
 */
export interface DayTimeIntervalType {
  readonly typeName: "daytimeinterval";
  readonly startField: number;
  readonly endField: number;
}

export type DataType = AtomicType | DecimalType | ArrayType | MapType | StructType | YearMonthIntervalType | DayTimeIntervalType;

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
/** Spark's `TimestampNTZType`: a wall-clock date and time without a zone, µs since 1970-01-01 00:00 (i64). */
export type TimestampNTZType = AtomicType<"timestamp_ntz">;
export type DateType = AtomicType<"date">;
export type NullType = AtomicType<"null">;
/**
 * Spark's legacy `CalendarIntervalType` (`interval`): months, days and microseconds kept apart.
 * Stored as 16-byte `bytes` slots (months i32, days i32, microseconds i64, little-endian; see
 * `columnar/calendar-interval.ts`), so equality, hashing and grouping work on the bytes.
 */
export type CalendarIntervalType = AtomicType<"interval">;

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
const TIMESTAMP_NTZ = atomic("timestamp_ntz");
const DATE = atomic("date");
const NULL = atomic("null");
const CALENDAR_INTERVAL = atomic("interval");

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
export const TimestampNTZType = (): TimestampNTZType => TIMESTAMP_NTZ;
export const DateType = (): DateType => DATE;
export const NullType = (): NullType => NULL;
export const CalendarIntervalType = (): CalendarIntervalType => CALENDAR_INTERVAL;

/** Year-month interval fields. */
export const YM_YEAR = 0;
export const YM_MONTH = 1;
/** Day-time interval fields. */
export const DT_DAY = 0;
export const DT_HOUR = 1;
export const DT_MINUTE = 2;
export const DT_SECOND = 3;

const YM_FIELD_NAMES = ["year", "month"];
const DT_FIELD_NAMES = ["day", "hour", "minute", "second"];

/** `YearMonthIntervalType(start = YEAR, end = start or MONTH)`, as Spark's constructors. */
export function YearMonthIntervalType(start?: number, end?: number): YearMonthIntervalType {
  const startField = start ?? YM_YEAR;
  const endField = end ?? (start === undefined ? YM_MONTH : startField);
  if (!(startField in YM_FIELD_NAMES) || !(endField in YM_FIELD_NAMES) || endField < startField) {
    throw new AnalysisError(`types: invalid year-month interval fields ${startField} to ${endField} (0 = year, 1 = month, start <= end)`);
  }
  return Object.freeze({ typeName: "yearmonthinterval", startField, endField });
}

/** `DayTimeIntervalType(start = DAY, end = start or SECOND)`, as Spark's constructors. */
export function DayTimeIntervalType(start?: number, end?: number): DayTimeIntervalType {
  const startField = start ?? DT_DAY;
  const endField = end ?? (start === undefined ? DT_SECOND : startField);
  if (!(startField in DT_FIELD_NAMES) || !(endField in DT_FIELD_NAMES) || endField < startField) {
    throw new AnalysisError(`types: invalid day-time interval fields ${startField} to ${endField} (0 = day … 3 = second, start <= end)`);
  }
  return Object.freeze({ typeName: "daytimeinterval", startField, endField });
}

/** The name of a year-month (`ym`) or day-time field: `year`, `month`, `day`, `hour`, `minute`, `second`. */
export function intervalFieldName(ym: boolean, field: number): string {
  return (ym ? YM_FIELD_NAMES : DT_FIELD_NAMES)[field];
}

/** Spark's `typeName` of an ANSI interval type: `interval year to month`, `interval hour`, `interval day to second`. */
export function ansiIntervalTypeName(t: YearMonthIntervalType | DayTimeIntervalType): string {
  const ym = t.typeName === "yearmonthinterval";
  const start = intervalFieldName(ym, t.startField);
  return t.startField === t.endField ? `interval ${start}` : `interval ${start} to ${intervalFieldName(ym, t.endField)}`;
}

/**
 * The interval type Spark names `name` (its `typeName`, case-insensitive): `interval` (calendar),
 * `interval year to month`, `interval day`, `interval hour to second` …; null for any other name
 * or an invalid field range (`interval month to year`).
 */
export function intervalTypeFromName(name: string): DataType | null {
  const m = /^interval(?:\s+(\w+)(?:\s+to\s+(\w+))?)?$/i.exec(name.trim());
  if (m === null) return null;
  if (m[1] === undefined) return CalendarIntervalType();
  const start = m[1].toLowerCase();
  const end = (m[2] ?? m[1]).toLowerCase();
  const ym = [YM_FIELD_NAMES.indexOf(start), YM_FIELD_NAMES.indexOf(end)];
  if (ym[0] >= 0 && ym[1] >= ym[0]) return YearMonthIntervalType(ym[0], ym[1]);
  const dt = [DT_FIELD_NAMES.indexOf(start), DT_FIELD_NAMES.indexOf(end)];
  if (dt[0] >= 0 && dt[1] >= dt[0]) return DayTimeIntervalType(dt[0], dt[1]);
  return null;
}

/**
 * The path (`a`, `s.x`, `a.element`) and type of the first interval (ANSI or calendar) inside
 * `t`, or null: what data sources without interval types (Parquet, Delta, ORC) refuse.
 */
export function findIntervalField(t: DataType, path = ""): { path: string; type: DataType } | null {
  switch (t.typeName) {
    case "yearmonthinterval":
    case "daytimeinterval":
    case "interval":
      return { path, type: t };
    case "struct":
      for (const f of t.fields) {
        const found = findIntervalField(f.dataType, path === "" ? f.name : `${path}.${f.name}`);
        if (found !== null) return found;
      }
      return null;
    case "array":
      return findIntervalField(t.elementType, `${path}.element`);
    case "map":
      return findIntervalField(t.keyType, `${path}.key`) ?? findIntervalField(t.valueType, `${path}.value`);
    default:
      return null;
  }
}

/** True for Spark's ANSI interval types (year-month and day-time). */
export function isAnsiInterval(t: DataType): t is YearMonthIntervalType | DayTimeIntervalType {
  return t.typeName === "yearmonthinterval" || t.typeName === "daytimeinterval";
}

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
    case "yearmonthinterval":
    case "daytimeinterval": {
      const o = b as YearMonthIntervalType | DayTimeIntervalType;
      return a.startField === o.startField && a.endField === o.endField;
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
            : N extends "date" | "timestamp" | "timestamp_ntz"
              ? Date
              : N extends "interval"
                ? CalendarIntervalValue
                : null
  : T extends DecimalType
    ? string
    : T extends YearMonthIntervalType
      ? number
      : T extends DayTimeIntervalType
        ? bigint
        : T extends ArrayType<infer E>
      ? Array<ValueOf<E> | null>
      : T extends MapType<infer K, infer V>
        ? Map<ValueOf<K>, ValueOf<V> | null>
        : T extends StructType<infer F>
          ? RowOfFields<F>
          : unknown;

/** A collected `CalendarIntervalType` value: Spark's `CalendarInterval(months, days, microseconds)`. */
export interface CalendarIntervalValue {
  readonly months: number;
  readonly days: number;
  readonly microseconds: bigint;
}

type RowOfFields<F extends readonly StructField[]> = {
  [K in F[number] as K["name"]]: ValueOf<K["dataType"]> | null;
};

/** The row shape of a struct type built in code: `RowOf<typeof schema>`. */
export type RowOf<S extends StructType> = S extends StructType<infer F> ? RowOfFields<F> : Record<string, unknown>;
