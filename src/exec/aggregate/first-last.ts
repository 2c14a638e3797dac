/**
 * `first(col[, ignoreNulls])` / `last(col[, ignoreNulls])`: the value of the first / last row of
 * the group in input order (across micro-batches, in batch order). Without `ignoreNulls` that
 * value may be null; with it, the first / last non-null value (null when there is none).
 */
import type { Vector } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { grownU8 } from "./accumulator.js";
import { ValueSlots } from "./value-slots.js";

export class FirstLastAccumulator implements Accumulator {
  private readonly slots: ValueSlots;
  private seen = new Uint8Array(0);

  constructor(
    type: DataType,
    private readonly isLast: boolean,
    private readonly ignoreNulls: boolean,
  ) {
    this.slots = new ValueSlots(type);
  }

  grow(capacity: number): void {
    this.slots.grow(capacity);
    this.seen = grownU8(this.seen, this.slots.capacity);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    const valid = input.kind === "null" ? new Uint8Array(input.length) : input.valid;
    const seen = this.seen;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (this.ignoreNulls && valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      if (!this.isLast && seen[g] === 1) continue;
      this.slots.assign(g, input, r);
      seen[g] = 1;
    }
  }

  result(ids: Int32Array): Vector {
    return this.slots.toVector(ids);
  }

  write(id: number, out: ByteWriter): void {
    out.u8(this.seen[id]);
    this.slots.write(id, out);
  }

  read(id: number, input: ByteReader): void {
    this.seen[id] = input.u8();
    this.slots.read(id, input);
  }
}
