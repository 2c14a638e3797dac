/**
 * Small vector helpers shared by the evaluation kernels: typed output allocation, validity masks,
 * literal broadcast and scalar reads.
 */
import type { DataType, DecimalType } from "../../types/data-types.js";
import type { Vector, ValidityMask, BytesVector, BoolVector } from "../../columnar/vector.js";
import { kindOf, compactMask } from "../../columnar/vector.js";
import { BytesBuilder, nullVector, vectorFromValues } from "../../columnar/build.js";
import { InternalError } from "../../errors.js";
import type { LiteralValue } from "../../sql/expression.js";

/** Typed arrays holding JavaScript numbers. */
export type NumberArray = Int32Array | Int16Array | Int8Array | Float64Array | Float32Array;

/** Evaluation context of one micro-batch. */
export interface EvalContext {
  /** Processing time of the batch, ms since the epoch: `current_timestamp()` / `current_date()`. */
  readonly batchTimestampMs: number;
}

/** The context used when none is given: the wall clock at call time. */
export function defaultContext(): EvalContext {
  return { batchTimestampMs: Date.now() };
}

/** The number-typed values array of a numeric vector (i32, i16, i8, f64, f32), or null. */
export function numberValues(v: Vector): NumberArray | null {
  switch (v.kind) {
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
      return v.values;
    default:
      return null;
  }
}

/** Allocates the typed array a number-kind type (int, short, byte, double, float, date) is stored in. */
export function allocNumbers(type: DataType, n: number): NumberArray {
  switch (kindOf(type)) {
    case "i32":
      return new Int32Array(n);
    case "i16":
      return new Int16Array(n);
    case "i8":
      return new Int8Array(n);
    case "f64":
      return new Float64Array(n);
    case "f32":
      return new Float32Array(n);
    default:
      throw new InternalError(`eval: ${type.typeName} is not stored as numbers`);
  }
}

/** Wraps a typed array as a vector of `type` (kind chosen by the type). */
export function numberVector(type: DataType, values: NumberArray, valid: ValidityMask): Vector {
  const length = values.length;
  if (values instanceof Int32Array) return { kind: "i32", type, length, valid, values };
  if (values instanceof Int16Array) return { kind: "i16", type, length, valid, values };
  if (values instanceof Int8Array) return { kind: "i8", type, length, valid, values };
  if (values instanceof Float64Array) return { kind: "f64", type, length, valid, values };
  return { kind: "f32", type, length, valid, values };
}

export function longVector(type: DataType, values: BigInt64Array, valid: ValidityMask): Vector {
  return { kind: "i64", type, length: values.length, valid, values };
}

export function boolVector(values: Uint8Array, valid: ValidityMask): BoolVector {
  return { kind: "bool", type: { typeName: "boolean" }, length: values.length, valid, values };
}

export function decimalVector(type: DecimalType, values: bigint[], valid: ValidityMask): Vector {
  return { kind: "decimal", type, length: values.length, valid, values };
}

/** The validity mask of any vector (a null vector is all-invalid). */
export function validity(v: Vector): ValidityMask {
  return v.kind === "null" ? new Uint8Array(v.length) : v.valid;
}

/** A mask that is valid where every input is valid (null when all are all-valid). */
export function andMasks(masks: readonly ValidityMask[], n: number): ValidityMask {
  let out: Uint8Array | null = null;
  for (const m of masks) {
    if (m === null) continue;
    if (out === null) out = m.slice(0, n);
    else for (let i = 0; i < n; i++) out[i] &= m[i];
  }
  return out === null ? null : compactMask(out, n);
}

/** A new mask to write into: a copy of `m`, or all ones. */
export function writableMask(m: ValidityMask, n: number): Uint8Array {
  return m === null ? new Uint8Array(n).fill(1) : m.slice(0, n);
}

/** Returns the vector re-typed (same physical data), e.g. binary ↔ string. */
export function retype(v: Vector, type: DataType): Vector {
  switch (v.kind) {
    case "decimal":
    case "struct":
    case "list":
    case "map":
      return v;
    default:
      return { ...v, type } as Vector;
  }
}

/** `n` copies of a literal value of `type`. */
export function broadcastLiteral(value: LiteralValue, type: DataType, n: number): Vector {
  if (value === null) return nullVector(type, n);
  switch (kindOf(type)) {
    case "i64": {
      const out = new BigInt64Array(n);
      out.fill(typeof value === "bigint" ? value : BigInt(Number(value)));
      return longVector(type, out, null);
    }
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32": {
      const out = allocNumbers(type, n);
      out.fill(Number(value));
      return numberVector(type, out, null);
    }
    case "bool": {
      const out = new Uint8Array(n);
      out.fill(value === true ? 1 : 0);
      return { kind: "bool", type, length: n, valid: null, values: out };
    }
    case "bytes": {
      const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
      const len = bytes.length;
      const data = new Uint8Array(len * n);
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) {
        data.set(bytes, i * len);
        offsets[i + 1] = (i + 1) * len;
      }
      return { kind: "bytes", type, length: n, valid: null, offsets, data } satisfies BytesVector;
    }
    case "decimal":
      return { kind: "decimal", type: type as DecimalType, length: n, valid: null, values: new Array<bigint>(n).fill(typeof value === "bigint" ? value : 0n) };
    default:
      return vectorFromValues(type, new Array<unknown>(n).fill(value));
  }
}

/** A string vector from JavaScript strings (null entries are null). */
export function stringsVector(type: DataType, values: readonly (string | null)[]): BytesVector {
  const b = new BytesBuilder(values.length);
  for (const s of values) {
    if (s === null) b.appendNull();
    else b.appendString(s);
  }
  return b.finish(type);
}
