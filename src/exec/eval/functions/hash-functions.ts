/**
 * Hash function kernels: md5, sha1, sha2 (hex, lower-case, through node:crypto), crc32, and
 * Spark's `hash()` (Murmur3 x86_32 with seed 42, chaining the seed through the arguments and
 * hashing each type the way Spark's `Murmur3Hash` does, so values match Spark's).
 */
import { createHash } from "node:crypto";
import type { Vector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { BytesBuilder } from "../../../columnar/build.js";
import { ExecutionError } from "../../../errors.js";
import { IntegerType, LongType, StringType } from "../../../types/data-types.js";
import { longVector, numberVector } from "../vectors.js";
import type { Kernel } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed } from "./kernel.js";

function digestKernel(algorithm: (i: number, args: readonly Vector[]) => string | null): Kernel {
  return (args, n) => {
    const v = args[0];
    if (v.kind !== "bytes") throw new ExecutionError(`hash: expected binary input, got ${v.type.typeName}`);
    const b = new BytesBuilder(n, n * 64);
    for (let i = 0; i < n; i++) {
      const alg = isValid(v, i) ? algorithm(i, args) : null;
      if (alg === null) b.appendNull();
      else b.appendString(createHash(alg).update(v.data.subarray(v.offsets[i], v.offsets[i + 1])).digest("hex"));
    }
    return b.finish(StringType());
  };
}

export const md5Kernel: Kernel = digestKernel(() => "md5");
export const sha1Kernel: Kernel = digestKernel(() => "sha1");

const SHA2: Readonly<Record<number, string>> = { 0: "sha256", 224: "sha224", 256: "sha256", 384: "sha384", 512: "sha512" };

/** sha2(x, bits): bits 0 (= 256), 224, 256, 384, 512; other bit lengths give null as Spark. */
export const sha2Kernel: Kernel = digestKernel((i, args) => {
  const bits = args[1];
  if (bits.kind !== "i32" || !isValid(bits, i)) return null;
  return SHA2[bits.values[i]] ?? null;
});

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** crc32(x) as an unsigned value in a long. */
export const crc32Kernel: Kernel = ([v], n) => {
  if (v.kind !== "bytes") throw new ExecutionError(`crc32: expected binary input, got ${v.type.typeName}`);
  const out = new BigInt64Array(n);
  const { data, offsets } = v;
  for (let i = 0; i < n; i++) {
    let c = -1;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) c = CRC_TABLE[(c ^ data[k]) & 0xff] ^ (c >>> 8);
    out[i] = BigInt((c ^ -1) >>> 0);
  }
  return longVector(LongType(), out, v.valid);
};

// ---------------------------------------------------------------------------------------------
// Spark's Murmur3_x86_32.

function mixK1(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** `Murmur3_x86_32.hashInt`. */
export function hashInt(v: number, seed: number): number {
  return fmix(mixH1(seed, mixK1(v)), 4);
}

/** `Murmur3_x86_32.hashLong`. */
export function hashLong(v: bigint, seed: number): number {
  const low = Number(BigInt.asIntN(32, v));
  const high = Number(BigInt.asIntN(32, v >> 32n));
  return fmix(mixH1(mixH1(seed, mixK1(low)), mixK1(high)), 8);
}

/** `Murmur3_x86_32.hashUnsafeBytes`: tail bytes are mixed one (signed) byte at a time. */
export function hashBytes(data: Uint8Array, start: number, end: number, seed: number): number {
  const len = end - start;
  const aligned = start + len - (len % 4);
  let h = seed;
  let i = start;
  for (; i < aligned; i += 4) h = mixH1(h, mixK1(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)));
  for (; i < end; i++) h = mixH1(h, mixK1((data[i] << 24) >> 24));
  return fmix(h, len);
}

const f64 = new Float64Array(1);
const f64Bits = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);

/** Minimal big-endian two's-complement bytes of a bigint (Java's `BigInteger.toByteArray`). */
function bigIntBytes(x: bigint): Uint8Array {
  let hex = (x < 0n ? -x : x).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Uint8Array.from(Buffer.from(hex, "hex"));
  if (x >= 0n) {
    if (bytes.length === 0 || bytes[0] & 0x80) bytes = Uint8Array.from([0, ...bytes]);
    return bytes;
  }
  // Two's complement of the magnitude, with room for the sign bit.
  const width = bytes.length + (bytes[0] & 0x80 ? 1 : 0);
  const v = (1n << BigInt(width * 8)) + x;
  let h = v.toString(16).padStart(width * 2, "0");
  while (h.length > 2 && h.startsWith("ff") && parseInt(h[2], 16) >= 8) h = h.slice(2);
  return Uint8Array.from(Buffer.from(h, "hex"));
}

/** Updates `seeds[i]` with slot i of `v` for every valid slot (Spark's per-type hashing). */
function hashInto(v: Vector, seeds: Int32Array, rows: Int32Array | null): void {
  const n = rows === null ? v.length : rows.length;
  for (let r = 0; r < n; r++) {
    const i = rows === null ? r : rows[r];
    if (!isValid(v, i)) continue;
    seeds[r] = hashSlot(v, i, seeds[r]);
  }
}

function hashSlot(v: Vector, i: number, seed: number): number {
  switch (v.kind) {
    case "i32":
    case "i16":
    case "i8":
    case "bool":
      return hashInt(v.values[i], seed);
    case "i64":
      return hashLong(v.values[i], seed);
    case "f64": {
      const d = v.values[i];
      f64[0] = d === 0 ? 0 : Number.isNaN(d) ? NaN : d;
      return hashLong(f64Bits[0], seed);
    }
    case "f32": {
      const d = v.values[i];
      f32[0] = d === 0 ? 0 : Number.isNaN(d) ? NaN : d;
      return hashInt(f32Bits[0], seed);
    }
    case "bytes":
      return hashBytes(v.data, v.offsets[i], v.offsets[i + 1], seed);
    case "decimal": {
      if (v.type.precision <= 18) return hashLong(v.values[i], seed);
      const b = bigIntBytes(v.values[i]);
      return hashBytes(b, 0, b.length, seed);
    }
    case "null":
      return seed;
    case "struct": {
      let h = seed;
      for (const c of v.children) if (isValid(c, i)) h = hashSlot(c, i, h);
      return h;
    }
    case "list": {
      let h = seed;
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) if (isValid(v.child, k)) h = hashSlot(v.child, k, h);
      return h;
    }
    case "map": {
      let h = seed;
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) {
        h = hashSlot(v.keys, k, h);
        if (isValid(v.items, k)) h = hashSlot(v.items, k, h);
      }
      return h;
    }
  }
}

/** hash(a, b, ...): Spark's Murmur3 hash with seed 42; never null. */
export const hashKernel: Kernel = (args, n) => {
  const seeds = new Int32Array(n).fill(42);
  for (const a of args) hashInto(a, seeds, null);
  return numberVector(IntegerType(), seeds, null);
};

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const HASH_KERNELS: Readonly<Record<string, KernelFactory>> = {
  sha2: fixed(sha2Kernel),
  md5: fixed(md5Kernel),
  sha1: fixed(sha1Kernel),
  crc32: fixed(crc32Kernel),
  hash: fixed(hashKernel),
};
