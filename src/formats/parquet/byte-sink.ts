/**
 * A growable little-endian byte buffer: the one output primitive every Parquet encoder writes into.
 * Reused across pages (`reset()`), so steady-state encoding allocates nothing per value.
 */

/** Bytes from which {@link ByteSink.append} copies natively rather than in a loop. */
const APPEND_NATIVE_BYTES = 256;
const EMPTY = new Uint8Array(0);

/** Growable byte buffer with little-endian writers. `bytes()` views the written prefix (no copy). */
export class ByteSink {
  buf: Uint8Array;
  private view: DataView;
  /** The last source of a mid-sized {@link append}, and a view of it. */
  private srcBuf: Uint8Array = EMPTY;
  private srcView: DataView = new DataView(EMPTY.buffer);
  /** Number of bytes written. */
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `extra` more bytes. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Forgets the contents, keeping the capacity. */
  reset(): void {
    this.length = 0;
  }

  /** A view of the written bytes; valid until the next write or reset. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the written bytes. */
  copy(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  byte(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }

  int32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  int64(v: bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.length, v, true);
    this.length += 8;
  }

  float32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }

  float64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  /** Overwrites 4 bytes at `at` with `v` (little-endian), e.g. a length prefix written after the data. */
  patchInt32(at: number, v: number): void {
    this.view.setInt32(at, v, true);
  }

  /** Unsigned LEB128 varint of a non-negative integer below 2^53. */
  varint(v: number): void {
    this.reserve(10);
    const b = this.buf;
    let n = this.length;
    while (v >= 0x80) {
      b[n++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[n++] = v;
    this.length = n;
  }

  /** Unsigned LEB128 varint of an unsigned 64-bit bigint. */
  varbig(v: bigint): void {
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.length++] = Number(v);
  }

  append(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.reserve(n);
    if (n < 16) {
      const b = this.buf;
      let o = this.length;
      for (let i = start; i < end; i++) b[o++] = src[i];
    } else if (n < APPEND_NATIVE_BYTES) {
      // Four bytes at a time through views kept across calls: a `subarray` per value (a JS object
      // each) made a dictionary probe of many short strings a steady source of old-space garbage.
      if (src !== this.srcBuf) {
        this.srcBuf = src;
        this.srcView = new DataView(src.buffer, src.byteOffset, src.byteLength);
      }
      const sv = this.srcView;
      const dv = this.view;
      let o = this.length;
      let i = start;
      for (const stop = end - 3; i < stop; i += 4, o += 4) dv.setUint32(o, sv.getUint32(i, true), true);
      const b = this.buf;
      for (; i < end; i++) b[o++] = src[i];
    } else {
      this.buf.set(src.subarray(start, end), this.length);
    }
    this.length += n;
  }
}
