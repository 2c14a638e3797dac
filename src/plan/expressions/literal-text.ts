/**
 * Literal values as Spark prints them: in output column names (pretty SQL: strings unquoted,
 * numbers as Java prints them) and in casts to string (`Double.toString`, `Float.toString`).
 */
import type { LiteralExpr } from "../../sql/expression.js";
import { formatDecimal } from "../../columnar/values.js";
import { javaDoubleString, javaFloatString } from "../../columnar/java-text.js";
import { UTC, toLocalMicros, zoneRules } from "../../columnar/time-zone.js";
import { sessionTimeZone } from "./session-zone.js";
import { intervalLiteralSql } from "../../types/interval-strings.js";

/** A literal as it appears inside Spark's pretty SQL / output names (`x`, `1`, `1.5`, `NULL`, `true`). */
export function formatLiteral(e: LiteralExpr): string {
  const v = e.value;
  if (v === null) return "NULL";
  switch (e.dataType.typeName) {
    case "string":
      return String(v);
    case "double":
      return typeof v === "number" ? javaDoubleString(v) : String(v);
    case "float":
      return typeof v === "number" ? javaFloatString(Math.fround(v)) : String(v);
    case "decimal":
      return typeof v === "bigint" ? formatDecimal(v, e.dataType.scale) : String(v);
    case "timestamp":
      // A literal written without a zone holds its wall-clock time read as UTC until analysis.
      return typeof v === "bigint" ? `TIMESTAMP '${wallClockText(v, e.zonelessText === undefined ? sessionTimeZone() : "UTC")}'` : String(v);
    case "timestamp_ntz":
      return typeof v === "bigint" ? `TIMESTAMP_NTZ '${wallClockText(v, "UTC")}'` : String(v);
    case "date":
      return typeof v === "number" ? `DATE '${isoText(v * 86_400_000).slice(0, 10)}'` : String(v);
    case "binary":
      return v instanceof Uint8Array ? `X'${Buffer.from(v).toString("hex").toUpperCase()}'` : String(v);
    case "yearmonthinterval":
    case "daytimeinterval":
    case "interval":
      return intervalLiteralSql(v, e.dataType);
    default:
      return String(v);
  }
}

/** `yyyy-MM-dd HH:mm:ss[.ffffff]` (trailing zeros trimmed) of the instant `us` in `zone`. */
function wallClockText(us: bigint, zone: string): string {
  const local = toLocalMicros(us, zoneRules(zone) ?? UTC);
  const ms = local / 1000n - (local % 1000n < 0n ? 1n : 0n);
  const micros = Number(local - ms * 1000n);
  const fraction = Number(ms % 1000n < 0n ? (ms % 1000n) + 1000n : ms % 1000n) * 1000 + micros;
  const text = isoText(Number(ms)).replace("T", " ").replace(/\.\d{3}$/, "");
  return fraction === 0 ? text : `${text}.${String(fraction).padStart(6, "0").replace(/0+$/, "")}`;
}

function isoText(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "").replace(/Z$/, "");
}
