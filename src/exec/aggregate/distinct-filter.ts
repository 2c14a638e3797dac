/**
 * The DISTINCT of `count(DISTINCT x)`, `sum(DISTINCT x)`, `countDistinct`, `approx_count_distinct`:
 * keeps, per group, the set of distinct non-null values seen so far (across batches: it is part of
 * the group's state) and lets through only the rows that add a new value to their group's set.
 * Values are compared by their key encoding (NaN = NaN, -0.0 = 0.0, as Spark's grouping).
 */
import type { Vector } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import { BytesHashTable } from "../../columnar/bytes-hash-table.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import { hashKey } from "../../columnar/murmur3.js";

export class DistinctFilter {
  /** Keys: group id (u32 little-endian) then the value's encoding. */
  private pairs = new BytesHashTable();
  private readonly codec: KeyCodec;
  /** Per group: first pair id + 1 of its value list (0 = empty). */
  private head = new Int32Array(0);
  /** Per pair: next pair id + 1 in its group's list. */
  private next = new Int32Array(1024);
  private buf = new Uint8Array(256);

  constructor(type: DataType) {
    this.codec = new KeyCodec([type], "aggregate distinct");
  }

  grow(capacity: number): void {
    if (capacity <= this.head.length) return;
    const h = new Int32Array(Math.max(capacity, this.head.length * 2, 64));
    h.set(this.head);
    this.head = h;
  }

  /** Rows among `sel` (or `0..n`) whose value is non-null and new to its group, in order. */
  filter(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector): Int32Array {
    const out = new Int32Array(n);
    let m = 0;
    if (input.kind === "null") return out.subarray(0, 0);
    const valid = input.valid;
    this.codec.bind([input]);
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const len = this.codec.encode(r);
      if (this.add(groupIds[r], this.codec.scratch, 0, len)) out[m++] = r;
    }
    return out.subarray(0, m);
  }

  /** Appends group `id`'s distinct values to a state value. */
  write(id: number, w: ByteWriter): void {
    const ids: number[] = [];
    for (let p = this.head[id]; p !== 0; p = this.next[p - 1]) ids.push(p - 1);
    w.u32(ids.length);
    // Oldest first, so a reload rebuilds the same list order.
    for (let i = ids.length - 1; i >= 0; i--) w.lenBytes(this.pairs.arena, this.pairs.keyStart(ids[i]) + 4, this.pairs.keyEnd(ids[i]));
  }

  /** Restores group `id`'s distinct values. */
  read(id: number, r: ByteReader): void {
    this.grow(id + 1);
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      const [s, e] = r.lenRange();
      this.add(id, r.data, s, e);
    }
  }

  private add(group: number, value: Uint8Array, start: number, end: number): boolean {
    const len = end - start + 4;
    if (len > this.buf.length) this.buf = new Uint8Array(Math.max(len, this.buf.length * 2));
    const b = this.buf;
    b[0] = group & 0xff;
    b[1] = (group >>> 8) & 0xff;
    b[2] = (group >>> 16) & 0xff;
    b[3] = (group >>> 24) & 0xff;
    for (let i = start, at = 4; i < end; i++) b[at++] = value[i];
    const id = this.pairs.findOrInsert(b, 0, len, hashKey(b, 0, len));
    if (!this.pairs.lastInserted) return false;
    if (id >= this.next.length) {
      const nx = new Int32Array(this.next.length * 2);
      nx.set(this.next);
      this.next = nx;
    }
    this.next[id] = this.head[group];
    this.head[group] = id + 1;
    return true;
  }
}
