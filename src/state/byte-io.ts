/**
 * Little-endian binary writer and reader for state files and state values. The reader checks
 * bounds and reports malformed input as `CorruptCheckpointError` naming the file.
 */
import { CorruptCheckpointError } from "../errors.js";

/** A growable little-endian byte writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private dv: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, capacity));
    this.dv = new DataView(this.buf.buffer);
  }

  /** The written bytes (a view; valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  u8(v: number): void {
    if (this.length + 1 > this.buf.length) this.reserve(1);
    this.buf[this.length++] = v;
  }

  /** Overwrites the u32 at byte `at` (a length written before its payload was known). */
  patchU32(at: number, v: number): void {
    this.dv.setUint32(at, v, true);
  }

  u32(v: number): void {
    if (this.length + 4 > this.buf.length) this.reserve(4);
    // Byte stores beat DataView calls on this per-record path.
    const b = this.buf;
    const at = this.length;
    b[at] = v;
    b[at + 1] = v >>> 8;
    b[at + 2] = v >>> 16;
    b[at + 3] = v >>> 24;
    this.length = at + 4;
  }

  i32(v: number): void {
    this.reserve(4);
    this.dv.setInt32(this.length, v, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.dv.setFloat64(this.length, v, true);
    this.length += 8;
  }

  i64(v: bigint): void {
    this.reserve(8);
    this.dv.setBigInt64(this.length, v, true);
    this.length += 8;
  }

  /** A signed integer of any size: u32 byte count, then two's complement little-endian bytes. */
  bigint(v: bigint): void {
    let n = 1;
    while (BigInt.asIntN(n * 8, v) !== v) n++;
    this.u32(n);
    this.reserve(n);
    let x = v;
    for (let k = 0; k < n; k++) {
      this.buf[this.length++] = Number(x & 0xffn);
      x >>= 8n;
    }
  }

  /** Raw bytes `src[start, end)`. */
  raw(src: Uint8Array, start = 0, end = src.length): void {
    const len = end - start;
    if (this.length + len > this.buf.length) this.reserve(len);
    const b = this.buf;
    if (len > 32) b.set(src.subarray(start, end), this.length);
    else for (let i = start, at = this.length; i < end; i++) b[at++] = src[i];
    this.length += len;
  }

  /** u32 length then the bytes `src[start, end)`. */
  lenBytes(src: Uint8Array, start = 0, end = src.length): void {
    this.u32(end - start);
    this.raw(src, start, end);
  }
}

/** A bounds-checked little-endian reader over `data[start, end)`. */
export class ByteReader {
  /** Made on first use: most readers (per-record values) never need one. */
  private view: DataView | null = null;
  pos: number;

  /** `where` names the source in corruption errors (a state file path). */
  constructor(
    readonly data: Uint8Array,
    readonly where: string,
    start = 0,
    readonly end = data.length,
  ) {
    this.pos = start;
  }

  private get dv(): DataView {
    if (this.view === null) this.view = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return this.view;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  corrupt(what: string): CorruptCheckpointError {
    return new CorruptCheckpointError(`state store: ${what} at byte ${this.pos} of ${this.where}`, { path: this.where });
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw this.corrupt(`truncated data (need ${n} bytes, ${this.end - this.pos} left)`);
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++];
  }

  u32(): number {
    this.need(4);
    const d = this.data;
    const at = this.pos;
    const v = (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) >>> 0;
    this.pos = at + 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64(): bigint {
    this.need(8);
    const v = this.dv.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bigint(): bigint {
    const n = this.u32();
    this.need(n);
    if (n === 0) throw this.corrupt("empty integer");
    let x = 0n;
    for (let k = n - 1; k >= 0; k--) x = (x << 8n) | BigInt(this.data[this.pos + k]);
    this.pos += n;
    return BigInt.asIntN(n * 8, x);
  }

  /** Skips `n` bytes and returns where they start. */
  skip(n: number): number {
    this.need(n);
    const s = this.pos;
    this.pos += n;
    return s;
  }

  /** Reads a u32 length and returns the byte range that follows as [start, end). */
  lenRange(): [number, number] {
    const n = this.u32();
    const s = this.skip(n);
    return [s, s + n];
  }
}
