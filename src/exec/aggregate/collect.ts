/**
 * `collect_list(x)` and `collect_set(x)` (Spark's Collect aggregates): each group's non-null
 * values as an array, in arrival order; `collect_set` keeps the first of equal values (equal as
 * grouping keys are: NaN = NaN, -0.0 = 0.0). Values are held per group in the key encoding
 * (`columnar/key-codec.ts`), which is also their state form: a count, then each value's bytes.
 */
import type { ArrayType, DataType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";

export class CollectAccumulator implements Accumulator {
  private values: (Uint8Array[] | undefined)[] = [];
  private seen: (Set<string> | undefined)[] = [];
  private readonly codec: KeyCodec;

  /** `distinct`: collect_set. */
  constructor(
    elementType: DataType,
    private readonly resultType: ArrayType,
    private readonly distinct: boolean,
  ) {
    this.codec = new KeyCodec([elementType], distinct ? "collect_set" : "collect_list");
  }

  grow(): void {
    // Per-group lists are JS arrays indexed by group id: nothing to preallocate.
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const codec = this.codec;
    codec.bind([input]);
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (!isValid(input, r)) continue;
      const len = codec.encode(r);
      const bytes = codec.scratch.slice(0, len);
      const g = groupIds[r];
      if (this.distinct && !this.note(g, bytes)) continue;
      (this.values[g] ??= []).push(bytes);
    }
  }

  result(ids: Int32Array): Vector {
    const offsets = new Int32Array(ids.length + 1);
    let count = 0;
    let size = 0;
    for (let i = 0; i < ids.length; i++) {
      const list = this.values[ids[i]] ?? [];
      count += list.length;
      for (const b of list) size += b.length;
      offsets[i + 1] = count;
    }
    const data = new Uint8Array(size);
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    let at = 0;
    let e = 0;
    for (let i = 0; i < ids.length; i++) {
      for (const b of this.values[ids[i]] ?? []) {
        data.set(b, at);
        starts[e] = at;
        at += b.length;
        ends[e++] = at;
      }
    }
    const [child] = this.codec.decode(data, starts, ends, count);
    return { kind: "list", type: this.resultType, length: ids.length, valid: null, offsets, child };
  }

  write(id: number, out: ByteWriter): void {
    const list = this.values[id] ?? [];
    out.u32(list.length);
    for (const b of list) out.lenBytes(b);
  }

  read(id: number, input: ByteReader): void {
    const n = input.u32();
    const list: Uint8Array[] = [];
    this.seen[id] = undefined;
    for (let k = 0; k < n; k++) {
      const [s, e] = input.lenRange();
      const bytes = input.data.slice(s, e);
      list.push(bytes);
      if (this.distinct) this.note(id, bytes);
    }
    this.values[id] = list;
  }

  /** Records `bytes` in group `g`'s set; false when it was there already. */
  private note(g: number, bytes: Uint8Array): boolean {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    const set = (this.seen[g] ??= new Set());
    if (set.has(key)) return false;
    set.add(key);
    return true;
  }
}
