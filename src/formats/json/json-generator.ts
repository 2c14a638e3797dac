/**
 * Writes column values as JSON text the way Spark's `JacksonGenerator` does (used by `to_json` and
 * the JSON sink): struct fields that are null are omitted (`ignoreNullFields`, default true);
 * nulls inside arrays and map values are written as `null`; timestamps as
 * `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session time zone (`2024-01-02T03:04:05.000Z`); dates as
 * `yyyy-MM-dd`; decimals as plain numbers (Java `BigDecimal.toString`); doubles and floats as
 * Java prints them, non-finite ones quoted (`"NaN"`); binary as base64; strings escaped as Jackson
 * does, other characters written as they are.
 */
import type { Vector } from "../../columnar/vector.js";
import { isValid } from "../../columnar/vector.js";
import { decodeUtf8 } from "../../columnar/utf8.js";
import { InternalError } from "../../errors.js";
import { base64Encode, formatDate, formatJsonTimestamp, formatJsonTimestampNtz, quoteJsonString } from "./json-text.js";
import { javaBigDecimalString, javaDoubleString, javaFloatString } from "../../columnar/java-text.js";
import { intervalSlotText, isIntervalVector } from "../../columnar/interval-text.js";

/** Generator settings. */
export interface JsonGeneratorOptions {
  /** Session time zone for timestamps. Default `UTC`. */
  readonly timeZone?: string;
  /** Omit null struct fields (Spark's `ignoreNullFields`). Default true. */
  readonly ignoreNullFields?: boolean;
}

/** The JSON text of slot `i` of `v` (which must be valid there). */
export function jsonValueText(v: Vector, i: number, options: JsonGeneratorOptions = {}): string {
  return writeValue(v, i, options.timeZone ?? "UTC", options.ignoreNullFields ?? true);
}

/**
 * The JSON object text of row `i` of a table given as parallel columns with field names:
 * `{"a":1,"b":"x"}`; null fields omitted unless `ignoreNullFields` is false.
 */
export function jsonRowText(names: readonly string[], columns: readonly Vector[], i: number, options: JsonGeneratorOptions = {}): string {
  const zone = options.timeZone ?? "UTC";
  const ignoreNulls = options.ignoreNullFields ?? true;
  let out = "{";
  let first = true;
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c];
    const present = isValid(col, i);
    if (!present && ignoreNulls) continue;
    if (!first) out += ",";
    first = false;
    out += `${quoteJsonString(names[c])}:${present ? writeValue(col, i, zone, ignoreNulls) : "null"}`;
  }
  return `${out}}`;
}

function writeValue(v: Vector, i: number, zone: string, ignoreNulls: boolean): string {
  // Intervals as strings (Spark's JacksonGenerator: the ANSI literal form, `1 days` for calendar).
  if (isIntervalVector(v)) return quoteJsonString(intervalSlotText(v, i, false));
  switch (v.kind) {
    case "i64":
      if (v.type.typeName === "timestamp_ntz") return `"${formatJsonTimestampNtz(v.values[i])}"`;
      return v.type.typeName === "timestamp" ? `"${formatJsonTimestamp(v.values[i], zone)}"` : v.values[i].toString();
    case "i32":
      return v.type.typeName === "date" ? `"${formatDate(v.values[i])}"` : String(v.values[i]);
    case "i16":
    case "i8":
      return String(v.values[i]);
    case "f64": {
      const d = v.values[i];
      return Number.isFinite(d) ? javaDoubleString(d) : `"${javaDoubleString(d)}"`;
    }
    case "f32": {
      const f = v.values[i];
      return Number.isFinite(f) ? javaFloatString(f) : `"${javaFloatString(f)}"`;
    }
    case "bool":
      return v.values[i] === 1 ? "true" : "false";
    case "bytes":
      return v.type.typeName === "binary"
        ? `"${base64Encode(v.data, v.offsets[i], v.offsets[i + 1])}"`
        : quoteJsonString(decodeUtf8(v.data, v.offsets[i], v.offsets[i + 1]));
    case "decimal":
      return javaBigDecimalString(v.values[i], v.type.scale);
    case "null":
      return "null";
    case "struct":
      return jsonRowText(
        v.type.fields.map((f) => f.name),
        v.children,
        i,
        { timeZone: zone, ignoreNullFields: ignoreNulls },
      );
    case "list": {
      let out = "[";
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) {
        if (k > v.offsets[i]) out += ",";
        out += isValid(v.child, k) ? writeValue(v.child, k, zone, ignoreNulls) : "null";
      }
      return `${out}]`;
    }
    case "map": {
      let out = "{";
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) {
        if (k > v.offsets[i]) out += ",";
        out += `${quoteJsonString(mapKeyText(v.keys, k, zone, ignoreNulls))}:`;
        out += isValid(v.items, k) ? writeValue(v.items, k, zone, ignoreNulls) : "null";
      }
      return `${out}}`;
    }
  }
  throw new InternalError("json generator: unknown vector kind");
}

/** A map key as text: strings as they are, other keys as their JSON/`toString` form. */
function mapKeyText(keys: Vector, k: number, zone: string, ignoreNulls: boolean): string {
  if (keys.kind === "bytes" && keys.type.typeName === "string") return decodeUtf8(keys.data, keys.offsets[k], keys.offsets[k + 1]);
  const t = writeValue(keys, k, zone, ignoreNulls);
  return t.startsWith('"') ? (JSON.parse(t) as string) : t;
}
