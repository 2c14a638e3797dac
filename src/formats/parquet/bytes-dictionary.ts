/**
 * A dictionary of byte strings for Parquet dictionary encoding: an open-addressing hash table over
 * the bytes themselves (no JavaScript strings, no per-value objects). Values are hashed and
 * compared 4 bytes at a time.
 */
import { BoundedPool } from "./bounded-pool.js";
import { ByteSink } from "./byte-sink.js";

/** Distinct byte strings in insertion order, each with a dense id. */
export class BytesDictionary {
  /** Entry bytes, concatenated. */
  readonly data = new ByteSink(4096);
  /** `offsets[id]..offsets[id+1]` is entry id's range in `data`. */
  offsets = new Int32Array(1025);
  size = 0;
  /** Size of the entries PLAIN-encoded (4-byte length + bytes each): the dictionary page size. */
  plainBytes = 0;
  private hashes = new Int32Array(1024);
  /** Open-addressing table of (id + 1, hash) pairs; id + 1 = 0 marks an empty slot. */
  private slots = new Int32Array(2 * 2048);
  private mask = 2047;
  /** Views over the last source buffer and over `data.buf` (rebuilt when either changes). */
  private srcBuf: Uint8Array = new Uint8Array(0);
  private srcView = new DataView(this.srcBuf.buffer);
  private dataBuf: Uint8Array = this.data.buf;
  private dataView = new DataView(this.dataBuf.buffer);

  /** Cleared dictionaries for reuse, 16 MB at most. */
  private static readonly pool = new BoundedPool(16 * 1024 * 1024, () => new BytesDictionary(), (d: BytesDictionary) => d.capacityBytes());

  /**
   * An empty dictionary, with the grown arrays of a released one when the pool has one: a
   * partitioned write opens a file per partition, each with a dictionary per string column, and
   * growing each from scratch allocated ~25 MB per 500k-row write.
   */
  static take(): BytesDictionary {
    return BytesDictionary.pool.take();
  }

  /** Clears `d` and keeps it for a later {@link take} (within the pool's limit); `d` must not be used after. */
  static give(d: BytesDictionary): void {
    d.clear();
    BytesDictionary.pool.give(d);
  }

  private capacityBytes(): number {
    return this.data.buf.length + 4 * (this.offsets.length + this.hashes.length + this.slots.length);
  }

  /** The id of `src[start, end)`, adding it if new. */
  add(src: Uint8Array, start: number, end: number): number {
    if (src !== this.srcBuf) this.setSource(src);
    return this.addAt(src, this.srcView, start, end);
  }

  /**
   * Adds values `[offsets[i], offsets[i+1])` of `src` for `i` in `[s, e)` (or `i = sel[k]` for `k`
   * in `[s, e)` when `sel` is not null), writing their ids to `out` from `outPos`. Returns the
   * total byte length of the values (without length prefixes).
   */
  addAll(src: Uint8Array, offsets: Int32Array, sel: Int32Array | null, s: number, e: number, out: Int32Array, outPos: number): number {
    if (src !== this.srcBuf) this.setSource(src);
    const sv = this.srcView;
    let o = outPos;
    let bytes = 0;
    for (let k = s; k < e; k++) {
      const i = sel === null ? k : sel[k];
      const a0 = offsets[i];
      const a1 = offsets[i + 1];
      out[o++] = this.addAt(src, sv, a0, a1);
      bytes += a1 - a0;
    }
    return bytes;
  }

  private setSource(src: Uint8Array): void {
    this.srcBuf = src;
    this.srcView = new DataView(src.buffer, src.byteOffset, src.byteLength);
  }

  private addAt(src: Uint8Array, sv: DataView, start: number, end: number): number {
    const len = end - start;
    // murmur3-style mixing, one little-endian word at a time, then the tail bytes.
    let h = len ^ 0x9747b28c;
    let i = start;
    for (const stop = end - 3; i < stop; i += 4) {
      let k = Math.imul(sv.getInt32(i, true), 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      h ^= k;
      h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
    }
    if (i < end) {
      let k = src[i];
      if (i + 1 < end) k |= src[i + 1] << 8;
      if (i + 2 < end) k |= src[i + 2] << 16;
      k = Math.imul(k, 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      h ^= k;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const slots = this.slots;
    const hashes = this.hashes;
    const offsets = this.offsets;
    const mask = this.mask;
    let pos = h & mask;
    for (;;) {
      const s = slots[2 * pos];
      if (s === 0) break;
      if (slots[2 * pos + 1] === h) {
        const id = s - 1;
        const o0 = offsets[id];
        if (offsets[id + 1] - o0 === len && this.equalsAt(src, sv, start, o0, len)) return id;
      }
      pos = (pos + 1) & mask;
    }
    const id = this.size;
    if (id + 2 > offsets.length) {
      const o = new Int32Array(offsets.length * 2);
      o.set(offsets);
      this.offsets = o;
    }
    if (id >= hashes.length) {
      const hs = new Int32Array(hashes.length * 2);
      hs.set(hashes);
      this.hashes = hs;
    }
    this.data.append(src, start, end);
    this.hashes[id] = h;
    this.offsets[id + 1] = this.data.length;
    this.size = id + 1;
    this.plainBytes += 4 + len;
    slots[2 * pos] = id + 1;
    slots[2 * pos + 1] = h;
    if (this.size * 2 > mask) this.rehash();
    return id;
  }

  /** True when `src[start, start+len)` equals the `len` entry bytes at `o0`. */
  private equalsAt(src: Uint8Array, sv: DataView, start: number, o0: number, len: number): boolean {
    const d = this.data.buf;
    if (d !== this.dataBuf) {
      this.dataBuf = d;
      this.dataView = new DataView(d.buffer, d.byteOffset, d.byteLength);
    }
    const dv = this.dataView;
    let k = 0;
    for (; k + 4 <= len; k += 4) if (sv.getInt32(start + k) !== dv.getInt32(o0 + k)) return false;
    for (; k < len; k++) if (d[o0 + k] !== src[start + k]) return false;
    return true;
  }

  /** Forgets every entry, keeping capacity. */
  clear(): void {
    this.size = 0;
    this.plainBytes = 0;
    this.data.reset();
    this.slots.fill(0);
    this.setSource(new Uint8Array(0));
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(2 * cap);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      const h = this.hashes[id];
      let pos = h & mask;
      while (slots[2 * pos] !== 0) pos = (pos + 1) & mask;
      slots[2 * pos] = id + 1;
      slots[2 * pos + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
