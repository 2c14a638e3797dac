/**
 * Columnar vectors: one typed array per column plus a validity mask, never arrays of row objects.
 *
 * Layout by physical kind:
 * - `i64` (long, timestamp in microseconds since the epoch, timestamp_ntz in wall-clock microseconds
 *   since 1970-01-01 00:00, day-time interval in microseconds): `BigInt64Array`
 * - `i32` (integer, date in days since the epoch, year-month interval in months): `Int32Array`;
 *   `i16` (short), `i8` (byte)
 * - `f64` (double), `f32` (float)
 * - `bool`: `Uint8Array` of 0/1
 * - `bytes` (string as UTF-8, binary, calendar interval as 16 bytes: `calendar-interval.ts`):
 *   `offsets` (length + 1 entries) into `data`
 * - `decimal`: unscaled `bigint` per slot (0n where null)
 * - `null`: every slot null
 * - `struct`: one child vector per field; `list` (array) and `map`: `offsets` into child vectors
 *
 * `valid` is a byte mask (1 = value present, 0 = null) or `null` when every slot is valid. A byte
 * per row instead of a bit keeps the hot loops branch-light in JavaScript; at batch sizes the
 * memory difference is small. A null slot's value is unspecified (usually zero) and never read.
 *
 * Vectors are immutable once built: operators create new vectors and may share typed arrays.
 */
import type { DataType, DecimalType, StructType, ArrayType, MapType } from "../types/data-types.js";

export type ValidityMask = Uint8Array | null;

interface Base<T extends DataType = DataType> {
  readonly type: T;
  readonly length: number;
  readonly valid: ValidityMask;
}

export interface I64Vector extends Base {
  readonly kind: "i64";
  readonly values: BigInt64Array;
}
export interface I32Vector extends Base {
  readonly kind: "i32";
  readonly values: Int32Array;
}
export interface I16Vector extends Base {
  readonly kind: "i16";
  readonly values: Int16Array;
}
export interface I8Vector extends Base {
  readonly kind: "i8";
  readonly values: Int8Array;
}
export interface F64Vector extends Base {
  readonly kind: "f64";
  readonly values: Float64Array;
}
export interface F32Vector extends Base {
  readonly kind: "f32";
  readonly values: Float32Array;
}
export interface BoolVector extends Base {
  readonly kind: "bool";
  readonly values: Uint8Array;
}
export interface BytesVector extends Base {
  readonly kind: "bytes";
  /** `offsets[i]..offsets[i+1]` is slot i's byte range in `data`. */
  readonly offsets: Int32Array;
  readonly data: Uint8Array;
}
export interface DecimalVector extends Base<DecimalType> {
  readonly kind: "decimal";
  readonly values: readonly bigint[];
}
export interface NullVector extends Base {
  readonly kind: "null";
}
export interface StructVector extends Base<StructType> {
  readonly kind: "struct";
  readonly children: readonly Vector[];
}
export interface ListVector extends Base<ArrayType> {
  readonly kind: "list";
  readonly offsets: Int32Array;
  readonly child: Vector;
}
export interface MapVector extends Base<MapType> {
  readonly kind: "map";
  readonly offsets: Int32Array;
  readonly keys: Vector;
  readonly items: Vector;
}

export type Vector =
  | I64Vector
  | I32Vector
  | I16Vector
  | I8Vector
  | F64Vector
  | F32Vector
  | BoolVector
  | BytesVector
  | DecimalVector
  | NullVector
  | StructVector
  | ListVector
  | MapVector;

export type VectorKind = Vector["kind"];

/** The physical layout a logical type is stored in. */
export function kindOf(type: DataType): VectorKind {
  switch (type.typeName) {
    case "long":
    case "timestamp":
    case "timestamp_ntz":
    case "daytimeinterval":
      return "i64";
    case "integer":
    case "date":
    case "yearmonthinterval":
      return "i32";
    case "short":
      return "i16";
    case "byte":
      return "i8";
    case "double":
      return "f64";
    case "float":
      return "f32";
    case "boolean":
      return "bool";
    case "string":
    case "binary":
    case "interval":
      return "bytes";
    case "decimal":
      return "decimal";
    case "null":
      return "null";
    case "struct":
      return "struct";
    case "array":
      return "list";
    case "map":
      return "map";
  }
}

/** True when slot `i` holds a value. */
export function isValid(v: Vector, i: number): boolean {
  if (v.kind === "null") return false;
  return v.valid === null || v.valid[i] === 1;
}

/** Number of null slots. */
export function nullCount(v: Vector): number {
  if (v.kind === "null") return v.length;
  const m = v.valid;
  if (m === null) return 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) n += 1 - m[i];
  return n;
}

/** Combines two validity masks (a slot is valid only if valid in both). */
export function andValidity(a: ValidityMask, b: ValidityMask, length: number): ValidityMask {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = a[i] & b[i];
  return out;
}

/** Returns `mask` or `null` when it has no zero (all valid), so consumers can skip checks. */
export function compactMask(mask: Uint8Array, length: number): ValidityMask {
  for (let i = 0; i < length; i++) if (mask[i] === 0) return mask;
  return null;
}
