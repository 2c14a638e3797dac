/**
 * `bitmap_construct_agg(position)` and `bitmap_or_agg(bitmap)` (Spark 3.5): a group's 4,096-byte
 * bitmap with the bit of each position set, or the OR of its bitmaps. Never null: a group with no
 * value has an empty bitmap, as Spark's buffer starts empty.
 */
import type { Vector } from "../../columnar/vector.js";
import { BinaryType } from "../../types/data-types.js";
import { ExecutionError } from "../../errors.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";

const NUM_BYTES = 4096;

export class BitmapAccumulator implements Accumulator {
  private bitmaps: (Uint8Array | undefined)[] = [];

  /** `construct`: set bits from positions (else OR bitmaps). */
  constructor(private readonly construct: boolean) {}

  grow(): void {}

  private of(g: number): Uint8Array {
    let b = this.bitmaps[g];
    if (b === undefined) {
      b = new Uint8Array(NUM_BYTES);
      this.bitmaps[g] = b;
    }
    return b;
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || input.kind === "null") return;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (input.valid !== null && input.valid[r] === 0) continue;
      const bitmap = this.of(groupIds[r]);
      if (this.construct) {
        if (input.kind !== "i64") throw new ExecutionError(`bitmap_construct_agg: expected bigint positions, got ${input.type.typeName}`);
        const p = input.values[r];
        if (p < 0n || p >= BigInt(NUM_BYTES * 8)) {
          throw new ExecutionError(`bitmap_construct_agg: [INVALID_BITMAP_POSITION] The 0-indexed bitmap position ${p} is out of bounds. The bitmap has ${NUM_BYTES * 8} bits (${NUM_BYTES} bytes).`);
        }
        const pos = Number(p);
        bitmap[pos >> 3] |= 1 << (pos & 7);
      } else {
        if (input.kind !== "bytes") throw new ExecutionError(`bitmap_or_agg: expected binary bitmaps, got ${input.type.typeName}`);
        const s = input.offsets[r];
        const len = Math.min(NUM_BYTES, input.offsets[r + 1] - s);
        for (let j = 0; j < len; j++) bitmap[j] |= input.data[s + j];
      }
    }
  }

  result(ids: Int32Array): Vector {
    const n = ids.length;
    const offsets = new Int32Array(n + 1);
    const data = new Uint8Array(n * NUM_BYTES);
    for (let i = 0; i < n; i++) {
      const b = this.bitmaps[ids[i]];
      if (b !== undefined) data.set(b, i * NUM_BYTES);
      offsets[i + 1] = (i + 1) * NUM_BYTES;
    }
    return { kind: "bytes", type: BinaryType(), length: n, valid: null, offsets, data };
  }

  write(id: number, out: ByteWriter): void {
    out.lenBytes(this.bitmaps[id] ?? new Uint8Array(NUM_BYTES));
  }

  read(id: number, input: ByteReader): void {
    const [s, e] = input.lenRange();
    this.bitmaps[id] = input.data.slice(s, e);
  }
}
