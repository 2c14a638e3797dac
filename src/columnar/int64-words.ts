/**
 * Reading i64 vectors (timestamps in µs, longs) as doubles without allocating a BigInt per value:
 * a `BigInt64Array` viewed as little-endian 32-bit words. A value is exact as a double while its
 * magnitude is below 2^53 (timestamps within ±285 years of 1970); callers fall back to the
 * BigInt element outside that range.
 */

/** The 32-bit words of `values` (two per value, low word first). */
export function int64Words(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Value `i` as a double, or NaN when it is not exactly representable (|v| ≥ 2^53). */
export function int64At(words: Int32Array, i: number): number {
  const hi = words[2 * i + 1];
  if (hi >= 0x200000 || hi < -0x200000) return NaN;
  return hi * 4294967296 + (words[2 * i] >>> 0);
}

/** `floorDiv(v, 1000)` of value `i` (µs → ms), exact for every i64. */
export function microsToMillisAt(values: BigInt64Array, words: Int32Array, i: number): number {
  const us = int64At(words, i);
  // Below 2^53 the quotient's rounding error stays under 0.5e-3, so floor never crosses an integer.
  if (us === us) return Math.floor(us / 1000);
  const v = values[i];
  return Number(v / 1000n - (v % 1000n < 0n ? 1n : 0n));
}

/** Stores integral double `x` (|x| < 2^53) as value `i`. */
export function setInt64At(words: Int32Array, i: number, x: number): void {
  const hi = Math.floor(x / 4294967296);
  words[2 * i] = (x - hi * 4294967296) | 0;
  words[2 * i + 1] = hi;
}
