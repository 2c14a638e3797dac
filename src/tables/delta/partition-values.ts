/**
 * Partition values: parsing the string serialization of PROTOCOL.md "Partition Value Serialization"
 * into the values `vectorFromValues` accepts, and building constant partition columns.
 */
import { SourceError } from "../../errors.js";
import type { DataType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { nullVector, vectorFromValues } from "../../columnar/build.js";

/**
 * A column of `length` copies of the partition value `raw` (a serialized string; `null` or `""` is
 * the null partition) typed `type`.
 * @throws SourceError (`delta reader: …`) naming the column and the value when it does not parse.
 */
export function partitionVector(type: DataType, raw: string | null, length: number, column: string): Vector {
  const value = parsePartitionValue(type, raw, column);
  if (value === null) return nullVector(type, length);
  return vectorFromValues(type, new Array<unknown>(length).fill(value));
}

/**
 * Parses one serialized partition value: numbers in decimal, booleans `true`/`false`, dates
 * `yyyy-MM-dd`, timestamps `yyyy-MM-dd HH:mm:ss[.SSSSSS]` (UTC) or ISO 8601 with a zone, decimals
 * and strings as written. Returns `null` for the null partition.
 */
export function parsePartitionValue(type: DataType, raw: string | null, column: string): unknown {
  if (raw === null || raw === "") return null;
  const bad = (): never => {
    throw new SourceError(`delta reader: partition value ${JSON.stringify(raw)} of column '${column}' is not a valid ${type.typeName}`);
  };
  switch (type.typeName) {
    case "string":
    case "binary":
    case "decimal":
      return raw;
    case "long":
      if (!/^[+-]?\d+$/.test(raw)) bad();
      return BigInt(raw);
    case "integer":
    case "short":
    case "byte":
      if (!/^[+-]?\d+$/.test(raw)) bad();
      return Number(raw);
    case "double":
    case "float": {
      const n = Number(raw);
      if (Number.isNaN(n) && raw !== "NaN") bad();
      return n;
    }
    case "boolean": {
      const s = raw.toLowerCase();
      if (s !== "true" && s !== "false") bad();
      return s === "true";
    }
    case "date": {
      const m = /^(\d{4,})-(\d{2})-(\d{2})$/.exec(raw);
      if (m === null) return bad();
      return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
    }
    case "timestamp":
      return parseTimestampMicros(raw) ?? bad();
    default:
      return bad();
  }
}

/** `yyyy-MM-dd[ T]HH:mm:ss[.ffffff][Z|±HH:mm]` as microseconds since the epoch (UTC when no zone), or `null`. */
function parseTimestampMicros(raw: string): bigint | null {
  const m = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(raw);
  if (m === null) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const fraction = BigInt(((m[7] ?? "") + "000000").slice(0, 6));
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z") {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (z === null) return null;
    offsetMinutes = (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  return BigInt(ms - offsetMinutes * 60_000) * 1000n + fraction;
}
