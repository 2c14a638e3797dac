/**
 * An open-addressing hash table of byte-string keys that assigns each distinct key a dense integer
 * id (0, 1, 2 … in insertion order). Keys are copied into one growable byte arena, so a million
 * keys are three typed arrays, not a million JS strings. The caller supplies each key's 32-bit hash
 * (see `murmur3.ts`); the table compares bytes only when the stored hash matches.
 *
 * Ids are never reused: a removed key's id stays dead and a re-inserted key gets a new id. Stateful
 * operators index their per-key arrays (accumulators, dirty flags) by id.
 */
import { InternalError } from "../errors.js";

const EMPTY = 0;
const TOMBSTONE = -1;
const MAX_LOAD = 0.5;

export class BytesHashTable {
  /** `slots[2s]` = id + 1 (0 empty, -1 removed), `slots[2s + 1]` = the key's hash. */
  private slots: Int32Array;
  private mask: number;
  /** Slots that are not empty (live keys plus tombstones). */
  private used = 0;
  private arenaBytes: Uint8Array;
  private arenaSize = 0;
  /** `offsets[id]..offsets[id + 1]` is key `id` in the arena. */
  private offsets: Int32Array;
  private hashes: Int32Array;
  private liveFlags: Uint8Array;
  private ids = 0;
  private live = 0;
  /** Sink for `prefetch`'s loads. */
  private touched = 0;
  /** True when the last `findOrInsert*` call inserted a new key. */
  lastInserted = false;

  /** `capacity`: expected number of keys (the table grows as needed). */
  constructor(capacity = 1024, arenaCapacity = capacity * 16) {
    let slots = 16;
    while (slots * MAX_LOAD < capacity) slots *= 2;
    this.slots = new Int32Array(slots * 2);
    this.mask = slots - 1;
    this.arenaBytes = new Uint8Array(Math.max(64, arenaCapacity));
    this.offsets = new Int32Array(capacity + 1);
    this.hashes = new Int32Array(capacity);
    this.liveFlags = new Uint8Array(capacity);
  }

  /** Number of live keys. */
  get size(): number {
    return this.live;
  }

  /** Number of ids ever assigned: every id is in `[0, idCount)`, live or removed. */
  get idCount(): number {
    return this.ids;
  }

  /** The arena holding every key's bytes; key `id` is `arena[keyStart(id), keyEnd(id))`. */
  get arena(): Uint8Array {
    return this.arenaBytes;
  }

  keyStart(id: number): number {
    return this.offsets[id];
  }

  keyEnd(id: number): number {
    return this.offsets[id + 1];
  }

  /** A view of key `id`'s bytes (valid until the next insert). */
  key(id: number): Uint8Array {
    return this.arenaBytes.subarray(this.offsets[id], this.offsets[id + 1]);
  }

  /** True unless `id` was removed. */
  isLive(id: number): boolean {
    return this.liveFlags[id] === 1;
  }

  /** Approximate bytes held by the table. */
  get memoryBytes(): number {
    return this.slots.byteLength + this.arenaBytes.byteLength + this.offsets.byteLength + this.hashes.byteLength + this.liveFlags.byteLength;
  }

  /**
   * Makes room for `more` further keys (and `moreBytes` of key bytes) so that inserting them does
   * not rehash midway; callers pass a batch's row count before probing its rows.
   */
  reserve(more: number, moreBytes = 0): void {
    const need = this.used + more;
    if (need > (this.mask + 1) * MAX_LOAD) {
      let slotsCount = this.mask + 1;
      while (need > slotsCount * MAX_LOAD) slotsCount *= 2;
      this.rebuild(slotsCount);
    }
    if (this.ids + more + 1 >= this.offsets.length) this.growIds(this.ids + more + 1);
    if (moreBytes > 0 && this.arenaSize + moreBytes > this.arenaBytes.length) this.growArena(moreBytes);
  }

  /**
   * Performance hint only: reads the home slot of each hash in `hashes[from, to)` so that probing
   * those keys right after finds the slots in cache. The loads are independent, so the CPU overlaps
   * their misses, which a probe loop (each step waiting on the last) cannot. Changes nothing.
   */
  prefetch(hashes: Int32Array, from: number, to: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let t = 0;
    for (let i = from; i < to; i++) t ^= slots[2 * (hashes[i] & mask)];
    // Kept in a field so the compiler cannot drop the loads as dead.
    this.touched = t;
  }

  /** Id of the key `src[start, end)`, inserting it if absent (`lastInserted` tells which). */
  findOrInsert(src: Uint8Array, start: number, end: number, hash: number): number {
    if (end <= start) return this.findOrInsertTagged(-1, src, start, start, hash);
    return this.findOrInsertTagged(src[start], src, start + 1, end, hash);
  }

  /**
   * Id of the key `[tag] ++ src[start, end)`, inserting it if absent. `tag` -1 means "no tag byte"
   * (the empty key). `hash` must follow the convention of `hashTagged`.
   */
  findOrInsertTagged(tag: number, src: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const h = hash | 0;
    const len = end - start;
    const keyLen = tag < 0 ? 0 : len + 1;
    let s = h & mask;
    let firstTomb = -1;
    while (true) {
      const e = slots[2 * s];
      if (e === EMPTY) break;
      if (e === TOMBSTONE) {
        if (firstTomb < 0) firstTomb = s;
      } else if (slots[2 * s + 1] === h) {
        const id = e - 1;
        const ks = this.offsets[id];
        if (this.offsets[id + 1] - ks === keyLen && (tag < 0 || this.arenaBytes[ks] === tag)) {
          const a = this.arenaBytes;
          let k = ks + (tag < 0 ? 0 : 1);
          let i = start;
          while (i < end && a[k] === src[i]) {
            i++;
            k++;
          }
          if (i === end) {
            this.lastInserted = false;
            return id;
          }
        }
      }
      s = (s + 1) & mask;
    }
    const id = this.append(tag, src, start, end, h);
    const at = firstTomb >= 0 ? firstTomb : s;
    if (firstTomb < 0) this.used++;
    this.slots[2 * at] = id + 1;
    this.slots[2 * at + 1] = h;
    this.lastInserted = true;
    if (this.used > (this.mask + 1) * MAX_LOAD) this.rehash();
    return id;
  }

  /** Id of the key `src[start, end)`, or -1. */
  find(src: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const h = hash | 0;
    let s = h & mask;
    while (true) {
      const e = slots[2 * s];
      if (e === EMPTY) return -1;
      if (e !== TOMBSTONE && slots[2 * s + 1] === h) {
        const id = e - 1;
        const ks = this.offsets[id];
        if (this.offsets[id + 1] - ks === end - start) {
          const a = this.arenaBytes;
          let i = start;
          let k = ks;
          while (i < end && a[k] === src[i]) {
            i++;
            k++;
          }
          if (i === end) return id;
        }
      }
      s = (s + 1) & mask;
    }
  }

  /** Removes key `id` (no-op when already removed). Its id is never reused. */
  remove(id: number): void {
    if (id < 0 || id >= this.ids || this.liveFlags[id] === 0) return;
    const slots = this.slots;
    let s = this.hashes[id] & this.mask;
    while (slots[2 * s] !== id + 1) {
      if (slots[2 * s] === EMPTY) throw new InternalError(`hash table: key id ${id} is live but has no slot`);
      s = (s + 1) & this.mask;
    }
    slots[2 * s] = TOMBSTONE;
    this.liveFlags[id] = 0;
    this.live--;
  }

  private append(tag: number, src: Uint8Array, start: number, end: number, h: number): number {
    const id = this.ids;
    if (id + 1 >= this.offsets.length) this.growIds();
    const len = end - start + (tag < 0 ? 0 : 1);
    if (this.arenaSize + len > this.arenaBytes.length) this.growArena(len);
    const a = this.arenaBytes;
    let at = this.arenaSize;
    if (tag >= 0) a[at++] = tag;
    if (end - start > 48) {
      a.set(src.subarray(start, end), at);
      at += end - start;
    } else {
      for (let i = start; i < end; i++) a[at++] = src[i];
    }
    this.arenaSize = at;
    this.offsets[id + 1] = at;
    this.hashes[id] = h;
    this.liveFlags[id] = 1;
    this.ids = id + 1;
    this.live++;
    return id;
  }

  private growIds(atLeast = 0): void {
    let n = this.offsets.length * 2;
    while (n <= atLeast) n *= 2;
    const o = new Int32Array(n);
    o.set(this.offsets);
    this.offsets = o;
    const h = new Int32Array(n);
    h.set(this.hashes);
    this.hashes = h;
    const l = new Uint8Array(n);
    l.set(this.liveFlags);
    this.liveFlags = l;
  }

  private growArena(extra: number): void {
    const size = Math.max(this.arenaBytes.length * 2, this.arenaSize + extra);
    if (size > 0x7fffffff) throw new InternalError(`hash table: key arena exceeds 2 GiB (${size} bytes)`);
    const a = new Uint8Array(size);
    a.set(this.arenaBytes.subarray(0, this.arenaSize));
    this.arenaBytes = a;
  }

  /** Grows when live keys fill the table, else rebuilds in place to drop tombstones. */
  private rehash(): void {
    let slotsCount = this.mask + 1;
    while (this.live + 1 > slotsCount * MAX_LOAD * 0.75) slotsCount *= 2;
    this.rebuild(slotsCount);
  }

  private rebuild(slotsCount: number): void {
    const slots = new Int32Array(slotsCount * 2);
    const mask = slotsCount - 1;
    // Walk the old slots in order rather than the ids: every entry carries its hash, and with linear
    // probing the new positions then ascend too, so both arrays stream through the cache instead of
    // taking a random miss per key.
    const old = this.slots;
    const oldEnd = old.length;
    for (let j = 0; j < oldEnd; j += 2) {
      const e = old[j];
      if (e <= 0) continue;
      const h = old[j + 1];
      let s = h & mask;
      while (slots[2 * s] !== EMPTY) s = (s + 1) & mask;
      slots[2 * s] = e;
      slots[2 * s + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
    this.used = this.live;
  }
}
