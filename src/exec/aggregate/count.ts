/** `count(*)` (every row) and `count(col)` (non-null values). Never null: empty groups count 0. */
import type { Vector } from "../../columnar/vector.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import { LongType } from "../../types/data-types.js";
import type { Accumulator } from "./accumulator.js";
import { grownF64 } from "./accumulator.js";

export class CountAccumulator implements Accumulator {
  /** Counts as doubles: exact up to 2^53 rows and no BigInt on the hot path. */
  private counts = new Float64Array(0);

  grow(capacity: number): void {
    this.counts = grownF64(this.counts, capacity);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    const counts = this.counts;
    const valid = input === null ? null : input.kind === "null" ? new Uint8Array(input.length) : input.valid;
    if (valid === null) {
      if (sel === null) for (let k = 0; k < n; k++) counts[groupIds[k]]++;
      else for (let k = 0; k < n; k++) counts[groupIds[sel[k]]]++;
      return;
    }
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      counts[groupIds[r]] += valid[r];
    }
  }

  result(ids: Int32Array): Vector {
    const out = new BigInt64Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = BigInt(this.counts[ids[i]]);
    return { kind: "i64", type: LongType(), length: ids.length, valid: null, values: out };
  }

  write(id: number, out: ByteWriter): void {
    out.f64(this.counts[id]);
  }

  read(id: number, input: ByteReader): void {
    this.counts[id] = input.f64();
  }
}
