/**
 * Iceberg's partition transforms (spec "Partition Transforms"): identity, `bucket[N]`,
 * `truncate[W]`, year, month, day, hour and void, applied to whole vectors when writing, with
 * their result types, the text a partition folder shows, and the value a manifest stores.
 *
 * `bucket` hashes the spec's byte form with MurmurHash3 x86 32 (seed 0): int, long, date, time
 * and timestamps as an 8-byte little-endian long; strings as UTF-8; binary as is; decimals as the
 * unscaled value's minimal big-endian two's complement bytes.
 */
import { AnalysisError } from "../../errors.js";
import { civilFromDays, daysFromCivil } from "../../columnar/civil-date.js";
import { formatDate, pad } from "../../columnar/datetime-text.js";
import { murmur3 } from "../../columnar/murmur3.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { formatDecimal } from "../../columnar/values.js";
import type { BytesVector, I32Vector, Vector } from "../../columnar/vector.js";
import { IntegerType, DateType } from "../../types/data-types.js";
import type { DataType } from "../../types/data-types.js";
import type { IcebergSchema, IcebergType, PartitionField } from "./metadata.js";
import { fieldsById } from "./types.js";

export type Transform =
  | { readonly kind: "identity" | "year" | "month" | "day" | "hour" | "void" }
  | { readonly kind: "bucket"; readonly n: number }
  | { readonly kind: "truncate"; readonly width: number };

/** Parses a transform's name. @throws AnalysisError for one the spec does not define. */
export function parseTransform(s: string): Transform {
  const t = s.trim().toLowerCase();
  switch (t) {
    case "identity":
    case "year":
    case "month":
    case "day":
    case "hour":
    case "void":
      return { kind: t };
  }
  const m = /^(bucket|truncate)\[(\d+)\]$/.exec(t);
  if (m !== null && Number(m[2]) > 0) return m[1] === "bucket" ? { kind: "bucket", n: Number(m[2]) } : { kind: "truncate", width: Number(m[2]) };
  throw new AnalysisError(`iceberg: unknown partition transform '${s}' (identity, bucket[N], truncate[W], year, month, day, hour, void)`);
}

/** The source column's Iceberg type. */
export function sourceType(field: PartitionField, schema: IcebergSchema): IcebergType {
  const f = fieldsById(schema).get(field["source-id"]);
  if (f === undefined) throw new AnalysisError(`iceberg: partition field '${field.name}' reads column id ${field["source-id"]}, which the schema has not`);
  return f.type;
}

/** The type of a partition field's values. */
export function partitionResultType(field: PartitionField, schema: IcebergSchema): IcebergType {
  const t = parseTransform(field.transform);
  switch (t.kind) {
    case "identity":
    case "truncate":
    case "void":
      return sourceType(field, schema);
    case "bucket":
    case "year":
    case "month":
    case "hour":
      return "int";
    case "day":
      return "date";
  }
}

/** The Spark type of the vector {@link applyTransform} returns for `source`. */
export function transformedSparkType(t: Transform, source: DataType): DataType {
  switch (t.kind) {
    case "identity":
    case "truncate":
    case "void":
      return source;
    case "day":
      return DateType();
    default:
      return IntegerType();
  }
}

const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * The transform of every slot of `v` (of Spark type `type`), as a vector.
 * @throws AnalysisError when the transform does not apply to the type.
 */
export function applyTransform(t: Transform, v: Vector, type: DataType, column: string): Vector {
  const n = v.length;
  const bad = (): never => {
    throw new AnalysisError(`iceberg: partition transform ${describeTransform(t)} cannot apply to column '${column}' of type ${type.typeName}`);
  };
  switch (t.kind) {
    case "identity":
      return v;
    case "void":
      return { ...v, valid: new Uint8Array(n) } as Vector;
    case "year":
    case "month":
    case "day":
    case "hour": {
      const out = new Int32Array(n);
      const ymd = new Int32Array(3);
      if (v.kind === "i32" && type.typeName === "date") {
        const unit = t.kind;
        if (unit === "hour") return bad();
        for (let i = 0; i < n; i++) out[i] = calendarUnit(unit, v.values[i], ymd);
      } else if (v.kind === "i64" && (type.typeName === "timestamp" || type.typeName === "timestamp_ntz")) {
        for (let i = 0; i < n; i++) {
          if (v.valid !== null && v.valid[i] === 0) continue;
          const us = v.values[i];
          out[i] = t.kind === "hour" ? Number(floorDiv(us, MICROS_PER_HOUR)) : calendarUnit(t.kind, Number(floorDiv(us, MICROS_PER_DAY)), ymd);
        }
      } else bad();
      const r: I32Vector = { kind: "i32", type: t.kind === "day" ? DateType() : IntegerType(), length: n, valid: v.valid, values: out };
      return r;
    }
    case "bucket": {
      const out = new Int32Array(n);
      const scratch = new Uint8Array(8);
      const view = new DataView(scratch.buffer);
      const hashLong = (x: bigint): number => {
        view.setBigInt64(0, x, true);
        return murmur3(scratch, 0, 8, 0);
      };
      for (let i = 0; i < n; i++) {
        if (v.valid !== null && v.valid[i] === 0) continue;
        let h: number;
        switch (v.kind) {
          case "i32":
          case "i16":
          case "i8":
            h = hashLong(BigInt(v.values[i]));
            break;
          case "i64":
            h = hashLong(v.values[i]);
            break;
          case "bytes":
            h = murmur3(v.data, v.offsets[i], v.offsets[i + 1], 0);
            break;
          case "decimal": {
            const b = decimalBytes(v.values[i]);
            h = murmur3(b, 0, b.length, 0);
            break;
          }
          default:
            return bad();
        }
        out[i] = (h & 0x7fffffff) % t.n;
      }
      const r: I32Vector = { kind: "i32", type: IntegerType(), length: n, valid: v.valid, values: out };
      return r;
    }
    case "truncate": {
      const w = t.width;
      switch (v.kind) {
        case "i32": {
          const out = new Int32Array(n);
          for (let i = 0; i < n; i++) out[i] = v.values[i] - (((v.values[i] % w) + w) % w);
          return { ...v, values: out };
        }
        case "i64": {
          const out = new BigInt64Array(n);
          const W = BigInt(w);
          for (let i = 0; i < n; i++) out[i] = v.values[i] - (((v.values[i] % W) + W) % W);
          return { ...v, values: out };
        }
        case "decimal": {
          const W = BigInt(w);
          return { ...v, values: v.values.map((x) => x - (((x % W) + W) % W)) };
        }
        case "bytes":
          return type.typeName === "string" ? truncateStrings(v, w) : truncateBytes(v, w);
        default:
          return bad();
      }
    }
  }
}

function calendarUnit(kind: "year" | "month" | "day", days: number, ymd: Int32Array): number {
  if (kind === "day") return days;
  civilFromDays(days, ymd);
  return kind === "year" ? ymd[0] - 1970 : (ymd[0] - 1970) * 12 + ymd[1] - 1;
}

/** The first `w` code points of each string. */
function truncateStrings(v: BytesVector, w: number): BytesVector {
  const offsets = new Int32Array(v.length + 1);
  const parts: number[] = [];
  for (let i = 0; i < v.length; i++) {
    let p = v.offsets[i];
    const end = v.offsets[i + 1];
    let count = 0;
    while (p < end && count < w) {
      const b = v.data[p];
      p += b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      count++;
    }
    parts.push(v.offsets[i], Math.min(p, end));
    offsets[i + 1] = offsets[i] + (Math.min(p, end) - v.offsets[i]);
  }
  return gather(v, parts, offsets);
}

function truncateBytes(v: BytesVector, w: number): BytesVector {
  const offsets = new Int32Array(v.length + 1);
  const parts: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const end = Math.min(v.offsets[i + 1], v.offsets[i] + w);
    parts.push(v.offsets[i], end);
    offsets[i + 1] = offsets[i] + (end - v.offsets[i]);
  }
  return gather(v, parts, offsets);
}

function gather(v: BytesVector, parts: readonly number[], offsets: Int32Array): BytesVector {
  const data = new Uint8Array(offsets[v.length]);
  for (let i = 0; i < v.length; i++) data.set(v.data.subarray(parts[2 * i], parts[2 * i + 1]), offsets[i]);
  return { ...v, offsets, data };
}

/** The minimal big-endian two's complement bytes of `x` (Java's `BigInteger.toByteArray`). */
export function decimalBytes(x: bigint): Uint8Array {
  const out: number[] = [];
  let v = x;
  for (;;) {
    const b = Number(BigInt.asUintN(8, v));
    out.unshift(b);
    v >>= 8n;
    if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

export function describeTransform(t: Transform): string {
  return t.kind === "bucket" ? `bucket[${t.n}]` : t.kind === "truncate" ? `truncate[${t.width}]` : t.kind;
}

/**
 * The text of a transformed value in a partition folder (Iceberg's `toHumanString`): years
 * `2024`, months `2024-03`, days `2024-03-07`, hours `2024-03-07-10`; identity dates as
 * `2024-03-07`; timestamps as ISO-8601 with microseconds; numbers and strings as they are. Null
 * is `null`.
 */
export function humanString(t: Transform, type: DataType, v: Vector, row: number): string | null {
  if (v.valid !== null && v.valid[row] === 0) return null;
  if (v.kind === "null") return null;
  const ymd = new Int32Array(3);
  switch (t.kind) {
    case "year":
      return String(1970 + (v as I32Vector).values[row]);
    case "month": {
      const m = (v as I32Vector).values[row];
      const y = Math.floor(m / 12);
      return `${1970 + y}-${pad(m - y * 12 + 1, 2)}`;
    }
    case "day":
      return formatDate((v as I32Vector).values[row]);
    case "hour": {
      const h = (v as I32Vector).values[row];
      const d = Math.floor(h / 24);
      civilFromDays(d, ymd);
      return `${formatDate(d)}-${pad(h - d * 24, 2)}`;
    }
    default:
      return valueText(type, v, row);
  }
}

function valueText(type: DataType, v: Vector, row: number): string {
  switch (v.kind) {
    case "i32":
      return type.typeName === "date" ? formatDate(v.values[row]) : String(v.values[row]);
    case "i16":
    case "i8":
    case "f64":
    case "f32":
      return String(v.values[row]);
    case "i64":
      return type.typeName === "timestamp" || type.typeName === "timestamp_ntz" ? microsText(v.values[row], type.typeName === "timestamp") : String(v.values[row]);
    case "bool":
      return v.values[row] === 1 ? "true" : "false";
    case "bytes":
      if (type.typeName === "string") return decodeUtf8(v.data, v.offsets[row], v.offsets[row + 1]);
      return Buffer.from(v.data.subarray(v.offsets[row], v.offsets[row + 1])).toString("base64");
    case "decimal":
      return formatDecimal(v.values[row], v.type.scale);
    default:
      throw new AnalysisError(`iceberg: a ${type.typeName} value cannot be a partition value`);
  }
}

/** `2024-03-07T10:11:12.123456` (+ `+00:00` with a zone), Iceberg's timestamp text. */
function microsText(us: bigint, utc: boolean): string {
  const days = Number(floorDiv(us, MICROS_PER_DAY));
  const inDay = us - BigInt(days) * MICROS_PER_DAY;
  const secs = Number(inDay / 1_000_000n);
  const micros = Number(inDay % 1_000_000n);
  const text = `${formatDate(days)}T${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}.${pad(micros, 6)}`;
  return utc ? `${text}+00:00` : text;
}

/**
 * The value a manifest stores for a partition value, from its {@link humanString} text and the
 * partition field's Iceberg result type: ints and dates as numbers (days), longs and timestamps
 * as {@link Long} µs, decimals as the unscaled value's bytes, strings as they are.
 */
export function partitionAvroValue(text: string | null, type: IcebergType, t: Transform): unknown {
  if (text === null) return null;
  if (typeof type !== "string") throw new AnalysisError(`iceberg: a partition value cannot be a ${type.type}`);
  switch (t.kind) {
    case "year":
      return Number(text) - 1970;
    case "month": {
      const [y, m] = text.split("-").map(Number);
      return (y - 1970) * 12 + m - 1;
    }
    case "hour": {
      const m = /^(-?\d+)-(\d\d)-(\d\d)-(\d\d)$/.exec(text);
      if (m === null) break;
      return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) * 24 + Number(m[4]);
    }
    default:
      break;
  }
  if (type === "date") {
    const m = /^(-?\d+)-(\d\d)-(\d\d)$/.exec(text);
    if (m !== null) return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  if (type === "int") return Number(text);
  if (type === "long") {
    const b = BigInt(text);
    return Number.isSafeInteger(Number(b)) ? Number(b) : b;
  }
  if (type === "float" || type === "double") return Number(text);
  if (type === "boolean") return text === "true";
  if (type === "string") return text;
  if (type === "binary") return Buffer.from(text, "base64");
  if (type === "timestamp" || type === "timestamptz") {
    const m = /^(-?\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})/.exec(text);
    if (m !== null) {
      const days = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
      return days * MICROS_PER_DAY + BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6])) * 1_000_000n + BigInt(m[7]);
    }
  }
  const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
  if (decimal !== null) {
    return Buffer.from(fixedDecimal(unscaledFromText(text, Number(decimal[2])), Number(decimal[1])));
  }
  throw new AnalysisError(`iceberg: cannot store the partition value '${text}' as ${type}`);
}

/** Bytes of the fixed holding a decimal of `precision` digits (Iceberg's `TypeUtil.decimalRequiredBytes`). */
export function decimalRequiredBytes(precision: number): number {
  let n = 1;
  while (Math.pow(2, 8 * n - 1) - 1 < Math.pow(10, precision)) n++;
  return n;
}

/** The unscaled value of a decimal's text (`-12.5`) at `scale` (digits past it are dropped). */
export function unscaledFromText(text: string, scale: number): bigint {
  const [whole, frac = ""] = text.replace("-", "").split(".");
  return BigInt(whole + frac.padEnd(scale, "0").slice(0, scale)) * (text.startsWith("-") ? -1n : 1n);
}

/** The value of big-endian two's complement bytes (the inverse of {@link decimalBytes}). */
export function unscaledFromBytes(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return b.length > 0 && (b[0] & 0x80) !== 0 ? v - (1n << BigInt(8 * b.length)) : v;
}

/** A decimal's unscaled value as the fixed of Iceberg's Avro decimal (sign-extended big-endian). */
function fixedDecimal(unscaled: bigint, precision: number): Uint8Array {
  const size = decimalRequiredBytes(precision);
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, unscaled);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
