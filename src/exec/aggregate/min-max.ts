/**
 * `min(col)` / `max(col)`: nulls are skipped; null for a group without a non-null value. Ordering
 * is Spark's (see `value-slots.ts`): NaN is the largest double, strings compare by UTF-8 bytes.
 */
import type { Vector } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-types.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { ValueSlots, compareNumbers } from "./value-slots.js";

export class MinMaxAccumulator implements Accumulator {
  private readonly slots: ValueSlots;

  /** `isMax`: keep the largest value (else the smallest). */
  constructor(
    type: DataType,
    private readonly isMax: boolean,
  ) {
    this.slots = new ValueSlots(type);
  }

  grow(capacity: number): void {
    this.slots.grow(capacity);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || input.kind === "null") return;
    const slots = this.slots;
    const has = slots.valid;
    const valid = input.valid;
    const sign = this.isMax ? 1 : -1;
    switch (input.kind) {
      case "i32":
      case "i16":
      case "i8":
      case "f64":
      case "f32":
      case "bool": {
        const xs = input.values;
        const best = slots.num;
        for (let k = 0; k < n; k++) {
          const r = sel === null ? k : sel[k];
          if (valid !== null && valid[r] === 0) continue;
          const g = groupIds[r];
          const x = xs[r];
          if (has[g] === 0 || compareNumbers(x, best[g]) * sign > 0) {
            best[g] = x;
            has[g] = 1;
          }
        }
        return;
      }
      case "i64": {
        // Compare longs by their 32-bit halves: high word signed, then low word unsigned.
        const xh = new Int32Array(input.values.buffer, input.values.byteOffset, input.length * 2);
        const bh = slots.halves;
        for (let k = 0; k < n; k++) {
          const r = sel === null ? k : sel[k];
          if (valid !== null && valid[r] === 0) continue;
          const g = groupIds[r];
          const xhi = xh[2 * r + 1];
          const xlo = xh[2 * r] >>> 0;
          let c = 1;
          if (has[g] === 1) {
            const bhi = bh[2 * g + 1];
            const blo = bh[2 * g] >>> 0;
            c = xhi !== bhi ? (xhi < bhi ? -1 : 1) : xlo === blo ? 0 : xlo < blo ? -1 : 1;
            c *= sign;
          }
          if (c > 0) {
            bh[2 * g] = xh[2 * r];
            bh[2 * g + 1] = xhi;
            has[g] = 1;
          }
        }
        return;
      }
      default:
        for (let k = 0; k < n; k++) {
          const r = sel === null ? k : sel[k];
          if (valid !== null && valid[r] === 0) continue;
          const g = groupIds[r];
          if (has[g] === 0 || slots.compare(g, input, r) * sign > 0) slots.assign(g, input, r);
        }
    }
  }

  result(ids: Int32Array): Vector {
    return this.slots.toVector(ids);
  }

  write(id: number, out: ByteWriter): void {
    this.slots.write(id, out);
  }

  read(id: number, input: ByteReader): void {
    this.slots.read(id, input);
  }
}
