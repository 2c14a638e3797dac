/**
 * `avg(col)`, Spark's semantics: nulls are skipped and a group without a non-null value averages
 * to null. Numeric inputs average as double (sum / count); decimal(p, s) averages as
 * decimal(p + 4, s + 4) (the `resultType` given), exact and rounded half-up, null on overflow.
 */
import type { Vector } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import type { DecimalType } from "../../types/data-types.js";
import { DoubleType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { doubleAt, grownF64, numericInput } from "./accumulator.js";
import { integralAt } from "./sum.js";

export class AvgDoubleAccumulator implements Accumulator {
  private sums = new Float64Array(0);
  private counts = new Float64Array(0);

  grow(capacity: number): void {
    this.sums = grownF64(this.sums, capacity);
    this.counts = grownF64(this.counts, this.sums.length);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const x = numericInput(input);
    const sums = this.sums;
    const counts = this.counts;
    const valid = x.valid;
    const xn = x.numbers;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      sums[g] += xn !== null ? xn[r] : doubleAt(x, r);
      counts[g]++;
    }
  }

  result(ids: Int32Array): Vector {
    const n = ids.length;
    const out = new Float64Array(n);
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = this.counts[ids[i]];
      if (c > 0) {
        out[i] = this.sums[ids[i]] / c;
        valid[i] = 1;
      }
    }
    return { kind: "f64", type: DoubleType(), length: n, valid: compactMask(valid, n), values: out };
  }

  write(id: number, out: ByteWriter): void {
    out.f64(this.sums[id]);
    out.f64(this.counts[id]);
  }

  read(id: number, input: ByteReader): void {
    this.sums[id] = input.f64();
    this.counts[id] = input.f64();
  }
}

export class AvgDecimalAccumulator implements Accumulator {
  /** Unscaled sums at the input's scale. */
  private sums: bigint[] = [];
  private counts = new Float64Array(0);
  private readonly limit: bigint;

  /** `inputScale`: scale of the decimal input (0 for integral inputs). */
  constructor(
    private readonly resultType: DecimalType,
    private readonly inputScale: number,
  ) {
    this.limit = 10n ** BigInt(resultType.precision);
  }

  grow(capacity: number): void {
    if (capacity <= this.counts.length) return;
    this.counts = grownF64(this.counts, capacity);
    while (this.sums.length < this.counts.length) this.sums.push(0n);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const x = numericInput(input);
    const valid = x.valid;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      this.sums[g] += x.decimals !== null ? x.decimals[r] : integralAt(x.numbers, x.halves, r);
      this.counts[g]++;
    }
  }

  result(ids: Int32Array): Vector {
    const n = ids.length;
    const out = new Array<bigint>(n).fill(0n);
    const valid = new Uint8Array(n);
    const shift = 10n ** BigInt(Math.max(0, this.resultType.scale - this.inputScale));
    for (let i = 0; i < n; i++) {
      const c = this.counts[ids[i]];
      if (c === 0) continue;
      const q = divideHalfUp(this.sums[ids[i]] * shift, BigInt(c));
      if (q >= this.limit || q <= -this.limit) continue;
      out[i] = q;
      valid[i] = 1;
    }
    return { kind: "decimal", type: this.resultType, length: n, valid: compactMask(valid, n), values: out };
  }

  write(id: number, out: ByteWriter): void {
    out.bigint(this.sums[id]);
    out.f64(this.counts[id]);
  }

  read(id: number, input: ByteReader): void {
    this.sums[id] = input.bigint();
    this.counts[id] = input.f64();
  }
}

/** `a / b` rounded half away from zero (Java's HALF_UP), `b > 0`. */
function divideHalfUp(a: bigint, b: bigint): bigint {
  const neg = a < 0n;
  const m = neg ? -a : a;
  const q = (2n * m + b) / (2n * b);
  return neg ? -q : q;
}
