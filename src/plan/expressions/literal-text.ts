/**
 * Literal values as Spark prints them: in output column names (pretty SQL: strings unquoted,
 * numbers as Java prints them) and in casts to string (`Double.toString`, `Float.toString`).
 */
import type { LiteralExpr } from "../../sql/expression.js";
import { formatDecimal } from "../../columnar/values.js";
import { javaDoubleString, javaFloatString } from "../../columnar/java-text.js";
import { UTC, zoneRules } from "../../columnar/time-zone.js";
import { formatDate, formatTimestamp } from "../../columnar/datetime-text.js";
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
      return typeof v === "bigint" ? `TIMESTAMP '${formatTimestamp(v, e.zonelessText === undefined ? (zoneRules(sessionTimeZone()) ?? UTC) : UTC)}'` : String(v);
    case "timestamp_ntz":
      return typeof v === "bigint" ? `TIMESTAMP_NTZ '${formatTimestamp(v, UTC)}'` : String(v);
    case "date":
      return typeof v === "number" ? `DATE '${formatDate(v)}'` : String(v);
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
