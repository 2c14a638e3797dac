/**
 * One value per group, of any type: what min, max, first and last keep. Atomic types live in typed
 * arrays (or arrays of bigint / byte strings); nested types are kept encoded by the key codec.
 * Ordering (min/max) is Spark's: numbers numerically with NaN above everything and -0.0 = 0.0,
 * strings and binary by unsigned bytes (UTF-8 byte order), false < true.
 */
import type { DataType, DecimalType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { kindOf, compactMask } from "../../columnar/vector.js";
import { BytesBuilder } from "../../columnar/build.js";
import { KeyCodec } from "../../columnar/key-codec.js";
import type { ByteReader, ByteWriter } from "../../state/byte-io.js";
import { InternalError } from "../../errors.js";

type Storage = "num" | "i64" | "bytes" | "decimal" | "encoded";

function storageOf(type: DataType): Storage {
  switch (kindOf(type)) {
    case "i32":
    case "i16":
    case "i8":
    case "f64":
    case "f32":
    case "bool":
      return "num";
    case "i64":
      return "i64";
    case "bytes":
      return "bytes";
    case "decimal":
      return "decimal";
    default:
      return "encoded";
  }
}

/** True when min/max can order values of `type` (atomic types; not struct/array/map). */
export function isOrderable(type: DataType): boolean {
  const s = storageOf(type);
  return s !== "encoded";
}

export class ValueSlots {
  readonly storage: Storage;
  /** 1 when the slot holds a (non-null) value. */
  valid = new Uint8Array(0);
  num = new Float64Array(0);
  i64 = new BigInt64Array(0);
  /** Int32 view of `i64` (low word at 2i, high word at 2i + 1). */
  halves = new Int32Array(0);
  private objects: (Uint8Array | bigint | null)[] = [];
  private readonly codec: KeyCodec | null;

  constructor(readonly type: DataType) {
    this.storage = storageOf(type);
    this.codec = this.storage === "encoded" ? new KeyCodec([type], "aggregate") : null;
  }

  get capacity(): number {
    return this.valid.length;
  }

  /** Grows storage to hold ids < `capacity` (new slots are null). */
  grow(capacity: number): void {
    if (capacity <= this.valid.length) return;
    const n = Math.max(capacity, this.valid.length * 2, 64);
    const valid = new Uint8Array(n);
    valid.set(this.valid);
    this.valid = valid;
    if (this.storage === "num") {
      const a = new Float64Array(n);
      a.set(this.num);
      this.num = a;
    } else if (this.storage === "i64") {
      const a = new BigInt64Array(n);
      a.set(this.i64);
      this.i64 = a;
      this.halves = new Int32Array(a.buffer);
    } else {
      for (let i = this.objects.length; i < n; i++) this.objects.push(null);
    }
  }

  /** Copies `src[row]` (or null) into slot `id`. */
  assign(id: number, src: Vector, row: number): void {
    if (src.kind === "null" || (src.valid !== null && src.valid[row] === 0)) {
      this.valid[id] = 0;
      return;
    }
    this.valid[id] = 1;
    switch (src.kind) {
      case "i32":
      case "i16":
      case "i8":
      case "f64":
      case "f32":
      case "bool":
        this.num[id] = src.values[row];
        return;
      case "i64":
        this.i64[id] = src.values[row];
        return;
      case "bytes":
        this.objects[id] = src.data.slice(src.offsets[row], src.offsets[row + 1]);
        return;
      case "decimal":
        this.objects[id] = src.values[row];
        return;
      default: {
        const codec = this.codecOrThrow();
        codec.bind([src]);
        const len = codec.encode(row);
        this.objects[id] = codec.scratch.slice(0, len);
      }
    }
  }

  /**
   * Sign of `src[row]` compared with slot `id` (both non-null; orderable types only): negative
   * when the input is smaller.
   */
  compare(id: number, src: Vector, row: number): number {
    switch (src.kind) {
      case "i32":
      case "i16":
      case "i8":
      case "f64":
      case "f32":
      case "bool":
        return compareNumbers(src.values[row], this.num[id]);
      case "i64": {
        const a = src.values[row];
        const b = this.i64[id];
        return a < b ? -1 : a > b ? 1 : 0;
      }
      case "bytes": {
        const b = this.objects[id] as Uint8Array;
        return compareBytes(src.data, src.offsets[row], src.offsets[row + 1], b);
      }
      case "decimal": {
        const a = src.values[row];
        const b = this.objects[id] as bigint;
        return a < b ? -1 : a > b ? 1 : 0;
      }
      default:
        throw new InternalError(`aggregate: cannot order values of type ${this.type.typeName}`);
    }
  }

  /** The slots `ids` as a vector of `type`. */
  toVector(ids: Int32Array): Vector {
    const n = ids.length;
    const t = this.type;
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = this.valid[ids[i]];
    const mask = compactMask(valid, n);
    switch (kindOf(t)) {
      case "i32":
      case "i16":
      case "i8":
      case "f64":
      case "f32":
      case "bool": {
        const kind = kindOf(t);
        const Ctor =
          kind === "i32" ? Int32Array : kind === "i16" ? Int16Array : kind === "i8" ? Int8Array : kind === "f64" ? Float64Array : kind === "f32" ? Float32Array : Uint8Array;
        const out = new Ctor(n);
        for (let i = 0; i < n; i++) if (valid[i] === 1) out[i] = this.num[ids[i]];
        return { kind, type: t, length: n, valid: mask, values: out } as Vector;
      }
      case "i64": {
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) if (valid[i] === 1) out[i] = this.i64[ids[i]];
        return { kind: "i64", type: t, length: n, valid: mask, values: out };
      }
      case "bytes": {
        const b = new BytesBuilder(n);
        for (let i = 0; i < n; i++) {
          const v = this.objects[ids[i]];
          if (valid[i] === 1 && v instanceof Uint8Array) b.appendBytes(v, 0, v.length);
          else b.appendNull();
        }
        return b.finish(t);
      }
      case "decimal": {
        const out = new Array<bigint>(n);
        for (let i = 0; i < n; i++) {
          const v = this.objects[ids[i]];
          out[i] = valid[i] === 1 && typeof v === "bigint" ? v : 0n;
        }
        return { kind: "decimal", type: t as DecimalType, length: n, valid: mask, values: out };
      }
      default: {
        // Encoded nested values: decode them all at once; a null slot decodes from a null tag.
        const parts: Uint8Array[] = [];
        let total = 0;
        for (let i = 0; i < n; i++) {
          const v = this.objects[ids[i]];
          const bytes = valid[i] === 1 && v instanceof Uint8Array ? v : NULL_KEY;
          parts.push(bytes);
          total += bytes.length;
        }
        const data = new Uint8Array(total);
        const starts = new Int32Array(n);
        const ends = new Int32Array(n);
        let at = 0;
        for (let i = 0; i < n; i++) {
          data.set(parts[i], at);
          starts[i] = at;
          at += parts[i].length;
          ends[i] = at;
        }
        return this.codecOrThrow().decode(data, starts, ends, n)[0];
      }
    }
  }

  /** Appends slot `id` to a state value. */
  write(id: number, w: ByteWriter): void {
    if (this.valid[id] === 0) {
      w.u8(0);
      return;
    }
    w.u8(1);
    const v = this.objects[id];
    switch (this.storage) {
      case "num":
        w.f64(this.num[id]);
        return;
      case "i64":
        w.i64(this.i64[id]);
        return;
      case "decimal":
        w.bigint(typeof v === "bigint" ? v : 0n);
        return;
      default:
        if (v instanceof Uint8Array) w.lenBytes(v);
        else throw new InternalError(`aggregate: slot ${id} is valid but holds no bytes`);
    }
  }

  /** Restores slot `id` from a state value. */
  read(id: number, r: ByteReader): void {
    const tag = r.u8();
    if (tag > 1) throw r.corrupt(`bad value tag ${tag}`);
    this.valid[id] = tag;
    if (tag === 0) return;
    switch (this.storage) {
      case "num":
        this.num[id] = r.f64();
        return;
      case "i64":
        this.i64[id] = r.i64();
        return;
      case "decimal":
        this.objects[id] = r.bigint();
        return;
      default: {
        const [s, e] = r.lenRange();
        this.objects[id] = r.data.slice(s, e);
      }
    }
  }

  private codecOrThrow(): KeyCodec {
    if (this.codec === null) throw new InternalError(`aggregate: no codec for type ${this.type.typeName}`);
    return this.codec;
  }
}

const NULL_KEY = Uint8Array.of(0);

/** Spark's double ordering: NaN is the largest value and equals itself; -0.0 equals 0.0. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an === bn ? 0 : an ? 1 : -1;
}

/** Unsigned byte order of `a[s, e)` against all of `b`. */
export function compareBytes(a: Uint8Array, s: number, e: number, b: Uint8Array): number {
  const la = e - s;
  const n = Math.min(la, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[s + i] - b[i];
    if (d !== 0) return d;
  }
  return la - b.length;
}
