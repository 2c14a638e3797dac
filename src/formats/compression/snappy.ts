/**
 * Snappy block compression (the raw format Parquet uses, no framing), in plain JavaScript.
 *
 * The algorithm follows the reference implementation: the input is cut into 64 KiB blocks; each
 * block is scanned with a 4-byte hash table, emitting literals and copies (1- or 2-byte offsets).
 * The lookup stride grows while no match is found, so incompressible data goes through quickly.
 */

const BLOCK_SIZE = 1 << 16;
const HASH_BITS = 14;
const INPUT_MARGIN = 15;

/** Largest possible compressed size for `n` input bytes. */
export function snappyMaxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/** Output space reused by {@link snappyCompress}, grown to the largest bound seen. */
let scratch = new Uint8Array(0);

/**
 * Compresses `input` into a new array holding the Snappy block, which owns its buffer exactly.
 * The block is built in reused space and copied out: a page's output kept as a view of a
 * worst-case-sized buffer held 1.2× the page uncompressed until the file was written, and those
 * bytes (external memory to V8) made a partitioned write collect garbage several times over.
 */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const bound = snappyMaxCompressedLength(input.length);
  if (scratch.length < bound) scratch = new Uint8Array(Math.max(bound, scratch.length * 2));
  const n = snappyCompressInto(input, scratch);
  return scratch.slice(0, n);
}

const table = new Uint16Array(1 << HASH_BITS);

/** Compresses `input` into `out` (at least `snappyMaxCompressedLength` long); returns bytes written. */
export function snappyCompressInto(input: Uint8Array, out: Uint8Array): number {
  let op = 0;
  // Preamble: uncompressed length as a varint.
  let len = input.length;
  while (len >= 0x80) {
    out[op++] = (len & 0x7f) | 0x80;
    len = Math.floor(len / 128);
  }
  out[op++] = len;
  for (let base = 0; base < input.length; base += BLOCK_SIZE) {
    const end = Math.min(base + BLOCK_SIZE, input.length);
    op = compressBlock(input, base, end, out, op);
  }
  return op;
}

function load32(a: Uint8Array, i: number): number {
  return a[i] | (a[i + 1] << 8) | (a[i + 2] << 16) | (a[i + 3] << 24);
}

function hash(v: number): number {
  return Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

function compressBlock(src: Uint8Array, base: number, end: number, out: Uint8Array, op: number): number {
  let nextEmit = base;
  if (end - base >= INPUT_MARGIN) {
    table.fill(0);
    const ipLimit = end - INPUT_MARGIN;
    let ip = base + 1;
    let nextHash = hash(load32(src, ip));
    outer: for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      do {
        ip = nextIp;
        const h = nextHash;
        const stride = skip >>> 5;
        skip++;
        nextIp = ip + stride;
        if (nextIp > ipLimit) break outer;
        nextHash = hash(load32(src, nextIp));
        candidate = base + table[h];
        table[h] = ip - base;
      } while (load32(src, ip) !== load32(src, candidate));

      op = emitLiteral(src, nextEmit, ip, out, op);

      for (;;) {
        const matchStart = ip;
        // Extend the 4-byte match.
        let a = candidate + 4;
        let b = ip + 4;
        while (b < end && src[a] === src[b]) {
          a++;
          b++;
        }
        const matched = b - ip;
        ip = b;
        op = emitCopy(matchStart - candidate, matched, out, op);
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[hash(load32(src, ip - 1))] = ip - 1 - base;
        const h = hash(load32(src, ip));
        candidate = base + table[h];
        table[h] = ip - base;
        if (load32(src, ip) !== load32(src, candidate)) break;
      }
      ip++;
      nextHash = hash(load32(src, ip));
    }
  }
  if (nextEmit < end) op = emitLiteral(src, nextEmit, end, out, op);
  return op;
}

function emitLiteral(src: Uint8Array, start: number, end: number, out: Uint8Array, op: number): number {
  const n = end - start;
  if (n === 0) return op;
  const m = n - 1;
  if (m < 60) out[op++] = m << 2;
  else if (m < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = m;
  } else if (m < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = m & 0xff;
    out[op++] = m >>> 8;
  } else if (m < 0x1000000) {
    out[op++] = 62 << 2;
    out[op++] = m & 0xff;
    out[op++] = (m >>> 8) & 0xff;
    out[op++] = m >>> 16;
  } else {
    out[op++] = 63 << 2;
    out[op++] = m & 0xff;
    out[op++] = (m >>> 8) & 0xff;
    out[op++] = (m >>> 16) & 0xff;
    out[op++] = m >>> 24;
  }
  if (n < 64) {
    for (let i = start; i < end; i++) out[op++] = src[i];
  } else {
    out.set(src.subarray(start, end), op);
    op += n;
  }
  return op;
}

function emitCopy(offset: number, len: number, out: Uint8Array, op: number): number {
  while (len >= 68) {
    op = emitCopy2(offset, 64, out, op);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopy2(offset, 60, out, op);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[op++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
    return op;
  }
  return emitCopy2(offset, len, out, op);
}

function emitCopy2(offset: number, len: number, out: Uint8Array, op: number): number {
  out[op++] = 2 | ((len - 1) << 2);
  out[op++] = offset & 0xff;
  out[op++] = offset >>> 8;
  return op;
}
