/**
 * Column statistics: null count and min/max in each column's Parquet sort order (signed for
 * integers, dates, timestamps and decimals; IEEE order without NaN for floats; unsigned
 * lexicographic bytes for strings and binary; false < true for booleans).
 *
 * Encoders compute a slice's min/max in typed loops and `offer` it here once per slice.
 */
import type { DataType } from "../../types/data-types.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { formatDecimal } from "../../columnar/values.js";
import { PhysicalType } from "./constants.js";

/** A min or max as stored while writing: numbers, bigints (int64, decimal), bytes or booleans. */
export type StatValue = number | bigint | Uint8Array | boolean;

/** Per-column statistics of a written file, with min/max as JavaScript values (see `statToJs`). */
export interface ColumnStats {
  /** `path_in_schema` of the leaf column, e.g. `["user", "id"]`. */
  readonly path: readonly string[];
  /** The Spark type of the leaf. */
  readonly type: DataType;
  /** Null values (definition level below the maximum, which includes empty or null parents). */
  readonly nullCount: number;
  /** Non-null values. */
  readonly valueCount: number;
  /** Smallest non-null value, or null when there is none (all null, or only NaN). */
  readonly min: unknown;
  /** Largest non-null value, or null. */
  readonly max: unknown;
}

/** Compares two stat values of the same kind: negative, zero or positive. */
export function compareStat(a: StatValue, b: StatValue): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : Object.is(a, -0) && Object.is(b, 0) ? -1 : 0;
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, 0, a.length, b, 0, b.length);
  return 0;
}

/** Unsigned lexicographic comparison of two byte ranges. */
export function compareBytes(a: Uint8Array, a0: number, a1: number, b: Uint8Array, b0: number, b1: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[a0 + i] - b[b0 + i];
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Running null count and min/max of one column (chunk or whole file). */
export class StatsAccumulator {
  nullCount = 0;
  valueCount = 0;
  min: StatValue | null = null;
  max: StatValue | null = null;

  /** Merges a slice's extremes (either may be null when the slice had no comparable value). */
  offer(min: StatValue | null, max: StatValue | null): void {
    if (min !== null && (this.min === null || compareStat(min, this.min) < 0)) this.min = min;
    if (max !== null && (this.max === null || compareStat(max, this.max) > 0)) this.max = max;
  }

  merge(o: StatsAccumulator): void {
    this.nullCount += o.nullCount;
    this.valueCount += o.valueCount;
    this.offer(o.min, o.max);
  }

  reset(): void {
    this.nullCount = 0;
    this.valueCount = 0;
    this.min = null;
    this.max = null;
  }
}

/**
 * A stat value in Parquet's PLAIN byte form for `physical` (FIXED_LEN_BYTE_ARRAY decimals are
 * big-endian two's complement of `typeLength` bytes). Zero floats follow the spec: min -0, max +0.
 */
export function encodeStat(v: StatValue, physical: PhysicalType, typeLength: number, isMax: boolean): Uint8Array {
  switch (physical) {
    case PhysicalType.BOOLEAN:
      return new Uint8Array([v === true ? 1 : 0]);
    case PhysicalType.INT32: {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, Number(v), true);
      return b;
    }
    case PhysicalType.INT64: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, typeof v === "bigint" ? v : BigInt(Number(v))), true);
      return b;
    }
    case PhysicalType.FLOAT: {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, zeroSign(Number(v), isMax), true);
      return b;
    }
    case PhysicalType.DOUBLE: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, zeroSign(Number(v), isMax), true);
      return b;
    }
    case PhysicalType.FIXED_LEN_BYTE_ARRAY:
      return typeof v === "bigint" ? bigEndianFixed(v, typeLength) : (v as Uint8Array);
    default:
      return v instanceof Uint8Array ? v : new Uint8Array(0);
  }
}

function zeroSign(v: number, isMax: boolean): number {
  return v === 0 ? (isMax ? 0 : -0) : v;
}

/** `v` as `n` bytes of big-endian two's complement. */
export function bigEndianFixed(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(n * 8, v);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

const MICROS_PER_MS = 1000n;

/**
 * A stat value as the JavaScript value `collect()` would show (see columnar/values.ts): string →
 * string, long → bigint, timestamp/date → Date, decimal → exact string, binary → Uint8Array.
 * Timestamps are cut to milliseconds towards the outside (min floors, max ceils) so the range
 * still covers every value.
 */
export function statToJs(v: StatValue | null, type: DataType, isMax: boolean): unknown {
  if (v === null) return null;
  switch (type.typeName) {
    case "string":
      return v instanceof Uint8Array ? decodeUtf8(v, 0, v.length) : null;
    case "timestamp": {
      if (typeof v !== "bigint") return null;
      let ms = v / MICROS_PER_MS;
      const rem = v % MICROS_PER_MS;
      if (rem < 0n) ms -= 1n;
      if (isMax && rem !== 0n) ms += 1n;
      return new Date(Number(ms));
    }
    case "date":
      return new Date(Number(v) * 86_400_000);
    case "decimal":
      return typeof v === "bigint" ? formatDecimal(v, type.scale) : null;
    default:
      return v;
  }
}
