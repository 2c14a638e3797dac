/**
 * Values that code hands over in rows (`createDataFrame`, `MemoryStream.addData`), checked against
 * the schema as PySpark's `createDataFrame(..., verifySchema=True)` checks them, and normalised to
 * the forms {@link vectorFromValues} stores exactly. A value that does not fit is an
 * {@link ExecutionError} naming the row, the column (a nested one as `a.b`, `a[2]`, `m['k']`) and
 * the value, never a silent wrap-around or a lost fraction.
 *
 * Accepted values per type (`null`/`undefined` is null; a non-nullable field, array element or map
 * value refuses it):
 * - byte/short/integer: an integral number or a bigint within the type's range;
 * - long: a bigint, an integral number or a decimal integer string within [-2^63, 2^63);
 * - float/double: a number (NaN and ±Infinity are doubles too);
 * - decimal: a number or decimal string (digits beyond the scale are cut, as before), or a bigint
 *   holding the unscaled value; the integer digits must fit the precision;
 * - boolean: a boolean; string: a string, number, bigint or boolean; binary: a Uint8Array or string;
 * - timestamp: a Date, a bigint of microseconds since the epoch, a number of milliseconds (its
 *   fraction kept as microseconds), or a timestamp string (parsed by the caller's parser, so
 *   `.123456` keeps its microseconds);
 * - date: a Date, an integral number of days since the epoch, or a date string;
 * - array: an array; map: a Map or a plain object; struct: a plain object keyed by field name;
 * - year-month interval: integral months; day-time interval: microseconds (as long); calendar
 *   interval: `{ months, days, microseconds }`.
 */
import type { DataType, DecimalType, StructType } from "../types/data-types.js";
import { simpleString } from "../types/print-schema.js";
import { ExecutionError } from "../errors.js";
import type { Batch } from "./batch.js";
import { makeBatch } from "./batch.js";
import { vectorFromValues } from "./build.js";

/** How values are read; the parsers come from the caller, which knows the session time zone. */
export interface RowValueOptions {
  /** Starts every message, e.g. `createDataFrame`. */
  readonly subsystem: string;
  /** A timestamp string as microseconds since the epoch, or null when it is not a timestamp. */
  readonly parseTimestamp?: (text: string) => bigint | null;
  /** A date string as days since the epoch, or null when it is not a date. */
  readonly parseDate?: (text: string) => number | null;
}

/**
 * A batch of `rows` (objects keyed by field name) after checking every value against `schema`.
 * @throws ExecutionError naming the row index, the column and the value that does not fit.
 */
export function batchFromCheckedRows(schema: StructType, rows: readonly unknown[], options: RowValueOptions): Batch {
  const reader = new RowValueReader(options);
  const columns = schema.fields.map((field) => {
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!isPlainObject(row)) {
        throw new ExecutionError(`${options.subsystem}: row ${i} must be an object keyed by field name, got ${describeValue(row)}`, {
          operator: options.subsystem,
          row: i,
        });
      }
      values[i] = reader.read(field.dataType, row[field.name], field.nullable, { row: i, column: field.name });
    }
    return vectorFromValues(field.dataType, values);
  });
  return makeBatch(schema, columns, rows.length);
}

interface Where {
  readonly row: number;
  /** The column, with the path inside it for nested values (`a.b`, `a[2]`, `m['k']`). */
  readonly column: string;
}

const INT_RANGES = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
} as const;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MICROS_PER_MS = 1000n;
const MS_PER_DAY = 86_400_000;

class RowValueReader {
  constructor(private readonly options: RowValueOptions) {}

  /** `v` in the form `vectorFromValues` stores for `type`; throws when it does not fit. */
  read(type: DataType, v: unknown, nullable: boolean, where: Where): unknown {
    if (v === null || v === undefined) {
      if (!nullable) throw this.error(where, type, v, "is null, but the field is not nullable");
      return null;
    }
    switch (type.typeName) {
      case "byte":
      case "short":
      case "integer":
        return this.integral(type.typeName, v, where);
      case "long":
        return this.long(v, where);
      case "float":
      case "double":
        if (typeof v !== "number") throw this.wrongKind(where, type, v, "a number");
        return v;
      case "decimal":
        return this.decimal(type, v, where);
      case "boolean":
        if (typeof v !== "boolean") throw this.wrongKind(where, type, v, "true or false");
        return v;
      case "string":
        if (typeof v === "string") return v;
        if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
        throw this.wrongKind(where, type, v, "a string");
      case "binary":
        if (v instanceof Uint8Array || typeof v === "string") return v;
        throw this.wrongKind(where, type, v, "a Uint8Array or a string");
      case "timestamp":
        return this.timestamp(v, where);
      case "date":
        return this.date(v, where);
      case "null":
        throw this.error(where, type, v, "is not null, and a column of type void holds only nulls");
      case "array": {
        if (!Array.isArray(v)) throw this.wrongKind(where, type, v, "an array");
        return v.map((e: unknown, k) => this.read(type.elementType, e, type.containsNull, { row: where.row, column: `${where.column}[${k}]` }));
      }
      case "map": {
        const entries: [unknown, unknown][] | null = v instanceof Map ? [...(v as Map<unknown, unknown>).entries()] : isPlainObject(v) ? Object.entries(v) : null;
        if (entries === null) throw this.wrongKind(where, type, v, "a Map or a plain object");
        const out = new Map<unknown, unknown>();
        for (const [k, x] of entries) {
          const at = { row: where.row, column: `${where.column}[${typeof k === "string" ? `'${k}'` : describeValue(k)}]` };
          out.set(this.read(type.keyType, k, false, at), this.read(type.valueType, x, type.valueContainsNull, at));
        }
        return out;
      }
      case "yearmonthinterval":
        // Months, as a collected row gives them.
        return this.integral("integer", v, where);
      case "daytimeinterval":
        // Microseconds, as a collected row gives them.
        return this.long(v, where);
      case "interval": {
        const c = v as { months?: unknown; days?: unknown; microseconds?: unknown };
        const ok = isPlainObject(v) && Number.isInteger(c.months) && Number.isInteger(c.days) && (typeof c.microseconds === "bigint" || Number.isInteger(c.microseconds));
        if (!ok) throw this.wrongKind(where, type, v, "{ months, days, microseconds }");
        return { months: this.integral("integer", c.months, where), days: this.integral("integer", c.days, where), microseconds: this.long(c.microseconds, where) };
      }
      case "struct": {
        if (!isPlainObject(v)) throw this.wrongKind(where, type, v, "a plain object keyed by field name");
        const out: Record<string, unknown> = {};
        for (const f of type.fields) out[f.name] = this.read(f.dataType, v[f.name], f.nullable, { row: where.row, column: `${where.column}.${f.name}` });
        return out;
      }
    }
  }

  private integral(typeName: keyof typeof INT_RANGES, v: unknown, where: Where): number {
    const [lo, hi] = INT_RANGES[typeName];
    const type: DataType = { typeName };
    if (typeof v === "bigint") {
      if (v < BigInt(lo) || v > BigInt(hi)) throw this.outOfRange(where, type, v, `[${lo}, ${hi}]`);
      return Number(v);
    }
    if (typeof v !== "number") throw this.wrongKind(where, type, v, "an integral number");
    if (!Number.isInteger(v)) throw this.error(where, type, v, "is not an integer");
    if (v < lo || v > hi) throw this.outOfRange(where, type, v, `[${lo}, ${hi}]`);
    return v;
  }

  private long(v: unknown, where: Where): bigint {
    const type: DataType = { typeName: "long" };
    let n: bigint;
    if (typeof v === "bigint") n = v;
    else if (typeof v === "number") {
      if (!Number.isInteger(v)) throw this.error(where, type, v, "is not an integer");
      n = BigInt(v);
    } else if (typeof v === "string") {
      if (!/^[+-]?\d+$/.test(v.trim())) throw this.error(where, type, v, "is not an integer");
      n = BigInt(v.trim());
    } else throw this.wrongKind(where, type, v, "a bigint, an integral number or an integer string");
    if (n < LONG_MIN || n > LONG_MAX) throw this.outOfRange(where, type, v, `[${LONG_MIN}, ${LONG_MAX}]`);
    return n;
  }

  private decimal(type: DecimalType, v: unknown, where: Where): bigint | string {
    const limit = 10n ** BigInt(type.precision);
    if (typeof v === "bigint") {
      if (v <= -limit || v >= limit) throw this.error(where, type, v, `has more than ${type.precision} digits (a bigint is the unscaled value)`);
      return v;
    }
    if (typeof v !== "number" && typeof v !== "string") throw this.wrongKind(where, type, v, "a number, a decimal string or an unscaled bigint");
    const text = String(v).trim();
    const m = /^[+-]?(\d*)(?:\.(\d*))?$/.exec(text);
    if (m === null || (m[1] === "" && (m[2] ?? "") === "")) throw this.error(where, type, v, "is not a decimal number");
    const integerDigits = m[1].replace(/^0+/, "").length;
    if (integerDigits > type.precision - type.scale) {
      throw this.error(where, type, v, `does not fit: at most ${type.precision - type.scale} digits before the point`);
    }
    return text;
  }

  private timestamp(v: unknown, where: Where): bigint {
    const type: DataType = { typeName: "timestamp" };
    if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) throw this.error(where, type, v, "is an invalid Date");
      return BigInt(ms) * MICROS_PER_MS;
    }
    if (typeof v === "bigint") {
      if (v < LONG_MIN || v > LONG_MAX) throw this.outOfRange(where, type, v, "of microseconds since the epoch (64 bits)");
      return v;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw this.error(where, type, v, "is not a finite number of milliseconds");
      const whole = Math.trunc(v);
      return BigInt(whole) * MICROS_PER_MS + BigInt(Math.round((v - whole) * 1000));
    }
    if (typeof v === "string") {
      const parse = this.options.parseTimestamp;
      if (parse === undefined) throw this.wrongKind(where, type, v, "a Date or a bigint of microseconds since the epoch");
      const us = parse(v);
      if (us === null) throw this.error(where, type, v, "is not a timestamp");
      return us;
    }
    throw this.wrongKind(where, type, v, "a Date, a bigint of microseconds, a number of milliseconds or a timestamp string");
  }

  private date(v: unknown, where: Where): number {
    const type: DataType = { typeName: "date" };
    if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) throw this.error(where, type, v, "is an invalid Date");
      return Math.floor(ms / MS_PER_DAY);
    }
    if (typeof v === "number") {
      if (!Number.isInteger(v)) throw this.error(where, type, v, "is not a whole number of days since the epoch");
      if (v < INT_RANGES.integer[0] || v > INT_RANGES.integer[1]) throw this.outOfRange(where, type, v, "of days since the epoch (32 bits)");
      return v;
    }
    if (typeof v === "string") {
      const parse = this.options.parseDate;
      if (parse === undefined) throw this.wrongKind(where, type, v, "a Date or a number of days since the epoch");
      const days = parse(v);
      if (days === null) throw this.error(where, type, v, "is not a date");
      return days;
    }
    throw this.wrongKind(where, type, v, "a Date, a number of days or a date string");
  }

  private outOfRange(where: Where, type: DataType, v: unknown, range: string): ExecutionError {
    return this.error(where, type, v, `is out of range ${range}`);
  }

  private wrongKind(where: Where, type: DataType, v: unknown, expected: string): ExecutionError {
    return this.error(where, type, v, `is not ${expected}`);
  }

  private error(where: Where, type: DataType, v: unknown, problem: string): ExecutionError {
    return new ExecutionError(`${this.options.subsystem}: row ${where.row}, column '${where.column}' (${simpleString(type)}): value ${describeValue(v)} ${problem}`, {
      operator: this.options.subsystem,
      row: where.row,
      column: where.column,
    });
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A short rendering of a value for messages: `2147483648`, `12n`, `"abc"`, `NaN`, `Date(…)`, `object`. */
function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Date(Invalid)" : `Date(${v.toISOString()})`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (v instanceof Map) return `a Map of ${v.size}`;
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "no prototype"})`;
  return typeof v;
}
