/**
 * Casts to and from Spark's TIMESTAMP_NTZ (a wall-clock date and time, µs since 1970-01-01 00:00
 * with no zone), as Spark 3.5: strings parse as wall-clock times (a zone in the text is ignored)
 * and print without a zone; a date is its midnight and a TIMESTAMP_NTZ's date is its day; between
 * TIMESTAMP and TIMESTAMP_NTZ the session time zone maps instants to wall-clock times and back.
 */
import type { DataType } from "../../types/data-types.js";
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { BytesBuilder, nullVector } from "../../columnar/build.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import type { ZoneRules } from "../../columnar/time-zone.js";
import { UTC, fromLocalMicros, toLocalMicros } from "../../columnar/time-zone.js";
import { MICROS_PER_DAY, formatTimestamp, microsToDays, parseTimestamp } from "./datetime.js";
import { longVector, numberVector, validity } from "./vectors.js";

/** Whether a cast from `from` to `to` involves TIMESTAMP_NTZ (and is done here). */
export function isNtzCast(from: DataType, to: DataType): boolean {
  return from.typeName === "timestamp_ntz" || to.typeName === "timestamp_ntz";
}

/** Casts `v` to `to` where one side is TIMESTAMP_NTZ; `zone` is the session time zone. */
export function castNtz(v: Vector, to: DataType, zone: ZoneRules): Vector {
  const n = v.length;
  const from = v.type.typeName;
  if (to.typeName === "timestamp_ntz") {
    const out = new BigInt64Array(n);
    if (v.kind === "bytes" && from === "string") {
      const valid = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (!isValid(v, i)) continue;
        const us = parseTimestamp(withoutZone(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1])), UTC);
        if (us === null) continue;
        out[i] = us;
        valid[i] = 1;
      }
      return longVector(to, out, valid);
    }
    if (v.kind === "i32" && from === "date") {
      for (let i = 0; i < n; i++) out[i] = BigInt(v.values[i]) * MICROS_PER_DAY;
      return longVector(to, out, validity(v));
    }
    if (v.kind === "i64" && from === "timestamp") {
      for (let i = 0; i < n; i++) if (isValid(v, i)) out[i] = toLocalMicros(v.values[i], zone);
      return longVector(to, out, validity(v));
    }
    return nullVector(to, n);
  }
  if (v.kind !== "i64") return nullVector(to, n);
  switch (to.typeName) {
    case "string": {
      const b = new BytesBuilder(n, n * 26);
      for (let i = 0; i < n; i++) {
        if (isValid(v, i)) b.appendString(formatTimestamp(v.values[i], UTC));
        else b.appendNull();
      }
      return b.finish(to);
    }
    case "date": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = microsToDays(v.values[i]);
      return numberVector(to, out, validity(v));
    }
    case "timestamp": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (isValid(v, i)) out[i] = fromLocalMicros(v.values[i], zone);
      return longVector(to, out, validity(v));
    }
    default:
      return nullVector(to, n);
  }
}

/** The text without a trailing zone (`Z`, `+08:00`, `UTC`, a region id): TIMESTAMP_NTZ ignores it. */
function withoutZone(s: string): string {
  return s.trim().replace(/\s*(?:[zZ]|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?|(?:UTC|GMT|UT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Za-z_]+\/[A-Za-z_/+-]+)$/, "");
}
