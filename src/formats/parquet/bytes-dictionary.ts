/**
 * A dictionary of byte strings for Parquet dictionary encoding: an open-addressing hash table over
 * the bytes themselves (no JavaScript strings, no per-value objects).
 */
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
  private slots = new Int32Array(2048); // id + 1, 0 = empty
  private mask = 2047;

  /** The id of `src[start, end)`, adding it if new. */
  add(src: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ src[i], 0x01000193);
    h ^= h >>> 15;
    const len = end - start;
    const slots = this.slots;
    const dict = this.data.buf;
    let pos = h & this.mask;
    for (;;) {
      const s = slots[pos];
      if (s === 0) break;
      const id = s - 1;
      if (this.hashes[id] === h) {
        const o0 = this.offsets[id];
        if (this.offsets[id + 1] - o0 === len) {
          let k = 0;
          while (k < len && dict[o0 + k] === src[start + k]) k++;
          if (k === len) return id;
        }
      }
      pos = (pos + 1) & this.mask;
    }
    const id = this.size;
    if (id + 2 > this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const hs = new Int32Array(this.hashes.length * 2);
      hs.set(this.hashes);
      this.hashes = hs;
    }
    this.data.append(src, start, end);
    this.hashes[id] = h;
    this.offsets[id + 1] = this.data.length;
    this.size = id + 1;
    this.plainBytes += 4 + len;
    slots[pos] = id + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  /** Forgets every entry, keeping capacity. */
  clear(): void {
    this.size = 0;
    this.plainBytes = 0;
    this.data.reset();
    this.slots.fill(0);
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let pos = this.hashes[id] & mask;
      while (slots[pos] !== 0) pos = (pos + 1) & mask;
      slots[pos] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
