/**
 * Column builders the JSON scanner writes into: one per schema node, addressed by slot (row or
 * element index), so values are written in place with no intermediate row objects.
 *
 * Slot rules, which let the scanner handle duplicate keys, nulls and rolled-back records:
 * - fixed-width kinds: writing slot r sets `values[r]` and `valid[r] = 1`; {@link ColumnBuilder.clearSlot} sets it null;
 * - variable-width kinds (bytes, list, map) keep `offs[r]..offs[r+1]` and a `lastSlot`: writing slot r
 *   again (a duplicate key) or clearing it rewinds to `offs[r]`, so only the last write survives.
 * Slots must be written in non-decreasing order, except that a slot may be rewritten or cleared.
 */
import type { DataType, DecimalType, StructType } from "../../types/data-types.js";
import type { Vector, ValidityMask } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import { InternalError } from "../../errors.js";
import { StringType } from "../../types/data-types.js";
import { intervalsFromText } from "../../columnar/interval-text.js";
import { castNtz } from "../eval/timestamp-ntz-cast.js";
import { UTC } from "../../columnar/time-zone.js";
import type { FieldLookup } from "./field-lookup.js";

/** Builder kinds (numeric so the scanner's switch stays monomorphic). */
export const K_STRING = 0;
export const K_LONG = 1;
export const K_INT = 2;
export const K_SHORT = 3;
export const K_BYTE = 4;
export const K_DOUBLE = 5;
export const K_FLOAT = 6;
export const K_BOOL = 7;
export const K_DECIMAL = 8;
export const K_TIMESTAMP = 9;
export const K_DATE = 10;
export const K_BINARY = 11;
export const K_STRUCT = 12;
export const K_LIST = 13;
export const K_MAP = 14;
export const K_NULL = 15;

const EMPTY_I32 = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);

/** A growable column of one data type. */
export class ColumnBuilder {
  readonly code: number;
  readonly type: DataType;
  capacity: number;
  valid: Uint8Array;
  /** 64-bit values as pairs of 32-bit words (little endian), so longs are written without BigInts. */
  words: Int32Array = EMPTY_I32;
  i32: Int32Array = EMPTY_I32;
  i16: Int16Array = new Int16Array(0);
  i8: Int8Array = new Int8Array(0);
  f64: Float64Array = new Float64Array(0);
  f32: Float32Array = new Float32Array(0);
  u8: Uint8Array = EMPTY_U8;
  dec: bigint[] = [];
  /** Variable-width kinds: slot start offsets (capacity + 1 entries). */
  offs: Int32Array = EMPTY_I32;
  /** Variable-width kinds: bytes written (bytes) or child slots used (list, map). */
  pos = 0;
  /** Variable-width kinds: the highest slot whose end offset is recorded. */
  lastSlot = -1;
  /** Bytes kinds: the UTF-8 data. */
  bytes: Uint8Array = EMPTY_U8;
  readonly children: ColumnBuilder[];
  readonly child: ColumnBuilder | null;
  readonly keys: ColumnBuilder | null;
  /** Struct kinds: the key → field lookup, set by the scanner. */
  lookup: FieldLookup | null = null;

  constructor(type: DataType, capacity: number) {
    this.type = type;
    this.code = codeOf(type);
    this.capacity = Math.max(1, capacity);
    this.valid = new Uint8Array(this.capacity);
    this.children = type.typeName === "struct" ? type.fields.map((f) => new ColumnBuilder(f.dataType, capacity)) : [];
    this.child =
      type.typeName === "array" ? new ColumnBuilder(type.elementType, 16) : type.typeName === "map" ? new ColumnBuilder(type.valueType, 16) : null;
    this.keys = type.typeName === "map" ? new ColumnBuilder(type.keyType, 16) : null;
    this.allocate(this.capacity);
    // Start small: the first growth projects the column's final size (see reserveBytes).
    if (this.code === K_STRING || this.code === K_BINARY) this.bytes = new Uint8Array(Math.max(256, Math.min(capacity * 32, 1 << 16)));
  }

  /** Makes room for slot `slot` (capacity grows geometrically). */
  ensure(slot: number): void {
    if (slot < this.capacity) return;
    let cap = this.capacity * 2;
    while (cap <= slot) cap *= 2;
    const v = new Uint8Array(cap);
    v.set(this.valid);
    this.valid = v;
    this.allocate(cap);
    for (const c of this.children) c.ensure(cap - 1);
    this.capacity = cap;
  }

  /**
   * Makes room for `extra` more bytes (bytes kinds). Grows at least geometrically, and to the
   * size projected for `capacity` slots at the bytes per slot seen so far, so that a large
   * column is copied about once instead of at every doubling.
   */
  reserveBytes(extra: number): void {
    const need = this.pos + extra;
    if (need > this.bytes.length) {
      let size = Math.max(need, this.bytes.length * 2);
      const slots = this.lastSlot + 1;
      if (slots >= 64 && slots < this.capacity) {
        const projected = Math.ceil((this.pos / slots) * this.capacity * 1.125) + extra;
        if (projected > size) size = projected;
      }
      const d = new Uint8Array(size);
      d.set(this.bytes.subarray(0, this.pos));
      this.bytes = d;
    }
  }

  /**
   * Variable-width kinds: starts writing slot `r` and returns where its content begins
   * (a byte offset or a child slot). Rewinds when `r` was written before.
   */
  startSlot(r: number): number {
    const offs = this.offs;
    if (r > this.lastSlot) {
      for (let k = this.lastSlot + 2; k <= r; k++) offs[k] = this.pos;
    } else {
      this.pos = offs[r];
    }
    return this.pos;
  }

  /** Variable-width kinds: ends slot `r` at the current position. */
  endSlot(r: number): void {
    this.offs[r + 1] = this.pos;
    this.lastSlot = r;
    this.valid[r] = 1;
  }

  /** Makes slot `r` null, dropping anything written to it (and, for structs, to its fields). */
  clearSlot(r: number): void {
    this.valid[r] = 0;
    const code = this.code;
    if (code === K_STRING || code === K_BINARY || code === K_LIST || code === K_MAP) {
      if (this.lastSlot >= r) {
        this.pos = this.offs[r];
        this.lastSlot = r - 1;
      }
    } else if (code === K_STRUCT) {
      const ch = this.children;
      for (let i = 0; i < ch.length; i++) ch[i].clearSlot(r);
    }
  }

  /** Builds the vector of the first `length` slots. */
  finish(length: number): Vector {
    const type = this.type;
    const mask: ValidityMask = compactMask(this.valid.slice(0, length), length);
    switch (this.code) {
      case K_STRING:
      case K_BINARY: {
        const offs = this.closeOffsets(length);
        if (type.typeName === "timestamp_ntz") {
          return castNtz({ kind: "bytes", type: StringType(), length, valid: mask, offsets: offs, data: this.bytes.slice(0, offs[length]) }, type, UTC);
        }
        if (type.typeName === "yearmonthinterval" || type.typeName === "daytimeinterval" || type.typeName === "interval") {
          return intervalsFromText({ kind: "bytes", type: StringType(), length, valid: mask, offsets: offs, data: this.bytes.slice(0, offs[length]) }, type);
        }
        return { kind: "bytes", type, length, valid: mask, offsets: offs, data: this.bytes.slice(0, offs[length]) };
      }
      case K_LONG:
      case K_TIMESTAMP: {
        const words = this.words.slice(0, length * 2);
        return { kind: "i64", type, length, valid: mask, values: new BigInt64Array(words.buffer, 0, length) };
      }
      case K_INT:
      case K_DATE:
        return { kind: "i32", type, length, valid: mask, values: this.i32.slice(0, length) };
      case K_SHORT:
        return { kind: "i16", type, length, valid: mask, values: this.i16.slice(0, length) };
      case K_BYTE:
        return { kind: "i8", type, length, valid: mask, values: this.i8.slice(0, length) };
      case K_DOUBLE:
        return { kind: "f64", type, length, valid: mask, values: this.f64.slice(0, length) };
      case K_FLOAT:
        return { kind: "f32", type, length, valid: mask, values: this.f32.slice(0, length) };
      case K_BOOL:
        return { kind: "bool", type, length, valid: mask, values: this.u8.slice(0, length) };
      case K_DECIMAL: {
        const values = this.dec.slice(0, length);
        for (let i = 0; i < length; i++) if (this.valid[i] === 0) values[i] = 0n;
        return { kind: "decimal", type: type as DecimalType, length, valid: mask, values };
      }
      case K_NULL:
        return { kind: "null", type, length, valid: null };
      case K_STRUCT:
        return {
          kind: "struct",
          type: type as StructType,
          length,
          valid: mask,
          children: this.children.map((c) => c.finish(length)),
        };
      case K_LIST: {
        if (type.typeName !== "array" || this.child === null) break;
        const offs = this.closeOffsets(length);
        return { kind: "list", type, length, valid: mask, offsets: offs, child: this.child.finish(offs[length]) };
      }
      case K_MAP: {
        if (type.typeName !== "map" || this.child === null || this.keys === null) break;
        const offs = this.closeOffsets(length);
        return { kind: "map", type, length, valid: mask, offsets: offs, keys: this.keys.finish(offs[length]), items: this.child.finish(offs[length]) };
      }
    }
    throw new InternalError(`from_json: cannot finish a column of type ${type.typeName}`);
  }

  private closeOffsets(length: number): Int32Array {
    const offs = this.offs;
    if (this.lastSlot >= length) {
      // A slot past the end was written (it cannot be, but stay exact): cut there.
      this.pos = offs[length];
      this.lastSlot = length - 1;
    }
    for (let k = this.lastSlot + 2; k <= length; k++) offs[k] = this.pos;
    return offs.slice(0, length + 1);
  }

  private allocate(cap: number): void {
    switch (this.code) {
      case K_LONG:
      case K_TIMESTAMP:
        this.words = grow32(this.words, cap * 2);
        break;
      case K_INT:
      case K_DATE:
        this.i32 = grow32(this.i32, cap);
        break;
      case K_SHORT: {
        const a = new Int16Array(cap);
        a.set(this.i16);
        this.i16 = a;
        break;
      }
      case K_BYTE: {
        const a = new Int8Array(cap);
        a.set(this.i8);
        this.i8 = a;
        break;
      }
      case K_DOUBLE: {
        const a = new Float64Array(cap);
        a.set(this.f64);
        this.f64 = a;
        break;
      }
      case K_FLOAT: {
        const a = new Float32Array(cap);
        a.set(this.f32);
        this.f32 = a;
        break;
      }
      case K_BOOL: {
        const a = new Uint8Array(cap);
        a.set(this.u8);
        this.u8 = a;
        break;
      }
      case K_DECIMAL:
        while (this.dec.length < cap) this.dec.push(0n);
        break;
      case K_STRING:
      case K_BINARY:
      case K_LIST:
      case K_MAP:
        this.offs = grow32(this.offs, cap + 1);
        break;
    }
  }
}

function grow32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}

/** The builder kind of a data type. */
export function codeOf(t: DataType): number {
  switch (t.typeName) {
    case "string":
      return K_STRING;
    case "long":
      return K_LONG;
    case "integer":
      return K_INT;
    case "short":
      return K_SHORT;
    case "byte":
      return K_BYTE;
    case "double":
      return K_DOUBLE;
    case "float":
      return K_FLOAT;
    case "boolean":
      return K_BOOL;
    case "decimal":
      return K_DECIMAL;
    case "timestamp":
      return K_TIMESTAMP;
    case "date":
      return K_DATE;
    case "binary":
      return K_BINARY;
    case "struct":
      return K_STRUCT;
    case "array":
      return K_LIST;
    case "map":
      return K_MAP;
    case "null":
      return K_NULL;
    case "yearmonthinterval":
    case "daytimeinterval":
    case "interval":
    case "timestamp_ntz":
      // Read as strings, then as interval text (Spark's JacksonParser reads intervals from strings).
      return K_STRING;
  }
}
