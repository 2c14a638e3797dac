/**
 * Hash function kernels: md5, sha1, sha2 (hex, lower-case, through node:crypto), crc32, and
 * Spark's `hash()` (Murmur3 x86_32) and `xxhash64()` (XXH64), both with seed 42, chaining the
 * seed through the arguments and hashing each type the way Spark's `HashExpression` does.
 */
import * as cryptoModule from "node:crypto";
import { createHash } from "node:crypto";
import type { Vector } from "../../../columnar/vector.js";
import { isValid } from "../../../columnar/vector.js";
import { BytesBuilder, nullVector } from "../../../columnar/build.js";
import { ExecutionError } from "../../../errors.js";
import { IntegerType, LongType, StringType } from "../../../types/data-types.js";
import { longVector, numberVector } from "../vectors.js";
import type { Kernel } from "./kernel.js";
import type { KernelFactory } from "./kernel.js";
import { fixed, literalArg } from "./kernel.js";

/** Node's one-shot `crypto.hash` (Node 20.12+/21.7+), cheaper than a Hash object per value; else createHash. */
const oneShot: ((algorithm: string, data: Uint8Array, encoding: "hex") => string) | undefined = (cryptoModule as { hash?: (a: string, d: Uint8Array, e: "hex") => string }).hash;

function hexDigest(algorithm: string, data: Uint8Array): string {
  return oneShot !== undefined ? oneShot(algorithm, data, "hex") : createHash(algorithm).update(data).digest("hex");
}

/** A hex digest per value; `algorithm` names the hash of row `i` (null: the row's result is null). */
function digestKernel(algorithm: (i: number, args: readonly Vector[]) => string | null, fixedAlgorithm: string | null = null): Kernel {
  return (args, n) => {
    const v = args[0];
    if (v.kind !== "bytes") throw new ExecutionError(`hash: expected binary input, got ${v.type.typeName}`);
    const b = new BytesBuilder(n, n * 64);
    const { data, offsets } = v;
    for (let i = 0; i < n; i++) {
      const alg = !isValid(v, i) ? null : fixedAlgorithm ?? algorithm(i, args);
      if (alg === null) b.appendNull();
      else b.appendString(hexDigest(alg, data.subarray(offsets[i], offsets[i + 1])));
    }
    return b.finish(StringType());
  };
}

export const md5Kernel: Kernel = digestKernel(() => "md5", "md5");
export const sha1Kernel: Kernel = digestKernel(() => "sha1", "sha1");

const SHA2: Readonly<Record<number, string>> = { 0: "sha256", 224: "sha224", 256: "sha256", 384: "sha384", 512: "sha512" };

function sha2Algorithm(i: number, args: readonly Vector[]): string | null {
  const bits = args[1];
  if (bits.kind !== "i32" || !isValid(bits, i)) return null;
  return SHA2[bits.values[i]] ?? null;
}

/** sha2(x, bits): bits 0 (= 256), 224, 256, 384, 512; other bit lengths give null as Spark. */
export const sha2Kernel: Kernel = digestKernel(sha2Algorithm);

/** sha2 with its bit length resolved once when it is a literal. */
const sha2Factory: KernelFactory = (call) => {
  const bits = literalArg(call, 1);
  const alg = typeof bits === "number" ? (SHA2[bits] ?? null) : undefined;
  if (alg === undefined) return sha2Kernel;
  return alg === null ? (args, n) => nullVector(StringType(), n) : digestKernel(sha2Algorithm, alg);
};

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

/** One hash function family as Spark's `HashExpression` uses it, with its seed type. */
interface Hasher<S> {
  hashInt(v: number, seed: S): S;
  hashLong(v: bigint, seed: S): S;
  hashBytes(data: Uint8Array, start: number, end: number, seed: S): S;
}

const MURMUR3: Hasher<number> = { hashInt, hashLong, hashBytes };

/**
 * Slot i of `v` hashed into `seed` by Spark's per-type rules: integers, booleans and floats as
 * ints (-0.0 as 0, NaN canonical), longs and doubles as longs, decimals up to precision 18 by
 * their unscaled long (else by `BigInteger.toByteArray`), strings and binaries by their bytes,
 * and nested values element by element, skipping nulls.
 */
function hashSlot<S>(h: Hasher<S>, v: Vector, i: number, seed: S): S {
  switch (v.kind) {
    case "i32":
    case "i16":
    case "i8":
    case "bool":
      return h.hashInt(v.values[i], seed);
    case "i64":
      return h.hashLong(v.values[i], seed);
    case "f64": {
      const d = v.values[i];
      f64[0] = d === 0 ? 0 : Number.isNaN(d) ? NaN : d;
      return h.hashLong(f64Bits[0], seed);
    }
    case "f32": {
      const d = v.values[i];
      f32[0] = d === 0 ? 0 : Number.isNaN(d) ? NaN : d;
      return h.hashInt(f32Bits[0], seed);
    }
    case "bytes":
      return h.hashBytes(v.data, v.offsets[i], v.offsets[i + 1], seed);
    case "decimal": {
      if (v.type.precision <= 18) return h.hashLong(v.values[i], seed);
      const b = bigIntBytes(v.values[i]);
      return h.hashBytes(b, 0, b.length, seed);
    }
    case "null":
      return seed;
    case "struct": {
      let x = seed;
      for (const c of v.children) if (isValid(c, i)) x = hashSlot(h, c, i, x);
      return x;
    }
    case "list": {
      let x = seed;
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) if (isValid(v.child, k)) x = hashSlot(h, v.child, k, x);
      return x;
    }
    case "map": {
      let x = seed;
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) {
        x = hashSlot(h, v.keys, k, x);
        if (isValid(v.items, k)) x = hashSlot(h, v.items, k, x);
      }
      return x;
    }
  }
}

/** hash(a, b, ...): Spark's Murmur3 hash with seed 42; never null. */
export const hashKernel: Kernel = (args, n) => {
  const seeds = new Int32Array(n).fill(42);
  for (const a of args) for (let i = 0; i < n; i++) if (isValid(a, i)) seeds[i] = hashSlot(MURMUR3, a, i, seeds[i]);
  return numberVector(IntegerType(), seeds, null);
};

// ---------------------------------------------------------------------------------------------
// Spark's XXH64 (little-endian words), on unsigned 64-bit bigints.

const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const M64 = (1n << 64n) - 1n;

function rotl64(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M64;
}

function xxFmix(h: bigint): bigint {
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  return h ^ (h >> 32n);
}

/** `XXH64.hashInt`. */
export function xxHashInt(v: number, seed: bigint): bigint {
  let h = (seed + P5 + 4n) & M64;
  h ^= (BigInt(v >>> 0) * P1) & M64;
  h = (rotl64(h, 23n) * P2 + P3) & M64;
  return xxFmix(h);
}

/** `XXH64.hashLong`. */
export function xxHashLong(v: bigint, seed: bigint): bigint {
  let h = (seed + P5 + 8n) & M64;
  h ^= (rotl64((BigInt.asUintN(64, v) * P2) & M64, 31n) * P1) & M64;
  h = (rotl64(h, 27n) * P1 + P4) & M64;
  return xxFmix(h);
}

function xxRound(acc: bigint, k: bigint): bigint {
  return (rotl64((acc + k * P2) & M64, 31n) * P1) & M64;
}

function xxMerge(h: bigint, v: bigint): bigint {
  return (((h ^ xxRound(0n, v)) * P1 + P4) & M64);
}

/** `XXH64.hashUnsafeBytes`. */
export function xxHashBytes(data: Uint8Array, start: number, end: number, seed: bigint): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = end - start;
  let off = start;
  let h: bigint;
  if (length >= 32) {
    let v1 = (seed + P1 + P2) & M64;
    let v2 = (seed + P2) & M64;
    let v3 = seed;
    let v4 = (seed - P1) & M64;
    do {
      v1 = xxRound(v1, view.getBigUint64(off, true));
      v2 = xxRound(v2, view.getBigUint64(off + 8, true));
      v3 = xxRound(v3, view.getBigUint64(off + 16, true));
      v4 = xxRound(v4, view.getBigUint64(off + 24, true));
      off += 32;
    } while (off <= end - 32);
    h = (rotl64(v1, 1n) + rotl64(v2, 7n) + rotl64(v3, 12n) + rotl64(v4, 18n)) & M64;
    h = xxMerge(xxMerge(xxMerge(xxMerge(h, v1), v2), v3), v4);
  } else {
    h = (seed + P5) & M64;
  }
  h = (h + BigInt(length)) & M64;
  for (; off <= end - 8; off += 8) {
    h ^= xxRound(0n, view.getBigUint64(off, true));
    h = (rotl64(h, 27n) * P1 + P4) & M64;
  }
  if (off + 4 <= end) {
    h ^= (BigInt(view.getUint32(off, true)) * P1) & M64;
    h = (rotl64(h, 23n) * P2 + P3) & M64;
    off += 4;
  }
  for (; off < end; off++) {
    h ^= (BigInt(data[off]) * P5) & M64;
    h = (rotl64(h, 11n) * P1) & M64;
  }
  return xxFmix(h);
}

const XXH64: Hasher<bigint> = { hashInt: xxHashInt, hashLong: xxHashLong, hashBytes: xxHashBytes };

/** xxhash64(a, b, ...): Spark's XXH64 with seed 42, chained through the arguments; never null. */
export const xxhash64Kernel: Kernel = (args, n) => {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 42n;
    for (const a of args) if (isValid(a, i)) h = hashSlot(XXH64, a, i, h);
    out[i] = BigInt.asIntN(64, h);
  }
  return longVector(LongType(), out, null);
};

/** The kernels of this file by canonical function name (see `kernels.ts`). */
export const HASH_KERNELS: Readonly<Record<string, KernelFactory>> = {
  sha2: sha2Factory,
  md5: fixed(md5Kernel),
  sha1: fixed(sha1Kernel),
  crc32: fixed(crc32Kernel),
  hash: fixed(hashKernel),
  xxhash64: fixed(xxhash64Kernel),
};
