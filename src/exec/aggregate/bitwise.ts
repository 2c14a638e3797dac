/**
 * `bit_and`, `bit_or`, `bit_xor` over an integral column (Spark's BitAndAgg/BitOrAgg/BitXorAgg):
 * nulls are skipped, a group with no value gives null, and the result has the input's type.
 * Values fold as 64-bit integers (BigInt64Array) and narrow on output, which keeps every width exact.
 */
import type { Vector } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-types.js";
import { InternalError } from "../../errors.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import type { Accumulator } from "./accumulator.js";
import { grownI64, grownU8 } from "./accumulator.js";

export type BitwiseOp = "bit_and" | "bit_or" | "bit_xor";

export class BitwiseAccumulator implements Accumulator {
  private values = new BigInt64Array(0);
  private has = new Uint8Array(0);

  constructor(
    private readonly op: BitwiseOp,
    private readonly type: DataType,
  ) {}

  grow(capacity: number): void {
    this.values = grownI64(this.values, capacity);
    this.has = grownU8(this.has, this.values.length);
  }

  update(groupIds: Int32Array, sel: Int32Array | null, n: number, input: Vector | null): void {
    if (input === null || input.kind === "null") return;
    if (input.kind !== "i64" && input.kind !== "i32" && input.kind !== "i16" && input.kind !== "i8") {
      throw new InternalError(`${this.op}: expected an integral column, got ${input.type.typeName}`);
    }
    const xs = input.values;
    const valid = input.valid;
    for (let k = 0; k < n; k++) {
      const r = sel === null ? k : sel[k];
      if (valid !== null && valid[r] === 0) continue;
      const g = groupIds[r];
      const x = BigInt(xs[r]);
      if (this.has[g] === 0) {
        this.values[g] = x;
        this.has[g] = 1;
      } else if (this.op === "bit_and") this.values[g] &= x;
      else if (this.op === "bit_or") this.values[g] |= x;
      else this.values[g] ^= x;
    }
  }

  result(ids: Int32Array): Vector {
    const n = ids.length;
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = this.has[ids[i]];
    const mask = compactMask(valid, n);
    switch (this.type.typeName) {
      case "long": {
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) out[i] = this.values[ids[i]];
        return { kind: "i64", type: this.type, length: n, valid: mask, values: out };
      }
      case "integer": {
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(32, this.values[ids[i]]));
        return { kind: "i32", type: this.type, length: n, valid: mask, values: out };
      }
      case "short": {
        const out = new Int16Array(n);
        for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(16, this.values[ids[i]]));
        return { kind: "i16", type: this.type, length: n, valid: mask, values: out };
      }
      default: {
        const out = new Int8Array(n);
        for (let i = 0; i < n; i++) out[i] = Number(BigInt.asIntN(8, this.values[ids[i]]));
        return { kind: "i8", type: this.type, length: n, valid: mask, values: out };
      }
    }
  }

  write(id: number, out: ByteWriter): void {
    out.u8(this.has[id]);
    out.bigint(this.values[id]);
  }

  read(id: number, input: ByteReader): void {
    this.has[id] = input.u8();
    this.values[id] = input.bigint();
  }
}
