/**
 * Per-group aggregate state for one aggregate function, indexed by group id. Accumulators fold
 * column vectors into typed arrays in tight loops (no per-row objects) and serialize one group's
 * state for the state store.
 */
import type { Vector } from "../../columnar/vector.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";

export interface Accumulator {
  /** Grows storage for group ids < `capacity`; new groups start empty (count 0, no value). */
  grow(capacity: number): void;
  /**
   * Folds input rows into their groups: row `r = sel === null ? k : sel[k]` for k < n goes to
   * group `groupIds[r]`. `input` is the argument column (null for `count(*)`).
   */
  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void;
  /** The aggregate's value for each group in `ids`, as a vector of the result type. */
  result(ids: Int32Array): Vector;
  /** Appends group `id`'s state to a state value. */
  write(id: number, out: ByteWriter): void;
  /** Restores group `id`'s state (storage already grown to hold it). */
  read(id: number, input: ByteReader): void;
}

/** A copy of `a` with room for at least `capacity` entries (doubling), or `a` when it fits. */
export function grownF64(a: Float64Array<ArrayBuffer>, capacity: number): Float64Array<ArrayBuffer> {
  if (capacity <= a.length) return a;
  const out = new Float64Array(Math.max(capacity, a.length * 2, 64));
  out.set(a);
  return out;
}

export function grownU8(a: Uint8Array<ArrayBuffer>, capacity: number): Uint8Array<ArrayBuffer> {
  if (capacity <= a.length) return a;
  const out = new Uint8Array(Math.max(capacity, a.length * 2, 64));
  out.set(a);
  return out;
}

export function grownI64(a: BigInt64Array<ArrayBuffer>, capacity: number): BigInt64Array<ArrayBuffer> {
  if (capacity <= a.length) return a;
  const out = new BigInt64Array(Math.max(capacity, a.length * 2, 64));
  out.set(a);
  return out;
}

/** A numeric input column read as JS numbers: number-typed values, or the Int32 halves of longs. */
export interface NumericInput {
  readonly numbers: ArrayLike<number> | null;
  /** Little-endian Int32 view of a long column (low word at 2i). */
  readonly halves: Int32Array | null;
  readonly decimals: readonly bigint[] | null;
  readonly decimalScale: number;
  readonly valid: Uint8Array | null;
}

/** Views a numeric vector for the update loops (no copy). */
export function numericInput(v: Vector): NumericInput {
  switch (v.kind) {
    case "i64":
      return { numbers: null, halves: new Int32Array(v.values.buffer, v.values.byteOffset, v.length * 2), decimals: null, decimalScale: 0, valid: v.valid };
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
    case "bool":
      return { numbers: v.values, halves: null, decimals: null, decimalScale: 0, valid: v.valid };
    case "decimal":
      return { numbers: null, halves: null, decimals: v.values, decimalScale: v.type.scale, valid: v.valid };
    case "null":
      return { numbers: new Float64Array(v.length), halves: null, decimals: null, decimalScale: 0, valid: new Uint8Array(v.length) };
    default:
      return { numbers: null, halves: null, decimals: null, decimalScale: 0, valid: null };
  }
}

/** Row `r` of a numeric input as a double. */
export function doubleAt(x: NumericInput, r: number): number {
  if (x.numbers !== null) return x.numbers[r];
  if (x.halves !== null) return x.halves[2 * r + 1] * 4294967296 + (x.halves[2 * r] >>> 0);
  if (x.decimals !== null) return Number(x.decimals[r]) / 10 ** x.decimalScale;
  return NaN;
}
