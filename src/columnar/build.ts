/**
 * Building vectors: from JavaScript values (literals, the memory source, tests) and growable
 * builders for kernels that do not know their output size up front.
 */
import type { CalendarIntervalValue, DataType, StructType, DecimalType } from "../types/data-types.js";
import { encodeCalendar } from "./calendar-interval.js";
import { ExecutionError } from "../errors.js";
import type { Batch } from "./batch.js";
import { makeBatch } from "./batch.js";
import { kindOf, compactMask } from "./vector.js";
import type { Vector, BytesVector, ValidityMask } from "./vector.js";
import { encodeUtf8 } from "./utf8.js";

const MICROS_PER_MS = 1000n;
const MS_PER_DAY = 86_400_000;

/** A vector of `length` nulls of the given type. */
export function nullVector(type: DataType, length: number): Vector {
  const valid = new Uint8Array(length);
  switch (kindOf(type)) {
    case "i64":
      return { kind: "i64", type, length, valid, values: new BigInt64Array(length) };
    case "i32":
      return { kind: "i32", type, length, valid, values: new Int32Array(length) };
    case "i16":
      return { kind: "i16", type, length, valid, values: new Int16Array(length) };
    case "i8":
      return { kind: "i8", type, length, valid, values: new Int8Array(length) };
    case "f64":
      return { kind: "f64", type, length, valid, values: new Float64Array(length) };
    case "f32":
      return { kind: "f32", type, length, valid, values: new Float32Array(length) };
    case "bool":
      return { kind: "bool", type, length, valid, values: new Uint8Array(length) };
    case "bytes":
      return { kind: "bytes", type, length, valid, offsets: new Int32Array(length + 1), data: new Uint8Array(0) };
    case "decimal":
      return { kind: "decimal", type: type as DecimalType, length, valid, values: new Array<bigint>(length).fill(0n) };
    case "null":
      return { kind: "null", type, length, valid: null };
    case "struct": {
      const st = type as StructType;
      return { kind: "struct", type: st, length, valid, children: st.fields.map((f) => nullVector(f.dataType, length)) };
    }
    case "list": {
      if (type.typeName !== "array") break;
      return { kind: "list", type, length, valid, offsets: new Int32Array(length + 1), child: nullVector(type.elementType, 0) };
    }
    case "map": {
      if (type.typeName !== "map") break;
      return {
        kind: "map",
        type,
        length,
        valid,
        offsets: new Int32Array(length + 1),
        keys: nullVector(type.keyType, 0),
        items: nullVector(type.valueType, 0),
      };
    }
  }
  throw new ExecutionError(`vector: cannot build a vector of type ${type.typeName}`);
}

/**
 * Builds a vector from JavaScript values (`null`/`undefined` are null). Accepted inputs per type:
 * string → string; long → bigint | number | numeric string; integer/short/byte/double/float → number;
 * boolean → boolean; binary → Uint8Array | string; timestamp → Date | bigint (µs) | ISO string;
 * date → Date | ISO date string | number (days); decimal → bigint (unscaled) | number | string;
 * array → array; map → Map | plain object; struct → plain object by field name. Values are trusted
 * (literals, partition values, tests): one out of its type's range is not checked here; rows from
 * users are checked by `batchFromCheckedRows` (`row-values.ts`) first.
 */
export function vectorFromValues(type: DataType, values: readonly unknown[]): Vector {
  const n = values.length;
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) valid[i] = values[i] === null || values[i] === undefined ? 0 : 1;
  const mask = compactMask(valid, n);
  const present = (i: number) => valid[i] === 1;
  switch (type.typeName) {
    case "long":
    case "timestamp":
    case "timestamp_ntz":
    case "daytimeinterval": {
      const out = new BigInt64Array(n);
      const micros = type.typeName === "timestamp" || type.typeName === "timestamp_ntz";
      for (let i = 0; i < n; i++) if (present(i)) out[i] = micros ? toMicros(values[i]) : toBigInt(values[i]);
      return { kind: "i64", type, length: n, valid: mask, values: out };
    }
    case "integer":
    case "date":
    case "yearmonthinterval": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) if (present(i)) out[i] = type.typeName === "date" ? toDays(values[i]) : Number(values[i]);
      return { kind: "i32", type, length: n, valid: mask, values: out };
    }
    case "interval": {
      // 16-byte slots (calendar-interval.ts): a CalendarIntervalValue or the encoded bytes.
      const b = new BytesBuilder(n, n * 16);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!present(i)) b.appendNull();
        else if (v instanceof Uint8Array) b.appendBytes(v, 0, v.length);
        else {
          const c = v as CalendarIntervalValue;
          b.appendBytes(encodeCalendar(c.months, c.days, BigInt(c.microseconds)), 0, 16);
        }
      }
      return b.finish(type);
    }
    case "short": {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) if (present(i)) out[i] = Number(values[i]);
      return { kind: "i16", type, length: n, valid: mask, values: out };
    }
    case "byte": {
      const out = new Int8Array(n);
      for (let i = 0; i < n; i++) if (present(i)) out[i] = Number(values[i]);
      return { kind: "i8", type, length: n, valid: mask, values: out };
    }
    case "double": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) if (present(i)) out[i] = Number(values[i]);
      return { kind: "f64", type, length: n, valid: mask, values: out };
    }
    case "float": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) if (present(i)) out[i] = Number(values[i]);
      return { kind: "f32", type, length: n, valid: mask, values: out };
    }
    case "boolean": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (present(i)) out[i] = values[i] ? 1 : 0;
      return { kind: "bool", type, length: n, valid: mask, values: out };
    }
    case "string":
    case "binary": {
      const b = new BytesBuilder(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!present(i)) b.appendNull();
        else if (v instanceof Uint8Array) b.appendBytes(v, 0, v.length);
        else b.appendString(String(v));
      }
      return b.finish(type);
    }
    case "decimal": {
      const out = new Array<bigint>(n);
      for (let i = 0; i < n; i++) out[i] = present(i) ? toUnscaled(values[i], type.scale) : 0n;
      return { kind: "decimal", type, length: n, valid: mask, values: out };
    }
    case "null":
      return { kind: "null", type, length: n, valid: null };
    case "struct": {
      const children = type.fields.map((f) =>
        vectorFromValues(
          f.dataType,
          values.map((v) => (v === null || v === undefined ? null : (v as Record<string, unknown>)[f.name])),
        ),
      );
      return { kind: "struct", type, length: n, valid: mask, children };
    }
    case "array": {
      const offsets = new Int32Array(n + 1);
      const flat: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (present(i)) {
          if (!Array.isArray(v)) throw new ExecutionError(`vector: expected an array for type array, got ${typeof v}`);
          for (const e of v) flat.push(e);
        }
        offsets[i + 1] = flat.length;
      }
      return { kind: "list", type, length: n, valid: mask, offsets, child: vectorFromValues(type.elementType, flat) };
    }
    case "map": {
      const offsets = new Int32Array(n + 1);
      const ks: unknown[] = [];
      const vs: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (present(i)) {
          const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
          for (const [k, x] of entries) {
            ks.push(k);
            vs.push(x);
          }
        }
        offsets[i + 1] = ks.length;
      }
      return {
        kind: "map",
        type,
        length: n,
        valid: mask,
        offsets,
        keys: vectorFromValues(type.keyType, ks),
        items: vectorFromValues(type.valueType, vs),
      };
    }
  }
}

/**
 * Builds a batch from row objects keyed by field name whose values are already right for the
 * schema (as {@link vectorFromValues} takes them). Rows from users go through
 * `batchFromCheckedRows` (`row-values.ts`), which checks every value first.
 */
export function batchFromRows(schema: StructType, rows: readonly Record<string, unknown>[]): Batch {
  return makeBatch(
    schema,
    schema.fields.map((f) => vectorFromValues(f.dataType, rows.map((r) => r[f.name]))),
    rows.length,
  );
}

/** Growable builder for `bytes` vectors (string, binary). */
export class BytesBuilder {
  private offsets: Int32Array;
  private data: Uint8Array;
  private valid: Uint8Array;
  private count = 0;
  private size = 0;
  private nulls = 0;

  constructor(capacity = 1024, byteCapacity = capacity * 16) {
    this.offsets = new Int32Array(capacity + 1);
    this.valid = new Uint8Array(capacity);
    this.data = new Uint8Array(Math.max(64, byteCapacity));
  }

  get length(): number {
    return this.count;
  }

  appendNull(): void {
    this.reserveSlot();
    this.valid[this.count] = 0;
    this.nulls++;
    this.count++;
    this.offsets[this.count] = this.size;
  }

  appendBytes(src: Uint8Array, start: number, end: number): void {
    this.reserveSlot();
    const len = end - start;
    this.reserveBytes(len);
    copyBytes(src, start, end, this.data, this.size);
    this.size += len;
    this.valid[this.count] = 1;
    this.count++;
    this.offsets[this.count] = this.size;
  }

  /** Adds bytes to the value being built from pieces; {@link commitValue} ends it. */
  appendPiece(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    this.reserveBytes(len);
    copyBytes(src, start, end, this.data, this.size);
    this.size += len;
  }

  /** Adds `count` copies of one byte to the value being built from pieces. */
  appendRepeated(byte: number, count: number): void {
    if (count <= 0) return;
    this.reserveBytes(count);
    this.data.fill(byte, this.size, this.size + count);
    this.size += count;
  }

  /** Ends the value made of the pieces appended since the previous slot (possibly none: ""). */
  commitValue(): void {
    this.reserveSlot();
    this.valid[this.count] = 1;
    this.count++;
    this.offsets[this.count] = this.size;
  }

  appendString(s: string): void {
    // Worst case 3 bytes per UTF-16 unit.
    this.reserveSlot();
    this.reserveBytes(s.length * 3);
    const written = encoder.encodeInto(s, this.data.subarray(this.size)).written;
    this.size += written;
    this.valid[this.count] = 1;
    this.count++;
    this.offsets[this.count] = this.size;
  }

  finish(type: DataType): BytesVector {
    const n = this.count;
    const valid: ValidityMask = this.nulls === 0 ? null : this.valid.slice(0, n);
    return { kind: "bytes", type, length: n, valid, offsets: this.offsets.slice(0, n + 1), data: this.data.slice(0, this.size) };
  }

  private reserveSlot(): void {
    if (this.count + 1 >= this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const v = new Uint8Array(this.valid.length * 2);
      v.set(this.valid);
      this.valid = v;
    }
  }

  private reserveBytes(extra: number): void {
    if (this.size + extra > this.data.length) {
      const d = new Uint8Array(Math.max(this.data.length * 2, this.size + extra));
      d.set(this.data.subarray(0, this.size));
      this.data = d;
    }
  }
}

const encoder = new TextEncoder();

/**
 * Copies `src[start, end)` to `dst` at `at`. Short runs (most strings) copy in a loop: a
 * `subarray` view per value costs more than the bytes it moves.
 */
function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start > 48) {
    dst.set(src.subarray(start, end), at);
    return;
  }
  for (let k = start; k < end; k++) dst[at++] = src[k];
}

function toBigInt(v: unknown): bigint {
  if (typeof v === "bigint") return BigInt.asIntN(64, v);
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (typeof v === "string") return BigInt(v);
  throw new ExecutionError(`vector: cannot read ${typeof v} as long`);
}

function toMicros(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (v instanceof Date) return BigInt(v.getTime()) * MICROS_PER_MS;
  if (typeof v === "string") {
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) throw new ExecutionError(`vector: cannot read '${v}' as timestamp`);
    return BigInt(ms) * MICROS_PER_MS;
  }
  if (typeof v === "number") return BigInt(Math.trunc(v)) * MICROS_PER_MS;
  throw new ExecutionError(`vector: cannot read ${typeof v} as timestamp`);
}

function toDays(v: unknown): number {
  if (typeof v === "number") return v;
  if (v instanceof Date) return Math.floor(v.getTime() / MS_PER_DAY);
  if (typeof v === "string") {
    const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
    if (Number.isNaN(ms)) throw new ExecutionError(`vector: cannot read '${v}' as date`);
    return Math.floor(ms / MS_PER_DAY);
  }
  throw new ExecutionError(`vector: cannot read ${typeof v} as date`);
}

function toUnscaled(v: unknown, scale: number): bigint {
  if (typeof v === "bigint") return v;
  const s = String(v);
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (m === null) throw new ExecutionError(`vector: cannot read '${s}' as decimal`);
  const frac = (m[3] ?? "").padEnd(scale, "0").slice(0, scale);
  const digits = `${m[2] || "0"}${frac}`;
  const u = BigInt(digits);
  return m[1] === "-" ? -u : u;
}

/** Encodes a string to a single-slot bytes vector's data (helper for literals). */
export function stringBytes(s: string): Uint8Array {
  return encodeUtf8(s);
}
