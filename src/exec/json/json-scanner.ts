/**
 * A schema-driven JSON scanner: reads one record's bytes and writes the values the schema asks
 * for straight into {@link ColumnBuilder}s. It builds no objects for the record, matches keys by
 * their bytes, and skips unknown values without materialising them.
 *
 * It reproduces Spark 3.5's `JacksonParser` (Jackson 2.15 with Spark's default JSON options):
 * - syntax: standard JSON plus, by default, single-quoted strings and names and the tokens `NaN`,
 *   `Infinity`, `+Infinity`, `-Infinity`, `+INF`, `-INF`; leading zeros only when allowed; nesting
 *   deeper than 1000 is an error; anything after the first complete value is ignored;
 * - a value that does not fit its field's type leaves the field unset and marks the record bad
 *   (`spark.sql.json.enablePartialResults`, default true since 3.4), and so does every failure
 *   below it: a failed array element or map value fails the whole array or map, a failed nested
 *   struct field fails only that field;
 * - a syntax error anywhere fails the whole record (the caller nulls every field).
 * See from-json.ts for the per-type conversion table.
 */
import { ColumnBuilder } from "./column-builder.js";
import * as kinds from "./column-builder.js";
import { FieldLookup } from "./field-lookup.js";
import type { DecimalType } from "../../types/data-types.js";
import { stringToDate, stringToTimestamp } from "../../formats/json/json-datetime.js";
import { quoteJsonString } from "../../formats/json/json-text.js";
import { javaDoubleString } from "../../columnar/java-text.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { AnalysisError } from "../../errors.js";

/** Parser switches, named as Spark's JSON options. */
export interface ScannerOptions {
  readonly allowNumericLeadingZeros: boolean;
  readonly allowSingleQuotes: boolean;
  readonly allowNonNumericNumbers: boolean;
  readonly allowBackslashEscapingAnyCharacter: boolean;
  readonly allowUnquotedControlChars: boolean;
  /** Session time zone for timestamps without an offset. */
  readonly timeZone: string;
}

/** Outcome of {@link JsonScanner.parseRoot}. */
export const ROOT_EMPTY = 0;
export const ROOT_OK = 1;
export const ROOT_BAD = 2;

// Local copies of the builder kinds: imported bindings can compile to property getters, which
// cost measurably in the per-value switch.
const K_STRING = kinds.K_STRING;
const K_LONG = kinds.K_LONG;
const K_INT = kinds.K_INT;
const K_SHORT = kinds.K_SHORT;
const K_BYTE = kinds.K_BYTE;
const K_DOUBLE = kinds.K_DOUBLE;
const K_FLOAT = kinds.K_FLOAT;
const K_BOOL = kinds.K_BOOL;
const K_DECIMAL = kinds.K_DECIMAL;
const K_TIMESTAMP = kinds.K_TIMESTAMP;
const K_DATE = kinds.K_DATE;
const K_BINARY = kinds.K_BINARY;
const K_STRUCT = kinds.K_STRUCT;
const K_LIST = kinds.K_LIST;
const K_MAP = kinds.K_MAP;

const MAX_DEPTH = 1000;
const TWO_32 = 4294967296;
// Index of the low 32-bit word of a 64-bit value in an Int32Array view.
const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Bytes that end a plain run in a string quoted with `"` (resp. `'`): the quote, `\\`, control and non-ASCII bytes. */
const STOP_DQ = stopTable(0x22);
const STOP_SQ = stopTable(0x27);

function stopTable(q: number): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) if (c < 0x20 || c >= 0x80 || c === q || c === 0x5c) t[c] = 1;
  return t;
}

const SPECIAL_NONE = 0;
const SPECIAL_NAN = 1;
const SPECIAL_POS_INF = 2;
const SPECIAL_NEG_INF = 3;

/** Scans records of one schema. Reusable across records and batches; not re-entrant. */
export class JsonScanner {
  /** True after a record in which some value did not fit its type (a partial result). */
  bad = false;
  /** Why the last record failed, for FAILFAST messages. */
  reason = "";

  private data: Uint8Array = new Uint8Array(0);
  private end = 0;
  private depth = 0;
  /** Set by a value parse that could not convert its value; the caller decides what fails. */
  private failed = false;
  private readonly sq: boolean;
  // The last scanned number.
  private nFloat = false;
  private nSpecial = SPECIAL_NONE;
  private nDigits = 0;
  private nValue = 0;
  private nExact = false;
  private nStart = 0;
  private nEnd = 0;
  // The last decoded string (slow paths only).
  private str = "";

  constructor(
    private readonly opts: ScannerOptions,
    private readonly corruptColumn: string | null,
  ) {
    this.sq = opts.allowSingleQuotes;
  }

  /**
   * Registers the field lookups of every struct under `b` (call once per builder tree, with the
   * root). The corrupt-record column of a root struct is never filled from the JSON itself.
   */
  prepare(b: ColumnBuilder, isRoot = true): void {
    if (b.type.typeName === "struct") {
      b.lookup = new FieldLookup(b.type, isRoot ? this.corruptColumn : null);
      for (const c of b.children) this.prepare(c, false);
    } else if (b.type.typeName === "map") {
      if (b.type.keyType.typeName !== "string") {
        throw new AnalysisError(`from_json: map keys must be strings, got map<${b.type.keyType.typeName}, …>`);
      }
    }
    if (b.child !== null) this.prepare(b.child, false);
  }

  /**
   * Parses the record `data[start, end)` into slot `r` of `root` (the schema's builder).
   * For a struct schema the record must be an object (or, with `arrayAsRows`, an array of
   * objects, one row each, written to slots r, r+1, …). Returns ROOT_EMPTY for blank input,
   * ROOT_OK, or ROOT_BAD (sets {@link bad}); `rowsOut` receives the number of rows written.
   */
  parseRoot(data: Uint8Array, start: number, end: number, root: ColumnBuilder, r: number, arrayAsRows: boolean): number {
    this.data = data;
    this.end = end;
    this.bad = false;
    this.failed = false;
    this.depth = 0;
    this.rowsOut = 0;
    this.reason = "";
    let p = this.ws(start);
    if (p >= end) return ROOT_EMPTY;
    const c = data[p];
    if (root.code === K_STRUCT) {
      if (c === 0x7b) {
        root.ensure(r);
        this.rowsOut = 1;
        this.beginStruct(root, r);
        p = this.parseObject(p + 1, root, r);
        if (p < 0) return this.malformed(root, r);
        return this.bad ? ROOT_BAD : ROOT_OK;
      }
      if (c === 0x5b && arrayAsRows) return this.parseRootArray(p + 1, root, r);
      this.rowsOut = 1;
      root.ensure(r);
      this.reason = c === 0x5b ? "a JSON array cannot be read as a struct" : `expected a JSON object, found ${this.describe(p)}`;
      return this.malformed(root, r);
    }
    // Array or map schema: the root value itself.
    root.ensure(r);
    this.rowsOut = 1;
    if (root.code === K_LIST && c === 0x7b && root.type.typeName === "array" && root.type.elementType.typeName === "struct") {
      // An object where an array of structs is expected is an array of that one object (SPARK-19595).
      const child = root.child;
      if (child === null) return this.malformed(root, r);
      const k = root.startSlot(r);
      child.ensure(k);
      this.beginStruct(child, k);
      p = this.parseObject(p + 1, child, k);
      if (p < 0) return this.malformed(root, r);
      root.pos = k + 1;
      root.endSlot(r);
      return this.bad ? ROOT_BAD : ROOT_OK;
    }
    if ((root.code === K_LIST && c === 0x5b) || (root.code === K_MAP && c === 0x7b)) {
      p = this.parseValue(p, root, r);
      if (p < 0) return this.malformed(root, r);
      if (this.failed) {
        root.clearSlot(r);
        return ROOT_BAD;
      }
      return this.bad ? ROOT_BAD : ROOT_OK;
    }
    this.reason = `expected a JSON ${root.code === K_LIST ? "array" : "object"}, found ${this.describe(p)}`;
    return this.malformed(root, r);
  }

  /** Rows written by the last {@link parseRoot} call. */
  rowsOut = 0;

  private parseRootArray(p: number, root: ColumnBuilder, r0: number): number {
    // Spark's JSON source reads a top-level array of objects as one row per object; any element
    // that is not an object (or a syntax error) makes the whole line one malformed row.
    let r = r0;
    this.depth = 1;
    p = this.ws(p);
    if (p >= this.end) return this.malformedRows(root, r0);
    if (this.data[p] === 0x5d) return ROOT_EMPTY;
    for (;;) {
      if (this.data[p] !== 0x7b) {
        this.reason = `expected a JSON object in the top-level array, found ${this.describe(p)}`;
        return this.malformedRows(root, r0);
      }
      root.ensure(r);
      this.beginStruct(root, r);
      p = this.parseObject(p + 1, root, r);
      if (p < 0) return this.malformedRows(root, r0);
      r++;
      p = this.ws(p);
      const c = p < this.end ? this.data[p] : 0;
      if (c === 0x2c) {
        p = this.ws(p + 1);
        if (p >= this.end) return this.malformedRows(root, r0);
        continue;
      }
      if (c === 0x5d) break;
      this.syntax(p);
      return this.malformedRows(root, r0);
    }
    this.rowsOut = r - r0;
    return this.bad ? ROOT_BAD : ROOT_OK;
  }

  private malformedRows(root: ColumnBuilder, r0: number): number {
    this.rowsOut = 1;
    return this.malformed(root, r0);
  }

  private malformed(root: ColumnBuilder, r: number): number {
    if (root.code === K_STRUCT) {
      this.beginStruct(root, r);
      root.valid[r] = 1;
    } else {
      root.clearSlot(r);
    }
    this.bad = true;
    if (this.reason === "") this.reason = "malformed JSON";
    return ROOT_BAD;
  }

  /** Marks struct slot `r` present with every field null (fields are then parsed into it). */
  private beginStruct(b: ColumnBuilder, r: number): void {
    const ch = b.children;
    for (let i = 0; i < ch.length; i++) ch[i].clearSlot(r);
    b.valid[r] = 1;
  }

  // ---------------------------------------------------------------- structure

  /** Parses object members after `{` into struct builder `b` slot `r`; returns the position after `}`. */
  private parseObject(p: number, b: ColumnBuilder, r: number): number {
    if (++this.depth > MAX_DEPTH) return this.syntax(p);
    const data = this.data;
    const end = this.end;
    const lookup = b.lookup;
    const children = b.children;
    p = this.ws(p);
    if (p >= end) return this.syntax(p);
    if (data[p] === 0x7d) {
      this.depth--;
      return p + 1;
    }
    let hint = 0;
    for (;;) {
      const q = data[p];
      if (q !== 0x22 && !(q === 0x27 && this.sq)) return this.syntax(p);
      const ks = p + 1;
      // Fast path: the key is the expected field's name.
      let i = lookup === null ? -1 : lookup.matchHint(data, ks, end, hint, q);
      let idx = hint;
      if (i < 0) {
        // Key: find the closing quote, noting escapes and non-ASCII bytes.
        i = ks;
        let plain = true;
        for (; i < end; i++) {
          const c = data[i];
          if (c === q) break;
          if (c === 0x5c || c >= 0x80 || c < 0x20) {
            plain = false;
            if (c === 0x5c) i++;
          }
        }
        if (i >= end) return this.syntax(i);
        if (plain) {
          idx = lookup === null ? -1 : lookup.find(data, ks, i, hint);
        } else {
          if (this.decodeString(ks, i) < 0) return -1;
          idx = lookup === null ? -1 : lookup.findString(this.str);
        }
      }
      p = this.ws(i + 1);
      if (p >= end || data[p] !== 0x3a) return this.syntax(p);
      p = this.ws(p + 1);
      if (p >= end) return this.syntax(p);
      if (idx < 0) {
        p = this.skipValue(p);
      } else {
        const vs = p;
        p = this.parseValue(p, children[idx], r);
        if (this.failed) {
          this.failed = false;
          this.bad = true;
          if (this.reason === "") this.reason = `cannot convert ${this.describe(vs)} to ${children[idx].type.typeName} for field '${decodeUtf8(data, ks, i)}'`;
        }
        hint = idx + 1;
      }
      if (p < 0) return -1;
      p = this.ws(p);
      const c = p < end ? data[p] : 0;
      if (c === 0x2c) {
        p = this.ws(p + 1);
        if (p >= end) return this.syntax(p);
        continue;
      }
      if (c === 0x7d) {
        this.depth--;
        return p + 1;
      }
      return this.syntax(p);
    }
  }

  /**
   * Parses the value at `p` (not whitespace) into slot `r` of `b`. Returns the position after
   * it, or -1 on a syntax error. A value of the wrong kind is skipped, leaves the slot as it was
   * and sets {@link failed}.
   */
  private parseValue(p: number, b: ColumnBuilder, r: number): number {
    const data = this.data;
    const c = data[p];
    if (c === 0x6e) {
      if (!this.matchLiteral(p, "null")) return this.syntax(p);
      b.clearSlot(r);
      return p + 4;
    }
    const isQuote = c === 0x22 || (c === 0x27 && this.sq);
    switch (b.code) {
      case K_STRING: {
        if (isQuote) {
          b.startSlot(r);
          const e = this.copyString(p + 1, c, b);
          if (e < 0) return -1;
          b.endSlot(r);
          return e;
        }
        return this.regenerateInto(p, b, r);
      }
      case K_LONG:
      case K_INT:
      case K_SHORT:
      case K_BYTE:
      case K_TIMESTAMP: {
        if (isNumberStart(c)) {
          const e = this.scanNumber(p);
          if (e < 0) return -1;
          if (this.nFloat || this.nSpecial !== SPECIAL_NONE) return this.failAt(e);
          this.writeIntegral(b, r);
          return e;
        }
        if (b.code === K_TIMESTAMP && isQuote) {
          const e = this.readString(p + 1, c);
          if (e < 0) return -1;
          const micros = this.str.length === 0 ? null : stringToTimestamp(this.str, this.opts.timeZone);
          if (micros === null) return this.failAt(e);
          writeI64(b, r, micros);
          return e;
        }
        return this.skipAndFail(p);
      }
      case K_DOUBLE:
      case K_FLOAT: {
        let v: number;
        let e: number;
        if (isNumberStart(c)) {
          e = this.scanNumber(p);
          if (e < 0) return -1;
          v = this.numberValue();
        } else if (isQuote) {
          e = this.readString(p + 1, c);
          if (e < 0) return -1;
          const s = this.str;
          if (!this.opts.allowNonNumericNumbers) return this.failAt(e);
          if (s === "NaN") v = NaN;
          else if (s === "Infinity" || s === "+Infinity" || s === "+INF") v = Infinity;
          else if (s === "-Infinity" || s === "-INF") v = -Infinity;
          else return this.failAt(e);
        } else {
          return this.skipAndFail(p);
        }
        if (b.code === K_DOUBLE) b.f64[r] = v;
        else b.f32[r] = v;
        b.valid[r] = 1;
        return e;
      }
      case K_BOOL: {
        if (c === 0x74) {
          if (!this.matchLiteral(p, "true")) return this.syntax(p);
          b.u8[r] = 1;
          b.valid[r] = 1;
          return p + 4;
        }
        if (c === 0x66) {
          if (!this.matchLiteral(p, "false")) return this.syntax(p);
          b.u8[r] = 0;
          b.valid[r] = 1;
          return p + 5;
        }
        return this.skipAndFail(p);
      }
      case K_DECIMAL: {
        let e: number;
        let text: string;
        if (isNumberStart(c)) {
          e = this.scanNumber(p);
          if (e < 0) return -1;
          if (this.nSpecial !== SPECIAL_NONE) return this.failAt(e);
          text = latin1(data, this.nStart, this.nEnd);
        } else if (isQuote) {
          e = this.readString(p + 1, c);
          if (e < 0) return -1;
          // Spark's en-US decimal parser drops grouping commas, then java.math.BigDecimal(String).
          text = this.str.replace(/,/g, "");
          if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return this.failAt(e);
        } else {
          return this.skipAndFail(p);
        }
        const t = b.type as DecimalType;
        const u = decimalFromText(text, t.precision, t.scale);
        if (u === null) return this.failAt(e);
        b.dec[r] = u;
        b.valid[r] = 1;
        return e;
      }
      case K_DATE: {
        if (!isQuote) return this.skipAndFail(p);
        const e = this.readString(p + 1, c);
        if (e < 0) return -1;
        const days = this.str.length === 0 ? null : stringToDate(this.str);
        if (days === null) return this.failAt(e);
        b.i32[r] = days;
        b.valid[r] = 1;
        return e;
      }
      case K_BINARY: {
        if (!isQuote) return this.skipAndFail(p);
        const e = this.readString(p + 1, c);
        if (e < 0) return -1;
        // Decode aside first: a value that is not base64 must leave the slot as it was.
        const tmp = new Uint8Array(this.str.length);
        const n = base64DecodeInto(this.str, tmp, 0);
        if (n < 0) return this.failAt(e);
        const start = b.startSlot(r);
        b.reserveBytes(n);
        b.bytes.set(tmp.subarray(0, n), start);
        b.pos = start + n;
        b.endSlot(r);
        return e;
      }
      case K_STRUCT: {
        if (c !== 0x7b) return this.skipAndFail(p);
        this.beginStruct(b, r);
        return this.parseObject(p + 1, b, r);
      }
      case K_LIST:
        if (c !== 0x5b) return this.skipAndFail(p);
        return this.parseArray(p + 1, b, r);
      case K_MAP:
        if (c !== 0x7b) return this.skipAndFail(p);
        return this.parseMap(p + 1, b, r);
      default:
        // NullType: every value reads as null.
        b.clearSlot(r);
        return this.skipValue(p);
    }
  }

  /** Elements after `[` into list builder `b` slot `r`. */
  private parseArray(p: number, b: ColumnBuilder, r: number): number {
    if (++this.depth > MAX_DEPTH) return this.syntax(p);
    const data = this.data;
    const end = this.end;
    const child = b.child;
    if (child === null) return this.syntax(p);
    const start = b.startSlot(r);
    let k = start;
    let failed = false;
    p = this.ws(p);
    if (p >= end) return this.syntax(p);
    if (data[p] !== 0x5d) {
      for (;;) {
        if (failed) {
          p = this.skipValue(p);
        } else {
          child.ensure(k);
          p = this.parseValue(p, child, k);
          if (this.failed) {
            this.failed = false;
            failed = true;
          } else {
            k++;
          }
        }
        if (p < 0) return -1;
        p = this.ws(p);
        const c = p < end ? data[p] : 0;
        if (c === 0x2c) {
          p = this.ws(p + 1);
          if (p >= end) return this.syntax(p);
          continue;
        }
        if (c === 0x5d) break;
        return this.syntax(p);
      }
    }
    this.depth--;
    if (failed) {
      b.pos = start;
      b.clearSlot(r);
      this.failed = true;
    } else {
      b.pos = k;
      b.endSlot(r);
    }
    return p + 1;
  }

  /** Members after `{` into map builder `b` slot `r` (keys are strings; duplicates are kept). */
  private parseMap(p: number, b: ColumnBuilder, r: number): number {
    if (++this.depth > MAX_DEPTH) return this.syntax(p);
    const data = this.data;
    const end = this.end;
    const items = b.child;
    const keys = b.keys;
    if (items === null || keys === null) return this.syntax(p);
    const start = b.startSlot(r);
    let k = start;
    let failed = false;
    p = this.ws(p);
    if (p >= end) return this.syntax(p);
    if (data[p] !== 0x7d) {
      for (;;) {
        const q = data[p];
        if (q !== 0x22 && !(q === 0x27 && this.sq)) return this.syntax(p);
        if (failed) {
          p = this.skipString(p + 1, q);
        } else {
          keys.ensure(k);
          keys.startSlot(k);
          p = this.copyString(p + 1, q, keys);
          keys.endSlot(k);
        }
        if (p < 0) return -1;
        p = this.ws(p);
        if (p >= end || data[p] !== 0x3a) return this.syntax(p);
        p = this.ws(p + 1);
        if (p >= end) return this.syntax(p);
        if (failed) {
          p = this.skipValue(p);
        } else {
          items.ensure(k);
          p = this.parseValue(p, items, k);
          if (this.failed) {
            this.failed = false;
            failed = true;
          } else {
            k++;
          }
        }
        if (p < 0) return -1;
        p = this.ws(p);
        const c = p < end ? data[p] : 0;
        if (c === 0x2c) {
          p = this.ws(p + 1);
          if (p >= end) return this.syntax(p);
          continue;
        }
        if (c === 0x7d) break;
        return this.syntax(p);
      }
    }
    this.depth--;
    if (failed) {
      b.pos = start;
      b.clearSlot(r);
      this.failed = true;
    } else {
      b.pos = k;
      b.endSlot(r);
    }
    return p + 1;
  }

  /** Skips the value at `p`, validating its syntax; returns the position after it or -1. */
  private skipValue(p: number): number {
    const data = this.data;
    const end = this.end;
    const c = data[p];
    if (c === 0x22 || (c === 0x27 && this.sq)) return this.skipString(p + 1, c);
    if (isNumberStart(c)) return this.scanNumber(p);
    if (c === 0x7b || c === 0x5b) {
      if (++this.depth > MAX_DEPTH) return this.syntax(p);
      const close = c === 0x7b ? 0x7d : 0x5d;
      p = this.ws(p + 1);
      if (p >= end) return this.syntax(p);
      if (data[p] !== close) {
        for (;;) {
          if (c === 0x7b) {
            const q = data[p];
            if (q !== 0x22 && !(q === 0x27 && this.sq)) return this.syntax(p);
            p = this.skipString(p + 1, q);
            if (p < 0) return -1;
            p = this.ws(p);
            if (p >= end || data[p] !== 0x3a) return this.syntax(p);
            p = this.ws(p + 1);
            if (p >= end) return this.syntax(p);
          }
          p = this.skipValue(p);
          if (p < 0) return -1;
          p = this.ws(p);
          const d = p < end ? data[p] : 0;
          if (d === 0x2c) {
            p = this.ws(p + 1);
            if (p >= end) return this.syntax(p);
            continue;
          }
          if (d === close) break;
          return this.syntax(p);
        }
      }
      this.depth--;
      return p + 1;
    }
    if (c === 0x74) return this.matchLiteral(p, "true") ? p + 4 : this.syntax(p);
    if (c === 0x66) return this.matchLiteral(p, "false") ? p + 5 : this.syntax(p);
    if (c === 0x6e) return this.matchLiteral(p, "null") ? p + 4 : this.syntax(p);
    return this.syntax(p);
  }

  private skipAndFail(p: number): number {
    const e = this.skipValue(p);
    if (e < 0) return -1;
    this.failed = true;
    return e;
  }

  private failAt(e: number): number {
    this.failed = true;
    return e;
  }

  private syntax(p: number): number {
    if (this.reason === "") {
      this.reason = p >= this.end ? "unexpected end of input" : `unexpected ${this.describe(p)} at byte ${p}`;
    }
    return -1;
  }

  private describe(p: number): string {
    if (p >= this.end) return "end of input";
    const text = decodeUtf8(this.data, p, Math.min(this.end, p + 24));
    return `'${text}${p + 24 < this.end ? "…" : ""}'`;
  }

  private ws(p: number): number {
    const data = this.data;
    const end = this.end;
    while (p < end) {
      const c = data[p];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    return p;
  }

  private matchLiteral(p: number, lit: string): boolean {
    if (p + lit.length > this.end) return false;
    for (let k = 1; k < lit.length; k++) if (this.data[p + k] !== lit.charCodeAt(k)) return false;
    return true;
  }

  // ---------------------------------------------------------------- strings

  /**
   * Copies the string body starting at `p` (after the opening quote `q`) into bytes builder `b`
   * as UTF-8, unescaped. Returns the position after the closing quote, or -1.
   */
  private copyString(p: number, q: number, b: ColumnBuilder): number {
    const data = this.data;
    const end = this.end;
    // Unescaping never makes a string longer, so the rest of the record bounds the output.
    if (b.pos + (end - p) > b.bytes.length) b.reserveBytes(end - p);
    const out = b.bytes;
    // Fast path, one pass: plain bytes and the two-character escapes. Anything else (a control
    // character, `\u`, another escape, no closing quote) restarts on the exact path below, so
    // results and error messages do not depend on which path ran.
    let o = b.pos;
    let i = p;
    let high = false;
    const stop = q === 0x22 ? STOP_DQ : STOP_SQ;
    for (;;) {
      if (i >= end) return this.copyStringExact(p, q, b);
      const c = data[i];
      if (stop[c] === 0) {
        out[o++] = c;
        i++;
        continue;
      }
      if (c === q) break;
      if (c === 0x5c) {
        if (i + 1 >= end) return this.copyStringExact(p, q, b);
        const d = data[i + 1];
        const u = d === 0x22 || d === 0x5c || d === 0x2f ? d : d === 0x6e ? 0x0a : d === 0x74 ? 0x09 : d === 0x72 ? 0x0d : d === 0x62 ? 0x08 : d === 0x66 ? 0x0c : -1;
        if (u < 0) return this.copyStringExact(p, q, b);
        out[o++] = u;
        i += 2;
        continue;
      }
      if (c < 0x20) return this.copyStringExact(p, q, b);
      if (c >= 0x80) high = true;
      out[o++] = c;
      i++;
    }
    if (high && !validUtf8(out, b.pos, o)) return this.copyStringExact(p, q, b);
    b.pos = o;
    return i + 1;
  }

  /** {@link copyString} without the fast path: exact for every input, including errors. */
  private copyStringExact(p: number, q: number, b: ColumnBuilder): number {
    const data = this.data;
    const end = this.end;
    b.reserveBytes(end - p);
    const out = b.bytes;
    const o0 = b.pos;
    let o = o0;
    let i = p;
    let high = false;
    // One pass copies plain bytes up to the closing quote or the first escape.
    for (;;) {
      if (i >= end) return this.syntax(i);
      const c = data[i];
      if (c === q || c === 0x5c) break;
      if (c < 0x20) {
        if (!this.opts.allowUnquotedControlChars) return this.syntax(i);
      } else if (c >= 0x80) {
        high = true;
      }
      out[o++] = c;
      i++;
    }
    if (data[i] === 0x5c) {
      // Escapes: find the closing quote, then unescape the rest.
      let e = i;
      for (; e < end; e++) {
        const c = data[e];
        if (c === q) break;
        if (c === 0x5c) e++;
        else if (c < 0x20) {
          if (!this.opts.allowUnquotedControlChars) return this.syntax(e);
        } else if (c >= 0x80) high = true;
      }
      if (e >= end) return this.syntax(e);
      o = this.unescapeInto(i, e, out, o);
      if (o < 0) return -1;
      i = e;
    }
    if (high && !validUtf8(out, o0, o)) {
      // Invalid UTF-8 reads as U+FFFD, as Java's decoder does: take the exact (slow) path.
      if (this.decodeString(p, i) < 0) return -1;
      b.reserveBytes(this.str.length * 3);
      o = o0 + javaUtf8Into(this.str, b.bytes, o0);
    }
    b.pos = o;
    return i + 1;
  }

  /** Unescapes `data[p, e)` into `out` at `o` (never longer than the input); returns the new end or -1. */
  private unescapeInto(p: number, e: number, out: Uint8Array, o: number): number {
    const data = this.data;
    for (let k = p; k < e; k++) {
      const c = data[k];
      if (c !== 0x5c) {
        out[o++] = c;
        continue;
      }
      const d = data[++k];
      switch (d) {
        case 0x22:
        case 0x5c:
        case 0x2f:
          out[o++] = d;
          break;
        case 0x62:
          out[o++] = 0x08;
          break;
        case 0x66:
          out[o++] = 0x0c;
          break;
        case 0x6e:
          out[o++] = 0x0a;
          break;
        case 0x72:
          out[o++] = 0x0d;
          break;
        case 0x74:
          out[o++] = 0x09;
          break;
        case 0x75: {
          let cp = hex4(data, k + 1, e);
          if (cp < 0) return this.syntax(k);
          k += 4;
          if (cp >= 0xd800 && cp <= 0xdbff) {
            // A high surrogate pairs only with an escaped low surrogate right after it.
            const lo = data[k + 1] === 0x5c && data[k + 2] === 0x75 ? hex4(data, k + 3, e) : -1;
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              k += 6;
            } else {
              cp = -1;
            }
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            cp = -1;
          }
          // Java encodes a lone surrogate as '?'.
          if (cp < 0) out[o++] = 0x3f;
          else if (cp < 0x80) out[o++] = cp;
          else if (cp < 0x800) {
            out[o++] = 0xc0 | (cp >> 6);
            out[o++] = 0x80 | (cp & 63);
          } else if (cp < 0x10000) {
            out[o++] = 0xe0 | (cp >> 12);
            out[o++] = 0x80 | ((cp >> 6) & 63);
            out[o++] = 0x80 | (cp & 63);
          } else {
            out[o++] = 0xf0 | (cp >> 18);
            out[o++] = 0x80 | ((cp >> 12) & 63);
            out[o++] = 0x80 | ((cp >> 6) & 63);
            out[o++] = 0x80 | (cp & 63);
          }
          break;
        }
        default:
          if ((d === 0x27 && this.sq) || this.opts.allowBackslashEscapingAnyCharacter) {
            out[o++] = d;
            break;
          }
          return this.syntax(k);
      }
    }
    return o;
  }

  /** Skips a string body after its opening quote `q`, validating escapes; returns the position after it. */
  private skipString(p: number, q: number): number {
    const data = this.data;
    const end = this.end;
    for (let i = p; i < end; i++) {
      const c = data[i];
      if (c === q) return i + 1;
      if (c === 0x5c) {
        const d = data[++i];
        if (d === 0x75) {
          if (hex4(data, i + 1, end) < 0) return this.syntax(i);
          i += 4;
        } else if (!isSimpleEscape(d) && !((d === 0x27 && this.sq) || (this.opts.allowBackslashEscapingAnyCharacter && i < end))) {
          return this.syntax(i);
        }
      } else if (c < 0x20 && !this.opts.allowUnquotedControlChars) {
        return this.syntax(i);
      }
    }
    return this.syntax(end);
  }

  /** Reads a string body after quote `q` into {@link str}; returns the position after it or -1. */
  private readString(p: number, q: number): number {
    const data = this.data;
    const end = this.end;
    let i = p;
    for (; i < end; i++) {
      const c = data[i];
      if (c === q) break;
      if (c === 0x5c) i++;
    }
    if (i >= end) return this.syntax(i);
    if (this.decodeString(p, i) < 0) return -1;
    return i + 1;
  }

  /** Decodes the string body `data[p, e)` (escapes, invalid UTF-8 → U+FFFD) into {@link str}. */
  private decodeString(p: number, e: number): number {
    const data = this.data;
    let s = "";
    let from = p;
    for (let k = p; k < e; k++) {
      const c = data[k];
      if (c < 0x20 && !this.opts.allowUnquotedControlChars) return this.syntax(k);
      if (c !== 0x5c) continue;
      if (k > from) s += decodeUtf8(data, from, k);
      const d = data[++k];
      switch (d) {
        case 0x22:
        case 0x5c:
        case 0x2f:
          s += String.fromCharCode(d);
          break;
        case 0x62:
          s += "\b";
          break;
        case 0x66:
          s += "\f";
          break;
        case 0x6e:
          s += "\n";
          break;
        case 0x72:
          s += "\r";
          break;
        case 0x74:
          s += "\t";
          break;
        case 0x75: {
          const cp = hex4(data, k + 1, e);
          if (cp < 0) return this.syntax(k);
          s += String.fromCharCode(cp);
          k += 4;
          break;
        }
        default:
          if ((d === 0x27 && this.sq) || this.opts.allowBackslashEscapingAnyCharacter) {
            // The escaped character may be the lead byte of a multi-byte sequence: keep its bytes.
            from = k;
            continue;
          }
          return this.syntax(k);
      }
      from = k + 1;
    }
    if (e > from) s += decodeUtf8(data, from, e);
    this.str = s;
    return e;
  }

  // ---------------------------------------------------------------- numbers

  /**
   * Scans a number (or NaN / Infinity token) at `p`. Sets the n* fields; returns the position
   * after it or -1 on a syntax error.
   */
  private scanNumber(p: number): number {
    const data = this.data;
    const end = this.end;
    let i = p;
    let c = data[i];
    let neg = false;
    this.nSpecial = SPECIAL_NONE;
    this.nStart = p;
    if (c === 0x2d || c === 0x2b) {
      neg = c === 0x2d;
      i++;
      c = i < end ? data[i] : 0;
      if (c < 0x30 || c > 0x39) {
        if (c === 0x49 && this.opts.allowNonNumericNumbers) {
          const len = this.matchWord(i, "Infinity") ? 8 : this.matchWord(i, "INF") ? 3 : 0;
          if (len === 0) return this.syntax(i);
          return this.special(p, i + len, neg ? SPECIAL_NEG_INF : SPECIAL_POS_INF);
        }
        return this.syntax(i);
      }
      if (!neg) return this.syntax(p); // '+1': Jackson rejects a leading plus sign
    } else if (c === 0x4e || c === 0x49) {
      if (!this.opts.allowNonNumericNumbers) return this.syntax(p);
      if (c === 0x4e) return this.matchWord(p, "NaN") ? this.special(p, p + 3, SPECIAL_NAN) : this.syntax(p);
      return this.matchWord(p, "Infinity") ? this.special(p, p + 8, SPECIAL_POS_INF) : this.syntax(p);
    }
    let mant = 0;
    let digits = 0;
    if (c === 0x30) {
      i++;
      if (i < end && data[i] >= 0x30 && data[i] <= 0x39) {
        if (!this.opts.allowNumericLeadingZeros) return this.syntax(i);
        while (i < end && data[i] === 0x30) i++;
      }
    }
    while (i < end) {
      const d = data[i];
      if (d < 0x30 || d > 0x39) break;
      mant = mant * 10 + (d - 0x30);
      digits++;
      i++;
    }
    const intDigits = digits;
    let frac = 0;
    let isFloat = false;
    let hasExp = false;
    if (i < end && data[i] === 0x2e) {
      isFloat = true;
      i++;
      const s = i;
      while (i < end) {
        const d = data[i];
        if (d < 0x30 || d > 0x39) break;
        if (digits > 0 || d !== 0x30) {
          mant = mant * 10 + (d - 0x30);
          digits++;
        }
        frac++;
        i++;
      }
      if (i === s) return this.syntax(i);
    }
    if (i < end && (data[i] === 0x65 || data[i] === 0x45)) {
      isFloat = true;
      hasExp = true;
      i++;
      if (i < end && (data[i] === 0x2b || data[i] === 0x2d)) i++;
      const s = i;
      while (i < end && data[i] >= 0x30 && data[i] <= 0x39) i++;
      if (i === s) return this.syntax(i);
    }
    this.nEnd = i;
    this.nFloat = isFloat;
    this.nDigits = intDigits;
    // Exact when the mantissa fits in 53 bits and the scale is an exact power of ten (Clinger's fast path).
    this.nExact = digits <= 15 && !hasExp && frac <= 22;
    const v = frac === 0 ? mant : mant / POW10[frac];
    // An integer token is an integer first (Jackson): "-0" reads as 0, not -0.0.
    this.nValue = neg && (isFloat || v !== 0) ? -v : v;
    return i;
  }

  private special(p: number, e: number, kind: number): number {
    this.nSpecial = kind;
    this.nFloat = true;
    this.nStart = p;
    this.nEnd = e;
    this.nExact = true;
    this.nValue = kind === SPECIAL_NAN ? NaN : kind === SPECIAL_POS_INF ? Infinity : -Infinity;
    return e;
  }

  private matchWord(p: number, w: string): boolean {
    if (p + w.length > this.end) return false;
    for (let k = 0; k < w.length; k++) if (this.data[p + k] !== w.charCodeAt(k)) return false;
    return true;
  }

  /** The last scanned number as a double (Java's Double.parseDouble of its text). */
  private numberValue(): number {
    if (this.nExact) return this.nValue;
    return Number(latin1(this.data, this.nStart, this.nEnd));
  }

  /** Writes the last scanned integer into integral / timestamp builder `b`, or sets {@link failed}. */
  private writeIntegral(b: ColumnBuilder, r: number): void {
    const code = b.code;
    if (this.nDigits <= 15 && this.nExact) {
      const v = this.nValue;
      switch (code) {
        case K_LONG:
          b.words[2 * r + LO] = v;
          b.words[2 * r + HI] = Math.floor(v / TWO_32);
          b.valid[r] = 1;
          return;
        case K_INT:
          if (v < -2147483648 || v > 2147483647) break;
          b.i32[r] = v;
          b.valid[r] = 1;
          return;
        case K_SHORT:
          if (v < -32768 || v > 32767) break;
          b.i16[r] = v;
          b.valid[r] = 1;
          return;
        case K_BYTE:
          // Jackson's getByteValue accepts -128..255 (255 reads as -1).
          if (v < -128 || v > 255) break;
          b.i8[r] = v;
          b.valid[r] = 1;
          return;
        case K_TIMESTAMP:
          // Seconds since the epoch; Java's long multiply wraps on overflow.
          writeI64(b, r, BigInt.asIntN(64, BigInt(v) * 1000000n));
          return;
      }
      this.failed = true;
      return;
    }
    let big = BigInt(latin1(this.data, this.nStart, this.nEnd));
    if (code !== K_LONG && code !== K_TIMESTAMP) {
      this.failed = true;
      return;
    }
    if (big < LONG_MIN || big > LONG_MAX) {
      this.failed = true;
      return;
    }
    if (code === K_TIMESTAMP) big = BigInt.asIntN(64, big * 1000000n);
    writeI64(b, r, big);
  }

  // ---------------------------------------------------------------- STRING from non-string values

  /**
   * A STRING field holding an object, array, number or literal gets that value re-serialised the
   * way Spark 3.5 does it (Jackson `copyCurrentStructure`): compact, strings re-escaped, integers
   * canonical, other numbers as Java doubles.
   */
  private regenerateInto(p: number, b: ColumnBuilder, r: number): number {
    this.regen = "";
    const e = this.regenValue(p);
    if (e < 0) return -1;
    const start = b.startSlot(r);
    b.reserveBytes(this.regen.length * 3);
    b.pos = start + javaUtf8Into(this.regen, b.bytes, start);
    b.endSlot(r);
    return e;
  }

  private regen = "";

  private regenValue(p: number): number {
    const data = this.data;
    const end = this.end;
    const c = data[p];
    if (c === 0x22 || (c === 0x27 && this.sq)) {
      const e = this.readString(p + 1, c);
      if (e < 0) return -1;
      this.regen += quoteJsonString(this.str, "utf8");
      return e;
    }
    if (isNumberStart(c)) {
      const e = this.scanNumber(p);
      if (e < 0) return -1;
      if (this.nFloat) {
        // Jackson quotes non-finite doubles (QUOTE_NON_NUMERIC_NUMBERS).
        const d = this.numberValue();
        this.regen += Number.isFinite(d) ? javaDoubleString(d) : `"${javaDoubleString(d)}"`;
      } else this.regen += BigInt(latin1(data, this.nStart, this.nEnd)).toString();
      return e;
    }
    if (c === 0x7b || c === 0x5b) {
      if (++this.depth > MAX_DEPTH) return this.syntax(p);
      const close = c === 0x7b ? 0x7d : 0x5d;
      this.regen += c === 0x7b ? "{" : "[";
      p = this.ws(p + 1);
      if (p >= end) return this.syntax(p);
      if (data[p] !== close) {
        for (;;) {
          if (c === 0x7b) {
            const q = data[p];
            if (q !== 0x22 && !(q === 0x27 && this.sq)) return this.syntax(p);
            p = this.readString(p + 1, q);
            if (p < 0) return -1;
            this.regen += `${quoteJsonString(this.str, "utf8")}:`;
            p = this.ws(p);
            if (p >= end || data[p] !== 0x3a) return this.syntax(p);
            p = this.ws(p + 1);
            if (p >= end) return this.syntax(p);
          }
          p = this.regenValue(p);
          if (p < 0) return -1;
          p = this.ws(p);
          const d = p < end ? data[p] : 0;
          if (d === 0x2c) {
            this.regen += ",";
            p = this.ws(p + 1);
            if (p >= end) return this.syntax(p);
            continue;
          }
          if (d === close) break;
          return this.syntax(p);
        }
      }
      this.depth--;
      this.regen += c === 0x7b ? "}" : "]";
      return p + 1;
    }
    if (c === 0x74 && this.matchLiteral(p, "true")) {
      this.regen += "true";
      return p + 4;
    }
    if (c === 0x66 && this.matchLiteral(p, "false")) {
      this.regen += "false";
      return p + 5;
    }
    if (c === 0x6e && this.matchLiteral(p, "null")) {
      this.regen += "null";
      return p + 4;
    }
    return this.syntax(p);
  }
}

// ------------------------------------------------------------------ helpers

function isNumberStart(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x4e || c === 0x49;
}

function isSimpleEscape(d: number): boolean {
  return d === 0x22 || d === 0x5c || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74;
}

function hex4(data: Uint8Array, p: number, end: number): number {
  if (p + 4 > end) return -1;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = data[p + k];
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

function latin1(data: Uint8Array, s: number, e: number): string {
  let out = "";
  for (let k = s; k < e; k++) out += String.fromCharCode(data[k]);
  return out;
}

function writeI64(b: ColumnBuilder, r: number, v: bigint): void {
  b.words[2 * r + LO] = Number(v & 0xffffffffn);
  b.words[2 * r + HI] = Number((v >> 32n) & 0xffffffffn);
  b.valid[r] = 1;
}

/** True when `data[s, e)` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
export function validUtf8(data: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = data[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      if (i + 1 >= e || (data[i + 1] & 0xc0) !== 0x80) return false;
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      if (i + 2 >= e) return false;
      const c1 = data[i + 1];
      if ((c1 & 0xc0) !== 0x80 || (data[i + 2] & 0xc0) !== 0x80) return false;
      if (c === 0xe0 && c1 < 0xa0) return false;
      if (c === 0xed && c1 >= 0xa0) return false;
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      if (i + 3 >= e) return false;
      const c1 = data[i + 1];
      if ((c1 & 0xc0) !== 0x80 || (data[i + 2] & 0xc0) !== 0x80 || (data[i + 3] & 0xc0) !== 0x80) return false;
      if (c === 0xf0 && c1 < 0x90) return false;
      if (c === 0xf4 && c1 >= 0x90) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

/** Encodes `s` as UTF-8 at `out[o]` the way Java's String.getBytes(UTF_8) does (lone surrogates → '?'). */
export function javaUtf8Into(s: string, out: Uint8Array, o: number): number {
  const start = o;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp < 0x80) {
      out[o++] = cp;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const lo = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else {
        out[o++] = 0x3f;
        continue;
      }
    }
    if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 63);
    } else if (cp < 0x10000) {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 63);
      out[o++] = 0x80 | (cp & 63);
    } else {
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 63);
      out[o++] = 0x80 | ((cp >> 6) & 63);
      out[o++] = 0x80 | (cp & 63);
    }
  }
  return o - start;
}

/**
 * A decimal's unscaled value from number text, as `Decimal(new BigDecimal(text), p, s)`: rounded
 * half-up to `scale`, null when the rounded value needs more than `precision` digits.
 */
export function decimalFromText(text: string, precision: number, scale: number): bigint | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const digits = `${m[2]}${m[3] ?? ""}`.replace(/^0+(?=\d)/, "");
  const exp = Number(m[4] ?? "0") - (m[3] ?? "").length;
  if (!Number.isFinite(exp) || Math.abs(exp) > 100000) return null;
  // value = digits × 10^exp; we need it × 10^scale.
  const shift = exp + scale;
  let u: bigint;
  if (shift >= 0) {
    if (digits.replace(/0/g, "") !== "" && digits.length + shift > precision + 1) return null;
    u = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const cut = -shift;
    if (cut >= digits.length) {
      // Everything is below the last kept digit: rounds to 0 or 1 unit.
      const first = cut === digits.length ? Number(digits[0] ?? "0") : 0;
      u = first >= 5 ? 1n : 0n;
    } else {
      const keep = digits.slice(0, digits.length - cut);
      const next = Number(digits[digits.length - cut]);
      u = BigInt(keep === "" ? "0" : keep) + (next >= 5 ? 1n : 0n);
    }
  }
  if (u.toString().length > precision && u !== 0n) return null;
  return m[1] === "-" ? -u : u;
}

/**
 * Jackson's base64 decoding (default variant, padding required; whitespace allowed between
 * 4-character groups) into `out` at `o`. Returns the bytes written or -1 when not base64.
 */
export function base64DecodeInto(s: string, out: Uint8Array, o: number): number {
  const start = o;
  let i = 0;
  const n = s.length;
  for (;;) {
    let ch: number;
    do {
      if (i >= n) return o - start;
      ch = s.charCodeAt(i++);
    } while (ch <= 0x20);
    const b0 = b64(ch);
    if (b0 < 0 || i >= n) return -1;
    const b1 = b64(s.charCodeAt(i++));
    if (b1 < 0 || i >= n) return -1;
    const c2 = s.charCodeAt(i++);
    if (c2 === 0x3d) {
      if (i >= n || s.charCodeAt(i++) !== 0x3d) return -1;
      out[o++] = ((b0 << 2) | (b1 >> 4)) & 255;
      continue;
    }
    const b2 = b64(c2);
    if (b2 < 0 || i >= n) return -1;
    const c3 = s.charCodeAt(i++);
    if (c3 === 0x3d) {
      out[o++] = ((b0 << 2) | (b1 >> 4)) & 255;
      out[o++] = ((b1 << 4) | (b2 >> 2)) & 255;
      continue;
    }
    const b3 = b64(c3);
    if (b3 < 0) return -1;
    out[o++] = ((b0 << 2) | (b1 >> 4)) & 255;
    out[o++] = ((b1 << 4) | (b2 >> 2)) & 255;
    out[o++] = ((b2 << 6) | b3) & 255;
  }
}

function b64(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c === 0x2b) return 62;
  if (c === 0x2f) return 63;
  return -1;
}
