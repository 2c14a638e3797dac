/**
 * `approx_count_distinct(x[, relativeSD])`: Spark's HyperLogLog++ (HyperLogLogPlusPlusHelper), so
 * that sluice's estimates are Spark's. Each value is hashed with Spark's XXH64 (seed 42, Spark's
 * per-type rules; -0.0 and NaN normalized first), the top p bits pick one of m = 2^p registers and
 * the register keeps the largest count of leading zeros (plus one) of the remaining bits, with
 * p = ceil(2 · log2(1.106 / relativeSD)) (p = 9, 512 registers, for the default 0.05). The estimate
 * uses linear counting below Spark's thresholds and the empirically bias-corrected harmonic mean
 * (k = 6 nearest raw estimates) above them, rounded to a long.
 *
 * Registers are one byte each here (Spark packs 6-bit registers into longs: the values and the
 * estimate are the same). A group's state is its registers.
 */
import type { Vector } from "../../columnar/vector.js";
import { LongType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import { xxhash64Kernel } from "../eval/functions/hash-functions.js";
import { defaultContext } from "../eval/vectors.js";
import type { Accumulator } from "./accumulator.js";
import { BIAS_DATA, RAW_ESTIMATE_DATA } from "./hll-bias-data.js";

/** Linear counting is used below these estimates (Spark's THRESHOLDS), by precision (index p - 4). */
const THRESHOLDS = [10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 15500, 20000, 50000, 120000, 350000];
/** Nearest neighbours averaged for the bias correction. */
const K = 6;

/** The precision of a relative standard deviation, as Spark computes it. */
export function hllPrecision(relativeSD: number): number {
  return Math.ceil((2 * Math.log(1.106 / relativeSD)) / Math.log(2));
}

export class HllAccumulator implements Accumulator {
  private registers: (Uint8Array | undefined)[] = [];
  private readonly m: number;
  private readonly alphaM2: number;
  private readonly idxShift: bigint;
  private readonly p: bigint;
  private readonly wPadding: bigint;

  constructor(private readonly precision: number) {
    const p = precision;
    this.m = 1 << p;
    const m = this.m;
    this.alphaM2 = (p === 4 ? 0.673 : p === 5 ? 0.697 : p === 6 ? 0.709 : 0.7213 / (1 + 1.079 / m)) * m * m;
    this.idxShift = BigInt(64 - p);
    this.p = BigInt(p);
    this.wPadding = 1n << BigInt(p - 1);
  }

  grow(): void {}

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || input.kind === "null") return;
    const hashed = xxhash64Kernel([normalizeFloats(input)], input.length, defaultContext(), null as never);
    if (hashed.kind !== "i64") return;
    const hashes = hashed.values;
    const valid = input.valid;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const x = BigInt.asUintN(64, hashes[r]);
      const idx = Number(x >> this.idxShift);
      const w = BigInt.asUintN(64, (x << this.p) | this.wPadding);
      const pw = leadingZeros64(w) + 1;
      const regs = this.of(groupIds[r]);
      if (pw > regs[idx]) regs[idx] = pw;
    }
  }

  private of(g: number): Uint8Array {
    let r = this.registers[g];
    if (r === undefined) {
      r = new Uint8Array(this.m);
      this.registers[g] = r;
    }
    return r;
  }

  result(ids: Int32Array): Vector {
    const out = new BigInt64Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = BigInt(this.estimate(this.registers[ids[i]]));
    return { kind: "i64", type: LongType(), length: ids.length, valid: null, values: out };
  }

  /** HyperLogLogPlusPlusHelper.query. */
  private estimate(regs: Uint8Array | undefined): number {
    const m = this.m;
    const p = this.precision;
    let zInverse = 0;
    let v = 0;
    for (let i = 0; i < m; i++) {
      const r = regs === undefined ? 0 : regs[i];
      zInverse += 1 / 2 ** r;
      if (r === 0) v++;
    }
    const e = this.alphaM2 / zInverse;
    const corrected = (): number => (p < 19 && e < 5 * m ? e - this.bias(e) : e);
    let estimate: number;
    if (v > 0) {
      const h = m * Math.log(m / v);
      estimate = (p < 19 && h <= THRESHOLDS[p - 4]) || e <= 2.5 * m ? h : corrected();
    } else estimate = corrected();
    // Java's Math.round: half up.
    return Math.floor(estimate + 0.5);
  }

  /** HyperLogLogPlusPlusHelper.estimateBias: the mean bias of the K raw estimates nearest `e`. */
  private bias(e: number): number {
    const estimates = RAW_ESTIMATE_DATA[this.precision - 4];
    const biases = BIAS_DATA[this.precision - 4];
    const n = estimates.length;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (estimates[mid] < e) lo = mid + 1;
      else hi = mid;
    }
    const distance = (i: number) => (e - estimates[i]) * (e - estimates[i]);
    let low = Math.max(lo - K + 1, 0);
    let high = Math.min(low + K, n);
    while (high < n && distance(high) < distance(low)) {
      low++;
      high++;
    }
    let sum = 0;
    for (let i = low; i < high; i++) sum += biases[i];
    return sum / (high - low);
  }

  write(id: number, out: ByteWriter): void {
    out.lenBytes(this.registers[id] ?? new Uint8Array(this.m));
  }

  read(id: number, input: ByteReader): void {
    const [s, e] = input.lenRange();
    this.registers[id] = input.data.slice(s, e);
  }
}

/** Leading zero bits of an unsigned 64-bit value (`Long.numberOfLeadingZeros`). */
function leadingZeros64(x: bigint): number {
  const hi = Number(x >> 32n);
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(Number(x & 0xffffffffn));
}

/** Spark's NormalizeFloatingNumbers before hashing: -0.0 becomes 0.0 and every NaN the same NaN. */
function normalizeFloats(v: Vector): Vector {
  if (v.kind !== "f64" && v.kind !== "f32") return v;
  const values = v.values.slice();
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) values[i] = 0;
    else if (Number.isNaN(values[i])) values[i] = Number.NaN;
  }
  return { ...v, values } as Vector;
}
