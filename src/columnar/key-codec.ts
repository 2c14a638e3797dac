/**
 * Encodes the key columns of a row (grouping keys, dropDuplicates columns) into a byte string, and
 * decodes byte strings back into vectors. Two rows get equal bytes exactly when Spark groups them
 * together: null is a value of its own, every NaN is the same value, and -0.0 equals 0.0.
 *
 * Encoding (stable: it is what state files hold as keys):
 * - Every field is a tag byte, 0 = null (nothing follows) or 1 = value, then the value:
 *   long/timestamp 8 bytes, integer/date 4, short 2, byte 1, boolean 1, double 8, float 4 (all
 *   little-endian; floats normalized: -0.0 → 0.0, every NaN → the canonical quiet NaN);
 *   decimal: the unscaled value as 16 bytes two's complement; string/binary: u32 length then the
 *   bytes, except the last top-level field, whose bytes run to the end of the key (no length);
 *   struct: its fields in order; array: u32 element count then each element.
 * - Keys are the fields of the key columns concatenated; zero key columns give the empty key.
 * So a single string key column is `[tag] ++ utf8 bytes`: callers hash and look it up in place.
 * Map-typed keys are rejected, as Spark does.
 */
import type { DataType, DecimalType } from "../types/data-types.js";
import { AnalysisError, CorruptCheckpointError } from "../errors.js";
import type { Vector } from "./vector.js";
import { kindOf, compactMask } from "./vector.js";
import { BytesBuilder, vectorFromValues } from "./build.js";

/** Checks that `type` can be a grouping or deduplication key; throws `AnalysisError` if not. */
export function checkKeyType(type: DataType, what: string): void {
  if (type.typeName === "map") throw new AnalysisError(`${what}: map type cannot be a grouping or deduplication key`);
  if (type.typeName === "struct") for (const f of type.fields) checkKeyType(f.dataType, what);
  if (type.typeName === "array") checkKeyType(type.elementType, what);
}

export class KeyCodec {
  /** True when the key is a single top-level string/binary column (hashable in place). */
  readonly singleBytes: boolean;
  private readonly types: readonly DataType[];
  private buf: Uint8Array;
  private dv: DataView;
  private at = 0;
  private columns: readonly Vector[] = [];
  /** Per bound top-level i64 column: an Int32 view of its values (avoids a BigInt per row). */
  private halves: (Int32Array | null)[] = [];
  /** Per bound top-level struct whose fields are all i64: an Int32 view of each field. */
  private structHalves: (Int32Array[] | null)[] = [];

  /** `types`: one per key column; `what` names the operator in errors. */
  constructor(types: readonly DataType[], what: string) {
    for (const t of types) checkKeyType(t, what);
    this.types = types;
    this.singleBytes = types.length === 1 && kindOf(types[0]) === "bytes";
    this.buf = new Uint8Array(256);
    this.dv = new DataView(this.buf.buffer);
  }

  /** The scratch buffer `encode` writes into (its first `length` bytes are the key). */
  get scratch(): Uint8Array {
    return this.buf;
  }

  /** Binds the key columns of a batch (one vector per key type) for `encode`. */
  bind(columns: readonly Vector[]): void {
    this.columns = columns;
    this.halves = columns.map((c) => (c.kind === "i64" ? new Int32Array(c.values.buffer, c.values.byteOffset, c.length * 2) : null));
    // A struct of longs/timestamps (a time window's `start`/`end`) is encoded field by field from
    // 32-bit views as well: reading a BigInt64Array element allocates.
    this.structHalves = columns.map((c) =>
      c.kind === "struct" && c.children.length > 0 && c.children.every((x) => x.kind === "i64")
        ? c.children.map((x) => (x.kind === "i64" ? new Int32Array(x.values.buffer, x.values.byteOffset, x.length * 2) : new Int32Array(0)))
        : null,
    );
  }

  /** Encodes row `row` of the bound columns into `scratch`; returns the key's length in bytes. */
  encode(row: number): number {
    this.at = 0;
    const cols = this.columns;
    const last = cols.length - 1;
    for (let c = 0; c <= last; c++) {
      const v = cols[c];
      const h = this.halves[c];
      const sh = this.structHalves[c];
      if (sh !== null && v.kind === "struct") {
        this.reserve(1 + 9 * sh.length);
        if (v.valid !== null && v.valid[row] === 0) {
          this.buf[this.at++] = 0;
          continue;
        }
        this.buf[this.at++] = 1;
        for (let f = 0; f < sh.length; f++) {
          const child = v.children[f];
          if (child.valid !== null && child.valid[row] === 0) {
            this.buf[this.at++] = 0;
          } else {
            this.buf[this.at++] = 1;
            this.dv.setInt32(this.at, sh[f][2 * row], true);
            this.dv.setInt32(this.at + 4, sh[f][2 * row + 1], true);
            this.at += 8;
          }
        }
      } else if (h !== null && v.kind === "i64") {
        this.reserve(9);
        if (v.valid !== null && v.valid[row] === 0) {
          this.buf[this.at++] = 0;
        } else {
          this.buf[this.at++] = 1;
          this.dv.setInt32(this.at, h[2 * row], true);
          this.dv.setInt32(this.at + 4, h[2 * row + 1], true);
          this.at += 8;
        }
      } else {
        this.writeField(v, row, c === last);
      }
    }
    return this.at;
  }

  /**
   * Decodes keys `data[starts[i], ends[i])` into one vector per key column. Throws
   * `CorruptCheckpointError` if a key is malformed (keys come from state files).
   */
  decode(data: Uint8Array, starts: Int32Array, ends: Int32Array, count: number): Vector[] {
    const r = new KeyReader(data);
    const n = count;
    const ncols = this.types.length;
    const sinks = this.types.map((t) => new ColumnSink(t, n));
    for (let i = 0; i < n; i++) {
      r.pos = starts[i];
      r.end = ends[i];
      for (let c = 0; c < ncols; c++) sinks[c].read(r, i, c === ncols - 1);
      if (r.pos !== r.end) throw r.corrupt();
    }
    return sinks.map((s) => s.finish());
  }

  private reserve(extra: number): void {
    if (this.at + extra <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.at + extra));
    b.set(this.buf.subarray(0, this.at));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  private writeField(v: Vector, i: number, lastTop: boolean): void {
    this.reserve(1);
    if (v.kind === "null" || (v.valid !== null && v.valid[i] === 0)) {
      this.buf[this.at++] = 0;
      return;
    }
    this.buf[this.at++] = 1;
    switch (v.kind) {
      case "i64":
        this.reserve(8);
        this.dv.setBigInt64(this.at, v.values[i], true);
        this.at += 8;
        return;
      case "i32":
        this.reserve(4);
        this.dv.setInt32(this.at, v.values[i], true);
        this.at += 4;
        return;
      case "i16":
        this.reserve(2);
        this.dv.setInt16(this.at, v.values[i], true);
        this.at += 2;
        return;
      case "i8":
      case "bool":
        this.reserve(1);
        this.dv.setInt8(this.at, v.values[i]);
        this.at += 1;
        return;
      case "f64": {
        this.reserve(8);
        const x = v.values[i];
        this.dv.setFloat64(this.at, x === 0 ? 0 : Number.isNaN(x) ? NaN : x, true);
        this.at += 8;
        return;
      }
      case "f32": {
        this.reserve(4);
        const x = v.values[i];
        this.dv.setFloat32(this.at, x === 0 ? 0 : Number.isNaN(x) ? NaN : x, true);
        this.at += 4;
        return;
      }
      case "decimal": {
        this.reserve(16);
        const x = v.values[i];
        this.dv.setBigUint64(this.at, BigInt.asUintN(64, x), true);
        this.dv.setBigInt64(this.at + 8, BigInt.asIntN(64, x >> 64n), true);
        this.at += 16;
        return;
      }
      case "bytes": {
        const s = v.offsets[i];
        const e = v.offsets[i + 1];
        this.reserve(e - s + 4);
        if (!lastTop) {
          this.dv.setUint32(this.at, e - s, true);
          this.at += 4;
        }
        const b = this.buf;
        const d = v.data;
        let at = this.at;
        for (let k = s; k < e; k++) b[at++] = d[k];
        this.at = at;
        return;
      }
      case "struct":
        for (const child of v.children) this.writeField(child, i, false);
        return;
      case "list": {
        const s = v.offsets[i];
        const e = v.offsets[i + 1];
        this.reserve(4);
        this.dv.setUint32(this.at, e - s, true);
        this.at += 4;
        for (let k = s; k < e; k++) this.writeField(v.child, k, false);
        return;
      }
      case "map":
        throw new AnalysisError("key encoding: map type cannot be a grouping or deduplication key");
    }
  }
}

/** Sequential reader over one key. */
class KeyReader {
  readonly dv: DataView;
  pos = 0;
  end = 0;
  constructor(readonly data: Uint8Array) {
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  need(n: number): void {
    if (this.pos + n > this.end) throw this.corrupt();
  }
  corrupt(): CorruptCheckpointError {
    return new CorruptCheckpointError(`key decoding: malformed key of ${this.end} bytes (read past position ${this.pos})`);
  }
  tag(): boolean {
    this.need(1);
    const t = this.data[this.pos++];
    if (t > 1) throw this.corrupt();
    return t === 1;
  }
  /** A value as `vectorFromValues` accepts it (nested keys only; not a hot path). */
  value(type: DataType, lastTop: boolean): unknown {
    if (!this.tag()) return null;
    const dv = this.dv;
    const p = this.pos;
    switch (type.typeName) {
      case "long":
      case "timestamp":
        this.need(8);
        this.pos += 8;
        return dv.getBigInt64(p, true);
      case "integer":
      case "date":
        this.need(4);
        this.pos += 4;
        return dv.getInt32(p, true);
      case "short":
        this.need(2);
        this.pos += 2;
        return dv.getInt16(p, true);
      case "byte":
        this.need(1);
        this.pos += 1;
        return dv.getInt8(p);
      case "boolean":
        this.need(1);
        this.pos += 1;
        return dv.getInt8(p) !== 0;
      case "double":
        this.need(8);
        this.pos += 8;
        return dv.getFloat64(p, true);
      case "float":
        this.need(4);
        this.pos += 4;
        return dv.getFloat32(p, true);
      case "decimal":
        this.need(16);
        this.pos += 16;
        return (dv.getBigInt64(p + 8, true) << 64n) | dv.getBigUint64(p, true);
      case "string":
      case "binary": {
        const [s, e] = this.bytesRange(lastTop);
        const bytes = this.data.slice(s, e);
        return type.typeName === "binary" ? bytes : new TextDecoder().decode(bytes);
      }
      case "null":
        return null;
      case "struct": {
        const o: Record<string, unknown> = {};
        for (const f of type.fields) o[f.name] = this.value(f.dataType, false);
        return o;
      }
      case "array": {
        this.need(4);
        const n = dv.getUint32(p, true);
        this.pos += 4;
        const out: unknown[] = [];
        for (let k = 0; k < n; k++) out.push(this.value(type.elementType, false));
        return out;
      }
      case "map":
        throw this.corrupt();
    }
  }
  bytesRange(lastTop: boolean): [number, number] {
    if (lastTop) {
      const s = this.pos;
      this.pos = this.end;
      return [s, this.end];
    }
    this.need(4);
    const len = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    this.need(len);
    const s = this.pos;
    this.pos += len;
    return [s, s + len];
  }
}

/** Collects one decoded key column into a vector. */
class ColumnSink {
  private readonly valid: Uint8Array;
  private readonly fixed: BigInt64Array | Int32Array | Int16Array | Int8Array | Float64Array | Float32Array | Uint8Array | null;
  private readonly bytes: BytesBuilder | null;
  private readonly decimals: bigint[] | null;
  private readonly values: unknown[] | null;

  constructor(
    private readonly type: DataType,
    private readonly n: number,
  ) {
    this.valid = new Uint8Array(n);
    const kind = kindOf(type);
    this.fixed =
      kind === "i64"
        ? new BigInt64Array(n)
        : kind === "i32"
          ? new Int32Array(n)
          : kind === "i16"
            ? new Int16Array(n)
            : kind === "i8"
              ? new Int8Array(n)
              : kind === "f64"
                ? new Float64Array(n)
                : kind === "f32"
                  ? new Float32Array(n)
                  : kind === "bool"
                    ? new Uint8Array(n)
                    : null;
    this.bytes = kind === "bytes" ? new BytesBuilder(n) : null;
    this.decimals = kind === "decimal" ? new Array<bigint>(n).fill(0n) : null;
    this.values = kind === "struct" || kind === "list" ? new Array<unknown>(n) : null;
  }

  read(r: KeyReader, i: number, lastTop: boolean): void {
    if (this.values !== null) {
      this.values[i] = r.value(this.type, lastTop);
      return;
    }
    if (this.type.typeName === "null") {
      if (r.tag()) throw r.corrupt();
      return;
    }
    if (!r.tag()) {
      if (this.bytes !== null) this.bytes.appendNull();
      return;
    }
    this.valid[i] = 1;
    const dv = r.dv;
    const p = r.pos;
    const f = this.fixed;
    if (f instanceof BigInt64Array) {
      r.need(8);
      f[i] = dv.getBigInt64(p, true);
      r.pos += 8;
    } else if (f instanceof Int32Array) {
      r.need(4);
      f[i] = dv.getInt32(p, true);
      r.pos += 4;
    } else if (f instanceof Int16Array) {
      r.need(2);
      f[i] = dv.getInt16(p, true);
      r.pos += 2;
    } else if (f instanceof Int8Array || f instanceof Uint8Array) {
      r.need(1);
      f[i] = dv.getInt8(p);
      r.pos += 1;
    } else if (f instanceof Float64Array) {
      r.need(8);
      f[i] = dv.getFloat64(p, true);
      r.pos += 8;
    } else if (f instanceof Float32Array) {
      r.need(4);
      f[i] = dv.getFloat32(p, true);
      r.pos += 4;
    } else if (this.bytes !== null) {
      const [s, e] = r.bytesRange(lastTop);
      this.bytes.appendBytes(r.data, s, e);
    } else if (this.decimals !== null) {
      r.need(16);
      this.decimals[i] = (dv.getBigInt64(p + 8, true) << 64n) | dv.getBigUint64(p, true);
      r.pos += 16;
    }
  }

  finish(): Vector {
    const t = this.type;
    const n = this.n;
    if (this.values !== null) return vectorFromValues(t, this.values);
    const valid = compactMask(this.valid, n);
    if (this.bytes !== null) return this.bytes.finish(t);
    if (this.decimals !== null) return { kind: "decimal", type: t as DecimalType, length: n, valid, values: this.decimals };
    const f = this.fixed;
    if (f instanceof BigInt64Array) return { kind: "i64", type: t, length: n, valid, values: f };
    if (f instanceof Int32Array) return { kind: "i32", type: t, length: n, valid, values: f };
    if (f instanceof Int16Array) return { kind: "i16", type: t, length: n, valid, values: f };
    if (f instanceof Int8Array) return { kind: "i8", type: t, length: n, valid, values: f };
    if (f instanceof Float64Array) return { kind: "f64", type: t, length: n, valid, values: f };
    if (f instanceof Float32Array) return { kind: "f32", type: t, length: n, valid, values: f };
    if (f instanceof Uint8Array) return { kind: "bool", type: t, length: n, valid, values: f };
    return { kind: "null", type: t, length: n, valid: null };
  }
}
