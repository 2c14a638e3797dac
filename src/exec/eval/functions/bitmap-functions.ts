/** Kernels of the bitmap functions (Spark's `BitmapExpressionUtils`: 32,768 bits per bucket). */
import type { Vector } from "../../../columnar/vector.js";
import { ExecutionError } from "../../../errors.js";
import { LongType } from "../../../types/data-types.js";
import { longVector } from "../vectors.js";
import type { Kernel, KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

const NUM_BITS = 32768n;

function longs(v: Vector, fn: string): BigInt64Array {
  if (v.kind !== "i64") throw new ExecutionError(`${fn}: expected a bigint vector, got ${v.type.typeName}`);
  return v.values;
}

/** bitmap_bucket_number(v): 1 + (v - 1) / 32768 for positive v, else v / 32768 (Java's truncating division). */
const bucketNumberKernel: Kernel = ([v], n) => {
  const xs = longs(v, "bitmap_bucket_number");
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = xs[i] > 0n ? 1n + (xs[i] - 1n) / NUM_BITS : xs[i] / NUM_BITS;
  return longVector(LongType(), out, v.valid);
};

/** bitmap_bit_position(v): (v - 1) % 32768 for positive v, else -v % 32768. */
const bitPositionKernel: Kernel = ([v], n) => {
  const xs = longs(v, "bitmap_bit_position");
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = xs[i] > 0n ? (xs[i] - 1n) % NUM_BITS : -xs[i] % NUM_BITS;
  return longVector(LongType(), out, v.valid);
};

const POPCOUNT = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = (b & 1) + t[b >> 1];
  return t;
})();

/** bitmap_count(b): the number of set bits. */
const countKernel: Kernel = ([v], n) => {
  if (v.kind !== "bytes") throw new ExecutionError(`bitmap_count: expected a binary vector, got ${v.type.typeName}`);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) c += POPCOUNT[v.data[k]];
    out[i] = BigInt(c);
  }
  return longVector(LongType(), out, v.valid);
};

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const BITMAP_KERNELS: Readonly<Record<string, KernelFactory>> = {
  bitmap_bucket_number: fixed(bucketNumberKernel),
  bitmap_bit_position: fixed(bitPositionKernel),
  bitmap_count: fixed(countKernel),
};

