/**
 * `max_by(x, ord)` / `min_by(x, ord)` (Spark's MaxBy/MinBy): the `x` of the row with the largest
 * (smallest) `ord`; rows whose `ord` is null are skipped, and `x` may be null. The first row wins a
 * tie, as Spark's `ord > maxOrd` update keeps it. The input is a struct (x, ord) built by the binder.
 */
import type { Vector } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-types.js";
import { InternalError } from "../../errors.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { ValueSlots } from "./value-slots.js";

export class MaxByAccumulator implements Accumulator {
  private readonly values: ValueSlots;
  private readonly orderings: ValueSlots;

  /** `isMax`: max_by (else min_by). */
  constructor(
    valueType: DataType,
    orderingType: DataType,
    private readonly isMax: boolean,
  ) {
    this.values = new ValueSlots(valueType);
    this.orderings = new ValueSlots(orderingType);
  }

  grow(capacity: number): void {
    this.values.grow(capacity);
    this.orderings.grow(capacity);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null) return;
    if (input.kind !== "struct") throw new InternalError("max_by: expected an (x, ord) struct input");
    const [x, ord] = input.children;
    if (ord.kind === "null") return;
    const sign = this.isMax ? 1 : -1;
    const has = this.orderings.valid;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if ((input.valid !== null && input.valid[r] === 0) || (ord.valid !== null && ord.valid[r] === 0)) continue;
      const g = groupIds[r];
      if (has[g] === 1 && this.orderings.compare(g, ord, r) * sign <= 0) continue;
      this.orderings.assign(g, ord, r);
      this.values.assign(g, x, r);
    }
  }

  result(ids: Int32Array): Vector {
    return this.values.toVector(ids);
  }

  write(id: number, out: ByteWriter): void {
    this.orderings.write(id, out);
    this.values.write(id, out);
  }

  read(id: number, input: ByteReader): void {
    this.orderings.read(id, input);
    this.values.read(id, input);
  }
}
