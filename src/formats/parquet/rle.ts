/**
 * Parquet's RLE / bit-packed hybrid encoding (definition and repetition levels, dictionary indices),
 * following parquet-mr's `RunLengthBitPackingHybridEncoder`: runs of 8 or more equal values become
 * RLE runs; everything else is bit-packed in groups of 8 (at most 63 groups per run).
 */
import type { ByteSink } from "./byte-sink.js";

/** Number of bits needed to represent `maxValue` (0 for 0). */
export function bitWidth(maxValue: number): number {
  return maxValue === 0 ? 0 : 32 - Math.clz32(maxValue);
}

/**
 * Appends the hybrid encoding of `values[start, end)` at `bitWidth` to `out` (no length prefix).
 * Values must fit in `bitWidth` bits; `bitWidth` is 1..32.
 */
export function encodeRleHybrid(
  out: ByteSink,
  values: Uint8Array | Int32Array | Uint32Array,
  start: number,
  end: number,
  width: number,
): void {
  const n = end - start;
  if (n === 0) return;
  // All-equal input (the common "no nulls" case): one RLE run.
  const first = values[start];
  let i = start + 1;
  while (i < end && values[i] === first) i++;
  if (i === end) {
    writeRleRun(out, first, n, width);
    return;
  }
  const enc = new HybridEncoder(out, width);
  for (let k = start; k < end; k++) enc.write(values[k]);
  enc.finish();
}

function writeRleRun(out: ByteSink, value: number, count: number, width: number): void {
  out.varint(count * 2);
  const bytes = (width + 7) >>> 3;
  for (let b = 0; b < bytes; b++) out.byte((value >>> (8 * b)) & 0xff);
}

/** Streaming hybrid encoder, value by value. */
export class HybridEncoder {
  private readonly out: ByteSink;
  private readonly width: number;
  private readonly buffered = new Int32Array(8);
  private numBuffered = 0;
  private previous = 0;
  private repeat = 0;
  private groupCount = 0;
  private headerAt = -1;

  constructor(out: ByteSink, width: number) {
    this.out = out;
    this.width = width;
  }

  write(value: number): void {
    if (value === this.previous) {
      this.repeat++;
      if (this.repeat >= 8) return;
    } else {
      if (this.repeat >= 8) this.rleRun();
      this.repeat = 1;
      this.previous = value;
    }
    this.buffered[this.numBuffered++] = value;
    if (this.numBuffered === 8) this.packGroup();
  }

  finish(): void {
    if (this.repeat >= 8) this.rleRun();
    else if (this.numBuffered > 0) {
      for (let k = this.numBuffered; k < 8; k++) this.buffered[k] = 0;
      this.packGroup();
      this.endPacked();
    } else this.endPacked();
  }

  private packGroup(): void {
    const out = this.out;
    if (this.groupCount >= 63) this.endPacked();
    if (this.headerAt === -1) {
      out.byte(0);
      this.headerAt = out.length - 1;
    }
    const w = this.width;
    out.reserve(w);
    const b = out.buf;
    let pos = out.length;
    // Pack 8 values LSB-first into w bytes.
    let acc = 0;
    let bits = 0;
    const v = this.buffered;
    if (w <= 24) {
      // acc holds < 8 pending bits, so pending + w <= 31 bits: no overflow.
      for (let k = 0; k < 8; k++) {
        acc |= (v[k] & ((1 << w) - 1)) << bits;
        bits += w;
        while (bits >= 8) {
          b[pos++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
      out.length = pos;
      this.numBuffered = 0;
      this.repeat = 0;
      this.groupCount++;
      return;
    }
    for (let k = 0; k < 8; k++) {
      let val = v[k] >>> 0;
      let left = w;
      while (left > 0) {
        const take = Math.min(left, 8 - bits);
        acc |= (val & ((1 << take) - 1)) << bits;
        bits += take;
        left -= take;
        val = take === 32 ? 0 : val >>> take;
        if (bits === 8) {
          b[pos++] = acc & 0xff;
          acc = 0;
          bits = 0;
        }
      }
    }
    out.length = pos;
    this.numBuffered = 0;
    this.repeat = 0;
    this.groupCount++;
  }

  private endPacked(): void {
    if (this.headerAt === -1) return;
    this.out.buf[this.headerAt] = (this.groupCount << 1) | 1;
    this.headerAt = -1;
    this.groupCount = 0;
  }

  private rleRun(): void {
    this.endPacked();
    writeRleRun(this.out, this.previous, this.repeat, this.width);
    this.repeat = 0;
    this.numBuffered = 0;
  }
}
