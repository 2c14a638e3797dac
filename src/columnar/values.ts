/**
 * Reading vectors back as JavaScript values: for `collect()`, `show()`, the memory sink and tests.
 * Never used on the hot path.
 *
 * Value mapping: string → string; long → bigint; integer/short/byte/float/double → number;
 * boolean → boolean; binary → Uint8Array; timestamp/date → Date; decimal → string (exact);
 * array → array; map → Map; struct → plain object keyed by field name; year-month interval →
 * number (months); day-time interval → bigint (microseconds); calendar interval →
 * `{ months, days, microseconds }`.
 */
import type { Batch } from "./batch.js";
import type { Vector } from "./vector.js";
import { isValid } from "./vector.js";
import { decodeUtf8 } from "./utf8.js";
import { calendarAt } from "./calendar-interval.js";

/** A collected row: field name → value. */
export type Row = Record<string, unknown>;

/** The value in slot `i` of `v`, or null. */
export function valueAt(v: Vector, i: number): unknown {
  if (!isValid(v, i)) return null;
  switch (v.kind) {
    case "i64":
      // A TIMESTAMP_NTZ reads as the Date whose UTC fields are its wall-clock time.
      return v.type.typeName === "timestamp" || v.type.typeName === "timestamp_ntz" ? new Date(Number(v.values[i] / 1000n)) : v.values[i];
    case "i32":
      return v.type.typeName === "date" ? new Date(v.values[i] * 86_400_000) : v.values[i];
    case "i16":
    case "i8":
    case "f64":
    case "f32":
      return v.values[i];
    case "bool":
      return v.values[i] === 1;
    case "bytes":
      if (v.type.typeName === "interval") return calendarAt(v, i);
      return v.type.typeName === "binary"
        ? v.data.slice(v.offsets[i], v.offsets[i + 1])
        : decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]);
    case "decimal":
      return formatDecimal(v.values[i], v.type.scale);
    case "null":
      return null;
    case "struct": {
      const o: Row = {};
      v.type.fields.forEach((f, k) => {
        o[f.name] = valueAt(v.children[k], i);
      });
      return o;
    }
    case "list": {
      const out: unknown[] = [];
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) out.push(valueAt(v.child, k));
      return out;
    }
    case "map": {
      const m = new Map<unknown, unknown>();
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) m.set(valueAt(v.keys, k), valueAt(v.items, k));
      return m;
    }
  }
}

/** Every row of `batch` as an object keyed by field name. */
export function batchToRows(batch: Batch): Row[] {
  const rows: Row[] = [];
  const fields = batch.schema.fields;
  for (let i = 0; i < batch.numRows; i++) {
    const r: Row = {};
    for (let c = 0; c < fields.length; c++) r[fields[c].name] = valueAt(batch.columns[c], i);
    rows.push(r);
  }
  return rows;
}

/** Formats an unscaled decimal with `scale` digits after the point: (12345n, 2) → "123.45". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let s = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, "0");
    s = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  }
  return neg ? `-${s}` : s;
}
