/**
 * `sum(col)`, Spark's non-ANSI semantics: nulls are skipped; a group without a non-null value sums
 * to null; integral inputs sum as long and wrap on overflow; float/double sum as double; decimal(p, s)
 * sums as decimal(p + 10, s) and yields null when the sum overflows the result precision.
 */
import type { Vector } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import type { DecimalType } from "../../types/data-types.js";
import { DoubleType, LongType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { doubleAt, grownF64, grownI64, grownU8, numericInput } from "./accumulator.js";

function validOf(has: Uint8Array, ids: Int32Array): Uint8Array | null {
  const v = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) v[i] = has[ids[i]] === 1 ? 1 : 0;
  return compactMask(v, ids.length);
}

/** `has` of a group whose sum overflowed under try_sum: its result is null from then on. */
const OVERFLOWED = 2;

/**
 * Sum of integral values as a wrapping 64-bit long, added in two 32-bit halves (no BigInt).
 * `nullOnOverflow` (try_sum): a group whose sum leaves the long range sums to null instead.
 */
export class SumLongAccumulator implements Accumulator {
  private sums = new BigInt64Array(0);
  private halves = new Int32Array(0);
  private has = new Uint8Array(0);

  constructor(private readonly nullOnOverflow = false) {}

  grow(capacity: number): void {
    if (capacity <= this.has.length) return;
    this.sums = grownI64(this.sums, capacity);
    this.halves = new Int32Array(this.sums.buffer);
    this.has = grownU8(this.has, this.sums.length);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const x = numericInput(input);
    const h = this.halves;
    const has = this.has;
    const valid = x.valid;
    const xh = x.halves;
    const xn = x.numbers;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      let lo: number;
      let hi: number;
      if (xh !== null) {
        lo = xh[2 * r] >>> 0;
        hi = xh[2 * r + 1];
      } else if (xn !== null) {
        const v = xn[r];
        lo = v >>> 0;
        hi = v < 0 ? -1 : 0;
      } else {
        continue;
      }
      const g = groupIds[r];
      if (has[g] === OVERFLOWED) continue;
      const sumLo = (h[2 * g] >>> 0) + lo;
      const sumHi = h[2 * g + 1] + hi + (sumLo > 0xffffffff ? 1 : 0);
      if (this.nullOnOverflow && (sumHi > 2147483647 || sumHi < -2147483648)) {
        has[g] = OVERFLOWED;
        continue;
      }
      h[2 * g] = sumLo | 0;
      h[2 * g + 1] = sumHi | 0;
      has[g] = 1;
    }
  }

  result(ids: Int32Array): Vector {
    const out = new BigInt64Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.sums[ids[i]];
    return { kind: "i64", type: LongType(), length: ids.length, valid: validOf(this.has, ids), values: out };
  }

  write(id: number, out: ByteWriter): void {
    out.u8(this.has[id]);
    out.i64(this.sums[id]);
  }

  read(id: number, input: ByteReader): void {
    this.has[id] = input.u8();
    this.sums[id] = input.i64();
  }
}

/** Sum as double (float and double inputs; also any numeric input when the result is double). */
export class SumDoubleAccumulator implements Accumulator {
  private sums = new Float64Array(0);
  private has = new Uint8Array(0);

  grow(capacity: number): void {
    this.sums = grownF64(this.sums, capacity);
    this.has = grownU8(this.has, this.sums.length);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const x = numericInput(input);
    const sums = this.sums;
    const has = this.has;
    const valid = x.valid;
    const xn = x.numbers;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      sums[g] += xn !== null ? xn[r] : doubleAt(x, r);
      has[g] = 1;
    }
  }

  result(ids: Int32Array): Vector {
    const out = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.sums[ids[i]];
    return { kind: "f64", type: DoubleType(), length: ids.length, valid: validOf(this.has, ids), values: out };
  }

  write(id: number, out: ByteWriter): void {
    out.u8(this.has[id]);
    out.f64(this.sums[id]);
  }

  read(id: number, input: ByteReader): void {
    this.has[id] = input.u8();
    this.sums[id] = input.f64();
  }
}

/** Sum of decimals (exact, as unscaled bigints at the input's scale). */
export class SumDecimalAccumulator implements Accumulator {
  private sums: bigint[] = [];
  private has = new Uint8Array(0);
  private readonly limit: bigint;

  constructor(private readonly resultType: DecimalType) {
    this.limit = 10n ** BigInt(resultType.precision);
  }

  grow(capacity: number): void {
    if (capacity <= this.has.length) return;
    this.has = grownU8(this.has, capacity);
    while (this.sums.length < this.has.length) this.sums.push(0n);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const x = numericInput(input);
    const valid = x.valid;
    const scaleUp = 10n ** BigInt(Math.max(0, this.resultType.scale - x.decimalScale));
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      const v = x.decimals !== null ? x.decimals[r] * scaleUp : integralAt(x.numbers, x.halves, r) * scaleUp;
      this.sums[g] += v;
      this.has[g] = 1;
    }
  }

  result(ids: Int32Array): Vector {
    const out = new Array<bigint>(ids.length);
    const valid = new Uint8Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const s = this.sums[ids[i]];
      const ok = this.has[ids[i]] === 1 && s < this.limit && s > -this.limit;
      valid[i] = ok ? 1 : 0;
      out[i] = ok ? s : 0n;
    }
    return { kind: "decimal", type: this.resultType, length: ids.length, valid: compactMask(valid, ids.length), values: out };
  }

  write(id: number, out: ByteWriter): void {
    out.u8(this.has[id]);
    out.bigint(this.sums[id]);
  }

  read(id: number, input: ByteReader): void {
    this.has[id] = input.u8();
    this.sums[id] = input.bigint();
  }
}

/** Row `r` of an integral column as a bigint. */
export function integralAt(numbers: ArrayLike<number> | null, halves: Int32Array | null, r: number): bigint {
  if (halves !== null) return (BigInt(halves[2 * r + 1]) << 32n) | BigInt(halves[2 * r] >>> 0);
  if (numbers !== null) return BigInt(Math.trunc(numbers[r]));
  return 0n;
}
