/**
 * Finds a struct field by the raw UTF-8 bytes of a JSON key, without decoding the key.
 *
 * Matching is exact and case-sensitive (Spark's `StructType.getFieldIndex`); when the schema
 * repeats a name the last field wins, as in Spark. Keys usually arrive in schema order, so the
 * caller passes the field after the previous match as a hint and most lookups are one compare.
 */
import type { StructType } from "../../types/data-types.js";
import { encodeUtf8 } from "../../columnar/utf8.js";

export class FieldLookup {
  private readonly names: Uint8Array[];
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly byName = new Map<string, number>();
  /** 1 where a field may be matched (not excluded, not shadowed by a later duplicate). */
  private readonly hintOk: Uint8Array;
  /**
   * 1 where a field may be matched by {@link FieldLookup.matchHint}: matchable, and its name is
   * printable ASCII without quotes or backslashes, so raw bytes equal to it form a plain key.
   */
  private readonly quickOk: Uint8Array;

  /** Fields named `excluded` (the corrupt-record column) are never matched. */
  constructor(schema: StructType, excluded: string | null) {
    const n = schema.fields.length;
    this.names = schema.fields.map((f) => encodeUtf8(f.name));
    for (let i = 0; i < n; i++) {
      const name = schema.fields[i].name;
      if (name !== excluded) this.byName.set(name, i);
    }
    let size = 16;
    while (size < n * 4) size *= 2;
    this.mask = size - 1;
    this.table = new Int32Array(size).fill(-1);
    for (const i of this.byName.values()) {
      const nb = this.names[i];
      let h = hashBytes(nb, 0, nb.length) & this.mask;
      while (this.table[h] !== -1) h = (h + 1) & this.mask;
      this.table[h] = i;
    }
    // A hint must never point at an excluded or shadowed field.
    this.hintOk = new Uint8Array(n + 1);
    for (const i of this.byName.values()) this.hintOk[i] = 1;
    this.quickOk = new Uint8Array(n + 1);
    for (const i of this.byName.values()) {
      const nb = this.names[i];
      let ok = 1;
      for (let k = 0; k < nb.length; k++) {
        const c = nb[k];
        if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) ok = 0;
      }
      this.quickOk[i] = ok;
    }
  }

  /**
   * The common case of keys arriving in schema order: when the key starting at `data[start]`
   * (after its opening quote) is exactly field `hint`'s name followed by the closing quote `q`,
   * returns the position of that quote; otherwise -1 (the caller then scans the key and calls
   * {@link FieldLookup.find}, which gives the same field for such a key).
   */
  matchHint(data: Uint8Array, start: number, end: number, hint: number, q: number): number {
    if (hint >= this.names.length || this.quickOk[hint] === 0) return -1;
    const name = this.names[hint];
    const len = name.length;
    const e = start + len;
    if (e >= end || data[e] !== q) return -1;
    for (let k = 0; k < len; k++) if (name[k] !== data[start + k]) return -1;
    return e;
  }

  /** Index of the field whose name is `data[start, end)`, or -1. `hint` is tried first. */
  find(data: Uint8Array, start: number, end: number, hint: number): number {
    const len = end - start;
    const names = this.names;
    if (hint < names.length && this.hintOk[hint] === 1 && sameBytes(names[hint], data, start, len)) return hint;
    let h = hashBytes(data, start, end) & this.mask;
    const table = this.table;
    for (;;) {
      const i = table[h];
      if (i === -1) return -1;
      if (sameBytes(names[i], data, start, len)) return i;
      h = (h + 1) & this.mask;
    }
  }

  /** Index of the field named `name` (a decoded key), or -1. */
  findString(name: string): number {
    return this.byName.get(name) ?? -1;
  }
}

function sameBytes(name: Uint8Array, data: Uint8Array, start: number, len: number): boolean {
  if (name.length !== len) return false;
  for (let k = 0; k < len; k++) if (name[k] !== data[start + k]) return false;
  return true;
}

function hashBytes(data: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len === 0) return 0;
  return (len * 31 + data[start] * 7 + data[end - 1] * 13 + data[start + (len >> 1)]) | 0;
}
