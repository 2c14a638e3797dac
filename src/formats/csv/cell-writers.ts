/**
 * Typed column writers for the CSV reader: each converts a cell's text (bytes) to its column's type
 * with Spark's CSV rules (`UnivocityParser.makeConverter`) and stores it at a row index.
 * - integral: Java `parseInt`/`parseLong` (optional sign, ASCII digits, range-checked);
 * - float/double: `nanValue`/`positiveInf`/`negativeInf` first, then Java `parseDouble` syntax;
 * - boolean: `true`/`false`, case-insensitive; decimal: `java.math.BigDecimal` syntax, rounded
 *   half-up to the scale, failing when the precision overflows;
 * - date/timestamp: see `datetime.ts`; string/binary: the bytes as they are.
 * A conversion failure returns false (the caller nulls the slot and marks the row malformed).
 */
import type { DataType, DecimalType } from "../../types/data-types.js";
import { StringType } from "../../types/data-types.js";
import { intervalsFromText } from "../../columnar/interval-text.js";
import type { Vector, ValidityMask } from "../../columnar/vector.js";
import { compactMask } from "../../columnar/vector.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { UTC } from "../../columnar/time-zone.js";
import { ConfigError } from "../../errors.js";
import type { CsvOptions } from "./options.js";
import { parseDateLenient, parseDateWithPattern, parseTimestampLenient, parseTimestampWithPattern } from "./datetime.js";

/** Writes converted cells of one column into preallocated slots `0 .. capacity-1`. */
export interface CellWriter {
  /** Converts `buf[start, end)` into slot `row`; false when the text is not a valid value. */
  write(row: number, buf: Uint8Array, start: number, end: number): boolean;
  setNull(row: number): void;
  /** Called before the first write of a row: variable-size writers remember where the row starts. */
  beginRow(row: number): void;
  /** The vector of the first `numRows` slots. */
  finish(numRows: number): Vector;
}

/** A writer for `type` with room for `capacity` rows. Throws ConfigError for types CSV cannot hold. */
export function cellWriterFor(name: string, type: DataType, capacity: number, options: CsvOptions): CellWriter {
  switch (type.typeName) {
    case "string":
    case "binary":
      return new BytesWriter(type, capacity);
    case "byte":
      return new IntWriter(type, capacity, "i8", -128, 127);
    case "short":
      return new IntWriter(type, capacity, "i16", -32768, 32767);
    case "integer":
      return new IntWriter(type, capacity, "i32", -2147483648, 2147483647);
    case "long":
      return new LongWriter(type, capacity);
    case "float":
    case "double":
      return new FloatWriter(type, capacity, options);
    case "boolean":
      return new BoolWriter(type, capacity);
    case "decimal":
      return new DecimalWriter(type, capacity);
    case "date":
      return new DateWriter(type, capacity, options);
    case "timestamp":
      return new TimestampWriter(type, capacity, options);
    case "timestamp_ntz":
      // A wall-clock time: read as if in UTC, so the µs are the wall clock's.
      return new TimestampWriter(type, capacity, { ...options, zone: UTC });
    case "yearmonthinterval":
    case "daytimeinterval":
    case "interval":
      return new IntervalWriter(type, capacity);
    default:
      throw new ConfigError(`csv source: column '${name}' has type ${type.typeName}, which CSV cannot read`);
  }
}

abstract class FixedWriter implements CellWriter {
  protected readonly valid: Uint8Array;
  constructor(
    protected readonly type: DataType,
    capacity: number,
  ) {
    this.valid = new Uint8Array(capacity);
  }
  abstract write(row: number, buf: Uint8Array, start: number, end: number): boolean;
  setNull(row: number): void {
    this.valid[row] = 0;
  }
  beginRow(_row: number): void {}
  abstract finish(numRows: number): Vector;
  protected mask(n: number): ValidityMask {
    return compactMask(this.valid.slice(0, n), n);
  }
}

class BytesWriter implements CellWriter {
  private data = new Uint8Array(4096);
  private size = 0;
  private readonly offsets: Int32Array;
  private readonly valid: Uint8Array;
  constructor(
    private readonly type: DataType,
    capacity: number,
  ) {
    this.offsets = new Int32Array(capacity + 1);
    this.valid = new Uint8Array(capacity);
  }
  beginRow(row: number): void {
    // A rejected row's bytes are discarded by rewinding to where the row started.
    this.size = this.offsets[row];
    this.offsets[row + 1] = this.size;
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (this.size + len > this.data.length) {
      const d = new Uint8Array(Math.max(this.data.length * 2, this.size + len));
      d.set(this.data.subarray(0, this.size));
      this.data = d;
    }
    const data = this.data;
    let at = this.size;
    // Cells are short: a byte loop beats subarray() + set() with their allocation and call cost.
    if (len < 64) for (let i = start; i < end; i++) data[at++] = buf[i];
    else {
      data.set(buf.subarray(start, end), at);
      at += len;
    }
    this.size = at;
    this.offsets[row + 1] = this.size;
    this.valid[row] = 1;
    return true;
  }
  setNull(row: number): void {
    this.offsets[row + 1] = this.size;
    this.valid[row] = 0;
  }
  finish(n: number): Vector {
    const end = this.offsets[n];
    return {
      kind: "bytes",
      type: this.type,
      length: n,
      valid: compactMask(this.valid.slice(0, n), n),
      offsets: this.offsets.slice(0, n + 1),
      data: this.data.slice(0, end),
    };
  }
}

/** Parses Java `Integer.parseInt` syntax from bytes; NaN when invalid or beyond ±2^53. */
function parseIntBytes(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  let neg = false;
  if (buf[i] === 45 || buf[i] === 43) {
    neg = buf[i] === 45;
    i++;
    if (i === end) return NaN;
  }
  if (end - i > 15) return NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

class IntWriter extends FixedWriter {
  private readonly values: Int8Array | Int16Array | Int32Array;
  constructor(
    type: DataType,
    capacity: number,
    private readonly kind: "i8" | "i16" | "i32",
    private readonly min: number,
    private readonly max: number,
  ) {
    super(type, capacity);
    this.values = kind === "i8" ? new Int8Array(capacity) : kind === "i16" ? new Int16Array(capacity) : new Int32Array(capacity);
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const v = parseIntBytes(buf, start, end);
    if (!(v >= this.min && v <= this.max)) return false;
    this.values[row] = v;
    this.valid[row] = 1;
    return true;
  }
  finish(n: number): Vector {
    const valid = this.mask(n);
    const type = this.type;
    if (this.values instanceof Int8Array) return { kind: "i8", type, length: n, valid, values: this.values.slice(0, n) };
    if (this.values instanceof Int16Array) return { kind: "i16", type, length: n, valid, values: this.values.slice(0, n) };
    return { kind: "i32", type, length: n, valid, values: (this.values as Int32Array).slice(0, n) };
  }
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const LONG_RE = /^[+-]?\d+$/;

class LongWriter extends FixedWriter {
  private readonly values: BigInt64Array;
  constructor(type: DataType, capacity: number) {
    super(type, capacity);
    this.values = new BigInt64Array(capacity);
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const v = parseIntBytes(buf, start, end);
    if (Number.isFinite(v)) {
      this.values[row] = BigInt(v);
    } else {
      const s = decodeUtf8(buf, start, end);
      if (!LONG_RE.test(s)) return false;
      const b = BigInt(s);
      if (b < LONG_MIN || b > LONG_MAX) return false;
      this.values[row] = b;
    }
    this.valid[row] = 1;
    return true;
  }
  finish(n: number): Vector {
    return { kind: "i64", type: this.type, length: n, valid: this.mask(n), values: this.values.slice(0, n) };
  }
}

/** Java `Double.parseDouble` decimal syntax (after trimming), with its optional `f`/`d` suffix. */
const DOUBLE_RE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const SUFFIX_RE = /[fFdD]$/;

class FloatWriter extends FixedWriter {
  private readonly values: Float64Array | Float32Array;
  constructor(
    type: DataType,
    capacity: number,
    private readonly options: CsvOptions,
  ) {
    super(type, capacity);
    this.values = type.typeName === "float" ? new Float32Array(capacity) : new Float64Array(capacity);
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = decodeUtf8(buf, start, end);
    let v: number;
    if (s === this.options.nanValue) v = NaN;
    else if (s === this.options.positiveInf) v = Infinity;
    else if (s === this.options.negativeInf) v = -Infinity;
    else {
      // Java trims characters <= U+0020 before parsing.
      // eslint-disable-next-line no-control-regex
      const t = s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
      if (!DOUBLE_RE.test(t)) return false;
      // Number() rejects Java's type suffix, and reads a signed NaN as NaN as Java does.
      v = Number(SUFFIX_RE.test(t) ? t.slice(0, -1) : t);
    }
    this.values[row] = v;
    this.valid[row] = 1;
    return true;
  }
  finish(n: number): Vector {
    const valid = this.mask(n);
    if (this.values instanceof Float32Array) return { kind: "f32", type: this.type, length: n, valid, values: this.values.slice(0, n) };
    return { kind: "f64", type: this.type, length: n, valid, values: (this.values as Float64Array).slice(0, n) };
  }
}

class BoolWriter extends FixedWriter {
  private readonly values: Uint8Array;
  constructor(type: DataType, capacity: number) {
    super(type, capacity);
    this.values = new Uint8Array(capacity);
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (len !== 4 && len !== 5) return false;
    const s = decodeUtf8(buf, start, end).toLowerCase();
    if (s === "true") this.values[row] = 1;
    else if (s === "false") this.values[row] = 0;
    else return false;
    this.valid[row] = 1;
    return true;
  }
  finish(n: number): Vector {
    return { kind: "bool", type: this.type, length: n, valid: this.mask(n), values: this.values.slice(0, n) };
  }
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * `new java.math.BigDecimal(text)` then `setScale(scale, HALF_UP)`: the unscaled value at `scale`,
 * or null when the text is not a decimal or needs more than `precision` digits.
 */
export function parseDecimal(text: string, precision: number, scale: number): bigint | null {
  const m = DECIMAL_RE.exec(text);
  if (m === null) return null;
  const intPart = m[2];
  const frac = m[3] ?? "";
  if (intPart.length === 0 && frac.length === 0) return null;
  if (m[3] !== undefined && intPart.length === 0 && frac.length === 0) return null;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 10_000) return null;
  // value = digits × 10^(exp - frac.length); we want round(value × 10^scale).
  const digits = BigInt((intPart + frac).replace(/^0+(?=\d)/, "") || "0");
  const shift = scale + exp - frac.length;
  let unscaled: bigint;
  if (shift >= 0) unscaled = digits * 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    unscaled = digits / div;
    if ((digits % div) * 2n >= div) unscaled += 1n;
  }
  if (unscaled.toString().length > precision) return null;
  return m[1] === "-" ? -unscaled : unscaled;
}

class DecimalWriter implements CellWriter {
  private readonly values: bigint[];
  private readonly valid: Uint8Array;
  constructor(
    private readonly type: DecimalType,
    capacity: number,
  ) {
    this.values = new Array<bigint>(capacity).fill(0n);
    this.valid = new Uint8Array(capacity);
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const v = parseDecimal(decodeUtf8(buf, start, end), this.type.precision, this.type.scale);
    if (v === null) return false;
    this.values[row] = v;
    this.valid[row] = 1;
    return true;
  }
  setNull(row: number): void {
    this.values[row] = 0n;
    this.valid[row] = 0;
  }
  beginRow(_row: number): void {}
  finish(n: number): Vector {
    return { kind: "decimal", type: this.type, length: n, valid: compactMask(this.valid.slice(0, n), n), values: this.values.slice(0, n) };
  }
}

class DateWriter extends FixedWriter {
  private readonly values: Int32Array;
  constructor(
    type: DataType,
    capacity: number,
    private readonly options: CsvOptions,
  ) {
    super(type, capacity);
    this.values = new Int32Array(capacity);
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = decodeUtf8(buf, start, end);
    const f = this.options.dateFormat;
    let d = f === null ? null : parseDateWithPattern(f, s);
    if (d === null && (f === null || this.options.dateTimeFallback)) d = parseDateLenient(s);
    if (d === null) return false;
    this.values[row] = d;
    this.valid[row] = 1;
    return true;
  }
  finish(n: number): Vector {
    return { kind: "i32", type: this.type, length: n, valid: this.mask(n), values: this.values.slice(0, n) };
  }
}

class TimestampWriter extends FixedWriter {
  private readonly values: BigInt64Array;
  constructor(
    type: DataType,
    capacity: number,
    private readonly options: CsvOptions,
  ) {
    super(type, capacity);
    this.values = new BigInt64Array(capacity);
  }
  write(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = decodeUtf8(buf, start, end);
    const f = this.options.timestampFormat;
    const zone = this.options.zone;
    let t = f === null ? null : parseTimestampWithPattern(f, s, zone);
    if (t === null && (f === null || this.options.dateTimeFallback)) t = parseTimestampLenient(s, zone);
    if (t === null) return false;
    this.values[row] = t;
    this.valid[row] = 1;
    return true;
  }
  finish(n: number): Vector {
    return { kind: "i64", type: this.type, length: n, valid: this.mask(n), values: this.values.slice(0, n) };
  }
}

/** Intervals: the cell's text read as Spark's UnivocityParser does (see `intervalsFromText`). */
class IntervalWriter extends BytesWriter {
  private readonly intervalType: DataType;

  constructor(type: DataType, capacity: number) {
    super(StringType(), capacity);
    this.intervalType = type;
  }

  override finish(numRows: number): Vector {
    const text = super.finish(numRows);
    return text.kind === "bytes" ? intervalsFromText(text, this.intervalType) : text;
  }
}
