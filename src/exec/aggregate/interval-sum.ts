/**
 * `sum(x)` and `avg(x)` of ANSI intervals, as Spark 3.5: the sum keeps the input's interval type
 * and is exact (an `integer overflow` / `long overflow` error, whatever the ANSI mode); the average
 * is the sum divided by the count rounded HALF_UP, typed `INTERVAL YEAR TO MONTH` or
 * `INTERVAL DAY TO SECOND`. Nulls are skipped; a group without a value gives null.
 */
import type { Vector } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-types.js";
import { ExecutionError } from "../../errors.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { grownF64 } from "./accumulator.js";

const INT_LIMIT = 2n ** 31n;
const LONG_LIMIT = 2n ** 63n;

export class IntervalSumAccumulator implements Accumulator {
  private sums: bigint[] = [];
  private counts = new Float64Array(0);
  private readonly limit: bigint;

  /** Groups whose sum overflowed under try_sum/try_avg: null results from then on. */
  private overflowed = new Set<number>();

  /** `resultType` is the aggregate's result; `average` selects avg over sum; `nullOnOverflow`: try_sum/try_avg. */
  constructor(
    private readonly resultType: DataType,
    private readonly average: boolean,
    private readonly nullOnOverflow = false,
  ) {
    this.limit = resultType.typeName === "yearmonthinterval" ? INT_LIMIT : LONG_LIMIT;
  }

  grow(capacity: number): void {
    if (capacity <= this.counts.length) return;
    this.counts = grownF64(this.counts, capacity);
    while (this.sums.length < this.counts.length) this.sums.push(0n);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || (input.kind !== "i32" && input.kind !== "i64")) return;
    const valid = input.valid;
    const values = input.values;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      if (this.nullOnOverflow && this.overflowed.has(g)) continue;
      const s = this.sums[g] + BigInt(values[r]);
      if (s >= this.limit || s < -this.limit) {
        if (!this.nullOnOverflow) this.overflow();
        this.overflowed.add(g);
        continue;
      }
      this.sums[g] = s;
      this.counts[g]++;
    }
  }

  private overflow(): never {
    throw new ExecutionError(`${this.average ? "avg" : "sum"}: ARITHMETIC_OVERFLOW: ${this.limit === INT_LIMIT ? "integer" : "long"} overflow`);
  }

  result(ids: Int32Array): Vector {
    const n = ids.length;
    const valid = new Uint8Array(n);
    const out = this.limit === INT_LIMIT ? new Int32Array(n) : new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const count = this.counts[ids[i]];
      if (count === 0 || this.overflowed.has(ids[i])) continue;
      valid[i] = 1;
      const sum = this.sums[ids[i]];
      const v = this.average ? divideHalfUp(sum, BigInt(count)) : sum;
      if (out instanceof Int32Array) out[i] = Number(v);
      else out[i] = v;
    }
    const mask = compactMask(valid, n);
    return out instanceof Int32Array
      ? { kind: "i32", type: this.resultType, length: n, valid: mask, values: out }
      : { kind: "i64", type: this.resultType, length: n, valid: mask, values: out };
  }

  write(id: number, out: ByteWriter): void {
    // An overflowed try_sum group is stored with a negative count.
    out.f64(this.overflowed.has(id) ? -1 : this.counts[id]);
    out.bigint(this.sums[id]);
  }

  read(id: number, input: ByteReader): void {
    const count = input.f64();
    this.counts[id] = Math.max(0, count);
    if (count < 0) this.overflowed.add(id);
    else this.overflowed.delete(id);
    this.sums[id] = input.bigint();
  }
}

/** `num / den` (den > 0) rounded HALF_UP, away from zero. */
function divideHalfUp(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice < den) return q;
  return num < 0n ? q - 1n : q + 1n;
}
