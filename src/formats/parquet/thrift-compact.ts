/**
 * Thrift compact protocol encoder, just enough for Parquet's footer and page headers: structs,
 * i8/i16/i32/i64 (zigzag varints), bool, binary/string, lists of structs, i32 and strings.
 *
 * Usage: `w.i32(1, v)` writes field 1; `w.beginStruct(5)` … `w.endStruct()` nests a struct field;
 * `w.beginList(2, CT.STRUCT, n)` then `w.beginListStruct()`/`w.endStruct()` per element; the caller
 * closes the top-level struct with `w.endStruct()` (writes STOP).
 */
import { ByteSink } from "./byte-sink.js";

/** Compact protocol wire types. */
export const CT = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

const textEncoder = new TextEncoder();

/** Writes one Thrift struct (and its nested structs) in the compact protocol. */
export class ThriftWriter {
  readonly out: ByteSink;
  private lastField = 0;
  private readonly stack: number[] = [];

  constructor(out: ByteSink = new ByteSink(256)) {
    this.out = out;
  }

  private header(id: number, type: number): void {
    const delta = id - this.lastField;
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type);
    else {
      this.out.byte(type);
      this.zigzag32(id);
    }
    this.lastField = id;
  }

  private zigzag32(v: number): void {
    this.out.varint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  private zigzag64(v: bigint): void {
    const u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.out.varbig(u);
  }

  i8(id: number, v: number): void {
    this.header(id, CT.BYTE);
    this.out.byte(v & 0xff);
  }

  i16(id: number, v: number): void {
    this.header(id, CT.I16);
    this.zigzag32(v);
  }

  i32(id: number, v: number): void {
    this.header(id, CT.I32);
    this.zigzag32(v);
  }

  i64(id: number, v: number | bigint): void {
    this.header(id, CT.I64);
    if (typeof v === "number" && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 30) this.zigzag32(v);
    else this.zigzag64(BigInt(v));
  }

  bool(id: number, v: boolean): void {
    this.header(id, v ? CT.TRUE : CT.FALSE);
  }

  binary(id: number, v: Uint8Array): void {
    this.header(id, CT.BINARY);
    this.out.varint(v.length);
    this.out.append(v);
  }

  string(id: number, v: string): void {
    this.binary(id, textEncoder.encode(v));
  }

  /** Starts a struct-typed field; close it with `endStruct()`. */
  beginStruct(id: number): void {
    this.header(id, CT.STRUCT);
    this.stack.push(this.lastField);
    this.lastField = 0;
  }

  /** Writes STOP and returns to the enclosing struct. */
  endStruct(): void {
    this.out.byte(0);
    this.lastField = this.stack.pop() ?? 0;
  }

  /** Starts a list field of `size` elements of wire type `elemType`. */
  beginList(id: number, elemType: number, size: number): void {
    this.header(id, CT.LIST);
    if (size < 15) this.out.byte((size << 4) | elemType);
    else {
      this.out.byte(0xf0 | elemType);
      this.out.varint(size);
    }
  }

  /** Starts one struct element inside a list; close it with `endStruct()`. */
  beginListStruct(): void {
    this.stack.push(this.lastField);
    this.lastField = 0;
  }

  /** One i32 element inside a list. */
  listI32(v: number): void {
    this.zigzag32(v);
  }

  /** One string element inside a list. */
  listString(v: string): void {
    const b = textEncoder.encode(v);
    this.out.varint(b.length);
    this.out.append(b);
  }
}
